"""One exception family, with messages written for the person who ran the command.

Every error a user can cause says which file, what was measured, what the limit is and how to fix it, so the
CLI can print ``str(error)`` and exit without a traceback.
"""
from __future__ import annotations

from pathlib import Path


class MotionTransferError(Exception):
    """Base of every error this package raises on purpose. ``exit_code`` is what the CLI exits with.

    The facts are attributes, so programs (the JSON report, preflight findings, the ComfyUI node) never parse the
    sentence: ``message`` (what went wrong), ``fix`` (what to do), ``file``, ``measured``, ``limit`` and ``code``
    (a stable word for programs). ``str(error)`` is the sentence a person reads: "FILE: MESSAGE Fix: FIX".
    A message written as one sentence with its fix after " Fix: " is split into the two attributes.
    """

    exit_code = 1
    default_code = "error"

    def __init__(
        self,
        message: str = "",
        *,
        file: str | Path | None = None,
        measured: object = None,
        limit: object = None,
        fix: str | None = None,
        code: str | None = None,
    ) -> None:
        if fix is None and " Fix: " in message:
            message, fix = message.split(" Fix: ", 1)
        self.message = message
        self.fix = fix
        self.file = str(file) if file is not None else None
        self.measured = measured
        self.limit = limit
        self.code = code if code is not None else self.default_code
        super().__init__(self.sentence())

    def sentence(self) -> str:
        """The error as one line for a person: file, what went wrong, and the fix."""
        text = f"{self.file}: {self.message}" if self.file else self.message
        return f"{text} Fix: {self.fix}" if self.fix else text

    def to_dict(self) -> dict:
        """A JSON-ready description (the ``error`` object of ``--json``)."""
        return {"type": type(self).__name__, "code": self.code, "message": self.message, "fix": self.fix,
                "file": self.file, "measured": self.measured, "limit": self.limit, "exit_code": self.exit_code,
                "sentence": str(self)}


class InputError(MotionTransferError):
    """A user-supplied file or value breaks a rule (exit 2).

    The structured fields let programs (the JSON report, the ComfyUI node) show the same facts the sentence says.
    """

    exit_code = 2
    default_code = "input"


class PreflightError(InputError):
    """Preflight found at least one error-level finding; ``findings`` holds all of them."""

    def __init__(self, findings: list) -> None:
        self.findings = findings
        errors = [f for f in findings if f.severity == "error"]
        lines = [f"{len(errors)} problem(s) must be fixed before running:"]
        lines += [f"  - {f.sentence()}" for f in errors]
        super().__init__("\n".join(lines), code="preflight")


class ConfigError(MotionTransferError):
    """Something the user must configure (keys, bucket, model path) is missing or wrong."""

    exit_code = 2


class DependencyError(MotionTransferError):
    """An optional dependency or local model file needed for the chosen feature is absent."""

    exit_code = 2


class EngineError(MotionTransferError):
    """An engine could not produce its result."""


class RigError(EngineError):
    """The puppet engine could not rig the character image."""

    exit_code = 2


class JobTakenOver(EngineError):
    """Another process took this job's claim while ours lapsed (a laptop asleep past the lease): ours stands down.

    Raised only inside the Kling lifecycle, which then waits for the new holder instead of downloading twice.
    """

    default_code = "job_taken_over"


class RemoteError(EngineError):
    """A remote service (Kling) refused or failed a request.

    ``remote_code`` is the service's own numeric code (``code`` stays the word every error has).
    """

    default_code = "remote"

    def __init__(self, message: str, *, code: int | None = None, http_status: int | None = None,
                 fix: str | None = None) -> None:
        self.remote_code = code
        self.http_status = http_status
        super().__init__(message, fix=fix)


class RemoteAuthError(RemoteError):
    """Wrong, missing or expired keys (Kling codes 1000-1004)."""


class RemoteAccountError(RemoteError):
    """Account, balance or permission problem (Kling codes 1100-1103)."""


class RemoteParameterError(RemoteError):
    """The service refused a parameter (Kling codes 1200-1201)."""


class RemotePolicyError(RemoteError):
    """Content policy refusal (Kling codes 1300-1301) or a task that failed with a policy message."""


class RemoteTaskFailed(RemoteError):
    """The remote task ended in state ``failed``."""


class SubmitUncertain(RemoteError):
    """The create request may or may not have reached Kling (connection lost, timeout, server error)."""


class TaskNotFound(RemoteError):
    """Kling has no task with this id (or external id)."""


class RateLimited(RemoteError):
    """Kling kept answering 429 / 1302 / 1303 for longer than the retry budget."""


class JobNotFound(MotionTransferError):
    """No job in the local store has the id the user gave."""

    exit_code = 2
    default_code = "job_not_found"

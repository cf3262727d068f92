"""One exception family, with messages written for the person who ran the command.

Every error a user can cause says which file, what was measured, what the limit is and how to fix it, so the
CLI can print ``str(error)`` and exit without a traceback.
"""
from __future__ import annotations

from pathlib import Path


class MotionTransferError(Exception):
    """Base of every error this package raises on purpose. ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(MotionTransferError):
    """A user-supplied file or value breaks a rule.

    The structured fields let programs (the JSON report, the ComfyUI node) show the same facts the sentence says.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        measured: object = None,
        limit: object = None,
        fix: str | None = None,
        code: str = "input",
    ) -> None:
        self.file = str(file) if file is not None else None
        self.measured = measured
        self.limit = limit
        self.fix = fix
        self.code = code
        parts = [f"{self.file}: {message}" if self.file else message]
        if fix:
            parts.append(f"Fix: {fix}")
        super().__init__(" ".join(parts))


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


class RemoteError(EngineError):
    """A remote service (Kling) refused or failed a request. ``code`` is the service's own error code."""

    def __init__(self, message: str, *, code: int | None = None, http_status: int | None = None) -> None:
        self.code = code
        self.http_status = http_status
        super().__init__(message)


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

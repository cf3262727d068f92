"""The ``--json`` contract, shared by every subcommand: exactly one JSON object on stdout.

``{"ok": true, "findings": [...], ...the command's own keys}`` on success; on failure
``{"ok": false, "findings": [...], "error": {"type", "code", "message", "fix", "file", "measured", "limit",
"exit_code", "sentence"}}`` and the process exits with ``error.exit_code``. ``findings`` is always a list
(empty when there is nothing to say); each finding has ``code``, ``severity``, ``message``, ``file``,
``measured``, ``limit``, ``fix``.
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from .errors import MotionTransferError


def _finding_dicts(findings: Iterable[Any]) -> list:
    return [f.to_dict() if hasattr(f, "to_dict") else f for f in findings or []]


def success(data: dict[str, Any] | None = None, findings: Iterable[Any] = ()) -> dict[str, Any]:
    """The success object: ``ok`` true, the findings, then the command's own keys."""
    data = dict(data or {})
    found = data.pop("findings", None)
    return {"ok": True, "findings": _finding_dicts(found if found is not None else findings), **data}


def failure(error: MotionTransferError | dict[str, Any], findings: Iterable[Any] = (),
            **data: Any) -> dict[str, Any]:
    """The failure object: ``ok`` false, the findings, ``error`` (with its exit code) and any extra keys."""
    error_doc = error.to_dict() if isinstance(error, MotionTransferError) else dict(error)
    return {"ok": False, "findings": _finding_dicts(findings), "error": error_doc, **data}


def usage_error(message: str) -> dict[str, Any]:
    """The error object for a command line argparse refused (exit 2)."""
    return {"type": "UsageError", "code": "usage", "message": message, "fix": "see --help.", "file": None,
            "measured": None, "limit": None, "exit_code": 2, "sentence": message}


def emit(doc: dict[str, Any]) -> None:
    """Print one JSON object on stdout."""
    print(json.dumps(doc, indent=2, default=str), flush=True)

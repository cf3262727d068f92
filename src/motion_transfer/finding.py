"""The ``Finding``: one measured fact about the inputs, shared by the input rules and the preflight advice."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Finding:
    """``code`` is stable (for programs and tests); ``message`` is for a person; ``fix`` says what to do."""

    code: str
    severity: Severity
    message: str
    file: str | None = None
    measured: Any = None
    limit: Any = None
    fix: str | None = None
    frames: list[int] | None = None

    def sentence(self) -> str:
        """The finding as one line: file, what was found, and the fix."""
        text = f"{self.file}: {self.message}" if self.file else self.message
        return f"{text} Fix: {self.fix}" if self.fix else text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable within a severity."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])

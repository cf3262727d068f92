"""The ``Finding``: one measured fact about the inputs, shared by the input rules and the preflight advice."""
from __future__ import annotations

import shutil
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, Sequence

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


def format_findings(findings: Sequence[Finding]) -> str:
    """A table a person can read: severity, code, the sentence, what was measured and the fix."""
    if not findings:
        return "No problems found."
    width = min(shutil.get_terminal_size((100, 20)).columns, 120)
    code_w = max(len(f.code) for f in findings)
    indent = " " * (9 + code_w + 2)
    lines = []
    for f in findings:
        head = f"{f.severity.upper():<8} {f.code:<{code_w}}  "
        body = textwrap.wrap(f.message if not f.file else f"{Path(f.file).name}: {f.message}",
                             width=max(40, width - len(indent)))
        lines.append(head + body[0])
        lines += [indent + b for b in body[1:]]
        facts = [f"{k}: {v}" for k, v in (("measured", f.measured), ("limit", f.limit)) if v is not None]
        if facts:  # a fact that has no value is left out, not printed as "None"
            lines.append(indent + "   ".join(facts))
        if f.fix:
            lines += textwrap.wrap(f"fix: {f.fix}", width=max(40 + len(indent), width), initial_indent=indent,
                                   subsequent_indent=indent + "     ")
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    lines.append(f"\n{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s).")
    return "\n".join(lines)

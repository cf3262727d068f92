"""The two dataclasses every way in (API, CLI, ComfyUI) and every engine share."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

Orientation = Literal["video", "image"]
Tier = Literal["std", "pro"]

ORIENTATIONS: tuple[str, ...] = ("video", "image")
TIERS: tuple[str, ...] = ("std", "pro")
# Short side of the output frame per tier: std = 720p, pro = 1080p.
TIER_SHORT_SIDE: dict[str, int] = {"std": 720, "pro": 1080}
PROMPT_MAX_CHARS = 2500
# ``progress(stage, done, total)``: how long work reports itself (CLI bars, ComfyUI's bar, the web UI).
Progress = Callable[[str, int, int], None]
# ``background`` value meaning "the motion video's own scene" (the actor replaced by the character); engines that
# can remove the actor support it (wan-animate's replace mode). Passing the motion video's own file means the same.
VIDEO_BACKGROUND = "video"


@dataclass
class Request:
    """One motion-transfer job, as the user asked for it.

    ``background`` is a file path (image or video) or a colour (``"#00ff00"``, ``"green"``); None keeps the
    character image's own background. ``options`` carries engine-specific settings (e.g. ``video_url`` and
    ``model`` for kling) so that the shared fields stay engine-neutral.
    """

    image: Path
    video: Path
    output: Path
    prompt: str = ""
    orientation: Orientation = "video"
    tier: Tier = "std"
    keep_sound: bool = True
    engine: str = "puppet"
    background: str | None = None
    seed: int = 0
    compare: Path | None = None
    rig: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.image = Path(self.image)
        self.video = Path(self.video)
        self.output = Path(self.output)
        if self.compare is not None:
            self.compare = Path(self.compare)
        if self.rig is not None:
            self.rig = Path(self.rig)


@dataclass
class Result:
    """What an engine produced. ``extra`` holds engine-specific facts (remote id, cost units, ...)."""

    output: Path
    engine: str
    width: int
    height: int
    fps: float
    frames: int
    duration: float
    has_audio: bool
    findings: list = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    compare: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: paths as strings, findings as dicts."""
        data = asdict(self)
        data["output"] = str(self.output)
        data["compare"] = str(self.compare) if self.compare else None
        data["findings"] = [f.to_dict() if hasattr(f, "to_dict") else f for f in self.findings]
        return data

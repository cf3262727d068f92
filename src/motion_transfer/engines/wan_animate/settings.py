"""The wan-animate engine's settings: defaults, choices, and their validation from ``Request.options``.

Defaults follow Wan2.2-Animate's own inference recipe (its preprocessing resamples the motion to 30 fps and sizes
frames to the area of 1280x720 in multiples of 16; 77-frame segments; 20 sampling steps; no classifier-free
guidance), except ``overlap``: 5 continuation frames instead of the recipe's 1, so each segment knows the motion's
velocity at the join as well as its position (about 6% more compute for a smoother join).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...errors import InputError

ENV_MODEL = "MOTION_TRANSFER_WAN_MODEL"
EXAMPLE_HUB_ID = "Wan-AI/Wan2.2-Animate-14B-Diffusers"
PIPELINE_CLASS = "WanAnimatePipeline"

# "auto" takes the fastest setting that fits the free GPU memory; the others are diffusers' own mechanisms.
OFFLOADS: tuple[str, ...] = ("auto", "none", "model", "group")
OFFLOAD_HELP = {
    "none": "every component on the GPU (fastest, most memory)",
    "model": "one component at a time on the GPU (diffusers' model CPU offload)",
    "group": "the transformer and text encoder streamed to the GPU block by block (diffusers' group offload; "
             "least memory, slower)",
}
NATIVE_AREA = 1280 * 720  # pixels per generated frame, the model's training resolution
MAX_FPS = 30.0  # the motion is resampled to at most this rate, as Wan's preprocessing does
SEGMENT_FRAMES = 77
OVERLAPS: tuple[int, ...] = (1, 5)  # the continuation frames the pipeline accepts
STEPS = 20


@dataclass(frozen=True)
class WanSettings:
    """Everything the user or a test may set; ``from_options`` reads and checks ``Request.options``.

    ``model_path``: a local folder in diffusers' layout (or, with ``allow_download``, a hub id);
    ``device``: "cuda" (the default and the only supported one; "cpu" exists for tests with tiny models);
    ``area``: generated pixels per frame; ``max_fps``: motion rate cap; ``segment_frames`` (4k + 1) and
    ``overlap`` (1 or 5): the pipeline's segment length and continuation frames; ``steps``, ``guidance``;
    ``vae_tiling``: decode in tiles (less memory, same picture up to tile blending).
    """

    model_path: str | None = None
    allow_download: bool = False
    offload: str = "auto"
    device: str = "cuda"
    area: int = NATIVE_AREA
    max_fps: float = MAX_FPS
    segment_frames: int = SEGMENT_FRAMES
    overlap: int = 5
    steps: int = STEPS
    guidance: float = 1.0
    vae_tiling: bool = True
    max_sequence_length: int = 512

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> "WanSettings":
        known = {k: options[k] for k in cls.__dataclass_fields__ if options.get(k) is not None}
        settings = cls(**known)
        settings.validate()
        return settings

    def validate(self) -> None:
        def bad(name: str, value, limit, fix: str) -> InputError:
            return InputError(f"the wan-animate setting {name}={value!r} is not allowed.", code=f"wan_{name}",
                              measured=value, limit=limit, fix=fix)

        if self.offload not in OFFLOADS:
            raise bad("offload", self.offload, list(OFFLOADS), f"use one of: {', '.join(OFFLOADS)}.")
        if self.device not in ("cuda", "cpu") and not str(self.device).startswith("cuda:"):
            raise bad("device", self.device, ["cuda", "cuda:N", "cpu"], "use cuda (or cuda:1 for a second GPU).")
        if self.segment_frames < 5 or self.segment_frames % 4 != 1:
            raise bad("segment_frames", self.segment_frames, "4k + 1, at least 5",
                      f"use {SEGMENT_FRAMES} (the model's training length) or another 4k + 1.")
        if self.overlap not in OVERLAPS:
            raise bad("overlap", self.overlap, list(OVERLAPS), "use 1 or 5 continuation frames.")
        if self.segment_frames <= 2 * self.overlap:  # each segment's new frames must hold the next one's overlap
            raise bad("segment_frames", self.segment_frames, f"more than {2 * self.overlap} with overlap "
                      f"{self.overlap}", f"use {SEGMENT_FRAMES}.")
        if not 1 <= int(self.steps) <= 200:
            raise bad("steps", self.steps, [1, 200], f"use {STEPS} (the model's recipe) or a few more.")
        if self.area < 16 * 16:
            raise bad("area", self.area, ">= 256", f"leave the default ({NATIVE_AREA}).")
        if not 1.0 <= float(self.max_fps) <= 60.0:
            raise bad("max_fps", self.max_fps, [1, 60], f"use {MAX_FPS:g}.")

"""The puppet engine's settings, read once from ``Request.options`` and checked, so no step parses options."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...pose.estimator import PRESETS
from ...pose.track import PoseTrack
from ...request import Request
from .render import EXPOSURE


@dataclass(frozen=True)
class Settings:
    """``pose_track``: the actor's track (a PoseTrack, or a .pose.json / .npz file) to skip tracking the video;
    ``pose_preset``: a name of ``pose.estimator.PRESETS`` ("balanced" for std, "accurate" for pro by default);
    ``use_cache``: read and write the motion cache (``pose/cache.py``; default True); ``mesh_spacing``: pixels
    between mesh vertices (None: from the character's size); ``follow_camera``: the
    reference's camera move is reproduced (default: on in ``image`` orientation, where it moves the character's
    whole scene; in ``video`` orientation it makes a still background move with the reference's camera);
    ``face``: the character's mouth, eyes, brows and head turn follow the video's face (default on);
    ``fingers``: the character's fingers bend like the video's where the image shows open hands of 40 px or more
    (default on); ``motion_blur``: moving parts are blurred along their motion over this share of a frame's time
    (0 to 1, a camera's shutter; True: 0.5; 0 or False: every frame sharp). Default: 0.5 in the ``pro`` tier, 0 in
    ``std``: the blur costs about a tenth more CPU end to end (it samples a fast part several times)."""

    pose_track: PoseTrack | Path | None = None
    pose_preset: str = "balanced"
    mesh_spacing: float | None = None
    follow_camera: bool = False
    face: bool = True
    fingers: bool = True
    use_cache: bool = True
    motion_blur: float = 0.0

    @classmethod
    def from_request(cls, request: Request) -> Settings:
        return cls.from_options(request.options, tier=request.tier, orientation=request.orientation)

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None, *, tier: str = "std",
                     orientation: str = "video") -> Settings:
        o = dict(options or {})
        track = o.get("pose_track")
        if track is not None and not isinstance(track, PoseTrack):
            track = Path(track) if str(track) else None
        preset = o.get("pose_preset") or ("accurate" if tier == "pro" else "balanced")
        if preset not in PRESETS:
            raise InputError(f"the pose preset must be one of {', '.join(PRESETS)}, not {preset!r}.",
                             code="pose_preset", measured=preset, limit=list(PRESETS),
                             fix="use 'balanced' (faster), 'accurate' (denser) or 'full' (every frame).")
        spacing = o.get("mesh_spacing")
        if spacing is not None:
            try:
                spacing = float(spacing)
            except (TypeError, ValueError):
                spacing = -1.0
            if not spacing > 0:
                raise InputError(f"mesh_spacing must be a positive number of pixels, not {o['mesh_spacing']!r}.",
                                 code="mesh_spacing", measured=o["mesh_spacing"], limit=">0",
                                 fix="leave it out (chosen from the character's size) or pass e.g. 12.")
        follow = o.get("follow_camera")
        blur = o.get("motion_blur", EXPOSURE if tier == "pro" else 0.0)
        try:
            blur = float(EXPOSURE if blur is True else blur)
        except (TypeError, ValueError):
            blur = -1.0
        if not 0.0 <= blur <= 1.0:
            raise InputError(f"motion_blur must be a share of a frame's time between 0 and 1, "
                             f"not {o['motion_blur']!r}.",
                             code="motion_blur", measured=o["motion_blur"], limit="0..1",
                             fix=f"pass {EXPOSURE} (a camera's usual shutter) or 0 (sharp frames), or leave it out.")
        return cls(pose_track=track, pose_preset=preset, mesh_spacing=spacing,
                   follow_camera=orientation == "image" if follow is None else bool(follow),
                   face=bool(o.get("face", True)), fingers=bool(o.get("fingers", True)),
                   use_cache=bool(o.get("use_cache", True)), motion_blur=blur)

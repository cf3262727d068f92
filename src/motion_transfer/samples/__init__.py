"""Built-in sample inputs and the synthetic-media generator (a drawn mannequin with known joints).

Tests, benchmarks and ``motion-transfer demo`` use these instead of downloaded footage: every clip comes with
its exact ground truth.
"""
from __future__ import annotations

from pathlib import Path

from .mannequin import (
    BACKGROUNDS,
    FRAMINGS,
    MAIN_JOINTS,
    MOTIONS,
    STYLES,
    MotionClip,
    Pose,
    Proportions,
    Style,
    bend,
    character_pose,
    forward_kinematics,
    framing_transform,
    hand_joints,
    make_background,
    make_character,
    make_clip,
    make_motion,
    render_clip_frames,
    render_mannequin,
    sph,
)

__all__ = [
    "BACKGROUNDS", "FRAMINGS", "MAIN_JOINTS", "MOTIONS", "STYLES", "MotionClip", "Pose", "Proportions", "Style",
    "bend", "character_pose", "forward_kinematics", "framing_transform", "hand_joints", "make_background",
    "make_character", "make_clip", "make_motion", "render_clip_frames", "render_mannequin", "sph",
    "make_demo_inputs",
]


def make_demo_inputs(folder: str | Path, *, seconds: float = 4.0, size: tuple[int, int] = (1280, 720),
                     motion: str = "dance") -> tuple[Path, Path]:
    """Write a character image (``character.png``, 720x960) and a motion video (``motion.mp4``, the "person"
    style dancing) into ``folder`` for ``motion-transfer demo``; returns ``(image, video)``.

    The two mannequins are coloured differently so the output visibly shows the character, not the actor.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    image, video = folder / "character.png", folder / "motion.mp4"
    make_character(image, size=(720, 960), style="character", pose="a-pose")
    make_clip(video, motion, seconds=seconds, size=size, style="person", background="gradient", audio=True)
    return image, video

"""The pictures the web app shows: the findings' timeline, the skeleton over the motion video, the character's
joints. Plain numpy/OpenCV in, RGB arrays or files out, so they can be tested (and looked at) without a browser.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from ..finding import Finding
from ..pose.draw import draw_pose, draw_track_frame
from ..pose.skeleton import BODY_JOINTS, J
from ..pose.track import PoseTrack
from ..request import Progress

SEVERITY_RGB = {"error": (214, 48, 49), "warning": (230, 145, 0), "info": (52, 120, 220)}
TIMELINE_WIDTH = 960
ROW_HEIGHT = 26
LABEL_WIDTH = 190
SELECTED_RGB = (255, 0, 255)


def _text(canvas: np.ndarray, text: str, x: int, y: int, rgb=(40, 40, 40), scale: float = 0.45) -> None:
    import cv2

    cv2.putText(canvas, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, rgb, 1, cv2.LINE_AA)


def timeline_image(findings: Sequence[Finding], frames: int, fps: float, width: int = TIMELINE_WIDTH) -> np.ndarray:
    """One row per finding that names video frames, those frames marked in the finding's severity colour on a
    strip as long as the clip, with a seconds scale on top. Findings without frames are not drawn: the list
    above the picture already says everything about them."""
    import cv2

    marked = [f for f in findings if f.frames]
    rows = max(1, len(marked))
    height = 30 + rows * ROW_HEIGHT + 8
    canvas = np.full((height, width, 3), 255, np.uint8)
    x0, x1 = LABEL_WIDTH, width - 24
    span = x1 - x0
    frames = max(1, int(frames))

    def x_of(frame: float) -> int:
        return x0 + int(round(span * frame / frames))

    seconds = frames / max(fps, 1e-6)
    step = next(s for s in (0.5, 1, 2, 5, 10, 30, 60) if seconds / s <= 12)
    t = 0.0
    while t <= seconds + 1e-6:
        x = x_of(t * fps)
        cv2.line(canvas, (x, 18), (x, height - 6), (225, 225, 225), 1)
        _text(canvas, f"{t:g}s", x - 8, 13, scale=0.38)
        t += step
    _text(canvas, f"{frames} frames, {seconds:.1f} s", 6, 13, scale=0.38)
    if not marked:
        y = 30
        cv2.rectangle(canvas, (x0, y), (x1, y + ROW_HEIGHT - 8), (200, 230, 200), -1)
        _text(canvas, "no frames flagged", 6, y + 13)
        return canvas
    for r, f in enumerate(marked):
        y = 30 + r * ROW_HEIGHT
        colour = SEVERITY_RGB.get(f.severity, (90, 90, 90))
        cv2.rectangle(canvas, (x0, y), (x1, y + ROW_HEIGHT - 8), (236, 236, 236), -1)
        _text(canvas, f.code[:26], 6, y + 13, rgb=colour)
        idx = np.clip(np.asarray(f.frames, np.int64), 0, frames - 1)
        cols = np.unique([x_of(i) for i in idx])
        w = max(2, -(-span // frames))
        for c in cols:  # a few hundred marks at most: one rectangle each
            cv2.rectangle(canvas, (int(c), y), (int(c) + w - 1, y + ROW_HEIGHT - 8), colour, -1)
    return canvas


def write_overlay_video(video: str | Path, track: PoseTrack, path: str | Path, *, long_side: int = 720,
                        progress: Progress | None = None) -> Path:
    """The motion video with the tracked skeleton drawn over each frame (H.264, at most ``long_side`` px), so a
    person sees where the tracking holds and where it slips before any render."""
    import cv2

    from ..media.frames import iter_frames
    from ..media.writer import VideoWriter

    scale = min(1.0, long_side / max(track.width, track.height))
    w, h = max(2, round(track.width * scale)), max(2, round(track.height * scale))
    small = PoseTrack(fps=track.fps, width=w, height=h, body=track.body.copy(), left_hand=track.left_hand.copy(),
                      right_hand=track.right_hand.copy(), face=track.face.copy())
    for a in (small.body, small.left_hand, small.right_hand, small.face):
        a[..., :2] *= scale
    n = len(track)
    with VideoWriter(path, track.fps, w, h, crf=23) as writer:
        for i, rgb in enumerate(iter_frames(video, fps=track.fps, size=(w, h))):
            if i >= n:
                break
            writer.write(draw_track_frame(small, i, background=cv2.convertScaleAbs(rgb, alpha=0.8)))
            if progress:
                progress("skeleton video", i + 1, n)
    return Path(path)


def rig_arrays(doc: dict) -> tuple[np.ndarray, np.ndarray]:
    """(joints [33, 2] with NaN for null, visibility [33]) from a rig document's ``joints`` mapping."""
    joints = np.full((len(BODY_JOINTS), 2), np.nan, np.float32)
    for name, xy in doc.get("joints", {}).items():
        if name in J and xy is not None:
            joints[J[name]] = xy
    return joints, (~np.isnan(joints[:, 0])).astype(np.float32)


def joints_image(rgb: np.ndarray, doc: dict, selected: str | None = None) -> np.ndarray:
    """The character with the rig's skeleton over it; the joint ``selected`` for click-to-place is ringed."""
    import cv2

    joints, vis = rig_arrays(doc)
    h, w = rgb.shape[:2]
    sx, sy = w / float(doc.get("width") or w), h / float(doc.get("height") or h)
    body = np.concatenate([joints * (sx, sy), np.zeros((len(joints), 1), np.float32), vis[:, None]], axis=1)
    canvas = draw_pose(np.ascontiguousarray(rgb[:, :, :3]).copy(), body)
    r = max(4, round(min(h, w) / 90))
    for name, (x, y), v in zip(BODY_JOINTS, body[:, :2], vis):
        if v <= 0:
            continue
        cv2.circle(canvas, (int(x), int(y)), r, (255, 255, 255), 1, cv2.LINE_AA)
        if name == selected:
            cv2.circle(canvas, (int(x), int(y)), 3 * r, SELECTED_RGB, 2, cv2.LINE_AA)
    if selected:
        _text(canvas, f"click to place: {selected}", 8, 22, rgb=SELECTED_RGB, scale=0.6)
    return canvas


__all__ = ["joints_image", "rig_arrays", "timeline_image", "write_overlay_video"]

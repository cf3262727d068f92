"""When to run which pose model, and how the frames between samples are filled: pose at the cost the motion needs.

A still actor needs a few body samples a second, a kick needs every frame. The body model's next sample comes
sooner the faster the motion *changes*: linear interpolation across a gap of ``s`` frames misses by about
``a * s^2 / 8`` (``a`` the joints' acceleration in px/frame^2), so the gap is the longest that keeps that under a
tolerance (a fraction of the body's height), and at most ``max_gap`` seconds. Hands and face (the costly part of
MediaPipe Holistic: three more networks) run at their own, lower rate, and only while they are big enough in the
frame to show fingers or a mouth; between their samples they ride on the body: a hand is its wrist (interpolated
at the body's denser rate) plus an interpolated offset, a face its nose plus one.

Pure numpy; ``estimator.py`` runs the models.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .skeleton import J

# joints whose motion decides the body's sampling (shoulders, elbows, wrists, hips, knees, ankles)
MOTION_JOINTS = (11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)


@dataclass(frozen=True)
class Schedule:
    """A preset's sampling rules.

    ``max_gap``: seconds between body samples at most (0: every frame). ``tolerance``: interpolation error
    allowed, as a fraction of the body's height. ``detail_rate``: hand and face samples a second at most (None:
    on every body sample). ``min_hand`` / ``min_face``: below this size (a fraction of the frame's short side)
    hands / face are not worth their models."""

    max_gap: float
    tolerance: float
    detail_rate: float | None
    min_hand: float = 0.02
    min_face: float = 0.03


def body_height(body: np.ndarray) -> float:
    """A body's height in pixels from one frame's joints [33, >=2] (NaN when nothing is seen)."""
    pts = body[list(MOTION_JOINTS) + [0], :2]
    pts = pts[np.isfinite(pts).all(axis=1)]
    if len(pts) < 4:
        return float("nan")
    torso = np.linalg.norm((body[11, :2] + body[12, :2]) / 2 - (body[23, :2] + body[24, :2]) / 2)
    return float(max(np.ptp(pts[:, 1]), np.ptp(pts[:, 0]), 3.0 * torso if np.isfinite(torso) else 0.0))


def next_gap(frames: list[int], bodies: list[np.ndarray], schedule: Schedule, rate: float) -> int:
    """Frames until the next body sample, from the motion over the recent samples.

    The acceleration is read over samples up to a longest gap apart, not from neighbours: landmark jitter of a
    pixel between adjacent frames would read as a violent acceleration and keep the sampling dense forever."""
    longest = max(1, int(np.floor(schedule.max_gap * rate + 1e-6)))
    if longest == 1:
        return 1
    start = max(1, longest // 2)
    if len(frames) < 3:
        return start
    i2 = len(frames) - 1
    i0 = min(next(i for i in range(i2 + 1) if frames[i2] - frames[i] <= longest + 1), i2 - 2)
    mid = (frames[i0] + frames[i2]) / 2.0
    i1 = min(range(i0 + 1, i2), key=lambda i: abs(frames[i] - mid))
    b0, b1, b2 = (bodies[i][list(MOTION_JOINTS), :2] for i in (i0, i1, i2))
    if not np.isfinite(b2).any():
        return start  # nobody in view: look now and then
    if not (np.isfinite(b0).any() and np.isfinite(b1).any()):
        return 1  # just found: learn the motion first
    f0, f1, f2 = frames[i0], frames[i1], frames[i2]
    v1 = (b1 - b0) / (f1 - f0)
    v2 = (b2 - b1) / (f2 - f1)
    accel = np.linalg.norm(v2 - v1, axis=1) / ((f2 - f0) / 2.0)
    speed = np.linalg.norm(v2, axis=1)
    height = body_height(bodies[-1])
    a = float(np.nanmax(accel)) if np.isfinite(accel).any() else np.inf
    v = float(np.nanmax(speed)) if np.isfinite(speed).any() else np.inf
    if not np.isfinite(height) or not np.isfinite(a):
        return 1
    gap = np.sqrt(8.0 * schedule.tolerance * height / max(a, 1e-6))
    # the tracker looks for the body where it last was: do not let it run out of its search region
    gap = min(gap, 0.15 * height / max(v, 1e-6))
    return int(np.clip(np.floor(gap), 1, longest))


def details_worth_it(body: np.ndarray, schedule: Schedule, short_side: int) -> bool:
    """Whether a hand or the face is big enough in this frame for its model to add anything."""
    if not np.isfinite(body[:, :2]).any():
        return True  # no body yet: Holistic searches for it anyway
    spans = [2.5 * np.linalg.norm(body[J[f"{side}_index"], :2] - body[J[f"{side}_wrist"], :2])
             for side in ("left", "right")]
    face = np.linalg.norm(body[J["left_ear"], :2] - body[J["right_ear"], :2])
    hands = np.nan_to_num(np.array(spans), nan=0.0).max() >= schedule.min_hand * short_side
    return bool(hands or np.nan_to_num(face, nan=0.0) >= schedule.min_face * short_side)


def interpolate(frames: np.ndarray, values: np.ndarray, total: int, max_span: int | None = None) -> np.ndarray:
    """Every frame 0..total-1 from samples ``values`` [S, ...] at sorted ``frames`` [S]: linear between two
    samples, never across a missing one (NaN stays NaN) nor across more than ``max_span`` frames; before the
    first and after the last sample the nearest sample is held."""
    frames = np.asarray(frames)
    t = np.arange(total)
    hi = np.clip(np.searchsorted(frames, t, side="left"), 0, len(frames) - 1)
    lo = np.clip(np.where(frames[hi] == t, hi, hi - 1), 0, len(frames) - 1)
    span = (frames[hi] - frames[lo]).astype(np.float32)
    w = np.where(span > 0, (t - frames[lo]) / np.maximum(span, 1), 0.0).astype(np.float32)
    w = np.clip(w, 0.0, 1.0)
    wk = w.reshape(-1, *[1] * (values.ndim - 1))
    out = (1 - wk) * values[lo] + wk * values[hi]
    exact = w == 0
    out[exact] = values[lo[exact]]
    if max_span is not None:
        out[(span > max_span) & ~exact] = np.nan
    return out.astype(np.float32)


def anchored(frames: np.ndarray, points: np.ndarray, anchor_at: np.ndarray, anchor: np.ndarray, total: int,
             max_span: int) -> np.ndarray:
    """Points [S, N, 3] sampled at ``frames`` carried to every frame on a denser ``anchor`` [T, 2]: each frame is
    the anchor there plus the offset interpolated between samples (``anchor_at`` [S, 2] is the anchor at the
    samples). z is interpolated as it is. NaN where a neighbouring sample or the anchor is missing."""
    rel = points.copy()
    rel[..., :2] -= anchor_at[:, None, :]
    out = interpolate(frames, rel, total, max_span)
    out[..., :2] += anchor[:, None, :]
    return out

"""A joint the pose model throws far off for a few frames and then puts back is returned to where it was.

The pose model now and then misreads a limb for a frame or three: in clip 0 of the TikTok set the dancer's right
wrist jumps 300 px up before her chest at frames 18-20 (seen at visibility 0.6-0.98) while her hand stays at her
waist, and comes straight back. The smoothing keeps fast motion, so it lets such a jump through, and every
character driven by the clip flashed an open palm before its chest. A real movement goes somewhere: a hand swung
out stays out, or comes back after its own time. A misread goes far and is back within a quarter second, to
where it left.

So a run of at most :data:`SPIKE_S` seconds is taken for a misread of one joint when every frame of it lies off
the straight line between the frames around it by more than :data:`SPIKE_OFF` torso lengths, one by more than
:data:`SPIKE_MIN`, while the frames around it, where the joint was seen, lie within :data:`SPIKE_BACK` of that
farthest jump of each other (it came back). The run is replaced by that line; a wrist or an ankle and its end
points (fingers, heel, toes) are replaced together. On the six TikTok clips only clip 0's right wrist (with its
fingers) passes: elsewhere the farthest jump of a seen joint that came back is 0.60 torso lengths (clip 5's
right pinky, one frame), and the jumps farther than 0.75 end at least 0.45 of their length from where they left
(clip 5's hands).
"""
from __future__ import annotations

import numpy as np

from .skeleton import VIS_MIN, J, torso_length

# longest misread taken out (seconds): clip 0's lasts 3 frames at 15 fps
SPIKE_S = 0.25
# every frame of the run at least this far off the line between the frames around it (torso lengths)
SPIKE_OFF = 0.25
# and one at least this far (clip 0's wrist and fingers: 0.87 to 1.39 in the clip and its 90-frame cut)
SPIKE_MIN = 0.75
# the frames around the run within this fraction of its farthest jump of each other (clip 0's: 0.03 to 0.08)
SPIKE_BACK = 0.35

# a wrist or an ankle and the end points that move with it (pinky, index, thumb; heel, toes): one misread
_LIMB_ENDS = [[J[f"{side}_{p}"] for p in parts] for side in ("left", "right")
              for parts in (("wrist", "pinky", "index", "thumb"), ("ankle", "heel", "foot_index"))]


def spike_frames(body: np.ndarray, fps: float) -> np.ndarray:
    """[T, 33] bool: where each joint of ``body`` [T, 33, 4] (x, y pixels, z, visibility) is misread (see the
    module's doc); a wrist or an ankle and its end points are marked together, where any of them is."""
    T = len(body)
    marked = np.zeros(body.shape[:2], dtype=bool)
    torsos = np.array([torso_length(frame[:, :2]) for frame in body])
    torsos = torsos[np.isfinite(torsos) & (torsos > 0)]
    if not len(torsos):  # nobody seen: nothing to measure a jump by
        return marked
    scale = float(np.median(torsos))
    xy = body[..., :2].astype(np.float64)
    seen = body[..., 3] >= VIS_MIN
    for n in range(1, max(1, int(SPIKE_S * fps + 1e-6)) + 1):  # runs of n frames between frames s and s + n + 1
        s = np.arange(T - n - 1)
        if len(s) == 0:
            break
        a, b = xy[s], xy[s + n + 1]
        w = (np.arange(1, n + 1) / (n + 1))[:, None, None, None]
        inside = np.stack([xy[s + i] for i in range(1, n + 1)])  # [n, S, 33, 2]
        off = np.linalg.norm(inside - ((1 - w) * a + w * b), axis=-1)
        jump = off.max(axis=0)
        hit = ((off.min(axis=0) > SPIKE_OFF * scale) & (jump > SPIKE_MIN * scale)
               & (np.linalg.norm(b - a, axis=-1) <= SPIKE_BACK * jump) & seen[s] & seen[s + n + 1])
        for i in range(1, n + 1):
            marked[s + i] |= hit
    for group in _LIMB_ENDS:
        marked[:, group] = marked[:, group].any(axis=1, keepdims=True)
    return marked


def replace_spikes(points: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """``points`` [T, 33, C] with each joint's ``marked`` [T, 33] frames interpolated linearly from its unmarked
    frames (all C channels: a body's visibility is interpolated too, so a misread's is not kept)."""
    out = points.copy()
    t = np.arange(len(points))
    for j in np.flatnonzero(marked.any(axis=0)):
        keep = ~marked[:, j] & ~np.isnan(points[:, j]).any(axis=1)
        if keep.sum() < 2:
            continue
        for c in range(points.shape[2]):
            out[marked[:, j], j, c] = np.interp(t[marked[:, j]], t[keep], points[keep, j, c])
    return out

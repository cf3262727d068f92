"""A drawn character's shoulders and hips checked against its silhouette, after the pose model found it.

On drawings (robots, mascots) the pose model gives a plausible skeleton whose torso is often too small: shoulders
pulled in onto whatever covers them (boxing gloves held in guard) and hips pulled up to the first belt line when
the picture cuts the body off. The puppet then cuts the arms out of the torso and bends the torso at the belt.
Two rules, each firing only where the silhouette says so, put them where a person would mark them:

* **squared shoulders**: where the silhouette's top edge runs flat beside the head for a good width (shoulder
  pads, a robot's or a mascot's square shoulders), each shoulder goes under the middle of its flat stretch, a
  typical upper arm's radius below its top. Sloping shoulders (people, most cartoons) have no such stretch and
  keep the pose model's answer;
* **a body cut by the picture's bottom**: the hips lie at least a usual torso length (from the shoulder width)
  below the shoulders; the legs move down with them.
"""
from __future__ import annotations

import numpy as np

from .skeleton import J

# a flat shoulder top: the silhouette's top edge stays within FLAT_DEPTH (of the detected shoulder width) of its
# highest point beside the head over at least FLAT_WIDTH of the shoulder width
FLAT_DEPTH = 0.04
FLAT_WIDTH = 0.3
# how far below a flat shoulder top the joint sits, in shoulder widths (an upper arm's radius, padding included)
SHOULDER_DROP = 0.3
# shoulder line to hip line, in shoulder-joint widths, for a body whose hips the picture may not show (an adult's
# torso of 0.288 of the height over shoulders 0.216 wide, after Drillis & Contini, as the mannequin's proportions)
TORSO_PER_SHOULDER = 1.33
# the silhouette runs off the picture's bottom when its last row covers this share of the figure's width
CUT_SHARE = 0.15
_LEGS = ("hip", "knee", "ankle", "heel", "foot_index")


def _top_edge(mask: np.ndarray) -> np.ndarray:
    """Per column, the first row of the silhouette (the picture's height where the column is empty)."""
    return np.where(mask.any(axis=0), mask.argmax(axis=0), mask.shape[0])


def _flat_shoulder(top: np.ndarray, start: int, step: int, sw: float) -> tuple[float, float] | None:
    """(x, top) of the flat stretch of the top edge that starts beside the head at column ``start`` and runs
    outwards (``step`` -1 or 1), or None when the edge slopes away instead."""
    w = len(top)
    stop = -1 if step < 0 else w
    cols = np.arange(start, stop, step)
    if len(cols) == 0:
        return None
    edge = top[cols]
    reach = cols[: max(1, round(1.2 * sw))]
    highest = int(edge[: len(reach)].min())
    if highest >= top.shape[0]:
        return None
    flat = edge <= highest + FLAT_DEPTH * sw
    first = int(np.argmax(flat))
    run_end = first + (int(np.argmin(flat[first:])) if not flat[first:].all() else len(flat) - first)
    run = cols[first:run_end]
    if len(run) < FLAT_WIDTH * sw:
        return None
    return 0.5 * float(run[0] + run[-1]), float(highest)


def fit_torso(mask: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """``joints`` [33, 2] (image pixels) with the shoulders and hips moved to where the silhouette ``mask`` (HxW
    bool, same pixels) puts them (see the module's rules); unchanged where neither rule applies."""
    out = joints.astype(np.float64).copy()
    if not mask.any():
        return out
    ls, rs = out[J["left_shoulder"]], out[J["right_shoulder"]]
    sw = float(np.linalg.norm(ls - rs))
    if not np.isfinite(sw) or sw < 4:
        return out
    top = _top_edge(mask)
    h, w = mask.shape
    # the head: the columns around the nose whose silhouette starts above the nose's row
    nose_x = int(np.clip(round(out[J["nose"], 0]), 0, w - 1))
    above = top < out[J["nose"], 1] - 0.1 * sw
    sides = {}
    for side, step in (("left", 1), ("right", -1)):  # the character's left is on the picture's right
        x = nose_x
        while 0 <= x + step < w and above[x + step]:
            x += step
        found = _flat_shoulder(top, x + step, step, sw)
        if found is not None:
            sides[side] = found
    if len(sides) == 2:
        sw = abs(sides["left"][0] - sides["right"][0])
        for side, (x, y) in sides.items():
            k = J[f"{side}_shoulder"]
            out[k] = (x, min(out[k, 1], y + SHOULDER_DROP * sw))
    ys, xs = np.nonzero(mask)
    if mask[-1].sum() > CUT_SHARE * (xs.max() - xs.min() + 1):
        mid_sh = 0.5 * (out[J["left_shoulder"], 1] + out[J["right_shoulder"], 1])
        want = mid_sh + TORSO_PER_SHOULDER * sw
        for side in ("left", "right"):
            dy = want - out[J[f"{side}_hip"], 1]
            if dy > 0:
                for name in _LEGS:
                    out[J[f"{side}_{name}"], 1] += dy
    return out

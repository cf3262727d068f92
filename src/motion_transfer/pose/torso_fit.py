"""A drawn character's hips checked against its silhouette, after the pose model found it.

On drawings (robots, mascots) the pose model gives a plausible skeleton whose torso is often too short: when the
picture cuts the body off, the hips are pulled up to the first belt line, and the puppet then bends the torso at
the belt. For a body cut by the picture's bottom, the hips go at least a usual torso length below the shoulders
(the legs move down with them). The torso length comes from the shoulder width; where the silhouette's top edge
runs flat beside the head for a good width (shoulder pads, a robot's or a mascot's square shoulders) that width
is the distance between the middles of the two flat stretches, since on such figures the pose model puts the
shoulders on whatever covers them (boxing gloves held in guard) and finds them too narrow. The shoulders
themselves stay where the pose model put them (moved out to the pads' middles, the arms' tubes were split
between the torso and the upper arms); the puppet fills the body the gloves hide (``fill._behind_gloves``).

A leg the picture cuts above its knee shows only its thigh: the model's knee (and all below it) is a guess, often
squashed into the picture and splayed (the robot boxer's knees at its thighs' outer edges, 45 degrees out). The
puppet swung each thigh's layer from that diagonal rest bone to the dance's upright one, tearing the thighs into
claws; so such a leg runs down the middle of the thigh the silhouette shows, hip included (:func:`fit_thighs`): with
its hip at the thigh's inner edge, the thigh's outer half lay beyond a leg's usual width and stayed with the body.
"""
from __future__ import annotations

import numpy as np

from .skeleton import J, torso_length

# a flat shoulder top: the silhouette's top edge stays within FLAT_DEPTH (of the detected shoulder width) of its
# highest point beside the head over at least FLAT_WIDTH of the shoulder width
FLAT_DEPTH = 0.04
FLAT_WIDTH = 0.3
# shoulder line to hip line, in shoulder-joint widths, for a body whose hips the picture may not show (an adult's
# torso of 0.288 of the height over shoulders 0.216 wide, after Drillis & Contini, as the mannequin's proportions)
TORSO_PER_SHOULDER = 1.33
# the silhouette runs off the picture's bottom when its last row covers this share of the figure's width
CUT_SHARE = 0.15
_LEGS = ("hip", "knee", "ankle", "heel", "foot_index")
# a knee counts as shown only this far (a share of the torso's length) above the image's bottom edge: a knee
# guessed just inside the edge of a body cut at mid-thigh (a detector squashes the missing legs into the
# image) has no leg below it to show
KNEE_MARGIN = 0.25
# a thigh's direction is read from the silhouette only over at least this many rows (a share of the torso's length)
THIGH_ROWS = 0.1


def _top_edge(mask: np.ndarray) -> np.ndarray:
    """Per column, the first row of the silhouette (infinite where the column is empty)."""
    return np.where(mask.any(axis=0), mask.argmax(axis=0), np.inf)


def _flat_shoulder(top: np.ndarray, start: int, step: int, sw: float) -> float | None:
    """The middle (x) of the flat stretch of the top edge that starts beside the head at column ``start`` and
    runs outwards (``step`` -1 or 1), or None when the edge slopes away instead."""
    w = len(top)
    stop = -1 if step < 0 else w
    cols = np.arange(start, stop, step)
    if len(cols) == 0:
        return None
    edge = top[cols]
    highest = float(edge[: max(1, round(1.2 * sw))].min())  # the shoulders' top, within reach of the head
    if not np.isfinite(highest):
        return None
    flat = edge <= highest + FLAT_DEPTH * sw
    first = int(np.argmax(flat))
    run_end = first + (int(np.argmin(flat[first:])) if not flat[first:].all() else len(flat) - first)
    run = cols[first:run_end]
    if len(run) < FLAT_WIDTH * sw:
        return None
    return 0.5 * float(run[0] + run[-1])


def shoulder_width(mask: np.ndarray, joints: np.ndarray) -> float:
    """The character's shoulder width (pixels): between the middles of its flat shoulder tops when the silhouette
    ``mask`` (HxW bool) shows two, else between the detected shoulders of ``joints`` [33, 2]."""
    ls, rs = joints[J["left_shoulder"]], joints[J["right_shoulder"]]
    sw = float(np.linalg.norm(ls - rs))
    if not np.isfinite(sw) or sw < 4 or not mask.any():
        return sw
    top = _top_edge(mask)
    w = mask.shape[1]
    # the head: the columns around the nose whose silhouette starts above the nose's row
    nose_x = int(np.clip(round(joints[J["nose"], 0]), 0, w - 1))
    above = top < joints[J["nose"], 1] - 0.1 * sw
    middles = []
    for step in (1, -1):
        x = nose_x
        while 0 <= x + step < w and above[x + step]:
            x += step
        middles.append(_flat_shoulder(top, x + step, step, sw))
    return sw if None in middles else abs(middles[0] - middles[1])


def fit_torso(mask: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """``joints`` [33, 2] (image pixels) with the hips and legs moved down to a usual torso length below the
    shoulders when the silhouette ``mask`` (HxW bool, same pixels) runs off the picture's bottom (see the
    module's docstring); unchanged otherwise."""
    out = joints.astype(np.float64).copy()
    if not mask.any():
        return out
    xs = np.nonzero(mask)[1]
    if mask[-1].sum() <= CUT_SHARE * (xs.max() - xs.min() + 1):
        return out
    sw = shoulder_width(mask, out)
    if not np.isfinite(sw) or sw < 4:
        return out
    mid_sh = 0.5 * (out[J["left_shoulder"], 1] + out[J["right_shoulder"], 1])
    want = mid_sh + TORSO_PER_SHOULDER * sw
    for side in ("left", "right"):
        dy = want - out[J[f"{side}_hip"], 1]
        if dy > 0:
            for name in _LEGS:
                out[J[f"{side}_{name}"], 1] += dy
    return out


def thigh_only(joints: np.ndarray, side: str, height: int) -> bool:
    """Whether the picture (``height`` rows) shows only the thigh of the ``side`` leg of ``joints`` [33, 2]: its
    knee lies within KNEE_MARGIN of the bottom edge or past it (a guess), and no elbow or wrist hangs below the
    hips (the rows beside the thighs would hold the hands)."""
    torso = torso_length(joints)
    hip_y = float(max(joints[J["left_hip"], 1], joints[J["right_hip"], 1]))
    arms = joints[[J[f"{s}_{k}"] for s in ("left", "right") for k in ("elbow", "wrist")], 1]
    return bool(np.isfinite(torso) and torso >= 4 and 0 <= hip_y < height and (arms < hip_y).all()
                and joints[J[f"{side}_knee"], 1] >= height - 1 - KNEE_MARGIN * torso)


def fit_thighs(mask: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """``joints`` [33, 2] with each leg the picture cuts above its knee (the knee guessed within KNEE_MARGIN of the
    bottom edge of the silhouette ``mask``, HxW bool, or past it) put on its thigh's middle line in the silhouette:
    the hip, knee, ankle, heel and toe keep their rows and move across onto that line.

    Below the hips the silhouette is the two thighs side by side (touching, or a gap or a pouch between them):
    each row's half on a leg's side, its pixels' mean column the thigh's middle. Left as they are when a hand
    or an elbow hangs below the hips (its pixels would be taken for the thigh's) or too few rows show."""
    out = joints.astype(np.float64).copy()
    h = mask.shape[0]
    sides = [side for side in ("left", "right") if thigh_only(out, side, h)]
    torso = torso_length(out)
    top = int(np.ceil(max(out[J["left_hip"], 1], out[J["right_hip"], 1])))
    if not sides or h - top < THIGH_ROWS * torso:
        return out
    rows = mask[top:]
    filled = rows.any(axis=1)
    if filled.sum() < THIGH_ROWS * torso:
        return out
    rows, ys = rows[filled], np.arange(top, h)[filled].astype(np.float64)
    cols = np.arange(mask.shape[1], dtype=np.float64)
    first = rows.argmax(axis=1)
    last = mask.shape[1] - 1 - rows[:, ::-1].argmax(axis=1)
    middle = 0.5 * (first + last)
    image_left = cols[None, :] < middle[:, None]
    left_of_other = out[J["right_hip"], 0] < out[J["left_hip"], 0]  # facing the viewer: the right leg on the left
    for side in sides:
        on_left = left_of_other == (side == "right")
        half = rows & (image_left if on_left else ~image_left)
        count = half.sum(axis=1)
        if (count > 0).sum() < THIGH_ROWS * torso:
            continue
        centre = (half * cols[None, :]).sum(axis=1)[count > 0] / count[count > 0]
        slope, at = (float(v) for v in np.polyfit(ys[count > 0], centre, 1))
        hip = out[J[f"{side}_hip"]]
        hip[0] = at + slope * hip[1]
        for name in _LEGS[1:]:
            k = J[f"{side}_{name}"]
            out[k, 0] = hip[0] + slope * (out[k, 1] - hip[1])
    return out

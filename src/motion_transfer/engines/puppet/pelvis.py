"""The pelvis between the thighs: drawn by the body, and under it by both legs.

Above the crotch the two thighs meet, and the border the cuts find between them there has no edge to follow (one
cloth, one colour): it runs in a zig-zag, and the pouch of the trousers went half to one leg and half to the
other. With the legs apart the two halves parted and the background showed through the crotch (the built-in
demo's mannequin, the fox in jeans). The body layer, drawn in front of the legs and moving with the hips, also
draws the pelvis between the hips and the crotch; each leg keeps its own half under it, so a leg swung out carries
the trousers' cloth along its inner side instead of opening a wedge of background. The labels stay as they are:
the painting of the torso behind the arms takes its colours from the torso's own pixels, not the trousers'.
"""
from __future__ import annotations

import numpy as np

from ...pose.skeleton import J
from .model import LEG_PARTS, PARTS

TORSO = PARTS.index("torso")
THIGHS = {"left": PARTS.index(LEG_PARTS["left"][0]), "right": PARTS.index(LEG_PARTS["right"][0])}
OPEN = (-1, PARTS.index("drape"))  # what shows through the gap between the legs: the background, a cape
LEGS = {side: tuple(PARTS.index(p) for p in parts) for side, parts in LEG_PARTS.items()}
CROTCH_MAX = 0.6  # the crotch lies at most this far (in thigh lengths) below the hips' middle; deeper: a skirt
ABOVE_HIPS = 0.25  # the pelvis reaches up to the body this far (in thigh lengths) above the hips, between the thighs
GAP_PIXELS = 3  # pixels off the body between the thighs at one depth that make the gap between the legs


def _side(pts: np.ndarray, a: np.ndarray, b: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Pixels (``pts`` [..., 2]) on ``ref``'s side of the line through ``a`` and ``b``."""
    d = b - a
    cross = d[0] * (pts[..., 1] - a[1]) - d[1] * (pts[..., 0] - a[0])
    return cross * np.sign(d[0] * (ref[1] - a[1]) - d[1] * (ref[0] - a[0])) > 0


def pelvis_region(labels: np.ndarray, joints: np.ndarray) -> dict[str, np.ndarray] | None:
    """The pelvis's pixels (HxW bool each): 'left' and 'right', the triangle of the hips and the crotch on each
    leg's side; 'waist', between the thighs above the hips up to the body (where the legs' labels may stray).
    None when the image shows no crotch (no legs, legs together, a long skirt)."""
    if not all((labels == THIGHS[s]).any() for s in THIGHS):
        return None
    hips = {s: joints[J[f"{s}_hip"]].astype(np.float64) for s in THIGHS}
    knees = {s: joints[J[f"{s}_knee"]].astype(np.float64) for s in THIGHS}
    thigh = float(np.mean([np.linalg.norm(knees[s] - hips[s]) for s in THIGHS]))
    mid = (hips["left"] + hips["right"]) / 2
    down = (knees["left"] + knees["right"]) / 2 - mid
    if thigh < 4 or np.linalg.norm(down) < 1e-6:
        return None
    down /= np.linalg.norm(down)
    h, w = labels.shape
    corners = np.array([*hips.values(), *knees.values()])
    x0, y0 = np.maximum(np.floor(corners.min(axis=0) - [0, ABOVE_HIPS * thigh]).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int) + 1, (w, h))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    py, px = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    pts = np.stack([px, py], axis=-1)
    between = _side(pts, hips["left"], knees["left"], mid) & _side(pts, hips["right"], knees["right"], mid)
    lab = labels[y0:y1, x0:x1]
    body_or_legs = np.isin(lab, (TORSO, *LEGS["left"], *LEGS["right"]))
    depth = (pts - mid) @ down
    # the crotch: the least depth below the hips at which the background (or a cape) shows between the thighs
    # (a hand held there is not the gap)
    gap = between & np.isin(lab, OPEN) & (depth > 0)
    if gap.sum() < GAP_PIXELS:
        return None
    levels = np.floor(depth[gap]).astype(int)
    counts = np.bincount(levels)
    top = int(np.argmax(counts >= GAP_PIXELS)) if (counts >= GAP_PIXELS).any() else -1
    if top <= 0 or top > CROTCH_MAX * thigh:
        return None
    at_top = gap & (np.floor(depth).astype(int) == top)
    crotch = pts[at_top].mean(axis=0)
    below_hips = _side(pts, hips["left"], hips["right"], crotch)
    triangle = _side(pts, hips["left"], crotch, mid) & _side(pts, hips["right"], crotch, mid) & below_hips
    on_left = _side(pts, mid, crotch, hips["left"])
    out = {}
    for name, mask in (("left", triangle & on_left), ("right", triangle & ~on_left), ("waist", between & ~below_hips)):
        full = np.zeros(labels.shape, bool)
        full[y0:y1, x0:x1] = mask & body_or_legs
        out[name] = full
    return out

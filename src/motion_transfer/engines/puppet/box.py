"""A drawn figure whose torso is a box (a robot's rectangle) moves it as a rigid box.

The body's torso is skinned to the pelvis and the chest frames, blended by height, and the chest frame is an
affine map that takes the rest shoulders and spine to the posed ones, sheared wherever the dancer's shoulder line
is not square to the spine. On a person's torso both read as the body bending; on a box robot's rectangle they
skewed it into a trapezoid whenever the dancer leant or bent (the lead's boxbot and boxbot2 dancing). A box torso
follows one frame whole, the chest's made square: the spine's turn and stretch, the shoulders' span across it, no
shear; the arms hang at the box's shoulders, hinged there (they turn whole about the shoulder, none of them
following the chest), and the pelvis's own bend is left to the hips (the legs hang from the posed hips, behind the
box's lower edge). The box is the torso: the torso's labels outside it (slivers along the arms' inner sides at the
shoulders, a leg's stub) go to the parts beside them.

Which torsos are boxes: only drawn figures (their skeleton fitted to their silhouette), so that no photograph
changes, and only a torso that the silhouette shows as a rectangle. The rectangle: the smallest around the torso's
labelled pixels opened by a square of a third of its width (which drops a leg's or an arm's stub labelled with it).
The silhouette must fill it (a box is solid) and its sides must be the silhouette's outline for most of their
length (all but where the neck, the legs and arms attach). The torso's labels alone did not tell: their fill of
their rectangle, 0.82-0.84 on the box robots, reached 0.89 on photographed torsos, and a small box robot's legs took
bites out of its box's corners. On the outline, the lead's box robots score 0.87 and a generated one 0.77; every other
picture of the bench (drawn or photographed) 0.44 or less: a rounded torso's rectangle sides run through its arms,
legs and background.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.retarget import MH, MS
from ...pose.skeleton import J
from .model import PARTS

BOX_OPENING = 0.35  # the opening's square, in the torso's widths
BOX_SOLID = 0.97  # a box's rectangle is at least this much silhouette
BOX_OUTLINE = 0.6  # and at least this much of its sides' length lies on the silhouette's outline
# (of the box's smaller side; pixels at least) the torso's pixels this near its box are its box's: the rectangle is
# fitted to the torso's labels, which the legs' labels bite into at its lower edge (at 2 pixels, boxbot2's last rows
# went to the legs and the arms: grey strokes that moved with them, beside the box's corners and the hands)
BOX_MARGIN = (0.04, 2)
OUTLINE_STEP = (2.0, 0.03)  # (pixels; of the box's smaller side) a side on the outline: figure this far in, none out
SHORTEST = (0.35, 0.4)  # the box is drawn no narrower, no shorter than this many times its rest size (x the width
# scale): as the chest frame's axes (``render._frame``), so a shoulder line seen end on keeps a slab of the box


def box_of_torso(labels: np.ndarray, matte: np.ndarray, drawn: bool) -> np.ndarray | None:
    """[4, 2] the corners (x, y) of the box that the torso labelled in ``labels`` (HxW part indices) of a ``drawn``
    figure whose silhouette is ``matte`` (HxW, 0..1) is, or None where it is no box (see the module's docstring);
    a photograph's torso never is one."""
    torso = (labels == PARTS.index("torso")).astype(np.uint8)
    if not drawn or not torso.any():
        return None
    _, comp, stats, _ = cv2.connectedComponentsWithStats(torso)
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    k = max(1, round(BOX_OPENING * int(stats[biggest, cv2.CC_STAT_WIDTH])))
    opened = cv2.morphologyEx((comp == biggest).astype(np.uint8), cv2.MORPH_OPEN,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    contours, _ = cv2.findContours(opened, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    rect = cv2.minAreaRect(max(contours, key=cv2.contourArea))
    corners = cv2.boxPoints(rect).astype(np.float64)
    figure = matte >= 0.5
    inside = np.zeros(figure.shape, np.uint8)
    cv2.fillPoly(inside, [np.round(corners).astype(np.int32)], 1)
    if not inside.any() or figure[inside > 0].mean() < BOX_SOLID:
        return None
    step = max(OUTLINE_STEP[0], OUTLINE_STEP[1] * min(rect[1]))
    centre = corners.mean(axis=0)
    on_outline = []
    for a, b in zip(corners, np.roll(corners, -1, axis=0)):
        length = float(np.hypot(*(b - a)))
        points = a + np.linspace(0.0, 1.0, max(2, int(length)))[:, None] * (b - a)
        out = np.array([a[1] - b[1], b[0] - a[0]]) / max(length, 1e-9)
        out = out if out @ ((a + b) / 2 - centre) >= 0 else -out
        on_outline.append(_in(figure, points - step * out) & ~_in(figure, points + step * out))
    return corners if np.concatenate(on_outline).mean() >= BOX_OUTLINE else None


def torso_in_box(labels: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """``labels`` with the torso's pixels outside its box (``corners`` [4, 2], :func:`box_of_torso`; grown by
    ``BOX_MARGIN``) given to the nearest other part: slivers beside a box robot's shoulders labelled with the
    torso stayed with the body as its arm rose, a wedge hanging from the shoulder; a stub of a leg, with the box."""
    torso = labels == PARTS.index("torso")
    inside = np.zeros(labels.shape, np.uint8)
    cv2.fillPoly(inside, [np.round(corners).astype(np.int32)], 1)
    side = min(np.hypot(*(corners[1] - corners[0])), np.hypot(*(corners[2] - corners[1])))
    inside = cv2.dilate(inside, None, iterations=max(BOX_MARGIN[1], round(BOX_MARGIN[0] * side))).astype(bool)
    stray = torso & ~inside
    others = (labels >= 0) & ~torso
    if not stray.any() or not others.any():
        return labels
    _, (iy, ix) = ndimage.distance_transform_edt(~others, return_indices=True)
    out = labels.copy()
    out[stray] = labels[iy[stray], ix[stray]]
    return out


def _in(mask: np.ndarray, points: np.ndarray) -> np.ndarray:
    """[N] bool whether ``points`` [N, 2] (x, y) fall on ``mask``'s True pixels (False off the picture)."""
    x, y = np.round(points).astype(int).T
    ok = (x >= 0) & (y >= 0) & (x < mask.shape[1]) & (y < mask.shape[0])
    hit = np.zeros(len(points), bool)
    hit[ok] = mask[y[ok], x[ok]]
    return hit


def hinged(weights: np.ndarray) -> np.ndarray:
    """[N, B] an arm's ``weights`` over its bones (the chest's first) with the chest's share given to the upper arm:
    a box's arm is hinged at its shoulder and turns whole about it. Blended with the chest round the joint, the
    shoulder's ball of a box robot's rising arm was drawn half turned: a lump with torn pieces over the shoulder."""
    out = weights.copy()
    out[:, 1] += out[:, 0]
    out[:, 0] = 0.0
    return out


def box_frame(rest: np.ndarray, posed: np.ndarray, W: np.ndarray, torso_width: np.ndarray) -> np.ndarray:
    """[T, 2, 3] the chest's map made square: from the rest joints ``rest`` [36, 2] to each frame's ``posed``
    [36, T, 2] (``W`` [T] the width scale, ``torso_width`` [T] the shoulders' drawn span over their joints').
    The rest spine (mid-shoulder to mid-hip) turns onto the posed one and stretches as it does; across it the box
    takes the posed shoulders' span across the posed spine; the mid-shoulder stays on its posed place."""
    s0 = rest[MH] - rest[MS]
    L0 = max(float(np.hypot(*s0)), 1e-9)
    u0 = s0 / L0
    n0 = np.array([-u0[1], u0[0]])
    across0 = max(abs(float((rest[J["left_shoulder"]] - rest[J["right_shoulder"]]) @ n0)), 1e-9)
    s1 = posed[MH] - posed[MS]
    L1 = np.hypot(s1[:, 0], s1[:, 1])
    u1 = np.where((L1 > 1e-9)[:, None], s1 / np.maximum(L1, 1e-9)[:, None], u0)
    n1 = np.stack([-u1[:, 1], u1[:, 0]], axis=1)
    shoulders = (posed[J["left_shoulder"]] - posed[J["right_shoulder"]]) * torso_width[:, None]
    across1 = np.abs(np.einsum("ti,ti->t", shoulders, n1))
    sx = np.maximum(across1 / across0, SHORTEST[0] * W)
    sy = np.maximum(L1 / L0, SHORTEST[1] * W)
    M = sx[:, None, None] * n1[:, :, None] * n0[None, None, :] + sy[:, None, None] * u1[:, :, None] * u0[None, None, :]
    t = posed[MS] - M @ rest[MS]
    return np.concatenate([M, t[:, :, None]], axis=2)

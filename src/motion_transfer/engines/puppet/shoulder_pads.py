"""A shoulder pad half hidden behind a glove held in guard, painted whole in its own shading.

Behind a glove held in guard the body layer holds the shoulder's round whole (:func:`fill.shoulder_round`, painted
by :func:`fill._behind_gloves`), but the body's fill paints what it hides in the torso's colours, and the pad's
own pixels beside the glove with them (they are no colour of the torso's: a blend, to its fill). Once the arm
rose, a grey disc as large as the glove stood under the pale cap the image showed of the pad, the two parted by
the straight edge of the fill's reach (the robot boxer). Here, within the round, what the fill changed is painted
again from the pad's own pixels around it: ring by ring about the round's centre, each ring's colours carried
round from where the image shows it to where it shows it again, as a ball's shading runs.
"""
from __future__ import annotations

import cv2
import numpy as np

from ...pose.skeleton import shoulder_span
from .colour_step import ALIKE_DELTA_E
from .fill import GLOVE, lab_distance, shoulder_round
from .model import LAYERS, PARTS, folded_arm, torso_quad

ANGLES = 360  # the round's rings are sampled at this many angles
# a ring the image shows less of than this share of (a few pixels at the pad's inner edge) is no guide to its
# colours: it takes the nearest ring's that is one
RING_SHOWN = 0.1
PAD_SHARE = 0.4  # the least share of what the image shows of a round in colours other than the torso's: a pad


def pads_whole(painted: np.ndarray, image: np.ndarray, labels: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """``painted`` (the image with the hidden torso painted in, HxWx3 uint8, as ``image``) with the round of each
    shoulder whose folded arm ends in a glove (a hand part larger than ``GLOVE`` shoulder widths squared) painted
    again where the fill changed it or the glove hides it, from the round's pixels the image shows of the torso in
    colours other than its own (:func:`_carried_round`), when they are most of it (``PAD_SHARE``). ``labels`` and
    ``joints`` at ``image``'s size."""
    sw = shoulder_span(joints, 1.0)
    H, W = labels.shape
    torso = labels == PARTS.index("torso")
    changed = (painted != image).any(axis=2)
    # the round takes in some of the chest beside the pad: the torso's own colour (its median inside the
    # shoulder-hip quadrilateral) is none of the pad's, and carried round it stood as a grey disc in the ball
    quad = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(quad, np.round(torso_quad(joints)).astype(np.int32), 1)
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    body = torso & quad.astype(bool)
    if not body.any():
        return painted
    chest = lab_distance(lab, np.median(lab[body], axis=0)) < ALIKE_DELTA_E
    out = painted
    for name, side in (("arm_l", "left"), ("arm_r", "right")):
        hand = labels == PARTS.index(LAYERS[name][2])
        if hand.sum() < (GLOVE * sw) ** 2 or not folded_arm(joints, side, W, H):
            continue
        centre, radius = shoulder_round(labels, joints, side)
        r = int(np.ceil(radius))
        if r < 4:
            continue
        cx, cy = int(round(centre[0])), int(round(centre[1]))
        x0, x1, y0, y1 = max(0, cx - r), min(W, cx + r + 1), max(0, cy - r), min(H, cy + r + 1)
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        box = np.s_[y0:y1, x0:x1]
        py, px = np.mgrid[y0:y1, x0:x1]
        inside = np.hypot(px - centre[0], py - centre[1]) < radius
        again = inside & (changed[box] | hand[box])
        # the pad's own pixels: the torso's the fill left, off the glove's blended rim, not of the torso's colour;
        # a round mostly of that colour is the shirt's shoulder, no pad (nothing of it to carry round but the
        # neck's skin and the hair beside it)
        rim = cv2.dilate(hand[box].astype(np.uint8), None, iterations=2).astype(bool)
        seen = inside & torso[box] & ~changed[box] & ~rim
        shown = seen & ~chest[box]
        if not again.any() or shown.sum() < ANGLES // 4 or shown.sum() < PAD_SHARE * seen.sum():
            continue
        carried = _carried_round(image[box], shown, (centre[0] - x0, centre[1] - y0), radius)
        if out is painted:
            out = painted.copy()
        out[box][again] = carried[again]
    return out


def _carried_round(crop: np.ndarray, shown: np.ndarray, centre: tuple[float, float], radius: float) -> np.ndarray:
    """``crop``'s colours (HxWx3 uint8) where ``shown``, carried round the rings about ``centre`` (crop pixels)
    out to ``radius``: on each ring, each angle the colour interpolated between the nearest shown angles on
    either side of it (a ring with less than ``RING_SHOWN`` of it shown takes the nearest ring's, turning to its
    mean colour as the distance to it grows to the ring's own radius)."""
    size = (int(np.ceil(radius)) + 1, ANGLES)  # (radii, angles): warpPolar's columns are radii, rows angles
    flags = cv2.WARP_POLAR_LINEAR | cv2.INTER_LINEAR | cv2.WARP_FILL_OUTLIERS
    polar = cv2.warpPolar(crop.astype(np.float32), size, centre, radius, flags)
    known = cv2.warpPolar(shown.astype(np.float32), size, centre, radius, flags) > 0.99
    angles = np.arange(ANGLES, dtype=np.float64)
    cols = np.flatnonzero(known.sum(axis=0) >= RING_SHOWN * ANGLES)
    if len(cols) == 0:
        return crop
    filled = np.empty_like(polar)
    for c in cols:  # one ring per radius (a few dozen): interpolation along the angles, round the circle
        k = known[:, c]
        for ch in range(3):
            filled[:, c, ch] = np.interp(angles, angles[k], polar[k, c, ch], period=ANGLES)
    rings = np.arange(size[0])
    nearest = cols[np.abs(rings[:, None] - cols[None, :]).argmin(axis=1)]
    filled = filled[:, nearest]
    # ... fading to that ring's mean colour towards the centre: its pattern copied inwards converged there in a
    # cone, the seam where the shown arc's two ends meet a fold down the ball
    keep = np.clip(1.0 - np.abs(rings - nearest) / np.maximum(nearest, 1), 0.0, 1.0)[None, :, None]
    filled = keep * filled + (1.0 - keep) * filled.mean(axis=0, keepdims=True)
    back = cv2.warpPolar(filled, (crop.shape[1], crop.shape[0]), centre, radius,
                         flags | cv2.WARP_INVERSE_MAP)
    return np.clip(back + 0.5, 0, 255).astype(np.uint8)

"""An arm's side that the body's hair lies over, completed as the arm's own.

Hair hanging over a sleeve is the body's (hair.hair_to_body), so the arm's layer ended where the hair began, in the
torso's straight side, its last columns the hair's strands and the sleeve mixed: once the arm swung out, the
sleeve showed a straight, grey, ragged side (TikTok character 5's left sleeve). The side under the hair is drawn
as a sleeve's outline goes on, round: a smooth bulge over the covered run, as deep as a share of its length,
painted with the sleeve's own colours carried on from inside, over the mixed column too. The hair stays the
body's and lies over it where the body is drawn in front.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from .fill import lab_distance
from .morphology import disc

NEAR = 6  # (pixels) hair this near the arm's outline covers it (its strands over the sleeve lie between)
MIN_RUN = 12  # (pixels) fewer sleeve pixels than this tell no colour
RUN = 0.15  # a covered run shorter than this share of the arm's extent is a lock across it, not its side ...
STRAIGHT = 0.03  # ... and one further than this share of its length from a straight line is the arm's own outline
BULGE = 0.1  # the completed side bulges this share of the covered run's length beyond the cut
APART = 25.0  # (CIE Lab, 8-bit) hair at least this far from the sleeve's colour: a cut through it shows
MIX_DEPTH = 0.08  # the sleeve's strands of hair and its mixed colours lie within this share of the run's length
FEATHER = 1.5  # (pixels) the sleeve's paint over them fades out over about twice this beyond them


def complete_under_hair(image: np.ndarray, own: np.ndarray, hair: np.ndarray,
                        figure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pixels added to the arm: its side under the hair, completed; ``image`` with those and the arm's pixels
    mixed with the hair painted with the sleeve's colours, carried on smoothly from beside them): ``image`` RGB,
    ``own`` the arm's pixels, ``hair`` the body's hair hanging from the head (``hair.hanging_hair``), ``figure``
    the character's pixels. Worked out on a crop around the arm."""
    added = np.zeros(own.shape, bool)
    ys, xs = np.nonzero(own)
    if len(ys) == 0:
        return added, image
    extent = float(np.hypot(np.ptp(ys), np.ptp(xs)))
    reach = int(np.ceil(BULGE * extent)) + NEAR + 2
    y0, x0 = max(0, ys.min() - reach), max(0, xs.min() - reach)
    y1, x1 = min(own.shape[0], ys.max() + reach + 1), min(own.shape[1], xs.max() + reach + 1)
    crop = np.s_[y0:y1, x0:x1]
    found = _completed(image[crop], own[crop], hair[crop], figure[crop], RUN * extent)
    if found is None:
        return added, image
    added[crop], mixed, sleeve, sigma = found
    painted = image.copy()
    texture = painted[crop]
    # the nearest colours of the sleeve beside them, smoothed along it (copied alone, they ran across it in streaks)
    _, (iy, ix) = ndimage.distance_transform_edt(~sleeve, return_indices=True)
    smooth = cv2.GaussianBlur(texture[iy, ix].astype(np.float32), (0, 0), sigma)
    # laid on fading out over a few pixels beyond them (cut sharp, it drew an outline)
    weight = np.maximum(mixed, np.clip(2.0 * cv2.GaussianBlur(mixed.astype(np.float32), (0, 0), FEATHER), 0, 1))
    texture[:] = np.round(weight[..., None] * smooth + (1.0 - weight[..., None]) * texture).astype(np.uint8)
    return added, painted


def _completed(texture: np.ndarray, own: np.ndarray, hair: np.ndarray, figure: np.ndarray,
               shortest: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float] | None:
    """(the pixels added, those to paint, the sleeve's pixels beside them the paint is taken from, how far to
    smooth it) for :func:`complete_under_hair` on a crop around the arm; None where no hair covers a straight side
    of it at least ``shortest`` pixels long."""
    edge = own & ~cv2.erode(own.astype(np.uint8), None).astype(bool)
    covered = edge & cv2.dilate(hair.astype(np.uint8), disc(NEAR)).astype(bool)
    pieces, n = ndimage.label(cv2.dilate(covered.astype(np.uint8), disc(1)))
    if n == 0:
        return None
    size = ndimage.sum(covered, pieces, range(1, n + 1))
    run = covered & (pieces == 1 + int(np.argmax(size)))
    ys, xs = np.nonzero(run)
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    centre = pts.mean(axis=0)
    _, _, vt = np.linalg.svd(pts - centre, full_matrices=False)
    along = vt[0]
    u = (pts - centre) @ along
    length = float(u.max() - u.min())
    normal = np.array([-along[1], along[0]])
    # the straight cut the labelling made along the torso's side, not hair lying along the arm's own outline
    if length < shortest or np.sqrt(np.mean(((pts - centre) @ normal) ** 2)) > STRAIGHT * length:
        return None
    hy, hx = np.nonzero(hair & cv2.dilate(run.astype(np.uint8), disc(NEAR)).astype(bool))
    if (np.stack([hx, hy], axis=1) - centre).mean(axis=0) @ normal < 0:
        normal = -normal  # towards the hair
    py, px = np.mgrid[0:own.shape[0], 0:own.shape[1]].astype(np.float64)
    pu = (px - centre[0]) * along[0] + (py - centre[1]) * along[1]
    pv = (px - centre[0]) * normal[0] + (py - centre[1]) * normal[1]
    t = (pu - u.min()) / length
    depth = BULGE * length * 4.0 * np.clip(t * (1.0 - t), 0.0, None)
    added = (t > 0) & (t < 1) & (pv > -1.0) & (pv < depth) & figure & ~own
    # the sleeve's colour: the arm's pixels just inside the mixed column along the run
    lab = cv2.cvtColor(texture, cv2.COLOR_RGB2LAB).astype(np.float32)
    beside = (t > 0) & (t < 1) & own
    inside = beside & (pv < -MIX_DEPTH * length) & (pv > -3 * MIX_DEPTH * length)
    if inside.sum() < MIN_RUN:
        return None
    sleeve = np.median(lab[inside], axis=0)
    over = hair & (pv > 0) & (pv < depth)
    if not over.any() or np.median(lab_distance(lab[over], sleeve)) < APART:
        return None  # hair of the sleeve's colour: no mixed column, and nothing to tell its side by
    mixed = beside & (pv >= -MIX_DEPTH * length)
    return added, added | mixed, beside & ~mixed, MIX_DEPTH * length

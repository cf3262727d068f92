"""A top's straps: thin dark lines over bare shoulders that belong to the top, not to the arm beside them.

A spaghetti strap runs from the top's edge up over the shoulder, right where the shoulder's round meets the
upper arm: labelled by distance to the bones, half of it went to the arm, with the skin beside it, and the hidden
torso's fill took the rest for the arm's dark outline and painted it over. Once the arm moved, the strap was gone
from the body and rode on the arm's edge as a pale beaded line (TikTok character 3). Such a line is told by
running into the top (a large piece of the torso as dark as the line itself) and up over the shoulder, above
the line through the shoulder joints. It goes to the torso, whole. Only in photographs: in drawn art the dark
line between an arm and the torso is the arm's outline, and goes with it (:mod:`.outlines`).
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import shoulder_span
from .fill import below_shoulders
from .model import ARM_PARTS, PARTS
from .morphology import disc
from .outlines import LINE_WIDTH, dark_lines, drawn_lines
from .strap_sides import GARMENT_L, across_straps

GARMENT = 0.2  # (shoulder widths) a piece of the torso at least this squared is a garment a strap may run into
JOIN = 3  # the least pixels of a strap that touch the garment
BESIDE_ARM = 0.3  # the least share of a strap within two line widths of the arm (a strap on the chest is no matter)
LENGTH = 0.3  # (shoulder widths) a strap runs at least this far over the shoulder (the tips of hair over a sleeve,
# joined to the dark hair, are shorter: TikTok character 5)


def strap_lines(image: np.ndarray, labels: np.ndarray, joints: np.ndarray, figure: np.ndarray) -> np.ndarray:
    """HxW bool: the thin dark lines (darker than both sides) on the torso and the upper arms, beside an upper
    arm and long (:data:`LENGTH`), that run into a garment of the torso as dark as they are and up above the
    line through the shoulder joints, with their anti-aliased edges; none in drawn art (``figure``: the
    character's silhouette, HxW bool)."""
    out = np.zeros(labels.shape, bool)
    shoulder_width = shoulder_span(joints, 1.0)
    line = dark_lines(image, shoulder_width)
    if drawn_lines(image, figure, shoulder_width, lines=line) is not None:
        return out
    r = max(1, round(LINE_WIDTH * shoulder_width))
    light = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2LAB)[:, :, 0]
    torso = labels == PARTS.index("torso")
    uppers = np.isin(labels, [PARTS.index(ARM_PARTS[side][0]) for side in ("left", "right")])
    pieces, n = ndimage.label(line & (torso | uppers), structure=np.ones((3, 3)))
    if n == 0:
        return out
    above = ~below_shoulders(joints, labels.shape, 0.0)
    near_arm = cv2.dilate(uppers.astype(np.uint8), disc(2 * r)).astype(bool)
    idx = np.arange(1, n + 1)
    beside = (np.asarray(ndimage.mean(near_arm, pieces, idx)) >= BESIDE_ARM) & (ndimage.maximum(above, pieces, idx) > 0)
    dark = np.asarray(ndimage.mean(light, pieces, idx))
    boxes = ndimage.find_objects(pieces)
    long = np.array([max(b[0].stop - b[0].start, b[1].stop - b[1].start) for b in boxes]) >= LENGTH * shoulder_width
    for i in np.flatnonzero(beside & long) + 1:
        piece = pieces == i
        # the garment's corner may be the arm's as labelled (the shoulder joint medial of the strap, character 3
        # cut at her chest): the strap runs into the dark, and that dark is joined to the torso's garment
        garment = (torso | uppers) & ~line & (light <= dark[i - 1] + GARMENT_L)
        touch = cv2.dilate(piece.astype(np.uint8), None).astype(bool) & garment
        if touch.sum() < JOIN:
            continue
        parts, _ = ndimage.label(garment, structure=np.ones((3, 3)))
        joined = np.unique(parts[touch])
        if ndimage.sum(garment & torso, parts, joined).max() >= (GARMENT * shoulder_width) ** 2:
            out |= piece
    return cv2.dilate(out.astype(np.uint8), None).astype(bool) & (torso | uppers)


def straps_to_torso(labels: np.ndarray, straps: np.ndarray, joints: np.ndarray, image: np.ndarray) -> np.ndarray:
    """Part labels with the upper arms' pixels of ``straps`` (:func:`strap_lines`) given to the torso, and with
    them what an arm took on the torso's side of its strap: the shoulder's skin medial of it, and below it the top's
    dark corner joined to it. A strap runs where the shoulder's round meets the arm; labelled by the bones'
    distances with the shoulder joint medial of it (TikTok character 3 cut at her chest), the arm carried a slab
    of the chest and a wedge of the black top, and moved them off the body as pale blocks and a dark lump."""
    if not straps.any():
        return labels
    out = labels.copy()
    torso_i = PARTS.index("torso")
    out[straps] = torso_i
    light = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2LAB)[:, :, 0].astype(np.float32)
    across = across_straps(straps, joints, light)
    for side in ("left", "right"):
        arm = labels == PARTS.index(ARM_PARTS[side][0])
        strap = straps & cv2.dilate(arm.astype(np.uint8), disc(2)).astype(bool)
        if not strap.any():
            continue
        out[arm & (across > 0)] = torso_i
        # the top's corner below the strap: as dark as the strap, joined to it, where the arm itself is not dark
        dark = float(light[strap].mean()) + GARMENT_L
        if float(np.median(light[arm])) <= dark:
            continue
        corner, _ = ndimage.label(arm & (light <= dark), structure=np.ones((3, 3)))
        joined = np.unique(corner[cv2.dilate(strap.astype(np.uint8), disc(2)).astype(bool)])
        ys = np.nonzero(strap)[0]
        below = (np.arange(labels.shape[0]) > (ys.min() + ys.max()) / 2)[:, None]
        out[np.isin(corner, joined[joined > 0]) & below] = torso_i
    return out

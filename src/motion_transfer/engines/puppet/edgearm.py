"""The arm of a close-up where the image's bottom edge cuts it: its pixels up to its own outline.

A hanging arm cut by the bottom edge has its elbow or its wrist (or both) below the image: the pose model guesses
them, and the tube round the guessed bone misses the arm's side towards the body (TikTok character 5: a puffed
sleeve's rim and the forearm's skin under it, between the sleeve and the torso, went to the torso). Left to the
body, that strip stayed at the body's lower side when the arm moved away: a brownish piece that looked like a
forearm hanging there. The arm's own outline shows there as the strongest colour edge between the arm and the
torso: the border near the bottom edge is moved onto it by a watershed seeded with the arm and with the torso
farther from the arm than such a strip is wide.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J
from .colour_step import colour_step
from .model import LAYERS, PARTS

EDGE_BAND = 0.5  # (shoulder widths) how far above the bottom edge the arm's border is looked at
EDGE_STRIP = 0.2  # (shoulder widths) the widest strip of the torso beside the arm that may be the arm's
EDGE_CONTRAST = 3.0  # the new border's mean colour step, at least this many times the old one's (through no edge)


def _border_step(a: np.ndarray, b: np.ndarray, step: np.ndarray, within: np.ndarray) -> float:
    """The mean colour step along the border between masks ``a`` and ``b`` (the pixels of ``a`` beside ``b``)
    inside ``within``."""
    border = a & within & cv2.dilate(b.astype(np.uint8), None).astype(bool)
    return float(step[border].mean()) if border.any() else 0.0


def arms_at_bottom_edge(lab: np.ndarray, small_rgb: np.ndarray, m: np.ndarray, joints: np.ndarray,
                        sw: float) -> np.ndarray:
    """The torso's pixels beside an arm cut by the image's bottom edge, up to that arm's outline, go to the arm.

    Only an arm whose wrist lies below the image and whose pixels reach its bottom row; only within EDGE_BAND of
    that row and EDGE_STRIP of the arm; only where the border found is a clearer colour edge than the one it
    replaces (EDGE_CONTRAST): over clothes of the arm's own colour with no outline between, nothing changes."""
    h, w = lab.shape
    torso_i = PARTS.index("torso")
    band = np.zeros((h, w), bool)
    band[max(0, h - round(EDGE_BAND * sw)):] = True
    step = None
    out = lab.copy()
    for side, layer in (("left", "arm_l"), ("right", "arm_r")):
        if joints[J[f"{side}_wrist"], 1] < h:
            continue
        parts = [PARTS.index(p) for p in LAYERS[layer]]
        arm = np.isin(out, parts)
        if not arm[h - 1].any():
            continue
        torso = (out == torso_i) & m
        to_arm, (iy, ix) = ndimage.distance_transform_edt(~arm, return_indices=True)
        strip = torso & band & (to_arm <= EDGE_STRIP * sw)
        if not strip.any():
            continue
        if step is None:
            step = colour_step(small_rgb, 1.0)
            blurred = np.ascontiguousarray(cv2.GaussianBlur(small_rgb, (0, 0), 1.0)[:, :, ::-1])
        markers = np.full((h, w), 3, np.int32)  # the background and every other part: a wall of their own
        markers[arm] = 1
        markers[torso & ~strip] = 2
        markers[strip] = 0
        # OpenCV's watershed leaves the image's outermost pixels unflooded: a copy padded by one pixel
        padded = cv2.copyMakeBorder(markers, 1, 1, 1, 1, cv2.BORDER_REPLICATE)
        cv2.watershed(cv2.copyMakeBorder(blurred, 1, 1, 1, 1, cv2.BORDER_REPLICATE), padded)
        markers = padded[1:-1, 1:-1]
        pieces, n = ndimage.label(strip & (markers == 1))
        beside = cv2.dilate(arm.astype(np.uint8), None).astype(bool)
        won = np.zeros((h, w), bool)
        for k in np.unique(pieces[h - 1][pieces[h - 1] > 0]):  # each piece reaching the bottom edge
            piece = pieces == k
            if not (piece & beside).any():
                continue
            before = _border_step(arm, piece, step, band)
            after = _border_step(torso & ~piece, piece, step, band)
            if after >= EDGE_CONTRAST * before:
                won |= piece
        # with the watershed's line between them and the torso: the outline itself (a pale rim, a dark crease)
        won |= strip & (markers == -1) & cv2.dilate(won.astype(np.uint8), None).astype(bool)
        out[won] = out[iy[won], ix[won]]
    return out

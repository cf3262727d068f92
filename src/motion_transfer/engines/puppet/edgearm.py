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
from .colour_step import ALIKE_DELTA_E, colour_step
from .model import LAYERS, PARTS

EDGE_BAND = 0.5  # (shoulder widths) how far above the bottom edge the arm's border is looked at
EDGE_STRIP = 0.2  # (shoulder widths) the widest strip of the torso beside the arm that may be the arm's
EDGE_CONTRAST = 3.0  # the new border's mean colour step, at least this many times the old one's (through no edge)
BEHIND_REACH = 0.06  # (shoulder widths) how far past the torso's visible side the body goes on behind such an arm
SIDE_DEPTH = 0.02  # (shoulder widths) how far from the torso's side its colours and the arm's are compared ...
SIDE_ALIKE = 0.75  # ... and that side is no outline the image shows where this share of the arm's look alike


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


def past_body_side(hidden: np.ndarray, labels: np.ndarray, lab: np.ndarray, sw: float, bottom: int) -> np.ndarray:
    """HxW bool: the pixels of ``hidden`` (the torso the arms hide, to be painted in) that belong to an arm the
    image's bottom edge (row ``bottom`` of these arrays: the first one below the image) cuts and lie farther than
    BEHIND_REACH from the torso's visible pixels: the body hides nothing there. ``lab``: the image in CIE Lab.

    The image shows neither the body's side under such an arm nor the armpit: what the shoulder-hip
    quadrilateral takes of the arm is a guess, its side a straight line down the sleeve from a shoulder joint the
    pose model put in the sleeve's middle. Painted in the chest's colours, it stood as a flat brown box with a
    straight side and a flat top beside the body once the sleeve swung away (TikTok character 5 cut at 60%,
    driven by clip 0): the body ends along its visible side instead, and the backdrop shows past it. Not where
    the torso lies on both sides of the pixel, across its row or down its column: an arm hanging across a side
    view's body hides the body between the chest above it and the body continued below the edge (TikTok
    character 1 cut at 60%: left out, a crack parted the two). Nor behind an arm whose side beside the torso is
    no outline the image shows (:func:`_unseen_side`): there the torso's visible side is the labels' guess, no
    better than the quadrilateral's, and the arm's pixels beside it are the body's too (a jacket's sleeve over
    its chest, the same navy: the labels gave the arm the end of a ribbon bar on the chest, which the body
    behind the arm covered while the arm swung away, and which stood beside the body without it, Grace Hopper
    driven by TikTok clip 0)."""
    out = np.zeros(hidden.shape, bool)
    torso = (labels == PARTS.index("torso")) & ~hidden
    if not torso.any() or not 0 < bottom <= labels.shape[0]:
        return out
    far = None
    for layer in ("arm_l", "arm_r"):
        arm = np.isin(labels, [PARTS.index(p) for p in LAYERS[layer]])
        if not arm[bottom - 1].any() or not (arm & hidden).any():
            continue
        if far is None:
            to_torso = ndimage.distance_transform_edt(~torso)
            far = (to_torso > BEHIND_REACH * sw) & ~_between(torso)
        if _unseen_side(lab, torso, arm & ~hidden, to_torso, sw):
            continue
        out |= arm & hidden & far
    return out


def _unseen_side(lab: np.ndarray, torso: np.ndarray, arm: np.ndarray, to_torso: np.ndarray, sw: float) -> bool:
    """Whether the border between the ``torso``'s and the ``arm``'s visible pixels is no outline in the image:
    SIDE_ALIKE of the arm's pixels between one and three SIDE_DEPTH from the torso look like (ALIKE_DELTA_E) the
    torso's pixel nearest to them at least SIDE_DEPTH inside it (both away from the border's blur)."""
    depth = max(2, round(SIDE_DEPTH * sw))
    side = arm & (to_torso > depth) & (to_torso <= 3 * depth)
    inner = ndimage.binary_erosion(torso, iterations=depth)
    if not side.any() or not inner.any():
        return False
    _, (iy, ix) = ndimage.distance_transform_edt(~inner, return_indices=True)
    alike = np.linalg.norm(lab[side] - lab[iy[side], ix[side]], axis=1) < ALIKE_DELTA_E
    return float(alike.mean()) >= SIDE_ALIKE


def _between(mask: np.ndarray) -> np.ndarray:
    """HxW bool: the pixels with ``mask`` on both sides of them across their row, or up and down their column."""
    def both(axis: int) -> np.ndarray:
        before = np.maximum.accumulate(mask, axis=axis)
        after = np.flip(np.maximum.accumulate(np.flip(mask, axis=axis), axis=axis), axis=axis)
        return before & after
    return both(0) | both(1)

"""Filling what the character hid: the background where it stood, and the torso behind its arms.

Done once per character (at rigging), never per frame.
"""
from __future__ import annotations

import cv2
import numpy as np

from ...pose.retarget import MH, MS, extend
from ...pose.skeleton import J
from .model import LAYERS, PARTS, torso_quad


def inpaint_region(image: np.ndarray, hole: np.ndarray, known: np.ndarray | None = None,
                   max_side: int = 384) -> np.ndarray:
    """``image`` with ``hole`` filled from ``known`` pixels (default: everything outside the hole).

    Works on a crop around the hole, shrunk to at most ``max_side`` pixels (never below the hole's own detail),
    with OpenCV's Telea inpainting, so a large hole costs a fraction of a second and a thin one stays sharp.
    """

    if not hole.any():
        return image
    H, W = hole.shape
    if known is None:
        known = ~hole
    ys, xs = np.nonzero(hole)
    bh, bw = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    m = int(0.25 * max(bh, bw)) + 8
    y0, y1 = max(0, ys.min() - m), min(H, ys.max() + m + 1)
    x0, x1 = max(0, xs.min() - m), min(W, xs.max() + m + 1)
    crop = image[y0:y1, x0:x1]
    unknown = ~known[y0:y1, x0:x1]
    ch, cw = crop.shape[:2]
    s = min(1.0, max_side / max(ch, cw))
    w, h = max(4, round(cw * s)), max(4, round(ch * s))
    small = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA) if s < 1 else crop
    unk = cv2.resize(unknown.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) if s < 1 else \
        unknown.astype(np.uint8)
    if unk.all():
        return image
    unk = cv2.dilate(unk, None, iterations=1)
    filled = cv2.inpaint(np.ascontiguousarray(small), unk, 3, cv2.INPAINT_TELEA)
    big = cv2.resize(filled, (cw, ch), interpolation=cv2.INTER_LINEAR) if s < 1 else filled
    out = image.copy()
    sub = hole[y0:y1, x0:x1]
    out[y0:y1, x0:x1][sub] = big[sub]
    return out


def remove_character(image: np.ndarray, matte: np.ndarray) -> np.ndarray:
    """The image's background with the character (grown a little, so no fringe of it is left) filled in."""
    h, w = matte.shape
    grow = max(3, round(0.015 * max(h, w)))
    hole = cv2.dilate((matte > 0.05).astype(np.uint8), None, iterations=grow).astype(bool)
    return inpaint_region(image, hole)


def fill_hidden_torso(image: np.ndarray, labels: np.ndarray, joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(image with the torso hidden by the arms painted in, the mask of those pixels).

    Hidden: arm pixels inside the shoulder-hip quadrilateral (grown a little), or enclosed by the torso's own
    outline (a side view, where the quadrilateral is narrow). Painted from the torso's own pixels below the
    shoulder line (not the neck or the face).
    """
    H, W = labels.shape
    qm = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(qm, np.round(torso_quad(joints)).astype(np.int32), 1)
    sw = float(np.linalg.norm(joints[J["left_shoulder"]] - joints[J["right_shoulder"]]))
    inside = qm.astype(bool)
    qm = cv2.dilate(qm, None, iterations=max(1, int(0.04 * sw))).astype(bool)
    ext = extend(joints)
    spine = float(np.linalg.norm(ext[MS] - ext[MH]))
    rad = max(2, int(max(0.25 * sw, 0.15 * spine)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * rad + 1, 2 * rad + 1))
    torso = labels == PARTS.index("torso")
    closed = cv2.morphologyEx(torso.astype(np.uint8), cv2.MORPH_CLOSE, kernel).astype(bool)
    arm_idx = [PARTS.index(p) for p in LAYERS["arm_l"] + LAYERS["arm_r"]]
    hidden = (qm | closed) & np.isin(labels, arm_idx)
    if not hidden.any():
        return image, hidden
    source = torso & inside
    own = np.isin(labels, [PARTS.index(p) for p in LAYERS["body"]])
    return inpaint_region(image, hidden, known=source if source.sum() > 50 else own), hidden

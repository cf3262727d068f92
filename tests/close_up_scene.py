"""A drawn close-up's padded arrays (a torso of cloth cut by the image's bottom edge, a head of skin) that tests of
arms and hands past the border draw their arms on, and the distance to a bone they draw them with."""
from __future__ import annotations

import numpy as np

from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.skeleton import J


def seg_dist(px, py, a, b):
    """The distance of pixels (``px``, ``py``) from the segment ``a``-``b``."""
    ab = np.subtract(b, a, dtype=np.float64)
    t = np.clip(((px - a[0]) * ab[0] + (py - a[1]) * ab[1]) / float(ab @ ab), 0.0, 1.0)
    return np.hypot(px - (a[0] + t * ab[0]), py - (a[1] + t * ab[1]))


def close_up(size: tuple[int, int, int], cloth: np.ndarray, skin: np.ndarray, left_elbow, left_wrist,
             right_elbow, right_wrist):
    """A close-up's padded arrays before its arms are drawn: ``size`` (padded height, width, the image's height
    inside), a torso of ``cloth`` cut by the image's bottom edge, a head of ``skin``, and joints with the shoulders
    at (280, 150) and (120, 150), the given elbows and wrists, the hand's points 25 px below the wrists. Returns
    (image, labels, joints, (py, px, inside))."""
    H, W, h = size
    j = np.zeros((33, 2))
    j[J["nose"]] = (200, 80)
    for side, sh, el, wr in (("left", (280, 150), left_elbow, left_wrist),
                             ("right", (120, 150), right_elbow, right_wrist)):
        j[J[f"{side}_shoulder"]], j[J[f"{side}_elbow"]], j[J[f"{side}_wrist"]] = sh, el, wr
        for k in ("index", "pinky", "thumb"):
            j[J[f"{side}_{k}"]] = np.add(wr, (0, 25))
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    inside = py < h
    image = np.zeros((H, W, 3), np.uint8)
    labels = np.full((H, W), -1, np.int32)
    torso = inside & (px >= 120) & (px < 280) & (py >= 140)
    head = np.hypot(px - 200, py - 80) < 45
    image[torso], labels[torso] = cloth, PARTS.index("torso")
    image[head], labels[head] = skin, PARTS.index("head")
    return image, labels, j, (py, px, inside)

"""A bare hand lying on the body: the hand's pixels, not the torso's.

The pose model sees a hand lying flat on the trousers poorly (it lies against the body, often by the picture's
border), and a poorly seen limb's pixels over the torso are left to the torso (it is behind the body, as a side
view's far arm is). A palm on the thigh is not behind anything: its skin, past the wrist, is plainly in front of
the cloth it lies on. Left to the torso, the palm stayed on the trousers while the arm moved on without its hand,
and the torso painted in behind the arm took its skin colour down the trousers (TikTok character 0, the right
hand on the white trousers).
"""
from __future__ import annotations

import cv2
import numpy as np

from ...pose.skeleton import J
from .fill import skin_hued
from .model import LAYER_OF_PART, LEG_PARTS, PARTS, part_segment, part_visibility

PALM_REACH = 1.3  # a palm's pixels lie this many of the hand's radii from its bone (the spread fingers a little more)
PALM_SEEN = 0.5  # a hand seen at least this well already wins its pixels by distance
PALM_CLOTH = 0.5  # the most of the torso around the hand (past the wrist) that may be skin: on bare skin (a
# belly), skin does not tell the hand from what it lies on
PALM_PIXELS = 12  # the fewest skin pixels a palm taken from the torso holds (analysis pixels)
BODY = [PARTS.index(p) for p in ("torso", *LEG_PARTS["left"], *LEG_PARTS["right"])]  # what a hand lies on


def palms_on_body(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, joints: np.ndarray, vis: np.ndarray,
                  radii: dict[str, float]) -> np.ndarray:
    """Part labels (analysis size) where a poorly seen hand's skin lying on the torso's cloth is the hand's.

    ``lab`` part labels, ``labc`` the image in Lab, ``m`` the figure, ``joints`` at that size, ``radii`` each
    limb part's radius (parts left out: unused). Taken: the torso's pixels of the skin's colour (the face's, lit
    or in shade) past the wrist, within the hand's reach of its bone, joined to the arm's own pixels; only where
    the torso around them is mostly not skin (cloth: the trousers, a skirt)."""
    out = lab.copy()
    body = np.isin(lab, BODY)
    h, w = lab.shape
    py, px = np.mgrid[0:h, 0:w].astype(np.float32)
    skin = None
    for side in ("l", "r"):
        part = f"{side}_hand"
        if part not in radii or part_visibility(part, vis) >= PALM_SEEN:
            continue
        a, b = part_segment(part, joints)
        wrist = joints[J[f"{'left' if side == 'l' else 'right'}_wrist"]]
        if not (0 <= wrist[0] < w and 0 <= wrist[1] < h):
            continue
        bone = b - a
        length2 = float(bone @ bone)
        if length2 < 1.0:
            continue
        t = ((px - a[0]) * bone[0] + (py - a[1]) * bone[1]) / length2
        near = np.hypot(px - (a[0] + np.clip(t, 0, 1) * bone[0]), py - (a[1] + np.clip(t, 0, 1) * bone[1]))
        r = PALM_REACH * radii[part]
        past = (t >= 0) & m
        reach = past & (near < r) & body
        if skin is None:
            skin = skin_hued(labc, _face_colour(labc, joints))
        ring = past & body & (near >= r) & (near < 2 * r)
        if not ring.any() or skin[ring].mean() > PALM_CLOTH:
            continue
        palm = reach & skin
        if palm.sum() < PALM_PIXELS:
            continue
        arm = LAYER_OF_PART[PARTS.index(part)]
        own = (lab >= 0) & (LAYER_OF_PART[np.clip(lab, 0, None)] == arm)
        n, pieces = cv2.connectedComponents((palm | own).astype(np.uint8), connectivity=8)
        joined = np.unique(pieces[own])
        palm &= np.isin(pieces, joined[joined > 0])
        out[palm] = PARTS.index(part)
    return out


def _face_colour(labc: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """The skin's colour (Lab): around the nose."""
    h, w = labc.shape[:2]
    x, y = (int(np.clip(v, 0, s - 1)) for v, s in zip(joints[J["nose"]], (w, h)))
    r = max(2, round(0.02 * max(h, w)))
    return np.median(labc[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].reshape(-1, 3), axis=0)

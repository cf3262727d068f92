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
GROW_REACH = 1.7  # (the hand's radii from its bone) how far the hand is grown along its own colour ...
GROW_NECK = 0.1  # ... through no neck narrower than twice this (radii): the belly's skin beside the hand stays
GROW_LIGHT = 0.5  # the weight of lightness in the colour distances that grow it (a hand is lit unevenly)
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
        hand = palm | (lab == PARTS.index(part))
        reach = (t >= 0) & (near < GROW_REACH * radii[part]) & body & ~palm
        out[_grown(hand, reach, labc, hand & skin, ring & ~skin, GROW_NECK * radii[part])] = PARTS.index(part)
    return out


def _grown(hand: np.ndarray, reach: np.ndarray, labc: np.ndarray, own: np.ndarray, cloth: np.ndarray,
           neck: float) -> np.ndarray:
    """The pixels of ``reach`` the hand grows over: nearer the colour of its skin (``own``) than the cloth's around
    it (``cloth``), joined to ``hand`` through no neck narrower than ``2 * neck`` pixels.

    The skin test that finds the palm misses the hand's lit knuckles and its shaded side: left to the body, they
    stayed on the waistband as skin-coloured lobes when the hand moved away, and were carried down past the
    picture's bottom edge as the clothes (TikTok character 0's hand at her waist). Skin of the belly beside the
    hand is joined to it only through such a neck (the waistband's edge between them)."""
    if not own.any() or not cloth.any():
        return np.zeros_like(hand)
    weight = np.array([GROW_LIGHT, 1.0, 1.0], np.float32)
    to_own = np.linalg.norm((labc - np.median(labc[own], axis=0)) * weight, axis=2)
    to_cloth = np.linalg.norm((labc - np.median(labc[cloth], axis=0)) * weight, axis=2)
    near = (reach & (to_own < to_cloth)).astype(np.uint8)
    k = 2 * max(1, round(neck)) + 1
    near = cv2.morphologyEx(near, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
    _, pieces = cv2.connectedComponents((near | hand).astype(np.uint8), connectivity=8)
    joined = np.unique(pieces[hand])
    return near & np.isin(pieces, joined[joined > 0])


def _face_colour(labc: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """The skin's colour (Lab): around the nose."""
    h, w = labc.shape[:2]
    x, y = (int(np.clip(v, 0, s - 1)) for v, s in zip(joints[J["nose"]], (w, h)))
    r = max(2, round(0.02 * max(h, w)))
    return np.median(labc[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].reshape(-1, 3), axis=0)

"""A hand hanging over light trousers at the hip, below a bare belly and a black cropped top: once painted, the
trousers go on under the hand in their own colour (TikTok character 0: the torso's colours held the trousers and
the lit belly above their waistband as one, and the belly's pale skin painted a flat pink patch of the hand's
shape on the trousers, left standing there once the hand moved away)."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.fill import _enclosed_specks, fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from torso_scene import BODY, H, W, photographed, torso

# (OpenCV's 8-bit Lab) the top lit and in shade, the belly lit and in shade, the trousers, the wall
TOP, TOP_SHADE = (39, 133, 126), (7, 131, 126)
BELLY, BELLY_SHADE = (196, 143, 150), (162, 141, 148)
TROUSERS, WALL = (201, 133, 133), (110, 129, 126)
SKIN = (178, 141, 142)  # the hand's, in shade
PERIOD, RIB = 8, 10  # the trousers' ribs: upright, this many pixels apart, this much lighter and darker (Lab L)
# rows: the top above the hem, the belly down to the waistband, the trousers below it (the hips' line is at 320:
# most of the trousers lie below it)
HEM, WAISTBAND = 175, 300
ELBOW, WRIST = (104, 225), (120, 298)  # the right forearm hanging along the body's side
HAND = ((128, 316), (13, 17))  # the hand's ellipse (centre, half axes) over the trousers at the hip


def _rgb(lab: tuple[int, int, int]) -> np.ndarray:
    return cv2.cvtColor(np.uint8([[lab]]), cv2.COLOR_LAB2RGB)[0, 0].astype(np.float32)


def _character() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, the hand's mask): the torso's top lit on its left and shaded on its right, the belly
    lit in the middle and shaded at its sides, light trousers below the waistband; a black sleeve hanging along
    the body's right side, its bare hand over the trousers."""
    joints, image, body = torso(ELBOW, WRIST, 0)
    image[:] = _rgb(WALL)
    x0, y0, x1, y1 = BODY
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    lit = np.clip((np.minimum(px - x0, x1 - px) - 10) / 25.0, 0.0, 1.0)[..., None]
    image[body] = (lit * _rgb(BELLY) + (1 - lit) * _rgb(BELLY_SHADE))[body]
    top = body & (py < HEM)
    image[top & (px < (x0 + x1) / 2)] = _rgb(TOP)
    image[top & (px >= (x0 + x1) / 2)] = _rgb(TOP_SHADE)
    trousers = body & (py >= WAISTBAND)
    ribs = np.zeros((H, W, 3), np.float32) + np.float32(TROUSERS)
    ribs[..., 0] += RIB * np.cos(2 * np.pi * (px - (x0 + x1) / 2) / PERIOD)  # (alike on both sides of the spine)
    image[trousers] = cv2.cvtColor(np.clip(ribs + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)[trousers]
    labels = np.full((H, W), -1, np.int16)
    labels[body] = PARTS.index("torso")
    fore = np.zeros((H, W), np.uint8)
    cv2.line(fore, ELBOW, WRIST, 1, 22)
    hand = np.zeros((H, W), np.uint8)
    cv2.ellipse(hand, HAND[0], HAND[1], 0, 0, 360, 1, -1)
    image[fore > 0] = _rgb(TOP)
    image[hand > 0] = _rgb(SKIN)
    labels[fore > 0] = PARTS.index("r_lower_arm")
    labels[hand > 0] = PARTS.index("r_hand")
    return photographed(image, 2.0), labels, joints, hand > 0


def test_the_trousers_go_on_under_a_hand_resting_on_them():
    """The hidden pixels of the hand inside the body (a few pixels in from its outline): within 6 of OpenCV's
    Lab of the trousers on average and 95 in 100 within 12 (the torso's colours took the trousers and the lit
    belly as one, the hand counted as a sleeve of it and was kept: a patch of skin the hand's shape, 25 off the
    trousers); nothing painted beyond the body's side."""
    image, labels, joints, hand = _character()
    out, hidden = fill_hidden_torso(image, labels, joints)
    x0, y0, x1, y1 = BODY
    inside = np.zeros((H, W), bool)
    inside[y0:y1 + 1, x0:x1 + 1] = True
    inner = cv2.erode(hand.astype(np.uint8), None, iterations=3).astype(bool) & inside
    under = hidden & inner
    assert under.sum() > 0.9 * inner.sum(), "the hand does not hide the trousers"
    lab = cv2.cvtColor(cv2.blur(out, (PERIOD, 1)), cv2.COLOR_RGB2LAB).astype(np.float32)  # (over a rib and a gap)
    d = np.linalg.norm(lab[under] - np.float32(TROUSERS), axis=1)
    assert d.mean() < 6 and np.percentile(d, 95) < 12, (
        f"under the hand: {d.mean():.1f} Lab off the trousers on average, {np.percentile(d, 95):.1f} at 95%")
    assert not (hidden & ~inside).any(), "painted beyond the body's side"


def test_the_trousers_under_the_hand_have_their_ribs():
    """The trousers' ribs go on under the hand, mirrored from the other side of the body, which shows them below
    the hips alike: the painted lightness follows the ribs (correlation over 0.3; flat, it was 0, and the hand's
    place stood out as a smooth patch on the ribbed trousers)."""
    image, labels, joints, hand = _character()
    out, hidden = fill_hidden_torso(image, labels, joints)
    x0, _, x1, _ = BODY
    under = hidden & cv2.erode(hand.astype(np.uint8), None, iterations=3).astype(bool)
    px = np.mgrid[0:H, 0:W][1]
    ribs = np.cos(2 * np.pi * (px - (x0 + x1) / 2) / PERIOD)[under]
    light = cv2.cvtColor(out, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)[under]
    light, ribs = light - light.mean(), ribs - ribs.mean()
    assert float((light * ribs).sum() / np.sqrt((light * light).sum() * (ribs * ribs).sum())) > 0.3


def test_a_speck_of_the_torso_the_paint_closes_round_is_painted_too():
    """A speck of torso pixels the hole closes round on every side (the shade between a hand's fingers given to the
    torso, left as a dark dot in the flat paint on character 0's trousers) joins the hole; a wider piece it closes
    round, and a piece open to the crop's border, do not."""
    hole = np.zeros((60, 60), bool)
    hole[10:30, 10:30] = True
    hole[18:21, 18:21] = False  # a speck, 3 x 3
    hole[35:55, 10:50] = True
    hole[40:50, 15:45] = False  # a piece of 10 x 30, wider than the speck's square
    hole[0:8, 40:60] = True
    hole[0:3, 50:53] = False  # a speck open to the border
    specks = _enclosed_specks(hole, np.ones(hole.shape, bool), margin=5)
    assert specks[18:21, 18:21].all()
    assert specks.sum() == 9

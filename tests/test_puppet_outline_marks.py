"""The dark lines beside an arm lying over the body are painted over in the body layer (the arm's outline, the
shade along it), but not the dark details of a light mark on the cloth beside the arm (a name tag's letters, a
ribbon's stripes: Grace Hopper's were blotted out in every frame), nor the tips of hair lying on the cloth
(TikTok character 5's stood as blocky grey strands)."""
from __future__ import annotations

import numpy as np

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from torso_scene import BODY, H, W, cie_lab, photographed, torso

JACKET, TAG, LETTER, INK = (40, 45, 70), (200, 200, 205), (80, 80, 90), (5, 5, 8)
ARM_ROWS = (236, 265)  # the forearm lying straight across the belly
ELBOW, WRIST = (215, 250), (85, 250)


def _with_arm(image: np.ndarray, body: np.ndarray, arm: np.ndarray, colour: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(the scene photographed, its labels): ``image`` with the forearm ``arm`` in ``colour`` lying over the
    torso ``body``."""
    image[arm] = colour
    labels = np.full((H, W), -1, np.int16)
    labels[body] = PARTS.index("torso")
    labels[arm] = PARTS.index("r_lower_arm")
    return photographed(image, 2.0), labels


def _jacket_with_a_tag() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, letters, outline): a dark jacket, its sleeve lying across it with a drawn dark
    outline along its lower edge, and just above the forearm a light name tag with dark letters (``letters``,
    ``outline``: their masks)."""
    joints, image, body = torso(ELBOW, WRIST, 225)
    image[body] = JACKET
    x0, _, x1, _ = BODY
    image[216:234, 120:190] = TAG
    letters = np.zeros((H, W), bool)
    for x in range(124, 186, 6):  # the letters' strokes, down to a few pixels above the arm
        letters[220:231, x:x + 2] = True
    image[letters] = LETTER
    outline = np.zeros((H, W), bool)
    outline[ARM_ROWS[1]:ARM_ROWS[1] + 2, x0 + 5:x1 - 5] = True
    image[outline] = INK
    arm = np.zeros((H, W), bool)
    arm[ARM_ROWS[0]:ARM_ROWS[1], x0 - 10:x1 + 10] = True
    return (*_with_arm(image, body, arm, JACKET), joints, letters, outline)


def test_a_name_tags_letters_beside_the_arm_are_kept_its_outline_painted():
    image, labels, joints, letters, outline = _jacket_with_a_tag()
    out, hidden = fill_hidden_torso(image, labels, joints)
    assert hidden[ARM_ROWS[0]:ARM_ROWS[1], BODY[0] + 20:BODY[2] - 20].mean() > 0.9, "the arm hides no body"
    before, after = cie_lab(image), cie_lab(out)
    moved = np.linalg.norm(after[letters] - before[letters], axis=1)
    assert np.mean(moved > 5) < 0.05, f"{np.mean(moved > 5):.0%} of the tag's letters painted over"
    jacket = cie_lab(np.uint8([[JACKET]]))[0, 0]
    left = np.linalg.norm(after[outline] - jacket, axis=1)
    assert np.median(left) < 8, f"the arm's outline is left on the jacket ({np.median(left):.1f} Lab off it)"


TOP, SLEEVE, HAIR = (228, 226, 222), (200, 198, 196), (30, 25, 25)
SLEEVE_COLS = (190, 226)  # a sleeve hanging down the body's side, over the top


def _lock_beside_a_sleeve() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, hair, tips): a white top, a light sleeve hanging down over its side, and a dark
    lock of hair hanging over the top beside the sleeve, ending in thin strands (``tips``) a few pixels from it."""
    joints, image, body = torso((208, 190), (208, 300), 120)
    image[body] = TOP
    hair = np.zeros((H, W), bool)
    hair[90:200, 166:184] = True  # the lock
    tips = np.zeros((H, W), bool)
    for x in (176, 182):  # its strands, ending beside the sleeve
        tips[200:250, x:x + 2] = True
    hair |= tips
    image[hair] = HAIR
    arm = np.zeros((H, W), bool)
    arm[150:330, SLEEVE_COLS[0]:SLEEVE_COLS[1]] = True
    return (*_with_arm(image, body, arm, SLEEVE), joints, hair, tips)


def test_the_tips_of_a_lock_on_the_top_beside_a_sleeve_are_kept():
    image, labels, joints, hair, tips = _lock_beside_a_sleeve()
    out, hidden = fill_hidden_torso(image, labels, joints, hair=hair)
    assert hidden[200:300, SLEEVE_COLS[0] + 5:SLEEVE_COLS[1] - 5].mean() > 0.9, "the sleeve hides no body"
    moved = np.mean(np.linalg.norm(cie_lab(out)[tips] - cie_lab(image)[tips], axis=1) > 5)
    assert moved < 0.05, f"{moved:.0%} of the lock's tips painted over"

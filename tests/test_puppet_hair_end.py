"""The dark end of the hair lying on the shoulder's top is no outline of the arm to paint over, whoever the labels
give the hair's pale tips beside it to (TikTok character 3: given to the body, the tips against the window swung
the colour it was painted in from the hair's to the skin's, a pale chip with a dark rim at the hair's end on her
shoulder)."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from torso_scene import H, W, photographed, torso

SKIN, HAIR, DRESS = np.array([196, 140, 108]), np.array([48, 28, 24]), np.array([25, 25, 35])
TIPS, BACKDROP = np.array([215, 200, 222]), 245  # backlit hair against a bright window
SHOULDERS = 100  # the row of the line through the shoulder joints (torso_scene's)


def _character() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, hair mask, tips mask): bare shoulders over a dark dress, the left upper arm (skin in
    shade) hanging over the torso's left side, its round top just above the shoulders' line, and a lock of dark
    hair lying on that top, ending in a darker shadow on it, its pale backlit tips beside it against the backdrop;
    the tips labelled as the torso."""
    joints, image, body = torso((60, 200), (55, 290), BACKDROP)
    py, px = np.mgrid[0:H, 0:W]
    image[body] = SKIN
    image[body & (py > 150)] = DRESS
    arm = (px >= 195) & (px <= 245) & (py >= SHOULDERS - 5) & (py <= 260)
    image[arm] = SKIN * 0.85
    hair = (px >= 150) & (px <= 215) & (py >= 60) & (py < SHOULDERS - 5)
    image[hair] = HAIR
    image[hair & (py >= SHOULDERS - 9) & (px >= 175)] = HAIR * 0.35  # its end's shadow on the shoulder
    tips = (px > 215) & (px <= 232) & (py >= 60) & (py < SHOULDERS - 5)
    image[tips] = TIPS
    labels = np.full((H, W), -1, np.int16)
    labels[body | hair | tips] = PARTS.index("torso")
    labels[arm] = PARTS.index("l_upper_arm")
    return photographed(image, 3), labels, joints, hair, tips


def _lightness(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 0].astype(np.int32)


def test_the_hairs_end_on_the_shoulder_stays_hair_beside_tips_given_to_the_body():
    """None of the hair's pixels is painted lighter (by 20 of 255 in Lab lightness; 0.7% were, by up to 49: the
    skin's colour at the hair's end), as none is where the arm holds the tips."""
    image, labels, joints, hair, tips = _character()
    out, hidden = fill_hidden_torso(image, labels, joints, hair=hair)
    assert hidden.any(), "the arm hides none of the torso"
    lighter = _lightness(out) - _lightness(image)
    assert (lighter[hair] > 20).sum() == 0, (f"{int((lighter[hair] > 20).sum())} of the hair's pixels painted up to "
                                             f"{int(lighter[hair].max())} lighter")
    by_arm = labels.copy()
    by_arm[tips] = PARTS.index("l_upper_arm")
    out_arm, _ = fill_hidden_torso(image, by_arm, joints, hair=hair)
    apart = np.abs(out.astype(int) - out_arm.astype(int)).max(axis=2)
    moved = (apart[hair] > 12).mean()
    assert moved < 0.01, f"{moved:.1%} of the hair's pixels change with the tips' label"

"""The tips of the hair hanging over a bare shoulder beside a bare arm are no blur of the arm to paint over (TikTok
character 3: they blend dark and light as a blurred arm's edge does, and painted over they stood as a flap of skin
in the hair, and as a pale block on the shoulder in its shadow, once the arm moved away)."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from torso_scene import H, W, photographed, torso

SKIN, HAIR, BACKDROP = np.array([196, 140, 108]), np.array([48, 28, 24]), 235
ARM_X = 195  # the arm hangs over the torso's left side from this column on
HAIR_END = 118  # the row the hair hangs down to


def _character() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, hair mask): bare skin from the shoulders down, the left upper arm (bare skin, in
    shade) over the torso's left side, and a lock of dark hair hanging over the shoulder and the arm's top, its
    tips thinning into the skin."""
    joints, image, body = torso((60, 200), (55, 290), BACKDROP)
    joints[11], joints[13], joints[15] = (215, 100), (230, 230), (235, 300)  # left shoulder, elbow, wrist
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    image[body] = SKIN
    arm = (px >= ARM_X) & (px <= 245) & (py >= 105) & (py <= 260)
    image[arm] = SKIN * 0.7
    hair = (body | arm) & (py < HAIR_END) & (px > ARM_X - 40)
    tips = np.clip((HAIR_END - py) / 8, 0, 1)[..., None]
    image[hair] = (tips * HAIR + (1 - tips) * image)[hair]
    labels = np.full((H, W), -1, np.int16)
    labels[body] = PARTS.index("torso")
    labels[arm] = PARTS.index("l_upper_arm")
    return photographed(image, 3), labels, joints, hair


def test_the_hair_beside_a_bare_arm_is_left_as_it_is():
    """Of the hair's pixels on the torso more than a few pixels off those the arm hides (its rim the fill paints
    over with them), under 2% are painted (20% were)."""
    image, labels, joints, hair = _character()
    out, hidden = fill_hidden_torso(image, labels, joints, hair=hair)
    assert hidden.any(), "the arm hides none of the torso"
    rim = cv2.dilate(hidden.astype(np.uint8), None, iterations=6).astype(bool)
    beside = hair & ~rim & (labels == PARTS.index("torso"))
    assert beside.sum() > 100
    changed = np.abs(out.astype(int) - image.astype(int)).max(axis=2) > 12
    assert changed[beside].mean() < 0.02, f"the hair beside the arm painted over: {changed[beside].mean():.0%}"

"""A puff sleeve is the arm's, all of it: a close-up in a white top whose right sleeve, of the top's own colour
with no line between them, puffs out from the shoulder to the image's left border, far wider than an arm is thick
(TikTok character 5). Its outer half, beyond the arm's reach from its bone on the side away from the body, went
to the torso, stayed at the shoulder when the arm swung in and streaked out past the border with the body.

Drawn here with its joints, so the parts are found from a known picture (the puff rises over the shoulder and
joins the torso there, as hers does)."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet.model import LAYERS, PARTS
from motion_transfer.engines.puppet.parts import label_parts
from torso_scene import CLOSE_UP, close_up_joints

W, H = 300, 300
TOP = (226, 226, 230)
SKIN = (196, 150, 122)
BACKDROP = (110, 130, 110)
JOINTS = {**CLOSE_UP, "right_elbow": (10, 299), "right_wrist": (0, 420), "left_hip": (185, 330),
          "right_hip": (115, 330)}


def _puffed() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, visibility, the right sleeve's puff beyond the arm's reach on its outer side)."""
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = BACKDROP
    yy, xx = np.mgrid[0:H, 0:W]
    torso = (yy >= 80) & (np.abs(xx - 150) <= 55)
    head = (xx - 150) ** 2 + (yy - 55) ** 2 <= 32 ** 2
    # the right sleeve (image left): from the shoulder out to the image's left border and down to its bottom edge
    right = (yy >= 75) & (xx < 95)
    left = (yy >= 100) & (xx >= 205) & (xx < 265)
    image[torso | right | left] = TOP
    image[head] = SKIN
    joints, vis = close_up_joints(JOINTS)
    # the puff: more than an arm's thickness out from the upper arm's bone, on the side away from the torso
    a, b = np.float64(JOINTS["right_shoulder"]), np.float64(JOINTS["right_elbow"])
    d = (b - a) / np.linalg.norm(b - a)
    across = (yy - a[1]) * d[0] - (xx - a[0]) * d[1]  # positive: towards the image's left, away from the body
    puff = right & (across > 40) & (yy < 200)
    return image, (torso | head | right | left).astype(np.float32), joints, vis, puff


@pytest.fixture(scope="module")
def puffed():
    image, matte, joints, vis, puff = _puffed()
    labels, _ = label_parts(matte, joints, vis, None, image)
    return labels, puff


def test_the_puff_of_a_sleeve_beyond_the_arms_reach_is_the_arms(puffed):
    labels, puff = puffed
    assert puff.sum() > 500
    arm = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_r"]])
    assert (arm & puff).sum() >= 0.95 * puff.sum()


def test_the_body_beside_the_sleeve_stays_the_torso(puffed):
    labels, _ = puffed
    yy, xx = np.mgrid[0:H, 0:W]
    middle = (yy >= 150) & (np.abs(xx - 150) <= 40)
    assert (labels[middle] == PARTS.index("torso")).mean() > 0.95

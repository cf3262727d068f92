"""The body goes on under a short sleeve of the top's colour only when the image shows the bare forearm below it: a
close-up cut at the chest (TikTok character 5), a white top, white puff sleeves over its sides cut by the image's
bottom edge, and below that edge (the padded rows the rig draws in) the bare forearms the rig drew there
(``fill.continue_cut_arm``). Those forearms are the rig's guess, no sign of a short sleeve: taken for one, the
body kept a strip of the sleeve's own inner side (its shading, its outline's bumps), and once the arm swung out it
stood beside her body as a ragged pale wedge (pair 5<-0, frames 30-38).

Drawn here with its labels, so the parts are known."""
from __future__ import annotations

import numpy as np

from motion_transfer.engines.puppet.fill import fill_hidden_torso, hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from torso_scene import (CLOSE_UP, CLOSE_UP_H, CLOSE_UP_PAD, CLOSE_UP_SKIN, CLOSE_UP_SLEEVE, CLOSE_UP_W,
                         close_up_canvas, close_up_joints)

W, H, PAD = CLOSE_UP_W, CLOSE_UP_H, CLOSE_UP_PAD
SLEEVE, SKIN = CLOSE_UP_SLEEVE, CLOSE_UP_SKIN
JOINTS = {**CLOSE_UP, "right_elbow": (15, 330), "right_wrist": (5, 400), "left_elbow": (260, 330),
          "left_wrist": (265, 400), "left_hip": (185, 300), "right_hip": (115, 300)}


def _close_up(forearm_shown: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints) padded below the image as the rig pads them: the sleeves hang to the bottom edge,
    the bare forearms run on below it; ``forearm_shown``: the image shows them under the sleeves' hems too."""
    image, labels, yy, xx = close_up_canvas(np.uint8)
    for side, x0, x1 in (("r", 30, 100), ("l", 200, 270)):
        sleeve = (yy >= 100) & (yy < H) & (xx >= x0) & (xx < x1)
        image[sleeve], labels[sleeve] = SLEEVE, PARTS.index(f"{side}_upper_arm")
        forearm = (yy >= (H - 40 if forearm_shown else H)) & (xx >= x0 + 20) & (xx < x1 - 20)
        image[forearm], labels[forearm] = SKIN, PARTS.index(f"{side}_lower_arm")
    joints, _ = close_up_joints(JOINTS)
    return image, labels, joints.astype(np.float64)


def _under_the_sleeves(forearm_shown: bool) -> int:
    """How many of the sleeves' pixels the body layer holds beyond the torso the arms hide."""
    image, labels, joints = _close_up(forearm_shown)
    _, body = fill_hidden_torso(image, labels, joints, bottom=H, waist_shown=False)
    sleeves = np.isin(labels, [PARTS.index("l_upper_arm"), PARTS.index("r_upper_arm")])
    return int((body & sleeves & ~hidden_torso(labels, joints, waist_shown=False)).sum())


def test_a_forearm_drawn_past_the_bottom_edge_keeps_no_strip_of_the_sleeve_on_the_body():
    assert _under_the_sleeves(forearm_shown=False) == 0


def test_a_bare_forearm_the_image_shows_still_takes_the_body_under_its_short_sleeve():
    """(TikTok character 4's short sleeve: the body ending at its seam left a line of the wall beside it.)"""
    sw = float(np.linalg.norm(np.subtract(JOINTS["left_shoulder"], JOINTS["right_shoulder"])))
    assert _under_the_sleeves(forearm_shown=True) >= 0.03 * sw * (H - 150)

"""The body behind an arm that the image's bottom edge cuts reaches no farther than the torso's visible side: a
close-up cut at the chest (TikTok character 5 cut at 60%), wide puff sleeves hanging to the bottom edge, the pose
model's shoulder joints in the sleeves' middles. The shoulder-hip quadrilateral through those joints took the
sleeves' inner halves as hidden torso, a straight side down each sleeve; painted in the chest's colour, it stood
beside her body as a flat brown box with a straight side and a flat top once the sleeve swung away (driven by
clip 0, every frame).

Drawn here with its labels, so the parts are known."""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from motion_transfer.engines.puppet.edgearm import BEHIND_REACH
from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from torso_scene import (CLOSE_UP, CLOSE_UP_H, CLOSE_UP_PAD, CLOSE_UP_SKIN, CLOSE_UP_SLEEVE, CLOSE_UP_W,
                         CLOSE_UP_WALL, close_up_joints)

W, H, PAD = CLOSE_UP_W, CLOSE_UP_H, CLOSE_UP_PAD
SLEEVE, SKIN, WALL = CLOSE_UP_SLEEVE, CLOSE_UP_SKIN, CLOSE_UP_WALL
NAVY = (24, 26, 48)
# the shoulder joints 45 px into sleeves 70 px wide
JOINTS = {**CLOSE_UP, "left_shoulder": (235, 118), "right_shoulder": (65, 118), "right_elbow": (40, 330),
          "right_wrist": (30, 400), "left_elbow": (260, 330), "left_wrist": (270, 400), "left_hip": (215, 520),
          "right_hip": (85, 520)}


def _close_up(sleeves_to_edge: bool, jacket: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints) padded below the image as the rig pads them: bare skin down the chest between two
    white puff sleeves, which hang to the bottom edge (``sleeves_to_edge``) or end at a hem above it; or
    (``jacket``) a navy jacket, its sleeves of the chest's own cloth with no outline between them."""
    image = np.zeros((H + PAD, W, 3), np.uint8)
    image[:] = WALL
    labels = np.full((H + PAD, W), -1, np.int16)
    yy, xx = np.mgrid[0:H + PAD, 0:W]
    torso = (yy >= 105) & (yy < H + PAD) & (np.abs(xx - 150) <= 55)
    image[torso], labels[torso] = NAVY if jacket else SKIN, PARTS.index("torso")
    head = (xx - 150) ** 2 + (yy - 55) ** 2 <= 32 ** 2
    image[head], labels[head] = SKIN, PARTS.index("head")
    end = H if sleeves_to_edge else H - 60
    for side, x0, x1 in (("r", 30, 100), ("l", 200, 270)):
        sleeve = (yy >= 100) & (yy < end) & (xx >= x0) & (xx < x1)
        image[sleeve], labels[sleeve] = NAVY if jacket else SLEEVE, PARTS.index(f"{side}_upper_arm")
    joints, _ = close_up_joints(JOINTS)
    return image, labels, joints.astype(np.float64)


def _farthest_behind(sleeves_to_edge: bool, jacket: bool = False) -> float:
    """How far (pixels) from the torso's visible pixels the body layer reaches into the sleeves."""
    image, labels, joints = _close_up(sleeves_to_edge, jacket)
    _, body = fill_hidden_torso(image, labels, joints, bottom=H, waist_shown=False)
    sleeves = np.isin(labels, [PARTS.index("l_upper_arm"), PARTS.index("r_upper_arm")])
    to_torso = ndimage.distance_transform_edt(labels != PARTS.index("torso"))
    return float(to_torso[body & sleeves].max()) if (body & sleeves).any() else 0.0


def test_the_body_behind_sleeves_the_bottom_edge_cuts_ends_at_its_visible_side():
    sw = JOINTS["left_shoulder"][0] - JOINTS["right_shoulder"][0]
    assert _farthest_behind(sleeves_to_edge=True) <= BEHIND_REACH * sw + 1.5


def test_sleeves_that_end_above_the_edge_still_hide_the_body_out_to_the_shoulders():
    """(Not cut by the edge, an arm hides the torso out to the quadrilateral's side, as it did.)"""
    sw = JOINTS["left_shoulder"][0] - JOINTS["right_shoulder"][0]
    assert _farthest_behind(sleeves_to_edge=False) > 2 * BEHIND_REACH * sw


def test_sleeves_of_the_chests_own_cloth_still_hide_the_body_out_to_the_shoulders():
    """(With no outline between the arm and the torso, the labels' border is no side of the body the image shows:
    the body goes on behind the arm as the quadrilateral takes it. Grace Hopper's navy jacket, driven by TikTok
    clip 0: the labels gave the arm the end of a ribbon bar on her chest, which stood beside her body as a
    fragment once the arm swung away, the body behind the arm no longer covering it.)"""
    sw = JOINTS["left_shoulder"][0] - JOINTS["right_shoulder"][0]
    assert _farthest_behind(sleeves_to_edge=True, jacket=True) > 2 * BEHIND_REACH * sw

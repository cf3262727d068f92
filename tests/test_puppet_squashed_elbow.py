"""A close-up's sleeve the border cuts, its elbow squashed onto the border by the pose model: rigged at full
length."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.skeleton import J

H, W = 300, 360


def _close_up() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image, joints, visibility): a figure cut at the chest by the bottom edge before a pale wall, in a dark
    top with white puffed sleeves (TikTok character 5); its right arm (image left) seen down to the elbow, its
    left one cut by the bottom edge, whose elbow the pose model guesses (visibility 0.2) 38 pixels above the
    edge, the upper arm 0.78 of the other's, its forearm a stub below the edge."""
    rng = np.random.default_rng(0)
    image = np.empty((H, W, 3), np.float64)
    image[:] = (214, 212, 218)
    figure, sleeves = np.zeros((H, W), np.uint8), np.zeros((H, W), np.uint8)
    cv2.circle(figure, (180, 60), 34, 1, -1)  # the head
    figure[94:, 130:230] = 1  # the body, cut by the bottom edge
    cv2.line(sleeves, (236, 110), (252, 330), 1, 56)  # the left sleeve, cut by the bottom edge
    cv2.line(sleeves, (124, 110), (24, 276), 1, 56)  # the right sleeve, spread out, its end in the picture
    image[figure > 0] = (40, 36, 44)
    image[:94][figure[:94] > 0] = (200, 150, 120)  # the face
    image[sleeves > 0] = (236, 234, 230)
    image += rng.normal(0.0, 3.0, image.shape)
    image = np.clip(cv2.GaussianBlur(image, (0, 0), 0.7), 0, 255).astype(np.uint8)
    joints = np.zeros((33, 2))
    vis = np.ones(33)
    joints[:11] = (180, 60)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (236, 104), (124, 104)
    joints[J["right_elbow"]], joints[J["right_wrist"]] = (20, 280), (-60, 420)  # 204 long, seen
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (246, 262), (250, 320)  # 158 long, guessed
    for side in ("left", "right"):
        joints[[J[f"{side}_{k}"] for k in ("pinky", "index", "thumb")]] = joints[J[f"{side}_wrist"]] + (0, 10)
        joints[J[f"{side}_hip"]] = (205 if side == "left" else 155, 420)
    for side, x in (("left", 205), ("right", 155)):  # the legs, far below the picture
        for k, y in (("knee", 560), ("ankle", 700), ("heel", 710), ("foot_index", 720)):
            joints[J[f"{side}_{k}"]] = (x, y)
    below = [J[f"{s}_{k}"] for s in ("left", "right")
             for k in ("wrist", "pinky", "index", "thumb", "hip", "knee", "ankle", "heel", "foot_index")]
    vis[below] = 0.1
    vis[J["left_elbow"]] = 0.2
    return image, joints, vis


def test_a_sleeve_cut_by_the_border_is_rigged_at_its_twins_length():
    """The rig's left upper arm reaches the right one's length along the model's direction (rigged at the model's
    0.78, the motion, which gives it the twin's length, stretched the sleeve 1.3 times), and the sleeve's foot,
    labelled as forearm from the squashed elbow, is the upper arm's (it rode up with the forearm as a cuff)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.pose.figure import Figure

    image, joints, vis = _close_up()
    rig = rig_character(image, figure=Figure(joints, vis, np.zeros(33), "detected", W, H))
    rest = rig.joints.astype(np.float64)
    upper = rest[J["left_elbow"]] - rest[J["left_shoulder"]]
    twin = np.linalg.norm(rest[J["right_elbow"]] - rest[J["right_shoulder"]])
    assert abs(np.linalg.norm(upper) - twin) < 1.0, f"upper arm {np.linalg.norm(upper):.0f}, its twin's {twin:.0f}"
    model = joints[J["left_elbow"]] - joints[J["left_shoulder"]]
    assert abs(np.cross(upper, model)) < 1e-3 * np.linalg.norm(upper) * np.linalg.norm(model)
    assert rest[J["left_elbow"], 1] > H
    assert not (rig.labels == PARTS.index("l_lower_arm")).any(), "the sleeve's foot is left to the forearm"
    assert (rig.labels == PARTS.index("l_upper_arm")).sum() > 0.8 * (rig.labels == PARTS.index("r_upper_arm")).sum()

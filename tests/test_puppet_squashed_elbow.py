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


def test_the_rig_and_the_videos_frame_0_unfold_a_cut_arm_alike(tmp_path):
    """The character is the motion's frame 0: the rig's rest skeleton (from the still) and the skeleton taken from
    the video's frame 0 unfold the squashed elbow and the forearm stub below it alike, the forearm put out from the
    unfolded elbow at 0.8 of that upper arm. Unfolded in two orders (the forearm from the model's squashed elbow
    at rig time), TikTok character 5's left hand was put 68 px apart by the two; here 37 px."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.engine import same_skeleton_source
    from motion_transfer.media.writer import VideoWriter
    from motion_transfer.pose.figure import Figure
    from motion_transfer.pose.offframe import FOREARM_OF_UPPER_ARM
    from motion_transfer.pose.track import PoseTrack

    image, joints, vis = _close_up()
    rig = rig_character(image, figure=Figure(joints, vis, np.zeros(33), "detected", W, H))
    rest = rig.joints.astype(np.float64)
    upper = np.linalg.norm(rest[J["left_elbow"]] - rest[J["left_shoulder"]])
    fore = np.linalg.norm(rest[J["left_wrist"]] - rest[J["left_elbow"]])
    assert abs(fore - FOREARM_OF_UPPER_ARM * upper) < 1.0, f"forearm {fore:.0f}, upper arm {upper:.0f}"
    track = PoseTrack.empty(3, 30.0, W, H)
    track.body[:, :, :2], track.body[:, :, 3] = joints, vis
    with VideoWriter(tmp_path / "motion.mp4", 30, W, H) as writer:
        for _ in range(3):
            writer.write(image)
    assert same_skeleton_source(rig, track, tmp_path / "motion.mp4")
    gap = np.linalg.norm(rig.joints.astype(np.float64) - rest, axis=1)
    assert gap.max() < 0.5, f"{gap.max():.0f} px apart at joint {gap.argmax()}"

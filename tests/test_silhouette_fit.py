"""The silhouette fit on body plans the person and mascot starts miss: a box robot whose thin arms hang apart from a
wide torso (its legs too thin to survive the opening that measures the figure's height), a penguin with no neck
whose flippers stand free of its body only at their tips (the pose model reads its belly as a person's legs), and
a snowman with stick arms a pixel wide on the fitted copy and no legs."""
from __future__ import annotations

import cv2
import numpy as np

from conftest import drawn_penguin
from motion_transfer.pose.skeleton import J

# the box robot, 360 x 480: (x0, y0, x1, y1) of its head, neck, torso, arms, hands, legs and feet
_ROBOT = ((150, 40, 210, 95), (172, 95, 188, 115), (125, 115, 235, 260), (97, 125, 115, 270), (245, 125, 263, 270),
          (95, 270, 117, 290), (243, 270, 265, 290), (150, 260, 172, 420), (188, 260, 210, 420), (140, 420, 220, 435))
_ROBOT_HEIGHT = 435 - 40


def _box_robot() -> np.ndarray:
    """The robot's silhouette: a square head on a thin neck, a box torso, arms hanging 10 px beside it joined
    only at round shoulder joints, straight legs on a foot plate."""
    m = np.zeros((480, 360), np.uint8)
    for x0, y0, x1, y1 in _ROBOT:
        cv2.rectangle(m, (x0, y0), (x1 - 1, y1 - 1), 1, -1)
    for cx in (106, 254):
        cv2.circle(m, (cx, 125), 11, 1, -1)
    return m.astype(np.float32)


def test_a_box_robots_arms_apart_from_its_torso_are_fitted_to_their_ends_and_its_legs_to_its_feet():
    from motion_transfer.pose.silhouette import fit_stick_figure

    fitted = fit_stick_figure(_box_robot(), exact=True)
    assert fitted is not None
    j = fitted[0]
    tol = 0.08 * _ROBOT_HEIGHT
    # the character's left is the image's right; wrists at the hands (y 270-290), ankles at the feet (y ~425)
    for side, hand, foot in (("left", (254, 280), (199, 425)), ("right", (106, 280), (161, 425))):
        assert np.linalg.norm(j[J[f"{side}_wrist"]] - hand) < tol, (side, j[J[f"{side}_wrist"]])
        assert np.linalg.norm(j[J[f"{side}_ankle"]] - foot) < tol, (side, j[J[f"{side}_ankle"]])
    assert j[J["left_shoulder"], 0] > 235 and j[J["right_shoulder"], 0] < 125, "the shoulders are not at the arms"


def test_a_penguin_with_no_neck_is_fitted_with_its_head_and_flippers_as_arms():
    from motion_transfer.engines.puppet import rig_character

    rig = rig_character(drawn_penguin())
    j = rig.joints
    assert rig.source == "template", "the pose model's misreading (the belly as legs, no arms) was kept"
    assert np.linalg.norm(j[J["nose"]] - (180, 130)) < 60, "the head is not on the head"
    # the flippers' free tips: 80 px down their length, tilted 20 degrees out, from (100, 310) and (260, 310)
    tips = {"right": (100 - 80 * np.sin(np.radians(20)), 310 + 80 * np.cos(np.radians(20))),
            "left": (260 + 80 * np.sin(np.radians(20)), 310 + 80 * np.cos(np.radians(20)))}
    for side, tip in tips.items():
        assert np.linalg.norm(j[J[f"{side}_wrist"]] - tip) < 40, (side, j[J[f"{side}_wrist"]])
    assert j[J["left_shoulder"], 0] > 180 > j[J["right_shoulder"], 0]
    assert len(rig.layers) >= 3


def test_a_penguins_short_flippers_keep_their_length_when_it_dances():
    """The fit's torso stays square: one sheared until a shoulder sat on the head gave that flipper nearly twice
    the other's length, and the retarget (taking the longer of two limbs, the other foreshortened) drew both so."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.pose.retarget import retarget
    from motion_transfer.pose.track import PoseTrack
    from motion_transfer.samples import make_motion

    rig = rig_character(drawn_penguin())
    clip = make_motion("dance", seconds=2.0, fps=10, size=(360, 480))
    track = PoseTrack.empty(len(clip.joints), 10.0, 360, 480)
    track.body[:, :, :3] = clip.joints
    track.body[:, :, 3] = 1.0
    motion = retarget(track, rig.rest_pose(), "video", 360, 480)
    for side in ("left", "right"):
        a, b, c = (J[f"{side}_{n}"] for n in ("shoulder", "elbow", "wrist"))
        rest = np.linalg.norm(rig.joints[b] - rig.joints[a]) + np.linalg.norm(rig.joints[c] - rig.joints[b])
        posed = (np.linalg.norm(motion.joints[:, b] - motion.joints[:, a], axis=1)
                 + np.linalg.norm(motion.joints[:, c] - motion.joints[:, b], axis=1)) / motion.width_scale
        assert posed.max() < 1.35 * rest, (side, rest, posed.max())  # 1.83 times with the sheared fit


def _snowman() -> np.ndarray:
    """A snowman on a blue floor, 720 x 960: three balls, a top hat, stick arms 10 px thick, no legs."""
    img = np.zeros((960, 720, 3), np.uint8)
    img[:] = (30, 60, 120)
    img[840:] = (60, 90, 160)
    white, brown = (248, 248, 248), (100, 60, 30)
    for (cx, cy), r in (((360, 700), 170), ((360, 450), 120), ((360, 260), 90)):
        cv2.circle(img, (cx, cy), r, white, -1)
    cv2.rectangle(img, (290, 150), (430, 170), (40, 40, 40), -1)
    cv2.rectangle(img, (310, 60), (410, 155), (40, 40, 40), -1)
    for sg in (-1, 1):
        cv2.line(img, (360 + sg * 110, 420), (360 + sg * 240, 330), brown, 10)
        cv2.line(img, (360 + sg * 240, 330), (360 + sg * 270, 270), brown, 10)
    return img


def test_a_snowmans_stick_arms_are_fitted_and_its_legs_hidden_in_its_lowest_ball():
    from motion_transfer.pose.figure import find_figure

    figure = find_figure(_snowman())
    assert figure is not None and figure.method == "template"
    j, vis = figure.joints, figure.visibility
    assert np.linalg.norm(j[J["nose"]] - (360, 260)) < 80, "the head is not on the top ball"
    for side, sg in (("left", 1), ("right", -1)):  # the sticks' ends
        assert np.linalg.norm(j[J[f"{side}_wrist"]] - (360 + sg * 270, 270)) < 0.08 * 900, (side, j[J[f"{side}_wrist"]])
        assert vis[J[f"{side}_ankle"]] == 0 and vis[J[f"{side}_knee"]] == 0, "legs were cut out of the lowest ball"



def test_a_width_across_a_bone_of_no_length_is_measured_in_good_time():
    """A start read from a silhouette of scattered bits (a white snowman on white snow: a hat, two sticks,
    buttons) can give an arm of no length; its width, measured along a zero direction, looped forever."""
    from motion_transfer.pose.silhouette import _run

    mask = np.ones((20, 30), bool)
    assert _run(mask, np.array([10.0, 10.0]), np.zeros(2)) > 0.45 * 30  # far too wide to be an arm

"""Elbows the pose model put part-way up a drawn character's upper-arm tube are moved to the tube's end; arms
without such a tube (a sleeve running on into the forearm, an arm merged with the body) keep theirs."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.pose.elbow_fit import fit_elbows
from motion_transfer.pose.skeleton import NUM_BODY, J

BACKGROUND, METAL, OUTLINE, GLOVE = (40, 120, 70), (150, 156, 168), (30, 30, 36), (200, 30, 36)
TUBE_END = {"left": (300.0, 270.0), "right": (100.0, 270.0)}  # the upper-arm capsules' end centres
TUBE_RADIUS = 22


def _capsule(img: np.ndarray, a: tuple, b: tuple, r: int, colour: tuple, outline: bool = True) -> None:
    a, b = tuple(round(v) for v in a), tuple(round(v) for v in b)
    if outline:
        cv2.line(img, a, b, OUTLINE, 2 * r + 2)
        cv2.circle(img, a, r + 1, OUTLINE, -1)
        cv2.circle(img, b, r + 1, OUTLINE, -1)
    cv2.line(img, a, b, colour, 2 * r)
    cv2.circle(img, a, r, colour, -1)
    cv2.circle(img, b, r, colour, -1)


def _boxer(guard: bool = True, outlined: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(picture, silhouette, joints as a pose model reads it) of a drawn figure: a torso, a head and two
    upper-arm tubes hanging beside the torso. ``guard``: the forearms fold back up behind the tubes to gloves by
    the chin, and the elbows are read half-way up the tubes; else the arms hang straight, forearms carrying on
    below the tubes to the hands, and are read right. ``outlined``: the figure's parts have dark outlines."""
    img = np.zeros((420, 400, 3), np.uint8)
    img[:] = BACKGROUND
    cv2.rectangle(img, (135, 95), (265, 419), OUTLINE if outlined else METAL, -1)
    cv2.rectangle(img, (137, 97), (263, 419), METAL, -1)
    cv2.circle(img, (200, 55), 38, METAL, -1)
    joints = np.full((NUM_BODY, 2), np.nan)
    joints[J["nose"]] = (200, 55)
    for side, sx in (("left", 1), ("right", -1)):
        shoulder = (200 + sx * 70, 110)
        end = TUBE_END[side]
        joints[J[f"{side}_shoulder"]] = shoulder
        joints[J[f"{side}_hip"]] = (200 + sx * 40, 380)
        if guard:
            _capsule(img, (200 + sx * 75, 115), end, TUBE_RADIUS, METAL, outlined)
            wrist = (200 + sx * 88, 140)
            cv2.circle(img, (round(wrist[0]), round(wrist[1])), 36, GLOVE, -1)
            joints[J[f"{side}_elbow"]] = (200 + sx * 87, 192)
            joints[J[f"{side}_wrist"]] = wrist
        else:
            wrist = (200 + sx * 108, 410)
            _capsule(img, (200 + sx * 75, 115), end, TUBE_RADIUS, METAL, outlined)
            _capsule(img, end, wrist, 18, METAL, outline=False)
            joints[J[f"{side}_elbow"]] = end
            joints[J[f"{side}_wrist"]] = wrist
    silhouette = np.any(img != np.array(BACKGROUND, np.uint8), axis=2)
    return img, silhouette, joints


def test_elbows_read_half_way_up_the_tubes_go_to_the_tubes_ends():
    img, sil, joints = _boxer()
    out = fit_elbows(img, sil, joints)
    for side in ("left", "right"):
        moved = np.linalg.norm(out[J[f"{side}_elbow"]] - joints[J[f"{side}_elbow"]])
        err = np.linalg.norm(out[J[f"{side}_elbow"]] - TUBE_END[side])
        assert moved > 50 and err < 0.3 * TUBE_RADIUS, (side, out[J[f"{side}_elbow"]])
    # nothing else moves, and elbows already at the ends stay there
    others = [i for i in range(NUM_BODY) if i not in (J["left_elbow"], J["right_elbow"])]
    assert np.array_equal(out[others], joints[others], equal_nan=True)
    assert np.allclose(fit_elbows(img, sil, out), out, equal_nan=True)


def test_arms_without_a_tube_ending_past_the_elbow_keep_their_elbows():
    # hanging straight: past the elbow the arm runs on into the forearm and the hand, not into the background
    img, sil, joints = _boxer(guard=False)
    assert np.array_equal(fit_elbows(img, sil, joints), joints, equal_nan=True)
    # no outlines: the tubes are not told apart from the torso (as on most photographs of people)
    img, sil, joints = _boxer(outlined=False)
    assert np.array_equal(fit_elbows(img, sil, joints), joints, equal_nan=True)
    # nothing to read
    assert np.array_equal(fit_elbows(img, np.zeros_like(sil), joints), joints, equal_nan=True)


@pytest.fixture(scope="module")
def robot():
    from motion_transfer.samples.stylised import make_stylised

    return make_stylised("robot_boxer")


def test_the_robot_boxers_elbows_are_at_its_tubes_ends(robot):
    """The pose model reads the robot's elbows 70 to 130 px up its upper-arm tubes (0.05 and 0.09 of its
    height); the figure has them at the tubes' ends."""
    from motion_transfer.pose.figure import find_figure

    figure = find_figure(robot.image)
    assert figure is not None
    for side in ("left", "right"):
        err = np.linalg.norm(figure.joints[J[f"{side}_elbow"]] - robot.joints[J[f"{side}_elbow"], :2]) / robot.scale
        assert err < 0.02, (side, err, figure.method)
    if figure.pose is not None:
        assert np.allclose(figure.pose.body[0, :, :2], figure.joints, atol=0.01)


def test_the_robot_boxers_tubes_are_in_its_arm_layers(robot):
    """The tubes below the gloves belong to the arms (the old elbows gave them all to the torso, which kept
    them when the arms moved); its belly beside them, above the hips, stays the torso's (not swung out with
    the thighs)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.model import LAYER_NAMES, LAYER_OF_PART, PARTS

    rig = rig_character(robot.image)
    for side in ("left", "right"):
        wrist_y, elbow_y = robot.joints[J[f"{side}_wrist"], 1], robot.joints[J[f"{side}_elbow"], 1]
        ys, xs = np.nonzero(robot.mask(f"{side}_arm"))
        tube = ys > 0.5 * (wrist_y + elbow_y)  # below the glove
        labels = rig.labels[ys[tube], xs[tube]]
        arm = [PARTS.index(f"{side[0]}_{p}") for p in ("upper_arm", "lower_arm", "hand")]
        assert tube.sum() > 2000 and np.isin(labels, arm).mean() > 0.9, side
    belly = robot.mask("torso") & (np.arange(robot.image.shape[0])[:, None] < robot.joints[J["left_hip"], 1])
    labels = rig.labels[belly]
    legs = [LAYER_NAMES.index("leg_l"), LAYER_NAMES.index("leg_r")]
    assert np.isin(LAYER_OF_PART[labels[labels >= 0]], legs).sum() < 0.07 * belly.sum()


def test_a_speck_on_the_upper_arm_is_no_tube():
    """A piece of a pixel or two where the upper arm should be (a small, blurred portrait): no tube end, and no
    failure measuring a spread that one pixel does not have."""
    from motion_transfer.pose.elbow_fit import ALONG, _tube_end

    s, e, w = np.array([50.0, 40.0]), np.array([50.0, 80.0]), np.array([50.0, 110.0])
    lab = np.zeros((160, 100), np.int32)
    x, y = np.round(s + ALONG[0] * (e - s)).astype(int)
    lab[y, x] = 3
    assert _tube_end(lab, lab > 0, s, e, w, 60.0, set()) is None

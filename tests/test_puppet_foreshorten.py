"""An upper arm the motion foreshortens far (pointing at the camera) keeps its sleeve's look at the shoulder: its
texture is not squashed along the bone (TikTok character 5's puff sleeve, crumpled into shreds)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.render import Renderer
from motion_transfer.pose.figure import Figure
from motion_transfer.pose.retarget import extend
from motion_transfer.pose.skeleton import J

H, W = 420, 360
PERIOD = 16  # (pixels) the sleeves' stripes, across the arm
BACKDROP = (0, 200, 0)  # what the renderer draws on: no mix of the sleeve's stripes comes near it


def _striped_sleeves():
    """(image, joints, visibility): a figure in a dark top before a blue wall, both arms hanging straight down at
    its sides in sleeves striped across (dark and white bands PERIOD apart), bare forearms below the elbows."""
    image = np.full((H, W, 3), (96, 140, 200), np.uint8)  # a blue wall: the white stripes are not taken for it
    cv2.circle(image, (180, 60), 32, (200, 150, 120), -1)  # the head
    image[90:400, 135:225] = (40, 36, 44)  # the body
    for x in (112, 248):  # the arms: sleeves down to the elbows, bare forearms
        image[100:240, x - 20:x + 20] = 236
        image[100:240, x - 20:x + 20][(np.arange(100, 240) // (PERIOD // 2)) % 2 == 0] = 90
        image[240:330, x - 12:x + 12] = (200, 150, 120)
    image = cv2.GaussianBlur(image, (0, 0), 0.7)
    joints = np.zeros((33, 2))
    joints[:11] = (180, 60)
    for side, x in (("left", 248), ("right", 112)):
        joints[J[f"{side}_shoulder"]] = (x, 104)
        joints[J[f"{side}_elbow"]] = (x, 234)
        joints[J[f"{side}_wrist"]] = (x, 324)
        joints[[J[f"{side}_{k}"] for k in ("pinky", "index", "thumb")]] = (x, 332)
        joints[J[f"{side}_hip"]] = (x - 40 if side == "left" else x + 40, 380)
        for k, y in (("knee", 560), ("ankle", 700), ("heel", 710), ("foot_index", 720)):
            joints[J[f"{side}_{k}"]] = (joints[J[f"{side}_hip"], 0], y)
    vis = np.ones(33)
    vis[[J[f"{s}_{k}"] for s in ("left", "right") for k in ("knee", "ankle", "heel", "foot_index")]] = 0.1
    return image, joints, vis


@pytest.fixture(scope="module")
def rig():
    from motion_transfer.engines.puppet import rig_character

    image, joints, vis = _striped_sleeves()
    return rig_character(image, figure=Figure(joints, vis, np.zeros(33), "detected", W, H))


def _drawn(rig, short: float) -> np.ndarray:
    """The rig drawn at rest, its left upper arm ``short`` times as long (the forearm hanging from the elbow)."""
    posed = extend(rig.joints.astype(np.float64))
    shoulder, elbow = posed[J["left_shoulder"]], posed[J["left_elbow"]]
    shift = shoulder + short * (elbow - shoulder) - elbow
    for k in ("elbow", "wrist", "pinky", "index", "thumb"):
        posed[J[f"left_{k}"]] += shift
    canvas = np.zeros((H, W, 3), np.uint8)
    canvas[:] = BACKDROP
    return Renderer(rig, W, H).render(canvas, posed, np.zeros(36), 1.0, 0.0, np.ones(36))


def _stripes(image: np.ndarray, x: int, top: int, rows: int) -> int:
    """How many white stripes begin down the sleeve's middle (column ``x``) over ``rows`` rows from ``top``."""
    white = image[top:top + rows, x - 3:x + 4].mean(axis=(1, 2)) > 160
    return int((white[1:] & ~white[:-1]).sum())


def test_a_sleeve_pointing_at_the_camera_keeps_its_stripes_at_the_shoulder(rig):
    """Drawn at half its length, the upper arm's top third shows the sleeve's stripes as far apart as the image
    does (the squashed sleeve showed twice as many there, its folds crumpled), and the arm still ends where the
    motion puts its elbow: its sleeve reaches that far, the forearm hangs from it."""
    x = round(float(rig.joints[J["left_shoulder"], 0]))
    rest, short = _drawn(rig, 1.0), _drawn(rig, 0.5)
    assert _stripes(rest, x, 114, 3 * PERIOD) == 3
    assert _stripes(short, x, 114, 3 * PERIOD) == 3, _stripes(short, x, 114, 3 * PERIOD)
    elbow_y = round(104 + 0.5 * (rig.joints[J["left_elbow"], 1] - 104))
    sleeve = short[elbow_y - 16:elbow_y - 4, x - 3:x + 4].astype(int)
    assert (np.abs(sleeve - BACKDROP).max(axis=2) > 60).all(), "the sleeve reaches the elbow"
    skin = np.abs(short[elbow_y + 20:elbow_y + 60, x].astype(int) - (200, 150, 120)).max(axis=1) < 30
    assert skin.mean() > 0.9, "the forearm hangs from the elbow"


def test_an_arm_foreshortened_a_little_is_drawn_as_before(rig):
    """At 0.95 of its length the upper arm is only scaled along its bone: the stripes show at that spacing."""
    x = round(float(rig.joints[J["left_shoulder"], 0]))
    rest, short = _drawn(rig, 1.0), _drawn(rig, 0.95)
    rows = np.arange(120, 200)
    squashed = np.interp(104 + (rows - 104) / 0.95, np.arange(H), rest[:, x - 3:x + 4].mean(axis=(1, 2)))
    got = short[120:200, x - 3:x + 4].mean(axis=(1, 2))
    assert np.abs(got - squashed).mean() < 12.0, np.abs(got - squashed).mean()

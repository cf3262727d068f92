"""The shade a hanging arm leaves on the body's side: no dark band down the side once the arm is raised overhead
(TikTok character 4: her light-blue T-shirt's side beside her bare forearm, 10-15 pixels of dark blue-grey, stood
as a band from the armpit to the hem in her clip's last frames)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.model import PARTS, Rig
from motion_transfer.engines.puppet.parts import label_parts
from motion_transfer.engines.puppet.render import Renderer
from motion_transfer.engines.puppet.side_shade import side_shade
from motion_transfer.pose.skeleton import J
from conftest import layered_rig
from torso_scene import standing_joints

SKIN, SHIRT, SHADE, WALL = (225, 180, 150), (165, 185, 215), (40, 55, 75), (110, 140, 110)
TROUSERS = (30, 35, 45)
H, W = 440, 400
SIDE = 258  # the body's side (image right), where the left arm hangs against it
STRIP = (slice(290, 400), slice(SIDE - 4, SIDE + 1))  # the arm's shade on the shirt's side beside the forearm


def _figure(trousers: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, labels): a girl in a light-blue short-sleeved shirt, her left arm (image right) hanging
    against her body's side, the shirt beside her bare forearm in its shade (labelled the torso's, as the labels
    gave character 4's); ``trousers``: dark trousers from the hips' line down, the forearm hanging over them."""
    joints = standing_joints({"head": (200, 95), "left_shoulder": (250, 170), "right_shoulder": (150, 170),
                              "left_hip": (240, 380), "right_hip": (160, 380), "left_elbow": (274, 290),
                              "left_wrist": (276, 400), "right_elbow": (104, 285), "right_wrist": (96, 390)},
                             (235, 165), 560)
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    figure = np.zeros((H, W), np.uint8)
    torso = np.array([(142, 160), (SIDE, 160), (SIDE, H), (142, H)], np.int32)
    for mask in (image, figure):
        def colour(c):
            return c if mask is image else 1
        cv2.fillConvexPoly(mask, torso, colour(SHIRT))
        cv2.ellipse(mask, (200, 95), (40, 52), 0, 0, 360, colour(SKIN), -1)
        cv2.line(mask, (264, 172), (272, 290), colour(SHIRT), 30)
        cv2.line(mask, (272, 290), (274, 400), colour(SKIN), 26)
        cv2.line(mask, (136, 172), (104, 285), colour(SHIRT), 30)
        cv2.line(mask, (104, 285), (96, 390), colour(SKIN), 26)
    if trousers:
        image[380:, 142:SIDE + 1] = TROUSERS
    image[STRIP] = SHADE if not trousers else np.where(np.arange(H)[STRIP[0], None, None] < 380, SHADE, TROUSERS)
    image = cv2.GaussianBlur(image, (0, 0), 1.2)
    image = np.clip(image + np.random.default_rng(5).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    matte = figure.astype(np.float32)
    labels, _ = label_parts(matte, joints, np.ones(33), None, image)
    labels[STRIP] = PARTS.index("torso")
    return image, matte, joints, labels


@pytest.fixture(scope="module")
def rig() -> Rig:
    image, matte, joints, labels = _figure()
    rig = layered_rig(image, matte, joints, labels)
    return rig


def _raised(rig: Rig) -> np.ndarray:
    """The figure drawn over its wall with its left arm raised overhead (turned 160 degrees out about its
    shoulder)."""
    joints = rig.joints.astype(np.float64).copy()
    shoulder = joints[J["left_shoulder"]].copy()
    t = -np.radians(160.0)
    turn = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    arm = [J[f"left_{k}"] for k in ("elbow", "wrist", "index", "pinky", "thumb")]
    joints[arm] = (joints[arm] - shoulder) @ turn.T + shoulder
    canvas = np.full((H, W, 3), WALL, np.uint8)
    return Renderer(rig, W, H).render(canvas, joints.astype(np.float32), np.zeros(36), 1.0, 0.0)


def test_no_dark_band_down_the_side_below_a_raised_arm(rig):
    """Raised overhead, the arm leaves the shirt's side lit: no pixel along the side from the elbow's old level
    down is much darker than both the shirt and the wall (before: the shade stayed on the body, a dark band: 56)."""
    frame = _raised(rig).astype(np.float32).mean(axis=2)
    side = frame[STRIP[0], SIDE - 16:SIDE + 1]
    assert side.min() > 0.75 * min(np.mean(SHIRT), np.mean(WALL))


def test_dark_trousers_beside_a_hanging_hand_are_no_shade():
    """Dark trousers below a light top, beside the forearm hanging over them, are as dark as the torso beyond the
    arm's reach: no shade of the arm's (painted over, they would turn grey beside the hand)."""
    image, _, joints, labels = _figure(trousers=True)
    assert not side_shade(image, labels, joints, 100.0)[392:, :].any()


def test_the_shade_beside_a_hanging_arm_is_found():
    """The shirt's dark strip beside the hanging forearm is the arm's shade, all of it."""
    image, _, joints, labels = _figure()
    assert side_shade(image, labels, joints, 100.0)[STRIP].mean() > 0.9

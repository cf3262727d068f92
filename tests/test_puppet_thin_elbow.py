"""A slim arm on broad shoulders, its forearm running off the picture's bottom edge, raised to a right angle: it bends
at the elbow, the forearm a straight tube from the elbow to the wrist (TikTok character 2 on her own clip, frames
110-150: blended between its bones over three times its own width, the raised forearm was drawn as a long S-bent
tube with no elbow, sagging at its middle)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.model import PARTS, Rig
from motion_transfer.engines.puppet.render import Renderer
from motion_transfer.pose.skeleton import J
from conftest import layered_rig
from torso_scene import standing_joints

SKIN, DRESS, WALL = (222, 190, 172), (236, 234, 240), (120, 112, 165)
MAGENTA = (255, 0, 255)
H, W = 320, 460
SHOULDER, ELBOW, WRIST = (272, 160), (280, 240), (288, 350)  # the wrist below the picture
HALF = 7  # the arm's half-width (the shoulders 140 apart)


def _figure() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, visibility, labels): a figure cut at the waist by the bottom edge, its slim bare left
    arm (image right) hanging beside its body, the forearm running off the bottom edge, the hand below it."""
    joints = standing_joints({"head": (200, 85), "left_shoulder": SHOULDER, "right_shoulder": (128, 160),
                              "left_hip": (250, 420), "right_hip": (150, 420), "left_elbow": ELBOW,
                              "left_wrist": WRIST, "right_elbow": (120, 240), "right_wrist": (118, 300)},
                             (245, 155), 560)
    vis = np.ones(33)
    vis[[J[f"left_{k}"] for k in ("wrist", "pinky", "index", "thumb")]] = 0.1
    vis[[J[f"{s}_{k}"] for s in ("left", "right") for k in ("hip", "knee", "ankle", "heel", "foot_index")]] = 0.1
    body, arm = np.zeros((H, W), np.uint8), np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(body, np.array([(135, 150), (265, 150), (262, H), (138, H)], np.int32), 1)
    head = np.zeros((H, W), np.uint8)
    cv2.ellipse(head, (200, 85), (36, 48), 0, 0, 360, 1, -1)
    cv2.line(body, (128, 160), (120, 240), 1, 2 * HALF)
    cv2.line(body, (120, 240), (118, 300), 1, 2 * HALF)
    cv2.line(arm, SHOULDER, ELBOW, 1, 2 * HALF)
    cv2.line(arm, ELBOW, WRIST, 1, 2 * HALF)
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    image[body > 0] = DRESS
    image[(head > 0) | (arm > 0)] = SKIN
    image = cv2.GaussianBlur(image, (0, 0), 0.7)
    image = np.clip(image + np.random.default_rng(3).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    labels = np.full((H, W), -1, np.int16)
    labels[body > 0] = PARTS.index("torso")
    labels[head > 0] = PARTS.index("head")
    upper = (arm > 0) & (np.arange(H)[:, None] < ELBOW[1])
    labels[upper] = PARTS.index("l_upper_arm")
    labels[(arm > 0) & ~upper] = PARTS.index("l_lower_arm")
    matte = ((body > 0) | (head > 0) | (arm > 0)).astype(np.float32)
    return image, matte, joints, vis, labels


@pytest.fixture(scope="module")
def rig() -> Rig:
    image, matte, joints, vis, labels = _figure()
    return layered_rig(image, matte, joints, labels, visibility=vis.astype(np.float32))


def _raised(rig: Rig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(drawn frame on magenta, posed elbow, posed wrist): the rig with its left forearm (and hand) turned about the
    elbow to point straight out to the image's right."""
    joints = rig.joints.astype(np.float64).copy()
    elbow = joints[J["left_elbow"]].copy()
    fore = joints[J["left_wrist"]] - elbow
    out = np.array([np.linalg.norm(fore), 0.0])
    hand = [J[f"left_{k}"] for k in ("wrist", "pinky", "index", "thumb")]
    angle = np.arctan2(out[1], out[0]) - np.arctan2(fore[1], fore[0])
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    joints[hand] = (joints[hand] - elbow) @ turn.T + elbow
    canvas = np.full((rig.height, rig.width, 3), MAGENTA, np.uint8)
    drawn = Renderer(rig, rig.width, rig.height).render(canvas, joints.astype(np.float32), np.zeros(36), 1.0, 0.0)
    return drawn, elbow, joints[J["left_wrist"]]


def test_a_raised_slim_forearm_is_straight_from_the_elbow_to_the_wrist(rig):
    """Column by column from a little past the elbow to where the picture's bottom edge cut it, the middle of the
    drawn forearm lies on the line from the elbow to the wrist and it keeps its width (the rig's blend over about
    0.15 shoulder widths, three times this arm's half-width, sagged it 9.5 pixels off it, its width varying by 6)."""
    drawn, elbow, wrist = _raised(rig)
    assert abs(wrist[1] - elbow[1]) < 1e-6 and wrist[0] > elbow[0] + 80
    arm = np.abs(drawn.astype(np.int16) - MAGENTA).sum(axis=2) > 60
    rows = np.arange(rig.height)[:, None]
    band = arm & (np.abs(rows - elbow[1]) <= 6 * HALF)
    xs = np.arange(round(elbow[0]) + 2 * HALF, round(elbow[0]) + H - ELBOW[1] - HALF)  # (the picture's own forearm)
    middles = np.array([rows[band[:, x], 0].mean() for x in xs])
    widths = band[:, xs].sum(axis=0)
    assert np.abs(middles - elbow[1]).max() <= 3.0, middles.round(1)
    assert widths.max() - widths.min() <= 3, widths

"""A bare forearm lying over the shirt's hem, cut slantwise by the image's bottom edge just short of its wrist (TikTok
character 1: her hand hangs in front of her hip, the picture cut below it). Past the border the arm is drawn on and
the image's own forearm narrows to the drawn wrist (:func:`.fill.continue_cut_arm`): what it leaves of the arm's
pixels is no part of the arm any more, but the shirt behind them is still hidden. The body layer paints it in; left
to no layer, the wall showed through the hem as a lilac triangle whenever the arm moved away."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import layered_rig, left_arm_swung
from close_up_scene import seg_dist
from motion_transfer.engines.puppet.model import LAYERS, PARTS
from motion_transfer.pose.skeleton import J

W, H = 300, 240  # the picture; the figure runs on past its bottom edge
WALL = np.array([200, 170, 230])  # lilac
SHIRT = np.array([32, 26, 30])
SKIN = np.array([226, 170, 130])
SHOULDER, ELBOW = np.array([175.0, 70.0]), np.array([165.0, 150.0])
SLANT = np.radians(25.0)  # the forearm's slant from the vertical, down and out
U = np.array([np.sin(SLANT), np.cos(SLANT)])
RADIUS = 24.0
MAGENTA = np.array([255, 0, 255])


def _figure():
    """(image, matte, joints, labels): a figure in a dark shirt against a lilac wall, its head in skin, its left arm
    bare, the forearm over the shirt down to the bottom edge, the wrist the pose model reads 4 px past it."""
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    torso = (px >= 90) & (px < 270) & (py >= 60)
    head = np.hypot(px - 160, py - 32) < 26
    upper = seg_dist(px, py, SHOULDER, ELBOW) < RADIUS
    fore = (seg_dist(px, py, ELBOW, ELBOW + 300 * U) < RADIUS) & ~upper
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    image[torso] = SHIRT
    image[head | upper | fore] = SKIN
    labels = np.full((H, W), -1, np.int16)
    labels[torso] = PARTS.index("torso")
    labels[head] = PARTS.index("head")
    labels[upper] = PARTS.index("l_upper_arm")
    labels[fore] = PARTS.index("l_lower_arm")
    wrist = ELBOW + (H + 4 - ELBOW[1]) / U[1] * U
    joints = np.zeros((len(J), 2))
    for name, at in {"nose": (160, 35), "left_eye": (170, 25), "right_eye": (150, 25), "left_ear": (182, 32),
                     "right_ear": (138, 32), "mouth_left": (166, 46), "mouth_right": (154, 46),
                     "left_shoulder": SHOULDER, "right_shoulder": (105, 70), "left_elbow": ELBOW,
                     "right_elbow": (95, 150), "left_wrist": wrist, "right_wrist": (92, 230),
                     "left_hip": (200, 300), "right_hip": (120, 300)}.items():
        joints[J[name]] = at
    for k, off in (("index", 30), ("pinky", 28), ("thumb", 12)):
        joints[J[f"left_{k}"]] = wrist + off * U
        joints[J[f"right_{k}"]] = (92, 230 + off)
    for side, x in (("left", 200), ("right", 120)):
        for k, y in (("knee", 420), ("ankle", 540), ("heel", 550), ("foot_index", 555)):
            joints[J[f"{side}_{k}"]] = (x, y)
    return image, (labels >= 0).astype(np.float32), joints, labels



def _nearest(seen: np.ndarray) -> np.ndarray:
    """Which of the backdrop drawn behind (0), the picture's wall (1), the shirt (2) and the skin (3) each colour
    (Nx3) is nearest."""
    return np.argmin([np.linalg.norm(seen - c, axis=1) for c in (MAGENTA, WALL, SHIRT, SKIN)], axis=0)


@pytest.mark.parametrize("degrees", [0.0, 60.0])
def test_the_shirt_behind_a_forearm_tapered_to_the_drawn_wrist_is_painted_in(degrees):
    """At rest and with the arm swung out, no pixel where the image's forearm lay over the shirt shows the backdrop
    (magenta here) through the body layer, nor the picture's wall: the forearm's pixels its taper to the drawn wrist
    took from it are the body's, painted in the shirt's colour. On main they were in neither layer: slivers of the
    hem by the border see-through beside the arm at rest, a wedge once it moved (247 px)."""
    image, matte, joints, labels = _figure()
    rig = layered_rig(image, matte, joints, labels)
    assert "arm_l" in rig.meta["continued"], "the forearm was not drawn on past the border"
    out = left_arm_swung(rig, degrees).astype(np.float64)
    ys, xs = np.nonzero(labels == PARTS.index(LAYERS["arm_l"][1]))
    seen = _nearest(out[ys, xs])
    if degrees:
        assert not (seen == 3).any(), f"the arm still over {int((seen == 3).sum())} px: the scene tests nothing"
    assert not (seen == 0).any(), f"{int((seen == 0).sum())} px of the hem see-through (rows {ys[seen == 0].min()} on)"
    assert not (seen == 1).any(), f"{int((seen == 1).sum())} px of the hem in the wall's colour"

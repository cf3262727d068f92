"""The body going on under a bare arm hanging against its side (``fill._beside_arms``) ends in a smooth side: no
lobes where the labelling's border between the arm and the dress was ragged, and no square step at the armpit
where it starts (TikTok clip 2, frames 20-110: the dress's side under her left arm lobed and stepped, pale
scallops and a notch along it once the arm swung away)."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet.fill import BESIDE_ARM_TOP, _beside_arms
from motion_transfer.engines.puppet.model import LAYERS, PARTS
from motion_transfer.pose.skeleton import shoulder_span
from torso_scene import standing_joints

H, W = 520, 480
SHOULDER_Y = 150
JOINTS = {"head": (240, 60), "left_shoulder": (340, SHOULDER_Y), "right_shoulder": (140, SHOULDER_Y),
          "left_hip": (290, 430), "right_hip": (190, 430), "left_elbow": (356, 300), "left_wrist": (360, 420),
          "right_elbow": (124, 300), "right_wrist": (120, 420)}


def _side(rows: np.ndarray) -> np.ndarray:
    """The dress's side (image right) at ``rows``: its line, and lobes 4 px deep every 24 rows the labelling
    left between a blurred arm and a pale dress."""
    return np.round(330 + 4 * np.sin(2 * np.pi * rows / 24)).astype(np.int64)


@pytest.fixture(scope="module")
def outer() -> tuple[np.ndarray, float]:
    """(the rightmost column of the body and the band under the arm, by row; the band's top row)."""
    joints = standing_joints(JOINTS, (290, 190), 600)
    labels = np.full((H, W), -1, np.int16)
    rows = np.arange(H)
    cols = np.arange(W)[None, :]
    side = _side(rows)[:, None]
    body = (cols >= 150) & (cols <= side) & (rows[:, None] >= 120)
    arm = (cols > side) & (cols <= 372) & (rows[:, None] >= 140)
    labels[body] = PARTS.index("torso")
    labels[arm & (rows[:, None] < 300)] = PARTS.index(LAYERS["arm_l"][0])
    labels[arm & (rows[:, None] >= 300)] = PARTS.index(LAYERS["arm_l"][1])
    sw = shoulder_span(joints, 1.0)
    band = _beside_arms(labels, np.zeros((H, W), bool), joints, sw, ("arm_l",))
    assert band.any()
    whole = body | band
    right = np.where(whole.any(axis=1), W - 1 - np.argmax(whole[:, ::-1], axis=1), -1)
    return right, SHOULDER_Y + BESIDE_ARM_TOP * sw


def test_the_side_under_the_arm_keeps_no_lobes(outer):
    """Down the arm, the body's side under it lies within 2 px of its straight line (grown out from the ragged
    border as it is, it kept the lobes: 6 px from crest to trough)."""
    right, top = outer
    rows = np.arange(round(top) + 60, 470)
    fit = np.polyval(np.polyfit(rows, right[rows], 1), rows)
    spread = np.ptp(right[rows] - fit)
    assert spread <= 2.5, spread


def test_the_side_has_no_step_where_the_body_starts_going_on(outer):
    """From the shoulders down, the body's side moves out at most 2 px from one row to the next: starting at its
    full width below the armpit, the band stood as a square step there (8 px)."""
    right, _ = outer
    rows = np.arange(SHOULDER_Y, 470)
    steps = np.abs(np.diff(right[rows]))
    assert steps.max() <= 2, (steps.max(), rows[np.argmax(steps)])

"""The body's side under an arm hanging against a dress is one smooth line once the arm swings away
(:mod:`motion_transfer.engines.puppet.side_line`): no step where the band the body goes on under the arm meets the
side the picture shows below the elbow, none where the hand lay over the dress (TikTok character 2, on her own clip
and on 2<-3: a notch at her waist, a pale wedge at her hip ending in a step)."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import LAYERS, PARTS
from torso_scene import standing_joints

H, W = 520, 480
SIDE = 330  # the dress's side (image right), straight down
JOINTS = {"head": (240, 60), "left_shoulder": (340, 150), "right_shoulder": (140, 150),
          "left_hip": (290, 430), "right_hip": (190, 430), "left_elbow": (356, 300), "left_wrist": (372, 420),
          "right_elbow": (124, 300), "right_wrist": (120, 420)}
WALL, DRESS, SKIN = (120, 110, 190), (236, 232, 238), (214, 168, 138)


def _dress(arm_cols, hand_rows: tuple[int, int] | None) -> tuple[np.ndarray, np.ndarray]:
    """(image, labels) of a white dress on a purple wall, its left arm (image right) hanging at ``arm_cols(row)``
    (first and last column, by row), its hand over the dress's side over ``hand_rows`` when given."""
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    labels = np.full((H, W), -1, np.int16)
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    dress = (cols >= 150) & (cols <= SIDE) & (rows >= 120)
    image[dress], labels[dress] = DRESS, PARTS.index("torso")
    first, last = arm_cols(np.arange(H))
    arm = (cols >= first[:, None]) & (cols <= last[:, None]) & (rows >= 140)
    parts = np.where(rows < 300, 0, 1) + np.zeros((1, W), np.int64)
    if hand_rows is not None:
        hand = (rows >= hand_rows[0]) & (rows < hand_rows[1]) & (cols >= SIDE - 10) & (cols <= SIDE + 30)
        arm &= rows < hand_rows[0]
        arm |= hand
        parts = np.where(hand, 2, parts)
    image[arm] = SKIN
    labels[arm] = np.array([PARTS.index(p) for p in LAYERS["arm_l"]])[parts[arm]]
    return image, labels


def _right_side(image: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """By row, the rightmost column the body layer holds (the torso and what is painted under the arm)."""
    joints = standing_joints(JOINTS, (290, 190), 600)
    _, hidden = fill_hidden_torso(image, labels, joints, beside=("arm_l",))
    body = (labels == PARTS.index("torso")) | hidden
    return np.where(body.any(axis=1), W - 1 - np.argmax(body[:, ::-1], axis=1), -1)


def _elbow_out(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The arm against the dress down to its elbow, then swung out: a gap of wall between it and the dress."""
    first = np.where(rows < 380, SIDE + 1, SIDE + 14)
    return first, first + 40


def _against(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The arm against the dress all the way down."""
    return np.full(len(rows), SIDE + 1), np.full(len(rows), SIDE + 41)


@pytest.mark.parametrize("arm_cols", [_elbow_out, _against])
def test_the_side_has_no_step(arm_cols):
    """From the armpit down past the arm's end, the body's side moves at most 4 px over any 8 rows: where the band
    under the arm met the side the picture shows (below a forearm swung out), and where the hand lay over the
    dress, it stepped in by the band's whole width (8 px) within 4 rows."""
    right = _right_side(*_dress(arm_cols, (430, 470) if arm_cols is _against else None))
    rows = np.arange(200, 507)
    steps = np.abs(right[rows + 8] - right[rows])
    assert steps.max() <= 4, (steps.max(), rows[np.argmax(steps)])

"""A drawn character's hips, checked against its silhouette after the pose model found them: a body cut by the
picture's bottom gets a torso a usual length for its shoulder width (measured between flat shoulder tops where
the silhouette has them), whole bodies keep theirs."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.pose.skeleton import NUM_BODY, J
from motion_transfer.pose.torso_fit import TORSO_PER_SHOULDER, fit_torso, shoulder_width


def _skeleton(shoulders: tuple[float, float, float], hips: tuple[float, float, float], nose: tuple[float, float]
              ) -> np.ndarray:
    """33 joints with the given (left x, right x, y) shoulders and hips and the nose; legs straight down."""
    j = np.zeros((NUM_BODY, 2))
    j[J["nose"]] = nose
    for side, k in (("left", 0), ("right", 1)):
        j[J[f"{side}_shoulder"]] = (shoulders[k], shoulders[2])
        j[J[f"{side}_hip"]] = (hips[k], hips[2])
        for depth, name in ((100, "knee"), (200, "ankle"), (210, "heel"), (215, "foot_index")):
            j[J[f"{side}_{name}"]] = (hips[k], hips[2] + depth)
    return j


def _square_shouldered(cut: bool) -> np.ndarray:
    """A robot-like silhouette, 300 x 400: a round head, flat-topped shoulder blocks 80 px wide centred at
    x = 80 and 220 (tops at y = 140) beside it, arms hanging beside a torso that runs off the bottom when ``cut``."""
    m = np.zeros((400, 300), np.uint8)
    cv2.circle(m, (150, 90), 25, 1, -1)
    cv2.rectangle(m, (140, 110), (160, 150), 1, -1)  # neck
    cv2.rectangle(m, (40, 140), (120, 190), 1, -1)
    cv2.rectangle(m, (180, 140), (260, 190), 1, -1)
    cv2.rectangle(m, (70, 150), (230, 399 if cut else 330), 1, -1)
    cv2.rectangle(m, (25, 170), (55, 320), 1, -1)
    cv2.rectangle(m, (245, 170), (275, 320), 1, -1)
    return m.astype(bool)


def test_the_shoulder_width_is_measured_between_flat_shoulder_tops():
    found = _skeleton((185, 115, 190), (175, 125, 240), (150, 100))  # pulled in onto whatever covers them
    assert shoulder_width(_square_shouldered(cut=True), found) == pytest.approx(140, abs=0.05 * 140)
    # a person's sloping shoulders: the top edge falls away from the neck, no flat stretch; the detection's width
    m = np.zeros((400, 300), np.uint8)
    cv2.circle(m, (150, 90), 25, 1, -1)
    cv2.fillConvexPoly(m, np.array([[135, 120], [165, 120], [240, 190], [240, 399], [60, 399], [60, 190]]), 1)
    person = _skeleton((205, 95, 175), (180, 120, 330), (150, 100))
    assert shoulder_width(m.astype(bool), person) == pytest.approx(110)


def test_a_body_cut_by_the_bottom_gets_a_torso_of_usual_length_and_a_whole_body_keeps_its_own():
    found = _skeleton((185, 115, 190), (175, 125, 240), (150, 100))  # hips up at the first belt line
    out = fit_torso(_square_shouldered(cut=True), found)
    torso = out[J["left_hip"], 1] - out[J["left_shoulder"], 1]
    assert torso == pytest.approx(TORSO_PER_SHOULDER * 140, rel=0.05)
    assert out[J["right_hip"], 1] == out[J["left_hip"], 1]
    # hips keep their x, the legs move down with them (keeping their lengths), the rest stays
    assert out[J["left_hip"], 0] == 175 and out[J["right_hip"], 0] == 125
    for side in ("left", "right"):
        assert out[J[f"{side}_knee"], 1] - out[J[f"{side}_hip"], 1] == pytest.approx(100)
    assert np.array_equal(out[:23], found[:23])
    # the whole figure in the picture: its hips are seen, they stay
    assert np.array_equal(fit_torso(_square_shouldered(cut=False), found), found)
    # hips already a torso length down are not pulled up
    low = _skeleton((185, 115, 190), (175, 125, 390), (150, 100))
    assert np.array_equal(fit_torso(_square_shouldered(cut=True), low), low)


def test_the_robot_boxers_hips_are_at_its_pelvis():
    """The pose model reads the robot (only on the mirror image) with shoulders on the inner edges of its
    gloves and hips at its belt, 0.46 shoulder widths too high; its silhouette puts them back at the pelvis."""
    from motion_transfer.pose.figure import find_figure
    from motion_transfer.samples.stylised import make_stylised

    c = make_stylised("robot_boxer")
    figure = find_figure(c.image)
    assert figure is not None
    truth = c.joints[:, :2]
    sw = float(np.linalg.norm(truth[J["left_shoulder"]] - truth[J["right_shoulder"]]))
    err = {k: float(np.linalg.norm(figure.joints[J[k]] - truth[J[k]])) / sw for k in ("left_hip", "right_hip")}
    assert max(err.values()) < 0.12, (err, figure.method)
    # the one-frame pose the preflight and the engines reuse says the same
    if figure.pose is not None:
        assert np.allclose(figure.pose.body[0, :, :2], figure.joints, atol=0.01)

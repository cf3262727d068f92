"""A drawn character's hips, checked against its silhouette after the pose model found them: a body cut by the
picture's bottom gets a torso a usual length for its shoulder width (measured between flat shoulder tops where
the silhouette has them), whole bodies keep theirs."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.pose.skeleton import NUM_BODY, J
from motion_transfer.pose.torso_fit import TORSO_PER_SHOULDER, fit_thighs, fit_torso, shoulder_width


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


def _thighs(apart: int = 0, hands_down: bool = False) -> np.ndarray:
    """A thick-legged silhouette, 300 x 400, cut by the bottom edge at mid-thigh: a torso (hips at y = 300) on two
    thighs 70 px wide whose middles run straight down at x = 110 and 190 (touching, or ``apart`` px further out
    each, splayed by that much at the bottom), with the arms hanging beside the thighs when ``hands_down``."""
    m = np.zeros((400, 300), np.uint8)
    cv2.circle(m, (150, 60), 25, 1, -1)
    cv2.rectangle(m, (75, 90), (225, 300), 1, -1)
    for x in (110, 190):
        out = apart if x > 150 else -apart
        cv2.fillConvexPoly(m, np.array([[x - 35, 280], [x + 35, 280], [x + 35 + out, 399], [x - 35 + out, 399]]), 1)
    if hands_down:
        cv2.rectangle(m, (40, 100), (70, 360), 1, -1)
        cv2.rectangle(m, (230, 100), (260, 360), 1, -1)
    return m.astype(bool)


def _cut_skeleton(knee_out: float, hands_down: bool = False) -> np.ndarray:
    """A detection of :func:`_thighs`: hips at the thighs' inner edges (x 130 and 170, y 300), knees guessed just
    above the bottom edge ``knee_out`` px out from under them, the shins off the picture."""
    j = _skeleton((210, 90, 110), (170, 130, 300), (150, 60))
    for side, x, sign in (("left", 170, 1), ("right", 130, -1)):
        j[J[f"{side}_knee"]] = (x + sign * knee_out, 390)
        for name, y in (("ankle", 520), ("heel", 530), ("foot_index", 535)):
            j[J[f"{side}_{name}"]] = (x, y)
        wrist = (55 if side == "right" else 245, 340 if hands_down else 200)
        j[J[f"{side}_elbow"]] = (wrist[0], 220 if hands_down else 150)
        j[J[f"{side}_wrist"]] = wrist
    return j


def test_a_leg_cut_above_its_knee_goes_on_along_the_thigh_the_silhouette_shows():
    """The robot boxer's case: thick thighs cut by the bottom edge, the knees guessed just inside it and splayed
    45 degrees out, the hips at the thighs' inner edges. Each leg, hip to toe, goes onto the line down its thigh's
    middle (here straight down), keeping its rows."""
    found = _cut_skeleton(knee_out=90)
    out = fit_thighs(_thighs(), found)
    for side, middle in (("left", 190), ("right", 110)):
        hip = out[J[f"{side}_hip"]]
        assert hip[1] == found[J[f"{side}_hip"], 1] and hip[0] == pytest.approx(middle, abs=5)
        for name in ("knee", "ankle", "heel", "foot_index"):
            k = J[f"{side}_{name}"]
            assert out[k, 1] == found[k, 1]
            assert abs(out[k, 0] - hip[0]) < 0.05 * (out[k, 1] - hip[1])  # straight down, as the thighs run
    assert np.array_equal(out[:23], found[:23])
    # thighs spread apart: the legs follow them out
    out = fit_thighs(_thighs(apart=40), found)
    slope = (out[J["left_knee"], 0] - out[J["left_hip"], 0]) / (out[J["left_knee"], 1] - out[J["left_hip"], 1])
    assert slope == pytest.approx(40 / 119, abs=0.08)
    assert out[J["right_knee"], 0] < out[J["right_hip"], 0]


def test_legs_the_picture_shows_or_hands_beside_the_thighs_keep_the_detected_knees():
    # a knee well inside the picture is seen: it stays
    found = _cut_skeleton(knee_out=90)
    found[[J["left_knee"], J["right_knee"]], 1] = 330
    assert np.array_equal(fit_thighs(_thighs(), found), found)
    # hands hanging beside the thighs would be taken for them: nothing is moved
    found = _cut_skeleton(knee_out=90, hands_down=True)
    assert np.array_equal(fit_thighs(_thighs(hands_down=True), found), found)


def test_the_robot_boxers_thighs_run_down_from_its_hips():
    """The pose model guesses the robot's knees just above the bottom edge at its thighs' outer edges (45 degrees
    out from its hips, which it puts at the thighs' inner edges); its thighs run straight down, and so do its legs
    now, from hips within the thighs' inner halves (between the pose model's and the thighs' middles)."""
    from motion_transfer.pose.figure import find_figure
    from motion_transfer.samples.stylised import make_stylised

    figure = find_figure(make_stylised("robot_boxer").image)
    assert figure is not None
    for side in ("left", "right"):
        thigh = figure.joints[J[f"{side}_knee"]] - figure.joints[J[f"{side}_hip"]]
        assert abs(np.degrees(np.arctan2(thigh[0], thigh[1]))) < 10, (side, thigh, figure.method)
    # the thighs span about x 150-300 and 420-570: each hip moved out from the thigh's inner edge, not past its middle
    assert 225 < figure.joints[J["right_hip"], 0] < 265 and 455 < figure.joints[J["left_hip"], 0] < 495

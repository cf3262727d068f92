"""A drawn character's shoulders and hips, checked against its silhouette after the pose model found them: square
shoulders under their flat tops, hips of a body cut by the picture's bottom a torso length below the shoulders,
sloping shoulders and whole bodies left as found."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.pose.skeleton import NUM_BODY, J
from motion_transfer.pose.torso_fit import TORSO_PER_SHOULDER, fit_torso


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


def test_square_shoulders_go_under_their_flat_tops_and_a_cut_body_gets_its_torso():
    mask = _square_shouldered(cut=True)
    # what the pose model gives on a drawing: shoulders pulled in and down, hips up at the first belt line
    found = _skeleton((185, 115, 190), (175, 125, 240), (150, 100))
    out = fit_torso(mask, found)
    sw = 140.0  # the shoulders' true width
    assert out[J["left_shoulder"], 0] == pytest.approx(220, abs=0.05 * sw)
    assert out[J["right_shoulder"], 0] == pytest.approx(80, abs=0.05 * sw)
    assert 150 < out[J["left_shoulder"], 1] <= 190 and 150 < out[J["right_shoulder"], 1] <= 190
    torso = out[J["left_hip"], 1] - out[J["left_shoulder"], 1]
    assert torso == pytest.approx(TORSO_PER_SHOULDER * abs(out[J["left_shoulder"], 0] - out[J["right_shoulder"], 0]),
                                  rel=0.05)
    # hips keep their x; the legs move down with them, keeping their lengths
    assert out[J["left_hip"], 0] == 175 and out[J["right_hip"], 0] == 125
    for side in ("left", "right"):
        assert out[J[f"{side}_knee"], 1] - out[J[f"{side}_hip"], 1] == pytest.approx(100)
    assert out[J["nose"]].tolist() == [150, 100]


def test_a_whole_body_keeps_its_hips_and_sloping_shoulders_keep_theirs():
    whole = _square_shouldered(cut=False)
    found = _skeleton((185, 115, 190), (175, 125, 240), (150, 100))
    out = fit_torso(whole, found)
    assert np.array_equal(out[[J["left_hip"], J["right_hip"]]], found[[J["left_hip"], J["right_hip"]]])
    assert out[J["left_shoulder"], 0] == pytest.approx(220, abs=7)  # the shoulder rule still applies
    # a person's sloping shoulders: the top edge falls away from the neck, no flat stretch to stand under
    m = np.zeros((400, 300), np.uint8)
    cv2.circle(m, (150, 90), 38, 1, -1)
    cv2.fillConvexPoly(m, np.array([[135, 120], [165, 120], [240, 190], [240, 399], [60, 399], [60, 190]]), 1)
    person = _skeleton((205, 95, 175), (180, 120, 330), (150, 100))
    assert np.array_equal(fit_torso(m.astype(bool), person)[:23], person[:23])


def test_the_robot_boxers_shoulders_and_hips_are_where_its_drawing_puts_them():
    """The pose model reads the robot (only on the mirror image) with shoulders on the inner edges of its
    gloves and hips at its belt; the silhouette puts them back under the shoulder pads and at the pelvis."""
    from motion_transfer.pose.figure import find_figure
    from motion_transfer.samples.stylised import make_stylised

    c = make_stylised("robot_boxer")
    figure = find_figure(c.image)
    assert figure is not None
    truth = c.joints[:, :2]
    sw = float(np.linalg.norm(truth[J["left_shoulder"]] - truth[J["right_shoulder"]]))
    err = {k: float(np.linalg.norm(figure.joints[J[k]] - truth[J[k]])) / sw
           for k in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")}
    assert max(err["left_shoulder"], err["right_shoulder"]) < 0.11, (err, figure.method)
    assert max(err["left_hip"], err["right_hip"]) < 0.25, (err, figure.method)
    found_sw = float(np.linalg.norm(figure.joints[J["left_shoulder"]] - figure.joints[J["right_shoulder"]]))
    assert found_sw > 0.85 * sw
    # the one-frame pose the preflight and the engines reuse says the same
    if figure.pose is not None:
        assert np.allclose(figure.pose.body[0, :, :2], figure.joints, atol=0.01)

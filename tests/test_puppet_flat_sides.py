"""A drawn figure fitted to its silhouette whose dark sides run beside its white belly and under its flippers (the
lead's penguin): the torso the flippers hide keeps its dark sides. Learnt inside the shoulder-hip quadrilateral
alone, the torso's colours were the belly's white only (the dark held under 5% there), and the body under each
flipper was painted white: a white slab with a ragged top, its straight sides standing out of the belly's oval once
the flippers swung out (TikTok clip 0)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.retarget import FACE
from motion_transfer.pose.skeleton import J

H, W = 480, 360
DARK, WHITE, BACKDROP = (30, 34, 46), (244, 244, 244), (190, 214, 234)


def _penguin() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, belly mask): a dark body with a white oval belly, the dark beside the belly down
    its sides labelled as the flippers' (as the silhouette fit's labelling gave them), the head a dark disc."""
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = BACKDROP
    body = np.zeros((H, W), np.uint8)
    cv2.ellipse(body, (180, 280), (100, 160), 0, 0, 360, 1, -1)
    belly = np.zeros((H, W), np.uint8)
    cv2.ellipse(belly, (180, 300), (60, 125), 0, 0, 360, 1, -1)
    head = np.zeros((H, W), np.uint8)
    cv2.circle(head, (180, 100), 60, 1, -1)
    image[(body | head) > 0] = DARK
    image[belly > 0] = WHITE
    labels = np.full((H, W), -1, np.int16)
    labels[body > 0] = PARTS.index("torso")
    px = np.mgrid[0:H, 0:W][1]
    py = np.mgrid[0:H, 0:W][0]
    sides = (body > 0) & (belly == 0) & (py > 170) & (py < 420)
    labels[sides & (px < 180)] = PARTS.index("r_upper_arm")
    labels[sides & (px >= 180)] = PARTS.index("l_upper_arm")
    labels[head > 0] = PARTS.index("head")
    joints = np.zeros((33, 2))
    joints[list(FACE)] = (180, 100)
    joints[J["right_shoulder"]], joints[J["left_shoulder"]] = (110, 175), (250, 175)
    joints[J["right_hip"]], joints[J["left_hip"]] = (140, 400), (220, 400)
    joints[J["right_elbow"]], joints[J["right_wrist"]] = (95, 290), (100, 400)
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (265, 290), (260, 400)
    return image, labels, joints, belly > 0


@pytest.mark.parametrize("fitted", [True, False])
def test_the_sides_a_flat_drawn_figures_flippers_hide_stay_dark(fitted):
    image, labels, joints, belly = _penguin()
    out, hidden = fill_hidden_torso(image, labels, joints, fitted=fitted)
    under = hidden & ~belly & np.isin(labels, [PARTS.index("r_upper_arm"), PARTS.index("l_upper_arm")])
    assert under.sum() > 2000, "the flippers hide none of the body's sides"
    light = out[under].astype(float).mean(axis=1)
    if fitted:
        assert np.mean(light > 128) < 0.02, "the dark sides under the flippers were painted with the belly's white"
        assert np.array_equal(out[belly], image[belly]), "the belly changed"
    else:  # a photograph's torso learns its colours inside the quadrilateral: the white belly's, as before
        assert np.mean(light > 128) > 0.5

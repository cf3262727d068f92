"""The side of a sleeve that the body's long hair lies over is the sleeve's own outline, in the sleeve's colours:
the arm's layer ended in the torso's straight side through the hair, its last columns hair and sleeve mixed, and
once the arm swung out the sleeve showed a straight, grey, ragged side (TikTok character 5's left sleeve)."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet.mesh import build_layers
from motion_transfer.engines.puppet.model import Rig
from motion_transfer.engines.puppet.parts import label_parts
from motion_transfer.engines.puppet.underhair import complete_under_hair
from hair_scene import TOP, H, W, hair_figure
from torso_scene import cie_lab

ROWS = slice(165, 230)  # the hanging sleeve's rows the hair lies along (its side cut there by the torso's side)


@pytest.fixture(scope="module")
def sleeve() -> np.ndarray:
    """The left arm layer's RGBA laid on the image's frame: the girl's hanging sleeve, her hair over its side."""
    image, matte, joints, _ = hair_figure((300, 260), (315, 340))
    labels, _ = label_parts(matte, joints, np.ones(33), None, image)
    rig = Rig(width=W, height=H, joints=joints.astype(np.float32), visibility=np.ones(33, np.float32),
              depth=np.zeros(33, np.float32), source="test", image=image, matte=matte, labels=labels)
    arm = next(layer for layer in build_layers(rig) if layer.name == "arm_l")
    (ox, oy), tex = arm.origin, arm.texture
    laid = np.zeros((H, W, 4), np.uint8)
    laid[oy:oy + tex.shape[0], ox:ox + tex.shape[1]] = tex
    return laid


def test_the_sleeves_side_under_the_hair_is_round_not_the_straight_cut(sleeve):
    """Along the hair the sleeve's inner outline bulges past the chord between its ends, smoothly."""
    shown = sleeve[ROWS, :, 3] > 127
    inner = np.argmax(shown, axis=1).astype(np.float64)  # the sleeve's first column in each row
    rows = np.arange(len(inner))
    chord = inner[0] + (inner[-1] - inner[0]) * rows / rows[-1]
    # (before: the straight cut, at most 0.7 px off its chord)
    assert (chord - inner).max() >= 3.0, (chord - inner).max()
    assert np.abs(np.diff(inner, 2)).max() <= 2.0, np.diff(inner, 2)


def test_the_sleeves_side_under_the_hair_has_the_sleeves_colour(sleeve):
    """No column of the hair's dark strands mixed with the sleeve along its side: it is the sleeve's white."""
    shown = sleeve[ROWS, :, 3] > 127
    far = np.linalg.norm(cie_lab(sleeve[ROWS, :, :3])[shown] - cie_lab(np.uint8([[TOP]]))[0, 0], axis=-1)
    # (before: 99th percentile 79 Lab, the hair mixed in)
    assert np.percentile(far, 99) < 15.0, np.percentile(far, [50, 95, 99])


def test_an_arm_no_hair_lies_over_is_left_as_it_is():
    image, matte, joints, _ = hair_figure((300, 260), (315, 340))
    own = np.zeros((H, W), bool)
    own[170:260, 260:300] = True
    added, painted = complete_under_hair(image, own, np.zeros((H, W), bool), matte > 0.5)
    assert not added.any()
    assert painted is image

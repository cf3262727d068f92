"""The pelvis between the thighs stays whole when the legs move apart."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet import Renderer, rig_character
from motion_transfer.engines.puppet.pelvis import pelvis_region
from motion_transfer.media.frames import read_image
from motion_transfer.pose.retarget import extend
from motion_transfer.pose.skeleton import J
from motion_transfer.samples import make_character

GREEN = np.array([0, 255, 0])


@pytest.fixture(scope="module")
def mannequin(tmp_path_factory):
    path = tmp_path_factory.mktemp("pelvis") / "a-pose.png"
    make_character(path, size=(360, 480), style="character", pose="a-pose")
    image = read_image(path)
    return image, rig_character(image)


def _alpha_at(layer, mask: np.ndarray) -> np.ndarray:
    """The layer's alpha at the pixels of ``mask`` (image grid; 0 where the layer does not reach)."""
    x0, y0 = layer.origin
    th, tw = layer.texture.shape[:2]
    ys, xs = np.nonzero(mask)
    inside = (xs >= x0) & (xs < x0 + tw) & (ys >= y0) & (ys < y0 + th)
    alpha = np.zeros(len(xs))
    alpha[inside] = layer.texture[ys[inside] - y0, xs[inside] - x0, 3]
    return alpha


def _legs_apart(rest: np.ndarray, deg: float) -> np.ndarray:
    """The rest pose with each leg swung out ``deg`` about its hip."""
    joints = rest.copy()
    for side, sign in (("left", -1.0), ("right", 1.0)):
        hip = rest[J[f"{side}_hip"]]
        a = np.radians(sign * deg)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        for name in ("knee", "ankle", "heel", "foot_index"):
            joints[J[f"{side}_{name}"]] = hip + rot @ (rest[J[f"{side}_{name}"]] - hip)
    return joints


def test_the_body_layer_draws_the_pelvis_between_the_thighs(mannequin):
    _, rig = mannequin
    region = pelvis_region(rig.labels, rig.joints.astype(np.float64))
    assert region is not None, "the mannequin's crotch was not found"
    pelvis = region["left"] | region["right"]
    assert pelvis.sum() > 200
    body = next(lay for lay in rig.layers if lay.name == "body")
    covered = _alpha_at(body, pelvis) > 250
    assert covered.mean() > 0.98, f"the body layer draws {100 * covered.mean():.0f}% of the pelvis"


@pytest.mark.parametrize("deg", [10.0, 20.0])
def test_legs_apart_open_no_hole_at_the_crotch(mannequin, deg):
    image, rig = mannequin
    h, w = image.shape[:2]
    rest = extend(rig.joints.astype(np.float64))
    region = pelvis_region(rig.labels, rig.joints.astype(np.float64))
    pelvis = region["left"] | region["right"]
    canvas = np.zeros((h, w, 3), np.uint8)
    canvas[:] = GREEN
    frame = Renderer(rig, w, h).render(canvas, _legs_apart(rest, deg), np.zeros(36), 1.0, 0.0)
    shows = np.abs(frame.astype(int) - GREEN).sum(axis=2) < 60
    assert shows[pelvis].mean() < 0.005, f"{100 * shows[pelvis].mean():.1f}% of the crotch shows the background"
    # each leg still carries its own half under the body: its layer covers its side of the pelvis at rest
    for name, side in (("leg_l", "left"), ("leg_r", "right")):
        layer = next(lay for lay in rig.layers if lay.name == name)
        held = _alpha_at(layer, region[side]) > 128
        assert held.mean() > 0.9, f"{name} holds {100 * held.mean():.0f}% of its half of the pelvis"

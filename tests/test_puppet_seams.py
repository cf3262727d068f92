"""No seams where layers meet: the arm's blurred outline is not left on the body when the arm moves away."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.model import LAYERS, PARTS, torso_quad
from motion_transfer.samples import make_character

SHIRT = np.array([46, 98, 168], np.float64)  # the "person" style's shirt and skin
SKIN = np.array([226, 178, 146], np.float64)


def _blends(px: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which of ``px`` (RGB) lie on the way from colour ``a`` to colour ``b``, clearly away from ``a``."""
    d = b - a
    t = ((px - a) @ d) / (d @ d)
    off = np.linalg.norm(px - a - t[:, None] * d, axis=1)
    return (t > 0.15) & (t < 0.9) & (off < 25)


@pytest.fixture(scope="module")
def blurred_crossed(tmp_path_factory):
    """The crossed forearm drawn soft, as video shows a moving arm: its outline a band of blended colour
    several pixels wide (wider than the torso fill alone takes in)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path_factory.mktemp("seams") / "crossed.png"
    make_character(path, size=(360, 480), style="person", pose="crossed_forearm")
    image = cv2.GaussianBlur(read_image(path), (0, 0), 5.5)
    return image, rig_character(image)


def test_no_outline_of_the_crossed_forearm_is_left_on_the_shirt(blurred_crossed):
    image, rig = blurred_crossed
    body = next(layer for layer in rig.layers if layer.name == "body")
    arm = np.isin(rig.labels, [PARTS.index(p) for p in LAYERS["arm_r"]])
    quad = np.zeros(arm.shape, np.uint8)
    cv2.fillConvexPoly(quad, np.round(torso_quad(rig.joints)).astype(np.int32), 1)
    quad = cv2.erode(quad, None, iterations=6).astype(bool)
    over = arm & quad
    assert over.sum() > 100  # the forearm lies across the shirt
    # the body layer where the forearm and its blurred outline were: shirt only, no thin line of skin blended in
    near = cv2.dilate(over.astype(np.uint8), None, iterations=8).astype(bool) & quad
    ys, xs = np.nonzero(near)
    ox, oy = body.origin
    tex = body.texture[ys - oy, xs - ox]
    opaque = tex[:, 3] > 200
    assert opaque.mean() > 0.95
    seam = _blends(tex[opaque, :3].astype(np.float64), SHIRT, SKIN)
    # in the image itself the outline is there (the test would see a seam left as it is)
    assert _blends(image[ys, xs].astype(np.float64), SHIRT, SKIN).sum() > 100
    assert seam.sum() < 12, f"{seam.sum()} pixels of the arm's outline stay on the shirt"

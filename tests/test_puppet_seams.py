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


def test_a_crack_in_the_matte_is_closed_and_a_real_gap_stays_open():
    """A one-pixel crack across the forearm (the person mask's) closes, taken by the part around it; the space
    between an arm and the body, wider than a crack, stays background; so do the gaps between fingers."""
    from motion_transfer.engines.puppet.mesh import close_narrow_gaps

    h, w = 400, 300
    matte = np.zeros((h, w), np.float32)
    labels = np.full((h, w), -1, np.int16)
    arm, torso, hand = PARTS.index("r_lower_arm"), PARTS.index("torso"), PARTS.index("r_hand")
    matte[20:380, 40:80], labels[20:380, 40:80] = 1.0, arm  # a forearm
    matte[20:380, 120:260], labels[20:380, 120:260] = 1.0, torso  # the body, 40 px away
    matte[200:202, 40:80], labels[200:202, 40:80] = 0.0, -1  # a crack across the forearm
    for x in (150, 156, 162):  # fingers two pixels apart, lying on the body's lower part
        labels[300:340, x:x + 4] = hand
    matte[300:340, 154:156], labels[300:340, 154:156] = 0.0, -1
    closed, member = close_narrow_gaps(matte, labels)
    assert (closed[200:202, 40:80] > 0.9).all() and (member[200:202, 40:80] == arm).all()
    assert (closed[100:300, 85:115] < 0.1).all() and (member[100:300, 85:115] == -1).all()
    assert (closed[303:337, 154:156] < 0.1).all()

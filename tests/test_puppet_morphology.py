"""The rig's boxed dilation and closing, and its dilation by a disc as rectangles, give OpenCV's answer on the
whole image, pixel for pixel."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.morphology import (
    close_in_box,
    dilate_disc,
    dilate_in_box,
    disc,
    grow_box,
    grown_box,
)


def _masks() -> list[np.ndarray]:
    """Blobs in the middle, on each border and in a corner, a thin ring whose hole a closing fills, and none."""
    rng = np.random.default_rng(3)
    out = []
    for cx, cy in ((100, 70), (3, 70), (196, 70), (100, 2), (100, 137), (1, 1)):
        m = np.zeros((140, 200), np.uint8)
        cv2.ellipse(m, (cx, cy), (int(rng.integers(5, 30)), int(rng.integers(5, 30))), float(rng.integers(0, 180)),
                    0, 360, 1, -1)
        m[rng.random(m.shape) < 0.01] = 1  # specks far from the blob: the box must hold them too
        out.append(m)
    ring = np.zeros((140, 200), np.uint8)
    cv2.circle(ring, (120, 60), 20, 1, 3)
    out.append(ring)
    out.append(np.zeros((140, 200), np.uint8))
    return out


@pytest.mark.parametrize("radius", [1, 4, 11])
def test_boxed_dilation_and_closing_match_the_whole_image(radius):
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    for m in _masks():
        assert np.array_equal(dilate_in_box(m.astype(bool), disc), cv2.dilate(m, disc).astype(bool))
        assert np.array_equal(dilate_in_box(m.astype(bool), None, iterations=radius),
                              cv2.dilate(m, None, iterations=radius).astype(bool))
        assert np.array_equal(close_in_box(m, disc), cv2.morphologyEx(m, cv2.MORPH_CLOSE, disc))


def test_a_closing_fills_a_ring_and_the_box_is_clipped_to_the_image():
    ring = _masks()[-2]
    shut = close_in_box(ring, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (41, 41)))
    assert shut[60, 120] == 1 and ring[60, 120] == 0  # the hole is filled
    rows, cols = grown_box(_masks()[-3], 10)  # the corner blob: the box stops at the image's edges
    assert rows.start == 0 and cols.start == 0
    assert grown_box(np.zeros((5, 5), bool), 3) is None
    assert grow_box((slice(2, 4), slice(190, 199)), 5, (140, 200)) == (slice(0, 9), slice(185, 200))


@pytest.mark.parametrize("radius", [0, 1, 2, 5, 13, 40, 97])
def test_a_disc_as_rectangles_dilates_as_the_disc_does(radius):
    """Masks and float images (a slope, a distance map), at radii from a pixel to the matte's growth: the same
    values as OpenCV's dilation by the round kernel, also where the disc runs off the image."""
    rng = np.random.default_rng(radius)
    for m in _masks():
        assert np.array_equal(dilate_disc(m, radius), cv2.dilate(m, disc(radius)))
    grey = (rng.random((140, 200)) * (rng.random((140, 200)) < 0.01)).astype(np.float32)
    out = dilate_disc(grey, radius)
    assert out.dtype == np.float32 and np.array_equal(out, cv2.dilate(grey, disc(radius)))

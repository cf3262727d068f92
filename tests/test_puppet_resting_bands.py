"""A lighter band resting on a dark top's shoulder beside the neck (the neckline's rim, the hair's ends) is the
body's where the arm's cut runs through it: left to the arm, its part there swung with the arm as a rust-brown block
with a pale streak on the shoulder (TikTok character 0, frames 10-30). A darker patch there (the sleeve's own
shade), or the band below the shoulders' line, stays the arm's."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.engines.puppet.parts import blurred_lab
from motion_transfer.engines.puppet.resting_bands import resting_bands_to_torso
from motion_transfer.pose.skeleton import J

SIZE = 240
CUT = 150  # the arm's straight cut against the torso (columns from here on are the arm's)
TORSO, ARM = PARTS.index("torso"), PARTS.index("l_upper_arm")
BLACK, WALL = (30, 24, 31), (150, 150, 155)
SHOULDERS = 120  # the row of the shoulder joints
RUST, SHADE, LIT = (64, 44, 41), (14, 11, 15), (38, 31, 39)
GREY, WHITE = (170, 170, 175), (235, 230, 225)


def _shoulder(colour: tuple, rows: tuple[int, int], top: tuple = BLACK):
    """(labels, image, matte, band): a torso in a ``top`` and its left upper arm (image right) in a sleeve of it
    cut from it along column CUT up to the shoulder's top, a band of ``colour`` 9 pixels wide running along the cut
    between ``rows``, across it (a neckline's rim, the hair's ends on it); ``band`` its pixels on the arm's side."""
    image = np.full((SIZE, SIZE, 3), WALL, np.uint8)
    labels = np.full((SIZE, SIZE), -1, np.int16)
    labels[80:235, 40:CUT], labels[80:235, CUT:220] = TORSO, ARM
    image[80:235, 40:220] = top
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.line(mask, (CUT + 3, rows[0]), (CUT - 3, rows[1]), 1, 9)
    image[mask > 0] = colour
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    band = (mask > 0) & (labels == ARM)
    return labels, image, labels >= 0, band


def _rest(labels, image, matte):
    """The labels after ``resting_bands_to_torso``: the left shoulder at the cut's right, the arm hanging below it."""
    joints = np.zeros((33, 2))
    joints[J["nose"]] = (95, 30)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (195, SHOULDERS), (60, SHOULDERS)
    xs = np.mgrid[0:SIZE, 0:SIZE][1]
    axis_of = {"l_upper_arm": np.abs(xs - 195.0).astype(np.float32)}  # (the bone hangs straight down at x 195)
    return resting_bands_to_torso(labels, blurred_lab(image), matte, joints, axis_of, {"l_upper_arm": 30.0}, 120.0)


def test_a_lighter_band_on_the_shoulder_beside_the_neck_is_the_torsos():
    """The band's part across the cut, above the shoulders' line, goes to the torso; the sleeve stays the arm's."""
    labels, image, matte, band = _shoulder(RUST, (82, 116))
    out = _rest(labels, image, matte)
    assert band.sum() > 40, band.sum()
    # (before: all of it the arm's)
    assert (out[band] == TORSO).mean() > 0.8, (out[band] == TORSO).mean()
    sleeve = (labels == ARM) & ~cv2.dilate(band.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert (out[sleeve] == ARM).all()


@pytest.mark.parametrize("colour, rows, top", [
    (SHADE, (82, 116), BLACK), (LIT, (82, 116), BLACK), (RUST, (126, 170), BLACK), (WHITE, (82, 116), GREY)],
    ids=["a darker shade", "a lit side", "below the shoulders", "on a light top"])
def test_a_darker_or_lit_patch_a_band_below_the_shoulders_or_on_a_light_top_stays_the_arms(colour, rows, top):
    """A patch darker than the sleeve, or barely lighter, is its own shade or light (the lit side of Grace Hopper's
    navy sleeve); below the shoulders' line the arm's side is the arm's; a light top's shoulder shows no stain."""
    labels, image, matte, band = _shoulder(colour, rows, top)
    out = _rest(labels, image, matte)
    assert (out[labels == ARM] == ARM).all(), (out[band] == TORSO).mean()

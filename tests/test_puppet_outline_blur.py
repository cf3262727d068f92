"""A photograph's outline blurred against its backdrop: drawn over another backdrop, no fringe of the old one's colour
(TikTok character 1's hair against the purple-lit wall: a lilac line along her hair's outline once her head moved
over the grey wall)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.model import Rig
from motion_transfer.engines.puppet.parts import label_parts
from motion_transfer.engines.puppet.render import Renderer
from conftest import layered_rig
from torso_scene import standing_joints

HAIR, SHIRT, SKIN = (60, 40, 35), (45, 45, 55), (225, 180, 150)
LILAC, GREY = (190, 130, 220), (128, 128, 128)
H, W = 440, 400
HEAD = ((200, 95), (42, 52))  # the head's ellipse (centre, half axes), hair all over: seen from behind
BLUR = 2.5  # (pixels, sigma) the photograph's softness: its outline blends hair and wall over about 7 pixels
REACH = 3  # (pixels) how far past the shapes' edges (the middle of the blur) the person mask reaches


def _joints() -> np.ndarray:
    """The standing figure's skeleton, its head at HEAD's centre."""
    return standing_joints({"head": HEAD[0], "left_shoulder": (250, 170), "right_shoulder": (150, 170),
                            "left_hip": (240, 380), "right_hip": (160, 380), "left_elbow": (290, 280),
                            "left_wrist": (300, 380), "right_elbow": (110, 280), "right_wrist": (100, 380)},
                           (235, 165), 560)


def _draw(wall: tuple, head: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(HxWx3 uint8 image, HxW uint8 figure mask): the standing figure, a shirt, bare forearms and a head of
    colour ``head`` (HEAD's ellipse), before a wall of colour ``wall``, drawn sharp."""
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = wall
    figure = np.zeros((H, W), np.uint8)
    for mask in (image, figure):
        def colour(c):
            return c if mask is image else 1
        cv2.fillConvexPoly(mask, np.array([(142, 160), (258, 160), (258, H), (142, H)], np.int32), colour(SHIRT))
        cv2.ellipse(mask, HEAD[0], HEAD[1], 0, 0, 360, colour(head), -1)
        cv2.line(mask, (264, 172), (290, 280), colour(SHIRT), 30)
        cv2.line(mask, (290, 280), (300, 380), colour(SKIN), 26)
        cv2.line(mask, (136, 172), (110, 280), colour(SHIRT), 30)
        cv2.line(mask, (110, 280), (100, 380), colour(SKIN), 26)
    return image, figure


def _figure() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, labels): a dark-haired figure in a dark shirt before a lilac wall, photographed soft,
    its matte fading out at its blur's outer end (as character 1's does)."""
    joints = _joints()
    image, figure = _draw(LILAC, HAIR)
    image = cv2.GaussianBlur(image, (0, 0), BLUR)
    image = np.clip(image + np.random.default_rng(3).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    # (the person mask reaching the blur's outer end: character 1's whole a pixel in from where the hair begins)
    reach = cv2.dilate(figure, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * REACH + 1,) * 2))
    soft = cv2.GaussianBlur(reach.astype(np.float32), (0, 0), 1.0)
    matte = np.clip((soft - 0.5) * 2.0 + 0.5, 0.0, 1.0)
    labels, _ = label_parts(matte, joints, np.ones(33), None, image)
    return image, matte, joints, labels


@pytest.fixture(scope="module")
def rig() -> Rig:
    return layered_rig(*_figure())


def _off_line(colours: np.ndarray, a: tuple, b: tuple) -> np.ndarray:
    """[N] each colour's distance (RGB) from the segment between ``a`` and ``b``: how much of a third colour it
    holds."""
    a, b = np.float32(a), np.float32(b)
    span = b - a
    t = np.clip(((colours - a) @ span) / (span @ span), 0.0, 1.0)
    return np.linalg.norm(colours - a - t[:, None] * span, axis=1)


def test_the_hairs_blurred_outline_carries_no_lilac_over_a_grey_wall(rig):
    """Drawn over a grey wall, the head's outline is hair fading into grey: no pixel around it is farther than 15
    (RGB) from the line between the two (before: its blurred edge drawn as photographed, 53)."""
    frame = Renderer(rig, W, H).render(np.full((H, W, 3), GREY, np.uint8), rig.joints, np.zeros(36), 1.0, 0.0)
    head = np.zeros((H, W), np.uint8)
    cv2.ellipse(head, HEAD[0], HEAD[1], 0, 0, 360, 1, -1)
    dist = cv2.distanceTransform(1 - head, cv2.DIST_L2, 3) - cv2.distanceTransform(head, cv2.DIST_L2, 3)
    around = (np.abs(dist) <= 8) & (np.arange(H)[:, None] < HEAD[0][1])  # above the head's middle: the hair alone
    off = _off_line(frame[around].astype(np.float32), HAIR, GREY)
    assert off.max() <= 15.0, off.max()


def test_the_hairs_outline_stays_as_soft_as_photographed(rig):
    """Unmixed, the outline's blur goes into the layer's cover: over the grey wall the hair still fades out over
    the photograph's blur (at least 4 pixels from 20% to 80% of the hair across its top), not cut hard."""
    frame = Renderer(rig, W, H).render(np.full((H, W, 3), GREY, np.uint8), rig.joints, np.zeros(36), 1.0, 0.0)
    column = frame[:, HEAD[0][0]].astype(np.float32) @ np.float32([0.299, 0.587, 0.114])
    top = HEAD[0][1] - HEAD[1][1]
    share = (np.mean(GREY) - column[top - 12:top + 12]) / (np.mean(GREY) - np.mean(HAIR))
    rows = np.arange(top - 12, top + 12)
    assert rows[share >= 0.8].min() - rows[share <= 0.2].max() >= 4


DARK, LAVENDER, WALL, GREEN = (20, 15, 22), (130, 115, 135), (205, 200, 203), (30, 90, 40)
RING = 6  # (pixels) the lit rim's width along the head's outline
SHARP = 0.7  # (pixels, sigma) a sharp photograph's softness: its outline blends the figure and the wall over 1-2 pixels


def _ringed_figure() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, labels): the figure of ``_figure`` photographed sharp before a pale wall, its head
    black with a lavender rim RING pixels wide along its outline (the astronaut's helmet ring: as near the line
    between the black and the wall as a blend of them)."""
    joints = _joints()
    image, figure = _draw(WALL, LAVENDER)
    cv2.ellipse(image, HEAD[0], (HEAD[1][0] - RING, HEAD[1][1] - RING), 0, 0, 360, DARK, -1)
    image = cv2.GaussianBlur(image, (0, 0), SHARP)
    image = np.clip(image + np.random.default_rng(4).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    matte = np.clip(cv2.GaussianBlur(figure.astype(np.float32), (0, 0), SHARP), 0.0, 1.0)
    labels, _ = label_parts(matte, joints, np.ones(33), None, image)
    return image, matte, joints, labels


def test_a_lit_rim_along_the_outline_keeps_its_colour():
    """Over a dark green wall the head's lavender rim stays lavender: its pixels 2-4 pixels in, above the head's
    middle, lie within 30 (RGB) of it on average (3; before: unmixed as a blend of the black and the pale wall,
    drawn in the black, partly see-through: 134). (A blur is still unmixed: taken for a rim, the hair's blurred
    outline above carries the lilac wall, 53.)"""
    rig = layered_rig(*_ringed_figure())
    ringed = Renderer(rig, W, H).render(np.full((H, W, 3), GREEN, np.uint8), rig.joints, np.zeros(36), 1.0, 0.0)
    head = np.zeros((H, W), np.uint8)
    cv2.ellipse(head, HEAD[0], HEAD[1], 0, 0, 360, 1, -1)
    inside = cv2.distanceTransform(head, cv2.DIST_L2, 3)
    rim = (inside > 2.0) & (inside <= 4.0) & (np.arange(H)[:, None] < HEAD[0][1])  # (in from the matte's soft edge)
    far = np.linalg.norm(ringed[rim].astype(np.float32) - np.float32(LAVENDER), axis=1)
    assert far.mean() <= 30.0, far.mean()


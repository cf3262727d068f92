"""Long hair hanging behind a puffed sleeve goes on under it in the body's layer: its lower end in the picture is the
sleeve's outline, and once the arm rose the hair ended in that outline, a "bob cut" hanging in the air over the wall
(TikTok character 5's right hair moved by clips 1 and 3)."""
from __future__ import annotations

from copy import copy

import cv2
import numpy as np
import pytest

from conftest import layered_rig
from hair_scene import HAIR, SKIN, TOP, WALL, H, W, girl_joints
from motion_transfer.engines.puppet.hair import hanging_hair
from motion_transfer.engines.puppet.hair_behind import hair_behind_arms
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.engines.puppet.render import Renderer

CUT = slice(142, 164)  # the columns of the right hair the sleeve's top lies over ...
SLEEVE_TOP = 168  # ... at or above this row (the hair's lower end in the picture)


def _figure(sleeve: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, labels): a girl in a white top, her long dark hair falling down both sides of her face;
    on her right (the image's left) it hangs behind her puffed sleeve, whose round top lies over it above the
    shoulder; on her left it hangs free over her shoulder down to row 260. ``sleeve``: the right arm drawn (without
    it: how the hair would look behind it)."""
    joints = girl_joints(((115, 260), (110, 340)), ((285, 260), (290, 340)))
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    labels = np.full((H, W), -1, np.int16)
    layers = [("torso", TOP, lambda m, c: cv2.fillConvexPoly(m, np.array([(140, 160), (260, 160), (250, 400),
                                                                             (150, 400)], np.int32), c)),
              ("head", SKIN, lambda m, c: cv2.ellipse(m, (200, 95), (40, 52), 0, 0, 360, c, -1)),
              ("head", HAIR, lambda m, c: cv2.ellipse(m, (200, 80), (48, 45), 0, 180, 360, c, -1)),
              ("head", HAIR, lambda m, c: cv2.fillPoly(m, [np.array([(148, 75), (168, 75), (166, 235), (132, 235)],
                                                                    np.int32)], c)),
              ("l_upper_arm", TOP, lambda m, c: cv2.line(m, (262, 175), (285, 260), c, 36)),
              ("l_lower_arm", SKIN, lambda m, c: cv2.line(m, (285, 260), (290, 340), c, 26)),
              ("head", HAIR, lambda m, c: cv2.fillPoly(m, [np.array([(232, 75), (250, 75), (275, 260), (250, 260)],
                                                                    np.int32)], c))]
    if sleeve:
        layers += [("r_upper_arm", TOP, lambda m, c: cv2.ellipse(m, (140, 205), (38, 50), 0, 0, 360, c, -1)),
                   ("r_upper_arm", TOP, lambda m, c: cv2.line(m, (135, 215), (115, 260), c, 36)),
                   ("r_lower_arm", SKIN, lambda m, c: cv2.line(m, (115, 260), (110, 340), c, 26))]
    for part, colour, draw in layers:
        mask = np.zeros((H, W), np.uint8)
        draw(mask, 1)
        image[mask > 0] = colour
        labels[mask > 0] = PARTS.index(part)
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    image = np.clip(image + np.random.default_rng(3).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    return image, (labels >= 0).astype(np.float32), joints, labels


@pytest.fixture(scope="module")
def rig():
    image, matte, joints, labels = _figure()
    return layered_rig(image, matte, joints, labels)


def _dark(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2LAB)[..., 0] < 80


def test_the_hair_goes_on_under_the_sleeve_with_a_rounded_end():
    """Under the sleeve's top the hair's columns are carried on in the hair's colour, down to a tapered end (its
    middle reaching lower than its sides), not the sleeve's outline."""
    image, matte, joints, labels = _figure()
    labc = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    carried = hair_behind_arms(image, labels, joints, hanging_hair(labc, labels, joints), matte)
    assert carried.under.any(), "no hair carried on under the sleeve"
    under = carried.under[:, CUT]
    assert under[SLEEVE_TOP + 3:SLEEVE_TOP + 15].mean() > 0.7, under[SLEEVE_TOP + 3:SLEEVE_TOP + 15].mean(axis=0)
    assert _dark(carried.colours[:, CUT])[under].mean() > 0.95
    assert np.isin(labels[carried.under], [PARTS.index("r_upper_arm"), PARTS.index("r_lower_arm")]).all()
    ys, xs = np.nonzero(carried.under)
    lowest = np.array([ys[xs == x].max() for x in np.unique(xs)])
    assert lowest.max() - min(lowest[0], lowest[-1]) >= 5, lowest  # a rounded end, not a straight cut
    assert not hair_behind_arms(image, labels, joints, np.zeros((H, W), bool), matte).under.any()


def test_hair_ending_no_lower_than_the_sleeve_on_its_other_side_is_not_carried_on():
    """Short hair (on the head's other side ending at the sleeve's top too) is not known to go on: nothing is
    added."""
    image, matte, joints, labels = _figure()
    labc = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    hair = hanging_hair(labc, labels, joints)
    hair[SLEEVE_TOP - 5:, 200:] = False
    assert not hair_behind_arms(image, labels, joints, hair, matte).under.any()


def test_with_the_arm_gone_the_hair_hangs_below_its_old_cut(rig):
    """The body's layer drawn alone (what shows once the arm has moved away): below the sleeve's old top, in the
    middle of the hair's columns, the hair (dark), not the top painted in under the sleeve (before: all of it the
    top's white)."""
    body = copy(rig)
    body.layers = [layer for layer in rig.layers if layer.name == "body"]
    out = Renderer(body, W, H).render(np.full((H, W, 3), WALL, np.uint8), rig.joints, np.zeros(36), 1.0, 0.0)
    dark = _dark(out[SLEEVE_TOP + 2:SLEEVE_TOP + 12, CUT.start + 4:CUT.stop - 4]).mean()
    assert dark > 0.8, dark

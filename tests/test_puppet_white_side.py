"""The torso behind a sleeve hanging at a white top's side, where the top along the sleeve's edge lies in a warm
shade with a darker crease right at the edge (TikTok character 5's puffed sleeve): the side the sleeve hid is the
top's white in a soft shade, not the warm grey of the crease (painted in that grey's local shade, it stood as
beige blotches and dark bits on the white blouse once the arm rose)."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.fill import fill_hidden_torso, lighter_whites
from motion_transfer.engines.puppet.model import PARTS
from torso_scene import H, W, photographed, torso

WHITE, LIGHT, WARM, CREASE = (np.array(c) for c in ((222, 218, 212), (170, 168, 166), (148, 136, 126),
                                                    (121, 109, 101)))


def _character() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, sleeve mask): a white top, its side beside the hanging right sleeve in a light
    grey shade, a warm grey band along the sleeve's inner edge with a darker crease at the edge, the sleeve white."""
    joints, image, body = torso((110, 215), (112, 300), 120)
    image[body] = WHITE
    py, px = np.mgrid[0:H, 0:W]
    image[body & (px < 160)] = LIGHT
    image[body & (px >= 128) & (px < 150)] = WARM
    image[body & (px >= 128) & (px < 132)] = CREASE
    sleeve = np.zeros((H, W), np.uint8)
    cv2.line(sleeve, (118, 100), (118, 215), 1, 22)
    sleeve = sleeve.astype(bool) & (px < 128)
    image[sleeve] = (235, 233, 230)
    image = photographed(image, 3)
    labels = np.full((H, W), -1, np.int16)
    labels[body] = PARTS.index("torso")
    labels[sleeve & (py < 215)] = PARTS.index("r_upper_arm")
    return image, labels, joints, sleeve


def test_a_white_top_s_side_under_a_sleeve_is_painted_white_not_its_crease_s_warm_grey():
    """Inside the strip the sleeve hid, the paint is about as light as the top's light grey or lighter, not the warm
    grey's crease-darkened shade (before: 10% of it 26 Lab levels or more darker than the light grey)."""
    image, labels, joints, sleeve = _character()
    out, hidden = fill_hidden_torso(image, labels, joints)
    inner = cv2.erode((hidden & sleeve).astype(np.uint8), None, iterations=3).astype(bool)
    inner[220:] = False
    assert inner.sum() > 500, "the sleeve hides too little of the torso"
    lab = cv2.cvtColor(out, cv2.COLOR_RGB2LAB).astype(np.float32)[inner]
    light = cv2.cvtColor(LIGHT.astype(np.uint8)[None, None], cv2.COLOR_RGB2LAB).astype(np.float32)[0, 0]
    low = np.percentile(lab[:, 0], 10)
    assert low > light[0] - 6, f"the hidden side painted darker than the top's light grey: {low:.0f} < {light[0]:.0f}"


def test_only_a_light_grey_is_a_lighter_white_of_a_pale_colour():
    """The warm grey's lighter whites are the light grey and the white; black hair's are none (too dark apart), nor
    is a black top's dark grey a white."""
    white, warm, hair, dark = (223, 128, 131), (147, 131, 135), (30, 131, 130), (60, 128, 128)
    lighter = lighter_whites(np.array([white, warm, hair, dark], np.float32))
    assert lighter[1, 0] and not lighter[0, 1]
    assert not lighter[2].any() and not lighter[3].any()

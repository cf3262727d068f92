"""A flap of a white dress beside a bare wrist is the torso's, not the forearm's: no pale cuff of dress travelling
with the wrist once the motion swings the arm across the body (TikTok character 2 moved by clip 0, frames 0-2).
A sleeve of the shirt's own cloth over the forearm keeps its pixels (character 4's blue sleeve on her blue
shirt), and so do a limb that is not skin with a pale glove or pad (the robot boxer's white pad, nearer its grey
torso than its red glove) and a bracelet of a colour between the skin's and the dress's."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy import ndimage

from motion_transfer.engines.puppet import parts
from motion_transfer.engines.puppet.model import LAYERS, PARTS
from torso_scene import arm_against_side, standing_joints

WALL = (120, 112, 165)
H, W = 420, 400  # (under the labels' analysis size: they are found on the image itself)
SIDE = 270  # the body's side (image right: the arm lies against it)
SKIN = (200, 160, 140)
WHITE_DRESS, IN_SHADE = (236, 230, 226), (208, 202, 214)
ARM = [PARTS.index(p) for p in LAYERS["arm_l"]]


def _figure(shirt: tuple, arm_colour: tuple, shade: tuple, hand: tuple = SKIN, band: tuple | None = None,
            pad: tuple | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, arm, flap): a figure in a ``shirt``-coloured dress, its left arm (image right, of
    ``arm_colour`` down to the wrist, its hand of ``hand``'s, bare skin unless told) hanging against the body's
    side, a ``band`` of that colour round the wrist if given, a ``pad`` of that colour on the wrist's and hand's
    inner side (towards the body) if given, the dress within 20 pixels of it in its shade
    (``shade``), blurred and grainy as a photograph's; ``flap``: the dress's pixels within six of the forearm's
    lower part, above the wrist."""
    joints = standing_joints({"head": (200, 95), "left_shoulder": (266, 170), "right_shoulder": (134, 170),
                              "left_hip": (250, 470), "right_hip": (150, 470), "left_elbow": (276, 285),
                              "left_wrist": (280, 390), "right_elbow": (104, 285), "right_wrist": (96, 390)},
                             (245, 155), 620)  # (cut above the hips, as character 2 is at her thighs)
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    body, arm = arm_against_side(H, W, SIDE)
    image[body] = shirt
    image[arm] = arm_colour
    rows = np.arange(H)[:, None]
    image[arm & (rows > 390)] = hand
    if band is not None:
        image[arm & (rows > 372) & (rows <= 390)] = band
    if pad is not None:
        image[arm & (rows > 372) & (np.arange(W) < 277)] = pad
    to_arm = ndimage.distance_transform_edt(~arm)
    image[body & (to_arm <= 20) & (np.arange(H)[:, None] > 200)] = shade
    flap = body & (to_arm <= 6) & (np.arange(H)[:, None] > 345) & (np.arange(H)[:, None] < 390)
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    image = np.clip(image + np.random.default_rng(5).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    return image, (body | arm).astype(np.float32), joints, arm, flap


def _labels_with_flap_in_forearm(monkeypatch, image, matte, joints, flap) -> np.ndarray:
    """The figure's labels, the steps before the last ones having handed the ``flap`` to the forearm (as they
    gave character 2's: the dress in the arm's shade, no crease between it and the skin)."""
    rims_to_arms = parts.rims_to_arms

    def flap_to_forearm(lab, *args):
        lab = rims_to_arms(lab, *args)
        lab[flap] = PARTS.index("l_lower_arm")
        return lab

    monkeypatch.setattr(parts, "rims_to_arms", flap_to_forearm)
    labels, _ = parts.label_parts(matte, joints, np.ones(33), None, image)
    return labels


def test_a_flap_of_dress_beside_a_bare_wrist_is_the_torsos(monkeypatch):
    image, matte, joints, arm, flap = _figure(WHITE_DRESS, SKIN, IN_SHADE)
    labels = _labels_with_flap_in_forearm(monkeypatch, image, matte, joints, flap)
    in_arm = np.isin(labels, ARM)
    rim = ndimage.distance_transform_edt(~arm) <= 1.5  # (the blurred outline may go either way)
    kept = flap & in_arm & ~rim
    assert kept.sum() == 0, f"{kept.sum()} of the dress's {flap.sum()} pixels beside the wrist are the arm's"
    lost = arm & ~in_arm & (ndimage.distance_transform_edt(arm) > 1.5)
    assert lost.sum() < 10, f"the forearm lost {lost.sum()} of its own pixels"


@pytest.mark.parametrize("shade", [(48, 74, 146), (60, 90, 170)])
def test_a_sleeve_of_the_shirts_cloth_keeps_its_pixels(monkeypatch, shade):
    # a blue sleeve down to the wrist on a blue shirt (the shirt beside it in the arm's shade or not): the
    # forearm's middle has the shirt's colour, nothing of it is cloth to give back
    image, matte, joints, arm, flap = _figure((60, 90, 170), (58, 86, 166), shade)
    labels, _ = parts.label_parts(matte, joints, np.ones(33), None, image)
    in_arm = np.isin(labels, ARM)
    sleeve = arm & (ndimage.distance_transform_edt(arm) > 1.5) & (np.arange(H)[:, None] > 300)
    assert (sleeve & ~in_arm).sum() < 10, f"the sleeve lost {(sleeve & ~in_arm).sum()} of its pixels"


def _arm_lost(image: np.ndarray, matte: np.ndarray, joints: np.ndarray, arm: np.ndarray, below: int) -> int:
    """How many of the arm's pixels below row ``below`` (off its blurred outline) the labels gave the torso."""
    labels, _ = parts.label_parts(matte, joints, np.ones(33), None, image)
    inner = arm & (ndimage.distance_transform_edt(arm) > 1.5) & (np.arange(H)[:, None] > below)
    return int((inner & ~np.isin(labels, ARM)).sum())


def test_a_limb_that_is_not_skin_keeps_its_pale_pad():
    # a robot's grey arm against its grey body, lit paler beside the arm, a pad on its wrist's and hand's inner
    # side of that paler grey: the pad has the cloth's colour beside it, but the arm is no bare skin by a dress
    grey, lit = (80, 84, 92), (150, 150, 158)
    image, matte, joints, arm, _ = _figure((110, 112, 120), grey, lit, hand=grey, pad=(165, 165, 172))
    lost = _arm_lost(image, matte, joints, arm, 372)
    assert lost < 10, f"the pad lost {lost} of its pixels to the torso"


def test_a_bracelet_between_the_skins_and_the_dresss_colour_stays_on_the_wrist():
    # a bare arm by a white dress, a pale bracelet at its wrist: nearer the dress in shade than the skin, but
    # not of the dress's colour
    skin, cloth = np.array(SKIN, float), np.array(IN_SHADE, float)
    band = tuple(int(v) for v in np.round(0.35 * skin + 0.65 * cloth))
    image, matte, joints, arm, _ = _figure(WHITE_DRESS, SKIN, IN_SHADE, band=band)
    lost = _arm_lost(image, matte, joints, arm, 360)
    assert lost < 10, f"the wrist lost {lost} of its bracelet's and skin's pixels to the torso"

"""The background seen between an arm and the body is background, not arm."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.arm_gaps import arm_gap_zones
from motion_transfer.engines.puppet.extras import with_attached_parts
from motion_transfer.pose.skeleton import J

H, W = 320, 240
SKIN, CURTAIN = (200, 130, 90), (206, 126, 84)


def _hand_on_hip() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, joints, person mask, figure, gap, arm): a figure in a black top before a pale wall, its left arm
    (image right) hanging 6 pixels from its side, the hand resting on the hip; through the gap an orange curtain
    shows, in the arm's own colour (TikTok character 3). The person mask, blurred, is under 0.5 in the gap."""
    rng = np.random.default_rng(0)
    image = np.empty((H, W, 3), np.float64)
    image[:] = (214, 212, 218)  # a room: the wall, a window, a door, a shelf
    image[20:140, 190:235] = (240, 246, 250)
    image[:, :30] = (120, 84, 52)
    image[230:250, 30:60] = (90, 110, 150)
    image[96:290, 152:180] = CURTAIN  # a curtain, seen only between the arm and the body
    figure, arm = np.zeros((H, W), np.uint8), np.zeros((H, W), np.uint8)
    cv2.circle(figure, (110, 55), 28, 1, -1)  # the head
    figure[88:300, 60:160] = 1  # the body
    arm[92:276, 166:186] = 1  # the left arm, hanging
    arm[92:112, 150:186] = 1  # its shoulder
    arm[262:276, 150:186] = 1  # the hand on the hip
    gap = np.zeros((H, W), bool)
    gap[112:262, 160:166] = True
    image[figure > 0] = (28, 26, 34)
    image[:88][figure[:88] > 0] = SKIN  # the face
    image[arm > 0] = SKIN
    image += rng.normal(0.0, 3.0, image.shape)
    image = np.clip(cv2.GaussianBlur(image, (0, 0), 0.7), 0, 255).astype(np.uint8)
    joints = np.zeros((33, 2), np.float32)
    joints[J["nose"]] = (110, 55)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (172, 100), (60, 100)
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (178, 185), (176, 268)
    joints[J["right_elbow"]], joints[J["right_wrist"]] = (50, 185), (48, 268)
    joints[J["left_hip"]], joints[J["right_hip"]] = (135, 300), (85, 300)
    figure |= arm
    person = cv2.GaussianBlur(figure.astype(np.float32), (0, 0), 3.0)  # (made on a small copy: blurred)
    return image, joints, person, figure.astype(bool), gap, arm.astype(bool)


def test_background_between_an_arm_and_the_body_stays_out_of_the_matte():
    """The growth by colour took the curtain seen between the arm and the body into the matte (its orange is the
    arm's): the parts gave it to the arm, which carried a strip of curtain with it when it moved. The gap stays
    out; the arm, the body and the hand on the hip stay in."""
    image, joints, person, figure, gap, arm = _hand_on_hip()
    matte = figure.astype(np.float32)
    by_colour = with_attached_parts(image, matte, 112.0, shoulders_y=100.0, person=person) > 0.5
    assert by_colour[gap].mean() > 0.5, "the scene does not show the growth taking in the gap"
    grown = with_attached_parts(image, matte, 112.0, shoulders_y=100.0, person=person,
                                arm_gaps=arm_gap_zones((H, W), joints)) > 0.5
    assert grown[gap].mean() < 0.1, f"{grown[gap].mean():.0%} of the gap between arm and body in the matte"
    assert grown[arm].mean() > 0.98 and grown[figure].mean() > 0.98, "the figure is not kept whole"


def test_no_layer_carries_the_background_between_an_arm_and_the_body():
    """Rigged, the gap is no part's and in no layer: the arm carried it as a strip of the curtain's orange along
    its inner edge when it moved."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.pose.figure import Figure

    image, joints, person, figure, gap, arm = _hand_on_hip()
    for side, x in (("left", 140), ("right", 80)):  # the legs, below the picture
        for k, y in (("knee", 420), ("ankle", 540), ("heel", 550), ("foot_index", 560)):
            joints[J[f"{side}_{k}"]] = (x, y)
    vis = np.ones(33)
    vis[[J[f"{s}_{k}"] for s in ("left", "right") for k in ("knee", "ankle", "heel", "foot_index")]] = 0.05
    for side in ("left", "right"):  # the hands at the wrists, not found by the hand model
        joints[[J[f"{side}_{k}"] for k in ("pinky", "index", "thumb")]] = joints[J[f"{side}_wrist"]]
    rig = rig_character(image, figure=Figure(joints.astype(np.float64), vis, np.zeros(33), "detected", W, H,
                                             segmentation=person))
    core = cv2.erode(gap.astype(np.uint8), np.ones((1, 3), np.uint8)).astype(bool)  # (not the blended edges)
    assert (rig.labels[core] < 0).mean() > 0.9, "the gap is labelled as a part"
    for layer in rig.layers:
        assert (_alpha_on_image(layer)[core] > 128).mean() < 0.1, f"layer {layer.name} carries the gap"


def _alpha_on_image(layer) -> np.ndarray:
    """HxW: the layer's texture's alpha where it lies on the image at rest."""
    x0, y0 = (int(v) for v in layer.origin)
    th, tw = layer.texture.shape[:2]
    canvas = np.zeros((H + 2 * th, W + 2 * tw), np.uint8)
    canvas[th + y0:2 * th + y0, tw + x0:2 * tw + x0] = layer.texture[..., 3]
    return canvas[th:th + H, tw:tw + W]


def test_the_plate_does_not_spread_what_shows_through_a_gap_between_arm_and_body():
    """What shows through a gap between an arm and the body, left once the character is grown for the fill, is no
    sample of the background around: an orange curtain seen only there was copied over the whole fill as an
    orange smear (TikTok character 3). The slit is filled with the character; the plate is the wall's."""
    from motion_transfer.engines.puppet.background import GROW, remove_character

    grain = np.random.default_rng(0).normal(0.0, 20.0, (H, W, 1))  # a textured wall: copied from, not smoothed
    image = np.clip((190, 188, 194) + grain, 0, 255).astype(np.uint8)
    matte = np.zeros((H, W), np.float32)
    matte[60:300, 60:160] = 1.0  # the body
    matte[60:280, 176:200] = 1.0  # the arm
    matte[60:80, 160:176] = matte[266:280, 160:176] = 1.0  # the shoulder, the hand on the hip
    image[matte > 0] = (28, 26, 34)
    slit = np.zeros((H, W), bool)
    slit[80:266, 160:176] = True  # 16 pixels wide: wider than the character's growth, narrower than twice it
    assert 2 * GROW * max(H, W) < 16 < 4 * GROW * max(H, W)
    image[slit] = CURTAIN
    plate = cv2.cvtColor(remove_character(image, matte), cv2.COLOR_RGB2LAB).astype(np.float32)
    curtain = cv2.cvtColor(np.uint8([[CURTAIN]]), cv2.COLOR_RGB2LAB).astype(np.float32)[0, 0]
    orange = np.linalg.norm(plate - curtain, axis=2) < 40
    assert orange.sum() < 20, f"{int(orange.sum())} pixels of the plate in the curtain's orange"

"""The shadow in the crease between a bare arm and the body it hangs against: no dark line along the arm once the
motion swings it across the body (TikTok character 2 moved by clip 0, frames 0-4: a stripe of dark grey along the
side of her pale arm over her white dress, the arm a flat tube with a hard outline)."""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest
from scipy import ndimage

from motion_transfer.engines.puppet.model import LAYERS, PARTS, Rig
from motion_transfer.engines.puppet.parts import label_parts
from motion_transfer.engines.puppet.render import Renderer
from motion_transfer.pose.skeleton import J
from conftest import layered_rig
from torso_scene import arm_against_side, standing_joints

SKIN, DRESS, CREASE, WALL = (222, 190, 172), (236, 234, 240), (62, 52, 60), (120, 112, 165)
MAGENTA = (255, 0, 255)
H, W = 420, 400
SIDE = 262  # the body's side (image right)
LUMA = np.float32([0.299, 0.587, 0.114])


def _figure() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, labels, crease): a girl in a white dress, her bare left arm (image right) hanging
    against her body's side, the shadow in the crease between them three pixels wide (dark grey, blurred as a
    photograph's), labelled the arm's as the labels gave character 2's."""
    joints = standing_joints({"head": (200, 95), "left_shoulder": (266, 170), "right_shoulder": (134, 170),
                              "left_hip": (250, 380), "right_hip": (150, 380), "left_elbow": (276, 285),
                              "left_wrist": (280, 390), "right_elbow": (104, 285), "right_wrist": (96, 390)},
                             (245, 155), 520)
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    body, arm = arm_against_side(H, W, SIDE)
    image[body] = DRESS
    image[arm] = SKIN
    crease = arm & (ndimage.distance_transform_edt(~body) <= 3) & (np.arange(H)[:, None] > 200)
    image[crease] = CREASE
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    image = np.clip(image + np.random.default_rng(5).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    matte = (body | arm).astype(np.float32)
    labels, _ = label_parts(matte, joints, np.ones(33), None, image)
    arm_ids = [PARTS.index(p) for p in LAYERS["arm_l"]]
    labelled = np.isin(labels, arm_ids)
    _, (iy, ix) = ndimage.distance_transform_edt(~(labelled & arm), return_indices=True)
    labels[arm] = labels[iy[arm], ix[arm]]  # (the arm's pixels, the crease with them, are the arm's)
    labels[labelled & ~arm] = PARTS.index("torso")
    return image, matte, joints, labels, crease


@pytest.fixture(scope="module")
def rig() -> Rig:
    image, matte, joints, labels, _ = _figure()
    return layered_rig(image, matte, joints, labels)


def _across(rig: Rig, layers: list[str] | None = None) -> np.ndarray:
    """The figure drawn on magenta with its left arm swung across the body: turned 40 degrees about the
    shoulder towards it, the forearm 50 more about the elbow (``layers``: only those drawn)."""
    joints = rig.joints.astype(np.float64).copy()

    def turn(about: str, moved: list[str], degrees: float) -> None:
        centre = joints[J[about]].copy()
        t = np.radians(degrees)
        m = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        idx = [J[k] for k in moved]
        joints[idx] = (joints[idx] - centre) @ m.T + centre

    hand = ["left_wrist", "left_index", "left_pinky", "left_thumb"]
    turn("left_shoulder", ["left_elbow"] + hand, 40.0)
    turn("left_elbow", hand, 50.0)
    drawn = rig if layers is None else dataclasses.replace(rig, layers=[la for la in rig.layers if la.name in layers])
    canvas = np.full((H, W, 3), MAGENTA, np.uint8)
    return Renderer(drawn, W, H).render(canvas, joints.astype(np.float32), np.zeros(36), 1.0, 0.0)


def test_the_crease_in_the_arm_layer_takes_the_arms_own_colour(rig):
    _, _, _, _, crease = _figure()
    layer = next(la for la in rig.layers if la.name == "arm_l")
    ox, oy = layer.origin
    ys, xs = np.nonzero(crease)
    colour = layer.texture[ys - oy, xs - ox, :3].astype(np.float32)
    # the skin in its own shade: as dark as 0.8 of it at most, and of its hue (its colour a share of the skin's)
    share = (colour @ LUMA) / float(np.float32(SKIN) @ LUMA)
    off = np.linalg.norm(colour - share[:, None] * np.float32(SKIN), axis=1)
    assert np.percentile(share, 5) > 0.75, f"the crease's pixels are {np.percentile(share, 5):.2f} of the skin's light"
    assert np.percentile(off, 95) < 15, f"the crease's pixels lie {np.percentile(off, 95):.0f} (RGB) off the skin's hue"


def test_an_arm_swung_across_the_body_has_no_dark_line_along_it(rig):
    frame = _across(rig).astype(np.float32)
    arm = np.abs(_across(rig, ["arm_l"]).astype(np.int16) - MAGENTA).max(axis=2) > 0
    body = np.abs(_across(rig, ["body"]).astype(np.int16) - MAGENTA).max(axis=2) > 0
    # the arm drawn over the dress: its pixels there, and those along its outline (inside and out)
    over = arm & body
    assert over.sum() > 3000  # (it does lie across the body)
    band = over & (ndimage.distance_transform_edt(arm) <= 6)
    band |= body & ~arm & (ndimage.distance_transform_edt(~arm) <= 3)
    light = frame @ LUMA
    dark = band & (light < 0.7 * float(np.float32(SKIN) @ LUMA))
    assert dark.sum() < 20, f"{dark.sum()} pixels of a dark line along the arm across the body"
    # and the arm drawn in its own skin's colour, not grey
    inner = over & (ndimage.distance_transform_edt(arm) > 6)
    off = np.linalg.norm(np.median(frame[inner], axis=0) - np.float32(SKIN))
    assert off < 20, f"the arm across the body is drawn {off:.0f} (RGB) off its skin"


def _cut(arm: tuple[int, int, int], shade: np.ndarray, body: tuple[int, int, int]) -> tuple[np.ndarray, ...]:
    """(image, core, figure): an arm (columns 40 on, its colour ``arm`` times ``shade``, one share per column
    from its cut) lying against a body (columns 0-39) of the colour ``body``, as a photograph blurs it."""
    image = np.empty((60, 80, 3), np.float32)
    image[:, :40] = body
    image[:, 40:] = np.float32(arm)[None, None] * shade[None, :, None]
    image = cv2.GaussianBlur(np.clip(image, 0, 255).astype(np.uint8), (0, 0), 0.7)
    core = np.zeros((60, 80), bool)
    core[:, 40:] = True
    return image, core, np.ones((60, 80), bool)


def test_a_crease_along_the_cut_is_told_from_the_arms_own_shading_and_a_dark_sleeves_folds():
    from motion_transfer.engines.puppet.cut_edge import uncreased

    flat = np.ones(40, np.float32)
    crease = flat.copy()
    crease[:3], crease[3:5] = 0.3, 0.75  # three dark pixels, fading over two
    image, core, figure = _cut(SKIN, crease, DRESS)
    out = uncreased(image, core, figure, 6.0).astype(np.float32)
    share = out[5:-5, 40:45] @ LUMA / float(np.float32(SKIN) @ LUMA)  # the arm's own colour in its own shade
    assert share.min() > 0.78 and np.abs(out[5:-5, 40:45] - share[..., None] * np.float32(SKIN)).max() < 8
    assert np.array_equal(out[:, :40], image[:, :40]) and np.array_equal(out[:, 46:], image[:, 46:])
    # only where asked (below the shoulders)
    where = np.zeros(core.shape, bool)
    where[30:] = True
    out = uncreased(image, core, figure, 6.0, where)
    assert np.array_equal(out[:20], image[:20]) and not np.array_equal(out[35:], image[35:])
    # a round arm's side in its own shade: darkening over a third of its width towards the cut
    rounded = np.clip(0.55 + 0.45 * np.arange(40) / 13.0, 0.0, 1.0).astype(np.float32)
    image, core, figure = _cut(SKIN, rounded, DRESS)
    assert np.array_equal(uncreased(image, core, figure, 6.0), image)
    # a navy sleeve's fold along the cut: a dark material's own
    image, core, figure = _cut((40, 45, 80), crease, DRESS)
    assert np.array_equal(uncreased(image, core, figure, 6.0), image)

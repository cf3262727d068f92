"""An arm across a black top from its shoulder, on a light wall: once it hangs at the side, its sleeve's outer edge
goes down from the shoulder without a ledge, and the body under it is painted out to its own side, with no flap
under the armpit (TikTok character 0: her left sleeve stepped in below the shoulder, a dark flap stood under her
armpit and a notch of the wall showed between the painted shoulder and the sleeve)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.envelope import body_frame, torso_envelope
from motion_transfer.engines.puppet.ledge import under_ledges
from motion_transfer.engines.puppet.model import PARTS, Rig
from conftest import layered_rig
from torso_scene import standing_joints

WALL, BLACK, SKIN = (205, 205, 210), (30, 28, 33), (225, 180, 150)
H, W = 420, 400
CHEST, WAIST = 280, 258  # the body's side (image right) over the chest, below the arm, and at the waist
LEDGE = 205  # the row where the arm's strip over the shoulder ends on the body's outline


def _figure() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, labels): a girl in a black long-sleeved top on a light wall, her left arm (image
    right) lying across her chest from the shoulder, the elbow in front of her; her chest is wider than her waist,
    its side showing from the arm down. The labels (as the parts step gave character 0's) give the arm the top's
    outline over the shoulder's round down to LEDGE and cut it there straight in to the arm's own side."""
    joints = standing_joints({"head": (200, 95), "left_shoulder": (266, 170), "right_shoulder": (134, 170),
                              "left_hip": (250, 380), "right_hip": (150, 380), "left_elbow": (190, 290),
                              "left_wrist": (110, 320), "right_elbow": (104, 285), "right_wrist": (96, 390)},
                             (175, 225), 520)
    labels = np.full((H, W), -1, np.int16)
    py, px = np.mgrid[0:H, 0:W]
    side = np.where(py < 245, CHEST, np.where(py < 265, CHEST + (WAIST - CHEST) * (py - 245) / 20, WAIST))
    labels[(py >= 160) & (px >= 400 - side) & (px < side)] = PARTS.index("torso")
    labels[(px - 266) ** 2 + (py - 172) ** 2 < 14 ** 2] = PARTS.index("torso")
    labels[((px - 200) / 40) ** 2 + ((py - 95) / 52) ** 2 < 1] = PARTS.index("head")

    def limb(part: str, a: tuple[int, int], b: tuple[int, int], r: int) -> None:
        mask = np.zeros((H, W), np.uint8)
        cv2.line(mask, a, b, 1, 2 * r)
        cv2.circle(mask, a, r, 1, -1)
        labels[mask > 0] = PARTS.index(part)

    limb("r_upper_arm", (134, 172), (104, 285), 16)
    limb("r_lower_arm", (104, 285), (96, 390), 13)
    limb("l_upper_arm", (266, 172), (190, 290), 17)
    limb("l_lower_arm", (190, 290), (110, 320), 14)
    # the sleeve's outer rim over the shoulder's round, out to the body's outline, down to the ledge
    rim = (labels == PARTS.index("torso")) & (px > 250) & (py < LEDGE) & (py >= 160)
    labels[rim] = PARTS.index("l_upper_arm")
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    image[labels >= 0] = BLACK
    image[(labels == PARTS.index("head")) | ((labels == PARTS.index("torso")) & (py >= 300))] = SKIN
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    image = np.clip(image + np.random.default_rng(5).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    return image, (labels >= 0).astype(np.float32), joints, labels


@pytest.fixture(scope="module")
def rig() -> Rig:
    image, matte, joints, labels = _figure()
    rig = layered_rig(image, matte, joints, labels)
    return rig


def _alpha(rig: Rig, name: str) -> np.ndarray:
    """The layer ``name``'s alpha (0..1) at rest, on the image's grid."""
    layer = next(layer for layer in rig.layers if layer.name == name)
    out = np.zeros((H, W), np.float32)
    x0, y0 = layer.origin
    tex = layer.texture[..., 3].astype(np.float32) / 255
    ys, xs = slice(max(0, y0), min(H, y0 + tex.shape[0])), slice(max(0, x0), min(W, x0 + tex.shape[1]))
    out[ys, xs] = tex[ys.start - y0:ys.stop - y0, xs.start - x0:xs.stop - x0]
    return out


def test_the_body_is_painted_out_to_its_own_side_under_the_arm():
    """The envelope's side above the armpits is the body's own side where the image shows it there (from the
    band below the armpits up to the arm), not the waist's continued up straight."""
    image, matte, joints, labels = _figure()
    f = body_frame(joints, labels.shape)
    allowed, under = torso_envelope(labels, joints, f)
    own_side = (labels == PARTS.index("torso")) & (np.mgrid[0:H, 0:W][1] > WAIST + 6) & (f.level >= 0)
    assert own_side.sum() > 200 and allowed[own_side].all()
    assert under[185:LEDGE, 266:CHEST - 4].all()  # under the arm, out to the chest's side
    assert not allowed[150:240, CHEST + 8:].any()  # (no further than that side)


def test_under_the_arm_the_body_layer_reaches_its_side_without_a_flap(rig):
    """The body's layer under the arm's rim goes out to the chest's side above the ledge too: painted only out to
    the waist's side, the chest's side below the ledge stood out from it as a flap once the arm hung down."""
    body = _alpha(rig, "body")
    assert (body[180:LEDGE, 262:CHEST - 4] > 0.5).all(), (body[180:LEDGE, 262:CHEST - 4] > 0.5).mean()


def test_the_arm_narrows_into_its_side_under_the_ledge(rig):
    """The arm's layer takes the wedge of the body's side under the ledge, so its outline runs on from the
    shoulder's round into its own side, and the body keeps those pixels too."""
    arm, body = _alpha(rig, "arm_l"), _alpha(rig, "body")
    below = (slice(LEDGE + 1, LEDGE + 4), slice(CHEST - 10, CHEST - 6))
    assert (arm[below] > 0.5).all(), arm[below]
    assert (body[below] > 0.5).all()
    image, matte, joints, labels = _figure()
    wedge = under_ledges(labels, matte, joints)
    assert set(wedge) == {"arm_l"}
    ys, xs = np.nonzero(wedge["arm_l"])
    assert ys.min() > LEDGE - 2 and (labels[ys, xs] == PARTS.index("torso")).all()
    # it narrows: fewer of its pixels on each row further down, none past the arm's own side's rows
    rows = np.bincount(ys - ys.min())
    assert rows[0] >= 8 and (np.diff(rows) <= 1).all() and len(rows) < 40, rows

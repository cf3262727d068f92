"""A light T-shirt's sleeve against a dark, busy backdrop: the backdrop's blur that the matte took as the figure's
along the sleeve's outline is drawn in the sleeve's colour by the arm's layer (it stood as a dark beaded seam along
TikTok character 4's raised sleeve over her shirt), and only the layer's colours change: its cover and its mesh stay
as without that paint (painted into its cover, Grace Hopper's arms grew by a pixel, their meshes and skin weights
moved and her arm swung differently through the whole dance). A dark piping drawn on the sleeve's edge is the
sleeve's own, no blend of it and the backdrop, and is kept."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

import motion_transfer.engines.puppet.mesh as mesh
from motion_transfer.engines.puppet.mesh import build_layers
from motion_transfer.engines.puppet.model import PARTS, Layer, Rig
from motion_transfer.engines.puppet.parts import label_parts
from torso_scene import cie_lab, standing_joints

SKIN, SHIRT, LEAVES, PIPING = (225, 180, 150), (165, 185, 220), (20, 60, 35), (25, 25, 60)
H, W = 420, 480
SHOULDER, ELBOW = (340, 172), (390, 280)  # the figure's left arm (image right), held out from its side
OUTER = (1.0, -0.46)  # (x, y) the sleeve's outer side's direction from its bone, unit length to two decimals


def _figure(piping: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, labels): a figure in a light-blue T-shirt before dark leaves with light specks, its
    arms held out a little; the photograph's blur runs a pixel past where the matte is solid (as character 4's
    matte held the leaves' blur), and with ``piping`` a dark line two pixels wide runs down the left sleeve's
    outer edge."""
    joints = standing_joints({"head": (240, 95), "left_shoulder": SHOULDER, "right_shoulder": (140, 172),
                              "left_hip": (300, 380), "right_hip": (180, 380), "left_elbow": ELBOW,
                              "left_wrist": (410, 380), "right_elbow": (90, 280), "right_wrist": (70, 380)},
                             (295, 185), 520)
    rng = np.random.default_rng(7)
    image = np.zeros((H, W, 3), np.float32)
    image[:] = LEAVES
    for y, x in rng.integers(0, (H, W), (90, 2)):  # the leaves' light specks
        cv2.circle(image, (int(x), int(y)), int(rng.integers(2, 5)), (120, 170, 130), -1)
    figure = np.zeros((H, W), np.uint8)
    for mask in (image, figure):
        def colour(c):
            return c if mask is image else 1
        cv2.fillConvexPoly(mask, np.array([(150, 160), (330, 160), (328, H), (152, H)], np.int32), colour(SHIRT))
        cv2.ellipse(mask, (240, 95), (40, 52), 0, 0, 360, colour(SKIN), -1)
        for shoulder, elbow, wrist in ((SHOULDER, ELBOW, (410, 380)), ((140, 172), (90, 280), (70, 380))):
            cv2.line(mask, elbow, wrist, colour(SKIN), 26)
            cv2.line(mask, shoulder, elbow, colour(SHIRT), 40)
    if piping:
        cv2.line(image, _outer(1.0, 18.0), _outer(0.0, 18.0), PIPING, 2)
    image = np.clip(cv2.GaussianBlur(image, (0, 0), 1.2) + rng.normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    matte = cv2.dilate(figure, None).astype(np.float32)
    labels, _ = label_parts(matte, joints, np.ones(33), None, image)
    return image, matte, joints, labels


def _outer(t: float, off: float) -> tuple[int, int]:
    """The point ``off`` pixels out from the sleeve's bone towards its outer side, ``t`` of the way down from the
    shoulder to the elbow."""
    x = SHOULDER[0] + t * (ELBOW[0] - SHOULDER[0]) + off * OUTER[0]
    y = SHOULDER[1] + t * (ELBOW[1] - SHOULDER[1]) + off * OUTER[1]
    return round(x), round(y)


def _lab(rgb) -> np.ndarray:
    """[n, 3] CIE Lab of [n, 3] RGB colours."""
    return cie_lab(np.asarray(rgb, np.uint8).reshape(1, -1, 3))[0]


def _layers(piping: bool) -> tuple[Rig, dict[str, Layer]]:
    image, matte, joints, labels = _figure(piping)
    rig = Rig(width=W, height=H, joints=joints.astype(np.float32), visibility=np.ones(33, np.float32),
              depth=np.zeros(33, np.float32), source="test", image=image, matte=matte, labels=labels)
    return rig, {layer.name: layer for layer in build_layers(rig)}


def _outline(rig: Rig, layer: Layer) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) in ``layer``'s texture of the left sleeve's outer outline, down its middle: the layer's
    pixels drawn at least half there within three pixels of the matte's edge."""
    texture = layer.texture
    ys, xs = np.mgrid[0:texture.shape[0], 0:texture.shape[1]]
    iy, ix = ys + layer.origin[1], xs + layer.origin[0]
    inside = (iy >= 0) & (iy < H) & (ix >= 0) & (ix < W)
    edge = cv2.distanceTransform((rig.matte >= 0.5).astype(np.uint8), cv2.DIST_L2, 3) <= 3
    upper = rig.labels == PARTS.index("l_upper_arm")
    t = ((ix - SHOULDER[0]) * (ELBOW[0] - SHOULDER[0]) + (iy - SHOULDER[1]) * (ELBOW[1] - SHOULDER[1])) / (
        (ELBOW[0] - SHOULDER[0]) ** 2 + (ELBOW[1] - SHOULDER[1]) ** 2)
    out = (ix - SHOULDER[0]) * OUTER[0] + (iy - SHOULDER[1]) * OUTER[1] - t * (
        (ELBOW[0] - SHOULDER[0]) * OUTER[0] + (ELBOW[1] - SHOULDER[1]) * OUTER[1])
    cy, cx = np.clip(iy, 0, H - 1), np.clip(ix, 0, W - 1)
    picked = inside & edge[cy, cx] & upper[cy, cx] & (t > 0.3) & (t < 0.7) & (out > 10) & (texture[..., 3] >= 128)
    return np.nonzero(picked)


@pytest.fixture(scope="module")
def plain() -> tuple[Rig, dict[str, Layer]]:
    return _layers(piping=False)


def test_the_sleeves_outline_is_drawn_without_the_backdrops_blur(plain):
    rig, layers = plain
    arm = layers["arm_l"]
    rows, cols = _outline(rig, arm)
    assert len(rows) > 40
    image = rig.image[rows + arm.origin[1], cols + arm.origin[0]]
    shirt = _lab([SHIRT])[0]
    # the scene holds the seam: the photograph's outline there carries the leaves' blur
    assert (np.linalg.norm(_lab(image) - shirt, axis=1) > 15).sum() > 30
    drawn = np.linalg.norm(_lab(arm.texture[rows, cols, :3]) - shirt, axis=1)
    assert drawn.max() < 15


def test_the_outlines_paint_changes_the_arms_colours_only(plain, monkeypatch):
    _, layers = plain
    painted = mesh.sleeve_rims_painted

    def unpainted(image, labels, joints, matte):
        rimmed, _, outline = painted(image, labels, joints, matte)
        return rimmed, rimmed, np.zeros_like(outline)

    monkeypatch.setattr(mesh, "sleeve_rims_painted", unpainted)
    _, before = _layers(piping=False)
    arm, was = layers["arm_l"], before["arm_l"]
    assert not np.array_equal(arm.texture[..., :3], was.texture[..., :3])
    assert np.array_equal(arm.texture[..., 3], was.texture[..., 3])
    assert np.array_equal(arm.vertices, was.vertices) and np.array_equal(arm.weights, was.weights)


def test_a_dark_piping_on_the_sleeves_edge_is_kept():
    rig, layers = _layers(piping=True)
    arm = layers["arm_l"]
    rows, cols = _outline(rig, arm)
    image = rig.image[rows + arm.origin[1], cols + arm.origin[0]]
    piped = np.linalg.norm(_lab(image) - _lab([PIPING])[0], axis=1) < 20
    assert piped.sum() > 20
    assert np.abs(arm.texture[rows[piped], cols[piped], :3].astype(int) - image[piped].astype(int)).max() < 20

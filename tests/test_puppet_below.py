"""The body layer below the image's bottom edge: a close-up in a white top, its arms hanging in white sleeves along
its sides and cut by the bottom edge with the torso, the top shaded grey-brown in its last rows (the shade under a
bust) and a strip of forearm skin beside a sleeve at the edge (TikTok clip 5).

Drawn here with its labels and joints, so the rig's layers are made from known parts."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.mesh import build_layers
from motion_transfer.engines.puppet.model import PARTS, Rig
from motion_transfer.pose.skeleton import J

W, H = 240, 220
TOP = (215, 215, 222)  # the white top
SHADE = (139, 123, 108)  # ... in the shade at the image's bottom edge
SKIN = (200, 150, 120)
SLEEVE = (226, 226, 230)
BACKDROP = (120, 140, 120)


def _lab(rgb) -> np.ndarray:
    px = np.asarray(rgb, np.uint8).reshape(-1, 1, 3)
    return cv2.cvtColor(px, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float64)


def _close_up() -> Rig:
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = BACKDROP
    labels = np.full((H, W), -1, np.int16)
    yy, xx = np.mgrid[0:H, 0:W]
    # the torso: wider at the chest than the hips below the image, its square neckline's skin at the top
    torso = (yy >= 80) & (np.abs(xx - 120) <= 58)
    labels[torso] = PARTS.index("torso")
    shade = np.clip((yy - 192) / 25.0, 0.0, 1.0)[..., None]  # the top's last rows in the shade
    image[torso] = np.round((1 - shade[torso]) * np.float64(TOP) + shade[torso] * np.float64(SHADE))
    neckline = torso & (np.abs(xx - 120) <= 0.3 * (198 - yy))  # a deep V, down into the shade
    image[neckline] = SKIN
    head = (xx - 120) ** 2 + (yy - 50) ** 2 <= 28 ** 2
    labels[head], image[head] = PARTS.index("head"), SKIN
    # the arms hang in white sleeves over the torso's sides, cut by the bottom edge
    for part, x0, x1 in (("r_upper_arm", 40, 72), ("l_upper_arm", 168, 200)):
        arm = (yy >= 78) & (xx >= x0) & (xx < x1)
        labels[arm], image[arm] = PARTS.index(part), SLEEVE
    strip = (yy >= 205) & (xx >= 72) & (xx < 77)  # forearm skin beside the sleeve, given to the torso
    image[strip] = SKIN
    joints = np.zeros((33, 2), np.float32)
    for name, at in {"nose": (120, 52), "left_eye": (130, 42), "right_eye": (110, 42), "left_ear": (145, 47),
                     "right_ear": (95, 47), "mouth_left": (125, 62), "mouth_right": (115, 62),
                     "left_eye_inner": (127, 42), "left_eye_outer": (133, 42), "right_eye_inner": (113, 42),
                     "right_eye_outer": (107, 42), "left_shoulder": (170, 88), "right_shoulder": (70, 88),
                     "left_elbow": (184, 200), "right_elbow": (56, 200), "left_wrist": (186, 300),
                     "right_wrist": (54, 300), "left_hip": (145, 330), "right_hip": (95, 330)}.items():
        joints[J[name]] = at
    for side, wrist in (("left", (186, 300)), ("right", (54, 300))):
        for k, dx in (("index", 2), ("pinky", -2), ("thumb", 5)):
            joints[J[f"{side}_{k}"]] = (wrist[0] + dx, wrist[1] + 20)
        for k, dx in (("knee", 0), ("ankle", 0), ("heel", 0), ("foot_index", 5)):
            joints[J[f"{side}_{k}"]] = (145 if side == "left" else 95) + dx, 450 + 100 * (k != "knee")
    return Rig(width=W, height=H, joints=joints, visibility=np.ones(33, np.float32), depth=np.zeros(33, np.float32),
               source="test", image=image, matte=(labels >= 0).astype(np.float32), labels=labels)


@pytest.fixture(scope="module")
def below():
    """The body layer's colour and alpha at its pixels below the image's bottom edge, by image row and column
    (rows from the edge down; NaN colour where the layer has none)."""
    rig = _close_up()
    body = next(layer for layer in build_layers(rig) if layer.name == "body")
    ox, oy = body.origin
    tex = body.texture
    rows = np.arange(max(H, oy), oy + tex.shape[0])
    alpha = np.zeros((len(rows), W), np.float64)
    rgb = np.zeros((len(rows), W, 3), np.uint8)
    cols = np.arange(W)
    inside = (cols >= ox) & (cols < ox + tex.shape[1])
    alpha[:, inside] = tex[rows - oy][:, cols[inside] - ox, 3] / 255.0
    rgb[:, inside] = tex[rows - oy][:, cols[inside] - ox, :3]
    return rgb, alpha


def test_the_body_below_the_image_is_the_top_not_its_shaded_last_row_repeated(below):
    """Below the edge the body is the white top, in its colour (its shade under the bust and the strip of forearm
    skin beside the sleeve only right at the edge): the last row repeated down drew a curtain of grey-brown and
    skin-coloured streaks (TikTok clip 5)."""
    rgb, alpha = below
    depth = np.arange(len(alpha))[:, None]
    body = alpha >= 0.5
    deep = body & (depth >= 30)  # (0.3 shoulder widths)
    assert deep.sum() > 2000
    d = np.linalg.norm(_lab(rgb[deep]) - _lab(TOP), axis=1)
    assert np.percentile(d, 95) < 15, (np.percentile(d, [50, 95]), np.median(rgb[deep], axis=0))
    # nearer it than the shade all the way from a little below the edge, and nowhere the neckline's skin
    near = body & (depth >= 10)
    lab = _lab(rgb[near])
    assert np.median(np.linalg.norm(lab - _lab(TOP), axis=1)) < np.median(np.linalg.norm(lab - _lab(SHADE), axis=1))
    assert np.linalg.norm(_lab(rgb[deep]) - _lab(SKIN), axis=1).min() > 25


def test_the_body_below_the_image_has_soft_sides_that_follow_the_body_not_a_straight_cut(below):
    """Each side of the body below the edge leans in towards the hips (the top is wider at the chest than the
    hips under it) along a smooth line, with an anti-aliased edge: the edge column repeated down drew a long
    straight vertical cut, a cardboard cut-out in motion."""
    _, alpha = below
    rows = np.flatnonzero((alpha >= 0.5).any(axis=1))[:100]
    assert len(rows) >= 60
    for side in (1, -1):  # the left side, then the right (columns read from the right)
        a = alpha[rows][:, ::side]
        # the outer end of the run through the middle (not the arms' own pieces beside the body)
        x = np.array([W // 2 - np.argmin(row[W // 2::-1] >= 0.5) + 1 for row in a], np.float64)
        assert x[-1] - x[0] >= 5, (side, x[0], x[-1])  # it leans in
        assert np.abs(np.diff(x)).max() <= 2, (side, np.diff(x))  # smoothly
        soft = (a > 0.05) & (a < 0.95)
        assert soft.any(axis=1).mean() > 0.5  # anti-aliased

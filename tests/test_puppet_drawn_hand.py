"""A hand the rig draws itself (an arm the image's border cuts) reads as the character's skin: its colour, its
shading, its edge."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.drawn_hand import (SHADE_RANGE, SKIN_SHADE, _lay_over, draw_hand, open_hand_joints,
                                                        skin_light, skin_shade)

SKIN = np.array([172.0, 126.0, 100.0], np.float32)
HALF_WIDTH = 20.0
WRIST = np.array([80.0, 30.0])


def _drawn(shade: np.ndarray) -> np.ndarray:
    """RGBA: an open hand pointing down, drawn over nothing."""
    joints = open_hand_joints(WRIST, WRIST + (0, 100), WRIST + (40, 0), 150.0, HALF_WIDTH)
    patch = np.zeros((200, 160, 4), np.uint8)
    draw_hand(patch, joints, np.zeros(16), HALF_WIDTH, SKIN, shade)
    return patch


def _lab(rgb: np.ndarray) -> np.ndarray:
    px = np.clip(np.asarray(rgb, np.float32) + 0.5, 0, 255).astype(np.uint8).reshape(-1, 1, 3)
    return cv2.cvtColor(px, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)


def test_a_drawn_hand_is_the_skins_colour_with_no_outline_darker_than_its_shade():
    """The renderer samples a layer's texture between its pixels (bilinear) and lays it over what is behind:
    the clear pixels around the drawn fingers were black, and every finger came out with a dark outline, a
    cartoon hand pasted on the photo (TikTok clip 5's last second). Over a light wall, the outline is no
    darker than the skin's shade, and the hand is the skin's colour."""
    shade = SKIN * 0.85
    patch = _drawn(shade)
    solid = patch[:, :, 3] == 255
    assert solid.sum() > 2000
    assert np.linalg.norm(_lab(patch[solid][:, :3].astype(np.float32).mean(axis=0)) - _lab(SKIN)) < 10
    big = cv2.resize(patch, None, fx=3, fy=3, interpolation=cv2.INTER_LINEAR).astype(np.float32)
    a = big[:, :, 3:] / 255.0
    over = big[:, :, :3] * a + 235.0 * (1.0 - a)
    outline = (a[:, :, 0] > 0.05) & (a[:, :, 0] < 0.95)
    assert outline.sum() > 500
    # no darker than the skin's shade seen through the outline's share of the wall
    floor = a[outline, 0] * float(shade.mean()) + (1.0 - a[outline, 0]) * 235.0
    darker = floor - over[outline].mean(axis=1)
    assert darker.max() < 4.0, (darker.max(), int((darker > 4.0).sum()))


def test_a_drawn_palm_has_a_crisp_edge_over_nothing():
    """Over nothing the palm's edge is anti-aliased over a pixel or two: its soft rim (a quarter of its
    half-width) drew a brown haze around the palm."""
    alpha = _drawn(SKIN * 0.85)[:, :, 3]
    row = alpha[int(WRIST[1]) + 25, :int(WRIST[0])]  # across the palm, from its side to its middle
    assert row[0] == 0 and row[-1] == 255
    assert ((row > 5) & (row < 250)).sum() <= 2, row


def test_the_drawn_skins_shade_is_the_characters_own():
    """The sides of a drawn finger turn to the shade the character's skin shows (its pixels' spread from lit
    to shade), within a sane range; too few pixels to tell give the usual shade."""
    rng = np.random.default_rng(0)

    def pixels(lit: float, dark: float) -> np.ndarray:
        k = rng.uniform(dark, lit, 500)
        return SKIN[None, :] * k[:, None]

    mild = skin_shade(SKIN, pixels(1.0, 0.6))  # its 30th and 70th percentiles: 0.72 and 0.88
    assert np.allclose(mild / SKIN, mild[0] / SKIN[0], atol=1e-3)  # the skin's hue, darker
    assert 0.8 < mild[0] / SKIN[0] < 0.84, mild / SKIN
    assert np.isclose(skin_shade(SKIN, pixels(1.0, 0.98))[0] / SKIN[0], SHADE_RANGE[1])
    assert np.isclose(skin_shade(SKIN, pixels(1.0, 0.2))[0] / SKIN[0], SHADE_RANGE[0])
    assert np.allclose(skin_shade(SKIN, pixels(1.0, 0.8)[:3]), SKIN * (1.0 - SKIN_SHADE))


def _inside(patch: np.ndarray, depth_px: float) -> np.ndarray:
    """The solid pixels of a drawn hand more than ``depth_px`` inside its outline over nothing."""
    solid = (patch[:, :, 3] >= 128).astype(np.uint8)
    return cv2.distanceTransform(solid, cv2.DIST_L2, 3) > depth_px


def test_a_photographed_characters_drawn_hand_has_soft_seams_and_the_skins_mean_colour():
    """A photograph's drawn hand is the skin's colour on the whole and its fingers part by a soft shade, not
    a dark line: shaded past the skin's shade all round, every finger was outlined in brown (TikTok clip 5: a
    cartoon hand beside the photographed face). Inside its outline no pixel is darker than the skin's own shade
    (the gaps between its touching fingers reach it, as round fingers' sides do), and most are lighter than halfway
    to it; drawn art (``outlined``) keeps its fingers shaded all the way round, as its limbs."""
    shade = SKIN * 0.8
    photo = _drawn(shade)
    solid = photo[:, :, 3] == 255
    assert np.linalg.norm(_lab(photo[solid][:, :3].astype(np.float32).mean(axis=0)) - _lab(SKIN)) < 6
    inner = _inside(photo, 0.35 * HALF_WIDTH + 1)
    assert inner.sum() > 1000
    halfway = float(_lab(0.5 * (SKIN + shade))[0, 0])
    lightness = _lab(photo[inner][:, :3].astype(np.float32))[:, 0]
    assert lightness.min() >= float(_lab(shade)[0, 0]) - 1.0
    assert (lightness < halfway).mean() < 0.1
    joints = open_hand_joints(WRIST, WRIST + (0, 100), WRIST + (40, 0), 150.0, HALF_WIDTH)
    drawn = np.zeros((200, 160, 4), np.uint8)
    draw_hand(drawn, joints, np.zeros(16), HALF_WIDTH, SKIN, shade, outlined=True)
    assert _lab(drawn[inner][:, :3].astype(np.float32))[:, 0].min() < halfway - 3.0


def test_a_drawn_hand_is_lit_from_where_the_characters_skin_is():
    """Skin brighter towards the image's left (the light on that side) gives a light from the left, and the
    drawn hand is brighter on its left side than on its right, by a few percent, at most a fifth (a photograph's
    hand: its own light across the hand and each finger, :data:`.drawn_hand.PHOTO_LIGHT`, FINGER_LIGHT; 10% here);
    unlit skin gives none."""
    rng = np.random.default_rng(1)
    points = rng.uniform(0, 100, (400, 2))
    light = skin_light(points, 150.0 - 0.4 * points[:, 0], 100.0)
    assert light[0] < -0.9 and abs(light[1]) < 0.05, light
    assert np.allclose(skin_light(points, np.full(400, 150.0), 100.0), 0.0)
    assert np.allclose(skin_light(points[:10], 150.0 - 0.4 * points[:10, 0], 100.0), 0.0)
    joints = open_hand_joints(WRIST, WRIST + (0, 100), WRIST + (40, 0), 150.0, HALF_WIDTH)
    patch = np.zeros((200, 160, 4), np.uint8)
    draw_hand(patch, joints, np.zeros(16), HALF_WIDTH, SKIN, SKIN * 0.8, light)
    inner = _inside(patch, 0.35 * HALF_WIDTH + 1)
    brightness = patch[:, :, :3].astype(np.float32).mean(axis=2)
    mid = np.median(np.nonzero(inner)[1])
    x = np.mgrid[0:200, 0:160][1]
    left, right = brightness[inner & (x < mid)].mean(), brightness[inner & (x >= mid)].mean()
    assert 1.01 < left / right < 1.2, (left, right)


def test_a_piece_is_laid_over_as_the_over_formula_reads_to_the_byte():
    """The drawn hand's pieces are laid over in place channel by channel (for speed): the same bytes as the
    "over" formula computed in one expression, over clear, half-covered and opaque pixels alike, and a clear
    pixel under no coverage takes the piece's colour (the renderer samples between pixels)."""
    rng = np.random.default_rng(3)
    patch = rng.integers(0, 256, (40, 50, 4)).astype(np.uint8)
    patch[:10, ..., 3] = 0
    colours = [rng.uniform(0, 260, (40, 50)).astype(np.float32) for _ in range(3)]
    a = np.clip(rng.uniform(-0.5, 1.5, (40, 50)), 0, 1).astype(np.float32)
    below = patch.astype(np.float32)
    b = below[..., 3:] / 255.0
    colour, cover = np.stack(colours, axis=2), a[..., None]
    out_a = cover + b * (1.0 - cover)
    rgb = np.where(out_a > 0, (colour * cover + below[..., :3] * b * (1.0 - cover)) / np.maximum(out_a, 1e-6),
                   colour)
    expected = np.concatenate([rgb, out_a * 255.0], axis=2).clip(0, 255).round().astype(np.uint8)
    _lay_over(patch, colours, a, patch[..., 3] / np.float32(255.0))
    assert np.array_equal(patch, expected)

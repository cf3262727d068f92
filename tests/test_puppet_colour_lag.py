"""A photographed arm's outline against the backdrop carries none of the old backdrop's hue, although a video frame's
colour lags its lightness there (TikTok character 2 moved by clip 3: her arm's outer outline against the dark
backdrop wavy, with a pale rim of the lilac wall it stood against in the picture)."""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np
from scipy import ndimage

from motion_transfer.engines.puppet.model import LAYERS, PARTS
from motion_transfer.samples import make_character
from motion_transfer.samples.mannequin import STYLES

WALL = (120, 112, 160)  # the lilac wall behind her
PALE = 0.6  # a pixel this much as light as the arm further in is part of a pale rim ...
RIM = 0.2  # ... where this share of its hue is the wall's (its shading and the arm's soft edge hold some)


def _as_a_video_frame(image: np.ndarray) -> np.ndarray:
    """``image`` as a video frame holds it: edges softened a little, the colour at half the resolution of the
    lightness (4:2:0) and blurred further in coding."""
    soft = cv2.GaussianBlur(image, (0, 0), 1.0)
    ycc = cv2.cvtColor(soft, cv2.COLOR_RGB2YCrCb)
    h, w = ycc.shape[:2]
    chroma = cv2.resize(ycc[:, :, 1:], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    chroma = cv2.GaussianBlur(chroma, (0, 0), 2.0)
    ycc[:, :, 1:] = cv2.resize(chroma, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(ycc, cv2.COLOR_YCrCb2RGB)


def _chroma(rgb: np.ndarray) -> np.ndarray:
    """A colour's hue as its share of each of red, green and blue: the arm's shading (darker towards its sides)
    keeps it, a blend with the wall's colour moves it."""
    rgb = rgb.astype(np.float32)
    return rgb / np.maximum(rgb.sum(axis=-1, keepdims=True), 1.0)


def _wall_hue_along(tmp_path, layer_name: str, parts: tuple[str, ...], outer: bool = False, top: float = 1.0
                    ) -> tuple[float, float]:
    """(the share of the layer's outline pixels against the wall, drawn at least half opaque within a few pixels of
    it and away from other parts, that are a pale rim holding a fifth or more of the wall's hue; their median share
    of it) for a mannequin in a pale top, short-sleeved, photographed as a video frame holds it against a lilac
    wall; ``parts`` the part labels measured, ``outer``: only their side facing picture-left, ``top``: only the top
    such share of their height."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.mesh import build_layers
    from motion_transfer.media.frames import read_image

    style = dataclasses.replace(STYLES["person"], shirt=(236, 232, 226))
    path = tmp_path / "pale.png"
    make_character(path, size=(360, 480), style=style, pose="a-pose", background=WALL)
    clean = read_image(path)
    image = _as_a_video_frame(clean)
    rig = rig_character(image)
    # the matte along the figure's own outline, as a person's segmentation follows the photo's sharp lightness
    # edge (the sample's segmentation takes in a pixel or two of the wall)
    rig.matte = cv2.GaussianBlur((np.abs(clean.astype(int) - WALL).max(axis=2) > 12).astype(np.float32), (0, 0), 0.7)
    layer = next(x for x in build_layers(rig) if x.name == layer_name)
    mine = np.isin(rig.labels, [PARTS.index(p) for p in LAYERS[layer_name]])
    figure = rig.matte >= 0.5
    ox, oy = layer.origin
    h, w = layer.texture.shape[:2]
    full = np.zeros(image.shape, np.uint8)
    alpha = np.zeros(mine.shape, np.float32)
    y0, x0, y1, x1 = max(0, oy), max(0, ox), min(mine.shape[0], oy + h), min(mine.shape[1], ox + w)
    full[y0:y1, x0:x1] = layer.texture[y0 - oy:y1 - oy, x0 - ox:x1 - ox, :3]
    alpha[y0:y1, x0:x1] = layer.texture[y0 - oy:y1 - oy, x0 - ox:x1 - ox, 3] / 255
    # the parts' pixels drawn at least half opaque within a few pixels of the wall, away from the other parts: how
    # much of the wall's hue each holds, against the layer's own further in
    to_back, (_, bx) = ndimage.distance_transform_edt(figure, return_indices=True)
    measured = ndimage.distance_transform_edt(~np.isin(rig.labels, [PARTS.index(p) for p in parts])) <= 2
    rows = np.nonzero(measured.any(axis=1))[0]
    measured[rows[0] + int(top * (rows[-1] - rows[0] + 1)):] = False
    others = ~np.isin(rig.labels, [*(PARTS.index(p) for p in parts), -1])
    near = measured & (alpha >= 0.5) & (to_back <= 5) & (ndimage.distance_transform_edt(~others) > 8)
    if outer:
        near &= bx < np.arange(near.shape[1])  # the backdrop to its left
    ys, xs = np.nonzero(near)
    assert len(ys) > 60  # the parts' outline stands against the wall
    _, (iy, ix) = ndimage.distance_transform_edt(~(mine & (to_back > 8)), return_indices=True)
    own = _chroma(image[iy[ys, xs], ix[ys, xs]])
    span = _chroma(np.float32(WALL)) - own
    share = ((_chroma(full[ys, xs]) - own) * span).sum(axis=1) / (span ** 2).sum(axis=1)
    # (a pale rim: as light as the layer, or nearly; the darker pixels of its soft edge are the backdrop's own)
    lightness = full[ys, xs].astype(np.float32).sum(axis=1)
    rim = (share > RIM) & (lightness >= PALE * image[iy[ys, xs], ix[ys, xs]].astype(np.float32).sum(axis=1))
    return float(rim.mean()), float(np.median(share))


def test_a_video_frames_arm_keeps_no_rim_of_the_old_backdrops_hue_along_its_outline(tmp_path):
    rim, share = _wall_hue_along(tmp_path, "arm_r", ("r_lower_arm",), outer=True)  # the bare forearm's lit side
    assert rim < 0.2, (f"{100 * rim:.0f}% of the arm's outline is a pale rim holding a fifth or more of the wall's "
                       f"hue (median share {share:.2f})")


def test_a_video_frames_hair_keeps_no_rim_of_the_old_backdrops_hue_along_its_outline(tmp_path):
    """The body layer's outline as the arm's: the hair's, over the top of the head (on main, four in five of its
    pixels held a fifth or more of the wall's hue)."""
    rim, share = _wall_hue_along(tmp_path, "body", ("head",), top=0.4)
    assert rim < 0.2, (f"{100 * rim:.0f}% of the hair's outline is a pale rim holding a fifth or more of the wall's "
                       f"hue (median share {share:.2f})")


def _lagging(colour: np.ndarray, towards: np.ndarray, share: float) -> np.ndarray:
    """``colour`` with ``share`` of its chroma ``towards``'s, its lightness its own."""
    chroma = _ycc(colour)
    chroma[1:] = (1 - share) * chroma[1:] + share * _ycc(towards)[1:]
    return cv2.cvtColor(np.uint8([[np.clip(np.round(chroma), 0, 255)]]), cv2.COLOR_YCrCb2RGB)[0, 0]


def _ycc(colour: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.uint8([[colour]]), cv2.COLOR_RGB2YCrCb)[0, 0].astype(np.float32)


def test_only_a_colour_lagging_its_lightness_catches_up_not_one_of_the_figures_own():
    """Along the outline a pixel as light as the skin but half the wall's hue takes the skin's; a red piping there
    (no blend of the two: off the line between their hues) and the skin's own pixels stay as they are."""
    from motion_transfer.engines.puppet.cut_edge import colour_caught_up

    skin, wall, red = np.uint8([226, 178, 146]), np.uint8(WALL), np.uint8([200, 40, 50])
    image = np.empty((60, 80, 3), np.uint8)
    image[:] = wall
    image[:, 30:] = skin
    image[:30, 30:33] = _lagging(skin, wall, 0.5)  # the upper half's outermost pixels lag
    image[30:, 30:32] = red  # the lower half's have a piping of their own
    figure = np.zeros(image.shape[:2], bool)
    figure[:, 30:] = True
    out = colour_caught_up(image, figure)
    lag = np.linalg.norm(out[5:25, 30:33].astype(float) - skin, axis=-1)
    assert lag.max() < 12, f"the lagging pixels stay up to {lag.max():.0f} (RGB) off the skin's colour"
    assert (out[35:, :] == image[35:, :]).all(), "the piping's colour (or the skin's) changed"
    assert (out[:, 36:] == image[:, 36:]).all() and (out[:, :30] == image[:, :30]).all()

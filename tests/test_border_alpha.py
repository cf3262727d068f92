"""The backdrop of drawn art from the picture's border: one flat colour, or a wall and a floor."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.pose.silhouette import backdrop_palette, border_alpha, read_backdrop

WALL, FLOOR, FUR = (240, 225, 200), (120, 170, 120), (150, 90, 40)


def _figure_on(backdrop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    img = backdrop.copy()
    figure = np.zeros(img.shape[:2], np.uint8)
    for target, colour in ((img, FUR), (figure, 1)):
        cv2.ellipse(target, (180, 300), (90, 200), 0, 0, 360, colour, -1)
        cv2.circle(target, (180, 110), 70, colour, -1)
    return img, figure.astype(bool)


def test_a_wall_and_a_floor_are_both_backdrop():
    """A character standing on a floor before a wall (two flat colours along the border, the floor's reaching
    the bottom corners) is told from both; with one colour only the wall was, and the picture got no
    silhouette at all (a teddy bear on a floor was refused)."""
    backdrop = np.empty((480, 360, 3), np.uint8)
    backdrop[:] = WALL
    backdrop[400:] = FLOOR
    img, figure = _figure_on(backdrop)
    alpha = border_alpha(img)
    assert alpha is not None
    assert alpha[figure].mean() > 0.97
    assert alpha[~figure].max() < 0.05


def test_clothes_along_the_bottom_edge_are_not_taken_for_a_floor():
    """A close-up whose shirt runs off the bottom edge over most of its width, but not into its corners: the
    shirt is the character's, never a second backdrop colour."""
    backdrop = np.empty((480, 360, 3), np.uint8)
    backdrop[:] = WALL
    img, figure = _figure_on(backdrop)
    shirt = np.zeros(figure.shape, bool)
    shirt[330:, 60:300] = True  # two thirds of the bottom edge
    img[shirt] = (200, 40, 40)
    alpha = border_alpha(img)
    assert alpha is None or alpha[shirt].mean() > 0.97


def _sky_and_snow() -> np.ndarray:
    backdrop = np.empty((480, 360, 3), np.uint8)
    backdrop[:] = (190, 215, 235)
    backdrop[420:] = (250, 250, 250)
    return backdrop


def test_a_white_belly_like_the_snow_below_is_the_figures():
    """A penguin before a blue sky, standing in the snow: its white belly, enclosed by its black body, has the
    snow's colour but not that of the backdrop beside it at its height, so it is the figure's, not a hole."""
    img = _sky_and_snow()
    figure = np.zeros(img.shape[:2], np.uint8)
    cv2.ellipse(img, (180, 260), (110, 170), 0, 0, 360, (40, 35, 30), -1)
    cv2.ellipse(figure, (180, 260), (110, 170), 0, 0, 360, 1, -1)
    belly = np.zeros(img.shape[:2], np.uint8)
    cv2.ellipse(belly, (180, 290), (70, 120), 0, 0, 360, 1, -1)
    img[belly > 0] = (250, 250, 250)
    alpha = border_alpha(img)
    assert alpha is not None
    assert alpha[belly > 0].mean() > 0.97
    assert alpha[figure == 0].max() < 0.05


def test_the_sky_seen_between_an_arm_and_the_body_stays_backdrop():
    """The same backdrop seen through a gap the figure encloses (a hand on the hip) is the backdrop beside the
    figure at that height: it stays out of the figure."""
    img = _sky_and_snow()
    cv2.rectangle(img, (140, 100), (220, 400), (40, 35, 30), -1)  # body
    cv2.polylines(img, [np.array([[140, 140], [80, 220], [140, 300]], np.int32)], False, (40, 35, 30), 16)  # arm
    gap = np.zeros(img.shape[:2], np.uint8)
    cv2.fillPoly(gap, [np.array([[130, 175], [100, 220], [130, 265]], np.int32)], 1)
    alpha = border_alpha(img)
    assert alpha is not None
    assert alpha[gap > 0].mean() < 0.05


def test_the_backdrop_read_once_gives_the_same_answers():
    """The figure search, the matte and the background fill share one reading of the border (its Lab copy and
    colours): their answers are those each got reading it on its own; a busy border is no backdrop."""
    backdrop = np.empty((480, 360, 3), np.uint8)
    backdrop[:] = WALL
    backdrop[400:] = FLOOR
    img, _ = _figure_on(backdrop)
    read = read_backdrop(img)
    assert read.drawn and len(read.colours[0]) == 2
    assert np.array_equal(border_alpha(img, read), border_alpha(img))
    assert np.array_equal(backdrop_palette(img, read), backdrop_palette(img))
    assert sorted(map(tuple, backdrop_palette(img, read))) == sorted([WALL, FLOOR])
    busy = np.random.default_rng(0).integers(0, 256, (120, 90, 3), dtype=np.uint8)
    noisy = read_backdrop(busy)
    assert noisy.colours is None and not noisy.drawn
    assert border_alpha(busy, noisy) is None and backdrop_palette(busy, noisy) is None

"""Drawn art's outlines stay smooth lines when the puppet draws them enlarged and turned (:mod:`.along_lines`)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from motion_transfer.engines.puppet.along_lines import along_edges
from motion_transfer.pose.retarget import extend
from motion_transfer.pose.skeleton import J

SCALE = 2.5  # the output's figure is this many times the picture's (a drawn character on a TikTok clip: 2-3)
LEVEL = 140  # halfway between the fox's dark outline and the light backdrop drawn behind it


def _edge_columns(canvas: np.ndarray, y0: int, y1: int, x0: int) -> np.ndarray:
    """Per row y0..y1 where (sub-pixel, first from ``x0`` rightwards) the canvas goes from dark to light."""
    light = canvas.astype(np.float64).mean(axis=2)
    out = []
    for y in range(y0, y1):
        r = light[y, x0:]
        k = np.flatnonzero((r[:-1] < LEVEL) & (r[1:] >= LEVEL))
        out.append(x0 + k[0] + (LEVEL - r[k[0]]) / (r[k[0] + 1] - r[k[0]]) if len(k) else np.nan)
    return np.array(out)


def _wobble(xs: np.ndarray, half: int = 7) -> np.ndarray:
    """Each row's distance from a quadratic fitted to the edge over the rows within ``half`` of it: the steps
    and teeth along the line, not its bend."""
    t = np.arange(-half, half + 1)
    return np.array([xs[i] - np.polyfit(t, xs[i - half:i + half + 1], 2)[2]
                     for i in range(half, len(xs) - half) if not np.isnan(xs[i - half:i + half + 1]).any()])


@pytest.fixture(scope="module")
def fox_rig():
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.samples.stylised import make_stylised

    return rig_character(make_stylised("fox").image)


@pytest.mark.parametrize("degrees", [0, 15])
def test_a_drawn_arms_outline_enlarged_and_turned_is_a_smooth_line(fox_rig, degrees):
    """The fox's hanging arm, its drawn black outline rasterised to the picture's pixels, turned to hang straight
    down (and 15 degrees further) and drawn 2.5 times enlarged: its outer outline is a smooth line. Enlarged as
    the pixels were, the picture's staircase along the slanted line (half-cover points 0.7 then 0.3 pixels apart
    by turns) drew teeth of about a third of a pixel every few rows along it, the serrated outline of the fox
    and the teddy bear on TikTok clip 0 (0.16-0.17 px off the line on average here)."""
    from motion_transfer.engines.puppet.render import Renderer

    rig = fox_rig
    joints = extend(rig.joints[:, :2].astype(np.float64))
    shoulder = joints[J["left_shoulder"]].copy()
    d = joints[J["left_elbow"]] - shoulder
    turn = math.atan2(d[0], d[1]) + math.radians(degrees)
    R = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    posed = joints.copy()
    for name in ("left_elbow", "left_wrist", "left_pinky", "left_index", "left_thumb"):
        posed[J[name]] = shoulder + (joints[J[name]] - shoulder) @ R.T
    posed = (posed - shoulder) * SCALE + np.array([150.0, 100.0])
    h, w = 700, 320
    canvas = np.full((h, w, 3), 250, np.uint8)
    Renderer(rig, w, h).render(canvas, posed, np.zeros(36), SCALE, 0.0)
    s, e = posed[J["left_shoulder"]], posed[J["left_elbow"]]
    # the upper arm's outer side, away from the shoulder's and the elbow's rounding
    xs = _edge_columns(canvas, int(s[1] + 0.25 * (e[1] - s[1])), int(s[1] + 0.75 * (e[1] - s[1])), int(max(s[0], e[0])))
    wobble = _wobble(xs)
    assert len(wobble) > 100, "the arm's outer outline was not found"
    assert wobble.std() < 0.1, f"the outline wobbles {wobble.std():.3f} px off a smooth line"


def test_smoothing_along_edges_keeps_their_place_and_a_dot():
    """Along a slanted edge drawn with uneven steps the smoothing evens the steps out without moving or softening
    the edge; a lone dot (an eye's highlight: no one direction around it) stays as it was; flat colour stays."""
    h, w = 60, 60
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    # an edge at x = 20 + y / 2, its cover per row off by +-0.2 px by turns (the drawing program's uneven steps)
    at = 20 + yy / 2 + np.where(yy % 2 == 0, 0.2, -0.2)
    cover = np.clip(at - xx + 0.5, 0.0, 1.0)
    rgba = np.zeros((h, w, 4), np.uint8)
    rgba[:, :, :3] = 30
    rgba[:, :, 3] = np.round(cover * 255).astype(np.uint8)
    rgba[45:48, 5:8, :3] = 0
    rgba[46, 6, :3] = 255  # the dot, inside the solid part, far from the edge
    out = along_edges(rgba)

    def half_cover(a: np.ndarray) -> np.ndarray:
        """Per row where (sub-pixel) the cover falls through one half."""
        out = []
        for row in a.astype(np.float64) / 255:
            k = np.flatnonzero(row >= 0.5)[-1]
            out.append(k + (row[k] - 0.5) / (row[k] - row[k + 1]))
        return np.array(out)

    rows = slice(10, 50)
    before = half_cover(rgba[rows, :, 3]) - (20 + yy[rows, 0] / 2)
    after = half_cover(out[rows, :, 3]) - (20 + yy[rows, 0] / 2)
    assert np.abs(before - before.mean()).max() > 0.15, "the test's edge has no uneven steps"
    assert np.abs(after - after.mean()).max() < 0.06, "the steps stay uneven"
    assert abs(after.mean() - before.mean()) < 0.06, "the edge moved"
    ramp = ((out[rows, :, 3] > 20) & (out[rows, :, 3] < 235)).sum(axis=1)
    assert ramp.max() <= 2, "the edge was softened"
    assert out[46, 6, 0] == 255, "the dot was smoothed away"
    assert (out[20:40, 0:5] == rgba[20:40, 0:5]).all(), "flat colour changed"


def test_flat_colours_are_told_from_a_photographs():
    """The teddy bear, drawn in flat colours with no outline, is flat art (its staircases are smoothed too); the
    same bear under a camera's grain is not, nor the fox's shaded, outlined art (found by its outline instead)."""
    from motion_transfer.engines.puppet.along_lines import flat_art
    from motion_transfer.samples.stylised import make_stylised

    bear = make_stylised("teddy_bear")
    assert flat_art(bear.image, bear.figure)
    grain = np.random.default_rng(0).normal(0.0, 2.0, bear.image.shape)
    assert not flat_art(np.clip(bear.image + grain, 0, 255).astype(np.uint8), bear.figure)
    fox = make_stylised("fox")
    assert not flat_art(fox.image, fox.figure)

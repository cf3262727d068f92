"""The slivers along a layer's mesh outline (``hull_slivers.outline_slivers``), which the renderer does not draw."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.hull_slivers import outline_slivers
from motion_transfer.engines.puppet.mesh import triangulate


def _sleeve() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sleeve carried on past the picture's side border: a long straight slanted side (half-length TikTok
    character 4's, the mannequin dance). Its mask and its mesh."""
    h, w = 220, 180
    py, px = np.mgrid[0:h, 0:w]
    side = 20 + 0.36 * (h - py)
    sleeve = (px >= side) & (px <= side + 70) & (py >= 10) & (py < h - 10)
    v, t = triangulate(sleeve, 23.0)
    return sleeve, v.astype(np.float64), t


def _bent(v: np.ndarray) -> np.ndarray:
    """The sleeve bent 2 degrees: its lower end turned about its top (towards its straight side), more the
    further down."""
    turn = np.deg2rad(-2.0) * (v[:, 1] - 10) / 220
    c = v - [70.0, 10.0]
    return np.stack([c[:, 0] * np.cos(turn) - c[:, 1] * np.sin(turn),
                     c[:, 0] * np.sin(turn) + c[:, 1] * np.cos(turn)], axis=1) + [70.0, 10.0]


def _gain(rest: np.ndarray, posed: np.ndarray) -> np.ndarray:
    """[M] how many texture pixels one output pixel spans, at most, in each triangle (its posed-to-rest map's
    largest stretch); 0 for a triangle turned over (the renderer leaves those out itself)."""
    a = np.stack([posed[:, 1] - posed[:, 0], posed[:, 2] - posed[:, 0]], axis=2)
    b = np.stack([rest[:, 1] - rest[:, 0], rest[:, 2] - rest[:, 0]], axis=2)
    det_a, det_b = np.linalg.det(a), np.linalg.det(b)
    gain = np.zeros(len(a))
    ok = (np.abs(det_a) > 1e-12) & (np.sign(det_a) == np.sign(det_b))
    gain[ok] = np.linalg.norm(b[ok] @ np.linalg.inv(a[ok]), ord=2, axis=(1, 2))
    return gain


def test_a_sleeves_straight_side_draws_no_sliver_that_reads_its_texture_from_inside():
    """Delaunay closed the dents of the sleeve's pixel staircase with triangles a fraction of a pixel thick.
    Bent a little, their corners moved apart across them and their maps, squeezed, read the sleeve's pixels
    from inside its outline into the backdrop (turned over, a triangle is left out already, but squeezed to
    nothing it was drawn): a dotted line of pale specks along the side (the mannequin dance). The
    triangles drawn (all but the outline's slivers), bent by 2 degrees, read at most 1.5 texture pixels per output
    pixel; the whole mesh does not. And they still cover the sleeve: no hole, no crack (only its outline's
    staircase and corners are left to the texture's soft edge)."""
    sleeve, v, t = _sleeve()
    gain = _gain(v[t], _bent(v)[t])
    assert gain.max() > 3.0  # (the slivers drawn as they were: one reads 4.5 texture pixels per output pixel)
    slivers = outline_slivers(v, t)
    assert gain[~slivers].max() <= 1.5
    drawn = np.zeros(sleeve.shape, np.uint8)
    for tri in np.round(v[t[~slivers]] * 16).astype(np.int32):
        cv2.fillConvexPoly(drawn, tri, 1, lineType=cv2.LINE_8, shift=4)
    assert drawn[cv2.distanceTransform(sleeve.astype(np.uint8), cv2.DIST_L2, 5) >= 5].all()
    assert 0 < slivers.sum() < 0.3 * len(t)


def test_a_fan_of_thin_triangles_spread_from_one_point_is_not_peeled_away():
    """Thin triangles (0.7 px) fanned 60 degrees from one point of the outline out to an arc 40 px away: each
    bares the next, and peeled round by round the whole wedge went (a lock's side of a drawn girl: a quarter of
    her body triangles, a hole of the wall beside the lock gone down with her head). Only what lies within a
    pixel of the outline at rest is left out: the fan's first triangles on either side, not its middle."""
    angles = np.deg2rad(np.arange(61.0))
    P = np.vstack([[0.0, 0.0], 40.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)])
    t = np.stack([np.zeros(60, int), np.arange(1, 61), np.arange(2, 62)], axis=1)
    slivers = outline_slivers(P, t)
    assert 0 < slivers.sum() <= 6, np.flatnonzero(slivers)
    assert not slivers[5:55].any()

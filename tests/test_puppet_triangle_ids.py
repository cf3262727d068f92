"""Painting triangle ids in one numpy pass (``meshwarp.paint_ranks``), as drawing and the face and finger warps do:
later triangles cover earlier ones, a mesh leaves no gaps, the result is what painting one triangle at a time with
OpenCV leaves (up to which of two neighbours owns a cell on their shared edge), and several grids painted in one
call equal one call each."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.meshwarp import paint_ranks


def triangle_ids(corners: np.ndarray, order, shape: tuple[int, int]) -> np.ndarray:
    """[h, w] per cell the index of the triangle painted last there (-1: none), painting ``order`` in turn."""
    order = np.asarray(order)
    h, w = shape
    K = len(order)
    ranks = paint_ranks(corners[order], np.full(K, w), np.full(K, h), np.zeros(K, np.int64), h * w)
    return np.where(ranks >= 0, order[ranks], -1).reshape(h, w)


def _grid_mesh(n: int, cell: float, origin=(2.0, 2.0)) -> tuple[np.ndarray, np.ndarray]:
    """An n x n grid of squares, each cut into two triangles: (vertices [V, 2], triangles [2 n^2, 3])."""
    xs, ys = np.meshgrid(np.arange(n + 1), np.arange(n + 1))
    v = np.stack([xs.ravel(), ys.ravel()], 1) * cell + np.array(origin)
    tris = []
    for i in range(n):
        for j in range(n):
            a, b, c, d = i * (n + 1) + j, i * (n + 1) + j + 1, (i + 1) * (n + 1) + j, (i + 1) * (n + 1) + j + 1
            tris += [(a, b, d), (a, d, c)]
    return v.astype(np.float64), np.array(tris)


def _painted_one_by_one(corners: np.ndarray, order: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The same ids painted with a cv2.fillConvexPoly call per triangle, in order (cell centres at integers)."""
    ids = np.full(shape, -1.0, np.float32)
    for i in order:
        cv2.fillConvexPoly(ids, np.round(corners[i] * 16).astype(np.int32), float(i), cv2.LINE_8, 4)
    return ids.astype(np.int32)


def test_later_triangles_cover_earlier_ones():
    big = np.array([[2.0, 2.0], [30.0, 3.0], [10.0, 28.0]])
    small = np.array([[8.0, 8.0], [16.0, 9.0], [10.0, 16.0]])
    corners = np.stack([big, small])
    a = triangle_ids(corners, [0, 1], (32, 32))
    b = triangle_ids(corners, [1, 0], (32, 32))
    assert a[11, 11] == 1 and b[11, 11] == 0  # inside both: the one painted last
    assert a[20, 8] == 0 and b[20, 8] == 0  # inside the big one only
    assert a[31, 31] == -1  # outside both
    assert (a == 1).sum() > 20 and (b == 1).sum() == 0


def test_a_mesh_leaves_no_gaps_and_no_spill():
    v, tris = _grid_mesh(6, 4.3)
    ids = triangle_ids(v[tris], np.arange(len(tris)), (32, 32))
    inside = np.zeros((32, 32), bool)
    inside[3:27, 3:27] = True  # cell centres 3..26 lie inside the mesh's square 2..27.8
    assert (ids[inside] >= 0).all()
    outside = np.ones((32, 32), bool)
    outside[1:30, 1:30] = False  # more than a cell away
    assert (ids[outside] == -1).all()


def test_matches_painting_one_triangle_at_a_time_on_a_folded_mesh():
    rng = np.random.default_rng(3)
    v, tris = _grid_mesh(12, 5.0, origin=(6.0, 6.0))
    v = v + rng.normal(0.0, 0.8, v.shape)
    v[v[:, 0] > 40, 0] = 80 - v[v[:, 0] > 40, 0]  # fold the right part back over the middle (some triangles turn)
    order = rng.permutation(len(tris))
    ours = triangle_ids(v[tris], order, (72, 72))
    theirs = _painted_one_by_one(v[tris], order, (72, 72))
    covered = (ours >= 0) | (theirs >= 0)
    assert ((ours >= 0) != (theirs >= 0))[covered].mean() < 0.02  # the outline: a cell here or there
    assert (ours == theirs)[covered].mean() > 0.9  # the rest: shared edges, owned by either neighbour


def test_several_grids_in_one_call_equal_one_call_each():
    rng = np.random.default_rng(5)
    grids = [(20, 30), (7, 9), (40, 12)]
    meshes = []
    for h, w in grids:
        pts = rng.uniform(-2, [w + 1, h + 1], size=(15, 3, 2))
        meshes.append(pts)
    alone = [paint_ranks(m, np.full(len(m), w), np.full(len(m), h), np.zeros(len(m), np.int64), h * w)
             for m, (h, w) in zip(meshes, grids)]
    sizes = np.array([h * w for h, w in grids])
    starts = np.cumsum(sizes) - sizes
    together = paint_ranks(np.concatenate(meshes), np.concatenate([np.full(15, w) for _, w in grids]),
                           np.concatenate([np.full(15, h) for h, _ in grids]), np.repeat(starts, 15),
                           int(sizes.sum()))
    for k, (part, start, size) in enumerate(zip(alone, starts, sizes)):
        expected = np.where(part >= 0, part + 15 * k, -1)
        np.testing.assert_array_equal(together[start:start + size], expected)
        assert (part >= 0).any()

"""Triangle-id rasterisation, vectorised: which triangle of a mesh covers each cell of a grid.

Drawing a deformed mesh backwards (``render.py``, ``meshwarp.py``) starts from an id buffer: per cell, the index
of the triangle on top there. Painting it with one ``cv2.fillConvexPoly`` call per triangle costs a Python call
per triangle per frame (a few thousand with the face's and fingers' meshes); here every triangle is tested
against the cells of its bounding box at once with numpy, and where triangles overlap (a mesh folding onto
itself) the one drawn later wins, as with painting in order.

A cell is covered when its centre lies inside the triangle or on its edges, so two triangles sharing an edge
both claim the cells on it and the later one keeps them (the maps on either side of a shared edge agree there).
"""
from __future__ import annotations

import numpy as np

# slack (in cells) so that a cell centre exactly on an edge counts as inside despite rounding
_EDGE_EPS = 1e-4


def paint_ids(ids: np.ndarray, corners: np.ndarray, order: np.ndarray | None = None) -> np.ndarray:
    """Paint triangle indices into ``ids`` (float32 [h, w], C-contiguous; modified in place and returned).

    ``corners`` [M, 3, 2]: every triangle's corners in cell units (cell (i, j) has its centre at x = j, y = i);
    ``order``: the triangles to paint, back to front (default: all, in index order). A cell gets the index of
    the last triangle in ``order`` that covers it; cells no triangle covers keep their value."""
    h, w = ids.shape
    order = np.arange(len(corners)) if order is None else np.asarray(order, dtype=np.intp)
    if len(order) == 0 or h == 0 or w == 0:
        return ids
    P = corners[order].astype(np.float64)  # [K, 3, 2]
    a, b, c = P[:, 0], P[:, 1], P[:, 2]
    # (reductions over an axis of length 3 are slow in numpy; two elementwise minimums are not)
    lo = np.ceil(np.minimum(np.minimum(a, b), c) - _EDGE_EPS).astype(np.int64)
    hi = np.floor(np.maximum(np.maximum(a, b), c) + _EDGE_EPS).astype(np.int64)
    np.maximum(lo, 0, out=lo)
    np.minimum(hi, [w - 1, h - 1], out=hi)
    nx = np.maximum(hi[:, 0] - lo[:, 0] + 1, 0)
    n = nx * np.maximum(hi[:, 1] - lo[:, 1] + 1, 0)
    total = int(n.sum())
    if total == 0:
        return ids
    # each edge p -> q as an affine function of the cell, e = A dx + B dy + C with (dx, dy) the cell's offset from
    # the triangle's box corner, signed so that the inside is e >= 0 whichever way the triangle winds
    x0, y0 = lo[:, 0].astype(np.float64), lo[:, 1].astype(np.float64)
    area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    sign = np.where(area < 0, -1.0, 1.0)
    coef = np.empty((3, 3, len(P)))
    for k, (p, q) in enumerate(((a, b), (b, c), (c, a))):
        A = -(q[:, 1] - p[:, 1]) * sign
        B = (q[:, 0] - p[:, 0]) * sign
        coef[k, 0], coef[k, 1] = A, B
        coef[k, 2] = A * (x0 - p[:, 0]) + B * (y0 - p[:, 1]) + _EDGE_EPS * (np.abs(A) + np.abs(B) + 1.0)
    # every (triangle, cell of its box) pair, triangles in painting order
    tri = np.repeat(np.arange(len(P)), n)
    local = np.arange(total) - np.repeat(np.cumsum(n) - n, n)
    dy, dx = np.divmod(local, nx[tri])
    fx, fy = dx.astype(np.float64), dy.astype(np.float64)
    inside = None
    for k in range(3):
        e = coef[k, 0][tri] * fx
        e += coef[k, 1][tri] * fy
        e += coef[k, 2][tri]
        inside = e >= 0 if inside is None else inside & (e >= 0)
    cell = ((lo[:, 1][tri] + dy) * w + lo[:, 0][tri] + dx)[inside]
    # the last painter of each cell: the highest rank among the pairs that cover it
    top = np.full(h * w, -1, np.int64)
    np.maximum.at(top, cell, tri[inside])
    hit = top >= 0
    ids.reshape(-1)[hit] = order[top[hit]]
    return ids

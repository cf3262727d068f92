"""Piecewise-affine warp of a texture patch by a triangle mesh (the face's and the fingers' fine deformation).

The warp runs backwards, as drawing does: every pixel of the patch is painted with the index of the deformed
triangle that covers it (:func:`paint_ranks`, on a grid ``step`` times coarser, in the order given, so later
triangles cover earlier ones where the mesh folds), gets its source position through that triangle's inverse
affine map, and ``cv2.remap`` samples the texture there. Pixels no triangle covers keep their own colour.
Only the patch's box is touched, so the cost follows the face's or hand's size, not the frame's.
"""
from __future__ import annotations

import cv2
import numpy as np


def paint_ranks(corners: np.ndarray, width: np.ndarray, height: np.ndarray, start: np.ndarray, size: int,
                margin: float = 0.5) -> np.ndarray:
    """Triangles painted in the order given, each into its own grid, as a flat int32 buffer of ``size`` cells
    holding per cell the position (rank) of the last triangle covering it, -1 where none does.

    ``corners`` [K, 3, 2] in the cell units of triangle k's grid (cell (i, j) centred at x = j, y = i), a grid of
    ``width[k]`` x ``height[k]`` cells stored row by row from ``start[k]`` in the buffer (several layers' grids
    fill one buffer in one call). A cell is covered when its centre lies inside the triangle grown by ``margin``
    cells (measured along the axis its edge is closer to: what an outlined polygon fill covers, so neighbours
    overlap a little and leave no gaps).

    All triangles at once, as scanlines: each triangle's rows, each row's span between its edges, each span's
    cells, and per cell the highest rank (``np.maximum.at``). A call per triangle (``cv2.fillConvexPoly``) costs
    about a microsecond each, a face has a thousand triangles, and the drawing threads then handed the GIL to
    each other thousands of times per frame."""
    X = np.ascontiguousarray(corners[:, :, 0].T)  # [3, K], each corner's row contiguous (reductions across a
    Y = np.ascontiguousarray(corners[:, :, 1].T)  # strided [3, K] view cost ten times as much)
    ex = X[[1, 2, 0]] - X  # edge k runs from corner k to corner k + 1
    ey = Y[[1, 2, 0]] - Y
    s = np.where(ex[0] * ey[1] - ey[0] * ex[1] < 0, -1.0, 1.0)  # orientation: inside is on the left or right
    # inside, grown: a x + b y + c >= 0 per edge, with a = -ey s, b = ex s
    a = -ey * s
    c = (ey * X - ex * Y) * s + margin * np.maximum(np.abs(ex), np.abs(ey))
    # an edge with a > 0 bounds a row's span from the left at x = k y + q, one with a < 0 from the right; a
    # horizontal edge bounds only the rows, as the box below does
    inv = 1.0 / np.where(a != 0, a, 1.0)
    tab = np.empty((11, len(X[0])))
    tab[0:3] = np.where(a != 0, -ex * s * inv, 0.0)
    tab[3:6] = np.where(a > 0, -c * inv, -np.inf)
    tab[6:9] = np.where(a < 0, -c * inv, np.inf)
    tab[9] = np.minimum(np.minimum(X[0], X[1]), X[2]) - margin
    tab[10] = np.minimum(np.maximum(np.maximum(X[0], X[1]), X[2]) + margin, width - 1)
    top = np.maximum(np.ceil(np.minimum(np.minimum(Y[0], Y[1]), Y[2]) - margin), 0).astype(np.int64)
    bottom = np.floor(np.maximum(np.maximum(Y[0], Y[1]), Y[2]) + margin)
    rows = np.maximum(np.minimum(bottom, height - 1).astype(np.int64) - top + 1, 0)
    buf = np.full(size, -1, np.int32)
    ends = np.cumsum(rows)
    if len(ends) == 0 or ends[-1] == 0:
        return buf
    tri = np.repeat(np.arange(len(rows), dtype=np.int32), rows)  # the rank of each row's triangle
    y = np.arange(ends[-1]) - np.repeat(ends - rows - top, rows)
    T = np.repeat(tab, rows, axis=1)  # each row's triangle's entries (a gather by ``tri`` cost four times as much)
    ky = T[0:3] * y
    lo, hi = ky + T[3:6], ky + T[6:9]
    x0 = np.ceil(np.maximum(np.maximum(np.maximum(lo[0], lo[1]), np.maximum(lo[2], T[9])), 0))
    x1 = np.floor(np.minimum(np.minimum(hi[0], hi[1]), np.minimum(hi[2], T[10])))
    n = np.maximum(x1 - x0 + 1, 0).astype(np.int64)
    ends = np.cumsum(n)
    if ends[-1]:
        first = np.repeat(start, rows) + y * np.repeat(width, rows) + x0.astype(np.int64)
        np.maximum.at(buf, np.arange(ends[-1]) + np.repeat(first - (ends - n), n), np.repeat(tri, n))
    return buf


def inverse_affines(P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Per triangle, the affine map from its deformed corners ``P`` [M, 3, 2] back to its rest corners ``Q``,
    as rows (a, b, c, d, e, f): u = a x + b y + c, v = d x + e y + f. Collapsed triangles map to their rest
    centroid."""
    # each coordinate as a contiguous row: the arithmetic below on strided [M] views cost several times as much
    px0, py0, px1, py1, px2, py2 = np.asarray(P, np.float64).reshape(len(P), 6).T.copy()
    qx0, qy0, qx1, qy1, qx2, qy2 = np.asarray(Q, np.float64).reshape(len(Q), 6).T.copy()
    e1x, e1y, e2x, e2y = px1 - px0, py1 - py0, px2 - px0, py2 - py0
    f1x, f1y, f2x, f2y = qx1 - qx0, qy1 - qy0, qx2 - qx0, qy2 - qy0
    det = e1x * e2y - e1y * e2x
    ok = np.abs(det) > 1e-6
    inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    i00, i01, i10, i11 = e2y * inv, -e2x * inv, -e1y * inv, e1x * inv
    a = f1x * i00 + f2x * i10
    b = f1x * i01 + f2x * i11
    d = f1y * i00 + f2y * i10
    e = f1y * i01 + f2y * i11
    c = np.where(ok, qx0 - a * px0 - b * py0, (qx0 + qx1 + qx2) / 3.0)
    f = np.where(ok, qy0 - d * px0 - e * py0, (qy0 + qy1 + qy2) / 3.0)
    return np.stack([a, b, c, d, e, f], axis=1)


# a triangle whose map back to the rest image stretches this much (a coefficient of its inverse) is a sliver: the
# cells counted to it by the margin are kept within its rest box (:func:`source_maps`)
STEEP = 4.0


def source_maps(rest: np.ndarray, posed: np.ndarray, triangles: np.ndarray, box: tuple[int, int, int, int],
                order: np.ndarray | None = None, step: int = 2, keep_outside: bool = True
                ) -> tuple[np.ndarray, np.ndarray]:
    """(map_x, map_y) float32 [h, w] for ``cv2.remap``: for each pixel of ``box`` = (x0, y0, x1, y1), where it
    comes from in the rest image. ``rest``/``posed`` [N, 2] vertex positions in the same pixel frame;
    ``order`` the triangles to draw, back to front (default: all, in index order). Pixels no triangle covers
    keep their place (``keep_outside``) or map far off the texture (transparent with a constant border)."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    F = int(step)
    hw, hh = (bw + F - 1) // F + 1, (bh + F - 1) // F + 1
    drawn = triangles if order is None else triangles[np.asarray(order)]
    K = len(drawn)
    ranks = paint_ranks(((posed - np.array([x0, y0]) - (F - 1) / 2.0) / F)[drawn], np.full(K, hw), np.full(K, hh),
                        np.zeros(K, np.int64), hh * hw)
    coef = np.empty((K + 1, 6), np.float32)  # by rank; the last row (taken by rank -1) where no triangle lands
    coef[:K] = inverse_affines(posed[drawn], rest[drawn])  # (it reads them as float64 rows itself)
    coef[K] = (1, 0, 0, 0, 1, 0) if keep_outside else (0, 0, -1e5, 0, 0, -1e5)
    # per coefficient a contiguous [hh, hw] plane (arithmetic on the strided planes of one [hh, hw, 6] gather, and
    # a temporary per step, cost a third more), the same floats in the same order
    c = np.take(np.ascontiguousarray(coef.T), ranks.reshape(hh, hw), axis=1)
    xs = (x0 + (F - 1) / 2.0 + F * np.arange(hw, dtype=np.float32))[None, :]
    ys = (y0 + (F - 1) / 2.0 + F * np.arange(hh, dtype=np.float32))[:, None]
    mapx = c[0] * xs
    mapx += c[1] * ys
    mapx += c[2]
    mapy = c[3] * xs
    mapy += c[4] * ys
    mapy += c[5]
    # a cell counted to a triangle by the margin lies just outside it, and a sliver of a triangle (an opening
    # mouth's corner, TikTok clip 0's frame 144) carries it thousands of pixels off the texture through its steep
    # inverse map: a transparent hole in the face (and a cell's map is interpolated with its neighbours', so such
    # a hole spreads a few pixels). Such a triangle's cells stay within its rest box, grown by a cell (checked
    # only where there are such triangles: most frames have none, and the check costs a fifth of the warp)
    steep = np.abs(coef[:K, [0, 1, 3, 4]]).max(axis=1) > STEEP
    if steep.any():
        bounds = np.empty((K + 1, 4), np.float32)  # x low, y low, x high, y high, by rank
        bounds[:] = (-np.inf, -np.inf, np.inf, np.inf)
        corners = rest[drawn][steep]
        bounds[:K][steep, :2] = corners.min(axis=1) - F
        bounds[:K][steep, 2:] = corners.max(axis=1) + F
        lim = np.take(np.ascontiguousarray(bounds.T), ranks.reshape(hh, hw), axis=1)
        np.clip(mapx, lim[0], lim[2], out=mapx)
        np.clip(mapy, lim[1], lim[3], out=mapy)
    if F > 1:
        mapx = cv2.resize(mapx, (F * hw, F * hh), interpolation=cv2.INTER_LINEAR)
        mapy = cv2.resize(mapy, (F * hw, F * hh), interpolation=cv2.INTER_LINEAR)
    mapx, mapy = mapx[:bh, :bw], mapy[:bh, :bw]
    return mapx, mapy


def warp_patch(texture: np.ndarray, rest: np.ndarray, posed: np.ndarray, triangles: np.ndarray,
               box: tuple[int, int, int, int], order: np.ndarray | None = None, step: int = 2) -> np.ndarray:
    """The ``box`` of ``texture`` (HxWxC uint8) after moving the mesh's vertices from ``rest`` to ``posed``
    (texture pixels). Returns a new [h, w, C] array; ``texture`` is not changed."""
    mapx, mapy = source_maps(rest, posed, triangles, box, order, step)
    return cv2.remap(texture, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


# frames whose meshes an animator poses at once, ahead of warping them (per frame, numpy's call overhead was most of
# the cost; a block's arrays are a few hundred kB)
FRAMES_AT_ONCE = 32


class WarpMemo:
    """What each patch an animator warps was last warped from, so a patch whose mesh has not moved since is
    not warped again: the animator's texture still holds exactly that patch (bit for bit the same frame; held
    hands and faces, where the actor's is not seen, cost nothing). The result stays a function of the frame
    index alone, as drawing on several threads needs. Valid only while nothing else writes over the patch:
    each drawing thread's animators have their own memo with their own texture copy (``copy.deepcopy``)."""

    def __init__(self) -> None:
        self._last: dict[object, bytes] = {}

    def same(self, key: object, *inputs: np.ndarray) -> bool:
        """Whether the patch ``key`` was last warped from exactly ``inputs`` (all that decides it); records
        them otherwise."""
        sig = b"".join(np.ascontiguousarray(a).tobytes() for a in inputs)
        if self._last.get(key) == sig:
            return True
        self._last[key] = sig
        return False

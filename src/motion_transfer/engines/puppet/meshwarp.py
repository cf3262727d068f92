"""Piecewise-affine warp of a texture patch by a triangle mesh (the face's and the fingers' fine deformation).

The warp runs backwards, as drawing does: every pixel of the patch is painted with the index of the deformed
triangle that covers it (``cv2.fillConvexPoly`` on a grid ``step`` times coarser, in the order given, so later
triangles cover earlier ones where the mesh folds), gets its source position through that triangle's inverse
affine map, and ``cv2.remap`` samples the texture there. Pixels no triangle covers keep their own colour.
Only the patch's box is touched, so the cost follows the face's or hand's size, not the frame's.
"""
from __future__ import annotations

import cv2
import numpy as np

SUB = 4  # fillConvexPoly sub-pixel bits


def inverse_affines(P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Per triangle, the affine map from its deformed corners ``P`` [M, 3, 2] back to its rest corners ``Q``,
    as rows (a, b, c, d, e, f): u = a x + b y + c, v = d x + e y + f. Collapsed triangles map to their rest
    centroid."""
    e1, e2 = P[:, 1] - P[:, 0], P[:, 2] - P[:, 0]
    f1, f2 = Q[:, 1] - Q[:, 0], Q[:, 2] - Q[:, 0]
    det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    ok = np.abs(det) > 1e-6
    inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    i00, i01, i10, i11 = e2[:, 1] * inv, -e2[:, 0] * inv, -e1[:, 1] * inv, e1[:, 0] * inv
    a = f1[:, 0] * i00 + f2[:, 0] * i10
    b = f1[:, 0] * i01 + f2[:, 0] * i11
    d = f1[:, 1] * i00 + f2[:, 1] * i10
    e = f1[:, 1] * i01 + f2[:, 1] * i11
    qc = Q.mean(axis=1)
    c = np.where(ok, Q[:, 0, 0] - a * P[:, 0, 0] - b * P[:, 0, 1], qc[:, 0])
    f = np.where(ok, Q[:, 0, 1] - d * P[:, 0, 0] - e * P[:, 0, 1], qc[:, 1])
    return np.stack([a, b, c, d, e, f], axis=1)


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
    ids = np.full((hh, hw), -1.0, np.float32)
    pts = np.round((posed - np.array([x0, y0]) - (F - 1) / 2.0) * ((1 << SUB) / F)).astype(np.int32)[triangles]
    fill = cv2.fillConvexPoly
    draw = np.arange(len(triangles)) if order is None else np.asarray(order)
    for corners, i in zip(list(pts[draw]), draw.astype(np.float64).tolist()):  # plain values: less per call
        fill(ids, corners, i, cv2.LINE_8, SUB)
    idx = ids.astype(np.int32)
    M = len(triangles)
    idx[idx < 0] = M
    coef = np.empty((M + 1, 6), np.float32)
    coef[:M] = inverse_affines(posed[triangles].astype(np.float64), rest[triangles].astype(np.float64))
    coef[M] = (1, 0, 0, 0, 1, 0) if keep_outside else (0, 0, -1e5, 0, 0, -1e5)
    c = np.take(coef, idx, axis=0)
    xs = (x0 + (F - 1) / 2.0 + F * np.arange(hw, dtype=np.float32))[None, :]
    ys = (y0 + (F - 1) / 2.0 + F * np.arange(hh, dtype=np.float32))[:, None]
    mapx = c[:, :, 0] * xs + c[:, :, 1] * ys + c[:, :, 2]
    mapy = c[:, :, 3] * xs + c[:, :, 4] * ys + c[:, :, 5]
    mapx = cv2.resize(mapx, (F * hw, F * hh), interpolation=cv2.INTER_LINEAR)[:bh, :bw]
    mapy = cv2.resize(mapy, (F * hw, F * hh), interpolation=cv2.INTER_LINEAR)[:bh, :bw]
    return mapx, mapy


def warp_patch(texture: np.ndarray, rest: np.ndarray, posed: np.ndarray, triangles: np.ndarray,
               box: tuple[int, int, int, int], order: np.ndarray | None = None, step: int = 2) -> np.ndarray:
    """The ``box`` of ``texture`` (HxWxC uint8) after moving the mesh's vertices from ``rest`` to ``posed``
    (texture pixels). Returns a new [h, w, C] array; ``texture`` is not changed."""
    mapx, mapy = source_maps(rest, posed, triangles, box, order, step)
    return cv2.remap(texture, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


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

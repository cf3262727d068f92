"""The slivers of Delaunay's hull along a layer mesh's outline, which the renderer does not draw.

Along a straight stretch of a layer's outline the mesh's points lie all but in a line, and Delaunay closes the
dents of the mask's staircase with triangles a fraction of a pixel thick whose centres lie on the mask (so
:func:`.mesh.triangulate` keeps them). Posed, their corners follow the bones a little differently; squeezed to
nothing across, their maps read the layer's texture from inside the outline into the pixels just outside it, and
the renderer carries a border triangle's map out past its edge: a dotted line of specks in the layer's colour along
its outline (half-length TikTok character 4's sleeve carried past the picture's left border, the mannequin dance,
frames 19-23 and 73-83). Left out, the neighbouring triangles' maps are carried out over their place instead, onto the
texture's own soft edge. They stay in the mesh (its weights and setups are made with them).

Only a sliver whose longest edge is on the outline is one (the hull's edge across a dent), and only while all of
it lies within SLIVER of the outline at rest. Peeled round by round without these (one peeled can bare the next of
a fan closing a long dent), the rule took a quarter of a drawn girl's body triangles: thin triangles spread from
one point of the outline, a wedge far wider than any of them, and the thin column of a lock's acute corner; a hole
of the wall opened beside the lock gone down with her head, and its corner was cut square. A sliver inside the
mesh is not one: both its sides are drawn, and left out it would open a crack.
"""
from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

SLIVER = 1.0  # (pixels) a triangle on a mesh's outline thinner than this, all within this of the outline at rest
STEP = 0.25  # (pixels) the outline at rest is measured from points this far apart along it
SAMPLES = 16  # points along each of a sliver's edges measured from the outline (it is thinner than SLIVER)


def _on_outline(tri: np.ndarray) -> np.ndarray:
    """[M, 3] bool: whether edge k of each triangle (corner k to corner k + 1) is on the outline of the mesh made of
    the triangles ``tri`` (no other triangle has it)."""
    edges = np.sort(np.stack([tri, np.roll(tri, -1, axis=1)], axis=2).reshape(-1, 2), axis=1)
    _, at, count = np.unique(edges, axis=0, return_inverse=True, return_counts=True)
    return (count[at.reshape(-1)] == 1).reshape(-1, 3)


def _along(a: np.ndarray, b: np.ndarray, count: np.ndarray | int) -> np.ndarray:
    """[sum of count, 2] points from each ``a`` [K, 2] towards ``b`` (``count`` of each, ``a`` included)."""
    count = np.broadcast_to(np.asarray(count), (len(a),))
    which = np.repeat(np.arange(len(a)), count)
    share = np.arange(len(which)) - np.repeat(np.cumsum(count) - count, count)
    return a[which] + (share / count[which])[:, None] * (b[which] - a[which])


def outline_slivers(P: np.ndarray, tri: np.ndarray) -> np.ndarray:
    """[M] bool: the slivers along the outline of the mesh with vertices ``P`` [N, 2] and triangles ``tri`` [M, 3]
    (see the module): under SLIVER pixels thick across its longest edge, that edge on the outline, peeled round by
    round while the triangle peeled lies within SLIVER of the outline at rest."""
    out = np.zeros(len(tri), bool)
    if not len(tri):
        return out
    P = P.astype(np.float64)
    rest = _on_outline(tri)
    a, b = P[tri[rest]], P[np.roll(tri, -1, axis=1)[rest]]
    outline = cKDTree(_along(a, b, np.maximum(1, np.ceil(np.linalg.norm(b - a, axis=1) / STEP)).astype(int)))
    while True:
        live = np.flatnonzero(~out)
        t = tri[live]
        corners = P[t]
        span = np.linalg.norm(np.roll(corners, -1, axis=1) - corners, axis=2)
        d1, d2 = corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]
        thick = np.abs(d1[:, 0] * d2[:, 1] - d1[:, 1] * d2[:, 0]) / np.maximum(span.max(axis=1), 1e-9)
        # (across its longest edge: a thin triangle with a short edge on the outline is a fan's, or a corner's)
        across = (_on_outline(t) & (span >= span.max(axis=1, keepdims=True))).any(axis=1)
        peel = np.flatnonzero((thick < SLIVER) & across)
        if len(peel):
            edge_a = corners[peel].reshape(-1, 2)
            edge_b = np.roll(corners[peel], -1, axis=1).reshape(-1, 2)
            far, _ = outline.query(_along(edge_a, edge_b, SAMPLES))
            peel = peel[far.reshape(len(peel), -1).max(axis=1) < SLIVER]
        if not len(peel):
            return out
        out[live[peel]] = True

"""The drape's hidden middle: a cape behind the legs and the body painted in, in the cape's own shading.

The legs and the body stand in front of a cape; once the legs swing apart, what they hid shows. It is painted from
the cape's pixels around it, as a membrane stretched between them (each hidden pixel the mean of its neighbours):
the shading of the cape's two sides meets in the middle, with no block of one flat colour and no straight step
where the legs' outlines stood.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import spsolve

from .fill import push_pull_fill
from .model import LEG_PARTS, PARTS

DRAPE_RIM = 0.006  # (of the image's long side) the drape's pixels this near what hid it are painted, not read
# (of the long side) how far beyond a leg's labels its drawn edge may still lie in the drape's: its shaded side and
# outline, read as dark lines down the cape once the leg moved
EDGE_REACH = 0.02
EDGE_STEP = 6.0  # (Lab per pixel) a colour step this steep is a drawn edge, not the cape's shading
SOLID = 0.85  # the drape's pixels the painting is drawn from are at least this solid in the matte
SOLID_INSIDE = 0.006  # (of the long side) the drape's matte is whole this far inside the figure


def fill_hidden_drape(image: np.ndarray, labels: np.ndarray, matte: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(image with the drape hidden behind the legs and the body painted in, the mask of the painted pixels).

    Hidden: the figure's pixels inside the drape's convex outline (a cape's middle behind the legs, between its
    two sides) that the drape does not show, but the head; a foot's only between the drape's pixels in its row
    (the hem goes on under the shoes, and a cape ends there: no blob of it below its hem where a shoe stood).
    The drape's pixels along what hides it are painted too, not read: they hold the legs' outlines and the shoes'
    edges, which stood as dark lines down the cape and red arcs at its hem once the legs swung apart (the cartoon
    girl's cape); so are the drawn edges beyond them that a leg's labels missed (:func:`_drawn_edges`)."""
    drape = labels == PARTS.index("drape")
    if drape.sum() < 20:
        return image, np.zeros_like(drape)
    ys, xs = np.nonzero(drape)
    hull = cv2.convexHull(np.stack([xs, ys], axis=1).astype(np.int32))
    outline = np.zeros(drape.shape, np.uint8)
    cv2.fillConvexPoly(outline, hull, 1)
    behind = outline.astype(bool) & ~drape & (matte > 0.5) & (labels != PARTS.index("head"))
    feet = np.isin(labels, [PARTS.index("l_foot"), PARTS.index("r_foot")])
    hidden = behind & ~feet
    if not hidden.any():
        return image, hidden
    long_side = max(drape.shape)
    legs = np.isin(labels, [PARTS.index(p) for side in ("left", "right") for p in LEG_PARTS[side]])
    rim_px = max(1, round(DRAPE_RIM * long_side))
    near = cv2.dilate((hidden | legs).astype(np.uint8), None, iterations=rim_px)
    rim = drape & near.astype(bool)
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    rim |= _drawn_edges(lab, drape & ~rim, hidden | rim, max(1, round(EDGE_REACH * long_side)))
    known = drape & ~rim & (matte >= SOLID)  # (the figure's soft edge is half background: a pale smear inward)
    painted = hidden | rim | (behind & feet & _between(drape, hidden | (behind & feet)))
    texture = push_pull_fill(image, painted, known=known)
    return _membrane(texture, painted, known), painted


def solid_drape_matte(matte: np.ndarray) -> np.ndarray:
    """The matte with its dips inside the figure (farther than ``SOLID_INSIDE`` from its outline) filled: where
    pieces grown onto the person mask meet, the matte sags in thin loops, and on the drape, drawn over the
    background, they read as pale specks scattered over the cape (the cartoon girl's)."""
    inside = cv2.distanceTransform((matte > 0.5).astype(np.uint8), cv2.DIST_L2, 5)
    return np.where(inside > SOLID_INSIDE * max(matte.shape), 1.0, matte).astype(matte.dtype)


def _drawn_edges(lab: np.ndarray, drape: np.ndarray, painted: np.ndarray, reach: int) -> np.ndarray:
    """The ``drape`` pixels within ``reach`` of the ``painted`` ones that belong to a drawn edge joined to them:
    steep colour steps (``EDGE_STEP``) connected to the painted pixels through one another, and the pixels between
    (what lies nearer the painted pixels than the edge in its row or column is the leg's shaded side)."""
    step = np.sqrt(sum(cv2.Sobel(lab[:, :, c], cv2.CV_32F, 1, 0) ** 2 + cv2.Sobel(lab[:, :, c], cv2.CV_32F, 0, 1) ** 2
                       for c in range(3))) / 8.0
    dist = cv2.distanceTransform((~painted).astype(np.uint8), cv2.DIST_L2, 5)
    steep = drape & (step > EDGE_STEP) & (dist <= reach)
    touch = cv2.dilate(painted.astype(np.uint8), None, iterations=2).astype(bool)
    pieces, _ = ndimage.label(steep | painted, structure=np.ones((3, 3)))
    edges = steep & np.isin(pieces, np.unique(pieces[touch & steep]))
    if not edges.any():
        return edges
    # out to the edge's far side: the pixels no farther from the painted ones than the edge pixels beside them
    far = ndimage.maximum_filter(np.where(edges, dist, 0.0), size=2 * reach + 1)
    return drape & (dist <= far + 1.0) & cv2.dilate(edges.astype(np.uint8), None, iterations=reach).astype(bool)


def _between(side: np.ndarray, open_: np.ndarray) -> np.ndarray:
    """The pixels with a ``side`` pixel on each side in their row, reached through ``open_`` pixels only."""
    h, w = side.shape
    cols = np.broadcast_to(np.arange(w), (h, w))
    left = np.maximum.accumulate(np.where(side, cols, -1), axis=1)
    right = np.minimum.accumulate(np.where(side, cols, w)[:, ::-1], axis=1)[:, ::-1]
    blocked = np.cumsum(~(side | open_), axis=1)
    rows = np.arange(h)[:, None]
    li, ri = np.clip(left, 0, w - 1), np.clip(right, 0, w - 1)
    return (left >= 0) & (right < w) & (blocked[rows, ri] == blocked[rows, li])


def _membrane(image: np.ndarray, hole: np.ndarray, known: np.ndarray) -> np.ndarray:
    """``image`` with each piece of ``hole`` that meets ``known`` pixels painted as a membrane between them (the
    discrete Laplace equation: every pixel the mean of its neighbours in the hole or known; the others do not
    pull). A piece that meets none keeps what ``image`` holds there."""
    h, w = hole.shape
    ys, xs = np.nonzero(hole)
    box = (slice(max(0, ys.min() - 1), min(h, ys.max() + 2)), slice(max(0, xs.min() - 1), min(w, xs.max() + 2)))
    sub, kn = np.pad(hole[box], 1), np.pad(known[box], 1)
    colour = np.pad(image[box].astype(np.float64), ((1, 1), (1, 1), (0, 0)))
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    pieces, _ = ndimage.label(sub)
    sub &= np.isin(pieces, np.unique(pieces[cv2.dilate(kn.astype(np.uint8), cross).astype(bool) & sub]))
    if not sub.any():
        return image
    index = np.full(sub.shape, -1, np.int64)
    index[sub] = np.arange(int(sub.sum()))
    py, px = np.nonzero(sub)
    n = len(py)
    rows, cols, degree, rhs = [], [], np.zeros(n), np.zeros((n, 3))
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        qy, qx = py + dy, px + dx
        inner, outer = sub[qy, qx], kn[qy, qx]
        degree += inner | outer
        rows.append(np.nonzero(inner)[0])
        cols.append(index[qy[inner], qx[inner]])
        rhs[outer] += colour[qy[outer], qx[outer]]
    r, c = np.concatenate(rows), np.concatenate(cols)
    a = coo_matrix((np.concatenate([degree, -np.ones(len(r))]), (np.concatenate([np.arange(n), r]),
                                                                  np.concatenate([np.arange(n), c]))),
                   shape=(n, n)).tocsc()
    solved = spsolve(a, rhs).reshape(n, -1)
    out = image.copy()
    out[py - 1 + box[0].start, px - 1 + box[1].start] = np.clip(solved + 0.5, 0, 255).astype(image.dtype)
    return out

"""Pockets of the backdrop the person mask keeps as figure: off the matte.

The person mask closes over the backdrop in places: TikTok character 1's lilac wedge of wall under the jaw,
between the chin and the neck, and character 0's grey wall between the strands of hair down her cheek and her
face, each 10-20 pixels wide. Kept as figure they were carried with the head as it moved, a pale patch of the old
wall stuck to the jaw or the cheek. They are not the outline's blend (no unmixing takes them) and are no piece of
a busy backdrop that GrabCut tells by colour (:func:`.matte.without_backdrop`: on its small copy the wedge is a
few pixels, blended with the jaw). Here they are peeled from the backdrop's side inward, at full size: a pixel of
the figure near its outline goes while its colour stays the backdrop colour it was reached from (that colour is
carried along, so the peel cannot drift through a gradient into the skin); what was peeled holding a disc of
``CORE`` (thinner: the outline's own soft rim, which stays) and in colours the figure around it does not show
(``GOES_IN``: a white top against a white wall, character 5's blouse, peels as readily as a wall) leaves the matte,
its edge rising over ``matte.CUT_FADE``.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from .matte import CUT_FADE, shared_colours
from .morphology import disc, grow_box, grown_box

DEPTH = 0.2  # (shoulder widths) how deep from the matte's outline a pocket may reach
ALIKE = 10.0  # (CIE Lab, 8-bit) a pixel this near the backdrop colour it was reached from is the backdrop's
CORE = 0.02  # (shoulder widths) a pocket holds a disc this wide in radius (thinner: the outline's soft rim)
CLEAR = 4  # (pixels) the figure around a pocket, compared with it, lies this far from the outline and the peel
GOES_IN = 0.5  # a pocket whose colours the figure around it shows this much is the figure's own
STEPS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]


def _peeled(lab: np.ndarray, backdrop: np.ndarray, reach: np.ndarray, steps: int) -> np.ndarray:
    """The pixels of ``reach`` (HxW bool) connected to ``backdrop`` through pixels each within ALIKE of the
    backdrop colour its neighbour was reached from (``lab`` HxWx3 float32); at most ``steps`` pixels in. Grown
    from the pixels peeled last only (a pixel once tested against a neighbour's colour fails it again), each
    direction's new pixels reaching on in the next directions of the same step."""
    h, w = backdrop.shape
    peeled = backdrop.copy()
    ref = np.where(backdrop[..., None], lab, 0.0).astype(np.float32)
    ys, xs = np.nonzero(backdrop & cv2.dilate(reach.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool))
    for _ in range(steps):
        if not len(ys):
            break
        new_y, new_x = [], []
        for dy, dx in STEPS:
            sy, sx = np.concatenate([ys, *new_y]), np.concatenate([xs, *new_x])
            ty, tx = sy + dy, sx + dx
            inside = (ty >= 0) & (ty < h) & (tx >= 0) & (tx < w)
            sy, sx, ty, tx = sy[inside], sx[inside], ty[inside], tx[inside]
            open_ = reach[ty, tx] & ~peeled[ty, tx]
            sy, sx, ty, tx = sy[open_], sx[open_], ty[open_], tx[open_]
            colour = ref[sy, sx]
            ok = np.linalg.norm(lab[ty, tx] - colour, axis=1) < ALIKE
            ty, tx = ty[ok], tx[ok]
            peeled[ty, tx] = True
            ref[ty, tx] = colour[ok]
            new_y.append(ty)
            new_x.append(tx)
        ys, xs = np.concatenate(new_y), np.concatenate(new_x)
    return peeled


def pockets_off(matte: np.ndarray, labels: np.ndarray, image: np.ndarray,
                shoulder_width: float) -> tuple[np.ndarray, np.ndarray]:
    """(``matte``, ``labels``) less the pockets of the backdrop the matte holds (see the module): their pixels are
    no part's and out of the matte. ``matte`` HxW float32 0..1, ``labels`` HxW part indices (-1 none), ``image``
    RGB of the same size; unchanged where there is none."""
    solid = matte >= 0.5
    depth = cv2.distanceTransform(solid.astype(np.uint8), cv2.DIST_L2, 5)
    deep = DEPTH * shoulder_width
    reach = ~solid | (depth <= deep)
    box = grown_box(solid & (depth <= deep), 2)
    if box is None:
        return matte, labels
    lab = cv2.cvtColor(cv2.GaussianBlur(image, (0, 0), 1.0), cv2.COLOR_RGB2LAB).astype(np.float32)
    away = cv2.distanceTransform((~solid).astype(np.uint8), cv2.DIST_L2, 5)
    backdrop = ~solid & (matte < 0.05) & (away >= 2)  # (past the outline's blend)
    got = np.zeros_like(solid)
    got[box] = _peeled(lab[box], backdrop[box], reach[box] & ~backdrop[box], int(deep) + 4) & solid[box]
    r = max(1, round(CORE * shoulder_width))
    core = cv2.morphologyEx(got.astype(np.uint8), cv2.MORPH_OPEN, disc(r)).astype(bool)
    pieces, n = ndimage.label(core)
    if n == 0:
        return matte, labels
    clear = cv2.distanceTransform((~got).astype(np.uint8), cv2.DIST_L2, 5) > CLEAR
    gone = np.zeros_like(solid)
    for i, piece_box in enumerate(ndimage.find_objects(pieces), start=1):
        around = grow_box(piece_box, int(deep), solid.shape)
        piece = pieces[around] == i
        near = cv2.distanceTransform((~piece).astype(np.uint8), cv2.DIST_L2, 5) <= deep
        figure = near & solid[around] & (depth[around] > CLEAR) & clear[around]
        if shared_colours(lab[around][piece], lab[around][figure]) <= GOES_IN:
            gone[around] |= piece
    if not gone.any():
        return matte, labels
    gone = cv2.dilate(gone.astype(np.uint8), disc(r)).astype(bool) & got  # (the pocket's rim the opening left)
    # (with the soft rim of the matte's outline along them: a blend of the wall with the wall, and of the shelf edge
    # beside the wedge, left at a third opaque it drew a dark dashed line under character 1's jaw)
    gone |= ~solid & cv2.dilate(gone.astype(np.uint8), disc(2 * r)).astype(bool)
    rise = np.minimum(cv2.distanceTransform((~gone).astype(np.uint8), cv2.DIST_L2, 5) / CUT_FADE, 1.0)
    return np.minimum(matte, rise).astype(np.float32), np.where(gone, -1, labels).astype(labels.dtype)


"""Parts outside the human plan: tails, ears, buns, long hair, capes, antennas, props.

A person mask knows nothing of a fox's tail, and a skeleton has no bone for it. Left alone, such a part is cut off
by the matte and stays behind in the filled background, or is split between the nearest limbs and torn apart when
they move. Here the matte is grown to take in what is attached to the figure and stands out from the background
around it, and every piece of the figure lying far from all of its body parts moves, whole, with the part it is
attached to.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from .fill import push_pull_fill
from .model import LAYER_NAMES, LAYER_OF_PART, LEG_PARTS, PARTS

GROW_LONG_SIDE = 384  # the matte is grown on a copy this large
# how far beyond the person mask an attached part may reach, in shoulder widths (a long tail, a cape's hem)
REACH = 1.6
# a pixel is outside the human plan when it lies this far (in shoulder widths) beyond every body part's surface
FAR = 0.12


def with_attached_parts(image: np.ndarray, matte: np.ndarray, shoulder_width: float) -> np.ndarray:
    """The matte (HxW float32 0..1) grown by what is attached to the figure and unlike the background near it.

    GrabCut separates colours: sure figure inside the mask, maybe figure on it, maybe background in a band
    around it (``REACH`` shoulder widths), sure background beyond. Only new pieces that touch the figure are kept,
    so a similar-coloured object nearby that does not touch it stays in the background."""
    H, W = matte.shape
    s = min(1.0, GROW_LONG_SIDE / max(H, W))
    w, h = max(8, round(W * s)), max(8, round(H * s))
    small = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
    hard = cv2.resize(matte, (w, h), interpolation=cv2.INTER_AREA) > 0.5
    if hard.sum() < 50:
        return matte
    reach = max(2, round(REACH * shoulder_width * s))
    near = cv2.dilate(hard.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                                      (2 * reach + 1, 2 * reach + 1))) > 0
    mask = np.full((h, w), cv2.GC_BGD, np.uint8)
    mask[near] = cv2.GC_PR_BGD
    mask[hard] = cv2.GC_PR_FGD
    mask[cv2.erode(hard.astype(np.uint8), None, iterations=2) > 0] = cv2.GC_FGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut seeds its colour models randomly: the same picture, the same answer
    cv2.grabCut(np.ascontiguousarray(small[:, :, ::-1]), mask, None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
    grown = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD))
    grown = cv2.morphologyEx(grown.astype(np.uint8), cv2.MORPH_OPEN, None).astype(bool) | hard
    lab, _ = ndimage.label(grown)
    keep = np.isin(lab, np.unique(lab[hard]))
    added = keep & ~hard
    if not added.any():
        return matte
    add = cv2.resize(added.astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    # an edge-aware border for the new pieces, as the rest of the matte has
    r = max(2, round(0.004 * max(H, W)))
    add = cv2.ximgproc.guidedFilter(image.astype(np.float32) / 255.0, add, r, 1e-4)
    return np.maximum(matte, np.clip((add - 0.5) * 2.0 + 0.5, 0.0, 1.0)).astype(np.float32)


def attach_extras(labels: np.ndarray, nearest: np.ndarray, figure: np.ndarray, shoulder_width: float,
                  image: np.ndarray | None = None, core: np.ndarray | None = None) -> np.ndarray:
    """Part labels where every piece of the figure far from all body parts belongs, whole, to one part.

    ``labels`` HxW part indices; ``nearest`` HxW each pixel's distance beyond the nearest part's surface (px,
    negative inside); ``figure`` HxW bool; ``image`` HxWx3 RGB of the same size; ``core`` HxW the layer index of
    the pixels that are certainly a limb (its axis; -1 elsewhere). A piece starts as the pixels farther than
    ``FAR`` shoulder widths from every part and, with ``image``, takes in the connected pixels nearer the body,
    yet outside every part's usual width or inside a leg's but off its axis, that have its colour rather than
    their part's (the rest of a cape beside and between the legs, the base of a tail; never the hair on a head,
    never a limb's own axis, never an arm or a foot). It goes to the part it is attached to, the one most of its
    rim touches (a tail to the hip it grows from), else the nearest; a piece touching the head goes to the head
    (ears, a bun, hair), and one beside the legs touching the torso or both legs (a cape) hangs from the body:
    it becomes the ``drape``, a layer of its own that moves with the trunk and is drawn behind the legs. One
    piece in one part: it cannot be torn between two limbs, and it moves with that part's bone."""
    far = figure & (nearest > FAR * shoulder_width)
    pieces, n = ndimage.label(far, structure=np.ones((3, 3)))
    if n == 0:
        return labels
    if image is not None:  # grown pieces that meet (a tail's tip and its base beside a leg) become one
        lab_img = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
        core = np.full(labels.shape, -1, np.int16) if core is None else core
        legs = [PARTS.index(p) for side in ("left", "right") for p in LEG_PARTS[side][:2]]
        limb = np.isin(labels, legs) & (core < 0)
        open_ = figure & ~far & ((nearest > 0) | limb)
        colours = _part_colours(labels, lab_img, figure & ~far & (nearest > 0), core)
        grown = far.copy()
        for i in range(1, n + 1):
            grown |= _grow_by_colour(pieces == i, labels, open_, lab_img, colours)
        pieces, n = ndimage.label(grown, structure=np.ones((3, 3)))
    out = labels.copy()
    for i in range(1, n + 1):
        piece = pieces == i
        rim = cv2.dilate(piece.astype(np.uint8), None, iterations=2).astype(bool) & figure & ~piece & (labels >= 0)
        votes = labels[rim] if rim.any() else labels[piece & (labels >= 0)]
        if len(votes):
            out[piece] = _attached_to(votes)
    return out


SHARED_RIM = 0.1  # a second layer (or the head) holding this share of a piece's rim decides where it hangs


def _attached_to(votes: np.ndarray) -> int:
    """The part a piece belongs to, from the parts its rim touches (``votes``, part indices): the head when it
    touches the head; the drape when it hangs beside the legs from the body (it touches a leg and the torso or
    the other leg, hardly the arms); else the part it touches most."""
    share = np.bincount(votes, minlength=len(PARTS)) / len(votes)
    if share[PARTS.index("head")] >= SHARED_RIM:  # ears, a bun, hair: the head carries them
        return PARTS.index("head")
    layer = np.bincount(LAYER_OF_PART, weights=share, minlength=len(LAYER_NAMES))
    legs = layer[[LAYER_NAMES.index("leg_l"), LAYER_NAMES.index("leg_r")]]
    arms = layer[LAYER_NAMES.index("arm_l")] + layer[LAYER_NAMES.index("arm_r")]
    if legs.max() >= SHARED_RIM and max(share[PARTS.index("torso")], legs.min()) >= SHARED_RIM > arms:
        return PARTS.index("drape")
    return int(share.argmax())


def _part_colours(labels: np.ndarray, lab_img: np.ndarray, open_: np.ndarray, core: np.ndarray) -> np.ndarray:
    """[parts, 3] each part's colour (median, Lab): a limb's from its axis (a cape lying around a leg must not
    teach the leg its colour), the others' from their pixels outside every part's usual width."""
    out = np.zeros((len(PARTS), 3), np.float32)
    for k in np.unique(labels[labels >= 0]):
        axis = (labels == k) & (core == LAYER_OF_PART[k])
        where = axis if axis.sum() >= 20 else (labels == k) & open_
        if where.any():
            out[k] = np.median(lab_img[where], axis=0)
    return out


def _grow_by_colour(piece: np.ndarray, labels: np.ndarray, open_: np.ndarray, lab_img: np.ndarray,
                    part_colour: np.ndarray) -> np.ndarray:
    """``piece`` grown through the ``open_`` pixels connected to it whose colour is nearer the piece's own
    (median, Lab) than their part's (``part_colour``)."""
    own = np.median(lab_img[piece], axis=0)
    d_own = np.linalg.norm(lab_img - own, axis=2)
    d_part = np.linalg.norm(lab_img - part_colour[np.clip(labels, 0, None)], axis=2)
    like = open_ & (labels >= 0) & (d_own < 0.6 * d_part) & (d_own < 45.0)
    grown, _ = ndimage.label(like | piece, structure=np.ones((3, 3)))
    return np.isin(grown, np.unique(grown[piece])) & (like | piece)


def fill_hidden_drape(image: np.ndarray, labels: np.ndarray, matte: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(image with the drape hidden behind the legs and the body painted in, the mask of those pixels).

    Hidden: the figure's pixels inside the drape's convex outline (a cape's middle behind the legs, between its
    two sides) that the drape does not show, above the feet; painted from the drape's own pixels, so a leg
    swinging away shows the cape behind it, not a hole."""
    drape = labels == PARTS.index("drape")
    if drape.sum() < 20:
        return image, np.zeros_like(drape)
    ys, xs = np.nonzero(drape)
    hull = cv2.convexHull(np.stack([xs, ys], axis=1).astype(np.int32))
    outline = np.zeros(drape.shape, np.uint8)
    cv2.fillConvexPoly(outline, hull, 1)
    above = ~np.isin(labels, [PARTS.index(p) for p in ("head", "l_foot", "r_foot")])  # a cape ends above the feet
    hidden = outline.astype(bool) & ~drape & (matte > 0.5) & above
    if not hidden.any():
        return image, hidden
    return push_pull_fill(image, hidden, known=drape), hidden

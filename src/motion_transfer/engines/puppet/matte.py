"""The character's matte: which pixels are the character, with soft, edge-aware borders.

The image's own transparency when it has one; otherwise MediaPipe's person mask, or for flat-background art a
model of the border colour (whichever fits), or GrabCut seeded from the skeleton when neither finds it; cleaned
(the parts touching the skeleton, small holes filled; from the person mask, the pieces of the background it took
in along its outline) and given soft borders with a guided filter.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
from scipy import ndimage

from ...pose.silhouette import Backdrop, border_alpha
from ...pose.skeleton import BODY_BONES, shoulder_span
from .model import torso_quad
from .morphology import disc, grow_box


def skeleton_mask(shape: tuple[int, int], joints: np.ndarray, vis: np.ndarray, thickness: int) -> np.ndarray:
    """The skeleton's bones drawn ``thickness`` wide and the torso filled: pixels certainly on the character."""
    m = np.zeros(shape, np.uint8)
    for a, b in BODY_BONES:
        if vis[a] > 0.3 and vis[b] > 0.3:
            cv2.line(m, tuple(int(v) for v in joints[a]), tuple(int(v) for v in joints[b]), 1, thickness)
    cv2.fillConvexPoly(m, torso_quad(joints).astype(np.int32), 1)
    return m.astype(bool)


def _grabcut(image: np.ndarray, joints: np.ndarray, vis: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    mask = np.full((h, w), cv2.GC_PR_BGD, np.uint8)
    sk = skeleton_mask((h, w), joints, vis, max(2, round(0.01 * max(h, w))))
    near = cv2.dilate(sk.astype(np.uint8), None, iterations=max(3, round(0.06 * max(h, w))))
    mask[near > 0] = cv2.GC_PR_FGD
    mask[sk] = cv2.GC_FGD
    b = max(2, round(0.01 * min(h, w)))
    mask[:b], mask[-b:], mask[:, :b], mask[:, -b:] = cv2.GC_BGD, cv2.GC_BGD, cv2.GC_BGD, cv2.GC_BGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(np.ascontiguousarray(image[:, :, ::-1]), mask, None, bgd, fgd, 4, cv2.GC_INIT_WITH_MASK)
    return np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.float32)


def clean_mask(hard: np.ndarray, seeds: np.ndarray, near: int = 0) -> np.ndarray:
    """Keep the parts that touch the skeleton (or the largest), and those within ``near`` pixels of them; fill
    holes smaller than 0.3% of the area."""
    lab, n = ndimage.label(hard)
    if n == 0:
        return hard
    touching = np.unique(lab[seeds & hard])
    touching = touching[touching > 0]
    if len(touching) == 0:
        sizes = ndimage.sum(hard, lab, range(1, n + 1))
        touching = np.array([1 + int(np.argmax(sizes))])
    keep = np.isin(lab, touching)
    if near > 0 and n > len(touching):
        close = lab[cv2.dilate(keep.astype(np.uint8), disc(near)).astype(bool) & hard]
        keep |= np.isin(lab, close[close > 0])
    holes = ndimage.binary_fill_holes(keep) & ~keep
    hl, hn = ndimage.label(holes)
    if hn:
        sizes = ndimage.sum(holes, hl, range(1, hn + 1))
        small = np.flatnonzero(sizes < 0.003 * keep.sum()) + 1
        keep |= np.isin(hl, small)
    return keep


APART = 0.015  # (of the long side) drawn art's pieces this close to the figure are the figure's
WORK_SIDE = 256  # the background's pieces are sought on a copy this large (long side)
BAND = 0.3  # how deep (shoulder widths) into the person mask a piece of the background may reach
PIECE_WIDTH = 0.02  # (shoulder widths) a piece thinner than twice this is the outline's blended rim, not a piece
# (pixels) the matte rises over this from a cut made in it after labelling (a sleeve's patch of sky, a pocket of
# the backdrop: :mod:`.rim_specks`, :mod:`.pockets`), about as over the matte's own outline
CUT_FADE = 2.0
ALIKE = 15.0  # colour distance (Lab) under which a piece's pixel has a colour found around it
GOES_ON = 0.6  # a piece this much of whose colours the background around it has is a piece of the background...
GOES_IN = 0.3  # ... unless the figure around it has this much of them too: the figure goes on in it


def without_backdrop(hard: np.ndarray, image: np.ndarray, seeds: np.ndarray, shoulder_width: float) -> np.ndarray:
    """The person mask ``hard`` (HxW bool) less the pieces of the background it took in along its outline.

    On a busy background MediaPipe's mask spills over the figure's edge in patches (the robot boxer's shoulder
    pads took in the purple and blue shapes behind them); labelled as the body, such a patch moved with the
    shoulder as a flapping fragment of the backdrop. GrabCut tells them by colour: sure figure deeper than
    ``BAND`` shoulder widths in the mask and on the skeleton (``seeds``), maybe figure the rest of the mask, sure
    background all around it (so it knows every colour of the backdrop, not only those next to the figure). What
    it gives the background is dropped where it is a piece (no thin rim of the outline) touching the outside,
    most of whose colours the background around it has (``GOES_ON``) and the figure around it has not
    (``GOES_IN``: dark hair before a dark wall goes on into the hair deeper in); a hole it finds inside the
    figure (eyes, a belt) is no piece of the background. ``image`` RGB of the same size."""
    H, W = hard.shape
    s = min(1.0, WORK_SIDE / max(H, W))
    w, h = max(8, round(W * s)), max(8, round(H * s))
    m = cv2.resize(hard.astype(np.uint8), (w, h), interpolation=cv2.INTER_AREA) > 0
    band = max(2, round(BAND * shoulder_width * s))
    core = cv2.erode(m.astype(np.uint8), disc(band)).astype(bool)
    if m.sum() < 50 or not core.any():
        return hard
    trimap = np.full((h, w), cv2.GC_BGD, np.uint8)
    trimap[m] = cv2.GC_PR_FGD
    on_skeleton = cv2.resize(seeds.astype(np.uint8), (w, h), interpolation=cv2.INTER_AREA) > 0
    trimap[core | (on_skeleton & m)] = cv2.GC_FGD
    small = np.ascontiguousarray(cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA))
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut seeds its colour models randomly: the same picture, the same answer
    cv2.grabCut(small[:, :, ::-1].copy(), trimap, None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
    off = m & np.isin(trimap, (cv2.GC_BGD, cv2.GC_PR_BGD))
    pieces, n = ndimage.label(cv2.morphologyEx(off.astype(np.uint8), cv2.MORPH_OPEN,
                                               disc(max(1, round(PIECE_WIDTH * shoulder_width * s)))),
                              structure=np.ones((3, 3)))
    if n == 0:
        return hard
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (0, 0), 1.0), cv2.COLOR_RGB2LAB).astype(np.float32)
    drop = np.zeros_like(m)
    for i, box in enumerate(ndimage.find_objects(pieces), start=1):
        box = grow_box(box, band, m.shape)
        piece = pieces[box] == i
        if not (cv2.dilate(piece.astype(np.uint8), None, iterations=2).astype(bool) & ~m[box]).any():
            continue  # a hole inside the figure
        around = cv2.dilate(piece.astype(np.uint8), disc(band)).astype(bool) & ~piece
        colours = lab[box][piece]
        if (shared_colours(colours, lab[box][around & ~m[box]]) > GOES_ON
                and shared_colours(colours, lab[box][around & m[box] & ~off[box]]) <= GOES_IN):
            drop[box] |= piece
    if not drop.any():
        return hard
    drop = cv2.resize(drop.astype(np.uint8), (W, H), interpolation=cv2.INTER_LINEAR) > 0
    return clean_mask(hard & (~drop | seeds), seeds)


def shared_colours(colours: np.ndarray, reference: np.ndarray, samples: int = 400) -> float:
    """The share of ``colours`` [N, 3] (Lab) within ALIKE of one of ``reference`` [M, 3] (fixed samples of
    both): a patch of a busy backdrop is of several colours, each found in the backdrop around it."""
    if len(colours) == 0 or len(reference) == 0:
        return 0.0
    rng = np.random.default_rng(0)
    if len(reference) > samples:
        reference = reference[rng.choice(len(reference), samples, replace=False)]
    if len(colours) > 4 * samples:
        colours = colours[rng.choice(len(colours), 4 * samples, replace=False)]
    d = np.linalg.norm(colours[:, None, :] - reference[None, :, :], axis=2).min(axis=1)
    return float((d < ALIKE).mean())


def _border_mask(image: np.ndarray, seeds: np.ndarray,
                 backdrop: Backdrop | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(the border colour's soft alpha, its cleaned hard mask); (None, None) when the border is not flat. Pieces
    of the figure a gap of the backdrop parts from the rest (APART) are kept with it: drawn art's segmented
    robots and floating cartoon hands were left standing in the background while the figure moved."""
    border = border_alpha(image, backdrop)
    near = max(1, round(APART * max(image.shape[:2])))
    return border, None if border is None else clean_mask(border > 0.5, seeds, near)


def make_matte(image: np.ndarray, joints: np.ndarray, vis: np.ndarray, seg: np.ndarray | None,
               alpha: np.ndarray | None = None, backdrop: Backdrop | None = None) -> tuple[np.ndarray, str]:
    """(soft matte HxW float32 0..1, which source it came from). ``backdrop``: the image's, when already read."""
    h, w = image.shape[:2]
    if alpha is not None:
        a = alpha.astype(np.float32) / 255.0
        if (a < 0.5).mean() > 0.02:
            return a, "alpha"
    seeds = skeleton_mask((h, w), joints, vis, 3)
    # the border colour's mask is made and cleaned on a second thread while the person mask is cleaned and rid of
    # the backdrop's pieces here (labelling, hole filling and GrabCut release the GIL): the two cleanings were
    # most of the matte's time, and the rig waits for the matte with the other core idle
    with ThreadPoolExecutor(1, thread_name_prefix="rig-matte") as pool:
        bordering = pool.submit(_border_mask, image, seeds, backdrop)
        hard_seg = clean_mask(seg > 0.5, seeds) if seg is not None and (seg > 0.5).any() else None
        if hard_seg is not None:  # (GrabCut releases the GIL too)
            sw = shoulder_span(joints)
            hard_seg = without_backdrop(hard_seg, image, seeds, max(sw, 0.05 * max(h, w)))
        border, hard_b = bordering.result()
    source = "segmentation"
    hard = hard_seg
    if border is not None:
        if hard_seg is None:
            hard, source = hard_b, "border colour"
        else:
            inter = (hard_b & hard_seg).sum()
            union = max((hard_b | hard_seg).sum(), 1)
            if inter / union > 0.6:
                hard, source = hard_b, "border colour"
    if hard is None or hard.sum() < 0.002 * h * w:
        hard, source = clean_mask(_grabcut(image, joints, vis) > 0.5, seeds), "grabcut"
    r = max(2, round(0.004 * max(h, w)))
    inner = cv2.erode(hard.astype(np.uint8), None, iterations=r).astype(bool)
    outer = cv2.dilate(hard.astype(np.uint8), None, iterations=r).astype(bool)
    if source == "border colour":
        # the colour distance is itself a good alpha (anti-aliased edges of drawn art stay fractional)
        soft = border.copy()
    else:
        # edge-aware border: guided filter of the hard mask with the image as guide, then steepened
        guide = image.astype(np.float32) / 255.0
        soft = cv2.ximgproc.guidedFilter(guide, hard.astype(np.float32), r, 1e-4)
        soft = np.clip((soft - 0.5) * 2.0 + 0.5, 0.0, 1.0)
    # never let the soft border open holes inside or add blobs outside the cleaned mask
    soft[inner] = 1.0
    soft[~outer] = 0.0
    return soft.astype(np.float32), source

"""Locks of hair hanging from the head over the clothes, split off the body's mesh with the clothes painted under.

Hair hanging beside the neck follows the head whole (``neck.hanging``), but in the body's one mesh what lay under
a lock's tip was the lock itself: once the head tilted and the tip lifted off the shirt, the triangles between it
and the shirt stretched, the tip's dark hair drawn out into a wedge, or folded into a notch with black lines, and
the lock ended where the labelling cut the head from the torso, straight across the shirt (TikTok character 4
moved by clip 5). A hanging lock whose tip lies on the clothes is drawn as a piece of its own over the body, its
tip where its colour turns from the hair's to the clothes' (the strands' own ends, not a straight line), its side by
the neck where the hair's colour turns to the skin's (not the straight cut beside the neck); under it
the body is the clothes, their colours carried on from beside the lock below their top edge continued across it,
and clear above it, where the lock hung beside the body (the background plate lies there). The piece follows the
neck's blend by height (``mesh.build_layers``): the head at its top by the chin, the chest at its tip on the
clothes, so it bends over the shoulder as the head tilts rather than stretching its tip down the shirt.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from .fill import lab_distance
from .morphology import disc

TOUCH = 0.08  # (shoulder widths) a lock whose end lies on the clothes over fewer columns than this stays in the mesh
BESIDE = 2  # (pixels) the clothes' top this near a lock is the lock's edge, not theirs
APART = 25.0  # (CIE Lab, 8-bit) hair at least this far from the colour of the clothes under it: split off
TIP = 0.6  # a pixel of a lock's tip less than this share the hair's colour (the rest the clothes') is the clothes'
ALONE = 0.95  # ... and one of at least this share is the hair's alone
GAP = 0.03  # (shoulder widths) up to this many of the figure's pixels in a column between a lock and the clothes
# below it are its strands' ends (mixed with the clothes, left out of neck.hanging's locks); the hair's own colour
# is read farther than this from the clothes
SEAM = 3  # (pixels) the lock's piece and the body under it overlap this far where they meet
EDGE = 0.7  # (pixels) the clothes' top edge carried on under a lock is as soft as an outline
MIXED = 2  # (pixels) the clothes' pixels this near a lock mix their colour with its strands' (not a source)
MIN_PIXELS = 10  # fewer pixels than this tell no colour
SMOOTH = 0.02  # (shoulder widths) the clothes' colours carried in are smoothed this far (copied, they ran in streaks)
STEP = 10.0  # (CIE Lab, 8-bit) the hair past a lock's cut beside the neck runs on while each pixel is this near the
# hair beside it (a strand's shade steps less; the skin or the clothes past the hair's outline step farther) ...
SPREAD = 40.0  # ... and this near the lock's colour at the cut (a soft outline crept on into the skin)
INNER = 0.2  # (shoulder widths) ... up to this far past the cut (a neck of the hair's colour is not taken whole)
LOW = 0.05  # (shoulder widths) ... and this far below where the body follows the head alone


@dataclass
class Locks:
    """The locks split off a body layer's crop (all HxW over it): ``hung`` the hanging pixels they take, and the hair
    past their cut beside the neck (the body follows the chest there; they go down with the chin), ``lock`` the lock
    piece's pixels and ``lock_texture`` its colours (RGB uint8), ``texture`` (RGB uint8) and ``alpha`` (float) the
    body's own, with the clothes painted in under the locks and clear where they hung beside the body."""

    hung: np.ndarray
    lock: np.ndarray
    lock_texture: np.ndarray
    texture: np.ndarray
    alpha: np.ndarray


def split_locks(hang: np.ndarray, clothes: np.ndarray, texture: np.ndarray, alpha: np.ndarray,
                nearest: tuple[np.ndarray, np.ndarray], sw: float, headed: np.ndarray) -> Locks | None:
    """The hanging locks (``hang``: ``neck.hanging`` over the body's crop) whose tips lie on the ``clothes`` (the
    torso's, ``neck.worn_clothes``, solid) split off, or None where none does. ``texture``/``alpha``: the body
    layer's (its band coloured by the nearest solid pixel, ``nearest``: those pixels' indices, as
    ``ndimage.distance_transform_edt`` gives them); ``sw`` the shoulder width in pixels; ``headed`` (HxW bool)
    where the body follows the head alone (above the chin: the lock never leaves it there)."""
    pieces, n = ndimage.label(hang > 0)
    if n == 0:
        return None
    iy, ix = nearest
    # each pixel of the layer (its band too) by the hanging piece its colour is taken from
    region = np.where(alpha > 0, pieces[iy, ix], 0)
    touch = (region > 0) & _near(clothes, BESIDE + 1)
    # a lock's end lies on the clothes: the clothes just below its lowest pixel, in columns enough (a piece beside
    # the neck touching the collar along its side is the head's side, a cheek and an ear: split off, the collar
    # painted under it showed through beside the jaw, Grace Hopper's)
    h, w = hang.shape
    low = np.where(region.any(axis=0), h - 1 - np.argmax(region[::-1] > 0, axis=0), 0)
    cols = np.flatnonzero(region.any(axis=0))
    below = np.zeros(len(cols), bool)
    for k in range(1, BESIDE + 2):  # (a few rows)
        below |= clothes[np.minimum(low[cols] + k, h - 1), cols]
    resting = np.bincount(region[low[cols], cols][below], minlength=n + 1)[1:]
    split = 1 + np.flatnonzero(resting >= TOUCH * sw)
    if len(split) == 0:
        return None
    region = np.isin(region, split)
    # the clothes under the locks: the colours of the clothes beside them (not mixed with the strands), carried on
    source = clothes & ~_near(region, MIXED)
    if not source.any():
        return None
    _, (sy, sx) = ndimage.distance_transform_edt(~source, return_indices=True)
    smooth = cv2.GaussianBlur(texture[sy, sx].astype(np.float32), (0, 0), max(1.0, SMOOTH * sw))
    gap = max(1, int(round(GAP * sw)))
    hair_px = region & (alpha >= 0.5) & ~_near(clothes, gap)
    hair = np.median(texture[hair_px if hair_px.sum() >= MIN_PIXELS else region].astype(np.float32), axis=0)
    lab = cv2.cvtColor(np.clip(np.stack([hair, np.median(smooth[touch], axis=0)]) + 0.5, 0, 255).astype(np.uint8)[None],
                       cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    if lab_distance(lab[0], lab[1]) < APART:
        return None  # hair of the clothes' colour: nothing tells where it lay
    # how much of each pixel is the hair's colour rather than the clothes' under it (their blend)
    towards = hair - smooth
    share = np.clip(np.einsum("hwc,hwc->hw", texture - smooth, towards)
                    / np.maximum(np.einsum("hwc,hwc->hw", towards, towards), 1.0), 0.0, 1.0)
    # the strands' ends on the clothes: the figure's pixels between the lock and the clothes, and the lock's own
    # mostly the clothes' colour, running on from the clothes (the shirt seen through them, or blurred into them:
    # taken along, they ended the lock in a pale straight cut)
    pale = region & (share < TIP)
    parts, _ = ndimage.label(pale)
    on = np.unique(parts[pale & _near(clothes, 1)])
    ends = _tip_ends(region, clothes, alpha >= 0.5, gap) | np.isin(parts, on[on > 0])
    # the lock's rim on them turns to the colour of the nearest strand of hair alone as far as it held the
    # clothes' (taken along as they were, the clothes' share drew a pale rim round its end)
    tip = region & ~ends & _near(clothes | ends, SEAM) & (share < 1.0)
    lock_texture = texture.copy()
    alone = region & (share >= ALONE)
    if tip.any() and alone.any():
        _, (hy, hx) = ndimage.distance_transform_edt(~alone, return_indices=True)
        towards_hair = np.minimum((1.0 - share[tip]) / (1.0 - TIP), 1.0)[:, None]
        lock_texture[tip] = np.clip(texture[tip] + towards_hair * (texture[hy[tip], hx[tip]].astype(np.float32)
                                                                   - texture[tip]) + 0.5, 0, 255).astype(np.uint8)
    # the lock's piece runs on past its cut beside the neck (a straight line at a distance from the neck's axis) over
    # the hair there to the hair's own outline (cut straight, the lock gone down with the chin showed a straight
    # edge over the shirt beside the hair the body kept, TikTok character 4 in its own clip, frames 146-152); the
    # body keeps its hair there (under the lock at rest) above the clothes' top, and goes down with it; not just
    # below the chin (a piece of its own there, it tore from the jaw's hair as the head turned: a square corner
    # beside the neck, TikTok character 4 moved by clip 5, frames 148-152)
    inner = _hair_past_cut(region, texture, (alpha >= 0.5) & ~clothes & ~ends & (hang <= 0) & (share >= TIP)
                           & ~_near(headed, max(1, int(round(LOW * sw)))),
                           max(1, int(round(INNER * sw))))
    region |= ends
    # (under the hair past the cut too, and its outline mixed with the clothes: the body's hair left there showed
    # beside the lock gone down over the shirt, a dark sliver or line)
    under = region | (_near(inner, MIXED) & ~clothes)
    over = under & _below_outline(clothes, region | inner)
    # the clothes go on under the lock's tip a little (the piece's edge and the body's overlap there) ...
    over |= (under & _near(clothes, SEAM)) | ends
    parts, _ = ndimage.label(over | clothes)  # (a speck of it apart from the clothes floated in the clear)
    joined = np.unique(parts[clothes])
    over = (over & np.isin(parts, joined[joined > 0])) | ends
    # ... and beside the rest of the body, its own pixels stay under the lock's edge (a pixel between the two
    # pieces, drawn through the body, read its clear texture: a thin line along the lock's inner side)
    # (and where the body follows the head alone, beside the face, the lock stays the body's: the face's turn, drawn
    # from the body's texture round the face, read a clear one there, a gap between the cheek and the lock, and
    # the lock's piece beside it did not turn with it, a seam)
    kept = region & ~over & (_near((alpha > 0) & ~region & ~clothes, SEAM) | headed)
    painted = texture.copy()
    # (the strands' ends keep their own colours: the clothes in the hair's shade, painted they drew a pale band)
    painted[over & ~ends] = np.clip(smooth[over & ~ends] + 0.5, 0, 255).astype(np.uint8)
    # clear where the lock hung beside the body, the clothes' carried-on top edge softened as an outline is
    soft = cv2.GaussianBlur(over.astype(np.float32), (0, 0), EDGE)
    body_alpha = np.where(region & ~kept, np.where(over, 1.0, soft), alpha).astype(np.float32)
    # (the clothes' soft edge in their colours; the clear rest keeps the lock's, which a pixel at the edge of what
    # the body draws beside it blends in, rather than the clothes')
    edge = region & ~kept & ~over & (soft > 0.004)
    painted[edge] = np.clip(smooth[edge] + 0.5, 0, 255).astype(np.uint8)
    return Locks(hung=np.isin(pieces, split) | inner, lock=(region | inner) & ~ends & ~headed,
                 lock_texture=lock_texture, texture=painted, alpha=body_alpha)


def resting(hang: np.ndarray, torso: np.ndarray, sw: float) -> np.ndarray:
    """HxW bool: the pieces of what hangs from the head (``hang``: ``neck.hanging`` over a crop) whose lowest pixels
    lie on the ``torso`` (HxW bool, its part) just below them over TOUCH shoulder widths (``sw`` pixels) of columns
    or more: hair resting on the shoulder. Like a lock split off, it follows the neck's blend by height: followed
    whole by the head, its end lifted off the shoulder it lay on and the body's triangles between them tore, the
    hair ending in a stepped cut over a notch of the wall (TikTok character 3 moved by clip 4)."""
    pieces, n = ndimage.label(hang > 0)
    h = hang.shape[0]
    rests = []
    for k in range(1, n + 1):  # (a few pieces)
        piece = pieces == k
        cols = np.flatnonzero(piece.any(axis=0))
        low = h - 1 - np.argmax(piece[::-1, cols], axis=0)
        on = np.zeros(len(cols), bool)
        for d in range(1, BESIDE + 2):  # (a few rows)
            on |= torso[np.minimum(low + d, h - 1), cols]
        if on.sum() >= TOUCH * sw:
            rests.append(k)
    return np.isin(pieces, rests)


def _hair_past_cut(locks: np.ndarray, texture: np.ndarray, allowed: np.ndarray, reach: int) -> np.ndarray:
    """HxW bool: the ``allowed`` pixels (the figure's, past the ``locks``' cut) the hair of the ``locks`` runs on
    into, up to ``reach`` pixels from them: grown a pixel at a time while each is within STEP of the hair already
    taken beside it (its mean colour over a few pixels round it) and within SPREAD of the lock's colour nearest
    it, so it stops at the hair's outline, where the colour steps to the skin's or the clothes'."""
    inner = np.zeros(locks.shape, bool)
    rows, cols = np.nonzero(_near(locks, 1) & allowed & ~locks)
    if not len(rows):
        return inner
    # (over the box the growth can reach)
    y0, y1 = max(0, rows.min() - reach), min(locks.shape[0], rows.max() + reach + 1)
    x0, x1 = max(0, cols.min() - reach), min(locks.shape[1], cols.max() + reach + 1)
    box = (slice(y0, y1), slice(x0, x1))
    seeds = locks[box]
    lab = cv2.cvtColor(np.ascontiguousarray(texture[box]), cv2.COLOR_RGB2LAB).astype(np.float32)
    _, (ly, lx) = ndimage.distance_transform_edt(~seeds, return_indices=True)
    allowed = allowed[box] & ~seeds & (lab_distance(lab, lab[ly, lx]) < SPREAD)
    grown = seeds.copy()
    for _ in range(reach):  # (a pixel's ring at a time)
        ring = _near(grown, 1) & ~grown & allowed
        if not ring.any():
            break
        taken = grown.astype(np.float32)
        count = cv2.boxFilter(taken, -1, (5, 5), normalize=False)
        beside = cv2.boxFilter(lab * taken[..., None], -1, (5, 5), normalize=False) / np.maximum(count, 1.0)[..., None]
        step = ring & (lab_distance(lab, beside) < STEP)
        if not step.any():
            break
        grown |= step
    inner[box] = grown & ~seeds
    return inner


def _near(mask: np.ndarray, reach: int) -> np.ndarray:
    """HxW bool: the pixels within ``reach`` pixels of ``mask``."""
    return cv2.dilate(mask.astype(np.uint8), disc(reach)).astype(bool)


def _below_outline(torso: np.ndarray, locks: np.ndarray) -> np.ndarray:
    """HxW bool: the pixels below the clothes' top edge (``torso``'s topmost pixel per column) carried on straight
    across the columns where ``locks`` lie on it (the labelling cut the torso from the head along the locks'
    tips, below the clothes' edge the hair hides), between the nearest columns on either side whose edge is seen."""
    h, w = torso.shape
    has = torso.any(axis=0)
    top = np.argmax(torso, axis=0)
    near = _near(locks, BESIDE)
    cols = np.arange(w)
    seen = has & ~near[np.maximum(top - 1, 0), cols]
    if not seen.any():
        return np.zeros((h, w), bool)
    edge = np.interp(cols, cols[seen], top[seen])
    return np.arange(h)[:, None] >= edge[None, :]


def _tip_ends(locks: np.ndarray, clothes: np.ndarray, figure: np.ndarray, gap: int) -> np.ndarray:
    """HxW bool: the ``figure``'s pixels in each column between the lowest of ``locks`` and the top of the
    ``clothes`` below it, where fewer than ``gap`` lie between: the strands' ends, left on the shirt when the lock
    lifted (a dark smudge)."""
    h, w = locks.shape
    rows = np.arange(h)[:, None]
    bottom = np.where(locks.any(axis=0), h - 1 - np.argmax(locks[::-1], axis=0), -1)
    below = clothes & (rows > bottom[None, :])
    top = np.where(below.any(axis=0), np.argmax(below, axis=0), h)
    ok = (bottom >= 0) & (top < h) & (top - bottom <= gap)
    return figure & ~clothes & ok[None, :] & (rows > bottom[None, :]) & (rows < top[None, :])

"""Long hair hanging behind an arm, carried on under it in the body's layer.

Where a sleeve's top lies over the hair falling behind the shoulder, the hair's lower end in the picture is the
sleeve's outline: once the arm rose or swung out, the body's hair ended in that outline hanging in the air, a flat or
curved "bob cut" over the wall (TikTok character 5's right hair behind her puffed sleeve, moved by clips 1 and 3).
Under the arm the body's layer draws the hair on down as it hangs above the cut: its sides carried on along its
outer side's slant, turning down to hang straight, each column in the colour of its strand just above the cut
(straight hair's strands run down it), as far as the hair hangs elsewhere in the picture (within reason), ending in
a tapered tip (rounded, it hung as a tube). It bends down with the hair above it (``neck.hair_lowering`` takes it
as that hair's), not held by the chest. Hair lying over the arm (given to the body by :func:`.hair.hair_to_body`)
ends on it below the shoulder; the sleeve's top above the shoulder joint, under hair running thick above it, is the
arm's own outline over it.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from ...pose.retarget import side_on_head
from ...pose.skeleton import J, shoulder_span
from .model import LAYERS, PARTS
from .morphology import disc

SOLID = 0.85  # the figure's matte this high is opaque: the hair's own colour, not its blend with the wall
SOFT = 0.04  # (shoulder widths) the body's pixels this near the hair's colours beside it are its soft rim
NEAR = 2  # (pixels) an arm this near below the hair's lowest pixel in a column covers it there
THICK = 0.05  # (shoulder widths) the hair above the cut fills at least FILLED of the rows this far above it (the
FILLED = 0.5  # hair's body, not a drawn outline or a wisp; at its outer corner the hair's slanted side is short)
SPLIT = 4  # (pixels) columns of the cut this far apart are one run (the hair's labels leave a few out)
WIDE = 0.05  # (shoulder widths) a cut across fewer columns than this is a strand's end, not the hair's
GAP = 3  # (pixels) the hair's pixels this near the cut mix its colour with the sleeve's: repainted, no source
DEPTH = 0.04  # (shoulder widths) each strand's colour is read over this far above them ...
STRAND = 3.0  # (pixels) ... and smoothed across this far
OTHER = 0.25  # (shoulder widths) the hair this far past the shoulders' middle is on the head's other side ...
SHORTEST, LONGEST = 0.1, 0.25  # (shoulder widths) ... hangs at least this far below the cut there, and is carried
# on at most this far
SLANT_ROWS = 3  # the hair's outer side's slant is read over this many DEPTHs above the cut ...
SLANT = 1.0  # (columns per row) ... and carried on at most this steep
TIP = 0.8  # the tapered tip takes this share of the hair's length carried on


@dataclass
class HairBehind:
    """The body's hair carried on under the arms (HxW over the image): ``under`` the arms' pixels it goes on under,
    ``paint`` those and the hair's rim at the cut, painted in ``colours`` (HxWx3 uint8)."""

    under: np.ndarray
    paint: np.ndarray
    colours: np.ndarray

    def painted(self, texture: np.ndarray) -> np.ndarray:
        """``texture`` (HxWx3 uint8, over the image) with the hair painted in."""
        if not self.paint.any():
            return texture
        return np.where(self.paint[..., None], self.colours, texture)


def hair_behind_arms(image: np.ndarray, labels: np.ndarray, joints: np.ndarray, hair: np.ndarray,
                     matte: np.ndarray) -> HairBehind:
    """The body's hair carried on under the upper arms whose tops lie over its lower end: ``image`` RGB, ``labels``
    part indices, ``joints`` at their size, ``hair`` the body's hair hanging from the head
    (:func:`.hair.hanging_hair`), ``matte`` the figure's."""
    out = HairBehind(np.zeros(labels.shape, bool), np.zeros(labels.shape, bool), np.zeros(image.shape, np.uint8))
    # (not on a head seen side on: what hangs past its shoulder is a ponytail down the back)
    if side_on_head(joints):
        return out
    sw = shoulder_span(joints, 1.0)
    middle = 0.5 * float(joints[J["left_shoulder"], 0] + joints[J["right_shoulder"], 0])
    across = np.arange(labels.shape[1]) - middle
    for side, name in (("left", "arm_l"), ("right", "arm_r")):
        shoulder = joints[J[f"{side}_shoulder"]]
        # the hair on the head's other side, past the neck: as far as it hangs below the cut, this side's goes on
        other = hair & (across * np.sign(shoulder[0] - middle) < -OTHER * sw)[None, :]
        found = _carried_on(image, labels, hair, other, PARTS.index(f"{side[0]}_upper_arm"),
                            np.isin(labels, [PARTS.index(p) for p in LAYERS[name]]), matte >= SOLID,
                            float(shoulder[1]), sw)
        if found is None:
            continue
        under, paint, colours = found
        out.under |= under
        out.paint |= paint
        out.colours[paint] = colours[paint]
    return out


def _carried_on(image: np.ndarray, labels: np.ndarray, hair: np.ndarray, other: np.ndarray, upper: int, arm: np.ndarray,
                solid: np.ndarray, shoulder: float, sw: float) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(the ``arm``'s pixels the hair goes on under, those and the hair's rim to paint, HxWx3 the colours to paint
    them) for the hair whose lowest pixels lie on the upper arm (part index ``upper``) above the ``shoulder`` joint's
    row; None where no such cut is found. ``other``: the hair on the head's other side; ``solid``: the figure's
    opaque pixels (its matte's)."""
    h, w = labels.shape
    rows = np.arange(h)[:, None]
    on_upper = labels == upper
    over = np.zeros((h, w), bool)
    for k in range(1, NEAR + 1):
        over[:-k] |= on_upper[k:]
    cut = hair & over & (rows < shoulder)
    cols = np.flatnonzero(cut.any(axis=0))
    if len(cols) == 0:
        return None
    # one run of columns (a strand's end beside it is not the hair's)
    runs = np.split(cols, np.flatnonzero(np.diff(cols) > SPLIT) + 1)
    run = max(runs, key=len)
    if len(run) < WIDE * sw:
        return None
    # ... with the hair's soft rim beside it over the arm too (a blurred side blends the hair with the wall, of none
    # of its colours: left out, the cut went on in it)
    soft = max(1, int(round(SOFT * sw)))
    body = np.isin(labels, [PARTS.index(p) for p in LAYERS["body"]])
    wall = cv2.dilate((labels < 0).astype(np.uint8), disc(soft)).astype(bool)
    rim_cut = body & over & (rows < shoulder) & wall
    cols = np.arange(max(0, run[0] - soft), min(w, run[-1] + soft + 1))
    has = rim_cut[:, cols].any(axis=0) | ((cols >= run[0]) & (cols <= run[-1]))
    first, last = np.flatnonzero(cols == run[0])[0], np.flatnonzero(cols == run[-1])[0]
    gone = np.flatnonzero(~has)
    lo = gone[gone < first].max() + 1 if (gone < first).any() else 0
    hi = gone[gone > last].min() if (gone > last).any() else len(cols)
    cols = cols[lo:hi]
    cut = cut[:, cols] | (rim_cut[:, cols] & ((cols < run[0]) | (cols > run[-1]))[None, :])
    end = np.where(cut.any(axis=0), h - 1 - np.argmax(cut[::-1], axis=0), -1)
    if (end < 0).any():  # (a column of the run's gaps: the cut beside it)
        known = end >= 0
        end = np.round(np.interp(cols, cols[known], end[known])).astype(int)
    source = body[:, cols] & cv2.dilate(hair.astype(np.uint8), disc(soft)).astype(bool)[:, cols]
    # the hair over it, not a drawn outline or a wisp: on average over the run, the hair fills the rows above
    thick = max(2, int(round(THICK * sw)))
    inner = (cols >= run[0]) & (cols <= run[-1])
    rows_above = np.clip(end[inner][None, :] - 1 - np.arange(thick)[:, None], 0, h - 1)
    if hair[rows_above, cols[inner][None, :]].mean() < FILLED:
        return None
    # as far as the hair hangs below the cut on the head's other side (``other``), within reason; hair that hangs
    # no lower than a tip's length below it there is not known to go on (short hair behind a bare shoulder, its tips
    # at the cut; strands framing the face of hair tied up, TikTok character 0)
    if not other.any():
        return None
    length = float(np.flatnonzero(other.any(axis=1)).max() - end.mean())
    if length < SHORTEST * sw:
        return None
    length = min(length, LONGEST * sw)
    # each strand's colour just above the cut's rim: a column's mean over its opaque pixels of the hair's colours,
    # the nearest column's where it has none (its blurred side, the hair's blend with the wall, is not carried on:
    # opaque below the hair's soft side, it drew a grey band down the hair's side and a pale line along the cut);
    # smoothed across a few pixels (a single column's odd shade ran down the hair as a line)
    span = max(2, int(round(DEPTH * sw)))
    src = np.clip(end[None, :] - GAP - np.arange(span)[:, None], 0, h - 1)
    ok = hair[src, cols[None, :]] & solid[src, cols[None, :]]
    count = ok.sum(axis=0)
    kept = np.flatnonzero(count > 0)
    if len(kept) < WIDE * sw:
        return None
    keep = slice(kept[0], kept[-1] + 1)
    cols, end, source, ok, src, count = cols[keep], end[keep], source[:, keep], ok[:, keep], src[:, keep], count[keep]
    px = image[src, cols[None, :]].astype(np.float32)
    strand = (px * ok[..., None]).sum(axis=0) / np.maximum(count, 1)[:, None]
    has = np.flatnonzero(count > 0)
    strand = strand[has[np.abs(np.arange(len(cols))[:, None] - has[None, :]).argmin(axis=1)]]
    strand = ndimage.gaussian_filter1d(strand, STRAND, axis=0, mode="nearest")
    s = (cols - cols[0] + 0.5) / len(cols)
    reach = length * (1.0 - TIP + TIP * (1.0 - (2.0 * s - 1.0) ** 2))
    # down from the cut along the hair's outer side's slant (carried straight down, a slanted side turned into a
    # vertical slab's) turning down to hang straight at its end, while it is the arm's, from the arm's top under the
    # cut (past it the picture shows what lies there: no hair)
    slope = _slant(body & cv2.dilate(hair.astype(np.uint8), disc(soft)).astype(bool), cols, end, wall, span)
    # (turning down as it goes, hanging straight at its end; shifted by row alone, no pixel left out between columns)
    t = np.arange(1, int(np.ceil(reach.max())) + 1)[:, None]
    keep = t <= reach[None, :]
    ty = np.broadcast_to(end[None, :] + t, keep.shape)
    fall = np.clip(ty - end.mean(), 0.0, length)
    tx = np.round(cols[None, :] + slope * (fall - fall ** 2 / (2.0 * length))).astype(int)[keep]
    ty = ty[keep]
    which = np.broadcast_to(np.arange(len(cols))[None, :], keep.shape)[keep]
    inside = (ty >= 0) & (ty < h) & (tx >= 0) & (tx < w)
    ty, tx, which = ty[inside], tx[inside], which[inside]
    on = arm[ty, tx]
    ty, tx, which = ty[on], tx[on], which[on]
    tone = np.clip(strand + 0.5, 0, 255).astype(np.uint8)
    under = np.zeros((h, w), bool)
    under[ty, tx] = True
    colours = np.zeros((h, w, 3), np.uint8)
    colours[ty, tx] = tone[which]
    # the hair's rim at the cut, mixed with the sleeve's colour, and the body's pixels between it and the arm,
    # painted as the hair too (left, they drew the sleeve's old outline as a pale line across the hair once the arm
    # moved)
    rim = np.zeros((h, w), bool)
    rim[:, cols] = (rows <= end[None, :] + NEAR) & (rows > end[None, :] - GAP) & source
    ry, rx = np.nonzero(rim)
    colours[ry, rx] = tone[rx - cols[0]]
    # (joined to the cut: a piece of the arm beyond the picture's wall beside it is no hair's)
    pieces, _ = ndimage.label(under | rim, np.ones((3, 3)))
    joined = np.unique(pieces[rim])
    under &= np.isin(pieces, joined[joined > 0])
    return under, under | rim, colours


def _slant(hair: np.ndarray, cols: np.ndarray, end: np.ndarray, wall: np.ndarray, span: int) -> float:
    """The slant (columns per row, down) of the hair's outer side above a cut across ``cols`` at rows ``end``: its
    outermost pixel of ``hair`` in each row over SLANT_ROWS spans above the cut, on the side the ``wall`` lies
    (0 where it lies on neither, or the hair's side leaves the cut's columns), fitted with a line."""
    h, w = hair.shape
    left = wall[end[0], cols[0]]
    if left == wall[end[-1], cols[-1]]:
        return 0.0
    rows = np.arange(max(0, int(end.min()) - SLANT_ROWS * span), int(end.min()) - GAP)
    width = len(cols)
    lo, hi = max(0, cols[0] - width), min(w, cols[-1] + width + 1)
    band = hair[rows, lo:hi]
    found = band.any(axis=1)
    if found.sum() < 2:
        return 0.0
    side = np.argmax(band, axis=1) if left else band.shape[1] - 1 - np.argmax(band[:, ::-1], axis=1)
    slope = float(np.polyfit(rows[found], side[found], 1)[0])
    return float(np.clip(slope, -SLANT, SLANT))

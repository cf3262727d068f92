"""Thin parts sticking out of the head: an antenna, a feather's quill, a hair clip's stick, with the knob at its end.

The person mask is blurred at the pose model's size and :func:`extras.with_attached_parts` grows the matte on a
copy too small to hold a stick a few pixels wide: the robot boxer kept only a stub of its antenna, and the stick
and its red ball stayed in the filled background while the head moved away from them. Here the matte is grown,
at full size and only around the head, by what stands out thin from its outline and from the background along it,
and by the knob at such a stick's end (in colours the background around it has not).
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J
from .fill import colour_distance
from .model import segment_distance
from .morphology import disc
from .parts import part_segments

REACH = 0.5  # (shoulder widths) how far beyond the head's outline a thin part is sought
SLIVER = 0.04  # (shoulder widths) what lies no farther than this off the matte is its outline's edge, not a part
STANDS_OUT = 0.1  # (shoulder widths) a thin part reaches at least this far off the matte
THIN = 0.03  # (shoulder widths) a thin part's half-width at most (a wider one the matte's growth takes in whole)
LENGTH = 2.0  # a thin part is at least this many times longer than wide (not a blob of the backdrop, a star)
LIKE_AROUND = 20.0  # colour distance (Lab) under which the background is like a part's colour
GOES_ON = 0.3  # a part whose rim's background is this much like it is a piece of that background
KNOB = 0.15  # (shoulder widths) a stick's knob lies within this of its tip
LEAST = 0.002  # (shoulder widths squared) area of a knob at least: a fleck is the backdrop's grain


def with_thin_head_parts(image: np.ndarray, matte: np.ndarray, joints: np.ndarray,
                         shoulder_width: float) -> np.ndarray:
    """The matte (HxW float32 0..1) grown by the thin parts sticking out of the head and their knobs.

    GrabCut at full size in a box around the head (sure figure inside the matte, maybe background within
    ``REACH`` of the head above the shoulders, sure background beyond) finds what is coloured like the figure;
    of it, only a part that stands out from the matte (``STANDS_OUT``, thin: ``THIN``, ``LENGTH``), ends within
    the picture and is unlike the background along its rim is a part: a sliver along the outline is the
    outline's edge, a blob or a pole going on out of the picture is something behind the head (a flag's star
    atop its pole behind a cap). The knob at its end (a ball, a tuft) is told from the background by colour:
    what is unlike every colour of the background around the tip and joined to it (:func:`_knob`). ``joints``
    [33, 2+] at the image's scale; ``image`` RGB of the matte's size."""
    H, W = matte.shape
    sw = shoulder_width
    hard = matte > 0.5
    a, b = part_segments(joints[:, :2])["head"]
    ears = float(np.linalg.norm(joints[J["left_ear"], :2] - joints[J["right_ear"], :2]))
    reach = max(0.5 * ears, 0.35 * float(np.linalg.norm(b - a)), 2.0) + REACH * sw
    x0, x1 = int(max(0, min(a[0], b[0]) - reach)), int(min(W, max(a[0], b[0]) + reach + 1))
    y0 = int(max(0, min(a[1], b[1]) - reach))
    y1 = int(min(H, joints[[J["left_shoulder"], J["right_shoulder"]], 1].min()))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return matte
    ys, xs = np.mgrid[y0:y1, x0:x1]
    zone = segment_distance(xs.astype(np.float64), ys.astype(np.float64), a, b) < reach
    fig = hard[y0:y1, x0:x1]
    if fig.sum() < 50 or not (zone & ~fig).any():
        return matte
    mask = np.full(fig.shape, cv2.GC_BGD, np.uint8)
    mask[zone] = cv2.GC_PR_BGD
    mask[fig] = cv2.GC_PR_FGD
    mask[cv2.erode(fig.astype(np.uint8), None, iterations=2) > 0] = cv2.GC_FGD
    crop = np.ascontiguousarray(image[y0:y1, x0:x1])
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut seeds its colour models randomly: the same picture, the same answer
    cv2.grabCut(crop[:, :, ::-1].copy(), mask, None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
    found = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)) & ~fig & zone
    lab = cv2.cvtColor(cv2.GaussianBlur(crop, (0, 0), 1.0), cv2.COLOR_RGB2LAB).astype(np.float32)
    edge = np.zeros(fig.shape, bool)  # the zone's rim and the picture's border: what reaches them goes on
    edge |= cv2.dilate((~zone).astype(np.uint8), None).astype(bool)
    edge[[0, -1], :] |= np.array([y0 == 0, y1 == H])[:, None]
    edge[:, [0, -1]] |= np.array([x0 == 0, x1 == W])[None, :]
    added = _thin_parts(found, fig, lab, edge, sw)
    if not added.any():
        return matte
    add = np.zeros((H, W), np.float32)
    # with the pixel around it: GrabCut gives a drawn part's outline, or a photographed one's blurred rim, to the
    # background, and on a stick a few pixels wide the soft border then ate half of it
    add[y0:y1, x0:x1] = cv2.dilate(added.astype(np.uint8), None)
    # an edge-aware border for the new parts, as the rest of the matte has; summed, as extras' pieces are
    r = max(2, round(0.004 * max(H, W)))
    add = cv2.ximgproc.guidedFilter(image.astype(np.float32) / 255.0, add, r, 1e-4)
    add = np.clip((add - 0.5) * 2.0 + 0.5, 0.0, 1.0)
    # ... but whole over the part itself: the filter's window is as wide as the stick, and patched it half-clear
    # where the backdrop behind it changes (a line crossing it)
    add[y0:y1, x0:x1] = np.maximum(add[y0:y1, x0:x1], added)
    return np.minimum(matte + add, 1.0).astype(np.float32)


def _thin_parts(found: np.ndarray, fig: np.ndarray, lab: np.ndarray, edge: np.ndarray, sw: float) -> np.ndarray:
    """The pixels of ``found`` (GrabCut's new figure beside ``fig``) that are thin parts sticking out of it, with
    the stem joining each to the figure and the knob at its tip. ``lab`` the crop in Lab; ``edge`` where a thing
    reaching it goes on beyond."""
    beyond = cv2.distanceTransform((~fig).astype(np.uint8), cv2.DIST_L2, 5)
    parts, n = ndimage.label(found & (beyond > SLIVER * sw), structure=np.ones((3, 3)))
    out = np.zeros_like(found)
    stem = disc(max(1, round(SLIVER * sw)) + 1)
    for i, box in enumerate(ndimage.find_objects(parts), start=1):
        part = parts == i
        far = float(beyond[part].max())
        half = float(cv2.distanceTransform(part[box].astype(np.uint8), cv2.DIST_L2, 3).max())
        if far < STANDS_OUT * sw or half > THIN * sw or far - SLIVER * sw < LENGTH * 2 * half:
            continue
        if (part & edge).any():
            continue
        rim = cv2.dilate(part.astype(np.uint8), None, iterations=2).astype(bool) & ~found & ~fig
        colour = np.median(lab[part], axis=0)
        if rim.any() and (np.linalg.norm(lab[rim] - colour, axis=1) < LIKE_AROUND).mean() > GOES_ON:
            continue
        joined = found & cv2.dilate(part.astype(np.uint8), stem).astype(bool)
        held, _ = ndimage.label(joined | part, structure=np.ones((3, 3)))
        piece = np.isin(held, np.unique(held[part])) & (held > 0)
        if not (cv2.dilate(piece.astype(np.uint8), None).astype(bool) & fig).any():
            continue  # not joined to the figure
        tip = np.unravel_index(np.argmax(np.where(part, beyond, -1.0)), part.shape)
        out |= piece | _knob(piece, fig, lab, edge, tip, sw)
    return out


def _knob(stick: np.ndarray, fig: np.ndarray, lab: np.ndarray, edge: np.ndarray, tip: tuple[int, int],
          sw: float) -> np.ndarray:
    """What sits on a stick's ``tip`` (row, col): the pixels within ``KNOB`` of it whose colours the background
    around it (a ring just beyond, less the stick) has not, joined to the stick; none when that reaches the ring
    (it goes on: the backdrop) or is a fleck."""
    k = max(2, round(KNOB * sw))
    yy, xx = np.ogrid[:stick.shape[0], :stick.shape[1]]
    d = np.hypot(yy - tip[0], xx - tip[1])
    ring = (d >= k) & (d < k + 3) & ~stick & ~fig
    inside = (d < k) & ~fig
    if ring.sum() < 10:
        return np.zeros_like(stick)
    around = lab[ring]
    unlike = inside & ~stick
    unlike[unlike] = _nearest(lab[unlike], around) > LIKE_AROUND
    unlike = cv2.morphologyEx(unlike.astype(np.uint8), cv2.MORPH_OPEN, None).astype(bool)
    held, _ = ndimage.label(unlike | stick, structure=np.ones((3, 3)))
    knob = np.isin(held, np.unique(held[stick])) & (held > 0) & ~stick
    touches = cv2.dilate(knob.astype(np.uint8), None).astype(bool)
    if knob.sum() < LEAST * sw * sw or (touches & ((d >= k - 1) | edge)).any():
        return np.zeros_like(stick)
    return knob


def _nearest(colours: np.ndarray, reference: np.ndarray, samples: int = 400) -> np.ndarray:
    """Each of ``colours`` [N, 3]'s distance to the nearest of ``reference`` [M, 3] (a fixed sample of it)."""
    if len(reference) > samples:
        reference = reference[np.random.default_rng(0).choice(len(reference), samples, replace=False)]
    return colour_distance(colours[:, None, :], reference)[:, 0]

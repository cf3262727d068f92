"""Long hair hanging over a shoulder belongs to the body (head and torso), not to the arm beside it.

Distance labelling gives an arm every pixel beyond the torso's shoulder-hip side that lies nearer its bone, so
hair falling over the shoulder was cut along that straight side: once the arm moved, the body layer ended in a
straight edge through the hair and the arm carried a slab of it away (a raised arm's root under the hair). Hair
is told from the arm by colour: the colours of the head's hair (the body's pixels above the nose, not the face's
colour), where they are not the arm's own, running on unbroken from above the nose into the arm. Hair hangs from
the head; a sleeve, a shirt or a hand beside the body do not reach that high.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J
from .fill import lab_distance
from .model import PARTS
from .morphology import disc

HAIR_APART = 25.0  # hair is at least this far in colour (CIE Lab, 8-bit) from the face's and the arm's own ...
HAIR_ALIKE = 20.0  # ... and this near one of the colours of the hair above the nose
FACE_PATCH = 3  # (pixels at the analysis size) the face's colour is read this near the nose
CORE = 0.4  # the arm's own colour is read within this share of its radius from its bone
STRAND = 1  # (pixels at the analysis size) hair no thicker than twice this is a strand, the arm's where it lies
LOCK = 0.06  # (shoulder widths) hair on the arm in pieces smaller than this squared stays the arm's
RING = 2  # (pixels at the analysis size) the backdrop beside a strand on the arm's outline is read this near it
BLEND = 10.0  # (Lab, 8-bit) a strand this near the line between the arm's colour and that backdrop's is their blend
TIP = 0.02  # (shoulder widths) the arm's own outline holds no piece thinner than twice this (a wisp of hair beside it)
MIN_PIXELS = 10  # fewer pixels than this (the bone's core, a colour of the hair) tell nothing
HAIR_ARM = 0.6  # an upper arm cut above its elbow is hair when this share of it runs on from the hair above the nose
BIN = 24.0  # (Lab, 8-bit) the hair's colours are binned this coarsely ...
BIN_SHARE = 0.05  # ... and a bin with this share of its pixels is one of its colours (its shades, lit and dark)


def hair_to_body(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, joints: np.ndarray, axis_of: dict,
                 radii: dict, sw: float) -> np.ndarray:
    """``lab`` with the pixels of each arm that are hair hanging from the head given to the torso.

    ``lab``: part labels at the analysis size; ``labc``: the small image's ``parts.blurred_lab``; ``m``: the
    figure; ``joints`` at the analysis size; ``axis_of``/``radii``: each limb's distance from its bone and its
    radius; ``sw`` the shoulder width. Only the upper arms: the hair falls over the shoulders, and a forearm may
    rise to the head. An upper arm the picture cuts off above its elbow that shows only hair is the body's whole
    (:func:`_arm_of_hair`); the hair's pale tips against a bright backdrop are the body's too (:func:`_pale_tips`)."""
    torso_i = PARTS.index("torso")
    body = m & np.isin(lab, [torso_i, PARTS.index("head")])
    palette, above = hair_palette(labc, body, joints)
    level = len(above)  # the nose's row: the hair is read above it
    out = lab.copy()
    if not palette:
        return out
    backdrop = cv2.dilate((~m).astype(np.uint8), None) > 0  # the figure's outline and what lies beyond it
    for part in radii:
        if not part.endswith("upper_arm"):
            continue
        arm, own = arm_colour(lab, labc, m, axis_of, radii, part)
        if own is None:
            continue
        if _arm_of_hair(labc, arm, body, own, palette, above, joints, part):
            out[arm] = torso_i
            continue
        hair = np.zeros_like(m)
        for colour in palette:
            if lab_distance(colour, own) > HAIR_APART:
                hair |= lab_distance(labc, colour) < HAIR_ALIKE
        hair &= (body | arm) & (lab_distance(labc, own) > HAIR_APART)
        # joined to the hair above by more than a strand: a strand alone over the sleeve, or one across the
        # matte's soft rim, floated beside the hair once the arm moved away
        hair = cv2.morphologyEx(hair.astype(np.uint8), cv2.MORPH_OPEN, disc(STRAND)).astype(bool)
        pieces, _ = ndimage.label(hair)
        high = np.unique(pieces[:level][above & hair[:level]])
        # a lock smaller than a piece of hair: moved off the arm, it left the body painted under the sleeve
        # showing through between its strands, bright specks in the hair (TikTok character 5)
        moved, n = ndimage.label(np.isin(pieces, high[high > 0]) & arm)
        size = np.asarray(ndimage.sum(moved > 0, moved, range(1, n + 1)))
        # ... but a strand on the sleeve's outline, against the background, shows no body behind it: left on the
        # arm, it flapped beside the hair as a ragged spike on the sleeve's top (TikTok character 5's left sleeve)
        outline = np.asarray(ndimage.maximum(backdrop, moved, range(1, n + 1)), bool)
        hair_on = (size >= (LOCK * sw) ** 2) | outline
        hair_on[outline] &= ~_blends(labc, moved, 1 + np.flatnonzero(outline), own, m)
        out[np.isin(moved, 1 + np.flatnonzero(hair_on))] = torso_i
        out[_pale_tips(labc, arm, body, own, palette, joints, part, sw, m)] = torso_i
    return out


def _pale_tips(labc: np.ndarray, arm: np.ndarray, body: np.ndarray, own: np.ndarray, palette: list[np.ndarray],
               joints: np.ndarray, part: str, sw: float, m: np.ndarray) -> np.ndarray:
    """The pixels of an upper ``arm`` that are the hair's wispy tips against a bright backdrop: pieces outside the
    arm's own outline (thinner than 2 TIP shoulder widths), hanging from above the shoulder, at least a LOCK long
    and joined to the ``body``, of one of the hair's colours (``palette``) blended with the backdrop beside them
    and not of the arm's ``own`` blended with it. Backlit tips are neither of the hair's colours nor the arm's, so
    the hair's colour test missed them: the arm carried them off as a pale strip and left the hair ending in a
    straight cut (TikTok character 3's tips against the window). ``joints`` at the analysis size, ``sw`` the
    shoulder width, ``m`` the figure."""
    h, w = arm.shape
    side = "left" if part.startswith("l_") else "right"
    shoulder, elbow = joints[J[f"{side}_shoulder"]], joints[J[f"{side}_elbow"]]
    bone = elbow - shoulder
    ys, xs = np.mgrid[0:h, 0:w]
    along = ((xs - shoulder[0]) * bone[0] + (ys - shoulder[1]) * bone[1]) / max(float(np.linalg.norm(bone)), 1e-6)
    outline = cv2.morphologyEx(arm.astype(np.uint8), cv2.MORPH_OPEN, disc(max(1, round(TIP * sw)))).astype(bool)
    pieces, n = ndimage.label(arm & ~outline)
    if n == 0:
        return np.zeros_like(arm)
    ids = range(1, n + 1)
    joined = np.asarray(ndimage.maximum(cv2.dilate(body.astype(np.uint8), None) > 0, pieces, ids), bool)
    # hanging from above the shoulder (behind it along the bone), as long as a lock; a shorter piece is the
    # shoulder's corner, which the outline rounds off
    top, end = np.asarray(ndimage.minimum(along, pieces, ids)), np.asarray(ndimage.maximum(along, pieces, ids))
    ids = 1 + np.flatnonzero(joined & (top < 0) & (end - top >= LOCK * sw))
    hair = np.zeros(len(ids), bool)
    for colour in palette:
        hair |= _blends(labc, pieces, ids, colour, m)
    ids = ids[hair & ~_blends(labc, pieces, ids, own, m)]
    return np.isin(pieces, ids)


def _arm_of_hair(labc: np.ndarray, arm: np.ndarray, body: np.ndarray, own: np.ndarray, palette: list[np.ndarray],
                 above: np.ndarray, joints: np.ndarray, part: str) -> bool:
    """Whether an upper arm the picture cuts off above its elbow shows nothing but hair: its own colour one of the
    hair's, and its pixels of that colour joined to the hair above the nose. A selfie's shoulder under long hair
    was labelled arm and carried on past the picture's edge as a black sleeve (TikTok character 5 cut at 60% of
    her height); given to the body, the arm is drawn from its twin instead."""
    h, w = arm.shape
    x, y = joints[J[f"{'left' if part.startswith('l_') else 'right'}_elbow"]]
    if 0 <= x < w and 0 <= y < h:
        return False
    alike = [colour for colour in palette if lab_distance(colour, own) < HAIR_ALIKE]
    if not alike:
        return False
    level = len(above)
    hair = np.zeros(arm.shape, bool)
    for colour in alike:
        hair |= lab_distance(labc, colour) < HAIR_ALIKE
    pieces, _ = ndimage.label(hair & (arm | body))
    high = np.unique(pieces[:level][above & hair[:level]])
    joined = np.isin(pieces, high[high > 0]) & arm
    return bool(joined.sum() >= HAIR_ARM * arm.sum())


def _blends(labc: np.ndarray, pieces: np.ndarray, ids: np.ndarray, own: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Per piece ``ids`` of ``pieces`` (on an arm's outline): whether it is the colour ``own`` (the arm's, or one of
    the hair's) blended with the backdrop beside it (``labc`` the small image in Lab, ``m`` the figure): its median
    colour within BLEND of the line between the two. A bare shoulder's soft rim against a lilac wall is as lilac as
    silver hair: given to the body as a strand of it, it stayed behind as a thin skin-coloured flap when the arm
    moved (TikTok character 2 cut at her chest)."""
    out = np.zeros(len(ids), bool)
    for k, i in enumerate(ids):  # (a few strands)
        piece = pieces == i
        ring = cv2.dilate(piece.astype(np.uint8), disc(RING)).astype(bool) & ~m
        if ring.sum() < MIN_PIXELS:
            continue
        towards = np.median(labc[ring], axis=0) - own
        colour = np.median(labc[piece], axis=0) - own
        t = float(np.clip(colour @ towards / max(float(towards @ towards), 1e-6), 0.0, 1.0))
        out[k] = float(np.linalg.norm(colour - t * towards)) < BLEND
    return out


def hanging_hair(labc: np.ndarray, labels: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """The body's pixels (head and torso in ``labels``, part indices at ``labc``'s size) of hair hanging from
    the head: of one of the colours of the head's hair (``labc``: the image in Lab, ``joints`` at its size), in
    a piece of that colour running on unbroken from above the nose (a shirt or skin of a colour the palette
    holds lies apart from the hair on the head)."""
    body = np.isin(labels, [PARTS.index("torso"), PARTS.index("head")])
    palette, above = hair_palette(labc, body, joints)
    level = len(above)
    hair = np.zeros(labels.shape, bool)
    for colour in palette:
        pieces, _ = ndimage.label(body & (lab_distance(labc, colour) < HAIR_ALIKE))
        high = np.unique(pieces[:level][above])
        hair |= np.isin(pieces, high[high > 0])
    return hair


def arm_colour(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, axis_of: dict, radii: dict,
               part: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(``part``'s pixels in the figure ``m``, their own colour in ``labc`` or None): the median within CORE of its
    radius from its bone, where neither the hair over it nor the outline's blend reaches; None from fewer than
    MIN_PIXELS there. The rules that tell hair, bands and edges from a sleeve all start from it."""
    arm = m & (lab == PARTS.index(part))
    core = arm & (axis_of[part] < CORE * radii[part])
    return arm, (np.median(labc[core], axis=0) if core.sum() >= MIN_PIXELS else None)


def hair_palette(labc: np.ndarray, body: np.ndarray, joints: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """(the colours of the head's hair, the ``body`` pixels above the nose not of the face's colour they are
    read from): the body's pixels above the nose far from the colour at the nose."""
    nose = joints[J["nose"]]
    level = int(np.clip(nose[1], 0, len(labc)))
    y, x = min(level, len(labc) - 1), int(np.clip(nose[0], 0, labc.shape[1] - 1))
    face = np.median(labc[max(0, y - FACE_PATCH):y + FACE_PATCH + 1, max(0, x - FACE_PATCH):x + FACE_PATCH + 1]
                     .reshape(-1, 3), axis=0)
    above = body[:level] & (lab_distance(labc[:level], face) > HAIR_APART)
    return main_colours(labc[:level][above]), above


def main_colours(pixels: np.ndarray) -> list[np.ndarray]:
    """The main colours among ``pixels`` ([n, 3] Lab): the mean of each coarse colour bin holding at least
    MIN_PIXELS and BIN_SHARE of them (hair runs from its dark shade to its lit strands: one median is neither)."""
    if len(pixels) < MIN_PIXELS:
        return []
    # each pixel's bin as one number, ordered as its (L, a, b) bin indices are: counted with a bincount, not a
    # sort of the rows (np.unique over rows took 0.1-0.4 s a character)
    bins = (pixels // BIN).astype(np.int64)
    bins -= bins.min(axis=0)
    span = bins.max(axis=0) + 1
    which = (bins[:, 0] * span[1] + bins[:, 1]) * span[2] + bins[:, 2]
    keep = np.flatnonzero(np.bincount(which) >= max(MIN_PIXELS, BIN_SHARE * len(pixels)))
    return [pixels[which == k].mean(axis=0) for k in keep]

"""Pieces of the backdrop the matte took in along an arm's outline: off the figure.

The person mask spills over a pale sleeve's edge where the backdrop behind it is pale too: half-length TikTok
character 4's picture-left shoulder took in a patch of bright sky between her hair and her T-shirt's sleeve
(about 20 x 12 pixels, near white where the sleeve is light blue). Labelled as the arm, it rose with the arm as
a white blob at the end of the sleeve's top outline, beside her body (the mannequin dance, frames 30-110; clip 0
throughout). The matte's own cleaning (:func:`.matte.without_backdrop`) judges such a piece on a small copy, where
its few pixels blend with the sleeve and with the dark leaves round the sky; here it is judged at full size, along
the arm's outline only: a piece of it there in colours the arm shows nowhere further in and that the backdrop just
beyond the outline does show is the backdrop's.
"""
from __future__ import annotations

import math

import cv2
import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from .matte import CUT_FADE
from .model import LAYERS, PARTS
from .morphology import disc

RIM_DEPTH = 0.05  # (shoulder widths) how deep from the matte's outline a piece of the backdrop may reach in
OWN_DEPTH = 0.08  # (shoulder widths) the arm's own colours are those this far and further in from its outline
OFF_ARM = 25.0  # (CIE Lab, 8-bit) a pixel this far from the colours the arm shows further in ...
RARE = 0.02  # ... but for less than this share of them is not the arm's (a speck of the print there, near white) ...
ON_BACKDROP = 15.0  # ... and one this near a colour of the backdrop beside it ...
SEEN = 0.01  # ... that at least this share of it shows may be the backdrop's (not a stray pixel or two: the close-up
#              mannequin's shaded forearm matched one pixel of its own skin the matte left out, and a strip of it went)
BACKDROP_SHARE = 0.6  # a piece this much of whose pixels are so is the backdrop's ...
BLEND_OFF = 0.25  # ... unless its colour lies this near (a share of their distance) the line from the arm's colour
#                   to the backdrop's (its commonest): a blend of the two, a blurred outline's
THICK = 0.012  # (shoulder widths) a piece thinner than twice this everywhere is the outline's blend ...
LEAST = 0.001  # (shoulder widths squared) ... and so is a smaller one: left to its soft edge
SAMPLES = 400  # colours sampled from the arm and from the backdrop to compare with
BLUR = 2  # (pixels) the pieces' blur into the arm (pale blends of the sky and the sleeve) goes with them ...
EDGE = 3.0  # (pixels) ... the cut's edge is smoothed over this (a Gaussian's sigma), the matte rising from it
# over matte.CUT_FADE


def _sampled(reference: np.ndarray) -> np.ndarray:
    """A fixed sample of SAMPLES of ``reference`` [M, 3] (all of it when fewer)."""
    if len(reference) <= SAMPLES:
        return reference
    return reference[np.random.default_rng(0).choice(len(reference), SAMPLES, replace=False)]


def _near_share(colours: np.ndarray, reference: np.ndarray, within: float) -> np.ndarray:
    """For each of ``colours`` [N, 3] (whole Lab numbers), the share of (a sample of) ``reference`` [M, 3] less than
    ``within`` from it. A k-d tree counts them: every pixel of an arm's outline band against every sample was a
    tenth of a second per arm. Between whole numbers a distance under ``within`` is one at most ``within`` less a
    thousandth (the tree counts up to its radius, inclusive)."""
    ref = _sampled(reference)
    count = cKDTree(ref).query_ball_point(colours, within - 1e-3, return_length=True)
    return np.asarray(count, np.float32) / len(ref)


def backdrop_off_arms(matte: np.ndarray, labels: np.ndarray, image: np.ndarray,
                      shoulder_width: float) -> tuple[np.ndarray, np.ndarray]:
    """(matte, part labels) less the pieces of the backdrop along the arms' outlines (see the module): their
    pixels are no part's and out of the matte. ``matte`` HxW float32 0..1, ``labels`` HxW part indices (-1 none),
    ``image`` RGB; unchanged where no such piece lies."""
    solid = matte >= 0.5
    outside = cv2.distanceTransform(solid.astype(np.uint8), cv2.DIST_L2, 3)
    rim = max(2, round(RIM_DEPTH * shoulder_width))
    thick = max(1, round(THICK * shoulder_width))
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    beyond = ~solid & (cv2.distanceTransform((~solid).astype(np.uint8), cv2.DIST_L2, 3) <= rim) & (matte < 0.05)
    gone = np.zeros(labels.shape, bool)
    for name in ("arm_l", "arm_r"):
        arm = np.isin(labels, [PARTS.index(p) for p in LAYERS[name]]) & solid
        own = arm & (outside > OWN_DEPTH * shoulder_width)
        near = arm & (outside <= rim)
        if own.sum() < 20 or not near.any() or not beyond.any():
            continue
        off = np.zeros(labels.shape, bool)
        off[near] = _near_share(lab[near], lab[own], OFF_ARM) < RARE
        pieces, n = ndimage.label(off, structure=np.ones((3, 3)))
        if n == 0:
            continue
        # (only pieces open to the backdrop: a print or a fold inside the outline's band is the arm's own)
        touching = np.unique(pieces[cv2.dilate((~solid).astype(np.uint8), None).astype(bool) & off])
        for k in touching[touching > 0]:
            piece = pieces == k
            if piece.sum() < LEAST * shoulder_width ** 2:
                continue
            # (a patch, not the outline's blended rim: a strip along it, however long, is no thicker than the blur)
            if not cv2.erode(piece.astype(np.uint8), disc(thick)).any():
                continue
            around = cv2.dilate(piece.astype(np.uint8), disc(rim)).astype(bool) & beyond
            if not around.any():
                continue
            if (_near_share(lab[piece], lab[around], ON_BACKDROP) >= SEEN).mean() < BACKDROP_SHARE:
                continue
            # (not a blend of the arm's colour there and the backdrop's: a blurred outline's is, however thick)
            there = own & cv2.dilate(piece.astype(np.uint8), disc(2 * rim)).astype(bool)
            if there.sum() < 10:
                there = own
            a, b, c = (np.median(lab[px], axis=0) for px in (there, around, piece))
            t = float(np.clip((c - a) @ (b - a) / max(float((b - a) @ (b - a)), 1e-6), 0.0, 1.0))
            if np.linalg.norm(c - a - t * (b - a)) < BLEND_OFF * np.linalg.norm(b - a):
                continue
            # (with its soft rim outside the solid matte: the same sky, blended)
            gone |= (piece | (cv2.dilate(piece.astype(np.uint8), disc(rim)).astype(bool) & ~solid)) & (labels >= 0)
    return _cut(matte, labels, gone) if gone.any() else (matte, labels)


def _cut(matte: np.ndarray, labels: np.ndarray, gone: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(matte, labels) with ``gone`` (HxW bool) cut out along a smooth, soft edge. The pieces' boundary is a
    colour test's, pixel by pixel: cut there, the sleeve's outline kept its spikes and hooks, drawn hard (the matte
    1 beside 0), and the pieces' blur into the sleeve stayed on it as a pale rim; posed, they stood out of the
    outline as pale specks and a pale hook by the hair (half-length character 4, clip 0, frames 40-46). The cut
    goes BLUR deeper, the arm's solid pixels the smoothed edge (EDGE) leaves out go with the pieces, and the matte
    rises from the cut over CUT_FADE (the pixels beyond it are no part's, so the arm's soft edge lies within it)."""
    gone = gone | (cv2.dilate(gone.astype(np.uint8), disc(BLUR)).astype(bool) & (labels >= 0))
    kept = (matte >= 0.5) & ~gone
    near = cv2.dilate(gone.astype(np.uint8), disc(round(2 * EDGE))).astype(bool)
    smooth = cv2.GaussianBlur(kept.astype(np.float32), (0, 0), EDGE) >= 0.5
    removed = gone | (near & kept & ~smooth)
    soft = np.minimum(cv2.distanceTransform((kept & ~removed).astype(np.uint8), cv2.DIST_L2, 5) / CUT_FADE, 1.0)
    edge = cv2.dilate(removed.astype(np.uint8), disc(math.ceil(CUT_FADE))).astype(bool)
    out_m, out_l = matte.copy(), labels.copy()
    out_m[edge] = np.minimum(matte[edge], soft[edge])
    out_m[removed] = 0.0
    out_l[removed] = -1
    return out_m, out_l

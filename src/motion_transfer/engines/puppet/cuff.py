"""A sleeve's cuff ends in one edge: where a forearm's sleeve, in a colour unlike its hand's, meets what lies
beside and below it near the wrist (the hand, the hip, a chair), each pixel within CUFF_BAND of the forearm's
outline goes to the side whose colour it is nearer.

The parts are cut on a small copy of the picture and the cuff's blurred hem straddles its cells: TikTok character
0's right cuff over her white trousers, by a white chair, had its inner corner on the torso, the dark half of its
hem on the hand and on the torso in teeth and threads, and the chair's light pixels on the forearm. Moved, the
sleeve ended in a ragged fringe. At full size, with the colours on either side known, the edge is where the
blend is half one, half the other."""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J, shoulder_span
from .along_lines import flat_art
from .fill import lab_distance, smooth_fill
from .model import LEG_PARTS, PARTS
from .outlines import drawn_lines
from .parts import ANALYSIS_LONG_SIDE

CUFF_REACH = 0.35  # (shoulder widths) how far from the wrist the cuff's edge is looked for
CUFF_BAND = 0.04  # (shoulder widths) how far either side of the forearm's outline a pixel may change side
SLEEVE_APART = 40.0  # (Lab, 8-bit) a sleeve this far from its hand's colour ends in a cuff (a bare forearm does not)
OTHER_SHARE = 0.5  # ... and a pixel further from the sleeve's colour than this share of the way to the hand's
# is surely what lies beside it, not the hem's blur (character 0's black cuff blurs into the white trousers over
# 6-8 px: its dark half is 60-70 from the sleeve, the hand 160)
LEAST = 50  # the fewest pixels of the forearm and of the hand whose colours are read


def cuff_edges(labels: np.ndarray, image: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """``labels`` (HxW part indices, -1 the background) with each sleeved forearm's cuff cut along its colour edge
    near the wrist: a pixel of the forearm's hand, the torso or the legs nearer the sleeve's colour than the colour
    beside the sleeve there goes to the forearm, a pixel of the forearm nearer that colour to the torso or the leg
    beside it (none beside it: it stays; on the figure's outline, to none: :func:`_off_the_figure`). Drawn art is
    left as it is, its parts cut along its lines (its wrists' outlines went to the forearms: the cartoon girl's, the
    fox's, the robot's), and so is art in flat colours (:func:`.along_lines.flat_art`: the teddy bear's lighter paws
    read as hands below a brown sleeve, and the fur the cut moved made its arm's cut through the body no longer the
    flat colour's, drawn shaded). ``image`` the picture (RGB uint8) at the labels' size, ``joints``
    [33, 2] in its pixels."""
    sw = shoulder_span(joints, 1.0)
    if _drawn(image, labels >= 0, sw) or flat_art(image, labels >= 0):
        return labels
    band = max(2, round(CUFF_BAND * sw))
    lab = cv2.cvtColor(cv2.GaussianBlur(image, (0, 0), 1.0), cv2.COLOR_RGB2LAB).astype(np.float32)
    out = labels.copy()
    H, W = labels.shape
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    for side, prefix in (("left", "l"), ("right", "r")):
        fi, hi = PARTS.index(f"{prefix}_lower_arm"), PARTS.index(f"{prefix}_hand")
        forearm, hand = out == fi, out == hi
        core = cv2.erode(forearm.astype(np.uint8), None, iterations=band).astype(bool)
        if core.sum() < LEAST or hand.sum() < LEAST:
            continue
        sleeve = np.median(lab[core], axis=0)
        apart = float(np.linalg.norm(sleeve - np.median(lab[hand], axis=0)))
        if apart < SLEEVE_APART:
            continue
        wrist = joints[J[f"{side}_wrist"]]
        near = np.hypot(xx - wrist[0], yy - wrist[1]) < CUFF_REACH * sw
        body_parts = [PARTS.index("torso"), *(PARTS.index(p) for p in LEG_PARTS[side])]
        takers = np.isin(out, [hi, *body_parts])
        beyond = cv2.distanceTransform((~forearm).astype(np.uint8), cv2.DIST_L2, 3) <= band  # (0 on the forearm)
        within = cv2.distanceTransform(forearm.astype(np.uint8), cv2.DIST_L2, 3) <= band  # (0 off it)
        zone = near & ((beyond & takers) | (within & forearm))
        if not zone.any():
            continue
        to_sleeve = lab_distance(lab, sleeve)
        other = near & (out >= 0) & ~forearm & (to_sleeve > OTHER_SHARE * apart)
        if other.sum() < LEAST:
            continue
        beside = smooth_fill(lab, other)  # the colour beside the sleeve, spread over it
        sleeve_side = to_sleeve < lab_distance(lab, beside)
        grown = (forearm & ~zone) | (zone & sleeve_side)
        # only what joins the sleeve away from the cuff is the sleeve (no dark speck of the hand's own)
        pieces, _ = ndimage.label(grown)
        kept = np.isin(pieces, np.unique(pieces[forearm & ~zone]))
        kept &= pieces > 0
        out[kept & ~forearm] = fi
        body = np.isin(out, body_parts)
        if body.any():
            far, (iy, ix) = ndimage.distance_transform_edt(~body, return_indices=True)
            taken = forearm & ~kept & (far <= 2 * band)
            out[taken] = out[iy[taken], ix[taken]]
            out[_off_the_figure(out, taken)] = -1
    return out


def _off_the_figure(labels: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """HxW bool: what the forearm gives up (``taken``) on the figure's outline, each piece of it touching the
    background: the backdrop the matte took in beside the sleeve, past the sleeve's outline, not the body.

    Given to the body, it stood out of the body's outline as a ledge once the arm moved away: character 0's
    right cuff hangs by a white chair's bar over a grey wall; the forearm's cut held the wall between the sleeve and
    the bar, and the bar's top, and the torso kept them, a step in her hip's outline with the bar's top as a pale
    nub on it. Colour does not tell: the bar is as light as her white trousers. The body's own pixels beside a sleeve
    are the body's cut already, not the forearm's (the cut gives the forearm only its tube round the bone)."""
    on_outline = taken & cv2.dilate((labels < 0).astype(np.uint8), None).astype(bool)
    if not on_outline.any():
        return on_outline
    pieces, _ = ndimage.label(taken, np.ones((3, 3)))
    touching = np.unique(pieces[on_outline])
    return np.isin(pieces, touching[touching > 0])


def _drawn(image: np.ndarray, figure: np.ndarray, sw: float) -> bool:
    """Whether the figure is outlined drawn art, judged as :func:`.parts.label_parts` judges it (on its small copy:
    at full size a cartoon's soft lines fall short of :func:`.outlines.drawn_lines`' share)."""
    H, W = figure.shape
    s = min(1.0, ANALYSIS_LONG_SIDE / max(H, W))
    size = (max(4, round(W * s)), max(4, round(H * s)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    m = cv2.resize(figure.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.5
    return drawn_lines(small, m, sw * s) is not None

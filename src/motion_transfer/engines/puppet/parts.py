"""Body parts: every matte pixel goes to a part (head, torso, upper/lower arms, hands, upper/lower legs, feet).

Each pixel goes to the part it is nearest to (limbs measured from their surface, the torso from its
shoulder-hip quadrilateral); where that is uncertain (an arm lying against the body) the layer borders are moved
onto the image's colour edges (a watershed seeded with the certain pixels), and a limb whose colour differs from
the torso's (a bare arm over a shirt) takes the pixels of its colour next to it.
"""
from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J, shoulder_span
from .edgearm import arms_at_bottom_edge
from .extras import attach_extras, whole_hands
from .fill import below_shoulders, lab_distance, shade_of, shades_of
from .hair import hair_to_body
from .hair_edge import hair_edge_off_sleeves
from .model import (ALONG_SIDE, ARM_PARTS, LAYER_NAMES, LAYER_OF_PART, LAYERS, LEG_PARTS, LIMB_PARTS, PARTS,
                    part_segment, part_visibility, segment_distance, torso_quad)
from .morphology import count_pieces, disc
from .outlines import drawn_lines, outlines_to_front
from .palms import palms_on_body
from .resting_bands import resting_bands_to_torso
from .seam import CREASE_CONTRAST, CREASE_WIDTH, crease_darkness, sleeve_seam_cut

ANALYSIS_LONG_SIDE = 512  # part labels and distances are computed at this size
LABELLED = 0.02  # a pixel of the matte more solid than this is labelled (its soft rim too)
HAND_REACH = 1.2  # the hand's pixels reach this far along wrist -> knuckles (the fingers go on past them)


def part_segments(joints: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The segment each part's pixels are measured from (image pixels): the limbs' bones (the hand's reaching on
    past the knuckles to the fingertips) and the head's axis, from below its centre to its crown."""
    ms = (joints[J["left_shoulder"]] + joints[J["right_shoulder"]]) / 2
    hc = joints[:11].mean(axis=0)
    up = hc - ms
    segs = {"head": (hc - 0.15 * up, hc + 0.45 * up)}
    for part in LIMB_PARTS:
        a, b = part_segment(part, joints)
        segs[part] = (a, a + HAND_REACH * (b - a)) if part.endswith("hand") else (a, b)
    return segs


# usual limb radius as a fraction of the shoulder width
LIMB_RADIUS = {"upper_arm": 0.13, "lower_arm": 0.1, "hand": 0.11, "upper_leg": 0.2, "lower_leg": 0.13, "foot": 0.09}


def _behind(part: str, jj: np.ndarray, vis: np.ndarray, depth: np.ndarray, h: int, w: int, side_view: bool) -> bool:
    """An arm part the pose model sees poorly all along, elbow and wrist, though they lie inside the image: it is
    hidden behind the body (a side view's far arm), and the pixels where the model guesses it are the body's
    own; labelled as the arm, a strip of the shirt's front swung with the motion's arm (TikTok character 1). In a
    side view the far arm (its shoulder the deeper one) is hidden so also where the picture ends above its elbow:
    cut at her chest, character 1's far shoulder lies on her T-shirt's front, and the bare shoulder's visibility
    made the front an arm (torn off the chest by the motion, the print went with it)."""
    side = "left" if part.startswith("l_") else "right"
    other = "right" if side == "left" else "left"
    ends = [J[f"{side}_elbow"], J[f"{side}_wrist"]]
    inside = all(0 <= jj[k, 0] < w and 0 <= jj[k, 1] < h for k in ends)
    far = side_view and depth[J[f"{side}_shoulder"]] > depth[J[f"{other}_shoulder"]]
    return (inside or far) and float(vis[ends].max()) < 0.5


def label_parts(matte: np.ndarray, joints: np.ndarray, vis: np.ndarray, depth: np.ndarray | None = None,
                image: np.ndarray | None = None) -> tuple[np.ndarray, list[str]]:
    """Part index per pixel (-1 = background) at the matte's size, and the parts in use (index order = PARTS).

    Each pixel goes to the part it is nearest to (limbs measured from their surface, the torso from its
    shoulder-hip quadrilateral). With ``image``, the layer borders where that is uncertain (an arm lying against
    the body) are then moved onto the image's colour edges by a watershed seeded with the certain pixels.
    """

    H, W = matte.shape
    depth = np.zeros(33) if depth is None else depth
    s = min(1.0, ANALYSIS_LONG_SIDE / max(H, W))
    w, h = max(4, round(W * s)), max(4, round(H * s))
    m = cv2.resize(matte, (w, h), interpolation=cv2.INTER_AREA) > 0.5
    jj = joints * s
    depth = depth * s
    py, px = np.mgrid[0:h, 0:w].astype(np.float32)
    dt = ndimage.distance_transform_edt(m)
    segs = part_segments(jj)
    scores = np.full((len(PARTS), h, w), np.inf, np.float32)
    used = []
    radii: dict[str, float] = {}
    # each limb part's distance from its bone, per pixel: measured once, for the scores and every refinement
    axis_of: dict[str, np.ndarray] = {}
    axis_core = np.full((h, w), -1, np.int16)
    hidden_axis = np.full((h, w), -1, np.int16)  # the axes of limbs the image shows poorly (behind something)
    # the body's width, the scale of every limb's radius: the shoulder line, or in a side view (the shoulder line
    # shorter than half the spine: the shoulders overlap) three quarters of the spine
    spine = float(np.linalg.norm((jj[J["left_shoulder"]] + jj[J["right_shoulder"]]) / 2 -
                                 (jj[J["left_hip"]] + jj[J["right_hip"]]) / 2))
    sw = shoulder_span(jj, 2.0)
    side_view = sw < 0.5 * spine
    if side_view:
        sw = 0.75 * spine
    # torso: signed distance to the shoulder-hip quadrilateral; inside, a limb within its own radius wins
    # (a forearm across the belly is in front of it), unless the image's depth puts that limb behind the body
    quad = torso_quad(jj)
    qmask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(qmask, np.round(quad).astype(np.int32), 1)
    d_edges = np.min([segment_distance(px, py, quad[i], quad[(i + 1) % 4]) for i in range(4)], axis=0)
    scores[PARTS.index("torso")] = np.where(qmask > 0, np.maximum(-d_edges - 0.05 * sw, -0.03 * sw),
                                            d_edges - 0.05 * sw)
    used.append("torso")
    # head: distance to its axis minus its radius
    ears = float(np.linalg.norm(jj[J["left_ear"]] - jj[J["right_ear"]]))
    a, b = segs["head"]
    r_head = max(0.5 * ears, 0.35 * float(np.linalg.norm(b - a)), 2.0)
    scores[PARTS.index("head")] = segment_distance(px, py, a, b) - r_head
    used.append("head")
    inside = (jj[:, 0] >= 0) & (jj[:, 0] < w) & (jj[:, 1] >= 0) & (jj[:, 1] < h)
    for part in LIMB_PARTS:
        seen = part_visibility(part, vis, inside[:len(vis)] if part in ARM_PARTS["left"] + ARM_PARTS["right"] else None)
        if seen < 0.15 or (part.endswith("_arm") and _behind(part, jj, vis, depth, h, w, side_view)):
            continue
        a, b = segs[part]
        length = float(np.linalg.norm(b - a))
        if length < 1.0:
            continue
        # the limb's radius: the silhouette's thickness along its middle where the limb stands free, never
        # more than 1.5x the usual human proportion (a limb lying against the body has no edge to measure)
        ts = np.linspace(0.25, 0.75, 9)
        samples = [a + t * (b - a) for t in ts]
        vals = [dt[int(np.clip(p[1], 0, h - 1)), int(np.clip(p[0], 0, w - 1))] for p in samples]
        default = LIMB_RADIUS[part[2:]] * sw
        measured = float(np.median(vals))
        # a limb over the body has no edge in the silhouette: its thickness is unknown, take the usual one
        r = float(np.clip(measured, 0.6 * default, 1.3 * default)) if measured < 1.3 * default else default
        axis_d = segment_distance(px, py, a, b)
        score = axis_d - r
        # the pose model's depth is unreliable for limbs over the body, its visibility is not: a poorly
        # visible limb is behind the body in the image, and the torso keeps its pixels
        hidden = seen < 0.5
        if hidden:
            score = np.where(qmask > 0, score + r + 0.1 * sw, score)
        scores[PARTS.index(part)] = score
        radii[part] = r
        axis_of[part] = axis_d
        used.append(part)
        core = (axis_d < 0.4 * r) & m
        if not hidden:  # the limb's own axis is certainly the limb (it is drawn in front)
            axis_core[core] = LAYER_OF_PART[PARTS.index(part)]
        else:
            hidden_axis[core] = LAYER_OF_PART[PARTS.index(part)]
    small = None if image is None else cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
    soft_lab = None if small is None else blurred_lab(small)  # the colour steps below compare colours in it
    if small is not None:
        _hands_before_legs(scores, small, m, jj, vis, sw)
    lab = np.argmin(scores, axis=0).astype(np.int16)
    if small is not None:
        lab = _refine_layers(lab, scores, small, m, sw, axis_core)
        lab = _colour_refine(lab, soft_lab, m, m & (qmask > 0), axis_of, segs, radii, sw,
                             cv2.dilate(qmask, None, iterations=max(1, int(0.15 * sw))) > 0)
        lab = _outline_cut(lab, scores, small, m, axis_of, radii, axis_core)
        lab = crease_cut(lab, scores, small, m, px, py, segs, radii, sw, quad)
    reached = _within_reach(lab, scores, axis_of, radii)
    puffs = np.full(lab.shape, -1, np.int16) if side_view else \
        outer_puffs(lab, reached, segs, quad, scores[PARTS.index("torso")])
    lab = reached
    if small is not None:
        lab = sleeves_to_arms(lab, soft_lab, m, axis_of, radii, sw)
    lab = smooth_arm_outlines(lab, scores, m, radii, kept_ends(segs, radii, w, h), small)
    if small is not None:  # a short sleeve of the shirt's colour: cut along its seam
        lab = sleeve_seam_cut(lab, soft_lab, m, segs, radii, LIMB_RADIUS["upper_arm"] * sw, sw, quad)
        drawn = drawn_lines(small, m, sw) is not None
        lab, bumps = rim_to_torso(lab, soft_lab, m, segs, quad, sw, drawn)
        lab = shaded_sides_to_arms(lab, soft_lab, m, segs, quad, sw, drawn)
        lab = shirt_beside_bare_arm(lab, soft_lab, m, segs, axis_of, radii, sw)
    lab = np.where((puffs >= 0) & (lab == PARTS.index("torso")), puffs, lab)
    lab = strips_beyond_arms(lab, scores, m, qmask > 0, sw, segs)
    if small is not None:
        lab = arms_at_bottom_edge(lab, small, m, jj, sw)
    lab = attach_extras(lab, scores.min(axis=0), m, sw, small, axis_core, jj)  # tails, buns, capes: whole, one part
    backdrop = m & (lab < 0)  # pieces of the background the matte took in: no part's, and out of the figure
    m = m & ~backdrop
    if small is not None:  # a glove, a mitten, a ball in the hand: whole, the hand's; a drawn outline: its part's
        lab = outlines_to_front(whole_hands(lab, small, m, jj, sw), small, m, sw)
        lab = palms_on_body(lab, soft_lab, m, jj, vis, radii)  # a bare hand lying on the trousers: the hand's
    lab[~m] = -1
    lab = rims_to_arms(lab, m, jj, sw)
    if small is not None:  # a flap of the dress beside a bare wrist: the torso's
        lab = cloth_off_bare_forearms(lab, soft_lab, m, m & (qmask > 0), segs, axis_of, radii)
    if small is not None:  # long hair over a shoulder: the body's, not cut along the torso's straight side
        lab = hair_to_body(lab, soft_lab, m, jj, axis_of, radii, sw)
        # a lighter band resting on a dark top's shoulder beside the neck (its rim, the hair's ends): the body's
        lab = resting_bands_to_torso(lab, soft_lab, m, jj, axis_of, radii, sw)
        # the hair's soft edge over a sleeve's top past the torso's side, grey with the sleeve under it: no part's
        # (the filled background shows there, as beside the hair above), cut from the figure as the pieces of
        # backdrop are
        lab = hair_edge_off_sleeves(lab, soft_lab, m, jj, axis_of, radii, sw)
        edge = m & (lab < 0)
        backdrop |= edge
        m = m & ~edge
    # a poorly seen limb's pixels lying along its own bone stay that limb, even cut off from the rest of the arm
    # by the other arm crossing it (the layer is joined again where the crossing arm hid it: fill.hidden_limb)
    lab = one_piece_per_layer(lab, axis_core, qmask > 0, hidden_axis)
    untoothed = teeth_between_arms(lab, scores, m, radii)
    if (untoothed != lab).any():  # a tooth taken off may leave a speck of its arm behind
        lab = one_piece_per_layer(untoothed, axis_core, qmask > 0, hidden_axis)
    if small is not None:  # a bump of nearly an arm's colour beside it goes back to that arm, last: the steps
        # between judge the figure's pieces by the torso they always saw (given back at once, attach_extras gave 13
        # of character 5's hair pixels to the torso instead of the head)
        lab = np.where((bumps >= 0) & (lab == PARTS.index("torso")), bumps, lab)
    # back to full size, the borders between parts interpolated (smooth, not stair-stepped)
    lab_full = _upsample_labels(lab, (W, H))
    full_m = matte > LABELLED
    if backdrop.any():  # with the soft edge around it (left to the nearest label, it drew the piece's outline)
        grown = cv2.dilate(backdrop.astype(np.uint8), None, iterations=2).astype(np.float32)
        full_m &= (cv2.resize(grown, (W, H), interpolation=cv2.INTER_LINEAR) == 0) | (lab_full >= 0)
    # pixels of the (soft) matte outside the small mask: nearest label
    missing = full_m & (lab_full < 0)
    if missing.any():
        _, (iy, ix) = ndimage.distance_transform_edt(lab_full < 0, return_indices=True)
        lab_full = np.where(missing, lab_full[iy, ix], lab_full)
    lab_full[~full_m] = -1
    return lab_full, used


HAND_MARGIN = 0.2  # (shoulder widths) how clearly a hand on a thigh wins its pixels from the leg
HAND_SEEN = 0.5  # a hand seen at least this well is in front of the thigh it lies on; less, its colour must say so


def blurred_lab(small_rgb: np.ndarray) -> np.ndarray:
    """[h, w, 3] float32 CIE Lab (8-bit scale) of ``small_rgb`` slightly blurred: the colours the sleeve, rim,
    shirt and colour refinement steps compare, without the pixel grain that would split a cloth into specks
    (made once per image and handed to each of them)."""
    return cv2.cvtColor(cv2.GaussianBlur(small_rgb, (0, 0), 0.8), cv2.COLOR_RGB2LAB).astype(np.float32)


def _hands_before_legs(scores: np.ndarray, small_rgb: np.ndarray, m: np.ndarray, joints: np.ndarray,
                       vis: np.ndarray, sw: float) -> None:
    """A hand lying on a thigh is in front of it: within the hand's own radius its score beats the legs' (a
    thigh is thicker than a hand, so by distance alone the leg took the hand, which then stayed on the trousers
    while the arm moved on without it: TikTok clip 0, the right hand on the white trousers). A hand the pose
    model sees poorly takes only the pixels that look like skin (the face's colour) more than like the leg
    (the colour along its bone, away from the hand): behind the thigh, it is not there to take. Changes
    ``scores`` in place."""
    legs = [PARTS.index(p) for p in LIMB_PARTS if p[2:] in ("upper_leg", "lower_leg", "foot")
            and np.isfinite(scores[PARTS.index(p)]).any()]
    if not legs:
        return
    labc = None
    for side in ("l", "r"):
        hand = PARTS.index(f"{side}_hand")
        if not np.isfinite(scores[hand]).any():
            continue
        leg_best = scores[legs].min(axis=0)
        contested = m & (scores[hand] < 0) & (leg_best < scores[hand])
        if not contested.any():
            continue
        if part_visibility(f"{side}_hand", vis) < HAND_SEEN:
            if labc is None:
                labc = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
            skin = _patch_colour(labc, joints[J["nose"]], max(2, round(0.05 * sw)))
            leg_of = np.array(legs)[np.argmin(scores[legs], axis=0)]
            for leg in np.unique(leg_of[contested]):
                own = m & (scores[leg] < 0) & (leg_of == leg) & (scores[hand] > 0)
                if own.sum() < 20:
                    contested &= leg_of != leg
                    continue
                leg_colour = np.median(labc[own], axis=0)
                here = contested & (leg_of == leg)
                skin_like = lab_distance(labc, skin) < lab_distance(labc, leg_colour)
                contested &= ~here | skin_like
        # by a clear margin: the layer borders' watershed floods only the uncertain pixels
        scores[hand][contested] = leg_best[contested] - HAND_MARGIN * sw


def _patch_colour(labc: np.ndarray, at: np.ndarray, r: int) -> np.ndarray:
    """The mean colour (Lab) of the square of radius ``r`` around ``at`` (clipped to the image)."""
    h, w = labc.shape[:2]
    x, y = int(np.clip(at[0], 0, w - 1)), int(np.clip(at[1], 0, h - 1))
    return labc[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].reshape(-1, 3).mean(axis=0)


def _outline_cut(lab: np.ndarray, scores: np.ndarray, small_rgb: np.ndarray, m: np.ndarray, axis_of: dict,
                 radii: dict, axis_core: np.ndarray) -> np.ndarray:
    """Each limb's layer cut along its own outline: GrabCut (colour models plus edges) in a band around the limb,
    seeded with the limb's axis (certainly the limb) and with the background and the body far from the limb
    (certainly not). Legs first, then arms (drawn in front, so an arm lying over the body keeps its pixels).

    The cut may only move pixels within the limb's reach (1.8 radii from its bones, ``axis_of`` giving each
    part's distance from its bone per pixel): where colour cannot tell limb from body (a black sleeve on a black
    top) nothing leaks far."""
    out = lab.copy()
    layer_of = np.where(out >= 0, LAYER_OF_PART[np.clip(out, 0, None)], -1)
    bgr = np.ascontiguousarray(small_rgb[:, :, ::-1])
    for li in (3, 4, 1, 2):  # leg_l, leg_r, arm_l, arm_r
        parts = [p for p in radii if LAYER_OF_PART[PARTS.index(p)] == li]
        core = (axis_core == li) & m
        if not parts or core.sum() < 10:
            continue
        nd = np.min([axis_of[p] / max(radii[p], 1.0) for p in parts], axis=0)
        reach = nd < 3.0
        ys, xs = np.nonzero(reach)
        if len(ys) < 50:
            continue
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        sub = (slice(y0, y1), slice(x0, x1))
        mine = (layer_of[sub] == li) & m[sub]
        mask = np.full(mine.shape, cv2.GC_PR_BGD, np.uint8)
        mask[mine] = cv2.GC_PR_FGD
        mask[~m[sub] | (nd[sub] > 2.0)] = cv2.GC_BGD
        mask[core[sub]] = cv2.GC_FGD
        if (mask == cv2.GC_BGD).sum() < 20 or (mask == cv2.GC_PR_BGD).sum() + (mask == cv2.GC_BGD).sum() < 50:
            continue
        bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
        try:
            cv2.grabCut(np.ascontiguousarray(bgr[sub]), mask, None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
        except cv2.error:
            continue
        # the limb's inner part stays the limb whatever the colours say
        cut = (np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)) | (mine & (nd[sub] < 0.6))) & m[sub] & (nd[sub] < 1.8)
        comp, _ = ndimage.label(cut)
        cut = np.isin(comp, np.unique(comp[core[sub] & cut])[1:]) if (core[sub] & cut).any() else cut
        # a refinement of the outline, not a new limb: when the colours cannot tell the limb from what it lies
        # on, the cut swallows or sheds most of it, and the distances' answer stands
        if not 0.7 * mine.sum() <= cut.sum() <= 1.5 * mine.sum():
            continue
        region = out[sub]
        gained = cut & ~mine
        lost = mine & ~cut
        if gained.any():
            idx = np.array([PARTS.index(p) for p in parts])
            region[gained] = idx[np.argmin(scores[idx][:, y0:y1, x0:x1][:, gained], axis=0)]
        if lost.any():
            others = np.flatnonzero(LAYER_OF_PART != li)
            region[lost] = others[np.argmin(scores[others][:, y0:y1, x0:x1][:, lost], axis=0)]
        layer_of[sub] = np.where(region >= 0, LAYER_OF_PART[np.clip(region, 0, None)], -1)
    return out


CREASE_BINS = 8  # an arm's bone is cut into this many cross-sections to follow its crease
ARM_WIDTH = (1.5, 3.0)  # how wide an arm may be (its usual radii), from its outer outline to the crease
CREASE_ALONG = 0.5  # share of a cross-section's length a crease must run along to count there
CREASE_STRAIGHT = 0.15  # (usual radii) how far the crease may stray from a straight line along the bone
CREASE_SLANT = 1.0  # (usual radii) how much closer to the bone the crease may run at one end than at the other
CREASE_STRIP = 0.25  # (usual radii) the narrowest strip of the body beyond the crease worth handing back
CREASE_ON = 0.25  # (bone lengths) how far past the cross-sections that show it the crease is carried on


def crease_cut(lab: np.ndarray, scores: np.ndarray, small_rgb: np.ndarray, m: np.ndarray, px: np.ndarray,
               py: np.ndarray, segs: dict, radii: dict, sw: float, quad: np.ndarray) -> np.ndarray:
    """An arm hanging at the body's side in a sleeve of the top's colour ends at the crease between them.

    Nothing in the colours tells such a sleeve from the top, and the bone the pose model gives runs along the
    arm's inner side (the shoulder joint lies inside the body): the arm's layer, the tube around its bone, took
    a strip of the top as wide as the arm itself (TikTok clip 0: the right arm, twice its width, merged with
    the torso into one black mass once it moved, and the pose model read its forearm folded across the chest).
    What a person sees there is the crease, the thin line of shadow where the arm meets the body. Per
    cross-section of the bone, between the arm's outer outline (the silhouette) and ARM_WIDTH of its usual
    radii in from it, the strongest thin dark line running along the bone; where it runs straight along most
    of the bone, the arm's pixels beyond it go to the body (the best part outside the arm's layer). Only for
    arm bones along the body's side (``quad``: the shoulder-hip quadrilateral): a forearm lying across the
    body has no outline of its own against the wall to measure from."""
    labc = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2LAB)
    k = max(2, round(CREASE_WIDTH * sw))
    crease = (crease_darkness(cv2.GaussianBlur(labc[:, :, 0], (0, 0), 0.7), sw) > CREASE_CONTRAST) & m
    labc = labc.astype(np.float32)
    out = lab.copy()
    torso_centre = quad.mean(axis=0)
    spine = (quad[2] + quad[3] - quad[0] - quad[1]) / 2
    spine = spine / max(float(np.linalg.norm(spine)), 1e-6)
    for part in radii:
        if part[2:] not in ("upper_arm", "lower_arm"):
            continue
        a, b = segs[part]
        length = float(np.linalg.norm(b - a))
        usual = LIMB_RADIUS[part[2:]] * sw
        if length < 4 * k:
            continue
        u = (b - a) / length
        if abs(float(u @ spine)) < ALONG_SIDE:
            continue
        n = np.array([-u[1], u[0]])
        side = np.sign(float(n @ (torso_centre - (a + b) / 2)))
        if side == 0:
            continue
        t = ((px - a[0]) * u[0] + (py - a[1]) * u[1]) / length
        q = side * ((px - a[0]) * n[0] + (py - a[1]) * n[1])  # across the bone, towards the body
        zone = (t >= 0.1) & (t < 0.9) & (np.abs(q) < (ARM_WIDTH[1] + 0.5) * usual)
        bins = np.clip(((t - 0.1) / 0.8 * CREASE_BINS).astype(int), 0, CREASE_BINS - 1)
        # the arm's outer outline per cross-section: the background next to the bone on the side away from the body
        outer = zone & ~m & (q < 0)
        q_out = np.full(CREASE_BINS, -np.inf)
        np.maximum.at(q_out, bins[outer], q[outer])
        width = q - q_out[bins]
        cand = zone & crease & (width >= ARM_WIDTH[0] * usual) & (width <= ARM_WIDTH[1] * usual)
        if not cand.any():
            continue
        # per cross-section, the line along the bone holding most of the crease (a histogram across the bone)
        span = int(np.ceil(2 * (ARM_WIDTH[1] + 0.5) * usual)) + 2
        q0 = -(ARM_WIDTH[1] + 0.5) * usual
        qi = np.clip(np.round(q[cand] - q0).astype(int), 0, span - 1)
        hist = np.zeros((CREASE_BINS, span))
        np.add.at(hist, (bins[cand], qi), 1.0)
        hist = ndimage.uniform_filter1d(hist, 3, axis=1) * 3  # a line a pixel or two wide
        peak = hist.argmax(axis=1)
        good = hist.max(axis=1) >= CREASE_ALONG * 0.8 * length / CREASE_BINS
        # ... with the body right beyond it (a line between the arm and the body, not the dark rim of an arm
        # standing free, with the wall beyond)
        near = zone & (np.abs(q) < (ARM_WIDTH[1] + 0.5) * usual)
        zi = np.clip(np.round(q[near] - q0).astype(int), 0, span - 1)
        total, body = np.zeros((CREASE_BINS, span)), np.zeros((CREASE_BINS, span))
        np.add.at(total, (bins[near], zi), 1.0)
        np.add.at(body, (bins[near], zi), m[near].astype(float))
        cols = np.clip(peak[:, None] + np.arange(2, 2 + 2 * k)[None, :], 0, span - 1)
        rows = np.arange(CREASE_BINS)[:, None]
        good &= body[rows, cols].sum(axis=1) >= 0.9 * total[rows, cols].sum(axis=1)
        if good.sum() < CREASE_BINS // 2:
            continue
        tc = 0.1 + (np.arange(CREASE_BINS) + 0.5) * 0.8 / CREASE_BINS
        line = np.polyfit(tc[good], peak[good] + q0, 1)
        off = np.abs(np.polyval(line, tc) - peak - q0)
        # along the bone (an arm is about as wide at both ends), and straight
        if abs(line[0]) > CREASE_SLANT * usual or np.median(off[good]) > CREASE_STRAIGHT * usual:
            continue
        # a sleeve of the body's colour: where the two differ (a bare arm beside a dress) there is an edge the
        # colour refinements cut along, and the darkest line near it may be the arm's own shaded side
        cut = np.interp(t, tc[good], peak[good] + q0)
        along = zone & np.isin(bins, np.flatnonzero(good)) & m
        arm_side = along & (q < cut - 2) & (q > cut - 0.8 * usual)
        body_side = along & (q > cut + 2) & (q < cut + 0.8 * usual)
        if arm_side.sum() < 10 or body_side.sum() < 10 or np.linalg.norm(
                np.median(labc[arm_side], axis=0) - np.median(labc[body_side], axis=0)) > DISTINCT_DELTA_E:
            continue
        # the crease as the cross-sections found it (it bends where a sleeve meets the bare arm), but for the
        # odd cross-section whose strongest line was another one (a fold of the top)
        good &= off <= 2 * CREASE_STRAIGHT * usual
        # carried on to the bone's ends and over the shoulder's round top (a crease fades out at the armpit and
        # the elbow, and an arm cut short there keeps a block of the top, a step in its outline)
        ends = tc[good].min() - CREASE_ON, tc[good].max() + CREASE_ON
        cut = np.interp(t, tc[good], peak[good] + q0)
        beyond = (out == PARTS.index(part)) & (t >= ends[0]) & (t <= ends[1]) & (q > cut + 1.0)
        # a real strip of the body, not a pixel's sliver along a cut that already follows the crease
        if beyond.sum() < CREASE_STRIP * usual * length * (ends[1] - ends[0]):
            continue
        others = np.array([i for i in range(len(PARTS)) if LAYER_OF_PART[i] != LAYER_OF_PART[PARTS.index(part)]
                           and np.isfinite(scores[i]).any()])
        out[beyond] = others[np.argmin(scores[others][:, beyond], axis=0)]
    return out


REACH = {"upper_arm": 1.3, "lower_arm": 1.3, "hand": 1.7}  # how far (in radii) an arm's pixels may lie from its bone


def _within_reach(lab: np.ndarray, scores: np.ndarray, axis_of: dict, radii: dict) -> np.ndarray:
    """Arm pixels further from their bone than an arm is thick go to the best other part. Where an arm lies
    over clothes of its own colour there is no edge to cut along and the borders found are noise; the arm is
    then the tube around its bone (a clean outline), and what lay beyond it stays with the body. (Legs keep
    their trousers and skirts: those move with them.)

    Another arm or a leg takes such a pixel only where it reaches it (within that arm's own reach, the leg's
    radius); else it goes to the body or the rest of its own arm. A hanging forearm's sleeve is wider than the
    tube round a poorly seen bone (TikTok clip 0: the right forearm down the hip, its wrist guessed): handed to
    the part with the best score, its rim went to the forearm crossing above it and to the thigh, neither of
    which reaches it, and swung with them as black hooks beside the hip. A pixel whose best other part is of
    the arm itself stays where it was: nothing outside the arm claims it (a drawn arm's thick outline, fingers
    past the knuckles), and handed to the arm's other end it would move with that end's bone, torn from its
    own part."""
    out = lab.copy()
    body = [PARTS.index(p) for p in ("torso", "head")]
    for part, r in radii.items():
        if part[2:] not in REACH:
            continue
        pi = PARTS.index(part)
        mine = out == pi
        if not mine.any():
            continue
        far = mine & (axis_of[part] > REACH[part[2:]] * r)
        if far.any():
            others = np.array([i for i in range(len(PARTS)) if i != pi and np.isfinite(scores[i]).any()])
            s = scores[others][:, far]
            for k, o in enumerate(others):  # another layer's limb only where it reaches the pixel
                if o in body or LAYER_OF_PART[o] == LAYER_OF_PART[pi]:
                    continue
                other = PARTS[o]
                reach = (axis_of[other][far] <= REACH[other[2:]] * radii[other]
                         if other[2:] in REACH and other in radii else s[k] < 0)
                s[k][~reach] = np.inf
            best = others[np.argmin(s, axis=0)]
            out[far] = np.where(LAYER_OF_PART[best] == LAYER_OF_PART[pi], pi, best)
    return out


def outer_puffs(before: np.ndarray, after: np.ndarray, segs: dict, quad: np.ndarray,
                torso_score: np.ndarray) -> np.ndarray:
    """[h, w] the arm part (-1 elsewhere) of the pixels :func:`_within_reach` took from an arm (``before`` ->
    ``after``) for the torso that lie across the arm's bone from the torso (the side away from the centre of its
    quadrilateral ``quad``), outside it (``torso_score`` > 0) and further out than the arm's shoulder along the
    shoulder line: no part of the body lies there, they are the arm's own (a puff sleeve, a wide cuff). Handed
    to the torso, the outer half of TikTok character 5's right puff sleeve stayed at her shoulder as a white flag
    when the arm swung in, and its cut at the image's left border streaked out where the body goes on past the
    border. They go back to the arm once the layer borders are settled (the colour steps that follow judge the
    arm by the tube round its bone). Not for a side view: there the back and the front lie beyond the narrow
    shoulder line, beside the arm (TikTok character 1's back)."""
    out = np.full(before.shape, -1, np.int16)
    taken = (after == PARTS.index("torso")) & (before != after)
    if not taken.any():
        return out
    py, px = np.mgrid[0:before.shape[0], 0:before.shape[1]].astype(np.float32)
    centre = quad.mean(axis=0)
    for part, (a, b) in segs.items():
        if not part.endswith(("upper_arm", "lower_arm", "hand")):
            continue
        d = b - a
        side = d[0] * (py - a[1]) - d[1] * (px - a[0])
        body_side = d[0] * (centre[1] - a[1]) - d[1] * (centre[0] - a[0])
        shoulder, other = (quad[0], quad[1]) if part.startswith("l_") else (quad[1], quad[0])
        beyond = (px - shoulder[0]) * (shoulder[0] - other[0]) + (py - shoulder[1]) * (shoulder[1] - other[1]) > 0
        back = taken & (before == PARTS.index(part)) & (side * body_side < 0) & (torso_score > 0) & beyond
        out[back] = PARTS.index(part)
    return out


SLEEVE_REACH = 2.5  # (radii) how far from its bone a forearm takes back a piece of the body of its own colour
SLEEVE_SPILL = 0.1  # the largest share of such a piece lying beyond that reach (more: the body's clothes)
SLEEVE_RING = 3  # (pixels) the band around such a piece whose colour says what lies beside it
SLEEVE_OVER = 0.5  # the least share of that band that is the body in another colour (the forearm lies over it)


def kept_ends(segs: dict, radii: dict, w: int, h: int) -> dict:
    """The arms' ends whose cut :func:`smooth_arm_outlines` keeps (part -> point, of the parts in ``radii``;
    ``segs``: the parts' bones): where an arm meets the body (an upper arm's shoulder: the armpit's corner) or
    ends in the hand (a forearm's wrist). Not the shoulder of an arm the image (``w`` x ``h``) cuts above its
    elbow: what the image shows of that arm lies mostly within END_KEEP of its shoulder, and kept as cut (along
    the noise of a uniform's sleeve on its jacket) it met the smoothed cut below at a step in the body's
    outline, seen as soon as the arm rose (matplotlib's Grace Hopper)."""
    ends = {}
    for p in radii:
        start, end = segs[p]
        if p.endswith("lower_arm"):
            ends[p] = end
        elif p.endswith("upper_arm") and 0 <= end[0] < w and 0 <= end[1] < h:
            ends[p] = start
    return ends


def sleeves_to_arms(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, axis_of: dict, radii: dict,
                    sw: float) -> np.ndarray:
    """A piece of the torso of a forearm's own colour, touching it, ending within SLEEVE_REACH of its bone and lying
    over the body in another colour, goes to the forearm: its sleeve, wider than the tube the cuts allow it (TikTok clip
    0: the right forearm's black sleeve hangs over the bare hip, 70 pixels wide; the cuts left its outer 15-20 on the
    torso, so the forearm moved narrower than its sleeve and the fill painted skin over the sleeve's edge). The body
    here is the torso and the legs: the legs' cuts reach up beside a forearm hanging at the hip and took its cuff's
    inner corner (TikTok clip 0's right cuff over the white trousers). A piece of the forearm's own hand in the sleeve's
    colour, RIM_APART from the hand's, is the sleeve's hem the hand's cut took (the same cuff's bottom edge): it goes to
    the forearm too, so the hand starts at the cuff, and a bare forearm (the hand's colour) never takes its hand. The
    piece is bounded by the colour edge, the sleeve's real outline. It is the body's own clothes when it runs on beyond
    the reach (more than SLEEVE_SPILL of it: a black sleeve over a black top), when less than SLEEVE_OVER of the band
    around it (away from the arm) is the body in a colour RIM_APART from the sleeve's (a piece of the top's side,
    against the wall or shaded off from the rest of the top), or when it is a speck. Upper arms keep their cuts: beside
    them lie the shoulders and the flanks, which the body's fill needs (TikTok clip 0's black top between the crossed
    upper arm and the wall; clip 5's white sweater beside its sleeves).
    ``labc``: the small image's :func:`blurred_lab`."""
    body_parts = [PARTS.index(p) for p in ("torso",) + LEG_PARTS["left"] + LEG_PARTS["right"]]
    # the matte's soft rim blends the wall's colour in: it is the wall's side of a piece
    wall = ~cv2.erode(m.astype(np.uint8), None, iterations=3).astype(bool)
    out = lab.copy()
    for part, r in radii.items():
        if not part.endswith("lower_arm"):
            continue
        pi, hand_i = PARTS.index(part), PARTS.index(part[:2] + "hand")
        own = (out == pi) & m & (axis_of[part] < r)
        hand = (out == hand_i) & m
        torso = (np.isin(out, body_parts) & m) | hand
        if own.sum() < 20 or not torso.any():
            continue
        to_arm = lab_distance(labc, np.median(labc[own], axis=0))
        hem = hand & (lab_distance(labc, np.median(labc[hand], axis=0)) > RIM_APART) if hand.any() else hand
        like = torso & (to_arm < DISTINCT_DELTA_E) & (~hand | hem)
        pieces, _ = ndimage.label(like)
        touching = np.unique(pieces[cv2.dilate((out == pi).astype(np.uint8), None).astype(bool) & like])
        touching = touching[touching > 0]
        if not len(touching):
            continue
        size = np.asarray(ndimage.sum(like, pieces, touching))
        spill = np.asarray(ndimage.sum(like & (axis_of[part] > SLEEVE_REACH * r), pieces, touching))
        grown = ndimage.grey_dilation(pieces, footprint=np.ones((2 * SLEEVE_RING + 1,) * 2, bool))
        ring = (grown > 0) & ~like & (out != pi)
        band = np.asarray(ndimage.sum(ring & (torso | wall), grown, touching))
        over = np.asarray(ndimage.sum(ring & torso & ~wall & (to_arm > RIM_APART), grown, touching))
        # a hem is a strip as thin as the hand's cut left it: no speck of the body's shading, whatever its size
        in_hand = np.asarray(ndimage.sum(hand, pieces, touching)) == size
        keep = (spill <= SLEEVE_SPILL * size) & (over >= SLEEVE_OVER * band) & \
            ((size >= (RIM_PIECE * sw) ** 2) | in_hand)
        out[np.isin(pieces, touching[keep])] = pi
    return out


SMOOTH_OUTLINE = 0.4  # the arms' outlines are smoothed over this fraction of the limb's radius
END_KEEP = 2.0  # the outline within this many of the limb's radii of its shoulder or wrist stays as it was cut
DISTINCT_DELTA_E = 20.0  # an arm this far in colour (CIE Lab, 8-bit) from the body around it has a real edge ...
SAME_CLOTH = 40.0  # ... unless it is a shade of that colour less far than this (the astronaut's sleeve: 21)


def smooth_arm_outlines(lab: np.ndarray, scores: np.ndarray, m: np.ndarray, radii: dict, ends: dict,
                        small_rgb: np.ndarray | None = None) -> np.ndarray:
    """Each arm's border with the rest of the body smoothed over a fraction of its thickness: where an arm lies
    over clothes of its own colour (a black sleeve on a black top) the cuts follow noise and leave teeth and
    notches, which show as a ragged cut-out, and as dark shreds left on the body, once the arm moves. The arm's
    indicator is blurred (normalised by the matte's, so its outline against the background stays the matte's)
    and thresholded at one half: notches fill from the torso, teeth go to it. Hands keep their pixels
    (fingers are thinner than the blur), and so do the pixels around the arm's ``ends`` (part -> point: the
    shoulder of an upper arm, the wrist of a forearm): the armpit's corner, rounded off, would hand a wedge of
    the torso's side to the arm, and a hand in a pocket or on the hip is no outline to round off either.
    Where the arm's colour differs from the body's around it (a bare arm
    over a shirt, ``small_rgb`` given) its cut follows a real edge: a pixel changes side only if its colour
    agrees; not where it is only a darker or lighter shade of it (:data:`SAME_CLOTH`): a sleeve of the suit in
    the shade of its folds (skimage's astronaut, whose cut ran along the folds: a raised arm was a comb of
    orange strips)."""
    out = lab.copy()
    torso_i = PARTS.index("torso")
    labc = None if small_rgb is None else cv2.cvtColor(small_rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    hands = np.isin(out, [PARTS.index(p) for p in radii if p.endswith("hand")])
    mf = m.astype(np.float32)
    for name in ("arm_l", "arm_r"):
        li = LAYER_NAMES.index(name)
        parts = [p for p in radii if LAYER_OF_PART[PARTS.index(p)] == li and not p.endswith("hand")]
        if not parts:
            continue
        sigma = SMOOTH_OUTLINE * min(radii[p] for p in parts)
        if sigma < 1.0:
            continue
        layer_of = np.where(out >= 0, LAYER_OF_PART[np.clip(out, 0, None)], -1)
        mine = (layer_of == li) & m
        if not mine.any():
            continue
        sm = cv2.GaussianBlur(mine.astype(np.float32), (0, 0), sigma)
        sm /= np.maximum(cv2.GaussianBlur(mf, (0, 0), sigma), 1e-3)
        # a pixel may move only between this arm and the torso (never from the other arm or a leg): the arm's
        # pixels that go are those next to the torso. The torso as it was before either arm was smoothed: a
        # tooth the other arm shed into this one's notch is not this one's to take
        trunk = lab == torso_i
        gained = (sm > 0.5) & m & trunk
        by_trunk = cv2.dilate(trunk.astype(np.uint8), None, iterations=max(1, round(sigma))).astype(bool)
        lost = (sm <= 0.5) & mine & ~hands & by_trunk
        wy, wx = np.ogrid[:m.shape[0], :m.shape[1]]
        for part in (p for p in parts if p in ends):
            by_end = np.hypot(wx - ends[part][0], wy - ends[part][1]) < END_KEEP * radii[part]
            gained &= ~by_end
            lost &= ~by_end
        near = cv2.dilate(mine.astype(np.uint8), None, iterations=max(1, round(2 * sigma))).astype(bool) & trunk
        if labc is not None and near.sum() > 20:
            arm_c, body_c = np.median(labc[mine], axis=0), np.median(labc[near & ~mine], axis=0)
            apart = float(np.linalg.norm(arm_c - body_c))
            if apart > DISTINCT_DELTA_E and not (apart < SAME_CLOTH and shades_of(arm_c[None], body_c[None])[0]):
                d_arm = lab_distance(labc, arm_c)
                d_body = lab_distance(labc, body_c)
                gained &= d_arm < d_body
                lost &= d_body < d_arm
        idx = np.array([PARTS.index(p) for p in parts])
        if gained.any():
            out[gained] = idx[np.argmin(scores[idx][:, gained], axis=0)]
        out[lost] = torso_i
    return out


TOOTH = 0.4  # (radii) an arm's protrusion into the other arm narrower than twice this goes to that arm


def teeth_between_arms(lab: np.ndarray, scores: np.ndarray, m: np.ndarray, radii: dict) -> np.ndarray:
    """An arm's thin protrusions lying between the other arm and the wall, touching no body, go to the other
    arm: where a cuff lies over the other arm's sleeve of its colour the cut between them follows the bones'
    distances, and a corner of the crossing cuff cut into the forearm hanging under it (TikTok clip 0) hung from
    the cuff as a black flap at the hip once the arms parted."""
    out = lab.copy()
    arm_parts = {li: [p for p in radii if LAYER_OF_PART[PARTS.index(p)] == li and not p.endswith("hand")]
                 for li in (LAYER_NAMES.index("arm_l"), LAYER_NAMES.index("arm_r"))}
    if not all(arm_parts.values()):
        return out
    layer_of = np.where(lab >= 0, LAYER_OF_PART[np.clip(lab, 0, None)], -1)
    body = cv2.dilate((layer_of == LAYER_NAMES.index("body")).astype(np.uint8), None).astype(bool)
    for li, parts in arm_parts.items():
        lj = next(k for k in arm_parts if k != li)
        r = max(1, round(TOOTH * min(radii[p] for p in parts)))
        mine = (layer_of == li) & m
        kept = cv2.morphologyEx(mine.astype(np.uint8), cv2.MORPH_OPEN, disc(r)).astype(bool)
        teeth, n = ndimage.label(mine & ~kept & ~np.isin(lab, [PARTS.index(p) for p in radii if p.endswith("hand")]))
        if n == 0:
            continue
        idx = np.arange(1, n + 1)
        theirs = cv2.dilate((layer_of == lj).astype(np.uint8), None).astype(bool)
        on_them = np.asarray(ndimage.sum(theirs, teeth, idx))
        on_body = np.asarray(ndimage.sum(body, teeth, idx))
        tooth = np.isin(teeth, idx[(on_them > 0) & (on_body == 0)])
        if tooth.any():
            oi = np.array([PARTS.index(p) for p in arm_parts[lj]])
            out[tooth] = oi[np.argmin(scores[oi][:, tooth], axis=0)]
    return out


RIM_BAND = 0.2  # (shoulder widths) how far into an arm from the torso a strip of the torso's colour is looked for
RIM_PIECE = 0.05  # (shoulder widths) a strip handed to the torso is at least as large as a square this wide
RIM_APART = 2 * DISTINCT_DELTA_E  # how far (Lab) from the arm's own colour the strip's and the torso's must be ...
RIM_HUE_APART = 12.0  # ... or this far, in another hue than any shade of the arm's (a white dress beside skin)
RIM_NEARER = (0.5, 1.0)  # a strip's pixel is nearer the torso's colour beside it than these times the arm's (far
# from the arm's colour; only in hue: the middle of the blur between them)
RIM_SMOOTH = 0.025  # (shoulder widths) the reach of the window whose majority smooths such a strip's border
RIM_INSIDE = 0.1  # (shoulder widths) how far inside the shoulder-hip quad's sides such a strip is still looked for
# (the quad's side runs from the shoulder joint, inside the arm: the dress beside the arm's top lies within it)
RIM_BUMP = 1.5  # a piece shorter along the arm than this times its depth across it is a bump, no strip ...
RIM_NEAR = 2 * RIM_APART  # ... and of a colour nearer the arm's than this (Lab), it stays the arm's (:func:`_bumps`)
RIM_STEP = 0.05  # (shoulder widths) the stretches along an arm's bone its own colour at each level is read in ...
RIM_LEVEL = 0.25  # ... from the figure's pixels out of the quad this near (shoulder widths) the bone


def _other_colour(colours: np.ndarray, arm_c: np.ndarray) -> np.ndarray:
    """[n] int8: 2 for those of ``colours`` (Lab) far from the arm's own ``arm_c`` (one colour, or one per pixel;
    RIM_APART), 1 for those less far but of another hue than any shade of it (RIM_HUE_APART), 0 for the arm's
    colour and its shades. A white glittery dress beside a bare arm (TikTok clip 2) lies only 25-30 from the skin,
    mostly in hue (bluish white against warm skin); with the far test alone, a strip of it stayed on the hanging
    forearm down to the hand and swung with it. The arm's shaded side is a shade of its colour, and stays the
    arm's."""
    to_arm = lab_distance(colours, arm_c)
    hue = (to_arm > RIM_HUE_APART) & ~shade_of(colours, arm_c)
    return np.where(to_arm > RIM_APART, 2, hue).astype(np.int8)


def arm_in_shade(colours: np.ndarray, arm_c: np.ndarray, cloth_c: np.ndarray) -> np.ndarray:
    """[n] bool: which of ``colours`` (Lab, [n, 3]) are the bare arm of colour ``arm_c`` (Lab) in shade rather than
    the clothes of colour ``cloth_c`` (Lab) beside it: the arm's side facing the body, however dark. Either the
    arm's colour in less light (:func:`_lit_less`), or of the arm's hue by SHADE_HUE more than of the clothes' at
    any saturation (TikTok character 4: in skylight the shaded skin turns greyer along its own hue, off every
    multiple of the lit skin's RGB, beside a blue shirt); never a blend of the two nearer the clothes' colour
    (SHADE_BLEND: the blurred edge of character 3's black dress against her arm, dark and of the skin's hue, is the
    dress's)."""
    chroma = colours[:, 1:] - 128.0
    hue = _off_hue(chroma, arm_c[1:] - 128.0) + SHADE_HUE < _off_hue(chroma, cloth_c[1:] - 128.0)
    between = cloth_c - arm_c
    t = np.clip((colours - arm_c) @ between / max(float(between @ between), 1e-6), 0.0, 1.0)
    blend = ((t > 0.5) & (lab_distance(colours - t[:, None] * between, arm_c)
                          < SHADE_BLEND * float(np.linalg.norm(between))))
    return (_lit_less(colours, arm_c, cloth_c) | hue) & ~blend


def _lit_less(colours: np.ndarray, arm_c: np.ndarray, cloth_c: np.ndarray) -> np.ndarray:
    """[n] bool: which of ``colours`` (Lab, [n, 3]) are a shade of the arm's colour ``arm_c`` and none of the
    clothes' ``cloth_c`` (Lab, one colour or one per pixel): a multiple of it in RGB (TikTok character 2: the
    skin's brown shaded edge beside the pinkish grey shade of her dress lies 10-15 from that in Lab, 90 from the
    lit skin)."""
    return shade_of(colours, arm_c) & ~shade_of(colours, np.broadcast_to(cloth_c, colours.shape))


def _off_hue(chroma: np.ndarray, of: np.ndarray) -> np.ndarray:
    """[n] how far each of ``chroma`` ([n, 2]: Lab's a and b less 128) lies from the hue of ``of`` ([2]) at any
    saturation (the ray from grey through it): a colour's shades in dimmer light keep its hue, greyer."""
    k = np.clip(chroma @ of / max(float(of @ of), 1e-6), 0.0, None)
    return np.linalg.norm(chroma - k[:, None] * of, axis=1)


def rim_to_torso(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, segs: dict, quad: np.ndarray,
                 sw: float, drawn: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of an arm hanging along the body's side (its bone within ALONG_SIDE of the spine; ``quad``: the
    shoulder-hip quadrilateral's corners) that lie next to the torso and have the colour of the torso right
    beside them, not the arm's own, go to the torso: a strip of a dress beside a bare arm (TikTok clip 3: 8-12
    pixels of the black dress, which the colour refinement could not take back, the torso showing skin above
    the dress as well as the arm). Left to the arm, the strip went with it once the arm moved, and the dress's
    edge showed the wall behind it, a bright line down the dress. Only within RIM_BAND of the torso, where the
    arm's own colour (its half away from the torso) and the torso's there differ (a sleeve of the dress's colour
    has no edge to go by: :func:`_other_colour`), out to the middle of the arm's blurred edge (RIM_NEARER: TikTok
    clip 2's hand, blurred over a white dress, carried the dress's glitter), along a smoothed border, in strips,
    not specks, and never cutting the arm in two. Inside the quad, over the
    body, the cuts' borders stay: the torso behind an arm there is painted in anyway, and a blurred edge of the
    arm handed to it taught the paint the arm's colour (the mannequin's crossed forearm). Only along the quad's
    sides, within RIM_INSIDE, is the strip still looked for: the side runs from the shoulder joint, inside the
    arm, so the dress beside the top of a hanging arm lies within the quad (TikTok character 2 cut at 60%: a
    white flap of her dress went with the raised arm), and there only where unlike the arm at its own level too
    (a short sleeve of the shirt's colour over a bare arm is no strip of the shirt: the mannequin's, taken, left
    an island of the torso in the sleeve); where the strip with that part cuts the arm in two, the strip out of the
    quad alone goes. Not on ``drawn`` art, whose flat shading of a sleeve of the shirt's colour passes for another
    colour there (the cartoon girl's sleeve lost its inner half). ``labc``: the small image's
    :func:`blurred_lab`. Returns the labels and, per pixel, the arm part that a bump of nearly its colour handed to
    the torso came from (-1 elsewhere; :func:`_bumps`): the caller gives those back to the arm."""
    torso_i = PARTS.index("torso")
    torso = (lab == torso_i) & m
    if torso.sum() < 20:
        return lab
    spine, quad_px = _spine_and_inside(quad, lab.shape)
    inside = cv2.distanceTransform(quad_px.astype(np.uint8), cv2.DIST_L2, 3) > (0.0 if drawn else RIM_INSIDE * sw)
    side = quad_px & ~inside  # the strip along the quad's sides where it is still looked for
    d_quad = cv2.distanceTransform((~quad_px).astype(np.uint8), cv2.DIST_L2, 3)
    py, px = np.mgrid[0:lab.shape[0], 0:lab.shape[1]].astype(np.float32)
    band = max(2.0, RIM_BAND * sw)
    deep = cv2.erode(m.astype(np.uint8), None, iterations=3).astype(bool)  # the outline's pixels blend the wall in
    # the torso's colour beside each pixel: its nearest torso pixel a little inside the torso (its edge's
    # pixels blend the arm's colour in)
    inner = cv2.erode(torso.astype(np.uint8), None, iterations=2).astype(bool)
    if inner.sum() < 20:
        inner = torso
    d_torso, (iy, ix) = ndimage.distance_transform_edt(~inner, return_indices=True)
    beside = labc[iy, ix]
    out = lab.copy()
    bumps = np.full(lab.shape, -1, lab.dtype)
    for name in ("arm_l", "arm_r"):
        parts = [p for p in LAYERS[name][:2] if p in segs]
        own = np.isin(lab, [PARTS.index(p) for p in parts]) & m
        if own.sum() < 40:
            continue
        core = own & (d_torso > np.median(d_torso[own]))  # the arm's half away from the torso
        if not core.any():  # (all of it as far: the torso's own pixels are few, or none lie near it)
            core = own
        arm_c = np.median(labc[core], axis=0)
        for part in parts:
            a, b = segs[part]
            u = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
            if abs(float(u @ spine)) < ALONG_SIDE:
                continue
            cand = (lab == PARTS.index(part)) & deep & ~inside & (d_torso <= band + 2)
            if not cand.any():
                continue
            c = labc[cand]
            # in photographs, the torso's colour beside a pixel of the upper arm whose nearest torso pixel lies
            # along the bone from it is that of the torso's pixels at its level: the nearest to the corner of a
            # dress beside the arm's top is the bare chest above the dress (the end of the cartoon girl's sleeve,
            # shaded darker, went to the torso beside it; by the forearm, TikTok character 2's dress lost its strip)
            near = segment_distance(px, py, a, b) < RIM_LEVEL * sw
            ys, xs = np.nonzero(cand)
            gap = np.stack([ix[cand] - xs, iy[cand] - ys], axis=1)
            off = (np.abs(gap @ u) > np.abs(gap @ np.array([-u[1], u[0]]))) & (part[2:] == "upper_arm") & (not drawn)
            torso_c = beside[cand]
            if off.any():
                level = np.zeros(lab.shape, bool)
                level[ys[off], xs[off]] = True
                torso_c[off] = _colour_at_level(labc, inner & near, a, b, RIM_STEP * sw, level)
            at = cand & side

            def arm_at(mask: np.ndarray, a: np.ndarray = a, b: np.ndarray = b, near: np.ndarray = near) -> np.ndarray:
                """The arm's own colour at the level of each pixel of ``mask``: that of the outer half of the
                figure's pixels out of the quad across from it (a short sleeve of the shirt's colour there, though
                the arm's colour is its bare skin below)."""
                return _colour_at_level(labc, deep & ~quad_px & near, a, b, RIM_STEP * sw, mask, d_quad)

            to_arm = np.linalg.norm(c - arm_c, axis=1)
            to_torso = np.linalg.norm(c - torso_c, axis=1)
            # clearly another colour (a black dress beside skin), not a darker shade of the arm's own (the
            # shaded side of a black sleeve beside a black top); in hue alone, also unlike this part's own colour
            # (the arm's mixes a white sleeve's with the skin below it, in whose hue a white top differs)
            part_core = core & (lab == PARTS.index(part))
            part_c = np.median(labc[part_core], axis=0) if part_core.sum() >= 20 else arm_c
            apart = np.minimum(_other_colour(torso_c, arm_c), _other_colour(torso_c, part_c) * 2) > 0
            other = np.minimum(_other_colour(c, arm_c), _other_colour(c, part_c) * 2)
            unlike = np.zeros(lab.shape, bool)
            unlike[cand] = apart & (other > 0)
            if at.any():
                unlike[at] &= _other_colour(labc[at], arm_at(at)) > 0
            take = np.zeros(lab.shape, bool)
            take[cand] = (unlike[cand] & (to_torso < np.where(other > 1, *RIM_NEARER) * to_arm)
                          & ~_lit_less(c, arm_c, torso_c))  # (its side in shade: the arm's own)
            # its border with the arm smoothed (the majority of each pixel's neighbours here, the torso's or this
            # part's, among those unlike the arm): the glitter of a dress in the arm's blur left bites in the
            # arm's side, which swung with it
            window = (2 * max(1, round(RIM_SMOOTH * sw)) + 1,) * 2
            votes = cv2.blur((take | torso).astype(np.float32), window)
            take = (votes > 0.5 * cv2.blur((cand | torso).astype(np.float32), window)) & unlike
            # only what joins the torso (no speck inside the arm), and never cutting the arm in two
            pieces, _ = ndimage.label(take | torso)
            take &= np.isin(pieces, np.unique(pieces[torso]))
            # a strip along the arm, not a few pixels of a blurred edge
            strips, n = ndimage.label(take)
            sizes = ndimage.sum(take, strips, range(1, n + 1))
            take &= np.isin(strips, np.flatnonzero(np.asarray(sizes) >= (RIM_PIECE * sw) ** 2) + 1)
            near = np.zeros(lab.shape, np.float32)
            near[cand] = to_arm
            bump = _bumps(take, near, u)
            bumps[bump] = lab[bump]
            layer = np.isin(out, [PARTS.index(p) for p in LAYERS[name]])
            pieces = ndimage.label(layer)[1]
            for strip in (take, take & ~side):  # (the strip out of the quad alone, where all of it cuts the arm)
                strip = strip | _specks_cut_off(layer, strip, torso, labc, (RIM_PIECE * sw) ** 2, arm_at)
                if ndimage.label(layer & ~strip)[1] <= pieces:
                    out[strip] = torso_i
                    break
    return out, np.where(out == torso_i, bumps, -1).astype(lab.dtype)


def _bumps(take: np.ndarray, to_arm: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The pieces of ``take`` (HxW bool) that are bumps of nearly the arm's colour, no strips of a dress: shorter
    along the arm's bone (unit ``u``) than RIM_BUMP times their depth across it, their median distance from the arm's
    colour (``to_arm``, HxW) under RIM_NEAR. Taken, such a bump of a white dress beside a white sleeve, cut off
    where the hair hid the dress beside it, left a V notch in the sleeve that showed as the arm moved (TikTok
    character 5, below the hair's tip); left to the arm it rides on it, of nearly its colour. A strip along the arm,
    or a bump far from its colour (a black dress beside skin), goes to the torso as before."""
    pieces, n = ndimage.label(take)
    if n == 0:
        return take
    ys, xs = np.nonzero(pieces)
    k = pieces[ys, xs] - 1
    along, across = xs * u[0] + ys * u[1], ys * u[0] - xs * u[1]
    length = np.zeros(n)
    depth = np.zeros(n)
    for span, v in ((length, along), (depth, across)):
        hi, lo = np.full(n, -np.inf), np.full(n, np.inf)
        np.maximum.at(hi, k, v)
        np.minimum.at(lo, k, v)
        span[:] = hi - lo
    colour = np.asarray(ndimage.median(to_arm, pieces, np.arange(1, n + 1)))
    bump = (length < RIM_BUMP * depth) & (colour < RIM_NEAR)
    return np.isin(pieces, np.flatnonzero(bump) + 1)


def _colour_at_level(labc: np.ndarray, across: np.ndarray, a: np.ndarray, b: np.ndarray, step: float,
                     at: np.ndarray, far: np.ndarray | None = None) -> np.ndarray:
    """[n, 3] the colour (Lab; ``labc`` the image's) of the pixels ``across`` (HxW bool) at the level along the
    bone ``a`` -> ``b`` of each pixel of ``at`` (HxW bool): their median in the ``step``-long stretch of the bone
    across from that pixel (of the nearest stretch that holds any; where none do, the pixel's own colour); with
    ``far`` (HxW), of the half of them there farthest by it."""
    length = max(float(np.linalg.norm(b - a)), 1e-6)
    u = (b - a) / length
    n = max(1, int(np.ceil(length / step)))

    def stretch(mask: np.ndarray) -> np.ndarray:
        ys, xs = np.nonzero(mask)
        return np.clip(((np.stack([xs, ys], axis=1) - a) @ u / step).astype(int), 0, n - 1) + 1

    steps = np.arange(1, n + 1)
    bins, colour = stretch(across), labc[across]
    if far is not None and len(bins):
        d = far[across]
        kept = d >= np.asarray(ndimage.median(d, bins, steps))[bins - 1]
        bins, colour = bins[kept], colour[kept]
    held = np.bincount(bins, minlength=n + 1)[1:] > 0
    if not held.any():
        return labc[at]
    colours = np.stack([np.asarray(ndimage.median(colour[:, k], bins, steps)) for k in range(3)], axis=1)
    colours = np.stack([np.interp(steps, steps[held], colours[held, k]) for k in range(3)], axis=1)
    return colours[stretch(at) - 1]


def _specks_cut_off(layer: np.ndarray, take: np.ndarray, torso: np.ndarray, labc: np.ndarray, least: float,
                    arm_at: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The pieces of ``layer`` smaller than ``least`` pixels that handing ``take`` to the ``torso`` would cut off
    from the rest of it, lying wholly within the two (off the image's edge) and mostly of another colour than the
    arm's at their level (``arm_at``: its colour at each pixel of a mask, Lab; ``labc`` the image's): specks of the
    arm's label within the dress beside it, which go with the strip. (A four-pixel speck of the tube round the
    bone, inside a white dress beside the top of a hanging arm, kept the whole strip on the arm, to go with it as a
    white flap.) Any other piece cut off stays, and with it the strip: a take that cuts off a sliver of the arm at
    the image's edge, or of its own colour there (a short sleeve of the shirt's colour over the bare arm), is no
    strip of a dress (TikTok character 1 cut at 60%, the astronaut)."""
    rest, n = ndimage.label(layer & ~take)
    if n < 2:
        return np.zeros(layer.shape, bool)
    idx = np.arange(1, n + 1)
    sizes = np.asarray(ndimage.sum(layer, rest, idx))
    grown = ndimage.grey_dilation(rest, size=3)  # each piece and the ring around it
    ring = (rest == 0) & (grown > 0)
    open_ring = np.asarray(ndimage.sum(ring & ~(take | torso), grown, idx)) > 0
    edge = np.zeros(n + 1, bool)
    edge[np.concatenate([rest[0], rest[-1], rest[:, 0], rest[:, -1]])] = True
    whole, _ = ndimage.label(layer)  # (a piece apart from the arm already is no speck the strip cuts off)
    cut = np.isin(whole, np.unique(whole[take]))
    small = np.isin(rest, idx[(sizes < least) & ~open_ring & ~edge[1:]]) & cut
    if not small.any():
        return small
    foreign = np.zeros(layer.shape, np.float32)
    foreign[small] = _other_colour(labc[small], arm_at(small)) > 0
    return small & np.isin(rest, idx[np.asarray(ndimage.mean(foreign, rest, idx)) >= 0.5])


SHADE_BAND = 0.1  # (shoulder widths) how far from a hanging arm its shaded side is looked for
SHADE_CLOTHED = 0.5  # the least share of the body across at its level in the clothes for such a strip to count
SHADE_CREASE = 0.75  # a pixel darker than this times both the arm and the clothes beside it lies in their crease
SHADE_GREY = 20.0  # (Lab a, b) ... if its colour is at most this far from grey (a crease's shadow is greyish)
SHADE_BLEND = 0.2  # (times the two colours' distance) how near the blends of the arm's and clothes' colours a
# pixel of their blurred border lies
SHADE_HUE = 3.0  # (Lab a, b) how much nearer the arm's hue than the clothes' such a pixel is (grey is neither)


def shaded_sides_to_arms(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, segs: dict, quad: np.ndarray,
                         sw: float, outlined: bool = False) -> np.ndarray:
    """The mirror of :func:`rim_to_torso`: pixels of the torso beside an arm hanging along the body's side
    (outside the shoulder-hip quadrilateral ``quad``) that are the bare arm in shade (:func:`arm_in_shade`), or the
    crease of shadow between it and the clothes (darker than both, SHADE_CREASE), go to the arm: its side facing
    the body, which the bone's distances (a bone off the arm's middle, an arm thicker than its usual radius) and
    the colour steps (its shade unlike the lit skin) left to the torso. Left to the body, the strip stayed at its
    side once the arm moved: long brown strips down both sides of TikTok character 4's shirt below the sleeves,
    one hanging outside the body, brown stubs at character 2's hips and skin at character 3's. Only strips
    within SHADE_BAND of the arm, touching it, no thicker than STRIP_THICK, below the shoulder line and at the
    levels where the body across is mostly clothes (SHADE_CLOTHED: the bare chest above a dress's neckline stays
    the body's), where the arm's colour and the clothes' beside it (the torso SHADE_BAND further out) differ in
    hue (RIM_HUE_APART: a sleeve of the clothes' colour has no edge to go by). Not on ``outlined`` (drawn) art,
    whose arms are parted from the body by their outlines, no shade (a piece of the body's outline, taken for the
    arm's shaded side, hung from the fox's sleeve as a black spike once the arm moved). ``labc``: the small
    image's :func:`blurred_lab`."""
    torso_i = PARTS.index("torso")
    torso = (lab == torso_i) & m
    if outlined or torso.sum() < 20:
        return lab
    spine, inside = _spine_and_inside(quad, lab.shape)
    band = max(2.0, SHADE_BAND * sw)
    shoulders = (quad[0] + quad[1]) / 2
    py, px = np.mgrid[0:lab.shape[0], 0:lab.shape[1]].astype(np.float32)
    along = (px - shoulders[0]) * spine[0] + (py - shoulders[1]) * spine[1]
    below = along > 0
    level = np.clip(np.round(along - along.min()).astype(int), 0, None)  # the pixel's level along the spine
    n_levels = int(level.max()) + 1
    d_torso = ndimage.distance_transform_edt(~torso)
    out = lab.copy()
    for name in ("arm_l", "arm_r"):
        parts = [p for p in LAYERS[name] if p in segs]
        hanging = [p for p in parts[:2] if abs(float(_unit(*segs[p]) @ spine)) >= ALONG_SIDE]
        own = np.isin(out, [PARTS.index(p) for p in parts]) & m
        if not hanging or own.sum() < 40:
            continue
        d_arm = ndimage.distance_transform_edt(~own)
        core = own & (d_torso > np.median(d_torso[own]))  # the arm's half away from the torso: its own colour
        arm_c = np.median(labc[core if core.any() else own], axis=0)
        near = torso & ~inside & below & (d_arm <= band)
        ring = torso & below & (d_arm > band) & (d_arm <= 2 * band)  # the clothes beside the arm
        if not near.any() or ring.sum() < 20:
            continue
        cloth_c = np.median(labc[ring], axis=0)
        if np.linalg.norm(arm_c[1:] - cloth_c[1:]) < RIM_HUE_APART:
            continue
        # the crease: a shadow darker than both, greyish (SHADE_GREY: not a dark cape between them), and no shade
        # of the clothes rather than of the arm (a dark line down the body's side once the arm moved)
        judged = near | (torso & inside)
        c = labc[judged]
        crease = ((c[:, 0] < SHADE_CREASE * min(arm_c[0], cloth_c[0])) & ~arm_in_shade(c, cloth_c, arm_c)
                  & (np.hypot(c[:, 1] - 128.0, c[:, 2] - 128.0) < SHADE_GREY))
        like = np.zeros(lab.shape, bool)
        like[judged] = arm_in_shade(c, arm_c, cloth_c) | crease
        # only at the levels where the body across is mostly clothes (not the bare chest above a neckline)
        clothed = torso & inside & ~like
        worn = (np.bincount(level[clothed], minlength=n_levels)
                >= SHADE_CLOTHED * np.maximum(np.bincount(level[torso & inside], minlength=n_levels), 1))
        pieces, n = ndimage.label(near & like & worn[level])
        if n == 0:
            continue
        idx = np.arange(1, n + 1)
        touch = np.asarray(ndimage.minimum(d_arm, pieces, idx)) <= 1.5
        thick = np.asarray(ndimage.maximum(ndimage.distance_transform_edt(pieces > 0), pieces, idx))
        take = np.isin(pieces, idx[touch & (thick <= STRIP_THICK * sw)])
        if not take.any():
            continue
        scores = np.stack([segment_distance(px[take], py[take], *segs[p]) for p in parts])
        out[take] = np.array([PARTS.index(p) for p in parts])[np.argmin(scores, axis=0)]
    return out


def _spine_and_inside(quad: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The spine's unit direction (from the shoulders' middle to the hips' of the shoulder-hip quadrilateral
    ``quad``) and the HxW bool mask of the quadrilateral: the frame the arms hanging beside the body are judged in."""
    spine = (quad[2] + quad[3] - quad[0] - quad[1]) / 2
    inside = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
    return spine / max(float(np.linalg.norm(spine)), 1e-6), inside.astype(bool)


def _unit(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The unit vector from ``a`` towards ``b``."""
    return (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)


def shirt_beside_bare_arm(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, segs: dict, axis_of: dict,
                          radii: dict, sw: float) -> np.ndarray:
    """Below the hem of a short sleeve of the shirt's colour, the arm is bare skin across its width: the shirt's
    pixels beyond the skin, on the far side of it from the bone, are the body seen beside the arm, not the arm,
    and go to the torso. A side view in a black T-shirt (TikTok character 1): the shirt's back beside the bare
    upper arm fell within the arm's tube and swung with it, a black wedge with a jagged end beside the hip.
    Only for an arm whose upper arm starts with a sleeve of the torso's colour (the colour along its bone at
    the shoulder) and is bare further down: a bare arm against a dress of its own (TikTok clip 2: a grey slip
    dress, the arms bare from the shoulder) keeps its cut, whose shaded side handed to the torso stayed behind
    the moving arm and frayed the hem. Per cross-section of the upper arm's bone, the pixels of the shirt's
    colour further out than the skin on their side go, in pieces joined to the torso, never cutting the arm
    apart. (The forearm's are left alone: by the image's border, where TikTok character 1's forearm is cut, they
    tipped the pieces near the hand into the hand's layer, which drew them as a black square on the wrist.)
    ``labc``: the small image's :func:`blurred_lab`."""
    torso_i = PARTS.index("torso")
    torso = (lab == torso_i) & m
    out = lab.copy()
    for side in ("l", "r"):
        upper = f"{side}_upper_arm"
        if upper not in radii or torso.sum() < 20:
            continue
        colours = _sleeve_and_skin(lab, labc, m, torso, segs[upper], axis_of[upper], radii[upper], upper)
        if colours is None:
            continue
        take = _shirt_beyond_skin(lab, labc, m, segs[upper], axis_of[upper], radii[upper], upper, *colours)
        if not take.any():
            continue
        # in pieces joined to the torso (the body beyond the arm), not specks inside the arm
        pieces, n = ndimage.label(take)
        by_torso = cv2.dilate(torso.astype(np.uint8), None, iterations=1).astype(bool)
        sizes = np.asarray(ndimage.sum(take, pieces, range(1, n + 1)))
        joined = np.zeros(n + 1, bool)
        joined[np.unique(pieces[take & by_torso])] = True
        take &= np.isin(pieces, np.flatnonzero(joined[1:] & (sizes >= (RIM_PIECE * sw) ** 2)) + 1)
        layer = np.isin(out, [PARTS.index(p) for p in LAYERS[f"arm_{side}"]]) & m
        if not take.any() or count_pieces(layer & ~take, RIM_PIECE * sw) > count_pieces(layer, RIM_PIECE * sw):
            continue
        out[take] = torso_i
    return out


def _sleeve_and_skin(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, torso: np.ndarray, seg: tuple,
                     axis_d: np.ndarray, r: float, part: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(the sleeve's colour, the bare arm's colour) of an upper arm (Lab) that starts with a sleeve of the
    torso's colour at the shoulder and is bare below its hem; None for any other arm (bare from the shoulder,
    sleeved down to the elbow, or in a sleeve of a colour of its own)."""
    ys, xs = np.nonzero((lab == PARTS.index(part)) & m & (axis_d < 0.5 * r))
    if len(ys) < 20:
        return None
    bins = _bins_along(xs, ys, seg)
    c = labc[ys, xs]
    first = bins == 0
    if first.sum() < 3:
        return None
    sleeve_c = np.median(c[first], axis=0)
    near = torso & (cv2.dilate((lab == PARTS.index(part)).astype(np.uint8), None, iterations=3) > 0)
    if near.sum() < 10 or np.linalg.norm(np.median(labc[near], axis=0) - sleeve_c) > DISTINCT_DELTA_E:
        return None
    bare = lab_distance(c, sleeve_c) > RIM_APART
    if bare.sum() < 10:
        return None
    skin_c = np.median(c[bare], axis=0)
    covered = (np.bincount(bins[~bare], minlength=SLEEVE_BINS)
               > 0.5 * np.maximum(np.bincount(bins, minlength=SLEEVE_BINS), 1))
    run = np.cumprod(covered).astype(bool)
    if not run[0] or run[-1]:
        return None
    return sleeve_c, skin_c


def _shirt_beyond_skin(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, seg: tuple, axis_d: np.ndarray,
                       r: float, part: str, sleeve_c: np.ndarray, skin_c: np.ndarray) -> np.ndarray:
    """The pixels of an upper arm below its sleeve's hem, of the sleeve's colour, that lie further out from the
    bone, per cross-section, than the skin on their side of it."""
    own = (lab == PARTS.index(part)) & m
    ys, xs = np.nonzero(own)
    take = np.zeros(lab.shape, bool)
    if len(ys) < 20:
        return take
    c = labc[ys, xs]
    d_sleeve = lab_distance(c, sleeve_c)
    d_skin = lab_distance(c, skin_c)
    skin = d_skin < 0.5 * d_sleeve
    shirt = (d_sleeve < 0.5 * d_skin) & (d_skin > RIM_APART)
    bins = _bins_along(xs, ys, seg)
    on_axis = axis_d[ys, xs] < 0.5 * r  # below the run of sleeved cross-sections from the shoulder
    covered = (np.bincount(bins[on_axis & ~skin], minlength=SLEEVE_BINS)
               > 0.5 * np.maximum(np.bincount(bins[on_axis], minlength=SLEEVE_BINS), 1))
    shirt &= ~np.cumprod(covered).astype(bool)[bins]
    a, b = seg
    u = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    q = (xs - a[0]) * -u[1] + (ys - a[1]) * u[0]  # across the bone
    reach = np.zeros((2, SLEEVE_BINS))  # per side of the bone and cross-section, how far out the skin goes
    np.maximum.at(reach[0], bins[skin & (q > 0)], q[skin & (q > 0)])
    np.maximum.at(reach[1], bins[skin & (q < 0)], -q[skin & (q < 0)])
    pos = q > 0
    beyond = np.where(pos, q, -q) > np.where(pos, reach[0][bins], reach[1][bins])
    skinned = np.where(pos, reach[0][bins], reach[1][bins]) > 0.25 * r  # skin on that side to be beyond
    take[ys, xs] = shirt & beyond & skinned
    return take


def _bins_along(xs: np.ndarray, ys: np.ndarray, seg: tuple) -> np.ndarray:
    """The cross-section of ``seg`` (one of SLEEVE_BINS along it) each pixel lies in."""
    a, b = seg
    ab = b - a
    t = np.clip(((xs - a[0]) * ab[0] + (ys - a[1]) * ab[1]) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
    return np.minimum((t * SLEEVE_BINS).astype(int), SLEEVE_BINS - 1)


STRIP_THICK = 0.06  # (shoulder widths) the thickest strip of the torso beyond an arm handed to it (half its width)
STRIP_FAR = 0.3  # (shoulder widths) how far outside the shoulder-hip quad such a strip is looked for


def strips_beyond_arms(lab: np.ndarray, scores: np.ndarray, m: np.ndarray, quad: np.ndarray, sw: float,
                       segs: dict) -> np.ndarray:
    """Thin strips of the torso outside the body's shoulder-hip quadrilateral (``quad``) beside an upper arm
    lying across the chest (its elbow inside the quad), which the arm separates from the quad (the straight way
    from such a pixel to the nearest pixel of the quad runs through the arm): the sleeve's outer rim over the
    shoulder's round top. The bone of an arm across the chest runs along the arm's inner side there, and the
    cuts kept the arm a tube round it (TikTok clip 0: the left sleeve's outer edge against the wall). Left to
    the torso, the rim stayed behind when the arm moved: ragged black shards against the wall beside the body.
    Each such strip touching the upper arm goes to it. The body's own sides, outside the quad between the
    joints, are reached from it straight; a wide piece of the body beyond an arm stays the body's; and beside
    an arm hanging at the side, or a forearm lying across the body, the strip outside the quad is the body's
    side (handed to a crossed forearm, it left the mannequin's torso behind it unpainted)."""
    torso = (lab == PARTS.index("torso")) & m
    h, w = lab.shape
    across = []
    for side in ("l", "r"):
        part = f"{side}_upper_arm"
        if part not in segs or not np.isfinite(scores[PARTS.index(part)]).any():
            continue
        ex, ey = np.round(segs[part][1]).astype(int)
        if 0 <= ey < h and 0 <= ex < w and quad[ey, ex]:
            across.append(PARTS.index(part))
    straight, (iy, ix) = ndimage.distance_transform_edt(~quad, return_indices=True)
    cand = torso & ~quad & (straight < STRIP_FAR * sw)
    if not across or not cand.any() or not quad.any():
        return lab
    layer_of = np.where(lab >= 0, LAYER_OF_PART[np.clip(lab, 0, None)], -1)
    arm_layers = [LAYER_OF_PART[p] for p in across]
    ys, xs = np.nonzero(cand)
    qy, qx = iy[ys, xs], ix[ys, xs]
    crossed = np.full(len(ys), -1)
    for f in np.linspace(0.0, 1.0, 9)[1:]:  # from next to the pixel to the quad's edge
        on = layer_of[np.round(ys + f * (qy - ys)).astype(int), np.round(xs + f * (qx - xs)).astype(int)]
        crossed = np.where((crossed < 0) & np.isin(on, arm_layers), on, crossed)
    beyond = np.full(lab.shape, -1, np.int16)
    beyond[ys, xs] = crossed
    out = lab.copy()
    for part, li in zip(across, arm_layers):
        mask = beyond == li
        if not mask.any():
            continue
        pieces, n = ndimage.label(mask)
        thick = np.asarray(ndimage.maximum(ndimage.distance_transform_edt(mask), pieces, range(1, n + 1)))
        by_arm = cv2.dilate((lab == part).astype(np.uint8), None, iterations=2).astype(bool)
        touch = np.zeros(n + 1, bool)
        touch[np.unique(pieces[by_arm & mask])] = True
        out[np.isin(pieces, np.flatnonzero((thick <= STRIP_THICK * sw) & touch[1:]) + 1)] = part
    return out


RIM_THIN = 0.015  # (shoulder widths) the thickest band of the body along an arm's outline handed to the arm (half)
RIM_ALONG = 0.8  # the least share of such a band's pixels lying next to the arm (a band along it, not a strand off it)
RIM_LONG = 3  # (disc widths) the least area of such a band, as a line a pixel thick (a notch at a corner is none)


def rims_to_arms(lab: np.ndarray, m: np.ndarray, joints: np.ndarray, sw: float) -> np.ndarray:
    """The body's thin bands lying along an upper arm's outline above the shoulders, between the arm and the
    background, go to the arm. Where the matte reaches a few pixels past a sleeve's top (its soft, dark rim
    against a pale wall), the nearest part beyond the arm's cut was the torso, and the body layer kept the rim:
    a thin dark line that hung in the air above the shoulder once the arm moved (TikTok clip 0). A band counts
    when an opening of the body layer with a disc of RIM_THIN removes it, it touches both an upper arm and the
    background, RIM_ALONG of it lies within the disc's reach of that arm (a strand of hair leaving the arm is
    no rim), it is no mere notch (RIM_LONG), and most of it lies above the line through the shoulder joints.
    Below that line such bands are the body's: its side beside a forearm lying across it (handed to the
    forearm, the torso behind it went unpainted), or a drawn outline in the armpit."""
    body = (lab >= 0) & (LAYER_OF_PART[np.clip(lab, 0, None)] == LAYER_NAMES.index("body"))
    arm = np.isin(lab, [PARTS.index(f"{side}_upper_arm") for side in "lr"])
    if not body.any() or not arm.any():
        return lab
    r = max(1, round(RIM_THIN * sw))
    thin = body & ~cv2.morphologyEx(body.astype(np.uint8), cv2.MORPH_OPEN, disc(r)).astype(bool)
    pieces, n = ndimage.label(thin, np.ones((3, 3)))
    if n == 0:
        return lab
    to_arm, (iy, ix) = ndimage.distance_transform_edt(~arm, return_indices=True)
    idx = np.arange(1, n + 1)
    near = np.asarray(ndimage.mean(to_arm <= r + 1, pieces, idx))
    touch_arm = np.asarray(ndimage.minimum(to_arm, pieces, idx)) <= 1.5
    touch_bg = np.asarray(ndimage.maximum(cv2.dilate((~m).astype(np.uint8), None).astype(bool), pieces, idx))
    above = np.asarray(ndimage.mean(~below_shoulders(joints, lab.shape, 0.0), pieces, idx))
    size = np.asarray(ndimage.sum(thin, pieces, idx))
    rims = np.isin(pieces, idx[touch_arm & touch_bg & (near >= RIM_ALONG) & (above > 0.5)
                               & (size >= RIM_LONG * (2 * r + 1))])
    out = lab.copy()
    out[rims] = lab[iy[rims], ix[rims]]
    return out


def cloth_off_bare_forearms(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, inside: np.ndarray, segs: dict,
                            axis_of: dict, radii: dict) -> np.ndarray:
    """The torso's cloth that a bare forearm's layer took in beside it goes back to the torso.

    A pale flap of a white dress beside a hanging wrist, with no crease between it and the skin, was labelled
    forearm: when the arm swung across the body a whitish cuff travelled with the wrist (TikTok character 2).
    Told apart by the forearm's own colour, read from its middle (:data:`FLAP_CORE` of its radius round its
    bone), and the torso's cloth (:func:`torso_clusters`, less any as near the skin as :data:`FLAP_DISTINCT`: a
    bare chest): a pixel of the forearm or its hand off that middle, nearer the cloth than the skin (the dress
    in the arm's shade lies nearly halfway between them) and than the skin is (a third colour, the wall seen
    in a gap beside the arm, is no cloth), in a piece touching the torso, on the wrist's half of
    the forearm (:data:`FLAP_FROM`) or its hand, is the torso's, if it holds a core clearly of the cloth's colour
    (:data:`FLAP_CLEAR`: a pad or a bracelet only nearer the cloth than the skin is no flap). A sleeve of the
    shirt's cloth over the forearm (its middle has the cloth's colour, or cross-sections of it do:
    :func:`_sleeve`) keeps its pixels, and so does a limb whose middle is not skin (:func:`skin_coloured`: a
    robot's grey arm or red glove, whose white pad is as near the grey torso as to it)."""
    torso_s = torso_clusters(lab, labc, m, inside, axis_of, radii)
    if torso_s is None:
        return lab
    torso_i = PARTS.index("torso")
    torso = lab == torso_i
    touches_torso = cv2.dilate(torso.astype(np.uint8), None).astype(bool)
    family = nearest_colour(labc.reshape(-1, 3).astype(np.float32), torso_s).reshape(lab.shape) < FLAP_FAMILY
    out = lab.copy()
    for side in "lr":
        part, hand = f"{side}_lower_arm", f"{side}_hand"
        if part not in radii:
            continue
        r = radii[part]
        d = np.minimum(axis_of[part], axis_of[hand]) if hand in axis_of else axis_of[part]
        layer = np.isin(lab, [PARTS.index(part), PARTS.index(hand)]) & m
        core = layer & (axis_of[part] < FLAP_CORE * r)
        # the cloth beside the forearm, as lit there (a white dress in the arm's shade is grey-blue): the torso's
        # pixels near it of the torso's colour family, off the strip along the arm's side (a crease, the wall
        # seen in a gap between the arm and the body)
        beside = torso & family & (d < FLAP_BESIDE * r) & (ndimage.distance_transform_edt(~layer) > FLAP_CORE * r)
        if core.sum() < FLAP_LEAST or beside.sum() < FLAP_LEAST:
            continue
        skin = np.median(labc[core], axis=0)
        cloth = np.median(labc[beside], axis=0)
        gap = float(np.linalg.norm(skin - cloth))
        if gap < FLAP_DISTINCT or not skin_coloured(skin):
            continue
        # at the wrist's end: the elbow's end of a sleeve's crease is no flap (the astronaut's suit)
        a, b = segs[part]
        ab = b - a
        py, px = np.mgrid[0:lab.shape[0], 0:lab.shape[1]]
        wrist_end = ((px - a[0]) * ab[0] + (py - a[1]) * ab[1]) >= FLAP_FROM * float(ab @ ab)
        look = layer & (d < FLAP_REACH * r) & (axis_of[part] >= FLAP_CORE * r) & wrist_end
        ys, xs = np.nonzero(look)
        c = labc[ys, xs].astype(np.float32)
        to_cloth = np.linalg.norm(c - cloth, axis=1)
        looks_cloth = (to_cloth < np.linalg.norm(c - skin, axis=1)) & (to_cloth < gap)
        on_axis = axis_of[part][ys, xs] < 0.5 * r
        flap = looks_cloth & ~_sleeve(xs, ys, segs[part], on_axis, looks_cloth)
        # smoothed with the torso beside it (single pixels of lace would leave the arm's new side ragged)
        soft = torso.astype(np.float32)
        soft[ys[flap], xs[flap]] = 1.0
        cand = (cv2.GaussianBlur(soft, (0, 0), FLAP_SMOOTH) > 0.5) & look
        pieces, n = ndimage.label(cand, np.ones((3, 3)))
        if n == 0:
            continue
        touching = np.unique(pieces[touches_torso & cand])
        # ... and holding a core of the cloth's own colour, not only a colour between the skin's and the cloth's
        clear = cand & (np.linalg.norm(labc - cloth, axis=2) < FLAP_CLEAR * gap)
        held = np.bincount(pieces[clear], minlength=n + 1) >= FLAP_CLEAR_AREA * r * r
        taken = touching[(touching > 0) & held[touching]]
        out[np.isin(pieces, taken)] = torso_i
    return out


def skin_coloured(colour: np.ndarray) -> bool:
    """Whether ``colour`` (Lab, 8-bit scale) may be bare skin, of any tone and in any common light: it has
    the hue of a warm orange (:data:`SKIN_HUES`, the Lab a-b angle) and some colour (:data:`SKIN_LEAST_CHROMA`).
    A coarse test that tells a bare arm from a grey, blue or black sleeve, a robot's metal or a red glove."""
    a, b = float(colour[1]) - 128.0, float(colour[2]) - 128.0
    hue = float(np.degrees(np.arctan2(b, a)))
    return bool(np.hypot(a, b) >= SKIN_LEAST_CHROMA and SKIN_HUES[0] <= hue <= SKIN_HUES[1])


SKIN_HUES = (40.0, 90.0)  # (degrees) the Lab hue angles of skin (dark or fair, in warm or bluish light: ~50-75)
SKIN_LEAST_CHROMA = 6.0  # (Lab) skin has at least this much colour (grey metal or cloth less)


FLAP_CORE = 0.4  # (of a forearm's radius) round its bone: its middle, whose colour is the forearm's own
FLAP_REACH = 2.0  # (of that radius) how far from its bone (or its hand's) cloth is looked for
FLAP_BESIDE = 3.0  # (of that radius) ... and the cloth's colour beside it read
FLAP_LEAST = 20  # (pixels) the fewest of the forearm's middle its colour is read from
FLAP_DISTINCT = 15.0  # (blurred Lab) the least step between the forearm's middle and the cloth beside it
FLAP_FAMILY = 40.0  # (blurred Lab) how far from the torso's colour clusters its cloth in shade may lie
FLAP_FROM = 0.5  # (of the forearm's bone, from the elbow) where a flap may begin
FLAP_SMOOTH = 1.5  # (pixels) the blur the cloth's pixels are smoothed with before they are taken
FLAP_CLEAR = 0.25  # (of the step between skin and cloth) how near the cloth's colour a flap's core lies
FLAP_CLEAR_AREA = 0.15  # (of the forearm's radius squared) the fewest pixels of such a core a flap holds


HIDDEN_HOLD = 0.25  # share of a poorly seen limb's axis a cut-off piece must cover to stay that limb


def one_piece_per_layer(lab: np.ndarray, axis_core: np.ndarray, torso: np.ndarray,
                        hidden_axis: np.ndarray | None = None) -> np.ndarray:
    """Every layer one connected piece attached to its bones: a piece of a layer that holds none of its bones'
    axis (the body: none of its torso) is an island, and joins the neighbouring part it shares most border
    with. An island would float beside the body when the layer moves. (The drape's pieces, a cape's two sides,
    are joined behind the legs by the painted-in cape there.)

    ``hidden_axis``: the axes of the limbs the pose model sees poorly. A piece lying along HIDDEN_HOLD of such an
    axis is that limb, not an island, even cut off from the rest of its arm (TikTok clip 0: the right forearm,
    the left forearm crossing between it and its upper arm); the mesh joins it to its arm again
    (``fill.hidden_limb``). A speck that merely touches the axis of a limb behind the body is still an island."""
    out = lab.copy()
    for _ in range(3):
        layer_of = np.where(out >= 0, LAYER_OF_PART[np.clip(out, 0, None)], -1)
        changed = False
        for li in range(int(LAYER_OF_PART.max()) + 1):
            if LAYER_NAMES[li] == "drape":
                continue
            comp, n = ndimage.label(layer_of == li)
            if n <= 1:
                continue
            anchor = torso if li == 0 else (axis_core == li)
            held = np.unique(comp[anchor & (comp > 0)])
            held = held[held > 0]
            if li > 0 and hidden_axis is not None and (hidden_axis == li).any():
                on_axis = ndimage.sum(hidden_axis == li, comp, range(1, n + 1))
                held = np.union1d(held, np.flatnonzero(on_axis >= HIDDEN_HOLD * (hidden_axis == li).sum()) + 1)
            if len(held) == 0:  # no bone inside (a limb the cut lost): keep its largest piece
                sizes = ndimage.sum(comp > 0, comp, range(1, n + 1))
                held = np.array([1 + int(np.argmax(sizes))])
            islands = np.setdiff1d(np.arange(1, n + 1), held)
            boxes = ndimage.find_objects(comp)
            for k in islands:
                sl = boxes[k - 1]
                sl = tuple(slice(max(0, s.start - 2), s.stop + 2) for s in sl)
                isl = comp[sl] == k
                ring = cv2.dilate(isl.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & ~isl
                nb = out[sl][ring]
                nb = nb[(nb >= 0) & (LAYER_OF_PART[np.clip(nb, 0, None)] != li)]
                if len(nb) == 0:
                    continue
                out[sl][isl] = np.bincount(nb).argmax()
                changed = True
        if not changed:
            break
    return out


def _upsample_labels(lab: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Labels at ``size`` (w, h): each part's indicator interpolated, the strongest wins (smooth borders)."""
    present = np.flatnonzero(np.bincount(lab[lab >= 0]))  # (the parts there, counted: np.unique sorted them all)
    if len(present) == 0:
        return np.full(size[::-1], -1, np.int16)
    best = np.zeros(size[::-1], np.float32)
    out = np.full(size[::-1], -1, np.int16)
    for p in present:
        ind = cv2.resize((lab == p).astype(np.float32), size, interpolation=cv2.INTER_LINEAR)
        better = ind > best
        out[better] = p
        best[better] = ind[better]
    return out


def _refine_layers(lab: np.ndarray, scores: np.ndarray, small_rgb: np.ndarray, m: np.ndarray,
                   sw: float, axis_core: np.ndarray | None = None) -> np.ndarray:
    """Move uncertain layer borders onto colour edges (watershed from the pixels whose layer is certain)."""
    n_layers = int(LAYER_OF_PART.max()) + 1
    layer_scores = np.full((n_layers,) + lab.shape, np.inf, np.float32)
    for li in range(n_layers):
        idx = np.flatnonzero(LAYER_OF_PART == li)
        layer_scores[li] = scores[idx].min(axis=0)
    srt = np.sort(layer_scores, axis=0)
    margin = srt[1] - srt[0]
    layer = np.argmin(layer_scores, axis=0)
    certain = (margin > 0.15 * sw) & m
    markers = np.where(certain, layer + 1, 0).astype(np.int32)
    if axis_core is not None:
        markers = np.where((axis_core >= 0) & m, axis_core + 1, markers)
    if np.count_nonzero(np.bincount(markers.ravel())) <= 2:  # (counted, not sorted: the same answer sooner)
        return lab
    # OpenCV's watershed floods from the markers across the smallest colour steps first, so the uncertain
    # pixels go to the side they are not separated from by an edge; the background is a marker of its own
    markers[~m] = n_layers + 1
    blurred = np.ascontiguousarray(cv2.GaussianBlur(small_rgb, (0, 0), 1.0)[:, :, ::-1])
    cv2.watershed(blurred, markers)
    ws = markers - 1
    ws[(ws < 0) | (ws >= n_layers)] = layer[(ws < 0) | (ws >= n_layers)]
    # a flood may only hand a pixel to a layer that was a close second by distance (no leaking far across a
    # region without edges, e.g. black sleeve on a black top)
    ws_score = np.take_along_axis(layer_scores, np.clip(ws, 0, n_layers - 1)[None], axis=0)[0]
    ws = np.where(ws_score <= srt[0] + 0.15 * sw, ws, layer)
    out = lab.copy()
    changed = (ws >= 0) & (ws != layer)
    if changed.any():
        # the part within the new layer: the nearest of that layer's parts
        for li in range(n_layers):
            sel = changed & (ws == li)
            if not sel.any():
                continue
            idx = np.flatnonzero(LAYER_OF_PART == li)
            out[sel] = idx[np.argmin(scores[idx][:, sel], axis=0)]
    return out


SLEEVE_BINS = 12  # a limb's bone is cut into this many cross-sections to find where a sleeve covers it


def _sleeve(xs: np.ndarray, ys: np.ndarray, seg: tuple[np.ndarray, np.ndarray], on_axis: np.ndarray,
            shirt: np.ndarray) -> np.ndarray:
    """Per pixel (``xs``, ``ys``), whether the cross-section of the limb it lies in is a sleeve: most of the limb's
    own axis pixels there (``on_axis``) have the shirt's colour (``shirt``). A sleeve covers the bone, a strip of
    the dress beside a bare arm does not; the sleeve moves with the arm, whole (torn, it leaves a flap)."""
    a, b = seg
    ab = b - a
    t = np.clip(((xs - a[0]) * ab[0] + (ys - a[1]) * ab[1]) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
    bins = np.minimum((t * SLEEVE_BINS).astype(int), SLEEVE_BINS - 1)
    axis = np.bincount(bins[on_axis], minlength=SLEEVE_BINS)
    covered = np.bincount(bins[on_axis & shirt], minlength=SLEEVE_BINS)
    return (covered > 0.5 * np.maximum(axis, 1))[bins]


def torso_clusters(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, inside: np.ndarray, axis_of: dict,
                  radii: dict) -> np.ndarray | None:
    """[K, 3] the torso's colour clusters in ``labc`` (:func:`blurred_lab`), read inside the shoulder-hip
    quadrilateral (``inside``: not the neck) and away from every limb (a limb lying over it must not teach the
    torso its colour); rare ones (a stray bit of limb) do not count. None with too few pixels to read."""
    near_limb = np.zeros_like(m)
    for part, r in radii.items():
        near_limb |= axis_of[part] < 2.5 * r
    torso_px = labc[(lab == PARTS.index("torso")) & inside & ~near_limb]
    if len(torso_px) < 30:
        return None
    rng = np.random.default_rng(0)
    sample = np.ascontiguousarray(torso_px[rng.choice(len(torso_px), min(2000, len(torso_px)), replace=False)])
    k = int(min(4, max(1, len(sample) // 60)))
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(0)
    _, assign, centres = cv2.kmeans(sample, k, None, crit, 2, cv2.KMEANS_PP_CENTERS)
    support = np.bincount(assign.ravel(), minlength=k) / len(sample)
    return centres[support >= 0.08]


def nearest_colour(c: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """[N] the distance of each colour of ``c`` [N, 3] to the nearest of ``centres`` [K, 3] (in chunks: N may be
    the whole image)."""
    out = np.empty(len(c), np.float32)
    for i in range(0, len(c), 4096):
        out[i:i + 4096] = np.linalg.norm(c[i:i + 4096, None, :] - centres[None], axis=2).min(axis=1)
    return out


def _colour_refine(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, inside: np.ndarray, axis_of: dict,
                   segs: dict, radii: dict, sw: float, near_torso: np.ndarray) -> np.ndarray:
    """Where a limb's colour differs from the torso's (a bare arm over a shirt), let colour decide the border
    near the limb: torso pixels close to the limb's axis that look like the limb join it, limb pixels that
    look like the torso go back to it. Sleeves of the shirt's colour are left as they are. ``axis_of``: each
    limb part's distance from its bone, per pixel; ``labc``: the small image's :func:`blurred_lab`."""

    torso_i = PARTS.index("torso")
    torso_s = torso_clusters(lab, labc, m, inside, axis_of, radii)
    if torso_s is None:
        return lab

    def nn_torso(c: np.ndarray) -> np.ndarray:
        return nearest_colour(c, torso_s)

    out = lab.copy()
    for part, r in radii.items():
        pi = PARTS.index(part)
        d = axis_of[part]
        part_px = (lab == pi) & (d < r) & m
        if part_px.sum() < 15:
            continue
        # the limb's own colour: its pixels unlike any of the torso's (skin of a bare arm over a shirt)
        pc = labc[part_px]
        distinct = nn_torso(pc) > 22.0
        if distinct.sum() < 10 or distinct.mean() < 0.1:  # looks like the torso (a sleeve): colour cannot help
            continue
        mu = np.median(pc[distinct], axis=0)
        core = np.zeros_like(m)
        core[part_px] = distinct
        near = m & (d < 3.5 * r)
        cand = near & ((lab == torso_i) | (lab == pi))
        ys, xs = np.nonzero(cand)
        c = labc[ys, xs]
        d_limb = np.linalg.norm(c - mu, axis=1)
        d_torso = nn_torso(c)
        limb_like = (d_limb < 0.6 * d_torso) & (d_limb < 25.0)
        looks_torso = d_torso < 0.5 * d_limb
        on_axis = (d[ys, xs] < 0.5 * r) & (lab[ys, xs] == pi)
        torso_like = (looks_torso & (d[ys, xs] > 0.5 * r) & near_torso[ys, xs]
                      & ~_sleeve(xs, ys, segs[part], on_axis, looks_torso))
        grow = np.zeros_like(m)
        grow[ys[limb_like], xs[limb_like]] = True
        # only what connects to the limb's own core
        comp, _ = ndimage.label(grow | core)
        keep = np.isin(comp, np.unique(comp[core]))
        out[keep & (lab == torso_i)] = pi
        out[ys[torso_like], xs[torso_like]] = np.where(lab[ys[torso_like], xs[torso_like]] == pi, torso_i,
                                                       out[ys[torso_like], xs[torso_like]])
    return out

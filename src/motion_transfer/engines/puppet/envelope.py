"""The torso's outline where the arms hide it: its sides continued up from below the armpits, its shoulders round.

A sleeve lies over the shoulder, and the image shows nothing of the body under it. The shoulder joints (and the
shoulder-hip quadrilateral through them) sit in the middle of a puffy sleeve, so what the body layer took under
a sleeve went out to them, in the sleeve's shape: once the arm rose, the body layer kept flaps of sleeve-coloured
cloth beyond its side and a square corner at the shoulder (the cartoon girl's puffy sleeves, the demo mannequin's
red shards under its arms). The body's side below the armpit is what the image does show: continued straight up
along the spine and rounded off at the top, it bounds what the torso may cover. Where an arm hangs against the
body, the image shows no side there, and nothing is bounded.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from ...pose.retarget import MH, MS, extend
from ...pose.skeleton import J, shoulder_span
from .model import ARM_PARTS, FACING, LAYER_NAMES, LAYER_OF_PART, LAYERS, PARTS, part_segment
from .morphology import disc
from .outlines import LINE_WIDTH, drawn_lines

ARMPIT_BAND = (0.35, 0.6)  # the levels (shoulders 0, hips 1) where the torso's sides show below the armpits
SIDE_SHARE = 50  # a side is this percentile of the torso's outermost pixels over those levels
ENVELOPE_MARGIN = 0.02  # the envelope reaches this far (shoulder widths) beyond the side
SHOULDER_ROUND = 0.15  # the radius (shoulder widths) of the shoulder's round top
SHOULDER_RISE = 0.1  # the shoulder's top lies this far (shoulder widths) above the line through the shoulders
SIDE_MIN = 0.8  # a side nearer the spine than this share of its shoulder joint is an arm's edge, not the body's
BAND_LEVELS = 5  # at least this many levels of the band must hold torso pixels to place a side
SIDE_SEEN = 0.5  # ... and at least this share of them end on the figure's outline, not along an arm
# (shoulder widths) a side shown above the armpits is widened to only when it lies this far out of the side below
# them: a chest really wider than the waist (TikTok character 0: 0.13), not a drawn outline's stroke (the fox: 0.03)
SIDE_WIDER = 0.05
SLEEVE_OFF = 20.0  # a torso pixel this near (RGB) a multiple of the sleeve's colour ...
SLEEVE_SHADE = (0.35, 1.6)  # ... between these many times it (black hair is darker) is the sleeve in shade
SLEEVE_HUE = 15.0  # the sleeve's colour must be this far (CIE Lab chroma, OpenCV's 8-bit scale) from grey
SLEEVE_NEAR = 0.1  # the sleeve's colour is read on the upper arm this near (shoulder widths) those pixels
STRAND = 0.02  # a piece thinner than twice this (shoulder widths) is a strand of hair, not sleeve
SLEEVE_PIECE = 0.05  # a piece of sleeve smaller than this squared (shoulder widths) keeps its label


@dataclass
class BodyFrame:
    """The body's frame in an image: per pixel, ``level`` its distance below the line through the shoulders
    along the spine and ``out`` its distance across the spine, towards the left shoulder's side (pixels);
    ``shoulders`` each shoulder joint's distance out on its own side and ``shoulder_levels`` its level; ``spine``
    and ``sw`` (the shoulder width) in pixels."""

    level: np.ndarray
    out: np.ndarray
    shoulders: dict[str, float]
    shoulder_levels: dict[str, float]
    spine: float
    sw: float


SIGNS = {"left": 1.0, "right": -1.0}  # which way is out on each side, in ``BodyFrame.out``


def body_frame(joints: np.ndarray, shape: tuple[int, int]) -> BodyFrame:
    ext = extend(joints)
    down = ext[MH] - ext[MS]
    spine = max(float(np.linalg.norm(down)), 1e-6)
    down = down / spine
    across = np.array([-down[1], down[0]])
    if float((joints[J["left_shoulder"], :2] - ext[MS]) @ across) < 0:
        across = -across
    h, w = shape
    py, px = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = px - ext[MS][0], py - ext[MS][1]
    shoulders = {name: s * float((joints[J[f"{name}_shoulder"], :2] - ext[MS]) @ across)
                 for name, s in SIGNS.items()}
    sw = shoulder_span(joints[:, :2], 1.0)
    levels = {name: float((joints[J[f"{name}_shoulder"], :2] - ext[MS]) @ down) for name in SIGNS}
    return BodyFrame(dx * down[0] + dy * down[1], dx * across[0] + dy * across[1], shoulders, levels, spine, sw)


def _main_torso(labels: np.ndarray) -> np.ndarray:
    torso = (labels == PARTS.index("torso")).astype(np.uint8)
    n, comp, stats, _ = cv2.connectedComponentsWithStats(torso, connectivity=8)
    if n <= 1:
        return torso.astype(bool)
    return comp == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))


def _sides(labels: np.ndarray, f: BodyFrame) -> dict[str, float]:
    """Per side ("left", "right"), the torso's side below the armpits: the SIDE_SHARE percentile of its outermost
    pixel (distance out, ``f.out``) over the ARMPIT_BAND levels, those where that pixel lies along the figure's
    outline and not along an arm (an arm lying over the body's side ends the torso's pixels short of it). Left
    out where too few levels hold torso pixels, where fewer than SIDE_SEEN of them end on the outline, or where
    that side lies well inside the shoulder joint above it: an arm hanging against the body hides its side, and
    where the torso's pixels end is then the arm's edge (TikTok clip 5's puffy sleeves hang over her sides: a
    side read along them cut the sleeve's upper half off the torso, and her arm moved a wider sleeve)."""
    torso = _main_torso(labels)
    band = torso & (f.level >= ARMPIT_BAND[0] * f.spine) & (f.level < ARMPIT_BAND[1] * f.spine)
    found = {}
    if band.sum() < 20:
        return found
    ys, xs = np.nonzero(band)
    rows = np.round(f.level[ys, xs]).astype(np.int64)
    arm = np.isin(labels, [PARTS.index(p) for p in ARM_PARTS["left"] + ARM_PARTS["right"]])
    by_arm = cv2.dilate(arm.astype(np.uint8), None, iterations=2).astype(bool)[ys, xs]
    for name, s in SIGNS.items():
        outward = s * f.out[ys, xs]
        order = np.lexsort((outward, rows))  # by level, then outward: the last of each level is its outermost
        last = order[np.r_[rows[order][1:] != rows[order][:-1], True]]
        if len(last) < BAND_LEVELS:
            continue
        free = last[~by_arm[last]]
        if len(free) < max(BAND_LEVELS, SIDE_SEEN * len(last)):
            continue
        edge = float(np.percentile(outward[free], SIDE_SHARE))
        if edge >= SIDE_MIN * f.shoulders[name]:
            found[name] = edge
    return found


def _side_up(labels: np.ndarray, f: BodyFrame, name: str, edge: float) -> tuple[np.ndarray, float]:
    """(HxW float, float): the side ``name`` (``edge`` out, below the armpits) at each pixel's level, widened to
    the body's own side where the image shows it above the armpit band, and how far out it reaches at the top:
    from the band up, as long as the torso's outermost pixel at each level lies on the figure's outline (not along
    an arm), the side is the widest of them so far, and above that the widest of them all; unless that is less than
    SIDE_WIDER out of ``edge`` (a drawn outline's stroke over the fox's shoulders stood out as a bump). A chest
    wider than the waist (TikTok character 0's black top, her arm across it from the shoulder) shows its side from
    the band up to the arm, out past the side continued up straight: the body was painted only that far under the
    arm, and once the arm hung down its own side stood out as a flap under the armpit (topped by the ledge where the
    arm's cut met the outline), and the painted shoulder's round stood apart from the sleeve's with a notch between
    them."""
    side = np.full(labels.shape, edge, np.float32)
    torso = _main_torso(labels)
    top = ARMPIT_BAND[0] * f.spine
    ys, xs = np.nonzero(torso & (f.level < top) & (f.level >= 0))
    if not len(ys):
        return side, edge
    rows = np.round(f.level[ys, xs]).astype(np.int64)
    outward = SIGNS[name] * f.out[ys, xs]
    order = np.lexsort((outward, rows))
    last = order[np.r_[rows[order][1:] != rows[order][:-1], True]][::-1]  # each level's outermost, from the band up
    arm = np.isin(labels, [PARTS.index(p) for p in ARM_PARTS["left"] + ARM_PARTS["right"]])
    by_arm = cv2.dilate(arm.astype(np.uint8), None, iterations=2).astype(bool)
    by_backdrop = cv2.dilate((labels < 0).astype(np.uint8), None, iterations=1).astype(bool)
    seen = ~by_arm[ys[last], xs[last]] & by_backdrop[ys[last], xs[last]]
    # levels one after another from the band's top
    steps = (rows[last] == rows[last[0]] - np.arange(len(last))) & (rows[last[0]] >= top - 2)
    run = int(np.argmin(seen & steps)) if not (seen & steps).all() else len(last)
    if run == 0:
        return side, edge
    widths = np.maximum.accumulate(np.maximum(outward[last[:run]], edge))
    widest = float(widths[-1])
    if widest - edge < SIDE_WIDER * f.sw:
        return side, edge
    levels = np.round(f.level).astype(np.int64)
    lookup = np.full(int(rows[last[0]]) - int(rows[last[run - 1]]) + 1, widest, np.float32)
    lookup[int(rows[last[0]]) - rows[last[:run]]] = widths
    within = (levels <= rows[last[0]]) & (levels >= rows[last[run - 1]])
    side[within] = lookup[rows[last[0]] - levels[within]]
    side[levels < rows[last[run - 1]]] = widest
    return side, widest


def torso_envelope(labels: np.ndarray, joints: np.ndarray,
                   frame: BodyFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(allowed, under) HxW bool: ``allowed`` where the torso may lie above the armpits: within its sides (as
    the image shows them below the armpits, continued up along the spine, widened to its own side where the image
    shows that above them too (:func:`_side_up`), plus ENVELOPE_MARGIN), its shoulders' tops rounded with a radius
    of SHOULDER_ROUND (more by as much as the side was widened), as high as the shirt's own shoulder line beside the
    round (:func:`_shoulder_rise`); ``under`` the part of that between the spine and a
    side, from the shoulders' tops (SHOULDER_RISE above the line through the shoulder joints) down to the armpits:
    the body under the sleeves, whose outline the image hides. No bound from the armpits down, in a side view (its sides
    are the chest and the back), or on a side the image does not show (:func:`_sides`). ``frame``: the body's
    frame in ``labels`` when the caller has it already (``body_frame(joints, labels.shape)``)."""
    f = body_frame(joints, labels.shape) if frame is None else frame
    allowed = np.ones(labels.shape, bool)
    under = np.zeros(labels.shape, bool)
    if f.sw < FACING * f.spine:
        return allowed, under
    above = f.level < ARMPIT_BAND[0] * f.spine
    for name, edge in _sides(labels, f).items():
        out = SIGNS[name] * f.out
        side, top = _side_up(labels, f, name, edge)
        w = out - (side + ENVELOPE_MARGIN * f.sw)
        # the round top: past the circle's centre (out and up), only what the circle holds; a side widened above
        # the band rounds off as far in as the straight one (its top beside the neck no higher: flat up to the
        # hair's tips there, the body's top tore a fringe off them once the head turned, TikTok character 0)
        r = SHOULDER_ROUND * f.sw + top - edge
        rise = _shoulder_rise(labels, f, name, top + ENVELOPE_MARGIN * f.sw - r)
        cw, cl = w + r, f.level - (-rise + r)
        corner = (cw > 0) & (cl < 0) & (cw * cw + cl * cl > r * r)
        outside = above & ((w > 0) | corner)
        allowed &= ~outside
        under |= above & ~outside & (out >= 0) & (f.level >= -SHOULDER_RISE * f.sw)
    return allowed, under


def _shoulder_rise(labels: np.ndarray, f: BodyFrame, name: str, inner: float) -> float:
    """How far above the line through the shoulder joints (pixels) the shoulder's round top lies on side
    ``name``: SHOULDER_RISE, or higher where the torso's own pixels reach higher over the round (from ``inner``,
    its circle's centre, out; no more than RISE_MAX): a T-shirt's sleeve over the shoulder goes on along the
    shirt's shoulder line, and the pose model may put the joints low in the sleeve (TikTok character 4 cut at 60%
    of her height: the shirt's top 0.16 shoulder widths above them). Rounded off lower, the body under the
    sleeve ended below the torso's own corner at the sleeve's cut, and once the arm rose that corner stood as a
    point on the shoulder with the backdrop in a notch beside it."""
    torso = _main_torso(labels) & (SIGNS[name] * f.out >= inner) & (f.level < 0)
    seen = float(-f.level[torso].min()) if torso.any() else 0.0
    return float(np.clip(seen, SHOULDER_RISE * f.sw, RISE_MAX * f.sw))


RISE_MAX = 0.25  # (shoulder widths) the highest a shoulder's round top is taken to lie above its joint's line


def past_unseen_sides(labels: np.ndarray, joints: np.ndarray, frame: BodyFrame | None = None) -> np.ndarray:
    """HxW bool: above the armpits (ARMPIT_BAND's top), the pixels past the torso's outline as the skeleton gives
    it on a side the image does not show (:func:`_sides`): past the line through that side's shoulder and hip
    joints, on the far side of it from the spine (above the shoulder too, the line carried on up). Where a sleeve
    hangs over the body's side, that line is all that tells the body from the arm: the puffy sleeve's shaded inner
    side between TikTok character 5's hanging hair and her arm looked like her white top, and the body layer kept
    it as the top under it; once the arm swung out it stood beside the hair as a torn, translucent flap. Nothing in
    a side view (its sides are the chest and the back). ``frame``: the body's frame in ``labels`` when the caller
    has it already."""
    f = body_frame(joints, labels.shape) if frame is None else frame
    past = np.zeros(labels.shape, bool)
    if f.sw < FACING * f.spine:
        return past
    seen = _sides(labels, f)
    above = f.level < ARMPIT_BAND[0] * f.spine
    h, w = labels.shape
    py, px = np.mgrid[0:h, 0:w].astype(np.float32)
    for name in SIGNS:
        if name in seen:
            continue
        shoulder, hip = (np.asarray(joints[J[f"{name}_{j}"], :2], np.float64) for j in ("shoulder", "hip"))
        along = hip - shoulder
        normal = np.array([along[1], -along[0]]) / max(float(np.linalg.norm(along)), 1e-6)
        ext = extend(joints)
        if float(((ext[MS][:2] + ext[MH][:2]) / 2 - shoulder) @ normal) > 0:  # (pointing away from the torso)
            normal = -normal
        past |= above & ((px - shoulder[0]) * normal[0] + (py - shoulder[1]) * normal[1] > 0)
    return past


def shoulder_tops(labels: np.ndarray, joints: np.ndarray, frame: BodyFrame | None = None) -> np.ndarray:
    """HxW bool: the upper arms' pixels that are the shoulder's top under the sleeve: between the spine and the
    shoulder joint (``frame.out``), on the far side of the joint from the elbow (behind it along the upper arm's
    bone: above it for a hanging arm, towards the neck for one held out level) and within SHOULDER_REACH of it.
    A sleeve lies over the shoulder up to the neck, and the image shows the shoulder's round top only as the
    sleeve's; the body layer took under it the shoulder-hip quadrilateral's strip and nothing above the joint,
    and once the arm rose the backdrop showed in a notch between the neck and the raised sleeve (TikTok
    character 4, whose sides her hanging arms hide: no envelope's ``under`` there either)."""
    f = body_frame(joints, labels.shape) if frame is None else frame
    out = np.zeros(labels.shape, bool)
    reach = SHOULDER_REACH * f.sw
    h, w = labels.shape
    for name, sign in SIGNS.items():
        upper = labels == PARTS.index(ARM_PARTS[name][0])
        start, end = (np.asarray(p, np.float64)[:2] for p in part_segment(ARM_PARTS[name][0], joints))
        bone = end - start
        length = float(np.linalg.norm(bone))
        if not upper.any() or length < 1e-6:
            continue
        x0, x1 = max(0, int(start[0] - reach)), min(w, int(start[0] + reach) + 2)
        y0, y1 = max(0, int(start[1] - reach)), min(h, int(start[1] + reach) + 2)
        if x0 >= x1 or y0 >= y1:
            continue
        py, px = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        dx, dy = px - start[0], py - start[1]
        behind = (dx * bone[0] + dy * bone[1]) / length <= 0
        inward = (sign * f.out[y0:y1, x0:x1] >= 0) & (sign * f.out[y0:y1, x0:x1] <= f.shoulders[name])
        out[y0:y1, x0:x1] = upper[y0:y1, x0:x1] & behind & inward & (dx * dx + dy * dy <= reach * reach)
    return out


SHOULDER_REACH = 0.5  # (shoulder widths) how far from its joint a shoulder's top under the sleeve reaches (the spine)


def past_sides(labels: np.ndarray, joints: np.ndarray, frame: BodyFrame | None = None) -> np.ndarray:
    """HxW bool: over the levels where the torso's sides show below the armpits (ARMPIT_BAND), the pixels past
    a side the image shows there (:func:`_sides`, plus ENVELOPE_MARGIN), as :func:`torso_envelope` bounds the
    torso above them. ``frame``: the body's frame in ``labels`` when the caller has it already."""
    f = body_frame(joints, labels.shape) if frame is None else frame
    past = np.zeros(labels.shape, bool)
    if f.sw < FACING * f.spine:
        return past
    band = (f.level >= ARMPIT_BAND[0] * f.spine) & (f.level < ARMPIT_BAND[1] * f.spine)
    for name, edge in _sides(labels, f).items():
        past |= band & (SIGNS[name] * f.out > edge + ENVELOPE_MARGIN * f.sw)
    return past


def sleeves_off_torso(labels: np.ndarray, joints: np.ndarray, image: np.ndarray) -> np.ndarray:
    """Part labels with the torso's pixels outside :func:`torso_envelope` that are its arm's sleeve (a shade
    of the median colour of that upper arm around them, in a piece touching it) given to that upper arm:
    labelled by distance to the bones, the underside of a puffy sleeve went to the torso (the cartoon girl), and
    stood as a flap of sleeve beside the body once the arm rose. Only below the line through the shoulders,
    under the arm: above it lies the shoulder's top, the shirt's own (TikTok clip 0's beside her neck), which
    the body layer's envelope rounds off without taking it from the torso. Hair over the shoulder keeps its
    label (not the sleeve's colour, or strands too thin for a sleeve). In drawn art the arms' outlines' strands
    left on the torso go to the arms too (:func:`outline_strands_to_arms`)."""
    f = body_frame(joints, labels.shape)
    return outline_strands_to_arms(_sleeve_flaps_to_arms(labels, joints, f, image), image, f.sw)


def _sleeve_flaps_to_arms(labels: np.ndarray, joints: np.ndarray, f: BodyFrame, image: np.ndarray) -> np.ndarray:
    """:func:`sleeves_off_torso` but the drawn outline's strands, in the body's frame ``f``."""
    torso = labels == PARTS.index("torso")
    outside = torso & ~torso_envelope(labels, joints, f)[0] & (f.level >= 0)
    if not outside.any():
        return labels
    rgb = image.astype(np.float32)
    result = labels.copy()
    for name, s in SIGNS.items():
        upper = labels == PARTS.index(ARM_PARTS[name][0])
        side = outside & (s * f.out > 0)
        # the sleeve: the upper arm right around those pixels (further down it may be bare: a short sleeve)
        near = upper & cv2.dilate(side.astype(np.uint8), None,
                                   iterations=max(2, round(SLEEVE_NEAR * f.sw))).astype(bool)
        if near.sum() < 20:
            continue
        # its colour lit or in shade (its underside, turned from the light, is half as light): a multiple of it
        sleeve = np.median(rgb[near], axis=0)
        # ... which tells the sleeve only where that colour has a hue: every grey is a shade of a black or a
        # white sleeve (TikTok clip 0's black top: its armpit went to the arm, and stood out from the
        # shoulder as a black flap once the arm hung down)
        lab = cv2.cvtColor(np.uint8([[np.clip(sleeve + 0.5, 0, 255)]]), cv2.COLOR_RGB2LAB)[0, 0].astype(np.float32)
        if float(np.hypot(lab[1] - 128, lab[2] - 128)) < SLEEVE_HUE:
            continue
        k = (rgb @ sleeve) / max(float(sleeve @ sleeve), 1.0)
        mine = side & (k > SLEEVE_SHADE[0]) & (k < SLEEVE_SHADE[1])
        # how far each is from that multiple: measured on those pixels only (over the whole image it was
        # a third of this function's time, on the rig's critical path)
        mine[mine] = np.linalg.norm(rgb[mine] - k[mine][:, None] * sleeve, axis=1) < SLEEVE_OFF
        # no thin strands (hair lying over the top, as light as its shade where blurred into it)
        r = max(1, round(STRAND * f.sw))
        element = disc(r)
        mine &= cv2.morphologyEx(mine.astype(np.uint8), cv2.MORPH_OPEN, element).astype(bool)
        touch = cv2.dilate(upper.astype(np.uint8), None, iterations=2).astype(bool)
        _, pieces = cv2.connectedComponents(mine.astype(np.uint8), connectivity=8)
        keep = np.unique(pieces[touch & mine])
        result[np.isin(pieces, keep[keep > 0])] = PARTS.index(ARM_PARTS[name][0])
        # and so do slivers of the torso outside the envelope along it (the sleeve's drawn outline, a shadow
        # under it) and what that cut off the torso there (specks between the sleeve's pieces)
        left = (result == PARTS.index("torso")).astype(np.uint8)
        sliver = side & ~cv2.morphologyEx(left, cv2.MORPH_OPEN, element).astype(bool) & left.astype(bool)
        _, pieces = cv2.connectedComponents(sliver.astype(np.uint8), connectivity=8)
        keep = np.unique(pieces[touch & sliver])
        result[np.isin(pieces, keep[keep > 0])] = PARTS.index(ARM_PARTS[name][0])
        cut = side & ~_main_torso(result) & (result == PARTS.index("torso"))
        result[cut] = PARTS.index(ARM_PARTS[name][0])
    # specks keep their labels: a few pixels are no flap (and every pixel moved changes the torso's colours
    # sampled for the fill behind the arms)
    _, pieces, stats, _ = cv2.connectedComponentsWithStats((result != labels).astype(np.uint8), connectivity=8)
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < (SLEEVE_PIECE * f.sw) ** 2)
    specks = np.isin(pieces, small[small > 0])
    result[specks] = labels[specks]
    return result


STRAND_WIDTH = 2 * LINE_WIDTH  # (shoulder widths) a piece of the body layer thinner than this is a strand
OUTLINE_REACH = 2 * LINE_WIDTH  # (shoulder widths) an arm's drawn outline lies this near the arm's inside
WEDGE = 0.1  # (shoulder widths) a piece of an upper arm beyond its outline smaller than this squared is the torso's


def outline_strands_to_arms(labels: np.ndarray, image: np.ndarray, shoulder_width: float) -> np.ndarray:
    """Part labels with the ends of drawn outlines at the arms' roots on the layer they outline.

    In drawn art the dark line along an arm's underside runs on into the armpit, and the torso's line along
    its shoulder's top meets the arm's outline: labelled by distance, the first went to the torso and the
    second to the arm, and once the arm moved they stood out of the body's sides as thin dark strands and off
    the arm's top as spikes (the fox). An arm's outline is what lies within OUTLINE_REACH of the arm's inside
    (its pixels off the drawn lines): the torso's pieces thinner than STRAND_WIDTH touching an arm go to the arm
    within that reach, and the upper arm's pixels beyond it, in small pieces (WEDGE) touching the torso, to the
    torso (an arm drawn all in lines, with no inside of its own, is not cut up). Only
    for drawn art (``outlines.drawn_lines``): a photograph's labels stay exactly as they are."""
    figure = labels >= 0
    line = drawn_lines(image, figure, shoulder_width)
    if line is None:
        return labels
    arm = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_l"] + LAYERS["arm_r"]])
    inside = arm & ~cv2.dilate(line.astype(np.uint8), None).astype(bool)
    if not inside.any():
        return labels
    far, (iy, ix) = ndimage.distance_transform_edt(~inside, return_indices=True)
    outline = far <= OUTLINE_REACH * shoulder_width
    out = labels.copy()
    # the torso's top line where it meets the arm: the upper arm's beyond its outline
    torso = labels == PARTS.index("torso")
    touch = cv2.dilate(torso.astype(np.uint8), None).astype(bool)
    uppers = np.isin(labels, [PARTS.index(ARM_PARTS[side][0]) for side in ARM_PARTS])
    _, pieces, stats, _ = cv2.connectedComponentsWithStats((uppers & ~outline).astype(np.uint8), connectivity=8)
    wedges = 1 + np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] < (WEDGE * shoulder_width) ** 2)
    out[np.isin(pieces, np.intersect1d(wedges, pieces[touch & (pieces > 0)]))] = PARTS.index("torso")
    # the arm's line on into the armpit: the torso's thin pieces by the arm, as far as its outline reaches
    layer = np.where(figure, LAYER_OF_PART[np.clip(out, 0, None)], -1)
    body = (layer == LAYER_NAMES.index("body")).astype(np.uint8)
    r = max(1, round(STRAND_WIDTH * shoulder_width / 2))
    thin = (out == PARTS.index("torso")) & ~cv2.morphologyEx(body, cv2.MORPH_OPEN, disc(r)).astype(bool) & outline
    _, pieces = cv2.connectedComponents(thin.astype(np.uint8), connectivity=8)
    keep = np.unique(pieces[cv2.dilate(arm.astype(np.uint8), None).astype(bool) & thin])
    strands = np.isin(pieces, keep[keep > 0])
    out[strands] = labels[iy[strands], ix[strands]]
    return out

"""Filling what the character hid: the torso behind its arms, the stretch of an arm that the other arm crossing
it hides, and the forearms and hands that the image's border cuts off (the background where it stood:
``background``).

Done once per character (at rigging), never per frame.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import cv2
import numpy as np
from scipy import ndimage

from ...pose.retarget import MH, MS, extend
from ...pose.skeleton import J, shoulder_span
from .across import lying_across
from .colour_step import ALIKE_DELTA_E
from .cut_forearm import (CARRY_DEPTH, CARRY_LINES, BorderCrossing, balance_skin, border_axes, carry_across,
                          cross_profile, curve_frame, curve_length, forearm_at_border, forearm_curve, profile_look)
from .drawn_hand import (EDGE_PX, FINGERTIP, FORE_ELBOW, FORE_WRIST, PHOTO_TIP, PHOTO_WRIST, SOFT, TIP, WRIST,
                         body_width, cylinder_skin, drawn_hand_size, forearm_radius, hand_shape, lit, open_hand_joints,
                         shaded_skin, skin_light, skin_shade)
from .edgearm import EDGE_BAND, past_body_side
from .envelope import ARMPIT_BAND, SIGNS, body_frame, past_sides, past_unseen_sides, shoulder_tops, torso_envelope
from .face_style import is_drawn
from .model import (ALONG_SIDE, ARM_PARTS, FACING, LAYERS, LEG_PARTS, PARTS, DrawnHand, folded_arm, part_segment,
                    segment_distance, torso_quad)
from .morphology import close_in_box, disc, grown_box
from .outlines import LINE_CONTRAST, LINE_WIDTH, dark_lines, drawn_lines
from .ovals import drawn_oval, ellipse_mask
from .photo_look import add_grain, picture_blur, skin_grain
from .side_line import side_lines
from .sleeve_outline import SLEEVE_CUFF, SLEEVE_ERODED, UNDER_HEM, carried_outline, under_a_sleeve, under_hem
from .strap_sides import across_straps
from .waist import past_the_waist


# the smallest share of a known pixel an average divides by: a coarse cell far inside a big hole holds a share of
# the known pixels as small as 1e-9, an honest average of them; divided by a larger floor (it was 1e-6) it read as
# nearly black, and spread up the pyramid as a dark blob in the middle of the wall where the character stood
TINY = float(np.finfo(np.float32).tiny)


def _push_pull(colour: np.ndarray, known: np.ndarray) -> np.ndarray:
    """HxWxC float32: every pixel a mask-weighted average of the ``known`` (HxW float 0..1) pixels around it.

    Going down a pyramid, each level averages colour*known and known (so unknown pixels count for nothing)
    until nothing is unknown; going back up, each level keeps its own average where enough was known and takes
    the coarser level's, smoothly upsampled, elsewhere. Every unknown pixel is so an average over all
    directions, weighted by nearness: no row or column is favoured, so no streaks.
    """
    levels = [(colour * known[..., None], known)]
    while levels[-1][1].min() <= 0 and min(levels[-1][1].shape) > 1:
        c, w = levels[-1]
        w = cv2.pyrDown(w)
        levels.append((cv2.pyrDown(c).reshape(*w.shape, -1), w))  # (OpenCV drops a single channel's axis)
    c, w = levels[-1]
    filled = c / np.maximum(w, TINY)[..., None]
    if (w <= 0).any():  # nothing known nearby even at the coarsest level: the known pixels' mean
        filled[w <= 0] = (c.reshape(-1, c.shape[-1]).sum(0) / max(float(w.sum()), 1e-6))
    for c, w in reversed(levels[:-1]):
        up = cv2.pyrUp(filled, dstsize=(w.shape[1], w.shape[0])).reshape(*w.shape, -1)
        a = np.clip(w, 0.0, 1.0)[..., None]
        filled = a * (c / np.maximum(w, TINY)[..., None]) + (1 - a) * up
    return filled


def shrunk(values: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """HxWxC ``values`` shrunk to ``size`` (width, height) by area averaging, any number of channels: OpenCV shrinks
    at most 4 at a time by area (a torso of 5 main colours has 5 shares; with more, its resize raised an error and
    the character could not be rigged)."""
    return np.dstack([cv2.resize(np.ascontiguousarray(values[..., i:i + 4]), size, interpolation=cv2.INTER_AREA)
                      .reshape(size[1], size[0], -1) for i in range(0, values.shape[2], 4)])


def smooth_fill(image: np.ndarray, known: np.ndarray, max_side: int = 512) -> np.ndarray:
    """HxWxC float32: the values of ``image``'s ``known`` pixels spread smoothly over the whole array
    (push-pull, on a copy shrunk to at most ``max_side`` pixels; known pixels keep about their own value)."""
    h, w = known.shape
    s = min(1.0, max_side / max(h, w))
    size = (max(4, round(w * s)), max(4, round(h * s)))
    k = known.astype(np.float32)
    colour = image.astype(np.float32)
    if s < 1:
        small_k = cv2.resize(k, size, interpolation=cv2.INTER_AREA)
        small_c = shrunk((colour * k[..., None]).reshape(h, w, -1), size)
        small_c = small_c / np.maximum(small_k, 1e-6)[..., None]
        return cv2.resize(_push_pull(small_c, small_k), (w, h), interpolation=cv2.INTER_LINEAR).reshape(h, w, -1)
    return _push_pull(colour, k)


def push_pull_fill(image: np.ndarray, hole: np.ndarray, known: np.ndarray | None = None,
                   max_side: int = 512) -> np.ndarray:
    """``image`` with ``hole`` filled by push-pull (:func:`smooth_fill`) from the ``known`` pixels around it
    (default: all the others).

    It costs a few milliseconds on a crop shrunk to at most ``max_side`` pixels, and the fill is then given the
    grain of the known pixels on a ring around the hole, so it does not read as a flat blur.
    """
    if not hole.any() or hole.all():
        return image
    H, W = hole.shape
    ys, xs = np.nonzero(hole)
    m = int(0.25 * max(ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)) + 8
    y0, y1 = max(0, ys.min() - m), min(H, ys.max() + m + 1)
    x0, x1 = max(0, xs.min() - m), min(W, xs.max() + m + 1)
    crop = image[y0:y1, x0:x1].astype(np.float32)
    sub = hole[y0:y1, x0:x1]
    if sub.all():
        return image
    kn = ~sub if known is None else known[y0:y1, x0:x1] & ~sub
    if not kn.any():
        return image
    big = smooth_fill(crop, kn, max_side) + _grain(crop, sub, kn)
    out = image.copy()
    out[y0:y1, x0:x1][sub] = np.clip(big[sub] + 0.5, 0, 255).astype(np.uint8)
    return out


def _grain(crop: np.ndarray, hole: np.ndarray, known: np.ndarray) -> np.ndarray:
    """HxWx3 noise with the fine-detail strength of the ``known`` pixels on a ring around ``hole`` (zero if
    flat)."""
    ring = cv2.dilate(hole.astype(np.uint8), None, iterations=6).astype(bool) & known
    if ring.sum() < 20:
        ring = known
    if ring.sum() < 20:
        return np.zeros_like(crop)
    detail = crop - cv2.GaussianBlur(crop, (0, 0), 2.0)
    # robust spread (median absolute deviation): the edges on the ring (a hem, the arm's outline) are no grain
    d = detail[ring]
    sd = 1.4826 * np.median(np.abs(d - np.median(d, axis=0)), axis=0)
    rng = np.random.default_rng(0)
    noise = cv2.GaussianBlur(rng.standard_normal(hole.shape).astype(np.float32), (0, 0), 1.2)
    noise /= max(float(noise.std()), 1e-6)
    # grain in luminance only, and a third of the detail's strength: random speckle as strong as leaves or
    # plaster reads as noise on a screen, not as texture
    return noise[..., None] * (GRAIN * float(sd.mean()))


GRAIN = 0.35  # the fill's grain, as a fraction of the fine detail's strength around the hole


def _texture(crop: np.ndarray, base: np.ndarray, hole: np.ndarray, known: np.ndarray, sw: float) -> np.ndarray:
    """HxWx3 detail to add to the ``hole``'s fill ``base``: near its rim, the detail (what a blur of
    TEXTURE_SIGMA takes out) of the ``known`` pixels around it, mirrored in across the rim where they are of
    about the colour painted there; deeper in, and where nothing of that colour lies across the rim, the grain
    of :func:`_grain`. With the grain alone, the skin painted where a hand had lain on the hip was flat beside
    the belly's shading and the trousers' tufts (TikTok clip 0)."""
    grain = np.broadcast_to(_grain(crop, hole, known), crop.shape)
    if not known.any():
        return grain
    d, (iy, ix) = ndimage.distance_transform_edt(~known, return_indices=True)
    h, w = hole.shape
    ys, xs = np.nonzero(hole)
    ry, rx = 2 * iy[ys, xs] - ys, 2 * ix[ys, xs] - xs
    inb = (ry >= 0) & (ry < h) & (rx >= 0) & (rx < w)
    ry, rx = np.clip(ry, 0, h - 1), np.clip(rx, 0, w - 1)
    ok = inb & known[ry, rx] & (np.linalg.norm(crop[ry, rx] - base[ys, xs], axis=1) < TEXTURE_LIKE)
    detail = crop - cv2.GaussianBlur(crop, (0, 0), TEXTURE_SIGMA)
    # no stronger than the texture around usually is: an outline or a shadow's edge mirrored in is no texture
    d_src = detail[ry[ok], rx[ok]] if ok.any() else detail[known]
    spread = 1.4826 * np.median(np.abs(d_src - np.median(d_src, axis=0)), axis=0) + 1.0
    detail = np.clip(detail, -TEXTURE_CLIP * spread, TEXTURE_CLIP * spread)
    weight = np.where(ok, np.clip(1.5 - d[ys, xs] / (TEXTURE_REACH * sw), 0.0, 1.0), 0.0)[:, None]
    out = grain.copy()  # (the grain is the same in the three channels)
    out[ys, xs] = weight * detail[ry, rx] + (1 - weight) * grain[ys, xs]
    return out


TEXTURE_SIGMA = 3.0  # the detail mirrored into a hole: what a blur of this many pixels takes out
TEXTURE_REACH = 0.1  # ... in full up to 1.5 times this deep (shoulder widths) into it, gone at 2.5 times
TEXTURE_LIKE = 40.0  # ... from pixels this near (RGB) the colour painted where it goes
TEXTURE_CLIP = 2.5  # ... and at most this many times its usual strength (robust spread) there


def mirror_across_spine(joints: np.ndarray, shape: tuple[int, int],
                        origin: tuple[int, int] = (0, 0)) -> tuple[np.ndarray, np.ndarray]:
    """(map_x, map_y) float32 of ``shape``: the mirror image across the spine (mid-hip to mid-shoulder line) of
    each pixel of the region of that shape whose top-left pixel is ``origin``, in image coordinates."""
    ext = extend(joints)
    a, b = ext[MH], ext[MS]
    u = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    h, w = shape
    py, px = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = px + origin[0] - a[0], py + origin[1] - a[1]
    along = dx * u[0] + dy * u[1]
    fx, fy = a[0] + along * u[0], a[1] + along * u[1]
    return (2 * fx - px - origin[0]).astype(np.float32), (2 * fy - py - origin[1]).astype(np.float32)


def hidden_torso(labels: np.ndarray, joints: np.ndarray, *, waist_shown: bool = True) -> np.ndarray:
    """HxW bool: the arms' pixels that hide the torso: inside the shoulder-hip quadrilateral (grown a little), or
    enclosed by the outline of the torso and the thighs down to a little below the hips (a side view, where the
    quadrilateral is narrow; a hand resting on the hip, which would leave a hole there when it moves away), or of
    an arm hanging along a side view's body (:func:`_along_side_view`); where the image shows the waist
    (``waist_shown``: its hips inside it), out to the body's side under an arm lying over it (:func:`_body_sides`:
    a close-up's body continued past the image's bottom edge is no waist to mirror, and TikTok character 5's,
    mirrored into her hanging sleeve beside her hair, was painted there in the hair's black)."""
    sw = shoulder_span(joints, 1.0)
    # the gloves' closings (a third of this function's time where a hand is large) run on a second thread beside
    # the rest: the body layer waits for this, with the layers beside it long done
    with ThreadPoolExecutor(1, thread_name_prefix="rig-gloves") as pool:
        gloves = pool.submit(_behind_gloves, labels, sw, joints)
        return _hidden_torso(labels, joints, sw, gloves, waist_shown)


def _hidden_torso(labels: np.ndarray, joints: np.ndarray, sw: float, gloves: Future,
                  waist_shown: bool = True) -> np.ndarray:
    """:func:`hidden_torso`, ``gloves`` the future of its :func:`_behind_gloves`."""
    H, W = labels.shape
    qm = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(qm, np.round(torso_quad(joints)).astype(np.int32), 1)
    qm = cv2.dilate(qm, None, iterations=max(1, int(0.04 * sw))).astype(bool)
    ext = extend(joints)
    spine = float(np.linalg.norm(ext[MS] - ext[MH]))
    hips = _hips(labels, joints)
    closed = _close(hips, max(2, int(max(0.25 * sw, 0.15 * spine))))
    arm_idx = [PARTS.index(p) for p in LAYERS["arm_l"] + LAYERS["arm_r"]]
    arm = np.isin(labels, arm_idx)
    # no slivers outside the quadrilateral (a thin strip of arm along the outline would stick out of the body
    # as a hair-thin island), and only pieces that touch the torso: the body layer stays one piece
    # (the arms beyond the torso's and the thighs' hull hide nothing; a hand lying on a thigh hides it)
    hands = np.isin(labels, [PARTS.index(p) for p in (LAYERS["arm_l"][2], LAYERS["arm_r"][2])])
    # ... below the shoulders' round tops: what the closing encloses higher up (between the arm and hair over
    # the shoulder that the labels gave to the torso) is hair and background, and painted with the torso's
    # colours it stood as a flat flap of skin above the shoulder once the arm moved (TikTok clip 3)
    enclosed = (closed & arm & (_hull(hips) | hands)
                & below_shoulders(joints, (H, W), SHOULDER_TOP * sw))
    opened = cv2.morphologyEx(enclosed.astype(np.uint8),
                              cv2.MORPH_OPEN, None, iterations=max(1, round(0.015 * sw))).astype(bool)
    # ... and within the torso's sides continued up from below the armpits, its shoulders round, all the way
    # out to them: the shoulder joints sit in the middle of a puffy sleeve, and the quadrilateral out to them
    # kept flaps of the sleeve's shape on the body once the arm rose, ragged where it and the torso's pixels
    # under the sleeve ended short of the body's side (the cartoon girl, the demo mannequin)
    frame = body_frame(joints, (H, W))
    allowed, under = torso_envelope(labels, joints, frame)
    # ... and an upper arm hanging beside a side the image shows below the armpit hides nothing past that side: the
    # quadrilateral through the shoulder joint, which lies in the sleeve, reached past it, and what it took of the
    # arm there stood as a flap of the sleeve's edge beside the body once the arm moved (TikTok character 4)
    uppers = np.isin(labels, [PARTS.index(ARM_PARTS[side][0]) for side in ARM_PARTS])
    allowed = allowed & ~(uppers & past_sides(labels, joints, frame))
    # (a glove held in guard hides the body wherever it is: the arms' layers are no sleeves)
    found = ((qm & arm) | opened | _along_side_view(labels, joints, spine) | (under & arm)) & allowed
    # ... and out to the body's side where an arm lies over it (:func:`_body_sides`)
    if waist_shown:
        sides, past = _body_sides(hips, found, labels, joints, sw, spine)
        found = (found | (sides & arm & allowed)) & ~past
    hidden = (found | gloves.result()).astype(np.uint8)
    _, pieces = cv2.connectedComponents(hidden, connectivity=8)
    touch = cv2.dilate((labels == PARTS.index("torso")).astype(np.uint8), None, iterations=2).astype(bool)
    keep = np.unique(pieces[touch & (hidden > 0)])
    return np.isin(pieces, keep[keep > 0])


SHOULDER_TOP = 0.1  # how far above the line through the shoulder joints (in shoulder widths) their tops reach


def _along_side_view(labels: np.ndarray, joints: np.ndarray, spine: float) -> np.ndarray:
    """HxW bool: in a side view, the pixels of an arm hanging along the body (its upper arm within ALONG_SIDE of
    the spine) inside the hull of the torso and that upper arm, between the shoulders and the hips: the arm
    hangs at the body's side and hides it there, out to the back (not the hand, which hangs over the thighs, of
    which the image may show nothing). The shoulder-hip quadrilateral is a narrow strip down the middle of a
    side view; only what lay inside it was painted in, and once the arm swung forward the body behind it ended
    in a straight cut, the wall showing beside it (TikTok clip 1). Above the shoulders' line, the arm's pixels
    within the hull of the torso's own (the back on one side, the neck on the other) hide the shoulder's round
    top: cut at the line, the body kept a notch there, a pale line of wall along the shoulder once the arm swung
    forward (TikTok clip 1)."""
    out = np.zeros(labels.shape, bool)
    if shoulder_span(joints, 1.0) >= FACING * spine:
        return out
    ext = extend(joints)
    down = (ext[MH] - ext[MS]) / max(spine, 1e-6)
    H, W = labels.shape
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    level = ((px - ext[MS][0]) * down[0] + (py - ext[MS][1]) * down[1]) / spine
    torso = labels == PARTS.index("torso")
    trunk = ((level > 0) | _hull(torso)) & (level < 1)
    for name, side in (("arm_l", "left"), ("arm_r", "right")):
        upper = labels == PARTS.index(LAYERS[name][0])
        bone = joints[J[f"{side}_elbow"]] - joints[J[f"{side}_shoulder"]]
        if upper.sum() < 20 or abs(float(bone @ down)) < ALONG_SIDE * max(float(np.linalg.norm(bone)), 1e-6):
            continue
        out |= _hull(torso | upper) & np.isin(labels, [PARTS.index(p) for p in LAYERS[name][:2]]) & trunk
    return out


def _body_sides(hips: np.ndarray, found: np.ndarray, labels: np.ndarray, joints: np.ndarray, sw: float,
                spine: float) -> tuple[np.ndarray, np.ndarray]:
    """(sides, past) HxW bool: ``sides`` below the armpits, where the body goes on under an arm lying over its
    side; ``past`` what of those arms lies beyond that side, hidden by nothing. In a body facing the
    camera, what the image shows of the torso and the hips there (``hips``) mirrored across the spine (its outline
    smoothed, MIRROR_SMOOTH), where the mirror agrees with the image (at most MIRROR_SPILL of it on the
    background): an arm hanging over a whole side shows none of it. Else the convex hull of them and of what the
    arms hide of them found so far (``found``), whose outline joins the body's side above the arm to its side
    below it in a straight line, under an arm whose elbow or wrist lies well inside it (OVER_BODY: a hand on the
    belly; an arm hanging at the body's side keeps the waist's own curve beside it, no flap of dress painted out
    to the chord, TikTok characters 2 and 3), curved as a waist in a body facing the camera
    (:func:`waist.past_the_waist`: ``past``, what the closing enclosed out to the chord too). Bounded by the
    shoulder-hip quadrilateral and what a closing encloses, the body behind a forearm lying down over the waist
    ended along the arm's inner edge, a ragged notch: once the arm moved away, the waist stood as a cut-out with
    the wall showing between it and the arm (TikTok clip 0)."""
    H, W = hips.shape
    below = below_armpits(joints, (H, W), spine)
    if sw >= FACING * spine:
        mx, my = mirror_across_spine(joints, hips.shape)
        mirrored = cv2.remap((hips & below).astype(np.float32), mx, my, cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        mirrored = (cv2.GaussianBlur(mirrored, (0, 0), max(1.0, MIRROR_SMOOTH * sw)) > 0.5) & below
        spill = mirrored & cv2.erode((labels < 0).astype(np.uint8), None, iterations=2).astype(bool)
        if spill.sum() <= MIRROR_SPILL * mirrored.sum():
            return mirrored, np.zeros(hips.shape, bool)
    hull = _hull((hips | found) & below) & below
    depth = cv2.distanceTransform(hull.astype(np.uint8), cv2.DIST_L2, 5)
    over = np.zeros(hips.shape, bool)
    for name, side in (("arm_l", "left"), ("arm_r", "right")):
        ends = np.round([joints[J[f"{side}_{j}"], :2] for j in ("elbow", "wrist")]).astype(np.int64)
        ends = ends[(ends[:, 0] >= 0) & (ends[:, 0] < W) & (ends[:, 1] >= 0) & (ends[:, 1] < H)]
        if len(ends) and depth[ends[:, 1], ends[:, 0]].max() >= OVER_BODY * sw:
            over |= np.isin(labels, [PARTS.index(p) for p in LAYERS[name]])
    past = np.zeros(hips.shape, bool)
    if over.any() and sw >= FACING * spine:
        past = past_the_waist(hips & below, hull, labels < 0, joints, spine) & over
    return hull & over & ~past, past


OVER_BODY = 0.2  # an arm whose elbow or wrist lies this far (shoulder widths) inside the body lies over it
MIRROR_SMOOTH = 0.02  # the mirrored outline is smoothed with a Gaussian this wide (shoulder widths)
MIRROR_SPILL = 0.02  # the most of the mirrored body that may lie on the background for the mirror to hold


def below_armpits(joints: np.ndarray, shape: tuple[int, int], spine: float) -> np.ndarray:
    """HxW bool: the levels along the spine below the armpits (ARMPIT_BAND's top), where the torso's sides show."""
    ext = extend(joints)
    down = (ext[MH] - ext[MS]) / max(spine, 1e-6)
    py, px = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    return (px - ext[MS][0]) * down[0] + (py - ext[MS][1]) * down[1] >= ARMPIT_BAND[0] * spine


def below_shoulders(joints: np.ndarray, shape: tuple[int, int], margin: float) -> np.ndarray:
    """HxW bool: the side of the line through the shoulders where the hips are, grown by ``margin`` pixels."""
    return depth_below_shoulders(joints, shape) > -margin


def depth_below_shoulders(joints: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """HxW float32: how far (pixels) each pixel lies past the line through the shoulders towards the hips
    (negative above it)."""
    ls, rs = joints[J["left_shoulder"], :2], joints[J["right_shoulder"], :2]
    n = np.array([rs[1] - ls[1], ls[0] - rs[0]], np.float64)
    n /= max(float(np.linalg.norm(n)), 1e-6)
    if float((extend(joints)[MH][:2] - ls) @ n) < 0:
        n = -n
    h, w = shape
    py, px = np.mgrid[0:h, 0:w].astype(np.float32)
    return (px - ls[0]) * n[0] + (py - ls[1]) * n[1]


def _hull(mask: np.ndarray) -> np.ndarray:
    """HxW bool: the convex hull of ``mask``'s pieces (those of at least HULL_PIECE of it: no speck widens it).
    The body under an arm hanging at its side goes no further out than the line between its outline above and
    below the arm: what the closing of the torso and the thighs enclosed beyond it (the arm's outer half, TikTok
    clip 0) was painted as a flat flap of skin with the arm's ragged outline, left standing once the arm moved."""
    n, comp, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    big = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= HULL_PIECE * mask.sum()]
    out = np.zeros(mask.shape, np.uint8)
    if big:
        ys, xs = np.nonzero(np.isin(comp, big))
        cv2.fillConvexPoly(out, cv2.convexHull(np.stack([xs, ys], axis=1).astype(np.int32)), 1)
    return out.astype(bool)


HULL_PIECE = 0.05


def _behind_gloves(labels: np.ndarray, sw: float, joints: np.ndarray) -> np.ndarray:
    """HxW bool: the pixels of a glove (a hand part far larger than a hand: a boxing glove, a mitten, a held
    ball) that the rest of the figure encloses (a closing a little wider than the glove): a glove held up in
    guard in front of the shoulders, outside the torso's shoulder-hip quadrilateral, hides the body, and left
    unfilled the filled background showed through the body there once the glove moved away (the robot boxer).

    The rest is the whole figure but the glove, its own arm included (the tubes that close the figure around the
    glove are that arm's). Where the glove's arm is folded over itself (``model.folded_arm``), its layer draws
    the upper arm behind the glove whole, as a tube, and what the glove hides beyond the body's outline is that
    arm: there the glove hides what the head and the torso enclose (with the arm's tubes in the rest, the closing
    filled the whole glove with the torso's colours, and once the arm moved the shoulders stood as round grey
    blobs as big as the gloves) and the shoulder's round (:func:`shoulder_round`), not closed with them (the
    closing filled the notch between the round's lower half and the torso's side, which the upper arm hides,
    and once the arm moved it stood as a grey slab under the shoulder pad). The glove is the hand's pixels
    opened by a disc half its size (its round body): the flaps of background the matte took in beside it, which
    the labels give to the hand, are no body, and painted in they stood as grey blobs beyond the shoulders once
    the glove moved away. A big hand with no round body (an open hand drawn past the image's border) is taken
    whole, against the figure without its arm, as before."""
    out = np.zeros(labels.shape, bool)
    trunk = np.isin(labels, [PARTS.index("head"), PARTS.index("torso")])
    for name, side in (("arm_l", "left"), ("arm_r", "right")):
        hand = labels == PARTS.index(LAYERS[name][2])
        area = int(hand.sum())
        if area < (GLOVE * sw) ** 2:
            continue
        radius = np.sqrt(area / np.pi)
        close = max(2, round(GLOVE_CLOSE * radius))
        glove = _open(hand, max(1, round(GLOVE_CORE * radius)))
        if glove.sum() < GLOVE_ROUND * area:  # no round body: a big open hand (one drawn past the image's border)
            glove = hand
            hidden = _close((labels >= 0) & ~np.isin(labels, [PARTS.index(p) for p in LAYERS[name]]), close)
        elif folded_arm(joints, side, labels.shape[1], labels.shape[0]):
            H, W = labels.shape
            py, px = np.mgrid[0:H, 0:W]
            centre, round_radius = shoulder_round(labels, joints, side)
            pad = np.hypot(px - centre[0], py - centre[1]) < round_radius
            hidden = pad | _close(trunk & ~pad, close)
        else:
            hidden = _close((labels >= 0) & ~hand, close)
        out |= hidden & glove
    return out


def shoulder_round(labels: np.ndarray, joints: np.ndarray, side: str) -> tuple[np.ndarray, float]:
    """(centre [2], radius) in image pixels of the round of ``side``'s shoulder: the circle through the head's
    and torso's outline against the background up and out of the shoulder joint (within the upper arm's length;
    a shoulder pad, whose lower half a glove held in guard may hide). The body is in front of a folded arm's
    upper arm within it (``tubes``), and paints it whole behind a glove; it turns on itself as the arm turns
    about the shoulder. The joint sits low and inside a pad: a disc about the joint out to the pad's top went
    well below the pad and out past it, and painted whole behind the glove it stood as a grey slab under the
    pad once the arm moved (the robot boxer). Where that outline is no round (too few pixels, or they lie off
    any circle), the disc about the joint out to the farthest of them within half the upper arm's length."""
    ext = extend(joints)
    sh = ext[J[f"{side}_shoulder"]]
    up, out = ext[MS] - ext[MH], sh - ext[MS]
    trunk = np.isin(labels, [PARTS.index("head"), PARTS.index("torso")])
    ys, xs = np.nonzero(trunk)
    rel = np.stack([xs, ys], axis=1) - sh
    arm = np.hypot(*(ext[J[f"{side}_elbow"]] - sh))
    cap = (rel @ up > 0) & (rel @ out > 0) & (np.hypot(*rel.T) < arm / 2)
    fallback = (sh, float(np.hypot(*rel[cap].T).max()) if cap.any() else 0.0)
    outline = trunk & cv2.dilate((labels < 0).astype(np.uint8), None).astype(bool)
    ys, xs = np.nonzero(outline)
    rel = np.stack([xs, ys], axis=1) - sh
    arc = np.stack([xs, ys], axis=1)[(rel @ up > 0) & (rel @ out > 0) & (np.hypot(*rel.T) < arm)].astype(np.float64)
    if len(arc) < ROUND_PIXELS:
        return fallback
    centre, radius = _circle_through(arc)
    off = np.abs(np.hypot(*(arc - centre).T) - radius)
    if not radius < arm or np.percentile(off, 90) > ROUND_OFF * radius:
        return fallback
    return centre, radius


ROUND_PIXELS = 20  # the least outline pixels a shoulder's round is fitted to
ROUND_OFF = 0.05  # ... that (nine in ten) lie this near (in radii) the circle fitted


def _circle_through(points: np.ndarray) -> tuple[np.ndarray, float]:
    """(centre [2], radius) of the circle nearest ``points`` [N, 2] (least squares on x² + y² = 2ax + 2by + c)."""
    a = np.column_stack([2 * points, np.ones(len(points))])
    (cx, cy, c), *_ = np.linalg.lstsq(a, (points ** 2).sum(axis=1), rcond=None)
    return np.array([cx, cy]), float(np.sqrt(max(c + cx * cx + cy * cy, 0.0)))


GLOVE = 0.3  # a hand part of more than this squared (in shoulder widths) is a glove
GLOVE_CLOSE = 1.2  # the closing's radius, in the radii of a disc as large as the glove
GLOVE_CORE = 0.5  # the glove's round body: its pixels opened by a disc of this many of those radii
GLOVE_ROUND = 0.5  # the least share of the hand's pixels that round body holds (less: an open hand)


CLOSE_RADIUS = 24.0  # the largest disc (radius, pixels) the closing runs with


def _close(mask: np.ndarray, radius: int) -> np.ndarray:
    """``mask`` closed with a disc of ``radius``, on a copy shrunk so the disc's radius is at most CLOSE_RADIUS
    pixels (a closing with a disc of 80 pixels takes OpenCV seconds; shrunk further, the enclosed shape drifts)."""
    return mask | _shrunk_morphology(mask, radius, lambda m, disc: close_in_box(m, disc))


def _open(mask: np.ndarray, radius: int) -> np.ndarray:
    """``mask`` opened with a disc of ``radius`` (what such a disc fits in), shrunk as :func:`_close` is, on the
    mask's bounding box grown by the disc (an opening adds nothing outside the mask; OpenCV's erosion takes
    what lies beyond the array's edge for the mask's)."""
    out = np.zeros(mask.shape, bool)
    box = grown_box(mask, radius + 2)
    if box is not None:
        out[box] = mask[box] & _shrunk_morphology(
            mask[box], radius, lambda m, disc: cv2.morphologyEx(m, cv2.MORPH_OPEN, disc))
    return out


def _shrunk_morphology(mask: np.ndarray, radius: int, run) -> np.ndarray:
    """HxW bool: ``run`` (a 0/1 uint8 mask, a disc -> 0/1 uint8) on ``mask`` shrunk so the disc's radius is at
    most CLOSE_RADIUS pixels, scaled back."""
    f = min(1.0, CLOSE_RADIUS / radius)
    h, w = mask.shape
    small = mask.astype(np.float32)
    if f < 1:
        small = cv2.resize(small, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    r = max(1, round(radius * f))
    done = run(np.ascontiguousarray((small > 0.5).astype(np.uint8)), disc(r)).astype(np.float32)
    if f < 1:
        done = cv2.resize(done, (w, h), interpolation=cv2.INTER_LINEAR)
    return done > 0.5


def _hips(labels: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """HxW bool: the torso's pixels and the thighs' down to HIP_REACH spine lengths below the hips."""
    ext = extend(joints)
    down = ext[MH] - ext[MS]
    spine = max(float(np.linalg.norm(down)), 1e-6)
    H, W = labels.shape
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    below = ((px - ext[MH][0]) * down[0] + (py - ext[MH][1]) * down[1]) / spine
    thighs = np.isin(labels, [PARTS.index(p) for p in (LEG_PARTS["left"][0], LEG_PARTS["right"][0])])
    return (labels == PARTS.index("torso")) | (thighs & (below < HIP_REACH * spine))


HIP_REACH = 0.35  # how far below the hips (in spine lengths) a hand's pixels still hide the body


def _without_blends(lab: np.ndarray, source: np.ndarray, arms: np.ndarray, width: float) -> np.ndarray:
    """The torso's main colours (Lab): those of the ``source`` pixels (:func:`torso_colours`), learnt again from
    them less those along the ``arms``' edges (within ARM_EDGE of ``width``) that blend one of the first ones
    with one of the arms' colours: the arms' blurred outline. In a side view the shoulder-hip quadrilateral is a
    narrow strip beside the hanging arm, and its blurred edge was as much of it as the shirt: taken for one of the
    torso's colours, a skin-brown blend painted the shirt under the arm brown, streaked with skin along the arm's
    outline (TikTok clip 1). One of the first ones that holds a little less of them (NEAR_SHARE) is still one:
    the k-means' sample put the bare chest above character 2's dress cut at 60% at 4.8-5.3% of her torso either
    way, each time a few pixels of the dress beside her arm went to the torso or not (dropped, her shoulders' skin
    beside the straps was painted the dress's white, a block that stood on the shoulder once the arm rose)."""
    centres = torso_colours(lab[source])
    if arms.sum() < 20:
        return centres
    near = cv2.dilate(arms.astype(np.uint8), None, iterations=max(2, round(ARM_EDGE * width))).astype(bool)
    edge = source & near
    arm_colours = torso_colours(lab[arms])
    blur = np.zeros(source.shape, bool)
    blur[edge] = _mixed(_rgb_of_lab(lab[edge]), centres, arm_colours, BLEND_ENDS)
    kept = source & ~blur
    if kept.sum() <= 50:
        return centres
    # (the colours painted with: the best of COLOUR_TRIES samples' k-means; the first ones only tell the blur, and
    # on character 0 their two splittings tie, which more samples do not settle: picked so, they left a dark
    # speck of her belly's shading line unpainted beside where her forearm lay)
    again, share = colour_shares(lab[kept], tries=COLOUR_TRIES)
    held = colour_distance(again[:, None, :], centres)[:, 0] < ALIKE_DELTA_E
    again = again[(share >= MAIN_SHARE) | ((share >= NEAR_SHARE) & held)]
    # a colour of the first ones that is no blend but lost its share with the blur (a strip of bare belly right
    # under a crossed forearm, its shaded side taken for blur) is still one of the torso's
    pure = ~_mixed(_rgb_of_lab(centres), centres, arm_colours, BLEND_ENDS)
    lost = pure & (colour_distance(centres[:, None, :], again)[:, 0] > ALIKE_DELTA_E)
    return np.concatenate([again, centres[lost]]).astype(np.float32)


ARM_EDGE = 0.05  # how far (in body widths) an arm's blurred edge may reach into the torso
BLEND_ENDS = 0.2  # a blend of the arm's colour is this far from either colour (skin in shade is no blend)


SIDE_DEPTH = 0.5  # a body seen from the side is this deep (in spine lengths)
ARMPIT_REACH = 0.2  # (shoulder widths) how far below a top's strap the armpit the hanging arm hides reaches
SHOULDER_CAP = 0.1  # (shoulder widths) how far past a top's strap the shoulder's round goes on under the arm


def _past_the_outline(hidden: np.ndarray, labels: np.ndarray, image: np.ndarray, sw: float) -> np.ndarray:
    """HxW bool: in drawn art (``outlines.drawn_lines``), the pixels of the torso's ``hidden`` part past a drawn
    line from the torso's inside: its thin pieces (no wider than the widest line, LINE_WIDTH) off the drawn lines
    that do not touch the torso's inside, with the lines' pixels beside them. Where an arm's end lies over the
    torso's side (the fox's sleeves at its shoulders), the torso's outline there is the arm's, and the envelope
    (the torso's sides below the armpits, continued up) reached past it where the body narrows to its shoulders:
    painted in, that strip of sleeve stood beyond the body's outline as a teal bump once the arm moved. An arm
    over the torso's inside hides a wide piece, kept whole. None in a photograph."""
    drop = np.zeros(hidden.shape, bool)
    line = drawn_lines(image, labels >= 0, sw) if hidden.any() else None
    if line is None:
        return drop
    r = max(1, round(LINE_WIDTH * sw))
    past = (hidden & ~line).astype(np.uint8)
    n, pieces = cv2.connectedComponents(past, connectivity=8)
    inside = cv2.dilate(((labels == PARTS.index("torso")) & ~line).astype(np.uint8), None).astype(bool)
    wide = cv2.morphologyEx(past, cv2.MORPH_OPEN, disc(r)).astype(bool)
    kept = np.union1d(pieces[inside & (past > 0)], pieces[wide])
    drop = np.isin(pieces, np.setdiff1d(np.arange(1, n), kept))
    return drop | (hidden & line & cv2.dilate(drop.astype(np.uint8), disc(r)).astype(bool))


def _hidden_in_drawn_body(labels: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """A fitted figure's (flat art's) torso ``hidden`` by its arms (HxW bool, :func:`hidden_torso`'s): where its
    outline against the backdrop draws an oval (:func:`.ovals.drawn_oval`), that oval's pixels of the arms, all of
    them and no others; else ``hidden`` as it is (a box robot's torso keeps its corners). :func:`hidden_torso` took
    the torso out to its sides continued up from below the armpits, and in to the line from the shoulder joint to
    the hip: a teddy bear's body is an oval that narrows to its shoulders, and a strip of the arm beside it,
    painted in, stood beside the body as a flap once the arm rose, the backdrop in a notch between that line and
    the oval's side."""
    oval = drawn_oval(labels == PARTS.index("torso"), labels < 0)
    if oval is None:
        return hidden
    body = cv2.dilate(ellipse_mask(labels.shape, oval).astype(np.uint8), None).astype(bool)
    arms = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_l"] + LAYERS["arm_r"]])
    return (hidden | arms) & body


def fill_hidden_torso(image: np.ndarray, labels: np.ndarray, joints: np.ndarray, *, bottom: int | None = None,
                      waist_shown: bool = True, hair: np.ndarray | None = None,
                      straps: np.ndarray | None = None, fitted: bool = False,
                      beside: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """(image with the torso hidden by the arms painted in, the mask of the hidden pixels: :func:`hidden_torso`).

    Painted from the torso's own visible pixels only (its main colours, a few pixels away from the arms and the
    outline, whose anti-aliased or blurred edges hold the arm's or the background's colour): the local colour
    spread over the hole by push-pull without blending the torso's colours, so each side of a two-coloured shirt
    and the bare belly under a cropped top stay their own colour; where the body faces the camera and its other
    side shows with the same local colour, that side's detail mirrored across the spine (folds, stripes), else
    the torso's fine grain. A sleeve that looks like the torso around it keeps its own pixels (the shirt under
    it looks the same). Torso pixels next to the hole that carry the arm's colour are painted too, so no
    outline of the arm is left behind when it moves away. Arm pixels enclosed by the torso and the thighs count
    as hidden too (a hand on the hip leaves no hole there when it moves away). In drawn art, nothing past the
    torso's drawn outline is (:func:`_past_the_outline`). ``bottom``: the row of the image's bottom edge in these
    arrays (padded below it) when that edge cuts the character; None when it does not. ``hair``: the body's
    hair hanging from the head (:func:`.hair.hanging_hair`), if known. ``straps``: a top's straps over the
    shoulders (:func:`.straps.strap_lines`), if any: no arm's outline, and not painted over; the shoulder past one
    is hidden torso the arm covers, kept as it is (:func:`_shoulder_caps`). ``fitted``: a figure whose skeleton was
    fitted to its silhouette (flat drawn art): its colours are learnt from all its torso's pixels, not only those
    inside the shoulder-hip quadrilateral through its guessed joints, and a sleeve of one of them is kept below the
    chest as on it (the penguin's black sides, beside its white belly and under its flippers, fell short of a main
    colour inside the quadrilateral and were painted over with the belly's white: a white slab with a ragged top
    once the flippers swung out). ``beside``: the arm layers (of a photograph, drawn over the body) under which the
    body goes on a little where they hang against its side (:func:`_beside_arms`).
    """
    hidden = hidden_torso(labels, joints, waist_shown=waist_shown)
    hidden &= ~_past_the_outline(hidden, labels, image, shoulder_span(joints, 1.0))
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    if bottom is not None:  # (behind an arm the bottom edge cuts, no farther than the body's visible side)
        hidden &= ~past_body_side(hidden, labels, lab, shoulder_span(joints, 1.0), bottom)
    if fitted:
        hidden = _hidden_in_drawn_body(labels, hidden)
    tops, off = _sleeved_tops(image, labels, joints, hidden)
    straps = np.zeros(labels.shape, bool) if straps is None else straps
    past_strap, caps = _shoulder_caps(image, labels, joints, straps)
    # past a strap, the body layer holds only the shoulder's round: the quadrilateral through a shoulder joint
    # inside the arm took a straight strip of it down to the top, a column of skin beside the body once the arm
    # rose (what is painted is worked out with that strip, as the armpit's strip below it is: _cap_slivers)
    beyond_cap = past_strap & ~caps
    if not hidden.any():
        return push_pull_fill(image, off, tops & ~off), (hidden | caps | tops) & ~beyond_cap
    H, W = labels.shape
    qm = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(qm, np.round(torso_quad(joints)).astype(np.int32), 1)
    torso = _hips(labels, joints)
    ext = extend(joints)
    spine = float(np.linalg.norm(ext[MS] - ext[MH]))
    source = torso & (qm.astype(bool) | (labels != PARTS.index("torso")))
    if source.sum() <= 50:
        source = np.isin(labels, [PARTS.index(p) for p in LAYERS["body"]])
    arms = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_l"] + LAYERS["arm_r"]])
    # the body's width: the shoulders', or a side view's depth (its shoulders overlap)
    width = max(shoulder_span(joints, 1.0), SIDE_DEPTH * spine)
    learn = source | (labels == PARTS.index("torso")) if fitted else source
    centres = two_hues_apart(_without_blends(lab, learn, arms, width), lab[learn])
    # the arm's own colours, those unlike the torso's (bare skin over a shirt, a hand): a pixel of those is the
    # arm, never the torso, even where the torso's pixels hold some of it (an arm lying along a side view)
    arm = torso_colours(lab[hidden], tries=COLOUR_TRIES)
    arm = arm[colour_distance(arm[:, None, :], centres)[:, 0] > 2 * ALIKE_DELTA_E]
    dists = np.stack([lab_distance(lab, c) for c in centres])
    d_torso, nearest = dists.min(axis=0), dists.argmin(axis=0).astype(np.uint8)
    sw = shoulder_span(joints, 1.0)
    # the body under a sleeve of its colour: the sleeve's own pixels, its dark lines painted over (below)
    under = _under_sleeve(labels, hidden, lab, centres, joints, sw, bottom)
    besides = _beside_arms(labels, hidden, joints, sw, beside) & ~under if beside else np.zeros(labels.shape, bool)
    if beside:  # (the body's side under those arms one smooth line below the band's taper: :mod:`.side_line`)
        frame = body_frame(joints, labels.shape)
        sides = tuple(side for side in SIGNS if f"arm_{side[0]}" in beside)
        top = (BESIDE_ARM_TOP + BESIDE_ARM_TAPER) * sw
        add, drop = side_lines((labels == PARTS.index("torso")) | hidden | besides, besides, labels, frame, sides,
                               {side: frame.shoulder_levels[side] + top for side in sides})
        besides = (besides | (add & ~under)) & ~drop
    hidden |= besides
    stray = _sleeve_fragments(torso & ~hidden, hidden, nearest, d_torso, sw, labels < 0)
    if stray.any():  # pieces of the sleeve the labels left to the torso: hidden too, and no source of colour
        hidden |= stray
        source &= ~stray
    d_arm = colour_distance(lab, arm) if len(arm) else np.full(d_torso.shape, np.inf, np.float32)
    # the arm's colours that are no shade of one of the torso's: a bare arm beside bare shoulders is the same
    # skin, darker where it turns away, and the torso's own shading beside it is no blur of the arm (taken
    # for one, it was painted over in one flat pale colour, and dark hair over the shoulder with it: a flap of
    # skin standing in the hair, TikTok clip 3)
    other = arm[~shades_of(arm, centres)]
    d_other = colour_distance(lab, other) if len(other) else np.full(d_torso.shape, np.inf, np.float32)
    # where two of the torso's colours meet (a hem, a stripe) the pixels blend both: not one of them
    seam = cv2.dilate(nearest, None) != cv2.erode(nearest, None)
    margin = max(2, round(0.03 * sw))
    # a blurred arm (a quick movement) leaves its colour in the torso's pixels well beyond the cut: near it,
    # pixels that blend a torso colour with an arm colour are not the torso's own
    near = (cv2.dilate(hidden.astype(np.uint8), None, iterations=3 * margin).astype(bool) & torso & ~hidden
            & (d_torso >= ALIKE_DELTA_E))
    near[near] = _mixed(image[near], centres, other)
    clean = (source & (d_torso < ALIKE_DELTA_E) & (d_torso < 0.5 * d_arm)).astype(np.uint8)
    known = cv2.erode(clean, None, iterations=max(1, margin // 3)).astype(bool) & ~near & ~seam
    if known.sum() < 50:
        known = clean.astype(bool)
    if not known.any():
        known = source
    # work on a box around the torso and the hidden part
    ys, xs = np.nonzero(hidden | source | under)
    m = 3 * margin + 4
    y0, y1 = max(0, ys.min() - m), min(H, ys.max() + m + 1)
    x0, x1 = max(0, xs.min() - m), min(W, xs.max() + m + 1)
    box = np.s_[y0:y1, x0:x1]
    crop, kn, hid = image[box].astype(np.float32), known[box], hidden[box]
    # the torso's colours and their shades (the highlight along the arm's edge on a shaded side too)
    cloth = d_torso[box] < 3 * ALIKE_DELTA_E
    locks = np.zeros(hid.shape, bool) if hair is None else hair[box]
    nearest = nearest[box].astype(np.int64)
    torso_coloured = (d_torso[box] < ALIKE_DELTA_E) & (d_torso[box] < 0.5 * d_arm[box])
    waist = _waist_weight(joints, (y0, y1), (x0, x1))
    at_waist = np.zeros(hid.shape, bool) if waist is None else (waist > 0) & (waist < 1 + WAIST_HIPS)
    lower = np.zeros(hid.shape, bool) if waist is None else waist > 0  # the waist and the hips
    chest = np.zeros(hid.shape, bool) if waist is None else ~lower  # (of an upright body)
    on_hips = np.zeros(hid.shape, bool) if waist is None else waist >= 1 + WAIST_HIPS
    if waist is not None and not _borders_run_across(nearest, kn, hid, sw, centres, waist):
        waist = None
    # shades of one colour (a grey robot's light and dark sides, a white top's) count as one
    akin = ((np.linalg.norm(centres[:, None] - centres[None], axis=2) < 2 * ALIKE_DELTA_E)
            | pale_shades(centres)).astype(np.float32)
    # whether the torso right along a sleeve's edges has the sleeve's colour (a sleeve over a top of its colour)
    rim = (cv2.dilate(hid.astype(np.uint8), None, iterations=RIM).astype(bool) & ~hid & torso[box]
           & (d_torso[box] < 2 * ALIKE_DELTA_E))
    if rim.sum() >= 20:
        rim_share = smooth_fill((nearest[..., None] == np.arange(len(centres))).astype(np.float32), rim)
        edged = np.take_along_axis(rim_share @ akin, nearest[..., None], axis=2)[..., 0] > RIM_SHARE
    else:
        edged = np.ones(hid.shape, bool)
    edged |= ~lower
    avoid = (hid & ~edged)[..., None] & (np.stack([dd[box] for dd in dists], axis=2) < 2 * ALIKE_DELTA_E)
    # a white top's side under a sleeve: painted in its lighter shades (:func:`lighter_whites`), fading out down the
    # waist (lower, what a hand on the hip hides lies in the top's shade, and lifted it stood as white specks beside
    # the fingers; cut off at the waist's line, the lifted strip ended in a straight step)
    lift = (lighter_whites(centres), hid * (1.0 if waist is None else np.clip(1.0 - waist, 0.0, 1.0)))
    base, share = _fill_by_colour(crop, kn, nearest, len(centres), hid & torso_coloured & edged, waist, avoid,
                                  akin, lift=lift)
    base_lab = cv2.cvtColor(np.clip(base + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    unlike = lab_distance(lab[box], base_lab)
    # a sleeve of the shirt's material over the shirt (or a bare arm against bare skin): shaded, but nearer the
    # torso's main colours than the arm's own that are no shade of them, and colours like it common around it,
    # is kept as it is (the torso under it looks the same; a sleeve's shadow on the shirt is the shirt in shade,
    # and painted in the lit shirt's colour it stood out as a pale blob beside the sleeve, TikTok clip 4); the
    # same sleeve lying across a bare belly, where nothing around looks like it, is painted. Kept also where
    # less of its colour is around (SOME_SHARE): an arm hanging at the torso's side (its edge holds hair and
    # shadow, not a hem) and the middle of a wide sleeve (what the torso far around holds says little there); at
    # the waist, never where nothing around has its colour (a sleeve over a bare waist)
    own_share = sum(share[..., i] * (dists[i][box] < 2 * ALIKE_DELTA_E) for i in range(len(centres)))
    far = cv2.distanceTransform((~kn).astype(np.uint8), cv2.DIST_L2, 5) > FAR * sw
    across = cv2.erode(qm, None, iterations=max(1, round(0.1 * sw))).astype(bool)[box]
    alike = (hid & (d_torso[box] < 2 * ALIKE_DELTA_E) & (d_torso[box] < 0.5 * d_other[box])
             & ((own_share > OWN_SHARE) | ((far | ~across) & ((own_share > SOME_SHARE) | ~at_waist)) | fitted))
    # ... but a bare arm is none, though one of the torso's colours holds its skin with the torso's own shade
    # (:func:`_sleeves_of_torso`)
    sleeves, bare = _sleeves_of_torso(lab[box], base_lab, alike, labels[box], centres, akin)
    alike &= sleeves
    bare_arm = hid & np.isin(labels[box], [part for part, _, _ in bare])
    # and the torso under such an arm is not of its colour: the pixels of the torso's colour that holds both that
    # are of the arm's hue are no source of paint (the chest's skin painted the dress's side under the bare arm a
    # flat beige)
    for _, colour, holder in bare:
        kn &= ~((nearest == holder) & shade_of(lab[box], colour))
    # below the chest a sleeve is kept only where the torso painted in would look like it too, and the torso
    # right along its edges has its colour: a black sleeve hanging over a bare waist beside a black cropped top,
    # or lying across the belly just under the hem, is painted (kept, it read as the top going on down the
    # side, or as a black band across the belly, TikTok clip 0); on the chest the neck's skin beside a sleeve
    # says nothing about the shirt under it
    hole = hid & ~(alike & (((unlike < 2 * ALIKE_DELTA_E) & edged) | ~lower | fitted))
    # ... nor where it lies across a body facing the camera, the torso seen on both its sides, shaded as an arm is
    # (its outline a fold in the top; in a side view an arm hanging along the body has its chest before it and its
    # back behind)
    across = np.zeros(hid.shape, bool)
    if sw >= FACING * spine:
        across = lying_across(hid & ~hole, hid, torso[box] & ~hid, labels[box], joints[:, :2] - (x0, y0), lab[box],
                              sw)
        hole |= across
    below = under[box]
    # nothing is kept within EDGE_BAND of the image's bottom edge, where an arm that edge cuts hides the torso
    # (:mod:`.edgearm`): there the sleeve's rim lies beside the torso's shaded side, and kept in pieces round
    # painted blots it stood as shreds of the sleeve on the body once the arm moved (TikTok character 5)
    if bottom is not None:
        hole |= hid & (np.arange(y0, y1) >= bottom - EDGE_BAND * sw)[:, None]
    outline = _arm_outline(image[box], labels[box], hid | below, sw, cloth, locks, straps[box],
                           ~below_shoulders(joints, (H, W), 0.0)[box])
    # a sleeve kept as it is stands for the torso under it only inside the torso's outline: a piece of it past the
    # line through the shoulder and the hip on a side the image does not show is the arm's (:func:`_off_the_body`),
    # left to the arm (taken from ``hidden``, and so from ``hid``, its view); not the shoulder's round past a strap
    # nor the armpit below it, the body's as the image shows them (:func:`_cap_slivers`)
    past = past_unseen_sides(labels, joints)[box] & ~_below_strap(past_strap, sw)[box]
    above = ~below_armpits(joints, (H, W), spine)[box]
    if not hole.any():
        hidden[box] &= ~_off_the_body(hid, past, above, sw)
        painted = _paint_lines(image, outline, box, kn | hid | below, sw, _akin_groups(akin)[nearest], torso[box] | hid)
        return push_pull_fill(painted, off, tops & ~off), (hidden | under | caps | tops) & ~beyond_cap
    # decided by neighbourhood, not per pixel: hair strands over a sleeve of the shirt's colour are painted
    # with the sleeve around them, never left as specks of the old pixels between painted ones; a bare arm is
    # painted all through (where the strip of the dress it hid thinned out, the vote kept its skin there)
    hole = hid & ((cv2.GaussianBlur(hole.astype(np.float32), (0, 0), 2.0 * margin) > 0.25) | (hole & bare_arm))
    # ... and the strip beside an arm hanging against the body's side all through where it is not of the torso's
    # colours (a thin strip, the vote kept the arm's skin in it: a strip of skin stood beside the dress once the
    # arm swung out)
    hole |= besides[box] & ~torso_coloured
    cut_off = _cut_off_sleeve(hid & ~hole, torso[box] & ~hid & torso_coloured, nearest, straps[box], margin)
    hole |= cut_off
    hidden[box] &= ~_off_the_body(hid & ~hole, past, above, sw)  # (see above)
    # a bare arm's outline beside it, the shadow between the arm and the dress, is painted with the dress: painted
    # as a line, no lighter than the dress's shaded fold beside it, it stood as a dark bite in the dress's side
    # where the arm had lain (TikTok character 2)
    hole |= outline & cv2.dilate(bare_arm.astype(np.uint8), None, iterations=2 * margin).astype(bool)
    hole |= (cv2.dilate(hole.astype(np.uint8), None, iterations=max(2, margin // 2)).astype(bool) & torso[box]
             & ~straps[box])
    # the rim of a sleeve lying across the torso is the sleeve's blurred edge and its shadow, of the torso's colour:
    # on the chest painted over out to ACROSS_RIM (kept, they stood as a dark line and a black blot where the arm's
    # outline had lain, TikTok character 0), at the waist only as far as the hole reaches already (the seen hem
    # beside the arm is what the hem is continued from). Its pixels still tell which of the torso's colours lies
    # where (taken out, the skin below a hem the arm hides crept up into the top), but give the paint no shade,
    # and its lines darker than the top around by a colour step (the crease along the arm) not even that
    sleeve_rim, rim_ring = np.zeros(hid.shape, bool), np.zeros(hid.shape, bool)
    if across.any():
        sleeve_rim = (cv2.dilate(across.astype(np.uint8), None, iterations=ACROSS_RIM * margin).astype(bool)
                      & torso[box] & ~lower)
        hole |= sleeve_rim
        rim_ring = kn & (sleeve_rim | (cv2.dilate(across.astype(np.uint8), None, iterations=max(2, margin // 2))
                                       .astype(bool) & hole))
        light = lab[box][..., 0]
        around = smooth_fill(light[..., None], kn & ~rim_ring)[..., 0]
        kn = kn & ~(sleeve_rim & (light < around - ALIKE_DELTA_E))
    hole |= near[box] & (unlike > 0.5 * ALIKE_DELTA_E)
    # (a sleeve of one of the torso's colours lying over another of them: its colour, its solid pixels' nearest;
    # not within two margins of that colour seen on the torso, where a hem's own blur blends the two: a forearm
    # lying just under the hem had the belly behind it painted as the top)
    solid = cv2.erode((hid & torso_coloured).astype(np.uint8), None, iterations=max(1, margin // 2)).astype(bool)
    sleeve = None
    if solid.any():
        _, (sy, sx) = ndimage.distance_transform_edt(~solid, return_indices=True)
        mates = akin[nearest[sy, sx]]  # HxWxk: the torso's colours akin to the sleeve's
        apart = np.take_along_axis(mates, nearest[..., None], axis=2)[..., 0] == 0
        seen = np.stack([cv2.distanceTransform((~(kn & (nearest == i))).astype(np.uint8), cv2.DIST_L2, 3)
                         for i in range(len(centres))], axis=2)
        sleeve = (crop[sy, sx], apart & (np.where(mates > 0, seen, np.inf).min(axis=2) > 2 * margin))
    # the arm's blurred edge over the torso, not the hair hanging over the shoulder beside it: its tips over the skin
    # blend dark and light as that edge does, and painted over they stood as a flap of skin in the hair and a pale
    # block on the shoulder in its shadow (TikTok character 3)
    blur = _arm_blur(crop, base, hole, torso[box] & ~hid & ~locks, 3 * margin)
    if sleeve is not None:  # (its shadow no source of the skin's colour either)
        shadow = _arm_blur(crop, base, hole, torso[box] & ~hid, 3 * margin, sleeve)
        blur |= shadow
        kn = kn & ~shadow
    hole |= blur
    halo = _halo(lab[box], hole, torso[box] & ~hole, TINT_REACH * margin)
    hole |= halo
    # nor is the old rim between it and the arm, which the hole took before (as light as the halo)
    kn = kn & ~(hole & cv2.dilate(halo.astype(np.uint8), None, iterations=TINT_REACH * margin).astype(bool))
    # nor is a bare arm's blurred edge over a dark shirt
    skin_edge = _light_arm_edge(crop, lab[box], hole, torso[box] & ~hole, TINT_REACH * margin)
    hole |= skin_edge
    kn &= ~skin_edge
    # nor a speck of a bare arm's edge in a notch of the hole beside it (a dark dot on the dress's painted side)
    if bare_arm.any():
        near_bare = cv2.dilate(bare_arm.astype(np.uint8), None, iterations=3 * margin).astype(bool)
        hole |= (cv2.morphologyEx(hole.astype(np.uint8), cv2.MORPH_CLOSE, disc(2)).astype(bool) & torso[box]
                 & near_bare)
    # nor a speck of the torso the paint closes round (the shade between a hand's fingers on white trousers, a
    # dark dot left standing in the flat paint once the hand moved away, TikTok character 0)
    hole |= _enclosed_specks(hole, torso[box], margin)
    crop = _untinted(crop, lab[box], hole & hid, torso[box] & ~hole, TINT_REACH * margin, _akin_groups(akin)[nearest])
    # the shades right at the hole's rim join the known pixels (the clean ones stop short of it): the paint
    # meets the torso around it without a step (a pale line left between the painted skin and the belly)
    shades = (cv2.dilate(hole.astype(np.uint8), None, iterations=margin).astype(bool) & ~hole & torso[box]
              & (d_torso[box] < 2 * ALIKE_DELTA_E) & (d_torso[box] < 0.5 * d_other[box]))
    # ... yet not their shade: they carry the arm's edge (a video's sharpening halo, its colour blurred wider than
    # its light), and copied into the hole they drew the arm's old outline as a pale, speckled line on the belly
    # (TikTok clip 0). Which colour goes where is read with them, its shade from the torso beyond them (where
    # that colour shows there), and the paint is laid over them too, fading out across them (:func:`_feathered`)
    band = _feather_band(shades, hole, torso[box],
                         ~cv2.dilate(cut_off.astype(np.uint8), None, iterations=margin).astype(bool)
                         & _sourced(kn, nearest, len(centres), FEATHER_SOURCE * margin), margin)
    # (a piece of sleeve cut off from its colour is not painted in it)
    if shades.any() or cut_off.any() or rim_ring.any():
        base, _ = _fill_by_colour(crop, kn | shades, nearest, len(centres),
                                  hid & torso_coloured & edged & ~cut_off, waist, avoid, akin, ~band & ~rim_ring,
                                  lift)
    # the torso's pixels beside the arm the fill does not trust (its blurred or lit edge), not those along the
    # body's outline (the backdrop's blend): they follow the hem too
    loose = (torso[box] & ~kn & ~hid & cv2.dilate(hid.astype(np.uint8), None, iterations=2 * margin).astype(bool)
             & ~cv2.dilate((labels[box] < 0).astype(np.uint8), None, iterations=margin).astype(bool))
    # the torso's pixels that are a shade of their colour, not of it (the skin in the shadow under a cropped top's
    # hem), clear of the arm's edge and the backdrop's blend: they show where the hem runs and the shade it casts
    clear = ~cv2.dilate(hid.astype(np.uint8), None, iterations=2 * margin).astype(bool)
    shaded = (torso[box] & ~kn & clear & ~near[box] & (d_torso[box] < 2 * ALIKE_DELTA_E)
              & ~cv2.dilate((labels[box] < 0).astype(np.uint8), None, iterations=margin).astype(bool)
              & shade_of(lab[box], centres[nearest]))
    facing = sw >= FACING * spine
    if facing:
        mx, my = mirror_across_spine(joints, hid.shape, (x0, y0))
    hems = [_continue_hem(crop, base, kn, nearest, centres, hid, at_waist, share, sw, loose,
                          shaded=(shaded, clear), mirror=(mx - x0, my - y0) if facing else None)]
    # a top's upper edge on the chest (a strapless top's under a hanging arm) goes on under each arm the same way,
    # from the side it shows on: the body's outline ends it on the other. Spread by nearness, the top's black rose
    # as a block into the armpit once the arm was raised (TikTok pair 3<-4). Each arm's piece on its own (a line
    # fitted across both missed the one side's curved edge), with the torso's loose pixels beside it alone, never
    # the straps, and the arm's pixels kept as the torso under it where they lie on the wrong side of the edge
    pieces, piece = cv2.connectedComponents((hid & chest).astype(np.uint8))
    for i in range(1, pieces):
        mine = piece == i
        if mine.sum() >= (EDGE_PIECE * sw) ** 2:
            beside = cv2.dilate(mine.astype(np.uint8), None, iterations=2 * margin).astype(bool)
            hems.append(_continue_hem(crop, base, kn, nearest, centres, mine & hole, chest, share, sw,
                                      (loose & beside & ~straps[box]) | (mine & ~hole), sides=1,
                                      lean=np.sin(EDGE_LEAN), kept=mine & ~hole))
    hem_shade = np.ones(hid.shape, np.float32)
    for zone, painted, shade in (hem for hem in hems if hem is not None):
        hem_shade *= shade
        # the hem continued across the band the arm hid, each side in its own colour, with the torso's old pixels
        # it leaves in threads between itself and the hole: kept, the hem's blurred edge stood as a pale line in a
        # notch at the hem's end beside the arm (TikTok clip 0)
        zone |= (cv2.morphologyEx((zone | hole).astype(np.uint8), cv2.MORPH_CLOSE, disc(1)).astype(bool)
                 & ~hole & torso[box])
        hole |= zone
        base = np.where(zone[..., None], painted, base)
    if sleeve_rim.any():  # the top under a sleeve across the chest: its shades blended smoothly (picked one by one,
        # the lit and the shaded black met in steps and squares beside the body's side)
        under_it = ((across | sleeve_rim) & ~lower).astype(np.float32)
        soft = max(1.0, ACROSS_SOFT * margin)
        spread = cv2.GaussianBlur(base * under_it[..., None], (0, 0), soft)
        spread /= np.maximum(cv2.GaussianBlur(under_it, (0, 0), soft), 1e-6)[..., None]
        base = np.where(under_it[..., None] > 0, spread, base)
    # the shoulder's round just past a top's strap, which a hanging arm hides, is the shoulder's own skin in its own
    # shade, kept as it is: painted from the lit chest beside the strap, it stood as a pale block beside the strap
    # once the arm moved (TikTok character 3 cut at her chest)
    hole &= ~(hid & past_strap[box])
    hole &= ~_cap_slivers(past_strap[box], hole, hid, sw, margin)
    # (the detail mirrored in is read with the paint where a light arm was: beside it, what a blur takes out of
    # the dark shirt is mostly the arm's light, and mirrored in it drew dark lines along the arm's edges)
    band &= ~hole
    paint, kn = hole | band, kn & ~band
    detailed = np.where(hole[..., None], base, crop) if skin_edge.any() else crop
    value = base + _texture(detailed, base, paint, kn, sw)
    if facing:
        xi, yi = np.round(mx).astype(np.int32) - x0, np.round(my).astype(np.int32) - y0
        inb = (xi >= 0) & (xi < x1 - x0) & (yi >= 0) & (yi < y1 - y0)
        xi, yi = np.clip(xi, 0, x1 - x0 - 1), np.clip(yi, 0, y1 - y0 - 1)
        same = np.linalg.norm(base_lab - base_lab[yi, xi], axis=2) < ALIKE_DELTA_E
        # (read on the hips from the torso's own pixels of the colour painted there outside the quadrilateral too:
        # trousers below the hips' line, painted flat where a hand had lain, TikTok character 0)
        seen = kn | (torso[box] & ~hid & torso_coloured & on_hips
                     & (np.linalg.norm(crop - base, axis=2) < TEXTURE_LIKE))
        ok = paint & inb & seen[yi, xi] & ~paint[yi, xi] & same
        wm = (cv2.GaussianBlur(ok.astype(np.float32), (0, 0), 1.5) * ok)[..., None]
        value = wm * (base + crop[yi, xi] - base[yi, xi]) + (1 - wm) * value
    # darker towards the body's side, as the torso it shows is
    # ... and in the shadow under a hem, as the torso beside it is (:func:`_continue_hem`)
    value = value * (_side_shading(lab[box][..., 0], kn, paint, nearest, labels[box], hid, sw)
                     * np.where(paint, hem_shade, 1.0))[..., None]
    out = image.copy()
    out[box] = np.clip(_feathered(value, crop, hole, band, centres, akin) + 0.5, 0, 255).astype(np.uint8)
    kept = (hid & ~hole) | below
    lines = outline & ~hole
    painted = _paint_lines(out, lines, box, kn | kept, sw, _akin_groups(akin)[nearest], torso[box] | hid)
    return push_pull_fill(painted, off, tops & ~off), (hidden | under | caps | tops) & ~beyond_cap


def sleeve_rims_painted(image: np.ndarray, labels: np.ndarray, joints: np.ndarray,
                        matte: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(``image`` with the rims of the sleeves over the shoulders' tops (:func:`_sleeved_tops`, whatever the torso
    hides) that carry the backdrop's colour painted from the sleeve; that image with the sleeves' outlines against
    the backdrop down the upper arms painted from the sleeve too, where the ``matte`` is soft or nearly
    (:func:`_sleeve_edges`); HxW bool: those outlines' pixels). The arm's layer draws the tops' rims too: the white
    sky blurred into TikTok character 4's sleeve where it meets her hair stood as a white blob at the sleeve's end
    once the arm rose. The outlines' paint gives the arm's layer its colours only, never its cover (read from the
    colours at its rim), and so never its mesh: the dark leaves blurred into character 4's sleeve stood as a beaded
    seam along it once the raised arm lay over her shirt, but their cover read from the sleeve's colour grew Grace
    Hopper's arms by a pixel against the blue backdrop, moved the outline her arm's mesh is cut along and so its
    skin weights, and her arm swung differently through the whole dance."""
    tops, off = _sleeved_tops(image, labels, joints, np.zeros(labels.shape, bool))
    rimmed = push_pull_fill(image, off, tops & ~off)
    outlined, outline = rimmed, np.zeros(labels.shape, bool)
    reach = max(2, round(SLEEVE_EDGE * body_frame(joints, labels.shape).sw))
    soft = None
    for side in ("left", "right"):
        upper = labels == PARTS.index(ARM_PARTS[side][0])
        sleeve = tops & upper
        if sleeve.any():
            edge, known = _sleeve_edges(rimmed, labels, upper, sleeve, reach)
            if soft is None:
                soft = cv2.dilate((matte < SOLID_MATTE).astype(np.uint8), disc(SOFT_REACH)).astype(bool)
            outlined = push_pull_fill(outlined, edge & soft, known)
            outline |= edge & soft
    return rimmed, outlined, outline


def _sleeve_edges(image: np.ndarray, labels: np.ndarray, upper: np.ndarray, sleeve: np.ndarray,
                  reach: int) -> tuple[np.ndarray, np.ndarray]:
    """(HxW bool each) the ``upper`` arm's pixels within ``reach`` of the backdrop whose colour is a blend of the
    ``sleeve``'s (the top's cloth over the shoulder, its median) and the backdrop's nearest them (in RGB, within
    MIX_OFF of the line between, past SLEEVE_BLEND of the way and short of SLEEVE_BLEND_OUT of it) within
    ``reach`` of the upper arm's pixels of the sleeve's colour (within ALIKE_DELTA_E, CIE Lab), in pieces that
    reach the backdrop; and those pixels of the sleeve's colour, to paint them from. The matte keeps such a rim
    whole, and once the arm rose over the body it stood as a dark (or light) seam along the sleeve. Skin past the
    hem is no blend of the sleeve and the backdrop and stays as it is; so does what lies further from the sleeve's
    colour than ``reach``: the rim of character 4's bare upper arm at the picture's edge, greyed by the backdrop,
    passed for such a blend, took the sleeve's colour and its drawn outline moved."""
    none = np.zeros(labels.shape, bool)
    box = grown_box(upper, reach + 3)
    if box is None or not (labels[box] < 0).any():
        return none, none
    backdrop = labels[box] < 0
    crop = image[box].astype(np.float32)
    lab = cv2.cvtColor(image[box], cv2.COLOR_RGB2LAB).astype(np.float32)
    colour = np.median(image[sleeve], axis=0).astype(np.float32)
    alike = lab_distance(lab, np.median(lab[sleeve[box]], axis=0)) <= ALIKE_DELTA_E
    _, (iy, ix) = ndimage.distance_transform_edt(~backdrop, return_indices=True)
    near = (upper[box] & (cv2.distanceTransform((~backdrop).astype(np.uint8), cv2.DIST_L2, 3) <= reach)
            & cv2.dilate(alike.astype(np.uint8), disc(reach)).astype(bool))
    share = _blend_share(crop[near], np.broadcast_to(colour, (int(near.sum()), 3)), crop[iy[near], ix[near]],
                         MIX_OFF)
    rim = np.zeros(near.shape, bool)
    rim[near] = (share > SLEEVE_BLEND) & (share < 1 - SLEEVE_BLEND_OUT)
    # (whole, not every other pixel: a rim painted in stripes was stretched into dark streaks, Grace Hopper's arm)
    rim = near & cv2.morphologyEx(rim.astype(np.uint8), cv2.MORPH_CLOSE, disc(1)).astype(bool)
    _, blots = cv2.connectedComponents(rim.astype(np.uint8), connectivity=8)
    touch = np.unique(blots[cv2.dilate(backdrop.astype(np.uint8), None, iterations=2).astype(bool) & rim])
    edge, known = none.copy(), none.copy()
    edge[box] = np.isin(blots, touch[touch > 0])
    known[box] = upper[box] & alike
    return edge, known


SLEEVE_EDGE = 0.015  # (shoulder widths) how far in from the backdrop a sleeve's outline carries the backdrop's blur
SLEEVE_BLEND = 0.06  # how far along from the sleeve's colour to the backdrop's a pixel of that outline is a blend
SLEEVE_BLEND_OUT = 0.3  # ... and how far short of the backdrop's: one nearer is mostly backdrop, and painted in the
# sleeve's colour where the matte held it, it stood as a dark band outside Grace Hopper's arm
SOLID_MATTE = 0.98  # a matte this high, further than SOFT_REACH pixels from a softer one, is the figure's own: a
SOFT_REACH = 2  # print there on the colours' line is no blend (Grace Hopper's grey badge at her black sleeve's edge
# against the blue backdrop lost its corner); nearer, the blur runs on where the matte took it as solid (character 4)


def _sleeved_tops(image: np.ndarray, labels: np.ndarray, joints: np.ndarray,
                  hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(HxW bool each) the shoulders' tops under the sleeves (:func:`.envelope.shoulder_tops`, within the torso's
    envelope, off the ``hidden`` pixels), each piece taken where its median colour lies within ALIKE_DELTA_E (CIE
    Lab) of the torso's right beside it (within TOP_RING), and kept as the image shows it: a T-shirt's sleeve over
    its own shoulder looks as the shoulder under it does. The hidden torso stopped at the shoulder joint's level,
    and once the arm rose the backdrop showed in a notch between the neck and the sleeve (TikTok character 4). A
    bare arm over a top's strap, or a sleeve unlike the top, is left to the arm (its shoulder is no top's); so is a
    piece a drawn line runs through, the arm's outline (kept, it stood on the body as a dark stroke once the arm
    moved: the fox), and one with no photograph's grain (``face_style.is_drawn``): drawn art draws the arm as a
    shape of its own, its round top over the body's shoulder, and taken as the body it stood as a knob above the
    shoulder once the arm swung out (the teddy bear). And of those, the pixels off the piece's colour (beyond
    ALIKE_DELTA_E of its median: the backdrop's light blurred into the sleeve's rim, a white sky between leaves
    behind TikTok character 4's shoulder), and those of the torso beside it near the backdrop (the leaves and the
    hair's dark edge the matte took in there), to be painted from the rest of it: kept, they stood as a white
    patch and a dark wedge on the shoulder's top once the arm rose. Only near the backdrop (within TOP_RING):
    further in, a colour off the piece's is its own folds' shading."""
    frame = body_frame(joints, labels.shape)
    tops = shoulder_tops(labels, joints, frame) & torso_envelope(labels, joints, frame)[0] & ~hidden
    reach = max(2, round(TOP_RING * frame.sw))
    box = grown_box(tops, reach + 3)
    out, off = np.zeros(tops.shape, bool), np.zeros(tops.shape, bool)
    if box is None:
        return out, off
    # (worked out on a box around them: a whole image's colours in Lab took a tenth of the fill's time)
    lab = cv2.cvtColor(image[box], cv2.COLOR_RGB2LAB).astype(np.float32)
    backdrop = labels[box] < 0
    torso = (labels[box] == PARTS.index("torso")) & ~hidden[box]
    near_backdrop = cv2.dilate(backdrop.astype(np.uint8), None, iterations=reach).astype(bool)
    n, pieces = cv2.connectedComponents(tops[box].astype(np.uint8), connectivity=8)
    line = None
    for i in range(1, n):
        piece = pieces == i
        if piece.sum() < (TOP_PIECE * frame.sw) ** 2 or is_drawn(image[box], piece):
            continue
        ring = cv2.dilate(piece.astype(np.uint8), None, iterations=reach).astype(bool) & torso
        if ring.sum() < 20:
            continue
        colour = np.median(lab[piece], axis=0)
        if np.linalg.norm(colour - np.median(lab[ring], axis=0)) >= ALIKE_DELTA_E:
            continue
        if line is None:  # (once, and only for a piece that passed the rest: it reads the whole figure)
            line = drawn_lines(image, labels >= 0, frame.sw)
            line = np.zeros(labels.shape, bool) if line is None else line
        if not (piece & line[box]).any():
            out[box] |= piece
            off[box] |= (piece | ring) & near_backdrop & (lab_distance(lab, colour) > ALIKE_DELTA_E)
    # (in pieces that reach the backdrop: one further in is a fold)
    _, blots = cv2.connectedComponents(off[box].astype(np.uint8), connectivity=8)
    edge = cv2.dilate(backdrop.astype(np.uint8), None, iterations=2).astype(bool)
    keep = np.unique(blots[edge & off[box]])
    off[box] = np.isin(blots, keep[keep > 0])
    return out, off


TOP_RING = 0.06  # (shoulder widths) how far beside a shoulder's top the torso's colour is read
TOP_PIECE = 0.05  # (shoulder widths) a piece of it smaller than this squared is a speck (a dot on a robot's pad)


def _cap_slivers(past_strap: np.ndarray, hole: np.ndarray, hidden: np.ndarray, sw: float,
                 margin: int) -> np.ndarray:
    """HxW bool: the pieces of ``hole`` in the ``hidden`` pixels within ARMPIT_REACH (shoulder widths) below
    ``past_strap`` (the shoulder's side of a top's strap, :func:`_shoulder_caps`), down the image, with hidden
    pixels kept as they are right below them: where the strap ends at the top's edge, the armpit the hanging arm
    hides, left to the paint between the shoulder's kept round above and the arm's pixels the vote keeps at the
    hidden part's end. Painted in the top's colour it stood as a black sliver at the strap's foot once the arm moved
    (TikTok character 3 cut at her chest), and, where it ran down further than the vote's reach (only those shorter
    were kept), as a dark square block past the top's slanted side over the upper arm (character 3 moved by clip 4,
    frames 20-120); kept as the image shows it, it is the armpit, like the round above, and the top ends at its own
    edge along the arm. The top continued under the arm down to where the hidden part ends stays painted (the same
    character, whole)."""
    armpit = _below_strap(past_strap, sw) & hidden & hole
    n, pieces = cv2.connectedComponents(armpit.astype(np.uint8))
    if n <= 1:
        return armpit
    kept_under = np.zeros_like(armpit)
    kept_under[:-1] = hidden[1:] & ~hole[1:]  # (the pixel right below is hidden and kept)
    sandwiched = np.bincount(pieces[armpit & kept_under], minlength=n) > 0
    sandwiched[0] = False
    slivers = sandwiched[pieces]
    if not slivers.any():
        return slivers
    # with them the hole's pixels off the hidden ones laid there for them: within the hole's reach out from the arm
    # (``margin``s: its blurred edge, the hem's loose pixels beside it) and nearer them than any hidden pixel still
    # painted. Painted, they drew the top's edge beside the kept armpit along the labels' pixel border, a 3-px
    # staircase, and the hem continued under the arm as a raised block at the strap's foot, where the picture
    # shows the top's smooth slanted edge (character 3 moved by clip 4)
    painted = hidden & hole & ~slivers
    near = cv2.distanceTransform((~slivers).astype(np.uint8), cv2.DIST_L2, 5)
    far = (cv2.distanceTransform((~painted).astype(np.uint8), cv2.DIST_L2, 5) if painted.any()
           else np.full(near.shape, np.inf, np.float32))
    return slivers | (hole & ~hidden & (near <= SLIVER_RING * margin) & (near < far))


def _below_strap(past_strap: np.ndarray, sw: float) -> np.ndarray:
    """HxW bool: ``past_strap`` and the pixels within ARMPIT_REACH (shoulder widths) below it, down the image: the
    shoulder's side of a top's strap and the armpit under it (:func:`_cap_slivers`)."""
    reach = max(1, round(ARMPIT_REACH * sw))
    down = np.ones((reach + 1, 1), np.uint8)  # (anchored at its foot: each pixel takes the ones above it)
    return cv2.dilate(past_strap.astype(np.uint8), down, anchor=(0, reach)).astype(bool)


SLIVER_RING = 3  # (margins) how far out from the arm's hidden pixels the hole reaches over the torso (its blurred edge)


def _enclosed_specks(hole: np.ndarray, torso: np.ndarray, margin: int) -> np.ndarray:
    """HxW bool: the ``torso`` pixels of pieces off the ``hole`` that it closes round on every side (touching no
    other pixel, nor the array's border), each smaller than a square SPECK margins wide."""
    n, piece, stats, _ = cv2.connectedComponentsWithStats((~hole).astype(np.uint8), connectivity=4)
    h, w = hole.shape
    inner = ((stats[:, cv2.CC_STAT_LEFT] > 0) & (stats[:, cv2.CC_STAT_TOP] > 0)
             & (stats[:, cv2.CC_STAT_LEFT] + stats[:, cv2.CC_STAT_WIDTH] < w)
             & (stats[:, cv2.CC_STAT_TOP] + stats[:, cv2.CC_STAT_HEIGHT] < h)
             & (stats[:, cv2.CC_STAT_AREA] <= (SPECK * margin) ** 2))
    inner[0] = False
    return inner[piece] & torso


SPECK = 1.0  # (margins) the widest square a speck of the torso the paint closes round is smaller than


def _shoulder_caps(image: np.ndarray, labels: np.ndarray, joints: np.ndarray,
                   straps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(HxW bool each) the pixels past a top's ``straps`` on the shoulders' side (:func:`.strap_sides.across_straps`),
    and of those the upper arms' within the shoulder's round (:func:`_cap_depth`): the shoulder's round goes on
    under the hanging arm there, the torso's and kept as the image shows it. Where the torso ended at the strap,
    the backdrop showed in a notch beside it once the arm moved (TikTok character 3 cut at her chest)."""
    if not straps.any():
        none = np.zeros(labels.shape, bool)
        return none, none
    light = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    side = across_straps(straps, joints[:, :2], light)
    uppers = np.isin(labels, [PARTS.index(ARM_PARTS[s][0]) for s in ("left", "right")])
    return side < 0, (side < 0) & (side > -_cap_depth(side, joints, labels)) & uppers


def _cap_depth(side: np.ndarray, joints: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """HxW float32: how far past its strap (pixels) the shoulder's round reaches at each pixel's level along the
    body: SHOULDER_CAP down to the shoulder joint's level, then in along a quarter ellipse to where the strap's run
    ends and the top it holds begins, the armpit, to the top's side there (as far out past the strap as the top's
    pixels just below reach). Cut at one depth all the way down, the cap stood as a square column of skin beside
    the top's side once the arm rose (TikTok character 3 over a dance that spreads the arms)."""
    f = body_frame(joints, side.shape)
    full = SHOULDER_CAP * f.sw
    depth = np.full(side.shape, full, np.float32)
    run = np.isfinite(side)
    torso = labels == PARTS.index("torso")
    for name, sign in SIGNS.items():
        outward = sign * f.out
        mine = outward > 0
        if not (run & mine).any():
            continue
        top, end = f.shoulder_levels[name], float(f.level[run & mine].max())
        strap = run & mine & (np.abs(side) < 1.5) & (f.level > end - 3)
        below = torso & mine & (f.level > end) & (f.level <= end + ARMPIT_TOP * f.sw)
        side_out = float(outward[below].max() - outward[strap].mean()) if strap.any() and below.any() else 0.0
        u = np.clip((f.level - top) / max(end - top, 1.0), 0.0, 1.0)
        e = np.sqrt(1.0 - u[mine] ** 2)
        depth[mine] = full * e + float(np.clip(side_out, 0.0, full)) * (1.0 - e)
    return depth


ARMPIT_TOP = 0.05  # (shoulder widths) the top's side at the armpit is read over this far below the strap's end


def _sleeves_of_torso(lab: np.ndarray, paint: np.ndarray, kept: np.ndarray, labels: np.ndarray,
                      centres: np.ndarray, akin: np.ndarray) -> tuple[np.ndarray, list[tuple[int, np.ndarray, int]]]:
    """(HxW bool, [(part, Lab, colour)]): the ``kept`` pixels (a sleeve that looks like the torso) but those of
    the arms' parts (``labels``) that are bare arms, each given with its part, its median colour and the one of
    the torso's main colours (``centres``) that holds it. A bare arm: its median colour is neither a shade
    (:func:`shade_of`) of the median of the torso ``paint``ed under it nor of that paint's hue at its own
    lightness (``lab`` and ``paint`` in Lab), yet nearest the same of the torso's colours as that paint, or one
    of its shades (``akin``): one of them holds both the arm's skin and the torso under it. A bare arm in shade
    is as near a silver dress's shaded side as that side is to the chest's skin; kept as a sleeve of the dress,
    it stood as a strip of skin down the dress's side once the arm swung out (TikTok character 2). Judged by
    part, not by pixel: the few pixels of the arm that happen to have the dress's hue stood as shreds of skin.
    Its hue is enough: a white sleeve over the black hair painted under it is still a sleeve of the white top
    (TikTok character 5); so is a white sleeve over the top's warm shade under the bust, a lighter white of it
    (:func:`lighter_whites`), all the paint under it where the bottom edge cuts the arm and only a strip of the
    body beside the torso's side is hidden (:func:`.edgearm.past_body_side`). Taken for a bare arm, the white
    top's pixels were no source of paint, and the body behind the other sleeve was painted skin-coloured down
    past the bottom edge."""
    out, bare = kept.copy(), []
    arms = [PARTS.index(p) for p in LAYERS["arm_l"] + LAYERS["arm_r"]]
    for part in np.intersect1d(np.unique(labels[kept]), arms):
        mine = kept & (labels == part)
        colour, under = np.median(lab[mine], axis=0), np.median(paint[mine], axis=0)
        holder = int(np.argmin(lab_distance(centres, colour)))
        if (akin[holder, np.argmin(lab_distance(centres, under))]
                and not shade_of(colour, np.stack([under, np.concatenate([colour[:1], under[1:]])])).any()
                and not lighter_whites(np.stack([under, colour]))[0, 1]):
            out &= ~mine
            bare.append((int(part), colour, holder))
    return out, bare


def _sourced(known: np.ndarray, nearest: np.ndarray, k: int, reach: float) -> np.ndarray:
    """HxW bool: the pixels with a ``known`` pixel of their own main colour (``nearest``, of ``k``) within
    ``reach``: what may be painted from farther off. Where the torso's colour shows only in a strip beside the
    arm (a shirt's side between a hand and the hips), that strip is its only source."""
    out = np.zeros(known.shape, bool)
    for i in range(k):
        mine = known & (nearest == i)
        if mine.any():
            out |= (nearest == i) & (cv2.distanceTransform((~mine).astype(np.uint8), cv2.DIST_L2, 3) <= reach)
    return out


FEATHER_SOURCE = 4  # the torso beside the hole is painted over when its colour is known within this many margins


def _feather_band(shades: np.ndarray, hole: np.ndarray, torso: np.ndarray, paintable: np.ndarray,
                  margin: int) -> np.ndarray:
    """HxW bool: the torso's pixels beside the ``hole`` the paint is laid over, fading out (:func:`_feathered`):
    its ``shades`` there that are ``paintable`` (their colour seen near, no cut-off piece of sleeve beside), and
    the specks of the ``torso`` it and the hole close round (:func:`_enclosed_specks`), paintable too. Those are
    the torso's shading a little darker than a shade of its colour (the belly's crease by the arm's old edge):
    left out, they stood between the paint and the band as a dark speck, in or out of the band as the torso's
    colour, learnt afresh from the pixels the arm leaves, moved by a shade (TikTok character 0, once her cuff was
    cut along its colour edge). Unsourced, the black painted there from afar drew a black squiggle in her top's
    dark grey by her armpit."""
    band = shades & paintable
    return band | (_enclosed_specks(hole | band, torso, margin) & paintable)


def _feathered(value: np.ndarray, crop: np.ndarray, hole: np.ndarray, band: np.ndarray, centres: np.ndarray,
               akin: np.ndarray) -> np.ndarray:
    """HxWx3 float32: ``value`` (the paint) over the ``hole`` and, fading out across it, over the ``band`` of torso
    pixels around it (``crop``: the torso as it is), save those clearly of another of the torso's main colours
    (``centres``, Lab; ``akin``: which are shades of one another) than the paint there. The paint meets the torso
    with no step at the hole's outline and covers the arm's edge left beside it (a pale, bluish rim is still
    nearest the skin's colour, or near none), yet a hem or a stripe in the band stays sharp."""
    d_in = cv2.distanceTransform((~hole).astype(np.uint8), cv2.DIST_L2, 5)
    d_out = cv2.distanceTransform((hole | band).astype(np.uint8), cv2.DIST_L2, 5)
    # (by the nearness of the hole against that of the torso beyond the band: a corner of skin between two of the
    # arm's edges, all band, is painted through, not left half as it was)
    fade = d_out / np.maximum(d_in + d_out, 1e-6)
    lab_v = cv2.cvtColor(np.clip(value + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    lab_c = cv2.cvtColor(np.clip(crop + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    d_v = np.stack([lab_distance(lab_v, c) for c in centres])
    d_c = np.stack([lab_distance(lab_c, c) for c in centres])
    alike = ((lab_distance(lab_v, lab_c) < ALIKE_DELTA_E) | (akin[d_v.argmin(axis=0), d_c.argmin(axis=0)] > 0)
             | (d_c.min(axis=0) >= ALIKE_DELTA_E))
    weight = np.where(hole, 1.0, np.where(band & alike, fade, 0.0)).astype(np.float32)[..., None]
    return weight * value + (1 - weight) * crop


def _under_sleeve(labels: np.ndarray, hidden: np.ndarray, lab: np.ndarray, centres: np.ndarray,
                  joints: np.ndarray, sw: float, bottom: int | None = None) -> np.ndarray:
    """HxW bool: the upper arms' pixels within UNDER_SLEEVE of the visible torso where a sleeve of the torso's
    colour meets the torso (both sides of the border shades of its main colours, ``centres``; ``lab`` the image
    in Lab) and nothing of the torso is hidden behind the arm yet: the body goes on a little under a short
    sleeve cut from the shirt along its seam (``seam.sleeve_seam_cut``). Ending at the seam, the body left a thin
    line of the wall between its side and the sleeve as soon as the arm swung out (TikTok character 4).
    ``bottom``: the row of the image's bottom edge in these arrays when it cuts the character (None: it does not)."""
    torso = (labels == PARTS.index("torso")) & ~hidden
    # a short sleeve: the forearm below it bare (no shade of the torso's colours; a long sleeve lying against the
    # body may hang out past its side, and the body's side under it is ``_body_sides``'). Only the forearm the
    # image shows says so, not the one the rig drew past its bottom edge (``continue_cut_arm``: bare skin below
    # any sleeve): taken for a short sleeve's, TikTok character 5's white puff sleeve, cut by that edge, kept a
    # strip of its own inner side, its shading and its outline's bumps on the body, and once the arm swung out
    # it stood there as a ragged pale wedge between the sleeve and her side
    shown = np.ones(labels.shape, bool)
    if bottom is not None:
        shown[bottom:] = False
    upper = np.zeros(labels.shape, bool)
    for name in ("arm_l", "arm_r"):
        forearm = (labels == PARTS.index(LAYERS[name][1])) & ~hidden & shown
        if forearm.sum() >= SLEEVE_SAMPLE and not shades_of(np.median(lab[forearm], axis=0)[None], centres)[0]:
            upper |= (labels == PARTS.index(LAYERS[name][0])) & ~hidden
    if not torso.any() or not upper.any():
        return np.zeros(labels.shape, bool)
    d, (iy, ix) = ndimage.distance_transform_edt(~torso, return_indices=True)
    band = upper & (d <= UNDER_SLEEVE * sw)
    ys, xs = np.nonzero(band)
    band[ys, xs] = shades_of(lab[ys, xs], centres) & shades_of(lab[iy[ys, xs], ix[ys, xs]], centres)
    allowed, _ = torso_envelope(labels, joints)
    band &= allowed & below_shoulders(joints, labels.shape, SHOULDER_TOP * sw)
    # its ends rounded off into the body's side: a square step where it ended at the sleeve's hem stood out once
    # the arm swung away
    band &= _open(torso | hidden | band, max(1, round(UNDER_SLEEVE * sw / 3)))
    # a border along the arm, not a corner where it touches the torso
    pieces, n = ndimage.label(band, structure=np.ones((3, 3)))
    if n == 0:
        return band
    sizes = ndimage.sum(band, pieces, range(1, n + 1))
    return np.isin(pieces, 1 + np.flatnonzero(sizes >= UNDER_SLEEVE_LONG * UNDER_SLEEVE * sw * sw))


def _beside_arms(labels: np.ndarray, hidden: np.ndarray, joints: np.ndarray, sw: float,
                 names: tuple[str, ...]) -> np.ndarray:
    """HxW bool: the pixels of the upper arms and forearms of the arm layers ``names`` within BESIDE_ARM of the
    body (the visible torso and what it holds under the arms already, ``hidden``), from BESIDE_ARM_TOP below the
    shoulders' line (the armpit) down, along a border BESIDE_ARM_LONG long at least: the body goes on a little
    under an arm hanging against its side, as it does behind the arm in the photograph. Ending at the side the
    image shows, right at the arm's inner edge, the body left a line of the wall between its side and the arm
    once the arm swung out by a degree or two (TikTok character 3: a white line down her dress's side from the
    armpit, on her own clip and on 3<-4 in most frames, where her arm in the video lay against the dress). It
    widens from nothing at its top over BESIDE_ARM_TAPER, and its outline is smoothed (BESIDE_ARM_SMOOTH): the
    body's side it leaves once the arm swings away is a line, not the labels' ragged border grown out."""
    # (out from the body as it is: the torso and what it already holds under the arms)
    body = (labels == PARTS.index("torso")) | hidden
    limbs = np.isin(labels, [PARTS.index(LAYERS[name][k]) for name in names for k in (0, 1)]) & ~hidden
    if not body.any() or not limbs.any():
        return np.zeros(labels.shape, bool)
    reach = BESIDE_ARM * sw
    # (not beside the backdrop seen between the arm and the body where the arm leaves it: painted there, the body
    # stood as a dark tongue beside that gap once the arm moved)
    inside = ndimage.distance_transform_edt(labels >= 0) > reach
    depth = depth_below_shoulders(joints, labels.shape) - BESIDE_ARM_TOP * sw
    to_body = ndimage.distance_transform_edt(~body)

    def grown(width: np.ndarray | float) -> np.ndarray:
        """The arm's pixels within ``width`` of the body, the outline smoothed (BESIDE_ARM_SMOOTH): grown out from
        the ragged border the labelling left between a blurred arm and a pale dress, it kept that border's lobes,
        a row of pale scallops down the dress's side once the arm swung away (TikTok clip 2)."""
        out = cv2.GaussianBlur((body | (to_body <= width)).astype(np.float32), (0, 0),
                               max(1.0, BESIDE_ARM_SMOOTH * sw)) > 0.5
        return limbs & out & (depth > 0) & inside

    band = grown(reach)
    # its ends rounded off into the body's side (a square step where it ended stood out once the arm swung away)
    band &= _open(body | band, max(1, round(reach / 2)))
    # a border along the arm, not a corner where it touches the torso
    pieces, n = ndimage.label(band, structure=np.ones((3, 3)))
    if n == 0:
        return band
    sizes = ndimage.sum(band, pieces, range(1, n + 1))
    band = np.isin(pieces, 1 + np.flatnonzero(sizes >= BESIDE_ARM_LONG * sw * reach))
    # from nothing at its top (the armpit) it widens to its full reach over BESIDE_ARM_TAPER: starting at full width,
    # the body's side stood as a square step there once the arm swung away (TikTok clip 2)
    return band & grown(reach * np.clip(depth / max(BESIDE_ARM_TAPER * sw, 1.0), 0.0, 1.0))


BESIDE_ARM = 0.04  # (shoulder widths) how far the body goes on under an arm hanging against its side
BESIDE_ARM_LONG = 0.5  # (shoulder widths) the shortest border along the arm it goes on under
BESIDE_ARM_TOP = 0.2  # (shoulder widths) how far below the line through the shoulder joints it starts (the armpit)
BESIDE_ARM_TAPER = 0.15  # (shoulder widths) how far below that it has widened to its full reach
BESIDE_ARM_SMOOTH = 0.03  # (shoulder widths) the Gaussian's width that smooths its outline
UNDER_SLEEVE = 0.06  # (shoulder widths) how far the body goes on under a sleeve of its colour
UNDER_SLEEVE_LONG = 0.3  # (shoulder widths) the shortest border along a sleeve it goes on under
SLEEVE_SAMPLE = 50  # the fewest pixels of a forearm whose colour tells a short sleeve from a long one


def _side_shading(light: np.ndarray, known: np.ndarray, hole: np.ndarray, nearest: np.ndarray,
                  labels: np.ndarray, hidden: np.ndarray, sw: float) -> np.ndarray:
    """HxW float32: the factor the paint of the ``hole`` is multiplied by so that it darkens towards the body's
    outline as the torso's ``known`` pixels do (``light``: their lightness; ``nearest``: their main colour).
    A body turns away from the light at its sides: the torso's lightness over that of its colour well inside it,
    against the distance to the figure's outline (the background, or the arms' pixels the ``hidden`` ones leave
    out), is the shading the paint takes at its own distance, over the shading of the pixels its colour was
    spread from. Spread by nearness alone, the skin painted out to the waist's side was one flat colour, the
    light of the belly beside it (TikTok clip 0)."""
    ones = np.ones(hole.shape, np.float32)
    if not hole.any():
        return ones
    arm = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_l"] + LAYERS["arm_r"]])
    inside = ((labels >= 0) & ~arm) | hidden
    d = cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 5)
    reach = max(SHADE_BINS, round(SHADE_REACH * sw))
    ratio = np.full(known.shape, np.nan, np.float32)
    for i in np.unique(nearest[known]):
        mine = known & (nearest == i)
        deep = mine & (d >= reach)
        if deep.sum() < SHADE_PIXELS:
            continue
        level = float(np.median(light[deep]))
        if level >= SHADE_LIGHT:  # (a dark colour's shading is lost in its noise)
            ratio[mine] = light[mine] / level
    sample = np.isfinite(ratio) & (d < reach)
    if sample.sum() < SHADE_PIXELS:
        return ones
    edges = np.linspace(0.0, reach, SHADE_BINS + 1)
    at = np.clip(np.digitize(d[sample], edges) - 1, 0, SHADE_BINS - 1)
    curve = np.ones(SHADE_BINS + 1, np.float32)
    for b in range(SHADE_BINS):
        if (at == b).sum() >= SHADE_PIXELS:
            curve[b] = float(np.median(ratio[sample][at == b]))
    # darker only towards the outline, never lighter than further in
    curve = np.clip(np.minimum.accumulate(curve[::-1])[::-1], SHADE_MIN, 1.0)
    centres = np.append(0.5 * (edges[:-1] + edges[1:]), reach)
    shade = np.interp(d, centres, curve).astype(np.float32)
    spread = smooth_fill(shade[..., None], known)[..., 0]
    return np.where(hole, shade / np.maximum(spread, 1e-3), 1.0).astype(np.float32)


SHADE_REACH = 0.12  # how far in from the outline (shoulder widths) the torso's shading is read
SHADE_BINS = 8  # ... in this many steps of distance
SHADE_PIXELS = 20  # the least pixels a step (and a colour well inside) is read from
SHADE_LIGHT = 80.0  # a colour darker than this (Lab lightness, OpenCV's 8-bit scale) gives no shading
SHADE_MIN = 0.6  # the paint is made at most this much darker


def _paint_lines(image: np.ndarray, lines: np.ndarray, box: tuple[slice, slice], known: np.ndarray,
                 sw: float, colours: np.ndarray, body: np.ndarray) -> np.ndarray:
    """``image`` with the ``lines`` (on the crop ``box``) painted over with the cloth right round them, fading
    into the picture across the ``body``'s pixels beside them (HxW bool on the crop: the torso and the hidden
    part) out to LINE_FADE line widths (:func:`_cloth_round_lines`; ``colours``: HxW int, each pixel's torso
    colour with its shades as one); where no cloth lies round them, by push-pull
    from the ``known`` pixels around them (the torso's clean ones and the sleeve kept as it is: painted from the
    torso's alone, far off, they stood as pale lines on the sleeve's shade)."""
    if not lines.any():
        return image
    out = image.copy()
    painted = push_pull_fill(image[box], lines, known & ~lines)
    # no lighter than the torso's cloth right beside the line (its closing over the known pixels: the arm's side
    # says nothing): the shade between a light print's letters and the sleeve, painted from the letters around
    # it, stood as flat pale blotches beside the arm (TikTok character 4)
    element = disc(max(1, round(LINE_WIDTH * sw)))
    seen = (known | lines)[..., None]
    grown = cv2.dilate(np.where(seen, image[box], 0).astype(np.uint8), element)
    beside = cv2.erode(np.where(seen, grown, 255).astype(np.uint8), element)
    bounded = np.minimum(painted, beside).astype(np.float32)
    # smoothed along the lines (a blur of their own pixels only): the closing's flat discs stood as blocky
    # patches of shade beside the sleeve (TikTok character 4)
    weight = lines.astype(np.float32)
    sigma = max(1.0, LINE_WIDTH * sw)
    smooth = (cv2.GaussianBlur(bounded * weight[..., None], (0, 0), sigma)
              / np.maximum(cv2.GaussianBlur(weight, (0, 0), sigma), 1e-6)[..., None])
    flat = np.where(lines[..., None], smooth, painted)
    cloth, alpha = _cloth_round_lines(image[box], lines, colours, body, sigma)
    out[box] = np.clip(alpha * cloth + (1 - alpha) * flat + 0.5, 0, 255).astype(np.uint8)
    return out


def _cloth_round_lines(crop: np.ndarray, lines: np.ndarray, colours: np.ndarray, body: np.ndarray,
                       width: float) -> tuple[np.ndarray, np.ndarray]:
    """(HxWx3 float32 colour, HxWx1 weight): the cloth round the ``lines`` (HxW bool, about ``width`` pixels
    wide) on the ``crop`` (HxWx3 uint8): a blur LINE_CLOTH line widths wide of the ``body``'s pixels within
    LINE_FADE line widths of them of the colour most of those round the line have (``colours``: HxW int, the
    torso's colours with their shades as one: a drawn cape's blue at a line's end was smeared down the dress),
    neither the lines' own nor those of a print on the cloth (lighter than the cloth's level by more than
    PRINT_APART, darker by twice that: a print's letters); laid over the lines in full and fading out across
    those pixels, the print's left as they are. Painted in flat from the known pixels round them, a shirt's
    folds radiating from the armpit, taken for the hanging arm's outline, stood as pale flat fingers with dark
    rims, faint letter-like ghosts on the side a raised arm uncovers (TikTok character 4): blurred with their
    soft shoulders, the side is plain shirt in the side's own shade."""
    fade = LINE_FADE * width
    d_line = cv2.distanceTransform((~lines).astype(np.uint8), cv2.DIST_L2, 3)
    near = body & (d_line <= fade)
    sigma = LINE_CLOTH * width

    def blur(values: np.ndarray, w: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(values * w, (0, 0), sigma) / np.maximum(cv2.GaussianBlur(w, (0, 0), sigma), 1e-6)

    around = near & ~lines
    # each line's cloth: the colour most of the pixels round it have (the nearest line's, for a pixel beside it)
    n, piece = cv2.connectedComponents(lines.astype(np.uint8), connectivity=8)
    _, (iy, ix) = ndimage.distance_transform_edt(~lines, return_indices=True)
    owner = piece[iy, ix]
    k = int(colours.max()) + 1
    counts = np.bincount(owner[around] * k + colours[around], minlength=n * k).reshape(n, k)
    mine = around & (colours == counts.argmax(axis=1)[owner])
    light = cv2.cvtColor(crop, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    mean = blur(light, mine.astype(np.float32))
    # the cloth's own level: the blur of the darker half of it (a print's light letters, where they crowd the
    # lines, lift the blur of all of it to their light)
    level = blur(light, (mine & (light <= mean)).astype(np.float32))
    # (the print in pieces, not the speckle of the cloth's grain, and with a soft edge)
    off = light - level
    printed = cv2.morphologyEx((around & ((off > PRINT_APART) | (off < -2 * PRINT_APART))).astype(np.uint8),
                               cv2.MORPH_OPEN, disc(1)).astype(bool)
    source = (mine & ~printed).astype(np.float32)
    cloth = np.dstack([blur(crop[..., c].astype(np.float32), source) for c in range(3)])
    cover = cv2.GaussianBlur(source, (0, 0), sigma)
    # (none where no cloth lies round a line within the blur's reach)
    alpha = np.where(near & (cover > CLOTH_COVER), np.clip(1.0 - d_line / (fade + 1), 0, 1), 0)
    alpha *= 1.0 - cv2.GaussianBlur(printed.astype(np.float32), (0, 0), 1.0)
    return cloth, alpha[..., None].astype(np.float32)


def _akin_groups(akin: np.ndarray) -> np.ndarray:
    """[k] int: for each of the torso's colours, the first of those it is a shade of through a chain of shades
    (``akin``: kxk 0/1), the same for all of one colour's shades."""
    reach = akin > 0
    for _ in range(len(akin)):
        reach = (reach.astype(np.int64) @ reach.astype(np.int64)) > 0
    return reach.argmax(axis=1)


LINE_FADE = 2.0  # (line widths) how far beside a painted line the cloth laid over it fades into the picture
LINE_CLOTH = 2.0  # (line widths) the Gaussian blur of the cloth round the lines
PRINT_APART = 24.0  # (CIE Lab lightness, OpenCV's 8-bit scale) a print lies this much lighter than the cloth's level
CLOTH_COVER = 0.05  # the least share of cloth pixels under the blur for it to be laid over a line


def _arm_outline(image: np.ndarray, labels: np.ndarray, hidden: np.ndarray, sw: float, cloth: np.ndarray,
                 hair: np.ndarray, straps: np.ndarray | None = None, high: np.ndarray | None = None) -> np.ndarray:
    """HxW bool: the dark lines (thin, darker than both sides: a drawn outline, the crease of shade along an
    arm) on or beside the ``hidden`` pixels, on the torso or the hidden pixels, away from the figure's
    silhouette: the arm's outline over the torso. Kept with a sleeve of the top's colour, too thin to tip the
    neighbourhood's vote, the outline stayed: once the arm moved away, the cartoon girl's chest kept the dark
    strokes of her sleeves where her arms had been. Just outside a painted hole, labelled torso, the shadow
    between a hanging arm and the dress stayed as a brown dash in it (TikTok clip 2). The torso's own outline
    (along the background, the cape, the legs, the head) stays, and so do a dark detail of a light mark on
    the cloth (``cloth``: the pixels of the torso's colours or their shades) and the tips of the body's
    ``hair`` lying on it, and the hair's end over the shoulder (``high``: HxW bool, the pixels above the line
    through the shoulder joints): see :func:`_on_the_cloth`."""
    r = max(1, round(LINE_WIDTH * sw))
    light = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2LAB)[:, :, 0]
    line = dark_lines(image, sw)
    torso = labels == PARTS.index("torso")
    beside = cv2.dilate(hidden.astype(np.uint8), None, iterations=2 * r + 2).astype(bool) & (torso | hidden)
    # (the head too: the collar's line along the neck, or along the top of a cape the head carries, is the
    # torso's outline; painted over, it stood as a pink bit on the cartoon girl's cape above her shoulder)
    rest = ~np.isin(labels, [PARTS.index(p) for p in ("torso",) + LAYERS["arm_l"] + LAYERS["arm_r"]])
    silhouette = cv2.dilate(rest.astype(np.uint8), None, iterations=r + 2).astype(bool)
    # (not a top's ``straps``, the top's own: :func:`.straps.strap_lines`)
    found = line & beside & ~silhouette
    if straps is not None:
        found &= ~straps
    # ... and a line that runs on far from the arm is none of its outlines: a strand of hair down the chest
    # beside a sleeve, painted over in the shirt's grey, stood as a pale streak on the skin (TikTok clip 5)
    pieces, n = ndimage.label(line & ~silhouette & (torso | hidden), structure=np.ones((3, 3)))
    if n:
        near = ndimage.sum(found, pieces, range(1, n + 1))
        total = ndimage.sum(pieces > 0, pieces, range(1, n + 1))
        found &= np.concatenate([[False], near >= OUTLINE_NEAR * total])[pieces]
        high = np.zeros(labels.shape, bool) if high is None else high
        found &= _on_the_cloth(pieces, n, light, line, cloth, hidden | ~(torso | rest), hair, high, r)[pieces]
    # with their anti-aliased edges
    return cv2.dilate(found.astype(np.uint8), None).astype(bool) & (torso | hidden)


OUTLINE_NEAR = 0.5  # a dark line is the arm's outline when at least this share of it lies beside the arm


def _on_the_cloth(pieces: np.ndarray, n: int, light: np.ndarray, line: np.ndarray, cloth: np.ndarray,
                  arm: np.ndarray, hair: np.ndarray, high: np.ndarray, r: int) -> np.ndarray:
    """[n + 1] bool: which of the ``n`` ``pieces`` of dark ``line`` are the arm's outline (or its shade) on the
    ``cloth`` (HxW bools, as ``arm`` and ``hair``), told by what a piece is darker than: the pixels within
    ``r`` / 2 around it lighter than it by LINE_CONTRAST (Lab lightness ``light``; what makes it a line).

    Some of those (OUTLINE_SURFACE) are the cloth or the arm: the letters of a light name tag and the dark
    stripes of ribbons on a dark jacket are darker than the tag and the ribbons around them, not than the
    cloth; painted over in the jacket's colour, they were blotted out in every frame (Grace Hopper). And for a
    piece mostly of the body's ``hair``, most of them are the arm (hair lying along its edge): the tips of a
    lock hanging over the top beside a sleeve, painted over, stood as blocky grey strands in every frame
    (TikTok character 5). But a piece mostly of hair and mostly ``high`` (above the shoulders' line) is the
    hair's own end lying on the shoulder's top, never the arm's outline, whatever lies lit round it: painted over
    with the cloth round it, it took the colour that most of that had, the hair's where the arm's shoulder top
    beside it was the arm's, the skin's where that top was the body's hidden part and the hair's pale tips
    beside it the torso's, and stood as a pale chip with a dark rim at the hair's end on the shoulder (TikTok
    character 3, her backlit tips given to the body)."""
    _, (iy, ix) = ndimage.distance_transform_edt(pieces == 0, return_indices=True)
    owner = pieces[iy, ix]  # the nearest piece
    ring = cv2.dilate((pieces > 0).astype(np.uint8), disc(max(1, r // 2))).astype(bool) & ~line
    dark = np.concatenate([[0.0], ndimage.mean(light, pieces, range(1, n + 1))])
    lit = ring & (light > dark[owner] + LINE_CONTRAST)
    seen = np.bincount(owner[lit], minlength=n + 1)
    on = np.bincount(owner[lit & (cloth | arm)], minlength=n + 1)
    by_arm = np.bincount(owner[lit & arm], minlength=n + 1)
    locks = np.concatenate([[False], ndimage.mean(hair, pieces, range(1, n + 1)) > 0.5])
    ends = locks & np.concatenate([[False], ndimage.mean(high, pieces, range(1, n + 1)) > 0.5])
    return (((on >= OUTLINE_SURFACE * seen) & (~locks | (by_arm > 0.5 * seen))) | (seen == 0)) & ~ends


OUTLINE_SURFACE = 0.15  # the least share of a dark line's lighter surroundings that is the cloth or the arm


def _cut_off_sleeve(kept: np.ndarray, visible: np.ndarray, nearest: np.ndarray, straps: np.ndarray,
                    across: int) -> np.ndarray:
    """HxW bool: the pieces of the ``kept`` sleeve pixels (those left as they are: they look like the torso) that
    touch no ``visible`` torso pixel of their own main colour (``nearest``): a corner of a black sleeve between
    the painted belly and the arm, kept because it looks like the black top, lay on the bare belly apart from
    the top and stayed there as a black shard when the arm moved away (TikTok clip 0). A top's ``straps`` part
    nothing: the torso up to ``across`` pixels past one lies beside the piece too (a bare shoulder beside a strap,
    cut off, was painted over in the chest's lit skin and stood as a pale box beside the strap, TikTok
    character 3)."""
    pieces, n = ndimage.label(kept, structure=np.ones((3, 3)))
    if n == 0:
        return np.zeros(kept.shape, bool)
    _, (iy, ix) = ndimage.distance_transform_edt(~kept, return_indices=True)
    beside = cv2.dilate(kept.astype(np.uint8), None, iterations=2).astype(bool)
    beside |= cv2.dilate((beside & straps).astype(np.uint8), None, iterations=across).astype(bool)
    rim = visible & beside
    ys, xs = np.nonzero(rim)
    own = nearest[ys, xs] == nearest[iy[ys, xs], ix[ys, xs]]
    attached = np.zeros(n + 1, bool)
    attached[pieces[iy[ys, xs], ix[ys, xs]][own]] = True
    attached[0] = True
    return ~attached[pieces]


def _off_the_body(kept: np.ndarray, past: np.ndarray, above: np.ndarray, sw: float) -> np.ndarray:
    """HxW bool: the pieces of the ``kept`` sleeve pixels (those left as they are: they look like the torso) whose
    pixels ``above`` the armpits, where the torso's outline is known, lie all but wholly (PAST_SHARE) ``past`` it
    (:func:`.envelope.past_unseen_sides`), and most of whose pixels (ABOVE_SHARE) lie there: the arm there hides
    nothing of the torso, and what the hidden torso's margin took of it is its own edge (with the piece's end below
    the armpits, where it runs on; a piece lying mostly below them, along the waist, is no such edge). TikTok character
    5's puffy sleeve hangs beside her body with her hair between them; its shaded inner side, a strip between the
    hair and the arm, looked like her white top and was kept as the top under it, and once the arm swung out it
    stood beside the hair as a torn, translucent flap. A piece that reaches in over the torso is the sleeve over
    the top it looks like (TikTok character 4's T-shirt): kept whole, its edge with it; so is a piece smaller than a
    square OFF_PIECE shoulder widths wide, a corner of the margin at the arm's rim (the robot boxer's grey arm under
    its shoulder pad: taken out, the pad's dark outline showed on the body as a dotted line)."""
    pieces, n = ndimage.label(kept, structure=np.ones((3, 3)))
    if n == 0:
        return np.zeros(kept.shape, bool)
    index = range(1, n + 1)
    seen = ndimage.sum(above, pieces, index)
    share = ndimage.sum(past & above, pieces, index) / np.maximum(seen, 1)
    size = ndimage.sum(kept, pieces, index)
    off = (share >= PAST_SHARE) & (seen >= ABOVE_SHARE * size) & (size >= (OFF_PIECE * sw) ** 2)
    return np.concatenate([[False], off])[pieces]


PAST_SHARE = 0.85  # a kept piece with this share of its pixels above the armpits past the torso's outline is off it
ABOVE_SHARE = 0.5  # ... if at least this share of it lies above them (most of it where that outline is known)
OFF_PIECE = 0.1  # ... and it is no smaller than a square this wide (shoulder widths)


def _sleeve_fragments(torso: np.ndarray, hidden: np.ndarray, nearest: np.ndarray, d_torso: np.ndarray,
                      sw: float, backdrop: np.ndarray) -> np.ndarray:
    """HxW bool: pieces of the ``torso`` in the colour the ``hidden`` arm pixels mostly have that are cut off from
    the torso's main area of that colour and touch the arm: the edge of a sleeve of the top's colour that the
    labels gave to the torso (a black forearm hanging over a bare waist, TikTok clip 0). Kept, they were painted
    in as a dark blob and left black shreds on the waist once the arm moved away."""
    sleeve = np.bincount(nearest[hidden], minlength=int(nearest.max()) + 1).argmax()
    mine = torso & (nearest == sleeve) & (d_torso < 2 * ALIKE_DELTA_E)
    touch = cv2.dilate(hidden.astype(np.uint8), None, iterations=2).astype(bool)
    pieces, n = ndimage.label(mine)
    shreds = np.zeros(torso.shape, bool)
    if n > 1:
        sizes = ndimage.sum(mine, pieces, range(1, n + 1))
        by_arm = np.zeros(n + 1, bool)
        by_arm[np.unique(pieces[touch & mine])] = True
        # a shred along the arm, not a panel of the top that the arm merely cuts off (the chest beside a V-neck)
        small = np.concatenate([[False], (sizes < FRAGMENT * sizes.max()) & (sizes < (FRAGMENT_SIDE * sw) ** 2)])
        shreds = np.isin(pieces, np.flatnonzero(small & by_arm))
    # ... and the thin spurs of it that reach out along the arm (no wider than SPUR) and not along the figure's
    # outline (a drawn figure's outline line beside its arm is its own): the sleeve's cuff, which the labels gave
    # to the top beside it, stood as a black hook hanging from the hem onto the painted belly once the arm moved
    # away (TikTok clip 0)
    thin = mine & ~_open(mine, max(1, round(SPUR * sw)))
    spurs, m = ndimage.label(thin, structure=np.ones((3, 3)))
    if m:
        sizes = ndimage.sum(thin, spurs, range(1, m + 1))
        by_arm = np.zeros(m + 1, bool)
        by_arm[np.unique(spurs[touch & thin])] = True
        edge = cv2.dilate(backdrop.astype(np.uint8), None, iterations=2).astype(bool)
        by_arm[np.unique(spurs[edge & thin])] = False
        small = np.concatenate([[False], sizes < (FRAGMENT_SIDE * sw) ** 2])
        shreds |= np.isin(spurs, np.flatnonzero(small & by_arm))
    return shreds


FRAGMENT = 0.1  # a piece of a torso colour under this share of that colour's largest piece is a fragment ...
FRAGMENT_SIDE = 0.15  # ... and smaller than a square this wide (in shoulder widths)
SPUR = 0.03  # a piece of it that a disc of this radius (shoulder widths) does not fit in is a spur along the arm


def _arm_blur(crop: np.ndarray, base: np.ndarray, hole: np.ndarray, torso: np.ndarray, reach: int,
              sleeve: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """HxW bool: the ``torso`` pixels within ``reach`` of the ``hole`` that blend the colour the hole had (the arm,
    nearest hole pixel's) with the colour painted there (``base``): the arm's blurred outline over the torso.

    A sleeve of the torso's own colour (a black sleeve over a black top, lying across the bare belly) leaves no
    colour of its own to recognise its blur by; left, its blurred edge showed as a dark line across the belly
    once the arm moved away (TikTok clip 0). ``sleeve`` (HxWx3 colour, HxW bool where it holds): the colour of
    such a sleeve (its solid pixels', the nearest) where it lies over another of the torso's colours; given, the
    pixels of its soft shadow instead (:func:`_blended`): there the hole's nearest pixel is the torso's rim the
    hole took in round the arm, not the arm, and where the sleeve is darker than the paint a blend of as little as
    SLEEVE_BLUR of its colour is its shadow beside its edge. Kept, it stood as a grey blot and streak on the belly
    by the forearm's elbow end once the arm moved away (TikTok character 0)."""
    d, (iy, ix) = ndimage.distance_transform_edt(~hole, return_indices=True)
    cand = torso & (d > 0) & (d <= reach)
    if not cand.any():
        return np.zeros(hole.shape, bool)
    ys, xs = np.nonzero(cand)
    fill = base[iy[ys, xs], ix[ys, xs]]  # what is painted where the arm was, next to it
    if sleeve is None:
        found = _blended(crop[ys, xs], fill, crop[iy[ys, xs], ix[ys, xs]], ARM_BLUR, 2 * MIX_OFF)
    else:  # (a shadow: the sleeve darker than the paint)
        colour = sleeve[0][ys, xs]
        found = (sleeve[1][ys, xs] & (colour.sum(axis=1) < fill.sum(axis=1))
                 & _blended(crop[ys, xs], fill, colour, SLEEVE_BLUR, SLEEVE_CONTRAST))
    blur = np.zeros(hole.shape, bool)
    blur[ys, xs] = found
    return _joining(blur, hole)  # (no speck of shade further off)


def _blended(px: np.ndarray, fill: np.ndarray, arm: np.ndarray, least: float, contrast: float) -> np.ndarray:
    """[n] bool: which of ``px`` blend at least ``least`` of the ``arm``'s colour into the ``fill``'s, where the two
    differ by more than ``contrast`` (all [n, 3] RGB)."""
    share = _blend_share(px, fill, arm, MIX_OFF)
    return (np.linalg.norm(arm - fill, axis=1) > contrast) & (share > least) & (share < 1.1)


ARM_BLUR = 0.15  # the least share of the arm's colour in a torso pixel beside it that makes it the arm's blur ...
SLEEVE_BLUR = 0.06  # ... or of a sleeve of the torso's colour lying over another of its colours ...
SLEEVE_CONTRAST = 96.0  # ... this far (RGB) from the paint (a grey robot's arm beside its lit side is a shade)


def shades_of(colours: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """[n] bool: which of ``colours`` (Lab) are a darker or lighter shade of one of the ``centres`` (Lab): the same
    surface under less or more light, not another colour (:func:`shade_of`)."""
    if not len(colours) or not len(centres):
        return np.zeros(len(colours), bool)
    return shade_of(colours[:, None, :], centres[None]).any(axis=1)


def shade_of(colours: np.ndarray, of: np.ndarray) -> np.ndarray:
    """[...] bool: whether each of ``colours`` (Lab, [..., 3]) is a darker or lighter shade of the colour ``of``
    (Lab, broadcast against them): the same surface under less or more light, not another colour. Either a
    multiple of it in RGB, or its hue and saturation in Lab at another lightness: shade cast by skylight is bluer
    than the lit surface, off every multiple of its colour (a sleeve's shadow on a light blue shirt, 17 RGB off),
    yet in Lab only its lightness differs; taken for the arm's own colour, the shirt's print beside it read as
    blends of arm and shirt and was painted over (TikTok clip 4)."""
    colours, of = np.broadcast_arrays(colours, of)
    px = _rgb_of_lab(colours.reshape(-1, 3)).reshape(colours.shape)
    cs = _rgb_of_lab(of.reshape(-1, 3)).reshape(of.shape)
    k = (px * cs).sum(axis=-1) / np.maximum((cs * cs).sum(axis=-1), 1e-6)
    off = np.linalg.norm(px - k[..., None] * cs, axis=-1)
    multiple = (k > SHADE_RANGE[0]) & (k < SHADE_RANGE[1]) & (off < SHADE_OFF)
    ratio = colours[..., 0] / np.maximum(of[..., 0], 1e-6)
    hue = np.linalg.norm(colours[..., 1:] - of[..., 1:], axis=-1)
    lit_apart = (ratio > SHADE_RANGE[0]) & (ratio < SHADE_RANGE[1]) & (hue < SHADE_AB)
    return multiple | lit_apart


def pale_shades(centres: np.ndarray) -> np.ndarray:
    """kxk bool: which of the ``centres`` (Lab) are nearly grey (PALE_CHROMA) and one's lightness within
    SHADE_RANGE of the other's: a white top's lit and shaded sides. Under warm light its shade is as warm as
    skin in shade, and k-means merges the two into one colour (TikTok character 5): not one of the white's
    shades by hue, it was painted in patches beside them where a sleeve had hidden the top's side, beige
    blotches on the white once the arm moved."""
    chroma = np.hypot(centres[:, 1] - 128.0, centres[:, 2] - 128.0)
    light = np.maximum(centres[:, 0], 1e-6)
    pale = chroma < PALE_CHROMA
    near = np.minimum(light[:, None], light[None]) / np.maximum(light[:, None], light[None]) > SHADE_RANGE[0]
    return pale[:, None] & pale[None] & near


PALE_CHROMA = 10.0  # (CIE Lab, OpenCV's 8-bit scale) a colour this near grey is white, grey or black in its light


SHADE_RANGE = (0.3, 1.5)  # how much darker or lighter (times, in RGB or Lab lightness) a shade of a colour may be
SHADE_OFF = 12.0  # how far (RGB) from a multiple of a colour a shade of it may lie
SHADE_AB = 6.0  # ... or how far from its hue and saturation (Lab a and b, OpenCV's 8-bit scale)


def _rgb_of_lab(lab: np.ndarray) -> np.ndarray:
    if not len(lab):  # OpenCV refuses an empty image
        return np.zeros((0, 3), np.float32)
    lab8 = np.clip(lab + 0.5, 0, 255).astype(np.uint8).reshape(1, -1, 3)
    return cv2.cvtColor(lab8, cv2.COLOR_LAB2RGB).reshape(-1, 3).astype(np.float32)


def _untinted(crop: np.ndarray, lab: np.ndarray, painted: np.ndarray, torso: np.ndarray, reach: int,
              groups: np.ndarray) -> np.ndarray:
    """``crop`` (float32 RGB; ``lab``: it in CIE Lab) with the hue of the ``torso`` pixels within ``reach`` of the
    ``painted`` arm taken from the torso beyond them of their own colour (``groups``: HxW, which of the torso's
    colours, its shades as one, each pixel is), where it is only a tint off that; their lightness stays. (From all
    the torso beyond, a black top's pixels beside a hem the arm had hidden took the hue of the skin below it, and a
    hue that is a tint at a skin's lightness is a deep red at a black's: a red streak along the arm's old outline
    and the hem, TikTok character 0.)

    A video's colour is blurred over twice the pixels its light is, so for a few pixels beside a black sleeve the
    skin is tinted bluish: no blend of the arm's colour and the skin's that :func:`_arm_blur` would find, and
    kept, it stayed as a thin pale line across the belly where the forearm's edge had been (TikTok clip 0).
    Repainting those pixels instead took the only skin there is from a bare belly's narrow strip between a
    crossed forearm and the trousers, and the belly was painted black."""
    d = cv2.distanceTransform((~painted).astype(np.uint8), cv2.DIST_L2, 3)
    band = torso & (d > 0) & (d <= reach)
    guide = torso & (d > reach) & (d <= 2 * reach)
    if not band.any() or guide.sum() < 10:
        return crop
    lab = lab.copy()
    hue = np.zeros(lab.shape[:2] + (2,), np.float32)
    tint = np.zeros(band.shape, bool)
    for group in np.unique(groups[band]):
        mine = guide & (groups == group)
        if mine.sum() < 10:
            continue
        hue[groups == group] = smooth_fill(lab[..., 1:], mine)[groups == group]
        tint |= band & (groups == group)
    tint &= np.linalg.norm(lab[..., 1:] - hue, axis=2) < TINT_DELTA_E
    lab[..., 1:][tint] = hue[tint]
    out = crop.copy()
    out[tint] = cv2.cvtColor(np.clip(lab + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)[tint]
    return out


def _joining(mask: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """The pieces of ``mask`` that touch the ``hole`` (HxW bools): an edge found beside a painted arm, without
    the specks of the same look further off."""
    pieces, _ = ndimage.label(mask | hole)
    return mask & np.isin(pieces, np.unique(pieces[hole]))


def _lines_out(painted: np.ndarray, torso: np.ndarray, reach: int) -> tuple[np.ndarray, np.ndarray, Callable]:
    """(rows, columns) of the ``torso`` pixels within ``reach`` of the ``painted`` hole, and ``at(k)``: for each,
    the point ``k`` pixels out from the hole on the line from its nearest hole pixel through it (negative ``k``:
    into the hole), as (rows, columns) clipped to the crop and whether it lies inside it. An arm's edge over the
    torso is told by comparing a pixel with the torso farther out and the arm farther in on that line."""
    d, (iy, ix) = ndimage.distance_transform_edt(~painted, return_indices=True)
    ys, xs = np.nonzero(torso & (d > 0) & (d <= reach))
    oy, ox, dist = iy[ys, xs], ix[ys, xs], d[ys, xs]
    h, w = painted.shape

    def at(k: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        py = np.round(oy + (ys - oy) * (k / dist)).astype(np.int64)
        px = np.round(ox + (xs - ox) * (k / dist)).astype(np.int64)
        inside = (py >= 0) & (py < h) & (px >= 0) & (px < w)
        return np.clip(py, 0, h - 1), np.clip(px, 0, w - 1), inside
    return ys, xs, at


def _halo(lab: np.ndarray, painted: np.ndarray, torso: np.ndarray, reach: int) -> np.ndarray:
    """HxW bool: the ``torso`` pixels within ``reach`` of the ``painted`` hole that are lighter by HALO_L or more than
    the torso twice as far out on the same line from the hole (``lab``: the image in CIE Lab), of about its hue,
    where the arm as far in on that line is much darker and the torso three times as far out still of the colour
    twice as far out, in pieces that touch the hole: the bright rim a video's sharpening leaves beside a dark
    sleeve. (Compared along that line, not with the torso around: beside a sleeve lying under a cropped top, the
    top's black is around too. And only on a broad surface: a narrow strip of belly between a forearm and the
    trousers, lit towards the arm, is no rim; taken for one, the only skin around was no source of colour and the
    belly behind the forearm was painted black.)

    Kept, it stood as a pale streak across the belly where the forearm's lower edge had lain, and as the paint's
    source beside it, it made the painted skin paler than the belly (TikTok clip 0)."""
    ys, xs, out_at = _lines_out(painted, torso, reach)
    if not len(ys):
        return np.zeros(painted.shape, bool)
    fy, fx, inside = out_at(2 * reach)
    # ... and the arm as far in on it: the rim shows where a dark arm lay over a lighter torso
    ay, ax, arm_inside = out_at(-reach)
    # ... and the torso three times as far out
    by, bx, beyond_inside = out_at(3 * reach)
    inside &= arm_inside & beyond_inside
    near, out = lab[ys, xs], lab[fy, fx]
    inside &= painted[ay, ax] & (lab[ay, ax, 0] < out[:, 0] - HALO_EDGE)
    inside &= torso[by, bx] & (np.linalg.norm(lab[by, bx] - out, axis=1) < ALIKE_DELTA_E)
    # (its hue may lie twice as far off as a tint: the rim is paler as well as lighter)
    alike = inside & torso[fy, fx] & ~painted[fy, fx] & (np.linalg.norm(near[:, 1:] - out[:, 1:], axis=1)
                                                         < 2 * TINT_DELTA_E)
    pale, not_darker = np.zeros(painted.shape, bool), np.zeros(painted.shape, bool)
    pale[ys, xs] = alike & (near[:, 0] > out[:, 0] + HALO_L)
    not_darker[ys, xs] = alike & (near[:, 0] > out[:, 0] - HALO_L)
    # with the few pixels between it and the arm, whose line out runs too close along the arm's edge to tell
    pale = cv2.dilate(pale.astype(np.uint8), None, iterations=HALO_GAP).astype(bool) & not_darker
    return _joining(pale, painted)


def _light_arm_edge(crop: np.ndarray, lab: np.ndarray, painted: np.ndarray, torso: np.ndarray,
                    reach: int) -> np.ndarray:
    """HxW bool: the ``torso`` pixels within ``reach`` of the ``painted`` hole that blend (in RGB, ``crop``) the
    torso farther out on the same line from the hole (``reach`` from it, or up to twice that where the torso
    there is hidden or missing) with the arm twice ``reach`` in, by EDGE_MIX or more of the way towards the arm,
    where that arm is much lighter than that torso (``lab``: the image in CIE Lab), in pieces that touch the hole:
    the blurred, anti-aliased edge of a bare arm over a dark shirt. Too little of the skin's colour in them to be
    told from the shirt by colour alone, they were kept as a thin orange line along where the forearm had lain
    and, as the paint's nearest sources, tinted the shirt painted behind it reddish brown (TikTok clip 1; the
    shirt between her back and her forearm is narrow, and lit purple along her back). :func:`_halo` is its
    counterpart beside a dark arm over a light torso."""
    ys, xs, on_line = _lines_out(painted, torso, reach)
    if not len(ys):
        return np.zeros(painted.shape, bool)
    ay, ax, ok = on_line(-2.0 * reach)
    ok &= painted[ay, ax]
    smooth = cv2.GaussianBlur(crop, (0, 0), 1.0)
    smooth_lab = cv2.GaussianBlur(lab, (0, 0), 1.0)
    fy, fx = np.zeros(len(ys), np.int64), np.zeros(len(ys), np.int64)
    found = np.zeros(len(ys), bool)
    for k in (1.0 * reach, 1.5 * reach, 2.0 * reach):
        py, px, inb = on_line(k)
        new = ~found & inb & torso[py, px] & ~painted[py, px]
        fy[new], fx[new] = py[new], px[new]
        found |= new
    shirt = np.hstack([smooth[fy, fx], smooth_lab[fy, fx]])
    if not found.all():  # (no torso out on the line: the torso beyond the others, spread over it)
        clear = torso & (ndimage.distance_transform_edt(~painted) > 2 * reach)
        if clear.any():
            spread = smooth_fill(np.dstack([smooth, smooth_lab]), clear)[ys[~found], xs[~found]]
            shirt[~found] = spread
            found[:] = True
    ok &= found & (lab[ay, ax, 0] > shirt[:, 3] + HALO_EDGE)
    share = _blend_share(crop[ys, xs], shirt[:, :3], crop[ay, ax], MIX_OFF)
    blend = (share > EDGE_MIX) & (share < 0.5)  # (nearer the shirt: what is nearer the arm is the hole's already)
    # ... or of the arm's hue only, at about the shirt's lightness: a video's colour is blurred over twice the
    # pixels its light is (an orange fringe beside the skin, too dark to be a blend of the two)
    ab = lab[..., 1:]
    step = np.linalg.norm(ab[ay, ax] - shirt[:, 4:], axis=1)
    tint = (_blend_share(ab[ys, xs], shirt[:, 4:], ab[ay, ax], TINT_DELTA_E / 2) > EDGE_TINT) & (step > ALIKE_DELTA_E)
    edge = np.zeros(painted.shape, bool)
    edge[ys, xs] = ok & (blend | tint)
    edge = _joining(edge, painted)
    # with the single pixels left between it and the hole (kept, they stood as orange and pale specks in the paint)
    gaps = cv2.morphologyEx((edge | painted).astype(np.uint8), cv2.MORPH_CLOSE, disc(1)).astype(bool)
    return edge | (gaps & torso & ~painted & cv2.dilate(edge.astype(np.uint8), None).astype(bool))


EDGE_MIX = 0.04  # the least share of a light arm's colour in a torso pixel beside it that makes it the arm's edge
EDGE_TINT = 0.12  # ... or the least share of its hue (Lab a and b)


def _blend_share(px: np.ndarray, a: np.ndarray, b: np.ndarray, off: float) -> np.ndarray:
    """[n]: how far (0 at ``a``, 1 at ``b``) each of ``px`` ([n, c]) lies along the line from ``a`` to ``b`` (both
    [n, c]); -1 where it lies ``off`` or farther from that line (no blend of the two)."""
    step = b - a
    t = np.einsum("ij,ij->i", px - a, step) / np.maximum(np.einsum("ij,ij->i", step, step), 1e-6)
    return np.where(np.linalg.norm(px - a - t[:, None] * step, axis=1) < off, t, -1.0)


HALO_GAP = 2  # the pixels next to a halo's that join it when not darker than the torso beyond (pixels)
HALO_L = 4.0  # how much lighter (Lab lightness, OpenCV's 8-bit scale) than the torso beyond a rim pixel is a halo
HALO_EDGE = 96.0  # ... beside an arm this much darker than that torso (a halo's strength grows with the edge's)


TINT_REACH = 2  # how far (in margins) beside a painted arm the torso's colour may carry the arm's edge's tint ...
TINT_DELTA_E = 12.0  # ... and how far (CIE Lab's a and b) that tint may lie off the torso's hue around it


def _mixed(rgb_px: np.ndarray, centres: np.ndarray, arm: np.ndarray, ends: float = 0.06) -> np.ndarray:
    """[n] bool: which of ``rgb_px`` lie between one of the torso's ``centres`` and one of the ``arm`` colours
    (both Lab): a blend of the two in RGB, as a blurred or anti-aliased edge makes, not within ``ends`` of
    either end."""
    px = rgb_px.astype(np.float32)
    mixed = np.zeros(len(px), bool)
    if not len(arm) or not len(centres):
        return mixed
    for c in _rgb_of_lab(centres):
        for a in _rgb_of_lab(arm):
            d = a - c
            t = ((px - c) @ d) / max(float(d @ d), 1e-6)
            off = np.linalg.norm(px - c - t[:, None] * d, axis=1)
            mixed |= (t > ends) & (t < 1 - ends) & (off < MIX_OFF)
    return mixed


MIX_OFF = 24.0  # how far (RGB) from the line between two colours a pixel may lie and still be their blend


def _borders_run_across(nearest: np.ndarray, known: np.ndarray, hidden: np.ndarray, sw: float,
                        centres: np.ndarray, waist: np.ndarray) -> bool:
    """Whether the borders between the torso's colours around the ``hidden`` pixels at the ``waist`` run across
    the body (a hem: the colour changes up and down) rather than along it (a two-coloured shirt split down the
    middle). Counted on the ``known`` pixels within a fifth of the shoulder width ``sw`` of the hidden ones and
    above the hips (a fluffy waistband's every tuft is no border), between main colours (``centres``, Lab)
    that do not look alike (two shades of one are no border), across the seams the known pixels stop short of.
    """
    ring = (cv2.dilate(hidden.astype(np.uint8), None, iterations=max(2, round(0.2 * sw))).astype(bool) & known
            & (waist > 0) & (waist < 1 + WAIST_HIPS))
    unlike = np.linalg.norm(centres[:, None] - centres[None], axis=2) > 2 * ALIKE_DELTA_E
    d = max(4, round(0.08 * sw))
    step_y = unlike[nearest[d:], nearest[:-d]] & ring[d:] & ring[:-d]
    step_x = unlike[nearest[:, d:], nearest[:, :-d]] & ring[:, d:] & ring[:, :-d]
    return int(step_y.sum()) > BORDERS_ACROSS * int(step_x.sum())


BORDERS_ACROSS = 1.0  # colour steps up and down over steps sideways above which the borders run across the body


def _continue_hem(crop: np.ndarray, base: np.ndarray, known: np.ndarray, nearest: np.ndarray, centres: np.ndarray,
                  hidden: np.ndarray, region: np.ndarray, share: np.ndarray, sw: float,
                  loose: np.ndarray, sides: int = 2, lean: float = 1.0,
                  kept: np.ndarray | None = None,
                  shaded: tuple[np.ndarray, np.ndarray] | None = None,
                  mirror: tuple[np.ndarray, np.ndarray] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(HxW bool zone, HxWx3 float32 colour, HxW float32 shade) that paints the ``hidden`` pixels in ``region``
    (the waist, or an upright body's chest) near a hem on either side of the line the hem runs along, each side in
    its own colour, and the factor the paint around it is darkened by in the hem's shadow; None where the torso
    around shows no such hem.

    The hem is the line of widest margin between the two commonest unlike main colours (``centres``;
    ``nearest``: each pixel's, with their shades) of the ``known`` pixels (of ``crop``) around the hidden ones in
    the region. It is taken only where it parts them cleanly (HEM_FIT), where both colours lie beside it, each on
    its own side, on both ``sides`` of the hidden band along the line (1: a top's edge on the chest, which the
    body's outline ends beyond the arm), leaning off level by no more than ``lean`` (its sine: a neckline's
    slant running on under the arm painted the skin up over the shoulder of a V-necked top, TikTok character 0),
    and where the hem itself is seen on one side at least (a forearm lying along the hem hides it up to its end on
    the other): spread by nearness alone, the top's black closed round under the forearm and ended in a ragged
    edge across the belly (TikTok clip 0).
    Where the hem is seen beside the band it is bent off that line to run through it (:func:`_hem_bend`): straight
    across, it met the seen hem a few pixels off in a step; past where it is seen, it follows the seen hem's
    mirror image across the spine (``mirror``: each pixel's, in ``crop``'s pixels; None for a body not facing the
    camera). Only pixels the fill gave those colours (``share``) are
    repainted, within HEM_REACH of the line, fading into the fill already made (``base``) towards its edge: the
    hidden ones and those of the ``loose`` ones (the torso's beside the arm that are not ``known``) on the wrong
    side of the hem (left as they were, the arm's lit edge stood below the hem as a notch of the top's colour, and
    the skin's pale rim at the hem's end above it as a step). Each side's colour is spread from the ``known``
    pixels and the ``kept`` ones (the arm's pixels kept as the torso under it: the shaded shoulder beside the
    armpit; from the known ones alone, the paint there stood as a pale dome on it). ``shaded``: (the pixels that
    are a shade of their colour, not of it, those clear of the arm's edge): the first count as their colour's in
    finding the hem, and the paint on the side below it (and round it: the arm's rim) is darkened in the shade the
    clear ones of both kinds show under the hem (:func:`_hem_shadow`): the skin under a cropped top
    lies in its shadow, and painted in the lit skin further down, the band a forearm had hidden under the hem
    stood as a pale stripe with a straight edge once the arm moved; with a deeper shadow the hem was not found at
    all and the top's black spread down into the skin (TikTok character 0).
    """
    reach = max(4, round(HEM_REACH * sw))
    seen_px = known if shaded is None else known | shaded[0]
    ring = (cv2.dilate(hidden.astype(np.uint8), None, iterations=reach).astype(bool) & seen_px & region & ~hidden)
    k = len(centres)
    counts = np.bincount(nearest[ring], minlength=k)
    unlike = np.linalg.norm(centres[:, None] - centres[None], axis=2) > 2 * ALIKE_DELTA_E
    pairs = [(min(counts[i], counts[j]), i, j) for i in range(k) for j in range(i + 1, k) if unlike[i, j]]
    if not pairs or max(pairs)[0] < HEM_PIXELS:
        return None
    _, a, b = max(pairs)
    # each side takes the shades of its colour (a top's lit and shaded black) that are nearer it than the other
    gap = np.linalg.norm(centres[:, None] - centres[[a, b]][None], axis=2)
    group_a = (gap[:, 0] < 2 * ALIKE_DELTA_E) & (gap[:, 0] < gap[:, 1])
    group_b = (gap[:, 1] < 2 * ALIKE_DELTA_E) & (gap[:, 1] < gap[:, 0])
    in_a, in_b = group_a[nearest], group_b[nearest]
    ys, xs = np.nonzero(ring & (in_a | in_b))
    side = in_b[ys, xs].astype(np.float64)
    if len(ys) > HEM_SAMPLE:
        pick = np.random.default_rng(0).choice(len(ys), HEM_SAMPLE, replace=False)
        ys, xs, side = ys[pick], xs[pick], side[pick]
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    centre, scale = pts.mean(axis=0), max(float(pts.std()), 1.0)
    # the line of widest margin between them (a linear SVM): where the hem is seen it runs along it, where the
    # arm hides it between the two colours' nearest pixels on either side of the arm
    svm = cv2.ml.SVM_create()
    svm.setType(cv2.ml.SVM_C_SVC)
    svm.setKernel(cv2.ml.SVM_LINEAR)
    svm.setC(1.0)
    svm.setTermCriteria((cv2.TERM_CRITERIA_MAX_ITER + cv2.TERM_CRITERIA_EPS, 1000, 1e-4))
    svm.train(((pts - centre) / scale).astype(np.float32), cv2.ml.ROW_SAMPLE, side.astype(np.int32))
    rho, _, _ = svm.getDecisionFunction(0)
    w = np.append(svm.getSupportVectors()[0].astype(np.float64), -rho)
    x = np.hstack([(pts - centre) / scale, np.ones((len(pts), 1))])
    if np.mean(x[side > 0] @ w) < 0:  # (OpenCV's sign: colour b's side made positive)
        w = -w
    norm = float(np.linalg.norm(w[:2]))
    if norm < 1e-9 or ((x @ w > 0) == (side > 0)).mean() < HEM_FIT:
        return None
    normal, offset = w[:2] / norm, w[2] * scale / norm
    if abs(normal[0]) > lean:
        return None
    h, wd = hidden.shape
    py, px = np.mgrid[0:h, 0:wd].astype(np.float64)
    signed = (px - centre[0]) * normal[0] + (py - centre[1]) * normal[1] + offset  # > 0: colour b's side
    along = (px - centre[0]) * normal[1] - (py - centre[1]) * normal[0]
    band = hidden & region & (np.abs(signed) < reach)
    if not band.any():
        return None
    mid = float(np.median(along[band]))
    halves = (along < mid, along >= mid)
    # on both sides of the band (along the line) both colours lie beside it, each on its own side; and right at
    # it on one side at least: the hem itself is seen (a forearm lying along it hides it to its end on the other)
    for reach_k, need in ((2 * reach, sides), (max(2, round(HEM_NEAR * sw)), 1)):
        beside = ring & (np.abs(signed) < reach_k)
        seen = [min(int((beside & half & in_a).sum()), int((beside & half & in_b).sum())) >= HEM_SEEN
                for half in halves]
        if sum(seen) < need:
            return None
    # (read all along it where a mirror carries it past its end: the hem's curve out to the body's side)
    seen_hem = ring if mirror is None else seen_px & region & ~hidden
    shown = (known | loose) & region & ~hidden
    signed = signed - _hem_bend(signed, along, seen_hem & in_a, seen_hem & in_b, reach, max(2.0, HEM_GAP * sw),
                                None if mirror is None else (*mirror, shown & in_a, shown & in_b))
    wrong = loose & region & (np.abs(signed) < reach) & np.where(signed > 0, in_a, in_b)
    band |= loose & cv2.dilate(wrong.astype(np.uint8), None).astype(bool)
    zone = band & ((share[..., group_a].sum(axis=-1) + share[..., group_b].sum(axis=-1)) > 0.5)
    source = known if kept is None else known | kept
    col_a = smooth_fill(crop, source & in_a)
    col_b = smooth_fill(crop, source & in_b)
    shade = np.ones(hidden.shape, np.float32)
    if shaded is not None:  # (on the side below the line: colour b's where the normal points down)
        down = normal[1] > 0
        below, mine = (signed, in_b) if down else (-signed, in_a)
        near = cv2.dilate(zone.astype(np.uint8), None, iterations=reach).astype(bool) & region
        shade = np.where(near, _hem_shadow(crop, below, source & mine, ring & shaded[1] & mine, reach),
                         1.0).astype(np.float32)
    t = (1.0 / (1.0 + np.exp(-signed / HEM_SOFT))).astype(np.float32)[..., None]
    # full strength near the line, fading into the fill around it by the band's edge (no step there)
    fade = np.clip(2.0 * (reach - np.abs(signed)) / reach, 0.0, 1.0).astype(np.float32)[..., None]
    return zone, fade * (t * col_b + (1 - t) * col_a) + (1 - fade) * base, shade


def _hem_shadow(crop: np.ndarray, below: np.ndarray, source: np.ndarray, seen: np.ndarray,
                reach: int) -> np.ndarray | float:
    """HxW float32: the factor the colour under a hem is darkened by in the hem's shadow, by each pixel's distance
    ``below`` the hem's line (pixels); 1.0 where too little is seen to tell. Read at each distance from HEM_BLEND to
    the ``reach`` as the median of the ``seen`` pixels' lightness (of ``crop``) over that of the colour as it is lit
    past the reach (spread from its ``source`` pixels there), HEM_SHADE_PIXELS of them at least (within HEM_BLEND
    of the line a seen hem blends the two colours, and a blend of a black top and the skin reads as a shade of the
    skin); the darkening taken as falling off straight from the line to none at the reach (darker only, at most to
    SHADE_MIN), 1 above the line."""
    d = np.round(below).astype(np.int64)
    far = source & (d > reach)
    use = seen & (d >= HEM_BLEND) & (d <= reach)
    count = np.bincount(d[use], minlength=reach + 1)
    steps = np.flatnonzero(count >= HEM_SHADE_PIXELS)
    if far.sum() < HEM_SHADE_PIXELS or len(steps) < 2:
        return 1.0
    lit = smooth_fill(crop, far)
    ratio = crop[use].mean(axis=-1) / np.maximum(lit[use].mean(axis=-1), 1.0)
    order = np.argsort(d[use], kind="stable")
    groups = np.split(ratio[order], np.cumsum(count)[:-1])
    dark = 1.0 - np.array([np.median(groups[i]) for i in steps])
    # a straight ramp from the line out to none at the reach, fitted to them by least squares (weighted by their
    # counts): read step by step and carried flat to the line, it met the ramp in a kink that stood as a level edge
    ramp = (reach - steps) / reach
    depth = float(np.clip((count[steps] * dark * ramp).sum() / (count[steps] * ramp * ramp).sum(), 0.0,
                          1.0 - SHADE_MIN))
    factor = 1.0 - depth * np.clip((reach - d) / reach, 0.0, 1.0)
    return np.where(d >= 0, factor, 1.0).astype(np.float32)


def _hem_bend(signed: np.ndarray, along: np.ndarray, side_a: np.ndarray, side_b: np.ndarray, reach: int,
              gap: float, mirror: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """HxW: how far (pixels, across the line) the hem lies off its fitted line (``signed``: the distance from it,
    colour b's side positive; ``along``: the position along it) where it is seen, spread along the line.

    Seen, per pixel along the line, between the farthest pixel of colour a (``side_a``) and the nearest of colour
    b (``side_b``) within ``reach`` of the line, less than ``gap`` apart (farther apart, an arm lies between
    them, not a hem). Across the hidden band the offsets of the seen hem on either side are joined by a straight
    line. Past the last one seen, the seen hem's mirror image across the spine where it lies there
    (:func:`_mirrored_hem`; ``mirror``: each pixel's mirror, (map_x, map_y) in these arrays' pixels, and the
    pixels of colour a and b that show the torso; None: a body not facing the camera), and the hem
    carried on level beyond it (a line through one end of a curved hem missed the other; carried on level from
    where a forearm hid it up to the body's side, the hem of a top arched over the belly ran on ruler-straight
    across its other half, TikTok character 0).
    """
    lo = int(np.floor(along.min()))
    pos = np.floor(along).astype(np.int64) - lo
    n = int(pos.max()) + 1
    seen, offset = _seen_hem(signed, pos, side_a, side_b, reach, gap)
    if not len(seen):
        return np.zeros(signed.shape)
    if mirror is not None:
        seen, offset = _mirrored_hem(signed, along, pos, seen, offset, mirror, lo, gap, reach)
    bend = np.interp(np.arange(n), seen, offset)
    return cv2.GaussianBlur(bend[None], (0, 0), HEM_SMOOTH)[0][pos]


def _seen_hem(signed: np.ndarray, pos: np.ndarray, side_a: np.ndarray, side_b: np.ndarray, reach: int,
              gap: float) -> tuple[np.ndarray, np.ndarray]:
    """(positions along the line, offsets off it) where the hem is seen, as :func:`_hem_bend` reads it (``pos``:
    each pixel's position along the line, from 0)."""
    n = int(pos.max()) + 1
    near = np.abs(signed) < reach
    far_a = np.full(n, -np.inf)
    np.maximum.at(far_a, pos[side_a & near], signed[side_a & near])
    near_b = np.full(n, np.inf)
    np.minimum.at(near_b, pos[side_b & near], signed[side_b & near])
    seen = np.flatnonzero((near_b > far_a) & (near_b - far_a < gap))
    return seen, (far_a[seen] + near_b[seen]) / 2


def _mirrored_hem(signed: np.ndarray, along: np.ndarray, pos: np.ndarray, seen: np.ndarray, offset: np.ndarray,
                  mirror: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], lo: int, gap: float,
                  reach: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions along the line, offsets off it) of the hem: the ``seen`` ones with their ``offset``, and past
    both ends of them the mirror images across the spine of the seen hem's pixels (``mirror``: each pixel's mirror
    (map_x, map_y), and the torso's pixels of the hem's two colours), as :func:`_hem_bend` reads them (``pos``:
    each pixel's position along the line less ``lo``). Only where the hem is seen on one side of the spine, and on
    the other (past ``reach`` from it) not even in the torso's pixels the fill does not trust (beside an arm), along
    the line (within ``gap`` of it: farther off, an arm's edge over the skin): where it shows there, the
    hem runs on to it as the line does (the mirror image of a hem slanting across the body met it in a step)."""
    map_x, map_y, shown_a, shown_b = mirror
    on = np.abs(signed - np.interp(pos, seen, offset)) <= 0.5
    on &= np.isin(pos, seen)
    if not on.any():
        return seen, offset
    xs = np.nonzero(on)[1]
    mx, my = map_x[on].astype(np.float64), map_y[on].astype(np.float64)
    apart = mx - xs  # (twice the distance across the spine, signed by the side)
    if (apart > gap).any() and (apart < -gap).any():
        return seen, offset
    # (past the spine by more than the line's reach: right at it, the seen hem's end beside the arm)
    other = (map_x - np.arange(map_x.shape[1])) * np.sign(np.median(apart)) < -2 * reach
    if (np.abs(_seen_hem(signed, pos, shown_a & other, shown_b & other, reach, gap)[1]) < gap).sum() >= HEM_SEEN:
        return seen, offset
    # (the line's distances are linear in the pixel's position: read off at the mirror images by their gradients)

    def linear(f: np.ndarray) -> np.ndarray:
        return f[0, 0] + mx * (f[0, 1] - f[0, 0]) + my * (f[1, 0] - f[0, 0])

    at, off = np.floor(linear(along)).astype(np.int64) - lo, linear(signed)
    past = ((at < seen[0]) | (at > seen[-1])) & (at >= 0) & (at <= pos.max())
    if not past.any():
        return seen, offset
    bins = np.unique(at[past])
    mean = np.bincount(at[past], off[past], minlength=bins[-1] + 1)[bins] / np.bincount(at[past])[bins]
    order = np.argsort(np.concatenate([seen, bins]), kind="stable")
    return np.concatenate([seen, bins])[order], np.concatenate([offset, mean])[order]


HEM_REACH = 0.15  # how far (shoulder widths) from the hidden pixels a hem is looked for, and repainted from its line
HEM_PIXELS = 30  # the least known pixels of each of the hem's two colours around the hidden ones
HEM_FIT = 0.97  # the least share of those pixels the hem's line puts on their own side
HEM_SAMPLE = 4000  # the most of those pixels the line is fitted to
HEM_SEEN = 8  # the least pixels of each colour within twice HEM_REACH of the line on each side of the band ...
HEM_NEAR = 0.05  # ... and that close (shoulder widths) to the line on one side at least: the hem seen
HEM_SOFT = 1.0  # the hem's blur across its line (pixels)
HEM_GAP = 0.06  # the most (shoulder widths) between the two colours' known pixels across a hem seen
HEM_SMOOTH = 3.0  # how far (pixels along the hem) its bend is smoothed: no kink where the seen hem ends
HEM_BLEND = 3  # (pixels) no nearer a hem's line than this is the shadow under it read
HEM_SHADE_PIXELS = 10  # the fewest pixels at a distance under a hem its shadow there is read from
EDGE_PIECE = 0.15  # (shoulder widths) the least hidden piece of the chest, as a square this wide, a top's edge is
# continued under
EDGE_LEAN = np.radians(20.0)  # the most a top's edge on the chest leans off level (a neckline leans more)


def _waist_weight(joints: np.ndarray, rows: tuple[int, int], cols: tuple[int, int]) -> np.ndarray | None:
    """HxW 0..1 over the box ``rows`` x ``cols``: how much a pixel lies at the waist of an upright body (below
    the chest's middle, down past the hips), where hems and waistbands run across it; None when the body is not
    upright (a lying or strongly leaning figure: no direction is across)."""
    ext = extend(joints)
    spine = ext[MH] - ext[MS]
    if abs(float(spine[0])) >= UPRIGHT * abs(float(spine[1])):
        return None
    py, px = np.mgrid[rows[0]:rows[1], cols[0]:cols[1]].astype(np.float32)
    t = ((px - ext[MS][0]) * spine[0] + (py - ext[MS][1]) * spine[1]) / max(float(spine @ spine), 1e-6)
    return np.clip((t - WAIST_FROM) / WAIST_RAMP, 0.0, None).astype(np.float32)


WAIST_FROM = 0.35  # the waist starts this far down the spine (shoulders 0, hips 1)
WAIST_RAMP = 0.15  # ... and is fully the waist this much further down
WAIST_HIPS = (0.9 - WAIST_FROM - WAIST_RAMP) / WAIST_RAMP  # the waist weight above 1 where the hips begin


def _fill_by_colour(crop: np.ndarray, known: np.ndarray, nearest: np.ndarray, k: int,
                    prefer: np.ndarray, waist: np.ndarray | None = None,
                    avoid: np.ndarray | None = None, akin: np.ndarray | None = None,
                    shade_from: np.ndarray | None = None,
                    lift: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(HxWx3 float32 colour, HxWxk share): the ``known`` pixels' colours spread over the crop without mixing
    the torso's ``k`` main colours (``nearest``: each pixel's main colour).

    Push-pull gives every pixel the nearness-weighted share of each main colour around it and, per colour, the
    local shade of it. A pixel takes the shade of the colour that dominates around it (blended over a few
    pixels where two meet): a white blouse under dark hair and bare skin is painted white, skin or hair, never
    the grey-brown average of the three. Where ``prefer`` (a sleeve of one of the torso's colours), its own
    colour wins unless another clearly dominates, except at the waist (below): a top's edge under a crossed
    arm stays where it was, not pushed up by the skin below.

    ``waist`` (HxW 0..1, :func:`_waist_weight`): where the clothes' borders run across the body (the hem of a
    top, a waistband), the shares are spread ACROSS times farther sideways than up and down: what lies beside
    a hidden pixel there says more about it than what lies above or below, and the hem is continued straight
    under a crossed arm instead of closing round it as a blob. There the sleeve's own colour wins nothing: a
    black sleeve crossing a bare belly below a black cropped top kept the top going down to the sleeve's lower
    edge, and once the arm moved away that black band, ending in the cuff's round, read as a forearm lying
    across the belly (TikTok pair 0<-1: the pose model put her hanging forearm along it, 110-130 deg off).

    ``avoid`` (HxWxk bool): colours a pixel is not painted in while another is around (a sleeve's own colour
    where the torso along its edges is another: the sleeve lies over that other).

    ``akin`` (kxk 0/1, symmetric): which colours are shades of one another (what one wins, it shares with its
    shades by their shares: a smooth blend of them, no seam).

    ``shade_from`` (HxW bool): where the colours' shades are read (of the ``known`` pixels, those of it; all of
    them for a colour it has none of); which colour lies where is read from all the ``known`` ones.

    ``lift`` ((kxk bool, HxW float 0..1): :func:`lighter_whites`, how much): there, what a shade of a white top wins
    goes to its lighter shades about as common around (:func:`_lifted`): the top's side a sleeve hid is painted in
    the top's lighter shade, not in the warm grey of the crease along the sleeve's edge.
    """
    onehot = (nearest[..., None] == np.arange(k)).astype(np.float32) * known[..., None]
    present = [i for i in range(k) if onehot[..., i].any()]
    own = OWN_BOOST * (prefer[..., None] & (nearest[..., None] == np.arange(k)))

    def weights(share: np.ndarray, boost: np.ndarray | float = own) -> np.ndarray:
        mine = np.clip((share + boost)[..., present], 0.0, None)
        weight = mine ** 12
        if avoid is not None:
            kept = np.where(avoid[..., present], 0.0, weight)
            weight = np.where(kept.sum(axis=2, keepdims=True) > 1e-9, kept, weight)
        # divided by their own sum however small (floored at 1e-6, far from the colours around, the shares
        # painted a dark shade of them: black specks where a hand lay on white trousers, TikTok character 0)
        weight = weight / np.maximum(weight.sum(axis=2, keepdims=True), TINY)
        if akin is None:
            return weight
        # what a colour wins its shades (``akin``) share, by their shares raised to AKIN_SOFT (a soft seam, not
        # their mean all over: lit skin blended with the white trousers below painted the hip paler than its own
        # skin around): picked one by one, the belly's lit and shaded skin met in straight seams across the hip a
        # hand had hidden (TikTok clip 0)
        mates = akin[np.ix_(present, present)]
        soft = mine ** AKIN_SOFT
        return soft * ((weight / np.maximum(soft @ mates, 1e-12)) @ mates)

    share = smooth_fill(onehot, known)
    weight = weights(share)
    if waist is not None and waist.any():
        h, w = known.shape
        size = (max(4, round(w / ACROSS)), h)
        small_k = cv2.resize(known.astype(np.float32), size, interpolation=cv2.INTER_AREA)
        small = shrunk(onehot, size)
        small = small / np.maximum(small_k, 1e-6)[..., None]
        wide = cv2.resize(smooth_fill(small, small_k), (w, h), interpolation=cv2.INTER_LINEAR).reshape(h, w, k)
        # each spread picks its colours, and the two pictures are blended (blending the shares would mix colours
        # where the two disagree)
        waist = np.minimum(waist, 1.0)[..., None]
        weight = waist * weights(wide, 0.0) + (1 - waist) * weight
        share = waist * wide + (1 - waist) * share
    if lift is not None:
        weight = _lifted(weight, share[..., present], lift[0][np.ix_(present, present)], lift[1])
    out = np.zeros_like(crop)
    for j, i in enumerate(present):
        mine = known & (nearest == i)
        if shade_from is not None and (mine & shade_from).any():
            mine &= shade_from
        out += weight[..., j:j + 1] * smooth_fill(crop, mine)
    return out, share


def _lifted(weight: np.ndarray, share: np.ndarray, lighter: np.ndarray, much: np.ndarray) -> np.ndarray:
    """HxWxk weights: each colour's weight handed, by ``much`` (HxW 0..1), to its lighter shades (``lighter``: kxk,
    [i, j] colour j a lighter shade of colour i), the lightest first, each taking what is left by its ``share``
    there against the colour's own (LIGHT_LEAD): all of it where it is as common, none where the colour's own
    share is far ahead (a white top's broadly shaded side keeps its shade; the crease and shadow along a sleeve,
    no more common around than the top's lighter shade, give the hidden side none of their dark warm grey). Taken
    by degrees as the shares change, never past a threshold: there it stood as a step where a white top's lit
    side met its shade behind an arm."""
    k = weight.shape[-1]
    rank = lighter.sum(axis=0)  # how many colours each is lighter than: within a top's shades, its lightness order
    out = np.zeros_like(weight)
    for i in range(k):
        rest = weight[..., i] * much
        out[..., i] += weight[..., i] * (1.0 - much)
        for j in sorted(np.nonzero(lighter[i])[0], key=lambda c: -rank[c]):
            take = rest * np.clip((share[..., j] - share[..., i]) / LIGHT_LEAD + 1.0, 0.0, 1.0)
            out[..., j] += take
            rest = rest - take
        out[..., i] += rest
    return out


def lighter_whites(centres: np.ndarray) -> np.ndarray:
    """kxk bool: [i, j] colour j (Lab) a lighter shade of colour i, both nearly grey (:func:`pale_shades`) and j
    light (WHITE_LIGHT): a white top's lit side and its shades. Under warm light the shade along a sleeve's edge
    is a warm grey as dark as skin in shade (TikTok character 5, ~134,120,111 beside the blouse's 164 and 209);
    painted in its local shade, which the crease at the sleeve's edge sets darker still, it left beige blotches
    and dark bits on the white blouse where the sleeve had hidden it, once the arm rose. Black and dark grey
    (a black top's lit side) are no white top's shades."""
    light = centres[:, 0]
    return pale_shades(centres) & (light[None] > light[:, None]) & (light[None] >= WHITE_LIGHT)


LIGHT_LEAD = 0.75  # a white top's lighter shade takes all of a darker one's paint where its share around is as large,
# none where it is this much smaller
WHITE_LIGHT = 150.0  # (CIE Lab lightness, OpenCV's 8-bit scale) a pale colour this light is a white top's (or grey)
AKIN_SOFT = 4.0  # how sharply a colour's shades part what it wins (1: by their shares; the colours: 12)
ACROSS = 2.0  # how many times farther sideways than up and down the torso's colours are spread at the waist
UPRIGHT = 0.5  # the spine's sideways lean over its height under which the body counts as upright
OWN_BOOST = 0.3  # how much more of another colour must be around a sleeve of a torso colour to paint it so
SOME_SHARE = 0.2  # a sleeve at the torso's side or a wide one is kept when this much of its colour is around
OWN_SHARE = 0.5  # how common around a hidden pixel its colour must be among the torso's to keep it
FAR = 0.1  # farther than this (in shoulder widths) from the torso's visible pixels, a sleeve is kept
RIM = 3  # the torso pixels this close (pixels) around a sleeve tell what lies under its edges ...
RIM_SHARE = 0.5  # ... and a sleeve below the chest is kept only where this share of them has its colour
ACROSS_RIM = 1  # how far (in margins) round a sleeve lying across the torso its blurred edge and shadow reach
ACROSS_SOFT = 1.0  # how far (Gaussian, in margins) the top painted under it is smoothed


def torso_colours(lab_px: np.ndarray, k: int = 4, tries: int = 1) -> np.ndarray:
    """[n, 3] the torso's main colours (k-means centres holding at least MAIN_SHARE of its pixels; ``tries``:
    :func:`colour_shares`)."""
    centres, share = colour_shares(lab_px, k, tries)
    return centres[share >= MAIN_SHARE]


def colour_shares(lab_px: np.ndarray, k: int = 4, tries: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """([n, 3] the k-means centres of ``lab_px`` (Lab), those that look alike merged, [n] the share of the pixels
    each holds): the colours :func:`torso_colours` keeps those of a large enough share of. With ``tries`` > 1,
    the k-means of that many samples, the first one's kept unless another's centres lie BETTER nearer all of
    ``lab_px`` (the fills were tuned on the first one's colours: taking the nearest whatever the margin changed
    character 1's and the astronaut's, and skin-brown streaks came back along character 1's arm). A torso of more
    main colours than k (a black top's lit and shaded sides, lit and shaded skin, white trousers) has several
    k-means optima, and one sample's k-means landed in any of them by the luck of the sample (in the worse one
    of two half the time), flipping the colours a fill paints with when a few of the pixels changed (TikTok
    character 0's cuff given to her forearm flipped the paint on her belly, her hip and under her crossed arm).
    Two optima exactly as good still part by the luck of the pixels."""
    if len(lab_px) < 20:
        centres = lab_px.reshape(-1, 3)[:1] if len(lab_px) else np.zeros((1, 3), np.float32)
        return centres, np.ones(len(centres))
    best = None
    for seed in range(tries):
        sample = _sample(lab_px, seed)
        kk = int(min(k, max(1, len(sample) // 60)))
        assign, centres = _kmeans(sample, kk)
        cost = float(np.mean(colour_distance(lab_px[None], centres) ** 2)) if tries > 1 else 0.0
        if best is None or cost < (1.0 - BETTER) * best[0]:
            best = (cost, assign, centres, kk)
    _, assign, centres, k = best
    # centres that look alike are one colour (a bare belly's lit and shaded sides): merged before the rare ones
    # are dropped, or a colour split in two fell under the share with both halves, by the luck of the sample
    centres, support = _merge_alike(centres, np.bincount(assign.ravel(), minlength=k).astype(np.float64))
    return centres, support / support.sum()


MAIN_SHARE = 0.05  # a colour holding less of the torso's pixels is not one of its main colours ...
NEAR_SHARE = 0.04  # ... (one of them in all of the torso's pixels still is in those off the arms' blur down to this)
COLOUR_TRIES = 8  # the samples whose k-means the torso's fill picks its colours from (:func:`colour_shares`) ...
BETTER = 0.05  # ... the first one's unless another's centres lie this much nearer (mean squared distance) all pixels


def _sample(lab_px: np.ndarray, seed: int = 0) -> np.ndarray:
    """[<=3000, 3] of ``lab_px`` [n, 3], the same ones for the same pixels and ``seed`` (the k-means' colours do not
    flicker)."""
    rng = np.random.default_rng(seed)
    return np.ascontiguousarray(lab_px[rng.choice(len(lab_px), min(3000, len(lab_px)), replace=False)])


def _kmeans(sample: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(assign [n, 1], centres [k, d]): OpenCV's k-means of ``sample`` (float32 [n, d]) seeded."""
    cv2.setRNGSeed(0)
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    _, assign, centres = cv2.kmeans(sample, k, None, crit, 2, cv2.KMEANS_PP_CENTERS)
    return assign, centres


def two_hues_apart(centres: np.ndarray, lab_px: np.ndarray) -> np.ndarray:
    """[n, 3] ``centres`` (Lab) with each one whose pixels (of ``lab_px``, those nearest it) hold two hues at one
    lightness split in two: its pixels parted by hue alone (Lab a and b), where the two hues lie at least
    ALIKE_DELTA_E apart, each holds at least MAIN_SHARE of the pixels and their lightness differs by less than
    ALIKE_DELTA_E. The k-means of the torso's colours spends its few centres on lightness (a black top's lit and
    shaded sides), and white trousers went in one with the lit belly above their waistband: the belly's pale skin
    then painted the trousers under a hand resting on them, a flat pink patch the hand's shape once it moved
    away (TikTok character 0). Not colours of unlike lightness: a black top's colour holds the dark brown of a
    bare arm's blurred edge, which :func:`_without_blends` keeps out of the torso's colours, and split off it
    painted brown streaks on the top where the arm had hung (TikTok character 1)."""
    if len(lab_px) < 20 or not len(centres):
        return centres
    sample = _sample(lab_px)
    assign = np.argmin(np.stack([lab_distance(sample, c) for c in centres]), axis=0)
    least = MAIN_SHARE * len(sample)
    out = []
    for i, centre in enumerate(centres):
        mine = sample[assign == i]
        if len(mine) < 2 * least:
            out.append(centre[None])
            continue
        part, hues = _kmeans(np.ascontiguousarray(mine[:, 1:]), 2)
        part = part.ravel()
        sizes = np.bincount(part, minlength=2)
        halves = np.stack([mine[part == j].mean(axis=0) for j in (0, 1)]) if sizes.min() else None
        if (halves is not None and float(np.linalg.norm(hues[0] - hues[1])) >= ALIKE_DELTA_E
                and sizes.min() >= least and abs(float(halves[0, 0] - halves[1, 0])) < ALIKE_DELTA_E):
            out.append(halves)
        else:
            out.append(centre[None])
    return np.concatenate(out).astype(np.float32)


def _merge_alike(centres: np.ndarray, support: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(centres, support) with every two centres nearer than ALIKE_DELTA_E merged, nearest first, into their
    support-weighted mean."""
    centres, support = centres.astype(np.float64), support.copy()
    while len(centres) > 1:
        d = np.linalg.norm(centres[:, None] - centres[None], axis=2) + np.eye(len(centres)) * 1e9
        i, j = np.unravel_index(np.argmin(d), d.shape)
        if d[i, j] >= ALIKE_DELTA_E:
            break
        merged = (support[i] * centres[i] + support[j] * centres[j]) / max(support[i] + support[j], 1e-9)
        keep = [n for n in range(len(centres)) if n not in (i, j)]
        centres = np.vstack([centres[keep], merged[None]])
        support = np.append(support[keep], support[i] + support[j])
    return centres.astype(np.float32), support


def lab_distance(lab: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """Per pixel of ``lab`` ([..., 3]), its distance to ``colour`` ([3], or per pixel): the very floats of
    ``np.linalg.norm(lab - colour, axis=-1)`` at about a third of the cost (numpy's reduction over a last axis
    of three is slow; a whole image's distance to each of a few colours was a tenth of the rig's fill)."""
    d = np.subtract(lab, colour)
    d *= d
    return np.sqrt(d[..., 0] + d[..., 1] + d[..., 2])


def colour_distance(lab: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Per pixel of ``lab`` (HxWx3 float32), the distance to the nearest of ``centres``."""
    d = np.full(lab.shape[:2], np.inf, np.float32)
    for c in centres:
        d = np.minimum(d, lab_distance(lab, c))
    return d


def hidden_limb(image: np.ndarray, labels: np.ndarray, joints: np.ndarray,
                name: str) -> tuple[np.ndarray, np.ndarray]:
    """(image with the arm ``name`` painted where the other arm hides it, the mask of those pixels).

    A forearm lying across the body can be cut off from its upper arm by the other arm crossing it (TikTok clip
    0): its layer is then two pieces, and the far one floats once the arms move apart. The tube around the arm's
    bones, as thick as the arm's own pixels show it, is continued through the crossing arm's pixels wherever
    that joins two of its pieces, painted from the arm's own pixels (its sleeve) by push-pull.
    """
    empty = np.zeros(labels.shape, bool)
    side = "left" if name.endswith("_l") else "right"
    other = LAYERS["arm_r" if side == "left" else "arm_l"]
    own = np.isin(labels, [PARTS.index(p) for p in LAYERS[name]])
    n, comp, stats, _ = cv2.connectedComponentsWithStats(own.astype(np.uint8), connectivity=8)
    big = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= BRIDGE_PIECE * own.sum()]
    H, W = labels.shape
    # a piece holding the hand is joined whatever its size: a hand drawn past the border, cut off from its
    # forearm by the other arm drawn there too, floated beside it (TikTok character 1 cut at her chest)
    hand = [int(k) for k in np.unique(comp[labels == PARTS.index(LAYERS[name][2])]) if k > 0 and k not in big]
    big += hand
    if len(big) < 2:
        return image, empty
    sw = shoulder_span(joints, 1.0)
    # work on a box around the arm's bones and its pixels
    ys, xs = np.nonzero(own)
    limb = LAYERS[name] if len(hand) else LAYERS[name][:2]  # (through the wrist to a hand held apart)
    bones = [part_segment(p, joints) for p in limb]
    ends = np.array([e for seg in bones for e in seg])
    m = int(0.3 * sw) + 2
    x0, x1 = max(0, int(min(xs.min(), ends[:, 0].min())) - m), min(W, int(max(xs.max(), ends[:, 0].max())) + m + 1)
    y0, y1 = max(0, int(min(ys.min(), ends[:, 1].min())) - m), min(H, int(max(ys.max(), ends[:, 1].max())) + m + 1)
    box = np.s_[y0:y1, x0:x1]
    py, px = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    tube = np.zeros(px.shape, bool)
    for part, (a, b) in zip(limb, bones):
        d = segment_distance(px, py, a, b)
        mine = labels[box] == PARTS.index(part)
        # the arm's thickness where its own pixels show it, at most the usual share of the shoulder width
        r = float(np.percentile(d[mine], 75)) if mine.sum() > 20 else BRIDGE_RADIUS * sw
        tube |= d < min(r, BRIDGE_RADIUS * sw)
    others = np.isin(labels[box], [PARTS.index(p) for p in other])
    crossing = tube & others
    pieces, k = ndimage.label(crossing)
    bridge = np.zeros(crossing.shape, bool)
    lab_box = comp[box]
    reach = max(2, round(BRIDGE_ENDS * sw))
    for i in range(1, k + 1):
        piece = pieces == i
        ring = cv2.dilate(piece.astype(np.uint8), None, iterations=2).astype(bool)
        joined = np.intersect1d(np.unique(lab_box[ring]), big)
        if len(joined) < 2:
            continue
        bridge |= piece
        # as wide as the arm's own ends on either side: the hull of its pixels next to the crossing arm (its
        # bone runs along one side of a sleeve hanging at the body's side, and the tube round the bone alone
        # joined the pieces by a neck half the arm's width, which once the arm hung straight read as a forearm
        # folded across the waist, the top's black hem beside it, TikTok 0<-1)
        near = cv2.dilate(piece.astype(np.uint8), None, iterations=reach).astype(bool) & np.isin(lab_box, joined)
        if near.sum() >= 3:
            yy, xx = np.nonzero(near)
            hull = np.zeros(piece.shape, np.uint8)
            cv2.fillConvexPoly(hull, cv2.convexHull(np.stack([xx, yy], axis=1).astype(np.int32)), 1)
            bridge |= (hull > 0) & others
    if not bridge.any():
        return image, empty
    hidden = empty.copy()
    hidden[box] = bridge
    return push_pull_fill(image, hidden, own), hidden


BRIDGE_PIECE = 0.05  # a piece of an arm holding at least this share of its pixels is joined to the others
BRIDGE_RADIUS = 0.13  # the thickest an arm's tube is continued (in shoulder widths)
BRIDGE_ENDS = 0.1  # the arm's own pixels this near (shoulder widths) the crossing arm set the width it goes on at


OWN_SKIN_PIXELS = 20  # the fewest of a limb's own skin pixels its colour is read from


def _lit_own_skin(image: np.ndarray, own: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """The RGB a drawn forearm or hand is painted in: the median of the limb's ``own`` skin pixels (HxW bool) when
    there are OWN_SKIN_PIXELS of them and they are lit (no more than CUT_DARKER darker than ``skin``, the skin below
    the face), else ``skin``: a limb in shade at the image's edge drew grey-brown hands that the motion raised into
    the light."""
    if own.sum() < OWN_SKIN_PIXELS:
        return skin
    lit_skin = np.median(image[own], axis=0).astype(np.float32)
    return lit_skin if _lab(lit_skin)[0] >= _lab(skin)[0] - CUT_DARKER else skin


def _arm_hued(lab: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """[...]: which pixels of ``lab`` ([..., 3], Lab) are of ``skin``'s (RGB) hue (within SHADE_HUE), at least
    ARM_CHROMA of its colourfulness and, for their lightness, no more than SHADE_CHROMA[1] times as colourful: a
    bare forearm's skin, lit or in a coloured room's shade (not a sleeve's white, grey or black, nor the backdrop
    blended into its outline, nor an orange suit's sleeve: it drew the astronaut's gloves orange)."""
    skin_lab = _lab(skin)
    ref = skin_lab[1:] - 128.0
    ab = lab[..., 1:] - 128.0
    chroma, ref_chroma = np.linalg.norm(ab, axis=-1), float(np.linalg.norm(ref))
    vivid = chroma > SHADE_CHROMA[1] * ref_chroma / max(float(skin_lab[0]), 1.0) * lab[..., 0]
    return ((ab @ ref >= np.cos(np.radians(SHADE_HUE)) * chroma * ref_chroma) & (chroma >= ARM_CHROMA * ref_chroma)
            & ~vivid)


def _arm_skin(image: np.ndarray, hued: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """The RGB a hand drawn at the end of a bare forearm is painted in: the median of that forearm's skin pixels
    ``hued`` (HxW bool, :func:`_arm_hued`), brightened (all channels alike: the same skin in more light) to no darker
    than CUT_DARKER below ``skin`` (the skin below the face: a hand raised out of the shade a forearm lay in is
    lit); ``skin`` itself from fewer than OWN_SKIN_PIXELS of them. In the skin below the face, the hand was a
    sticker of another colour at the end of the photographed forearm (TikTok character 2: an orange fist on her
    pale forearm, the purple room's light on it, clip 2 frames 110-150)."""
    if hued.sum() < OWN_SKIN_PIXELS:
        return skin
    arm = np.median(image[hued], axis=0).astype(np.float32)
    gains = np.linspace(1.0, 2.0, 101, dtype=np.float32)
    lit_up = np.clip(arm[None, :] * gains[:, None] + 0.5, 0, 255).astype(np.uint8)[None]
    lightness = cv2.cvtColor(lit_up, cv2.COLOR_RGB2LAB)[0, :, 0].astype(np.float32)
    enough = np.flatnonzero(lightness >= _lab(skin)[0] - CUT_DARKER)
    return np.minimum(arm * gains[enough[0] if len(enough) else -1], 255.0)


ARM_CHROMA = 0.4  # a bare forearm's skin is at least this share as colourful as the skin below the face
BARE_SHARE = 0.5  # a forearm by its wrist more than this share skin (its solid pixels) is bare


def _skin_look(image: np.ndarray, lab: np.ndarray, labels: np.ndarray, inside: np.ndarray, skin: np.ndarray,
               sw: float) -> tuple[np.ndarray, np.ndarray, bool, np.ndarray, float]:
    """(shade, light, outlined, grain, blur) of a drawn arm or hand in ``skin``: its sides shade as the character's
    own skin of that colour does (the face, the neck, the chest: ``drawn_hand.skin_shade``), lit from where that
    skin is (``drawn_hand.skin_light``), mottled as that skin is in a photograph (``photo_look.skin_grain``) and
    as soft at its edges as the photograph's (``photo_look.picture_blur``); drawn art's limbs are outlined, and so
    are its hands' fingers (with no grain, no blur)."""
    own_skin = inside & (labels >= 0) & skin_hued(lab, _lab(skin))
    shade = skin_shade(skin, image[own_skin])
    ys, xs = np.nonzero(own_skin)
    light = skin_light(np.column_stack([xs, ys]), lab[ys, xs, 0], sw)
    outlined = drawn_lines(image, inside & (labels >= 0), sw) is not None
    if outlined:
        return shade, light, outlined, np.zeros(3, np.float32), 0.0
    # (its grain from the pixels of its very colour: skin-hued cloth, an orange suit's folds, measured as grain
    # and mottled the astronaut's drawn hand like sandpaper)
    grain = skin_grain(image, own_skin & (lab_distance(lab, _lab(skin)) < SKIN_LIKE))
    return shade, light, outlined, grain, picture_blur(image, inside & (labels >= 0))


def continue_cut_arm(image: np.ndarray, matte: np.ndarray, labels: np.ndarray, joints: np.ndarray, name: str,
                     frame: tuple[int, int, int, int]) -> DrawnHand | None:
    """Draw the rest of the arm ``name`` where the image's border cut it off (a waist-up video whose hands are
    below the frame), on the padded arrays (``image``, ``matte``, ``labels``, changed in place) outside ``frame``
    (x, y, width, height: the image inside them), so the hands that the motion brings up enter whole, not as the
    stumps of a sleeve. Returns whether anything was drawn.

    What the border cuts goes on as what it is: a sleeve cut above the elbow goes on as that sleeve (the cut's
    own pixels carried on along the upper arm) to a hem a little past the elbow, and one cut below the elbow (a
    long sleeve) along the forearm to the wrist (to a hem a little past the border when its twin's sleeve is cut
    above that twin's elbow: both sleeves of a top are as long); from the elbow (or from the border, a bare arm)
    the forearm, tapering to the wrist, and an open hand (:mod:`.drawn_hand`), in the colour of the skin the image
    shows below the face (the neck, the chest, a bare arm; the face's, made up and lit differently, only when there
    is none), shaded round, with soft outlines; a bare forearm in the colours the image's forearm shows across
    itself (:func:`.cut_forearm.carry_across`), its hand in that forearm's look. Only when the image shows the arm
    down to the border (its own pixels touch it there) and not its wrist. Returns the drawn hand (in the padded
    arrays' pixels), so each frame can draw its fingers as the actor's; None when nothing was drawn."""
    side = "left" if name.endswith("_l") else "right"
    x0, y0, w, h = frame
    shoulder, elbow, wrist = (joints[J[f"{side}_{k}"]].astype(np.float64) for k in ("shoulder", "elbow", "wrist"))
    knuckles = (joints[J[f"{side}_index"]] + joints[J[f"{side}_pinky"]]) / 2
    if not _outside(wrist, frame):
        return None
    own = np.isin(labels, [PARTS.index(p) for p in LAYERS[name]])
    inside = np.zeros(labels.shape, bool)
    inside[y0:y0 + h, x0:x0 + w] = True
    cut = _border_cut(labels, joints, name, frame)
    if cut.sum() < 3:
        return None
    sw = shoulder_span(joints, 1.0)
    H, W = labels.shape
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    skin = _skin_colour(image, lab, labels, joints, inside, sw)
    if skin is None:
        return None
    # the arm's own pixels past the elbow are its forearm (the pose model, unsure of a forearm it cannot see
    # whole, may have left them to the upper arm): they turn with the forearm drawn on from them
    d_fore = segment_distance(px, py, elbow, wrist)
    upper = labels == PARTS.index(LAYERS[name][0])
    past = upper & (d_fore < segment_distance(px, py, shoulder, elbow))
    labels[past] = PARTS.index(LAYERS[name][1])
    # past the border the arm goes over nothing, or over the body's own guessed continuation (in front of it,
    # as an arm hanging down is; the body is painted in behind it: hidden_torso)
    free = ~inside & ((matte < 0.5) | np.isin(labels, [PARTS.index(p) for p in LAYERS["body"]]))
    skin_lab = _lab(skin)
    # a cut more than half skin (of its solid pixels: along its outline the backdrop is mixed in) is a bare arm:
    # skin lit or in shade (a round arm's lit and shaded sides differ most in lightness: TikTok clip 4), and as
    # colourful as skin (a white sleeve in shade is as grey-brown as skin in shade: clip 5)
    vivid = np.linalg.norm(lab[..., 1:] - 128.0, axis=-1) >= SKIN_CHROMA * np.linalg.norm(skin_lab[1:] - 128.0)
    skin_px = skin_hued(lab, skin_lab) & vivid
    solid_cut = cut & (matte >= 0.9)
    # a forearm's cut is bare also as skin in shade: of its hue, as colourful for its lightness (a white sleeve in
    # shade is greyer); its lightness far below the skin's and its colour duller, it went on as a long sleeve, a
    # straight-sided box past the border (TikTok characters 3 and 4: the arm in the shade of the body; character
    # 1: lit warmer than the skin below the face)
    # (more than half of it so, not with the skin lit: a white puff sleeve is partly either, TikTok clip 5)
    shaded = _skin_in_shade(lab, skin_lab)
    bare = _bare(solid_cut, skin_px) or (not _outside(elbow, frame) and _bare(solid_cut, shaded))
    # an upper arm cut below a short sleeve's hem is bare also as skin lit warmer than the skin below the face (a
    # coloured lamp near the image's bottom edge): taken for the sleeve's cloth, it went on past the border as an
    # orange tube ending at a hem by the elbow, a pale forearm beyond it (TikTok character 1 cut at 60%)
    # (lit: a white sleeve in shade is partly of skin's hue in shade, TikTok clip 5; not the torso's cloth: a tan
    # top's sleeve is of skin's hue too)
    lit_warm = shaded & (lab[..., 0] >= skin_lab[0] - CUT_DARKER)
    warm = (not bare and _outside(elbow, frame) and _bare(solid_cut, lit_warm)
            and not _torso_cloth(lab, solid_cut & lit_warm, labels, inside))
    bare = bare or warm
    arm_px = own & inside  # the arm's own pixels in the image, that its colours at the border are carried from
    twin = "right" if side == "left" else "left"
    twin_name = "arm_r" if twin == "right" else "arm_l"
    if not bare and _outside(elbow, frame) and _outside(joints[J[f"{twin}_elbow"]], frame):
        # the border cuts both upper arms, of one top: when the twin's cut is bare skin, so is this one, unless it
        # is of the torso's cloth; its skin in the shade of a coloured room (as grey as a white sleeve in shade),
        # or its cut taking in the top's edge beside it (TikTok character 2, 3 cut at the chest: a thin strip of
        # it carried on as a sleeve, then a wide forearm)
        twin_cut = _border_cut(labels, joints, twin_name, frame) & (matte >= 0.9)
        hued = solid_cut & skin_hued(lab, skin_lab)
        # (the arm is its pixels there of its skin's colour, lit or in shade)
        skin_cut = lab_distance(lab, np.median(lab[hued], axis=0)) < SHADE_LIKE if hued.sum() >= 3 else arm_px
        bare = _bare(twin_cut, skin_px) and not _torso_cloth(lab, solid_cut & skin_cut, labels, inside)
        if bare:
            arm_px &= skin_cut
            cut &= skin_cut
    if bare:  # its forearm and hand go on in the arm's own skin, as the cut shows it: the neck's, in the shade of
        # the chin, drew them darker than the arm they continue (TikTok clip 4); an arm in shade at the image's
        # bottom is brightened to near the lit skin's lightness, all channels alike (:func:`_arm_skin`: its shade, left
        # as it is, drew grey-brown hands that the motion raises into the light; the skin below the face instead,
        # a hand in the face's colour at the end of an arm of another, in a coloured room's light)
        k = max(1, round(CUT_SKIN * sw))
        near_border = ~cv2.erode(inside.astype(np.uint8), None, iterations=k).astype(bool)
        near_cut = arm_px & (skin_px | shaded) & (matte >= 0.9) & near_border
        if warm:  # the lamp's colour is the place's, not the arm's: the forearm and hand the motion raises out of
            # it are drawn in the skin below the face, and the arm's own skin in the image is balanced to that skin
            # (left in the lamp's orange, it stood between the sleeve and the drawn forearm as a disk at the elbow)
            # (its lit skin only: the sleeve's black is of skin's hue in shade too, and turned navy)
            balance_skin(image, arm_px, arm_px & (skin_px | lit_warm), near_cut & (skin_px | lit_warm), skin)
        else:
            skin = _arm_skin(image, near_cut, skin)
    shade, light, outlined, grain, blur = _skin_look(image, lab, labels, inside, skin, sw)
    # (as colourful as skin: a white sleeve in shade is as near skin's colour, and carried on without its
    # grey-brown folds it went on from scraps at the border, a thin tube beside its own cut: TikTok clip 5)
    skin_like = (lab_distance(lab, _lab(skin)) < SKIN_LIKE) & vivid
    sleeve = np.zeros(labels.shape, bool)
    jacket = long_sleeve = False
    if not bare:  # cut above the elbow (or at it): the sleeve goes on to a hem past it; below: a long sleeve, to
        # the wrist; carried on from its own colours (the skin of a forearm showing under it is the forearm's)
        # both sleeves of a top are as long: one cut a little below its elbow whose twin is cut above its own
        # ends too, a hem past the border (carried on to the wrist, a puff sleeve's end at the elbow, TikTok
        # clip 5, went on as a long pale tube with the hand stuck to it, and no forearm)
        parts = [PARTS.index(p) for p in LAYERS[name]]
        hem = SLEEVE_HEM * sw
        twin_cut = _outside(joints[J[f"{twin}_wrist"]], frame) and _cut_above(joints[J[f"{twin}_elbow"]], frame, hem)
        gathered = np.inf
        if _cut_above(elbow, frame, hem):
            bone = (shoulder, elbow, hem, parts[:2])
            # a sleeve of the torso's own cloth that the border cuts, both elbows beyond it (the image shows
            # neither sleeve's end), is a jacket's (or a long top's): it goes on to the wrist, the hand coming
            # out of its cuff (carried on as skin from a hem past the elbow, a dark uniform's arms came up bare:
            # matplotlib's Grace Hopper)
            # (decided from both sleeves' cuts together: they are of one garment, so both go on alike; one
            # sleeve in shade, a light-blue T-shirt's, went on short and the other, lit, to the wrist: TikTok
            # character 4 cut at her chest)
            both = solid_cut | (_border_cut(labels, joints, twin_name, frame) & (matte >= 0.9))
            jacket = (_outside(elbow, frame) and _outside(joints[J[f"{twin}_elbow"]], frame)
                      and _torso_cloth(lab, both, labels, inside))
            # a sleeve ending at the elbow is gathered round the arm there, whatever its width at the border: a
            # puff sleeve cut at its widest went on as wide to the elbow, a white balloon a shoulder width long
            # beside the face when the arm rose (TikTok character 5 cut at 60% of her height, the mannequin dance)
            gathered = np.inf if jacket else SLEEVE_GATHERED * sw
        elif twin_cut:
            bone = (elbow, _exit(elbow, wrist, frame), hem, parts[1:2] * 2)
        else:
            bone = (elbow, wrist, 0.0, parts[1:2] * 2)
            long_sleeve = True
        sleeve = _continue_sleeve(image, matte, labels, own & inside & ~skin_like, free, (x0, y0, w, h), *bone,
                                  cuff=1.0 if jacket else SLEEVE_CUFF,  # (a jacket's: to the cuff)
                                  skin=own & inside & (skin_like | shaded), gathered=gathered)
    # the forearm from the elbow to the wrist, tapering; a bare arm from where the border cuts it, through the
    # middle of its cut and as thick as the cut shows it (from the elbow's bone it stepped aside from the cut,
    # narrower than it, at a straight seam along the border: TikTok clip 4)
    # (a forearm drawn from its elbow is as thick as the body the hand at its end is sized by, drawn_hand.body_width:
    # from the narrow shoulders of a body seen from the side, a thin stick held a hand twice as wide, TikTok
    # character 1 cut at 60%)
    axis, r_a, curve = elbow, CUT_ELBOW * body_width(joints), None
    d_upper = np.full(px.shape, np.inf, np.float32)
    root = elbow  # where the forearm drawn on from the image's own begins
    if bare and _outside(elbow, frame):
        _, shift, half = _crossing(cut, shoulder, elbow)
        start = _exit(shoulder, elbow, frame) + shift
        if float(np.linalg.norm(elbow - start)) <= half:  # an elbow nearer the border than the cut is wide: the
            # cut is the elbow's bend, the forearm leaving the image there (drawn on from the elbow, a stick as
            # thick as the body allows beside a cut three times as wide, its straight ends standing out beside it
            # as a ledge: TikTok character 1 cut at 60%, her elbow 9 pixels past the border)
            root = _exit(shoulder, elbow, frame)
    upper_cut = bare and root is elbow and _outside(elbow, frame)
    if upper_cut:  # a bare upper arm cut: drawn on to the elbow as thick as the cut shows
        # it, then the forearm (from the elbow's bone alone, the border's cut and the forearm were parted by a
        # gap of the upper arm's length below it: the hand floated free of the arm)
        r_u = float(np.clip(half, CUT_THIN * sw, CUT_THICK * sw))
        r_a = min(r_u, CUT_ELBOW * sw)  # (at the elbow no thicker than the upper arm at the border)
        upper_bone = elbow - start
        t_u = np.clip(((px - start[0]) * upper_bone[0] + (py - start[1]) * upper_bone[1])
                      / max(float(upper_bone @ upper_bone), 1e-6), 0, 1)
        d_upper = segment_distance(px, py, start, elbow) / (r_u + (r_a - r_u) * t_u)
        r_w = CUT_WRIST * r_a / CUT_ELBOW
    elif bare:  # from where the border cuts it, along the slant it leaves at, as wide across itself as it is
        # there, bending to the wrist; tapering to a wrist as wide as both arms' cuts make it (each arm's own
        # drew the two hands of one character in two sizes: TikTok character 4)
        # (its skin: a chair's grey edge beside it, labelled the arm's, made it wider and grey at one side)
        skin_arm = arm_px & (skin_px | (lit_warm if warm else shaded))  # (a lamp's: the sleeve's black is no skin)
        # (cut at the elbow, the whole cut: the sleeve's edge beside the skin there stood out past the drawn arm)
        crossing = _bare_crossing((skin_arm if root is elbow else arm_px) & (matte >= 0.5), cut, root, wrist, frame,
                                  sw)
        axis, r_a = crossing.point, float(np.clip(crossing.half_width, CUT_THIN * sw, CUT_WIDEST * sw))
        curve = forearm_curve(axis, crossing.out, wrist)
        # its colours across itself, carried on to the wrist, and the hand at its end in them (:func:`carry_across`)
        solid_skin = skin_arm & (matte >= 0.9)
        depth = CARRY_DEPTH * (crossing.line + float(root @ crossing.normal))
        seam, body = (cross_profile(image, solid_skin, crossing, lines)
                      for lines in (CARRY_LINES, (CARRY_LINES[0], max(depth, CARRY_LINES[1]))))
        profiles = None
        if seam is not None and body is not None:
            look, look_shade = profile_look(body)
            if _lab(look)[0] >= _lab(skin)[0] - CUT_DARKER:
                skin, shade = look, look_shade
            else:  # (lit: a hand in the shade the forearm lay in at the border came up grey-brown) its shading
                # across itself goes on in the lit skin the hand is drawn in (in the shade's own colours, the lit
                # hand lay on the forearm as a pale cut-out: character 4, 4<-5 frame 150)
                body = (body[0], body[1] * (skin / np.maximum(look, 1.0)))
            profiles = (seam, body)
        wrists = [_wrist_radius(r_a, axis, root, wrist)]
        twin_elbow, twin_wrist = (joints[J[f"{twin}_{k}"]].astype(np.float64) for k in ("elbow", "wrist"))
        twin_cut = _border_cut(labels, joints, twin_name, frame)
        twin_solid = twin_cut & (matte >= 0.9)
        if (_outside(twin_wrist, frame) and not _outside(twin_elbow, frame)
                and (_bare(twin_solid, skin_px) or _bare(twin_solid, shaded))):
            twin_arm = (np.isin(labels, [PARTS.index(p) for p in LAYERS[twin_name]]) & inside & (matte >= 0.5)
                        & (skin_px | shaded))
            other = _bare_crossing(twin_arm, twin_cut, twin_elbow, twin_wrist, frame, sw)
            wrists.append(_wrist_radius(float(np.clip(other.half_width, CUT_THIN * sw, CUT_WIDEST * sw)),
                                        other.point, twin_elbow, twin_wrist))
        r_w = float(np.mean(wrists))
    else:
        r_w = CUT_WRIST * r_a / CUT_ELBOW
    # (as wide as the wrist of a hand of the body's size: an arm near the camera, or cut just above a wrist the
    # pose model put too near the border, drew a hand half again as wide as the arm)
    # (a photograph's hand tapering, no wider than 1.25 wrists: drawn art's keeps its glove)
    hand_length, palm = drawn_hand_size(joints)
    wrist_share, tip = (WRIST, TIP) if outlined else (PHOTO_WRIST, PHOTO_TIP)
    r_w = float(np.clip(r_w, wrist_share[0] * palm, wrist_share[1] * palm))
    # a photograph's bare forearm the image never shows (a sleeve the border cuts above the elbow goes on to its hem,
    # the forearm out of it): a forearm's shape, as wide as the palm below the elbow and narrowing to a wrist
    # (drawn_hand.forearm_radius), round across itself as a lit cylinder (drawn_hand.cylinder_skin); (not under a
    # long sleeve, which it would stick out of at its sides)
    unseen = not (bare or jacket or long_sleeve or outlined)
    if unseen:
        r_a, r_w = FORE_ELBOW * palm, FORE_WRIST * palm
    r_cuff = r_w
    if jacket:  # its sleeve as wide as the upper sleeve carried on past the border (within reason) to the cuff
        half = float(cv2.distanceTransform(sleeve.astype(np.uint8), cv2.DIST_L2, 3).max())
        r_a = r_cuff = float(np.clip(half, r_a, CUT_THICK * sw))
    fore = wrist - axis
    if curve is None:
        t = np.clip(((px - axis[0]) * fore[0] + (py - axis[1]) * fore[1]) / max(float(fore @ fore), 1e-6), 0, 1)
        d_fore_arm = segment_distance(px, py, axis, wrist) / (forearm_radius(t, r_a, r_cuff) if unseen
                                                               else r_a + (r_cuff - r_a) * t)
    else:  # (measured around the curve only: sixteen segments over the whole padded frame took a second)
        box = _curve_box(curve, max(r_a, r_w) * (1.0 + SOFT) + 2.0, px.shape)
        dist, along, across = curve_frame(curve, px[box], py[box])
        length = curve_length(curve)
        width = r_a + (r_w - r_a) * np.clip(along / max(length, 1e-6), 0.0, 1.0)
        d_fore_arm = np.full(px.shape, np.inf, np.float32)
        d_fore_arm[box] = dist / width
    d_arm = np.minimum(d_fore_arm, d_upper)
    hand = open_hand_joints(wrist, knuckles, joints[J[f"{side}_thumb"]], hand_length, palm, together=not outlined)
    # the forearm alone behind the line across its wrist: the palm's rounded end and soft rim reach a little behind
    # it, and there painted the hand's colour on the forearm's edge and gave it the hand's label; the hand, drawn
    # afresh each frame, is cleared to that line (hands._without_hand), and where the actor's hand turned off it
    # the forearm's top edge showed a notch with a pale sliver just before the wrist (TikTok 5<-0 frames 20-22)
    toward = (wrist - axis) if curve is None else (curve[-1] - curve[-2])
    toward = toward / max(float(np.linalg.norm(toward)), 1e-6)
    d_hand = np.where((px - wrist[0]) * toward[0] + (py - wrist[1]) * toward[1] < 0, np.inf,
                      hand_shape(px, py, hand, palm, tip)).astype(np.float32)
    d = np.minimum(d_arm, d_hand)
    new = (d < 1.0) & free & ~sleeve
    if new.sum() + sleeve.sum() < 20:
        return None
    # soft outside its outline, where nothing else is (the layer's band fades out there; a soft edge inside it
    # would let the band of the body's continuation under it show as a thin line around it)
    # (a forearm drawn on from the image's own, as crisp as its outline: a rim a share of its radius wide blurred
    # it beside the image's arm)
    soft = SOFT if curve is None else CUT_EDGE / max(r_w, 1.0)
    ring = free & ~new & ~sleeve & (labels < 0) & (d < 1.0 + soft)
    paint = new | ring
    r_mid = 0.5 * (r_a + r_w)
    cloth = np.median(image[solid_cut], axis=0).astype(np.float32) if jacket else skin

    def drawn(pixels: np.ndarray) -> np.ndarray:
        """The colour drawn at ``pixels`` (a mask): skin, but the jacket's cloth on its forearm; shaded round."""
        glow = lit(light, px[pixels], py[pixels], axis, wrist, r_mid, outlined)[:, None]
        worn = (jacket & (d_arm <= d_hand))[pixels][:, None]
        bare_skin = shaded_skin(skin, shade, d[pixels])
        if unseen:
            bare_skin = np.where((d_arm <= d_hand)[pixels][:, None], cylinder_skin(skin, shade, d[pixels]), bare_skin)
        colour = np.where(worn, shaded_skin(cloth, cloth * shade / np.maximum(skin, 1.0), d[pixels]), bare_skin)
        return colour * glow

    image[paint] = np.clip(drawn(paint), 0, 255).astype(image.dtype)
    if upper_cut:
        _carry_cut(image, matte, arm_px, paint, elbow - shoulder, frame, CUT_SEAM * sw)
    elif curve is not None:  # the cut's own colours go on along the forearm, fading into the drawn skin
        carried = paint[box] & (d_fore_arm[box] <= d_hand[box])
        if profiles is not None:
            colour, weight = carry_across(*profiles, along[carried], across[carried], width[carried],
                                          CARRY_REACH * length, length)
            patch = image[box]
            mixed = weight[:, None] * colour + (1.0 - weight[:, None]) * patch[carried].astype(np.float64)
            patch[carried] = np.clip(mixed + 0.5, 0, 255).astype(image.dtype)
    add_grain(image, paint & ~(jacket & (d_arm <= d_hand)), grain)  # (skin's grain: not on a jacket's sleeve)
    matte[new] = 1.0
    matte[ring] = np.maximum(matte[ring], np.clip((1.0 + soft - d[ring]) / soft, 0.0, 1.0))
    if sleeve.any():  # the sleeve soft at its sides, where nothing of the arm goes on (not where the forearm does)
        arm = (own & inside) | sleeve | (new & (matte > 0.5))
        inward = cv2.distanceTransform(arm.astype(np.uint8), cv2.DIST_L2, 3)[sleeve] / SLEEVE_SOFT
        matte[sleeve] = np.minimum(matte[sleeve], np.clip(inward, 0.0, 1.0))
        under = sleeve & (d < 1.0)
        over_skin(image, matte, under, drawn(under))
    labels[new & (d_arm <= d_hand)] = PARTS.index(LAYERS[name][1])
    labels[new & (d_upper < d_fore_arm) & (d_arm <= d_hand)] = PARTS.index(LAYERS[name][0])
    labels[new & (d_arm > d_hand)] = PARTS.index(LAYERS[name][2])
    # the image shows none of the hand whose wrist is past its border: the arm's pixels in it that the labels gave
    # the hand (those within the hand's reach of a wrist just past the border) are its forearm's. Left the hand's,
    # a patch of the forearm by the border turned with the drawn hand, and the mesh's triangles from it across to
    # the forearm, far from the wrist, were dropped as a fold (mesh._split_folds): a hole through the forearm by
    # the border, the shirt behind it showing as a black square (TikTok character 1 in clip 1, whichever of its
    # triangles the outline's points happened to make)
    labels[own & inside & (labels == PARTS.index(LAYERS[name][2]))] = PARTS.index(LAYERS[name][1])
    if curve is not None:  # the image's own forearm narrows to the wrist as the drawn one does, when the wrist lies
        # within TAPER of a hand's length past the border: its pixels outside that outline are cleared (a wrist 7 px
        # past the border left the cut's full width there, a slanted slab beside the drawn hand whenever it turned:
        # TikTok character 1's raised wrist)
        taper = TAPER * hand_length
        s_wrist = float((wrist - crossing.point) @ crossing.out)
        rel_x, rel_y = px - crossing.point[0], py - crossing.point[1]
        s = rel_x * crossing.out[0] + rel_y * crossing.out[1]
        zone = own & inside & (s > s_wrist - taper)
        if s_wrist < taper and zone.any():  # (its middle line turning to the wrist, which may lie to one side of it)
            t = np.clip((s[zone] - s_wrist + taper) / taper, 0.0, 1.0)
            a_wrist = float((wrist[0] - crossing.point[0]) * crossing.out[1] - (wrist[1] - crossing.point[1])
                            * crossing.out[0])
            across = np.abs(rel_x[zone] * crossing.out[1] - rel_y[zone] * crossing.out[0] - t * a_wrist)
            # (anti-aliased over a pixel and a half, as the drawn forearm's edge)
            matte[zone] = np.minimum(matte[zone], np.clip((r_a + (r_w - r_a) * t + EDGE_PX - across) / EDGE_PX, 0, 1))
            labels[zone & (matte <= 0.0)] = -1
    end = axis if curve is None else wrist - toward * length  # (the forearm's other end: along the curve's last
    # stretch into the wrist, its length back)
    return DrawnHand(joints=hand, length=hand_length, half_width=palm, elbow=end, wrist_radius=r_cuff, skin=skin,
                     shade=shade, light=light, outlined=outlined, grain=grain, blur=blur)


def redraw_cut_hand(image: np.ndarray, matte: np.ndarray, labels: np.ndarray, joints: np.ndarray, name: str,
                    frame: tuple[int, int, int, int]) -> DrawnHand | None:
    """Draw the hand of the arm ``name`` whole where the image's border cuts it past its wrist (the wrist inside
    the image ``frame``, x, y, width, height, its knuckles beyond it, the figure reaching the border where the
    hand crosses it), on the padded arrays (``image``, ``matte``, ``labels``, changed in place). Returns the drawn
    hand (in the padded arrays' pixels, its ``over_image`` set), or None when nothing was drawn.

    The image shows a stump of that hand, cut straight by the border: moved with the arm, it was a flat pale piece
    with a straight edge (TikTok character 0's left fist, cut by the picture's left side), or, labelled the body's
    (an astronaut's glove at the bottom), no hand at all. An open hand (:mod:`.drawn_hand`) is drawn from the wrist
    instead, as :func:`continue_cut_arm` draws one past the border, in the stump's own skin when it shows enough of
    it lit (else the skin below the face; a stump showing too little skin, its bare forearm's by the wrist): over
    the image's own pixels of the hand, over the backdrop, past the border, and over the body's pixels that
    :func:`hidden_torso` then paints in behind it (they are the hand's now, and so is the body between its fingers,
    transparent). What is left of the stump beyond it is transparent: the hand's where the body is painted in behind
    it, nobody's elsewhere (it lay over the backdrop). Costs a :func:`hidden_torso` (about half a second on a
    600-pixel image), only for such an arm."""
    side = "left" if name.endswith("_l") else "right"
    x0, y0, w, h = frame
    wrist = joints[J[f"{side}_wrist"]].astype(np.float64)
    knuckles = (joints[J[f"{side}_index"]] + joints[J[f"{side}_pinky"]]) / 2
    sw = shoulder_span(joints, 1.0)
    tips = _fingertips(wrist, knuckles, REDRAWN_LENGTH * sw)
    arm = np.isin(labels, [PARTS.index(p) for p in LAYERS[name][:2]])
    if _outside(wrist, frame) or not _outside(tips, frame) or not arm.any():  # (an arm the image hides has none:
        return None  # it is drawn from its twin, the far arm of a side view, TikTok character 1's left)
    crossing = np.round(_exit(wrist, tips, frame)).astype(int)
    r = max(2, round(CUT_HAND_REACH * sw))
    at = np.s_[max(y0, crossing[1] - r):min(y0 + h, crossing[1] + r + 1),
               max(x0, crossing[0] - r):min(x0 + w, crossing[0] + r + 1)]
    if not (matte[at] >= 0.5).any():  # the hand leaves the image over the backdrop: nothing of it is cut
        return None
    inside = np.zeros(labels.shape, bool)
    inside[y0:y0 + h, x0:x0 + w] = True
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    skin = _skin_colour(image, lab, labels, joints, inside, sw)
    if skin is None:
        return None
    H, W = labels.shape
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    # (not the body's hand, :func:`.drawn_hand.drawn_hand_size`: the body's pixels a wider one covers are painted in
    # behind it, and that fill moved character 0's hem and left skin-coloured fragments on her belly)
    length, r_w = REDRAWN_LENGTH * sw, CUT_WRIST * sw
    half = REDRAWN_PALM * r_w
    hand = open_hand_joints(wrist, knuckles, joints[J[f"{side}_thumb"]], length, half)
    d = hand_shape(px, py, hand, half)
    hand_part = PARTS.index(LAYERS[name][2])
    stump = labels == hand_part
    body = np.isin(labels, [PARTS.index(p) for p in LAYERS["body"]])
    new = (d < 1.0) & (stump | (matte < 0.5) | body)
    # the body between its fingers is the hand's too, transparent: painted in behind it with the rest (left to
    # the body, the slivers between the fingertips fell out of it: holes in the body)
    gaps = close_in_box(new, disc(max(1, round(half)))).astype(bool) & ~new & body
    # the body's pixels under it only where the body is painted in behind a hand (else a hole in the body), and
    # so the stump's beyond it: the hand's, transparent; the rest of the stump lay over the backdrop
    trial = labels.copy()
    trial[new | gaps] = hand_part
    behind = hidden_torso(trial, joints)
    new &= ~(body & ~behind)
    gaps &= behind
    if new.sum() < 20:
        return None
    ring = ~new & (labels < 0) & (d < 1.0 + SOFT)
    # the stump's own skin, lit (a fist in shade, or a glove, takes the skin below the face)
    lit_stump = stump & (matte >= 0.9)
    lit_stump[lit_stump] = skin_hued(lab[lit_stump], _lab(skin))
    if lit_stump.sum() >= OWN_SKIN_PIXELS:
        skin = _lit_own_skin(image, lit_stump, skin)
    else:  # too little of it: its bare forearm's by the wrist, lit as the skin below the face
        near = np.hypot(px - wrist[0], py - wrist[1]) <= WRIST_SKIN * length
        fore = (labels == PARTS.index(LAYERS[name][1])) & near
        hued = fore & _arm_hued(lab, skin)
        inner = cv2.erode(fore.astype(np.uint8), None, iterations=2).astype(bool) & (matte >= 0.9)
        skin = _arm_skin(image, hued & inner, skin)
        if (hued & inner).sum() > BARE_SHARE * inner.sum():  # a bare forearm: what of it by the
            # wrist is not its skin (the backdrop blended into its outline, a dress it lay on) takes the colour of
            # its skin nearest it (left, pale grey bits hung from the drawn wrist: TikTok character 2, clip 2
            # frames 110-150)
            _, (iy, ix) = ndimage.distance_transform_edt(~hued, return_indices=True)
            stray = fore & ~hued
            image[stray] = image[iy[stray], ix[stray]]
    shade, light, outlined, grain, blur = _skin_look(image, lab, labels, inside, skin, sw)
    paint = new | ring
    glow = lit(light, px[paint], py[paint], wrist, knuckles, r_w, outlined)[:, None]
    image[paint] = np.clip(shaded_skin(skin, shade, d[paint]) * glow, 0, 255).astype(image.dtype)
    add_grain(image, paint, grain)
    # the stump beyond the drawn hand is none of the arm's any more, nor the soft rim around it and the hand (the
    # layer's band reached into it: the stump's outline, left in the air beside the drawn fingers)
    gone = stump & ~new
    rim = cv2.dilate((stump | new).astype(np.uint8), None, iterations=CUT_HAND_RIM).astype(bool) & (labels < 0) & ~new
    matte[gone | rim] = 0.0
    labels[gone & ~behind] = -1
    matte[new] = 1.0
    matte[ring] = np.maximum(matte[ring], np.clip((1.0 + SOFT - d[ring]) / SOFT, 0.0, 1.0))
    labels[new | gaps] = hand_part
    matte[gaps] = 0.0
    elbow = joints[J[f"{side}_elbow"]].astype(np.float64)
    return DrawnHand(joints=hand, length=length, half_width=half, elbow=elbow, wrist_radius=r_w, skin=skin, shade=shade,
                     light=light, outlined=outlined, over_image=True, grain=grain, blur=blur)


def _fingertips(wrist: np.ndarray, knuckles: np.ndarray, length: float) -> np.ndarray:
    """Where a hand the picture shows whole enough to keep reaches: HAND_SHOWN of a hand's length from the wrist
    towards the knuckles (``length``: a hand's). A hand the border cuts short of that, through its fingers, knuckles
    inside, is as cut as one cut through its palm (TikTok character 0's right palm on her trousers, cut at 0.57 of
    its length: moved with the arm, a pale shapeless piece that read as a hole in her black top wherever the dance
    folded that arm over her chest); one whose fingertips just touch the border (a generated figure in a T-pose,
    0.93) is shown whole."""
    towards = knuckles - wrist
    return wrist + towards / max(float(np.linalg.norm(towards)), 1e-6) * HAND_SHOWN * length


HAND_SHOWN = 0.8  # a hand the picture shows this much of (its length from the wrist) is kept as the picture shows it
REDRAWN_LENGTH = 0.5  # (shoulder widths) a hand redrawn over the image's own stump is this long, its palm's
REDRAWN_PALM = 1.6  # ... half-width this many of its wrist's radii (CUT_WRIST): the stump's size, not the body's


WRIST_SKIN = 1.0  # (the redrawn hand's lengths) its forearm's skin this near its wrist colours it, when its stump
# shows too little skin
CUT_HAND_REACH = 0.05  # (shoulder widths) the figure this near where a hand's bone leaves the image cuts that hand
CUT_HAND_RIM = 4  # (pixels) the soft rim around a cut hand's stump and the hand drawn over it, cleared (a layer's band)


def _border_cut(labels: np.ndarray, joints: np.ndarray, name: str, frame: tuple[int, int, int, int]) -> np.ndarray:
    """The arm ``name``'s pixels (in ``labels``) along the border of the image ``frame`` that it goes on past, two
    deep: the rows or columns its wrist lies beyond (an arm hanging along the image's side is cut by its bottom
    edge only; its pixels along the side, a sleeve and the upper arm, said nothing of what goes on past the
    bottom)."""
    x0, y0, w, h = frame
    wrist = joints[J[f"{'left' if name.endswith('_l') else 'right'}_wrist"]]
    edge = np.zeros(labels.shape, bool)
    edge[y0 + h - 2:y0 + h, x0:x0 + w] |= wrist[1] >= y0 + h
    edge[y0:y0 + 2, x0:x0 + w] |= wrist[1] < y0
    edge[y0:y0 + h, x0 + w - 2:x0 + w] |= wrist[0] >= x0 + w
    edge[y0:y0 + h, x0:x0 + 2] |= wrist[0] < x0
    return edge & np.isin(labels, [PARTS.index(p) for p in LAYERS[name]])


def _bare_crossing(arm: np.ndarray, cut: np.ndarray, elbow: np.ndarray, wrist: np.ndarray,
                   frame: tuple[int, int, int, int], sw: float) -> BorderCrossing:
    """Where the bare forearm whose solid pixels are ``arm`` leaves the image ``frame`` (its elbow inside it, its
    wrist outside; ``sw`` the shoulder width): its slant and its width across it, read from its pixels near the
    border (:func:`.cut_forearm.forearm_at_border`); from its pixels on the border (``cut``) along its bone when
    those show no slant, or one too far off the bone's to be the forearm's."""
    bone = (wrist - elbow) / max(float(np.linalg.norm(wrist - elbow)), 1e-6)
    exit_point = _exit(elbow, wrist, frame)
    read = forearm_at_border(arm, elbow, exit_point, frame, CUT_BAND * sw)
    if read is not None and float(read.out @ bone) >= np.cos(np.radians(CUT_SLANT_OFF)):
        return read
    _, shift, half = _crossing(cut, elbow, wrist)
    normal, _, line = border_axes(exit_point, frame)
    return BorderCrossing(point=exit_point + shift, out=bone, half_width=half, normal=normal, line=line)


def _wrist_radius(r_cut: float, cut: np.ndarray, elbow: np.ndarray, wrist: np.ndarray) -> float:
    """The radius at the wrist of a forearm ``r_cut`` thick where the border cuts it, at ``cut``: tapering from
    there as a forearm from its elbow does (CUT_ELBOW to CUT_WRIST), over what is left of it."""
    along = float(np.linalg.norm(cut - elbow) / max(float(np.linalg.norm(wrist - elbow)), 1e-6))
    return r_cut * CUT_WRIST / (CUT_ELBOW + (CUT_WRIST - CUT_ELBOW) * min(along, 1.0))


def _curve_box(curve: np.ndarray, margin: float, shape: tuple[int, int]) -> tuple[slice, slice]:
    """The rows and columns of an HxW grid within ``margin`` of the polyline ``curve`` [N, 2]'s bounding box."""
    lo = np.floor(curve.min(axis=0) - margin).astype(int)
    hi = np.ceil(curve.max(axis=0) + margin).astype(int) + 1
    return np.s_[max(0, lo[1]):min(shape[0], hi[1]), max(0, lo[0]):min(shape[1], hi[0])]


def _bare(solid_cut: np.ndarray, skin: np.ndarray) -> bool:
    """Whether an arm's solid pixels where the border cuts it (``solid_cut``) are more than half ``skin``."""
    return bool(solid_cut.any()) and skin[solid_cut].mean() > 0.5


def _carry_cut(image: np.ndarray, matte: np.ndarray, own: np.ndarray, paint: np.ndarray, direction: np.ndarray,
               frame: tuple[int, int, int, int], depth: float) -> None:
    """Hand the arm's own colours where the border cuts it over to the forearm drawn on past it (``paint``; its
    pixels changed in place in ``image``): each takes the colour of the arm's solid pixel (``own``, ``matte``)
    it comes from back along ``direction`` inside the image ``frame``, fading out over ``depth`` pixels past the
    border. Drawn shaded skin alone met the image's own shading and texture at a straight seam along it."""
    u = direction / max(float(np.linalg.norm(direction)), 1e-6)
    ys, xs = np.nonzero(paint)
    back = _back_inside(xs.astype(np.float32), ys.astype(np.float32), u, frame)
    near = np.isfinite(back) & (back < 3.0 * depth)
    ys, xs, back = ys[near], xs[near], back[near]
    H, W = own.shape
    sx = np.clip(np.round(xs - (back + 1.0) * u[0]).astype(np.int32), 0, W - 1)
    sy = np.clip(np.round(ys - (back + 1.0) * u[1]).astype(np.int32), 0, H - 1)
    weight = (np.exp(-back / max(depth, 1.0)) * (own[sy, sx] & (matte[sy, sx] >= 0.9)))[:, None]
    mixed = weight * image[sy, sx].astype(np.float32) + (1.0 - weight) * image[ys, xs].astype(np.float32)
    image[ys, xs] = np.clip(mixed + 0.5, 0, 255).astype(image.dtype)


def _outside(point: np.ndarray, frame: tuple[int, int, int, int]) -> bool:
    x0, y0, w, h = frame
    return not (x0 <= point[0] < x0 + w and y0 <= point[1] < y0 + h)


def _cut_above(elbow: np.ndarray, frame: tuple[int, int, int, int], hem: float) -> bool:
    """Whether the image ``frame`` (x, y, width, height) cuts an arm's sleeve above its ``elbow`` (or at it: the
    elbow within ``hem`` of the border, the image showing nothing of the sleeve past it)."""
    x0, y0, w, h = frame
    return not (x0 + hem <= elbow[0] < x0 + w - hem and y0 + hem <= elbow[1] < y0 + h - hem)


def _exit(a: np.ndarray, b: np.ndarray, frame: tuple[int, int, int, int]) -> np.ndarray:
    """Where the segment from ``a`` (inside the image ``frame``) to ``b`` (outside it) leaves the image."""
    x0, y0, w, h = frame
    d = b - a
    t = 1.0
    for k, (lo, hi) in enumerate(((x0, x0 + w - 1), (y0, y0 + h - 1))):
        if d[k] > 1e-9:
            t = min(t, (hi - a[k]) / d[k])
        elif d[k] < -1e-9:
            t = min(t, (lo - a[k]) / d[k])
    return a + max(t, 0.0) * d


def over_skin(image: np.ndarray, matte: np.ndarray, under: np.ndarray, skin: np.ndarray) -> None:
    """Lay the soft parts of a sleeve carried on past the border (its hem fading out) over the forearm drawn under
    them (``under``: the sleeve's pixels inside the forearm's and hand's outline; ``skin`` [under.sum(), 3] the
    forearm's colour at those pixels), changing ``image`` and ``matte`` in place: what lies under a hem is the
    arm, not the backdrop. The forearm was drawn only where the sleeve was not, so the hem faded into nothing: a
    transparent band cut across the arm where its sleeve ends (TikTok clip 5's white sleeves: a torn seam between
    sleeve and forearm, the wall showing through it once the arm moved)."""
    m = matte[under]
    soft = m < 1.0
    if not soft.any():
        return
    ys, xs = np.nonzero(under)
    ys, xs, m = ys[soft], xs[soft], m[soft][:, None]
    image[ys, xs] = np.clip(m * image[ys, xs] + (1.0 - m) * skin[soft] + 0.5, 0, 255).astype(image.dtype)
    matte[ys, xs] = 1.0


def hand_rows(joints: np.ndarray, height: int) -> int:
    """Rows below an image ``height`` rows high that the hands :func:`continue_cut_arm` draws past its bottom edge
    reach (a hand of :func:`.drawn_hand.drawn_hand_size`'s length from the wrist, in any direction): cut off there, a
    raised hand lost its fingers (TikTok clip 5, whose wrists lie 140 rows below the image). At most as far below
    the lower shoulder as an arm reaches (ARM_REACH), and at least ``height`` rows when that is less: the pose
    model's guess of a wrist far outside the image is no reason to pad it without end, but a picture cut at the
    chest holds less than half of an arm hanging from it (TikTok character 3 cut at 60% of her height: her wrists
    lie twice the picture's height down, and her hands, cut at ``height`` rows, came up as flat stumps)."""
    sw = shoulder_span(joints, 1.0)
    reach = drawn_hand_size(joints)[0] * (1.0 + FINGERTIP)
    low = max(float(joints[J[f"{side}_wrist"], 1]) for side in ("left", "right"))
    shoulder = max(float(joints[J[f"{side}_shoulder"], 1]) for side in ("left", "right"))
    most = max(float(height), shoulder + ARM_REACH * sw - height)
    return int(np.clip(np.ceil(low + reach + 2 - height), 0, most))


ARM_REACH = 2.5  # (shoulder widths) an arm hangs at most this far below its shoulder, fingertips included


CUT_ELBOW = 0.085  # the radius of a forearm drawn past the image's border at its elbow (in body widths,
# drawn_hand.body_width; a bare upper arm's cut: at most this many shoulder widths)
CUT_WRIST = 0.06  # ... at its wrist
CUT_THIN, CUT_THICK = 0.06, 0.12  # the bounds of a bare arm's radius measured at the border
CUT_WIDEST = 0.25  # ... a bare forearm's, measured across itself (a body seen from the side has narrow shoulders)
CUT_BAND = 0.2  # a bare forearm's slant and width are read over this far inside the border (shoulder widths)
CUT_SLANT_OFF = 50.0  # (degrees) ... a slant this far off its bone's is none of the forearm's
CUT_EDGE = 3.0  # (pixels at the wrist) the soft rim of a bare forearm drawn on past the border
TAPER = 0.3  # (hand lengths) a bare forearm narrows to its wrist over this far before it
CARRY_REACH = 0.7  # a bare forearm's own colours at the border turn into those further in over this share of it
SKIN_LIKE = 22.0  # a pixel this near the skin's colour (Lab) is skin (not a sleeve's)
SKIN_CHROMA = 0.7  # skin at a cut has at least this share of the skin's colourfulness (Lab chroma)
CUT_SKIN = 0.1  # a bare arm's skin colour is read this near (shoulder widths) the border that cuts it
CUT_DARKER = 10.0  # ... unless it is this much darker (Lab lightness, 0..255) than the skin below the face
CUT_SEAM = 0.04  # a bare arm's own colours at the border fade into the forearm drawn on past it over this depth
#              (shoulder widths)
SHADE_LIKE = 44.0  # (Lab) a bare arm's pixels at the border this near the median of those of its skin's hue are its
#                  own, lit or in shade (not the top's edge beside it)
SLEEVE_HEM = 0.08  # a sleeve cut by the border ends this far (shoulder widths) past the elbow ...
SLEEVE_GATHERED = 0.12  # ... its hem at most this far (shoulder widths) from the bone, gathered round the arm
SLEEVE_SOFT = 3.0  # the soft edge of a sleeve carried on past the border (pixels)
SLEEVE_BORDER = 4  # a sleeve's width at the border is read from its solid pixels this near it (pixels) ...


def _torso_cloth(lab: np.ndarray, cut: np.ndarray, labels: np.ndarray, inside: np.ndarray) -> bool:
    """Whether an arm's solid pixels where the border cuts it (``cut``; ``lab`` the image in Lab) are of the
    torso's own cloth: their median within JACKET_ALIKE of the torso's (its pixels inside the image). Not merely
    a shade of it: a white puff sleeve in the shade of its folds is a shade of the white top it is sewn to, and
    ends at the elbow (TikTok clip 5, 18 to 27 off; a navy uniform's sleeve, 8)."""
    torso = inside & (labels == PARTS.index("torso"))
    if cut.sum() < 3 or torso.sum() < SLEEVE_SAMPLE:
        return False
    return float(lab_distance(np.median(lab[cut], axis=0), np.median(lab[torso], axis=0))) < JACKET_ALIKE


JACKET_ALIKE = 12.0  # (Lab, OpenCV's 8-bit scale) a sleeve this near the torso's colour is of the torso's cloth


def _lab(rgb: np.ndarray) -> np.ndarray:
    px = np.clip(np.asarray(rgb, np.float32) + 0.5, 0, 255).astype(np.uint8).reshape(1, 1, 3)
    return cv2.cvtColor(px, cv2.COLOR_RGB2LAB).reshape(3).astype(np.float32)


def _skin_colour(image: np.ndarray, lab: np.ndarray, labels: np.ndarray, joints: np.ndarray, inside: np.ndarray,
                 sw: float) -> np.ndarray | None:
    """RGB of the skin an arm drawn past the border gets (``lab``: the image in Lab): the median of the torso's
    and arms' pixels (the neck, the chest, a bare arm) whose colour is near the face's (measured around the
    nose); the face's own when the image shows too little other skin, or when that skin is darker than the
    face. A hand raised to the camera is lit as the face is, while the
    neck and the chest lie in the shade of the chin and the hair, and a white top in shade is as grey-brown as
    shaded skin: their median drew grey-brown hands (TikTok clip 5: RGB 141, 121, 102 against a face of 163,
    122, 99; her hands show about 170, 122, 88). None without a face to measure."""
    nose = joints[J["nose"]]
    H, W = labels.shape
    r = max(2, round(0.05 * sw))
    x, y = int(np.clip(nose[0], 0, W - 1)), int(np.clip(nose[1], 0, H - 1))
    box = np.s_[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1]
    disc = inside[box]
    if disc.sum() < 5:
        return None
    face = np.median(image[box][disc], axis=0).astype(np.float32)
    face_lab = _lab(face)
    body = inside & (labels >= 0) & (labels != PARTS.index("head"))
    near = body & skin_hued(lab, face_lab)
    if near.sum() < (SKIN_AREA * sw) ** 2:
        return face
    skin = np.median(image[near], axis=0).astype(np.float32)
    return skin if _lab(skin)[0] >= face_lab[0] else face


def _skin_in_shade(lab: np.ndarray, skin_lab: np.ndarray) -> np.ndarray:
    """HxW: the pixels of ``lab`` (the image in Lab) that may be skin of the colour ``skin_lab`` in shade (or lit
    warmer): their hue within SHADE_HUE of the skin's, and between SHADE_CHROMA times its colourfulness for their
    lightness (shade darkens skin and dulls it alike; a white sleeve in shade is grey-brown, dull for its
    lightness: TikTok clip 5; a red sleeve is of skin's hue, far more colourful)."""
    ab = lab[..., 1:] - 128.0
    own = skin_lab[1:] - 128.0
    colourful = np.linalg.norm(ab, axis=-1)
    hued = ab @ own > np.cos(np.radians(SHADE_HUE)) * colourful * float(np.linalg.norm(own))
    chroma = colourful / np.maximum(lab[..., 0], 1.0)
    least, most = np.array(SHADE_CHROMA) * float(np.linalg.norm(own)) / max(float(skin_lab[0]), 1.0)
    return hued & (chroma >= least) & (chroma <= most)


SHADE_HUE, SHADE_CHROMA = 25.0, (0.8, 1.6)


# a pixel of the body this near the face's colour (Lab: lightness, and hue and saturation) is skin: lit or in
# shade, but of its hue (a white shirt is as light as a pale face, and grey)
SKIN_LIGHT, SKIN_HUE = 45.0, 14.0


def skin_hued(lab: np.ndarray, skin_lab: np.ndarray) -> np.ndarray:
    """HxW (or [n]): the pixels of ``lab`` (the image in Lab, or [n, 3] of its pixels) that are skin of the colour
    ``skin_lab``, lit or in shade."""
    diff = lab - skin_lab
    return (np.abs(diff[..., 0]) < SKIN_LIGHT) & (np.linalg.norm(diff[..., 1:], axis=-1) < SKIN_HUE)


SKIN_AREA = 0.1  # at least this squared (shoulder widths) of such skin, else the face's colour is taken


def _continue_sleeve(image: np.ndarray, matte: np.ndarray, labels: np.ndarray, own: np.ndarray, free: np.ndarray,
                     frame: tuple[int, int, int, int], start: np.ndarray, end: np.ndarray, hem: float,
                     parts: list[int], cuff: float = SLEEVE_CUFF, skin: np.ndarray | None = None,
                     gathered: float = np.inf) -> np.ndarray:
    """A sleeve (the arm's ``own`` pixels inside the image ``frame``) carried on past the border it is cut by,
    over the ``free`` pixels (changing ``image``, ``matte`` and ``labels`` in place), along the bone ``start`` ->
    ``end`` from the sleeve's cut at the border, its sides going on from the sleeve's outline there and gathering
    to ``cuff`` times its width there at a soft rounded hem ``hem`` pixels past ``end`` (:mod:`.sleeve_outline`);
    labelled ``parts[0]`` before ``end``, ``parts[1]`` past it. Each of its pixels takes the mean of the sleeve's
    solid pixels a few steps back along the bone inside the image from the place across the cut as far across the
    sleeve, or the nearest such colour. Drawn wherever a pixel traced back to the sleeve, it came out as thin
    strips and loose flaps beside the forearm (TikTok clip 5's puffy sleeves, cut at the elbow); as a tube as wide
    as the cut, with a step at the border, straight sides and a square hem (a paper cut-out: character 5 cut at
    60% of her height). ``skin``: the arm's pixels inside the image that may be the forearm's skin, lit or in
    shade, showing under the sleeve's hem: the cut is measured across them too, and those at the cut take the
    sleeve's colours (:func:`.sleeve_outline.under_hem`). ``gathered``: its hem's half-width at most (pixels).
    Returns the mask of the pixels drawn."""
    x0, y0, w, h = frame
    bone = end - start
    length = float(np.linalg.norm(bone))
    if length < 1e-6:
        return np.zeros(labels.shape, bool)
    u = bone / length
    H, W = labels.shape
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    # from the sleeve's solid pixels (its blended outline carried on would draw dark lines along it)
    solid = cv2.erode((own & (matte >= 0.9)).astype(np.uint8), None, iterations=SLEEVE_ERODED).astype(bool)
    inside = np.zeros((H, W), bool)
    inside[y0:y0 + h, x0:x0 + w] = True
    near_border = ~cv2.erode(inside.astype(np.uint8), None, iterations=SLEEVE_BORDER).astype(bool)
    skin = np.zeros((H, W), bool) if skin is None else skin
    if not under_a_sleeve(own, skin, near_border & (matte >= 0.5)):
        skin = np.zeros((H, W), bool)
    whole = own | skin
    # (the skin under its hem with it, and where the matte is unsure inside the arm: 0.6-0.8 in spots along the
    # bottom edge of TikTok character 5's sleeve parted the cut in pieces, and only the piece round the bone went on)
    interior = cv2.erode((whole | ~inside).astype(np.uint8), None, iterations=SLEEVE_ERODED + 1).astype(bool)
    firm = whole & ((matte >= 0.9) | (interior & (matte >= 0.5)))
    at_border = near_border & cv2.erode(firm.astype(np.uint8), None, iterations=SLEEVE_ERODED).astype(bool)
    if at_border.sum() < 3:
        return np.zeros(labels.shape, bool)
    # its width there is the width of the piece the bone leaves the image through (a flap of it lying along
    # the border elsewhere would widen it into a cape), around the middle of that piece, not the bone: a bone
    # along one side of a wide sleeve (a puff sleeve half under the hair, TikTok clip 5) carried on only the
    # half of it around the bone, a straight step at the border where the other half stopped
    at_border, shift, half = _crossing(at_border, start, end + max(hem, 1.0) * u)
    start = start + shift
    # the forearm's skin showing under the sleeve's hem at the cut lies inside the sleeve carried on past it: left
    # in its colours, it rose into view as a brown band across the sleeve's end, its side stepped along the torso
    # (TikTok character 5 swinging her arm out); it takes the sleeve's colours, as the sleeve goes on over it, and
    # the dips of the matte there are closed (the wall would show through them)
    under = under_hem(whole, skin, at_border, inside, UNDER_HEM * half)
    if under.any():
        image[under] = push_pull_fill(image, under, solid)[under]
        matte[under & firm] = 1.0
        solid = solid | (under & firm)
    n = np.array([-u[1], u[0]])
    t = (px - start[0]) * u[0] + (py - start[1]) * u[1]
    s = (px - start[0]) * n[0] + (py - start[1]) * n[1]
    reach = t - length
    room, source = carried_outline(whole & (matte >= 0.5), inside, at_border, t, s, length + max(hem, 1.0), cuff,
                                   gathered)
    ok = free & ~inside & (room > 0) & (t > 0)
    if ok.sum() < 20:
        return np.zeros(labels.shape, bool)
    # each pixel's colour from the place across the cut as far across the sleeve, traced back along the bone
    qx, qy = start[0] + t * u[0] + source * n[0], start[1] + t * u[1] + source * n[1]
    back = _back_inside(qx, qy, u, frame)
    traced = ok & np.isfinite(back) & (back > 0)
    colour = np.zeros(image.shape, np.float32)
    count = np.zeros((H, W), np.float32)
    for step in (0.0, 3.0, 6.0):
        sx = np.round(qx - np.where(traced, back + step, 0.0) * u[0]).astype(np.int32)
        sy = np.round(qy - np.where(traced, back + step, 0.0) * u[1]).astype(np.int32)
        inb = traced & (sx >= 0) & (sx < W) & (sy >= 0) & (sy < H)
        sx, sy = np.clip(sx, 0, W - 1), np.clip(sy, 0, H - 1)
        hit = inb & solid[sy, sx]
        colour[hit] += image[sy[hit], sx[hit]]
        count[hit] += 1
    seen = count > 0
    if seen.any():
        colour[seen] /= count[seen][:, None]
        _, (iy, ix) = ndimage.distance_transform_edt(~seen, return_indices=True)
        colour = colour[iy, ix]
    else:
        colour[:] = np.mean(image[at_border], axis=0)
    image[ok] = np.clip(colour[ok] + 0.5, 0, 255).astype(image.dtype)
    matte[ok] = np.clip(room[ok] / SLEEVE_SOFT, 0.0, 1.0)  # a soft outline, round the hem too
    labels[ok] = np.where(reach[ok] < 0, parts[0], parts[1])
    return ok


def _crossing(pixels: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The piece of ``pixels`` (an arm's own along the image's border, HxW) that the bone ``start`` -> ``end``
    leaves the image through (the piece nearest it), the shift across the bone that puts the bone through that
    piece's middle, and the piece's half-width across the bone: what the arm is where the border cuts it."""
    pieces, _ = ndimage.label(pixels, structure=np.ones((3, 3)))
    ys, xs = np.nonzero(pixels)
    py, px = ys.astype(np.float32), xs.astype(np.float32)
    nearest = int(np.argmin(segment_distance(px, py, start, end)))
    piece = pieces == pieces[ys[nearest], xs[nearest]]
    ys, xs = np.nonzero(piece)
    u = (end - start) / max(float(np.linalg.norm(end - start)), 1e-6)
    across = (xs - start[0]) * -u[1] + (ys - start[1]) * u[0]
    shift = 0.5 * (across.min() + across.max()) * np.array([-u[1], u[0]])
    return piece, shift, 0.5 * float(across.max() - across.min() + 1.0)


def _back_inside(px: np.ndarray, py: np.ndarray, u: np.ndarray, frame: tuple[int, int, int, int]) -> np.ndarray:
    """How far back along the direction ``u`` each pixel (``px``, ``py``) must go to be inside the image
    ``frame`` (x, y, width, height): 0 inside it, inf where going back along ``u`` never gets there."""
    x0, y0, w, h = frame
    back = np.zeros(px.shape, np.float32)
    for p, d, lo, hi in ((px, u[0], x0, x0 + w - 1), (py, u[1], y0, y0 + h - 1)):
        if abs(d) > 1e-3:
            back = np.maximum(back, np.where(p > hi, (p - hi) / d, np.where(p < lo, (p - lo) / d, 0.0)))
        else:
            back = np.where((p > hi) | (p < lo), np.inf, back)
    return back

"""The character's fingers bend and spread like the actor's.

The arm layer moves the hand as one piece (its direction follows the wrist and the index knuckle). When the
image shows a hand large enough to see its fingers (``MIN_HAND_PX``), its 21 joints rig a fine grid mesh over
the hand's box of the arm layer's texture: every vertex near a finger follows its nearest bone and blends with
the bone before it across a knuckle (the palm for a finger's base), so a bending finger stays one piece; each
frame each bone turns by the angle the actor's turned (relative to its hand's axis, since its first seen
frame) and shortens as the actor's foreshortens. A finger curling towards the camera shows what the actor's
shows: its first bone shorter, the next one end-on, the tip folded back over the first; across a folded
knuckle the blending stops (the two pieces overlap instead of pinching into the joint) and the folded part is
drawn as a layer of its own over the rest, so its clear rim does not punch through the skin below (the fold is
judged across a bone seen end-on, whose few pixels point anywhere, and so is the tip beyond it laid over). Where a
finger's end points at the camera (its last bones shown at under half their length) it ends in a round
knuckle cap, shaded in the finger's own colour, as a finger seen end-on does, instead of its pixels squashed
into a flat stub. A finger whose first bone turns further than any spread (``TUCK``) curls round a palm the actor
shows from its edge, which the character's palm, facing the camera, cannot show: it folds into the palm, only its
knuckle cap showing, instead of its bones crossing the palm and the other fingers (:func:`_tucked`). A bone shown
shorter than at rest (pointing at or away from the camera) is shaded darker by how much shorter: drawn at the open
hand's brightness, a curled finger reads as lying flat. A finger whose first bone rises off the palm towards the
camera shows its rounded base over the palm, outlined by the crease it makes there (:func:`_base_creases`): grown
out of the palm, a curled finger reads as bent away. Only triangles
over the hand's own pixels are drawn, far pieces first by the actor's depth; the background seen between the
fingers (a layer's matte is rarely cut there) is left behind rather than dragged along a finger, and so is
whatever else the layer holds next to a finger (a sleeve, the shoulder behind a raised hand: pixels unlike the
hand's colour outside the fingers' core); the space a finger leaves shows what is behind the hand. While its
fingers bend, the arm layer's hand keeps its length along its bone (:meth:`HandAnimator.steady_palms`): the
body model's hand points slide in as the fingers curl.

A hand the rig drew itself past the image's border, or over the stump of a hand the border cuts past its wrist
(:mod:`.drawn_hand`), is not warped: it is drawn afresh each frame from its posed joints, digit by digit. A hand the
image does not show otherwise, a fist (its fingers already folded: nothing to unfold) or a tiny hand keeps the layer's
rigid hand, and :func:`hand_findings` says why.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
from scipy.spatial import Delaunay

from ...finding import Finding
from ...pose.fingers import FINGERS, finger_bends, hand_size
from ...pose.retarget import Motion
from ...pose.skeleton import J, shoulder_span
from ...pose.track import PoseTrack
from .cuff import SLEEVE_APART
from .drawn_hand import draw_hand, hand_shape
from .fill import lab_distance
from .meshwarp import FRAMES_AT_ONCE, WarpMemo, source_maps
from .model import PARTS, DrawnHand, Rig, segment_distance
from .outlines import drawn_lines

MIN_HAND_PX = 40.0  # wrist to middle fingertip, image pixels
FIST_BEND = 55.0  # mean finger bend (degrees) above which the image's hand is a fist
TEAR = 1.6  # a triangle between two fingers (or a finger and the palm) stretched beyond this (area) tears open
SEAM_TEAR = 4.0  # ... between two drawn fingers, beyond this: their seam is ink, which tore into pale shards
DRAWN_REACH = 1.0  # a drawn finger (not the thumb) is never shown longer than this share of its drawn length; nor is
# any digit of a hand the rig drew itself (:mod:`.drawn_hand`), its thumb too: drawn open at full length, grown with
# an actor's thumb foreshortened in its first frame (up to 1.4 times), it stuck out of the palm as a long thin horn
# (character 5 driven by clip 0, frames 21-24)
REACH = 1 / 4.5  # vertices this far from every bone (in hand sizes) stay with the palm
BLEND = 1 / 14  # half-width of the blend across a knuckle, in hand sizes (about a finger's half-width)
FOLD = np.radians(95.0)  # a knuckle bent further than this (on screen) is folded: its two pieces overlap
FOLD_SPAN = np.radians(35.0)  # ... fully rigid this much further
FOLD_BACK = np.radians(90.0)  # a hand the rig drew ends a digit where it turns this far (:func:`folded_in`)
MIN_STRETCH = 0.12  # a bone seen end-on keeps this share of its length (its cross-section shows)
BACK_LAB = 14.0  # Lab distance within which a pixel between the fingers is the background plate's
MIN_GRID_PX = 3.0  # the hand's mesh is never finer than this (pixels): a small hand needs no finer warp
HAND_LAB = 30.0  # Lab distance beyond which a pixel near a finger is not the hand (a sleeve, a shoulder)
CORE = 1 / 12  # ... unless it lies this close to a bone (hand sizes): the finger itself, its outline and shade
PALM_FIRST = 0.08  # the palm counts this much farther (hand sizes): fingers cover it unless clearly behind it
END_ON = 0.5  # a bone shown at under this share of its length points at the camera: a knuckle cap covers it
END_ON_SPAN = 0.2  # ... fully covered this much shorter
BAND_CLEAR = 2.0  # a drawn hand is cleared from its rest patch out to this far (in its pieces' radii)
BEHIND = 0.15  # a bone this much farther than the palm (hand sizes) is hidden by it: no cap
FORE_SHADE = 0.25  # a finger bone shown at a share k < 1 of its length is drawn darker by FORE_SHADE * (1 - k)
CAP_SHADE = (0.72, 0.34)  # a cap's colour is the finger's times (a + b * how much its surface faces the camera)
RISE = 0.15  # a finger's first bone this much nearer than the palm (hand sizes, since the first frame) is fully
# risen off it: its rounded base shows over the palm, outlined by a crease ...
CREASE_SHADE = 0.4  # ... this much darker at its darkest ...
CREASE_WIDTH = 0.35  # ... and this wide (a share of the finger's half-width); along the finger's sides it fades
CREASE_SIDES = 2.0  # ... over this many half-widths beyond the knuckle
# a finger spreads from its knuckle by some 30 degrees in the palm's plane at most: its first bone turned further
# on screen (since the first frame) has curled out of that plane, round a palm the actor shows from its edge
TUCK = np.radians(45.0)
# Bones of the rig: (start, end) joint pairs, thumb and fingers from their base outwards.
BONES: tuple[tuple[int, int], ...] = tuple((c[k], c[k + 1]) for c in FINGERS.values() for k in range(3))
PARENT = tuple(-1 if k % 3 == 0 else k - 1 for k in range(len(BONES)))  # the bone before (-1: the palm)
PALM = (0, 1, 5, 9, 13, 17)
_A = np.array([a for a, _ in BONES])  # each bone's start and end joint
_B = np.array([b for _, b in BONES])


@dataclass
class HandRig:
    """One hand of the character: ``joints`` [21, 2] image pixels; ``vertices`` [N, 2] its grid mesh;
    ``triangles`` [M, 3]; ``weights`` [N, 16] skinning over the palm and the 15 ``BONES`` (a vertex follows
    its bone and, near a knuckle, blends with the bone before it, so a bending finger stays whole);
    ``piece`` [M] the bone (1..15, 0 the palm) each triangle is drawn with (its depth in the picture);
    ``box`` (x0, y0, x1, y1) image pixels; ``side`` "left" or "right"; ``mixed`` [M] the triangles joining two
    pieces (two bones, or a bone and the palm): left out where they stretch, so a moving finger does not drag
    a smear of skin behind it; ``bone`` [N] each vertex's own bone (-1: the palm) and ``blend`` [N, 2] its
    weights towards the bone before and after it, which :meth:`fold_weights` drops across folded knuckles."""

    side: str
    joints: np.ndarray
    vertices: np.ndarray
    triangles: np.ndarray
    weights: np.ndarray
    box: tuple[int, int, int, int]
    mixed: np.ndarray
    piece: np.ndarray
    bone: np.ndarray
    blend: np.ndarray

    def pinned(self, pin: np.ndarray) -> HandRig:
        """This rig with the vertices ``pin`` [N] kept with the palm (they do not follow any finger)."""
        if not pin.any():
            return self
        w = self.weights.copy()
        w[pin] = 0.0
        w[pin, 0] = 1.0
        mixed, piece = _pieces(w, self.triangles)
        # a triangle between a finger and what stays behind it stretches rather than tears: a torn one would
        # leave a hole where the sleeve or the shoulder was
        mixed &= ~pin[self.triangles].any(axis=1)
        return replace(self, weights=w, mixed=mixed, piece=piece, bone=np.where(pin, -1, self.bone),
                       blend=np.where(pin[:, None], 0.0, self.blend))

    def fold_weights(self, folded: np.ndarray) -> np.ndarray:
        """The skinning with the knuckles in ``folded`` [(T,) 15] (0..1, at each bone's base joint) made rigid: a
        finger folded back over itself is two overlapping pieces, where blending them would pinch the skin
        into the joint. [(T,) N, 16]."""
        if not folded.any():
            return np.broadcast_to(self.weights, folded.shape[:-1] + self.weights.shape)
        rows = np.flatnonzero(self.bone >= 0)
        k = self.bone[rows]
        prev = self.blend[rows, 0] * (1.0 - folded[..., k])
        nxt = self.blend[rows, 1] * (1.0 - folded[..., np.minimum(k + 1, len(BONES) - 1)])
        w = np.zeros(folded.shape[:-1] + self.weights.shape)
        w[..., self.bone < 0, 0] = 1.0
        w[..., rows, np.array(PARENT)[k] + 1] += prev
        w[..., rows, np.minimum(k + 2, len(BONES))] += nxt
        w[..., rows, k + 1] += 1.0 - prev - nxt
        unfolded = ~folded.any(axis=-1)[..., None, None]  # those frames keep the rig's own weights
        return np.where(unfolded, self.weights, w)


def _seg_param(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance of points ``p`` [N, 2] to segment a-b, and their position along it (pixels from ``a``)."""
    d = b - a
    L = max(float(np.linalg.norm(d)), 1e-9)
    s = (p - a) @ d / L
    t = np.clip(s / L, 0.0, 1.0)
    return np.linalg.norm(p - (a + t[:, None] * d), axis=1), s


def _pieces(weights: np.ndarray, triangles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The triangles joining two pieces (for the tearing rule), and which bone each triangle is drawn with (its
    heaviest, for the depth order)."""
    main = np.argmax(weights, axis=1)[triangles]
    return main.min(axis=1) != main.max(axis=1), np.argmax(weights[triangles].sum(axis=1), axis=1)


def build_hand_rig(joints: np.ndarray, side: str, shape: tuple[int, int]) -> HandRig | None:
    """The hand's mesh and skinning from its 21 joints (image pixels) in an image of ``shape`` (h, w); None when
    it is smaller than ``MIN_HAND_PX``, or when less than half of it lies inside the image (a hand carried on
    past the image's edge with its arm: there are no fingers to warp, and a box squeezed to a line cannot be
    meshed)."""
    j = np.asarray(joints, np.float64)[:, :2]
    size = float(hand_size(j))
    if not np.isfinite(j).all() or size < MIN_HAND_PX:
        return None
    h, w = shape
    pad = 0.22 * size
    x0, y0 = np.floor(j.min(axis=0) - pad).astype(int)
    x1, y1 = np.ceil(j.max(axis=0) + pad).astype(int)
    box = (int(max(0, x0)), int(max(0, y0)), int(min(w, x1)), int(min(h, y1)))
    if min(box[2] - box[0], box[3] - box[1]) < 0.5 * size:
        return None
    step = max(MIN_GRID_PX, size / 26.0)  # a finger is three or four vertices wide (two on a small hand)
    xs = np.arange(box[0], box[2] + step, step)
    ys = np.arange(box[1], box[3] + step, step)
    gx, gy = np.meshgrid(np.minimum(xs, box[2]), np.minimum(ys, box[3]))
    verts = np.stack([gx.ravel(), gy.ravel()], axis=1)
    tri = Delaunay(verts).simplices.astype(np.int32)
    n = len(verts)
    # every vertex near the fingers follows its nearest bone (the whole width of the finger, whatever the
    # joints' offset from its middle line); across a knuckle it blends with the bone before it (the palm for
    # a finger's first bone), half and half on the joint, so the skin bends instead of tearing
    dist, along = zip(*(_seg_param(verts, j[a], j[b]) for a, b in BONES))
    dist, along = np.stack(dist, axis=1), np.stack(along, axis=1)
    bone = np.argmin(dist, axis=1)
    near = dist[np.arange(n), bone] < REACH * size
    s = along[np.arange(n), bone]
    L = np.array([np.linalg.norm(j[b] - j[a]) for a, b in BONES])[bone]
    blend = BLEND * size
    w_prev = np.clip(0.5 - s / (2 * blend), 0.0, 1.0)  # towards the bone before, below this bone's base
    w_next = np.clip(0.5 - (L - s) / (2 * blend), 0.0, 0.5)  # towards the next bone, near this bone's end
    last = np.array([k % 3 == 2 for k in range(len(BONES))])[bone]
    w_next[last] = 0.0
    wts = np.zeros((n, len(BONES) + 1))
    rows = np.flatnonzero(near)
    own, prev = bone[rows] + 1, np.array(PARENT)[bone[rows]] + 1
    wts[rows, prev] += w_prev[rows]
    wts[rows, np.minimum(own + 1, len(BONES))] += np.where(last[rows], 0.0, w_next[rows])
    wts[rows, own] += 1.0 - w_prev[rows] - np.where(last[rows], 0.0, w_next[rows])
    wts[~near, 0] = 1.0
    mixed, piece = _pieces(wts, tri)
    return HandRig(side=side, joints=j, vertices=verts, triangles=tri, weights=wts, box=box, mixed=mixed,
                   piece=piece, bone=np.where(near, bone, -1), blend=np.stack(
                       [np.where(near, w_prev, 0.0), np.where(near & ~last, w_next, 0.0)], axis=1))


def _bone_angles(hand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frame, each bone's direction relative to the hand's axis (wrist -> middle knuckle), radians, and its
    2D length over the hand's axis length. ``hand`` [T, 21, >=2]."""
    p = hand[..., :2].astype(np.float64)
    axis = p[..., 9, :] - p[..., 0, :]
    base = np.arctan2(axis[..., 1], axis[..., 0])
    L = np.linalg.norm(axis, axis=-1)
    ang, lens = [], []
    for a, b in BONES:
        d = p[..., b, :] - p[..., a, :]
        ang.append(np.arctan2(d[..., 1], d[..., 0]) - base)
        lens.append(np.linalg.norm(d, axis=-1) / np.maximum(L, 1e-9))
    return np.stack(ang, axis=-1), np.stack(lens, axis=-1)


@dataclass
class HandDrive:
    """Per frame and bone how far the actor's finger bones turned (radians, ``turn`` [T, 15]) and how much
    their on-screen length changed (``stretch`` [T, 15]) since its first seen frame; ``depth`` [T, 16] how far
    the palm and each bone are from the camera (hand sizes, larger farther: the drawing order); ``seen`` [T]."""

    turn: np.ndarray
    stretch: np.ndarray
    seen: np.ndarray
    depth: np.ndarray


def hand_drive(track_hand: np.ndarray) -> HandDrive | None:
    """From one hand of the track [T, 21, 3]; None when the actor's hand is never seen. Frames without the
    hand hold the last seen pose (before the first one: the first)."""
    seen = np.isfinite(track_hand[:, :, :2]).all(axis=(1, 2))
    if not seen.any():
        return None
    idx = np.where(seen, np.arange(len(seen)), -1)
    np.maximum.accumulate(idx, out=idx)
    idx[idx < 0] = int(np.flatnonzero(seen)[0])
    hand = np.asarray(track_hand, np.float64)[idx]
    ang, lens = _bone_angles(hand)
    turn = (ang - ang[0] + np.pi) % (2 * np.pi) - np.pi
    stretch = np.clip(lens / np.maximum(lens[0], 1e-6), MIN_STRETCH, 1.4)
    z = np.nan_to_num(hand[..., 2]) if hand.shape[-1] > 2 else np.zeros(hand.shape[:2])
    z = z / np.maximum(hand_size(hand), 1e-6)[:, None]
    depth = np.concatenate([z[:, list(PALM)].mean(axis=1, keepdims=True) + PALM_FIRST,
                            np.stack([(z[:, a] + z[:, b]) / 2 for a, b in BONES], axis=1)], axis=1)
    return HandDrive(turn=turn, stretch=stretch, seen=seen, depth=depth)


_HAS_PARENT = np.array(PARENT) >= 0
_BEFORE = np.maximum(np.array(PARENT), 0)  # the bone before each (a finger's first: itself, unused)
_FIRST_BONES = np.arange(3, len(BONES), 3)  # the four fingers' first bones (not the thumb's)


def _seen_before(stretch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which bones are seen end-on (shown at under ``END_ON`` of their length, ``stretch`` [15]), and for each
    bone the one a fold is judged against: the bone before it, or the one before that when the bone before
    is end-on. An end-on bone has no direction worth the name (its few pixels point anywhere, often back
    down the finger): a curled finger's tip folds back over its first bone across it."""
    end_on = stretch < END_ON
    return end_on, np.where(end_on[..., _BEFORE] & _HAS_PARENT[_BEFORE], _BEFORE[_BEFORE], _BEFORE)


def posed_joints(rig: HandRig, drive: HandDrive, t) -> tuple[np.ndarray, np.ndarray]:
    """The character's hand joints in frame ``t`` (image pixels, before the arm layer's move), and how far
    each bone is folded back over the one before it ([15], 0..1; across a bone seen end-on, over the one
    before that: :func:`_seen_before`); for frames ``t`` [T], [T, 21, 2] and [T, 15]. The palm stays; each
    finger is rebuilt from its base with its bones turned and stretched like the actor's, so a finger curling
    towards the camera shows what the actor's shows: a short first bone, the next one end-on, the tip folded
    back over it."""
    ts = np.atleast_1d(t)
    out = np.repeat(rig.joints[None], len(ts), axis=0)
    rest_dir = rig.joints[_B] - rig.joints[_A]
    posed_ang = np.arctan2(rest_dir[:, 1], rest_dir[:, 0]) + drive.turn[ts]
    end_on, ref = _seen_before(drive.stretch[ts])
    rel = np.abs((posed_ang - np.take_along_axis(posed_ang, ref, axis=1) + np.pi) % (2 * np.pi) - np.pi)
    folded = np.where(_HAS_PARENT & ~end_on, np.clip((rel - FOLD) / FOLD_SPAN, 0.0, 1.0), 0.0)
    L = np.linalg.norm(rest_dir, axis=1) * drive.stretch[ts]
    steps = (L[..., None] * np.stack([np.cos(posed_ang), np.sin(posed_ang)], axis=-1)).reshape(len(ts), len(FINGERS),
                                                                                                3, 2)
    # bones run finger by finger from the base: each finger's joints are its base plus its bones so far
    out[:, _B.reshape(len(FINGERS), 3)] = rig.joints[_A[::3]][:, None, :] + np.cumsum(steps, axis=2)
    return (out, folded) if np.ndim(t) else (out[0], folded[0])


def folded_in(joints: np.ndarray) -> np.ndarray:
    """A drawn hand's posed ``joints`` [21, 2] with each digit ending where it first folds: at the first of its
    later bones turned :data:`FOLD_BACK` or more from the digit's first bone or from the bone before it; the bones
    from there on drawn nowhere (their joints on the fold's knuckle), the digit a stub ending in its rounded knuckle,
    as a finger curled into the palm shows from the front. Drawn on round the fold, a curled finger stood out of the
    hand as a hook, a cartoon's "C" (character 5 driven by clip 0, frames 21-22: the index finger bent 96 degrees at
    each of its two knuckles, 170 in all)."""
    out = np.array(joints, np.float64)
    d = out[_B] - out[_A]
    ang = np.arctan2(d[:, 1], d[:, 0]).reshape(-1, 3)

    def apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.abs((a - b + np.pi) % (2 * np.pi) - np.pi)

    turned = np.maximum(apart(ang[:, 1:], ang[:, :1]), apart(ang[:, 1:], ang[:, :-1])) >= FOLD_BACK  # [5, 2]
    for digit, later in enumerate(turned):
        if later.any():
            k = 3 * digit + 1 + int(np.argmax(later))
            out[_B[k:3 * digit + 3]] = out[_A[k]]
    return out


def _area(P: np.ndarray) -> np.ndarray:
    """Signed areas of triangles [..., 3, 2]."""
    return 0.5 * ((P[..., 1, 0] - P[..., 0, 0]) * (P[..., 2, 1] - P[..., 0, 1]) -
                  (P[..., 1, 1] - P[..., 0, 1]) * (P[..., 2, 0] - P[..., 0, 0]))


def _tear(rig: HandRig, keep: np.ndarray, outlined: bool) -> np.ndarray | float:
    """How far (area) each of ``rig``'s triangles ``keep`` [M] bool stretches before it tears: ``TEAR``, and on
    outlined art ``SEAM_TEAR`` for one joining two fingers (its corners on bones of both). A drawn hand's
    fingers touch along a seam of ink: spread, that seam tore triangle by triangle into pale shards between
    stretched webs of ink; stretched whole it reads as the drawing's own ink between the fingers."""
    if not outlined:
        return TEAR
    main = np.argmax(rig.weights, axis=1)[rig.triangles[keep]] - 1  # each corner's bone (-1: the palm)
    finger = np.where(main >= 0, main // 3, -1)
    seam = (finger.min(axis=1) >= 0) & (finger.min(axis=1) != finger.max(axis=1))
    return np.where(seam, SEAM_TEAR, TEAR)


def _bone_affines(rest: np.ndarray, posed: np.ndarray) -> np.ndarray:
    """[(T,) 16, 2, 3] for posed joints [(T,) 21, 2]: the palm's identity, then per bone a map that turns and
    stretches along it, keeping width."""
    d0, d1 = rest[_B] - rest[_A], posed[..., _B, :] - posed[..., _A, :]
    L0 = np.maximum(np.linalg.norm(d0, axis=-1), 1e-6)[:, None]
    L1 = np.maximum(np.linalg.norm(d1, axis=-1), 1e-6)[..., None]
    u, u1 = d0 / L0, d1 / L1
    v, v1 = np.stack([-u[:, 1], u[:, 0]], axis=-1), np.stack([-u1[..., 1], u1[..., 0]], axis=-1)
    M = d1[..., :, None] * (u / L0)[:, None, :] + v1[..., :, None] * v[:, None, :]
    out = np.zeros(posed.shape[:-2] + (len(BONES) + 1, 2, 3))
    out[..., 0, :, :2] = np.eye(2)
    out[..., 1:, :, :2] = M
    out[..., 1:, :, 2] = posed[..., _A, :] - np.einsum("...kij,kj->...ki", M, rest[_A])
    return out


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb[:, :, :3]), cv2.COLOR_RGB2LAB).astype(np.float32)


def _skin(rig: HandRig, patch: np.ndarray, lab: np.ndarray, corner: np.ndarray) -> np.ndarray | None:
    """The hand's colour (CIELAB, as OpenCV scales it): the median along the finger bones over the patch's
    opaque pixels; None when too few of them are."""
    h, w = patch.shape[:2]
    t = np.linspace(0.2, 0.8, 5)[:, None]
    along = np.concatenate([rig.joints[a] + t * (rig.joints[b] - rig.joints[a]) for a, b in BONES]) - corner
    xi = np.clip(np.round(along[:, 0]).astype(int), 0, w - 1)
    yi = np.clip(np.round(along[:, 1]).astype(int), 0, h - 1)
    ok = patch[yi, xi, 3] > 127 if patch.shape[2] == 4 else np.ones(len(xi), bool)
    if ok.sum() < 10:
        return None
    return np.median(lab[yi[ok], xi[ok]], axis=0)


def _not_hand(rig: HandRig, patch: np.ndarray, corner: np.ndarray) -> np.ndarray:
    """[N] the rig's vertices over something else than the hand: opaque pixels of the layer (a sleeve, the
    shoulder, the face behind a raised hand) unlike the hand's colour, outside the fingers' core. They stay
    where they are: skinned to the nearest finger bone they would be dragged along with it, and tear open
    a hole in what lies behind the hand."""
    lab = cv2.GaussianBlur(_lab(patch), (3, 3), 0)
    skin = _skin(rig, patch, lab, corner)
    if skin is None:
        return np.zeros(len(rig.vertices), bool)
    h, w = patch.shape[:2]
    v = rig.vertices - corner
    xi = np.clip(np.round(v[:, 0]).astype(int), 0, w - 1)
    yi = np.clip(np.round(v[:, 1]).astype(int), 0, h - 1)
    solid = patch[yi, xi, 3] > 127 if patch.shape[2] == 4 else np.ones(len(v), bool)
    unlike = np.linalg.norm(lab[yi, xi] - skin, axis=1) > HAND_LAB
    size = float(hand_size(rig.joints))
    core = np.min(np.stack([_seg_param(rig.vertices, rig.joints[a], rig.joints[b])[0] for a, b in BONES],
                           axis=1), axis=1) < CORE * size
    return solid & unlike & ~core & (rig.bone >= 0)


def _hand_share(rig: HandRig, patch: np.ndarray, behind: np.ndarray, corner: np.ndarray) -> np.ndarray:
    """[h, w] float: 1 where the patch's pixel belongs to the hand, 0 where it is the background seen between or around
    the fingers (``corner``: the patch's (0, 0) in image pixels). A layer's matte is rarely cut between the fingers (the
    gaps are part of the layer): moving those pixels with a finger would drag scraps of background along its edge. A
    pixel is background when it looks like the image's background plate ``behind`` it (the same box) and not like the
    hand (whose colour is read along the finger bones); only the fingers' zone is judged, so the palm, the sleeve and
    whatever the layer shows behind the hand keep the layer's matte."""
    h, w = patch.shape[:2]
    zone = np.zeros((h, w), np.uint8)
    pts = np.round((rig.vertices - corner) * 16).astype(np.int32)
    for tri in rig.triangles[rig.piece != 0]:
        cv2.fillConvexPoly(zone, pts[tri], 1, cv2.LINE_8, 4)
    lab = _lab(patch)
    back = _lab(behind)
    skin = _skin(rig, patch, lab, corner)
    if skin is None:
        return np.ones((h, w), np.float32)
    to_skin = np.linalg.norm(lab - skin, axis=2)
    to_back = np.linalg.norm(lab - back, axis=2)
    background = (to_back < BACK_LAB) & (to_back < 0.5 * to_skin) & (zone > 0)
    share = 1.0 - cv2.GaussianBlur(background.astype(np.float32), (3, 3), 0)
    return share.astype(np.float32)


def _palm_underlay(rig: HandRig, patch: np.ndarray, corner: np.ndarray) -> tuple[tuple[int, int, int, int],
                                                                                 np.ndarray] | None:
    """The palm of a drawn hand as a still underlay to lay under each frame's warp: ((x0, y0, x1, y1) in the
    patch, RGBA), the patch's opaque pixels inside the palm's joints (wrist, thumb base, knuckles) and up to
    ``CORE`` hand sizes past them short of the four fingers, with their ink painted over in the skin around it;
    None without such pixels. A drawn thumb lies over the palm, which
    is not drawn under it: the skin round the thumb follows the thumb, and the triangles between its base and
    the index finger's stretch past tearing as the actor's thumb turns, which opened a hole through the palm
    to the backdrop (the cartoon girl's hand in TikTok clip 0). Laid under, it shows the palm there, plain skin
    where the thumb's outline was."""
    h, w = patch.shape[:2]
    inside = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(inside, np.round(rig.joints[list(PALM)] - corner).astype(np.int32), 1)
    # the palm's skin reaches past its joints to its outline, a finger's half-width or so (the thumb's base, the
    # side of the hand), but not past the knuckles: a finger tucked into the palm would stand on a ledge of skin
    k = 2 * round(CORE * float(hand_size(rig.joints))) + 1
    ring = np.nonzero(cv2.dilate(inside, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > inside)
    inside[ring] = _finger_zone(rig, np.stack(ring[::-1], axis=1) + corner) < 3
    inside &= (patch[:, :, 3] == 255).astype(np.uint8)
    if not inside.any():
        return None
    ys, xs = np.nonzero(inside)
    x0, y0, x1, y1 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
    crop = np.ascontiguousarray(patch[y0:y1, x0:x1, :3])
    lab = _lab(crop)
    skin = _skin(rig, patch, _lab(patch), corner)
    ink = np.zeros(crop.shape[:2], np.uint8) if skin is None else (
        np.linalg.norm(lab - skin, axis=2) > HAND_LAB).astype(np.uint8)
    if ink.any() and not ink.all():
        crop = cv2.inpaint(crop, cv2.dilate(ink, np.ones((3, 3), np.uint8)), 2, cv2.INPAINT_TELEA)
    return (x0, y0, x1, y1), np.dstack([crop, inside[y0:y1, x0:x1] * np.uint8(255)])


def _lay_under(patch: np.ndarray, box: tuple[int, int, int, int], under: np.ndarray) -> None:
    """Lay ``under`` (RGBA, opaque or clear) under ``patch``'s pixels in ``box`` (in place): it shows where they
    are not opaque. Only those pixels are blended: the few a torn seam opens, not the whole palm each frame."""
    x0, y0, x1, y1 = box
    above = patch[y0:y1, x0:x1]
    ys, xs = np.nonzero((above[:, :, 3] < 255) & (under[:, :, 3] > 0))
    if not len(ys):
        return
    top = above[ys, xs].astype(np.float32)
    a = top[:, 3:] / 255.0
    rgb = top[:, :3] * a + under[ys, xs, :3].astype(np.float32) * (1 - a)
    above[ys, xs, :3] = (rgb + 0.5).astype(np.uint8)
    above[ys, xs, 3] = 255


@dataclass
class _Bending:
    """One hand :class:`HandAnimator` bends: where its pixels live and the part of its mesh that is drawn.
    ``rest_patch`` the rest hand (``box`` of ``texture``, texture pixels); ``rest`` the mesh's rest vertices in
    texture pixels; ``triangles``/``mixed``/``piece``/``rest_area`` the rig's triangles over the hand's own
    pixels only (the others are never drawn, so they are left out once, not every frame); ``zone`` [M] the
    finger bone each triangle lies by, past its knuckle (:func:`_finger_zone`), left out with that finger when
    it is tucked into the palm; ``drawn`` a hand the rig drew (not warped: drawn afresh each frame over
    ``base``, the rest patch without it); ``tear`` how far (area) each triangle stretches before it tears
    (:func:`_tear`); ``under`` a drawn hand's palm, laid under each frame's warp (:func:`_palm_underlay`)."""

    rig: HandRig
    drive: HandDrive
    texture: np.ndarray
    origin: np.ndarray
    box: tuple[int, int, int, int]
    rest_patch: np.ndarray
    rest: np.ndarray
    triangles: np.ndarray
    mixed: np.ndarray
    piece: np.ndarray
    rest_area: np.ndarray
    radius: np.ndarray
    tone: np.ndarray
    cores: tuple[np.ndarray, np.ndarray, np.ndarray]
    zone: np.ndarray
    drawn: DrawnHand | None = None
    base: np.ndarray | None = None
    tear: np.ndarray | float = TEAR
    under: tuple[tuple[int, int, int, int], np.ndarray] | None = None


def _finger_looks(rig: HandRig, patch: np.ndarray, corner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per bone, the finger's half-width there (pixels) and its colour (RGB, the median of the finger's own
    pixels): what a knuckle cap is drawn with. The half-width is the distance from the bone to the edge of
    the hand's opaque, hand-coloured pixels, taken a little around the bone (the joints are rarely exactly on
    a finger's middle line)."""
    size = float(hand_size(rig.joints))
    h, w = patch.shape[:2]
    solid = patch[:, :, 3] > 127 if patch.shape[2] == 4 else np.ones((h, w), bool)
    lab = _lab(patch)
    skin = _skin(rig, patch, lab, corner)
    if skin is not None:
        solid &= np.linalg.norm(lab - skin, axis=2) < HAND_LAB
    dist = cv2.distanceTransform(solid.astype(np.uint8), cv2.DIST_L2, 3)
    k = 2 * round(0.03 * size) + 1
    dist = cv2.dilate(dist, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    t = np.linspace(0.25, 0.75, 5)[None, :, None]
    pts = rig.joints[_A][:, None] + t * (rig.joints[_B] - rig.joints[_A])[:, None] - corner  # [15, 5, 2]
    xi = np.clip(np.round(pts[..., 0]).astype(int), 0, w - 1)
    yi = np.clip(np.round(pts[..., 1]).astype(int), 0, h - 1)
    radius = np.clip(np.median(dist[yi, xi], axis=1), 0.02 * size, 0.08 * size)
    on = solid[yi, xi].reshape(len(FINGERS), -1)
    rgb = patch[yi, xi, :3].reshape(len(FINGERS), -1, 3).astype(np.float32)
    every = rgb[on] if on.any() else rgb.reshape(-1, 3)
    tone = np.stack([np.median(c[o] if o.sum() >= 3 else every, axis=0) for c, o in zip(rgb, on)])
    return radius, np.repeat(tone, 3, axis=0)


class HandAnimator:
    """Bends the fingers of the hands in the arm layers' textures before each frame is drawn (:meth:`apply`);
    always from a kept copy of the rest hand, so frames never accumulate."""

    def __init__(self) -> None:
        self.hands: list[_Bending] = []
        self.memo = WarpMemo()  # a held hand is not warped again
        self._blocks: dict[int, tuple[int, tuple[np.ndarray, ...]]] = {}  # per hand: (first frame, its pose)

    def add(self, rig: HandRig, drive: HandDrive, texture: np.ndarray, origin: tuple[int, int],
            background: np.ndarray | None = None, drawn: DrawnHand | None = None,
            image_size: tuple[int, int] | None = None, outlined: bool = False,
            sleeve: np.ndarray | None = None) -> None:
        """Bend ``rig``'s hand in ``texture`` (RGBA, its pixel (0, 0) at image pixel ``origin``); ``background``
        the image's background plate (image pixels), to tell the background between the fingers from them;
        ``drawn`` when the rig drew the hand (it is drawn again each frame, posed, instead of warped) past the
        border of the image (``image_size``: width, height), where it is cleared from the rest texture (None:
        cleared wherever it lies: drawn over the image's own stump of the hand, :func:`.fill.redraw_cut_hand`);
        ``outlined`` when the character is drawn art, outlined in ink (:func:`.outlines.drawn_lines`): its fingers
        keep their drawn length and the ink seams between them stretch (:func:`_tear`); ``sleeve`` (image pixels,
        bool) the forearm's sleeve, never cleared with a drawn hand (:func:`_without_hand`)."""
        ox, oy = origin
        h, w = texture.shape[:2]
        x0, y0, x1, y1 = rig.box
        box = (max(0, x0 - ox), max(0, y0 - oy), min(w, x1 - ox), min(h, y1 - oy))
        if box[2] - box[0] < 4 or box[3] - box[1] < 4:
            return
        rest_patch = texture[box[1]:box[3], box[0]:box[2]].copy()
        if outlined or drawn is not None:
            # drawn art draws its fingers at their full length: grown with the actor's (up to 1.4 times, where
            # its first frame showed them foreshortened) they stretched the ink between them into streaks; a hand
            # the rig drew is drawn open at full length, its thumb too
            stretch = drive.stretch.copy()
            digits = np.s_[:, :] if drawn is not None else np.s_[:, 3:]
            stretch[digits] = np.minimum(stretch[digits], DRAWN_REACH)
            drive = replace(drive, stretch=stretch)
        corner = np.array([ox + box[0], oy + box[1]], np.float64)  # the patch's (0, 0) in image pixels
        base = None if drawn is None else _without_hand(rest_patch, drawn, corner, image_size, sleeve)
        if rest_patch.shape[2] == 4 and background is not None:
            ix, iy = int(corner[0]), int(corner[1])
            behind = background[iy:iy + rest_patch.shape[0], ix:ix + rest_patch.shape[1]]
            if behind.shape[:2] == rest_patch.shape[:2]:
                share = _hand_share(rig, rest_patch, behind, corner)
                rest_patch[:, :, 3] = (rest_patch[:, :, 3] * share + 0.5).astype(np.uint8)
        if rest_patch.shape[2] == 4:
            # the hand's half-transparent rim carries the background's colour mixed in: where a finger folds
            # over the hand that rim would draw a pale outline across the skin, so it takes the hand's colour
            rim = (rest_patch[:, :, 3] < 250).astype(np.uint8)
            if rim.any() and not rim.all():
                rest_patch[:, :, :3] = cv2.inpaint(np.ascontiguousarray(rest_patch[:, :, :3]), rim, 2,
                                                   cv2.INPAINT_TELEA)
        rig = rig.pinned(_not_hand(rig, rest_patch, corner))
        # only triangles over the hand's own pixels are drawn: the empty space around a finger moves with it
        # too, and a finger folded over the palm must not lay that emptiness over the palm
        P = rig.vertices[rig.triangles]
        samples = np.concatenate([P, P.mean(axis=1, keepdims=True), (P + P.mean(axis=1, keepdims=True)) / 2],
                                 axis=1) - corner
        ph, pw = rest_patch.shape[:2]
        xi = np.clip(np.round(samples[..., 0]).astype(int), 0, pw - 1)
        yi = np.clip(np.round(samples[..., 1]).astype(int), 0, ph - 1)
        solid = (rest_patch[yi, xi, 3] > 0).any(axis=1) if rest_patch.shape[2] == 4 else np.ones(len(P), bool)
        at = np.array([ox, oy], np.float64)
        radius, tone = _finger_looks(rig, rest_patch, corner)
        self.hands.append(_Bending(rig=rig, drive=drive, texture=texture, origin=at, box=box,
                                   rest_patch=rest_patch, rest=rig.vertices - at, triangles=rig.triangles[solid],
                                   mixed=rig.mixed[solid], piece=rig.piece[solid],
                                   rest_area=np.abs(_area(P[solid])), radius=radius, tone=tone,
                                   cores=_cores(_bone_map(rig, rest_patch.shape[:2], corner), rest_patch), drawn=drawn,
                                   base=base, zone=_finger_zone(rig, P[solid].mean(axis=1)),
                                   tear=_tear(rig, solid, outlined),
                                   under=_palm_underlay(rig, rest_patch, corner) if outlined else None))

    def __bool__(self) -> bool:
        return bool(self.hands)

    def steady_palms(self, motion: Motion, rest: np.ndarray) -> None:
        """Keep each bent hand at its rest length along its bone (``rest``: the rig's joints; ``motion`` is
        changed in place): it turns, and scales with the character, but no longer shortens with the actor's
        curl. The body model's index and pinky points, which end the arm layer's hand, slide towards the wrist
        as the fingers curl: the whole hand, palm and all, was squashed by up to a fifth along its bone on top
        of the fingers' own bending, and a short palm reads as one tilted away from the camera."""
        for side in {hand.rig.side for hand in self.hands}:
            w, i, p = J[f"{side}_wrist"], J[f"{side}_index"], J[f"{side}_pinky"]
            length = float(np.linalg.norm((rest[i] + rest[p]) / 2 - rest[w]))
            d = (motion.joints[:, i] + motion.joints[:, p]) / 2 - motion.joints[:, w]
            now = np.linalg.norm(d, axis=1)
            ok = np.isfinite(now) & (now > 1e-6)
            k = np.where(ok, length * motion.width_scale / np.where(ok, now, 1.0), 1.0)
            shift = (d * (k - 1.0)[:, None]).astype(motion.joints.dtype)
            motion.joints[:, i] += shift
            motion.joints[:, p] += shift

    def apply(self, t: int) -> None:
        # two hands in one texture could overlap, and a skipped one would then not be drawn over the other
        alone = len({id(hand.texture) for hand in self.hands}) == len(self.hands)
        for n, hand in enumerate(self.hands):
            drive = hand.drive
            tt = min(t, len(drive.turn) - 1)
            if hand.drawn is not None:
                self._draw(n, hand, tt, alone)
                continue
            pj, folded, posed, grown, fade, tucked = self._posed(n, hand, tt)
            # a bone seen fully end-on is drawn as its knuckle cap only: its pixels squashed along it make a
            # flat, ragged slab across the finger's end (while the cap fades in, they still show under it); a
            # finger tucked into the palm is not drawn at all, its knuckle capped
            capped = np.concatenate([[False], (fade > 0.9) | tucked])
            hidden = capped[hand.piece] | np.concatenate([tucked, [False]])[hand.zone]
            keep = np.flatnonzero(~(hand.mixed & grown) & ~hidden)
            # far pieces first: a finger curled towards the camera covers the palm, one curled away goes behind
            order = keep[np.argsort(-drive.depth[tt, hand.piece[keep]], kind="stable")]
            # a finger folded back towards the camera lies over its own first bone: drawn as a layer of its own
            # and laid over the rest, so the clear rim around it does not punch through the skin below
            end_on, ref = _seen_before(drive.stretch[tt])
            over = np.zeros(len(BONES) + 1, bool)
            for k in np.flatnonzero((folded > 0.5) | (_HAS_PARENT & end_on[_BEFORE])):
                if drive.depth[tt, k + 1] < drive.depth[tt, ref[k] + 1]:
                    over[k + 1:k - k % 3 + 4] = True
            front = over[hand.piece[order]]
            caps = np.concatenate([_caps(hand, pj, tt, fade), _knuckle_caps(hand, pj, tucked)])
            creases = _base_creases(hand, pj, tt)
            if alone and self.memo.same(n, posed, order, front, caps, creases):
                continue
            local = posed - hand.origin
            source = _shaded(hand, drive.stretch[tt])
            patch = self._warp(hand, source, local, hand.box, order[~front])
            for cx, cy, dx, dy, r, depth in creases:
                _draw_crease(patch, (cx - hand.origin[0] - hand.box[0], cy - hand.origin[1] - hand.box[1]),
                             (dx, dy), r, depth)
            if front.any():
                self._lay_over(hand, source, local, order[front], patch)
            x0, y0, x1, y1 = hand.box
            for cx, cy, r, opacity, k in caps:
                _draw_cap(patch, (cx - hand.origin[0] - x0, cy - hand.origin[1] - y0), r, hand.tone[int(k)],
                          opacity)
            if hand.under is not None:
                _lay_under(patch, *hand.under)
            hand.texture[y0:y1, x0:x1] = patch

    def _draw(self, n: int, hand: _Bending, t: int, alone: bool) -> None:
        """Draw the rig's own hand ``n`` afresh in frame ``t``, posed like the actor's (:func:`draw_hand`)."""
        x0, y0, x1, y1 = hand.box
        pj, _ = posed_joints(hand.rig, hand.drive, t)
        local = folded_in(pj) - hand.origin - np.array([x0, y0], np.float64)
        depth = hand.drive.depth[t]
        if alone and self.memo.same(n, local, depth):
            return
        patch = hand.base.copy()
        drawn = hand.drawn
        draw_hand(patch, local, depth, drawn.half_width, drawn.skin, drawn.shade, drawn.light, drawn.outlined,
                  drawn.grain, drawn.blur)
        hand.texture[y0:y1, x0:x1] = patch

    def _posed(self, n: int, hand: _Bending, t: int) -> tuple[np.ndarray, ...]:
        """Hand ``n``'s pose in frame ``t``: its joints, how far each knuckle is folded, its mesh's vertices,
        which triangles grew past tearing, how far each bone is seen end-on and which are tucked into the palm
        (:func:`_tucked`: not drawn, nor capped); worked out for
        :data:`FRAMES_AT_ONCE` frames at once (per frame, numpy's call overhead was most of the cost)."""
        first = t - t % FRAMES_AT_ONCE
        if n not in self._blocks or self._blocks[n][0] != first:
            rig, drive = hand.rig, hand.drive
            ts = np.minimum(np.arange(first, first + FRAMES_AT_ONCE), len(drive.turn) - 1)
            pj, folded = posed_joints(rig, drive, ts)
            # a finger tucked into the palm keeps its rest place, unseen: the skin it shares with the palm
            # around its knuckle stays with the palm instead of stretching into a sliver after it
            tucked = _tucked(drive, ts)
            at_rest = np.zeros(pj.shape[:2], bool)
            at_rest[:, _B] = tucked
            pj = np.where(at_rest[..., None], rig.joints, pj)
            folded = np.where(tucked, 0.0, folded)
            A = _bone_affines(rig.joints, pj)
            M = (rig.fold_weights(folded) @ A.reshape(len(ts), -1, 6)).reshape(len(ts), -1, 2, 3)  # per vertex
            posed = M[..., 0] * rig.vertices[:, :1] + M[..., 1] * rig.vertices[:, 1:] + M[..., 2]
            grown = np.abs(_area(posed[:, hand.triangles])) > hand.tear * hand.rest_area + 1.0
            fade = np.where(tucked, 0.0, _end_on(drive, ts, folded))
            self._blocks[n] = first, (pj, folded, posed, grown, fade, tucked)
        return tuple(x[t - first] for x in self._blocks[n][1])

    def _lay_over(self, hand: _Bending, source: np.ndarray, local: np.ndarray, order: np.ndarray,
                  patch: np.ndarray) -> None:
        """Warp the triangles ``order`` as a layer of their own and lay it over ``patch`` (the hand's box), only
        where they land: a folded fingertip covers a few pixels of the box."""
        x0, y0, x1, y1 = hand.box
        corners = local[hand.triangles[order]].reshape(-1, 2)
        bx0, by0 = np.maximum(np.floor(corners.min(axis=0)).astype(int) - 1, (x0, y0))
        bx1, by1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int) + 2, (x1, y1))
        if bx1 - bx0 < 1 or by1 - by0 < 1:
            return
        top = self._warp(hand, source, local, (int(bx0), int(by0), int(bx1), int(by1)), order).astype(np.float32)
        below = patch[by0 - y0:by1 - y0, bx0 - x0:bx1 - x0]
        base = below.astype(np.float32)
        a = top[:, :, 3:] / 255.0
        b = base[:, :, 3:] / 255.0
        out_a = a + b * (1 - a)
        rgb = (top[:, :, :3] * a + base[:, :, :3] * b * (1 - a)) / np.maximum(out_a, 1e-6)
        below[:] = np.concatenate([rgb, out_a * 255.0], axis=2).clip(0, 255).round().astype(np.uint8)

    @staticmethod
    def _warp(hand: _Bending, source: np.ndarray, local: np.ndarray, box: tuple[int, int, int, int],
              order: np.ndarray) -> np.ndarray:
        """The triangles ``order`` warped into ``box`` (texture pixels, inside the hand's box) from ``source``
        (the rest hand as this frame shades it); transparent where none lands."""
        mapx, mapy = source_maps(hand.rest, local, hand.triangles, box, order, step=1, keep_outside=False)
        mapx -= hand.box[0]
        mapy -= hand.box[1]
        return cv2.remap(source, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=(0, 0, 0, 0))


def _without_hand(patch: np.ndarray, drawn: DrawnHand, corner: np.ndarray,
                  image_size: tuple[int, int] | None = None, sleeve: np.ndarray | None = None) -> np.ndarray:
    """The rest ``patch`` (RGBA; its (0, 0) at image pixel ``corner``) with the ``drawn`` hand cleared from it (its
    pixels nearer the hand than the forearm, out to the band the layer fades out over around it, which left a thin
    outline of the rest hand in the air when the fingers moved), the forearm and what else the layer holds around it
    (a wide sleeve) left. The rig drew the hand past the image's border (``image_size``: its width and height): the
    image's own pixels are none of it, nor its forearm's behind its wrist. A wide sleeve ending at the border just
    above the wrist lies nearer the hand than the forearm's axis, and its pixels there were cleared too: a round
    bite out of the sleeve beside the wrist, the backdrop showing through it (TikTok clip 5's white puff sleeve).
    Nor is a ``sleeve`` (image pixels, bool: :func:`sleeve_of`) ever cleared: a cuff's corner hanging beside the
    hand lies nearer the hand's shape than the forearm's axis, and cleared, a V was cut into the cuff wherever the
    drawn hand moved off it (TikTok character 0's black cuff, her hand below the image's border)."""
    h, w = patch.shape[:2]
    py, px = np.mgrid[0:h, 0:w].astype(np.float32)
    d_hand = hand_shape(px, py, drawn.joints - corner, drawn.half_width)
    d_arm = segment_distance(px, py, drawn.elbow - corner, drawn.joints[0] - corner) / drawn.wrist_radius
    clear = (d_hand < d_arm) & (d_hand < BAND_CLEAR)
    if image_size is not None:
        x, y = px + corner[0], py + corner[1]
        clear &= (x < 0) | (x >= image_size[0]) | (y < 0) | (y >= image_size[1])
        # nor its forearm, drawn alone up to the line across the wrist (:func:`.fill.continue_cut_arm`): its edge
        # there, nearer the palm's rounded end than the capsule of the wrist's radius, was cleared, a notch in the
        # forearm's edge just before the wrist wherever the actor's hand turned off it (TikTok 5<-0 frames 20-22)
        wrist = drawn.joints[0] - corner
        fore = wrist - (drawn.elbow - corner)
        clear &= (px - wrist[0]) * fore[0] + (py - wrist[1]) * fore[1] >= 0
    if sleeve is not None:
        x, y = np.round(px + corner[0]).astype(int), np.round(py + corner[1]).astype(int)
        inside = (x >= 0) & (x < sleeve.shape[1]) & (y >= 0) & (y < sleeve.shape[0])
        clear[inside] &= ~sleeve[y[inside], x[inside]]
    out = patch.copy()
    out[clear, 3] = 0
    return out


def sleeve_of(rig: Rig, side: str, drawn: DrawnHand) -> np.ndarray | None:
    """HxW bool (image pixels): the ``side`` forearm's sleeve, its pixels in a colour SLEEVE_APART from the skin
    the ``drawn`` hand is drawn in (a bare forearm has none); None without the rig's labels."""
    if rig.labels is None or rig.image is None:
        return None
    lab = cv2.cvtColor(rig.image, cv2.COLOR_RGB2LAB).astype(np.float32)
    skin = cv2.cvtColor(np.clip(np.asarray(drawn.skin, np.float32), 0, 255).astype(np.uint8).reshape(1, 1, 3),
                        cv2.COLOR_RGB2LAB).astype(np.float32)[0, 0]
    return (rig.labels == PARTS.index(f"{side[0]}_lower_arm")) & (lab_distance(lab, skin) > SLEEVE_APART)


def _bone_map(rig: HandRig, shape: tuple[int, int], corner: np.ndarray) -> np.ndarray:
    """[h, w] for each pixel of the hand's patch (``corner``: its (0, 0) in image pixels) the bone whose core
    it lies in (1..15, within ``CORE`` hand sizes of it), 0 elsewhere (the palm, the space around the hand)."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w]
    pix = np.stack([xs.ravel(), ys.ravel()], axis=1) + corner
    dist = np.stack([_seg_param(pix, rig.joints[a], rig.joints[b])[0] for a, b in BONES], axis=1)
    near = dist.min(axis=1) < CORE * float(hand_size(rig.joints))
    return np.where(near, np.argmin(dist, axis=1) + 1, 0).reshape(h, w)


def _cores(bone_map: np.ndarray, patch: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pixels of a hand's ``patch`` in a bone's core (``bone_map``, see :func:`_bone_map`), the only ones
    :func:`_shaded` changes: their flat indices, their bones (1..15) and their RGB as float32 [K, 3]."""
    flat = np.flatnonzero(bone_map)
    return flat, bone_map.ravel()[flat], patch.reshape(-1, patch.shape[2])[flat, :3].astype(np.float32)


def _shaded(hand: _Bending, stretch: np.ndarray) -> np.ndarray:
    """The rest hand with each finger bone shown shorter than at rest (``stretch`` [15]) darkened by
    ``FORE_SHADE`` times how much shorter. A bone foreshortened that far points at or away from the camera and
    its skin turns from the light: drawn at the open hand's brightness, a curled finger reads as lying flat,
    and MediaPipe read the character's curled fingers with less bend than the actor's (generated fingers
    clips, three framings: finger error 9.55 -> 9.16 deg on average; darker than a quarter overshoots: 0.45
    gave 10.5)."""
    short = 1.0 - np.clip(stretch, 0.0, 1.0)
    if not short.any():
        return hand.rest_patch
    shade = np.concatenate([[1.0], 1.0 - FORE_SHADE * short]).astype(np.float32)
    # only the bones' cores change (elsewhere the shade is 1, and the rounding gives back the same byte):
    # shading the whole patch, its palm and the space around it, cost twice as much
    flat, bone, rgb = hand.cores
    out = hand.rest_patch.copy()
    out.reshape(-1, out.shape[2])[flat, :3] = (rgb * shade[bone][:, None] + 0.5).astype(np.uint8)
    return out


def _end_on(drive: HandDrive, t, folded: np.ndarray) -> np.ndarray:
    """[15] how far each bone is seen end-on at its finger's end in frame ``t`` (0..1: shown at ``END_ON`` of
    its length or more .. ``END_ON_SPAN`` shorter). Only a finger's end is capped: a bone whose next bone
    carries on (neither end-on nor folded back over it) is simply shorter; bones clearly behind the palm are
    hidden by it (0). For frames ``t`` [T] (``folded`` [T, 15]): [T, 15]."""
    fade = np.clip((END_ON - drive.stretch[t]) / END_ON_SPAN, 0.0, 1.0)
    fade[drive.depth[t, 1:] > drive.depth[t, 0, ..., None] + BEHIND] = 0.0
    for k in range(len(BONES) - 2, -1, -1):  # from the tips down, so "the next bone is capped" is settled
        if k % 3 != 2:
            fade[..., k] = np.where((fade[..., k + 1] <= 0.5) & (folded[..., k + 1] <= 0.5), 0.0, fade[..., k])
    return fade


def _tucked(drive: HandDrive, t) -> np.ndarray:
    """[(T,) 15] the bones of the four fingers whose first bone turned past ``TUCK`` in frame(s) ``t``: such a
    finger curls round a palm the actor shows from its edge, while the character's palm faces the camera as
    the picture has it. Drawn at the actor's angles its bones cross that palm, every finger's outline over the
    others (a drawn hand's ink became a tangle of strokes with a sliver sticking out: the cartoon girl's hand
    on her hip in TikTok clip 0); it is drawn folded into the palm instead, as a fist's finger is: only its
    knuckle shows (:func:`_knuckle_caps`). The thumb swings across the palm in its plane: never tucked; nor is
    a finger whose first bone is seen end-on (``END_ON``): the direction of its few pixels is noise."""
    first = (np.abs(drive.turn[t][..., _FIRST_BONES]) > TUCK) & (drive.stretch[t][..., _FIRST_BONES] >= END_ON)
    tucked = np.zeros(first.shape[:-1] + (len(BONES),), bool)
    tucked[..., 3:] = np.repeat(first, 3, axis=-1)
    return tucked


def _finger_zone(rig: HandRig, points: np.ndarray) -> np.ndarray:
    """[K] for ``points`` [K, 2] (image pixels) the bone nearest each, where it lies past that finger's knuckle
    (-1: the palm's side of the knuckles). A finger's zone holds more than the triangles that follow it: the
    gaps beside it, whose pixels stay put (:meth:`HandRig.pinned`; in drawn art, the fingers' ink outlines), and
    the layer's pixels past the reach of its bones. With the finger tucked into the palm they would float there
    alone, scraps of ink where the finger was."""
    dist, along = zip(*(_seg_param(points, rig.joints[a], rig.joints[b]) for a, b in BONES))
    near = np.argmin(np.stack(dist, axis=1), axis=1)
    first = near - near % 3
    past = np.stack(along, axis=1)[np.arange(len(points)), first] > 0
    return np.where(past, near, -1)


def _knuckle_caps(hand: _Bending, joints: np.ndarray, tucked: np.ndarray) -> np.ndarray:
    """[K, 5] the caps (as :func:`_caps` gives them) on the knuckles of the fingers tucked into the palm
    (``tucked`` [15]): a fist's row of knuckles, where the finger's first bone leaves the palm."""
    k = _FIRST_BONES[tucked[_FIRST_BONES]]
    return np.column_stack([joints[_A[k]], hand.radius[k], np.ones(len(k)), k])


def _caps(hand: _Bending, joints: np.ndarray, t: int, fade: np.ndarray) -> np.ndarray:
    """[K, 5] the knuckle caps of frame ``t``, far ones first: centre x, y (image pixels), radius, opacity and
    bone (see :func:`_end_on`). A bone the actor points at the camera is seen end-on: a disc as wide as the
    finger at its knuckle, where the warp can only squash the bone's pixels into a flat, ragged stub (and a
    squashed fingertip reads as a straight finger cut short)."""
    drive = hand.drive
    k = np.flatnonzero(fade > 0.02)
    if not len(k):
        return np.zeros((0, 5))
    k = k[np.argsort(-drive.depth[t, k + 1], kind="stable")]
    mid = (joints[_A[k]] + joints[_B[k]]) / 2
    return np.column_stack([mid, np.maximum(hand.radius[k], hand.radius[_BEFORE[k]]), fade[k], k])


def _base_creases(hand: _Bending, joints: np.ndarray, t: int) -> np.ndarray:
    """[K, 6] the creases at the base of the fingers curled towards the camera in frame ``t``: knuckle x, y
    (image pixels), the first bone's direction (unit x, y), the finger's half-width and how deep (0..1).
    A finger curled towards the camera rises off the palm: its first bone lies over the palm and its rounded
    base shows there, outlined by the crease it makes on the palm; drawn growing out of the palm, it reads as
    lying in the palm's plane or bent away. How far it rises is how much nearer than the palm its first bone
    has come since the first frame (the actor's depth, the same that orders the pieces). Generated fingers
    clip, three framings: finger error 8.20/9.79/9.04 -> 7.17/8.14/8.54 deg, the knuckles' bend above all
    (MediaPipe read it at a third of the actor's); a crease 0.3 or 0.5 dark instead of 0.4 gave 7.91 and 8.10
    on average (9.01 before)."""
    drive = hand.drive
    first = _FIRST_BONES
    rise = (drive.depth[0, first + 1] - drive.depth[0, 0]) - (drive.depth[t, first + 1] - drive.depth[t, 0])
    deep = np.clip(rise / RISE, 0.0, 1.0)
    shown = deep > 0.02
    if not shown.any():
        return np.zeros((0, 6))
    k = first[shown]
    d = joints[_B[k]] - joints[_A[k]]
    d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-6)
    return np.column_stack([joints[_A[k]], d, hand.radius[k], deep[shown]])


def _draw_crease(patch: np.ndarray, centre: tuple[float, float], direction: tuple[float, float], r: float,
                 depth: float) -> None:
    """Darken ``patch`` (RGBA, in place) along the outline of a finger's rounded base over the palm: the half
    circle of radius ``r`` around ``centre`` on the side away from ``direction``, and the finger's sides
    going on from it along ``direction``, fading out over ``CREASE_SIDES`` of ``r`` (where the finger leaves
    the palm); by up to ``CREASE_SHADE`` times ``depth``."""
    h, w = patch.shape[:2]
    cx, cy = centre
    ux, uy = direction
    reach = r * (1.0 + CREASE_SIDES)
    x0, y0 = max(int(np.floor(cx - reach - 2)), 0), max(int(np.floor(cy - reach - 2)), 0)
    x1, y1 = min(int(np.ceil(cx + reach + 3)), w), min(int(np.ceil(cy + reach + 3)), h)
    if x1 <= x0 or y1 <= y0:
        return
    dx = np.arange(x0, x1, dtype=np.float32)[None, :] - np.float32(cx)  # a row and a column: broadcast below
    dy = np.arange(y0, y1, dtype=np.float32)[:, None] - np.float32(cy)
    along = np.clip(dx * ux + dy * uy, 0.0, None)  # beyond the centre, towards the finger's end
    dist = np.hypot(dx - along * ux, dy - along * uy)  # from the finger's base segment
    width = max(CREASE_WIDTH * r, 0.75)
    line = np.clip(1.0 - np.abs(dist - r) / width, 0.0, 1.0)
    line *= np.clip(1.0 - along / (CREASE_SIDES * r), 0.0, 1.0)
    below = patch[y0:y1, x0:x1]
    dark = 1.0 - CREASE_SHADE * depth * line
    below[:, :, :3] = (below[:, :, :3] * dark[:, :, None] + 0.5).astype(np.uint8)


def _draw_cap(patch: np.ndarray, centre: tuple[float, float], r: float, tone: np.ndarray, fade: float) -> None:
    """Lay a shaded disc of colour ``tone`` over ``patch`` (RGBA, in place): brightest where its surface faces
    the camera, darker towards its rim, with an antialiased edge."""
    h, w = patch.shape[:2]
    cx, cy = centre
    x0, y0 = max(int(np.floor(cx - r - 1)), 0), max(int(np.floor(cy - r - 1)), 0)
    x1, y1 = min(int(np.ceil(cx + r + 2)), w), min(int(np.ceil(cy + r + 2)), h)
    if x1 <= x0 or y1 <= y0:
        return
    d = np.hypot(np.arange(x0, x1, dtype=np.float32)[None, :] - np.float32(cx),
                 np.arange(y0, y1, dtype=np.float32)[:, None] - np.float32(cy))
    a = (np.clip(r - d + 0.5, 0.0, 1.0) * fade)[:, :, None]
    facing = np.sqrt(np.clip(1.0 - (d / max(r, 1e-6)) ** 2, 0.0, 1.0))[:, :, None]
    rgb = tone[None, None, :] * (CAP_SHADE[0] + CAP_SHADE[1] * facing)
    below = patch[y0:y1, x0:x1]
    base = below.astype(np.float32)
    b = base[:, :, 3:] / 255.0 if patch.shape[2] == 4 else np.ones_like(a)
    out_a = a + b * (1 - a)
    mix = (rgb * a + base[:, :, :3] * b * (1 - a)) / np.maximum(out_a, 1e-6)
    below[:, :, :3] = mix.clip(0, 255).round().astype(np.uint8)
    if patch.shape[2] == 4:
        below[:, :, 3:] = (out_a * 255.0).clip(0, 255).round().astype(np.uint8)


def hand_findings(rig_hands: dict[str, np.ndarray | None], track: PoseTrack, shape: tuple[int, int],
                  image_name: str = "") -> tuple[dict[str, HandRig], list[Finding]]:
    """The hands that can be rigged, and a finding for each hand the actor uses that cannot be."""
    rigs, notes = {}, []
    for side in ("left", "right"):
        actor = getattr(track, f"{side}_hand")
        used = float(np.isfinite(actor[:, 0, 0]).mean()) if len(actor) else 0.0
        joints = rig_hands.get(side)
        why = None
        if joints is None or not np.isfinite(joints).all():
            why = "the image does not show it clearly enough to find its fingers"
        else:
            size = float(hand_size(joints))
            bend = float(np.nanmean(finger_bends(np.asarray(joints)[:, :2], dims=2)[3:]))
            if size < MIN_HAND_PX:
                why = f"it is {size:.0f} px long in the image, under {MIN_HAND_PX:.0f} px"
            elif bend > FIST_BEND:
                why = "it is a fist in the image (its fingers are folded: nothing to unfold)"
            else:
                hr = build_hand_rig(joints, side, shape)
                if hr is None:
                    why = "it lies outside the image"
                else:
                    rigs[side] = hr
        if why and used >= 0.1:
            notes.append(Finding("fingers_still", "info", f"the character's {side} hand keeps its fingers still: "
                                 f"{why}; the hand follows the arm as a whole.", file=image_name or None,
                                 measured=side,
                                 fix="use an image that shows open hands of 40 px or more to animate fingers."))
    return rigs, notes


def hand_animator(rig: Rig, track: PoseTrack, image_name: str = "") -> tuple[HandAnimator | None, list[Finding]]:
    """The animator for ``rig``'s hands driven by ``track``, and what to tell the user."""
    if rig.image is None:
        return None, []
    # a hand drawn past the image's bottom edge (an arm it cuts, carried on) lies below the image, in its layer
    h, w = rig.image.shape[:2]
    for ly in rig.layers:
        h = max(h, ly.origin[1] + ly.texture.shape[0])
        w = max(w, ly.origin[0] + ly.texture.shape[1])
    rigs, notes = hand_findings({"left": rig.left_hand, "right": rig.right_hand}, track, (h, w), image_name)
    anim = HandAnimator()
    outlined = rig.matte is not None and rig.labels is not None and drawn_lines(
        rig.image, (rig.matte >= 0.5) & (rig.labels >= 0), shoulder_span(rig.joints, 1.0)) is not None
    for side, hr in rigs.items():
        actor = getattr(track, f"{side}_hand")
        seen = np.isfinite(actor[:, :, :2]).all(axis=(1, 2))
        if not seen.any() or float(np.median(hand_size(actor[seen]))) < MIN_HAND_PX:
            # the video's hand too small for the hand model to read its fingers: their noise would show
            if seen.mean() >= 0.1:
                notes.append(Finding("fingers_still", "info", f"the video's {side} hand is too small to read its "
                                     f"fingers (under {MIN_HAND_PX:.0f} px): the character's fingers keep their "
                                     "pose.", measured=side, fix="use a video where the hands are larger."))
            continue
        drive = hand_drive(actor)
        layer = next((ly for ly in rig.layers if f"{side[0]}_hand" in ly.bones), None)
        if drive is not None and layer is not None:
            drawn = rig.drawn_hands.get(side)
            anim.add(hr, drive, layer.texture, layer.origin, rig.background, drawn,
                     None if drawn is not None and drawn.over_image else (rig.width, rig.height), outlined,
                     None if drawn is None else sleeve_of(rig, side, drawn))
    return (anim if anim else None), notes

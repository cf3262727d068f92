"""Arms folded over themselves in the image, drawn as two tubes.

A forearm folded back along its upper arm (a boxer's guard, a hand on the shoulder) lies over the upper arm in
the image, and a glove or hand in front hides the rest: the layer's forearm got only the strip of tube the labels
gave it and the upper arm a sliver beside it, so once the arm stretched the glove floated beyond a short ragged
stump (the robot boxer). Such an arm is drawn as what it is made of: a tube from the shoulder to the elbow and one
from the elbow to the wrist, as wide as the arm at its elbow, with the colours the image shows across each (or
across the other, where the image shows too little of one), round at both ends about the joints, so the two meet
at the elbow whatever its angle and the forearm runs into the hand. Each follows its own bone; the hand keeps the
image's pixels. The tubes' textures lie beside the image's in the layer's texture (``Layer.uv``); at rest they lie
where the image showed the arm, the upper arm behind the forearm, both behind the hand, and the upper arm's tube
leaves out what the body's layer draws (a shoulder pad over its top).
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J
from .fill import shoulder_round
from .mesh import triangulate
from .model import (
    ARM_PARTS,
    LAYER_BONES,
    PARTS,
    Layer,
    Rig,
    folded_arm,
    redraw_arms,
    segment_distance,
)
from .morphology import disc

# the share of the way along a bone over which the colours across its tube are read (away from the joints' caps)
READ_FROM, READ_TO = 0.15, 0.85
# an offset across a tube is read where at least this share of the samples of the best read offset fall on it
READ_SHARE = 0.5
# an offset whose colour lies this far from the hue of the tube's middle half (Lab a, b; OpenCV's 8-bit scale) is
# left out (taken from its nearest neighbour that is not)
FOREIGN = 20.0
# the least share of the offsets across a tube that must be read from the tube's own pixels to take its colours
COVERED = 0.8
# how far round the elbow (in upper arm lengths) its tube's width is read
WIDTH_NEAR = 0.1
# the pieces drawn over another piece of the layer (the forearm's tube over the upper arm's, the hand over both)
# have hard edges: a layer's pixel is drawn from one triangle, the nearest, and a soft edge of the piece in front
# let the background show through in a thin line where it crossed the piece behind
HARD = 128  # the hand's pixels of at least this alpha (of 255) are opaque, the others left out
# (pixels) a piece drawn over another goes on opaque this far past its outline, in its outline's colours, and its
# mesh one pixel past it: the layer is drawn from a grid three pixels apart, and a cell of the piece in front
# reached past its outline, where it had no colour to give (a thin crack down to the backdrop)
BAND = 3


def _sample(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Colours [..., 3] float32 of ``image`` at ``points`` [..., 2] (bilinear; the edge repeated past it)."""
    shape = points.shape[:-1]
    p = points.reshape(-1, 1, 2).astype(np.float32)
    out = cv2.remap(image, p[..., 0], p[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out.reshape(*shape, -1).astype(np.float32)


def _across(image: np.ndarray, own: np.ndarray, a: np.ndarray, b: np.ndarray, r: float) -> tuple[np.ndarray, float]:
    """([2R + 1, 3] the colours across the tube a-b at offsets -R..R from its axis, the share of those offsets
    read from the tube's own pixels ``own``): the median over READ_FROM..READ_TO of its length of the samples on
    its own pixels; offsets without one, or of a foreign hue (FOREIGN), take the nearest that has."""
    R = int(np.ceil(r))
    d = b - a
    L = max(float(np.hypot(*d)), 1e-6)
    n = np.array([-d[1], d[0]]) / L
    t = np.linspace(READ_FROM, READ_TO, 25)
    s = np.arange(-R, R + 1, dtype=np.float64)
    pts = a + t[:, None, None] * d + s[None, :, None] * n  # [25, 2R + 1, 2]
    h, w = own.shape
    xi, yi = np.round(pts[..., 0]).astype(int), np.round(pts[..., 1]).astype(int)
    ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    ok[ok] = own[yi[ok], xi[ok]]
    colours = _sample(image, pts)
    share = ok.mean(axis=0)
    read = share >= READ_SHARE * share.max()  # the tube's edge is where it is often
    if not read.any():
        return np.zeros((2 * R + 1, 3), np.float32), 0.0
    masked = np.where(ok[..., None], colours, np.nan)
    profile = np.full((2 * R + 1, 3), np.nan, np.float32)
    profile[read] = np.nanmedian(masked[:, read], axis=0)
    covered = float(read.mean())
    # colours of another hue than the tube's middle are the background the matte took in along its edge
    lab = cv2.cvtColor(np.clip(np.nan_to_num(profile), 0, 255).astype(np.uint8)[None], cv2.COLOR_RGB2LAB)[0]
    middle = lab[R // 2:R + R // 2 + 1, 1:].astype(np.float32)
    hue = np.median(middle[read[R // 2:R + R // 2 + 1]], axis=0) if read[R // 2:R + R // 2 + 1].any() else None
    if hue is not None:
        read &= np.hypot(*(lab[:, 1:].astype(np.float32) - hue).T) <= FOREIGN
    if not read.any():
        return np.zeros((2 * R + 1, 3), np.float32), 0.0
    have = np.flatnonzero(read)
    nearest = have[np.abs(np.arange(2 * R + 1)[:, None] - have[None, :]).argmin(axis=1)]
    return profile[nearest], covered


def _colours_across(image: np.ndarray, solid: np.ndarray, labels: np.ndarray, own: int, other: int, a: np.ndarray,
                    b: np.ndarray, r: float) -> np.ndarray | None:
    """The colours across the tube a-b (see :func:`_across`) read from its own part's pixels, else from those of
    both of the arm's tubes (the image gives the labels' boundary between two tubes lying over each other no
    meaning), else None: the image shows too little of it."""
    for parts in ([own], [own, other]):
        profile, read = _across(image, solid & np.isin(labels, parts), a, b, r)
        if read >= COVERED:
            return profile
    return None


def _tube(profile: np.ndarray, a: np.ndarray, b: np.ndarray, r: float) -> tuple[np.ndarray, tuple[int, int]]:
    """(RGBA [h, w, 4] uint8, its top-left image pixel): a tube from ``a`` to ``b`` of radius ``r``, round at both
    ends, coloured across by ``profile`` (its offsets -R..R from the axis), with a hard edge; at the round ends
    the colours across are squeezed onto the narrowing width, so the stripes follow the outline round."""
    R = (len(profile) - 1) // 2
    x0, y0 = np.floor(np.minimum(a, b) - r - BAND - 2).astype(int)
    x1, y1 = np.ceil(np.maximum(a, b) + r + BAND + 2).astype(int)
    py, px = np.mgrid[y0:y1 + 1, x0:x1 + 1].astype(np.float64)
    d = b - a
    L = max(float(np.hypot(*d)), 1e-6)
    u, n = d / L, np.array([-d[1], d[0]]) / L
    along = (px - a[0]) * u[0] + (py - a[1]) * u[1]
    side = (px - a[0]) * n[0] + (py - a[1]) * n[1]
    beyond = np.maximum(np.maximum(-along, along - L), 0.0)  # how far past an end
    dist = np.hypot(beyond, side)
    half = np.sqrt(np.maximum(r * r - beyond * beyond, 1e-6))
    s = np.clip(side * (r / half), -r, r) * (R / max(r, 1e-6)) + R
    lo = np.clip(np.floor(s).astype(int), 0, 2 * R)
    hi = np.minimum(lo + 1, 2 * R)
    f = (s - lo)[..., None]
    rgb = (1 - f) * profile[lo] + f * profile[hi]
    alpha = (dist <= r).astype(np.float64)
    rgba = np.dstack([np.clip(rgb, 0, 255), 255 * alpha]).round().astype(np.uint8)
    return rgba, (int(x0), int(y0))


def width_at(arm: np.ndarray, at: np.ndarray, reach: float) -> float:
    """The arm's half-width about the point ``at``: the largest distance to its outline of its pixels within
    ``reach`` of it."""
    dt = cv2.distanceTransform(arm.astype(np.uint8), cv2.DIST_L2, 5)
    h, w = arm.shape
    x0, y0 = max(0, int(at[0] - reach)), max(0, int(at[1] - reach))
    x1, y1 = min(w, int(at[0] + reach) + 1), min(h, int(at[1] + reach) + 1)
    if x1 <= x0 or y1 <= y0:
        return 0.0
    py, px = np.mgrid[y0:y1, x0:x1]
    near = np.hypot(px - at[0], py - at[1]) <= reach
    return float(dt[y0:y1, x0:x1][near].max())


def tube_folded_arms(rig: Rig, spacing: float) -> list[str]:
    """Redraw every arm the image shows folded over itself as two tubes and its hand (see the module docstring);
    changes the arm layers of ``rig`` in place and returns the names of those redrawn. ``spacing``: the meshes'."""
    joints = rig.joints.astype(np.float64)

    def tubed(layer: Layer, side: str) -> Layer | None:
        if not folded_arm(joints, side, rig.width, rig.height):
            return None
        return _tubed(rig, layer, side, joints, spacing)

    return redraw_arms(rig, tubed)


def _tubed(rig: Rig, layer: Layer, side: str, joints: np.ndarray, spacing: float) -> Layer | None:
    """The arm layer of a folded arm redrawn as two tubes and its hand; None when the image shows too little of
    the arm to read its tubes from."""
    upper_id, fore_id, hand_id = (PARTS.index(p) for p in ARM_PARTS[side])
    sh, el, wr = (joints[J[f"{side}_{k}"]] for k in ("shoulder", "elbow", "wrist"))
    arm = np.isin(rig.labels, [upper_id, fore_id]) & (rig.matte > 0.5)
    r = width_at(arm, el, WIDTH_NEAR * float(np.hypot(*(el - sh))))
    hand = _hand_mask(layer, rig.labels, (upper_id, fore_id, hand_id))
    if r < 2 or hand is None:
        return None
    solid = rig.matte > 0.5
    profile = _colours_across(rig.image, solid, rig.labels, fore_id, upper_id, el, wr, r)
    if profile is None:
        profile = _colours_across(rig.image, solid, rig.labels, upper_id, fore_id, sh, el, r)
    if profile is None:
        return None
    # one texture: the forearm's tube painted where the image shows the forearm, the hand over it as the image
    # shows it, each opaque a little past its outline; the upper arm's tube takes its colours from the forearm's
    tube, at = _tube(profile, el, wr, r)
    ox, oy = min(layer.origin[0], at[0]), min(layer.origin[1], at[1])
    th = max(layer.origin[1] + layer.texture.shape[0], at[1] + tube.shape[0]) - oy
    tw = max(layer.origin[0] + layer.texture.shape[1], at[0] + tube.shape[1]) - ox
    rgb = np.zeros((th, tw, 3), np.uint8)
    fore = np.zeros((th, tw), bool)
    hand_full = np.zeros((th, tw), bool)
    ty, tx = at[1] - oy, at[0] - ox
    rgb[ty:ty + tube.shape[0], tx:tx + tube.shape[1]] = tube[..., :3]
    fore[ty:ty + tube.shape[0], tx:tx + tube.shape[1]] = tube[..., 3] > 0
    ly, lx = layer.origin[1] - oy, layer.origin[0] - ox
    lh, lw = layer.texture.shape[:2]
    hand_full[ly:ly + lh, lx:lx + lw] = hand
    fore_rgba, fore_mesh = _in_front(rgb, fore)
    hand_rgba, hand_mesh = _in_front(np.where(hand_full[..., None], _placed(layer.texture[..., :3], ly, lx, th, tw),
                                              rgb), hand_full)
    texture = np.where(cv2.dilate(hand_full.astype(np.uint8), disc(BAND)).astype(bool)[..., None], hand_rgba,
                       fore_rgba)
    # the upper arm's tube, at rest from the shoulder to the elbow, less the round of the shoulder that the body
    # draws in front of it
    upper_mask = _capsule(sh, el, r, (ox, oy), (th, tw)) & ~_under_shoulder(rig.labels, joints, side, r, (ox, oy),
                                                                            (th, tw))
    free = _clear_of(cv2.dilate(hand_full.astype(np.uint8), disc(2 * BAND)).astype(bool), el, wr, r, (ox, oy))
    origin = np.float32([ox, oy])
    sheets = []
    for bone, mask in ((1, upper_mask), (2, fore_mesh), (3, hand_mesh)):
        v, t = triangulate(mask, spacing)
        v = v + origin
        uv = v - origin if bone != 1 else _onto_forearm(v, sh, el, wr, free) - origin
        sheets.append((bone, v, t, uv))
    verts, tris, uvs, weights, start = [], [], [], [], 0
    for bone, v, t, uv in sheets:
        verts.append(v)
        tris.append(t + start)
        uvs.append(uv)
        w = np.zeros((len(v), len(LAYER_BONES[layer.name])), np.float32)
        w[:, bone] = 1.0
        weights.append(w)
        start += len(v)
    return Layer(name=layer.name, bones=layer.bones, vertices=np.concatenate(verts).astype(np.float32),
                 triangles=np.concatenate(tris).astype(np.int32), weights=np.concatenate(weights),
                 texture=np.ascontiguousarray(texture), origin=(int(ox), int(oy)),
                 uv=np.concatenate(uvs).astype(np.float32))


def _placed(texture: np.ndarray, y: int, x: int, h: int, w: int) -> np.ndarray:
    """``texture`` placed at (``y``, ``x``) on an empty [h, w, C] array."""
    out = np.zeros((h, w) + texture.shape[2:], texture.dtype)
    out[y:y + texture.shape[0], x:x + texture.shape[1]] = texture
    return out


def _capsule(a: np.ndarray, b: np.ndarray, r: float, origin: tuple[int, int], shape: tuple[int, int]) -> np.ndarray:
    """[h, w] bool over the ``shape`` of pixels from image pixel ``origin``: within ``r`` of the segment a-b."""
    py, px = np.mgrid[origin[1]:origin[1] + shape[0], origin[0]:origin[0] + shape[1]].astype(np.float64)
    return segment_distance(px, py, a, b) <= r


def _clear_of(mask: np.ndarray, a: np.ndarray, b: np.ndarray, r: float, origin: tuple[int, int]) -> float:
    """How far from ``a`` towards ``b`` the tube a-b (radius ``r``) runs clear of ``mask`` (an array whose pixel
    (0, 0) is image pixel ``origin``)."""
    d = b - a
    L = max(float(np.hypot(*d)), 1e-6)
    u, n = d / L, np.array([-d[1], d[0]]) / L
    steps = np.arange(0.0, L, 1.0)
    pts = a + steps[:, None, None] * u + np.linspace(-r, r, 9)[None, :, None] * n - np.asarray(origin, np.float64)
    xi, yi = np.round(pts[..., 0]).astype(int), np.round(pts[..., 1]).astype(int)
    ok = (xi >= 0) & (xi < mask.shape[1]) & (yi >= 0) & (yi < mask.shape[0])
    hit = np.zeros(xi.shape, bool)
    hit[ok] = mask[yi[ok], xi[ok]]
    rows = np.flatnonzero(hit.any(axis=1))
    return float(steps[rows[0]]) if len(rows) else L


def _onto_forearm(v: np.ndarray, sh: np.ndarray, el: np.ndarray, wr: np.ndarray, free: float) -> np.ndarray:
    """[N, 2] where points ``v`` of the upper arm's tube take their colours: the point of the forearm's tube as far
    across it, and as far along it from the elbow in shares of the upper arm's length and of the forearm's clear
    of the hand (its first ``free`` pixels); the round end about the elbow taken as it is, so the two tubes'
    colours meet there. Drawn over each other, a pixel between the two is coloured from the forearm's tube too,
    not from the texture's empty parts (a crack)."""
    u_up, u_fo = sh - el, wr - el
    L_up, L_fo = max(float(np.hypot(*u_up)), 1e-6), max(float(np.hypot(*u_fo)), 1e-6)
    u_up, u_fo = u_up / L_up, u_fo / L_fo
    n_up, n_fo = np.array([-u_up[1], u_up[0]]), np.array([-u_fo[1], u_fo[0]])
    along, across = (v - el) @ u_up, (v - el) @ n_up
    along = np.where(along <= 0, along, np.minimum(along, L_up) * max(free, 1.0) / L_up)
    return el + along[:, None] * u_fo + across[:, None] * n_fo


def _under_shoulder(labels: np.ndarray, joints: np.ndarray, side: str, r: float, origin: tuple[int, int],
                    shape: tuple[int, int]) -> np.ndarray:
    """[h, w] bool over the ``shape`` of pixels from image pixel ``origin``: where the body is in front of the
    upper arm's tube (of radius ``r``): the shoulder's round (``fill.shoulder_round``, which the body's layer
    paints whole), at least the tube's radius. It turns on itself as the arm turns about the shoulder, so the
    body covers the tube's end whatever the arm does."""
    sh = joints[J[f"{side}_shoulder"]]
    centre, radius = shoulder_round(labels, joints, side)
    py, px = np.mgrid[origin[1]:origin[1] + shape[0], origin[0]:origin[0] + shape[1]]
    return (np.hypot(px - sh[0], py - sh[1]) < r) | (np.hypot(px - centre[0], py - centre[1]) < radius)


def _hand_mask(layer: Layer, labels: np.ndarray, arm_ids: tuple[int, int, int]) -> np.ndarray | None:
    """[h, w] bool over an arm layer's texture: its solid pixels (alpha at least HARD) nearer the hand's pixels
    than any other of the arm's parts' (``arm_ids``: the upper arm's, the forearm's and the hand's label); None
    when the image shows no hand."""
    th, tw = layer.texture.shape[:2]
    ox, oy = layer.origin
    H, W = labels.shape
    box = np.full((th, tw), -1, np.int16)
    ys, xs = max(0, oy), max(0, ox)
    ye, xe = min(H, oy + th), min(W, ox + tw)
    if ye > ys and xe > xs:
        box[ys - oy:ye - oy, xs - ox:xe - ox] = labels[ys:ye, xs:xe]
    hand_id = arm_ids[2]
    if not (box == hand_id).any():
        return None
    arm = np.isin(box, arm_ids)
    _, (iy, ix) = ndimage.distance_transform_edt(~arm, return_indices=True)
    return (layer.texture[..., 3] >= HARD) & (box[iy, ix] == hand_id)


def _in_front(rgb: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(RGBA [h, w, 4] uint8, its mesh's mask [h, w]) of a piece drawn over another of its layer: opaque over
    ``mask`` and BAND pixels past it (in the colours of its nearest pixel), its mesh a pixel past the mask."""
    _, (iy, ix) = ndimage.distance_transform_edt(~mask, return_indices=True)
    solid = cv2.dilate(mask.astype(np.uint8), disc(BAND)).astype(bool)
    rgba = np.dstack([rgb[iy, ix], np.where(solid, 255, 0).astype(np.uint8)])
    return rgba, cv2.dilate(mask.astype(np.uint8), None).astype(bool)

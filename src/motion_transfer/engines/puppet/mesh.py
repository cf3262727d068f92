"""Layers of the puppet: a textured triangle mesh per body layer, with smooth skinning weights.

Each layer (body = head + torso, two arms, two legs) covers its parts' pixels plus a thin band (a few pixels)
in its own colours, fading out, which hides the seam under a neighbouring layer and leaves no fringe of the
neighbour's colour when the layer moves. The body layer also covers the torso hidden behind the arms in the
image (inside the shoulder-hip quadrilateral, or enclosed by the torso's own outline), painted in from the
torso's own pixels. Where the character is cut by the image border, the body continues past it: below and to
the sides the border's pixels repeated (fading out to the sides), above as the top of a head (a head cut by the
top edge). The layer's alpha is the matte times the band's ramp; the painted-in torso is opaque. The figure's
rim (its outermost pixels, mixed with the image's old background) takes its colours from further in and its
softness into the alpha; in a photograph its outline's colour is first brought level with its lightness (a video
frame's lags it: ``cut_edge.colour_caught_up``), then its blur against the backdrop is unmixed as deep as it goes
(``cut_edge.outline_unmixed``), the figure's colour drawn and its share taken into the alpha. An arm's cut
through the figure (where it meets the body or a leg) is smoothed, and those of its outermost pixels that blend
the arm's colours with its neighbour's take theirs from further in (``cut_edge``; in a photograph as deep as the
blur of the arm's edge goes, unmixed, and its band fading out from its outline smoothed, not from its pixels'
staircase).

Meshes: points along the layer's outline (every half spacing) and on a grid inside (every spacing), Delaunay-
triangulated; triangles outside the layer are dropped, and so are triangles that bridge two parts which only
touch in the image (a forearm folded against the upper arm). Weights: a limb vertex follows the bone of the
part under it and blends with the neighbouring bone only around their shared joint; the body blends pelvis,
chest and head frames by height along the spine and neck, what hangs from the head below the chin following it
whole (``neck``); then a few rounds of smoothing over the mesh. On a short neck the body's mesh is finer where the
head's frame blends with the chest's; where either applies, its triangles are drawn in ``neck.drawing_order``'s order.
A hanging lock whose tip lies on the clothes is a piece of its own, drawn over the body with the clothes painted in
under it (``locks``).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import cv2
import numpy as np
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay

from ...pose.retarget import HC, MH, MS, extend, side_on_head
from ...pose.skeleton import J, shoulder_span
from .along_lines import along_edges, flat_art
from .armpit import cloth_edge, held_by_trunk, under_armpits
from .below import continue_below
from .box import hinged
from .cap import cap_rows, top_cap
from .cut_edge import (LINE_EDGE, blended_cut, blur_depth, colour_caught_up, cut_pixels, flat_cut, line_cover,
                       outline_distance, outline_unmixed, smooth_cut, smooth_flat_cut, uncreased, unblended)
from .drape import fill_hidden_drape, solid_drape_matte
from .drawn_hand import hand_reach
from .envelope import body_frame
from .fill import continue_cut_arm, fill_hidden_torso, hand_rows, hidden_limb, redraw_cut_hand, sleeve_rims_painted
from .fitted_legs import crotch_held, one_joint_each
from .hair import hanging_hair
from .hair_behind import HairBehind, hair_behind_arms
from .hair_drop import hair_drop, off_the_clothes, resting_hair
from .ledge import under_ledges
from .locks import resting, split_locks
from .model import (CHAIN_JOINT, DEFAULT_ORDER, LAYER_BONES, LAYERS, PARTS, TRUNK_LAYERS, DrawnHand, HairRelease,
                    Layer, Rig, arms_behind, part_segment, segment_distance, smoothstep)
from .morphology import dilate_disc
from .neck import (SETTLED, at_vertices, drawing_order, hair_lowering, hanging, head_share, held_locks, join_zone,
                   neck_across, neck_blend, rig_blend, shoulder_hold, slits, worn_clothes)
from .outlines import drawn_lines
from .shoulder_pads import pads_whole
from .side_shade import paint_side_shade, side_shade
from .sleeve_outline import side_room
from .pelvis import pelvis_region
from .underhair import complete_under_hair


FINE = 3  # in a mesh's fine zone its points lie this many times closer together
TILE_GAP = 4  # (pixels) clear columns between a layer's texture and a piece's laid beside it


def triangulate(mask: np.ndarray, spacing: float,
                fine: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(vertices [N, 2] float32 pixel coordinates, triangles [M, 3] int32) covering ``mask``; within ``fine``
    (HxW bool, optional) the points lie FINE times closer together (there, a triangle spans no more than the
    short stretch over which the layer's pieces move apart)."""
    m8 = mask.astype(np.uint8)
    contours, _ = cv2.findContours(m8, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    pts = _along(contours, max(1.5, spacing / 2))
    if not pts:
        return np.zeros((0, 2), np.float32), np.zeros((0, 3), np.int32)
    dt = cv2.distanceTransform(m8, cv2.DIST_L2, 5)
    pts.append(_grid(dt, spacing))
    if fine is not None:
        pts += [p[fine[p[:, 1].astype(int), p[:, 0].astype(int)]]
                for p in _along(contours, max(1.5, spacing / (2 * FINE)))]
        pts.append(_grid(dt, spacing / FINE, fine))
    h, w = mask.shape
    P = np.vstack(pts)
    P = np.unique(np.round(P, 2), axis=0)
    if len(P) < 3:
        return np.zeros((0, 2), np.float32), np.zeros((0, 3), np.int32)
    tri = Delaunay(P).simplices
    # keep triangles inside the mask: centroid and edge midpoints (at least two of three) inside

    def inside_at(q: np.ndarray) -> np.ndarray:
        xi = np.clip(np.round(q[:, 0]).astype(int), 0, w - 1)
        yi = np.clip(np.round(q[:, 1]).astype(int), 0, h - 1)
        return mask[yi, xi]

    c = P[tri].mean(axis=1)
    mids = [(P[tri[:, a]] + P[tri[:, b]]) / 2 for a, b in ((0, 1), (1, 2), (2, 0))]
    votes = sum(inside_at(mm).astype(int) for mm in mids)
    keep = inside_at(c) & (votes >= 2)
    tri = tri[keep]
    used = np.unique(tri)
    remap = -np.ones(len(P), np.int64)
    remap[used] = np.arange(len(used))
    return P[used].astype(np.float32), remap[tri].astype(np.int32)


def _mesh_slits(gaps: np.ndarray, spacing: float, offset: tuple[int, int], verts: np.ndarray, tris: np.ndarray,
                weights: np.ndarray, clear: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The body's mesh (``verts`` image pixels, ``tris`` in drawing order, their ``weights`` and ``clear``) with its
    ``gaps`` (HxW bool over its crop, pixel (0, 0) at image pixel ``offset``: :func:`.neck.slits`) meshed too, a pixel
    into the mesh's edge, by triangles drawn clear before the others. Each of their corners is skinned as the mesh's
    nearest vertex (the cheek's above a slit, the collar's below it), so they span the slit as it opens."""
    sv, st = triangulate(cv2.dilate(gaps.astype(np.uint8), None).astype(bool), spacing / FINE)
    if len(st) == 0:
        return verts, tris, weights, clear
    sv = sv + np.float32(offset)
    nearest = np.argmin(((sv[:, None, :] - verts[None, :, :]) ** 2).sum(axis=2), axis=1)
    return (np.concatenate([verts, sv]), np.concatenate([st + len(verts), tris]),
            np.concatenate([weights, weights[nearest]]), np.concatenate([np.ones(len(st), bool), clear]))


def _along(contours: list[np.ndarray], step: float) -> list[np.ndarray]:
    """Points every ``step`` pixels along each of ``contours`` (OpenCV's) of three points or more."""
    out = []
    for c in contours:
        c = c[:, 0, :].astype(np.float64)
        if len(c) < 3:
            continue
        closed = np.vstack([c, c[:1]])
        seg = np.linalg.norm(np.diff(closed, axis=0), axis=1)
        cum = np.concatenate([[0], np.cumsum(seg)])
        n = max(3, int(cum[-1] / step))
        ts = np.linspace(0, cum[-1], n, endpoint=False)
        out.append(np.stack([np.interp(ts, cum, closed[:, 0]), np.interp(ts, cum, closed[:, 1])], axis=1))
    return out


def _grid(dt: np.ndarray, spacing: float, within: np.ndarray | None = None) -> np.ndarray:
    """[K, 2] the points of a square grid ``spacing`` apart at least 0.45 spacings inside the mask (``dt``: its
    distance transform), and inside ``within`` where given. A grid spacing/FINE apart holds the grid spacing apart
    (both start half a spacing in)."""
    h, w = dt.shape
    gy, gx = np.mgrid[spacing / 2:h:spacing, spacing / 2:w:spacing]
    gx, gy = gx.ravel(), gy.ravel()
    inside = dt[gy.astype(int), gx.astype(int)] > 0.45 * spacing
    if within is not None:
        inside &= within[gy.astype(int), gx.astype(int)]
    return np.stack([gx[inside], gy[inside]], axis=1)


# blend radius at each joint, as a fraction of the shoulder width
JOINT_RADIUS = {"shoulder": 0.2, "elbow": 0.15, "wrist": 0.12, "hip": 0.26, "knee": 0.18, "ankle": 0.12}
# ... at an arm's elbow and wrist no more than this many times the arm's half-width there (:func:`arm_half_widths`):
# a slim arm on broad shoulders (TikTok character 2) blended its upper arm and forearm over three times its own
# width, and its forearm and hand over twice: a raised forearm was drawn as a long S-bent tube from half-way up the
# upper arm, with no elbow, sagging at its middle and turning up into the hand
ARM_WIDTHS = 1.0
ARM_NEAR = 0.05  # (shoulder widths) the arm's half-width is read this near the joint (it may lie off its middle)


def arm_half_widths(own: np.ndarray, joints: np.ndarray, side: str, sw: float) -> dict[str, float]:
    """The half-widths of the arm whose pixels are ``own`` (HxW) at its elbow and wrist (of ``side``, ``joints``
    [33 or 36, 2]): at each, the deepest of its pixels (from its outline) within ARM_NEAR shoulder widths ``sw`` of
    the joint; a joint none of whose pixels lies there (past the image's border) has none."""
    r = max(1, round(ARM_NEAR * sw))
    h, w = own.shape
    dt = None
    out = {}
    for name in ("elbow", "wrist"):
        x, y = (round(float(c)) for c in joints[J[f"{side}_{name}"]])
        y0, y1, x0, x1 = max(0, y - r), min(h, y + r + 1), max(0, x - r), min(w, x + r + 1)
        if y0 >= y1 or x0 >= x1 or not own[y0:y1, x0:x1].any():
            continue
        if dt is None:  # (the image's border is no outline of the arm)
            dt = cv2.distanceTransform(np.pad(own, 1, mode="edge").astype(np.uint8), cv2.DIST_L2, 5)[1:-1, 1:-1]
        out[name] = float(dt[y0:y1, x0:x1].max())
    return out


def _joint_of(layer: str, bone_index: int, ext: np.ndarray) -> tuple[np.ndarray, str]:
    side = "left" if layer.endswith("_l") else "right"
    kind = LAYER_BONES[layer][bone_index][2:]
    name = CHAIN_JOINT[kind]
    return ext[J[f"{side}_{name}"]], name


def skin_weights(layer: str, verts: np.ndarray, joints: np.ndarray, tris: np.ndarray,
                 vert_bone: np.ndarray | None = None, hung: np.ndarray | None = None,
                 blend: tuple[float, float] | None = None, rigid: np.ndarray | None = None,
                 lowered: np.ndarray | None = None, half_widths: dict[str, float] | None = None,
                 held: np.ndarray | None = None) -> np.ndarray:
    """[N, B] weights of ``verts`` over ``LAYER_BONES[layer]`` (rows sum to 1).

    Body: pelvis, chest and head frames blended by height along the spine and the neck (the head's from low on
    the neck up to the chin: :func:`.neck.head_share`), and at least as far as each vertex hangs from the head
    (``hung`` [N] in [0, 1], :func:`.neck.hanging`), before and after the smoothing (smoothed, a ponytail lying
    against the neck took half the neck's blend back; ``blend``: the neck's, :func:`.neck.neck_blend`; ``lowered``
    [N]: the blend's start lowered through the hair beside the neck, :func:`.neck.hair_lowering`; ``held`` [N]: how
    far the hair lying on the shoulders follows the chest instead, :func:`.neck.shoulder_hold`); the vertices
    of a drawn box torso (``rigid`` [N] bool, :mod:`.box`) follow the chest frame whole, none of the pelvis's nor
    the head's (the box's top blended into the head's frame, or taken for hair of the head's colour hanging from
    it, bent as the head turned). Limbs: each vertex
    follows the bone of its own part (``vert_bone``, an index into the layer's bones; else the nearest bone)
    and blends with the neighbouring bone only around the joint they share (Gaussian, about a limb's width),
    so a limb folded against itself in the image does not drag one part's pixels along the other; at a joint of
    ``half_widths`` (the limb's half-width there by joint name, :func:`arm_half_widths`) no wider than ARM_WIDTHS
    times it.
    """

    ext = extend(joints)
    ms, mh = ext[MS], ext[MH]
    bones = LAYER_BONES[layer]
    n = len(verts)
    sw = shoulder_span(ext, 1.0)
    if layer in TRUNK_LAYERS:
        spine = ms - mh
        t = ((verts - mh) @ spine) / max(float(spine @ spine), 1e-9)
        w_chest = smoothstep(0.25, 0.85, t)
        w_head = head_share(verts, ext, blend, lowered)
        w_head = w_head if hung is None else np.maximum(w_head, hung)
        W = np.stack([(1 - w_chest) * (1 - w_head), w_chest * (1 - w_head), w_head], axis=1)
    else:
        if vert_bone is None:
            d = np.stack([segment_distance(verts[:, 0], verts[:, 1], *part_segment(b, ext)) for b in bones[1:]],
                         axis=1)
            vert_bone = 1 + np.argmin(d, axis=1)
        W = np.zeros((n, len(bones)))
        W[np.arange(n), vert_bone] = 1.0
        for b in range(1, len(bones)):
            # the joint between bone b-1 and bone b: vertices of either side blend with the other
            j, name = _joint_of(layer, b, ext)
            rho = JOINT_RADIUS[name] * sw
            if half_widths and name in half_widths:
                rho = min(rho, ARM_WIDTHS * half_widths[name])
            g = np.exp(-(np.linalg.norm(verts - j, axis=1) / rho) ** 2)
            W[vert_bone == b, b - 1] += g[vert_bone == b]
            W[vert_bone == b - 1, b] += g[vert_bone == b - 1]
        W /= W.sum(axis=1, keepdims=True)
    # smooth over the mesh's edges
    if len(tris) and n > 3:
        edges = np.concatenate([tris[:, [0, 1]], tris[:, [1, 2]], tris[:, [2, 0]]])
        edges = np.concatenate([edges, edges[:, ::-1]])
        deg = np.bincount(edges[:, 0], minlength=n).astype(np.float64)
        for _ in range(3):
            acc = np.zeros_like(W)
            np.add.at(acc, edges[:, 0], W[edges[:, 1]])
            nb = acc / np.maximum(deg, 1)[:, None]
            W = np.where(deg[:, None] > 0, 0.5 * W + 0.5 * nb, W)
    if layer in TRUNK_LAYERS:
        # the smoothing softens the neck's blend down into the neck, never up into the face above the chin (nor off
        # what hangs from the head): smoothed, the face's lower half (mouth, chin) followed the chest by up to a
        # tenth and was sheared whenever the head tilted from the chest (TikTok character 3 driven by clip 5's
        # close-up); the chest's and the pelvis's shares of the rest as they were
        whole = np.where(w_head >= 1.0 - SETTLED, 1.0, hung if hung is not None else 0.0)
        up = whole > W[:, 2]
        W[up, :2] *= ((1 - whole[up]) / np.maximum(W[up, :2].sum(axis=1), 1e-9))[:, None]
        W[up, 2] = whole[up]
        if held is not None:  # (after the smoothing and the restoring: held among them, specks of hair drawn off)
            W[:, 1] += W[:, 2] * held
            W[:, 2] *= 1.0 - held
    if rigid is not None:
        W[rigid] = np.eye(len(bones))[bones.index("chest")]
    W = np.clip(W, 0, None)
    W /= np.maximum(W.sum(axis=1, keepdims=True), 1e-9)
    return W.astype(np.float32)


def _split_folds(layer: str, verts: np.ndarray, tris: np.ndarray, labels: np.ndarray, joints: np.ndarray):
    """Each limb vertex's bone (from the part under it, the nearest of the layer's parts for band vertices),
    and the mesh without triangles that bridge parts which only touch in the image (a folded elbow, a hand
    against the thigh): those join two parts that are not neighbours, or neighbours far from their joint."""

    bones = LAYER_BONES[layer]
    part_ids = [PARTS.index(b) for b in bones[1:]]
    own = np.isin(labels, part_ids)
    H, W = labels.shape
    if not own.any():
        return verts, tris[:0], np.zeros(len(verts), np.int64)
    xi = np.clip(np.round(verts[:, 0]).astype(int), 0, W - 1)
    yi = np.clip(np.round(verts[:, 1]).astype(int), 0, H - 1)
    x0, y0 = max(0, xi.min() - 2), max(0, yi.min() - 2)
    x1, y1 = min(W, xi.max() + 3), min(H, yi.max() + 3)
    sub_own = own[y0:y1, x0:x1]
    if not sub_own.any():
        return verts, tris[:0], np.zeros(len(verts), np.int64)
    _, (iy, ix) = ndimage.distance_transform_edt(~sub_own, return_indices=True)
    lab = labels[y0:y1, x0:x1][iy[yi - y0, xi - x0], ix[yi - y0, xi - x0]]
    vert_bone = 1 + np.array([part_ids.index(v) for v in lab], np.int64)
    ext = extend(joints.astype(np.float64))
    sw = shoulder_span(ext, 1.0)
    tb = vert_bone[tris]  # [M, 3]
    lo, hi = tb.min(axis=1), tb.max(axis=1)
    keep = hi - lo <= 1
    cen = verts[tris].mean(axis=1)
    for b in range(2, len(bones)):
        j, name = _joint_of(layer, b, ext)
        across = (lo == b - 1) & (hi == b)
        far = np.linalg.norm(cen - j, axis=1) > 2.5 * JOINT_RADIUS[name] * sw
        keep &= ~(across & far)
    tris = tris[keep | _enclosed(tris, ~keep)]
    used = np.unique(tris)
    remap = -np.ones(len(verts), np.int64)
    remap[used] = np.arange(len(used))
    return verts[used], remap[tris].astype(np.int32), vert_bone[used]


RIM = 2.0  # (pixels) the figure's outermost pixels, which mix its colours with the image's old background
RIM_CONTRAST = 30.0  # (RGB) a figure's colour this far from the background beside it tells how much of each a pixel is


def _rim(matte: np.ndarray) -> np.ndarray:
    """HxW bool: the figure's rim, its outermost pixels (within RIM of the matte's edge, and its soft ones),
    which mix its colours with the image's old background (anti-aliasing, a hard matte's edge); none where
    the matte shows no background beside the figure."""
    outside = matte < 0.05
    if not outside.any():
        return np.zeros(matte.shape, bool)
    return (cv2.distanceTransform((matte >= 0.5).astype(np.uint8), cv2.DIST_L2, 3) <= RIM) & ~outside


def _rim_cover(image: np.ndarray, inner: np.ndarray, matte: np.ndarray) -> np.ndarray:
    """HxW: how much of each pixel of ``image`` is the figure (colour ``inner``, taken from further in) rather
    than the backdrop behind it (the nearest pixel outside the figure): where along the line between the two
    its colour lies. Kept as it was in the layer, the rim drew a pale seam along a drawn arm's outline wherever
    the arm moved over the body; its colours come from further in and this coverage keeps the soft edge soft.
    Where the two colours are too alike to tell, 1 (the matte alone says)."""
    outside = matte < 0.05
    if not outside.any():
        return np.ones(matte.shape, np.float32)
    _, (oy, ox) = ndimage.distance_transform_edt(~outside, return_indices=True)
    back = image[oy, ox].astype(np.float32)
    span = inner.astype(np.float32) - back
    length2 = (span ** 2).sum(axis=2)
    share = ((image.astype(np.float32) - back) * span).sum(axis=2) / np.maximum(length2, 1.0)
    return np.where(length2 >= RIM_CONTRAST ** 2, np.clip(share, 0.0, 1.0), 1.0).astype(np.float32)


def _enclosed(tris: np.ndarray, dropped: np.ndarray) -> np.ndarray:
    """[M] bool: the ``dropped`` triangles of pieces (joined by shared edges) that reach nowhere near the mesh's
    outline. A fold's seam runs from outline to outline, so dropping it parts the two limbs; a piece enclosed
    by kept triangles parts nothing and would only leave a hole (the hand's label reaching up the forearm
    away from the wrist: TikTok clip 1's forearm showed a dark square near the wrist)."""
    out = np.zeros(len(tris), bool)
    if not dropped.any():
        return out
    edges = np.sort(np.concatenate([tris[:, [0, 1]], tris[:, [1, 2]], tris[:, [2, 0]]]), axis=1)
    key = edges[:, 0].astype(np.int64) * (int(tris.max()) + 1) + edges[:, 1]
    _, inverse, uses = np.unique(key, return_inverse=True, return_counts=True)
    tri_edges = inverse.reshape(3, -1).T  # [M, 3] each triangle's edges
    on_outline = (uses[tri_edges] == 1).any(axis=1)
    # the dropped triangles' pieces: joined where two of them share an edge
    ids = np.flatnonzero(dropped)
    e = tri_edges[ids].ravel()
    owner = np.repeat(np.arange(len(ids)), 3)
    order = np.argsort(e, kind="stable")
    same = e[order][1:] == e[order][:-1]
    a, b = owner[order][1:][same], owner[order][:-1][same]
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(ids), len(ids)))
    _, piece = connected_components(graph, directed=False)
    touches = np.zeros(piece.max() + 1, bool)
    np.logical_or.at(touches, piece, on_outline[ids])
    out[ids] = ~touches[piece]
    return out


def border_pads(matte: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) pixels to continue the character past each image border it touches."""
    H, W = matte.shape
    out = []
    for edge, size, frac in ((matte[:, 0], W, 0.12), (matte[0], H, 0.12), (matte[:, -1], W, 0.12),
                             (matte[-1], H, 0.3)):
        touching = (edge > 0.5).mean() > 0.02
        out.append(int(round(frac * max(H, W))) if touching else 0)
    return tuple(out)


CUT_SMOOTH = 0.8  # an arm's cut through the figure is smoothed by a disc this many band widths wide (radius)
PHOTO_SMOOTH = 3.0  # (band widths) a photographed arm's cut through the figure is smoothed by a Gaussian this wide
# (sigma): wider than its lobes' swing, narrower than a wrist's turn
FLAT_SMOOTH = 2.5  # (band widths) an arm's cut through a flat colour is smoothed by a Gaussian this wide (sigma)
CUT_RIM = 1.2  # (band widths) how deep into an arm from its cut through the figure its colours mix with the neighbour's
CUT_BLUR = 6.0  # (band widths) how deep a photographed arm's blur (its motion's) may mix them at most, and the
# outline's (its focus's and motion's) the figure with the backdrop
CREASE = 2.5  # (band widths) how deep into a photographed arm from its cut the shadow of its crease with the body goes
CREASE_BELOW = 0.1  # (spine lengths) ... below the line through the shoulders

PELVIS_SIDE = {"leg_l": "left", "leg_r": "right"}
LAYER_MIN_PIXELS = 20  # a layer whose parts hold fewer pixels is not drawn (nor its hidden torso painted)


def _hand_reach(hand: DrawnHand, shape: tuple[int, int], pads: tuple[int, int, int, int]) -> np.ndarray:
    """HxW bool (the padded arrays' pixels; ``pads``: left, top, right, bottom): where a ``hand`` the rig draws
    itself (image pixels) may reach in any pose: its length and a fingertip from its wrist, ahead of the wrist
    across its forearm (no finger bends back along the forearm, which the mesh holds already: the layer's box,
    warped every frame, grows no more than it must)."""
    shift = np.array([pads[0], pads[1]], np.float64)
    wrist, reach, back, u = hand_reach(hand, shift)
    side = np.array([-u[1], u[0]])
    half = [back + reach * side, back + reach * side + 2 * reach * u, back - reach * side + 2 * reach * u,
            back - reach * side]
    out = np.zeros(shape, np.uint8)
    cv2.circle(out, (int(round(wrist[0])), int(round(wrist[1]))), int(np.ceil(reach)), 1, -1)
    ahead = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(ahead, np.round(np.array(half)).astype(np.int32), 1)
    return (out & ahead).astype(bool)


def _lock_piece(lock: np.ndarray, clothes: np.ndarray, texture: np.ndarray, alpha: np.ndarray, spacing: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The mesh of the hanging locks split off the body (``lock``: their pixels over the layer's crop, whose
    ``texture`` and ``alpha`` they are drawn with), fine, and finer again along the ``clothes`` their tips lie on
    (its triangles reach a pixel or so past the strands' ends, not half a spacing: the shirt's colour they took
    along ended each lock in a light straight cut): (vertices [N, 2] and triangles [M, 3] over the crop, its RGBA
    texture over the crop, clear past its triangles, and its alpha); None where it has no triangles. Within one
    layer a pixel is drawn by one triangle: where the piece's triangles lie, it alone is drawn, as the image shows
    it."""
    mask = cv2.dilate((lock & (alpha > 0.004)).astype(np.uint8), None).astype(bool) & (lock | ~clothes)
    tip = cv2.dilate(clothes.astype(np.uint8), None, iterations=FINE).astype(bool)
    verts, tris = triangulate(mask, spacing / FINE, tip)
    if len(tris) == 0:
        return None
    cover = np.zeros(lock.shape, np.uint8)
    cv2.fillPoly(cover, list(np.round(verts[tris]).astype(np.int32)), 1)
    cover = cv2.dilate(cover, None).astype(bool)  # (the pixels its edges' sampling reaches)
    piece_alpha = np.where(cover, alpha, 0.0)
    return verts, tris, np.dstack([texture, np.round(piece_alpha * 255).astype(np.uint8)]), piece_alpha


def _tiles_beside(body: np.ndarray, piece: np.ndarray, verts: np.ndarray,
                  middle: float) -> tuple[np.ndarray, np.ndarray, int]:
    """(the layer's RGBA texture: the ``body``'s with the ``piece``'s columns (both over the crop) either side of
    column ``middle`` laid beside it, left and right, TILE_GAP clear columns apart; the piece's ``verts`` (crop
    pixels) in it; how many columns lie left of the body's). Each lock's texture lies on its own side, in its own
    rows: where the renderer enlarges its map bilinearly between a cell of the body and one of the lock, it reads
    the texture along the row between them, the background beside the lock and the gap (laid below the body's,
    that way ran through the shirt carried on below the picture: pale specks beside the lock)."""
    h, w = body.shape[:2]
    mid = int(np.clip(round(middle), 0, w))
    xs = np.nonzero(piece[..., 3].any(axis=0))[0]
    lx0 = int(xs[xs < mid].min()) if (xs < mid).any() else mid
    rx1 = int(xs[xs >= mid].max()) + 1 if (xs >= mid).any() else mid
    gap = np.zeros((h, TILE_GAP, 4), np.uint8)
    texture = np.concatenate([piece[:, lx0:mid], gap, body, gap, piece[:, mid:rx1]], axis=1)
    shift = mid - lx0 + TILE_GAP
    uv = verts.astype(np.float32).copy()
    left = verts[:, 0] < mid
    uv[left, 0] -= lx0
    uv[~left, 0] += shift + w + TILE_GAP - mid
    return texture, uv, shift


def _painted_body(image: np.ndarray, labels: np.ndarray, joints: np.ndarray, armpits: np.ndarray, photo: bool,
                  behind: HairBehind | None = None, **kw) -> tuple[np.ndarray, np.ndarray]:
    """:func:`fill.fill_hidden_torso` (its keywords ``kw``), with the shoulder pads behind gloves held in guard
    painted whole in their own shading (:func:`shoulder_pads.pads_whole`), the body under the armpits' cloth
    given to the arms (``armpits``) painted in (:func:`armpit.under_armpits`), and in a ``photo`` the shade a
    hanging arm leaves on the body's side painted over (:func:`side_shade.side_shade`; in drawn art a dark line
    along the arm is its outline, or the body's own shading drawn: a robot's dark side beside its arm), and the
    body's hair hanging behind an arm carried on under it (``behind``: :func:`hair_behind.hair_behind_arms`)."""
    painted, hidden = fill_hidden_torso(image, labels, joints, **kw)
    sw = shoulder_span(joints, 1.0)
    painted, under = under_armpits(pads_whole(painted, image, labels, joints), labels, armpits, sw)
    if photo:
        shade = side_shade(image, labels, joints, sw, kw.get("hair"))
        painted = paint_side_shade(painted, shade, (labels == PARTS.index("torso")) | hidden | under)
    if behind is not None:
        painted = behind.painted(painted)
        under = under | behind.under
    return painted, hidden | under


def build_layers(rig: Rig, spacing: float | None = None) -> list[Layer]:
    """The rig's layers, in the default back-to-front order."""

    labels, matte, image, joints = rig.labels, rig.matte, rig.image, rig.joints.astype(np.float64)
    chin = None if rig.chin is None else rig.chin.astype(np.float64)
    straps = rig.straps if rig.straps is not None else np.zeros(labels.shape, bool)
    armpits = rig.armpits if rig.armpits is not None else np.zeros(labels.shape, bool)
    # where the character is cut by the image border, continue it past the border (edge pixels repeated), so
    # that moving it never shows a straight cut edge
    pads = border_pads(matte)
    if pads[1]:  # room above the image for the whole top of a head cut by the top edge
        pads = (pads[0], max(pads[1], cap_rows(matte, joints)), pads[2], pads[3])
    if pads[3]:  # room below it for the whole hands of arms the bottom edge cuts (drawn on by continue_cut_arm)
        pads = pads[:3] + (max(pads[3], hand_rows(joints, rig.height)),)
        left, right = side_room(labels, matte, joints)  # and beside it for their sleeves
        pads = (max(pads[0], left), pads[1], max(pads[2], right), pads[3])
    behind_arms = np.full(labels.shape, -1, labels.dtype)  # the arms' pixels the arm layers leave out, by part
    stump_matte = np.zeros(matte.shape, np.float32)  # the picture's matte of a redrawn hand's stump over the body
    if any(pads):
        left, top, right, bottom = pads

        def pad(a):
            return cv2.copyMakeBorder(a, top, bottom, left, right, cv2.BORDER_REPLICATE)

        image, matte, labels, behind_arms = pad(image), pad(matte), pad(labels), pad(behind_arms)
        stump_matte = pad(stump_matte)
        straps = pad(straps.astype(np.uint8)).astype(bool)
        armpits = pad(armpits.astype(np.uint8)).astype(bool)
        joints = joints + np.array([left, top], np.float64)
        chin = None if chin is None else chin + np.array([left, top], np.float64)
        if bottom:  # the torso crossing the bottom edge goes on as itself, not as its last row repeated
            continue_below(image, matte, labels, joints, (left, top, rig.width, rig.height))
        # below the image the body goes on (clothes continue straight, at full strength); above and to the sides
        # (hair, a shoulder) the repeated edge fades out, so nothing mirrored or streaked shows when it moves in
        Hp, Wp = matte.shape
        fade = np.ones((Hp, Wp), np.float32)
        if top:
            image, fade[:top] = top_cap(image, matte, top, joints)
        if left:
            fade[:, :left] *= np.linspace(0.0, 1.0, left, endpoint=False, dtype=np.float32)[None, :]
        if right:
            fade[:, Wp - right:] *= np.linspace(1.0, 0.0, right, endpoint=False, dtype=np.float32)[None, :]
        matte = matte * fade
        # only the body continues (a limb cut by the border must not grow a streak that swings with it)
        margin = np.ones(matte.shape, bool)
        margin[top:top + rig.height, left:left + rig.width] = False
        body_parts = [PARTS.index(p) for p in LAYERS["body"]]
        drop = margin & ~np.isin(labels, body_parts)
        labels[drop] = -1
        matte[drop] = 0.0
        # an arm cut by the border goes on past it as a forearm and a hand (a waist-up video's hands come up)
        inside = (left, top, rig.width, rig.height)
        rig.meta["continued"] = []
        for name in ("arm_l", "arm_r"):
            before = labels.copy()
            hand = continue_cut_arm(image, matte, labels, joints, name, inside)
            # what it cleared of the arm's own pixels (tapering its forearm to the drawn wrist) is the arm's still
            # where the body lies behind: painted in there (left to nothing, the wall showed through the shirt's
            # hem where the arm had been once it moved away, TikTok character 1)
            cleared = np.isin(before, [PARTS.index(p) for p in LAYERS[name]]) & (labels < 0)
            behind_arms[cleared] = before[cleared]
            if hand is None:  # a hand cut past its wrist: drawn whole over its stump
                shown = matte.copy()
                hand = redraw_cut_hand(image, matte, labels, joints, name, inside)
                # the stump it cleared that stays a part's (the body painted in behind it) is the body's figure still:
                # read as backdrop, the body's pixels beside it were taken for its outline, their cover judged against
                # the colour painted in behind the stump, and left transparent (a dark speck on character 0's
                # waistband, clip 0 and 0<-1)
                kept = (labels >= 0) & (matte < shown)
                stump_matte[kept] = shown[kept]
            if hand is None:
                continue
            rig.meta["continued"].append(name)
            # the drawn hand's fingers are rigged as a hand the image showed, where the hand model found none
            # (one it found would be rigged from its own joints, and the drawn hand must be drawn at those)
            side = "left" if name == "arm_l" else "right"
            if getattr(rig, f"{side}_hand") is None:
                shift = np.array([left, top], np.float64)
                rig.drawn_hands[side] = replace(hand, joints=hand.joints - shift, elbow=hand.elbow - shift)
                setattr(rig, f"{side}_hand", rig.drawn_hands[side].joints.astype(np.float32))
    H, W = matte.shape
    ext = extend(joints)
    # the head ends at the face mesh's chin; a figure fitted to its silhouette's where the silhouette narrows, not at
    # its guessed chin
    fitted, blend = rig_blend(matte, ext, rig.source == "template", chin)
    # what hangs from the head, the locks split off it and how they follow it are told by the face joints' chin
    # still: from the face mesh's lower one, more of the hair beside the jaw reached up past it and hung from the
    # head whole, one of character 4's locks was no longer split off, and her hair's end beside the neck tore into
    # jagged strands as her head tilted (clip 4, frames 20-30); the lock's top following the head further, a pale
    # rim showed round its tip there
    hair_blend = neck_blend(ext, fitted)
    ys, _ = np.nonzero(matte > 0.5)
    extent = float(ys.max() - ys.min() + 1) if len(ys) else float(H)
    if spacing is None:
        spacing = max(4.0, 0.028 * extent)
    rig.meta["mesh_spacing"] = spacing
    band = max(2.5, 0.004 * extent)
    pelvis = pelvis_region(labels, joints)
    # drawn art: its lines' soft edges, and the reach of the layers' bands beyond them (None: a photograph)
    line = drawn_lines(image, (matte >= 0.5) & (labels >= 0), shoulder_span(joints, 1.0))
    drawn_art = line is not None or flat_art(image, (matte >= 0.5) & (labels >= 0))  # its staircases smoothed
    soft = near_line = None
    if line is not None:
        soft = cv2.dilate(line.astype(np.uint8), None, iterations=LINE_EDGE).astype(bool)
        near_line = cv2.dilate(line.astype(np.uint8), None, iterations=LINE_EDGE + int(np.ceil(band))).astype(bool)
    labc = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    hair = hanging_hair(labc, labels, joints)
    carried = hair_behind_arms(image, labels, joints, hair, matte)  # the hair hanging behind an arm goes on under it
    # the reach of the hands the rig draws itself: their fingers, posed afresh each frame (spread, the thumb out),
    # go past the open hand drawn at rest, and the arm's mesh must hold them (cut off at its edge, they ended in
    # the renderer's stair-stepped cells: TikTok character 5 moved by clip 0, frame 20)
    reach = {f"arm_{side[0]}": _hand_reach(hand, matte.shape, pads)
             for side, hand in rig.drawn_hands.items()}
    ledges = under_ledges(labels, matte, joints)
    # (a crease's shadow between an arm and the body's side lies below the shoulders: not the dark metal of an
    # astronaut's helmet ring that her arm's top took in beside it)
    frame = body_frame(joints, matte.shape)
    below_shoulders = frame.level >= CREASE_BELOW * frame.spine

    def make(name: str, painted: tuple[np.ndarray, np.ndarray] | None = None) -> Layer | None:
        """Layer ``name`` (None: too small to draw); ``painted``: the body's texture and hidden torso (an arm's
        cut is smoothed only over the torso the body paints in under it)."""
        idx = [PARTS.index(p) for p in LAYERS[name]]
        own_full = np.isin(labels, idx)
        if own_full.sum() < LAYER_MIN_PIXELS:
            return None
        texture_full = image
        core_full = own_full
        layer_matte = matte
        if name == "body":
            texture_full, hidden = painted
            core_full = own_full | hidden
            layer_matte = np.maximum(matte, stump_matte)
        elif name == "drape":  # the cape behind the legs and the body, painted in
            texture_full, hidden = fill_hidden_drape(image, labels, matte)
            core_full = own_full | hidden
            layer_matte = solid_drape_matte(matte)
        elif name.startswith("arm"):  # an arm cut in two by the other arm crossing it, joined again
            texture_full, hidden = hidden_limb(rimmed, labels, joints, name)
            core_full = own_full | hidden
            if hidden.any():
                rig.meta.setdefault("joined", []).append(name)
            # its side under the body's hair completed, painted with its own colours (not the torso's straight
            # cut through the hair with the strands' mixed colours along it)
            added, texture_full = complete_under_hair(texture_full, own_full, hair, matte > 0.5)
            core_full = core_full | added
            if name in ledges:  # narrowing into its side where it leaves the body's outline across the chest
                core_full = core_full | ledges[name]
            # (not the stump of a hand drawn over it past the drawn hand, cleared: fill.redraw_cut_hand; held as
            # the arm's, its band drew the stump's outline as a thin skin line beside the drawn hand, TikTok
            # character 0's right hand moved by clip 1, frames 50-60)
            core_full = core_full & ~(own_full & (matte <= 0))
        if pelvis is not None:  # the body draws the pelvis, each leg its own half under it
            if name == "body":
                core_full = core_full | pelvis["left"] | pelvis["right"] | pelvis["waist"]
            elif name in PELVIS_SIDE:
                core_full = core_full | pelvis[PELVIS_SIDE[name]]
        # everything else happens on a crop around the layer
        held = core_full | reach[name] if name in reach else core_full
        cy, cx = np.nonzero(held)
        m = int(np.ceil(band)) + 4
        x0, y0 = max(0, cx.min() - m), max(0, cy.min() - m)
        x1, y1 = min(W, cx.max() + m + 1), min(H, cy.max() + m + 1)
        core = core_full[y0:y1, x0:x1]
        own = own_full[y0:y1, x0:x1]
        mat = layer_matte[y0:y1, x0:x1]
        texture = texture_full[y0:y1, x0:x1]
        # a thin band around the layer in its own colours (the nearest solid pixel's), fading out: it hides the
        # seam under a neighbour at rest, and leaves no fringe of the neighbour's colour when the layer moves;
        # the matte's soft edge and the figure's rim get the same colours (no halo of the image's old background)
        rim = _rim(mat)
        solid = core & (mat >= 0.85) & ~rim
        drawn_cut = name.startswith("arm") and line is not None
        if name.startswith("arm") and line is None:  # a photograph's arm unmixed as deep as its blur goes
            depth = blur_depth(texture, core, mat >= 0.5, CUT_RIM * band, CUT_BLUR * band)
            texture = unblended(texture, core, mat >= 0.5, depth, CUT_RIM * band)
            texture = uncreased(texture, core, mat >= 0.5, CREASE * band, below_shoulders[y0:y1, x0:x1])
        colours = texture  # the colours the layer draws; its cover is read from ``texture``
        unmixed, held = texture, np.float32(1.0)  # the figure's colours, how much of each pixel is the figure
        if line is None:  # a photograph's outline against the backdrop unmixed as deep as its blur goes
            # (every layer's outline's colour level with its lightness first: lagging, the old wall's hue stayed on
            # as a pale rim once the layer moved over another backdrop: TikTok character 2's arm moved by clip 3,
            # a wavy lilac rim; the body's and the head's outlines)
            texture = colour_caught_up(texture, mat >= 0.5)
            unmixed, held = outline_unmixed(texture, mat >= 0.5, RIM, CUT_BLUR * band)
            colours = unmixed
        if name.startswith("arm") and (outline[y0:y1, x0:x1] & own).any():  # the sleeve's outline without the
            # backdrop's blur (fill.sleeve_rims_painted: painted into the cover, it moved the outline and the mesh)
            colours = np.where((outline[y0:y1, x0:x1] & own)[..., None], outlined[y0:y1, x0:x1], colours)
        if name.startswith("arm"):
            solid &= ~blended_cut(texture, core, mat >= 0.5, CUT_RIM * band)
        if drawn_cut:  # a drawn line's soft edge along the cut takes the line's colour (its softness: line_cover)
            # (only across the line from the layer's own surface: its soft edge on the layer's side blends the line
            # with the layer's colour, not the neighbour's, and stays as it is)
            surface = core & ~soft[y0:y1, x0:x1]
            to_others = cv2.distanceTransform((~((mat >= 0.5) & ~core)).astype(np.uint8), cv2.DIST_L2, 3)
            beyond = to_others < cv2.distanceTransform((~surface).astype(np.uint8), cv2.DIST_L2, 3)
            solid &= ~(soft[y0:y1, x0:x1] & ~line[y0:y1, x0:x1] & beyond & (to_others <= CUT_RIM * band))
        if not solid.any():
            solid = core & (mat >= 0.85) if (core & (mat >= 0.85)).any() else core
        _, (iy, ix) = ndimage.distance_transform_edt(~solid, return_indices=True)
        if name.startswith("arm"):  # its cut through the figure without notches or specks (colours as they were)
            flat = flat_cut(image[y0:y1, x0:x1], core, mat >= 0.5)
            if flat is not None:  # flat art's arm in its body's colour
                core = smooth_flat_cut(core, mat >= 0.5, flat, FLAT_SMOOTH * band)
                # drawn as one mass with the body in this colour: no contact shadow outlines the arm where it
                # has it (render.contact_shadow)
                flat_colour = np.median(image[y0:y1, x0:x1][flat], axis=0)
                rig.meta.setdefault("flat_cuts", {})[name] = tuple(float(v) for v in flat_colour)
            elif line is None:  # a photograph's cut: a smooth curve, not the labels' lobes along its blurred edge
                # (TikTok character 2's forearm over her white dress: its outline blurred into the dress, the
                # labels' border swung a few pixels either way every couple of dozen, wider lobes than
                # smooth_cut's disc takes off: a wavy, toothed lower edge once the arm moved off the body)
                # (kept off the armpit's cloth, which the trunk holds by the arm's pixels and mesh beside it)
                smoothed = smooth_flat_cut(core, mat >= 0.5, cut_pixels(core, mat >= 0.5), PHOTO_SMOOTH * band,
                                           armpits[y0:y1, x0:x1])
                # it takes off only pixels the body draws under the arm, painted in or within its band's opaque
                # half (the rest left holes at rest: a notch of the backdrop in the outline where a shoulder's thin
                # tip lay between its cut and the backdrop, TikTok character 4's left shoulder)
                drawn = np.isin(labels[y0:y1, x0:x1], [PARTS.index(p) for p in LAYERS["body"]])
                if painted is not None:
                    drawn |= painted[1][y0:y1, x0:x1]
                under = cv2.distanceTransform((~drawn).astype(np.uint8), cv2.DIST_L2, 5) <= (band - 1.0) / 2
                core = smoothed | (core & ~under)
            core = smooth_cut(core, mat >= 0.5, max(1, round(CUT_SMOOTH * band)))
        flat_side = None  # the body's side painted in under an arm of its own flat colour (and the band round it)
        if name == "body":  # (its outline there drawn as smooth as the arm's cut: it showed the pixels' staircase,
            # opaque, and a step where it met the body's outline, once the arm moved away: the teddy bear)
            arms = [PARTS.index(p) for p in LAYERS["arm_l"] + LAYERS["arm_r"]]
            beside = core | (np.isin(labels[y0:y1, x0:x1], arms) & (mat >= 0.5))
            flat = flat_cut(image[y0:y1, x0:x1], core, beside)
            if flat is not None:
                core = smooth_flat_cut(core, beside, flat, FLAT_SMOOTH * band)
                flat_side = dilate_disc(flat.astype(np.uint8), int(np.ceil(2 * band))).astype(bool)
        d_core = cv2.distanceTransform((~core).astype(np.uint8), cv2.DIST_L2, 5)
        ramp = np.clip((band - d_core) / max(band - 1.0, 1.0), 0.0, 1.0)
        inner = texture[iy, ix]
        # (the rim's cover against the figure's unmixed colour: against the blend further in, a rim pixel of the
        # backdrop's colour beyond a blend taken for the backdrop stood as a speck off the outline)
        cover = np.minimum(np.minimum(mat, held), np.where(rim, _rim_cover(texture, unmixed[iy, ix], mat), 1.0))
        alpha = cover * ramp
        meshed = None  # the pixels the mesh covers (None: those of the alpha)
        if name.startswith("arm") and line is None:  # a photograph's band fades out from its outline smoothed (no
            # sawtooth along the pixels' staircase), over the mesh of the pixels' one (a mesh of the smoothed one's
            # outline, its points moved, lost triangles at character 1's wrist: holes through the forearm)
            meshed = alpha > 0.004
            alpha = cover * np.clip((band - outline_distance(core)) / max(band - 1.0, 1.0), 0.0, 1.0)
        if flat_side is not None:
            alpha = np.where(flat_side, cover * np.clip((band - outline_distance(core)) / max(band - 1.0, 1.0),
                                                        0.0, 1.0), alpha)
        if drawn_cut:
            alpha = alpha * line_cover(texture, inner, core, mat >= 0.5, near_line[y0:y1, x0:x1] & beyond,
                                       CUT_RIM * band)
        texture = colours[iy, ix]
        if name in TRUNK_LAYERS:
            alpha = np.where(core & ~own, 1.0, alpha)  # the painted-in torso (and cape) is opaque
        elif name.startswith("arm") and armpits[y0:y1, x0:x1].any():
            alpha = cloth_edge(alpha, armpits[y0:y1, x0:x1], labels[y0:y1, x0:x1], band)
        hang = piece = rested = lowering = holding = None
        ends = []  # the held locks' tops and tips (:func:`.neck.held_locks`)
        if name == "body":
            hang = hanging(labels[y0:y1, x0:x1], labc[y0:y1, x0:x1], ext, spacing, (x0, y0), hair_blend)
            # hanging locks over the clothes: a piece of their own, over the clothes painted in under them; not
            # seen side on, where what hangs beside the neck lies down the back and over the shoulder (a ponytail:
            # split off, its ends on the shoulder and the neck's side it took along tore from it, TikTok character 1)
            locks = headed = None
            if not side_on_head(joints):
                clothes = (worn_clothes(labels[y0:y1, x0:x1], labc[y0:y1, x0:x1]) & (mat >= 0.5)) | (core & ~own)
                gy, gx = np.mgrid[y0:y1, x0:x1]
                headed = head_share(np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float64), ext, hair_blend)
                headed = headed.reshape(gy.shape) >= 1 - SETTLED
                locks = split_locks(hang, clothes, texture, alpha, (iy, ix), shoulder_span(joints, 1.0), headed)
            piece = None if locks is None else _lock_piece(locks.lock, clothes, locks.lock_texture, alpha, spacing)
            if piece is not None:
                # (the locks go down with the chin, and the hair they hang from, not the clothes, nor those painted
                # under them: :mod:`.hair_drop`)
                rested = resting_hair(locks.hung, hair[y0:y1, x0:x1], ~headed,
                                      clothes | (locks.texture != texture).any(axis=-1), spacing)
                texture, alpha, hang = locks.texture, locks.alpha, np.where(locks.hung, 0.0, hang)
            if not side_on_head(joints):  # hair resting on the shoulder, not split off, bends with the neck too
                torso = labels[y0:y1, x0:x1] == PARTS.index("torso")
                hang = np.where(resting(hang, torso, shoulder_span(joints, 1.0)), 0.0, hang)
            if piece is None:  # the hair beside the neck bends down its length (a lock split off goes down with the
                # chin instead: :mod:`.hair_drop`)
                # (with the hair carried on under an arm as the head's hair it goes on: bent down with the hair above
                # it, not held by the chest, which tore it from the hair as the head moved off the shoulder)
                under = carried.under[y0:y1, x0:x1]
                lowering = hair_lowering(hair[y0:y1, x0:x1] | under,
                                         np.where(under, PARTS.index("head"), labels[y0:y1, x0:x1]), ext, spacing,
                                         (x0, y0), blend)
                if not side_on_head(joints):  # long hair lying on the shoulders is held by them (not a ponytail)
                    lying = (labels[y0:y1, x0:x1] > PARTS.index("head")) & ~hair[y0:y1, x0:x1] & ~under  # clothes
                    holding = shoulder_hold(hair[y0:y1, x0:x1] | under, lying, ext, spacing,
                                            shoulder_span(joints, 1.0), (x0, y0), blend)
                    ends = held_locks(hair[y0:y1, x0:x1] | under, lying, ext, shoulder_span(joints, 1.0), (x0, y0),
                                      blend)
        if meshed is None:
            meshed = alpha > 0.004
        mesh_mask = cv2.dilate(meshed.astype(np.uint8), None, iterations=1).astype(bool)
        if name in reach:
            mesh_mask |= reach[name][y0:y1, x0:x1]
        fine = join_zone(mesh_mask.shape, (x0, y0), ext, spacing, blend) if name == "body" else None
        gaps = slits(mesh_mask, fine, spacing) if fine is not None else None
        verts, tris = triangulate(mesh_mask, spacing, fine)
        if len(tris) == 0:
            return None
        hung = None if hang is None else at_vertices(hang, mat >= 0.5, verts)
        lowered = None if lowering is None else at_vertices(lowering, mat >= 0.5, verts)
        held = None if holding is None else at_vertices(holding, mat >= 0.5, verts)
        on_shoulders = None  # the vertices of the hair resting on the shoulders
        if rested is not None:
            h, w = rested.shape
            at = (np.clip(np.round(verts[:, 1]).astype(int), 0, h - 1),
                  np.clip(np.round(verts[:, 0]).astype(int), 0, w - 1))
            # (not the rim of the hole the lock left over the shirt: :func:`.hair_drop.off_the_clothes`)
            on_shoulders = off_the_clothes(rested[at], clothes[at], tris)
        boxed = None  # a drawn box torso's vertices (those beside its pixels too): rigid
        if name == "body" and rig.box_torso:
            crop = labels[y0:y1, x0:x1]
            boxed = at_vertices(crop == PARTS.index("torso"), np.isin(crop, idx), verts)
        verts = verts + np.float32([x0, y0])
        rgba = np.dstack([texture, np.round(alpha * 255).astype(np.uint8)])
        if drawn_art:  # drawn art: its pixels' staircases, enlarged, serrated its outlines
            rgba = along_edges(rgba)
        vert_bone = None
        if name not in TRUNK_LAYERS:
            verts, tris, vert_bone = _split_folds(name, verts, tris, labels, joints)
            if len(tris) == 0:
                return None
        half_widths = None
        if name.startswith("arm"):
            half_widths = arm_half_widths(own_full, joints, "left" if name.endswith("_l") else "right",
                                          shoulder_span(joints, 1.0))
        weights = skin_weights(name, verts.astype(np.float64), joints.astype(np.float64), tris, vert_bone, hung,
                               blend, boxed, lowered, half_widths, held)
        # (the weights with none of the hair held, to let it go to where they put it: :mod:`.hair_release`)
        free = None if not ends or not held.any() else skin_weights(
            name, verts.astype(np.float64), joints.astype(np.float64), tris, vert_bone, hung, blend, boxed, lowered,
            half_widths)
        if name.startswith("arm") and armpits.any():
            weights = held_by_trunk(weights, verts, armpits, labels, own_full)
        if name.startswith("arm") and rig.box_torso:  # hinged to the box: turns whole about the shoulder
            weights = hinged(weights)
        if name in PELVIS_SIDE and rig.source == "template":  # a fitted leg's crotch stays under the body
            weights = one_joint_each(crotch_held(weights, verts.astype(np.float64), joints.astype(np.float64), pelvis))
        clear = None
        dropped = on_shoulders is not None and on_shoulders.any()
        if name == "body" and (fine is not None or hung.any() or dropped):  # (elsewhere the triangles as they were)
            # (the hair resting on the shoulders drawn with the head: it goes down with the chin, over the shoulder)
            ahead = weights[:, 2] if on_shoulders is None else np.where(on_shoulders, 1.0, weights[:, 2])
            order, clear = drawing_order(tris, verts - np.float32([x0, y0]), alpha, ahead)
            tris = tris[order]
        if gaps is not None and gaps.any():
            both = weights if free is None else np.concatenate([weights, free], axis=1)
            verts, tris, both, clear = _mesh_slits(gaps, spacing, (x0, y0), verts, tris, both, clear)
            weights, free = (both, None) if free is None else np.split(both, 2, axis=1)
            if on_shoulders is not None:
                on_shoulders = np.pad(on_shoulders, (0, len(verts) - len(on_shoulders)))
        uv, shift, over = None, 0, None
        if piece is not None:  # the locks drawn last, over the body, from their textures laid beside the body's
            lv, lt, lock_rgba, lock_alpha = piece
            # a lock lying on the clothes follows the neck's blend by height, not the head whole: its top at the chin
            # with the head, its tip on the shoulder with the chest, so it bends over the shoulder as the head tilts
            # (followed by how far each vertex lay beside the neck, its inner side was held by the chest and its
            # outer by the head: its tip stretched into a dark tail down the shirt, TikTok character 4)
            lw = skin_weights(name, lv.astype(np.float64) + [x0, y0], joints.astype(np.float64), lt, None, None,
                              hair_blend)
            lock_order, lock_clear = drawing_order(lt, lv, lock_alpha, lw[:, 2])
            lt = lt[lock_order]
            rgba, lock_uv, shift = _tiles_beside(rgba, lock_rgba, lv, float(ext[HC][0]) - x0)
            uv = np.concatenate([verts - np.float32([x0 - shift, y0]), lock_uv])
            clear = np.concatenate([np.zeros(len(tris), bool) if clear is None else clear, lock_clear])
            over = np.concatenate([np.zeros(len(tris), bool), np.ones(len(lt), bool)])
            tris = np.concatenate([tris, lt + len(verts)])
            verts = np.concatenate([verts, lv + np.float32([x0, y0])])
            weights = np.concatenate([weights, lw])
            on_shoulders = np.concatenate([on_shoulders, np.ones(len(lv), bool)])
        drop = (None if on_shoulders is None else
                hair_drop(verts - np.float32(pads[:2]), tris, on_shoulders, ext - np.float64(pads[:2]), spacing))
        release = None
        if free is not None:  # each vertex's lock: the one on its side of the neck
            side = neck_across(verts.astype(np.float64), ext) > 0
            lock = np.full(len(verts), -1)
            for k, (positive, _, _) in enumerate(ends):
                lock[side == positive] = k
            release = HairRelease(free=free, lock=lock, top=np.array([e[1] for e in ends]) - pads[:2],
                                  tip=np.array([e[2] for e in ends]) - pads[:2])
        return Layer(name=name, bones=LAYER_BONES[name], vertices=verts - np.float32([pads[0], pads[1]]),
                     triangles=tris, weights=weights, texture=np.ascontiguousarray(rgba),
                     origin=(int(x0) - pads[0] - shift, int(y0) - pads[1]), uv=uv, clear=clear, drop=drop,
                     over=over, release=release)

    # the torso hidden behind the arms is painted in (about two thirds of this function's time) on a second
    # thread while the other layers are made (it only reads the image, the labels and the joints; OpenCV and
    # numpy release the GIL); the layers come out the same, in the default order (the arms after it: an arm's cut
    # is smoothed only over what it paints in)
    made: dict[str, Layer | None] = {}
    with ThreadPoolExecutor(1, thread_name_prefix="rig-torso") as pool:
        body_idx = [PARTS.index(p) for p in LAYERS["body"]]
        waist_shown = bool(rig.joints[[J["left_hip"], J["right_hip"]], 1].mean() < rig.height)
        bottom = pads[1] + rig.height if pads[3] else None
        # (the body is painted in behind the arms' pixels their layers leave out as well)
        behind = np.where(behind_arms >= 0, behind_arms, labels)
        # (in a photograph the body goes on a little under the arms hanging against its side that are drawn over
        # it: not under one drawn behind it, which it would then cover; drawn art's side is its outline)
        front = () if drawn_art else tuple(
            name for name in ("arm_l", "arm_r")
            if name not in arms_behind(rig.visibility, rig.labels, rig.joints, rig.meta.get("drawn_from_twin", ())))
        painting = (pool.submit(_painted_body, image, behind, joints, armpits, line is None, carried, bottom=bottom,
                                waist_shown=waist_shown, hair=hair, straps=straps, fitted=rig.source == "template",
                                beside=front)
                    if np.isin(labels, body_idx).sum() >= LAYER_MIN_PIXELS else None)
        # (the arms draw their sleeves' rims over the shoulders' tops without the backdrop's colour, as the body
        # does; worked out beside the body's painting)
        rimmed, outlined, outline = sleeve_rims_painted(image, labels, joints, matte)
        for name in DEFAULT_ORDER:
            if name != "body" and not name.startswith("arm"):
                made[name] = make(name)
        painted = painting.result() if painting is not None else None
        for name in DEFAULT_ORDER:
            if name.startswith("arm"):  # (after the painting: an arm's cut is smoothed only over what it paints)
                made[name] = make(name, painted)
        made["body"] = make("body", painted) if painted is not None else None
    return [made[name] for name in DEFAULT_ORDER if made[name] is not None]

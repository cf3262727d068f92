"""Layers of the puppet: a textured triangle mesh per body layer, with smooth skinning weights.

Each layer (body = head + torso, two arms, two legs) covers its parts' pixels plus a thin band (a few pixels)
in its own colours, fading out, which hides the seam under a neighbouring layer and leaves no fringe of the
neighbour's colour when the layer moves. The body layer also covers the torso hidden behind the arms in the
image (inside the shoulder-hip quadrilateral, or enclosed by the torso's own outline), painted in from the
torso's own pixels. Where the character is cut by the image border, the body continues past it: below and to
the sides the border's pixels repeated (fading out to the sides), above as the top of a head (a head cut by the
top edge). The layer's alpha is the matte times the band's ramp; the painted-in torso is opaque.

Meshes: points along the layer's outline (every half spacing) and on a grid inside (every spacing), Delaunay-
triangulated; triangles outside the layer are dropped, and so are triangles that bridge two parts which only
touch in the image (a forearm folded against the upper arm). Weights: a limb vertex follows the bone of the
part under it and blends with the neighbouring bone only around their shared joint; the body blends pelvis,
chest and head frames by height along the spine and neck; then a few rounds of smoothing over the mesh.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage
from scipy.spatial import Delaunay

from ...pose.retarget import extend
from ...pose.skeleton import J
from .extras import fill_hidden_drape
from .fill import continue_cut_arm, fill_hidden_torso, hidden_limb, push_pull_fill
from .model import (CHAIN_JOINT, DEFAULT_ORDER, LAYER_BONES, LAYERS, PARTS, TRUNK_LAYERS, Layer, Rig, part_segment,
                    segment_distance)


def _smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def triangulate(mask: np.ndarray, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """(vertices [N, 2] float32 pixel coordinates, triangles [M, 3] int32) covering ``mask``."""
    m8 = mask.astype(np.uint8)
    contours, _ = cv2.findContours(m8, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    pts = []
    step = max(1.5, spacing / 2)
    for c in contours:
        c = c[:, 0, :].astype(np.float64)
        if len(c) < 3:
            continue
        closed = np.vstack([c, c[:1]])
        seg = np.linalg.norm(np.diff(closed, axis=0), axis=1)
        cum = np.concatenate([[0], np.cumsum(seg)])
        n = max(3, int(cum[-1] / step))
        ts = np.linspace(0, cum[-1], n, endpoint=False)
        xs = np.interp(ts, cum, closed[:, 0])
        ys = np.interp(ts, cum, closed[:, 1])
        pts.append(np.stack([xs, ys], axis=1))
    if not pts:
        return np.zeros((0, 2), np.float32), np.zeros((0, 3), np.int32)
    dt = cv2.distanceTransform(m8, cv2.DIST_L2, 5)
    h, w = mask.shape
    gy, gx = np.mgrid[spacing / 2:h:spacing, spacing / 2:w:spacing]
    gx, gy = gx.ravel(), gy.ravel()
    inside = dt[gy.astype(int), gx.astype(int)] > 0.45 * spacing
    grid = np.stack([gx[inside], gy[inside]], axis=1)
    P = np.vstack(pts + [grid])
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


# blend radius at each joint, as a fraction of the shoulder width
JOINT_RADIUS = {"shoulder": 0.2, "elbow": 0.15, "wrist": 0.12, "hip": 0.26, "knee": 0.18, "ankle": 0.12}


def _joint_of(layer: str, bone_index: int, ext: np.ndarray) -> tuple[np.ndarray, str]:
    side = "left" if layer.endswith("_l") else "right"
    kind = LAYER_BONES[layer][bone_index][2:]
    name = CHAIN_JOINT[kind]
    return ext[J[f"{side}_{name}"]], name


def skin_weights(layer: str, verts: np.ndarray, joints: np.ndarray, tris: np.ndarray,
                 vert_bone: np.ndarray | None = None) -> np.ndarray:
    """[N, B] weights of ``verts`` over ``LAYER_BONES[layer]`` (rows sum to 1).

    Body: pelvis, chest and head frames blended by height along the spine and the neck. Limbs: each vertex
    follows the bone of its own part (``vert_bone``, an index into the layer's bones; else the nearest bone)
    and blends with the neighbouring bone only around the joint they share (Gaussian, about a limb's width),
    so a limb folded against itself in the image does not drag one part's pixels along the other.
    """

    ext = extend(joints)
    ms, mh, hc = ext[33], ext[34], ext[35]
    bones = LAYER_BONES[layer]
    n = len(verts)
    sw = max(float(np.linalg.norm(ext[J["left_shoulder"]] - ext[J["right_shoulder"]])), 1.0)
    if layer in TRUNK_LAYERS:
        spine = ms - mh
        t = ((verts - mh) @ spine) / max(float(spine @ spine), 1e-9)
        w_chest = _smoothstep(0.25, 0.85, t)
        neck = hc - ms
        hgt = ((verts - ms) @ neck) / max(float(neck @ neck), 1e-9)
        w_head = _smoothstep(0.3, 0.7, hgt)
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
    sw = max(float(np.linalg.norm(ext[J["left_shoulder"]] - ext[J["right_shoulder"]])), 1.0)
    tb = vert_bone[tris]  # [M, 3]
    lo, hi = tb.min(axis=1), tb.max(axis=1)
    keep = hi - lo <= 1
    cen = verts[tris].mean(axis=1)
    for b in range(2, len(bones)):
        j, name = _joint_of(layer, b, ext)
        across = (lo == b - 1) & (hi == b)
        far = np.linalg.norm(cen - j, axis=1) > 2.5 * JOINT_RADIUS[name] * sw
        keep &= ~(across & far)
    tris = tris[keep]
    used = np.unique(tris)
    remap = -np.ones(len(verts), np.int64)
    remap[used] = np.arange(len(used))
    return verts[used], remap[tris].astype(np.int32), vert_bone[used]


def border_pads(matte: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) pixels to continue the character past each image border it touches."""
    H, W = matte.shape
    out = []
    for edge, size, frac in ((matte[:, 0], W, 0.12), (matte[0], H, 0.12), (matte[:, -1], W, 0.12),
                             (matte[-1], H, 0.3)):
        touching = (edge > 0.5).mean() > 0.02
        out.append(int(round(frac * max(H, W))) if touching else 0)
    return tuple(out)


CAP_HEIGHT = 0.45  # without a face to measure: the cap's height over its half-width at the edge
CAP_MIN = 0.3  # the top of a head goes on at least this far above the edge (times the cut's half-width)
HEAD_TOP = 0.8  # the top of the head (hair included) above the eye line, in ear-to-ear widths (a frontal head)
PROFILE = 1.35  # the head's breadth over the distance from the nose to the farther ear (seen from the side)
CAP_FEATHER = 0.12  # the cap's soft rim, as a share of its half-width (hair ends in wisps, not an edge)
SKIN_DELTA_E = 25.0  # band pixels this near the face's colour (Lab) are skin, not hair: never painted on the cap
SKIN_HUE = 20.0  # ... and within this many degrees of its hue (the Lab a-b angle)
HAIR_RING = (0.7, 1.1)  # the cap's hair is taken from this band along the head's outline (in radii of its ellipse)
HAIR_BELOW = 0.3  # ... down to this far below the eye line (in heights of the ellipse): the hair at the temples
HAIR_SOLID = 0.97  # ... where the matte is this solid (the outline's soft rim mixes in the backdrop)
HAIR_TONE = 15.0  # the ring's pixels this near its commonest colour (Lab, lightness times HAIR_LIGHTNESS) are hair
HAIR_LIGHTNESS = 0.35  # (strands' light and shade differ more than their hue; shaded skin differs in hue)
HAIR_MODE = 6.0  # ... the commonest colour: the one with most pixels this alike, among HAIR_SAMPLE of them
HAIR_SAMPLE = 1500
HAIR_SIDE = np.radians(135)  # hair lower down the sides than this (from the top of the head) is not the head's
HAIR_TINT = 0.3  # the cap keeps this share of its strands' departures from the hair's median hue
TILE_SHIFT = 0.37  # each tile across the strands reads the strip this share of its length farther on
TILE_BLEND = 0.3  # ... and the tile outside it fades out over this share of its width
PART = np.radians(10)  # the hair of the two sides meets at the top in a parting this soft (half-width)
HAIRLINE = 0.12  # a forehead cut by the edge goes on under a hairline this high (times its half-width) ...
HAIRLINE_MAX = 0.1  # ... at most this share of the cap's height
HAIRLINE_SOFT = 0.15  # the hair takes over from the edge's colours over this share of the cap's height


def _head_dome(joints: np.ndarray, top: int) -> tuple[float, float, float] | None:
    """(centre x, centre y, height) of the half-ellipse the top of the head follows, in the padded image whose
    first ``top`` rows lie above the original image: centred on the eye line, as high as HEAD_TOP ear-to-ear
    widths. None when the eyes or ears were not seen (no face to measure: a back view, a mascot)."""
    eyes = joints[[J["left_eye"], J["right_eye"]]]
    ears = joints[[J["left_ear"], J["right_ear"]]]
    # the head's breadth: ear to ear facing the camera; turned away, the ears close up but the nose stays as far
    # from the ear behind it
    width = max(float(np.linalg.norm(ears[0] - ears[1])),
                PROFILE * float(np.linalg.norm(joints[J["nose"]] - ears, axis=1).max()))
    if not np.isfinite(eyes).all() or width < 4:
        return None
    centre = eyes.mean(axis=0)
    return float(centre[0]), float(centre[1]), HEAD_TOP * width


def cap_rows(matte: np.ndarray, joints: np.ndarray) -> int:
    """How many rows above the image the top of a head cut by the top edge needs (0: none cut)."""
    dome = _head_dome(joints, 0)
    if dome is None or dome[1] <= 0:
        return 0
    edge = np.concatenate([[False], matte[0] > 0.5, [False]])
    starts, ends = np.flatnonzero(edge[1:] & ~edge[:-1]), np.flatnonzero(~edge[1:] & edge[:-1])
    held = [(x1 - x0) / 2 for x0, x1 in zip(starts, ends) if x0 <= dome[0] <= x1]
    if not held:
        return 0
    return max(0, int(np.ceil(max(dome[2] - dome[1], CAP_MIN * held[0]))) + 2)


def _top_cap(image: np.ndarray, matte: np.ndarray, top: int, joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(``image`` with its ``top`` padded rows painted, their alpha [top, W]) for a character cut by the top edge.

    The run of the character along the edge that holds the head continues as the top of a head: the upper half
    of an ellipse centred on the eye line, as high as a head is above its eyes, and as wide as the run where it
    crosses the edge (so the head's outline goes on without a kink); other runs (or a head without a face to
    measure) get a low rounded cap as wide as the run. The rim is soft. Painted with the head's own hair
    (:func:`_hair_texture`: the hair along its outline, carried on over the top as a head's hair lies), which
    takes over from the edge's own colours a little above the edge (no seam where the image ends), above a
    forehead only past an arched hairline. A smooth dome in the hair's average colour read as a bald head."""
    H, W = matte.shape
    edge = np.concatenate([[False], matte[top] > 0.5, [False]])
    starts, ends = np.flatnonzero(edge[1:] & ~edge[:-1]), np.flatnonzero(~edge[1:] & edge[:-1])
    dome = _head_dome(joints, top)
    yy, xx = np.mgrid[0:top, 0:W].astype(np.float32)
    alpha = np.zeros((top, W), np.float32)
    head = None  # the ellipse (centre x, centre y, half-width, height) of the head's run, else of the widest
    for x0, x1 in sorted(zip(starts, ends), key=lambda run: run[0] - run[1]):
        half = max(1.0, (x1 - x0) / 2)
        cx, cy, b = x0 + half, float(top), min(float(top), CAP_HEIGHT * half)
        if dome is not None and x0 <= dome[0] <= x1:
            above = dome[1] - top  # the eye line's distance below the edge
            if 0 < above < 0.95 * dome[2]:
                # at least a little higher than a head without its hair: a head whose hair is cut this wide
                # at the edge goes on above it for a while
                cy, b = dome[1], min(max(dome[2], above + CAP_MIN * half), above + top - 1)
                half = half / np.sqrt(1.0 - (above / b) ** 2)
                head = (cx, cy, half, b)
        head = head or (cx, cy, half, b)
        r = np.sqrt(((xx - cx) / half) ** 2 + ((yy - cy) / b) ** 2)
        soft = 1.0 - _smoothstep(1.0 - CAP_FEATHER, 1.0, r)
        alpha = np.maximum(alpha, soft * (xx >= cx - half) * (xx <= cx + half))
    hole = np.zeros((H, W), bool)
    hole[:top] = alpha > 0.004
    skin = _skin_like(image, joints, dome)
    texture = None
    if head is not None:
        solid = matte > HAIR_SOLID
        hair = _commonest(image, _hair_ring(solid, top, head) & ~(skin & _face_columns(joints, W)[None, :]))
        texture = _hair_texture(image, hair, hole, head)
    if texture is None:  # no hair to carry on: the colours along the edge, spread over the cap
        band = max(4, round(0.04 * (H - top)))
        known = np.zeros((H, W), bool)
        known[top:top + band] = matte[top:top + band] > 0.5
        return push_pull_fill(image, hole, known), alpha
    rows = np.flatnonzero((alpha > 0.5).any(axis=1))
    height = float(top - rows.min()) if len(rows) else float(top)
    forehead = (skin[top:top + 3].mean(axis=0) > 0.5) & (matte[top] > 0.5)
    rise = _hairline(forehead, HAIRLINE_MAX * height)
    up = _smoothstep(0.0, max(2.0, HAIRLINE_SOFT * height), top - yy - rise[None, :])[..., None]
    # below the hairline the edge's own row goes on (the image's padding repeats it): a smoothed fill of the rows
    # under the edge met the image in a visible line across the forehead
    painted = up * texture[:top] + (1 - up) * image[:top].astype(np.float32)
    out = image.copy()
    out[:top] = np.where(hole[:top, :, None], np.clip(painted + 0.5, 0, 255), image[:top]).astype(np.uint8)
    return out, alpha


def _skin_like(image: np.ndarray, joints: np.ndarray, dome: tuple[float, float, float] | None) -> np.ndarray:
    """HxW bool: the face, not hair: the forehead (the middle of the dome above the eyes) and pixels of the
    face's skin colour (measured around the nose); all False without a face."""
    if dome is None:
        return np.zeros(image.shape[:2], bool)
    h, w = image.shape[:2]
    cx, cy, height = dome
    r = max(2, int(0.1 * height))
    x, y = np.clip(np.round(joints[J["nose"]]).astype(int), 0, [w - 1, h - 1])
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    skin = np.median(lab[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].reshape(-1, 3), axis=0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    forehead = ((xx - cx) / (FOREHEAD[0] * height)) ** 2 + ((yy - cy) / (FOREHEAD[1] * height)) ** 2 < 1
    # blonde hair is as near the skin's colour as shaded skin is, but yellower: the hue tells them apart
    hue = np.degrees(np.arctan2(lab[..., 2] - 128.0, lab[..., 1] - 128.0))
    skin_hue = float(np.degrees(np.arctan2(skin[2] - 128.0, skin[1] - 128.0)))
    return forehead | ((np.linalg.norm(lab - skin, axis=2) < SKIN_DELTA_E) & (np.abs(hue - skin_hue) < SKIN_HUE))


FOREHEAD = (0.45, 1.0)  # the forehead's half-width and height above the eyes, in heights of the head's top


def _face_columns(joints: np.ndarray, width: int) -> np.ndarray:
    """[width] bool: the columns the face spans (from ear to ear, or from the ear to the nose in profile): only
    there is a pixel of the skin's colour taken for skin; beside the face it is blonde hair."""
    points = joints[[J["left_ear"], J["right_ear"], J["left_eye"], J["right_eye"], J["nose"]], 0]
    points = points[np.isfinite(points)]
    x = np.arange(width)
    if len(points) == 0:
        return np.ones(width, bool)
    return (x >= points.min()) & (x <= points.max())


def _hair_ring(solid: np.ndarray, top: int, head: tuple[float, float, float, float]) -> np.ndarray:
    """HxW bool: the ``solid`` pixels (the matte's) below the edge in the band along the head's outline, down to
    the temples: where its hair is, if it has hair there."""
    H, W = solid.shape
    cx, cy, half, b = head
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    s = np.hypot((xx - cx) / half, (yy - cy) / b)
    return (yy >= top) & (yy <= cy + HAIR_BELOW * b) & (s >= HAIR_RING[0]) & (s <= HAIR_RING[1]) & solid


def _commonest(image: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """HxW bool: the ``candidates`` near their commonest colour (the one with the most of them closely alike, on
    an even sample): the hair, not the backdrop showing through it, glasses or an earring. The channels' medians
    land on the blend of light strands and dark roots: a brown helmet over a blonde head (TikTok clip 0)."""
    if candidates.sum() < 30:
        return candidates
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)[candidates]
    lab *= np.float32([HAIR_LIGHTNESS, 1.0, 1.0])
    sample = lab[::max(1, len(lab) // HAIR_SAMPLE)]
    near = (np.linalg.norm(sample[:, None, :] - sample[None, :, :], axis=2) < HAIR_MODE).sum(axis=1)
    hair = np.zeros_like(candidates)
    hair[candidates] = np.linalg.norm(lab - sample[np.argmax(near)], axis=1) < HAIR_TONE
    return hair


def _hair_texture(image: np.ndarray, hair: np.ndarray, hole: np.ndarray,
                  head: tuple[float, float, float, float]) -> np.ndarray | None:
    """HxWx3 float32, on ``hole``: the head's own ``hair`` carried on over the top of the head (None: too little
    hair to take it from).

    Seen from the front, hair lies along the head's outline: down the sides, over the top from a parting. So in
    polar coordinates around the head's centre (angle from the top, radius in radii of its ellipse) the hair at
    either side is a strip whose strands run along the angle; the cap at that side is painted from that strip,
    turned up over the top (its angle from the edge upwards reads the strip from the edge downwards, stretched
    to fit) and, across the strands, tiled outward from the outline with the strip's own strands, each tile
    reading the strip farther along (mirrored tiles drew chevrons of slanted strands). Unknown bins of the strip
    (the face, a gap in the hair) take the nearest hair along their strand. The two sides meet at a soft parting;
    a side with no hair borrows the other's, read from farther along so the two do not mirror each other. The
    strands keep their light and shade but take the hair's own hue."""
    H, W = hair.shape
    cx, cy, half, b = head
    ys, xs = np.nonzero(hole)
    if len(ys) == 0 or not hair.any():
        return None
    dx, dy = (xs - cx) / half, (cy - ys) / b
    radius, angle = np.hypot(dx, dy), np.arctan2(dx, dy)
    widest = max(float(np.abs(angle).max()), 1e-3)  # where the cap's outline meets the edge
    reach = 1.0 + HAIR_RING[1] - HAIR_RING[0]
    n_r, n_a = int(np.ceil(max(half, b) * reach)) + 1, int(np.ceil(2 * np.pi * max(half, b))) + 1
    radii = np.linspace(0.0, reach, n_r, dtype=np.float32)[None, :]
    # every pixel in its nearest hair pixel's colour: sampling between a strand and the backdrop beside it
    # would carry the backdrop into the cap
    _, (iy, ix) = ndimage.distance_transform_edt(~hair, return_indices=True)
    source = image[iy, ix].astype(np.float32)
    strips = []
    for side in (-1.0, 1.0):
        angles = side * np.linspace(widest, HAIR_SIDE, n_a, dtype=np.float32)[:, None]  # from the edge outwards
        mx = (cx + radii * half * np.sin(angles)).astype(np.float32)
        my = (cy - radii * b * np.cos(angles)).astype(np.float32)
        known = cv2.remap(hair.astype(np.uint8), mx, my, cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT) > 0
        rows = np.flatnonzero(known.mean(axis=1) > 0.05)
        if known.sum() < 30 or len(rows) < 2:
            strips.append(None)
            continue
        strip = cv2.remap(source, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        known, strip = known[:rows.max() + 1], _along_strands(strip[:rows.max() + 1], known[:rows.max() + 1])
        inner, outer = np.percentile(np.broadcast_to(radii, known.shape)[known], [10, 90])
        strips.append((strip, inner, max(outer - inner, 0.05)))
    if strips[0] is None and strips[1] is None:
        return None
    painted = []
    depth = np.clip(1.0 - radius, 0.0, None)  # in from the outline
    along = (widest - np.abs(angle)) / widest  # from the edge up over the top: the strip from the edge down
    for side in (0, 1):
        strip, inner, width = strips[side] or strips[1 - side]
        start = 0.0 if strips[side] else 0.5
        # across the strands: tiles of the strip's width from the outline in, each read farther along the strip;
        # over the first TILE_BLEND of a tile the one outside it goes on and fades out (no hard ring between them)
        tile = np.floor(depth / width)
        within = depth - tile * width
        fresh = _strip_at(strip, along, inner + width - within, start + TILE_SHIFT * tile, reach)
        going_on = _strip_at(strip, along, inner - within, start + TILE_SHIFT * (tile - 1), reach)
        w = np.where(tile > 0, _smoothstep(0.0, TILE_BLEND * width, within), 1.0)[:, None]
        painted.append(w * fresh + (1 - w) * going_on)
    w = _smoothstep(-PART, PART, angle)[:, None]
    painted = np.clip((1 - w) * painted[0] + w * painted[1], 0, 255).astype(np.uint8)
    # hair varies in lightness, hardly in hue: strands tinted by the backdrop behind them (leaves, a purple wall)
    # keep their light and shade but take the hair's own hue
    lab = cv2.cvtColor(painted[None], cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    hue = np.median(cv2.cvtColor(image[hair][None], cv2.COLOR_RGB2LAB)[0, :, 1:].astype(np.float32), axis=0)
    lab[:, 1:] = hue + HAIR_TINT * (lab[:, 1:] - hue)
    texture = np.zeros((H, W, 3), np.float32)
    texture[ys, xs] = cv2.cvtColor(np.clip(lab + 0.5, 0, 255).astype(np.uint8)[None], cv2.COLOR_LAB2RGB)[0]
    return texture


def _strip_at(strip: np.ndarray, along: np.ndarray, radius: np.ndarray, shift: np.ndarray | float,
              reach: float) -> np.ndarray:
    """[N, 3] float32: ``strip`` (angle x radius x 3, radii 0..``reach``) read bilinearly at ``along`` (0..1: from
    its first row to its last) plus ``shift`` strip lengths, reflected at its ends, and at ``radius``."""
    n, n_r = strip.shape[:2]
    t = np.mod((along + shift) * (n - 1), 2 * n - 2)
    t = np.minimum(np.where(t < n - 1, t, 2 * n - 2 - t), n - 1)
    c = np.clip(radius / reach * (n_r - 1), 0, n_r - 1)
    t0, c0 = np.minimum(t.astype(int), n - 2), np.minimum(c.astype(int), n_r - 2)
    ft, fc = (t - t0)[:, None], (c - c0)[:, None]
    return ((1 - ft) * ((1 - fc) * strip[t0, c0] + fc * strip[t0, c0 + 1])
            + ft * ((1 - fc) * strip[t0 + 1, c0] + fc * strip[t0 + 1, c0 + 1]))


def _along_strands(strip: np.ndarray, known: np.ndarray) -> np.ndarray:
    """``strip`` (angle x radius x 3) with each unknown bin taking the nearest ``known`` one in its column (along
    the strand: hair goes on in its own colour along its length); a column with none keeps its own."""
    n = len(known)
    idx = np.arange(n)[:, None]
    before = np.maximum.accumulate(np.where(known, idx, -4 * n), axis=0)
    after = np.minimum.accumulate(np.where(known, idx, 5 * n)[::-1], axis=0)[::-1]
    nearest = np.where(idx - before <= after - idx, before, after)
    nearest = np.where(known.any(axis=0)[None, :], np.clip(nearest, 0, n - 1), idx)
    return np.take_along_axis(strip, nearest[..., None], axis=0)


def _hairline(forehead: np.ndarray, most: float) -> np.ndarray:
    """[W] float32: how far above the edge the hair starts: over a forehead cut by the edge (runs of ``forehead``
    along it) an arch HAIRLINE times the run's half-width high (at most ``most``); elsewhere at the edge."""
    rise = np.zeros(len(forehead), np.float32)
    run = np.concatenate([[False], forehead, [False]])
    starts, ends = np.flatnonzero(run[1:] & ~run[:-1]), np.flatnonzero(~run[1:] & run[:-1])
    x = np.arange(len(forehead), dtype=np.float32)
    for x0, x1 in zip(starts, ends):
        hw = max((x1 - x0) / 2.0, 1.0)
        arch = np.clip(1.0 - ((x + 0.5 - x0 - hw) / hw) ** 2, 0.0, 1.0)  # meeting the hair at a slant
        rise = np.maximum(rise, min(HAIRLINE * hw, most) * arch)
    return rise


def build_layers(rig: Rig, spacing: float | None = None) -> list[Layer]:
    """The rig's layers, in the default back-to-front order."""


    labels, matte, image, joints = rig.labels, rig.matte, rig.image, rig.joints.astype(np.float64)
    # where the character is cut by the image border, continue it past the border (edge pixels repeated), so
    # that moving it never shows a straight cut edge
    pads = border_pads(matte)
    if pads[1]:  # room above the image for the whole top of a head cut by the top edge
        pads = (pads[0], max(pads[1], cap_rows(matte, joints)), pads[2], pads[3])
    if any(pads):
        left, top, right, bottom = pads

        def pad(a):
            return cv2.copyMakeBorder(a, top, bottom, left, right, cv2.BORDER_REPLICATE)

        image, matte, labels = pad(image), pad(matte), pad(labels)
        # below the image the body goes on (clothes continue straight, at full strength); above and to the sides
        # (hair, a shoulder) the repeated edge fades out, so nothing mirrored or streaked shows when it moves in
        Hp, Wp = matte.shape
        fade = np.ones((Hp, Wp), np.float32)
        joints = joints + np.array([left, top], np.float64)
        if top:
            image, fade[:top] = _top_cap(image, matte, top, joints)
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
        rig.meta["continued"] = [name for name in ("arm_l", "arm_r")
                                 if continue_cut_arm(image, matte, labels, joints, name, inside)]
    H, W = matte.shape
    ys, _ = np.nonzero(matte > 0.5)
    extent = float(ys.max() - ys.min() + 1) if len(ys) else float(H)
    if spacing is None:
        spacing = max(4.0, 0.028 * extent)
    band = max(2.5, 0.004 * extent)
    layers = []
    for name in DEFAULT_ORDER:
        idx = [PARTS.index(p) for p in LAYERS[name]]
        own_full = np.isin(labels, idx)
        if own_full.sum() < 20:
            continue
        texture_full = image
        core_full = own_full
        if name == "body":
            texture_full, hidden = fill_hidden_torso(image, labels, joints)
            core_full = own_full | hidden
        elif name == "drape":  # the cape behind the legs and the body, painted in
            texture_full, hidden = fill_hidden_drape(image, labels, matte)
            core_full = own_full | hidden
        elif name.startswith("arm"):  # an arm cut in two by the other arm crossing it, joined again
            texture_full, hidden = hidden_limb(image, labels, joints, name)
            core_full = own_full | hidden
            if hidden.any():
                rig.meta.setdefault("joined", []).append(name)
        # everything else happens on a crop around the layer
        cy, cx = np.nonzero(core_full)
        m = int(np.ceil(band)) + 4
        x0, y0 = max(0, cx.min() - m), max(0, cy.min() - m)
        x1, y1 = min(W, cx.max() + m + 1), min(H, cy.max() + m + 1)
        core = core_full[y0:y1, x0:x1]
        own = own_full[y0:y1, x0:x1]
        mat = matte[y0:y1, x0:x1]
        texture = texture_full[y0:y1, x0:x1]
        # a thin band around the layer in its own colours (the nearest solid pixel's), fading out: it hides the
        # seam under a neighbour at rest, and leaves no fringe of the neighbour's colour when the layer moves;
        # the matte's soft edge gets the same colours (no halo of the image's old background)
        solid = core & (mat >= 0.85) if (core & (mat >= 0.85)).any() else core
        _, (iy, ix) = ndimage.distance_transform_edt(~solid, return_indices=True)
        texture = texture[iy, ix]
        d_core = cv2.distanceTransform((~core).astype(np.uint8), cv2.DIST_L2, 5)
        ramp = np.clip((band - d_core) / max(band - 1.0, 1.0), 0.0, 1.0)
        alpha = mat * ramp
        if name in TRUNK_LAYERS:
            alpha = np.where(core & ~own, 1.0, alpha)  # the painted-in torso (and cape) is opaque
        mesh_mask = cv2.dilate((alpha > 0.004).astype(np.uint8), None, iterations=1).astype(bool)
        verts, tris = triangulate(mesh_mask, spacing)
        if len(tris) == 0:
            continue
        verts = verts + np.float32([x0, y0])
        rgba = np.dstack([texture, np.round(alpha * 255).astype(np.uint8)])
        vert_bone = None
        if name not in TRUNK_LAYERS:
            verts, tris, vert_bone = _split_folds(name, verts, tris, labels, joints)
            if len(tris) == 0:
                continue
        weights = skin_weights(name, verts.astype(np.float64), joints.astype(np.float64), tris, vert_bone)
        layers.append(Layer(name=name, bones=LAYER_BONES[name], vertices=verts - np.float32([pads[0], pads[1]]),
                            triangles=tris, weights=weights, texture=np.ascontiguousarray(rgba),
                            origin=(int(x0) - pads[0], int(y0) - pads[1])))
    return layers

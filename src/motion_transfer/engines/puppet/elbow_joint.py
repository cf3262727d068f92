"""A drawn arm bent at its elbow, drawn as two straight pieces over a round joint.

Cel-shaded art draws an arm bent at rest (the fox's waving arm) as one outline: round round the outside of the
bend, a sharp notch on the inside where the two tubes' outlines meet. Skinned as one sheet, a motion that bends the
elbow the other way opened the notch into a bump of outline with a dark V inside it on what became the outside,
and squeezed the round outside, now the inside, into jagged flaps and specks (TikTok clip 0, frames 20-32).

Such an arm is drawn as what it is made of: the upper arm and the forearm (with its hand) each a sheet that turns
whole with its bone, cut square at the elbow, over a disc of the arm's width about the elbow that turns half as far
as the elbow bends. Bent either way, the disc fills the wedge the two square ends open on the outside, its outline
joining the two tubes' outlines round the bend; on the inside the piece in front lies over the other, its outline
crossing onto it as a fold. Near the elbow each piece's colours are those across its tube a little further along,
outline included (the image there shows the other tube's, or no outline where the two tubes met at rest), and
the disc takes them round by distance from the elbow: the outside's half of the colours on the half of the disc
that the outside of a bend the rest way shows, the inside's on the other.
"""
from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np
from scipy.spatial import cKDTree

from ...pose.skeleton import J, shoulder_span
from .mesh import triangulate
from .model import ARM_PARTS, PARTS, Layer, Rig, redraw_arms, segment_distance
from .outlines import drawn_lines
from .tubes import WIDTH_NEAR, width_at

# (radians) an arm drawn bent at least this far from straight at its elbow is drawn as two pieces over a disc
BENT = np.radians(45.0)
# (of the arm's half-width at the elbow) how far along each bone past the inner corner its piece is drawn from its
# colours across (the drawing's round outside has come down to the tube's straight outline there), and over how
# much further they are read
PAST, READ = 0.5, 0.4
# (of the bone's length) the farthest from the elbow the colours near it are read or drawn
REACH = 0.5
# (pixels) each piece's colours go on this far past its square end (its mesh one pixel past it)
BAND = 3
SHIFT = 0.5  # (of the arm's half-width) the farthest the drawn elbow's centre may lie from the pose model's
GAP = 8  # (pixels) between the pieces' textures in the layer's texture
SEAM = 3.0  # (pixels) the disc's colours pass from the upper arm's to the forearm's across this band


class Across(NamedTuple):
    """The colours across a tube at offsets -R..R from its bone (``colours`` [2R + 1, 3], positive towards the
    outside of the bend), and how far its outline reaches on the inside (``inner`` < 0) and the outside
    (``outer`` > 0)."""

    colours: np.ndarray
    inner: float
    outer: float

    def at(self, offset: np.ndarray, inner: np.ndarray | float, outer: np.ndarray | float
           ) -> tuple[np.ndarray, np.ndarray]:
        """(RGB [..., 3], alpha [...] 0 to 1) at ``offset`` [...] (pixels, positive outwards) across the tube drawn
        from ``inner`` to ``outer`` there: its colours stretched onto that span, the outline's edge smoothed over
        a pixel."""
        R = (len(self.colours) - 1) // 2
        x = self.inner + (offset - inner) * (self.outer - self.inner) / np.maximum(outer - inner, 1e-6) + R
        x = np.clip(x, 0, 2 * R)
        lo = np.clip(np.floor(x).astype(int), 0, 2 * R - 1)
        a = (x - lo)[..., None]
        rgb = (1 - a) * self.colours[lo] + a * self.colours[lo + 1]
        return rgb, np.clip(np.minimum(offset - inner, outer - offset) + 0.5, 0.0, 1.0)


def joint_bent_elbows(rig: Rig, spacing: float, skip: list[str]) -> list[str]:
    """Redraw each arm of outlined drawn art bent at rest (:data:`BENT`; not those in ``skip``, drawn as tubes) as
    two pieces over a round joint (see the module docstring); changes ``rig``'s layers in place and returns the
    names of those redrawn. ``spacing``: the meshes'."""
    joints = rig.joints.astype(np.float64)
    figure = (rig.matte > 0.5) & (rig.labels >= 0)
    if drawn_lines(rig.image, figure, shoulder_span(joints)) is None:
        return []
    return redraw_arms(rig, lambda layer, side: _jointed(rig, layer, side, joints, spacing), skip)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.hypot(*v)), 1e-9)


def _across(rig: Rig, part: int, el: np.ndarray, to: np.ndarray, n: np.ndarray, start: float,
            r: float) -> Across | None:
    """The colours across the tube of ``part`` from ``el`` along ``to`` (a unit vector), ``n`` its normal on the
    outside of the bend: the median of the part's own pixels over a stretch of its bone from ``start`` on,
    out to its edge; None where the image shows too little of it."""
    R = int(np.ceil(r)) + 3
    t = start + np.linspace(0.0, READ * r, 9)
    s = np.arange(-R, R + 1, dtype=np.float64)
    pts = el + t[:, None, None] * to + s[None, :, None] * n
    xi, yi = np.round(pts[..., 0]).astype(int), np.round(pts[..., 1]).astype(int)
    h, w = rig.labels.shape
    ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    ok[ok] = (rig.labels[yi[ok], xi[ok]] == part) & (rig.matte[yi[ok], xi[ok]] > 0.5)
    read = ok.mean(axis=0) >= 0.5
    if not read[R]:
        return None
    run = np.flatnonzero(~read)  # the run of read offsets through the bone
    lo = int(run[run < R].max()) + 1 if (run < R).any() else 0
    hi = int(run[run > R].min()) - 1 if (run > R).any() else 2 * R
    colours = rig.image[np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)].astype(np.float32)
    profile = np.zeros((2 * R + 1, 3), np.float32)
    for k in range(lo, hi + 1):
        profile[k] = np.median(colours[ok[:, k], k], axis=0)
    if hi - lo < 4:
        return None
    # out to the part's edge, in its outline's darkest past it (the pixels there blend into the backdrop: drawn as
    # they are, the tube had a pale rim; cut at the darkest, its outline was half as thick as the image's)
    light = profile.sum(axis=1)
    a, b = lo, hi
    while b > R and light[b] > light[b - 1]:
        b -= 1
    while a < R and light[a] > light[a + 1]:
        a += 1
    profile[:a], profile[b + 1:] = profile[a], profile[b]
    return Across(profile, float(lo - R), float(hi - R))


def _jointed(rig: Rig, layer: Layer, side: str, joints: np.ndarray, spacing: float) -> Layer | None:
    """The arm layer of an outlined arm bent at rest redrawn as two pieces over a round joint; None where it is
    not bent so far, or the image shows too little of it."""
    upper_id, fore_id, _ = (PARTS.index(p) for p in ARM_PARTS[side])
    sh, el, wr = (joints[J[f"{side}_{k}"]] for k in ("shoulder", "elbow", "wrist"))
    h, w = rig.labels.shape
    if not all(0 <= p[0] < w and 0 <= p[1] < h for p in (sh, el, wr)):
        return None
    arm = np.isin(rig.labels, [upper_id, fore_id]) & (rig.matte > 0.5)
    r = width_at(arm, el, WIDTH_NEAR * float(np.hypot(*(sh - el))))
    if r < 2:
        return None
    pieces = _pieces(rig, (upper_id, fore_id), (sh, el, wr), r)
    if pieces is None:
        return None
    # the drawn elbow's centre, where the middles of the two tubes cross (the pose model's lies off them, and the
    # round joint about it stood out past one tube's outline and short of the other's)
    (u, _, a), (f, _, b) = pieces
    nu, nf = _outwards(u, f), _outwards(f, u)
    t, _ = np.linalg.solve(np.column_stack([u, -f]), 0.5 * ((b.inner + b.outer) * nf - (a.inner + a.outer) * nu))
    centre = el + 0.5 * (a.inner + a.outer) * nu + t * u
    if float(np.hypot(*(centre - el))) > SHIFT * r:
        return None
    pieces = _pieces(rig, (upper_id, fore_id), (sh, centre, wr), r)
    if pieces is None:
        return None
    rig.joints[J[f"{side}_elbow"]] = centre
    joints[J[f"{side}_elbow"]] = centre
    return _layer(layer, (sh, centre, wr), pieces, spacing)


def _outwards(to: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The normal of the bone along ``to`` on the outside of its bend with the bone along ``other``."""
    n = np.array([-to[1], to[0]])
    return n if n @ (to + other) <= 0 else -n


def _pieces(rig: Rig, parts: tuple[int, int], arm: tuple[np.ndarray, np.ndarray, np.ndarray], r: float
            ) -> list[tuple[np.ndarray, float, Across]] | None:
    """Per bone (the upper arm's, the forearm's; ``parts`` their labels, ``arm`` the shoulder, elbow and wrist,
    ``r`` the arm's half-width at the elbow): its direction from the elbow, how far from it its piece is drawn from
    its colours across (past the inner corner where the two tubes' insides meet), and those colours; None where
    the arm is not bent so far (:data:`BENT`) or the image shows too little of it."""
    sh, el, wr = arm
    Lu, Lf = float(np.hypot(*(sh - el))), float(np.hypot(*(wr - el)))
    if min(Lu, Lf) < 4:
        return None
    u, f = _unit(sh - el), _unit(wr - el)
    bend = np.pi - float(np.arccos(np.clip(u @ f, -1.0, 1.0)))
    if bend < BENT:
        return None
    corner = r * np.tan(bend / 2)
    pieces = []
    for part, to, other, L in ((parts[0], u, f, Lu), (parts[1], f, u, Lf)):
        end = min(corner + PAST * r, REACH * L)
        across = _across(rig, part, el, to, _outwards(to, other), end, r)
        if across is None:
            return None
        pieces.append((to, end, across))
    return pieces


def _layer(layer: Layer, arm: tuple[np.ndarray, np.ndarray, np.ndarray], pieces: list, spacing: float) -> Layer:
    """The layer of :func:`_jointed` (``arm`` the shoulder, elbow and wrist; ``pieces`` per bone, the upper arm's
    first, its direction from the elbow, how far from it its piece is drawn from its colours across, and those):
    the upper arm's piece, the forearm's (with the hand) and the disc, each with its own copy of the texture's box,
    side by side in the layer's texture."""
    sh, el, wr = arm
    th, tw = layer.texture.shape[:2]
    ox, oy = layer.origin
    py, px = np.mgrid[oy:oy + th, ox:ox + tw].astype(np.float64)
    dx, dy = px - el[0], py - el[1]
    alpha = layer.texture[..., 3] > 0
    # the image's pixels of each piece: those nearer its bone, but those inside one tube only are that tube's (the
    # forearm's pixels about the inner corner lie nearer the upper arm, and went with it as a speck)
    tubes = []
    for k, (to, _, across) in enumerate(pieces):
        n = _outwards(to, pieces[1 - k][0])
        off = dx * n[0] + dy * n[1]
        tubes.append((dx * to[0] + dy * to[1] > 0) & (off >= across.inner - BAND) & (off <= across.outer + BAND))
    nearer = segment_distance(px, py, sh, el) <= segment_distance(px, py, el, wr)
    upper_px = np.where(tubes[0] ^ tubes[1], tubes[0], nearer)
    # the disc's reach inside and outside: both tubes' at their square ends, which meet its outline
    joint = [0.5 * (pieces[0][2].inner + pieces[1][2].inner), 0.5 * (pieces[0][2].outer + pieces[1][2].outer)]
    panels, masks = [], []
    for k, (to, end, across) in enumerate(pieces):
        n = _outwards(to, pieces[1 - k][0])
        along, off = dx * to[0] + dy * to[1], dx * n[0] + dy * n[1]
        near = along <= end
        own = alpha & (upper_px if k == 0 else ~upper_px) & ~near
        t = np.clip(along / end, 0.0, 1.0)
        inner, outer = (1 - t) * joint[0] + t * across.inner, (1 - t) * joint[1] + t * across.outer
        rgb, a = across.at(off, inner, outer)
        rgba = layer.texture.copy()
        strip = near & (along >= -BAND)
        rgba[strip, :3] = np.clip(rgb[strip], 0, 255).round().astype(np.uint8)
        rgba[strip, 3] = (255 * a[strip]).round().astype(np.uint8)
        mask = _largest(own | (near & (along >= -1.0) & (off >= inner - 0.5) & (off <= outer + 0.5)))
        # clear off the piece but past its square end (the renderer draws a pixel or two off a mesh's outline from
        # its texture: the other tube's pixels beside the inner corner stood there as a speck); meshed a pixel past
        # it, as the rig's layers are, over a clear margin (meshed to its outline's last soft pixels, the renderer
        # carried them a pixel or two out as a dotted line along the outline)
        rgba[~mask & ~strip, 3] = 0
        panels.append(rgba)
        masks.append(cv2.dilate(mask.astype(np.uint8), None).astype(bool))
    # the disc: by distance from the elbow, the outside's colours on the half the rest bend shows outside, the
    # upper arm's on its side of the bend's middle, the forearm's on the other
    rho = np.hypot(dx, dy)
    outside = _unit(-(pieces[0][0] + pieces[1][0]))
    offset = np.where(dx * outside[0] + dy * outside[1] >= 0, rho, -rho)
    split = _unit(pieces[0][0] - pieces[1][0])
    upper = np.clip(0.5 + (dx * split[0] + dy * split[1]) / SEAM, 0.0, 1.0)[..., None]
    (rgb_u, a_u), (rgb_f, a_f) = (across.at(offset, *joint) for _, _, across in pieces)
    joint_rgba = np.zeros_like(layer.texture)
    joint_rgba[..., :3] = np.clip(upper * rgb_u + (1 - upper) * rgb_f, 0, 255).round().astype(np.uint8)
    joint_rgba[..., 3] = (255 * (upper[..., 0] * a_u + (1 - upper[..., 0]) * a_f)).round().astype(np.uint8)
    panels.append(joint_rgba)
    masks.append(joint_rgba[..., 3] > 0)
    masks[-1] = cv2.dilate(masks[-1].astype(np.uint8), None).astype(bool)
    return _assembled(layer, panels, masks, spacing)


def _largest(mask: np.ndarray) -> np.ndarray:
    """The largest 8-connected piece of ``mask`` (a pixel or two of the image's soft outline about the inner
    corner, cut off from its tube, was drawn as a speck beside it)."""
    count, pieces, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if count <= 2:
        return mask
    return pieces == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))


def _assembled(layer: Layer, panels: list[np.ndarray], masks: list[np.ndarray], spacing: float) -> Layer:
    """The layer of the pieces (the upper arm's, the forearm's, the disc: ``panels`` RGBA over the layer's texture
    box, meshed over ``masks``), their textures side by side; each vertex's weights the original layer's nearest
    vertex's, the upper arm's piece's taken from the forearm and hand to the upper arm, the forearm's from the
    trunk and upper arm to the forearm, the disc's half the upper arm's, half the forearm's. The disc lies under
    the upper arm (both sorted by the upper arm bone's depth, the disc first: sorted by its own weights, it lay over
    the upper arm as a half-moon with a pale rim), the forearm over both (``Layer.over``): where its outline's
    soft edge crosses them they show through it, not the backdrop (a thin line of backdrop along it)."""
    th, tw = layer.texture.shape[:2]
    origin = np.array(layer.origin, np.float64)
    tree = cKDTree(layer.vertices.astype(np.float64))
    verts, tris, uvs, weights, depths, over, start = [], [], [], [], [], [], 0
    for k in (2, 0, 1):
        v, t = triangulate(masks[k], spacing)
        v = v.astype(np.float64)
        W = layer.weights[tree.query(v + origin)[1]].astype(np.float64)
        if k == 0:
            W[:, 1] += W[:, 2:].sum(axis=1)
            W[:, 2:] = 0.0
        elif k == 1:
            W[:, 2] += W[:, :2].sum(axis=1)
            W[:, :2] = 0.0
        else:
            W[:] = 0.0
            W[:, 1:3] = 0.5
        verts.append(v + origin)
        tris.append(t + start)
        uvs.append(v + [k * (tw + GAP), 0.0])
        weights.append(W)
        # sorted by depth as the upper arm's bone, the disc first: under the upper arm whatever its weights
        depths.append(W[t].mean(axis=1) if k == 1 else np.repeat(np.eye(W.shape[1])[1:2], len(t), axis=0))
        over.append(np.full(len(t), k == 1))
        start += len(v)
    gap = np.zeros((th, GAP, 4), np.uint8)
    texture = np.concatenate([panels[0], gap, panels[1], gap, panels[2]], axis=1)
    return Layer(name=layer.name, bones=layer.bones, vertices=np.concatenate(verts).astype(np.float32),
                 triangles=np.concatenate(tris).astype(np.int32), weights=np.concatenate(weights).astype(np.float32),
                 texture=np.ascontiguousarray(texture), origin=layer.origin,
                 tri_weights=np.concatenate(depths).astype(np.float32), uv=np.concatenate(uvs).astype(np.float32),
                 over=np.concatenate(over), round=np.concatenate([np.full(len(v), k == 2) for k, v in
                                                                  zip((2, 0, 1), verts)]))

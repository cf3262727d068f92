"""Deform the puppet's layers and draw them, back to front, over a background.

Per frame and layer: every bone gets a 2x3 affine map from the image to the output frame (limbs rotate and
stretch along their axis with the foreshortening but keep their width (an upper arm foreshortened far slides its
texture out of sight instead of squashing it: :mod:`.foreshorten`); the torso follows its shoulder and hip
lines; the head turns rigidly about its centre); the body's vertices are skinned with their weights (linear blend),
a limb's turn about its joints by a blend of their bones' rotations (:mod:`.bend`).
Drawing is vectorised: the deformed triangles' indices are painted into a coarse id buffer in back-to-front order
(``meshwarp.paint_ranks``: all layers' triangles in one numpy pass), then every covered pixel at once gets its
source position through its triangle's inverse affine map, ``cv2.remap`` samples the layer's RGBA texture
(bilinear), and the layer is alpha-blended over what is already drawn. Soft edges come from the texture's alpha
(the matte's feathered border and the overlap ramps), so nothing is supersampled.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ...pose.retarget import HC, MH, MS, Motion, extend
from ...pose.skeleton import VIS_MIN, J, shoulder_span
from .bend import bend_setup, bent_vertices, carried
from .box import box_frame
from .drawn_hand import in_hand_reach
from .foreshorten import slid, slide_setup
from .hair_drop import drop_with_head
from .hair_release import release_with_head
from .hull_slivers import outline_slivers
from .meshwarp import inverse_affines, paint_ranks
from .model import (ARM_PARTS, DEFAULT_ORDER, LEG_PARTS, PART_ENDS, TORSO_CORNERS, TRUNK_LAYERS, Layer, Rig,
                    arms_behind, part_segment, smoothstep, torso_quad)
from .twin import TWINS

# where the id buffer has no triangle: a map far off the texture (transparent, also when interpolated)
OFF_TEXTURE = (0, 0, -1e5, 0, 0, -1e5)
# a layer's box is sampled and blended in this many bands of rows, each only as wide as the mesh reaches there (more
# bands fit a slanted limb closer, but each costs six more calls)
BANDS = 4
# three cells in a row of a layer's grid whose map's second difference is this long in its texture (pixels) hold
# different pieces of its mesh: their maps are not enlarged into each other (an elbow's own seam, shorter, samples
# alike texels between its sides; at 8 the demo's elbows were mapped exactly in most frames, +18% to drawing them)
TEAR_TEXELS = 32.0
# a triangle whose map stretches the texture this many times more than its layer's usual triangle (a drawn figure's
# crease's inside, squeezed shut: Fold.creased, Fold.hinged; a photo's strip of hair between the head and a shoulder
# it tilts towards) is not carried out past its edge: two cells out, its map read the texture that far times
# further, past the transparent margin, into the paint beyond (the bear's pad, wider than its leg: a beige fleck
# floating by the knee; TikTok character 3's dark hair: specks under its lower edge against the window, 3<-5 frames
# 45-55); the pixels around it are mapped exactly, their outline softened (:func:`_soft_outline`)
SQUEEZED = 1.8
# (output pixels) how far off a triangle an outline mapped exactly still shows, fading: a pixel is the triangle's
# within half a pixel of it (``paint_ranks``' margin), and beyond that it fades out over one more, as a soft edge
OUTLINE_FADE = 1.5
# (pixels) a pixel off the mesh within ``OUTLINE_FADE`` of a triangle has a pixel drawn at most this many rows and
# columns away (a triangle covers the cells within half a cell of it); the steps to those pixels, nearest first
_REACH = 2
_NEIGHBOURS = np.array(sorted(((dy, dx) for dy in range(-_REACH, _REACH + 1) for dx in range(-_REACH, _REACH + 1)
                               if dy or dx), key=lambda step: step[0] ** 2 + step[1] ** 2))
_AROUND = np.ones((2 * _REACH + 1, 2 * _REACH + 1), np.uint8)
# two triangles of an arm holding a drawn hand drawn at a cell (the nearest, and the farthest) whose maps there lie
# this far apart (texels) are two pieces of the mesh over each other: where the near piece is clear (its transparent
# margin: under BEHIND_CLEAR) and the far one solid (over BEHIND_SOLID), the far one shows, as a layer of its own
# would (:meth:`Renderer._behind`)
BEHIND_TEXELS = 4.0
BEHIND_CLEAR, BEHIND_SOLID = 0.98, 0.3
# motion blur: a moving layer is drawn as the mean of its looks while a camera's shutter would be open, this share
# of the time between two frames, centred on the frame (film's 180-degree shutter); a photographed actor moving fast
# is blurred along the move, and a puppet drawn sharp at every frame flickered and stepped where the video smeared
EXPOSURE = 0.5
BLUR_MIN = 2.0  # (output pixels) a layer whose fastest point moves less than this while the shutter is open is sharp
TAP_PIXELS = 2.0  # (output pixels) the blur's samples lie at most this far apart along the fastest point's path
MAX_TAPS = 6
BLUR_MAX = 0.05  # (output widths) the longest blur (a jump in the motion is not smeared over the frame)


def _length(v: np.ndarray) -> float:
    """A 2-vector's length (``np.linalg.norm`` costs several Python calls; bones are measured 65 times a frame)."""
    return math.hypot(v[0], v[1])


def _lengths(v: np.ndarray) -> np.ndarray:
    """[T] lengths of [T, 2] vectors."""
    return np.hypot(v[:, 0], v[:, 1])


def _normal(v: np.ndarray) -> np.ndarray:
    """[T, 2] the vectors ``v`` [T, 2] turned a quarter: (-y, x)."""
    return np.stack([-v[:, 1], v[:, 0]], axis=1)


def _frame(origin, x_axis, y_axis, origin2, x2, y2, W: np.ndarray) -> np.ndarray:
    """[T, 2, 3] affine maps taking a rest frame (origin, x, y axes: [2] each) to each frame's posed one ([T, 2]
    each, ``W`` [T]); no mirroring, no collapse below 35%."""
    X = np.stack([x_axis, y_axis], axis=1)
    cross0 = x_axis[0] * y_axis[1] - x_axis[1] * y_axis[0]
    cross1 = x2[:, 0] * y2[:, 1] - x2[:, 1] * y2[:, 0]
    # the actor turned its back (left/right swapped): keep the character's front, do not mirror
    turned = (np.sign(cross0) != np.sign(cross1)) & (np.abs(cross1) > 1e-9)
    n = _normal(y2 / np.maximum(_lengths(y2), 1e-9)[:, None])
    x2 = np.where(turned[:, None], x2 - 2 * np.einsum("ti,ti->t", x2, n)[:, None] * n, x2)
    lx0, ly0 = _length(x_axis), _length(y_axis)
    lx, ly = _lengths(x2), _lengths(y2)
    short = lx < 0.35 * W * lx0
    gone = short & (lx < 1e-9)  # no x axis left: take the y axis's normal
    yu = y2 / np.maximum(ly, 1e-9)[:, None]
    x2 = np.where(gone[:, None], np.stack([yu[:, 1], -yu[:, 0]], axis=1) * np.sign(cross0 or 1.0) * -1, x2)
    lx = np.where(gone, 1.0, lx)
    x2 = np.where(short[:, None], x2 / np.where(short, lx, 1.0)[:, None] * 0.35 * W[:, None] * lx0, x2)
    y2 = np.where((ly < 0.4 * W * ly0)[:, None], y2 / np.maximum(ly, 1e-9)[:, None] * 0.4 * W[:, None] * ly0, y2)
    Y = np.stack([x2, y2], axis=2)  # [T, 2, 2], the axes as columns
    det = X[0, 0] * X[1, 1] - X[0, 1] * X[1, 0]
    if abs(det) < 1e-12:
        M = np.eye(2) * W[:, None, None]
    else:
        M = Y @ (np.array([[X[1, 1], -X[0, 1]], [-X[1, 0], X[0, 0]]]) / det)
    return _affine(M, origin2 - M @ origin)


def _affine(M: np.ndarray, t: np.ndarray) -> np.ndarray:
    """[T, 2, 3] from the linear parts [T, 2, 2] and the translations [T, 2]."""
    return np.concatenate([M, t[:, :, None]], axis=2)


# a limb part is drawn at most this much longer than the image shows it (times the width scale): a bone the image
# shows foreshortened and the motion stretches out would otherwise smear its few pixels into a long ribbon
STRETCH_MAX = 1.25
CHAINS = (ARM_PARTS["left"], ARM_PARTS["right"], LEG_PARTS["left"], LEG_PARTS["right"])
ARM_CHAINS = CHAINS[:2]
# a turned torso is drawn wider than its shoulder joints (:mod:`motion_transfer.pose.torso_turn`); an arm hung at the
# joint kept its shoulder's cap as wide as ever, and it slid inwards over the torso's neckline (TikTok character 0
# moved by clip 1, turned sideways, torso_width up to 1.41: a black pad over her chest). Drawn this many times its
# joints' span or less, a torso keeps its arms at the joints; from the second on they hang where it draws its
# shoulders (eased in between). A body turned a little showed no pad, and arms hung out from its joints opened a
# notch between the sleeve's top and the neck (TikTok character 5 turning, torso_width up to 1.11)
ARM_AT_OUTLINE = (1.05, 1.2)
HANDS = (ARM_PARTS["left"][2], ARM_PARTS["right"][2])
# the hand's length along its bone, in rest lengths times the width scale: a hand pointing at the camera was
# squashed to a quarter (a boxing glove drawn as a thin disc), one the motion stretches into an egg
HAND_SCALE = (0.8, 1.1)


def _limb(a, b, a2, b2, W: np.ndarray, floor: float = 0.25) -> np.ndarray:
    """[T, 2, 3] affine maps of a limb bone (rest ends ``a``, ``b`` [2], posed ends [T, 2], ``W`` [T]): rotates and
    stretches along the bone, keeps the width scaled by ``W``; shorter than ``floor`` times the rest bone
    (pointing at the camera), it keeps that stub."""
    d0 = b - a
    L0 = _length(d0)
    if L0 < 1e-6:
        M = np.eye(2) * W[:, None, None]
        return _affine(M, a2 - M @ a)
    u = d0 / L0
    v = np.array([-u[1], u[0]])
    d1 = b2 - a2
    L1 = _lengths(d1)
    stub = floor * W * L0
    end_on = L1 < stub  # pointing at the camera: keep a stub of the limb
    u1 = np.where((L1 > 1e-9)[:, None], d1 / np.where(L1 > 1e-9, L1, 1.0)[:, None], u)
    d1 = np.where(end_on[:, None], u1 * floor * W[:, None] * L0, d1)
    L1 = np.where(end_on, stub, L1)
    u1 = d1 / np.maximum(L1, 1e-9)[:, None]
    M = d1[:, :, None] * u / L0 + W[:, None, None] * (_normal(u1)[:, :, None] * v)
    return _affine(M, a2 - M @ a)


def _capped_end(a, b, a2, b2, W: np.ndarray, most: float = STRETCH_MAX) -> np.ndarray:
    """[T, 2] where the posed bones ``a2`` -> ``b2`` end once no longer than ``most`` times the rest bone a -> b."""
    d1 = b2 - a2
    L1 = _lengths(d1)
    cap = most * W * _length(b - a)
    keep = (L1 <= cap) | (L1 < 1e-9)
    return np.where(keep[:, None], b2, a2 + d1 * (cap / np.where(keep, 1.0, L1))[:, None])


def bone_transforms(rest: np.ndarray, posed: np.ndarray, W, head_angle, head_scale=None,
                    torso_width=None, box: bool = False) -> dict[str, np.ndarray]:
    """2x3 affine map per bone name from image pixels to output pixels.

    ``rest`` [36, 2] the rig's joints (extended), ``posed`` [36, 2] a frame's, ``W`` the width scale,
    ``head_scale`` the head's (default ``W``), ``torso_width`` [2] how many times its joints' span the torso is
    drawn wide at the shoulders and the hips (default 1: a turned body's outline, ``pose.torso_turn``; turned far,
    the arms hang where it draws its shoulders, :data:`ARM_AT_OUTLINE`); ``box``: the torso is a drawn box
    (:mod:`.box`): the chest's map is made square, and the arms hang at the box's shoulders. Or many
    frames at once: ``posed`` [T, 36, 2], ``W``, ``head_angle`` and ``head_scale`` [T], ``torso_width`` [T, 2],
    and each map [T, 2, 3] (the frames' maps in one pass cost about
    what one frame's did: per bone and frame, numpy's call overhead was all the cost).
    """
    many = np.ndim(posed) == 3
    P = np.asarray(posed, np.float64).reshape(-1, *np.shape(posed)[-2:]).transpose(1, 0, 2)  # [36, T, 2]
    T = P.shape[1]
    W = np.broadcast_to(np.asarray(W, np.float64), (T,))
    angle = np.broadcast_to(np.asarray(head_angle, np.float64), (T,))
    hs = W if head_scale is None else np.broadcast_to(np.asarray(head_scale, np.float64), (T,))
    tw = np.ones((T, 2)) if torso_width is None else np.asarray(torso_width, np.float64).reshape(T, 2)
    out = {}
    ls, rs, lh, rh = J["left_shoulder"], J["right_shoulder"], J["left_hip"], J["right_hip"]
    out["chest"] = (box_frame(rest, P, W, tw[:, 0]) if box else
                    _frame(rest[MS], rest[ls] - rest[rs], rest[MH] - rest[MS], P[MS], (P[ls] - P[rs]) * tw[:, :1],
                           P[MH] - P[MS], W))
    out["pelvis"] = _frame(rest[MH], rest[lh] - rest[rh], rest[MS] - rest[MH],
                           P[MH], (P[lh] - P[rh]) * tw[:, 1:], P[MS] - P[MH], W)
    c, s = np.cos(angle), np.sin(angle)
    M = hs[:, None, None] * np.stack([np.stack([c, -s], axis=1), np.stack([s, c], axis=1)], axis=1)
    out["head"] = _affine(M, P[HC] - M @ rest[HC])
    # down each limb's chain: a part stretched past its cap ends short, and the parts after it hang from that end
    # (moved by the same amount), so the limb stays in one piece
    for chain in CHAINS:
        shift = np.zeros((T, 2))
        if chain in ARM_CHAINS:  # an arm hangs where the torso is drawn to: its shoulder (:data:`ARM_AT_OUTLINE`)
            s = P[J["left_shoulder" if chain is ARM_PARTS["left"] else "right_shoulder"]]
            shift = smoothstep(*ARM_AT_OUTLINE, tw[:, :1]) * (tw[:, :1] - 1.0) * (s - P[MS])
            if box:  # at the box's shoulder
                r = rest[J["left_shoulder" if chain is ARM_PARTS["left"] else "right_shoulder"]]
                shift = out["chest"][:, :, :2] @ r + out["chest"][:, :, 2] - s
        for name in chain:
            a, b = part_segment(name, rest)
            a2, b2 = part_segment(name, P)
            a2, b2 = a2 + shift, b2 + shift
            if name in HANDS:  # a hand (a glove, a fist) is whole and solid: it turns, hardly stretches
                end = _capped_end(a, b, a2, b2, W, HAND_SCALE[1])
                out[name] = _limb(a, b, a2, end, W, HAND_SCALE[0])
            else:
                end = _capped_end(a, b, a2, b2, W)
                out[name] = _limb(a, b, a2, end, W)
            shift = shift + end - b2
    return out if many else {k: v[0] for k, v in out.items()}


class LayerOrder:
    """Back-to-front order of the layers for each frame, stable over time.

    MediaPipe's depth is unreliable for arms (it keeps an arm that goes behind the back "in front"), but it
    sees the occlusion: the arm's joints lose visibility. So an arm whose elbow or wrist is over the torso is
    behind the body when those joints are poorly visible and in front when they are clearly visible; away from
    the torso it keeps its last order (it cannot cross the body without overlapping it). A change needs two
    frames in a row, but for a hand (the wrist) clearly seen over the torso, which brings its arm in front at
    once (TikTok clip 5's left hand, brought over the chest pointing at the camera, visible 0.87, 0.73 and 0.86
    in a row, stayed hidden behind the body for three frames: the middle one reset the count). Legs go in front
    of the body only when a visible knee or ankle over the torso is nearer than the hips by a margin. Layers on
    the same side of the body are sorted by depth. The arms start in front, those named in ``behind`` behind the
    body (see :func:`.model.arms_behind`). The arms named in ``stand_ins`` (drawn from their twins: the image shows
    nothing of them) are drawn only while the actor's arm is seen (its elbow or wrist clearly visible; decided on
    the first frame, then changed after two frames in a row): while the actor's is hidden, the stand-in's guessed
    shape showed beside the body where nothing is (its sleeve, as wide as the twin's seen from the side, stood
    out of the chest of a body in profile, TikTok clip 1).
    """

    def __init__(self, names: list[str], margin: float, behind: tuple[str, ...] = (),
                 stand_ins: tuple[str, ...] = ()) -> None:
        self.names = names
        self.margin = margin
        self.front: dict[str, bool] = {n: n.startswith("arm") and n not in behind
                                       for n in names if n not in TRUNK_LAYERS}
        self._pending: dict[str, int] = {n: 0 for n in self.front}
        # per stand-in whether it is drawn (None: not decided yet) and the frames in a row that said otherwise
        self._seen: dict[str, bool | None] = {n: None for n in stand_ins if n in self.front}
        self._against_for: dict[str, int] = {n: 0 for n in self._seen}
        # per layer its two joints (elbow and wrist, knee and ankle), all layers' in one index array
        ends = [("elbow", "wrist") if n.startswith("arm") else ("knee", "ankle") for n in self.front]
        sides = ["left" if n.endswith("_l") else "right" for n in self.front]
        self._joints = np.array([[J[f"{side}_{e}"] for e in pair] for side, pair in zip(sides, ends)],
                                int).reshape(-1, 2)
        self._torso = [J["left_shoulder"], J["right_shoulder"], J["left_hip"], J["right_hip"]]

    @staticmethod
    def _inside(pts: np.ndarray, poly: np.ndarray) -> np.ndarray:
        """[..., P] whether each point [..., P, 2] lies inside the polygon [..., V, 2] (even-odd rule): all points
        (of many frames) in one numpy pass (a ``cv2.pointPolygonTest`` per point handed the GIL to the drawing
        threads and waited to get it back, eight times a frame, on the thread that hands the frames out)."""
        x, y = pts[..., :1], pts[..., 1:]
        x0, y0 = poly[..., None, :, 0], poly[..., None, :, 1]
        x1, y1 = np.roll(x0, -1, axis=-1), np.roll(y0, -1, axis=-1)
        rising = y1 - y0
        at = x0 + (y - y0) * (x1 - x0) / np.where(rising != 0, rising, 1.0)  # where each edge crosses the row
        return (((y0 > y) != (y1 > y)) & (x < at)).sum(axis=-1) % 2 == 1

    def __call__(self, depth: np.ndarray, joints: np.ndarray | None = None,
                 visibility: np.ndarray | None = None) -> list[str]:
        return self.many(depth[None], None if joints is None else joints[None],
                         None if visibility is None else visibility[None])[0]

    def many(self, depth: np.ndarray, joints: np.ndarray | None = None,
             visibility: np.ndarray | None = None) -> list[list[str]]:
        """The orders of T frames in a row (``depth`` and ``visibility`` [T, 36], ``joints`` [T, 36, 2]), as T
        calls would give them: the geometry of all of them in one numpy pass (it runs on the thread that hands
        out the frames, and each numpy call there waited for the GIL behind the drawing threads)."""
        body_z = depth[:, self._torso].mean(axis=1)
        zs = depth[:, self._joints].mean(axis=2)
        over = vis = None
        if joints is not None and visibility is not None:
            quad = torso_quad(joints)
            c = quad.mean(axis=1, keepdims=True)
            over = self._inside(joints[:, self._joints.ravel()], c + 1.1 * (quad - c)).reshape(len(depth), -1, 2)
            vis = visibility[:, self._joints]
        return [self._step(float(body_z[t]), zs[t], None if over is None else over[t], None if vis is None else vis[t])
                for t in range(len(depth))]

    def _step(self, body_z: float, zs: np.ndarray, over: np.ndarray | None, vis: np.ndarray | None) -> list[str]:
        """One frame's order, from the torso's depth, each layer's joints' mean depth [L], whether they are over
        the torso [L, 2] and their visibility [L, 2]; moves the state on by that frame."""
        keys = {}
        for k, n in enumerate(self.front):
            z = float(zs[k])
            keys[n] = z
            want = self.front[n]
            at_once = False
            if over is not None:
                if n.startswith("arm"):
                    if (over[k] & (vis[k] < 0.5)).any():
                        want = False
                    elif (over[k] & (vis[k] > 0.75)).any():
                        want = True
                        at_once = bool(over[k][1] and vis[k][1] > 0.75)
                else:
                    want = bool((over[k] & (vis[k] > 0.75)).any() and z < body_z - 2.0 * self.margin)
            elif not n.startswith("arm"):
                want = z < body_z - 2.0 * self.margin
            if want != self.front[n]:
                self._pending[n] += 1
                if self._pending[n] >= 2 or at_once:
                    self.front[n] = want
                    self._pending[n] = 0
            else:
                self._pending[n] = 0
        drawn = self._stand_ins(vis)
        back = sorted([n for n in self.front if not self.front[n] and drawn.get(n, True)], key=lambda n: -keys[n])
        front = sorted([n for n in self.front if self.front[n] and drawn.get(n, True)], key=lambda n: -keys[n])
        drape = ["drape"] if "drape" in self.names else []  # a cape hangs behind everything
        return drape + back + (["body"] if "body" in self.names else []) + front

    def _stand_ins(self, vis: np.ndarray | None) -> dict[str, bool]:
        """Whether each stand-in arm is drawn this frame, from its actor's joints' visibility [L, 2] (None: no
        word on it, drawn); moves their state on by that frame."""
        if vis is None:
            return {}
        names = list(self.front)
        for n, seen in self._seen.items():
            want = bool(vis[names.index(n)].max() >= VIS_MIN)
            if seen is None or want == seen:
                self._seen[n], self._against_for[n] = want, 0
                continue
            self._against_for[n] += 1
            if self._against_for[n] >= 2:
                self._seen[n], self._against_for[n] = want, 0
        return {n: bool(seen) for n, seen in self._seen.items()}


@dataclass
class Posed:
    """One frame's layers, posed: each layer's vertices (output pixels, [N, 2]) and how fast they move about this
    frame (``velocity``: output pixels per frame, [N, 2]; None: not known, the layers are drawn sharp)."""

    vertices: dict[str, np.ndarray]
    velocity: dict[str, np.ndarray] | None = None


@dataclass
class _Plan:
    """One layer's drawing this frame: its box in the canvas (x0, y0, x1, y1), its coarse grid (rows, columns),
    and the triangles drawn, far to near (``order``, indices into the layer's triangles), with their posed
    corners (output pixels), their corners in grid cells and their texture corners; a layer blurred by its motion
    has its corners' velocities (``velocity``, output pixels per frame) and the samples its blur takes (``taps``)."""

    layer: Layer
    box: tuple[int, int, int, int]
    grid: tuple[int, int]
    order: np.ndarray
    posed: np.ndarray
    corners: np.ndarray
    texture: np.ndarray
    velocity: np.ndarray | None = None
    taps: int = 1


@dataclass
class _Under:
    """The coarse cells of a layer's grid (``cy``, ``cx``: rows, columns) where a piece of its mesh lies under the
    piece drawn, and that piece's triangle there (``tri``, indices into ``_Maps.rows``); it shows through the
    drawn piece's clear pixels where it is more than ``solid`` opaque: an arm's piece behind its drawn hand
    (:meth:`Renderer._behind`) at more than :data:`BEHIND_SOLID`, read through each pixel's own map or, where that
    one's is not solid, its cell centre's (``centres``: inside the piece where the pixel may not be); the body
    under a lock (:meth:`Renderer._beneath`) as it is (0)."""

    cy: np.ndarray
    cx: np.ndarray
    tri: np.ndarray
    centres: bool
    solid: float


@dataclass
class _Maps:
    """One layer's source maps this frame over its box (``mapx``, ``mapy``: texture pixels per output pixel),
    its coarse cells some triangle's map reaches (``mapped``), the inverse affine maps by triangle (``rows``
    [triangles + 1, 6], the last off the texture) and the cells where the map tears (``torn``); for a layer blurred
    by its motion, how far the maps move over one frame (``movex``, ``movey``: texture pixels); for an arm with a
    drawn hand over itself, or a body with locks over it, the cells where another piece of it lies under the one
    drawn and that piece's triangle there (``behind``: :class:`_Under`); the alpha factors of the pixels just off
    the mesh where it is mapped exactly (``fade``: rows, columns, factor; :func:`_soft_outline`)."""

    mapx: np.ndarray
    mapy: np.ndarray
    mapped: np.ndarray
    rows: np.ndarray
    torn: np.ndarray
    movex: np.ndarray | None = None
    movey: np.ndarray | None = None
    behind: _Under | None = None
    fade: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _extended(joints: np.ndarray) -> np.ndarray:
    """[36, 2] float64 joints (the 33 body joints plus the derived ones) from [33 or 36, 2]."""
    posed = joints.astype(np.float64)
    return extend(posed) if posed.shape[0] == 33 else posed


class Renderer:
    """Draws a rig posed by retargeted joints into output frames."""

    def __init__(self, rig: Rig, out_w: int, out_h: int, map_step: int = 3, exposure: float = 0.0) -> None:
        self.rig = rig
        self.exposure = float(exposure)  # the shutter (:data:`EXPOSURE` is a camera's); 0: every frame drawn sharp
        self.map_step = int(map_step)  # the source maps are computed every map_step pixels (affine in between)
        self.out_w, self.out_h = out_w, out_h
        self.rest = extend(rig.joints.astype(np.float64))
        self.layers = {layer.name: layer for layer in rig.layers}
        ms_mh = float(np.linalg.norm(self.rest[MS] - self.rest[MH]))
        self.order = LayerOrder([n for n in DEFAULT_ORDER if n in self.layers], margin=0.08 * ms_mh,
                                behind=arms_behind(rig.visibility, rig.labels, rig.joints,
                                                   rig.meta.get("drawn_from_twin", ())),
                                stand_ins=tuple(rig.meta.get("drawn_from_twin", ())))
        self._kernel = np.ones((3, 3), np.uint8)
        self._shoulders = shoulder_span(self.rest)
        self._vh = {}
        self._tex_xy = {}
        self._bend = {}
        self._slide = {}  # the upper arms, drawn pointing at the camera when far foreshortened (:mod:`.foreshorten`)
        # per arm holding a hand the rig draws, its triangles past the image's border (the forearm and the hand the
        # rig drew there: their transparent margin lies over the arm's own sleeve when the hand is raised in front
        # of it, see :meth:`_behind`); for a hand drawn over its own stump (``over_image``: its wrist inside the
        # image, and so a part of its reach), the triangles within its reach too: left out, that part of its margin,
        # raised beside the shoulder, hid the upper arm, a patch of the wall behind on it (TikTok character 2 in her
        # own clip, frames 120-130)
        self._drawn = {}
        for name, side in (("arm_l", "left"), ("arm_r", "right")):
            layer = self.layers.get(name)
            if side in rig.drawn_hands and layer is not None:
                c = layer.vertices[layer.triangles].mean(axis=1)
                self._drawn[name] = ((c[:, 0] < 0) | (c[:, 0] >= rig.width) | (c[:, 1] < 0) | (c[:, 1] >= rig.height)
                                     | (rig.drawn_hands[side].over_image & in_hand_reach(rig.drawn_hands[side], c)))
        # an arm drawn as the mirror image of such an arm (:mod:`.twin`: its triangles, in the same order) holds
        # that hand's mirror image and its transparent margin too: left out, the margin hid the twin's own sleeve
        # wherever the folded arm lay over itself: a thin string between its shoulder and its forearm (TikTok
        # character 0 cut at 60% of her height, dancing, once the room beside the picture let that margin be
        # whole), a round bite out of the sleeve (character 1 cut so), the puff sleeve in shreds (character 5 cut
        # so). Not the mirror image of a hand drawn over the image's own stump (``over_image``): behind the
        # astronaut's, its glove's cuff showed stretched into dark flaps floating beside the hand.
        for name in rig.meta.get("drawn_from_twin", ()):
            source, _, side = TWINS[name]
            if name in self.layers and source in self._drawn and not rig.drawn_hands[side].over_image:
                self._drawn[name] = self._drawn[source]
        self._rest_sign = {}
        # (the slivers along each mesh's outline are not drawn: squeezed, they read the texture from inside it)
        self._slivers = {layer.name: outline_slivers(layer.vertices, layer.triangles) for layer in rig.layers}
        self._clear = {layer.name: np.flatnonzero(layer.clear) for layer in rig.layers
                       if layer.clear is not None and layer.clear.any()}
        self._over = {layer.name: layer.over for layer in rig.layers if layer.over is not None and layer.over.any()}
        self._bone_depths = {layer.name: self._bone_depth_matrix(layer.bones, len(self.rest))
                             for layer in rig.layers if layer.name not in TRUNK_LAYERS}
        for layer in rig.layers:
            v = layer.vertices.astype(np.float64)
            self._vh[layer.name] = np.concatenate([v, np.ones((len(v), 1))], axis=1)  # [N, 3]
            self._tex_xy[layer.name] = (v - np.array(layer.origin, np.float64) if layer.uv is None
                                        else layer.uv.astype(np.float64))
            Q = v[layer.triangles]
            self._rest_sign[layer.name] = np.sign((Q[:, 1, 0] - Q[:, 0, 0]) * (Q[:, 2, 1] - Q[:, 0, 1]) -
                                                  (Q[:, 1, 1] - Q[:, 0, 1]) * (Q[:, 2, 0] - Q[:, 0, 0]))
            if layer.name not in TRUNK_LAYERS:
                self._bend[layer.name] = bend_setup(layer, self.rest, drawn=rig.source == "template")
            slide = slide_setup(layer, self.rest)
            if slide is not None:
                self._slide[layer.name] = slide

    def posed_vertices(self, layer, transforms: dict[str, np.ndarray]) -> np.ndarray:
        """[N, 2] the layer's vertices in output pixels, skinned by one frame's ``transforms``
        (:func:`bone_transforms`); or [T, N, 2] for T frames' ([T, 2, 3] each)."""
        A = np.stack([transforms[b] for b in layer.bones], axis=-3)  # [(T,) B, 2, 3]
        many = A.ndim == 4
        A = A if many else A[None]
        vh = self._vh[layer.name]
        if layer.name not in self._bend:
            per_bone = np.einsum("tbij,nj->tnbi", A, vh)  # [T, N, B, 2]
            out = np.einsum("nb,tnbi->tni", layer.weights, per_bone)
            if layer.drop is not None:  # its hair resting on the shoulders goes down with the chin
                drop_with_head(out, per_bone, A, layer.drop, layer.bones.index("chest"), layer.bones.index("head"))
            if layer.release is not None:  # its hair held by the shoulders, let go where the chest would drag it
                release_with_head(out, per_bone, A, layer.release, layer.weights, layer.vertices, layer.triangles,
                                  layer.bones.index("chest"), layer.bones.index("head"))
        else:  # limbs: each vertex turns about its joint (see :mod:`.bend`)
            out = bent_vertices(self._bend[layer.name], A, vh)
        if layer.name in self._slide:  # (an arm: skinned by bent_vertices above)
            slid(self._slide[layer.name], A, out, carried(self._bend[layer.name], A))
        return out if many else out[0]

    def pose(self, joints: np.ndarray, width_scale: np.ndarray, head_angle: np.ndarray,
             head_scale: np.ndarray | None = None,
             torso_width: np.ndarray | None = None) -> list[Posed]:
        """Per frame, each layer's vertices in output pixels and, when the layers are blurred (``exposure`` above
        0), their velocities, for T consecutive frames at once (``joints`` [T, 33 or 36, 2], the rest [T]; see
        :meth:`render`): numpy's per-call overhead was most of the cost of skinning one frame, and a drawing thread
        holds the GIL while it runs. The velocities are central differences (one-sided at the first and last frame):
        pass a frame more on either side of the frames to be drawn."""
        T = bone_transforms(self.rest, _extended(joints), width_scale, head_angle, head_scale, torso_width,
                            self.rig.box_torso)
        posed = {name: self.posed_vertices(layer, T) for name, layer in self.layers.items()}
        if self.exposure <= 0:  # (sharp frames: no velocities to work out, nor to hand to a drawing process)
            return [Posed({name: v[t] for name, v in posed.items()}) for t in range(len(joints))]
        moving = {name: np.gradient(v, axis=0) if len(v) > 1 else np.zeros_like(v) for name, v in posed.items()}
        return [Posed({name: v[t] for name, v in posed.items()}, {name: v[t] for name, v in moving.items()})
                for t in range(len(joints))]

    def pose_motion(self, motion: Motion, block: slice) -> list[Posed]:
        """:meth:`pose` for the frames of ``block`` of ``motion`` (a slice with a start and a stop), skinned with a
        frame more on either side for their velocities when the layers are blurred."""
        more = 1 if self.exposure > 0 else 0
        wide = slice(max(0, block.start - more), min(len(motion), block.stop + more))

        def part(x: np.ndarray | None) -> np.ndarray | None:
            return None if x is None else x[wide]

        posed = self.pose(motion.joints[wide], motion.width_scale[wide], motion.head_angle[wide],
                          part(motion.head_scale), part(motion.torso_width))
        return posed[block.start - wide.start:block.stop - wide.start]

    def render(self, canvas: np.ndarray, joints: np.ndarray, depth: np.ndarray, width_scale: float,
               head_angle: float, visibility: np.ndarray | None = None,
               head_scale: float | None = None, order: list[str] | None = None,
               posed_layers: Posed | None = None,
               torso_width: np.ndarray | None = None) -> np.ndarray:
        """Draw the posed character onto ``canvas`` (HxWx3 uint8, modified in place and returned).

        ``joints`` [36, 2] output pixels, ``depth`` [36] and ``visibility`` [36] the actor's (for the drawing
        order), ``width_scale`` output pixels per image pixel, ``head_angle`` radians, ``head_scale`` the
        head's output pixels per image pixel (default ``width_scale``). Without ``order``, call once per frame,
        in order: the drawing order keeps a little state so it does not flicker; with ``order`` (from
        :meth:`layer_order`, called in frame order elsewhere) frames may be drawn in any order, on any thread.
        ``posed_layers``: this frame's layers from :meth:`pose` (skinned here when not given, with ``torso_width``
        [2], see :func:`bone_transforms`, and drawn sharp: their velocities are not known)."""
        posed = _extended(joints)
        if order is None:
            order = self.order(depth, posed, visibility)
        if posed_layers is None:
            T = bone_transforms(self.rest, posed, float(width_scale), float(head_angle),
                                None if head_scale is None else float(head_scale), torso_width, self.rig.box_torso)
            posed_layers = Posed({name: self.posed_vertices(self.layers[name], T) for name in order})
        velocity = posed_layers.velocity or {}
        plans = [plan for plan in (self._plan(canvas, self.layers[name], posed_layers.vertices[name], depth,
                                              velocity.get(name)) for name in order)
                 if plan]
        if not plans:
            return canvas
        # every layer's triangles painted and mapped in one pass: per call, numpy's overhead is most of the cost
        tris = np.concatenate([plan.corners for plan in plans])
        w = np.concatenate([np.full(len(plan.corners), plan.grid[1]) for plan in plans])
        h = np.concatenate([np.full(len(plan.corners), plan.grid[0]) for plan in plans])
        sizes = np.array([plan.grid[0] * plan.grid[1] for plan in plans])
        # a layer's triangles drawn over its others (``Layer.over``: the locks) are painted into a grid of their own
        # after the layer's, so that its own triangle under them is known too (:meth:`_beneath`)
        over = [self._over[plan.layer.name][plan.order] if plan.layer.name in self._over else None for plan in plans]
        aside = np.array([size if o is not None and o.any() else 0 for o, size in zip(over, sizes)])
        starts = np.cumsum(sizes + aside) - sizes - aside
        counts = np.array([len(plan.corners) for plan in plans])
        at = np.repeat(starts, counts)
        for k in np.flatnonzero(aside):
            at[counts[:k].sum():counts[:k + 1].sum()][over[k]] += sizes[k]
        ranks = paint_ranks(tris, w, h, at, int((sizes + aside).sum()))
        # each cell's triangle as the index in its layer (-1: none; the last entry, taken by rank -1)
        ids = np.concatenate([plan.order for plan in plans] + [[-1]]).astype(np.float32)[ranks]
        beneath = {}  # per layer with triangles drawn over its others: where they are drawn, its own triangle there
        for k in np.flatnonzero(aside):
            own = ids[starts[k]:starts[k] + sizes[k]].reshape(plans[k].grid)
            top = ids[starts[k] + sizes[k]:starts[k] + 2 * sizes[k]].reshape(plans[k].grid)
            beneath[k] = (top >= 0, own.copy())
            np.copyto(own, top, where=top >= 0)
        coef = inverse_affines(np.concatenate([plan.posed for plan in plans]),
                               np.concatenate([plan.texture for plan in plans]))
        blurred = [plan for plan in plans if plan.velocity is not None]
        # (the same solve with the corners' velocities for texture corners: each pixel's velocity, by triangle)
        vcoef = (inverse_affines(np.concatenate([plan.posed for plan in blurred]),
                                 np.concatenate([plan.velocity for plan in blurred])) if blurred else None)
        ends = np.cumsum([len(plan.order) for plan in plans])
        vends = iter(np.cumsum([len(plan.order) for plan in blurred]))
        maps = [self._maps(plan, ids[start:start + size].reshape(plan.grid), coef[end - len(plan.order):end],
                           None if plan.velocity is None else vcoef[(v := next(vends)) - len(plan.order):v])
                for plan, start, size, end in zip(plans, starts, sizes, ends)]
        _exact_at_tears(plans, maps, self.map_step)
        self._behind(plans, maps, ids, starts, sizes)
        self._beneath(maps, beneath)
        body = None  # where the body is drawn (its alpha over its box), once an arm in front of it needs it
        spread = max(1.0, CONTACT_SPREAD * self._shoulders * float(width_scale))
        flat = self.rig.meta.get("flat_cuts", {})
        for k, (plan, layer_maps) in enumerate(zip(plans, maps)):
            shade = None
            if body is not None and plan.layer.name.startswith("arm"):
                side = "left" if plan.layer.name.endswith("_l") else "right"
                shade = (spread, body, posed[J[f"{side}_shoulder"]], flat.get(plan.layer.name))
            shades = plan.layer.name == "body" and any(p.layer.name.startswith("arm") for p in plans[k + 1:])
            alpha = self._draw_layer(canvas, plan, layer_maps, shade, keep_alpha=shades)
            if shades:
                body = (alpha, plan.box)
        return canvas

    def layer_order(self, joints: np.ndarray, depth: np.ndarray, visibility: np.ndarray | None = None) -> list[str]:
        """This frame's back-to-front layer names; call once per frame, in frame order (see :class:`LayerOrder`)."""
        return self.order(depth, _extended(joints), visibility)

    def layer_orders(self, joints: np.ndarray, depth: np.ndarray, visibility: np.ndarray) -> list[list[str]]:
        """:meth:`layer_order` for T frames in a row at once (``joints`` [T, 33 or 36, 2], ``depth`` and
        ``visibility`` [T, 36]); call for consecutive blocks, in frame order."""
        return self.order.many(depth, _extended(joints), visibility)

    def _plan(self, canvas: np.ndarray, layer, pv: np.ndarray, depth: np.ndarray,
              velocity: np.ndarray | None = None) -> _Plan | None:
        """Where ``layer`` (its vertices posed at ``pv`` [N, 2], moving at ``velocity`` [N, 2] output pixels per
        frame, None: unknown) lands in ``canvas`` this frame, which of its triangles are drawn, far to near, and
        whether it is blurred by its motion."""
        H, W = canvas.shape[:2]
        lo, hi = np.floor(pv.min(axis=0)), np.ceil(pv.max(axis=0))
        x0, y0 = int(max(0, lo[0])), int(max(0, lo[1]))
        x1, y1 = int(min(W, hi[0] + 1)), int(min(H, hi[1] + 1))
        if x1 <= x0 or y1 <= y0:
            return None
        tris = layer.triangles
        # triangle order: far to near by the skinned depth of the bones (folds draw the nearer part on top)
        if layer.name not in TRUNK_LAYERS:
            bz = self._bone_depths[layer.name] @ depth
            order = np.argsort(-(layer.tri_weights @ bz), kind="stable")
        else:
            order = np.arange(len(tris))
        # triangles turned over (the inside of a sharply bent joint folds onto itself) are not drawn
        P = pv[tris]
        area = (P[:, 1, 0] - P[:, 0, 0]) * (P[:, 2, 1] - P[:, 0, 1]) - \
            (P[:, 1, 1] - P[:, 0, 1]) * (P[:, 2, 0] - P[:, 0, 0])
        kept = ((np.sign(area) == self._rest_sign[layer.name]) | (np.abs(area) < 1e-9)) & ~self._slivers[layer.name]
        order = order[kept[order]]
        # the id buffer and the source maps on a coarser grid: inside a triangle the map is affine, so the
        # bilinear upsampling below is exact there (and continuous across the mesh's edges)
        F = self.map_step
        hw, hh = (x1 - x0 + F - 1) // F + 1, (y1 - y0 + F - 1) // F + 1
        drawn = tris[order]
        posed = pv[drawn]  # (the grid's corners from these: gathering them again cost more than the arithmetic)
        moving, taps = None, 1
        if velocity is not None and self.exposure > 0:
            fastest = float(np.sqrt((velocity ** 2).sum(axis=1).max(initial=0.0)))
            path = self.exposure * fastest
            if path >= BLUR_MIN:
                longest = BLUR_MAX * W
                moving = velocity[drawn] * (min(1.0, longest / path))
                taps = int(min(MAX_TAPS, math.ceil(min(path, longest) / TAP_PIXELS) + 1))
        return _Plan(layer=layer, box=(x0, y0, x1, y1), grid=(hh, hw), order=order, posed=posed,
                     corners=(posed - np.array([x0, y0]) - (F - 1) / 2.0) / F,
                     texture=self._tex_xy[layer.name][drawn], velocity=moving, taps=taps)

    def _maps(self, plan: _Plan, ids: np.ndarray, coef: np.ndarray, vcoef: np.ndarray | None = None) -> _Maps:
        """The layer box's source maps (texture pixels per output pixel) from its coarse grid: ``ids`` [rows,
        columns] float32 per cell the triangle drawn there (-1: none); ``coef`` [drawn, 6] the inverse affine
        maps of the triangles drawn, in the order of ``plan.order``, and ``vcoef`` the same rows for their output
        velocity (a layer blurred by its motion; else None). Affine inside a triangle, so enlarged bilinearly from
        the cells' centres; the cells where the map tears (:func:`_torn_cells`), or where a map carried out past
        its triangle reads the texture's paint, are kept to be mapped exactly (:func:`_exact_at_tears`)."""
        layer, (x0, y0, x1, y1), (hh, hw) = plan.layer, plan.box, plan.grid
        F = self.map_step
        bw, bh = x1 - x0, y1 - y0
        M = len(layer.triangles)
        # extrapolate the border triangles' maps two cells outward (their texture is transparent there)
        grown = cv2.dilate(ids, self._kernel, iterations=2)
        idx = np.where(ids < 0, grown, ids).astype(np.int32)
        idx[idx < 0] = M
        rows = np.empty((M + 1, 6), np.float32)
        rows[:] = OFF_TEXTURE  # the last row, for cells no triangle covers
        rows[plan.order] = coef
        # a gap's clear triangles are drawn off the texture: their neighbours' maps are not carried out over them
        # (on past a cheek's edge, the map read the collar's outline across the narrow gap in the texture)
        if layer.name in self._clear:
            rows[self._clear[layer.name]] = OFF_TEXTURE
        c = np.take(rows, idx, axis=0)  # [hh, hw, 6]
        # coarse cell (i, j) covers output pixels F*j .. F*j+F-1: its centre is at F*j + (F-1)/2
        xs = (x0 + (F - 1) / 2.0 + F * np.arange(hw, dtype=np.float32))[None, :]
        ys = (y0 + (F - 1) / 2.0 + F * np.arange(hh, dtype=np.float32))[:, None]
        mapx = c[:, :, 0] * xs
        mapx += c[:, :, 1] * ys
        mapx += c[:, :, 2]
        mapy = c[:, :, 3] * xs
        mapy += c[:, :, 4] * ys
        mapy += c[:, :, 5]
        torn = _torn_cells(mapx, mapy, idx < M, ids >= 0)
        if len(coef):
            stretch = coef[:, 0] ** 2 + coef[:, 1] ** 2 + coef[:, 3] ** 2 + coef[:, 4] ** 2
            squeezed = np.zeros(M + 1, bool)
            squeezed[plan.order] = stretch > SQUEEZED ** 2 * float(np.median(stretch))
            torn |= squeezed[idx] & (ids < 0)
        # a map carried out past its triangle that reads the texture's paint there, not its transparent margin: the
        # two sides of a narrow notch in the outline lie close in the texture (a teddy bear's neck corner), and the
        # head's side carried out over the notch read the shoulder's fur beyond it, a brown fleck in the backdrop
        carried = (ids < 0) & (idx < M)
        if carried.any():
            alpha = layer.texture[..., 3]
            h, w = alpha.shape
            xi = np.clip(np.round(mapx[carried]).astype(np.int64), -1, w)
            yi = np.clip(np.round(mapy[carried]).astype(np.int64), -1, h)
            inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
            solid = np.zeros(len(xi), bool)
            solid[inside] = alpha[yi[inside], xi[inside]] > 127
            torn[carried] |= solid
        movex = movey = None
        if vcoef is not None:
            # a pixel moving at v sees, a moment dt later, the texture that was at p - v dt: the map moves by -J v dt
            # (J: the map's own derivative, the first two coefficients of each row)
            vrows = np.zeros((M + 1, 6), np.float32)
            vrows[plan.order] = vcoef
            cv = np.take(vrows, idx, axis=0)
            vx = cv[:, :, 0] * xs + cv[:, :, 1] * ys + cv[:, :, 2]
            vy = cv[:, :, 3] * xs + cv[:, :, 4] * ys + cv[:, :, 5]
            # (at most the longest blur: a sliver's steep map would send its samples anywhere)
            most = BLUR_MAX * self.out_w / self.exposure
            movex = cv2.resize(np.clip(-(c[:, :, 0] * vx + c[:, :, 1] * vy), -most, most), (F * hw, F * hh),
                               interpolation=cv2.INTER_LINEAR)[:bh, :bw]
            movey = cv2.resize(np.clip(-(c[:, :, 3] * vx + c[:, :, 4] * vy), -most, most), (F * hw, F * hh),
                               interpolation=cv2.INTER_LINEAR)[:bh, :bw]
        mapx = cv2.resize(mapx, (F * hw, F * hh), interpolation=cv2.INTER_LINEAR)[:bh, :bw]
        mapy = cv2.resize(mapy, (F * hw, F * hh), interpolation=cv2.INTER_LINEAR)[:bh, :bw]
        return _Maps(mapx=mapx, mapy=mapy, mapped=idx < M, rows=rows, torn=torn, movex=movex, movey=movey)

    def _draw_layer(self, canvas: np.ndarray, plan: _Plan, maps: _Maps, shade: tuple | None = None,
                    keep_alpha: bool = False) -> np.ndarray | None:
        """Sample the layer's texture through its ``maps`` (:meth:`_maps`) and blend it over ``canvas``; ``shade``
        (spread in pixels, the body's alpha and box, the shoulder): the layer is an arm in front of the
        body, which gets the arm's contact shadow (:func:`contact_shadow`). Returns the layer's alpha over its
        box with ``keep_alpha`` (else None: most layers' is not needed once drawn)."""
        layer, (x0, y0, x1, y1) = plan.layer, plan.box
        bw, bh = x1 - x0, y1 - y0
        mapx, mapy = maps.mapx, maps.mapy
        a = np.zeros((bh, bw), np.float32) if keep_alpha or shade is not None else None
        rgb = np.zeros((bh, bw, 3), np.uint8) if shade is not None else None
        spans = self._spans(maps.mapped, bw, bh)
        drawn = []
        for ys_, xs_ in spans:
            taps = 1
            if maps.movex is not None:
                mx, my = maps.movex[ys_, xs_], maps.movey[ys_, xs_]
                path = self.exposure * math.hypot(float(np.abs(mx).max(initial=0.0)),
                                                  float(np.abs(my).max(initial=0.0)))
                taps = int(min(plan.taps, math.ceil(path / TAP_PIXELS) + 1)) if path >= BLUR_MIN else 1
            if taps == 1:
                sample = cv2.remap(layer.texture, mapx[ys_, xs_], mapy[ys_, xs_], cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0))
            else:
                sample = self._blurred(layer.texture, mapx[ys_, xs_], mapy[ys_, xs_], mx, my, taps)
            part_a = cv2.multiply(cv2.extractChannel(sample, 3), 1.0 / 255.0, dtype=cv2.CV_32F)
            if maps.fade is not None:
                _fade(part_a, ys_, xs_, *maps.fade)
            if a is not None:
                a[ys_, xs_] = part_a
            part_rgb = cv2.cvtColor(sample, cv2.COLOR_RGBA2RGB)
            if rgb is not None:
                rgb[ys_, xs_] = part_rgb
            drawn.append((ys_, xs_, part_a, part_rgb))
        if maps.behind is not None:
            self._under(plan, maps, drawn, a, rgb)
        if shade is not None:
            contact_shadow(canvas, a, rgb, plan.box, *shade)
        for ys_, xs_, part_a, part_rgb in drawn:
            region = canvas[y0 + ys_.start:y0 + ys_.stop, x0 + xs_.start:x0 + xs_.stop]
            out = cv2.blendLinear(part_rgb, region, part_a, 1.0 - part_a, dst=region)
            if out is not region:  # OpenCV wrote a copy (a canvas whose rows it cannot address in place)
                region[...] = out
        return a

    def _behind(self, plans: list[_Plan], maps: list[_Maps], ids: np.ndarray, starts: np.ndarray,
                sizes: np.ndarray) -> None:
        """For each arm holding a drawn hand whose mesh lies over itself this frame, the pixels where a piece of it
        lies behind the piece drawn (``_Maps.behind``, set in place): the id buffer holds one triangle per cell, the
        nearest, and where that one's texel is clear (a drawn hand's transparent margin over its own sleeve) the
        sleeve behind it was lost, a thin line of what lies under the layer along the hand. The farthest triangle
        per cell comes from painting the arm's triangles again in the reverse order. Only for arms with a drawn
        hand, in frames where their map tears (``_Maps.torn``: two pieces of it meet) beside a triangle the rig drew
        past the image's border (the drawn hand or forearm over the rest of the arm, or under it): done for every
        limb in every frame, the second painting cost a third more of drawing the layers (the speed bench's
        dance), and for every tear of such an arm (its elbow's folds too), a sixth (TikTok character 4 dancing)."""
        limbs = []
        for k, plan in enumerate(plans):
            drawn = self._drawn.get(plan.layer.name)
            if drawn is None or not len(plan.order) or not maps[k].torn.any():
                continue
            near = ids[starts[k]:starts[k] + sizes[k]].reshape(plan.grid)
            beside = near[cv2.dilate(maps[k].torn.astype(np.uint8), self._kernel).astype(bool) & (near >= 0)]
            if drawn[beside.astype(np.int64)].any():
                limbs.append(k)
        if not limbs:
            return
        counts = [len(plans[k].order) for k in limbs]
        grids = np.array([sizes[k] for k in limbs])
        at = np.cumsum(grids) - grids
        far = paint_ranks(np.concatenate([plans[k].corners[::-1] for k in limbs]),
                          np.repeat([plans[k].grid[1] for k in limbs], counts),
                          np.repeat([plans[k].grid[0] for k in limbs], counts), np.repeat(at, counts),
                          int(grids.sum()))
        far = np.concatenate([plans[k].order[::-1] for k in limbs] + [[-1]])[far]
        F = self.map_step
        for k, start in zip(limbs, at):
            plan, m = plans[k], maps[k]
            hh, hw = plan.grid
            near = ids[starts[k]:starts[k] + sizes[k]].reshape(hh, hw).astype(np.int64)
            back = far[start:start + sizes[k]].reshape(hh, hw)
            cy, cx = np.nonzero((near >= 0) & (back >= 0) & (near != back))
            if len(cy) == 0:
                continue
            X = plan.box[0] + (F - 1) / 2.0 + F * cx
            Y = plan.box[1] + (F - 1) / 2.0 + F * cy
            a, b = m.rows[near[cy, cx]], m.rows[back[cy, cx]]
            apart = np.hypot((a[:, 0] - b[:, 0]) * X + (a[:, 1] - b[:, 1]) * Y + a[:, 2] - b[:, 2],
                             (a[:, 3] - b[:, 3]) * X + (a[:, 4] - b[:, 4]) * Y + a[:, 5] - b[:, 5]) > BEHIND_TEXELS
            if not apart.any():
                continue
            # those cells and the ones beside them: a pixel there next to a torn cell is mapped exactly
            # (:func:`_exact_at_tears`), through the piece in front where its cell holds the one behind (left out,
            # each such pixel stayed a dark speck along the drawn hand)
            over = np.zeros((hh, hw), np.uint8)
            over[cy[apart], cx[apart]] = 1
            cy, cx = np.nonzero(cv2.dilate(over, self._kernel).astype(bool) & (back >= 0))
            m.behind = _Under(cy, cx, back[cy, cx], centres=True, solid=BEHIND_SOLID)

    def _beneath(self, maps: list[_Maps], beneath: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
        """For each layer with triangles drawn over its others (``Layer.over``: the locks split off the body), the
        cells where its own triangle lies under one of them (``_Maps.behind``, set in place; ``beneath``: per layer,
        by its place in ``maps``, the cells where they are drawn and its own triangle per cell, -1: none). The id
        buffer holds one triangle per cell, the nearest, and where the lock's texel was partly clear (its soft
        outline, its clear band, a strand's gaps) what showed through it was what lies under the layer, the
        background plate, not the shirt under the lock (TikTok character 4 in her own clip, frames 146-152: a dark
        green fringe and a leaf-coloured speck along the lock's tip on her shirt; fading the tip or softening its
        edge only showed more of the plate). The cells beside them too: a pixel there is drawn through the lock
        where it lies in it (:func:`_exact_at_tears`)."""
        for k, (top, own) in beneath.items():
            cy, cx = np.nonzero(cv2.dilate(top.astype(np.uint8), self._kernel).astype(bool) & (own >= 0))
            if len(cy):
                maps[k].behind = _Under(cy, cx, own[cy, cx].astype(np.int64), centres=False, solid=0.0)

    def _under(self, plan: _Plan, m: _Maps, drawn: list, a: np.ndarray | None, rgb: np.ndarray | None) -> None:
        """The piece of a layer under the piece drawn (``m.behind``, see :class:`_Under`) shown where the drawn
        piece is clear and it is solid, in the drawn spans (``drawn``: rows, columns, alpha, RGB; changed in place,
        and the box's ``a`` and ``rgb`` when kept). Only the clear pixels are mapped and sampled again, through the
        piece under's exact map, and only those drawn through another piece of the mesh, far from that map (a
        piece under itself thickened its own soft outline): a lock is mostly solid."""
        u, F = m.behind, self.map_step
        if not drawn:
            return
        oy, ox = np.divmod(np.arange(F * F), F)
        ys, xs = (F * u.cy[:, None] + oy).ravel(), (F * u.cx[:, None] + ox).ravel()
        cell = np.repeat(np.arange(len(u.cy)), F * F)
        # each pixel's span (the spans are bands of rows, top to bottom, each over its own columns)
        bands = np.array([(ys_.start, ys_.stop, xs_.start, xs_.stop) for ys_, xs_, _, _ in drawn], np.int64)
        span = np.searchsorted(bands[:, 0], ys, side="right") - 1
        b = bands[span]
        inside = np.flatnonzero((span >= 0) & (ys < b[:, 1]) & (xs >= b[:, 2]) & (xs < b[:, 3]))
        span, ry, rx, cell = span[inside], ys[inside], xs[inside], cell[inside]  # (rows, columns in the box)
        top = np.empty(len(span), np.float32)
        for k, (ys_, xs_, part_a, _) in enumerate(drawn):
            at = span == k
            top[at] = part_a[ry[at] - ys_.start, rx[at] - xs_.start]
        clear = top < BEHIND_CLEAR
        if not clear.any():
            return
        span, ry, rx, cell = span[clear], ry[clear], rx[clear], cell[clear]
        py, px = ry - bands[span, 0], rx - bands[span, 2]  # (in the span)
        row = m.rows[u.tri[cell]]
        X, Y = (rx + plan.box[0])[None], (ry + plan.box[1])[None]
        if u.centres:
            X = np.concatenate([X, (plan.box[0] + (F - 1) / 2.0 + F * u.cx[cell])[None]])
            Y = np.concatenate([Y, (plan.box[1] + (F - 1) / 2.0 + F * u.cy[cell])[None]])
        bx = (row[:, 0] * X + row[:, 1] * Y + row[:, 2]).astype(np.float32)
        by = (row[:, 3] * X + row[:, 4] * Y + row[:, 5]).astype(np.float32)
        other = np.hypot(bx[0] - m.mapx[ry, rx], by[0] - m.mapy[ry, rx]) > BEHIND_TEXELS
        if not other.any():
            return
        span, py, px, bx, by = span[other], py[other], px[other], bx[:, other], by[:, other]
        n = bx.size
        rows = -(-n // 1024)  # (sampled as a block of rows: OpenCV's maps are at most 32767 wide)
        both = cv2.remap(plan.layer.texture, np.resize(bx, rows * 1024).reshape(rows, 1024),
                         np.resize(by, rows * 1024).reshape(rows, 1024), cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0)).reshape(-1, 4)[:n]
        under = both[:len(span)]
        if u.centres:
            under = np.where((under[:, 3] > 255 * u.solid)[:, None], under, both[len(span):])
        for k, (ys_, xs_, part_a, part_rgb) in enumerate(drawn):
            shows = (span == k) & (under[:, 3] > 255 * u.solid)
            if not shows.any():
                continue
            qy, qx, w = py[shows], px[shows], under[shows]
            top = part_a[qy, qx]
            ua = w[:, 3].astype(np.float32) / 255.0 * (1.0 - top)
            out = top + ua
            colour = (part_rgb[qy, qx].astype(np.float32) * top[:, None] + w[:, :3] * ua[:, None]) / out[:, None]
            part_a[qy, qx] = out
            part_rgb[qy, qx] = np.clip(np.round(colour), 0, 255).astype(np.uint8)
            if a is not None:
                a[ys_.start + qy, xs_.start + qx] = out
            if rgb is not None:
                rgb[ys_.start + qy, xs_.start + qx] = part_rgb[qy, qx]

    def _blurred(self, texture: np.ndarray, mapx: np.ndarray, mapy: np.ndarray, movex: np.ndarray,
                 movey: np.ndarray, taps: int) -> np.ndarray:
        """The texture (RGBA uint8) sampled through the maps at ``taps`` moments spread over the exposure (the maps
        moving by ``movex``, ``movey`` texture pixels a frame) and averaged: RGBA uint8. Averaged as they are, not
        weighted by their alpha: a layer's transparent texels hold its nearest own colour (``mesh``), so a sample
        off its edge adds transparency and no other colour. OpenCV's integer arithmetic throughout (numpy's steps
        cost more than the sampling itself)."""
        total = None
        for s in self.exposure * (np.arange(taps) / (taps - 1) - 0.5):
            sample = cv2.remap(texture, cv2.scaleAdd(movex, float(s), mapx), cv2.scaleAdd(movey, float(s), mapy),
                               cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            total = sample.astype(np.uint16) if total is None else cv2.add(total, sample, dtype=cv2.CV_16U)
        return cv2.convertScaleAbs(total, alpha=1.0 / taps)

    def _spans(self, mapped: np.ndarray, bw: int, bh: int) -> list[tuple[slice, slice]]:
        """The parts of a layer's box (``bw`` x ``bh`` pixels, ``mapped`` [rows, columns] its coarse cells that
        some triangle's map reaches) that can show any of it: per band of :data:`BANDS` its rows, the columns
        from its first to its last mapped cell, one cell more either side (the maps' bilinear enlargement reads
        a cell's neighbours). Every other pixel maps wholly off the texture, is transparent and is left as it
        is, so sampling and blending only these gives the same frame: a limb's box is mostly empty (30-50 %
        of it is covered), and sampling and blending were the largest part of drawing."""
        F = self.map_step
        hh = mapped.shape[0]
        step = -(-hh // BANDS)
        spans = []
        for r0 in range(0, hh, step):
            r1 = min(hh, r0 + step)
            cols = np.flatnonzero(mapped[max(0, r0 - 1):r1 + 1].any(axis=0))
            py0, py1 = F * r0, min(bh, F * r1)
            if len(cols) == 0 or py1 <= py0:
                continue
            px0, px1 = max(0, F * (int(cols[0]) - 1)), min(bw, F * (int(cols[-1]) + 2))
            if px1 > px0:
                spans.append((slice(py0, py1), slice(px0, px1)))
        return spans

    def _bone_depth_matrix(self, bones: list[str], joints: int) -> np.ndarray:
        """[B, joints] weights so that ``matrix @ depth`` is each bone's depth: the torso corners' mean for the
        trunk and head, the mean of the bone's two ends for a limb part (one matrix product per frame)."""
        out = np.zeros((len(bones), joints))
        for i, bone in enumerate(bones):
            if bone in ("chest", "pelvis", "head"):
                out[i, list(TORSO_CORNERS)] = 1.0 / len(TORSO_CORNERS)
            else:
                for end in PART_ENDS[bone]:
                    out[i, list(end)] += 0.5 / len(end)
        return out


CONTACT_SPREAD = 0.02  # the soft shadow an arm casts on the body reaches about twice this far (shoulder widths)
CONTACT_DARK = 0.4  # how much of the light the arm takes from the body right along its outline
CONTACT_ALIKE = 200.0  # (RGB, summed over the channels) arm and body this far apart in colour: the arm's own edge shows
CONTACT_STEP = 2.0  # the shadow's grid is this many times finer than its spread (no finer: the shadow is soft)
SHOULDER_SEAM = 8.0  # (spreads) around the shoulder, where the arm grows out of the body, the shadow fades out


def _torn_cells(mapx: np.ndarray, mapy: np.ndarray, mapped: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """[rows, columns] the coarse cells (``mapped``: some triangle's map drawn there) where the map does not go on
    from one neighbour to the next: the cells either side hold triangles of different pieces of the mesh (a hand
    over its own sleeve, the two sides of a fold), whose texture positions lie far apart. Enlarged bilinearly
    between them, the map ran across the texture from one to the other, and the pixels between sampled
    whatever lay on that way: thin lines of a forearm's skin in steps of a cell along the hand drawn over the
    sleeve (TikTok character 4 raising a drawn hand). ``mapx``, ``mapy``: the map at the cells' centres; a
    mesh's own map is affine in each triangle, so its second difference along a row or a column is about nothing
    but at such a tear. Only where a triangle is drawn in one of the three cells (``covered``): the band the
    border triangles' maps are carried out over is transparent, and their tears there are no one's to see."""
    torn = np.zeros(mapped.shape, bool)
    h, w = mapped.shape
    for cut in (lambda k: np.s_[:, k:w - 2 + k], lambda k: np.s_[k:h - 2 + k, :]):
        gx = mapx[cut(2)] - 2 * mapx[cut(1)] + mapx[cut(0)]
        gy = mapy[cut(2)] - 2 * mapy[cut(1)] + mapy[cut(0)]
        torn[cut(1)] |= (mapped[cut(0)] & mapped[cut(1)] & mapped[cut(2)]
                         & (covered[cut(0)] | covered[cut(1)] | covered[cut(2)])
                         & (gx * gx + gy * gy > TEAR_TEXELS ** 2))
    # two neighbouring cells whose maps lie far apart, a triangle drawn in neither (two pieces' maps carried out
    # past their outlines meet: the inside corner of a bent drawn elbow, :mod:`.elbow_joint`, whose two tubes'
    # textures lie apart): the pixels between read the texture a third of the way from one piece's place to the
    # other's, inside one of them, and showed a speck of its paint in the backdrop
    for a, b in ((np.s_[:, :-1], np.s_[:, 1:]), (np.s_[:-1, :], np.s_[1:, :]), (np.s_[:-1, :-1], np.s_[1:, 1:]),
                 (np.s_[:-1, 1:], np.s_[1:, :-1])):
        dx, dy = mapx[b] - mapx[a], mapy[b] - mapy[a]
        apart = mapped[a] & mapped[b] & ~covered[a] & ~covered[b] & (dx * dx + dy * dy > TEAR_TEXELS ** 2)
        torn[a] |= apart
        torn[b] |= apart
    return torn


def _exact_at_tears(plans: list[_Plan], maps: list[_Maps], F: int) -> None:
    """Map the pixels whose bilinear enlargement reads a torn cell (:func:`_torn_cells`) exactly, through the
    nearest of the layer's triangles drawn at each pixel itself (``maps`` changed in place; ``F`` pixels per
    cell): each piece samples its own part of the texture, up to the other's outline at the pixel, as a layer
    drawn without the coarse grid would (by cells, a hand's transparent margin cut its sleeve in steps). All the
    frame's layers' tears are painted in one pass (a pass per layer cost several times as much)."""
    boxes, corners = [], []
    for plan, m in zip(plans, maps):
        if not m.torn.any():
            continue
        bh, bw = m.mapx.shape
        ty, tx = np.nonzero(m.torn)
        r0, c0 = max(0, int(ty.min()) - 1), max(0, int(tx.min()) - 1)
        near = cv2.dilate(m.torn[r0:int(ty.max()) + 2, c0:int(tx.max()) + 2].astype(np.uint8), None)
        ya, xa = F * r0, F * c0
        h, w = min(bh - ya, F * near.shape[0]), min(bw - xa, F * near.shape[1])
        ys, xs = np.nonzero(np.repeat(np.repeat(near, F, axis=0), F, axis=1)[:h, :w])
        # (only the triangles reaching into those pixels' box, in their drawing order)
        local = plan.posed - np.array([plan.box[0] + xa, plan.box[1] + ya])
        cx, cy = local[:, :, 0], local[:, :, 1]  # (numpy reduces an axis of three slowly: corner by corner)
        some = np.flatnonzero((np.maximum(np.maximum(cx[:, 0], cx[:, 1]), cx[:, 2]) >= -1)
                              & (np.minimum(np.minimum(cx[:, 0], cx[:, 1]), cx[:, 2]) <= w)
                              & (np.maximum(np.maximum(cy[:, 0], cy[:, 1]), cy[:, 2]) >= -1)
                              & (np.minimum(np.minimum(cy[:, 0], cy[:, 1]), cy[:, 2]) <= h))
        boxes.append((plan, m, ys, xs, ya, xa, h, w, some))
        corners.append(local[some])
    if not boxes:
        return
    counts = [len(b[-1]) for b in boxes]
    sizes = np.array([b[6] * b[7] for b in boxes])
    starts = np.cumsum(sizes) - sizes
    ranks = paint_ranks(np.concatenate(corners), np.repeat([b[7] for b in boxes], counts),
                        np.repeat([b[6] for b in boxes], counts), np.repeat(starts, counts), int(sizes.sum()))
    # each layer's triangles' ranks run on from the previous layers' (rank -1: none, the last row, off the texture)
    offsets = np.cumsum(counts) - counts
    for (plan, m, ys, xs, ya, xa, h, w, some), near_corners, start, offset in zip(boxes, corners, starts, offsets):
        rank = ranks[start:start + h * w].reshape(h, w)[ys, xs]
        drawn = np.append(plan.order[some], len(m.rows) - 1)
        k = m.rows[drawn[np.where(rank >= 0, rank - offset, -1)]]
        X, Y = (xs + xa + plan.box[0]).astype(np.float32), (ys + ya + plan.box[1]).astype(np.float32)
        m.mapx[ys + ya, xs + xa] = k[:, 0] * X + k[:, 1] * Y + k[:, 2]
        m.mapy[ys + ya, xs + xa] = k[:, 3] * X + k[:, 4] * Y + k[:, 5]
        off = rank < 0
        _soft_outline(plan, m, ranks[start:start + h * w].reshape(h, w), offset, ys[off], xs[off], near_corners,
                      drawn[:-1], ya, xa)


def _soft_outline(plan: _Plan, m: _Maps, ranks: np.ndarray, offset: int, ys: np.ndarray, xs: np.ndarray,
                  corners: np.ndarray, drawn: np.ndarray, ya: int, xa: int) -> None:
    """Give a layer's outline where it is mapped exactly (:func:`_exact_at_tears`) its soft edge back: each pixel
    there off the mesh (at ``ys``, ``xs`` in the box at ``ya``, ``xa`` in the layer's box) within ``OUTLINE_FADE``
    of the triangle drawn nearest it takes the texel of the nearest point inside that triangle, its alpha faded by
    the distance (``m.fade``). ``ranks`` [h, w]: the rank painted at each pixel of that box, less ``offset`` an
    index into ``corners`` [n, 3, 2] (local to the box) and ``drawn`` (their rows in ``m.rows``), negative: none.
    Cut at the triangle, the outline stepped from pixel to pixel (TikTok character 3's hair over the window, 3<-5
    frames 20-55, where its triangles are squeezed); carried on past it, a squeezed triangle's map read the texture
    too far (``SQUEEZED``), so the texel is taken at the triangle's own edge. The triangle drawn nearest is the one
    at the nearest pixel drawn up to two pixels away (:data:`_NEIGHBOURS`; farther, a pixel lies more than
    ``OUTLINE_FADE`` off the mesh): a distance transform of the whole box (38,000 pixels for 2,000 off the mesh, on
    character 3 driven by clip 5) cost 8% of drawing the frame."""
    if not len(ys):
        return
    # (most of those pixels lie farther off: only the others are looked around)
    close = cv2.dilate((ranks >= 0).view(np.uint8), _AROUND)[ys, xs] > 0
    if not close.any():
        return
    ys, xs = ys[close], xs[close]
    padded = cv2.copyMakeBorder(ranks, _REACH, _REACH, _REACH, _REACH, cv2.BORDER_CONSTANT, value=-1)
    # each pixel's neighbours, nearest first, and the first of them drawn (all at once: a pass per step cost more)
    steps = _NEIGHBOURS[:, 0] * padded.shape[1] + _NEIGHBOURS[:, 1]
    around = np.take(padded, ((ys + _REACH) * padded.shape[1] + xs + _REACH)[:, None] + steps)
    first = np.argmax(around >= 0, axis=1)
    t = around[np.arange(len(ys)), first]
    t -= offset
    # the nearest point of the triangle's outline, edge by edge (each coordinate a row of its own: numpy reduces a
    # short axis slowly)
    cx, cy = corners[t, :, 0].T, corners[t, :, 1].T
    best = np.full(len(t), np.inf)
    nx, ny = np.zeros(len(t)), np.zeros(len(t))
    for i in range(3):
        ax, ay = cx[i], cy[i]
        bx, by = cx[(i + 1) % 3] - ax, cy[(i + 1) % 3] - ay
        u = np.clip(((xs - ax) * bx + (ys - ay) * by) / np.maximum(bx * bx + by * by, 1e-12), 0.0, 1.0)
        qx, qy = ax + u * bx, ay + u * by
        d = np.hypot(xs - qx, ys - qy)
        closer = d < best
        best[closer], nx[closer], ny[closer] = d[closer], qx[closer], qy[closer]
    near = best < OUTLINE_FADE
    ys, xs, k = ys[near] + ya, xs[near] + xa, m.rows[drawn[t[near]]]
    X, Y = nx[near] + plan.box[0] + xa, ny[near] + plan.box[1] + ya
    m.mapx[ys, xs] = k[:, 0] * X + k[:, 1] * Y + k[:, 2]
    m.mapy[ys, xs] = k[:, 3] * X + k[:, 4] * Y + k[:, 5]
    m.fade = (ys, xs, np.minimum(1.0, OUTLINE_FADE - best[near]).astype(np.float32))


def _fade(part_a: np.ndarray, ys_: slice, xs_: slice, ys: np.ndarray, xs: np.ndarray, factor: np.ndarray) -> None:
    """Scale the alpha ``part_a`` of a span (rows ``ys_``, columns ``xs_`` of its layer's box) by ``factor`` at the
    pixels of its outline (``ys``, ``xs`` in the box) that fall in it (:func:`_soft_outline`): only those, a few
    hundred in a box of tens of thousands (a factor per pixel of the box cost more than the outline itself)."""
    lo, hi = np.searchsorted(ys, (ys_.start, ys_.stop))  # (``ys`` ascending: the pixels in raster order)
    ys, xs, factor = ys[lo:hi], xs[lo:hi], factor[lo:hi]
    inside = (xs >= xs_.start) & (xs < xs_.stop)
    part_a[ys[inside] - ys_.start, xs[inside] - xs_.start] *= factor[inside]


def contact_shadow(canvas: np.ndarray, alpha: np.ndarray, colour: np.ndarray, box: tuple[int, int, int, int],
                   spread: float, body: tuple[np.ndarray, tuple[int, int, int, int]], shoulder: np.ndarray,
                   unlined: tuple[float, float, float] | None = None) -> None:
    """Darken the body (``body``: its alpha and its box in ``canvas``) in a soft band around an arm about to be
    drawn over it (``alpha`` and ``colour`` over ``box``, x0, y0, x1, y1) where the body there has the arm's
    colour: the shadow and the occlusion along a real arm's outline where it lies on or passes close over
    clothes of its own colour. Without it such an arm has no outline at all (a black sleeve over a black top
    was drawn as one flat mass with the torso, and could not be told from it: TikTok clip 0, its forearm read
    as folded across the chest); where the colours differ the outline is there already. Nothing is darkened
    beyond the body (the wall behind is too far for the arm's shadow to show so sharply), nor around the
    ``shoulder``, where the arm grows out of the body (a seam there would outline the shoulder). Nor where the arm
    has the ``unlined`` colour (RGB, if given): the flat colour the picture draws it in as one mass with the body,
    with no line between them (``rig.meta["flat_cuts"]``, :func:`.cut_edge.flat_cut`): shaded, the teddy bear's
    brown arm left dark blurred smudges down its brown body's sides, at rest already, where the picture has none;
    its light paw over its light belly is still shaded, as the picture never showed the two together."""
    H, W = canvas.shape[:2]
    x0, y0, x1, y1 = box
    pad = int(np.ceil(2.5 * spread))
    X0, Y0, X1, Y1 = max(0, x0 - pad), max(0, y0 - pad), min(W, x1 + pad), min(H, y1 + pad)
    body_alpha, (bx0, by0, bx1, by1) = body
    ix0, iy0, ix1, iy1 = max(X0, bx0), max(Y0, by0), min(X1, bx1), min(Y1, by1)
    if ix1 <= ix0 or iy1 <= iy0:
        return
    inner = np.s_[iy0 - Y0:iy1 - Y0, ix0 - X0:ix1 - X0]
    region = canvas[iy0:iy1, ix0:ix1]
    # the shadow is soft: it is worked out on a grid CONTACT_STEP times finer than its spread and smoothly
    # enlarged; on every pixel it cost a sixth of the drawing
    step = max(2, int(spread / CONTACT_STEP))
    size = (-(-(X1 - X0) // step), -(-(Y1 - Y0) // step))

    def on_grid(image: np.ndarray, left: int, top: int) -> tuple[np.ndarray, tuple[slice, slice]]:
        """``image`` (whose pixel 0, 0 is canvas pixel left, top) on the grid, and where it lies there."""
        gx, gy = (left - X0) // step, (top - Y0) // step
        w = min(size[0] - gx, -(-image.shape[1] // step))
        h = min(size[1] - gy, -(-image.shape[0] // step))
        small = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32, copy=False)
        return small, np.s_[gy:gy + h, gx:gx + w]

    a_small, at = on_grid(alpha, x0, y0)
    colour_small, _ = on_grid(colour, x0, y0)
    a = np.zeros(size[::-1], np.float32)
    a[at] = a_small
    tint = np.zeros(size[::-1] + (3,), np.float32)
    # per channel with OpenCV on three equal planes: numpy's broadcast over a last axis of three (and its sum
    # over it, below) cost several times as much on these small grids, for the same floats
    tint[at] = cv2.multiply(colour_small, cv2.merge([a_small] * 3))
    near = cv2.GaussianBlur(a, (0, 0), spread / step)
    # from here on only the cells over the body count (the shadow is nothing elsewhere): the band's arm colour,
    # likeness and distance from the shoulder are worked out there alone
    body_small, bt = on_grid(region, ix0, iy0)
    near_b = near[bt]
    # the arm's colour next to each pixel of the band (its nearby pixels' mean), against the body's there
    arm_colour = cv2.divide(cv2.GaussianBlur(tint, (0, 0), spread / step)[bt],
                            cv2.merge([np.maximum(near_b, 1e-3)] * 3))
    apart = cv2.absdiff(arm_colour, body_small)
    alike = np.clip(1.0 - (apart[:, :, 0] + apart[:, :, 1] + apart[:, :, 2]) / CONTACT_ALIKE, 0.0, 1.0)
    yy = np.arange(bt[0].start, bt[0].stop)[:, None]  # (np.ogrid costs several times as much)
    xx = np.arange(bt[1].start, bt[1].stop)[None, :]
    away = np.clip(np.hypot(X0 + step * (xx + 0.5) - shoulder[0], Y0 + step * (yy + 0.5) - shoulder[1])
                   / (SHOULDER_SEAM * spread) - 1.0, 0.0, 1.0)
    reach_b = (CONTACT_DARK * 2.0) * np.minimum(near_b, 0.5) * alike * away
    if unlined is not None:
        off = cv2.absdiff(arm_colour, np.full_like(arm_colour, unlined))
        reach_b *= np.clip((off[:, :, 0] + off[:, :, 1] + off[:, :, 2]) / CONTACT_ALIKE, 0.0, 1.0)
    if reach_b.max() < 0.5 / 255:  # an arm unlike the body beside it (the usual case): its edge shows already
        return
    reach = np.zeros(size[::-1], np.float64)
    reach[bt] = reach_b
    shadow = cv2.resize(reach, (X1 - X0, Y1 - Y0), interpolation=cv2.INTER_LINEAR)[inner]
    # not under the arm itself: (1 - its alpha) where its box meets the body's
    ax0, ay0, ax1, ay1 = max(x0, ix0), max(y0, iy0), min(x1, ix1), min(y1, iy1)
    if ax1 > ax0 and ay1 > ay0:
        shadow[ay0 - iy0:ay1 - iy0, ax0 - ix0:ax1 - ix0] *= 1.0 - alpha[ay0 - y0:ay1 - y0, ax0 - x0:ax1 - x0]
    shadow *= body_alpha[iy0 - by0:iy1 - by0, ix0 - bx0:ix1 - bx0]
    # only the rows and columns the shadow reaches are darkened: it is a thin band along part of the arm
    rows, cols = np.flatnonzero(shadow.any(axis=1)), np.flatnonzero(shadow.any(axis=0))
    if len(rows):
        box = np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
        part = region[box]
        part[...] = (part * cv2.merge([1.0 - shadow[box]] * 3)).astype(np.uint8)

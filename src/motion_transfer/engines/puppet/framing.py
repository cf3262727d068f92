"""Keeping body parts the image does not contain out of view, and the head in view.

A portrait (head to chest or waist) driven by a full-body dance has no hips or legs to draw: inventing them
would show a placeholder, and continuing the clothes past the image's bottom edge shows a tube. Instead the
output frames the character lower and closer, like a camera tilting up and zooming in, so that the line where
the image cuts the body stays below the frame's bottom edge in (nearly) every frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import gaussian_filter1d, maximum_filter1d

from ...finding import Finding
from ...pose.retarget import MH, MS, Motion, extend
from ...pose.skeleton import J, torso_length
from ...pose.torso_fit import KNEE_MARGIN
from .model import ARM_PARTS, LAYERS, LEG_PARTS, PARTS, Rig
from .stand import floor_shift, pelvis_maps, stands_on_floor

KNEES = (J["left_knee"], J["right_knee"])
# a head-and-shoulders picture driven by a full-body dance needs about 4x to keep its chest cut out of view; beyond
# that the picture's own pixels are stretched too far to keep a face sharp, and the cut shows instead
MAX_ZOOM = 4.0
COVERED_SHARE = 0.95  # frames in which the cut must be out of view
CLOTHES_ROOM = 0.08  # the clothes continue past the cut a little (mesh.border_pads): this share of the frame
# parts that mesh.build_layers continues past the image's border (the body's clothes, an arm grown on as a
# forearm and hand); a leg or a drape cut by the border ends there, its cut edge in plain view
CONTINUED = tuple(PARTS.index(p) for p in LAYERS["body"] + ARM_PARTS["left"] + ARM_PARTS["right"])
ENDED_SHARE = 0.05  # a cut through more than this share of parts that end there gets no clothes room
# ... and only when the thighs reach this far (a share of the torso's length) below the hips: a cut just under
# the hips (a dancer framed to the waist) ends a sliver of thigh that shows no stub, and zooming for it would
# reframe a character that its own half-body dance already frames right
STUB_MIN = 0.15
HEAD_ROOM = 0.02  # room kept above the head's highest point and beside its sides when zooming, a share of the frame
# the shift and zoom never take the head lower than the actor's, and out of the frame: where they would (an actor
# ducking to the frame's bottom edge), the character is raised back, eased in and out over this many seconds
LIFT_EASE_S = 0.07


def cut_under_hips(joints: np.ndarray, height: int) -> bool:
    """Whether the image's bottom edge cuts the body above the hips or at most STUB_MIN torso lengths below
    them: what shows below the hips is then the hem of the clothes over a sliver of thigh, not legs."""
    ext = extend(joints.astype(np.float64))
    return bool(height - 1 - ext[MH, 1] < STUB_MIN * float(np.linalg.norm(ext[MS] - ext[MH])))


def hem_as_body(labels: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """``labels`` with the legs' pixels given to the torso when the image's bottom edge cuts the body just under
    the hips. Those pixels are the shirt's hem and a sliver of shorts: as thigh layers they swung with legs the
    image does not show and ended in ragged pieces above the continued body (TikTok clip 1's character driven by
    clip 2's dance); as the torso's they continue straight past the edge with the rest of the clothes."""
    if not cut_under_hips(joints, labels.shape[0]):
        return labels
    legs = [PARTS.index(p) for p in LEG_PARTS["left"] + LEG_PARTS["right"]]
    return np.where(np.isin(labels, legs), np.int16(PARTS.index("torso")), labels).astype(labels.dtype)


def body_cut(rig: Rig) -> np.ndarray | None:
    """[3, 2] left end, middle and right end of where the image's bottom edge cuts the body (rig pixels), or
    None when the image shows the legs (a knee with some leg below it) or the body does not reach the bottom
    edge."""
    floor = rig.height - 1 - KNEE_MARGIN * torso_length(rig.joints.astype(np.float64))
    knees_shown = [rig.visibility[k] >= 0.5 and rig.joints[k, 1] < floor for k in KNEES]
    if rig.matte is None or any(knees_shown):
        return None
    xs = np.flatnonzero(rig.matte[-1] > 0.5)
    if len(xs) < 0.02 * rig.width:
        return None
    y = float(rig.height - 1)
    return np.array([[xs.min(), y], [(xs.min() + xs.max()) / 2.0, y], [xs.max(), y]], np.float64)


def cut_room(rig: Rig) -> float:
    """Share of the output's height the cut may rise into view from its bottom edge: CLOTHES_ROOM where the
    body is continued past the image's bottom edge (clothes, arms), none where the cut runs through parts that
    end there (thighs, a cape) a visible way below the hips, which would show their cut ends."""
    if cut_under_hips(rig.joints, rig.height):
        return CLOTHES_ROOM
    on_cut = rig.labels[-1][rig.matte[-1] > 0.5] if rig.labels is not None and rig.matte is not None else []
    if len(on_cut) == 0:
        return CLOTHES_ROOM
    ended = float(np.mean(~np.isin(on_cut, CONTINUED)))
    return CLOTHES_ROOM if ended <= ENDED_SHARE else 0.0


def head_top(rig: Rig, motion: Motion) -> np.ndarray:
    """[T] output row of the top of the character's head (its hair, bun or ears included): the head layer's
    highest pixel above the head centre in the image, scaled like the head in each frame."""
    rest_centre = extend(rig.joints.astype(np.float64))[-1]
    head = np.flatnonzero((rig.labels == PARTS.index("head")).any(axis=1)) if rig.labels is not None else []
    rise = rest_centre[1] - float(head[0]) if len(head) else 0.0
    scale = motion.width_scale if motion.head_scale is None else motion.head_scale
    return motion.joints[:, -1, 1].astype(np.float64) - max(rise, 0.0) * scale.astype(np.float64)


def head_sides(rig: Rig, motion: Motion) -> np.ndarray:
    """[T, 2] output columns of the character's head's leftmost and rightmost points (its hair, nose or ears
    included): the head layer's widest reach either side of the head centre in the image, in its rows down as far
    below the centre as its top is above it (the face and the hair about it; long hair hanging on down the chest
    is no part of the head the frame must hold), scaled like the head in each frame."""
    if rig.labels is None:
        return np.repeat(motion.joints[:, -1, :1].astype(np.float64), 2, axis=1)
    centre = extend(rig.joints.astype(np.float64))[-1]
    head = rig.labels == PARTS.index("head")
    rows = np.flatnonzero(head.any(axis=1))
    cols = np.flatnonzero(head[:max(int(2 * centre[1] - rows[0]), int(rows[0])) + 1].any(axis=0)) if len(rows) else []
    left, right = (max(centre[0] - float(cols[0]), 0.0), max(float(cols[-1]) - centre[0], 0.0)) if len(cols) else (0, 0)
    scale = (motion.width_scale if motion.head_scale is None else motion.head_scale).astype(np.float64)
    x = motion.joints[:, -1, 0].astype(np.float64)
    return np.stack([x - left * scale, x + right * scale], axis=1)


def zoom_centre(sides: np.ndarray, zoom: float, width: int, room: float) -> float:
    """The column to zoom about that keeps the head's path (``sides`` [T, 2], its columns in each frame) within
    ``room`` of the frame's sides, the nearest to the frame's middle that does: zoomed about the middle, a face
    turned in profile beside it (TikTok character 1 cut at her chest) went out of the frame's side. Where no column
    keeps all of it (a head crossing the whole frame), the one that leaves it out by as much on either side."""
    if zoom <= 1.0 + 1e-3:
        return width / 2.0
    # x' = a + zoom (x - a): the leftmost stays right of room, the rightmost left of width - room
    lo = (zoom * float(sides[:, 1].max()) - (width - room)) / (zoom - 1.0)
    hi = (zoom * float(sides[:, 0].min()) - room) / (zoom - 1.0)
    centre = float(np.clip(width / 2.0, lo, hi)) if lo <= hi else (lo + hi) / 2.0
    return float(np.clip(centre, 0.0, width))  # (zoomed about a point in the frame, the background still fills it)


@dataclass
class Reframe:
    """How the output is framed: the character moved down by ``shift`` output
    pixels (its head comes into view as its cut goes out; the background stays), less ``lift`` [T] (None: 0)
    in the frames where that would take its head out of the frame below, plus ``floor`` [T] (None: 0), then
    the whole output (and, through ``motion.camera``, a still background) zoomed by ``zoom`` about ``anchor``.
    ``wanted`` above ``zoom`` means the cut still comes into view (the engine says so)."""

    zoom: float = 1.0
    anchor: np.ndarray = field(default_factory=lambda: np.zeros(2))
    shift: float = 0.0
    lift: np.ndarray | None = None
    wanted: float = 1.0  # the zoom that would keep the cut out of view; above ``zoom`` where MAX_ZOOM held it back
    floor: np.ndarray | None = None  # [T] output pixels down that stand a legless figure on its floor (.stand)

    def apply(self, motion: Motion) -> None:
        """Reframe ``motion`` in place."""
        down = np.full(len(motion), self.shift, np.float32)
        if self.lift is not None:
            down -= self.lift.astype(np.float32)
        if self.floor is not None:
            down += self.floor.astype(np.float32)
        for pts in (motion.joints, motion.left_hand, motion.right_hand):
            pts[..., 1] += down.reshape((-1,) + (1,) * (pts.ndim - 2))
        if self.zoom <= 1.0 + 1e-3:
            return
        zoom, a = self.zoom, self.anchor.astype(np.float32)
        for pts in (motion.joints, motion.left_hand, motion.right_hand):
            pts[...] = a + zoom * (pts - a)
        motion.width_scale = motion.width_scale * zoom
        if motion.head_scale is not None:
            motion.head_scale = motion.head_scale * zoom
        Z = np.array([[zoom, 0.0, a[0] * (1 - zoom)], [0.0, zoom, a[1] * (1 - zoom)], [0.0, 0.0, 1.0]])
        cam = motion.camera if motion.camera is not None else np.tile(np.eye(3)[None, :2], (len(motion), 1, 1))
        full = np.concatenate([cam, np.tile([[[0.0, 0.0, 1.0]]], (len(cam), 1, 1))], axis=1)
        motion.camera = (Z @ full)[:, :2, :]


def cut_rows(rig: Rig, motion: Motion, cut: np.ndarray) -> np.ndarray:
    """[T] output row of the highest point of the image's cut through the body (it moves with the pelvis)."""
    M = pelvis_maps(rig, motion)
    return (M[:, None, 1, :2] @ cut.T[None]).squeeze(1).min(axis=1) + M[:, 1, 2]


def reframe(rig: Rig, motion: Motion) -> Reframe:
    """The framing that keeps the head in view and the body's cut (where the image ends it) below the frame.

    The head: a character whose head is larger than the actor's, for its body (a cartoon), has it rise above
    where the actor's did; when that takes it out of the top of the frame, the character moves down by as much
    (no more: an actor-sized head cut by the frame is the video's own framing; and not when the image itself
    cuts the head at its top edge).

    The cut, in (nearly) every frame. Decided by where the cut lands, not by what the motion shows: a half-body
    dance framed like the image needs nothing (its cut stays at the bottom edge), while a waist-up dance still
    needs it for a head-and-shoulders portrait, whose cut at the chest would rise into view. The cut may rise a
    little into the frame where the clothes continue past it, not where it runs through thighs
    (:func:`cut_room`). First the character moves further down, as far as its head's top is still above the
    frame (a portrait's big head placed where a small-headed actor's was): that hides the cut and brings the
    head into view; the rest is a zoom about the top of the head's path, so the head stays in view.

    Then, frame by frame, the head is kept from going lower than the actor's and out of the frame below: an
    actor who ducks until her face reaches the bottom edge (TikTok clip 0's last frames) took the moved-down
    character's head out of view, leaving the top of its hair at the bottom edge; there the character is raised
    back (:func:`head_lift`), as far as its cut stays hidden.

    A whole figure whose picture hides its legs, on a dance that shows the dancer's feet, is instead stood on the
    floor its picture shows (:func:`.stand.floor_shift`), raised no further than keeps the top of its head
    ``HEAD_ROOM`` inside the frame (it is drawn at the dancer's size, which may be larger than its picture's)."""
    if len(motion) == 0:
        return Reframe()
    if stands_on_floor(rig, motion):  # raised no further than keeps its head in view (drawn at the dancer's size)
        top = float(np.percentile(head_top(rig, motion), 5))
        return Reframe(floor=np.maximum(floor_shift(rig, motion), HEAD_ROOM * motion.out_h - top))
    framed = _framed(rig, motion)
    framed.lift = head_lift(rig, motion, framed)
    return framed


def head_lift(rig: Rig, motion: Motion, framed: Reframe) -> np.ndarray | None:
    """[T] output pixels to raise the character by, after ``framed``'s shift and zoom of ``motion`` (not yet
    applied), so that its head's centre is no lower than the lower of where the motion puts it and one head
    (centre to top) above the frame's bottom edge; never so far that its cut comes into view (where the shift
    kept it out). None when no frame needs it."""
    a, zoom = float(framed.anchor[1]), framed.zoom
    centre = motion.joints[:, -1, 1].astype(np.float64)
    radius = centre - head_top(rig, motion)
    lowest = np.maximum(motion.out_h - zoom * radius, centre)  # the head's centre, after the reframing

    def shift_for(final: np.ndarray, rows: np.ndarray) -> np.ndarray:  # the shift that takes rows to final
        return (final - a) / zoom + a - rows

    most = np.minimum(framed.shift, shift_for(lowest, centre))
    cut = body_cut(rig)
    if cut is not None:
        hidden = shift_for((1.0 - cut_room(rig)) * motion.out_h, cut_rows(rig, motion, cut))
        most = np.maximum(most, np.minimum(framed.shift, hidden))
    lift = framed.shift - most
    if not (lift > 0.5).any():
        return None
    ease = max(1.0, LIFT_EASE_S * motion.fps)
    lift = gaussian_filter1d(maximum_filter1d(lift, 2 * round(ease) + 1, mode="nearest"), ease, mode="nearest")
    return np.maximum(lift, 0.0)


def _framed(rig: Rig, motion: Motion) -> Reframe:
    """:func:`reframe`'s shift and zoom, for the whole clip."""
    room = HEAD_ROOM * motion.out_h
    top = head_top(rig, motion)
    larger = max(float(motion.proportions.get("head", 1.0)), 1.0)
    whole = rig.labels is not None and not (rig.labels[0] == PARTS.index("head")).any()
    # a head the image itself cuts at its top edge has nothing more to show: moving it down would show the cut
    extra = float(np.median((motion.joints[:, -1, 1] - top) * (1.0 - 1.0 / larger))) if whole else 0.0
    shift = float(np.clip(room - np.percentile(top, 5), 0.0, extra))
    cut = body_cut(rig)
    if cut is None:
        return Reframe(shift=shift)
    ys, top = cut_rows(rig, motion, cut) + shift, top + shift
    bottom = (1.0 - cut_room(rig)) * motion.out_h
    need = bottom - float(np.quantile(ys, 1.0 - COVERED_SHARE))
    if need <= 0:
        return Reframe(shift=shift)
    down = float(np.clip(room - np.percentile(top, 5), 0.0, need))
    ys, top, shift = ys + down, top + down, shift + down
    anchor_y = max(0.0, float(np.percentile(top, 5)) - room)
    below = ys - anchor_y
    zooms = np.where(below > 1e-3, (bottom - anchor_y) / np.maximum(below, 1e-3), MAX_ZOOM)
    wanted = max(float(np.quantile(zooms, COVERED_SHARE)), 1.0)
    zoom = min(wanted, MAX_ZOOM)
    anchor = np.array([zoom_centre(head_sides(rig, motion), zoom, motion.out_w, HEAD_ROOM * motion.out_w), anchor_y])
    return Reframe(zoom, anchor, shift, wanted=wanted)


def cut_in_view(framed: Reframe, image_name: str) -> Finding | None:
    """The note for a picture cut too high for the largest zoom: its clothes are continued past the cut, in view."""
    if framed.wanted <= framed.zoom * 1.01:
        return None
    return Finding("body_cut_in_view", "warning", f"the image ends the character's body too high for this motion: "
                   f"keeping that edge out of view would take a {framed.wanted:.1f}x zoom, more than the "
                   f"{MAX_ZOOM:.0f}x the picture stands, so the output is zoomed {framed.zoom:.1f}x and the clothes "
                   "are continued past the image's edge where the motion brings it into view.", file=image_name or None,
                   measured=round(framed.wanted, 2), limit=MAX_ZOOM,
                   fix="use an image that shows more of the body (at least to the waist for a full-body dance), or a "
                   "motion video framed like the image.")

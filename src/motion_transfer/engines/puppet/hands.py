"""The character's fingers bend and spread like the actor's.

The arm layer moves the hand as one piece (its direction follows the wrist and the index knuckle). When the
image shows a hand large enough to see its fingers (``MIN_HAND_PX``), its 21 joints rig a small grid mesh over
the hand's box of the arm layer's texture: every vertex is skinned to the finger bones near it (and to the
palm, which stays put), and each frame the fingers' bones turn by the angle the actor's bones turned (relative
to its hand's own axis, since its first seen frame) and shorten as theirs foreshorten. The box is warped by the
posed mesh (``meshwarp``; fingers are drawn over the palm); the space a finger leaves is the texture's own
transparency stretched, so what is behind the hand shows there.

A hand the image does not show, a fist (its fingers already folded: nothing to unfold) or a tiny hand keeps the
layer's rigid hand, and :func:`hand_findings` says why.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.spatial import Delaunay

from ...finding import Finding
from ...pose.fingers import FINGERS, finger_bends, hand_size
from ...pose.track import PoseTrack
from .meshwarp import WarpMemo, source_maps
from .model import Rig

MIN_HAND_PX = 40.0  # wrist to middle fingertip, image pixels
FIST_BEND = 55.0  # mean finger bend (degrees) above which the image's hand is a fist
TEAR = 1.6  # a triangle between two pieces stretched beyond this (area) tears open
# Bones of the rig: (start, end) joint pairs, thumb and fingers from their base outwards.
BONES: tuple[tuple[int, int], ...] = tuple((c[k], c[k + 1]) for c in FINGERS.values() for k in range(3))
PALM = (0, 1, 5, 9, 13, 17)


@dataclass
class HandRig:
    """One hand of the character: ``joints`` [21, 2] image pixels; ``vertices`` [N, 2] its grid mesh;
    ``triangles`` [M, 3] (palm first, then fingers: drawn in that order); ``weights`` [N, 16] over the palm and
    the 15 ``BONES`` (one each: every piece is rigid); ``box`` (x0, y0, x1, y1) image pixels; ``side`` "left"
    or "right"; ``mixed`` [M] the triangles joining two pieces (two bones, or a bone and the palm): left out
    where they stretch, so a moving finger does not drag a smear of skin behind it."""

    side: str
    joints: np.ndarray
    vertices: np.ndarray
    triangles: np.ndarray
    weights: np.ndarray
    box: tuple[int, int, int, int]
    mixed: np.ndarray


def _seg_dist(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = b - a
    t = np.clip(((p - a) @ d) / max(float(d @ d), 1e-9), 0.0, 1.0)
    return np.linalg.norm(p - (a + t[:, None] * d), axis=1)


def build_hand_rig(joints: np.ndarray, side: str, shape: tuple[int, int]) -> HandRig | None:
    """The hand's mesh and skinning from its 21 joints (image pixels) in an image of ``shape`` (h, w); None when
    it is smaller than ``MIN_HAND_PX``."""
    j = np.asarray(joints, np.float64)[:, :2]
    size = float(hand_size(j))
    if not np.isfinite(j).all() or size < MIN_HAND_PX:
        return None
    h, w = shape
    pad = 0.18 * size
    x0, y0 = np.floor(j.min(axis=0) - pad).astype(int)
    x1, y1 = np.ceil(j.max(axis=0) + pad).astype(int)
    box = (int(max(0, x0)), int(max(0, y0)), int(min(w, x1)), int(min(h, y1)))
    step = max(2.0, size / 18.0)
    xs = np.arange(box[0], box[2] + step, step)
    ys = np.arange(box[1], box[3] + step, step)
    gx, gy = np.meshgrid(np.minimum(xs, box[2]), np.minimum(ys, box[3]))
    verts = np.stack([gx.ravel(), gy.ravel()], axis=1)
    tri = Delaunay(verts).simplices.astype(np.int32)
    # skinning: a vertex within a finger's width of a finger bone moves rigidly with the nearest one (the bones
    # turn about their shared joints, so a finger stays whole), every other vertex stays with the palm
    radius = size / 11.0
    d = np.stack([_seg_dist(verts, j[a], j[b]) for a, b in BONES], axis=1)  # [N, 15]
    bone = np.argmin(d, axis=1)
    piece = np.where(d[np.arange(len(verts)), bone] < radius, bone + 1, 0)
    wts = np.zeros((len(verts), len(BONES) + 1))
    wts[np.arange(len(verts)), piece] = 1.0
    tp = piece[tri]
    main = tp.max(axis=1)
    order = np.argsort(main, kind="stable")  # the palm's triangles first, the fingers' over them
    mixed = (tp.min(axis=1) != tp.max(axis=1))[order]
    return HandRig(side=side, joints=j, vertices=verts, triangles=tri[order], weights=wts, box=box, mixed=mixed)


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
    their on-screen length changed (``stretch`` [T, 15]) since its first seen frame; ``seen`` [T]."""

    turn: np.ndarray
    stretch: np.ndarray
    seen: np.ndarray


def hand_drive(track_hand: np.ndarray) -> HandDrive | None:
    """From one hand of the track [T, 21, 3]; None when the actor's hand is never seen. Frames without the
    hand hold the last seen pose (before the first one: the first)."""
    seen = np.isfinite(track_hand[:, :, :2]).all(axis=(1, 2))
    if not seen.any():
        return None
    idx = np.where(seen, np.arange(len(seen)), -1)
    np.maximum.accumulate(idx, out=idx)
    idx[idx < 0] = int(np.flatnonzero(seen)[0])
    ang, lens = _bone_angles(track_hand[idx])
    turn = (ang - ang[0] + np.pi) % (2 * np.pi) - np.pi
    stretch = np.clip(lens / np.maximum(lens[0], 1e-6), 0.3, 1.4)
    return HandDrive(turn=turn, stretch=stretch, seen=seen)


def posed_joints(rig: HandRig, drive: HandDrive, t: int) -> np.ndarray:
    """The character's hand joints in frame ``t`` (image pixels, before the arm layer's move): the palm
    stays, each finger is rebuilt from its base with its bones turned and stretched like the actor's."""
    out = rig.joints.copy()
    k = 0
    for chain in FINGERS.values():
        for i in range(3):
            a, b = chain[i], chain[i + 1]
            d = rig.joints[b] - rig.joints[a]
            th = drive.turn[t, k]
            c, s = np.cos(th), np.sin(th)
            out[b] = out[a] + drive.stretch[t, k] * np.array([c * d[0] - s * d[1], s * d[0] + c * d[1]])
            k += 1
    return out


def _area(P: np.ndarray) -> np.ndarray:
    return 0.5 * ((P[:, 1, 0] - P[:, 0, 0]) * (P[:, 2, 1] - P[:, 0, 1]) -
                  (P[:, 1, 1] - P[:, 0, 1]) * (P[:, 2, 0] - P[:, 0, 0]))


def _bone_affines(rest: np.ndarray, posed: np.ndarray) -> np.ndarray:
    """[16, 2, 3]: the palm's identity, then per bone a map that turns and stretches along it, keeping width."""
    out = np.zeros((len(BONES) + 1, 2, 3))
    out[0, :, :2] = np.eye(2)
    for k, (a, b) in enumerate(BONES, start=1):
        d0, d1 = rest[b] - rest[a], posed[b] - posed[a]
        L0 = max(float(np.linalg.norm(d0)), 1e-6)
        L1 = max(float(np.linalg.norm(d1)), 1e-6)
        u, u1 = d0 / L0, d1 / L1
        v, v1 = np.array([-u[1], u[0]]), np.array([-u1[1], u1[0]])
        M = np.outer(d1, u) / L0 + np.outer(v1, v)
        out[k, :, :2] = M
        out[k, :, 2] = posed[a] - M @ rest[a]
    return out


class HandAnimator:
    """Bends the fingers of the hands in the arm layers' textures before each frame is drawn (:meth:`apply`);
    always from a kept copy of the rest hand, so frames never accumulate."""

    def __init__(self) -> None:
        self.hands: list[tuple[HandRig, HandDrive, np.ndarray, np.ndarray, tuple[int, int, int, int],
                               np.ndarray]] = []
        self.memo = WarpMemo()  # a held hand is not warped again

    def add(self, rig: HandRig, drive: HandDrive, texture: np.ndarray, origin: tuple[int, int]) -> None:
        ox, oy = origin
        h, w = texture.shape[:2]
        x0, y0, x1, y1 = rig.box
        box = (max(0, x0 - ox), max(0, y0 - oy), min(w, x1 - ox), min(h, y1 - oy))
        if box[2] - box[0] < 4 or box[3] - box[1] < 4:
            return
        rest_patch = texture[box[1]:box[3], box[0]:box[2]].copy()
        self.hands.append((rig, drive, texture, np.array([ox, oy], np.float64), box, rest_patch))

    def __bool__(self) -> bool:
        return bool(self.hands)

    def apply(self, t: int) -> None:
        # two hands in one texture could overlap, and a skipped one would then not be drawn over the other
        alone = len({id(hand[2]) for hand in self.hands}) == len(self.hands)
        for k, (rig, drive, texture, origin, box, rest_patch) in enumerate(self.hands):
            tt = min(t, len(drive.turn) - 1)
            pj = posed_joints(rig, drive, tt)
            A = _bone_affines(rig.joints, pj)
            vh = np.concatenate([rig.vertices, np.ones((len(rig.vertices), 1))], axis=1)
            posed = np.einsum("nb,bij,nj->ni", rig.weights, A, vh)
            P, Q = posed[rig.triangles], rig.vertices[rig.triangles]
            grown = np.abs(_area(P)) > TEAR * np.abs(_area(Q)) + 1.0
            order = np.flatnonzero(~(rig.mixed & grown))
            if self.memo.same(k, posed, order) and alone:
                continue
            x0, y0, x1, y1 = box
            mapx, mapy = source_maps(rig.vertices - origin, posed - origin, rig.triangles, box, order,
                                     keep_outside=False)
            mapx -= x0
            mapy -= y0
            texture[y0:y1, x0:x1] = cv2.remap(rest_patch, mapx, mapy, cv2.INTER_LINEAR,
                                              borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0))


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
                if hr is not None:
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
    rigs, notes = hand_findings({"left": rig.left_hand, "right": rig.right_hand}, track, rig.image.shape[:2],
                                image_name)
    anim = HandAnimator()
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
            anim.add(hr, drive, layer.texture, layer.origin)
    return (anim if anim else None), notes

"""Keeping body parts the image does not contain out of view.

A portrait (head to chest or waist) driven by a full-body dance has no hips or legs to draw: inventing them
would show a placeholder, and continuing the clothes past the image's bottom edge shows a tube. Instead the
output frames the character closer, like a camera zooming in, so that the line where the image cuts the body
stays below the frame's bottom edge in (nearly) every frame.
"""
from __future__ import annotations

import numpy as np

from ...pose.retarget import Motion, extend
from ...pose.skeleton import J
from .model import Rig
from .render import bone_transforms

KNEES = (J["left_knee"], J["right_knee"])
MAX_ZOOM = 2.5
COVERED_SHARE = 0.95  # frames in which the cut must be out of view
CLOTHES_ROOM = 0.08  # the clothes continue past the cut a little (mesh.border_pads): this share of the frame


def body_cut(rig: Rig) -> np.ndarray | None:
    """[3, 2] left end, middle and right end of where the image's bottom edge cuts the body (rig pixels), or
    None when the image shows the legs (a knee) or the body does not reach the bottom edge."""
    knees_shown = [rig.visibility[k] >= 0.5 and rig.joints[k, 1] < rig.height - 1 for k in KNEES]
    if rig.matte is None or any(knees_shown):
        return None
    xs = np.flatnonzero(rig.matte[-1] > 0.5)
    if len(xs) < 0.02 * rig.width:
        return None
    y = float(rig.height - 1)
    return np.array([[xs.min(), y], [(xs.min() + xs.max()) / 2.0, y], [xs.max(), y]], np.float64)


def zoom_for_absent_parts(rig: Rig, motion: Motion) -> tuple[float, np.ndarray]:
    """(zoom >= 1, the point it is about, in output pixels) that keeps the body's cut below the frame.

    Decided by where the cut lands, not by what the motion shows: a half-body dance framed like the image needs
    no zoom (its cut stays at the bottom edge), while a waist-up dance still needs one for a head-and-shoulders
    portrait, whose cut at the chest would rise into view. The cut moves with the pelvis bone (the body's lowest
    frame) and may rise a little into the frame (the clothes continue past it); the zoom is about the top of
    the motion's head path, so the head stays in view."""
    cut = body_cut(rig)
    if cut is None or len(motion) == 0:
        return 1.0, np.zeros(2)
    rest = extend(rig.joints.astype(np.float64))
    ys = np.empty(len(motion))
    for t in range(len(motion)):
        M = bone_transforms(rest, motion.joints[t].astype(np.float64), float(motion.width_scale[t]), 0.0)["pelvis"]
        ys[t] = float((cut @ M[:, :2].T + M[:, 2])[:, 1].min())
    head = motion.joints[:, -1].astype(np.float64)  # the head centre
    anchor = np.array([motion.out_w / 2.0, max(0.0, float(np.percentile(head[:, 1], 5)) - 0.1 * motion.out_h)])
    below = ys - anchor[1]
    bottom = (1.0 - CLOTHES_ROOM) * motion.out_h
    need = np.where(below > 1e-3, (bottom - anchor[1]) / np.maximum(below, 1e-3), MAX_ZOOM)
    zoom = float(np.clip(np.quantile(need, COVERED_SHARE), 1.0, MAX_ZOOM))
    return zoom, anchor


def apply_zoom(motion: Motion, zoom: float, anchor: np.ndarray) -> None:
    """Zoom the whole output (the character and, through ``motion.camera``, a still background) about
    ``anchor`` by ``zoom``, in place."""
    if zoom <= 1.0 + 1e-3:
        return
    a = anchor.astype(np.float32)
    motion.joints[...] = a + zoom * (motion.joints - a)
    motion.left_hand[...] = a + zoom * (motion.left_hand - a)
    motion.right_hand[...] = a + zoom * (motion.right_hand - a)
    motion.width_scale = motion.width_scale * zoom
    if motion.head_scale is not None:
        motion.head_scale = motion.head_scale * zoom
    Z = np.array([[zoom, 0.0, a[0] * (1 - zoom)], [0.0, zoom, a[1] * (1 - zoom)], [0.0, 0.0, 1.0]])
    cam = motion.camera if motion.camera is not None else np.tile(np.eye(3)[None, :2], (len(motion), 1, 1))
    full = np.concatenate([cam, np.tile([[[0.0, 0.0, 1.0]]], (len(cam), 1, 1))], axis=1)
    motion.camera = (Z @ full)[:, :2, :]

"""The retargeting's two ends as pose data: the character's ``RestPose`` from a detected image, and a retargeted
``Motion`` turned back into a ``PoseTrack`` that can be drawn (OpenPose or Wan style) and exported.

Engine-neutral: the ComfyUI Retarget node and the wan-animate engine (its pose video) both use it.
"""
from __future__ import annotations

import numpy as np


def rest_pose(image_track):
    """The character's ``RestPose`` from a one-frame track of its image (``pose.estimator.detect_image``)."""
    from ..errors import InputError
    from .retarget import RestPose

    body = image_track.body[0]
    if np.isnan(body[:, 0]).all():
        raise InputError("no person was found in the character image, so there is no skeleton to retarget to.",
                         code="no_subject", fix="use an image that clearly shows the head, shoulders and torso.")
    vis = np.nan_to_num(body[:, 3], nan=0.0)
    joints = np.nan_to_num(body[:, :2], nan=0.0)
    hands = [None if np.isnan(h).any() else h[:, :2].copy()
             for h in (image_track.left_hand[0], image_track.right_hand[0])]
    return RestPose(joints=joints, visibility=vis, width=int(image_track.width), height=int(image_track.height),
                    left_hand=hands[0], right_hand=hands[1])


def _similarity(src: np.ndarray, dst: np.ndarray) -> tuple[float, np.ndarray, np.ndarray] | None:
    """Least-squares 2D similarity (scale, rotation, translation) taking ``src`` points onto ``dst``."""
    ok = np.isfinite(src).all(axis=1) & np.isfinite(dst).all(axis=1)
    if ok.sum() < 2:
        return None
    s, d = src[ok].astype(np.float64), dst[ok].astype(np.float64)
    ms, md = s.mean(axis=0), d.mean(axis=0)
    s0, d0 = s - ms, d - md
    var = (s0 ** 2).sum()
    if var < 1e-9:
        return None
    cov = d0.T @ s0 / len(s)
    u, sig, vt = np.linalg.svd(cov)
    sign = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[-1] = -1.0
    rot = u @ np.diag(sign) @ vt
    scale = float((sig * sign).sum() / (var / len(s)))
    return scale, rot, md - scale * rot @ ms


def motion_to_track(motion, source):
    """A retargeted ``Motion`` (character joints in output pixels) as a ``PoseTrack`` that can be drawn and
    exported. Visibility and depth come from the actor (``source``, the video's track); the actor's face mesh
    follows the character's head by the similarity that maps the actor's 11 face points onto the character's."""
    from .track import PoseTrack
    from .retarget import hold_missing

    n = len(motion)
    track = PoseTrack.empty(n, motion.fps, motion.out_w, motion.out_h, source=getattr(source, "source", ""))
    held_body, _ = hold_missing(source.body[:n])
    track.body[:, :, :2] = motion.joints[:, :33]
    track.body[:, :, 2] = motion.depth[:, :33]
    track.body[:, :, 3] = held_body[:, :, 3]
    for name in ("left_hand", "right_hand"):
        hand = getattr(motion, name)
        getattr(track, name)[:, :, :2] = hand
        getattr(track, name)[:, :, 2] = np.where(np.isnan(hand[:, :, 0]), np.nan, 0.0)
    face_points = list(range(11))
    for i in range(n):
        mesh = source.face[i]
        if np.isnan(mesh[:, 0]).all():
            continue
        fit = _similarity(held_body[i, face_points, :2], motion.joints[i, face_points])
        if fit is None:
            continue
        scale, rot, shift = fit
        track.face[i, :, :2] = (scale * (rot @ mesh[:, :2].T)).T + shift
        track.face[i, :, 2] = mesh[:, 2] * scale
    return track

"""Skeleton pictures in the usual OpenPose colouring, usable as control videos by other tools."""
from __future__ import annotations

import colorsys
import math
from pathlib import Path
from typing import Callable

import numpy as np

from .openpose import body18, face70, hand21
from .skeleton import HAND_BONES, OPENPOSE18_COLORS, OPENPOSE18_LIMBS
from .track import PoseTrack

# One hue per hand bone, as ControlNet's hand renderer does.
HAND_COLORS = [tuple(int(255 * c) for c in colorsys.hsv_to_rgb(i / len(HAND_BONES), 1.0, 1.0))
               for i in range(len(HAND_BONES))]
MIN_CONF = 0.3


def limb_polygon(pa: np.ndarray, pb: np.ndarray, stick: int) -> np.ndarray:
    """The OpenPose-style limb between keypoints ``pa`` and ``pb`` (x, y first): an ellipse ``stick`` px thick,
    as an integer polygon for ``cv2.fillConvexPoly``."""
    import cv2

    cx, cy = (pa[:2] + pb[:2]) / 2
    length = float(np.hypot(*(pa[:2] - pb[:2])))
    angle = math.degrees(math.atan2(pa[1] - pb[1], pa[0] - pb[0]))
    return cv2.ellipse2Poly((int(cx), int(cy)), (int(length / 2), stick), int(angle), 0, 360, 1)


def draw_pose(canvas: np.ndarray, body: np.ndarray, left_hand: np.ndarray | None = None,
              right_hand: np.ndarray | None = None, face: np.ndarray | None = None) -> np.ndarray:
    """Draw one person (MediaPipe layout arrays, pixel coordinates) onto an RGB canvas, in place."""
    import cv2

    h, w = canvas.shape[:2]
    stick = max(2, round(min(h, w) / 120))
    kp18 = body18(body)
    limbs = np.zeros_like(canvas)
    for (a, b), color in zip(OPENPOSE18_LIMBS, OPENPOSE18_COLORS):
        pa, pb = kp18[a], kp18[b]
        if pa[2] < MIN_CONF or pb[2] < MIN_CONF:
            continue
        cv2.fillConvexPoly(limbs, limb_polygon(pa, pb, stick), color, lineType=cv2.LINE_AA)
    np.copyto(canvas, (canvas * 0.4 + limbs * 0.6).astype(np.uint8), where=limbs.any(axis=2, keepdims=True))
    for k, color in zip(range(18), OPENPOSE18_COLORS):
        if kp18[k, 2] >= MIN_CONF:
            cv2.circle(canvas, (int(kp18[k, 0]), int(kp18[k, 1])), stick + 1, color, -1, cv2.LINE_AA)
    for hand in (left_hand, right_hand):
        if hand is None:
            continue
        kp = hand21(hand)
        if kp[0, 2] == 0:
            continue
        for (a, b), color in zip(HAND_BONES, HAND_COLORS):
            cv2.line(canvas, (int(kp[a, 0]), int(kp[a, 1])), (int(kp[b, 0]), int(kp[b, 1])), color,
                     max(1, stick // 2), cv2.LINE_AA)
        for x, y, _ in kp:
            cv2.circle(canvas, (int(x), int(y)), max(1, stick // 2), (0, 0, 255), -1, cv2.LINE_AA)
    if face is not None:
        kp = face70(face)
        if kp[0, 2] > 0:
            for x, y, _ in kp:
                cv2.circle(canvas, (int(x), int(y)), max(1, stick // 3), (255, 255, 255), -1, cv2.LINE_AA)
    return canvas


def draw_track_frame(track: PoseTrack, i: int, background: np.ndarray | None = None) -> np.ndarray:
    """Frame ``i`` of a track on black (or on ``background``), at the track's frame size."""
    canvas = (np.zeros((track.height, track.width, 3), np.uint8) if background is None
              else background.copy())
    if track.present[i]:
        draw_pose(canvas, track.body[i], track.left_hand[i], track.right_hand[i], track.face[i])
    return canvas


def write_skeleton_video(track: PoseTrack, path: str | Path,
                         progress: Callable[[str, int, int], None] | None = None) -> Path:
    """The whole track as an H.264 skeleton video at the track's size and rate."""
    from ..media.writer import VideoWriter

    with VideoWriter(path, track.fps, track.width, track.height, crf=16) as writer:
        for i in range(len(track)):
            writer.write(draw_track_frame(track, i))
            if progress:
                progress("skeleton", i + 1, len(track))
    return Path(path)

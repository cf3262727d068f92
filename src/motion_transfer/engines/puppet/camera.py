"""The reference video's camera motion (pan, tilt, zoom, roll), measured on its background.

Corners are tracked from frame to frame with pyramidal Lucas-Kanade on a small grey copy, away from the actor
(its joints' hull, grown), and a similarity transform is fitted to them with RANSAC; the steps are chained.
The result drives the output's background (``video`` orientation: the character's own background moves like the
reference's, so the character does not slide over it) and the whole frame (``image`` orientation: the camera
move is reproduced on the character's scene).
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from scipy.ndimage import gaussian_filter1d

from ...media.frames import iter_frames
from ...pose.track import PoseTrack

LONG_SIDE = 240
MAX_RATE = 15.0  # frames a second measured; the rest interpolated
MIN_MOVE = 0.015  # a camera that moves less than this share of the frame is held still


def _person_mask(shape: tuple[int, int], body: np.ndarray, s: float, grow: float = 0.1) -> np.ndarray:
    """255 where the background is (the actor's joint hull, grown by ``grow`` of its size, is 0)."""
    mask = np.full(shape, 255, np.uint8)
    pts = body[:, :2]
    pts = pts[np.isfinite(pts).all(axis=1)] * s
    if len(pts) >= 3:
        hull = cv2.convexHull(pts.astype(np.float32)).astype(np.int32)
        cv2.fillConvexPoly(mask, hull, 0)
        g = int(grow * max(np.ptp(pts[:, 0]), np.ptp(pts[:, 1]), 1.0))
        mask = cv2.erode(mask, None, iterations=max(1, g))
    return mask


def track_camera(video: str | Path, track: PoseTrack, *, long_side: int = LONG_SIDE) -> np.ndarray:
    """[T, 2, 3] affine maps taking frame 0's pixels to frame t's (video pixels), T = len(track).

    Every frame is matched to frame 0 directly (no drift from chaining steps), starting from the previous
    frame's estimate; points on the actor in either frame are left out, and a fit that too few points agree on
    keeps the previous estimate. At most ``MAX_RATE`` frames a second are measured. A camera whose frame
    corners move less than ``MIN_MOVE`` of the diagonal is a still camera: the identity.
    """
    T = len(track)
    W, H = track.width, track.height
    s = min(1.0, long_side / max(W, H))
    size = (max(16, round(W * s)), max(16, round(H * s)))
    out = np.tile(np.eye(3)[None], (T, 1, 1))
    body = track.body
    key = key_pts = None
    cur = np.eye(3)
    t = -1
    stride = max(1, int(round(track.fps / MAX_RATE)))
    measured = np.zeros(T, bool)
    for t, rgb in enumerate(iter_frames(video, fps=track.fps, size=size)):
        if t >= T:
            break
        if t % stride and t != T - 1:
            continue
        measured[t] = True
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        if key is None:
            key = gray
            key_pts = cv2.goodFeaturesToTrack(gray, maxCorners=400, qualityLevel=0.01, minDistance=5,
                                              mask=_person_mask(gray.shape, body[0], s))
            if key_pts is None or len(key_pts) < 20:
                return np.tile(np.eye(3)[None, :2], (T, 1, 1))  # no background to read: a still camera
            continue
        guess = cv2.transform(key_pts, cur[:2]).astype(np.float32)
        p1, st, _ = cv2.calcOpticalFlowPyrLK(key, gray, key_pts, guess.copy(), winSize=(21, 21), maxLevel=3,
                                             flags=cv2.OPTFLOW_USE_INITIAL_FLOW)
        ok = st.ravel() == 1
        if ok.sum() >= 20:
            here = _person_mask(gray.shape, body[min(t, len(body) - 1)], s)
            q = np.clip(np.round(p1[:, 0]).astype(int), 0, [gray.shape[1] - 1, gray.shape[0] - 1])
            ok &= here[q[:, 1], q[:, 0]] > 0
        if ok.sum() >= 20:
            M, inl = cv2.estimateAffinePartial2D(key_pts[ok], p1[ok], method=cv2.RANSAC,
                                                 ransacReprojThreshold=1.0, maxIters=500, confidence=0.99,
                                                 refineIters=10)
            if M is not None and inl is not None and inl.sum() >= max(15, 0.5 * ok.sum()):
                cur = np.vstack([M, [0, 0, 1]])
        out[t] = cur
    # frames between measured ones: interpolated; after the last one decoded: held
    idx = np.flatnonzero(measured)
    if len(idx) >= 2:
        for i in range(2):
            for j in range(3):
                out[:, i, j] = np.interp(np.arange(T), idx, out[idx, i, j])
    D, Di = np.diag([s, s, 1.0]), np.diag([1 / s, 1 / s, 1.0])
    full = _smooth(Di @ out @ D)[:, :2, :].astype(np.float64)
    # a still camera (hand tremor, trees in the wind read as motion) is held still
    corners = np.array([[0, 0], [W, 0], [0, H], [W, H]], np.float64)
    moved = np.einsum("tij,nj->tni", full[:, :, :2], corners) + full[:, None, :, 2] - corners[None]
    if np.linalg.norm(moved, axis=2).max() < MIN_MOVE * np.hypot(W, H):
        return np.tile(np.eye(3)[None, :2], (T, 1, 1))
    return full


def _smooth(M: np.ndarray) -> np.ndarray:
    """Light temporal smoothing of the chained transforms (removes tracker jitter, keeps real moves)."""
    if len(M) < 5:
        return M
    out = M.copy()
    out[:, :2, :] = gaussian_filter1d(M[:, :2, :], 1.0, axis=0, mode="nearest")
    return out

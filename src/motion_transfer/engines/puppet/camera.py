"""The reference video's camera motion (pan, tilt, zoom, roll), measured on its background.

Corners are tracked with pyramidal Lucas-Kanade on a small grey copy, away from the actor (its skeleton's body
shape, grown), and a similarity transform is fitted to them with RANSAC.
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
from ...pose.skeleton import BODY_BONES, J
from ...pose.track import PoseTrack
from .morphology import disc

LONG_SIDE = 240
MAX_RATE = 15.0  # frames a second measured; the rest interpolated
MIN_MOVE = 0.015  # a camera that moves less than this share of the frame is held still


def _person_mask(shape: tuple[int, int], body: np.ndarray, s: float, grow: float = 0.1) -> np.ndarray:
    """255 where the background is; 0 over the actor's body shape, grown by ``grow`` shoulder widths.

    The shape is drawn from the skeleton (torso quad, a head disc, thick limbs), not the hull of all joints:
    in a close-up the pose model places hips, knees and ankles far below the frame, and their hull would
    cover the whole picture, leaving no background to measure the camera on.
    """
    mask = np.full(shape, 255, np.uint8)
    pts = body[:, :2].astype(np.float64) * s
    ok = np.isfinite(pts).all(axis=1)
    ls, rs, lh, rh = J["left_shoulder"], J["right_shoulder"], J["left_hip"], J["right_hip"]
    if not ok[[ls, rs]].all():
        return mask
    sw = max(float(np.linalg.norm(pts[ls] - pts[rs])), 4.0)
    big = 4 * max(shape)  # far-off joints are clamped so OpenCV's integer drawing stays in range

    def p(i: int) -> tuple[int, int]:
        x, y = np.clip(pts[i], -big, big)
        return int(round(x)), int(round(y))

    quad = [ls, rs, rh, lh] if ok[[lh, rh]].all() else [ls, rs]
    if len(quad) == 4:
        cv2.fillConvexPoly(mask, np.array([p(i) for i in quad], np.int32), 0)
    else:  # no hips: the torso runs down out of the frame
        x0, y0 = p(rs)
        x1, y1 = p(ls)
        cv2.rectangle(mask, (min(x0, x1), min(y0, y1)), (max(x0, x1), shape[0]), 0, -1)
    head = [i for i in range(11) if ok[i]]
    if head:
        c = pts[head].mean(axis=0)
        ears = [J["left_ear"], J["right_ear"]]
        face_w = float(np.linalg.norm(pts[ears[0]] - pts[ears[1]])) if ok[ears].all() else 0.4 * sw
        r = int(round(max(0.85 * face_w, 0.3 * sw)))
        cx, cy = (int(round(v)) for v in np.clip(c, -big, big))
        cv2.circle(mask, (cx, cy), r, 0, -1)
        cv2.line(mask, (cx, cy), p(ls), 0, r)
        cv2.line(mask, (cx, cy), p(rs), 0, r)
    width = max(2, int(round(0.25 * sw)))
    for a, b in BODY_BONES:
        if ok[a] and ok[b]:
            cv2.line(mask, p(a), p(b), 0, width)
    for side in ("left", "right"):
        w = J[f"{side}_wrist"]
        if ok[w]:
            cv2.circle(mask, p(w), int(round(0.25 * sw)), 0, -1)
    g = int(round(grow * sw))
    if g > 0:
        mask = cv2.erode(mask, disc(g))
    return mask


MIN_POINTS = 12  # background corners a fit needs


def _corners(gray: np.ndarray, body: np.ndarray, s: float) -> np.ndarray | None:
    """Background corners of a grey frame (None when there are too few to fit a camera move to)."""
    pts = cv2.goodFeaturesToTrack(gray, maxCorners=400, qualityLevel=0.01, minDistance=5,
                                  mask=_person_mask(gray.shape, body, s))
    return pts if pts is not None and len(pts) >= MIN_POINTS else None


def _fit(a: np.ndarray, b: np.ndarray, pts: np.ndarray, guess: np.ndarray, here: np.ndarray) -> np.ndarray | None:
    """The similarity taking ``pts`` of grey frame ``a`` to where they are in ``b`` (3x3), or None when too few
    background points agree. ``guess`` (3x3) starts the search; ``here`` is ``b``'s background mask."""
    start = cv2.transform(pts, guess[:2]).astype(np.float32)
    p1, st, _ = cv2.calcOpticalFlowPyrLK(a, b, pts, start.copy(), winSize=(21, 21), maxLevel=3,
                                         flags=cv2.OPTFLOW_USE_INITIAL_FLOW)
    ok = st.ravel() == 1
    q = np.round(p1[:, 0]).astype(int)
    inside = (q[:, 0] >= 0) & (q[:, 1] >= 0) & (q[:, 0] < b.shape[1]) & (q[:, 1] < b.shape[0])
    ok &= inside
    q = np.clip(q, 0, [b.shape[1] - 1, b.shape[0] - 1])
    ok &= here[q[:, 1], q[:, 0]] > 0
    if ok.sum() < MIN_POINTS:
        return None
    M, inl = cv2.estimateAffinePartial2D(pts[ok], p1[ok], method=cv2.RANSAC, ransacReprojThreshold=1.0,
                                         maxIters=500, confidence=0.99, refineIters=10)
    if M is None or inl is None or inl.sum() < max(MIN_POINTS - 2, 0.4 * ok.sum()):
        return None
    return np.vstack([M, [0, 0, 1]])


def track_camera(video: str | Path, track: PoseTrack, *, long_side: int = LONG_SIDE) -> np.ndarray:
    """[T, 2, 3] affine maps taking frame 0's pixels to frame t's (video pixels), T = len(track).

    Every frame is matched to a key frame directly (no drift from chaining steps), starting from the previous
    frame's estimate; points on the actor in either frame are left out. When the key frame's corners no
    longer agree (they left the view, the zoom changed their look, leaves moved), the frame is matched to the
    previous one instead and becomes the new key. At most ``MAX_RATE`` frames a second are measured. A camera
    whose frame corners move less than ``MIN_MOVE`` of the diagonal is a still camera: the identity.
    """
    T = len(track)
    W, H = track.width, track.height
    s = min(1.0, long_side / max(W, H))
    size = (max(16, round(W * s)), max(16, round(H * s)))
    out = np.tile(np.eye(3)[None], (T, 1, 1))
    body = track.body
    key = key_pts = prev = None
    key_M = cur = np.eye(3)
    prev_M = np.eye(3)
    stride = max(1, int(round(track.fps / MAX_RATE)))
    measured = np.zeros(T, bool)
    for t, rgb in enumerate(iter_frames(video, fps=track.fps, size=size)):
        if t >= T:
            break
        if t % stride and t != T - 1:
            continue
        measured[t] = True
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        pose = body[min(t, len(body) - 1)]
        if key is None:
            key, key_pts, key_M, prev, prev_M = gray, _corners(gray, pose, s), np.eye(3), gray, np.eye(3)
            if key_pts is None:
                return np.tile(np.eye(3)[None, :2], (T, 1, 1))  # no background to read: a still camera
            continue
        here = _person_mask(gray.shape, pose, s)
        rel = _fit(key, gray, key_pts, cur @ np.linalg.inv(key_M), here)
        if rel is not None:
            cur = rel @ key_M
        else:
            prev_pts = _corners(prev, body[max(0, t - stride)], s)
            step = None if prev_pts is None else _fit(prev, gray, prev_pts, np.eye(3), here)
            if step is not None:
                cur = step @ prev_M
            fresh = _corners(gray, pose, s)
            if fresh is not None:  # this frame is the new key
                key, key_pts, key_M = gray, fresh, cur
        prev, prev_M = gray, cur
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

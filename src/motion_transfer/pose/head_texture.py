"""The face mesh's place in each frame, refined on the video's own texture of the face.

MediaPipe's face mesh is fitted to each frame on its own: its rigid points (``facemesh.STABLE``) agree with one
another to a pixel, but the whole mesh lands a few pixels off the face, by an amount that changes with the head's
pose (TikTok clip 5's close-up: the mesh's centre 3-5 px below where the face's texture has moved, frame after
frame, and 8 px short of a quick nod up). The character's head is placed by the mesh's moves from one frame to
another (:func:`.retarget.face_mesh_head`), so it sat those pixels off the video's face.

Here the face's texture (forehead, brows, eyes, nose, cheekbones: the box of the rigid points) in the first frame
with a mesh is aligned onto each frame (OpenCV's ECC, an affine map, started from the mesh's own similarity), and
the mesh is moved so that its rigid points' centre lies where that texture's went. Its size is left as it is:
scaled with the texture too (which grows 1.5 % more than the mesh as clip 5's dancer leans in), the head was drawn
a little larger and SSIM fell (clip 5 .669 -> .668, clip 3 .802 -> .801). A frame keeps its mesh where the
alignment is poor (the face turned away, blurred, covered: below ``MIN_CC``) or where it moves the mesh further
than ``MAX_MOVE`` from where the landmarks put it; the correction fades in and out over a frame or two. The first
frame's mesh is the anchor and stays as it is.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable

import cv2
import numpy as np
from scipy.ndimage import gaussian_filter1d

from ..media.frames import iter_frames
from .facemesh import LEFT_EYE_CORNERS, RIGHT_EYE_CORNERS, STABLE
from .track import PoseTrack

# the face's rigid points' box is aligned at about this many pixels across, a larger face read smaller (TikTok
# clip 5's 180-px face: its mesh's centre placed as well at 96 px as at 200, 0.03 px apart, at half the time)
FACE_PX = 128
# an alignment whose correlation (ECC's) is below this is not trusted (TikTok clip 5: 0.97-0.99 on a face held
# to the camera, 0.88-0.90 while it turns 30-40 degrees away)
MIN_CC = 0.93
# a correction moving the mesh's centre further than this many eye widths (outer corner to outer corner) from the
# landmarks', or changing its size by more than this share, is a misalignment
MAX_MOVE = 0.15
# the corrections fade in and out over this many frames (sigma) either side of frames aligned
SMOOTH_FRAMES = 1.0
# a change to what this module computes gets a new number: motion caches keep its results under it
VERSION = 1
_ECC = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 40, 1e-4)


def _similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares 2D similarity (2x3) taking points ``src`` [N, 2] onto ``dst``."""
    M, _ = cv2.estimateAffinePartial2D(src.astype(np.float32), dst.astype(np.float32), method=cv2.LMEDS)
    return np.eye(2, 3) if M is None else M.astype(np.float64)


def _box(points: np.ndarray, pad: float, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The points' box grown by ``pad`` of its size on each side, within an image of ``shape``."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    lo, hi = lo - pad * (hi - lo), hi + pad * (hi - lo)
    x0, y0 = np.clip(np.floor(lo).astype(int), 0, [shape[1] - 1, shape[0] - 1])
    x1, y1 = np.clip(np.ceil(hi).astype(int) + 1, [x0 + 1, y0 + 1], [shape[1], shape[0]])
    return int(x0), int(y0), int(x1), int(y1)


def _align(key: np.ndarray, key_box: tuple[int, int, int, int], frame: np.ndarray, near: np.ndarray,
           guess: np.ndarray) -> tuple[np.ndarray, float]:
    """The affine map (2x3, whole-image pixels) taking ``key``'s texture inside ``key_box`` onto ``frame``, and its
    correlation (0 when ECC does not converge). ``near``: points of ``frame`` around which the face lies;
    ``guess``: where to start. Both images are cropped to the face's surroundings (ECC reads every pixel of its
    input at each step)."""
    kx, ky, kx1, ky1 = key_box
    fx, fy, fx1, fy1 = _box(near, 0.5, frame.shape)
    o_k, o_f = np.array([kx, ky], np.float64), np.array([fx, fy], np.float64)
    A = guess[:, :2]
    start = np.concatenate([A, (A @ o_k + guess[:, 2] - o_f)[:, None]], axis=1)
    try:
        cc, warp = cv2.findTransformECC(key[ky:ky1, kx:kx1], frame[fy:fy1, fx:fx1], start.astype(np.float32),
                                        cv2.MOTION_AFFINE, _ECC, None, 5)
    except cv2.error:
        return guess, 0.0
    A = warp[:, :2].astype(np.float64)
    return np.concatenate([A, (warp[:, 2] - A @ o_k + o_f)[:, None]], axis=1), float(cc)


def texture_corrections(frames: Iterable[np.ndarray], rigid: np.ndarray, eye_width: float) -> np.ndarray:
    """Per frame, how far (shift [T, 2]) the rigid points' centre is to move so that it follows the face's texture
    from the first frame.

    ``frames``: grey float32 frames, read one at a time; ``rigid`` [T, N, 2] the mesh's rigid points in their
    pixels (NaN where no mesh; the first frame must have one); ``eye_width``: the face's eye width there, the
    unit of ``MAX_MOVE``. Frames not aligned (no mesh, a poor or far-off alignment) get no correction of their own
    but their aligned neighbours' in part, fading out over ``SMOOTH_FRAMES``."""
    T = len(rigid)
    shift = np.zeros((T, 2))
    ok = np.zeros(T, bool)
    key = key_box = None
    for t, frame in enumerate(frames):
        if t >= T:
            break
        if key is None:
            key, key_box = frame, _box(rigid[0], 0.0, frame.shape)
            continue
        if not np.isfinite(rigid[t]).all():
            continue
        guess = _similarity(rigid[0], rigid[t])
        warp, cc = _align(key, key_box, frame, rigid[t], guess)
        if cc < MIN_CC:
            continue
        centre = warp[:, :2] @ rigid[0].mean(axis=0) + warp[:, 2]
        size = np.sqrt(abs(np.linalg.det(warp[:, :2])) / max(abs(np.linalg.det(guess[:, :2])), 1e-12))
        d = centre - rigid[t].mean(axis=0)
        if np.linalg.norm(d) <= MAX_MOVE * eye_width and abs(size - 1.0) <= MAX_MOVE:
            shift[t], ok[t] = d, True
    # a frame not aligned takes its aligned neighbours' corrections in part, fading out over SMOOTH_FRAMES (no
    # jump where the alignment starts or stops); an aligned frame keeps its own (the mesh's jitter goes with it)
    fade = gaussian_filter1d(shift, SMOOTH_FRAMES, axis=0, mode="constant")
    shift = np.where(ok[:, None], shift, fade)
    shift[0] = 0.0  # the anchor
    return shift


def texture_head(video: str | Path, track: PoseTrack) -> PoseTrack:
    """``track`` with its face mesh (and irises) moved, frame by frame, to where the video's face
    texture is (see the module docstring); ``track`` itself when fewer than two frames have a mesh."""
    seen = np.flatnonzero(np.isfinite(track.face).all(axis=(1, 2)))
    if len(seen) < 2:
        return track
    first = int(seen[0])
    rigid = track.face[first:, list(STABLE), :2].astype(np.float64)
    eye = float(np.linalg.norm(track.face[first, LEFT_EYE_CORNERS[0], :2]
                               - track.face[first, RIGHT_EYE_CORNERS[0], :2]))
    s = min(1.0, FACE_PX / max(float(np.ptp(rigid[0], axis=0).max()), 1.0))
    size = (max(16, round(track.width * s)), max(16, round(track.height * s)))
    frames = (cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
              for t, rgb in enumerate(iter_frames(video, fps=track.fps, size=size)) if t >= first)
    move = np.zeros((len(track), 1, 2))
    move[first:, 0] = texture_corrections(frames, rigid * s, eye * s) / s

    def moved(points: np.ndarray) -> np.ndarray:
        out = points.copy()
        out[..., :2] = (points[..., :2] + move).astype(points.dtype)
        return out

    return replace(track, face=moved(track.face), irises=None if track.irises is None else moved(track.irises))

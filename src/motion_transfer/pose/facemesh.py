"""MediaPipe's 468-point face mesh: named regions and the expression and head-angle measurements made on it.

One definition, used by the puppet (to drive the character's face) and by the benchmark (to score the result
the same way): mouth and eye opening are ratios of 3D distances, so they do not change when the head turns;
head yaw, pitch and roll come from the mesh's own 3D axes. Points are ``[..., 468, 3]`` in pixels (x right,
y down, z = MediaPipe's z times the frame width, smaller is nearer the camera), NaN where no face was seen.
Left and right are the subject's (its left eye is on the image's right).
"""
from __future__ import annotations

import numpy as np

from .smoothing import fill_short_gaps

# Lips: the inner contour from the right corner (78) to the left corner (308), upper and lower.
UPPER_LIP_INNER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LOWER_LIP_INNER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
MOUTH_CORNERS = (61, 291)
# ... and the outer contour (where the lips meet the skin), corner to corner, upper and lower.
UPPER_LIP_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LOWER_LIP_OUTER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
# Eyes: corners (outer, inner) and the lid contours between them, outer to inner.
RIGHT_EYE_CORNERS = (33, 133)
RIGHT_UPPER_LID = (246, 161, 160, 159, 158, 157, 173)
RIGHT_LOWER_LID = (7, 163, 144, 145, 153, 154, 155)
LEFT_EYE_CORNERS = (263, 362)
LEFT_UPPER_LID = (466, 388, 387, 386, 385, 384, 398)
LEFT_LOWER_LID = (249, 390, 373, 374, 380, 381, 382)
# Brows: upper and lower edge, both sides.
BROWS = (70, 63, 105, 66, 107, 46, 53, 52, 65, 55, 300, 293, 334, 296, 336, 276, 283, 282, 295, 285)
EYES = ((RIGHT_EYE_CORNERS, RIGHT_UPPER_LID, RIGHT_LOWER_LID), (LEFT_EYE_CORNERS, LEFT_UPPER_LID, LEFT_LOWER_LID))
# The face's outline, clockwise from the top of the forehead.
OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176,
        149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
# Points that move little with expression (forehead, nose bridge, temples, cheekbones): the head's rigid pose.
STABLE = (10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 109, 338, 67, 297, 127, 356, 234, 454, 93, 323, 33, 263, 133,
          362, 98, 327, 50, 280, 116, 345)
FOREHEAD, CHIN, NOSE_TIP = 10, 152, 1
# The nose's ridge, from between the brows down to its tip.
NOSE_RIDGE = (168, 6, 197, 195, 5, 4, 1)
# The refined face model's ten iris points follow the mesh's 468: these are the right and the left iris's centres
# (a track keeps the ten apart, ``PoseTrack.irises``: there they are rows 0 and 5).
IRIS_CENTRES = (468, 473)
RIGHT_CHEEK, LEFT_CHEEK = 234, 454
# a gap this short (seconds) between two frames with a face mesh is bridged (see :func:`bridged`)
BRIDGE_S = 0.6


def bridged(face: np.ndarray, fps: float) -> np.ndarray:
    """``face`` [T, 468, 3] with each gap of at most ``BRIDGE_S`` seconds between two frames with a mesh filled
    by interpolating the meshes either side (longer gaps and the clip's ends stay NaN).

    Why: a head blurred by a fast lean or swing loses its mesh for a moment. Held, the last mesh froze the
    character's face in its last expression and head turn (TikTok clip 0's dancer leaning into the camera, 8
    frames: a laugh with the head thrown back, a stretched open mouth and nose, then a jump to her pursed lips);
    and the head's size fell back on the body model's face points, crowded by the blur and the tilted head (the
    head shrank to 0.8 of its size, then swelled to 1.55 in four frames)."""
    return fill_short_gaps(face, int(BRIDGE_S * fps))[0]


def _dist(face: np.ndarray, a: int, b: int) -> np.ndarray:
    return np.linalg.norm(face[..., a, :] - face[..., b, :], axis=-1)


def face_size(face: np.ndarray) -> np.ndarray:
    """The distance between the outer eye corners (3D, pixels): the unit the other measures are taken in."""
    return _dist(face, RIGHT_EYE_CORNERS[0], LEFT_EYE_CORNERS[0])


def mouth_opening(face: np.ndarray) -> np.ndarray:
    """Gap between the inner lips at the middle, over the face size (0 closed, ~0.5 wide open)."""
    return _dist(face, 13, 14) / face_size(face)


def mouth_width(face: np.ndarray) -> np.ndarray:
    """Distance between the mouth corners over the face size (grows with a smile)."""
    return _dist(face, *MOUTH_CORNERS) / face_size(face)


def eye_opening(face: np.ndarray) -> np.ndarray:
    """[..., 2] (right, left): lid gap at the eye's middle over the eye's width (~0.3 open, ~0.05 closed)."""
    out = []
    for corners, upper, lower in EYES:
        out.append(_dist(face, upper[3], lower[3]) / _dist(face, *corners))
    return np.stack(out, axis=-1)


def iris_offset(face: np.ndarray, irises: np.ndarray) -> np.ndarray:
    """[..., 2, 2] each eye's (right, left) iris centre from the middle of its corners, along the eye line (the
    outer corners' line, from the subject's right eye to its left: towards the image's right on a face seen from
    the front) and across it (downwards), in that eye's widths (2D). The gaze within the head: the head's shift,
    roll and size move the corners with the iris, and do not change it. ``irises`` [..., 10, 3] the refined face
    model's iris points (``PoseTrack.irises``); NaN where either is missing."""
    first = IRIS_CENTRES[0]
    line = face[..., LEFT_EYE_CORNERS[0], :2] - face[..., RIGHT_EYE_CORNERS[0], :2]
    u = line / np.maximum(np.linalg.norm(line, axis=-1, keepdims=True), 1e-9)
    n = np.stack([-u[..., 1], u[..., 0]], axis=-1)  # down, with image y growing downwards
    out = []
    for corners, centre in zip((RIGHT_EYE_CORNERS, LEFT_EYE_CORNERS), IRIS_CENTRES):
        a, b = face[..., corners[0], :2], face[..., corners[1], :2]
        width = np.maximum(np.linalg.norm(b - a, axis=-1), 1e-9)
        off = irises[..., centre - first, :2] - 0.5 * (a + b)
        out.append(np.stack([(off * u).sum(axis=-1), (off * n).sum(axis=-1)], axis=-1) / width[..., None])
    return np.stack(out, axis=-2)


def _head_axes(face: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mesh's cheek-to-cheek (subject's right to left) and forehead-to-chin lines [..., 3]: the head's axes
    that its angles and its facing are read from."""
    return face[..., LEFT_CHEEK, :] - face[..., RIGHT_CHEEK, :], face[..., CHIN, :] - face[..., FOREHEAD, :]


def head_angles(face: np.ndarray) -> np.ndarray:
    """[..., 3] yaw, pitch, roll in degrees from the mesh's axes (0 facing the camera upright).

    Yaw: the cheek-to-cheek line's turn in depth (positive when the subject turns to its own left, its left
    cheek going away); pitch: the forehead-to-chin line's tilt in depth (positive when it looks up, the chin
    coming forward); roll: the eye line's angle in the image (positive clockwise on screen).
    """
    across, down = _head_axes(face)
    yaw = np.degrees(np.arctan2(across[..., 2], across[..., 0]))
    pitch = np.degrees(np.arctan2(-down[..., 2], down[..., 1]))
    eyes = face[..., LEFT_EYE_CORNERS[0], :] - face[..., RIGHT_EYE_CORNERS[0], :]
    roll = np.degrees(np.arctan2(eyes[..., 1], eyes[..., 0]))
    return np.stack([yaw, pitch, roll], axis=-1)


def facing(face: np.ndarray) -> np.ndarray:
    """[..., 3] the face's unit normal, pointing into the head (+z, away from the camera, when it faces the camera):
    the cheek-to-cheek line crossed with the forehead-to-chin line, the axes :func:`head_angles` reads. Its x, y
    are how far a point behind the face swings across the image as the head turns or nods."""
    n = np.cross(*_head_axes(face))
    return n / np.maximum(np.linalg.norm(n, axis=-1, keepdims=True), 1e-9)


def similarity(src: np.ndarray, dst: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Least-squares similarity (Umeyama) taking 3D points ``src`` [N, 3] onto ``dst``: (scale, R, t) with
    ``dst ~ scale * R @ src + t``. Reflections are excluded."""
    ms, md = src.mean(axis=0), dst.mean(axis=0)
    a, b = src - ms, dst - md
    U, S, Vt = np.linalg.svd(b.T @ a / len(src))
    D = np.eye(3)
    if np.linalg.det(U) * np.linalg.det(Vt) < 0:
        D[2, 2] = -1
    R = U @ D @ Vt
    var = (a ** 2).sum() / len(src)
    scale = float(np.trace(np.diag(S) @ D) / max(var, 1e-12))
    return scale, R, md - scale * R @ ms

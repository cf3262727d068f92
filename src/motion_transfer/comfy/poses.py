"""Pose tracks as ComfyUI data: skeleton frames (IMAGE batch) and keypoints (``POSE_KEYPOINT``).

``POSE_KEYPOINT`` is the form comfyui_controlnet_aux's DWPose Estimator outputs, so ControlNet, VACE and Wan
graphs that take its output take ours: a list with one dict per frame::

    {"people": [{"pose_keypoints_2d":       [x, y, c] * 18   (OpenPose COCO-18 body order),
                 "face_keypoints_2d":       [x, y, c] * 70 or None,
                 "hand_left_keypoints_2d":  [x, y, c] * 21 or None,
                 "hand_right_keypoints_2d": [x, y, c] * 21 or None}],
     "canvas_height": H, "canvas_width": W}

Lists are flat; x and y are pixels of the W x H canvas (DWPose's convention; its OpenPose sibling writes 0..1);
``c`` is 1.0 for a keypoint that was seen and ``0, 0, 0`` marks one that was not; a frame without a person has
``"people": []``. Our canvas is the size of the IMAGE frames the same node returns.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

# IMAGE batches are capped so a long clip cannot fill the RAM: frames x height x width x 3 x 4 bytes.
DEFAULT_MAX_FRAMES = 300
DEFAULT_RESOLUTION = 512
MIN_CONFIDENCE = 0.3  # DWPose keeps a keypoint when its score is at least 0.3

Progress = Callable[[str, int, int], None]


def frame_size(width: int, height: int, resolution: int) -> tuple[int, int]:
    """Output size with the short side at ``resolution`` (0 keeps the source size); both sides even."""
    if resolution <= 0:
        w, h = int(width), int(height)
    else:
        scale = resolution / min(width, height)
        w, h = max(2, round(width * scale)), max(2, round(height * scale))
    return w + (w % 2), h + (h % 2)


def batch_bytes(frames: int, width: int, height: int) -> int:
    """Memory an IMAGE batch of this size takes (float32 RGB)."""
    return frames * width * height * 3 * 4


def check_batch_memory(frames: int, width: int, height: int, available: int | None = None) -> None:
    """Refuse, before any work, an IMAGE batch that would not fit in 80% of the free memory."""
    from ..errors import InputError

    need = batch_bytes(frames, width, height)
    if available is None:
        try:
            import psutil

            available = int(psutil.virtual_memory().available)
        except Exception:  # noqa: BLE001 - psutil comes with ComfyUI; without it, no guard
            return
    if need > 0.8 * available:
        raise InputError(f"the skeleton frames would take {need / 1e9:.1f} GB as an IMAGE batch ({frames} frames "
                         f"at {width}x{height}), more than the {available / 1e9:.1f} GB of memory free now.",
                         code="batch_memory", measured=need, limit=int(0.8 * available),
                         fix="lower max_frames, resolution or frame_rate.")


def head(track, n: int):
    """The first ``n`` frames of a track (the whole track when it is shorter)."""
    from ..pose.track import PoseTrack

    if len(track) <= n:
        return track
    cut = {k: (getattr(track, k)[:n] if getattr(track, k) is not None else None)
           for k in ("body", "left_hand", "right_hand", "face", "body_world", "filled")}
    return PoseTrack(fps=track.fps, width=track.width, height=track.height, source=track.source,
                     meta=dict(track.meta), **cut)


# ------------------------------------------------------------------------------------------- keypoints
def _keypoints(arr: np.ndarray) -> list[float]:
    """[N, 3] x, y, confidence -> flat [x, y, c, ...]: kept -> c = 1.0, missing -> 0, 0, 0 (as DWPose writes)."""
    out: list[float] = []
    for x, y, c in arr:
        if c >= MIN_CONFIDENCE and np.isfinite(x) and np.isfinite(y):
            out += [round(float(x), 3), round(float(y), 3), 1.0]
        else:
            out += [0.0, 0.0, 0.0]
    return out


def pose_keypoint_frame(track, i: int, width: int | None = None, height: int | None = None) -> dict:
    """Frame ``i`` of a ``PoseTrack`` as one POSE_KEYPOINT entry on a ``width`` x ``height`` canvas
    (default: the track's own frame size; coordinates are scaled to the canvas)."""
    from ..pose.openpose import body18, face70, hand21

    w = int(width or track.width)
    h = int(height or track.height)
    scale = np.array([w / track.width, h / track.height, 1.0], np.float32)
    frame: dict = {"people": [], "canvas_height": h, "canvas_width": w}
    if not bool(track.present[i]):
        return frame
    person: dict = {"pose_keypoints_2d": _keypoints(body18(track.body[i]) * scale)}
    face = face70(track.face[i])
    person["face_keypoints_2d"] = _keypoints(face * scale) if face[:, 2].any() else None
    for key, hand in (("hand_left_keypoints_2d", track.left_hand[i]),
                      ("hand_right_keypoints_2d", track.right_hand[i])):
        kp = hand21(hand)
        person[key] = _keypoints(kp * scale) if kp[:, 2].any() else None
    frame["people"].append(person)
    return frame


def pose_keypoints(track, width: int | None = None, height: int | None = None) -> list[dict]:
    """The whole track as POSE_KEYPOINT: one dict per frame."""
    return [pose_keypoint_frame(track, i, width, height) for i in range(len(track))]


# ------------------------------------------------------------------------------------------- pictures
def _scaled(a: np.ndarray, sx: float, sy: float) -> np.ndarray:
    out = a.copy()
    out[..., 0] *= sx
    out[..., 1] *= sy
    return out


def draw_skeleton(track, i: int, width: int, height: int) -> np.ndarray:
    """Frame ``i`` drawn in OpenPose colouring on black at ``width`` x ``height`` (HxWx3 uint8)."""
    from ..pose.draw import draw_pose

    canvas = np.zeros((height, width, 3), np.uint8)
    if bool(track.present[i]):
        sx, sy = width / track.width, height / track.height
        draw_pose(canvas, _scaled(track.body[i], sx, sy), _scaled(track.left_hand[i], sx, sy),
                  _scaled(track.right_hand[i], sx, sy), _scaled(track.face[i], sx, sy))
    return canvas


def skeleton_batch(track, width: int, height: int, progress: Progress | None = None):
    """All frames as an IMAGE batch (float32 torch tensor [N, H, W, 3] in 0..1), filled frame by frame so the
    batch is the only full-size copy in memory. An empty track gives one black frame."""
    import torch

    n = len(track)
    batch = torch.zeros((max(n, 1), height, width, 3), dtype=torch.float32)
    for i in range(n):
        batch[i] = torch.from_numpy(draw_skeleton(track, i, width, height)).float().div_(255.0)
        if progress:
            progress("draw", i + 1, n)
    return batch


# ------------------------------------------------------------------------------------------- retargeting
def rest_pose(image_track):
    """The character's ``RestPose`` from a one-frame track of its image (``pose.estimator.detect_image``)."""
    from ..errors import InputError
    from ..pose.retarget import RestPose

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
    from ..pose.track import PoseTrack
    from ..pose.retarget import hold_missing

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

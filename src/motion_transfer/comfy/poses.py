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

import numpy as np

from ..request import Progress
# The Retarget node's two ends (rest pose, motion as a track) live below the engines, which use them too.
from ..pose.retarget_track import motion_to_track, rest_pose  # noqa: F401

# IMAGE batches are capped so a long clip cannot fill the RAM: frames x height x width x 3 x 4 bytes.
DEFAULT_MAX_FRAMES = 300
DEFAULT_RESOLUTION = 512
MIN_CONFIDENCE = 0.3  # DWPose keeps a keypoint when its score is at least 0.3


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
           for k in ("body", "left_hand", "right_hand", "face", "body_world", "filled", "irises")}
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

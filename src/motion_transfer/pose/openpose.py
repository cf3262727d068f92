"""Export to the OpenPose layouts that ControlNet, VACE and Wan pipelines and ComfyUI's pose nodes consume."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from ..atomic import replace_into_place
from .skeleton import OPENPOSE18_FROM_MP, J
from .track import PoseTrack

VISIBLE = 0.5


def body18(body: np.ndarray) -> np.ndarray:
    """[33,4] MediaPipe joints -> [18,3] OpenPose COCO-18 (x, y, confidence; 0 confidence = absent)."""
    out = np.zeros((18, 3), np.float32)
    for k, src in enumerate(OPENPOSE18_FROM_MP):
        if src is None:
            a, b = body[J["left_shoulder"]], body[J["right_shoulder"]]
            xy, conf = (a[:2] + b[:2]) / 2, min(a[3], b[3])
        else:
            xy, conf = body[src, :2], body[src, 3]
        if not np.isnan(xy).any():
            out[k] = (xy[0], xy[1], conf)
    return out


def hand21(hand: np.ndarray) -> np.ndarray:
    """[21,3] hand joints -> [21,3] x, y, confidence (MediaPipe and OpenPose share the hand order)."""
    out = np.zeros((21, 3), np.float32)
    if not np.isnan(hand).any():
        out[:, :2] = hand[:, :2]
        out[:, 2] = 1.0
    return out


# MediaPipe face-mesh vertices nearest to the 68 iBUG/dlib landmarks (jaw 0-16, brows 17-26, nose 27-35,
# eyes 36-47, lips 48-67); OpenPose's two pupil points (68, 69) are computed from the eye corners.
FACE70_FROM_MESH: tuple[int, ...] = (
    127, 234, 93, 132, 58, 172, 136, 150, 152, 379, 365, 397, 288, 361, 323, 454, 356,
    70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
    168, 197, 5, 4, 75, 97, 2, 326, 305,
    33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
    61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,
    78, 82, 13, 312, 308, 317, 14, 87,
)


def face70(face: np.ndarray) -> np.ndarray:
    """[468,3] face mesh -> [70,3] OpenPose face points; pupils are the eye-corner midpoints."""
    out = np.zeros((70, 3), np.float32)
    if np.isnan(face).any():
        return out
    idx = np.array(FACE70_FROM_MESH[:68])
    out[:68, :2] = face[idx, :2]
    out[68, :2] = (face[33, :2] + face[133, :2]) / 2
    out[69, :2] = (face[362, :2] + face[263, :2]) / 2
    out[:, 2] = 1.0
    return out


def frame_people(track: PoseTrack, i: int, normalized: bool = False) -> dict:
    """One frame as OpenPose's JSON ``people`` entry (flat [x, y, c, ...] lists)."""
    scale = np.array([1.0 / track.width, 1.0 / track.height, 1.0], np.float32) if normalized else 1.0

    def flat(a: np.ndarray) -> list[float]:
        return [round(float(v), 4) for v in (a * scale).reshape(-1)]

    return {
        "pose_keypoints_2d": flat(body18(track.body[i])),
        "face_keypoints_2d": flat(face70(track.face[i])),
        "hand_left_keypoints_2d": flat(hand21(track.left_hand[i])),
        "hand_right_keypoints_2d": flat(hand21(track.right_hand[i])),
    }


def openpose_frame(track: PoseTrack, i: int, normalized: bool = False) -> dict:
    """OpenPose's per-frame document (version 1.3 layout) with the canvas size beside it."""
    people = [frame_people(track, i, normalized)] if track.present[i] else []
    return {"version": 1.3, "people": people, "canvas_width": track.width, "canvas_height": track.height}


def write_openpose_dir(track: PoseTrack, folder: str | Path, stem: str = "frame") -> list[Path]:
    """Write ``{stem}_{000000}_keypoints.json`` per frame, OpenPose's own naming; pixel coordinates."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(len(track)):
        path = folder / f"{stem}_{i:06d}_keypoints.json"
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(openpose_frame(track, i), fh)
        replace_into_place(tmp, path)
        paths.append(path)
    return paths

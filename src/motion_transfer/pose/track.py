"""``PoseTrack``: one actor's whole-body pose through a video, and its versioned file format.

File format (``.pose.json``, version 1), chosen so other tools can read it without this package::

    {
      "format": "motion-transfer.pose", "version": 1,
      "fps": 30.0, "width": 1280, "height": 720, "frames": T, "source": "dance.mp4",
      "body":       [T][33][4]  x, y in pixels; z relative depth in pixels (MediaPipe's z times the frame
                                width; smaller is nearer the camera, hips ~0); visibility 0..1; null = missing
      "body_world": [T][33][3]  metric 3D joints (metres, hip-centred) or null
      "left_hand":  [T][21][3]  x, y pixels, z relative; null when the hand was not seen
      "right_hand": [T][21][3]
      "face":       [T][468][3] MediaPipe face mesh, or null
      "irises":     [T][10][3]  the refined face model's iris points (right iris's centre and four rim points,
                                then the left's), or null; a track without it (written before it was kept)
                                loads with ``irises`` None: no gaze
      "filled":     [T] true where the body was interpolated across a short gap (never for long gaps)
    }

``.npz`` holds the same arrays (NaN for missing) for speed and size. Missing frames are NaN in memory:
a long gap stays missing, it is never invented.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..atomic import new_part, replace_into_place
from ..errors import InputError
from ..outputs import output_error
from .skeleton import NUM_BODY, NUM_FACE, NUM_HAND, NUM_IRIS

FORMAT_NAME = "motion-transfer.pose"
FORMAT_VERSION = 1


@dataclass
class PoseTrack:
    """Arrays are float32 with NaN for "not seen". ``body[..., 3]`` is per-joint visibility/confidence."""

    fps: float
    width: int
    height: int
    body: np.ndarray  # [T, 33, 4]
    left_hand: np.ndarray  # [T, 21, 3]
    right_hand: np.ndarray  # [T, 21, 3]
    face: np.ndarray  # [T, 468, 3]
    body_world: np.ndarray | None = None  # [T, 33, 3]
    filled: np.ndarray | None = None  # [T] bool
    irises: np.ndarray | None = None  # [T, 10, 3]; None in a track made without them
    source: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.filled is None:
            self.filled = np.zeros(len(self.body), dtype=bool)

    def __len__(self) -> int:
        return int(self.body.shape[0])

    @property
    def present(self) -> np.ndarray:
        """[T] bool: frames with a body (detected or gap-filled)."""
        return ~np.isnan(self.body[:, :, 0]).all(axis=1)

    @classmethod
    def empty(cls, frames: int, fps: float, width: int, height: int, source: str = "") -> "PoseTrack":
        nan = np.float32(np.nan)
        return cls(
            fps=fps, width=width, height=height,
            body=np.full((frames, NUM_BODY, 4), nan, np.float32),
            left_hand=np.full((frames, NUM_HAND, 3), nan, np.float32),
            right_hand=np.full((frames, NUM_HAND, 3), nan, np.float32),
            face=np.full((frames, NUM_FACE, 3), nan, np.float32),
            body_world=np.full((frames, NUM_BODY, 3), nan, np.float32),
            irises=np.full((frames, NUM_IRIS, 3), nan, np.float32),
            source=source,
        )

    def body_height(self) -> float:
        """Median nose-to-ankle extent in pixels over present frames: the scale for relative errors."""
        pts = self.body[self.present][:, [0, 27, 28], 1]
        if len(pts) == 0:
            return float("nan")
        top = pts[:, 0]
        bottom = np.nanmax(pts[:, 1:], axis=1)
        return float(np.nanmedian(bottom - top) * 1.1)


_ARRAYS = ("body", "body_world", "left_hand", "right_hand", "face", "irises")


def _to_nested(a: np.ndarray) -> list:
    """Frames with nothing seen become null; otherwise rounded floats with NaN as null."""
    out = []
    for frame in a:
        if np.isnan(frame).all():
            out.append(None)
        else:
            out.append([[None if np.isnan(v) else round(float(v), 3) for v in row] for row in frame])
    return out


def _from_nested(rows: list, shape: tuple[int, int]) -> np.ndarray:
    a = np.full((len(rows), *shape), np.nan, np.float32)
    for i, frame in enumerate(rows):
        if frame is not None:
            a[i] = np.array(frame, dtype=np.float64)  # None -> nan
    return a


def save_track(track: PoseTrack, path: str | Path) -> Path:
    """Write ``.pose.json`` or ``.npz`` atomically (temp file, then rename)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = new_part(path)
    except OSError as exc:
        raise output_error(exc, path, "track file") from None
    try:
        header = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "fps": track.fps, "width": track.width,
                  "height": track.height, "frames": len(track), "source": track.source, "meta": track.meta}
        if path.suffix == ".npz":
            arrays = {k: getattr(track, k) for k in _ARRAYS if getattr(track, k) is not None}
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, header=json.dumps(header), filled=track.filled, **arrays)
        else:
            doc = dict(header)
            for key in _ARRAYS:
                arr = getattr(track, key)
                doc[key] = _to_nested(arr) if arr is not None else None
            doc["filled"] = [bool(v) for v in track.filled]
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, separators=(",", ":"))
        replace_into_place(tmp, path)
    except OSError as exc:
        raise output_error(exc, path, "track file") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load_track(path: str | Path) -> PoseTrack:
    """Read a track written by :func:`save_track`; a wrong or newer file gets a clear error."""
    path = Path(path)
    try:
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as z:
                header = json.loads(str(z["header"]))
                arrays = {k: z[k].astype(np.float32) for k in _ARRAYS if k in z.files}
                filled = z["filled"].astype(bool)
        else:
            with open(path, encoding="utf-8") as fh:
                header = json.load(fh)
            arrays, filled = None, None
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"cannot read this pose track ({exc}).", file=path,
                         fix="pass a file written by `motion-transfer pose`.") from exc
    if header.get("format") != FORMAT_NAME:
        raise InputError("is not a motion-transfer pose track.", file=path, measured=header.get("format"),
                         limit=FORMAT_NAME, fix="pass a file written by `motion-transfer pose`.")
    if int(header.get("version", 0)) > FORMAT_VERSION:
        raise InputError(f"was written by a newer version (format {header['version']}).", file=path,
                         measured=header["version"], limit=FORMAT_VERSION, fix="upgrade motion-transfer.")
    if arrays is None:
        shapes = {"body": (NUM_BODY, 4), "body_world": (NUM_BODY, 3), "left_hand": (NUM_HAND, 3),
                  "right_hand": (NUM_HAND, 3), "face": (NUM_FACE, 3), "irises": (NUM_IRIS, 3)}
        arrays = {k: _from_nested(header[k], s) for k, s in shapes.items() if header.get(k) is not None}
        filled = np.array(header.get("filled", []), dtype=bool)
    return PoseTrack(fps=float(header["fps"]), width=int(header["width"]), height=int(header["height"]),
                     body=arrays["body"], left_hand=arrays["left_hand"], right_hand=arrays["right_hand"],
                     face=arrays["face"], body_world=arrays.get("body_world"), filled=filled,
                     irises=arrays.get("irises"), source=header.get("source", ""), meta=header.get("meta", {}))

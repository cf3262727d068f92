"""Conversion between ComfyUI's data types and the files the motion_transfer API works on.

* IMAGE (a float32 tensor ``[B, H, W, C]`` in 0..1) -> a temporary PNG (first image of the batch).
* VIDEO (``comfy_api``'s ``VideoInput``) -> a path. A ``VideoFromFile`` made by ``LoadVideo`` already points at
  a file, so ``get_stream_source()`` hands us that path and nothing is copied or decoded. A source that lives in
  memory (``BytesIO``) is written to a temp file; a trimmed video, or an object that only offers ``save_to``, is
  saved through ``save_to``. ``get_components()`` is never used: it decodes the whole clip into float32 frames
  (10 s of 1080p is about 7 GB).
* our output MP4 -> ``VideoFromFile`` (``comfy_api.latest`` first, then the older ``comfy_api.input_impl``;
  outside ComfyUI a small stand-in with the same reading methods, so tests and scripts can chain nodes).

Nothing here imports torch at module level: node definitions must load (and be testable) without it.
"""
from __future__ import annotations

import io
import os
import shutil
import tempfile
import uuid
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError

# The character image must stay under the rules' 10 MB even when a 4K IMAGE arrives; PNG first, JPEG if larger.
IMAGE_MAX_BYTES = 10_000_000


# ---------------------------------------------------------------------------------------------- IMAGE
def image_to_array(image: Any, index: int = 0) -> np.ndarray:
    """One image of a ComfyUI IMAGE batch as HxWx3 uint8 RGB.

    Accepts a torch tensor or a numpy array shaped ``[B, H, W, C]`` or ``[H, W, C]`` with values in 0..1;
    C may be 1 (grey), 3 (RGB) or 4 (RGBA, composited on white).
    """
    if hasattr(image, "detach"):  # torch.Tensor, without importing torch
        image = image.detach().cpu().float().numpy()
    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 4:
        if arr.shape[0] == 0:
            raise InputError("the IMAGE batch is empty.", code="image_batch",
                             fix="connect a node that outputs at least one image.")
        arr = arr[min(index, arr.shape[0] - 1)]
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3:
        raise InputError(f"an IMAGE must be [B, H, W, C] or [H, W, C]; got shape {tuple(np.shape(image))}.",
                         code="image_shape", measured=tuple(np.shape(image)), fix="connect an IMAGE output.")
    arr = np.nan_to_num(np.clip(arr, 0.0, 1.0))
    if arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    elif arr.shape[2] == 4:
        alpha = arr[:, :, 3:4]
        arr = arr[:, :, :3] * alpha + (1.0 - alpha)
    elif arr.shape[2] != 3:
        raise InputError(f"an IMAGE needs 1, 3 or 4 channels; got {arr.shape[2]}.", code="image_channels",
                         measured=int(arr.shape[2]), limit=[1, 3, 4], fix="connect a grey, RGB or RGBA image.")
    return (arr * 255.0 + 0.5).astype(np.uint8)


def image_to_file(image: Any, path: str | Path, max_bytes: int = IMAGE_MAX_BYTES) -> Path:
    """Write the first image of an IMAGE batch as a PNG at ``path`` (``.png``).

    A PNG over ``max_bytes`` (a big noisy photo) is replaced by a JPEG at quality 95 with the same stem, so the
    rules' 10 MB limit applies to the picture, not to our choice of encoding. Returns the path written.
    """
    from PIL import Image

    path = Path(path).with_suffix(".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    pil = Image.fromarray(image_to_array(image))
    pil.save(path, format="PNG", compress_level=6)
    if path.stat().st_size > max_bytes:
        jpeg = path.with_suffix(".jpg")
        pil.save(jpeg, format="JPEG", quality=95)
        path.unlink()
        return jpeg
    return path


def batch_size(image: Any) -> int:
    shape = tuple(getattr(image, "shape", np.shape(image)))
    return int(shape[0]) if len(shape) == 4 else 1


# ---------------------------------------------------------------------------------------------- VIDEO
_EXTENSIONS = (("mp4", ".mp4"), ("mov", ".mov"), ("webm", ".webm"), ("matroska", ".mkv"), ("gif", ".gif"),
               ("avi", ".avi"))


def _extension(video: Any) -> str:
    """A file extension for ``video``'s container (``mov,mp4,m4a,...`` -> ``.mp4``); ``.mp4`` when unknown."""
    try:
        name = str(video.get_container_format() or "").lower()
    except Exception:  # noqa: BLE001 - any VIDEO implementation: an unknown container is not an error
        name = ""
    for key, ext in _EXTENSIONS:
        if key in name.split(",") or name.startswith(key):
            return ext
    return ".mp4"


def _is_trimmed(video: Any) -> bool:
    window = getattr(video, "get_active_trim_window", None)
    if not callable(window):
        return False
    try:
        start, duration = window()
    except Exception:  # noqa: BLE001 - as above
        return False
    return bool(start) or bool(duration)


def video_to_path(video: Any, folder: str | Path, stem: str = "reference_video") -> Path:
    """A file path holding ``video``, without decoding it into memory where that can be avoided.

    ``folder`` receives a copy only when one is needed (in-memory source, trimmed video, or no stream source);
    the caller owns ``folder`` and deletes it when done. Raises ``InputError`` for an object that is no video.
    """
    if isinstance(video, (str, os.PathLike)):
        return Path(video)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    trimmed = _is_trimmed(video)
    source = None
    if not trimmed and callable(getattr(video, "get_stream_source", None)):
        source = video.get_stream_source()
    if isinstance(source, (str, os.PathLike)) and Path(source).is_file():
        return Path(source)
    if source is not None and hasattr(source, "read"):
        path = folder / f"{stem}{_extension(video)}"
        if hasattr(source, "seek"):
            source.seek(0)
        with open(path, "wb") as fh:
            shutil.copyfileobj(source, fh, length=1 << 20)
        if hasattr(source, "seek"):
            source.seek(0)
        return path
    if callable(getattr(video, "save_to", None)):
        # ComfyUI applies the trim window (or encodes tensor frames) and writes H.264 MP4.
        path = folder / f"{stem}.mp4"
        video.save_to(str(path))
        return path
    raise InputError(f"expected a VIDEO (an object with get_stream_source() or save_to()); got {type(video)!r}.",
                     code="video_type", fix="connect a VIDEO output (Load Video, or a node that makes a video).")


def video_facts(path: str | Path) -> dict:
    """Width, height, fps, duration of a file (for the stand-in video class); light: header data only."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or 30
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        else:
            duration = 0.0
        return {"width": stream.codec_context.width, "height": stream.codec_context.height,
                "frame_rate": Fraction(rate), "duration": duration, "format": container.format.name}


class LocalVideoFile:
    """Stand-in for ComfyUI's ``VideoFromFile`` outside ComfyUI: the reading methods a node may call."""

    def __init__(self, file: str | io.BytesIO) -> None:
        self._file = file

    def get_stream_source(self):
        if isinstance(self._file, io.BytesIO):
            self._file.seek(0)
        return self._file

    def get_dimensions(self) -> tuple[int, int]:
        facts = video_facts(self._file)
        return facts["width"], facts["height"]

    def get_duration(self) -> float:
        return video_facts(self._file)["duration"]

    def get_frame_rate(self) -> Fraction:
        return video_facts(self._file)["frame_rate"]

    def get_container_format(self) -> str:
        return video_facts(self._file)["format"]

    def get_active_trim_window(self) -> tuple[float, float]:
        return 0.0, 0.0

    def save_to(self, path, format="auto", codec="auto", metadata=None, **_: Any) -> None:
        with open(path, "wb") as out, open(self._file, "rb") as src:
            shutil.copyfileobj(src, out)

    def get_components(self):  # pragma: no cover - deliberately unsupported
        raise NotImplementedError("LocalVideoFile never decodes a whole clip into memory.")


def video_from_file(path: str | Path):
    """Our MP4 as ComfyUI's VIDEO type: ``comfy_api.latest`` first, then older builds' ``comfy_api.input_impl``."""
    try:
        from comfy_api.latest import InputImpl

        return InputImpl.VideoFromFile(str(path))
    except ImportError:
        pass
    try:
        from comfy_api.input_impl import VideoFromFile

        return VideoFromFile(str(path))
    except ImportError:
        return LocalVideoFile(str(path))


def output_dir() -> Path:
    """Where result videos live: ComfyUI's temp folder (emptied when ComfyUI starts), else the system temp.

    The VIDEO we return points at this file, so it must outlive the node; SaveVideo copies it to output/.
    """
    try:
        import folder_paths

        base = Path(folder_paths.get_temp_directory())
    except Exception:  # noqa: BLE001 - outside ComfyUI
        base = Path(tempfile.gettempdir())
    folder = base / "motion-transfer"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_output_path(prefix: str = "motion_transfer", suffix: str = ".mp4") -> Path:
    return output_dir() / f"{prefix}_{uuid.uuid4().hex[:12]}{suffix}"

"""Decoding: images to RGB arrays, videos to a stream of RGB frames at a chosen rate and size.

Frames are yielded one at a time so a 30 s 1080p clip never sits in memory whole.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator

import numpy as np

from ..errors import InputError
from .probe import quiet_bomb_warning


def read_image(path: str | Path, *, with_alpha: bool = False) -> np.ndarray:
    """The image as HxWx3 uint8 RGB (EXIF orientation applied; transparency composited on white).

    ``with_alpha=True`` returns HxWx4 RGBA instead, so a character with a transparent background keeps its
    perfect matte. Animated images give their first frame.
    """
    from PIL import Image, ImageOps

    try:
        with quiet_bomb_warning(), Image.open(path) as im:
            im.seek(0)
            im = ImageOps.exif_transpose(im)
            arr = to_rgba(im)
    except Exception as exc:
        raise InputError(f"the image cannot be decoded ({exc}).", file=path, code="corrupt",
                         fix="re-export or re-download the image.") from exc
    if with_alpha:
        return arr.copy()
    alpha = arr[:, :, 3:4].astype(np.float32) / 255.0
    return (arr[:, :, :3] * alpha + 255.0 * (1.0 - alpha) + 0.5).astype(np.uint8)


# Pillow's modes holding one channel of more than 8 bits; its own convert() clamps them to 0..255 (a 16-bit
# grey PNG becomes white), so they are scaled here instead.
WIDE_GREY_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")


def to_rgba(im) -> np.ndarray:
    """A Pillow image of any mode as HxWx4 uint8 RGBA.

    Wide grey is scaled by the range its type implies: 0..65535 for 16-bit modes; for 32-bit integer and float
    images (whose range the file does not state) 0..1 for floats that fit in it, 0..255 when the values fit in
    8 bits, 0..65535 when they fit in 16, else the image's own min..max. Every
    other mode (1, L, LA, P with transparency, RGB(A) including 16-bit PNGs, CMYK, YCbCr, LAB, HSV) goes
    through Pillow's conversion, which is exact for them.
    """
    if im.mode not in WIDE_GREY_MODES:
        return np.asarray(im.convert("RGBA"))
    grey = np.asarray(im).astype(np.float64)
    finite = grey[np.isfinite(grey)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    if im.mode.startswith("I;16"):
        scale, offset = 255.0 / 65535.0, 0.0
    elif im.mode == "F" and lo >= 0.0 and hi <= 1.0:
        scale, offset = 255.0, 0.0
    elif lo >= 0.0 and hi <= 255.0:
        scale, offset = 1.0, 0.0
    elif lo >= 0.0 and hi <= 65535.0:
        scale, offset = 255.0 / 65535.0, 0.0
    else:
        scale, offset = 255.0 / max(hi - lo, 1e-12), lo
    g = np.clip((np.nan_to_num(grey, nan=lo) - offset) * scale + 0.5, 0, 255).astype(np.uint8)
    return np.dstack([g, g, g, np.full_like(g, 255)])


def _rotate(rgb: np.ndarray, clockwise: int) -> np.ndarray:
    if clockwise == 90:
        return np.ascontiguousarray(np.rot90(rgb, k=-1))
    if clockwise == 180:
        return np.ascontiguousarray(rgb[::-1, ::-1])
    if clockwise == 270:
        return np.ascontiguousarray(np.rot90(rgb, k=1))
    return rgb


def resize(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize to ``size=(w, h)``: area averaging when shrinking (no aliasing), cubic when enlarging."""
    import cv2

    w, h = size
    if rgb.shape[1] == w and rgb.shape[0] == h:
        return rgb
    shrink = w * h < rgb.shape[0] * rgb.shape[1]
    return cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)


def resize_frame(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """As :func:`resize`, for a video's frames (hundreds per clip): a shrink to no less than half the size is
    bilinear. Its two-pixel footprint already spans each output pixel's source area there, so it does not alias,
    and it costs a fifth of area averaging at a non-integer factor (720p to the pose's 960 px: 1.8 against 9.5 ms
    a frame on one core)."""
    import cv2

    w, h = size
    if w * 2 >= rgb.shape[1] and h * 2 >= rgb.shape[0] and w * h < rgb.shape[0] * rgb.shape[1]:
        return cv2.resize(rgb, (w, h), interpolation=cv2.INTER_LINEAR)
    return resize(rgb, size)


def _to_rgb(frame, size: tuple[int, int] | None) -> np.ndarray:
    rgb = _rotate(frame.to_ndarray(format="rgb24"), (-int(round(frame.rotation or 0))) % 360)
    return resize_frame(rgb, size) if size else rgb


class LazyFrame:
    """A decoded frame whose RGB conversion (the costly part after decoding) happens only if asked for, once.

    Lets a consumer that looks at some frames only (pose at an adaptive rate) skip converting the others."""

    __slots__ = ("_frame", "_size", "_rgb", "_lock", "index")

    def __init__(self, frame, size: tuple[int, int] | None, index: int) -> None:
        self._frame, self._size, self._rgb, self.index = frame, size, None, index
        self._lock = threading.Lock()  # a decoding thread may convert ahead while the consumer asks

    def rgb(self) -> np.ndarray:
        with self._lock:
            if self._rgb is None:
                self._rgb = _to_rgb(self._frame, self._size)
                self._frame = None
            return self._rgb


# (seconds) decoding reference frames only, a gap this long between two of them means the clip has few: every frame
# is decoded after it (a sample's frame must not be far from its time)
REFERENCE_GAP = 0.25


def iter_frames(
    path: str | Path,
    fps: float | None = None,
    size: tuple[int, int] | None = None,
    *,
    max_seconds: float | None = None,
    references_only: bool = False,
) -> Iterator[np.ndarray]:
    """Yield HxWx3 uint8 RGB frames, rotation metadata applied.

    With ``fps`` the output is resampled on a fixed grid (t = k / fps): each grid time gets the latest source
    frame shown at that time, so a variable-frame-rate clip comes out at a steady rate with the right timing.

    ``references_only``: only the frames other frames are predicted from are decoded (the decoder skips the
    rest, typically the B-frames: half of a clip with B-frames, and about 45 % of its decoding time), so a
    grid time gets the latest *reference* frame shown by then, a few source frames early at worst. For a
    low-rate look at a clip (the preflight's sample), never for frames that are drawn or tracked.
    """
    for frame in iter_lazy_frames(path, fps, size, max_seconds=max_seconds, references_only=references_only):
        yield frame.rgb()


def iter_lazy_frames(
    path: str | Path,
    fps: float | None = None,
    size: tuple[int, int] | None = None,
    *,
    max_seconds: float | None = None,
    references_only: bool = False,
) -> Iterator[LazyFrame]:
    """As :func:`iter_frames`, but each item converts to RGB only when its ``rgb()`` is called (a source frame
    shown at several grid times is the same object, converted at most once)."""
    import av

    path = Path(path)
    try:
        container = av.open(str(path))
    except Exception as exc:
        raise InputError(f"the video cannot be opened ({exc}).", file=path, code="corrupt",
                         fix="re-export the video as H.264 MP4.") from exc
    with container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        if references_only:
            stream.codec_context.skip_frame = "NONREF"
        start = None
        t = prior = 0.0
        emitted = 0
        decoded = 0
        held = None  # the frame on screen now, not yet past its grid times
        try:
            for frame in container.decode(stream):
                t = float(frame.time) if frame.time is not None else emitted / (fps or 30.0)
                start = t if start is None else start
                t -= start
                if max_seconds is not None and t >= max_seconds:
                    break
                if references_only and held is not None and t - prior > REFERENCE_GAP:
                    # an encoder that predicts little from other frames: decode every frame from here on
                    stream.codec_context.skip_frame = "DEFAULT"
                prior = t
                lazy = LazyFrame(frame, size, decoded)
                decoded += 1
                if fps is None:
                    yield lazy
                    emitted += 1
                    continue
                while held is not None and emitted / fps < t - 1e-6:
                    yield held
                    emitted += 1
                held = lazy  # converted only if a consumer asks: dropped frames cost no conversion
        except av.error.FFmpegError as exc:
            raise InputError(f"decoding stopped after {emitted} frames: the video is damaged ({exc}).",
                             file=path, code="corrupt", fix="re-export the video as H.264 MP4.") from exc
        if fps is not None and held is not None:
            # the last source frame stays on screen for one source frame interval
            end = t + 1.0 / float(stream.average_rate or fps)
            if max_seconds is not None:
                end = min(end, max_seconds)
            while emitted / fps < end - 1e-6:
                yield held
                emitted += 1


def split_alpha(rgba: np.ndarray, min_share: float = 0.02) -> tuple[np.ndarray, np.ndarray | None]:
    """(RGB composited on white, alpha HxW uint8 or None): the alpha only when at least ``min_share`` of the
    image is see-through, so an opaque file's stray soft pixel does not count as a cut-out character."""
    if rgba.ndim != 3 or rgba.shape[2] != 4:
        return rgba, None
    alpha = rgba[:, :, 3]
    if alpha.min() == 255:  # opaque (most files): composited on white, each pixel is its own colour, bit for bit
        return np.ascontiguousarray(rgba[:, :, :3]), None
    a = alpha.astype(np.float32)[:, :, None] / 255.0
    rgb = (rgba[:, :, :3] * a + 255.0 * (1.0 - a) + 0.5).astype(np.uint8)
    return rgb, (alpha if (alpha < 250).mean() > min_share else None)

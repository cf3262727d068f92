"""Facts about a media file, read from its content (never trusted from its extension).

Probing a video demuxes every packet header (no decoding) to get an exact frame count, the real duration and
whether the frame rate varies, then decodes one frame to prove the stream is readable.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from ..errors import InputError

IMAGE_FORMATS = ("jpeg", "png", "webp", "gif", "avif")
VIDEO_FORMATS = ("mp4", "mov", "webm", "m4v", "gif")
# Beyond this many pixels an image is treated as a decompression bomb and never decoded.
MAX_IMAGE_PIXELS = 60_000_000


@dataclass
class MediaInfo:
    """What the rules and engines need to know about one input file."""

    path: Path
    kind: str  # "image" | "video"
    format: str  # one of IMAGE_FORMATS / VIDEO_FORMATS, or what was found (e.g. "bmp", "mkv")
    codec: str
    width: int  # as displayed (rotation applied)
    height: int
    bytes: int
    fps: float = 0.0
    frame_count: int = 1
    duration: float = 0.0
    has_audio: bool = False
    audio_codec: str | None = None
    rotation: int = 0  # degrees clockwise the player turns the stored frames
    variable_fps: bool = False
    has_alpha: bool = False
    declared_duration: float = 0.0  # what the container's header promises (0 when it says nothing)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["path"] = str(self.path)
        return d


def sniff_format(head: bytes) -> str | None:
    """The container format from a file's first bytes, or None when unrecognised."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm" if b"webm" in head[:64] else "mkv"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        compatible = head[16:40]
        if brand in (b"avif", b"avis") or (brand == b"mif1" and b"avif" in compatible):
            return "avif"
        if brand == b"qt  ":
            return "mov"
        if brand in (b"M4V ", b"M4VH", b"M4VP"):
            return "m4v"
        if brand in (b"heic", b"heix", b"mif1"):
            return "heic"
        return "mp4"
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mov"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


def _check_readable(path: Path, role: str) -> int:
    if not path.exists():
        raise InputError(f"the {role} file does not exist.", file=path, code="missing",
                         fix="check the path (relative paths are taken from the current folder).")
    if path.is_dir():
        raise InputError(f"the {role} path is a folder, not a file.", file=path, code="not_a_file",
                         fix=f"pass the {role} file itself.")
    try:
        size = path.stat().st_size
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise InputError(f"the {role} file cannot be read ({exc.strerror}).", file=path, code="unreadable",
                         fix="check the file's permissions.") from exc
    if size == 0:
        raise InputError(f"the {role} file is empty (0 bytes).", file=path, measured=0, code="empty",
                         fix="the file was probably not fully downloaded or copied; get it again.")
    return size


def probe(path: str | Path, expect: str | None = None) -> MediaInfo:
    """Probe ``path``; ``expect`` ("image"/"video") makes a file of the other kind a clear error.

    GIF is both: with ``expect="video"`` an animated GIF is probed as a video.
    """
    path = Path(path)
    role = expect or "media"
    size = _check_readable(path, role)
    with open(path, "rb") as fh:
        head = fh.read(64)
    fmt = sniff_format(head)
    if fmt is None:
        raise InputError(f"the content is not an image or video this tool reads (first bytes {head[:8]!r}).",
                         file=path, code="unknown_format", measured=path.suffix or "no extension",
                         fix=f"use an image ({', '.join(IMAGE_FORMATS).upper()}) or a video "
                             f"({', '.join(VIDEO_FORMATS).upper()}).")
    is_image_fmt = fmt in IMAGE_FORMATS or fmt in ("bmp", "tiff", "heic")
    if expect == "video" and fmt != "gif" and is_image_fmt:
        raise InputError(f"this is a {fmt.upper()} image, but a video was expected.", file=path,
                         code="wrong_kind", measured=fmt,
                         fix="pass the motion reference video (MP4, MOV, WEBM, M4V or GIF) here.")
    if expect == "image" and not is_image_fmt:
        raise InputError(f"this is a {fmt.upper()} video, but an image was expected.", file=path,
                         code="wrong_kind", measured=fmt,
                         fix="pass the character image (JPG, PNG, WEBP, GIF or AVIF) here.")
    if expect == "video" or (expect is None and not is_image_fmt):
        return _probe_video(path, fmt, size)
    return _probe_image(path, fmt, size)


@contextmanager
def quiet_bomb_warning() -> Iterator[None]:
    """Silence Pillow's DecompressionBombWarning (it prints a site-packages path); our own pixel limit, lower
    than Pillow's, turns such an image into one clear sentence instead."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield


def _probe_image(path: Path, fmt: str, size: int) -> MediaInfo:
    from PIL import Image, ImageOps

    try:
        with quiet_bomb_warning(), Image.open(path) as im:
            w, h = im.size
            if w * h > MAX_IMAGE_PIXELS:
                raise InputError(
                    f"the image is {w}x{h} = {w * h / 1e6:.1f} megapixels, over the {MAX_IMAGE_PIXELS // 1_000_000} MP "
                    "safety limit (such files can exhaust memory when decoded).", file=path,
                    measured=w * h, limit=MAX_IMAGE_PIXELS, code="too_many_pixels",
                    fix="downscale the image (e.g. to 2048 px on the long side).")
            exif_orientation = im.getexif().get(0x0112, 1) if hasattr(im, "getexif") else 1
            mode = im.mode
            im.load()
            oriented = ImageOps.exif_transpose(im)
            w, h = oriented.size
    except InputError:
        raise
    except Image.DecompressionBombError as exc:
        raise InputError(f"the image has too many pixels to be decoded safely ({exc}).", file=path,
                         limit=MAX_IMAGE_PIXELS, code="too_many_pixels",
                         fix="downscale the image (e.g. to 2048 px on the long side).") from None
    except Exception as exc:  # PIL raises many types for broken files
        raise InputError(f"the {fmt.upper()} image is corrupt or truncated and cannot be decoded ({exc}).",
                         file=path, code="corrupt", fix="re-export or re-download the image.") from exc
    rotation = {3: 180, 6: 90, 8: 270}.get(exif_orientation, 0)
    has_alpha = mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in getattr(im, "info", {}))
    return MediaInfo(path=path, kind="image", format=fmt, codec=fmt, width=w, height=h, bytes=size,
                     rotation=rotation, has_alpha=has_alpha)


def _probe_video(path: Path, fmt: str, size: int) -> MediaInfo:
    import av

    try:
        container = av.open(str(path))
    except Exception as exc:
        raise InputError(f"the video cannot be opened: it is corrupt, truncated or not a video ({exc}).",
                         file=path, code="corrupt", fix="re-export or re-download the video.") from exc
    with container:
        vstreams = container.streams.video
        if not vstreams:
            raise InputError("the file has no video stream.", file=path, code="no_video_stream",
                             fix="pass a video with picture (an audio-only file cannot drive motion).")
        stream = vstreams[0]
        astreams = container.streams.audio
        tb = stream.time_base
        pts: list[int] = []
        try:
            for packet in container.demux(stream):
                if packet.size and packet.pts is not None:
                    pts.append(packet.pts)
        except av.error.FFmpegError:
            pass  # a damaged tail still leaves the frames before it usable; decoding below is the real test
        if not pts:
            raise InputError("the video has no frames (0 frames found).", file=path, measured=0,
                             code="no_frames", fix="re-export the video; it contains no pictures.")
        first_frame = None
        try:
            container.seek(0)
            for frame in container.decode(stream):
                first_frame = frame
                break
        except Exception as exc:
            raise InputError(f"the video's frames cannot be decoded ({exc}).", file=path, code="corrupt",
                             fix="re-export the video as H.264 MP4.") from exc
        if first_frame is None:
            raise InputError("no frame of the video could be decoded.", file=path, measured=0,
                             code="no_frames", fix="re-export the video as H.264 MP4.")
        stamps = np.unique(np.asarray(pts, dtype=np.int64))
        deltas = np.diff(stamps) * float(tb) if len(stamps) > 1 else np.array([])
        count = len(stamps)
        if len(deltas):
            typical = float(np.median(deltas))
            fps = float(stream.average_rate) if stream.average_rate else 1.0 / typical
            if not (0 < fps < 1000):
                fps = 1.0 / typical
            variable = bool(np.std(deltas) > 0.1 * typical)
            duration = float((stamps[-1] - stamps[0]) * tb) + typical
        else:
            fps = float(stream.average_rate or stream.guessed_rate or 1.0)
            variable = False
            duration = 1.0 / fps
        declared = _declared_duration(stream)
        rotation = int(round(getattr(first_frame, "rotation", 0) or 0)) % 360
        w, h = first_frame.width, first_frame.height
        if rotation in (90, 270):
            w, h = h, w
        return MediaInfo(
            path=path, kind="video", format=fmt, codec=stream.codec_context.name, width=w, height=h,
            bytes=size, fps=fps, frame_count=count, duration=duration, has_audio=bool(astreams),
            audio_codec=astreams[0].codec_context.name if astreams else None,
            rotation=(-rotation) % 360, variable_fps=variable, declared_duration=declared,
        )


def _declared_duration(stream) -> float:
    """The video stream's duration as its header states it (a cut file keeps the header of the whole one).

    Only the stream's own figure counts: the container's covers the audio too, which may run longer.
    """
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return 0.0


def file_size_text(n: int) -> str:
    """Bytes as a person reads them (``12.3 MB``); decimal units, as upload limits are stated."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


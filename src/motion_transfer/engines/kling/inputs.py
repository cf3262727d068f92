"""Kling's own input rules, on top of the shared ones, and the conversions that make an input acceptable.

Kling's API takes images as JPG/PNG (sent here as raw base64, no ``data:`` prefix) of at most 10 MB, 300 px or
more per side, aspect 1:2.5 to 2.5:1; videos as MP4/MOV at a URL it can fetch, 340 to 3,850 px per side, 3 to 30 s
(``video`` orientation) or 3 to 10 s (``image``), at most 100 MB; prompts up to 2,500 characters.

What can be converted is converted, locally and before any credit is spent: WEBP/GIF/AVIF images (and JPG/PNG
with an EXIF rotation, or over 10 MB) become PNG (with transparency) or JPG under the size limit; WEBM/M4V/GIF
videos (and MP4/MOV whose codec is not H.264/HEVC) become H.264 MP4 with the audio kept. What cannot be fixed
raises the shared rules' errors (``PreflightError``) naming the file, the measured value, the limit and the fix.
"""
from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError, PreflightError
from ...finding import Finding
from ...media.frames import to_rgba
from ...media.probe import MediaInfo, file_size_text, probe
from ...rules import check_inputs, rules_for

MB = 1_000_000
IMAGE_MAX_BYTES = 10 * MB
VIDEO_MAX_BYTES = 100 * MB
KLING_IMAGE_FORMATS = ("jpeg", "png")
KLING_VIDEO_FORMATS = ("mp4", "mov")
KLING_VIDEO_CODECS = ("h264", "hevc")


@dataclass
class PreparedInputs:
    """What the submit needs: the image as base64, the video file to upload, and what was done to get them."""

    image_b64: str
    image_format: str  # "jpeg" | "png" (what is sent)
    image_sha256: str  # of the original file: part of the request hash
    video_path: Path  # the original when Kling takes it as is, else the converted MP4
    video_sha256: str  # of the original file
    image_info: MediaInfo
    video_info: MediaInfo  # of the original (duration = billed seconds)
    video_converted: bool = False
    notes: list[Finding] = field(default_factory=list)  # info findings: what was converted and why


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_kling_rules(image: MediaInfo, video: MediaInfo, orientation: str, prompt: str) -> list[Finding]:
    """The shared rules for the ``kling`` engine (which already carry Kling's pixel, aspect and time limits)."""
    return check_inputs(image, video, orientation, "kling", prompt)


def prepare(image: str | Path, video: str | Path, *, orientation: str, prompt: str, workdir: Path,
            keep_sound: bool = True, image_info: MediaInfo | None = None, video_info: MediaInfo | None = None,
            need_video_file: bool = True) -> PreparedInputs:
    """Check both inputs against Kling's limits and convert what needs converting (into ``workdir``).

    ``need_video_file=False`` (the user gave ``--video-url``) skips the video conversion; the local video is still
    checked because its duration decides the cost and Kling's limits apply to what the URL serves.
    """
    image, video = Path(image), Path(video)
    image_info = image_info or probe(image, expect="image")
    video_info = video_info or probe(video, expect="video")
    findings = check_kling_rules(image_info, video_info, orientation, prompt)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise PreflightError(findings)
    notes: list[Finding] = []
    data, fmt, note = image_payload(image, image_info)
    if note:
        notes.append(note)
    video_path, converted = video, False
    if not need_video_file and video_conversion_reason(video_info):
        notes.append(Finding("kling_video_url_format", "warning", f"{video_conversion_reason(video_info)}; the "
                             "--video-url must serve an MP4 or MOV (H.264) version of this video, or Kling will "
                             "refuse it.", str(video), video_info.format, list(KLING_VIDEO_FORMATS),
                             "convert the video to H.264 MP4 and publish that, or leave out --video-url and "
                             "configure a bucket so the converted file is uploaded for you."))
    if need_video_file:
        reason = video_conversion_reason(video_info)
        if reason:
            video_path = workdir / f"{video.stem}.kling.mp4"
            convert_video(video, video_path, keep_sound=keep_sound)
            converted = True
            out_info = probe(video_path, expect="video")
            notes.append(Finding("kling_video_converted", "info", f"{reason}; converted to H.264 MP4 for Kling "
                                 f"({file_size_text(out_info.bytes)}).", str(video), video_info.format,
                                 list(KLING_VIDEO_FORMATS)))
            if out_info.bytes > VIDEO_MAX_BYTES:
                raise InputError(f"after conversion to MP4 the video is {file_size_text(out_info.bytes)}, over "
                                 f"Kling's {file_size_text(VIDEO_MAX_BYTES)} limit.", file=video,
                                 measured=out_info.bytes, limit=VIDEO_MAX_BYTES, code="video_bytes",
                                 fix="trim the clip or lower its resolution, then try again.")
    return PreparedInputs(image_b64=base64.b64encode(data).decode("ascii"), image_format=fmt,
                          image_sha256=sha256_file(image), video_path=video_path, video_sha256=sha256_file(video),
                          image_info=image_info, video_info=video_info, video_converted=converted, notes=notes)


def image_payload(path: Path, info: MediaInfo) -> tuple[bytes, str, Finding | None]:
    """The image bytes Kling accepts: the file itself when it is a JPG/PNG under 10 MB with no EXIF turn, else a
    re-encoded PNG (keeps transparency) or JPG, shrunk until it fits."""
    if info.format in KLING_IMAGE_FORMATS and info.bytes <= IMAGE_MAX_BYTES and info.rotation == 0:
        return path.read_bytes(), info.format, None
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        im.seek(0)  # an animated GIF/WEBP gives its first frame, as the local engines use
        im = ImageOps.exif_transpose(im)
        keep_alpha = info.has_alpha or im.mode in ("RGBA", "LA", "PA")
        im = Image.fromarray(to_rgba(im)).convert("RGBA" if keep_alpha else "RGB")
    why = (f"the image is {info.format.upper()}, which Kling does not take" if info.format not in KLING_IMAGE_FORMATS
           else f"the image is {file_size_text(info.bytes)}, over Kling's 10 MB" if info.bytes > IMAGE_MAX_BYTES
           else "the image carries an EXIF rotation, which is applied")
    data, fmt = _encode_under_limit(im, keep_alpha)
    note = Finding("kling_image_converted", "info", f"{why}; sent as {fmt.upper()} ({file_size_text(len(data))}, "
                   f"{im.width}x{im.height}).", str(path), info.format, list(KLING_IMAGE_FORMATS))
    return data, fmt, note


def _encode_under_limit(im, keep_alpha: bool) -> tuple[bytes, str]:
    from PIL import Image

    if keep_alpha:
        buf = io.BytesIO()
        im.save(buf, format="PNG", optimize=True)
        if buf.tell() <= IMAGE_MAX_BYTES:
            return buf.getvalue(), "png"
        flat = Image.new("RGB", im.size, (255, 255, 255))
        flat.paste(im, mask=im.getchannel("A"))
        im = flat
    for quality in (95, 90, 85, 80):
        buf = io.BytesIO()
        im.save(buf, format="JPEG", quality=quality)
        if buf.tell() <= IMAGE_MAX_BYTES:
            return buf.getvalue(), "jpeg"
    while True:  # still too big: halve the pixel count until it fits (never below Kling's 300 px)
        w, h = im.size
        scale = 0.7
        if min(w, h) * scale < 300:
            raise InputError("the image cannot be made smaller than Kling's 10 MB limit without going under its "
                             "300 px minimum.", measured=(w, h), limit=IMAGE_MAX_BYTES, code="image_bytes",
                             fix="save the image as JPG yourself and check it is under 10 MB.")
        im = im.resize((int(w * scale), int(h * scale)), Image.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, format="JPEG", quality=90)
        if buf.tell() <= IMAGE_MAX_BYTES:
            return buf.getvalue(), "jpeg"


def video_conversion_reason(info: MediaInfo) -> str | None:
    """Why the video must be converted for Kling, or None when it can be sent as it is."""
    if info.format not in KLING_VIDEO_FORMATS:
        return f"the video is {info.format.upper()}, which Kling does not take (MP4 or MOV only)"
    if info.codec not in KLING_VIDEO_CODECS:
        return f"the video's codec is {info.codec}, which Kling may not decode"
    return None


def convert_video(src: Path, dest: Path, *, keep_sound: bool = True) -> Path:
    """Re-encode ``src`` as H.264 MP4 at its own size and frame rate (audio kept when asked), atomically."""
    from ...media.frames import iter_frames
    from ...media.writer import VideoWriter

    info = probe(src, expect="video")
    fps = info.fps if 1.0 <= info.fps <= 120.0 else 30.0
    frames = iter_frames(src, fps=fps)
    first = next(frames)
    h, w = first.shape[:2]
    audio_from = src if (keep_sound and info.has_audio) else None
    with VideoWriter(dest, fps, w, h, audio_from=audio_from, crf=18) as writer:
        writer.write(first)
        for frame in frames:
            writer.write(frame)
    return dest


__all__ = ["PreparedInputs", "prepare", "image_payload", "convert_video", "video_conversion_reason",
           "check_kling_rules", "sha256_file", "rules_for"]

"""The input requirements, as data per engine, and the check that turns them into findings.

Limits come from the product page (formats, 10 MB / 100 MB, 3-30 s / 3-10 s, 720 px) and, for the ``kling``
engine, from Kling's API (300 px images, 340-3,850 px videos, aspect 1:2.5-2.5:1). Local engines take smaller
inputs with a warning and upscale, because refusing a 640x480 phone clip would help nobody.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .finding import Finding
from .media.probe import IMAGE_FORMATS, VIDEO_FORMATS, MediaInfo, file_size_text
from .request import PROMPT_MAX_CHARS

MB = 1_000_000
DURATION_SLACK = 0.05  # seconds: container rounding must not turn a 30.0 s clip into an error
# A file is "cut off" when its header promises more than this (or 5 %) beyond what decodes.
TRUNCATION_SLACK = 0.5


@dataclass(frozen=True)
class MediaRules:
    """Limits one engine applies. ``*_min_px`` refuse, ``*_warn_px`` warn."""

    engine: str
    image_formats: tuple[str, ...] = IMAGE_FORMATS
    video_formats: tuple[str, ...] = VIDEO_FORMATS
    image_max_bytes: int = 10 * MB
    video_max_bytes: int = 100 * MB
    min_seconds: float = 3.0
    max_seconds: dict[str, float] = field(default_factory=lambda: {"video": 30.0, "image": 10.0})
    image_min_px: int = 64
    video_min_px: int = 64
    warn_px: int = 720
    video_max_px: int | None = None
    image_aspect: tuple[float, float] | None = None  # (min, max) of width / height
    prompt_max_chars: int = PROMPT_MAX_CHARS
    upscales: bool = True  # local engines render at the tier's size whatever the input size


RULES: dict[str, MediaRules] = {
    "puppet": MediaRules(engine="puppet"),
    "wan-animate": MediaRules(engine="wan-animate"),
    "kling": MediaRules(engine="kling", image_min_px=300, video_min_px=340, video_max_px=3850,
                        image_aspect=(1 / 2.5, 2.5), upscales=False),
}


def rules_for(engine: str) -> MediaRules:
    """The engine's rules; an unknown engine gets the local defaults (its own code validates the name)."""
    return RULES.get(engine, RULES["puppet"])


def _err(code: str, info: MediaInfo, message: str, measured, limit, fix: str) -> Finding:
    return Finding(code=code, severity="error", message=message, file=str(info.path), measured=measured,
                   limit=limit, fix=fix)


def check_image(info: MediaInfo, rules: MediaRules) -> list[Finding]:
    """Format, bytes, pixel size and (for some engines) aspect ratio of the character image."""
    out: list[Finding] = []
    allowed = ", ".join(f.upper() for f in rules.image_formats)
    if info.format not in rules.image_formats:
        out.append(_err("image_format", info, f"the image is {info.format.upper()}, which is not accepted "
                         f"({allowed}).", info.format, allowed, "convert it to PNG or JPG."))
    if info.bytes > rules.image_max_bytes:
        out.append(_err("image_bytes", info, f"the image is {file_size_text(info.bytes)}, over the "
                         f"{file_size_text(rules.image_max_bytes)} limit.", info.bytes, rules.image_max_bytes,
                         "save it as JPG (quality 90) or downscale it."))
    short = min(info.width, info.height)
    if short < rules.image_min_px:
        out.append(_err("image_too_small", info, f"the image is {info.width}x{info.height} px; the {rules.engine} "
                         f"engine needs at least {rules.image_min_px} px on each side.", short, rules.image_min_px,
                         "use a larger image (720 px or more on each side is best)."))
    elif short < rules.warn_px:
        action = "it will be upscaled, which softens detail" if rules.upscales else "quality may suffer"
        out.append(Finding("image_low_resolution", "warning", f"the image is {info.width}x{info.height} px, under "
                           f"the recommended {rules.warn_px} px on each side; {action}.", str(info.path),
                           short, rules.warn_px, "use an image at least 720 px on each side."))
    if rules.image_aspect is not None:
        lo, hi = rules.image_aspect
        aspect = info.width / info.height
        if not lo <= aspect <= hi:
            out.append(_err("image_aspect", info, f"the image's aspect ratio is {aspect:.2f}:1 "
                             f"({info.width}x{info.height}); the {rules.engine} engine accepts 1:2.5 to 2.5:1.",
                             round(aspect, 3), [lo, hi], "crop the image closer to the character."))
    return out


def check_video(info: MediaInfo, rules: MediaRules, orientation: str) -> list[Finding]:
    """Format, bytes, duration (per orientation) and pixel size of the motion video."""
    out: list[Finding] = []
    allowed = ", ".join(f.upper() for f in rules.video_formats)
    if info.format not in rules.video_formats:
        out.append(_err("video_format", info, f"the video is {info.format.upper()}, which is not accepted "
                         f"({allowed}).", info.format, allowed, "convert it to H.264 MP4."))
    if info.bytes > rules.video_max_bytes:
        out.append(_err("video_bytes", info, f"the video is {file_size_text(info.bytes)}, over the "
                         f"{file_size_text(rules.video_max_bytes)} limit.", info.bytes, rules.video_max_bytes,
                         "re-encode it at a lower bitrate or trim it."))
    max_s = rules.max_seconds[orientation]
    truncated = info.declared_duration > info.duration + max(TRUNCATION_SLACK, 0.05 * info.declared_duration)
    too_short = info.duration < rules.min_seconds - DURATION_SLACK
    if truncated:  # said instead of "too short": the cause is the cut, and so is the fix
        out.append(Finding("video_truncated", "error" if too_short else "warning",
                           f"the file declares {info.declared_duration:.2f} s but only {info.duration:.2f} s can be "
                           "decoded: it is cut off (an interrupted download or copy)"
                           + (f", under the {rules.min_seconds:g} s minimum." if too_short else
                              "; only the readable part is used."),
                           str(info.path), round(info.duration, 3), round(info.declared_duration, 3),
                           "download or copy the video again."))
    if too_short and not truncated:
        out.append(_err("video_too_short", info, f"the video lasts {info.duration:.2f} s; at least "
                         f"{rules.min_seconds:g} s is needed.", round(info.duration, 3), rules.min_seconds,
                         "use a longer clip (loop it if the motion is short)."))
    elif info.duration > max_s + DURATION_SLACK:
        other = "video" if orientation == "image" else None
        hint = (f" or use --orientation {other} (up to {rules.max_seconds[other]:g} s)" if other else "")
        out.append(_err("video_too_long", info, f"the video lasts {info.duration:.2f} s; with '{orientation}' "
                         f"orientation at most {max_s:g} s is allowed.", round(info.duration, 3), max_s,
                         f"trim the clip to {max_s:g} s{hint}."))
    short, long_ = min(info.width, info.height), max(info.width, info.height)
    if short < rules.video_min_px:
        out.append(_err("video_too_small", info, f"the video is {info.width}x{info.height} px; the {rules.engine} "
                         f"engine needs at least {rules.video_min_px} px on each side.", short,
                         rules.video_min_px, "use a higher-resolution video."))
    elif short < rules.warn_px:
        action = "the result is rendered at the tier's size anyway" if rules.upscales else "quality may suffer"
        out.append(Finding("video_low_resolution", "warning", f"the video is {info.width}x{info.height} px, under "
                           f"the recommended {rules.warn_px} px on each side; pose tracking is less precise "
                           f"({action}).", str(info.path), short, rules.warn_px,
                           "use a video at least 720 px on each side."))
    if rules.video_max_px is not None and long_ > rules.video_max_px:
        out.append(_err("video_too_large", info, f"the video is {info.width}x{info.height} px; the {rules.engine} "
                         f"engine accepts at most {rules.video_max_px} px per side.", long_, rules.video_max_px,
                         "downscale it (e.g. to 1920x1080)."))
    if info.variable_fps:
        out.append(Finding("video_variable_fps", "info", f"the video has a variable frame rate (about "
                           f"{info.fps:.2f} fps); it is resampled to a steady rate.", str(info.path), info.fps))
    return out


def check_prompt(prompt: str, rules: MediaRules) -> list[Finding]:
    if len(prompt) > rules.prompt_max_chars:
        return [Finding("prompt_too_long", "error", f"the prompt has {len(prompt)} characters; at most "
                        f"{rules.prompt_max_chars} are allowed.", None, len(prompt), rules.prompt_max_chars,
                        "shorten the prompt.")]
    return []


def check_inputs(image: MediaInfo, video: MediaInfo, orientation: str, engine: str,
                 prompt: str = "") -> list[Finding]:
    """Every rule for this engine and orientation, as findings (errors stop a run)."""
    rules = rules_for(engine)
    return check_image(image, rules) + check_video(video, rules, orientation) + check_prompt(prompt, rules)

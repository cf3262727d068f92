"""How the product's parameters map onto Wan2.2-Animate's: mode, frame sizes, frame rate.

| orientation | background                              | model mode | frame aspect | pose retargeted as       |
|-------------|-----------------------------------------|------------|--------------|--------------------------|
| video       | ``"video"`` or the motion video's file  | replace    | the video's  | ``video`` (actor's place)|
| video       | none, an image file or a colour         | animate    | the video's  | ``video``                |
| image       | none, an image file or a colour         | animate    | the image's  | ``image`` (image's place)|

Replace mode puts the character into the video's own scene (the actor's region is masked out and generated
anew); animate mode keeps the character image's scene (or the still background composited behind the character).
A different background *video* is not supported: the model takes its scene from the reference image or from the
motion video itself. ``video`` background with ``image`` orientation is refused: the video's scene has the
video's framing, which that orientation does not keep.

Sizes: the model generates at its training area (1280x720 pixels, in multiples of 16, the frame's aspect kept as
closely as that allows). The written frame has the source's exact aspect (as with every engine), so the
generated frames are resized by at most the rounding to 16 px. ``std`` writes 720 px on the short side; ``pro``
writes 1080 px, which is that 720p generation upscaled 1.5x (a Lanczos resize, not native detail) - the result
says so in an info finding.
Frame rate: the motion's own, capped at 30 fps as Wan's preprocessing does.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from ...request import TIER_SHORT_SIDE, VIDEO_BACKGROUND, Request
from ...media.framing import output_size
from .settings import WanSettings

MULTIPLE = 16  # the VAE's 8x downsampling times the transformer's 2x2 patches


def wants_video_background(request: Request) -> bool:
    """The user asked for the motion video's own scene: ``background="video"`` or the motion video's file."""
    bg = request.background
    if bg is None or not str(bg).strip():
        return False
    text = str(bg).strip()
    if text == VIDEO_BACKGROUND:
        return True
    path = Path(text)
    return path.exists() and path.resolve() == Path(request.video).resolve()


def choose_mode(request: Request) -> str:
    """``replace`` for ``video`` orientation with the video's background, ``animate`` otherwise."""
    if not wants_video_background(request):
        return "animate"
    if request.orientation != "video":
        raise InputError("the video's own background needs --orientation video: with 'image' orientation the "
                         "character keeps the image's framing, which the video's scene does not have.",
                         code="wan_background", measured=request.orientation, limit="video",
                         fix="use --orientation video, or drop --background to keep the image's scene.")
    return "replace"


def model_size(aspect_w: float, aspect_h: float, area: int) -> tuple[int, int]:
    """The largest frame of at most ``area`` pixels, both sides multiples of 16, closest to the aspect."""
    ratio = aspect_w / aspect_h
    best: tuple[float, float, int, int] | None = None
    for h in range(MULTIPLE, int((area / ratio) ** 0.5) + 2 * MULTIPLE, MULTIPLE):
        for w in (int(h * ratio) // MULTIPLE * MULTIPLE, -(-int(h * ratio) // MULTIPLE) * MULTIPLE):
            if w < MULTIPLE or w * h > area:
                continue
            key = (-(w * h), abs(w / h - ratio))
            if best is None or key < best[:2]:
                best = (*key, w, h)
    if best is None:
        return MULTIPLE, MULTIPLE
    return best[2], best[3]


@dataclass(frozen=True)
class Plan:
    """The run's shape: ``mode``; generated ``gen_w`` x ``gen_h``; written ``out_w`` x ``out_h``; ``fps``."""

    mode: str
    gen_w: int
    gen_h: int
    out_w: int
    out_h: int
    fps: float

    @property
    def upscale(self) -> float:
        """Written short side over generated short side (above 1: the output is an upscale)."""
        return min(self.out_w, self.out_h) / min(self.gen_w, self.gen_h)


def make_plan(request: Request, image_size: tuple[int, int], video_size: tuple[int, int], video_fps: float,
              settings: WanSettings) -> Plan:
    """The plan for ``request`` (see the module docstring for the mapping)."""
    mode = choose_mode(request)
    aspect = video_size if request.orientation == "video" else image_size
    gen_w, gen_h = model_size(aspect[0], aspect[1], settings.area)
    out_w, out_h = output_size(TIER_SHORT_SIDE[request.tier], aspect[0], aspect[1])
    fps = min(float(video_fps or settings.max_fps), float(settings.max_fps))
    return Plan(mode=mode, gen_w=gen_w, gen_h=gen_h, out_w=out_w, out_h=out_h, fps=fps)

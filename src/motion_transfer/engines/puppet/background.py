"""The output's background, one frame per output frame: the character image's own background (the character
removed and filled), an image or a video file, or a plain colour; a still one may follow the reference's camera.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from ...errors import InputError
from ...media.color import parse_color
from ...media.frames import iter_frames, read_image
from ...media.framing import cover, fit
from ...media.probe import probe


def _given(background: str | Path | None) -> bool:
    return background is not None and str(background).strip() != ""


def is_still(background: str | Path | None) -> bool:
    """The background is a still scene (the image's own, or an image file), so it can follow the camera."""
    if not _given(background):
        return True
    path = Path(str(background))
    return path.exists() and probe(path).kind == "image"


def _moving(scene: np.ndarray, out_w: int, out_h: int, camera: np.ndarray) -> Iterator[np.ndarray]:
    """A still scene seen through the reference's camera motion (``camera`` [T, 2, 3] in output pixels); after
    the last frame the camera holds."""
    h, w = scene.shape[:2]
    place = cover(w, h, out_w, out_h)
    C = np.array([[place.scale, 0, place.ox], [0, place.scale, place.oy], [0, 0, 1.0]])
    t = 0
    while True:
        A = np.vstack([camera[min(t, len(camera) - 1)], [0, 0, 1.0]]) @ C
        yield cv2.warpAffine(scene, A[:2], (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        t += 1


def _video(path: Path, out_w: int, out_h: int, fps: float) -> Iterator[np.ndarray]:
    """A background video, looped."""
    while True:
        n = 0
        for frame in iter_frames(path, fps=fps):
            n += 1
            yield fit(frame, out_w, out_h)
        if n == 0:
            raise InputError("the background video has no frames.", file=path, code="background",
                             fix="use another video, an image or a colour.")


def backgrounds(background: str | Path | None, own: np.ndarray, out_w: int, out_h: int, fps: float,
                camera: np.ndarray | None = None) -> Iterator[np.ndarray]:
    """One background frame per output frame (HxWx3 uint8, read-only: a still background is the same array every
    time, so the caller copies it into its own canvas before drawing).

    ``background``: the user's (a file or a colour), None for ``own`` (the character image's, filled);
    ``camera`` [T, 2, 3] (output pixels): a still background moves with the reference's camera."""
    if not _given(background):
        scene = own
    else:
        path = Path(str(background))
        if path.exists():
            if probe(path).kind == "video":
                yield from _video(path, out_w, out_h, fps)
                return
            scene = read_image(path)
        else:
            rgb = parse_color(str(background))
            if rgb is None:
                raise InputError(f"the background {background!r} is neither an existing file nor a colour.",
                                 code="background", measured=str(background),
                                 fix="pass an image or video file, or a colour such as '#00ff00' or 'green'.")
            scene = np.empty((out_h, out_w, 3), np.uint8)
            scene[:] = rgb
            camera = None  # a plain colour looks the same however the camera moves
    if camera is not None:
        yield from _moving(scene, out_w, out_h, camera)
        return
    still = fit(scene, out_w, out_h)
    still.flags.writeable = False  # the same array every frame: the caller draws on its own copy
    while True:
        yield still

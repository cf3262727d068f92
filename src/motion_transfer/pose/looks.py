"""A tracker's models look at a frame only when its pixels changed since their last look.

A video-mode pose model that is shown the same pixels again does not give the same answer: its first look finds the
body from scratch, every later one searches where the last one found it, and on a still picture that search drifts
(on a still clip the guessed hips dropped about 4% of the frame within five looks, the shoulders rose 1.5%, the elbows
and wrists moved as much). The character image is measured once, by a first look, and so is a clip's first frame:
a still clip, or a still stretch of one, moved and stretched the character against its own pixels. While the actor
moves, every frame is new to the model and its answers stay within a few pixels of a first look's on average (TikTok
clips 0, 2, 4: 1-4 px; the close-up clip 5: up to 10 px), so the rig's rest pose and the track agree there already.
"""
from __future__ import annotations

import numpy as np

# Frames are compared as grey thumbnails this many pixels on their long side (each pixel the mean of dozens, so the
# codec's noise averages out). A frame where at most STILL_SHARE of the thumbnail's pixels changed by more than
# STILL_LEVELS grey levels is the one the model last saw. Measured on 120-px thumbnails: still clips (generated, and
# made from a TikTok still) changed 2 pixels at most (a key frame against the frames after it); consecutive frames
# of the six TikTok dances 300 and more (of 14400), of the generated mannequin dance (a small figure) 118 and more.
THUMB_LONG_SIDE = 120
STILL_LEVELS = 4
STILL_SHARE = 0.001


def thumbnail(rgb: np.ndarray) -> np.ndarray:
    """The grey thumbnail (int16) frames are compared by."""
    import cv2

    h, w = rgb.shape[:2]
    s = THUMB_LONG_SIDE / max(h, w)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA).astype(np.int16)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Thumbnails ``a`` and ``b`` show the same picture, codec noise aside."""
    return a.shape == b.shape and float((np.abs(a - b) > STILL_LEVELS).mean()) <= STILL_SHARE


class Looks:
    """Each model's last look (the thumbnail of the frame it saw and its answer), for one tracker's models."""

    def __init__(self) -> None:
        self._last: dict[int, tuple[np.ndarray, object]] = {}

    def look(self, model, rgb: np.ndarray):
        """``model.process(rgb)``, or the model's last answer when ``rgb`` shows what it last looked at."""
        thumb = thumbnail(rgb)
        last = self._last.get(id(model))
        if last is not None and _same(last[0], thumb):
            return last[1]
        result = model.process(rgb)
        self._last[id(model)] = (thumb, result)
        return result

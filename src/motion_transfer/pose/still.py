"""A picture is measured once: a frame that shows what the tracker last measured keeps that measurement.

A video-mode pose model that is shown the same pixels again does not give the same answer: its first look finds the
body from scratch, every later one searches where the last one found it, and on a still picture that search drifts
(on a still clip the guessed hips dropped about 4% of the frame within five looks, the shoulders rose 1.5%, the elbows
and wrists moved as much; the face mesh crept too, and the character's head with it). The character image is
measured once, by a first look, and so is a clip's first frame: a still clip, or a still stretch of one, moved and
stretched the character against its own pixels. While the actor moves, every frame is new to the models and their
answers stay within a few pixels of a first look's on average (TikTok clips 0, 2, 4: 1-4 px; the close-up clip 5:
up to 10 px), so the rig's rest pose and the track agree there already.
"""
from __future__ import annotations

import numpy as np

# Frames are compared as grey thumbnails this many pixels on their long side (each pixel the mean of dozens, so the
# codec's noise averages out). A frame where at most STILL_SHARE of the thumbnail's pixels changed by more than
# STILL_LEVELS grey levels shows the picture measured. Measured on 120-px thumbnails (14400 pixels): still clips
# (generated, and made from TikTok stills) changed 2 at most (a key frame against the frames after it); frames of
# the six TikTok dances 300 and more from one to the next, of the generated mannequin dance (a small figure) 118,
# of a wide shot whose fingers curl 0 to 14 six frames apart (a blink or a curl can change a handful of pixels:
# the share tells noise only from that).
THUMB_LONG_SIDE = 120
STILL_LEVELS = 4
STILL_SHARE = 0.0002


def thumbnail(rgb: np.ndarray) -> np.ndarray:
    """The grey thumbnail (int16) frames are compared by."""
    import cv2

    h, w = rgb.shape[:2]
    s = THUMB_LONG_SIDE / max(h, w)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA).astype(np.int16)


def same_picture(a: np.ndarray, b: np.ndarray) -> bool:
    """Thumbnails ``a`` and ``b`` show the same picture, codec noise aside."""
    return a.shape == b.shape and float((np.abs(a - b) > STILL_LEVELS).mean()) <= STILL_SHARE


class Measured:
    """One tracker's last measurement of a picture: the ``thumb`` of the frame measured, its ``body`` and ``world``
    landmarks and, once a sample of that picture had them looked at, its ``hands`` [2, 21, 3] and ``face``.
    Frames are compared with the frame measured, not with the one before, so a slow motion is measured again once
    it adds up."""

    def __init__(self) -> None:
        self.thumb: np.ndarray | None = None
        self.body: np.ndarray | None = None
        self.world: np.ndarray | None = None
        self.hands: np.ndarray | None = None
        self.face: np.ndarray | None = None

    def shows(self, thumb: np.ndarray) -> bool:
        """A frame of thumbnail ``thumb`` shows the picture measured."""
        return self.thumb is not None and same_picture(self.thumb, thumb)

    def body_of(self, thumb: np.ndarray, body: np.ndarray, world: np.ndarray) -> None:
        """A new picture measured: its body (its hands and face not yet)."""
        self.thumb, self.body, self.world, self.hands, self.face = thumb, body, world, None, None

    def details_of(self, hands: np.ndarray, face: np.ndarray) -> None:
        """The hands and face of the picture measured."""
        self.hands, self.face = hands, face

"""Framing: where a source frame (the character image, the reference video, a background) sits in the output
frame, and the output frame's size. Shared by retargeting (joints) and drawing (pixels), so both agree."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class Placement:
    """How a source frame (image or video) sits in the output frame: ``out = src * scale + (ox, oy)``."""

    scale: float
    ox: float
    oy: float

    def apply(self, pts: np.ndarray) -> np.ndarray:
        return pts * self.scale + np.array([self.ox, self.oy], dtype=np.float32)


def letterbox(src_w: int, src_h: int, out_w: int, out_h: int) -> Placement:
    """Fit ``src`` inside ``out`` keeping its aspect (bars on two sides when the aspects differ)."""
    scale = min(out_w / src_w, out_h / src_h)
    return Placement(scale, (out_w - src_w * scale) / 2.0, (out_h - src_h * scale) / 2.0)


def cover(src_w: int, src_h: int, out_w: int, out_h: int) -> Placement:
    """Fill ``out`` with ``src`` keeping its aspect (the excess is cropped, centred)."""
    scale = max(out_w / src_w, out_h / src_h)
    return Placement(scale, (out_w - src_w * scale) / 2.0, (out_h - src_h * scale) / 2.0)


def output_size(short_side: int, aspect_w: int, aspect_h: int) -> tuple[int, int]:
    """Output frame size: ``short_side`` on the short side, the given aspect, both sides even."""
    if aspect_w >= aspect_h:
        h = short_side
        w = short_side * aspect_w / aspect_h
    else:
        w = short_side
        h = short_side * aspect_h / aspect_w
    return int(round(w / 2)) * 2, int(round(h / 2)) * 2


def fit(rgb: np.ndarray, out_w: int, out_h: int, how: str = "cover") -> np.ndarray:
    """``rgb`` placed in an ``out_w`` x ``out_h`` frame: ``cover`` fills it (cropping), ``letterbox`` fits inside
    (the border pixels repeated into the bars)."""
    h, w = rgb.shape[:2]
    place = cover(w, h, out_w, out_h) if how == "cover" else letterbox(w, h, out_w, out_h)
    M = np.float32([[place.scale, 0, place.ox], [0, place.scale, place.oy]])
    interp = cv2.INTER_AREA if place.scale < 1 else cv2.INTER_CUBIC
    return cv2.warpAffine(rgb, M, (out_w, out_h), flags=interp, borderMode=cv2.BORDER_REPLICATE)

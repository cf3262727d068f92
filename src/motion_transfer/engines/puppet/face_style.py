"""Whether a face is drawn art or a photograph, and the ink a drawn face's opened mouth is filled with.

The face animator opens a photograph's mouth on a red-brown inside with teeth painted under the upper lip
(:mod:`.face`). On a flat cartoon (a teddy bear's felt snout) that is a photographic mouth with teeth pasted on
a drawing: creepy. A drawn face opens its mouth the way drawn art does: a flat shape in the face's own darkest
colour (the ink of its eyes, nose or outline), no teeth.

Told by the picture, not by a name: a photograph has grain. Over the smooth parts of a face (skin, fur, flat
fills; not the features' edges) a photograph's pixels scatter around their neighbours (sensor noise, pores,
compression): the six TikTok faces, even smoothed by the app's filter, have 13-23 % of those pixels off their
3x3 median by more than half a grey level, Grace Hopper and the astronaut 70 %. Drawn and rendered art is flat or
shaded smoothly: the teddy bear, the fox, the cartoon girl, the generated mannequins 0-3.5 %.
"""
from __future__ import annotations

import cv2
import numpy as np

LUMA = np.array([0.299, 0.587, 0.114], np.float32)  # luminance of RGB (Rec. 601)
SMOOTH = 2.0  # (grey levels per pixel, after a blur of SMOOTH_BLUR px) a face's pixel this flat is a smooth one
SMOOTH_BLUR = 1.5
GRAIN_STEP = 0.5  # (grey levels) a smooth pixel this far from its 3x3 median is grain
GRAIN = 0.07  # a face with at least this share of grainy smooth pixels is a photograph
MIN_PIXELS = 64  # fewer smooth pixels than this tell nothing: a photograph, as before
INK = 0.03  # the darkest share of the face's pixels: their median colour is its ink
INK_DARK = 0.4  # the ink is at most this share of the face's median luminance (a face drawn without dark lines)


def face_mask(shape: tuple[int, int], oval: np.ndarray) -> np.ndarray:
    """HxW bool: the pixels inside the face's outline ``oval`` [K, 2] (pixels), a few pixels in from it."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(oval).astype(np.int32)], 1)
    return cv2.erode(mask, np.ones((5, 5), np.uint8)).astype(bool)


def is_drawn(rgb: np.ndarray, mask: np.ndarray) -> bool:
    """Whether the face ``mask`` (HxW bool) of ``rgb`` (HxWx3 uint8) is drawn or rendered art rather than a
    photograph: under ``GRAIN`` of its smooth pixels are grain (see the module's docstring)."""
    ys, xs = np.nonzero(mask)
    if len(ys) < MIN_PIXELS:
        return False
    y0, y1, x0, x1 = max(ys.min() - 4, 0), ys.max() + 5, max(xs.min() - 4, 0), xs.max() + 5  # (the face's box only)
    rgb, mask = rgb[y0:y1, x0:x1], mask[y0:y1, x0:x1]
    luma = np.ascontiguousarray(rgb, np.float32) @ LUMA
    blurred = cv2.GaussianBlur(luma, (0, 0), SMOOTH_BLUR)
    slope = np.hypot(cv2.Sobel(blurred, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(blurred, cv2.CV_32F, 0, 1, ksize=3))
    smooth = mask & (slope / 8.0 < SMOOTH)  # (a 3x3 Sobel is 8 times the slope)
    if smooth.sum() < MIN_PIXELS:
        return False
    grain = np.abs(luma - cv2.medianBlur(luma, 3)) > GRAIN_STEP
    return bool(grain[smooth].mean() < GRAIN)


def ink_colour(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """RGB [3] float: the face's own darkest colour (the median of its darkest ``INK`` share of pixels within
    ``mask``), no lighter than ``INK_DARK`` of the face's median luminance."""
    px = rgb[mask].astype(np.float64)
    if len(px) == 0:
        return np.zeros(3)
    luma = px @ LUMA
    ink = np.median(px[luma <= np.quantile(luma, INK)], axis=0)
    limit = INK_DARK * float(np.median(luma))
    return ink * min(1.0, limit / max(float(ink @ LUMA), 1e-6))

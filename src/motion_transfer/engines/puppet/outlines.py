"""Drawn outlines: in cartoon art, the dark line around a limb moves with the limb it outlines.

Cel-shaded art draws a dark line around every part. Labelled by distance, the line between an arm and the
torso goes to the torso, and the arm's outer line, beyond the arm's usual width, to whatever is nearest: when
the arm moves, a dark strip stays on the chest and the arm goes without its outline, or drags shreds of it.
Where two parts meet, the line is the outline of the one in front (the arm over the torso, the torso over the
legs), and here it goes to that one. Only for drawn art: a photograph has no line along its silhouette, and
its dark creases stay where the distances put them.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from .model import DEFAULT_ORDER, LAYER_NAMES, LAYER_OF_PART
from .morphology import disc

LINE_WIDTH = 0.03  # the widest line looked for, in shoulder widths (half the closing kernel)
LINE_CONTRAST = 30  # a line is this much darker (Lab L, 0..255) than the surface on both sides of it
DRAWN = 0.5  # drawn art: at least this share of the figure's silhouette runs along a dark line


def dark_lines(image: np.ndarray, shoulder_width: float) -> np.ndarray:
    """HxW bool: the image's thin dark lines (at most LINE_WIDTH wide, darker than both sides by LINE_CONTRAST):
    a drawn outline, a crease of shade, a strap."""
    light = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2LAB)[:, :, 0]
    r = max(1, round(LINE_WIDTH * shoulder_width))
    return cv2.morphologyEx(light, cv2.MORPH_BLACKHAT, disc(r)) > LINE_CONTRAST


def drawn_lines(image: np.ndarray, figure: np.ndarray, shoulder_width: float,
                lines: np.ndarray | None = None) -> np.ndarray | None:
    """HxW bool: the figure's dark lines (:func:`dark_lines`, or ``lines`` when the caller has them already), or
    None when the figure is not outlined (less than ``DRAWN`` of its silhouette lies along one: a photograph)."""
    line = (dark_lines(image, shoulder_width) if lines is None else lines) & figure
    fig8 = figure.astype(np.uint8)
    rim = figure & ~cv2.erode(fig8, None, iterations=1).astype(bool)
    if rim.sum() < 20:
        return None
    lined = cv2.dilate(line.astype(np.uint8), None, iterations=2).astype(bool)
    return line if (lined & rim).mean() / rim.mean() >= DRAWN else None


def outlines_to_front(labels: np.ndarray, image: np.ndarray, figure: np.ndarray,
                      shoulder_width: float) -> np.ndarray:
    """Part labels where each drawn line next to a layer in front (``DEFAULT_ORDER``, back to front) is that
    layer's: it goes to the part of that layer nearest to it. ``image`` RGB at the labels' size."""
    line = drawn_lines(image, figure, shoulder_width)
    if line is None or not line.any():
        return labels
    out = labels.copy()
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    layer = np.where(labels >= 0, LAYER_OF_PART[np.clip(labels, 0, None)], -1)
    r = max(1, round(LINE_WIDTH * shoulder_width))
    kernel = disc(r)
    todo = line.copy()
    claimed = np.zeros(line.shape, bool)  # the pixels of the layers in front, lines included
    body = LAYER_NAMES.index("body")
    for name in reversed(DEFAULT_ORDER):
        solid = (layer == LAYER_NAMES.index(name)) & figure & ~line  # (labels run on past the figure)
        if not solid.any():
            continue
        take = todo & cv2.dilate(solid.astype(np.uint8), kernel).astype(bool)
        if not take.any():
            claimed |= solid
            continue
        # with the surface between the line and the layer: the labels' border ran a pixel or two off the line, and
        # the strip between them, left to the part behind, cut the line's edge into notches along the layer's
        # outline (the cartoon girl's arms, once they moved off the body). Only the body's (a sleeve of the shirt's
        # colour against the shirt), in the layer's colour: a cape's pixels along a leg's outline, which the line
        # finder saw in dots, went to the leg, and the strip of the cape they cut off went with it
        _, (iy, ix) = ndimage.distance_transform_edt(~solid, return_indices=True)
        mine = (solid | take).astype(np.uint8)
        gap = (cv2.morphologyEx(mine, cv2.MORPH_CLOSE, kernel).astype(bool) & ~mine.astype(bool) & figure
               & (layer == body) & ~line & ~claimed & cv2.dilate(take.astype(np.uint8), kernel).astype(bool))
        gy, gx = np.nonzero(gap)
        alike = np.linalg.norm(lab[gy, gx] - lab[iy[gy, gx], ix[gy, gx]], axis=1) < LINE_CONTRAST
        take[gy[alike], gx[alike]] = True
        out[take] = labels[iy[take], ix[take]]
        todo &= ~take
        claimed |= solid | take
    return out

"""Dilation and closing of a small mask in a big image, computed only on the box they can change.

A dilation by a kernel reaching ``r`` pixels from its centre moves nothing farther than ``r`` from the mask, and
a closing (dilation, then erosion) nothing farther than ``r`` either, though its erosion must see the dilation's
zeros ``r`` farther out: so the mask's bounding box grown by ``r`` (dilation) or ``2 r`` (closing), clipped to
the image, holds all of the answer, and the results are the same as on the whole image, pixel for pixel. The
rig dilates one limb's or one piece's mask at a time in a 1000-pixel image: on the whole image each call cost
tens of milliseconds, mostly spent on zeros.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage


def disc(radius: int) -> np.ndarray:
    """The round structuring element reaching ``radius`` pixels from its centre (a square kernel grows a mask into
    a square: corners where the outline was round)."""
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def dilate_disc(image: np.ndarray, radius: int) -> np.ndarray:
    """``cv2.dilate(image, disc(radius))``, pixel for pixel, as the largest of a few rectangle dilations: the disc
    is the union of the rectangles [-w, w] x [-h, h], one per half-width ``w`` of its rows (``h``: its farthest
    row that wide), and OpenCV dilates by a rectangle in two cheap one-dimensional passes, where a round kernel
    visits its every row: at the 60-150 pixel radii of the matte's growth and a piece's colour reach, three
    times as fast."""
    kernel = disc(radius)
    half = kernel[radius:].sum(axis=1) // 2  # each row's half-width, from the middle row down
    out = None
    for w in np.unique(half):
        h = int(np.flatnonzero(half >= w).max())
        rect = cv2.dilate(image, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * int(w) + 1, 2 * h + 1)))
        out = rect if out is None else np.maximum(out, rect, out=out)
    return out


def grown_box(mask: np.ndarray, reach: int) -> tuple[slice, slice] | None:
    """The (rows, columns) slices of ``mask``'s bounding box grown by ``reach`` pixels on every side and clipped
    to the image; None for an empty mask."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if len(rows) == 0:
        return None
    return grow_box((slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)), reach, mask.shape[:2])


def grow_box(box: tuple[slice, slice], reach: int, shape: tuple[int, int]) -> tuple[slice, slice]:
    """``box`` (rows, columns slices, as ``ndimage.find_objects`` gives) grown by ``reach`` pixels on every side
    and clipped to an image of ``shape`` (rows, columns)."""
    rows, cols = box
    return (slice(max(0, rows.start - reach), min(shape[0], rows.stop + reach)),
            slice(max(0, cols.start - reach), min(shape[1], cols.stop + reach)))


def _reach(kernel: np.ndarray | None, iterations: int) -> int:
    """How far from its centre (pixels) ``kernel`` (None: OpenCV's 3x3 square) reaches after ``iterations``."""
    kh, kw = (3, 3) if kernel is None else kernel.shape[:2]
    return iterations * max(kh // 2, kw // 2)


def dilate_in_box(mask: np.ndarray, kernel: np.ndarray | None, iterations: int = 1) -> np.ndarray:
    """HxW bool: ``cv2.dilate`` of the bool ``mask`` with ``kernel`` (odd-sized, centred; None: 3x3), on the box
    the dilation can reach."""
    out = np.zeros(mask.shape, bool)
    box = grown_box(mask, _reach(kernel, iterations))
    if box is not None:
        crop = np.ascontiguousarray(mask[box], dtype=np.uint8)
        out[box] = cv2.dilate(crop, kernel, iterations=iterations).astype(bool)
    return out


def close_in_box(mask: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """HxW uint8 (0/1): ``cv2.morphologyEx(mask, MORPH_CLOSE, kernel)`` of the 0/1 ``mask`` (odd-sized, centred
    kernel), on the box the closing can change."""
    out = np.zeros(mask.shape, np.uint8)
    box = grown_box(mask, 2 * _reach(kernel, 1))
    if box is not None:
        out[box] = cv2.morphologyEx(np.ascontiguousarray(mask[box], dtype=np.uint8), cv2.MORPH_CLOSE, kernel)
    return out


def count_pieces(mask: np.ndarray, side: float) -> int:
    """How many pieces of ``mask`` are at least as large as a square ``side`` wide (a speck left between a
    strip and the outline is no piece of the arm cut off: the layers' cleanup joins it to its neighbour)."""
    pieces, n = ndimage.label(mask)
    return int((np.asarray(ndimage.sum(mask, pieces, range(1, n + 1))) >= side ** 2).sum())

"""The body's side under an arm hanging against it, drawn as one smooth line.

Under an arm hanging against the body the image shows no side: what the body layer holds there is the torso's own
pixels up to the arm's ragged edge, the strip of the shoulder-hip quadrilateral inside the arm and the band it goes
on under the arm (:func:`.fill._beside_arms`), each ending where it ends. Once the arm swung away, their ends stood
out of the dress's side: a step where the band stopped short of the side the picture shows below the elbow, a bulge
where the hand lay against the dress and a notch under it where the body carried on past the picture's bottom edge
at the hand's inner edge (TikTok character 2, on her own clip and on 2<-3). Read level by level along the spine,
the side is made one line: its notches shorter than SIDE_CLOSE filled, smoothed over SIDE_SMOOTH, and bent into the
side the picture shows (no steeper than SIDE_SLOPE) where it shows it.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from .envelope import SIGNS, BodyFrame
from .model import ARM_PARTS, FACING, PARTS
from .morphology import grown_box

SIDE_CLOSE = 0.15  # (shoulder widths) a notch in the side shorter than this along the spine is filled
SIDE_SMOOTH = 0.05  # (shoulder widths) the Gaussian's width along the spine that smooths the side
SIDE_SLOPE = 0.25  # how far out (pixels per pixel along the spine) the side may leave the side the picture shows
SIDE_SEEN = 2  # (pixels) the torso's outermost pixel this near the backdrop is the side the picture shows


def side_lines(body: np.ndarray, band: np.ndarray, labels: np.ndarray, frame: BodyFrame, sides: tuple[str, ...],
               tops: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """(add, drop) HxW bool: per side in ``sides`` ("left", "right": the sides an arm hangs against), from its top
    down (``tops``: its level in ``frame``, pixels along the spine), the arm's pixels out from ``body`` (the torso's
    pixels and what the body layer holds under the arms) and inside that side's line (``add``), and the pixels of
    ``band`` (what the body goes on under the arms: :func:`.fill._beside_arms`) beyond it (``drop``; the torso's own
    pixels and what the body holds under the shoulders are as the picture and the envelope give them: dropped, they
    notched TikTok character 0's raised shoulder's round). The line is, level by level, how far out ``body``
    reaches: capped at the side the picture shows plus SIDE_SLOPE times the levels away from it, closed over
    SIDE_CLOSE and smoothed with a Gaussian of SIDE_SMOOTH. Nothing in a side view."""
    add, drop = np.zeros(body.shape, bool), np.zeros(body.shape, bool)
    arms = {name: np.isin(labels, [PARTS.index(p) for p in ARM_PARTS[name]]) for name in sides}
    box = grown_box(body | np.logical_or.reduce(list(arms.values())), SIDE_SEEN + 1)
    if box is None or frame.sw < FACING * frame.spine:  # (a side view's sides are its chest and its back)
        return add, drop
    torso = labels[box] == PARTS.index("torso")
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    backdrop = cv2.dilate((labels[box] < 0).astype(np.uint8), cross, iterations=SIDE_SEEN).astype(bool)
    level = np.round(frame.level[box]).astype(np.int64)
    for name in sides:
        start = int(np.ceil(tops[name]))
        out = SIGNS[name] * frame.out[box]
        zone = (level >= start) & (out > 0)
        reach = _outermost(body[box] & zone, out, level, start)
        if not np.isfinite(reach).any():
            continue
        seen = _outermost(torso & zone, out, level, start, backdrop)
        line, reached = _line(reach, seen, frame.sw)
        at = np.clip(level - start, 0, len(line) - 1)
        inside = zone & (level < start + len(line)) & (out <= line[at])
        # (only out from where the body reaches: an arm lying over the body inside its side is no notch in it)
        add[box] |= inside & arms[name][box] & (out > reached[at]) & ~body[box]
        drop[box] |= zone & (level < start + len(line)) & ~inside & band[box]
    return add, drop


def _outermost(mask: np.ndarray, out: np.ndarray, level: np.ndarray, start: int,
               edge: np.ndarray | None = None) -> np.ndarray:
    """[levels from ``start``] float: the outermost ``out`` of ``mask``'s pixels at each level (-inf where it holds
    none); with ``edge``, only where that outermost pixel lies on ``edge`` (-inf elsewhere)."""
    ys, xs = np.nonzero(mask)
    far = np.full(int(level.max()) - start + 1 if len(ys) else 0, -np.inf)
    if not len(ys):
        return far
    at, values = level[ys, xs] - start, out[ys, xs]
    held = np.unique(at)
    far[held] = ndimage.maximum(values, at, held)
    if edge is not None:
        on = np.zeros(len(far), bool)
        on[at[(values >= far[at]) & edge[ys, xs]]] = True
        far[~on] = -np.inf
    return far


def _line(reach: np.ndarray, seen: np.ndarray, sw: float) -> tuple[np.ndarray, np.ndarray]:
    """([levels] float x2) the side's line from the body's reach at each level (-inf where it holds nothing) and
    the side the picture shows (``seen``, -inf where it shows none), starting at that reach at its top; that reach,
    carried over the levels where it holds nothing."""
    levels = np.arange(len(reach), dtype=np.float64)
    known = np.isfinite(reach)
    reached = np.interp(levels, levels[known], reach[known])
    # (it starts where the body reaches at its top, as if the picture showed the side there: grown out at once, it
    # stood as a square step below the band's taper, the robot boxer's sides)
    seen = seen.copy()
    seen[0] = max(seen[0], reached[0])
    shown = np.flatnonzero(np.isfinite(seen))
    cap = (seen[shown][None, :] + SIDE_SLOPE * np.abs(levels[:, None] - shown[None, :])).min(axis=1)
    line = ndimage.grey_closing(np.minimum(reached, cap), size=max(1, round(SIDE_CLOSE * sw)), mode="nearest")
    line = ndimage.gaussian_filter1d(line, max(1.0, SIDE_SMOOTH * sw), mode="nearest")
    return np.minimum(line, cap), reached  # (where the picture shows the side, it is that side)

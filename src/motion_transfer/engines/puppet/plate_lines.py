"""Straight edges of a plain background (a door's edge, a wall corner, the line where a wall meets the ceiling)
carried straight across the place where the character stood.

The plain fill spreads the regions around the hole by nearness, so where two of them meet inside the hole their
border is a soft curve (or, for two shades of one hue, a smooth blend): a door edge or a wall corner that enters
the hole on one side and leaves it on the other bends or fades where the character stood, a silhouette of it as
soon as it moves. A long straight edge just outside the hole, whose continuation crosses the hole and meets the
same edge on the other side (or the image's border), parts the fill along that continuation instead, each side
continued in its own colour, the border anti-aliased."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from .fill import smooth_fill

EDGE = (8, 20)  # (grey levels per pixel, Canny's two thresholds) a wall corner in shade is a faint edge
SPAN = 0.08  # straight edges are looked for this far out from the hole (times the image's long side)
MIN_LENGTH = 0.05  # ... at least this long (times the long side)
REACH = 4.0  # (pixels) an edge ending this near the hole enters it
DEEP = 0.02  # its continuation goes at least this deep into the hole (times the long side): no edge along the rim
PAIRED = 0.6  # the share of the continuation beyond the hole that must lie on an edge (the same edge, seen again)
CORRIDOR = 0.05  # the two sides' colours are compared within this far of the edge (times the long side)
WIDE = 0.25  # ... and the fill is parted within this far of its continuation (times the long side)
CONTRAST = 8.0  # (RGB levels, mean of the channels' differences) two sides less different are one region
SAME_LINE = (np.deg2rad(3.0), 3.0)  # segments this near in angle and offset (pixels) are one edge
DARK_SHARE = 0.2  # at most this share of either side may be a dark object
SIDE = 256  # the sides' colours are spread on a copy at most this large


@dataclass(frozen=True)
class Crossing:
    """A straight edge continued across the hole: the points ``start + t * direction`` for ``t`` in 0..``length``
    (pixels, x then y) lie in the hole or just before it; ``direction`` is a unit vector."""

    start: np.ndarray
    direction: np.ndarray
    length: float
    seen: float  # how long the edge is seen before ``start`` (pixels)


def _parts(image: np.ndarray, first: np.ndarray, second: np.ndarray, plain: np.ndarray, width: float) -> bool:
    """Whether the known pixels ``first`` and ``second`` beside an edge are two regions of the background:
    both mostly ``plain`` (an edge of a TV or a picture frame is the object's, not a border between two walls)
    and of clearly different colours (a cable or a strap across one wall has the wall on both sides)."""
    if first.sum() < width or second.sum() < width:
        return False
    if min(plain[first].mean(), plain[second].mean()) < 1 - DARK_SHARE:
        return False
    a = image[first & plain].astype(np.float32).mean(axis=0)
    b = image[second & plain].astype(np.float32).mean(axis=0)
    return float(np.abs(a - b).mean()) >= CONTRAST


def carry_lines(image: np.ndarray, hole: np.ndarray, fill: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``fill`` (HxWx3 float32, the plain fill of ``hole``) parted along every straight edge of ``image``
    (HxWx3 uint8) that crosses the hole between two regions; unchanged where none does. ``weight``: how much each
    known pixel counts (dark objects beside the hole little: a TV's edge is not continued as a wall's)."""
    crossings = find_crossings(image, hole, weight > 0.5)
    out = fill.copy()
    wide = WIDE * max(hole.shape)
    rim = ~hole & (ndimage.distance_transform_edt(~hole) <= SPAN * max(hole.shape)) if crossings else None
    for c in crossings:
        s, t, _, _ = _sides(c, hole)
        # each side continued from all of its own pixels around the hole near the line, not only beside the edge
        # (the nearness border of the fill beneath may lie far from the line)
        near = rim & (np.abs(s) <= wide) & (t >= -wide) & (t <= c.length + wide)
        sides = [smooth_fill(image, (near & side) * weight, SIDE) for side in (s < -1.5, s > 1.5)]
        step = np.clip(0.5 + s, 0.0, 1.0)[..., None]
        parted = (1 - step) * sides[0] + step * sides[1]
        # full strength near the line, fading out over the last third of the corridor and past the crossing's ends
        fade = wide / 3
        along = np.clip((t + fade) / fade, 0, 1) * np.clip((c.length + fade - t) / fade, 0, 1)
        share = (np.clip((wide - np.abs(s)) / fade, 0, 1) * along * hole)[..., None]
        out = (1 - share) * out + share * parted
    return out.astype(np.float32)


def _sides(c: Crossing, hole: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every pixel its signed distance from the crossing's line and its place along it (HxW float32 each),
    and the known pixels beside the edge where it is seen (before the hole and, paired, after it) on its first
    and on its second side (HxW bool each)."""
    H, W = hole.shape
    width = CORRIDOR * max(H, W)
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    s = (xs - c.start[0]) * -c.direction[1] + (ys - c.start[1]) * c.direction[0]
    t = (xs - c.start[0]) * c.direction[0] + (ys - c.start[1]) * c.direction[1]
    seen = ~hole & (np.abs(s) <= width) & (np.abs(s) > 1.5) & (
        ((t >= -c.seen) & (t <= 0)) | ((t >= c.length) & (t <= c.length + c.seen)))
    return s, t, seen & (s < 0), seen & (s > 0)


def find_crossings(image: np.ndarray, hole: np.ndarray, plain: np.ndarray) -> list[Crossing]:
    """The straight edges (long lines of strong gradient in the known pixels just outside ``hole``) between two
    ``plain`` regions (:func:`_parts`) whose continuation crosses the hole and either meets the same edge again
    on its other side or runs on to the image's border."""
    H, W = hole.shape
    L = max(H, W)
    if not hole.any() or hole.all():
        return []
    grey = cv2.GaussianBlur(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), (0, 0), 1.0)
    edges = cv2.Canny(grey, EDGE[0], EDGE[1])
    edges[hole] = 0
    away = ndimage.distance_transform_edt(~hole)
    near = edges.copy()
    near[away > SPAN * L] = 0
    length = max(8, round(MIN_LENGTH * L))
    segments = cv2.HoughLinesP(near, 1, np.pi / 180, threshold=length // 2, minLineLength=length, maxLineGap=3)
    if segments is None:
        return []
    pixels = np.stack(np.nonzero(near)[::-1], axis=1).astype(np.float32)
    on_edge = cv2.dilate(edges, np.ones((5, 5), np.uint8)) > 0
    depth = ndimage.distance_transform_edt(hole)
    found: list[Crossing] = []
    lines: list[tuple[float, float]] = []
    for x0, y0, x1, y1 in segments[:, 0].astype(np.float32):
        ends = np.float32([[x0, y0], [x1, y1]])
        gap = away[np.clip(ends[:, 1].astype(int), 0, H - 1), np.clip(ends[:, 0].astype(int), 0, W - 1)]
        if gap.min() > REACH:
            continue
        tip, tail = _fitted(*((ends[0], ends[1]) if gap[0] <= gap[1] else (ends[1], ends[0])), pixels)
        direction = (tip - tail) / max(float(np.linalg.norm(tip - tail)), 1e-6)
        unsigned = direction if direction[1] > 0 or (direction[1] == 0 and direction[0] > 0) else -direction
        angle = float(np.arctan2(unsigned[1], unsigned[0]))
        offset = float(unsigned[0] * tip[1] - unsigned[1] * tip[0])
        if any(_same(angle, offset, a, o) for a, o in lines):
            continue
        crossing = _cross(tip, direction, float(np.linalg.norm(tip - tail)), hole, depth, on_edge, L)
        if crossing is not None and _parts(image, *_sides(crossing, hole)[2:], plain, CORRIDOR * L):
            found.append(crossing)
            lines.append((angle, offset))
    return found


def _fitted(tip: np.ndarray, tail: np.ndarray, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The segment ``tip``-``tail`` laid on the line fitted to the edge ``pixels`` (N x 2, x then y) along it: the
    line search's angles are a degree apart, a few pixels off at the far side of a hole."""
    along = tail - tip
    n = float(np.linalg.norm(along))
    rel = pixels - tip
    t = rel @ along / max(n * n, 1e-6)
    off = np.abs(rel[:, 0] * along[1] - rel[:, 1] * along[0]) / max(n, 1e-6)
    mine = pixels[(t >= 0) & (t <= 1) & (off <= 2.0)]
    if len(mine) < 2:
        return tip, tail
    vx, vy, x0, y0 = cv2.fitLine(mine, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    u, p = np.float32([vx, vy]), np.float32([x0, y0])
    return p + u * float((tip - p) @ u), p + u * float((tail - p) @ u)


def _same(angle: float, offset: float, other_angle: float, other_offset: float) -> bool:
    d = abs(angle - other_angle)
    return min(d, np.pi - d) < SAME_LINE[0] and abs(offset - other_offset) < SAME_LINE[1]


def _cross(tip: np.ndarray, direction: np.ndarray, seen: float, hole: np.ndarray, depth: np.ndarray,
           on_edge: np.ndarray, L: int) -> Crossing | None:
    """The edge ending at ``tip`` continued along ``direction`` across the hole, or None where it does not go
    deep into the hole, or leaves it where no edge goes on."""
    H, W = hole.shape
    t = np.arange(0, 2 * L, dtype=np.float32)
    pts = tip[None] + t[:, None] * direction[None]
    inside = (pts[:, 0] >= 0) & (pts[:, 0] <= W - 1) & (pts[:, 1] >= 0) & (pts[:, 1] <= H - 1)
    stop = int(np.argmin(inside)) if not inside.all() else len(t)
    px = np.round(pts[:stop]).astype(int)
    in_hole = hole[px[:, 1], px[:, 0]]
    if not in_hole[:round(REACH) + 2].any():
        return None
    enter = int(np.argmax(in_hole))
    after = np.flatnonzero(~in_hole[enter:])
    leave = enter + int(after[0]) if len(after) else stop
    if depth[px[enter:leave, 1], px[enter:leave, 0]].max(initial=0) < DEEP * L:
        return None
    if leave < stop:  # it leaves the hole inside the image: the same edge must be seen on the other side
        beyond = px[leave:min(stop, leave + max(8, round(MIN_LENGTH * L / 2)))]
        if len(beyond) < 8 or on_edge[beyond[:, 1], beyond[:, 0]].mean() < PAIRED:
            return None
    return Crossing(start=tip.astype(np.float32), direction=direction.astype(np.float32), length=float(leave),
                    seen=seen)

"""Straight edges of a plain background (a door's edge, a wall corner, the line where a wall meets the ceiling)
carried straight across the place where the character stood.

The plain fill spreads the regions around the hole by nearness, so where two of them meet inside the hole their
border is a soft curve (or, for two shades of one hue, a smooth blend): a door edge or a wall corner that enters
the hole on one side and leaves it on the other bends or fades where the character stood, a silhouette of it as
soon as it moves. A long straight edge just outside the hole, whose continuation crosses the hole and meets the
same edge on the other side (or the image's border), parts the fill along that continuation instead, each side
continued in its own colour, the border anti-aliased. An edge hidden for the rest of its length (a wall corner
coming down behind the figure to the floor, a door's edge) is continued only up to where it meets another such
edge inside the hole (the corner where the walls meet the floor), and each side only on its own side of the edges
it meets there: nothing says where an edge that meets none ends."""
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
CORNER = np.sin(np.deg2rad(20.0))  # edges meeting at a corner are at least this far from parallel (sine of the angle)
MEET = 0.01  # (times the long side) the edges an edge meets within this far of where it stops all bound it
SEEN, BORDER, HIDDEN = "seen", "border", "hidden"  # how an edge's continuation across the hole ends (:func:`_cross`)


@dataclass(frozen=True)
class Crossing:
    """A straight edge continued across the hole: the points ``start + t * direction`` for ``t`` in 0..``length``
    (pixels, x then y) lie in the hole or just before it; ``direction`` is a unit vector."""

    start: np.ndarray
    direction: np.ndarray
    length: float
    seen: float  # how long the edge is seen before ``start`` (pixels)
    # where the edge stops at a corner: the edges it meets there as half-planes (a point, a unit normal); the
    # fill is parted only where ``(p - point) @ normal >= 0`` for all of them (empty: an edge seen again beyond
    # the hole or running on to the image's border)
    bounds: tuple[tuple[np.ndarray, np.ndarray], ...] = ()


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
    known pixel counts (dark objects beside the hole little: a TV's edge is not continued as a wall's).

    The edges stopped at a corner are laid over the rest together, as one partition of their part of the hole:
    laid one after another, where two meet along an edge's continuation past the corner (both the same wall,
    each half there) the fill beneath showed through as a faint line."""
    crossings = find_crossings(image, hole, weight > 0.5)
    out = fill.copy()
    rim = ~hole & (ndimage.distance_transform_edt(~hole) <= SPAN * max(hole.shape)) if crossings else None
    acc, total = np.zeros_like(out), np.zeros(hole.shape + (1,), np.float32)
    for c in crossings:
        share, parted = _parted(image, hole, weight, rim, c)
        if c.bounds:
            acc += share * parted
            total += share
        else:
            out = (1 - share) * out + share * parted
    out = (1 - np.minimum(total, 1)) * out + acc / np.maximum(total, 1)
    return out.astype(np.float32)


def _parted(image: np.ndarray, hole: np.ndarray, weight: np.ndarray, rim: np.ndarray,
            c: Crossing) -> tuple[np.ndarray, np.ndarray]:
    """The fill parted along ``c`` (HxWx3 float32) and how much it counts in each pixel (HxWx1 float32)."""
    wide = WIDE * max(hole.shape)
    s, t, _, _ = _sides(c, hole)
    # each side continued from all of its own pixels around the hole near the line, not only beside the edge
    # (the nearness border of the fill beneath may lie far from the line)
    near = rim & (np.abs(s) <= wide) & (t >= -wide) & (t <= c.length + wide)
    fade = wide / 3
    # full strength near the line, fading out over the last third of the corridor and before the crossing's
    # start; past its end fading out too, or where it stops at a corner, ending at the edges it meets there
    along = np.clip((t + fade) / fade, 0, 1)
    if c.bounds:
        inside = _within(c.bounds, hole.shape)
        near &= inside > 0.5
        along = along * inside
    else:
        along = along * np.clip((c.length + fade - t) / fade, 0, 1)
    sides = [smooth_fill(image, (near & side) * weight, SIDE) for side in (s < -1.5, s > 1.5)]
    step = np.clip(0.5 + s, 0.0, 1.0)[..., None]
    parted = (1 - step) * sides[0] + step * sides[1]
    return (np.clip((wide - np.abs(s)) / fade, 0, 1) * along * hole)[..., None], parted


def _within(bounds: tuple[tuple[np.ndarray, np.ndarray], ...], shape: tuple[int, int]) -> np.ndarray:
    """HxW float32 0..1: how much each pixel lies on the inner side of all the half-planes ``bounds`` (the edges a
    corner's edge stops at), anti-aliased over a pixel."""
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    out = np.ones(shape, np.float32)
    for point, normal in bounds:
        out *= np.clip(0.5 + (xs - point[0]) * normal[0] + (ys - point[1]) * normal[1], 0, 1)
    return out


def _sides(c: Crossing, hole: np.ndarray, paired: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every pixel its signed distance from the crossing's line and its place along it (HxW float32 each),
    and the known pixels beside the edge where it is seen (before the hole and, ``paired``, after it) on its
    first and on its second side (HxW bool each)."""
    H, W = hole.shape
    width = CORRIDOR * max(H, W)
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    s = (xs - c.start[0]) * -c.direction[1] + (ys - c.start[1]) * c.direction[0]
    t = (xs - c.start[0]) * c.direction[0] + (ys - c.start[1]) * c.direction[1]
    beyond = (t >= c.length) & (t <= c.length + c.seen) if paired else np.zeros_like(hole)
    seen = ~hole & (np.abs(s) <= width) & (np.abs(s) > 1.5) & (((t >= -c.seen) & (t <= 0)) | beyond)
    return s, t, seen & (s < 0), seen & (s > 0)


def find_crossings(image: np.ndarray, hole: np.ndarray, plain: np.ndarray) -> list[Crossing]:
    """The straight edges (long lines of strong gradient in the known pixels just outside ``hole``) between two
    ``plain`` regions (:func:`_parts`) whose continuation crosses the hole and either meets the same edge again
    on its other side or, seen on one side only, meets another such edge inside the hole (up to there: a
    corner) or runs on to the image's border."""
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
    found: list[tuple[Crossing, str]] = []
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
        if crossing is not None and _parts(image, *_sides(crossing[0], hole, crossing[1] == SEEN)[2:], plain,
                                           CORRIDOR * L):
            found.append(crossing)
            lines.append((angle, offset))
    return _corners(found, hole, depth, L)


def _corners(found: list[tuple[Crossing, str]], hole: np.ndarray, depth: np.ndarray, L: int) -> list[Crossing]:
    """The crossings ``found`` (with how each ends, :func:`_cross`) as they are parted along: an edge not seen
    again beyond the hole stopped where it meets another one inside it (:func:`_cornered`), kept only where
    those it stops at are kept and reach the corner too (else it would end in the middle of the fill, a cut
    edge), and, hidden beyond the hole, dropped where it meets none."""
    cut = [_cornered(c, [o for o, _ in found if o is not c], hole, depth, L) if end != SEEN else c
           for c, end in found]
    keep = [end != HIDDEN or bool(c.bounds) for c, (_, end) in zip(cut, found)]
    changed = True
    while changed:
        changed = False
        for i, c in enumerate(cut):
            met = [any(k and _reaches(o, bound, c, MEET * L) for o, k in zip(cut, keep)) for bound in c.bounds]
            if keep[i] and not all(met):
                cut[i], keep[i], changed = found[i][0], found[i][1] == BORDER, True
    return [c for c, k in zip(cut, keep) if k]


def _reaches(other: Crossing, bound: tuple[np.ndarray, np.ndarray], c: Crossing, slack: float) -> bool:
    """Whether ``other`` is the edge ``bound`` of ``c`` stands for and, as parted, reaches ``c``'s corner (give or
    take ``slack`` pixels)."""
    if not np.array_equal(other.start, bound[0]):
        return False
    corner = c.start + c.length * c.direction
    r = float((corner - other.start) @ other.direction)
    return -REACH <= r <= other.length + REACH + slack


def _cornered(c: Crossing, others: list[Crossing], hole: np.ndarray, depth: np.ndarray, L: int) -> Crossing:
    """``c`` (an edge not seen again beyond the hole) stopped where it first meets one of the ``others``
    inside the hole, bounded by all those it meets there; unchanged where it meets none on its way across, or
    none deep enough in the hole."""
    H, W = hole.shape
    u = c.direction
    meets = []
    for o in others:
        v = o.direction
        cross = float(u[0] * v[1] - u[1] * v[0])
        if abs(cross) < CORNER:
            continue
        d = o.start - c.start
        t = float(d[0] * v[1] - d[1] * v[0]) / cross
        r = float(d[0] * u[1] - d[1] * u[0]) / cross
        if 0 < t <= c.length and -REACH <= r <= o.length + REACH:
            meets.append((t, o))
    if not meets:
        return c
    stop = min(t for t, _ in meets)
    corner = c.start + stop * u
    x, y = int(round(float(corner[0]))), int(round(float(corner[1])))
    if not (0 <= x < W and 0 <= y < H and hole[y, x]) or depth[y, x] < DEEP * L / 2:
        return c
    bounds = []
    for t, o in meets:
        if t <= stop + MEET * L:
            normal = np.float32([-o.direction[1], o.direction[0]])
            if float((c.start - o.start) @ normal) < 0:
                normal = -normal
            bounds.append((o.start.astype(np.float32), normal))
    return Crossing(start=c.start, direction=c.direction, length=stop, seen=c.seen, bounds=tuple(bounds))


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


def _leaves(in_hole: np.ndarray, enter: int, window: int) -> int:
    """Where a line entering the hole at ``enter`` (``in_hole`` along it) leaves it for good: at the first stretch
    outside it at least ``window`` long (or running to the line's end). A shorter stretch between two pieces of
    the hole (the floor seen between a figure's feet) is crossed: the floor's line seen there for a few pixels
    is no other side to compare with, and stopping there left the line hidden, the floor's colour spreading up
    over the wall between the legs."""
    outside = ~in_hole[enter:]
    starts = np.flatnonzero(outside & ~np.concatenate([[False], outside[:-1]]))
    for start in starts:
        back = np.flatnonzero(~outside[start:start + window])
        if not len(back):
            return enter + int(start)
    return len(in_hole)


def _cross(tip: np.ndarray, direction: np.ndarray, seen: float, hole: np.ndarray, depth: np.ndarray,
           on_edge: np.ndarray, L: int) -> tuple[Crossing, str] | None:
    """The edge ending at ``tip`` continued along ``direction`` across the hole up to where it leaves it, or
    None where it does not go deep into the hole; and how it ends there: SEEN (the same edge goes on beyond
    the hole), BORDER (at the image's border) or HIDDEN (it meets a part of the background without it)."""
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
    window = max(8, round(MIN_LENGTH * L / 2))
    leave = _leaves(in_hole, enter, window)
    if depth[px[enter:leave, 1], px[enter:leave, 0]].max(initial=0) < DEEP * L:
        return None
    end = BORDER
    if leave < stop:  # it leaves the hole inside the image: is the same edge seen on the other side?
        beyond = px[leave:min(stop, leave + window)]
        end = SEEN if len(beyond) >= 8 and on_edge[beyond[:, 1], beyond[:, 0]].mean() >= PAIRED else HIDDEN
    crossing = Crossing(start=tip.astype(np.float32), direction=direction.astype(np.float32), length=float(leave),
                        seen=seen)
    return crossing, end

"""A bare forearm that the image's border cuts, measured where it is cut and drawn on past the border as one arm
with it: the line it leaves the image along and its width across itself (:func:`forearm_at_border`), the curve
from there to the pose model's wrist that the drawn forearm follows (:func:`forearm_curve`, :func:`curve_frame`),
and the image's own colours at the cut handed on to it (:func:`carry_across`).

Read from the bone alone (the pose model's guess of a forearm it sees only in part), the forearm past the border
stepped aside from the image's own at a straight seam and went on at another slant; its width, read along a
border it crosses slantwise, came out wider or narrower than the arm (TikTok characters 1, 3, 4: a straight-sided
brown box, a faceted polygon with a step, a slanted wedge beside the hand, whenever the motion raised the arm).
Done once per character (at rigging).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .model import segment_distance


@dataclass(frozen=True)
class BorderCrossing:
    """Where a forearm leaves the image: ``point`` [2] the middle of its cut on the border, ``out`` [2] the unit
    direction its middle line leaves along, ``half_width`` its half-width across itself (pixels), and the border:
    a pixel p lies ``line + p . normal`` lines inside it (``normal`` [2] its inward unit normal)."""

    point: np.ndarray
    out: np.ndarray
    half_width: float
    normal: np.ndarray
    line: float


def border_axes(exit_point: np.ndarray, frame: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray, float]:
    """(inward unit normal, unit direction along it, offset) of the border of the image ``frame`` (x, y, width,
    height) that ``exit_point`` (where a bone leaves the image) lies on: a pixel (x, y) lies ``offset + (x, y) .
    normal`` lines inside that border."""
    x0, y0, w, h = frame
    gaps = {(0.0, -1.0): y0 + h - 1 - exit_point[1], (0.0, 1.0): exit_point[1] - y0,
            (-1.0, 0.0): x0 + w - 1 - exit_point[0], (1.0, 0.0): exit_point[0] - x0}
    normal = min(gaps, key=lambda k: abs(gaps[k]))
    offsets = {(0.0, -1.0): float(y0 + h - 1), (0.0, 1.0): -float(y0), (-1.0, 0.0): float(x0 + w - 1),
               (1.0, 0.0): -float(x0)}
    n = np.array(normal)
    return n, np.array([abs(n[1]), abs(n[0])]), offsets[normal]


def forearm_at_border(arm: np.ndarray, elbow: np.ndarray, exit_point: np.ndarray, frame: tuple[int, int, int, int],
                      depth: float) -> BorderCrossing | None:
    """The forearm whose solid pixels are ``arm`` (HxW) where the border of the image ``frame`` that
    ``exit_point`` (where its bone leaves the image) lies on cuts it, read from its piece touching the border
    nearest that point, over ``depth`` lines inside it (at most ELBOW_SHARE of the way to its ``elbow``: the
    upper arm bends away there): the middle of each line through it fitted with a straight line (the slant it
    leaves at), its width the median of the lines' lengths across that slant. None when it shows too few lines
    to read a slant from."""
    normal, along, offset = border_axes(exit_point, frame)
    depth = min(depth, ELBOW_SHARE * (offset + float(elbow @ normal)))
    ys, xs = np.nonzero(arm)
    t = np.rint(offset + xs * normal[0] + ys * normal[1]).astype(np.int64)
    near = (t >= 0) & (t < max(int(depth), MIN_LINES))
    band = np.zeros(arm.shape, bool)
    band[ys[near], xs[near]] = True
    pieces, _ = ndimage.label(band, structure=np.ones((3, 3)))
    ys, xs, t = ys[near], xs[near], t[near]
    s = xs * along[0] + ys * along[1]
    edge = t == 0
    if not edge.any():
        return None
    at = float(exit_point @ along)
    first = np.argmin(np.abs(s[edge] - at))
    keep = pieces[ys, xs] == pieces[ys[edge][first], xs[edge][first]]
    t, s = t[keep], s[keep].astype(np.float64)
    count = np.bincount(t)
    lines = np.flatnonzero(count)
    if len(lines) < MIN_LINES:
        return None
    centre = np.bincount(t, s)[lines] / count[lines]
    slope, base = np.polyfit(lines, centre, 1, w=np.sqrt(count[lines]))
    inward = normal + slope * along
    stretch = float(np.linalg.norm(inward))
    point = base * along + (-offset) * normal
    return BorderCrossing(point=point, out=-inward / stretch, half_width=0.5 * float(np.median(count[lines])) / stretch,
                          normal=normal, line=offset)


MIN_LINES = 4  # the fewest lines inside the border a forearm's slant is read from
ELBOW_SHARE = 0.8  # ... over no more than this share of the way from the border to the elbow


def forearm_curve(start: np.ndarray, out: np.ndarray, wrist: np.ndarray) -> np.ndarray:
    """[CURVE_POINTS, 2]: the middle line a forearm drawn past the border follows, from ``start`` (where the
    image's own leaves it, along ``out``) to the pose model's ``wrist``: a quadratic Bezier curve leaving along
    ``out`` and bending smoothly to the wrist (a straight line to the wrist kinked where the image's forearm
    met it)."""
    reach = float(np.linalg.norm(wrist - start))
    control = start + CURVE_LEAD * reach * out
    k = np.linspace(0.0, 1.0, CURVE_POINTS)[:, None]
    return (1 - k) ** 2 * start + 2 * k * (1 - k) * control + k ** 2 * wrist


CURVE_POINTS = 16
CURVE_LEAD = 0.4  # the curve's control point lies this share of the way to the wrist along the forearm's own slant


def curve_frame(points: np.ndarray, px: np.ndarray, py: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For pixels (``px``, ``py``: arrays of one shape) and the polyline ``points`` [N, 2]: the distance to it,
    how far along it (pixels from its start) its point nearest each pixel lies, and the signed offset across it
    there (positive to the left of its direction, in image axes: x right, y down)."""
    best = np.full(px.shape, np.inf, np.float32)
    along = np.zeros(px.shape, np.float32)
    across = np.zeros(px.shape, np.float32)
    walked = 0.0
    for a, b in zip(points[:-1], points[1:]):
        ab = b - a
        length = float(np.linalg.norm(ab))
        if length < 1e-6:
            continue
        u = ab / length
        t = np.clip((px - a[0]) * u[0] + (py - a[1]) * u[1], 0.0, length)
        dist = segment_distance(px, py, a, b)
        closer = dist < best
        best = np.where(closer, dist, best)
        along = np.where(closer, walked + t, along)
        across = np.where(closer, (px - a[0]) * -u[1] + (py - a[1]) * u[0], across)
        walked += length
    return best, along, across


def curve_length(points: np.ndarray) -> float:
    """The length of the polyline ``points`` [N, 2]."""
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())


def carry_across(image: np.ndarray, solid: np.ndarray, crossing: BorderCrossing, along: np.ndarray,
                 across: np.ndarray, width: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """The image's own colours of a forearm where the border cuts it, handed on to the pixels of the forearm drawn
    past it (each given by how far ``along`` its middle line it lies, its offset ``across`` it and the drawn arm's
    half-``width`` there): each takes the colour the forearm's ``solid`` pixels (HxW) a few lines inside the
    border (CARRY_LINES) show at the same share of the way across it (the image's shading across the arm goes
    on; the nearest one they show where its blurred outline shows none), fading into the drawn skin by ``reach``
    pixels along. Returns ([N, 3] float colours, [N] weights). From the border's last row alone, often blurred or
    darkened, and fading out within a few pixels, the forearm began at a dark straight seam along the border;
    read across the arm from the border's middle, half of a slanted arm's cut lay behind the border, and the
    drawn arm's side beside it kept the drawn skin: a pale streak along it."""
    side = np.array([-crossing.out[1], crossing.out[0]])
    ys, xs = np.nonzero(solid)
    lines = crossing.line + xs * crossing.normal[0] + ys * crossing.normal[1]
    off = (xs - crossing.point[0]) * side[0] + (ys - crossing.point[1]) * side[1]
    half = crossing.half_width
    near = (lines >= CARRY_LINES[0]) & (lines <= CARRY_LINES[1]) & (np.abs(off) <= half + 1.0)
    fade = 1.0 - np.clip(along / max(reach, 1.0), 0.0, 1.0)
    if not near.any():
        return np.zeros(along.shape + (3,)), np.zeros(along.shape)
    bins = np.rint(off[near] + half + 1.0).astype(np.int64)  # (one pixel wide, across the arm)
    count = np.bincount(bins)
    shown = np.flatnonzero(count)
    colours = image[ys[near], xs[near]].astype(np.float64)
    profile = np.stack([np.bincount(bins, colours[:, c])[shown] / count[shown] for c in range(3)], axis=1)
    at = np.clip(across * half / np.maximum(width, 1e-6), -half, half) + half + 1.0
    colour = np.stack([np.interp(at, shown, profile[:, c]) for c in range(3)], axis=1)
    return colour, fade * fade * (3.0 - 2.0 * fade)


CARRY_LINES = (2, 6)  # (lines inside the border) where a cut forearm's colours are read from


def balance_skin(image: np.ndarray, arm: np.ndarray, skin_px: np.ndarray, sample: np.ndarray, skin: np.ndarray) -> None:
    """Take the colour cast of a lamp off an arm's skin in ``image`` (changed in place): its ``skin_px`` (HxW),
    and the ``arm``'s pixels within BALANCE_RIM of them (its outline, blended with what lies beside it), are
    scaled channel by channel so that the median of its ``sample`` pixels becomes ``skin`` (RGB): each keeps its
    shading and grain, in the skin's colour. Nothing changes with fewer than BALANCE_SAMPLE pixels to read."""
    if sample.sum() < BALANCE_SAMPLE:
        return
    gain = np.asarray(skin, np.float32) / np.maximum(np.median(image[sample], axis=0).astype(np.float32), 1.0)
    rim = ndimage.binary_dilation(skin_px, np.ones((3, 3), bool), iterations=BALANCE_RIM)
    where = arm & rim
    image[where] = np.clip(image[where].astype(np.float32) * gain + 0.5, 0, 255).astype(image.dtype)


BALANCE_SAMPLE = 20  # (pixels) the fewest of an arm's skin its colour cast is read from
BALANCE_RIM = 2  # (pixels) the arm's outline this near its skin is balanced with it

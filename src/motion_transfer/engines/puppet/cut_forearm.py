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

from .drawn_hand import SHADE_RANGE
from .model import segment_distance, smoothstep


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


def cross_profile(image: np.ndarray, solid: np.ndarray, crossing: BorderCrossing,
                  lines: tuple[float, float]) -> tuple[np.ndarray, np.ndarray] | None:
    """The image's colours across a forearm the border cuts, from its ``solid`` pixels (HxW) ``lines`` (from, to)
    inside the border: ([K] offsets across it in its half-widths, -1..1 from its side to the left of ``out`` to the
    other; [K, 3] the mean colour there). Each line is measured across its own stretch of the arm (its middle and
    half-width there, so an arm that narrows or bends over the lines keeps its sides apart), in PROFILE_BINS steps,
    smoothed over PROFILE_SMOOTH of them. None when it shows too little of the arm (fewer than MIN_LINES lines)."""
    side = np.array([-crossing.out[1], crossing.out[0]])
    ys, xs = np.nonzero(solid)
    line = crossing.line + xs * crossing.normal[0] + ys * crossing.normal[1]
    off = (xs - crossing.point[0]) * side[0] + (ys - crossing.point[1]) * side[1]
    near = (line >= lines[0]) & (line <= lines[1]) & (np.abs(off) <= crossing.half_width + 1.0)
    if not near.any():
        return None
    t = np.rint(line[near]).astype(np.int64)
    t -= t.min()
    off = off[near]
    lo = np.full(t.max() + 1, np.inf)
    hi = np.full(t.max() + 1, -np.inf)
    np.minimum.at(lo, t, off)
    np.maximum.at(hi, t, off)
    half = 0.5 * (hi - lo)[t]
    wide = half >= 1.0
    if len(np.unique(t[wide])) < MIN_LINES:
        return None
    u = (off[wide] - 0.5 * (hi + lo)[t][wide]) / half[wide]
    bins = np.clip(np.rint((u + 1.0) * 0.5 * (PROFILE_BINS - 1)).astype(np.int64), 0, PROFILE_BINS - 1)
    colours = image[ys[near][wide], xs[near][wide]].astype(np.float64)
    count = np.bincount(bins, minlength=PROFILE_BINS).astype(np.float64)
    sums = np.stack([np.bincount(bins, colours[:, c], minlength=PROFILE_BINS) for c in range(3)], axis=1)
    # (smoothed as counts and sums, so a bin few pixels fell in borrows from its neighbours)
    count = ndimage.gaussian_filter1d(count, PROFILE_SMOOTH, mode="nearest")
    sums = ndimage.gaussian_filter1d(sums, PROFILE_SMOOTH, axis=0, mode="nearest")
    shown = count > 1e-3
    return np.linspace(-1.0, 1.0, PROFILE_BINS)[shown], sums[shown] / count[shown, None]


PROFILE_BINS = 21  # the steps a forearm's colours across itself are read in
PROFILE_SMOOTH = 1.0  # ... smoothed over this many of them (the camera's grain is no shading)


def profile_look(profile: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(skin, shade), RGB: the colours a hand drawn at the end of a forearm with the colours across it ``profile``
    (:func:`cross_profile`) is painted in: the mean along its middle half, turning at its sides to that as much
    darker as the forearm's sides are than its middle (within ``drawn_hand.SHADE_RANGE``). In the skin of the
    chest or the face, the hand was a sticker of another colour at the end of the photographed arm (TikTok
    character 2's orange hand on her pale forearm)."""
    u, colours = profile
    middle = np.abs(u) <= 0.5
    sides = np.abs(u) >= SIDES
    skin = colours[middle].mean(axis=0) if middle.any() else colours.mean(axis=0)
    lum = colours.mean(axis=1)
    ratio = lum[sides].mean() / max(float(skin.mean()), 1.0) if sides.any() else 1.0
    return skin.astype(np.float32), (skin * np.clip(ratio, *SHADE_RANGE)).astype(np.float32)


SIDES = 0.7  # a forearm's sides, as the share of its half-width from its middle line


def carry_across(seam: tuple[np.ndarray, np.ndarray], body: tuple[np.ndarray, np.ndarray], along: np.ndarray,
                 across: np.ndarray, width: np.ndarray, reach: float, length: float) -> tuple[np.ndarray, np.ndarray]:
    """The image's own colours of a forearm where the border cuts it, handed on to the pixels of the forearm drawn
    past it (each given by how far ``along`` its middle line, ``length`` long, it lies, its offset ``across`` it
    and the drawn arm's half-``width`` there): each takes the colour the forearm shows at the same share of the way
    across it (:func:`cross_profile`), as its last lines inside the border show it (``seam``) where it leaves them,
    turning over ``reach`` pixels along it to those further in (``body``: its shading across itself, not the last
    rows' blur), and fading into the drawn hand's skin over the last WRIST_BLEND of it. Returns ([N, 3] float
    colours, [N] weights). From the border's last row alone, often blurred or darkened, the forearm began at a dark
    straight seam along the border; faded into the drawn skin from the border on (lit in its middle, evenly darker
    at both sides), the drawn forearm was a flat tube beside the photographed arm, its lit and shaded sides lost
    (TikTok character 4's raised forearms, 4<-5 frames 140-150)."""
    at = np.clip(across / np.maximum(width, 1e-6), -1.0, 1.0)
    near, far = (np.stack([np.interp(at, u, c[:, k]) for k in range(3)], axis=1) for u, c in (seam, body))
    fade = smoothstep(0.0, 1.0, 1.0 - along / max(reach, 1.0))[:, None]
    return fade * near + (1.0 - fade) * far, smoothstep(0.0, 1.0, (length - along) / max(WRIST_BLEND * length, 1.0))



WRIST_BLEND = 0.25  # a drawn forearm turns from its own colours to its hand's over this last share of it


CARRY_LINES = (2, 6)  # (lines inside the border) where a cut forearm's colours are read from at the seam
CARRY_DEPTH = 0.6  # ... and further in, over this share of the way from the border to its elbow


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

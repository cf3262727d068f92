"""Thin straight bright bars of the backdrop (a chair's or a railing's) that the person mask took in along the
figure's outline.

MediaPipe's mask of character 0 holds the white bar of the chair behind her along her trousers' picture-left
edge (and the wall past it): below her cuff the bar meets the white trousers in colour, so GrabCut's colour
models keep it as figure. Labelled as the body it drew a thin pale line with a dark dot at its top along her
trousers once the arm before it moved. A bar is told by its shape: a line a few pixels wide, brighter than
both its sides, straight over a long run, lying at the mask's outline (the backdrop on its far side for part
of that run). It is cut out along its whole straight length (on past where the ridge fades into a colour like
its own) once the parts are labelled, and the slivers the cut parts from the figure go with it.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from .morphology import disc
from .parts import LABELLED

WIDTH = 0.03  # (shoulder widths) a bar is at most this wide: a thin line, not a limb
RISE = 15.0  # (Lab lightness) a bar stands this much above what lies around it, on both sides
REACH = 0.08  # (shoulder widths) a bar lies this near the mask's outline
LENGTH = 0.15  # (shoulder widths) a bar is straight over at least this long a run
OUTSIDE = 0.25  # a bar has the backdrop on its far side over at least this share of its run
ALIKE = 20.0  # (Lab) the cut follows the bar's line while it and the backdrop beside it keep their colours
# a bar is colourless (a white or metal chair's: Lab chroma 5 along character 0's) where a lit blonde lock, a
# highlit rim of skin or a drawn collar along the outline is coloured (chroma 9-20 on the pictures rigged)
NEUTRAL = 8.0
# and the person mask is unsure of it (0.73 on average along character 0's bar, its soft edge), where it is sure
# of a white collar or a grey sleeve's rim of the figure's own (0.85-0.98), and a bar it left out is no business
# of its own (the growth took it)
UNSURE = (0.3, 0.8)


def without_bars(matte: np.ndarray, labels: np.ndarray, image: np.ndarray, person: np.ndarray,
                 shoulder_width: float) -> tuple[np.ndarray, np.ndarray]:
    """(matte, part labels) less the bars of the backdrop along the matte's outline (:func:`bars_in_mask`): their
    pixels are no part's, nor the slivers of a part the cut parts from it (the bar's far rim, smaller than the
    bar), which would ride on the layer beside it as a pale fleck. ``matte`` HxW float32 0..1, ``labels`` HxW
    part indices (-1 none), ``person`` the pose model's person mask (HxW float32 0..1) the matte was cut from;
    the cut's border is edge-aware, as the matte's own."""
    bars = bars_in_mask(matte > 0.5, image, person, shoulder_width)
    if not bars.any():
        return matte, labels
    r = max(2, round(0.004 * max(bars.shape)))
    cut = cv2.ximgproc.guidedFilter(image.astype(np.float32) / 255.0, bars.astype(np.float32), r, 1e-4)
    cut = np.clip((cut - 0.5) * 2.0 + 0.5, 0.0, 1.0)
    cut[bars] = 1.0
    out, labels = np.minimum(matte, 1.0 - cut), labels.copy()
    labels[out <= LABELLED] = -1
    pieces, _ = ndimage.label(labels >= 0, structure=np.ones((3, 3)))
    touching = np.unique(pieces[cv2.dilate(bars.astype(np.uint8), disc(r)).astype(bool)])
    sizes = np.bincount(pieces.ravel())
    slivers = touching[(touching > 0) & (sizes[touching] < bars.sum())]
    labels[np.isin(pieces, slivers)] = -1
    # a crack no part held inside the figure (character 0: a row under her cuff's corner, closed on its far
    # side by the bar's pixels) is opened by the cut into a dark notch: it goes to the part beside it
    near = cv2.dilate((cut > 0).astype(np.uint8), disc(2 * r)).astype(bool)
    figure = labels >= 0
    crack = (near & (matte > 0.5) & ~bars & ~figure
             & cv2.morphologyEx(figure.astype(np.uint8), cv2.MORPH_CLOSE, disc(r)).astype(bool))
    if crack.any():
        _, (iy, ix) = ndimage.distance_transform_edt(~figure, return_indices=True)
        labels[crack] = labels[iy[crack], ix[crack]]
    # near the cut, what no part holds is backdrop (the bar's soft far rim; the wall the mask took in past it)
    out[near & (labels < 0)] = 0.0
    return out.astype(np.float32), labels


def bars_in_mask(hard: np.ndarray, image: np.ndarray, person: np.ndarray, shoulder_width: float) -> np.ndarray:
    """HxW bool: the pixels of the thin straight bright colourless bars the mask ``hard`` (HxW bool) took in along
    its outline, of which the person mask ``person`` (0..1) is unsure, each as a strip along its whole straight
    length inside the mask. ``image`` RGB of the same size."""
    out = np.zeros_like(hard)
    width = max(2, round(WIDTH * shoulder_width))
    lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    light = lab[:, :, 0]
    ridge = light - cv2.morphologyEx(light, cv2.MORPH_OPEN, disc(width))  # only what is thinner than 2 widths
    near = hard & ~cv2.erode(hard.astype(np.uint8), disc(max(1, round(REACH * shoulder_width)))).astype(bool)
    found = ((ridge > RISE) & near).astype(np.uint8)
    length = max(8, round(LENGTH * shoulder_width))
    lines = cv2.HoughLinesP(found, 1, np.pi / 180, threshold=length // 2, minLineLength=length, maxLineGap=3)
    for x0, y0, x1, y1 in ([] if lines is None else lines[:, 0]):
        a, b, thick = _fitted(ridge, found, (x0, y0), (x1, y1), width)
        run = float(np.linalg.norm(b - a))
        d = (b - a) / run
        n = np.array([-d[1], d[0]])
        on = a + np.arange(0.0, run + 1.0)[:, None] * d
        if _inside(out, on).mean() > 0.5:
            continue  # a second segment Hough found on the same bar
        sides = [_inside(hard, on + s * (thick + 2) * n) for s in (1.0, -1.0)]
        far = (thick + 2) * n * (1.0 if sides[0].mean() < sides[1].mean() else -1.0)
        if 1.0 - min(side.mean() for side in sides) < OUTSIDE:
            continue  # the figure on both sides: a stripe of its own
        bar = np.median(_sample(lab, on), axis=0)
        sure = float(_sample(person, on).mean())
        if np.hypot(bar[1], bar[2]) >= NEUTRAL or not UNSURE[0] <= sure <= UNSURE[1]:
            continue  # coloured, or the person mask's own certainty: the figure's, not a chair's
        back = np.median(_sample(lab, on + far), axis=0)
        a, b = _extend(a, -d, far, lab, bar, back), _extend(b, d, far, lab, bar, back)
        ends = (round(a[0]), round(a[1])), (round(b[0]), round(b[1]))
        cv2.line(out.view(np.uint8), *ends, 1, thick)  # (drawn a pixel wider each side: the bar's blended rims)
    return out & hard


def _fitted(ridge: np.ndarray, found: np.ndarray, a: tuple[int, int], b: tuple[int, int],
            width: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(start, end, width in pixels) of the bar along the Hough segment ``a``-``b``: the line through the
    ridge's middle across each step of the segment (which is only as exact as its one-degree steps, and may lean
    on a fainter line beside the bar), as wide as the ``found`` ridge is across it (median)."""
    p, q = np.array(a, np.float64), np.array(b, np.float64)
    run = float(np.linalg.norm(q - p))
    d = (q - p) / run
    n = np.array([-d[1], d[0]])
    t = np.arange(0.0, run + 1.0)
    s = np.arange(-width, width + 1.0)
    grid = p + t[:, None, None] * d + s[None, :, None] * n  # [steps, offsets, 2]
    across = _sample(ridge, grid.reshape(-1, 2)).reshape(len(t), len(s))
    weight = np.clip(across - RISE / 2, 0.0, None)  # (the middle of a flat-topped ridge, not its first pixel)
    seen = weight.sum(axis=1) > 0
    if seen.sum() < 2:
        return p, q, 1
    crest = (weight[seen] * s).sum(axis=1) / weight[seen].sum(axis=1)
    slope, shift = np.polyfit(t[seen], crest, 1)
    thick = int(np.median(_sample(found, grid.reshape(-1, 2)).reshape(len(t), len(s)).sum(axis=1)))
    return p + shift * n, p + run * d + (shift + slope * run) * n, max(1, thick)


def _sample(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    h, w = values.shape[:2]
    x = np.clip(np.round(points[:, 0]).astype(int), 0, w - 1)
    y = np.clip(np.round(points[:, 1]).astype(int), 0, h - 1)
    return values[y, x]


def _inside(hard: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Whether each point lies in ``hard`` (a point past the picture's border is not)."""
    h, w = hard.shape
    x, y = np.round(points[:, 0]).astype(int), np.round(points[:, 1]).astype(int)
    ok = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    out = np.zeros(len(points), bool)
    out[ok] = hard[y[ok], x[ok]]
    return out


def _extend(end: np.ndarray, d: np.ndarray, far: np.ndarray, lab: np.ndarray, bar: np.ndarray,
            back: np.ndarray) -> np.ndarray:
    """The farthest point from ``end`` along ``d`` to which the bar's line runs on in the picture, in the bar's
    colour ``bar`` with the backdrop's ``back`` beside it (``far`` off the line; both within ALIKE, Lab): where
    the bar meets a colour like its own its ridge fades, but a straight bar goes on, and the backdrop with it (a
    line on into a white shirt has the shirt beside it, and stops)."""
    h, w = lab.shape[:2]
    steps = np.arange(1.0, float(h + w))
    points = end + steps[:, None] * d
    inside = (points[:, 0] > -0.5) & (points[:, 0] < w - 0.5) & (points[:, 1] > -0.5) & (points[:, 1] < h - 0.5)
    goes = (inside & (np.linalg.norm(_sample(lab, points) - bar, axis=1) < ALIKE)
            & (np.linalg.norm(_sample(lab, points + far) - back, axis=1) < ALIKE))
    stop = np.flatnonzero(~goes)
    return end + (float(stop[0]) if len(stop) else float(len(steps))) * d

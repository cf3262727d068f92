"""The body below the image's bottom edge: a close-up's clothes carried on past the cut, shaped and coloured as
the torso is just above it.

A close-up cut by its bottom edge shows the body moved up or the arms moved away, so the body layer goes on past
the edge. The image's last row repeated down drew it as a curtain of vertical streaks, in whatever that row held:
the shade under a white top's bust (grey-brown), a sleeve's rim or a strip of forearm at the torso's sides, each
side a long straight vertical edge (TikTok clip 5). Here the torso crossing the edge goes on with its sides
continued (each the slope the image shows; a side hidden by a hanging arm mirrors the other, or heads for the
hip), soft and anti-aliased, and painted from the torso rows just above the edge that are of the material
crossing it (joined to the edge with no sharp change of colour: a neckline's skin, a hem, a print above it are
other things): their smooth shading mirrored down across the edge and held below, with their own texture.
"""
from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J, shoulder_span
from .colour_step import colour_step
from .model import PARTS

BAND = 0.3  # the torso's rows this far (shoulder widths) above the edge say what it is below it
OUTLINE_BAND = 0.15  # ... and its sides over this many of them the slope they go on at
SIDE_SEEN = 0.5  # a side with the backdrop beyond it in this share of those rows is the body's own outline
MAX_SLOPE = 0.4  # a side leans out or in at most this much (pixels across per pixel down)
HIP_OUT = 0.12  # a side hidden at both sides heads for the hip's outline this far (shoulder widths) out from
#                 the hip joint
STEP = 5.0  # a change of colour this sharp (CIE Lab, OpenCV's 8-bit scale, per pixel) parts two materials
CROSSING = 0.15  # ... that crosses the edge over at least this share of the torso's width there
SMOOTH = 0.04  # the shading carried down is the band's colour blurred this much (shoulder widths)
DETAIL_SIGMA = 3.0  # the texture carried down: what a blur of this many pixels takes out of the band
DETAIL_CLIP = 2.5  # ... at most this many times its usual strength (robust spread)
SEAM = 0.05  # the band's own pixels mirrored across the edge hand over to its shading this deep (shoulder widths)
SOFT = 1.5  # the sides' anti-aliased edge (pixels)


def continue_below(image: np.ndarray, matte: np.ndarray, labels: np.ndarray, joints: np.ndarray,
                   frame: tuple[int, int, int, int]) -> None:
    """Paint the torso below the image's bottom edge on the padded arrays (``image``, ``matte``, ``labels``, the
    image's rows repeated below it; changed in place; ``frame``: x, y, width, height of the image inside them,
    ``joints`` in their pixels). Only where the torso crosses the edge; its other pixels repeated below it (the
    edge of a sleeve given to the torso, beyond the sides) are cleared."""
    x0, y0, w, h = frame
    edge = y0 + h
    Hp, Wp = labels.shape
    if edge >= Hp:
        return
    sw = shoulder_span(joints, 1.0)
    torso = labels == PARTS.index("torso")
    inside = np.zeros(labels.shape, bool)
    inside[y0:edge, x0:x0 + w] = True
    pieces, _ = ndimage.label(torso & inside, structure=np.ones((3, 3)))
    crossing = np.unique(pieces[edge - 1][pieces[edge - 1] > 0])
    if len(crossing) == 0:
        return
    piece = np.isin(pieces, crossing)
    sides = _sides(piece, matte, joints, frame, sw)
    if sides is None:
        return
    xl, xr = sides
    margin_y = np.arange(edge, Hp, dtype=np.float64)[:, None]
    xs = np.arange(Wp, dtype=np.float64)[None, :]
    cover = np.clip((np.minimum(xs - xl(margin_y), xr(margin_y) - xs) + SOFT / 2) / SOFT, 0.0, 1.0)
    # (the head's pixels repeated below it stay: long hair hanging past the edge, which ends in no straight cut)
    body = labels[edge:] == PARTS.index("torso")
    band = max(4, min(h, round(BAND * sw)))
    image[edge:] = _painted(image, piece, matte, edge, band, sw, cover > 0)[edge:]
    labels[edge:] = np.where(cover > 0, PARTS.index("torso"), np.where(body, -1, labels[edge:]))
    matte[edge:] = np.where(cover > 0, cover, np.where(body, 0.0, matte[edge:])).astype(matte.dtype)


def _sides(piece: np.ndarray, matte: np.ndarray, joints: np.ndarray, frame: tuple[int, int, int, int],
           sw: float) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]] | None:
    """(x of the left side, x of the right side) as functions of the row below the edge, or None. Each side starts
    where the torso's outermost pixel at the edge is and goes on at the slope its outline shows over the rows just
    above (where the backdrop lies beyond it); a side hidden by an arm mirrors the other side's slope, or with
    both hidden, each heads for its hip's outline. The lean eases out to none at the hips' level (or a band below
    the edge), so the sides end upright without a kink. A side at the image's own side border stays there."""
    x0, y0, w, h = frame
    edge = y0 + h
    rows = np.arange(max(y0, edge - max(3, round(OUTLINE_BAND * sw))), edge)
    found = piece[rows].any(axis=1)
    rows = rows[found]
    if len(rows) < 3:
        return None
    left = np.array([np.flatnonzero(piece[r]).min() for r in rows], np.float64)
    right = np.array([np.flatnonzero(piece[r]).max() for r in rows], np.float64)
    starts = {"l": float(np.median(left[-3:])), "r": float(np.median(right[-3:])) + 1.0}
    slopes: dict[str, float | None] = {}
    border: dict[str, bool] = {}
    for s, xs, out in (("l", left, -2), ("r", right, 2)):
        xi = np.clip(xs.astype(int) + out, 0, matte.shape[1] - 1)
        border[s] = bool(np.mean((xs <= x0 + 1) if s == "l" else (xs >= x0 + w - 2)) > 0.5)
        seen = (matte[rows, xi] < 0.5) & (xi >= x0) & (xi < x0 + w)
        slopes[s] = float(np.polyfit(rows, xs, 1)[0]) if seen.mean() >= SIDE_SEEN else None
    hips = joints[[J["left_hip"], J["right_hip"]], :2].astype(np.float64)
    hip_y = float(hips[:, 1].mean())
    reach = max(hip_y - edge, BAND * sw)
    for s, other in (("l", "r"), ("r", "l")):
        if slopes[s] is None and slopes[other] is not None:
            slopes[s] = -slopes[other]
    for s, hip_x in (("l", hips[:, 0].min() - HIP_OUT * sw), ("r", hips[:, 0].max() + HIP_OUT * sw)):
        if slopes[s] is None:  # (the lean eases out halfway: twice the slope reaches the hip's outline)
            slopes[s] = 2.0 * (hip_x - starts[s]) / reach if hip_y > edge else 0.0

    def side(s: str) -> Callable[[np.ndarray], np.ndarray]:
        if border[s]:
            far = -1e9 if s == "l" else 1e9
            return lambda y: np.full_like(y, far)
        x, slope = starts[s], float(np.clip(slopes[s], -MAX_SLOPE, MAX_SLOPE))
        # (the slope eases to nothing over ``reach``: x' = slope (1 - u), u the share of it gone down)
        return lambda y: x + slope * reach * _eased(np.clip((y + 0.5 - edge) / reach, 0.0, 1.0))

    return side("l"), side("r")


def _eased(u: np.ndarray) -> np.ndarray:
    return u - u * u / 2


def _painted(image: np.ndarray, piece: np.ndarray, matte: np.ndarray, edge: int, band: int, sw: float,
             hole: np.ndarray) -> np.ndarray:
    """``image`` with the rows from ``edge`` down painted where ``hole`` (over those rows) holds: from the
    ``band`` rows of the torso ``piece`` above the edge that are the material crossing it (:func:`_material`),
    their blurred colour mirrored down across the edge (held at the band's top beyond its depth), with their
    texture mirrored back and forth down the rows."""
    out = image.copy()
    top = edge - band
    crop = image[top:].astype(np.float32)
    known = np.zeros(crop.shape[:2], bool)
    known[:band] = _material(image[top:edge], piece[top:edge] & (matte[top:edge] >= 0.9))
    if known.sum() < 20:
        known[:band] = piece[top:edge]
    if not known.any():
        return out
    filled = _across(crop[:band], known[:band])
    low = cv2.GaussianBlur(filled, (0, 0), max(1.0, SMOOTH * sw))
    detail = crop[:band] - cv2.GaussianBlur(crop[:band], (0, 0), DETAIL_SIGMA)
    d = detail[known[:band]]
    spread = 1.4826 * np.median(np.abs(d - np.median(d, axis=0)), axis=0) + 1.0
    detail = np.clip(detail, -DETAIL_CLIP * spread, DETAIL_CLIP * spread)
    # (none from beside what is not the material: a print's letters left their outline in what a blur takes out)
    # nor from the band's ends (the blur's border bends a shading ramp there: bounced, it drew bands across)
    clear = cv2.erode(known[:band].astype(np.uint8), None, iterations=round(2 * DETAIL_SIGMA),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0)
    weight = cv2.GaussianBlur(clear.astype(np.float32), (0, 0), 1.5) * clear
    depth = np.arange(image.shape[0] - edge)
    mirrored = band - 1 - np.minimum(depth, band - 1)
    turn = depth % (2 * band)
    bounced = np.where(turn < band, band - 1 - turn, turn - band)
    # right at the edge the band itself mirrored (no seam where the image ends), handing over to its shading
    near = np.exp(-depth / max(1.0, SEAM * sw))[:, None, None]
    value = (low[mirrored] + near * (filled[mirrored] - low[mirrored])
             + (1.0 - near) * detail[bounced] * weight[bounced][..., None])
    out[edge:][hole] = np.clip(value[hole] + 0.5, 0, 255).astype(image.dtype)
    return out


def _across(rows: np.ndarray, known: np.ndarray) -> np.ndarray:
    """HxWx3 float32: each row of ``rows`` with its pixels that are not ``known`` taken from the known ones beside
    them in that row (interpolated across; a row without any, the nearest row's). Filled from all around, the
    gap a V-neck's tip leaves in the band took the shade below it, and drew a grey column down the body."""
    out = rows.astype(np.float32).copy()
    has = np.flatnonzero(known.any(axis=1))
    xs = np.arange(rows.shape[1])
    for r in has:
        k = np.flatnonzero(known[r])
        out[r] = np.stack([np.interp(xs, k, out[r, k, c]) for c in range(out.shape[2])], axis=1)
    nearest = has[np.clip(np.searchsorted(has, np.arange(len(rows))), 0, len(has) - 1)]
    return out[nearest] if len(has) < len(rows) else out


def _material(band: np.ndarray, solid: np.ndarray) -> np.ndarray:
    """The ``solid`` pixels of the ``band`` of rows above the edge joined to its last row with no sharp change of
    colour (STEP) between: the material crossing the edge, its shading included, but not the skin of a neckline,
    a hem or a print above it; nor a sliver of something else crossing it (CROSSING: the strip of a forearm
    beside a hanging sleeve, given to the torso, mirrored down as a skin-coloured streak)."""
    step = colour_step(band, 1.5) > STEP
    # (thickened: the blur softens the tip of a V-neck, which joined the skin to the top through it)
    step = cv2.dilate(step.astype(np.uint8), None).astype(bool)
    pieces, _ = ndimage.label(solid & ~step)
    crossing, width = np.unique(pieces[-1][pieces[-1] > 0], return_counts=True)
    return np.isin(pieces, crossing[width >= CROSSING * max(1, int(solid[-1].sum()))])

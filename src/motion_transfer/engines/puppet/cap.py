"""The top of a head the image cuts off at its top edge, painted once per character with its own hair.

A character whose head runs off the image's top edge has no crown to show when the motion moves the head down
into view. :func:`cap_rows` says how many rows above the image the head needs; :func:`top_cap` paints them: the
outline goes on as the upper half of an ellipse (as high as a head is above its eyes, and at least a good part
of its width), and the hair along the head's outline below the edge is carried over the top in polar strips, so
the crown reads as the same hair, not as a smooth dome (which looked bald), in the hair's light and shade and with
an outline of tufts (an evenly shaded dome with a smooth rim read as a helmet).
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J
from .fill import lab_distance, push_pull_fill
from .model import smoothstep


CAP_HEIGHT = 0.45  # without a face to measure: the cap's height over its half-width at the edge
CAP_MIN = 0.55  # the top of a head goes on at least this far above the edge (times the cut's half-width)
CROWN_SIDES = 0.25  # the slope of the head's sides is read over this many rows below the edge (times it too)
HEAD_TOP = 0.8  # the top of the head (hair included) above the eye line, in ear-to-ear widths (a frontal head)
PROFILE = 1.35  # the head's breadth over the distance from the nose to the farther ear (seen from the side)
WISP = 0.05  # the outline's tufts reach out and in this far (times its radius) ...
WISP_WIDTH = 4.0  # ... each about this many pixels wide along it
CAP_FEATHER = 0.12  # the cap's soft rim, as a share of its half-width (hair ends in wisps, not an edge)
SKIN_DELTA_E = 25.0  # band pixels this near the face's colour (Lab) are skin, not hair: never painted on the cap
SKIN_HUE = 20.0  # ... and within this many degrees of its hue (the Lab a-b angle)
HAIR_RING = (0.7, 1.1)  # the cap's hair is taken from this band along the head's outline (in radii of its ellipse)
HAIR_BELOW = 0.3  # ... down to this far below the eye line (in heights of the ellipse): the hair at the temples
HAIR_SOLID = 0.97  # ... where the matte is this solid (the outline's soft rim mixes in the backdrop)
HAIR_TONE = 15.0  # the ring's pixels this near its commonest colour (Lab, lightness times HAIR_LIGHTNESS) are hair
HAIR_LIGHTNESS = 0.35  # (strands' light and shade differ more than their hue; shaded skin differs in hue)
HAIR_STRANDS = 0.22  # ... but off the skin, its lit and shaded strands are hair at this lightness weight
SKIN_BLEND = 3  # ... nor within this many pixels of the skin (the two blend along the face's outline)
HAIR_MODE = 6.0  # ... the commonest colour: the one with most pixels this alike, among HAIR_SAMPLE of them
HAIR_SAMPLE = 1500
HAIR_SIDE = np.radians(135)  # hair lower down the sides than this (from the top of the head) is not the head's
HAIR_TINT = 0.3  # the cap keeps this share of its strands' departures from the hair's median hue
HAIR_CONTRAST = 2.0  # the cap's light and shade is spread out to the hair's, by at most this factor
TILE_SHIFT = 0.37  # each tile across the strands reads the strip this share of its length farther on
TILE_BLEND = 0.3  # ... and the tile outside it fades out over this share of its width
PART = np.radians(10)  # the hair of the two sides meets at the top in a parting this soft (half-width)
HAIRLINE = 0.5  # over a forehead cut by the edge the hairline arches at most this high (times the forehead's
#                half-width at the edge: a gap in the hair is no forehead) ...
HAIRLINE_MAX = 0.1  # ... and at least this share of the cap's height, or ...
FOREHEAD_TOP = 0.9  # ... as high as a face's hairline is: this many eye-to-mouth distances above the eyes ...
FOREHEAD_MAX = 0.4  # ... but at most this share of the cap's height
HAIRLINE_SOFT = 0.25  # the hair takes over from the edge's colours over this share of the cap's height


def _head_dome(joints: np.ndarray, top: int) -> tuple[float, float, float] | None:
    """(centre x, centre y, height) of the half-ellipse the top of the head follows, in the padded image whose
    first ``top`` rows lie above the original image: centred on the eye line, as high as HEAD_TOP ear-to-ear
    widths. None when the eyes or ears were not seen (no face to measure: a back view, a mascot)."""
    eyes = joints[[J["left_eye"], J["right_eye"]]]
    ears = joints[[J["left_ear"], J["right_ear"]]]
    # the head's breadth: ear to ear facing the camera; turned away, the ears close up but the nose stays as far
    # from the ear behind it
    width = max(float(np.linalg.norm(ears[0] - ears[1])),
                PROFILE * float(np.linalg.norm(joints[J["nose"]] - ears, axis=1).max()))
    if not np.isfinite(eyes).all() or width < 4:
        return None
    centre = eyes.mean(axis=0)
    return float(centre[0]), float(centre[1]), HEAD_TOP * width


def cap_rows(matte: np.ndarray, joints: np.ndarray) -> int:
    """How many rows above the image the top of a head cut by the top edge needs (0: none cut)."""
    dome = _head_dome(joints, 0)
    if dome is None or dome[1] <= 0:
        return 0
    edge = np.concatenate([[False], matte[0] > 0.5, [False]])
    starts, ends = np.flatnonzero(edge[1:] & ~edge[:-1]), np.flatnonzero(~edge[1:] & edge[:-1])
    held = [(x1 - x0) / 2 for x0, x1 in zip(starts, ends) if x0 <= dome[0] <= x1]
    if not held:
        return 0
    return max(0, int(np.ceil(max(dome[2] - dome[1], CAP_MIN * held[0]))) + 2)


def top_cap(image: np.ndarray, matte: np.ndarray, top: int, joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(``image`` with its ``top`` padded rows painted, their alpha [top, W]) for a character cut by the top edge.

    The run of the character along the edge that holds the head continues as the top of a head: the upper half
    of an ellipse centred on the eye line, as high as a head is above its eyes, and as wide as the run where it
    crosses the edge (so the head's outline goes on without a kink); where that would rise less than CAP_MIN of
    the run's width (the edge cuts high on the forehead) the crown rises that much, its outline going on from the
    head's sides (:func:`_crown`). Other runs (or a head without a face to measure, or one whose face ends below
    the edge: what the edge cuts sits on the head) get a low rounded cap as wide as the run. The rim is soft
    across the outline. Painted with the head's own hair (:func:`_hair_texture`: the hair along its outline,
    carried on over the top as a head's hair lies; under a low cap over a face, the outline round the face, as
    what crosses the head at the edge, sunglasses pushed up, is no hair), which takes over from the edge's own
    colours a little above the edge (no seam where the image ends), above a forehead only past an arched
    hairline. A smooth dome in the hair's average colour read as a bald head."""
    H, W = matte.shape
    edge = np.concatenate([[False], matte[top] > 0.5, [False]])
    starts, ends = np.flatnonzero(edge[1:] & ~edge[:-1]), np.flatnonzero(~edge[1:] & edge[:-1])
    dome = _head_dome(joints, top)
    yy, xx = np.mgrid[0:top, 0:W].astype(np.float32)
    alpha = np.zeros((top, W), np.float32)
    head = None  # the ellipse (centre x, centre y, half-width, height) of the head's run, else of the widest
    frame = None  # ... and the one whose outline the head's hair follows (the face's, below a low cap)
    for x0, x1 in sorted(zip(starts, ends), key=lambda run: run[0] - run[1]):
        half = max(1.0, (x1 - x0) / 2)
        cx, cy, b = x0 + half, float(top), min(float(top), CAP_HEIGHT * half)
        if dome is not None and x0 <= dome[0] <= x1:
            above = dome[1] - top  # the eye line's distance below the edge
            if 0 < above < 0.95 * dome[2] and dome[2] - above >= CAP_MIN * half:
                cy, b = dome[1], min(dome[2], above + top - 1)
                half = half / np.sqrt(1.0 - (above / b) ** 2)
                head = (cx, cy, half, b)
            elif 0 < above < 0.95 * dome[2]:
                # the edge cuts the head high on the forehead: the face's dome would end in a flat lid, so the
                # crown rises CAP_MIN of the cut's width and its outline goes on from the head's sides
                cy, b, half = _crown(matte, top, x0, x1, min(CAP_MIN * half, top - 1.0), above)
                head = (cx, cy, half, b)
            elif above > 0:
                # the face's dome ends below the edge (what the edge cuts sits on the head: sunglasses pushed up):
                # the cap stays low, its hair is read along the outline of the head round the face
                frame = _face_frame(matte, top, cx, dome, b)
        head = head or (cx, cy, half, b)
        r = np.sqrt(((xx - cx) / half) ** 2 + ((yy - cy) / b) ** 2) - _wisps(xx, yy, cx, cy, half, b, top)
        # soft across its outline, half in and half out: at the edge it is as wide as the run it goes on from
        # (fading in from inside it left square shoulders where the cap met the image)
        soft = 1.0 - smoothstep(1.0 - CAP_FEATHER / 2, 1.0 + CAP_FEATHER / 2, r)
        alpha = np.maximum(alpha, soft * (xx >= cx - half) * (xx <= cx + half))
    hole = np.zeros((H, W), bool)
    hole[:top] = alpha > 0.004
    skin = _skin_like(image, joints, dome)
    texture = None
    if head is not None:
        solid = matte > HAIR_SOLID
        frame = frame or head
        hair = _commonest(image, _hair_ring(solid, top, frame) & ~(skin & _face_columns(joints, W)[None, :]), skin)
        texture = _hair_texture(image, hair, hole, frame)
    if texture is None:  # no hair to carry on: the colours along the edge, spread over the cap
        band = max(4, round(0.04 * (H - top)))
        known = np.zeros((H, W), bool)
        known[top:top + band] = matte[top:top + band] > 0.5
        return push_pull_fill(image, hole, known), alpha
    rows = np.flatnonzero((alpha > 0.5).any(axis=1))
    height = float(top - rows.min()) if len(rows) else float(top)
    forehead = (skin[top:top + 3].mean(axis=0) > 0.5) & (matte[top] > 0.5)
    rise = _hairline(forehead, max(HAIRLINE_MAX * height, min(FOREHEAD_MAX * height, _forehead(joints, top))))
    up = smoothstep(0.0, max(2.0, HAIRLINE_SOFT * height), top - yy - rise[None, :])[..., None]
    # below the hairline the edge's own row goes on (the image's padding repeats it): a smoothed fill of the rows
    # under the edge met the image in a visible line across the forehead
    painted = up * texture[:top] + (1 - up) * image[:top].astype(np.float32)
    out = image.copy()
    out[:top] = np.where(hole[:top, :, None], np.clip(painted + 0.5, 0, 255), image[:top]).astype(np.uint8)
    return out, alpha


def _wisps(xx: np.ndarray, yy: np.ndarray, cx: float, cy: float, half: float, b: float, top: int) -> np.ndarray:
    """How far (in radii of the cap's ellipse) its outline reaches out or in at each of the pixels ``xx, yy``:
    tufts a few pixels wide, up to WISP out and in, fading in from the edge (row ``top``) so the outline still
    leaves the image's own at its width. A smooth ellipse's outline read as the rim of a helmet (TikTok clip 0).
    Fixed seed: the same picture, the same cap."""
    bins = max(8, int(np.pi * max(half, b) / WISP_WIDTH))  # round the upper half of the outline
    tufts = ndimage.gaussian_filter1d(np.random.default_rng(0).standard_normal(bins + 4), 1.0, mode="nearest")
    tufts = np.clip(tufts / max(float(tufts.std()), 1e-6), -2.0, 2.0) / 2.0
    angle = np.arctan2((xx - cx) / half, (cy - yy) / b)  # 0 at the top, +-pi/2 level with the centre
    at = np.clip((angle / np.pi + 0.5) * bins + 2, 0, bins + 3)
    rise = max(2.0, top - (cy - b))  # the cap's height above the edge
    return WISP * np.interp(at, np.arange(bins + 4), tufts) * smoothstep(0.0, 0.3 * rise, top - yy)


def _crown(matte: np.ndarray, top: int, x0: int, x1: int, rise: float, above: float) -> tuple[float, float, float]:
    """(centre y, height, half-width) of the half-ellipse over the run ``x0:x1`` of the edge (row ``top``) that
    rises ``rise`` above it and goes on from the slope of the head's sides just below it: centred on the edge
    where they rise straight up, lower (never below the eye line, ``above`` under the edge) the more they lean
    in. Centred on the eye line, a crown this low met the sides at a kink and read as a flat lid."""
    h = max(1.0, (x1 - x0) / 2)
    rows = int(max(3, round(CROWN_SIDES * h)))
    middle = (x0 + x1) // 2
    band = matte[top:top + rows] > 0.5
    # each row's run through the middle: how far it reaches to either side (the padded False stops a full row)
    stop = np.zeros((len(band), 1), bool)
    left = np.argmin(np.concatenate([band[:, :middle + 1][:, ::-1], stop], axis=1), axis=1)
    right = np.argmin(np.concatenate([band[:, middle:], stop], axis=1), axis=1)
    lean = float(np.polyfit(np.arange(len(band)), (left + right) / 2.0, 1)[0]) if len(band) > 2 else 0.0
    lean = float(np.clip(lean, 0.0, 1.0))  # how far in the sides come per row up
    # the ellipse through the run's ends, with the sides' slope there, whose top is ``rise`` above the edge:
    # lean = h d / (rise (2 d + rise)) for its centre d below the edge
    room = h - 2.0 * lean * rise
    d = min(above, lean * rise ** 2 / room) if room > 0 else above
    b = d + rise
    return top + d, b, h / np.sqrt(1.0 - (d / b) ** 2)


def _face_frame(matte: np.ndarray, top: int, cx: float, dome: tuple[float, float, float],
                rise: float) -> tuple[float, float, float, float]:
    """(centre x, centre y, half-width, height) of the head's outline round its face, under a cap rising
    ``rise`` above the edge (row ``top``): centred on the eye line, as wide as the character across it, up to
    the cap's top. Its hair is read along this outline: at the edge lies what sits on the head."""
    row = matte[int(np.clip(round(dome[1]), 0, len(matte) - 1))] > 0.5
    xs = np.flatnonzero(row)
    half = float(np.abs(xs - cx).max()) if len(xs) else 1.0
    inside = np.concatenate([[False], row, [False]])
    starts, ends = np.flatnonzero(inside[1:] & ~inside[:-1]), np.flatnonzero(~inside[1:] & inside[:-1])
    for x0, x1 in zip(starts, ends):
        if x0 <= cx < x1:
            half = max(1.0, (x1 - x0) / 2)
    return cx, float(dome[1]), half, float(dome[1]) - top + rise


def _skin_like(image: np.ndarray, joints: np.ndarray, dome: tuple[float, float, float] | None) -> np.ndarray:
    """HxW bool: the face, not hair: the forehead (the middle of the dome above the eyes) and pixels of the
    face's skin colour (measured around the nose); all False without a face."""
    if dome is None:
        return np.zeros(image.shape[:2], bool)
    h, w = image.shape[:2]
    cx, cy, height = dome
    r = max(2, int(0.1 * height))
    x, y = np.clip(np.round(joints[J["nose"]]).astype(int), 0, [w - 1, h - 1])
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    skin = np.median(lab[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].reshape(-1, 3), axis=0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    forehead = ((xx - cx) / (FOREHEAD[0] * height)) ** 2 + ((yy - cy) / (FOREHEAD[1] * height)) ** 2 < 1
    # blonde hair is as near the skin's colour as shaded skin is, but yellower: the hue tells them apart
    hue = np.degrees(np.arctan2(lab[..., 2] - 128.0, lab[..., 1] - 128.0))
    skin_hue = float(np.degrees(np.arctan2(skin[2] - 128.0, skin[1] - 128.0)))
    return forehead | ((np.linalg.norm(lab - skin, axis=2) < SKIN_DELTA_E) & (np.abs(hue - skin_hue) < SKIN_HUE))


FOREHEAD = (0.45, 1.0)  # the forehead's half-width and height above the eyes, in heights of the head's top


def _face_columns(joints: np.ndarray, width: int) -> np.ndarray:
    """[width] bool: the columns the face spans (from ear to ear, or from the ear to the nose in profile): only
    there is a pixel of the skin's colour taken for skin; beside the face it is blonde hair."""
    points = joints[[J["left_ear"], J["right_ear"], J["left_eye"], J["right_eye"], J["nose"]], 0]
    points = points[np.isfinite(points)]
    x = np.arange(width)
    if len(points) == 0:
        return np.ones(width, bool)
    return (x >= points.min()) & (x <= points.max())


def _hair_ring(solid: np.ndarray, top: int, head: tuple[float, float, float, float]) -> np.ndarray:
    """HxW bool: the ``solid`` pixels (the matte's) below the edge in the band along the head's outline, down to
    the temples: where its hair is, if it has hair there."""
    H, W = solid.shape
    cx, cy, half, b = head
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    s = np.hypot((xx - cx) / half, (yy - cy) / b)
    return (yy >= top) & (yy <= cy + HAIR_BELOW * b) & (s >= HAIR_RING[0]) & (s <= HAIR_RING[1]) & solid


def _commonest(image: np.ndarray, candidates: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """HxW bool: the ``candidates`` near their commonest colour (the one with the most of them closely alike, on
    an even sample): the hair, not the backdrop showing through it, glasses or an earring. The channels' medians
    land on the blend of light strands and dark roots: a brown helmet over a blonde head (TikTok clip 0). Away
    from the ``skin``, strands of that hue much lighter or darker than it are hair too (HAIR_STRANDS): taken
    from the commonest shade alone, the crown was one even brown over blonde-brown hair (TikTok clip 0 again)."""
    if candidates.sum() < 30:
        return candidates
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)[candidates]
    lab *= np.float32([HAIR_LIGHTNESS, 1.0, 1.0])
    sample = lab[::max(1, len(lab) // HAIR_SAMPLE)]
    # (lab_distance: np.linalg.norm's floats; the norm itself, over the last axis of the sample's [n, n, 3]
    # pairs, took 0.3-0.8 s on a head of hair)
    near = (lab_distance(sample[:, None, :], sample[None, :, :]) < HAIR_MODE).sum(axis=1)
    mode = sample[np.argmax(near)]
    # off the skin's colour, lit and shaded strands of the hair's hue are hair too, however light or dark
    strands = lab * np.float32([HAIR_STRANDS / HAIR_LIGHTNESS, 1.0, 1.0])
    mode_strands = mode * np.float32([HAIR_STRANDS / HAIR_LIGHTNESS, 1.0, 1.0])
    # (nor the blend of the two along the face's outline: a ring of it round the crown, across the strands)
    near_skin = cv2.dilate(skin.astype(np.uint8), np.ones((2 * SKIN_BLEND + 1,) * 2, np.uint8)) > 0
    hair = np.zeros_like(candidates)
    hair[candidates] = (lab_distance(lab, mode) < HAIR_TONE) | (
        (lab_distance(strands, mode_strands) < HAIR_TONE) & ~near_skin[candidates])
    return hair


def _hair_texture(image: np.ndarray, hair: np.ndarray, hole: np.ndarray,
                  head: tuple[float, float, float, float]) -> np.ndarray | None:
    """HxWx3 float32, on ``hole``: the head's own ``hair`` carried on over the top of the head (None: too little
    hair to take it from).

    Seen from the front, hair lies along the head's outline: down the sides, over the top from a parting. So in
    polar coordinates around the head's centre (angle from the top, radius in radii of its ellipse) the hair at
    either side is a strip whose strands run along the angle; the cap at that side is painted from that strip,
    turned up over the top (its angle from the edge upwards reads the strip from the edge downwards, stretched
    to fit) and, across the strands, tiled outward from the outline with the strip's own strands, each tile
    reading the strip farther along (mirrored tiles drew chevrons of slanted strands). Unknown bins of the strip
    (the face, a gap in the hair) take the nearest hair along their strand. The two sides meet at a soft parting;
    a side with no hair borrows the other's, read from farther along so the two do not mirror each other. The
    strands keep their light and shade but take the hair's own hue."""
    H, W = hair.shape
    cx, cy, half, b = head
    ys, xs = np.nonzero(hole)
    if len(ys) == 0 or not hair.any():
        return None
    dx, dy = (xs - cx) / half, (cy - ys) / b
    radius, angle = np.hypot(dx, dy), np.arctan2(dx, dy)
    widest = max(float(np.abs(angle).max()), 1e-3)  # where the cap's outline meets the edge
    reach = 1.0 + HAIR_RING[1] - HAIR_RING[0]
    n_r, n_a = int(np.ceil(max(half, b) * reach)) + 1, int(np.ceil(2 * np.pi * max(half, b))) + 1
    radii = np.linspace(0.0, reach, n_r, dtype=np.float32)[None, :]
    # every pixel in its nearest hair pixel's colour: sampling between a strand and the backdrop beside it
    # would carry the backdrop into the cap
    _, (iy, ix) = ndimage.distance_transform_edt(~hair, return_indices=True)
    source = image[iy, ix].astype(np.float32)
    strips = []
    for side in (-1.0, 1.0):
        angles = side * np.linspace(widest, HAIR_SIDE, n_a, dtype=np.float32)[:, None]  # from the edge outwards
        mx = (cx + radii * half * np.sin(angles)).astype(np.float32)
        my = (cy - radii * b * np.cos(angles)).astype(np.float32)
        known = cv2.remap(hair.astype(np.uint8), mx, my, cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT) > 0
        rows = np.flatnonzero(known.mean(axis=1) > 0.05)
        if known.sum() < 30 or len(rows) < 2:
            strips.append(None)
            continue
        strip = cv2.remap(source, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        known, strip = known[:rows.max() + 1], _along_strands(strip[:rows.max() + 1], known[:rows.max() + 1])
        inner, outer = np.percentile(np.broadcast_to(radii, known.shape)[known], [10, 90])
        strips.append((strip, inner, max(outer - inner, 0.05)))
    if strips[0] is None and strips[1] is None:
        return None
    painted = []
    depth = np.clip(1.0 - radius, 0.0, None)  # in from the outline
    along = (widest - np.abs(angle)) / widest  # from the edge up over the top: the strip from the edge down
    for side in (0, 1):
        strip, inner, width = strips[side] or strips[1 - side]
        start = 0.0 if strips[side] else 0.5
        # across the strands: tiles of the strip's width from the outline in, each read farther along the strip;
        # over the first TILE_BLEND of a tile the one outside it goes on and fades out (no hard ring between them)
        tile = np.floor(depth / width)
        within = depth - tile * width
        fresh = _strip_at(strip, along, inner + width - within, start + TILE_SHIFT * tile, reach)
        going_on = _strip_at(strip, along, inner - within, start + TILE_SHIFT * (tile - 1), reach)
        w = np.where(tile > 0, smoothstep(0.0, TILE_BLEND * width, within), 1.0)[:, None]
        painted.append(w * fresh + (1 - w) * going_on)
    w = smoothstep(-PART, PART, angle)[:, None]
    painted = np.clip((1 - w) * painted[0] + w * painted[1], 0, 255).astype(np.uint8)
    # hair varies in lightness, hardly in hue: strands tinted by the backdrop behind them (leaves, a purple wall)
    # keep their light and shade but take the hair's own hue
    lab = cv2.cvtColor(painted[None], cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    hue = np.median(cv2.cvtColor(image[hair][None], cv2.COLOR_RGB2LAB)[0, :, 1:].astype(np.float32), axis=0)
    lab[:, 1:] = hue + HAIR_TINT * (lab[:, 1:] - hue)
    # ... and the hair's own spread of light and shade: the strips' resampling and blending smooth the strands
    # out, and an evenly shaded cap read as a helmet (TikTok clip 0)
    lit = cv2.cvtColor(image[hair][None], cv2.COLOR_RGB2LAB)[0, :, 0].astype(np.float32)
    spread = float(np.clip(lit.std() / max(float(lab[:, 0].std()), 1.0), 1.0, HAIR_CONTRAST))
    lab[:, 0] = float(lab[:, 0].mean()) + spread * (lab[:, 0] - float(lab[:, 0].mean()))
    texture = np.zeros((H, W, 3), np.float32)
    texture[ys, xs] = cv2.cvtColor(np.clip(lab + 0.5, 0, 255).astype(np.uint8)[None], cv2.COLOR_LAB2RGB)[0]
    return texture


def _strip_at(strip: np.ndarray, along: np.ndarray, radius: np.ndarray, shift: np.ndarray | float,
              reach: float) -> np.ndarray:
    """[N, 3] float32: ``strip`` (angle x radius x 3, radii 0..``reach``) read bilinearly at ``along`` (0..1: from
    its first row to its last) plus ``shift`` strip lengths, reflected at its ends, and at ``radius``."""
    n, n_r = strip.shape[:2]
    t = np.mod((along + shift) * (n - 1), 2 * n - 2)
    t = np.minimum(np.where(t < n - 1, t, 2 * n - 2 - t), n - 1)
    c = np.clip(radius / reach * (n_r - 1), 0, n_r - 1)
    t0, c0 = np.minimum(t.astype(int), n - 2), np.minimum(c.astype(int), n_r - 2)
    ft, fc = (t - t0)[:, None], (c - c0)[:, None]
    return ((1 - ft) * ((1 - fc) * strip[t0, c0] + fc * strip[t0, c0 + 1])
            + ft * ((1 - fc) * strip[t0 + 1, c0] + fc * strip[t0 + 1, c0 + 1]))


def _along_strands(strip: np.ndarray, known: np.ndarray) -> np.ndarray:
    """``strip`` (angle x radius x 3) with each unknown bin taking the nearest ``known`` one in its column (along
    the strand: hair goes on in its own colour along its length); a column with none keeps its own."""
    n = len(known)
    idx = np.arange(n)[:, None]
    before = np.maximum.accumulate(np.where(known, idx, -4 * n), axis=0)
    after = np.minimum.accumulate(np.where(known, idx, 5 * n)[::-1], axis=0)[::-1]
    nearest = np.where(idx - before <= after - idx, before, after)
    nearest = np.where(known.any(axis=0)[None, :], np.clip(nearest, 0, n - 1), idx)
    return np.take_along_axis(strip, nearest[..., None], axis=0)


def _forehead(joints: np.ndarray, top: int) -> float:
    """How far above the edge (row ``top`` of the padded image whose ``joints`` these are) a face's hairline is:
    FOREHEAD_TOP eye-to-mouth distances above its eyes (0 without eyes and mouth). A hairline a fixed share of
    the cap above the edge was a flat line across the forehead, which read as a bowl cut (TikTok character 4)."""
    eyes = joints[[J["left_eye"], J["right_eye"]]].mean(axis=0)
    mouth = joints[[J["mouth_left"], J["mouth_right"]]].mean(axis=0)
    if not (np.isfinite(eyes).all() and np.isfinite(mouth).all()):
        return 0.0
    return float(top - (eyes[1] - FOREHEAD_TOP * np.linalg.norm(mouth - eyes)))


def _hairline(forehead: np.ndarray, most: float) -> np.ndarray:
    """[W] float32: how far above the edge the hair starts: over a forehead cut by the edge (runs of ``forehead``
    along it) an arch HAIRLINE times the run's half-width high (at most ``most``); elsewhere at the edge."""
    rise = np.zeros(len(forehead), np.float32)
    run = np.concatenate([[False], forehead, [False]])
    starts, ends = np.flatnonzero(run[1:] & ~run[:-1]), np.flatnonzero(~run[1:] & run[:-1])
    x = np.arange(len(forehead), dtype=np.float32)
    for x0, x1 in zip(starts, ends):
        hw = max((x1 - x0) / 2.0, 1.0)
        arch = np.clip(1.0 - ((x + 0.5 - x0 - hw) / hw) ** 2, 0.0, 1.0)  # meeting the hair at a slant
        rise = np.maximum(rise, min(HAIRLINE * hw, most) * arch)
    return rise

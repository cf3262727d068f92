"""An arm layer's cut through the figure, smoothed: no notches, cracks or specks along it.

Where an arm meets the body or a leg in the image, its outline is the border between part labels, and that border
is as ragged as the colour edges the labelling followed: notches a few pixels deep, a crack where a strip of the
torso's label wedged in between the cuff and the hand, specks and teeth of the arm standing off it (TikTok
character 0: sleeve cuffs and hands with jagged, notched outlines and 1-3 pixel bits in every frame once the arm
moved off the body). The layer's pixels are closed, then opened, with a small disc, only inside the figure (away
from the backdrop the matte's own soft edge follows: a finger beside the figure keeps its shape), and whatever the
opening takes off that joined two pieces of the layer goes back, so a folded limb stays one piece. The cut's
outermost pixels mix the arm's colours with its neighbour's (the belly's skin along a black sleeve): where a pixel's
colour is such a blend, the layer takes its colour from further in, as it does along the figure's outline, so no
pale fringe moves with it (a drawn outline, no blend of the two, stays). A drawn line along the cut has a soft
edge of its own, the line blended with the neighbour beyond it: it takes the line's colour and, as its alpha, as
much of the line as the pixel holds (``line_cover``), so the line moves with the arm as thin and as smooth as drawn.
A photographed arm blurred by its motion blends with the shirt over far more than a few pixels (TikTok character
1's bare arm over her black T-shirt: 15 pixels from the shirt's black to the skin's colour): how far in the blend
goes is measured along the cut (``blur_depth``: the step between the two colours over the steepest slope of the
colour there), and that deep the layer's blended pixels are unmixed (``unblended``: the arm's colour from further
in, with what of their own shading lies off the blend), so no brown fringe outlines the arm over the light wall;
and the band fading out beyond its outline follows the outline smoothed (``outline_distance``), not its pixels'
staircase. A photograph's outline against its backdrop is unmixed the same way, the backdrop its neighbour
(``outline_unmixed``), so no fringe of the old backdrop moves with the figure; but not a lit rim along it (a band
of the figure's own colour as near the line between its colour further in and the backdrop's as a blend, but flat
where a blur's colour changes fastest: ``_lit_rim``), which keeps its colour. A video frame's colour lags its
lightness along that outline (held at half its resolution): a photographed layer's colour there (an arm's, the
body's: the head's, the hair's) is first brought level with its lightness (``colour_caught_up``), so its blend with
the backdrop is one the unmixing can take apart.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from .morphology import dilate_disc, disc
from .outlines import LINE_CONTRAST

EIGHT = np.ones((3, 3), bool)
BLEND_CONTRAST = 30.0  # (RGB) the layer's and its neighbour's colours this far apart tell how much of each a pixel is
BLEND_OWN = 0.9  # a pixel this much of the layer's own colour is the layer's
BLEND_OFF = 0.25  # a blend lies this close to the line between the two colours (a share of their distance)
OUTLINE_OFF = 0.15  # ... along the outline against the backdrop (a dark piping on a sleeve's edge lies farther off
# it: the sleeve's own)
LINE_EDGE = 2  # (pixels) a drawn line's anti-aliased edge is at most this wide
BLUR_REACH = 1.5  # a blurred step blends the two colours this many times its size over its steepest slope deep (tails)
BLUR_HALF = 0.5  # the blur's depth is at most this share of the layer's half width
OWN_SMOOTH = 2.0  # (pixels) an unblended pixel's own colour is the layer's averaged this much (sigma) further in
OUTLINE_SMOOTH = 1.5  # (pixels) a photographed arm's outline is smoothed this much (sigma) before its band fades out
SLOPE_SMOOTH = 1.0  # (pixels) the image is smoothed this much before its colour's slope is taken (noise, JPEG blocks)


def blended_cut(image: np.ndarray, core: np.ndarray, figure: np.ndarray, depth: float) -> np.ndarray:
    """HxW bool: the pixels of ``core`` within ``depth`` pixels of the ``figure``'s pixels outside it (its
    neighbours') whose colour is a blend of the layer's own (further in) and the neighbour's (further out):
    near the line between the two and not yet the layer's. A drawn outline along the cut (dark between the pink
    arm and the pink dress of a cartoon) is no blend of them and stays; where the two colours are alike
    (BLEND_CONTRAST) nothing can be told and nothing changes. ``image`` HxWx3, the layer's texture."""
    out = np.zeros(core.shape, bool)
    found = _blends(image, core, figure, depth)
    if found is not None:
        ys, xs, share = found[:3]
        keep = share < BLEND_OWN
        out[ys[keep], xs[keep]] = True
    return out


def uncreased(image: np.ndarray, core: np.ndarray, figure: np.ndarray, depth: float, where: np.ndarray | None = None
              ) -> np.ndarray:
    """HxWx3 uint8: ``image`` (the layer's texture) with the shadow in the crease between a photographed arm and the
    body it lies against, where the labels gave it to the arm, in the arm's own colour just past it (averaged over
    OWN_SMOOTH, so no streaks of single pixels' colours run across it), shaded as the shadow was down to
    CREASE_KEEP of it: the arm's side in its own shade, no dark line. The shadow: the pixels of ``core`` within
    ``depth`` of its neighbours in the ``figure`` darker than CREASE_DARK of the lightness of both the layer's own
    colour there and the neighbour's, with those joined to them within that depth darker than CREASE_EDGE of the
    layer's own (its soft edge). At rest it lay where it was, beside the body; once the arm crossed the body it
    outlined the arm's side as a hard dark line (TikTok character 2: two to four pixels of dark grey fading over as
    many again between her pale arm and her white dress, a dark stripe along her arm moved by clip 0). No blend of
    the two sides (``unblended`` leaves it). A round arm's own shading darkens it over more than ``depth``, its
    colour just past it as dark, and stays; so does an arm of a dark material (CREASE_LIGHT). ``where`` (HxW bool;
    None: anywhere): where the shadow may lie."""
    out = image.copy()
    across = _across_cut(core, figure, depth)
    if across is None:
        return out
    ys, xs, deep, _, (iy, ix), (oy, ox) = across
    own = _side(image, deep, OWN_SMOOTH)[iy[ys, xs], ix[ys, xs]]  # (not mixed with the shadow itself)
    beside = _side(image, figure & ~core, OWN_SMOOTH)[oy[ys, xs], ox[ys, xs]] @ LUMA
    here = image[ys, xs].astype(np.float32) @ LUMA
    lit = own @ LUMA
    # (a dark material's own folds are no crease: a black sleeve's, a navy uniform's)
    dark = (here < CREASE_DARK * np.minimum(lit, beside)) & (lit >= CREASE_LIGHT)
    if not dark.any():
        return out
    edge = np.zeros(core.shape, bool)
    edge[ys, xs] = (here < CREASE_EDGE * lit) | dark
    seeds = np.zeros(core.shape, bool)
    seeds[ys[dark], xs[dark]] = True
    if where is not None:
        edge &= where
        seeds &= where
    pieces, _ = ndimage.label(edge, structure=EIGHT)
    shadow = np.isin(pieces, np.unique(pieces[seeds]))[ys, xs]
    # (shaded as the arm's side is, no darker than CREASE_KEEP of its colour: made its colour whole, the shadow
    # outside the body's outline, along an arm hanging a little away from it, stood as a pale strip beside the
    # arm with a knob at the elbow, TikTok character 2's right arm)
    keep = np.clip(here / np.maximum(lit, 1.0), CREASE_KEEP, 1.0)[shadow, None]
    out[ys[shadow], xs[shadow]] = np.clip(np.round(own[shadow] * keep), 0, 255).astype(image.dtype)
    return out


CREASE_DARK = 0.7  # a pixel along an arm's cut darker than this share of both sides' lightness is a crease's shadow
CREASE_EDGE = 0.9  # ... and one joined to it darker than this share of the arm's own is the shadow's soft edge
CREASE_LIGHT = 80.0  # (lightness, 0-255) an arm darker than this has no crease's shadow told apart from its own folds
CREASE_KEEP = 0.8  # the shadow's pixels take the arm's colour shaded by as much as they were, down to this share
LUMA = np.float32([0.299, 0.587, 0.114])  # (RGB) a colour's lightness


def unblended(image: np.ndarray, core: np.ndarray, figure: np.ndarray, depth: np.ndarray, least: float
              ) -> np.ndarray:
    """HxWx3 uint8: ``image`` (the layer's texture) with each pixel of ``core`` within ``depth`` (HxW, each
    pixel's own, as ``blur_depth`` measures it) of its neighbours in the ``figure`` that blends the layer's own
    colour (further in) with the neighbour's (further out), as ``blended_cut`` tells them, given the layer's own
    colour, plus as much of what lies off the line between the two (its shading, its texture) as the pixel holds
    of the layer. Unlike taking the colour of the nearest pixel that is no blend, the change fades to none as the
    blend reaches the layer's own colour: where the measured depth of the blur changes along the cut, no seam
    across the arm. Only a blur deeper than ``least`` (a sharp edge's anti-aliasing, which ``blended_cut`` mends)
    is unmixed, fully from twice that: a sharp edge (a rendered glove, a drawn hand) stays as it was."""
    return _unmixed(image, core, figure, depth, least)[0]


def outline_unmixed(image: np.ndarray, figure: np.ndarray, least: float, most: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(HxWx3 uint8 ``image`` with the ``figure``'s outline against the backdrop unmixed, HxW float32 how much of
    each pixel is the figure): a photograph's outline is blurred over more than the matte's soft edge (TikTok
    character 1's hair against the purple-lit wall: 7 pixels from the wall's lilac to the hair's brown, the matte
    whole 2 pixels in), and its pixels, drawn opaque, carried the old wall's colour along the outline as a lilac
    fringe once the head moved over the grey wall. As deep as the blur goes (``blur_depth``, between ``least``, the
    rim's own width, and ``most``) each pixel that blends the figure's colour with the backdrop's takes the
    figure's (``unblended``'s unmixing, the backdrop the neighbour) and, as its cover, the share of the figure's
    colour it held, so the edge stays as soft as photographed over whatever backdrop it moves. ``image`` HxWx3,
    the backdrop's pixels beside the figure as photographed."""
    everything = np.ones(figure.shape, bool)
    depth = blur_depth(image, figure, everything, least, most)
    return _unmixed(image, figure, everything, depth, least, OUTLINE_OFF, most)


LAG_REACH = 6.0  # (pixels) a video frame's colour lags its lightness this deep into the figure from its outline
LAG_OUT = 2.0  # (pixels) the backdrop's own colour is read this far out from the figure, past the lag's tail
LAG_CONTRAST = 15.0  # (RGB) the figure's chroma and the backdrop's this far apart tell how much of each a pixel is
LAG_OFF = 0.25  # a pixel's chroma lying this close to the line between the two (a share of their distance) lags


def colour_caught_up(image: np.ndarray, figure: np.ndarray) -> np.ndarray:
    """HxWx3 uint8: ``image`` with the colour of the ``figure``'s pixels along its outline against the backdrop
    brought level with their lightness. A video frame holds its colour at half the resolution of its lightness and
    blurs it further in coding: along a photographed figure's outline the lightness steps over a pixel or two, the
    colour over five or six (TikTok character 2's arm against the lilac wall: its outermost pixels as light as her
    skin, as lilac as the wall). Lying off the line between the figure's colour and the backdrop's, those pixels
    were no blend to ``outline_unmixed``, which left them as they were, some and not others: a wavy pale rim of
    the old wall's hue moved with the arm over the dark backdrop (and along TikTok character 1's hair, a pink one of
    the purple-lit wall's). Within LAG_REACH of the backdrop each pixel whose chroma (its colour less its lightness)
    lies between the figure's own further in and the backdrop's further out, holding less of the figure's than its
    lightness does, takes as much of it as its lightness holds: a blend of the two, which ``outline_unmixed`` takes
    apart. Its lightness stays, and so does a colour of the figure's own
    (a piping off the line between the two, a chroma already the figure's)."""
    out = image.copy()
    to_back = cv2.distanceTransform(figure.astype(np.uint8), cv2.DIST_L2, 3)
    deep, far = figure & (to_back > LAG_REACH), ~figure & (
        cv2.distanceTransform((~figure).astype(np.uint8), cv2.DIST_L2, 3) > LAG_OUT)
    zone = figure & (to_back <= LAG_REACH)
    if not deep.any() or not far.any() or not zone.any():
        return out
    ys, xs = np.nonzero(zone)
    reach, (iy, ix) = ndimage.distance_transform_edt(~deep, return_indices=True)
    _, (oy, ox) = ndimage.distance_transform_edt(~far, return_indices=True)
    colour = image[ys, xs].astype(np.float32)
    own = _side(image, deep, OWN_SMOOTH)[iy[ys, xs], ix[ys, xs]]
    back = _side(image, far, OWN_SMOOTH)[oy[ys, xs], ox[ys, xs]]
    light, own_light, back_light = colour @ LUMA, own @ LUMA, back @ LUMA
    chroma, own_chroma, back_chroma = (c - (c @ LUMA)[:, None] for c in (colour, own, back))
    span = own_chroma - back_chroma
    length = np.linalg.norm(span, axis=1)
    held = ((chroma - back_chroma) * span).sum(axis=1) / np.maximum(length ** 2, 1.0)  # the chroma's share
    off = np.linalg.norm(chroma - back_chroma - held[:, None] * span, axis=1)
    step = own_light - back_light
    lit = np.clip((light - back_light) / np.where(np.abs(step) < 1.0, 1.0, step), 0.0, 1.0)  # the lightness's
    # how surely a lagging blend: both steps large enough to tell, the chroma near the line, the figure's own
    # colour read near (the figure not too thin there to hold it), fading to none at each bound
    sure = (np.clip(np.abs(step) / BLEND_CONTRAST - 1.0, 0.0, 1.0) * np.clip(length / LAG_CONTRAST - 1.0, 0.0, 1.0)
            * np.clip(2.0 - 2.0 * off / np.maximum(LAG_OFF * length, 1e-3), 0.0, 1.0)
            * np.clip(2.0 - reach[ys, xs] / (LAG_REACH + 1.5), 0.0, 1.0))
    lag = np.maximum(lit - np.clip(held, 0.0, 1.0), 0.0) * sure
    out[ys, xs] = np.clip(np.round(colour + lag[:, None] * span), 0, 255).astype(image.dtype)
    return out


def _unmixed(image: np.ndarray, core: np.ndarray, figure: np.ndarray, depth: np.ndarray, least: float,
             off_limit: float = BLEND_OFF, rims: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(``unblended``'s image, HxW float32 each pixel's share of the layer's own colour as far as it was unmixed:
    1 where nothing changed); a blend lies within ``off_limit`` (a share of their distance) of the line between
    the two colours. ``rims`` > 0: a lit rim along the cut (``_lit_rim``, read over stretches of the cut that
    long) is the layer's own and stays as it is."""
    out = image.copy()
    cover = np.ones(core.shape, np.float32)
    found = _blends(image, core, figure, depth, OWN_SMOOTH, off_limit)
    if found is None:
        return out, cover
    ys, xs, share, own, beside, reach, sure = found
    colour = image[ys, xs].astype(np.float32)
    # (fading out where the own colour comes from farther than the depth: the layer too thin there to hold it, its
    # own colour would come from elsewhere along it)
    weight = (np.clip((depth[ys, xs] - least) / least, 0.0, 1.0) * sure
              * np.clip((depth[ys, xs] + 1.5 + least - reach) / least, 0.0, 1.0))
    if rims > 0:
        weight = weight * (1.0 - _lit_rim(image, core, figure, (ys, xs), share, own - beside, depth, rims))
    share = np.clip(share, 0.0, 1.0)[:, None]
    off = colour - beside - share * (own - beside)
    cover[ys, xs] = 1.0 - weight * (1.0 - share[:, 0])
    weight = weight[:, None]
    out[ys, xs] = np.clip(np.round(colour + weight * (own + share * off - colour)), 0, 255).astype(image.dtype)
    return out, cover


def _lit_rim(image: np.ndarray, core: np.ndarray, figure: np.ndarray, at: tuple[np.ndarray, np.ndarray],
            share: np.ndarray, span: np.ndarray, depth: np.ndarray, along: float) -> np.ndarray:
    """[N] 0-1: how surely the blends found ``at`` (rows, columns; ``share`` of the layer's own colour, ``span``
    the own colour less the neighbour's, Nx3) lie on a lit rim along the cut, not in a blur across it. A lit rim
    (the astronaut's helmet ring: a band of lavender four or five pixels wide between its black and the grey wall,
    as near the line between the two as a blend) was unmixed into the ring's black, its colour lost. A blur's
    colour changes fastest halfway (``depth`` says how fast: ``blur_depth`` is BLUR_REACH times the step over its
    steepest slope) and at least half as fast from RIM_MID to 1 - RIM_MID of the way; a rim's stays flat there
    (slower than RIM_FLAT of that). Where RIM_SHARE of the pixels halfway are flat over a stretch of ``along``
    pixels of the cut (a band along it, not a speck: a strand of hair's chance flat pixels), the cut may be a lit
    rim, surely where RIM_SURE are (a rim running slanted across the pixels shows fewer); smoothed along and
    across the cut, as ``blur_depth`` is, so nothing changes in steps. ``image`` HxWx3, the layer's texture;
    ``core`` its pixels, cut from the rest of the ``figure``."""
    ys, xs = at
    length = np.linalg.norm(span, axis=1)
    halfway = (share > RIM_MID) & (share < 1.0 - RIM_MID)
    flat = halfway & (_slope(image, 0.0)[ys, xs] < RIM_FLAT * BLUR_REACH * length / np.maximum(depth[ys, xs], 1.0))
    others = figure & ~core
    cut = core & (cv2.distanceTransform((~others).astype(np.uint8), cv2.DIST_L2, 3) <= 1.5)
    _, (cy, cx) = ndimage.distance_transform_edt(~cut, return_indices=True)
    side = 2 * int(np.ceil(along)) + 1
    counts = []
    for which in (halfway, flat):
        on_cut = np.zeros(core.shape, np.float32)
        np.add.at(on_cut, (cy[ys[which], xs[which]], cx[ys[which], xs[which]]), 1.0)
        counts.append(cv2.boxFilter(on_cut, -1, (side, side), normalize=False))
    # (no fewer halfway pixels counted than the stretch is long: a sharp edge's few say nothing)
    rim = np.clip((counts[1] / np.maximum(counts[0], side) - RIM_SHARE) / (RIM_SURE - RIM_SHARE), 0.0, 1.0)
    rim = np.where(cut, rim, 0.0).astype(np.float32)
    # (as far across the cut as along it: each pixel that of its nearest point of the cut; but a pixel holding
    # less than RIM_MID of the layer's own colour is the neighbour's, no rim's, wherever it lies: kept, the wall's
    # pixels inside the matte where the ring meets the jaw stood as a pale tick off it)
    held = np.clip(2.0 * share / RIM_MID - 1.0, 0.0, 1.0)
    return cv2.GaussianBlur(rim[cy, cx], (0, 0), along / 2)[ys, xs] * held


RIM_MID = 0.15  # a blend's pixels between this share of the layer's own colour and 1 less it lie halfway across it
RIM_FLAT = 0.1  # ... and there a blur's colour changes faster than this share of its steepest: a lit rim's no faster
RIM_SHARE = 0.15  # where this share of them is flat, the cut may be a lit rim ...
RIM_SURE = 0.22  # ... and surely is from this share


def _slope(image: np.ndarray, smooth: float) -> np.ndarray:
    """HxW float32: how fast (RGB per pixel) ``image``'s colour changes at each pixel, smoothed over ``smooth``
    pixels (sigma; 0: as it is) first (noise, JPEG blocks)."""
    colour = image.astype(np.float32)
    if smooth > 0:
        colour = cv2.GaussianBlur(colour, (0, 0), smooth)
    gx, gy = cv2.Sobel(colour, cv2.CV_32F, 1, 0), cv2.Sobel(colour, cv2.CV_32F, 0, 1)
    return np.sqrt((gx ** 2 + gy ** 2).sum(axis=2)) / 8  # (the Sobel kernel weighs a pixel's step 8 times)


def _blends(image: np.ndarray, core: np.ndarray, figure: np.ndarray, depth: float | np.ndarray, smooth: float = 0.0,
            off_limit: float = BLEND_OFF) -> tuple[np.ndarray, ...] | None:
    """(rows, columns, share of the layer's own colour, own colour, neighbour's colour, distance to the pixel the
    own colour is from, how surely a blend 0-1) of the pixels of ``core`` within ``depth`` of its neighbours in
    the ``figure`` whose colour lies near the line between the two (and those far enough apart to tell); None
    where there are none. The two colours are each side's own averaged over ``smooth`` pixels (sigma; 0: as they
    are), so that pixels given them show no streaks of one pixel's."""
    across = _across_cut(core, figure, depth)
    if across is None:
        return None
    ys, xs, _, reach, (iy, ix), (oy, ox) = across
    colour = image[ys, xs].astype(np.float32)
    own = _side(image, core, smooth)[iy[ys, xs], ix[ys, xs]]
    beside = _side(image, figure & ~core, smooth)[oy[ys, xs], ox[ys, xs]]
    span = own - beside
    length = np.sqrt((span ** 2).sum(axis=1))
    share = ((colour - beside) * span).sum(axis=1) / np.maximum(length ** 2, 1.0)
    off_line = np.linalg.norm(colour - beside - share[:, None] * span, axis=1)
    # how surely a blend: 1 well inside both bounds, fading to 0 at them (so nothing changes in steps)
    sure = (np.clip(length / BLEND_CONTRAST - 1.0, 0.0, 1.0)
            * np.clip(2.0 - 2.0 * off_line / np.maximum(off_limit * length, 1e-3), 0.0, 1.0))
    ok = (length >= BLEND_CONTRAST) & (off_line <= off_limit * length)
    return ys[ok], xs[ok], share[ok], own[ok], beside[ok], reach[ys[ok], xs[ok]], sure[ok]


def _across_cut(core: np.ndarray, figure: np.ndarray, depth: float | np.ndarray) -> tuple | None:
    """(rows, columns of the ``core``'s pixels within ``depth`` of its neighbours in the ``figure``, the core's pixels
    beyond it, each pixel's distance to those, the nearest of them (rows, columns), the nearest of the neighbours'
    pixels beyond it (rows, columns)): where each pixel near a cut reads its own side's colour and the other's;
    None where the cut has no such pixels or no side beyond them."""
    sides = _beyond_reach(core, figure, depth)
    if sides is None:
        return None
    to_others, deep, far = sides
    rim = core & (to_others <= depth)
    if not rim.any() or not deep.any() or not far.any():
        return None
    ys, xs = np.nonzero(rim)
    reach, own_at = ndimage.distance_transform_edt(~deep, return_indices=True)
    _, other_at = ndimage.distance_transform_edt(~far, return_indices=True)
    return ys, xs, deep, reach, own_at, other_at


def _beyond_reach(core: np.ndarray, figure: np.ndarray, reach: float | np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(each pixel's distance to the ``figure``'s pixels outside ``core``, the core's pixels farther than ``reach``
    from them, those others farther than ``reach`` from the core): the two sides of a cut where their own colours
    are read, away from the blend across it; None when the core has no neighbour in the figure."""
    others = figure & ~core
    if not others.any():
        return None
    to_others = cv2.distanceTransform((~others).astype(np.uint8), cv2.DIST_L2, 3)
    far = others & (cv2.distanceTransform((~core).astype(np.uint8), cv2.DIST_L2, 3) > reach)
    return to_others, core & (to_others > reach), far


def _side(image: np.ndarray, side: np.ndarray, smooth: float) -> np.ndarray:
    """HxWx3 float32: ``image``'s colours averaged over ``smooth`` pixels (sigma) among the pixels of ``side``
    only (as they are where ``smooth`` is 0)."""
    colour = image.astype(np.float32)
    if smooth <= 0:
        return colour
    weight = cv2.GaussianBlur(side.astype(np.float32), (0, 0), smooth)
    total = cv2.GaussianBlur(colour * side[:, :, None], (0, 0), smooth)
    return np.where(weight[:, :, None] > 1e-3, total / np.maximum(weight, 1e-3)[:, :, None], colour)


def blur_depth(image: np.ndarray, core: np.ndarray, figure: np.ndarray, least: float, most: float) -> np.ndarray:
    """HxW float32: how deep into the layer ``core`` from its cut through the ``figure`` the colours of the two sides
    blend (the ``depth`` for ``unblended``), each pixel that of its nearest point of the cut: there the step from
    the layer's colour to its neighbour's (each ``most`` pixels from the cut) over the colour's steepest slope, the
    width a blurred step of that size spreads over, smoothed along the cut; at least ``least`` (a sharp edge's
    anti-aliasing), at most ``most``, and ``least`` where either side is too thin to look ``most`` pixels into it.
    ``image`` HxWx3, the layer's texture."""
    depth = np.full(core.shape, least, np.float32)
    sides = _beyond_reach(core, figure, most) if most > least else None
    if sides is None:
        return depth
    to_others, deep, far = sides
    cut = core & (to_others <= 1.5)
    if not cut.any() or not deep.any() or not far.any():
        return depth
    ys, xs = np.nonzero(cut)
    reach_in, (iy, ix) = ndimage.distance_transform_edt(~deep, return_indices=True)
    reach_out, (oy, ox) = ndimage.distance_transform_edt(~far, return_indices=True)
    colour = image.astype(np.float32)
    step = np.linalg.norm(colour[iy[ys, xs], ix[ys, xs]] - colour[oy[ys, xs], ox[ys, xs]], axis=1)
    steepest = dilate_disc(_slope(image, SLOPE_SMOOTH), int(np.ceil(most / 2)))[ys, xs]
    seen = (reach_in[ys, xs] <= 1.5 * most + 1) & (reach_out[ys, xs] <= 1.5 * most + 1)
    # no deeper than a share of the layer's half width there (the arm's own colour is read beyond the depth)
    half = dilate_disc(cv2.distanceTransform(core.astype(np.uint8), cv2.DIST_L2, 3), int(np.ceil(most)))[ys, xs]
    # (the smoothing, and the Sobel kernel's own of variance 1/2, alone spread a sharp step over sqrt(2 pi) sigmas:
    # that much is none of the photo's blur)
    spread = 2 * np.pi * (SLOPE_SMOOTH ** 2 + 0.5)
    width = np.sqrt(np.maximum((step / np.maximum(steepest, 1e-3)) ** 2 - spread, 0.0))
    width = np.where(seen, np.clip(np.minimum(BLUR_REACH * width, BLUR_HALF * half), least, most), least)
    on_cut = np.zeros(core.shape, np.float32)
    on_cut[ys, xs] = width
    size = (2 * int(np.ceil(most)) + 1,) * 2
    along = cv2.boxFilter(on_cut, -1, size, normalize=False) / np.maximum(
        cv2.boxFilter(cut.astype(np.float32), -1, size, normalize=False), 1.0)
    _, (cy, cx) = ndimage.distance_transform_edt(~cut, return_indices=True)
    # (smoothed across as well: where the cut turns, its nearest points jump, and so would the depth)
    return cv2.GaussianBlur(along[cy, cx], (0, 0), most / 2)


def outline_distance(core: np.ndarray) -> np.ndarray:
    """HxW float32: each pixel's distance outside the layer ``core`` (0 on it) to its outline smoothed by
    OUTLINE_SMOOTH: the signed distance to the outline, blurred. The distance to the pixels' own outline steps by
    a whole pixel wherever the outline does, and the band fading out by it drew every step: a sawtooth of one-
    and two-pixel teeth along a slanting arm, as ragged again as the labels' staircase (TikTok character 1's arm
    over her shirt); the blurred one moves across each step smoothly over a few pixels, so the band's alpha
    anti-aliases the outline."""
    outside = cv2.distanceTransform((~core).astype(np.uint8), cv2.DIST_L2, 5)
    signed = outside - cv2.distanceTransform(core.astype(np.uint8), cv2.DIST_L2, 5)
    # (the layer's own pixels stay at 0: a finger one or two pixels thin, its blur mostly outside, stays opaque)
    return np.where(core, 0.0, np.maximum(cv2.GaussianBlur(signed, (0, 0), OUTLINE_SMOOTH), 0.0)).astype(np.float32)


def smooth_cut(core: np.ndarray, figure: np.ndarray, radius: int) -> np.ndarray:
    """HxW bool: the layer's pixels ``core`` (HxW bool) with its cut through the ``figure`` (HxW bool, the
    matte's solid pixels) closed, then opened, by a disc of ``radius`` pixels; unchanged within ``radius`` + 1
    of the figure's outline but for teeth where the cut meets it, and never parted into more pieces than the
    closed layer has. Such a tooth (no larger than ``JUNCTION_TOOTH`` discs) is the layer's sliver of the outline
    where it turns along the neighbour the cut parts it from: TikTok character 0's right upper arm, where her left
    forearm crosses it, kept two or three pixels of the forearm's outline, a spike out of the elbow's outer side
    once the arm hung down."""
    if radius < 1 or not core.any():
        return core
    k = disc(radius)
    closed = cv2.morphologyEx(core.astype(np.uint8), cv2.MORPH_CLOSE, k).astype(bool)
    opened = cv2.morphologyEx(closed.astype(np.uint8), cv2.MORPH_OPEN, k).astype(bool)
    inside = cv2.erode(figure.astype(np.uint8), disc(radius + 1)).astype(bool)
    smooth = np.where(inside, opened, core)
    by_cut = dilate_disc((figure & ~core).astype(np.uint8), radius + 1).astype(bool)
    loose = smooth & ~opened & ~inside & by_cut
    teeth, n = ndimage.label(loose, structure=EIGHT)
    if n:  # (small, and standing out of what the layer keeps: a finger's tip the opening cut off stays)
        sizes = np.bincount(teeth.ravel(), minlength=n + 1)
        kept = cv2.dilate((smooth & ~loose).astype(np.uint8), None).astype(bool)
        attached = np.zeros(n + 1, bool)
        attached[np.unique(teeth[kept & loose])] = True
        smooth &= ~((sizes <= JUNCTION_TOOTH * k.sum()) & attached)[teeth]
    return smooth | _bridges(closed & ~smooth, smooth)


JUNCTION_TOOTH = 1.0  # (discs of the smoothing's radius) the largest tooth taken off where the cut meets the outline


FLAT_RANGE = 3  # (RGB levels) colours within two pixels of a cut pixel spanning no more than this: one flat colour
FLAT_SHARE = 0.9  # an arm whose cut through the figure is this much flat is drawn as one mass with the body


def flat_cut(image: np.ndarray, core: np.ndarray, figure: np.ndarray) -> np.ndarray | None:
    """HxW bool: the pixels of the layer's cut through the ``figure`` where ``image`` shows no colour edge at all (the
    layer's pixels ``core`` beside the figure's others whose colours, and their neighbours' within two pixels on both
    sides, span no more than FLAT_RANGE), when FLAT_SHARE of the cut is so; else None. Flat art draws an arm in its
    body's own colour with no line between them (the teddy bear's brown arm over its brown body): there the cut
    follows no edge of the picture, only the labels' staircase and the steps where they were remade (see
    :func:`smooth_flat_cut`); a photograph's noise and shading span more, even in a black top's shade, and its cut
    is flat only in a few clipped pixels."""
    cut = cut_pixels(core, figure)
    k = np.ones((5, 5), np.uint8)
    span = (cv2.dilate(image, k).astype(np.int16) - cv2.erode(image, k)).max(axis=2)
    flat = cut & (span <= FLAT_RANGE)
    return flat if cut.any() and flat.sum() >= FLAT_SHARE * cut.sum() else None


def cut_pixels(core: np.ndarray, figure: np.ndarray) -> np.ndarray:
    """HxW bool: the layer's pixels ``core`` on its cut through the ``figure``, beside the figure's other pixels."""
    return core & figure & cv2.dilate((figure & ~core).astype(np.uint8), None).astype(bool)


def smooth_flat_cut(core: np.ndarray, figure: np.ndarray, flat: np.ndarray, sigma: float,
                    away: np.ndarray | None = None) -> np.ndarray:
    """HxW bool: the layer's pixels ``core`` with its cut through the ``figure`` where it is ``flat``
    (:func:`flat_cut`) smoothed: the layer blurred by a Gaussian of ``sigma`` pixels and cut at half, within two
    sigmas of the flat cut, over the figure only (so the cut runs on smoothly up to the outline it meets). With no
    colour edge to follow, the labels' cut is a staircase, with a step wherever they were remade
    (:mod:`.fitted_arms`' narrowing from the oval to the labels' cut): once the arm moved off the body, its side
    stood in notches and a sawtooth along the upper arm (the teddy bear); the smoothed one is a curve, and the
    band's alpha (:func:`outline_distance`) anti-aliases it. (:func:`.parts.smooth_arm_outlines` smooths the
    labels so on the labelling's coarse grid, before :mod:`.fitted_arms` remakes them: this is the layer's own
    cut, at full size, as the layer draws it.) A photograph's arm is smoothed so along its whole cut (``flat``
    its :func:`cut_pixels`): its outline blurred into the body under it, the labels' border there swings in lobes
    wider than :func:`smooth_cut`'s disc takes off. Nothing within the smoothing's reach of ``away`` changes, nor
    is the cut there smoothed: an armpit's cloth (:mod:`.armpit`) is held by the trunk by where the arm's pixels
    and its mesh lie beside it, and the cut rounded off at its corner (3 pixels) moved the mesh's vertices there
    off the cloth, onto the sleeve's side: the cloth's corner went with the arm, a wedge of the backdrop opened
    between the body and the sleeve as the arm swung out."""
    reach = max(1, int(np.ceil(2.0 * sigma)))
    kept = (dilate_disc(away.astype(np.uint8), reach).astype(bool) if away is not None and away.any()
            else np.zeros(core.shape, bool))
    flat = flat & ~kept
    if not flat.any():
        return core
    zone = dilate_disc(flat.astype(np.uint8), reach).astype(bool) & figure & ~kept
    # (the layer's share of the figure around each pixel: the backdrop beyond the outline is neither the layer nor
    # its neighbour, and counted as the neighbour it ate into the layer where the cut meets the outline)
    held = cv2.GaussianBlur((core & figure).astype(np.float32), (0, 0), sigma)
    share = held / np.maximum(cv2.GaussianBlur(figure.astype(np.float32), (0, 0), sigma), 1e-6)
    smooth = share >= 0.5
    # the corner where the cut meets the outline is not filled in: the wedge of the neighbour it would hand to the
    # layer (at the teddy bear's elbow, where its forearm leaves the body) rode over the paw once the arm folded
    inner = cv2.distanceTransform(figure.astype(np.uint8), cv2.DIST_L2, 5)
    smooth &= core | (inner > reach)
    return np.where(zone, smooth, core)


def _bridges(lost: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """HxW bool: the pieces of ``lost`` that touch two or more pieces of ``kept`` (8-connected)."""
    pieces, n = ndimage.label(kept, structure=EIGHT)
    if n < 2 or not lost.any():
        return np.zeros(lost.shape, bool)
    cut, m = ndimage.label(lost, structure=EIGHT)
    h, w = lost.shape
    pad_pieces = np.pad(pieces, 1)
    pairs = []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy == 0 and dx == 0:
                continue
            there = pad_pieces[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
            at = (cut > 0) & (there > 0)
            pairs.append(np.stack([cut[at], there[at]], axis=1))
    pairs = np.unique(np.concatenate(pairs), axis=0)
    touched = np.bincount(pairs[:, 0], minlength=m + 1) if len(pairs) else np.zeros(m + 1, int)
    return touched[cut] >= 2


def line_cover(image: np.ndarray, inner: np.ndarray, core: np.ndarray, figure: np.ndarray, edge: np.ndarray,
               depth: float) -> np.ndarray:
    """HxW float32: how much of each pixel of a drawn line's soft ``edge`` along the layer's cut is the line
    (``inner``, the colour the layer gives it), and not the surface beyond the cut: where its lightness lies
    between the two (1 off the edge, and where the line is no darker than that surface by LINE_CONTRAST). The
    line's anti-aliased edge, given the line's colour at full strength, thickened the line by a pixel wherever it
    fell on the layer's side of the labels' border: teeth along the moved arm's line, as ragged as the staircase
    of the labels. ``image``, ``inner`` HxWx3 RGB; ``core`` the layer's pixels, ``figure`` the matte's solid ones,
    ``edge`` the pixels near the line; only those within ``depth`` of the figure's pixels outside the layer."""
    cover = np.ones(core.shape, np.float32)
    others = figure & ~core
    far = others & (cv2.distanceTransform((~core).astype(np.uint8), cv2.DIST_L2, 3) > depth)
    if not far.any():
        return cover
    near = edge & (cv2.distanceTransform((~others).astype(np.uint8), cv2.DIST_L2, 3) <= depth)
    ys, xs = np.nonzero(near)
    _, (oy, ox) = ndimage.distance_transform_edt(~far, return_indices=True)
    light = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[:, :, 0].astype(np.float32)
    line = cv2.cvtColor(inner, cv2.COLOR_RGB2LAB)[:, :, 0].astype(np.float32)[ys, xs]
    beyond = light[oy[ys, xs], ox[ys, xs]]
    ok = beyond - line >= LINE_CONTRAST
    share = (beyond - light[ys, xs]) / np.maximum(beyond - line, 1.0)
    cover[ys[ok], xs[ok]] = np.clip(share[ok], 0.0, 1.0)
    return cover

"""The output's background, one frame per output frame: the character image's own background (the character
removed and filled), an image or a video file, or a plain colour; a still one may follow the reference's camera.

The character's own place in its image is filled, once per character, with patches of the background around it:
a coarse-to-fine search finds for every hole pixel where in the visible background to copy from (the patch there
looks like the patch around it, PatchMatch-style), and the copy is made at full resolution. The fill so reads as
more leaves, wall or floor, with their grain; a smooth average of the surroundings would show, as soon as the
character moves, as a flat ghost of its silhouette. The copies follow a layout of the surroundings: spread
smoothly among leaves, but region by region where their average is no colour of theirs (a flag and a backdrop
beside it each continued, never their blend, which only the flag's navy matched). Where the surroundings are
plain, the copies blend to a layout of them spread region by region (a beige wall and a white door each continued
in its own shading), leaving out the narrow dark objects beside the hole (a TV's edge, a carved frame, cables); a
straight edge between two of them that crosses the hole (a door's edge, a wall corner) parts them along its
continuation (:mod:`.plate_lines`). A backdrop of flat drawn shapes under film grain is its ground where the
character stood, the shapes beside it going on a short way, with the ground's grain.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from scipy import ndimage

from ...errors import InputError
from ...media.color import parse_color
from ...media.frames import iter_frames, read_image
from ...media.framing import cover, fit
from ...media.probe import probe
from ...pose.silhouette import Backdrop, backdrop_palette
from .fill import colour_shares, lab_distance, smooth_fill, torso_colours
from .morphology import disc, grown_box
from .plate_lines import carry_lines


FILL_SIDE = 200  # the search for where to copy from runs on a copy at most this large (the copy: full resolution)
COARSEST = 32  # the search starts on a copy this large (the layout of the fill: a coarse copy is cheap to search)
PATCH = 2  # the patches compared: 3x3 samples this many pixels apart (a patch 5 pixels wide)
MIN_VISIBLE = 0.02  # below this share of background visible (at any scale), a smooth fill instead
COHERE = 1500.0  # the price of each of the four neighbours copying from elsewhere (about 7 levels per sample)
NEAR = 9.0  # the preference for near sources (grass continues from the grass beside it, not from the treetop)
UPRIGHT = 4.0  # a source above or below costs this many times one beside (scenes lie in bands: grass beside grass)
PLAIN, BUSY = 1.0, 3.0  # mean fine detail (grey levels) of a plain background and of a textured one
LAYOUT = 0.04  # above this scale (times the long side) the fill's shading is the surroundings', spread smoothly
GROW = 0.015  # the hole: the character grown by this much of the image's long side (no fringe of it is left)
EDGE_REACH = 0.03  # beyond that, the character's blurred edge is looked for this far (times the long side) ...
EDGE_APART = 6.0  # ... in the pixels this far (CIE Lab, OpenCV's 8-bit scale) from the backdrop beyond them ...
EDGE_PLAIN = 0.15  # ... where it is plainer than this (:func:`_textured`: 0 a wall, 1 leaves; a tree's bark: 0.16 up)
EDGE_SIDE = 640  # (pixels) the longest side of the copy that edge is looked for on
SNAP = 12.0  # (RGB levels) a fill this close to a colour of a drawn backdrop's is that colour
RIM = 0.01  # how textured the background is, is read this far out from the hole (times the long side)
DISTINCT = 0.35  # a known pixel this much darker (log grey) than the tone most of the surroundings have is an object
DARK_SPAN = 0.15  # "the surroundings" there: within about this much of the image's long side
REACH = 0.015  # such an object goes on behind where the character stood over about this much of the long side
NARROW = 0.02  # such an object narrower than twice this (times the long side) is no texture of the background


def remove_character(image: np.ndarray, matte: np.ndarray, backdrop: Backdrop | None = None) -> np.ndarray:
    """The image's background with the character (grown a little, so no fringe of it is left) filled in; of that
    growth, what looks like the backdrop beyond it is kept as it was (:func:`backdrop_margin`). Its
    blurred edge where that reaches further (:func:`blurred_edge`) is first painted over smoothly from the wall
    beyond it, and the fill meets that wall (a wider hole instead made the fill's copies come from elsewhere). On
    a drawn backdrop of flat colours, the fill is made exactly those colours where it is near them; one of flat
    shapes under film grain is filled as such (:func:`_grain_over_flat`, :func:`_drawn_fill`), not copied as a
    texture. ``backdrop``: the image's, when already read."""
    h, w = matte.shape
    grow = max(3, round(GROW * max(h, w)))
    figure = matte > 0.05
    hole = cv2.dilate(figure.astype(np.uint8), None, iterations=grow).astype(bool)
    slits = _slits(hole, grow)
    hole |= slits
    palette = backdrop_palette(image, backdrop)
    # drawn art's edges are crisp (within the growth); its floor's line beside the feet read as a blurred edge
    edge = blurred_edge(image, hole) if palette is None else np.zeros_like(hole)
    if edge.any():
        wall = np.clip(smooth_fill(image, ~hole & ~edge) + 0.5, 0, 255).astype(np.uint8)
        image = np.where(edge[..., None], wall, image)
    flat = _grain_over_flat(image, hole)
    filled = patch_fill(image, hole) if flat is None else _drawn_fill(image, flat, hole)
    kept = backdrop_margin(image, figure | slits, hole)
    filled = _meeting(filled, image, hole, kept, max(h, w))
    return filled if palette is None else _snapped_to(palette, filled, (hole | edge) & ~kept)


def backdrop_margin(image: np.ndarray, figure: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """HxW bool: the pixels of ``hole`` more than MARGIN_CORE (times the long side) beyond the ``figure`` that
    look like the backdrop just beyond the hole (within EDGE_APART of the pixel there nearest them): no fringe
    of the character's there, so the picture is kept as it is. The hole is the figure grown, so that its fringe
    goes with it, but grown all round it cut back what stands beside the figure: a strip of the fill's plain
    wall lay between the figure and a curtain, a TV or a door frame next to it (at rest and as soon as it
    moved: SSIM lost along the whole outline, TikTok clips 2, 3, 5). The figure's fringe (hair strands, a
    blurred edge's shade: unlike the backdrop beyond; dark hair beside a dark object: as like the figure's
    colour just inside it as the backdrop) and the margin of a textured backdrop (every pixel unlike the one
    beyond it) stay in the hole, and so does what lies within 2 pixels of them (a strand's soft sides) and
    the knobs and spikes of what is kept (smoothed over 2 pixels: a dark object beside the neck ended in them).
    The backdrop beyond is read slightly blurred (one pixel), so the grain of a wall is no difference. All of it
    is worked out on the hole's box grown by BOX_REACH, where everything it reads lies (the same answer as on the
    whole picture, in less than half the time on a 1080p character)."""
    long_side = max(hole.shape)
    core = cv2.dilate(figure.astype(np.uint8), disc(max(1, round(MARGIN_CORE * long_side)))).astype(bool)
    margin = hole & ~core
    out = np.zeros(hole.shape, bool)
    if not margin.any() or hole.all():
        return out
    box = grown_box(hole, BOX_REACH)
    out[box] = _backdrop_like(image[box], figure[box], hole[box], margin[box])
    return out


def _backdrop_like(image: np.ndarray, figure: np.ndarray, hole: np.ndarray, margin: np.ndarray) -> np.ndarray:
    """:func:`backdrop_margin`'s answer on a crop around the hole (``margin``: the part of the hole it may keep)."""
    beyond = ~hole & (ndimage.distance_transform_edt(~hole) <= 2)
    _, (iy, ix) = ndimage.distance_transform_edt(~beyond, return_indices=True)
    inner = cv2.erode(figure.astype(np.uint8), disc(2)).astype(bool)
    _, (fy, fx) = ndimage.distance_transform_edt(~inner if inner.any() else ~figure, return_indices=True)
    my, mx = np.nonzero(margin)
    lab = _lab_at(image, my, mx)
    apart = lab_distance(lab, _lab_at(cv2.GaussianBlur(image, (0, 0), 1.0), iy[my, mx], ix[my, mx]))
    unlike = np.zeros_like(margin)
    unlike[my, mx] = (apart > EDGE_APART) | (lab_distance(lab, _lab_at(image, fy[my, mx], fx[my, mx])) <= apart)
    like = margin & ~cv2.dilate(unlike.astype(np.uint8), disc(2)).astype(bool)
    like &= cv2.GaussianBlur(like.astype(np.float32), (0, 0), 2.0) > 0.5
    # followed in from the outside ring by ring, so that all of the way to the backdrop it was compared with
    # is kept too (not a piece of it reached along the outline: blobs of a TV's colour beside its blurred edge)
    depth = ndimage.distance_transform_edt(hole)
    kept = ~hole
    for r in range(1, int(np.ceil(depth[margin].max())) + 1):
        kept |= like & (depth <= r) & cv2.dilate(kept.astype(np.uint8), None).astype(bool)
    return kept & hole


def _lab_at(image: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """Nx3 float32: the CIE Lab (OpenCV's 8-bit scale) of ``image``'s pixels at ``ys``, ``xs``, converted alone
    (the margin is a sixth of the hole's box: converting the whole box was most of the margin's cost)."""
    return cv2.cvtColor(image[ys, xs][:, None], cv2.COLOR_RGB2LAB)[:, 0].astype(np.float32)


def _meeting(filled: np.ndarray, image: np.ndarray, hole: np.ndarray, kept: np.ndarray, long_side: int
             ) -> np.ndarray:
    """``filled`` (the fill of ``hole``) with the ``kept`` part of it the picture again, its border blended
    with the fill over about two pixels (a hard step followed the pixels' staircase: a ragged edge on a TV beside
    the neck), and the rest of the hole shaded to meet it: their difference there spread smoothly, fading over
    MEET (times the long side) into the hole. The fill met the hole's rim; left as it was, it stood a few
    levels off the wall kept beside it, an outline of the figure once it moved. Only a difference within SHADE
    is shading: one larger is an object kept beside the fill (a TV's edge), spread it was a dark glow."""
    if not kept.any():
        return filled
    diff = image.astype(np.float32) - filled.astype(np.float32)
    rest = hole & ~kept
    shading = ~rest & (np.sqrt(np.einsum("ijk,ijk->ij", diff, diff)) <= SHADE)
    near = _rim_weight(rest, MEET * long_side) * rest
    blend = np.minimum(kept, cv2.GaussianBlur((kept | ~hole).astype(np.float32), (0, 0), 2.0))
    out = filled + blend[..., None] * diff + near[..., None] * smooth_fill(diff * shading[..., None], shading)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


MEET = 0.015  # the fill is shaded to meet the picture put back beside it over this much (times the long side)
MARGIN_CORE = 0.004  # the figure grown by this much (times the long side) is always filled: its soft edge's pixels
# (pixels) the backdrop is read up to 2 beyond the hole, blurred by a kernel reaching 3 more, and the masks blurred
# there reach 6: a crop grown by this much from the hole gives every pixel of the margin the whole picture's answer
BOX_REACH = 8


def _snapped_to(palette: np.ndarray, image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """``image`` whose ``hole`` pixels within SNAP of a colour of a drawn backdrop's ``palette`` ([K, 3] RGB) are
    that colour exactly. On a flat wall the fill strays from it by a few levels in the figure's shape (its
    shading and layout are made for photographs' walls), too little to see in a photograph's grain but a plain
    ghost of the figure on drawn art's flat colours once the figure moves off it. Blends of two colours are left
    as the fill made them: they are the fill's lines (a door's edge carried across), or where the figure stood
    across the line between a wall and the floor, a haze (snapping it to the colour beside each pixel moved the
    carried lines)."""
    ys, xs = np.nonzero(hole)
    d = np.linalg.norm(image[ys, xs].astype(np.float32)[:, None, :] - palette[None].astype(np.float32), axis=2)
    near = d.min(axis=1) < SNAP
    out = image.copy()
    out[ys[near], xs[near]] = palette[d.argmin(axis=1)[near]]
    return out


def _slits(hole: np.ndarray, grow: int) -> np.ndarray:
    """The background ``hole`` encloses that is nowhere wider than ``2 * grow`` pixels: the slit left of a gap
    between an arm and the body once the character is grown. What shows through such a gap is no sample of the
    background around the character, and copied from (the orange of a curtain seen only between TikTok character
    3's arm and her dress, spread over the whole fill as an orange smear); it is filled with the character."""
    out = np.zeros_like(hole)
    box = grown_box(hole, 1)
    if box is None:
        return out
    n, pieces = cv2.connectedComponents((~hole[box]).astype(np.uint8), connectivity=4)
    rim = np.unique(np.concatenate([pieces[0], pieces[-1], pieces[:, 0], pieces[:, -1]]))
    ids = np.setdiff1d(np.arange(1, n), rim)  # the pieces the character encloses
    if len(ids):
        inner = np.isin(pieces, ids)
        depth = cv2.distanceTransform(inner.astype(np.uint8), cv2.DIST_L2, 3)
        half = np.asarray(ndimage.maximum(depth[inner], pieces[inner], ids))
        out[box] = np.isin(pieces, ids[half <= grow])
    return out


def blurred_edge(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """HxW bool: the pixels just outside ``hole`` joined to it that are unlike the plain backdrop beyond them
    (EDGE_APART) and end within EDGE_REACH of it: the character's edge where the matte stops short of it. A
    white sleeve blurred by a quick movement over a white wall (TikTok character 5) fades into the wall over
    more than the matte and its margin take; left in the background, its shaded outline stood there as a pale
    ghost of the sleeve once the arm moved. The backdrop beside each pixel is the one twice EDGE_REACH out from
    the hole, in the direction away from it. Kept as they are: what goes on further out (an object beside the
    character: a bag on the wall, a door's frame), dark objects (:func:`_dark_objects`: a carved frame or cables
    along the character's side, or beyond it, where they are no backdrop to compare with) and a textured
    backdrop (leaves), where every pixel is unlike the one beside it. Found on a copy at most EDGE_SIDE large (a
    blur this wide needs no finer look; on a 1600-pixel image it took as long as the fill)."""
    h, w = hole.shape
    s = EDGE_SIDE / max(h, w)
    if s < 1:
        size = (max(8, round(w * s)), max(8, round(h * s)))
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        small_hole = cv2.resize(hole.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
        edge = blurred_edge(small, small_hole).astype(np.float32)
        return (cv2.resize(edge, (w, h), interpolation=cv2.INTER_LINEAR) > 0.5) & ~hole
    reach = max(2, round(EDGE_REACH * max(h, w)))
    out_d = ndimage.distance_transform_edt(~hole)
    beyond = (out_d > 2 * reach) & (out_d <= 2 * reach + 2)
    band = ~hole & (out_d <= 2 * reach)
    if not beyond.any():
        return np.zeros(hole.shape, bool)
    _, (iy, ix) = ndimage.distance_transform_edt(~beyond, return_indices=True)
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    unlike = band & (lab_distance(lab, lab[iy, ix]) > EDGE_APART)
    dark = _dark_objects(image, hole)
    unlike &= (_textured(image, hole, dark) < EDGE_PLAIN) & (dark < 0.5) & (dark[iy, ix] < 0.5)
    # an object: what lies past the reach, followed back along itself as far (not along the whole outline)
    far = (unlike & (out_d > reach)).astype(np.uint8)
    for _ in range(reach):
        far = cv2.dilate(far, None) & unlike
    edge = unlike & (out_d <= reach) & ~far.astype(bool)
    pieces, _ = ndimage.label(edge | hole)
    return edge & np.isin(pieces, np.unique(pieces[hole]))


def _detail(image: np.ndarray) -> np.ndarray:
    """HxW float32: each pixel's fine detail, how far (grey levels) it stands off its surroundings blurred."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return np.abs(grey - cv2.GaussianBlur(grey, (0, 0), 1.5))


def _grain_over_flat(image: np.ndarray, hole: np.ndarray) -> np.ndarray | None:
    """``image`` with its grain taken away (a median over DENOISE pixels) when the backdrop around ``hole`` is
    flat drawn shapes under film grain, else None: the rim reads fully textured (BUSY) but keeps less than GRAIN
    of its detail once denoised. Read as texture, the patch search copied the one big flat shape beside the hole
    (the robot boxer's lilac disc: among busy grainy patches, only its inside is all one colour) over half of
    where the figure stood, a flat smear with a ragged edge. Leaves, a flag, a photograph's sky keep half their
    detail and more."""
    rim = ~hole & (ndimage.distance_transform_edt(~hole) <= RIM * max(hole.shape))
    if not rim.any():
        return None
    flat = cv2.medianBlur(image, DENOISE)
    raw = float(_detail(image)[rim].mean())
    return flat if raw >= BUSY and float(_detail(flat)[rim].mean()) < GRAIN * raw else None


GRAIN = 0.3  # a backdrop keeping less than this share of its fine detail once denoised was flat colours and grain
DENOISE = 5  # (pixels) the median that takes a drawn backdrop's grain away


def _drawn_fill(image: np.ndarray, flat: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """``image`` with ``hole`` filled as a backdrop of flat drawn shapes under grain (``flat``: ``image`` without
    its grain) is: the ground (the rim's commonest colour) or a band of another colour seen on both sides of the
    hole (:func:`_bands_across`), the shapes touching the hole going on behind it over about REACH (times the
    long side) and fading into that, and the grain of the ground laid over it (its pixels' differences from
    ``flat``, drawn at random: the grain is no pattern). A shape cut off by the figure is hidden by it, not grown
    into the space it stood in."""
    H, W = hole.shape
    rim = ~hole & (ndimage.distance_transform_edt(~hole) <= REGION_RIM * max(H, W))
    ys, xs = np.nonzero(rim)
    lab = cv2.cvtColor(flat[ys, xs][None], cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    centres, share = colour_shares(lab, k=REGIONS)
    own = np.zeros((H, W), np.uint8)
    apart = lab_distance(lab, centres[int(np.argmax(share))])
    own[ys, xs] = apart <= max(OWN, float(apart.min()))
    # (inside the ground only: at a shape's edge the differences from the denoised copy are its edge, dark specks)
    gy, gx = np.nonzero(cv2.erode(own, np.ones((DENOISE, DENOISE), np.uint8)))
    if not len(gy):
        gy, gx = np.nonzero(own)
    ground = np.median(flat[gy, gx], axis=0).astype(np.float32)
    depth, (iy, ix) = ndimage.distance_transform_edt(hole, return_indices=True)
    on = np.exp(-(depth[hole] / (REACH * max(H, W))) ** 2)[:, None].astype(np.float32)
    out = image.astype(np.float32)
    out[hole] = on * flat[iy[hole], ix[hole]] + (1 - on) * _bands_across(flat, hole, ground)[hole]
    grain = image[gy, gx].astype(np.float32) - flat[gy, gx]
    out[hole] += grain[np.random.default_rng(0).integers(0, len(grain), int(hole.sum()))]
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


OWN = 12.0  # (Lab, 8-bit) a rim pixel this near the ground's main colour is of the ground


def _bands_across(flat: np.ndarray, hole: np.ndarray, ground: np.ndarray) -> np.ndarray:
    """HxWx3 float32: ``ground``, but in ``hole`` where along its rows both sides are one colour (of ``flat``,
    within OWN) other than the ground over at least REACH (times the long side) of rows, that colour, shaded from
    one side to the other. A band crossing behind the figure (a floor under a wall) goes on across it: filled with
    the ground (the commonest colour around, the wall), the floor lost two wall-coloured blobs where the feet
    stood. Rows only: scenes lie in horizontal bands. Thinner, the same colour on both sides is as likely two
    shapes (a bar's end and a dot) as one band: carried across, a line joined them."""
    H, W = hole.shape
    cols = np.arange(W)[None]
    left = np.maximum.accumulate(np.where(hole, -1, cols), axis=1)
    right = np.minimum.accumulate(np.where(hole, W, cols)[:, ::-1], axis=1)[:, ::-1]
    both = hole & (left >= 0) & (right < W)
    rows = np.nonzero(both)[0]
    a = flat[rows, left[both]].astype(np.float32)
    b = flat[rows, right[both]].astype(np.float32)
    lab = cv2.cvtColor(np.stack([a, b, np.broadcast_to(ground, a.shape)]).astype(np.uint8), cv2.COLOR_RGB2LAB)
    lab = lab.astype(np.float32)
    band = np.zeros((H, W), np.uint8)
    band[both] = (lab_distance(lab[0], lab[1]) <= OWN) & (lab_distance((lab[0] + lab[1]) / 2, lab[2]) > OWN)
    tall = max(1, round(REACH * max(H, W)))
    # (most of the rows around, not each: under heavy grain a few rows' ends read apart)
    band = (cv2.blur(band.astype(np.float32), (1, tall)) > 0.5).astype(np.uint8)
    band = cv2.morphologyEx(band, cv2.MORPH_OPEN, np.ones((tall, 1), np.uint8)).astype(bool)
    out = np.empty((H, W, 3), np.float32)
    out[:] = ground
    f = ((cols - left) / np.maximum(right - left, 1))[both][:, None]
    out[both] = np.where(band[both][:, None], (1 - f) * a + f * b, ground)
    return out


def patch_fill(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """``image`` (HxWx3 uint8) with ``hole`` (HxW bool) filled by pixels copied from the rest of it.

    Per hole pixel an offset to the place it copies from, found coarse to fine: at each scale, candidates (the
    current offset, the neighbours' offsets, random ones nearby) are scored by how far the patch at their
    source is from the patch around the pixel (the known pixels and the fill so far), and the best is kept.
    Deterministic (a fixed random seed). Falls back to a smooth fill when too little background is visible."""
    if not hole.any() or hole.all():
        return image
    H, W = hole.shape
    top = min(1.0, FILL_SIDE / max(H, W))
    scales = [top]
    while max(H, W) * scales[-1] / 2 >= COARSEST:
        scales.append(scales[-1] / 2)
    rng = np.random.default_rng(0)
    # the layout the copies follow and the shading they blend to: where the surroundings are plain, they are
    # continued region by region without the dark objects beside the hole (a TV's darkness spread over the wall
    # reads as a blob); where they are textured, all of them (among leaves, dark and light alike are the texture)
    dark = _dark_objects(image, hole)
    textured = _textured(image, hole, dark)[..., None]
    spread = smooth_fill(image, ~hole)
    target = (1 - textured) * _plain_fill(image, hole, spread, dark)
    if textured.any():
        target += textured * _textured_layout(image, hole, spread, textured[..., 0] > 0)
    field = None
    for s in reversed(scales):
        size = (max(8, round(W * s)), max(8, round(H * s)))
        img = cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(np.float32)
        small = cv2.resize(hole.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0
        source = ~cv2.dilate(small.astype(np.uint8), np.ones((2 * PATCH + 1, 2 * PATCH + 1), np.uint8)).astype(bool)
        if source.sum() < max(16, MIN_VISIBLE * source.size):
            filled = smooth_fill(image, ~hole)
            return np.where(hole[..., None], np.clip(filled + 0.5, 0, 255), image).astype(np.uint8)
        if field is not None:
            field = cv2.resize(field, size, interpolation=cv2.INTER_NEAREST) * np.float32(size[0] / field.shape[1])
        layout = cv2.resize(target, size, interpolation=cv2.INTER_AREA) if field is None else None
        field = _search(img, small, source, field, layout, rng, iterations=5 if field is None else 2)
    out = _copy(image, hole, field, top).astype(np.float32)
    # near the rim the broad shading follows the surroundings spread smoothly over the hole, so the copies meet
    # the seen background without a darker or lighter outline; deeper in, the copies keep their own brightness
    # (the smooth spread there is an average of everything around the hole, leaves and grass alike, and would
    # show as a muddy silhouette of the character); where the surroundings are plain (a wall, the sky) the smooth
    # spread (without the dark objects) is the fill, since copies of a gradient from elsewhere meet in steps
    known = np.where(hole[..., None], target, image.astype(np.float32))
    ring = _rim_weight(hole, LAYOUT * max(H, W))[..., None]
    out += ring * _broad(_shading(known - out), LAYOUT * max(H, W))
    out = textured * out + (1 - textured) * target
    return np.where(hole[..., None], np.clip(out + 0.5, 0, 255), image).astype(np.uint8)


def _shading(diff: np.ndarray) -> np.ndarray:
    """HxWx3 float32: of ``diff`` (the smooth spread of the surroundings less the copies, per pixel), what is
    shading: its grey part whole, its colour (what is left) the less the more it is, gone beyond about twice
    SHADE levels. Where a copy is of another object than the surroundings beside it (blue copied beside a
    yellow rectangle in a busy backdrop), its difference is the two objects' colours, and spread over the rim
    it tinted the copies with a coloured glow and smears where the character had stood (the robot boxer); the
    light and shade the copies take from their surroundings is grey."""
    grey = diff.mean(axis=2, keepdims=True)
    colour = diff - grey
    size = np.sqrt(np.einsum("ijk,ijk->ij", colour, colour))[..., None]
    return grey + colour * np.exp(-(size / SHADE) ** 2)


SHADE = 24.0  # (RGB levels) a colour difference this large between the copies and their surroundings counts a third


def _dark_objects(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """HxW float32 0..1: how much each known pixel is of a dark object standing among the surroundings (a TV,
    a dark door frame beside a plain wall): much darker than the tone most of the surroundings have, found by a
    mean shift from their average to their commonest tone (leaves with specks of sky are leaves; a wall with a
    TV on it is the wall). 0 in the hole."""
    H, W = hole.shape
    known = ~hole
    tone = np.log(image.astype(np.float32).mean(axis=2) + 16.0)
    wide = DARK_SPAN * max(H, W)
    vote = known.astype(np.float32)
    for _ in range(4):
        common = _broad(tone * vote, wide) / np.maximum(_broad(vote, wide), 1e-6)
        vote = known * (np.exp(-(tone - common) ** 2 / (2 * DISTINCT ** 2)) + 1e-3)
    darker = np.maximum(common - tone, 0)
    return (known * (1 - np.exp(-darker ** 2 / (2 * DISTINCT ** 2)))).astype(np.float32)


def _plain_fill(image: np.ndarray, hole: np.ndarray, spread: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """HxWx3 float32: the surroundings spread smoothly over the hole, leaving out, beyond a short margin, the
    ``dark`` objects among them (:func:`_dark_objects`).

    ``spread``: all the surroundings spread smoothly (push-pull), which turns every dark object standing beside
    the hole into a dark blob over the wall. The dark objects count for little in a second spread, which fills
    the hole but for a margin along the rim where the object goes on a little way behind where the character
    stood. Straight edges crossing the hole part the result along their continuation (:func:`carry_lines`)."""
    H, W = hole.shape
    weight = ~hole * (1 - dark + 1e-3)
    # (a TV's edge is hidden by the arm in front of it, not cut off at it)
    margin = np.exp(-ndimage.distance_transform_edt(hole) / (REACH * max(H, W))).astype(np.float32)[..., None]
    plain = margin * spread + (1 - margin) * _by_region(image, hole, weight)
    return carry_lines(image, hole, plain, weight)


def _by_region(image: np.ndarray, hole: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """HxWx3 float32: the hole filled with the plain regions around it (a beige wall, a white door), each
    continued in its own colour and shading up to where another one is nearer, never their average. A smooth
    spread of all the surroundings blends the wall and the door into a pale colour of neither, which shows as a
    silhouette of the character as soon as it moves away (TikTok character 1). ``weight``: how much each known
    pixel counts (a dark object beside a plain wall counts little).

    The regions are the main colours of the rim around the hole, shades of one hue counting as one (a lit
    ceiling over a wall in shade is spread smoothly, as before); every hole pixel takes the regions by their
    nearness-weighted shares of the rim raised to SHARP (a soft border where two are about as near: raised
    higher, the borders of regions continued deep into the hole read as blobs of their own)."""
    H, W = hole.shape
    rim, lab, centres = _rim_colours(image, hole)
    ys, xs = np.nonzero(rim)
    regions = _hues(centres)
    if regions.max() == 0:
        return smooth_fill(image, weight)
    nearest = np.full((H, W), -1, np.int64)
    nearest[ys, xs] = regions[np.argmin(np.stack([lab_distance(lab, c) for c in centres], axis=1), axis=1)]
    n = int(regions.max()) + 1
    counts = weight * rim
    # (the shares and each region's shading are smooth: spread on a small copy)
    share = smooth_fill((nearest[..., None] == np.arange(n)) * counts[..., None], rim, REGION_SIDE)
    mine = np.clip(share, 0.0, None) ** SHARP
    mine /= np.maximum(mine.sum(axis=2, keepdims=True), 1e-12)
    out = np.zeros((H, W, 3), np.float32)
    for i in range(n):
        region = counts * (nearest == i)
        if region.any():
            out += mine[..., i:i + 1] * smooth_fill(image, region, REGION_SIDE)
    return out


def _rim_colours(image: np.ndarray, hole: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rim around the hole (HxW bool: within REGION_RIM of it), its pixels' Lab colours [N, 3] and their main
    colours (k-means, at most REGIONS)."""
    rim = ~hole & (ndimage.distance_transform_edt(~hole) <= REGION_RIM * max(hole.shape))
    ys, xs = np.nonzero(rim)
    lab = cv2.cvtColor(image[ys, xs][None], cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    return rim, lab, torso_colours(lab, k=REGIONS)


def _textured_layout(image: np.ndarray, hole: np.ndarray, spread: np.ndarray, textured: np.ndarray) -> np.ndarray:
    """HxWx3 float32: the layout the copies of a textured background follow: the surroundings spread smoothly
    (``spread``: among leaves and bark their average is a shade of both, and copies of either match it), unless
    that average is no colour of theirs over the ``textured`` part of the hole (its median distance to the
    nearest of the rim's main colours above BLEND_APART): beside a flag and a mottled backdrop it is a dark mauve
    that only the flag's navy canton matched, and the copies brought the flag into the backdrop where the body
    stood, a blocky dark silhouette (matplotlib's Grace Hopper, skimage's astronaut). Then the surroundings
    continued region by region (:func:`_by_region`, all of them counting alike)."""
    _, _, centres = _rim_colours(image, hole)
    inside = hole & textured
    if not len(centres) or not inside.any():
        return spread
    shown = cv2.cvtColor(np.clip(spread[inside][None] + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB)[0]
    apart = np.min([lab_distance(shown.astype(np.float32), c) for c in centres], axis=0)
    if float(np.median(apart)) <= BLEND_APART:
        return spread
    return _by_region(image, hole, (~hole).astype(np.float32))


BLEND_APART = 16.0  # (Lab, 8-bit) the surroundings' average this far from all their main colours is a blend of them


def _hues(centres: np.ndarray) -> np.ndarray:
    """[k] ints: for each colour (Lab), the region it belongs to, numbered from 0: colours of about one hue are
    one region, however light or dark (a lit ceiling over a wall in shade: their smooth blend is the light
    between them; parted, the ceiling's colour went down into the wall as a pale bulge)."""
    region = np.arange(len(centres))
    chroma = centres[:, 1:]
    for i in range(len(centres)):
        for j in range(i):
            if np.linalg.norm(chroma[i] - chroma[j]) < HUE_ALIKE:
                region[region == region[i]] = region[j]
    return np.unique(region, return_inverse=True)[1]


HUE_ALIKE = 8.0  # (Lab a*b*, OpenCV's 8-bit scale) colours nearer in hue than this are shades of one region
REGIONS = 5  # at most this many plain regions around the hole (their colours: k-means of the rim's, merged alike)
REGION_RIM = 0.03  # the regions are read this far out from the hole (times the long side)
REGION_SIDE = 256  # ... and spread on a copy at most this large
SHARP = 4.0  # the power the regions' shares are raised to: a region twice as near as another wins 16 to 1


def _rim_weight(hole: np.ndarray, width: float) -> np.ndarray:
    """HxW float32: 1 at the hole's rim, falling off over ``width`` pixels into it (0 well inside)."""
    d = ndimage.distance_transform_edt(hole).astype(np.float32)
    return np.exp(-d / max(width, 1.0))


def _broad(values: np.ndarray, sigma: float) -> np.ndarray:
    """``values`` (HxW or HxWxC float32) blurred with a Gaussian of ``sigma`` pixels, on a copy shrunk so the
    blur is a few pixels wide (the same result for what is this smooth, a fraction of the cost)."""
    h, w = values.shape[:2]
    f = min(1.0, 6.0 / max(sigma, 1e-6))
    size = (max(4, round(w * f)), max(4, round(h * f)))
    small = cv2.resize(values, size, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma * size[0] / w)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR).reshape(values.shape)


def _textured(image: np.ndarray, hole: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """HxW float32 0..1: how textured the background around each hole pixel is (0: plain, 1: leaves, a floor's
    pattern), from the fine detail of the visible pixels just outside it, spread over the hole. Only the rim
    counts: a carved frame or a window a little further off, beside a strip of plain wall, does not make the
    wall where the character stood textured (its copies would bring the frame's wood into the wall). Nor do
    narrow ``dark`` objects on the rim and the pixels along them (a carved frame or cables touching the hole,
    a TV's edge): their detail made the plain wall beside them textured, and copies of wood and cables blended
    into the wall there as blocky tiles (TikTok characters 2, 3, 5). A broad dark area (a tree's bark) is a
    texture of its own and counts."""
    detail = _detail(image)
    objects = dark > 0.5
    r = max(2, round(NARROW * max(hole.shape)))
    broad = cv2.morphologyEx(objects.astype(np.uint8), cv2.MORPH_OPEN, disc(r)).astype(bool)
    narrow = cv2.dilate((objects & ~broad).astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    rim = ~hole & ~narrow & (ndimage.distance_transform_edt(~hole) <= RIM * max(hole.shape))
    if not rim.any():
        return np.zeros(hole.shape, np.float32)
    energy = _broad(smooth_fill(detail[..., None], rim)[..., 0], LAYOUT * max(hole.shape))
    return np.clip((energy - PLAIN) / (BUSY - PLAIN), 0.0, 1.0).astype(np.float32)


def _copy(image: np.ndarray, hole: np.ndarray, field: np.ndarray, scale: float) -> np.ndarray:
    """The hole's pixels copied at full resolution from where ``field`` (the offsets found on the copy ``scale``
    times as large) says: each pixel blends the copies its four nearest coarse cells make, by nearness, so where
    neighbouring cells copy from the same place the texture is copied pixel for pixel, and where they do not the
    two copies cross-fade instead of meeting at a hard step."""
    H, W = hole.shape
    h, w = field.shape[:2]
    ys, xs = np.nonzero(hole)
    u = (xs + 0.5) * (w / W) - 0.5
    v = (ys + 0.5) * (h / H) - 0.5
    u0, v0 = np.floor(u).astype(np.int64), np.floor(v).astype(np.int64)
    fu, fv = (u - u0).astype(np.float32), (v - v0).astype(np.float32)
    used = np.zeros((h, w), bool)
    used[field.any(axis=2)] = True
    acc = np.zeros((len(ys), 3), np.float32)
    total = np.zeros(len(ys), np.float32)
    nearest = None
    for du, dv in ((0, 0), (1, 0), (0, 1), (1, 1)):
        cu, cv = np.clip(u0 + du, 0, w - 1), np.clip(v0 + dv, 0, h - 1)
        # (the cell holding the pixel is always one of the four, and always in the hole: never no weight at all)
        wgt = ((fu if du else 1 - fu) * (fv if dv else 1 - fv) + 1e-6) * used[cv, cu]
        off = np.round(field[cv, cu] * np.float32(W / w)).astype(np.int64)
        sy = np.clip(ys + off[:, 1], 0, H - 1)
        sx = np.clip(xs + off[:, 0], 0, W - 1)
        inside = hole[sy, sx] & (wgt > 0)
        if inside.any():  # a source that rounding put inside the hole: the nearest visible pixel instead
            if nearest is None:
                nearest = ndimage.distance_transform_edt(hole, return_distances=False, return_indices=True)
            sy[inside], sx[inside] = nearest[0][sy[inside], sx[inside]], nearest[1][sy[inside], sx[inside]]
        acc += wgt[:, None] * image[sy, sx]
        total += wgt
    out = image.copy()
    out[ys, xs] = np.clip(acc / total[:, None] + 0.5, 0, 255).astype(np.uint8)
    return out


def _search(img: np.ndarray, hole: np.ndarray, source: np.ndarray, field: np.ndarray | None,
            layout: np.ndarray | None, rng: np.random.Generator, iterations: int) -> np.ndarray:
    """The offsets (HxWx2 float32, x then y; zero outside ``hole``) from each hole pixel of ``img`` to a pixel of
    ``source`` whose patch looks like its own, improving ``field`` (None: start from the hole's mirror image and
    follow ``layout``, the hole's broad colours)."""
    h, w = hole.shape
    ys, xs = np.nonzero(hole)
    src_y, src_x = np.nonzero(source)
    if field is None:
        # start: the pixel mirrored across the hole's nearest rim (the background just outside, reflected)
        _, (iy, ix) = ndimage.distance_transform_edt(hole, return_indices=True)
        off = np.stack([2 * (ix[ys, xs] - xs), 2 * (iy[ys, xs] - ys)], axis=1)
    else:
        off = np.round(field[ys, xs]).astype(np.int64)
    fill = img.copy()
    if layout is not None:  # the layout to follow: the surroundings spread smoothly (light ceiling above, wall below)
        fill[hole] = layout[hole]
    flat_img, flat_fill = img.reshape(-1, 3), fill.reshape(-1, 3)
    weight = np.where(hole, 0.5, 1.0).astype(np.float32).ravel()  # the fill so far counts less than what is seen
    far = np.float32((60.0 / max(h, w)) ** 2)  # a source across the whole image costs as much as 60 levels off
    # a source's whole patch lies inside the image (no clipping per candidate); a hole pixel's own patch is
    # clipped at the border once
    usable = source.copy()
    usable[:PATCH], usable[h - PATCH:], usable[:, :PATCH], usable[:, w - PATCH:] = False, False, False, False
    usable = usable.ravel()
    steps = [(dy, dx) for dy in (-PATCH, 0, PATCH) for dx in (-PATCH, 0, PATCH)]
    taps = [dy * w + dx for dy, dx in steps]
    own = [np.clip(ys + dy, 0, h - 1) * w + np.clip(xs + dx, 0, w - 1) for dy, dx in steps]
    spare = int(np.flatnonzero(usable)[0]) if usable.any() else 0
    here = ys * w + xs
    neighbours = [np.clip(ys + dy, 0, h - 1) * w + np.clip(xs + dx, 0, w - 1)
                  for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1))]
    grid = np.zeros((h * w, 2), np.int64)

    def cost(cand: np.ndarray, patches: list[np.ndarray], near: list[np.ndarray]) -> np.ndarray:
        sx, sy = xs + cand[:, 0], ys + cand[:, 1]
        ok = (sx >= 0) & (sx < w) & (sy >= 0) & (sy < h)
        q = np.where(ok, sy * w + sx, spare)
        ok &= usable[q]
        q[~ok] = spare
        c = NEAR * far * (cand[:, 0] ** 2 + UPRIGHT * cand[:, 1] ** 2).astype(np.float32)
        for (patch, wgt), tap in zip(patches, taps):
            d = patch - np.take(flat_img, q + tap, axis=0)
            c += np.einsum("ij,ij->i", d, d) * wgt
        for nb in near:  # coherence: a pixel copying from where its neighbours do costs less
            c += COHERE * (nb != cand).any(axis=1)
        c[~ok] = np.inf
        return c

    def context() -> tuple[list, list]:
        """The hole pixels' own patches (with their weights) and their neighbours' offsets, as they stand."""
        grid[here] = off
        return ([(np.take(flat_fill, t, axis=0), weight[t]) for t in own],
                [np.take(grid, nb, axis=0) for nb in neighbours])

    patches, near = context()
    best = cost(off, patches, near)
    bad = ~np.isfinite(best)
    if bad.any():  # no usable start: a random visible pixel
        pick = rng.integers(0, len(src_x), bad.sum())
        off[bad] = np.stack([src_x[pick] - xs[bad], src_y[pick] - ys[bad]], axis=1)
    for it in range(iterations):
        if it or field is not None:
            fill[ys, xs] = img[np.clip(ys + off[:, 1], 0, h - 1), np.clip(xs + off[:, 0], 0, w - 1)]
        patches, near = context()
        best = cost(off, patches, near)  # the neighbours moved on: today's price of keeping the offset
        cands = near + [np.take(grid, np.clip(ys + dy, 0, h - 1) * w + np.clip(xs + dx, 0, w - 1), axis=0)
                        for dy, dx in ((-4, 0), (4, 0), (0, -4), (0, 4))]
        radius = max(h, w) // 2
        while radius >= 2:
            cands.append(off + rng.integers(-radius, radius + 1, off.shape))
            radius //= 2
        for cand in cands:
            c = cost(cand, patches, near)
            better = c < best
            off[better], best[better] = cand[better], c[better]
    out = np.zeros((h, w, 2), np.float32)
    out[ys, xs] = off
    return out


def _given(background: str | Path | None) -> bool:
    return background is not None and str(background).strip() != ""


def is_still(background: str | Path | None) -> bool:
    """The background is a still scene (the image's own, or an image file), so it can follow the camera."""
    if not _given(background):
        return True
    path = Path(str(background))
    return path.exists() and probe(path).kind == "image"


def _moving(scene: np.ndarray, out_w: int, out_h: int, camera: np.ndarray) -> Iterator[np.ndarray]:
    """A still scene seen through the reference's camera motion (``camera`` [T, 2, 3] in output pixels); after
    the last frame the camera holds."""
    h, w = scene.shape[:2]
    place = cover(w, h, out_w, out_h)
    C = np.array([[place.scale, 0, place.ox], [0, place.scale, place.oy], [0, 0, 1.0]])
    t = 0
    while True:
        A = np.vstack([camera[min(t, len(camera) - 1)], [0, 0, 1.0]]) @ C
        yield cv2.warpAffine(scene, A[:2], (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        t += 1


def _video(path: Path, out_w: int, out_h: int, fps: float) -> Iterator[np.ndarray]:
    """A background video, looped."""
    while True:
        n = 0
        for frame in iter_frames(path, fps=fps):
            n += 1
            yield fit(frame, out_w, out_h)
        if n == 0:
            raise InputError("the background video has no frames.", file=path, code="background",
                             fix="use another video, an image or a colour.")


def backgrounds(background: str | Path | None, own: np.ndarray, out_w: int, out_h: int, fps: float,
                camera: np.ndarray | None = None) -> Iterator[np.ndarray]:
    """One background frame per output frame (HxWx3 uint8, read-only: a still background is the same array every
    time, so the caller copies it into its own canvas before drawing).

    ``background``: the user's (a file or a colour), None for ``own`` (the character image's, filled);
    ``camera`` [T, 2, 3] (output pixels): a still background moves with the reference's camera."""
    if not _given(background):
        scene = own
    else:
        path = Path(str(background))
        if path.exists():
            if probe(path).kind == "video":
                yield from _video(path, out_w, out_h, fps)
                return
            scene = read_image(path)
        else:
            rgb = parse_color(str(background))
            if rgb is None:
                raise InputError(f"the background {background!r} is neither an existing file nor a colour.",
                                 code="background", measured=str(background),
                                 fix="pass an image or video file, or a colour such as '#00ff00' or 'green'.")
            scene = np.empty((out_h, out_w, 3), np.uint8)
            scene[:] = rgb
            camera = None  # a plain colour looks the same however the camera moves
    if camera is not None:
        yield from _moving(scene, out_w, out_h, camera)
        return
    still = fit(scene, out_w, out_h)
    still.flags.writeable = False  # the same array every frame: the caller draws on its own copy
    while True:
        yield still

"""Parts outside the human plan: tails, ears, buns, long hair, capes, antennas, props.

A person mask knows nothing of a fox's tail, and a skeleton has no bone for it. Left alone, such a part is cut off
by the matte and stays behind in the filled background, or is split between the nearest limbs and torn apart when
they move. Here the matte is grown to take in what is attached to the figure and stands out from the background
around it, and every piece of the figure lying far from all of its body parts moves, whole, with the part it is
attached to.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J
from .arm_gaps import GAP_WIDTH
from .fill import colour_distance, lab_distance, torso_colours
from .model import ARM_PARTS, LAYER_NAMES, LAYER_OF_PART, LEG_PARTS, PARTS, part_segment, segment_distance
from .morphology import dilate_disc, dilate_in_box, grow_box, grown_box

GROW_LONG_SIDE = 384  # the matte is grown on a copy this large
# how far beyond the person mask an attached part may reach, in shoulder widths (a long tail, a cape's hem)
REACH = 1.6
# a pixel is outside the human plan when it lies this far (in shoulder widths) beyond every body part's surface
FAR = 0.12
# a piece grows by its colour at most this far (shoulder widths): to the base of a tail behind a thigh, across
# the cape between the legs; no further (a figure all of one colour, a metal robot, would flood whole)
GROW_REACH = 0.4
HOLE_DELTA_E = 25.0  # a pixel in a hole of the person mask this near a background colour (Lab) is background


def with_attached_parts(image: np.ndarray, matte: np.ndarray, shoulder_width: float,
                        shoulders_y: float | None = None, person: np.ndarray | None = None,
                        arm_gaps: np.ndarray | None = None) -> np.ndarray:
    """The matte (HxW float32 0..1) grown by what is attached to the figure and unlike the background near it.

    GrabCut separates colours: sure figure inside the mask, maybe figure on it, maybe background in a band
    around it (``REACH`` shoulder widths), sure background beyond. Only new pieces that touch the figure are kept,
    so a similar-coloured object nearby that does not touch it stays in the background. Below ``shoulders_y``
    (image rows; the shoulders' line), neither is what hangs on the figure by a thread (:func:`_by_a_thread`).
    ``person``: the pose model's person mask (HxW float32 0..1) the matte was cut from, if any: a piece it is
    sure is not the person is not taken in (:data:`PERSON_LEAST`). ``arm_gaps``: where the background may show
    between an arm and the body (HxW bool, :func:`.arm_gaps.arm_gap_zones`): a thin piece of a hole of the mask
    there is that background, whatever its colour (:func:`_seen_beside_an_arm`)."""
    H, W = matte.shape
    s = min(1.0, GROW_LONG_SIDE / max(H, W))
    w, h = max(8, round(W * s)), max(8, round(H * s))
    small = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
    hard = cv2.resize(matte, (w, h), interpolation=cv2.INTER_AREA) > 0.5
    if hard.sum() < 50:
        return matte
    reach = max(2, round(REACH * shoulder_width * s))
    near = dilate_disc(hard.astype(np.uint8), reach) > 0
    mask = np.full((h, w), cv2.GC_BGD, np.uint8)
    mask[near] = cv2.GC_PR_BGD
    mask[hard] = cv2.GC_PR_FGD
    mask[cv2.erode(hard.astype(np.uint8), None, iterations=2) > 0] = cv2.GC_FGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut seeds its colour models randomly: the same picture, the same answer
    cv2.grabCut(np.ascontiguousarray(small[:, :, ::-1]), mask, None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
    grown = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD))
    grown = cv2.morphologyEx(grown.astype(np.uint8), cv2.MORPH_OPEN, None).astype(bool) | hard
    lab, _ = ndimage.label(grown)
    keep = np.isin(lab, np.unique(lab[hard]))
    lab_small = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    added = _not_background(keep & ~hard, keep, hard, lab_small, shoulder_width * s)
    if person is not None:
        added &= ~_not_the_person(added, cv2.resize(person.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA))
    added &= ~_off_the_edge(added, hard, shoulder_width * s)
    if shoulders_y is not None:
        added &= ~(_by_a_thread(added, hard, max(1, round(NECK * shoulder_width * s)))
                   & (np.arange(h)[:, None] > shoulders_y * s))
    # a hole in the person mask is mostly the background seen between an arm and the body, with a blurred piece
    # of the arm the mask missed (TikTok clip 0: the wall between hand and hip, whose grey moved with the
    # thigh, beside a black sleeve): there, only what is unlike the background around the figure is taken in
    holes = added & ndimage.binary_fill_holes(hard)
    if holes.any():
        ring = near & ~ndimage.binary_fill_holes(hard)
        backdrop = torso_colours(lab_small[ring]) if ring.sum() >= 20 else lab_small[ring].reshape(-1, 3)
        if len(backdrop):
            added &= ~(holes & (colour_distance(lab_small, backdrop) < HOLE_DELTA_E))
        if arm_gaps is not None:
            zones = cv2.resize(arm_gaps.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
            added &= ~_seen_beside_an_arm(added & holes, zones, GAP_WIDTH * shoulder_width * s)
    if not added.any():
        return matte
    add = cv2.resize(added.astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    # an edge-aware border for the new pieces, as the rest of the matte has
    r = max(2, round(0.004 * max(H, W)))
    add = cv2.ximgproc.guidedFilter(image.astype(np.float32) / 255.0, add, r, 1e-4)
    add = np.clip((add - 0.5) * 2.0 + 0.5, 0.0, 1.0)
    # summed, not the larger of the two: where a new piece meets the mask, its border rises where the mask's
    # falls, and the larger of the two is half strength along the mask's old outline, a crack the backdrop
    # showed through as a dark line across the hair and the shoulder (TikTok clip 4); apart, the sum is the larger
    return np.minimum(matte + add, 1.0).astype(np.float32)


def _seen_beside_an_arm(holes: np.ndarray, zones: np.ndarray, width: float) -> np.ndarray:
    """The pieces of ``holes`` (what the growth took into the person mask's holes) lying mostly in ``zones``
    (between an arm and the body) and narrower than ``width`` pixels everywhere: the background seen between the
    arm and the body. Its colour cannot tell it: the curtain behind TikTok character 3's hanging arm is in her
    skin's orange, and the growth took it in beside the pale wall the mask left out. A piece of the arm the mask
    missed is as wide as the arm (character 0's sleeve between hand and hip), and what lies between the legs or
    beside the head (a cape, a tail) is in no arm's zone."""
    pieces, n = ndimage.label(holes, structure=np.ones((3, 3)))
    if n == 0:
        return np.zeros_like(holes)
    ids = np.arange(1, n + 1)
    half = np.asarray(ndimage.maximum(cv2.distanceTransform(holes.astype(np.uint8), cv2.DIST_L2, 3), pieces, ids))
    within = np.asarray(ndimage.mean(zones, pieces, ids))
    return np.isin(pieces, ids[(2 * half < width) & (within > 0.5)])


def _not_the_person(added: np.ndarray, person: np.ndarray) -> np.ndarray:
    """The pieces of ``added`` over which the person mask ``person`` (0..1) is, on average, under PERSON_LEAST:
    what the pose model's segmentation is sure is no part of the person. Grown by colour only, the flag behind
    matplotlib's Grace Hopper (its gold fringe beside her face, its red and white stripes beside her shoulder:
    colours her cap, collar and ribbons wear) was taken in and rode on her head and arm, and the rim of the
    helmet beside skimage's astronaut rode on her hip."""
    pieces, n = ndimage.label(added, structure=np.ones((3, 3)))
    if n == 0:
        return np.zeros_like(added)
    mean = ndimage.mean(person, pieces, np.arange(1, n + 1))
    return np.isin(pieces, 1 + np.flatnonzero(np.asarray(mean) < PERSON_LEAST))


# a grown piece over which the person mask averages less than this is no part of the person. What the mask missed
# of a person averages 0.24-0.42 over it (the six TikTok characters' hair and forearms, the robot boxer's
# shoulders), as it fades out beyond its outline; the flag beside Grace Hopper averages 0.07-0.09, the helmet
# beside the astronaut 0.10
PERSON_LEAST = 0.15


def _by_a_thread(added: np.ndarray, hard: np.ndarray, neck: int) -> np.ndarray:
    """The pixels of ``added`` (farther than ``neck`` from the figure, ``hard``) of a piece that holds a blob
    meeting the figure only through a strand thinner than ``2 * neck``: an object behind the figure that a thin
    line of its colour joins to it (TikTok clip 2: a white toy on a shelf, joined to her forearm by the shelf's
    pale edge, was taken in and given to the forearm, and swung round with it as a white streak). A tail or a
    cape meets the body with its whole width; a thin sliver along the outline holds no blob and stays."""
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * neck + 1, 2 * neck + 1))
    thick = cv2.morphologyEx(added.astype(np.uint8), cv2.MORPH_OPEN, disc).astype(bool)
    at_figure = cv2.dilate(hard.astype(np.uint8), disc).astype(bool)
    cores, _ = ndimage.label(thick)
    held = np.isin(cores, np.unique(cores[thick & at_figure])) & (cores > 0)
    pieces, _ = ndimage.label(added, structure=np.ones((3, 3)))
    hanging = np.unique(pieces[thick & ~held])
    near = cv2.dilate((held | hard).astype(np.uint8), disc).astype(bool)
    return np.isin(pieces, hanging[hanging > 0]) & ~near


NECK = 0.03  # (shoulder widths) half the thickness under which a strand joining a piece to the figure is a thread


def _off_the_edge(added: np.ndarray, hard: np.ndarray, shoulder_width: float) -> np.ndarray:
    """The pixels of ``added`` that belong to a thing reaching the image's border where the figure (``hard``)
    does not reach it (not within :data:`OFF_FIGURE` along the border): a thing behind the figure that goes
    on beyond the picture, as the figure does not there (the star atop a flagpole behind Grace Hopper's cap,
    taken in with the corner of the cap the person mask missed, rode on her cap). A piece is split into what
    stands out from the figure (farther than :data:`SLIVER` from it, in one or more parts) and the sliver along
    its outline; each pixel goes to the nearest (through the piece) of those parts or the figure, and a part
    whose pixels meet the border only there goes: the rest of the piece stays (the corner of the cap beside the
    star's foot). A sliver along the outline stands out nowhere (TikTok character 4's sleeve running along the
    border beside her arm), and a part the border cuts beside the figure meets it near where the figure does
    (TikTok character 3's forearm beside her hip)."""
    band = np.ones(added.shape, bool)
    band[AT_BORDER:-AT_BORDER, AT_BORDER:-AT_BORDER] = False
    off = np.zeros_like(added)
    if not (added & band).any():
        return off
    if (hard & band).any():
        along = cv2.distanceTransform((~(hard & band)).astype(np.uint8), cv2.DIST_L2, 5)
    else:
        along = np.full(added.shape, np.inf, np.float32)
    far = added & band & (along > OFF_FIGURE * shoulder_width)
    pieces, _ = ndimage.label(added, structure=np.ones((3, 3)))
    ids = np.unique(pieces[far])
    if len(ids) == 0:
        return off
    box = grown_box(np.isin(pieces, ids), 1)
    piece, figure = np.isin(pieces[box], ids), hard[box]
    beyond = cv2.distanceTransform((~figure).astype(np.uint8), cv2.DIST_L2, 5)
    parts, n = ndimage.label(piece & (beyond > SLIVER * shoulder_width), structure=np.ones((3, 3)))
    nearest = _flood(np.where(figure, n + 1, parts), piece)
    contact = piece & band[box]
    owners = np.unique(nearest[contact])
    reach = np.asarray(ndimage.minimum(along[box][contact], nearest[contact], owners))
    gone = owners[(owners > 0) & (owners <= n) & (reach > OFF_FIGURE * shoulder_width)]
    off[box] = piece & np.isin(nearest, gone)
    return off


def _flood(seeds: np.ndarray, within: np.ndarray) -> np.ndarray:
    """``seeds`` (int labels, 0 unlabelled) grown through the ``within`` pixels until all those they reach hold
    the label of the nearest seed (steps of one pixel, eight neighbours; at a tie the higher label)."""
    out = seeds.copy()
    step = np.ones((3, 3), bool)
    while True:
        grown = ndimage.grey_dilation(out, footprint=step)
        new = within & (out == 0) & (grown > 0)
        if not new.any():
            return out
        out[new] = grown[new]


SLIVER = 0.03  # (shoulder widths) a grown piece no thicker than this along the figure's outline is its edge
AT_BORDER = 3  # (px on the grown copy) a piece this near the image's border reaches it (the growth's opening
# rounds off the tip a border cuts)


def _not_background(added: np.ndarray, figure: np.ndarray, hard: np.ndarray, lab: np.ndarray,
                    shoulder_width: float) -> np.ndarray:
    """The pieces of ``added`` that are not pieces of the background: a piece whose colour most of the
    background along its rim shares goes on into the background (a patch of a busy backdrop), a piece that
    runs along the image's border farther than it touches the figure (``hard``) is an object the figure stands
    before (the lower half of a black box in a corner), not a tail or a cape, and so is one that reaches the
    border away from the figure (:data:`OFF_FIGURE`, :data:`BORDER_RUN`; a flag behind a shoulder, in the
    colours of the shirt and its collar: skimage's astronaut, whose flag was given to her arm and drawn from it
    for the other one, two striped wings), and a piece in colours the figure wears nowhere (:func:`_worn_by`).
    ``lab``: the image in Lab; ``shoulder_width`` in its pixels."""
    pieces, n = ndimage.label(added, structure=np.ones((3, 3)))
    if n == 0:
        return added
    frame = np.ones(added.shape, bool)
    frame[1:-1, 1:-1] = False
    beyond = cv2.distanceTransform((~hard).astype(np.uint8), cv2.DIST_L2, 5)  # how far off the figure
    soft = cv2.GaussianBlur(lab, (0, 0), WORN_BLUR)  # a cloth's colour, not the grain of its weave or fluff
    worn = _main_colours(soft[cv2.erode(hard.astype(np.uint8), None, iterations=2) > 0], FIGURE_COLOURS, 0.0)
    out = np.zeros_like(added)
    for i in range(1, n + 1):
        piece = pieces == i
        if not _worn_by(soft[piece], worn):
            continue
        grown = dilate_in_box(piece, None, iterations=2)
        rim = grown & ~figure
        if rim.any():
            colour = np.median(lab[piece], axis=0)
            if (np.linalg.norm(lab[rim] - colour, axis=1) < LIKE_AROUND).mean() > GOES_ON:
                continue
        if (piece & frame).sum() > (grown & hard).sum() / 2:  # (the contact, two pixels deep)
            continue
        if (piece & frame & (beyond > OFF_FIGURE * shoulder_width)).sum() > BORDER_RUN * shoulder_width:
            continue
        out |= piece
    return out


# (shoulder widths) a grown piece that reaches the image's border farther than OFF_FIGURE from the figure, along
# more than BORDER_RUN of the border, goes on beyond the picture: a thing behind the figure (skimage's astronaut's
# flag: up to 0.5). What hangs on a figure and is cut by the border meets it nearer (TikTok character 3's forearm,
# which the person mask missed where the bottom edge cuts it: 0.1-0.25 off the mask there)
OFF_FIGURE = 0.25
BORDER_RUN = 0.1
LIKE_AROUND = 20.0  # colour distance (Lab) under which the background along a grown piece's rim is like it
GOES_ON = 0.3  # a grown piece whose rim's background is this much like it is a piece of that background
FIGURE_COLOURS = 16  # colour clusters of the figure a grown piece is compared with
WORN_DELTA_E = 15.0  # colour distance (Lab) under which a pixel has one of the figure's colours
WORN_BLUR = 1.5  # (px on the grown copy) the blur under which the figure's and a piece's colours are compared
WORN_SHARE = 0.35  # a grown piece with fewer of its pixels in the figure's colours is not one of its parts


def _worn_by(piece: np.ndarray, worn: np.ndarray) -> bool:
    """Whether a grown piece (its pixels' colours [N, 3], Lab) is in the colours the figure wears (``worn``).
    What the person mask misses of a figure is made of what the rest of it is made of: a tail of its fur, a bun
    of its hair, the edge of a cape whose rest the mask holds. A patch of something behind the figure that the
    growth took in only for being unlike the background around it is not (TikTok clip 0: a pale-blue window
    beside her hip, between the waist and the trousers, became part of the trousers' layer and rode on her
    hip; clip 4: the dark trees beside her hair)."""
    if not len(worn) or not len(piece):
        return True
    near = np.min(np.linalg.norm(piece[:, None, :] - worn[None, :, :], axis=2), axis=1) < WORN_DELTA_E
    return bool(near.mean() >= WORN_SHARE)


def attach_extras(labels: np.ndarray, nearest: np.ndarray, figure: np.ndarray, shoulder_width: float,
                  image: np.ndarray | None = None, core: np.ndarray | None = None,
                  joints: np.ndarray | None = None) -> np.ndarray:
    """Part labels where every piece of the figure far from all body parts belongs, whole, to one part.

    ``labels`` HxW part indices; ``nearest`` HxW each pixel's distance beyond the nearest part's surface (px,
    negative inside); ``figure`` HxW bool; ``image`` HxWx3 RGB of the same size; ``core`` HxW the layer index of
    the pixels that are certainly a limb (its axis; -1 elsewhere); ``joints`` [33, 2] at the labels' scale. A
    piece starts as the pixels farther than ``FAR`` shoulder widths from every part and, with ``image``, takes in
    the connected pixels nearer the body, yet outside every part's usual width or inside a leg's but off its
    axis, that have one of its colours rather than their part's (the rest of a cape beside and between the legs,
    the base of a tail, within ``GROW_REACH``; never the head or a limb's own axis). A piece in the colour of the
    background around it is background (label -1: the caller drops it from the figure). Else it goes to the part it is
    attached to, the one most of its rim touches, else the nearest; a piece touching the head and no arm goes to
    the head (ears, a bun, hair), and one hanging beside the legs (a cape, a tail: it touches a leg, no arm, and
    the torso or both legs, or lies below the hips and is as thick as a tail) hangs from the body: it becomes the
    ``drape``, a layer of its own that moves with the pelvis, hardly swinging, and is drawn behind the legs. One
    piece in one part, with the specks in its holes (:func:`_specks_within`): it cannot be torn between two limbs,
    and it moves with that part's bone."""
    far = figure & (nearest > FAR * shoulder_width)
    pieces, n = ndimage.label(far, structure=np.ones((3, 3)))
    if n == 0:
        return labels
    if image is not None:  # grown pieces that meet (a tail's tip and its base beside a leg) become one
        lab_img = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
        core = np.full(labels.shape, -1, np.int16) if core is None else core
        legs = [PARTS.index(p) for side in ("left", "right") for p in LEG_PARTS[side][:2]]
        limb = np.isin(labels, legs) & (core < 0)
        open_ = figure & ~far & ((nearest > 0) | limb) & (labels != PARTS.index("head"))
        colours = _part_colours(labels, lab_img, figure & ~far & (nearest > 0), core)
        grown = far.copy()
        reach = max(2, round(GROW_REACH * shoulder_width))
        # each piece on its own box, grown by the reach: nothing beyond it can be reached (the same pixels as
        # on the whole image, at the cost of the piece's size)
        for i, box in enumerate(ndimage.find_objects(pieces), start=1):
            box = grow_box(box, reach, pieces.shape)
            piece = pieces[box] == i
            near = dilate_disc(piece.astype(np.uint8), reach).astype(bool)
            grown[box] |= _grow_by_colour(piece, labels[box], open_[box] & near, lab_img[box], colours)
        pieces, n = ndimage.label(grown, structure=np.ones((3, 3)))
    out = labels.copy()
    present = np.unique(labels[labels >= 0])
    for i in range(1, n + 1):
        piece = pieces == i
        grown = dilate_in_box(piece, None, iterations=2)
        if image is not None and _backdrop(piece, grown & ~figure, lab_img):
            out[piece] = -1
            continue
        rim = grown & figure & ~piece & (labels >= 0)
        votes = labels[rim] if rim.any() else labels[piece & (labels >= 0)]
        if len(votes):
            width = float(cv2.distanceTransform(piece.astype(np.uint8), cv2.DIST_L2, 3).max()) / shoulder_width
            part = _attached_to(votes, None if joints is None else _below_hips(piece, joints), width)
            each = part if joints is None else _between_arms(part, votes, piece, joints, present)
            out[piece] = each
            if np.all(each == part):  # (one part's: what lies in its holes goes with it)
                out[_specks_within(piece, figure, SPECK * shoulder_width)] = part
    if image is not None and joints is not None:
        out = _up_between_legs(out, limb & figure, lab_img, colours, joints, shoulder_width)
    return out


def _specks_within(piece: np.ndarray, figure: np.ndarray, side: float) -> np.ndarray:
    """HxW bool: the figure's pixels in the holes of ``piece``, each hole smaller than a square ``side`` wide. The
    piece takes in what of it has one of its colours: a strand's shade, off them, was left to the part it lay over
    (the torso), specks that stayed behind with that part when the piece moved, and painted in with its colours
    where they lay beside an arm: a row of dark dots across TikTok character 1's ponytail over her shoulder."""
    out = np.zeros(piece.shape, bool)
    box = ndimage.find_objects(piece.astype(np.uint8))[0]
    inner = ndimage.binary_fill_holes(piece[box]) & ~piece[box]
    holes, n = ndimage.label(inner, structure=np.ones((3, 3)))
    if n == 0:
        return out
    small = np.flatnonzero(np.bincount(holes.ravel())[1:] < side * side) + 1
    out[box] = np.isin(holes, small) & figure[box]
    return out


SPECK = 0.1  # (shoulder widths) the widest square a hole in a piece its colours left to another part is smaller than
GAP = 0.1  # (shoulder widths) a piece of the gap between the legs is at least this square in area (0.01 sw^2)


def _up_between_legs(labels: np.ndarray, limb: np.ndarray, lab_img: np.ndarray, colours: np.ndarray,
                     joints: np.ndarray, shoulder_width: float) -> np.ndarray:
    """Part labels where the drape goes on up the gap between the legs, to the crotch: the pixels between the
    legs' bones, off their axes (``limb``), in the drape's colours rather than their leg's (``colours``), joined
    to it, thicker than a line. The growth by colour stops within its reach, and the top of the gap between the
    thighs stayed the legs': each leg carried a strip of the cape, and swung it out with the thigh (the cartoon
    girl's cape). Between the bones only, so a figure all of one colour is not flooded."""
    drape = labels == PARTS.index("drape")
    ends = joints[[J[f"{side}_{j}"] for side, js in (("left", ("hip", "knee", "ankle")),
                                                     ("right", ("ankle", "knee", "hip"))) for j in js], :2]
    if not drape.any() or not np.isfinite(ends).all():
        return labels
    between = np.zeros(labels.shape, np.uint8)
    cv2.fillPoly(between, [np.round(ends).astype(np.int32)], 1)
    gap = _grow_by_colour(drape, labels, limb & between.astype(bool), lab_img, colours) & ~drape
    # not a line drawn on the leg nor a fleck (a seam, an outline in the drape's dark colour: the robot boxer's
    # thighs beside its crotch): it would crack the leg open
    gap = cv2.morphologyEx(gap.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)).astype(bool)
    pieces, n = ndimage.label(gap)
    if n == 0:
        return labels
    big = np.flatnonzero(np.bincount(pieces.ravel())[1:] >= (GAP * shoulder_width) ** 2) + 1  # not a fleck
    out = labels.copy()
    out[np.isin(pieces, big)] = PARTS.index("drape")
    return out


BACKDROP = 0.6  # share of a far piece's outer rim in its own colour that makes it a piece of the background


def _backdrop(piece: np.ndarray, outside: np.ndarray, lab_img: np.ndarray) -> bool:
    """Whether a piece far from every body part is the background the figure's mask took in: most of the
    background along its outer rim (``outside``) has its colour (TikTok clip 0: the grey wall between the
    left hand and the hip, in the person mask, moved with the hand as a grey flag). A tail or a cape stands out
    from what lies around it."""
    if outside.sum() < 10:
        return False
    colour = np.median(lab_img[piece], axis=0)
    return bool((np.linalg.norm(lab_img[outside] - colour, axis=1) < LIKE_AROUND).mean() > BACKDROP)


def _between_arms(part: int, votes: np.ndarray, piece: np.ndarray, joints: np.ndarray,
                  present: np.ndarray) -> np.ndarray:
    """The part of each of ``piece``'s pixels: ``part``, except where the piece lies between the two arms (its
    rim shared by both, ``SHARED_RIM`` each): there each pixel goes to the arm part (of those ``present``) whose
    bone is nearest. Such a piece is no tail or cape but what the distances left over on both sides of a
    crossing: where one forearm passes under the other arm's elbow (TikTok clip 0), the loose outer sleeve of
    the upper arm and the crossing forearm's cuff beyond its misplaced wrist are one piece; whole on the upper
    arm, the cuff became a hook on its elbow, read as a hand pointing away once the arms moved apart."""
    share = np.bincount(votes, minlength=len(PARTS)) / len(votes)
    layer = np.bincount(LAYER_OF_PART, weights=share, minlength=len(LAYER_NAMES))
    arms = [LAYER_NAMES.index("arm_l"), LAYER_NAMES.index("arm_r")]
    ys, xs = np.nonzero(piece)
    out = np.full(len(ys), part, np.int16)
    if LAYER_OF_PART[part] not in arms or layer[arms].min() < SHARED_RIM:
        return out
    bones = [PARTS.index(p) for side in ARM_PARTS.values() for p in side if PARTS.index(p) in present]
    dist = np.stack([segment_distance(xs.astype(np.float64), ys.astype(np.float64),
                                      *part_segment(PARTS[k], joints)) for k in bones])
    return np.array(bones, np.int16)[np.argmin(dist, axis=0)]


SHARED_RIM = 0.1  # a second layer (or the head) holding this share of a piece's rim decides where it hangs
# half-widths (at its widest, in shoulder widths): a thinner piece is a strip, not a cape or a tail; a tail beside
# one thigh is at least TAIL (a fold of trousers, a hand in a pocket beside it is not)
THIN = 0.04
TAIL = 0.12


def _hip_height(xs: np.ndarray, ys: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """How far below the hip line each point lies, along the spine, in spine lengths (negative above it)."""
    ms = (joints[J["left_shoulder"]] + joints[J["right_shoulder"]]) / 2
    mh = (joints[J["left_hip"]] + joints[J["right_hip"]]) / 2
    down = mh - ms
    return ((xs - mh[0]) * down[0] + (ys - mh[1]) * down[1]) / max(float(down @ down), 1e-9)


def _below_hips(piece: np.ndarray, joints: np.ndarray) -> bool:
    """Whether most of a piece lies below the hip line, where a tail or a cape's hem hangs."""
    ys, xs = np.nonzero(piece)
    return bool(np.median(_hip_height(xs, ys, joints)) > 0.0)


def _attached_to(votes: np.ndarray, below_hips: bool | None = None, width: float = 1.0) -> int:
    """The part a piece belongs to, from the parts its rim touches (``votes``, part indices): the head when it
    touches the head and no arm (a shoulder pad or an arm thicker than usual touches the head too); the drape
    when it hangs beside the legs from the body (it touches a leg, hardly the arms, and the torso or the other
    leg too, or lies ``below_hips`` and is as thick as a tail: ``width`` its half-width, in shoulder widths) and
    is no thin strip (the outline between the feet, not a cape); else the part it touches most, but the torso
    rather than a leg above the hips."""
    share = np.bincount(votes, minlength=len(PARTS)) / len(votes)
    layer = np.bincount(LAYER_OF_PART, weights=share, minlength=len(LAYER_NAMES))
    arms = layer[LAYER_NAMES.index("arm_l")] + layer[LAYER_NAMES.index("arm_r")]
    if share[PARTS.index("head")] >= SHARED_RIM > arms:  # ears, a bun, hair: the head carries them
        return PARTS.index("head")
    legs = layer[[LAYER_NAMES.index("leg_l"), LAYER_NAMES.index("leg_r")]]
    hangs = (bool(below_hips) and width >= TAIL) or max(share[PARTS.index("torso")], legs.min()) >= SHARED_RIM
    if legs.max() >= SHARED_RIM > arms and hangs and width >= THIN:
        return PARTS.index("drape")
    part = int(share.argmax())
    # above the hips, a piece the torso holds too is the body's side, not a leg's (a leg hangs from the hips):
    # on a figure wider than a person (a robot's belly beside its arm tubes) it would swing out with the thigh
    leg = LAYER_NAMES[LAYER_OF_PART[part]].startswith("leg_")
    if leg and below_hips is False and share[PARTS.index("torso")] >= SHARED_RIM:
        return PARTS.index("torso")
    return part


def _part_colours(labels: np.ndarray, lab_img: np.ndarray, open_: np.ndarray, core: np.ndarray) -> np.ndarray:
    """[parts, 3] each part's colour (median, Lab): a limb's from its axis (a cape lying around a leg must not
    teach the leg its colour), the others' from their pixels outside every part's usual width."""
    out = np.zeros((len(PARTS), 3), np.float32)
    for k in np.unique(labels[labels >= 0]):
        axis = (labels == k) & (core == LAYER_OF_PART[k])
        where = axis if axis.sum() >= 20 else (labels == k) & open_
        if where.any():
            out[k] = np.median(lab_img[where], axis=0)
    return out


def _grow_by_colour(piece: np.ndarray, labels: np.ndarray, open_: np.ndarray, lab_img: np.ndarray,
                    part_colour: np.ndarray) -> np.ndarray:
    """``piece`` grown through the ``open_`` pixels connected to it whose colour is nearer one of the piece's
    own (its main colours, Lab: a shaded tail is bright on top and dark below) than their part's
    (``part_colour``). A colour of less than a tenth of the piece (its outline) does not count."""
    own = _main_colours(lab_img[piece])
    d_own = np.min([lab_distance(lab_img, c) for c in own], axis=0)
    d_part = lab_distance(lab_img, part_colour[np.clip(labels, 0, None)])
    like = open_ & (labels >= 0) & (d_own < 0.6 * d_part) & (d_own < 45.0)
    grown, _ = ndimage.label(like | piece, structure=np.ones((3, 3)))
    return np.isin(grown, np.unique(grown[piece])) & (like | piece)


PIECE_COLOURS = 3  # colour clusters of a piece


def _main_colours(colours: np.ndarray, clusters: int = PIECE_COLOURS, least: float = 0.1) -> np.ndarray:
    """[k, 3] the colours (Lab) that hold at least ``least`` of ``colours`` [N, 3] each (k-means, seeded)."""
    if len(colours) < 10 * clusters:
        return np.median(colours, axis=0)[None]
    rng = np.random.default_rng(0)
    sample = np.ascontiguousarray(colours[rng.choice(len(colours), min(3000, len(colours)), replace=False)])
    cv2.setRNGSeed(0)
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    _, assign, centres = cv2.kmeans(sample, clusters, None, crit, 2, cv2.KMEANS_PP_CENTERS)
    support = np.bincount(assign.ravel(), minlength=clusters) / len(sample)
    return centres[support >= least]


# a hand's blob (a glove, a mitten, a paw, a held ball) lies within this many shoulder widths of its own middle
# (a boxing glove: about 0.35; a bare forearm and hand: more than 0.5)
HAND_BLOB = 0.45
HAND_STEP = 6  # colour step (per channel, 0..255) between neighbouring pixels that still counts as one surface
HAND_WIDER = 0.3  # a blob is wider than a hand: its area at least (HAND_WIDER shoulder widths)^2 (a hand: ~0.2^2)
HAND_OWN = 0.5  # at least this share of the blob must already be its arm's (else it is what the hand lies on)


def whole_hands(labels: np.ndarray, image: np.ndarray, figure: np.ndarray, joints: np.ndarray,
                shoulder_width: float) -> np.ndarray:
    """Part labels where what a hand holds or wears (a boxing glove, a mitten, a ball) is the hand's, whole.

    Such a blob is wider than a hand and hides the wrist, so the distances split it between the hand, the
    forearm and whatever it lies over (the chest), and it tears into shreds as the arm moves. The blob: the
    surface around the middle of the hand's bone whose colour changes smoothly (a flood through neighbours at
    most ``HAND_STEP`` apart, so shading and highlights stay in, an edge or an outline stops it), when it is
    closed within ``HAND_BLOB`` shoulder widths of its middle and mostly the arm's already. A bare hand on a bare
    arm floods on up the arm, a hand on a thigh into the trousers: both are left to the distances. ``joints``
    [33, 2] at the labels' scale; ``image`` RGB of the same size."""
    h, w = labels.shape
    smooth = np.ascontiguousarray(cv2.GaussianBlur(image, (0, 0), 1.0))
    out = labels.copy()
    reach = HAND_BLOB * shoulder_width
    for side in ("l", "r"):
        hand = PARTS.index(f"{side}_hand")
        if not (labels == hand).any():
            continue
        a, b = part_segment(f"{side}_hand", joints)
        seed = np.round((a + b) / 2).astype(int)
        if not (0 <= seed[0] < w and 0 <= seed[1] < h and figure[seed[1], seed[0]]):
            continue
        mask = np.ones((h + 2, w + 2), np.uint8)
        mask[1:-1, 1:-1] = ~figure
        step = (HAND_STEP,) * 3
        cv2.floodFill(smooth, mask, (int(seed[0]), int(seed[1])), (0, 0, 0), step, step,
                      4 | cv2.FLOODFILL_MASK_ONLY | (2 << 8))
        blob = mask[1:-1, 1:-1] == 2
        ys, xs = np.nonzero(blob)
        if len(ys) < (HAND_WIDER * shoulder_width) ** 2:  # a hand itself (the distances cut it), a line, a fleck
            continue
        if np.hypot(xs - xs.mean(), ys - ys.mean()).max() > reach:  # open: a bare arm, a sleeve, the body
            continue
        arm = LAYER_OF_PART[hand]
        if (LAYER_OF_PART[np.clip(labels[blob], 0, None)] == arm).mean() < HAND_OWN:  # a hand lying on a thigh:
            continue  # the patch of trousers around it is not the hand's
        out[blob | _rim_like(blob, smooth, figure)] = hand
    return out


def _rim_like(blob: np.ndarray, image: np.ndarray, figure: np.ndarray) -> np.ndarray:
    """The pixels just around ``blob`` (3 px) whose colour is nearer the blob's than what lies beyond them: its
    anti-aliased edge (left behind, a red ring stays where a glove was), not the shirt it lies on."""
    b8 = blob.astype(np.uint8)
    rim = cv2.dilate(b8, None, iterations=3).astype(bool) & figure & ~blob
    beyond = cv2.dilate(b8, None, iterations=8).astype(bool) & figure & ~rim & ~blob
    if not rim.any() or not beyond.any():
        return rim
    px = image.astype(np.float32)
    own, other = px[blob].mean(axis=0), px[beyond].mean(axis=0)
    return rim & (np.linalg.norm(px - own, axis=2) < np.linalg.norm(px - other, axis=2))

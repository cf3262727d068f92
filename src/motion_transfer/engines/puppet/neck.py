"""Where the body layer's head meets its chest: how far each point follows the head, and the mesh there.

The body layer is skinned to the chest and the head frames, blended along the neck from low on it up to the chin
(:func:`head_share`, :func:`neck_blend`: the chin the face mesh's where the picture shows one; on a figure fitted
to its silhouette, up to where the silhouette narrows: :func:`fitted_neck`).
What hangs from the head below the chin (long hair, a ponytail, a hood's sides) follows the head whole
(:func:`hanging`): blended by height, its part above the chin went with the head and its part below stayed with the
chest, and it sheared when the head turned (TikTok character 1's ponytail); but hair whose end rests on the torso
keeps the blend by height (``locks.resting``, and the locks split off), so it bends over the shoulder; the hair
beside the neck left in the body's mesh has the blend run from the chin down past its end (:func:`hair_lowering`),
so it bends down its length rather than squashing in the neck's two or three mesh rows. On a short
neck the mesh is finer where the two frames blend (:func:`join_zone`): a coarse triangle across it spans the cheek,
the neck and the collar, and turned over when the head came down (not drawn, it left a notch in the collar: the
fox). Where either applies the body's triangles are drawn see-through ones first, the head's last, those across a
gap between the head's and the chest's pieces clear (:func:`drawing_order`): one layer's triangles do not blend
where they overlap, so a ponytail swung over the neck was drawn under it, and a head lowered over its collar hid it
under the gap beside the neck. The slits between the cheeks and the collar beside a short neck are meshed too, with
triangles drawn clear (:func:`slits`).
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.retarget import HC, MS
from ...pose.skeleton import J
from .fill import lab_distance
from .hair import main_colours
from .locks import resting
from .model import PARTS, smoothstep
from .morphology import disc

CHIN = 0.5  # without a face mesh the chin is guessed this far below the mouth, in eye-to-mouth distances
CHIN_FOUND = (0.2, 0.85)  # ... and the face mesh's is taken where it lies this far below it (further, see neck_blend)
NECK_FROM = 0.3  # the head's frame takes over from the chest's from this share of the way up to the chin
NECK_DEFAULT = (0.3, 0.7)  # without a face to find the chin by: shares of the way from the shoulders to the head
SETTLED = 0.02  # a head share this near 0 or 1 is the chest's or the head's alone (outside the join zone)
SHORT_NECK = 1.5  # (mesh spacings) a neck whose blend is shorter than this gets a finer mesh (a cartoon's)
NECK_SIDE = 0.25  # (neck lengths from its axis) the head's pixels this far beside the neck (and past the ears) ...
SIDE_RAMP = 0.15  # ... and this much farther follow it whole
CLOTHES_ALIKE = 15.0  # (CIE Lab, 8-bit) a colour this near one of the torso's main colours may be its clothes'
RIM = 2  # (pixels) the rim round a piece of the head ...
WORN_RIM = 0.1  # ... of which this share in the torso's clothes (or hair the torso's part runs on in) holds it there
SEE_THROUGH = 0.5  # a triangle whose texture covers less than this on average is drawn before the others
SLIT = 0.5  # (mesh spacings) a gap in the body's mesh across the join zone up to twice this wide is meshed clear
TORN = 0.5  # ... and is drawn clear where its corners' head weights differ by more than this (a gap beside the neck)
FITTED_BLEND = 0.2  # (neck lengths) a silhouette-fitted figure's head blends into its chest over this far below its
FITTED_SPAN = (0.05, 0.9)  # ... narrowest point between the shoulders and the head's centre, looked for in this span
FITTED_STEPS = 86  # ... at this many heights
HAIR_BELOW = 0.15  # (shares of the neck) the head's blend down the hair beside the neck runs on this far past its end
HAIR_FADE = 1.0  # (mesh spacings) ... fading back to the neck's own blend over this far from the hair
LOCK_END = 0.05  # (neck lengths) a held lock's top and tip are read over this much of its height ...
LOCK_LONG = 0.3  # (shoulder widths) ... and only where they lie this far apart
SHOULDER_HELD = 0.5  # hair beside the face lying on down past the chin follows the chest this much at the chin ...
# (TikTok clip 5: her head slides 5 px of 256 along her shoulders, her hair's outline at the chin 0-2 px; the share
# best for SSIM 0.5, 1.0 less)


def fitted_neck(figure: np.ndarray, ext: np.ndarray) -> float:
    """The share of the way from the mid-shoulder to the head's centre where ``figure`` (HxW bool) is narrowest
    across the neck's axis: where the head of a figure fitted to its silhouette ends.

    A fitted figure's face joints are placed by its body plan, not seen: the chin they give is a guess, and on a
    mascot whose big round head sits on its body with no neck (the teddy bear) it lies half-way up the head, so the
    head's lower half blended with the chest and was dragged into a bean whenever the head leaned. The
    silhouette narrows where head and body meet."""
    ms, hc = ext[MS], ext[HC]
    length = max(float(np.linalg.norm(hc - ms)), 1e-6)
    up = (hc - ms) / length
    across = np.array([-up[1], up[0]])
    shares = np.linspace(*FITTED_SPAN, FITTED_STEPS)
    reach = np.arange(0.0, 2.0 * length, 1.0)
    h, w = figure.shape
    widths = np.zeros(len(shares))
    for sign in (-1.0, 1.0):  # the run of the figure through the axis, out to each side
        pts = ms + shares[:, None, None] * (hc - ms) + sign * reach[None, :, None] * across
        x, y = np.round(pts[..., 0]).astype(int), np.round(pts[..., 1]).astype(int)
        ok = (x >= 0) & (x < w) & (y >= 0) & (y < h)
        inside = np.zeros(x.shape, bool)
        inside[ok] = figure[y[ok], x[ok]]
        widths += np.cumprod(inside, axis=1).sum(axis=1)
    return float(shares[int(np.argmin(widths))])


def neck_blend(ext: np.ndarray, fitted: float | None = None, chin: np.ndarray | None = None) -> tuple[float, float]:
    """(start, end) of the head's blend along the neck, as shares of the way from the mid-shoulder (``ext``: the
    extended joints) to the head's centre: from low on the neck up to the chin, so the whole face turns with the
    head; for a figure fitted to its silhouette (``fitted``: :func:`fitted_neck`), up to where its silhouette is
    narrowest. The chin is the face mesh's own (``chin`` [2], image pixels) where the picture showed one, else
    guessed CHIN eye-to-mouth distances below the mouth: the mesh puts it 0.53 to 0.85 of them below, and from the
    guess the jaw's lower half blended with the chest, smeared into the neck whenever the head turned or tilted
    (TikTok character 3's chin row followed the head 0.63 to 0.84). A mesh's chin not CHIN_FOUND below the mouth
    is not taken: above it, a face found in a pattern; further below (Grace Hopper's, 0.9 under her mouth, over a
    high collar), the blend grew so steep that the jacket's top beside the jaw tore as the head tilted (a dark
    fragment, a notch of background in its outline). Nor one placing the blend's end where the guess's would not
    be taken (a cartoon's big head set on its shoulders, its chin level with them)."""
    if fitted is not None:
        return max(0.0, fitted - FITTED_BLEND), fitted
    ms, hc = ext[MS], ext[HC]
    neck = hc - ms
    eyes = ext[[J["left_eye"], J["right_eye"]]].mean(axis=0)
    mouth = ext[[J["mouth_left"], J["mouth_right"]]].mean(axis=0)
    down = mouth - eyes
    for at in ([] if chin is None else [chin]) + [mouth + CHIN * down]:
        below = float((at - mouth) @ down) / max(float(down @ down), 1e-9)
        h = float((at - ms) @ neck) / max(float(neck @ neck), 1e-9)
        if CHIN_FOUND[0] < below < CHIN_FOUND[1] and 0.2 < h < NECK_DEFAULT[1]:
            return NECK_FROM * h, h
    return NECK_DEFAULT


def rig_blend(matte: np.ndarray | None, ext: np.ndarray, template: bool,
              chin: np.ndarray | None) -> tuple[float | None, tuple[float, float]]:
    """(where a ``template`` figure's silhouette (``matte`` HxW) narrows, :func:`fitted_neck`, or None; the neck's
    blend, :func:`neck_blend`) of a figure with the extended joints ``ext`` and the face mesh's ``chin`` (or None):
    what the body layer's mesh blends by, and the base the retargeting rolls the head about."""
    fitted = fitted_neck(matte >= 0.5, ext) if template and matte is not None else None
    return fitted, neck_blend(ext, fitted, chin)


def _heights(points: np.ndarray, ext: np.ndarray) -> np.ndarray:
    """[...] the height of ``points`` ([..., 2] image pixels) along the neck, as shares of the way from the
    mid-shoulder to the head's centre."""
    ms, hc = ext[MS], ext[HC]
    neck = hc - ms
    return ((points - ms) @ neck) / max(float(neck @ neck), 1e-9)


def head_share(points: np.ndarray, ext: np.ndarray, blend: tuple[float, float] | None = None,
               lowered: np.ndarray | None = None) -> np.ndarray:
    """[N] how far each of ``points`` ([N, 2] image pixels) follows the head rather than the chest, by its height
    along the neck (``ext``: the extended joints): 0 below the blend's start low on the neck, 1 above the chin
    (``blend``: :func:`neck_blend`'s; None: from the face's joints alone); the blend's start ``lowered`` ([N]
    shares of the neck, by :func:`hair_lowering`) for each point."""
    start, end = neck_blend(ext) if blend is None else blend
    return smoothstep(start if lowered is None else start - lowered, end, _heights(points, ext))


def hair_lowering(hair: np.ndarray, labels: np.ndarray, ext: np.ndarray, spacing: float,
                  offset: tuple[int, int] = (0, 0), blend: tuple[float, float] | None = None) -> np.ndarray:
    """HxW over a crop (``hair``: the hair hanging from the head, ``labels`` the part labels, its pixel (0, 0) at
    image pixel ``offset``; the mesh ``spacing`` apart; ``blend``: the neck's, as :func:`head_share` takes it):
    how far (shares of the neck, for :func:`head_share`) the head's blend starts lower through each piece of the
    head's hair beside the neck below the chin, so that it runs from the chin down to HAIR_BELOW neck lengths past
    the piece's end, fading back to the neck's own blend over HAIR_FADE spacings round it. Blended by height like
    the neck, the hair between the jaw and the shoulder lay across the two or three mesh rows of the neck's blend,
    which were squashed flat when the chin came down or the head tilted toward that shoulder: the hair ended in a
    straight cut below the jaw (TikTok character 3 moved by clips 0 and 5); spread down its whole length, it
    bends."""
    h, w = labels.shape
    ys, xs = np.mgrid[0:h, 0:w]
    pts = np.stack([xs + offset[0], ys + offset[1]], axis=-1).astype(np.float64)
    hgt = _heights(pts, ext)
    ms, hc = ext[MS], ext[HC]
    length = max(float(np.linalg.norm(hc - ms)), 1e-6)
    start, end = neck_blend(ext) if blend is None else blend
    # (not on a short neck, a cartoon's: meshed finer where it blends and drawn in its own order, :func:`join_zone`,
    # its cheeks of the fur's colour beside the neck taken down with the chin were drawn off the mesh)
    if (end - start) * length < SHORT_NECK * spacing:
        return np.zeros((h, w))
    ears = float(np.linalg.norm(ext[J["left_ear"]] - ext[J["right_ear"]]))
    side = beside_neck(pts, ext) > max(NECK_SIDE, 0.5 * ears / length)
    pieces, n = ndimage.label(hair & (labels == PARTS.index("head")) & side & (hgt < end))
    if n == 0:
        return np.zeros((h, w))
    # (a piece's end: its lowest height; one reaching no lower than the blend's start bends with the neck as it is)
    low = ndimage.minimum(hgt, pieces, np.arange(1, n + 1))
    drop = np.concatenate([[0.0], np.maximum(start - (np.asarray(low) - HAIR_BELOW), 0.0)])
    dist, (iy, ix) = ndimage.distance_transform_edt(pieces == 0, return_indices=True)
    fade = 1.0 - smoothstep(0.0, HAIR_FADE * spacing, dist)
    return drop[pieces[iy, ix]] * fade


def shoulder_hold(hair: np.ndarray, body: np.ndarray, ext: np.ndarray, spacing: float, sw: float,
                  offset: tuple[int, int] = (0, 0), blend: tuple[float, float] | None = None) -> np.ndarray:
    """HxW over a crop (``hair``: the hair hanging from the head, ``body`` the torso's and the arms' pixels that are
    no hair, its pixel (0, 0) at image pixel ``offset``; the mesh ``spacing`` apart, the shoulders ``sw`` pixels
    apart; ``blend``: the neck's, as :func:`head_share` takes it): how far (0 to SHOULDER_HELD) each pixel of the
    hair beside the face that lies on down past the chin onto the ``body`` (``locks.resting``) follows the chest
    rather than the head, and so does all of that side of the head beside the face: none at the eyes, SHOULDER_HELD
    from the chin down. Followed by the head whole down to the chin, long hair's outline slid with the head along the
    shoulders it rests on (TikTok clip 5: her head slides 5 px of 256 to the side, the hair's outline beside her
    chin 0-2 px; ours went the head's whole way, a band of wall and hair misplaced down both sides). A ponytail
    hanging free beside the neck, ending above the shoulder, follows the head whole (:func:`hanging`)."""
    held = _held_hair(hair, body, ext, sw, offset, blend)
    if held is None:
        return np.zeros(hair.shape)
    _, _, hgt, across, side, sides, (chin, eyes, start) = held
    on = np.zeros(hair.shape, bool)
    for positive in sides:
        on |= (across > 0) == positive
    down = 1.0 - smoothstep(chin, eyes, hgt)
    return SHOULDER_HELD * on * down * smoothstep(start, start + SIDE_RAMP, side)


def held_locks(hair: np.ndarray, body: np.ndarray, ext: np.ndarray, sw: float, offset: tuple[int, int] = (0, 0),
               blend: tuple[float, float] | None = None) -> list[tuple[bool, np.ndarray, np.ndarray]]:
    """Per side of the face whose hair :func:`shoulder_hold` holds (its arguments as it takes them): (whether that
    side lies on the positive side of the neck's axis, as :func:`neck_across` tells, the held hair's top beside the
    chin, its tip: [2] image pixels each): the centres of its pixels within LOCK_END neck lengths of the chin's
    height and of its lowest, at least LOCK_LONG shoulder widths (``sw`` pixels) apart. How far the chest's move
    drags the tip from where the head takes it tells when the hold is let go (:mod:`.hair_release`)."""
    held = _held_hair(hair, body, ext, sw, offset, blend)
    if held is None:
        return []
    pieces, ids, hgt, across, _, sides, (chin, _, _) = held
    ys, xs = np.nonzero(np.isin(pieces, ids))
    h, a = hgt[ys, xs], across[ys, xs]
    pts = np.stack([xs + offset[0], ys + offset[1]], axis=1).astype(np.float64)
    out = []
    for positive in sorted(sides):
        mine = (a > 0) == positive
        top = mine & (np.abs(h - chin) <= LOCK_END)
        tip = mine & (h <= h[mine].min() + LOCK_END)
        # (a lock ending just below the chin is too short to tell: its tip a few pixels from its top, any move of
        # the head's swung its shear and squash; so is a round pad on a shoulder of the head's colour, which the
        # hair's rules take for hair: let go, the robot boxer's was squashed into a creased, smeared lump)
        if top.any() and np.linalg.norm(pts[top].mean(axis=0) - pts[tip].mean(axis=0)) >= LOCK_LONG * sw:
            out.append((positive, pts[top].mean(axis=0), pts[tip].mean(axis=0)))
    return out


def neck_across(points: np.ndarray, ext: np.ndarray) -> np.ndarray:
    """[...] where ``points`` ([..., 2] image pixels) lie across the neck's axis (mid-shoulder to head centre), in
    pixels, signed: which side of it they lie on."""
    ms, hc = ext[MS], ext[HC]
    up = (hc - ms) / max(float(np.linalg.norm(hc - ms)), 1e-6)
    return (points[..., 0] - ms[0]) * up[1] - (points[..., 1] - ms[1]) * up[0]


def _held_hair(hair: np.ndarray, body: np.ndarray, ext: np.ndarray, sw: float, offset: tuple[int, int],
               blend: tuple[float, float] | None):
    """The hair :func:`shoulder_hold` holds (its arguments as it takes them), or None where it holds none: (the
    pieces of the hair beside the face, the held ones' ids, each pixel's height along the neck, where it lies across
    the neck's axis (:func:`neck_across`) and how far beside it (:func:`beside_neck`), the held sides (whether
    positive across), (the chin's height, the eyes', the least distance beside the neck of what is held))."""
    h, w = hair.shape
    ys, xs = np.mgrid[0:h, 0:w]
    pts = np.stack([xs + offset[0], ys + offset[1]], axis=-1).astype(np.float64)
    hgt = _heights(pts, ext)
    chin = (neck_blend(ext) if blend is None else blend)[1]
    eyes = float(_heights(ext[[J["left_eye"], J["right_eye"]]].mean(axis=0), ext))
    if eyes <= chin:
        return None
    ms, hc = ext[MS], ext[HC]
    ears = float(np.linalg.norm(ext[J["left_ear"]] - ext[J["right_ear"]]))
    start = max(NECK_SIDE, 0.5 * ears / max(float(np.linalg.norm(hc - ms)), 1e-6))
    side = beside_neck(pts, ext)
    pieces, n = ndimage.label(hair & (side > start) & (hgt < eyes))
    if n == 0:
        return None
    index = np.arange(1, n + 1)
    low, high = (np.concatenate([[0.0], np.asarray(f(hgt, pieces, index))]) for f in (ndimage.minimum, ndimage.maximum))
    held = np.zeros(n + 1, bool)
    held[np.unique(pieces[resting(pieces > 0, body, sw)])] = True
    # (hair beside the face, from above the mouth down past the chin: not the clothes or the fur of the head's
    # colours on the shoulders, nor hair ending above the chin)
    mouth = float(_heights(ext[[J["mouth_left"], J["mouth_right"]]].mean(axis=0), ext))
    held &= (low < chin) & (high > mouth)
    held[0] = False
    if not held.any():
        return None
    # the whole of that side of the head beside the face, smoothly by height and distance from the neck (read off
    # the hair's pieces, each vertex of its outline's band took its own share, and one left behind drew a speck of
    # hair off the outline)
    across = neck_across(pts, ext)
    ids = np.flatnonzero(held)
    sides = {bool(np.median(across[pieces == k]) > 0) for k in ids}
    return pieces, ids, hgt, across, side, sides, (chin, eyes, start)


def beside_neck(points: np.ndarray, ext: np.ndarray) -> np.ndarray:
    """[...] how far ``points`` ([..., 2] image pixels) lie beside the neck's axis (mid-shoulder to head centre),
    in neck lengths."""
    ms, hc = ext[MS], ext[HC]
    length = max(float(np.linalg.norm(hc - ms)), 1e-6)
    up = (hc - ms) / length
    return np.abs((points[..., 0] - ms[0]) * up[1] - (points[..., 1] - ms[1]) * up[0]) / length


def hanging(labels: np.ndarray, labc: np.ndarray, ext: np.ndarray, spacing: float,
            offset: tuple[int, int] = (0, 0), blend: tuple[float, float] | None = None) -> np.ndarray:
    """HxW in [0, 1] over a crop (``labels`` its part labels, ``labc`` its pixels in Lab, its pixel (0, 0) at image
    pixel ``offset``): how far each pixel hangs from the head and follows it whole. Those of the head part beside
    the neck and the face (NECK_SIDE neck lengths from the neck's axis, and past the ears: hair, a ponytail,
    cheeks, a hood's sides), in pieces broader than half the mesh's ``spacing`` (a drawing's outline runs down the
    neck's sides), but not the torso's clothes: a piece of the torso's colours running on unbroken into the torso
    (a uniform's collar beside the neck, a cape's top, labelled the head's, would have turned with the head and torn
    the clothes below them). A band of those colours within the hair (a black scrunchie round a ponytail over a
    black shirt) is the hair's. And only what hangs from the head: a piece beside them running on up to above the
    chin (a patch of skin beside the neck low on a tilted figure, the head's by distance, joined to the face's
    sides, carried the shoulder's top off with the head: TikTok character 5). ``blend``: :func:`neck_blend`'s."""
    h, w = labels.shape
    ys, xs = np.mgrid[0:h, 0:w]
    pts = np.stack([xs + offset[0], ys + offset[1]], axis=-1).astype(np.float64)
    side = beside_neck(pts, ext)
    worn = worn_clothes(labels, labc)
    head = labels == PARTS.index("head")
    locks = head & ~worn
    locks = cv2.morphologyEx(locks.astype(np.uint8), cv2.MORPH_OPEN, disc(max(1, int(round(spacing / 4)))))
    locks = cv2.morphologyEx(locks, cv2.MORPH_CLOSE, disc(max(1, int(round(spacing / 2))))).astype(bool) & head
    # beside the neck and the face: the face's skin runs on down into the neck's
    ms, hc = ext[MS], ext[HC]
    ears = float(np.linalg.norm(ext[J["left_ear"]] - ext[J["right_ear"]]))
    start = max(NECK_SIDE, 0.5 * ears / max(float(np.linalg.norm(hc - ms)), 1e-6))
    pieces, _ = ndimage.label(locks & (side > start))
    above = head_share(pts.reshape(-1, 2), ext, blend).reshape(h, w) >= 1 - SETTLED
    hung = [i for i in np.unique(pieces[above]) if i > 0 and not _in_worn(pieces == i, head & worn)]
    return np.isin(pieces, hung) * smoothstep(start, start + SIDE_RAMP, side)


def worn_clothes(labels: np.ndarray, labc: np.ndarray) -> np.ndarray:
    """HxW bool: the torso's clothes (``labels`` part indices, ``labc`` the pixels in Lab): the figure's pixels of
    the torso's main colours in pieces running on unbroken into the torso, whichever part took them (a collar
    beside the neck, the shirt below a lock's tip, labelled the head's)."""
    torso = labels == PARTS.index("torso")
    alike = np.zeros(labels.shape, bool)
    for colour in main_colours(labc[torso]):
        alike |= lab_distance(labc, colour) < CLOTHES_ALIKE
    pieces, _ = ndimage.label(alike & (labels >= 0))
    worn = np.unique(pieces[torso & alike])
    return np.isin(pieces, worn[worn > 0])


def _in_worn(piece: np.ndarray, worn: np.ndarray) -> bool:
    """Whether ``piece`` (HxW bool) lies among ``worn`` pixels (the head's in the torso's clothes colours, running
    on into the torso): WORN_RIM of its rim or more. A patch of lighter hair within long dark hair that runs on
    down over the shoulders into the torso's part (TikTok character 5), moved with the head, tore from the hair
    around it."""
    rim = cv2.dilate(piece.astype(np.uint8), disc(RIM)).astype(bool) & ~piece
    return bool(rim.any()) and float(worn[rim].mean()) >= WORN_RIM


def join_zone(shape: tuple[int, int], offset: tuple[int, int], ext: np.ndarray, spacing: float,
              blend: tuple[float, float] | None = None) -> np.ndarray | None:
    """HxW bool over a crop (``shape``, its pixel (0, 0) at image pixel ``offset``) for a mesh ``spacing`` apart:
    where the head's share (:func:`head_share`, ``blend``) lies strictly between the chest's and the head's, grown
    by half a spacing (the triangles beside it); None where the blend runs over SHORT_NECK spacings or more along
    the neck (a photograph's neck: its coarse mesh bends over several triangles, and a finer one there changed how
    its shoulders were drawn, moving the pose model's shoulders on TikTok character 1 by 0.3 degrees)."""
    ms, hc = ext[MS], ext[HC]
    start, end = neck_blend(ext) if blend is None else blend
    if (end - start) * float(np.linalg.norm(hc - ms)) >= SHORT_NECK * spacing:
        return None
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w]
    pts = np.stack([xs.ravel() + offset[0], ys.ravel() + offset[1]], axis=1).astype(np.float64)
    share = head_share(pts, ext, blend).reshape(h, w)
    zone = ((share > SETTLED) & (share < 1 - SETTLED)).astype(np.uint8)
    return cv2.dilate(zone, disc(max(1, int(round(spacing / 2))))).astype(bool)


def slits(mesh: np.ndarray, zone: np.ndarray, spacing: float) -> np.ndarray:
    """HxW bool: the narrow gaps between pieces of the body's mesh (``mesh``, HxW bool) in its join zone (``zone``,
    :func:`join_zone`; its mesh ``spacing`` apart), up to 2 SLIT spacings across: a cheek overhanging its collar
    beside a short neck. The renderer carries the maps of a mesh's border triangles a couple of cells out past their
    edges (their texture is clear there); across a slit a few texels wide they read the other side's outline, and
    as the head tilted, the collar's line was drawn off the cheek as dark dashes beside the fox's neck. Meshed with
    triangles drawn clear (``Layer.clear``), the slit is no one's to carry a map over."""
    r = max(1, int(round(SLIT * spacing)))
    closed = cv2.morphologyEx(mesh.astype(np.uint8), cv2.MORPH_CLOSE, disc(r)).astype(bool)
    return closed & ~mesh & zone


def at_vertices(values: np.ndarray, solid: np.ndarray, verts: np.ndarray) -> np.ndarray:
    """[N] ``values`` (HxW) at the ``solid`` pixel nearest each of ``verts`` ([N, 2] pixels of the same crop: a
    vertex on the layer's fading band takes the value of the figure beside it)."""
    if not solid.any():
        return np.zeros(len(verts), values.dtype)
    _, (iy, ix) = ndimage.distance_transform_edt(~solid, return_indices=True)
    h, w = values.shape
    xi = np.clip(np.round(verts[:, 0]).astype(int), 0, w - 1)
    yi = np.clip(np.round(verts[:, 1]).astype(int), 0, h - 1)
    return values[iy[yi, xi], ix[yi, xi]]


def drawing_order(tris: np.ndarray, verts: np.ndarray, alpha: np.ndarray,
                  head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The indices of a trunk layer's triangles ``tris`` (over ``verts`` [N, 2], pixels of the texture's ``alpha``
    HxW in [0, 1]) in the order to draw them, and which of them are drawn clear ([len(order)] bool, for
    ``Layer.clear``): the see-through ones first (the gaps and the fading band beside the figure), then the others
    by how far they follow the head (``head`` [N], the vertices' weights): where the head comes down over the collar
    the head is drawn, not the gap beside its neck nor the collar under its chin. A see-through triangle across a
    gap between what follows the head and what does not (a cheek over its collar) is drawn clear: stretched as the
    head moved, its texture drew the fading bands on either side out into a streak across the gap (the fox); left
    out, the gap it covered was painted by its neighbours' maps carried out past their edges (the renderer's), which
    read the other side's outline across the narrow gap in the texture: dark dashes beside the neck."""
    bary = np.array([[2, 2, 2], [3, 3, 0], [0, 3, 3], [3, 0, 3], [4, 1, 1], [1, 4, 1], [1, 1, 4]], np.float64) / 6
    pts = np.einsum("kv,mvi->mki", bary, verts[tris].astype(np.float64))
    h, w = alpha.shape
    xi = np.clip(np.round(pts[..., 0]).astype(int), 0, w - 1)
    yi = np.clip(np.round(pts[..., 1]).astype(int), 0, h - 1)
    see_through = alpha[yi, xi].mean(axis=1) < SEE_THROUGH
    spread = head[tris].max(axis=1) - head[tris].min(axis=1)
    key = np.where(see_through, -1.0, head[tris].mean(axis=1))
    order = np.argsort(key, kind="stable")
    return order, (see_through & (spread > TORN))[order]

"""The armpit's cloth past the body's side: the arm's, stretched between the body's side and the sleeve.

Under a hanging arm's sleeve the shirt bunches in the armpit, in shade, out past the body's side (the side the image
shows below the armpit, continued up: :func:`.envelope.torso_envelope`). Labelled by distance, that shade went to
the torso, and once the arm swung out it stood as a dark flap beside the body (TikTok character 4). Given to the arm
alone, it turned whole with the arm, and a wedge of the backdrop opened between the body's side and the sleeve from
the shoulder down. So it is given to the arm (:func:`armpit_shadows_to_arms`), its mesh's vertices nearer the torso
than the rest of the arm are held by the trunk's frame (:func:`held_by_trunk`): the cloth stretches from the body's
side to the sleeve as the arm swings out, as a shirt's armpit does, and the body under it is painted in
(:func:`under_armpits`), so nothing shows through where the stretched cloth's soft edge lies on the body's side.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from .envelope import SIGNS, STRAND, body_frame, past_sides, torso_envelope
from .model import ARM_PARTS, PARTS
from .morphology import disc

ARMPIT_SHADOW = 0.6  # a torso pixel past the body's side darker than this share of the lit torso's lightness is shade
ARMPIT_LIT = 0.8  # ... and one at least this share of it is the cloth lit (the piece is a light cloth, shaded)
ARMPIT_PIECE = 0.08  # (shoulder widths) the shade and the lit cloth each cover at least this squared
EDGE_STEEP = 4.0  # the arm's band on the torso beside the armpit's cloth fades out this many times as fast
UNDER_CLOTH = 0.02  # (shoulder widths) how far past the body's side the body goes on under the armpit's cloth


def armpit_shadows_to_arms(labels: np.ndarray, joints: np.ndarray,
                           image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(labels, armpits HxW bool): the torso's pixels past the body's side (outside :func:`torso_envelope` below
    the line through the shoulders, or past the side where it shows below the armpit: :func:`past_sides`) in pieces
    that hold the shade under a sleeve, given to that side's upper arm (``armpits``: those pixels). Shade: darker
    than ARMPIT_SHADOW of the median lightness of the torso within its sides, no strand thinner than STRAND; a
    piece: touching the upper arm and holding the cloth lit too (as light as ARMPIT_LIT of that median: a light
    shirt shaded in the armpit, not a dark top, dark all through), the shade and the lit cloth each at least
    ARMPIT_PIECE squared (a drawn outline's end in the armpit with the soft rim of the top beside it is none:
    stretched, the cartoon girl's stood as dark shards under her arm). The piece goes whole (the lit
    shirt above the shade with it): cut at the shade's edge, what stayed on the torso stood as a ragged flap once
    the arm moved. Where the sleeve has a hue of its own, :func:`.envelope.sleeves_off_torso` has taken it off the
    torso already; this takes the shade of a sleeve of the shirt's own colour (a T-shirt's)."""
    f = body_frame(joints, labels.shape)
    torso = labels == PARTS.index("torso")
    allowed, _ = torso_envelope(labels, joints, f)
    outside = torso & (~allowed | past_sides(labels, joints, f)) & (f.level >= 0)
    inside = torso & allowed & (f.level >= 0)
    found = np.zeros(labels.shape, bool)
    if not outside.any() or inside.sum() < 20:
        return labels, found
    light = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    lit_torso = float(np.median(light[inside]))
    dark = outside & (light < ARMPIT_SHADOW * lit_torso)
    lit = outside & (light >= ARMPIT_LIT * lit_torso)
    dark &= cv2.morphologyEx(dark.astype(np.uint8), cv2.MORPH_OPEN, disc(max(1, round(STRAND * f.sw)))).astype(bool)
    out = labels.copy()
    for name, s in SIGNS.items():
        upper = PARTS.index(ARM_PARTS[name][0])
        mine = outside & (s * f.out > 0)
        n, pieces = cv2.connectedComponents(mine.astype(np.uint8), connectivity=8)
        touch = cv2.dilate((labels == upper).astype(np.uint8), None, iterations=2).astype(bool)
        least = (ARMPIT_PIECE * f.sw) ** 2
        keep = ((np.bincount(pieces[touch & mine], minlength=n) > 0)
                & (np.bincount(pieces[dark & mine], minlength=n) >= least)
                & (np.bincount(pieces[lit & mine], minlength=n) >= least))
        keep[0] = False
        cloth = keep[pieces]
        out[cloth] = upper
        found |= cloth
    return out, found


def held_by_trunk(weights: np.ndarray, verts: np.ndarray, armpits: np.ndarray, labels: np.ndarray,
                  own: np.ndarray) -> np.ndarray:
    """An arm layer's ``weights`` [N, B] with its vertices ``verts`` [N, 2] on the armpit's cloth (``armpits``;
    those whose nearest pixel of the arm's own, ``own``, is of it) that lie nearer the torso than the rest of the
    arm held by the trunk's frame alone (the arm's first bone): the cloth's triangles across its middle stretch
    between the body's side and the sleeve as the arm swings out. (The weights by angle at the shoulder,
    :mod:`.bend`, leave those vertices to the trunk.)"""
    if not armpits.any():
        return weights
    H, W = labels.shape
    xi = np.clip(np.round(verts[:, 0]).astype(int), 0, W - 1)
    yi = np.clip(np.round(verts[:, 1]).astype(int), 0, H - 1)
    ys, xs = np.nonzero(armpits)
    m = 8 + int(np.ceil(0.5 * max(float(np.ptp(xs)), float(np.ptp(ys)))))  # (the arm's pixels nearest any vertex)
    y0, y1, x0, x1 = max(0, ys.min() - m), min(H, ys.max() + m + 1), max(0, xs.min() - m), min(W, xs.max() + m + 1)
    inside = (xi >= x0) & (xi < x1) & (yi >= y0) & (yi < y1)
    arm = own[y0:y1, x0:x1]
    if not inside.any() or not arm.any():
        return weights
    cloth = armpits[y0:y1, x0:x1]
    _, (ny, nx) = ndimage.distance_transform_edt(~arm, return_indices=True)
    torso = labels[y0:y1, x0:x1] == PARTS.index("torso")
    to_torso = cv2.distanceTransform((~torso).astype(np.uint8), cv2.DIST_L2, 3)
    to_sleeve = cv2.distanceTransform((~(arm & ~cloth)).astype(np.uint8), cv2.DIST_L2, 3)
    vy, vx = yi[inside] - y0, xi[inside] - x0
    held = np.zeros(len(verts), bool)
    held[inside] = cloth[ny[vy, vx], nx[vy, vx]] & (to_torso[vy, vx] < to_sleeve[vy, vx])
    out = weights.copy()
    out[held] = 0.0
    out[held, 0] = 1.0
    return out


def under_armpits(painted: np.ndarray, labels: np.ndarray, armpits: np.ndarray,
                  sw: float) -> tuple[np.ndarray, np.ndarray]:
    """(texture, under HxW bool): the body's texture ``painted`` (HxWx3) with the pixels under the armpits' cloth
    (``armpits``) within UNDER_CLOTH (of the shoulder width ``sw``) of the torso (``under``) taking the colour of
    the nearest torso pixel. The cloth stretched from the body's side keeps its soft edge there, where the backdrop
    showed through as a thin line once the arm swung out; no further: as the arm closes on the body the cloth goes
    with it, and what the body held under it stood beside the body as a flap. Only those pixels change (painted
    with the rest of the hidden torso, the shade they drew took the torso's shaded side beside them for the arm's
    colour, and painted it over in the lit shirt's, at rest)."""
    under = np.zeros(labels.shape, bool)
    if not armpits.any():
        return painted, under
    H, W = labels.shape
    ys, xs = np.nonzero(armpits)
    m = 4 + int(max(np.ptp(xs), np.ptp(ys)))
    box = np.s_[max(0, ys.min() - m):min(H, ys.max() + m + 1), max(0, xs.min() - m):min(W, xs.max() + m + 1)]
    torso = labels[box] == PARTS.index("torso")
    if not torso.any():
        return painted, under
    near, (ny, nx) = ndimage.distance_transform_edt(~torso, return_indices=True)
    cloth = armpits[box] & (near <= max(1.0, UNDER_CLOTH * sw))
    out = painted.copy()
    crop = out[box]
    crop[cloth] = crop[ny[cloth], nx[cloth]]
    under[box] = cloth
    return out, under


def cloth_edge(alpha: np.ndarray, armpits: np.ndarray, labels: np.ndarray, band: float) -> np.ndarray:
    """An arm layer's ``alpha`` (HxW, over the same box as ``armpits`` and ``labels``) with its band on the torso
    beside the armpit's cloth (within ``band`` pixels of it) fading out EDGE_STEEP times as fast: the cloth held
    along the body's side stretches as the arm swings out, and so did the band's fade, streaks of the backdrop
    showing through it along the side (made opaque, the band's outermost pixels stood as a ragged edge)."""
    torso = labels == PARTS.index("torso")
    near = cv2.distanceTransform((~armpits).astype(np.uint8), cv2.DIST_L2, 3) <= band + 1.0
    return np.where(near & torso, np.minimum(1.0, EDGE_STEEP * alpha), alpha)

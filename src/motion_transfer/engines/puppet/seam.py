"""A short sleeve of the shirt's own colour ends at its seam: the crease from the armpit up to the shoulder.

Nothing in the colours tells such a sleeve from the shirt, and the pose model puts the shoulder joint inside the
body, so the upper arm's layer (the tube round its bone) took a strip of the shirt's front beside the sleeve,
print and all: once the arm swung, the strip went with it, tearing the print, and the body's fill under it ended
in straight edges (TikTok character 4: a light-blue T-shirt with a white print, the left sleeve taking the
print's "E" and the shirt beside it). What a person sees there is the sleeve's outline: the thin line of shadow
where the sleeve meets the shirt, running from the armpit to the shoulder's top, with the print on the shirt's
side of it. Per row across the upper arm's bone, from the shoulder down to the sleeve's hem, the darkest such
line between the arm's outer outline and SEAM_WIDTH of its usual radii in from it, with nothing of another
colour (the print) between it and the outline, traced as one continuous path; the arm's pixels beyond it go to
the torso. Where no crease shows, the print at least stays whole: the arm's pieces of it, joined to the torso's,
go to the torso.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from .fill import lab_distance
from .model import ALONG_SIDE, LAYERS, PARTS
from .morphology import count_pieces, disc

CREASE_WIDTH = 0.015  # the widest crease looked for (half the black-hat kernel), in shoulder widths
CREASE_CONTRAST = 6.0  # a crease is this much darker (Lab L, 0..255) than the cloth on both sides of it
SEAM_WIDTH = (0.4, 2.5)  # (usual radii) how far in from the sleeve's outer outline its seam may run
SEAM_APART = 40.0  # (Lab, 8-bit) a colour this far from the sleeve's is not the sleeve (a print, skin)
SHADE_CHROMA = 10.0  # (Lab a-b, 8-bit) a darker colour this near the sleeve's in hue is its shade (the armpit's)
SEAM_SPECKS = 2  # (pixels) so many of another colour between the outline and the seam are the outline's blend
SEAM_SEEN = 0.5  # the least share of the seam's rows on a crease
SEAM_LONG = 0.25  # (bone lengths) the shortest seam worth following
SEAM_STRIP = 0.25  # (usual radii) the narrowest strip of the shirt beyond the seam worth handing back, on average
SEAM_ABOVE = 0.35  # (bone lengths) how far above the shoulder joint the rows start (the shoulder's round top)
SEAM_WALL = 0.03  # (shoulder widths) nothing this near the wall is handed back
SPECK = 0.05  # (shoulder widths) a piece of the arm left smaller than a square this wide is a speck, not a piece
OUTLINE_BLEND = 3  # (pixels) the matte's rim blends the wall's colour in
HEM_PART = (0.75, 1.0)  # the stretch of the bone (from the shoulder) whose colour is the arm below the sleeve
SLEEVE_PART = (0.05, 0.25)  # ... and the stretch whose colour is the sleeve's
PRINT_GAP = 0.03  # (shoulder widths) a print's letters lie at most twice this far apart
PRINT_ENCLOSED = 0.75  # the least share of the band round a print that is the shirt (the sleeve's colour or shade)
PRINT_TORSO = 1.0  # a piece of the print on the torso at least this many times its part on the arm is the torso's


def crease_darkness(light: np.ndarray, sw: float) -> np.ndarray:
    """Per pixel, how much darker (Lab L) it is than the cloth around it within a crease's width (a black-hat of
    ``light``, the image's lightness, slightly blurred): the thin lines of shadow where cloth folds or meets."""
    k = max(2, round(CREASE_WIDTH * sw))
    return cv2.morphologyEx(light, cv2.MORPH_BLACKHAT, disc(k)).astype(np.float32)


def sleeve_seam_cut(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, segs: dict, radii: dict, usual: float,
                    sw: float, quad: np.ndarray) -> np.ndarray:
    """``lab`` with each upper arm's pixels beyond its short sleeve's seam given to the torso.

    ``labc``: the small image's ``parts.blurred_lab``; ``m``: the figure; ``segs``: each part's bone; ``radii``:
    the limbs in use (their radii); ``usual``: an upper arm's usual radius for this body; ``sw``: the shoulder
    width; ``quad``: the shoulder-hip quadrilateral's corners. Only an upper arm hanging along the body's side, in
    a sleeve of the torso's colour that ends above the elbow (the arm bare below it: a long sleeve is
    ``parts.crease_cut``'s), with its outer side against the background."""
    torso_i = PARTS.index("torso")
    torso = (lab == torso_i) & m
    if torso.sum() < 20:
        return lab
    dark = crease_darkness(cv2.GaussianBlur(labc[:, :, 0], (0, 0), 0.7), sw)
    wall = cv2.dilate((~m).astype(np.uint8), disc(max(1, round(SEAM_WALL * sw)))).astype(bool)
    spine = (quad[2] + quad[3] - quad[0] - quad[1]) / 2
    spine = spine / max(float(np.linalg.norm(spine)), 1e-6)
    out = lab.copy()
    for side in ("l", "r"):
        part = f"{side}_upper_arm"
        if part not in radii:
            continue
        a, b = segs[part]
        length = float(np.linalg.norm(b - a))
        if length < 8 or abs(float((b - a) @ spine)) < ALONG_SIDE * length:
            continue
        u = (b - a) / length
        n = np.array([-u[1], u[0]])
        towards = np.sign(float(n @ (quad.mean(axis=0) - (a + b) / 2)))
        if towards == 0:
            continue
        n = towards * n  # across the bone, towards the body
        sleeve = _short_sleeve(labc, dark, m, torso, a, u, n, length, usual)
        if sleeve is None:
            continue
        part_i = PARTS.index(part)
        take = _print_on_arm(out, labc, m, part_i, sleeve, sw)
        path = _seam(sleeve, length, usual)
        if path is not None:
            s0, qs, traced = path
            beyond = _beyond(out, m, part_i, a, u, n, s0, qs)
            if beyond.sum() >= SEAM_STRIP * usual * traced:
                take |= beyond
        # only what joins the torso (side by side, not corner to corner), away from the wall: the sleeve's rim
        # along the gap under the armpit, handed to the torso, was cut off from it when the envelope gave the
        # sleeve-coloured pixels above back to the arm (``envelope.sleeves_off_torso``): a speck of the body
        take &= ~wall
        joined, _ = ndimage.label(take | ((out == torso_i) & m))
        take &= np.isin(joined, np.unique(joined[(out == torso_i) & m]))
        layer = np.isin(out, [PARTS.index(p) for p in LAYERS[f"arm_{side}"]]) & m
        if not take.any() or count_pieces(layer & ~take, SPECK * sw) > count_pieces(layer, SPECK * sw):
            continue
        out[take] = torso_i
    return out


@dataclass
class _Sleeve:
    """An upper arm's short sleeve, sampled on a grid of rows across its bone (one pixel apart along it, from
    SEAM_ABOVE of its length above the shoulder joint) and columns along each row (towards the body)."""
    s: np.ndarray  # [rows] distance along the bone from the shoulder joint
    q: np.ndarray  # [columns] distance across it, towards the body
    inside: np.ndarray  # [rows, columns] the figure
    crease: np.ndarray  # [rows, columns] crease_darkness
    other: np.ndarray  # [rows, columns] of a colour that is not the sleeve's (nor a shade of it)
    width: np.ndarray  # [rows, columns] columns in from the row's outer outline
    outlined: np.ndarray  # [rows] the row's outer end is the wall (the arm's outer side stands free)
    hem: int  # the first row below the sleeve
    colour: np.ndarray  # the sleeve's colour (Lab)
    arm: np.ndarray  # the bare arm's colour below it (Lab)


def _short_sleeve(labc: np.ndarray, dark: np.ndarray, m: np.ndarray, torso: np.ndarray, a: np.ndarray,
                  u: np.ndarray, n: np.ndarray, length: float, usual: float) -> _Sleeve | None:
    """The short sleeve of the torso's colour of the upper arm whose bone starts at ``a`` (direction ``u``, ``n``
    across it towards the body), or None where the arm wears none (bare, long-sleeved, or in another colour)."""
    s = np.arange(-SEAM_ABOVE * length, length, 1.0)
    q = np.arange(-(SEAM_WIDTH[1] + 1.0) * usual, SEAM_WIDTH[1] * usual, 1.0)
    gx = (a[0] + s[:, None] * u[0] + q[None, :] * n[0]).astype(np.float32)
    gy = (a[1] + s[:, None] * u[1] + q[None, :] * n[1]).astype(np.float32)
    inside = cv2.remap(m.astype(np.uint8), gx, gy, cv2.INTER_NEAREST, borderValue=0).astype(bool)
    colour = cv2.remap(labc, gx, gy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # the colour along the bone: the sleeve's near the shoulder, the bare arm's further down
    on_axis = np.abs(q) <= 0.3 * usual
    t = s / length
    axis_c = np.array([np.median(colour[i][on_axis & inside[i]], axis=0) if (on_axis & inside[i]).sum() else
                       np.full(3, np.nan) for i in range(len(s))])
    arm_rows = (t >= HEM_PART[0]) & (t <= HEM_PART[1]) & ~np.isnan(axis_c[:, 0])
    # per row, the outer outline: the first column of the figure from the wall's side, the wall beyond it
    first = np.argmax(inside, axis=1)
    outlined = inside.any(axis=1) & ~inside[:, 0]
    width = np.arange(len(q))[None, :] - first[:, None]
    # the sleeve's colour: between its outline (less the rim blending the wall in) and the bone, near the shoulder
    sleeve = (inside & outlined[:, None] & (width >= OUTLINE_BLEND) & (q[None, :] < 0)
              & ((t >= SLEEVE_PART[0]) & (t <= SLEEVE_PART[1]))[:, None])
    if sleeve.sum() < 10 or arm_rows.sum() < 3:
        return None
    sleeve_c, arm_c = np.median(colour[sleeve], axis=0), np.median(axis_c[arm_rows], axis=0)
    ys, xs = np.nonzero(torso)
    near = np.hypot(xs - (a[0] + 0.2 * length * u[0]), ys - (a[1] + 0.2 * length * u[1])) < 3 * usual
    if near.sum() < 10 or lab_distance(np.median(labc[ys[near], xs[near]], axis=0), sleeve_c) > SEAM_APART \
            or lab_distance(arm_c, sleeve_c) <= SEAM_APART:
        return None
    # the sleeve: the rows from the top whose bone has the sleeve's colour (down to its hem)
    d_sleeve = lab_distance(np.nan_to_num(axis_c), sleeve_c)
    sleeved = (d_sleeve < lab_distance(np.nan_to_num(axis_c), arm_c)) | np.isnan(axis_c[:, 0]) | (t < 0)
    hem = int(np.argmin(sleeved)) if not sleeved.all() else len(s)
    crease = cv2.remap(dark, gx, gy, cv2.INTER_LINEAR, borderValue=0)
    return _Sleeve(s, q, inside, crease, _other_colour(colour, sleeve_c), width, outlined, hem, sleeve_c, arm_c)


def _other_colour(colour: np.ndarray, sleeve: np.ndarray) -> np.ndarray:
    """Per pixel of ``colour`` (Lab), whether it is SEAM_APART from the ``sleeve``'s colour and no shade of it
    (darker, of its hue: the sleeve's own shadow in the armpit)."""
    diff = colour - sleeve
    shade = (diff[..., 0] < 0) & (np.hypot(diff[..., 1], diff[..., 2]) < SHADE_CHROMA)
    return (lab_distance(colour, sleeve) > SEAM_APART) & ~shade


def _seam(sleeve: _Sleeve, length: float, usual: float) -> tuple[float, np.ndarray, int] | None:
    """(distance along the bone of the first row, the seam's distance across the bone per row, one row a pixel,
    how many of the last rows the seam was traced along: above them it is carried on straight) of ``sleeve``,
    or None where no crease runs along it."""
    s, q, width = sleeve.s, sleeve.q, sleeve.width
    # nothing of another colour (but the sleeve's shades) between the outline (less its blended rim) and the seam
    other = sleeve.other & (width >= OUTLINE_BLEND)
    other_before = np.cumsum(other, axis=1) - other
    ok = (sleeve.inside & sleeve.outlined[:, None] & (width >= SEAM_WIDTH[0] * usual)
          & (width <= SEAM_WIDTH[1] * usual) & (other_before <= SEAM_SPECKS))
    ok[sleeve.hem:] = False
    ok[s < 0] = False  # above the shoulder joint the rows cross the shoulder's top, no seam
    rows = np.flatnonzero(ok.any(axis=1))
    if len(rows) == 0:
        return None
    # the longest run of rows the seam can cross
    breaks = np.flatnonzero(np.diff(rows) > 1)
    starts, ends = np.r_[rows[0], rows[breaks + 1]], np.r_[rows[breaks], rows[-1]]
    k = int(np.argmax(ends - starts))
    r0, r1 = int(starts[k]), int(ends[k]) + 1
    if r1 - r0 < SEAM_LONG * length:
        return None
    crease = sleeve.crease[r0:r1]
    cols_path = _darkest_path(np.where(ok[r0:r1], np.minimum(crease, 3 * CREASE_CONTRAST), -np.inf))
    if cols_path is None or (crease[np.arange(r1 - r0), cols_path] >= CREASE_CONTRAST).mean() < SEAM_SEEN:
        return None
    qs = ndimage.uniform_filter1d(q[cols_path], 5, mode="nearest")
    # carried on up over the shoulder's round top (the rows above, where no crease runs)
    return float(s[0]), np.r_[np.full(r0, qs[0]), qs], r1 - r0


def _print_on_arm(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, part_i: int, sleeve: _Sleeve,
                  sw: float) -> np.ndarray:
    """The pixels of part ``part_i`` in pieces of the shirt's print (colours other than the ``sleeve``'s, nor
    the bare arm's; its letters PRINT_GAP apart joined) that lie mostly on the torso: the print is the torso's,
    and torn, a piece of it went with the arm. ``sw``: the shoulder width."""
    torso = (lab == PARTS.index("torso")) & m
    own = (lab == part_i) & m
    printed = _other_colour(labc, sleeve.colour) & (lab_distance(labc, sleeve.arm) > SEAM_APART) & (torso | own)
    if not printed.any():
        return printed
    # a print's letters, a few pixels apart, are one print
    joined, count = ndimage.label(cv2.dilate(printed.astype(np.uint8), disc(max(1, round(PRINT_GAP * sw)))))
    pieces = np.where(printed, joined, 0)
    idx = np.arange(1, count + 1)
    on_arm = np.asarray(ndimage.sum(own, pieces, idx))
    on_torso = np.asarray(ndimage.sum(torso, pieces, idx))
    # ... printed on the shirt: the cloth all round it (not the wall, a cape behind the arm, a drawn outline)
    ring = (ndimage.grey_dilation(joined, footprint=np.ones((3, 3), bool)) > 0) & (joined == 0)
    ringed = ndimage.grey_dilation(joined, footprint=np.ones((3, 3), bool))
    cloth = (torso | own) & ~_other_colour(labc, sleeve.colour)
    enclosed = np.asarray(ndimage.mean(cloth[ring], ringed[ring], idx)) >= PRINT_ENCLOSED
    return np.isin(pieces, idx[(on_arm > 0) & (on_torso >= PRINT_TORSO * on_arm) & enclosed]) & own


def _darkest_path(reward: np.ndarray) -> np.ndarray | None:
    """The column per row of the path down ``reward`` ([rows, columns]) moving at most one column a row that
    gathers the most reward; None where no such path avoids the forbidden (-inf) cells."""
    rows, cols = reward.shape
    acc = reward[0].copy()
    step = np.zeros((rows, cols), np.int8)
    for i in range(1, rows):
        prev = np.stack([np.r_[-np.inf, acc[:-1]], acc, np.r_[acc[1:], -np.inf]])
        best = np.argmax(prev, axis=0)
        step[i] = best - 1
        acc = reward[i] + prev[best, np.arange(cols)]
    if not np.isfinite(acc.max()):
        return None
    path = np.empty(rows, int)
    path[-1] = int(np.argmax(acc))
    for i in range(rows - 1, 0, -1):
        path[i - 1] = path[i] + step[i, path[i]]
    return path


def _beyond(lab: np.ndarray, m: np.ndarray, part_i: int, a: np.ndarray, u: np.ndarray, n: np.ndarray, s0: float,
            qs: np.ndarray) -> np.ndarray:
    """The pixels of part ``part_i`` on the body's side of the seam (``qs``: its distance across the bone per row,
    the rows a pixel apart from ``s0`` along it), within the seam's rows."""
    ys, xs = np.nonzero((lab == part_i) & m)
    take = np.zeros(lab.shape, bool)
    s = (xs - a[0]) * u[0] + (ys - a[1]) * u[1]
    q = (xs - a[0]) * n[0] + (ys - a[1]) * n[1]
    row = np.round(s - s0).astype(int)
    within = (row >= 0) & (row < len(qs))
    beyond = within & (q > qs[np.clip(row, 0, len(qs) - 1)] + 1.0)
    take[ys[beyond], xs[beyond]] = True
    return take

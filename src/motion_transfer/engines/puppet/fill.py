"""Filling what the character hid: the background where it stood, and the torso behind its arms.

Done once per character (at rigging), never per frame.
"""
from __future__ import annotations

import cv2
import numpy as np

from ...pose.retarget import MH, MS, extend
from ...pose.skeleton import J
from .model import LAYERS, PARTS, torso_quad


def _nearest_along_rows(known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel, the column of the nearest known pixel to its left and to its right in its row (-1: none)."""
    h, w = known.shape
    cols = np.broadcast_to(np.arange(w), (h, w))
    left = np.maximum.accumulate(np.where(known, cols, -1), axis=1)
    right = w - 1 - np.maximum.accumulate(np.where(known[:, ::-1], cols, -1), axis=1)[:, ::-1]
    right = np.where(right >= w, -1, right)
    return left, right


def _scan_fill(img: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(colour, weight) interpolated along each row between the known pixels either side of a gap."""
    h, w = known.shape
    left, right = _nearest_along_rows(known)
    rows = np.arange(h)[:, None]
    cl = img[rows, np.maximum(left, 0)]
    cr = img[rows, np.maximum(right, 0)]
    x = np.arange(w)[None, :].astype(np.float32)
    dl = (x - left).astype(np.float32)
    dr = (right - x).astype(np.float32)
    has_l, has_r = left >= 0, right >= 0
    both = has_l & has_r
    t = np.where(both, dl / np.maximum(dl + dr, 1e-6), 0.0)[..., None]
    colour = np.where(both[..., None], (1 - t) * cl + t * cr, np.where(has_l[..., None], cl, cr))
    # a short gap between two known sides is reliable; one side only (a gap running off the image) is weak
    span = np.where(both, dl + dr, 4.0 * np.where(has_l, dl, dr) + 8.0)
    weight = np.where(has_l | has_r, 1.0 / np.maximum(span, 1.0) ** 2, 0.0)
    return colour, weight.astype(np.float32)


def inpaint_region(image: np.ndarray, hole: np.ndarray, known: np.ndarray | None = None,
                   max_side: int = 512) -> np.ndarray:
    """``image`` with ``hole`` filled from ``known`` pixels (default: everything outside the hole).

    Each unknown pixel is interpolated between the known pixels either side of its gap, along its row and along
    its column, the shorter gap weighing more (so the wall behind a standing person is continued across from
    both sides, and a horizon or a railing runs on through), then lightly smoothed. Unlike diffusion
    inpainting it draws no streaks from the hole's border, and unlike patch search it costs a few
    milliseconds. Works on a crop around the hole, shrunk to at most ``max_side`` pixels.
    """
    if not hole.any():
        return image
    H, W = hole.shape
    if known is None:
        known = ~hole
    ys, xs = np.nonzero(hole)
    m = int(0.25 * max(ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)) + 8
    y0, y1 = max(0, ys.min() - m), min(H, ys.max() + m + 1)
    x0, x1 = max(0, xs.min() - m), min(W, xs.max() + m + 1)
    crop = image[y0:y1, x0:x1]
    kn = known[y0:y1, x0:x1]
    if not kn.any():
        return image
    ch, cw = crop.shape[:2]
    s = min(1.0, max_side / max(ch, cw))
    w, h = max(4, round(cw * s)), max(4, round(ch * s))
    small = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA) if s < 1 else crop
    k_small = cv2.resize(kn.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(bool) if s < 1 else kn
    k_small = cv2.erode(k_small.astype(np.uint8), None, iterations=1).astype(bool) if s < 1 else k_small
    if not k_small.any():
        return image
    img = small.astype(np.float32)
    # the colours sampled at a gap's ends: averaged over known neighbours (one noisy pixel must not streak)
    kf = k_small.astype(np.float32)
    img = np.where(k_small[..., None], cv2.GaussianBlur(img * kf[..., None], (0, 0), 1.5) /
                   np.maximum(cv2.GaussianBlur(kf, (0, 0), 1.5), 1e-3)[..., None], img)
    ch_, wh = _scan_fill(img, k_small)
    cv_, wv = _scan_fill(img.transpose(1, 0, 2), k_small.T)
    cv_, wv = cv_.transpose(1, 0, 2), wv.T
    total = wh + wv
    mean = img[k_small].mean(axis=0)
    filled = np.where((total > 0)[..., None], (ch_ * wh[..., None] + cv_ * wv[..., None]) /
                      np.maximum(total, 1e-12)[..., None], mean)
    sigma = max(1.0, 0.006 * max(w, h))
    filled = np.where(k_small[..., None], img, cv2.GaussianBlur(filled, (0, 0), sigma))
    filled = np.clip(filled + 0.5, 0, 255).astype(np.uint8)
    big = cv2.resize(filled, (cw, ch), interpolation=cv2.INTER_LINEAR) if s < 1 else filled
    out = image.copy()
    sub = hole[y0:y1, x0:x1]
    out[y0:y1, x0:x1][sub] = big[sub]
    return out


def push_pull_fill(image: np.ndarray, hole: np.ndarray, max_side: int = 512) -> np.ndarray:
    """``image`` with ``hole`` filled by push-pull: a pyramid of mask-weighted averages of the pixels around it.

    Going down, each level averages colour*known and known (so unknown pixels count for nothing) until the hole
    has vanished; going back up, each level keeps its own average where enough was known and takes the coarser
    level's, smoothly upsampled, elsewhere. Every pixel of the hole is so an average over all directions,
    weighted by nearness: no row or column is favoured (no streaks, unlike filling along rows and columns), it
    costs a few milliseconds on a crop shrunk to at most ``max_side`` pixels, and the fill is then given the
    surrounding background's grain, measured on a ring around the hole, so it does not read as a flat blur.
    """
    if not hole.any() or hole.all():
        return image
    H, W = hole.shape
    ys, xs = np.nonzero(hole)
    m = int(0.25 * max(ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)) + 8
    y0, y1 = max(0, ys.min() - m), min(H, ys.max() + m + 1)
    x0, x1 = max(0, xs.min() - m), min(W, xs.max() + m + 1)
    crop = image[y0:y1, x0:x1].astype(np.float32)
    sub = hole[y0:y1, x0:x1]
    if sub.all():
        return image
    ch, cw = sub.shape
    s = min(1.0, max_side / max(ch, cw))
    size = (max(4, round(cw * s)), max(4, round(ch * s)))
    known = (~sub).astype(np.float32)
    weight = cv2.resize(known, size, interpolation=cv2.INTER_AREA) if s < 1 else known
    colour = crop * known[..., None]
    colour = cv2.resize(colour, size, interpolation=cv2.INTER_AREA) if s < 1 else colour
    levels = [(colour, weight)]
    while levels[-1][1].min() <= 0 and min(levels[-1][1].shape) > 1:
        c, w = levels[-1]
        levels.append((cv2.pyrDown(c), cv2.pyrDown(w)))
    c, w = levels[-1]
    filled = c / np.maximum(w, 1e-6)[..., None]
    if (w <= 0).any():  # nothing known nearby even at the coarsest level: the known pixels' mean
        filled[w <= 0] = (c.reshape(-1, 3).sum(0) / max(float(w.sum()), 1e-6))
    for c, w in reversed(levels[:-1]):
        up = cv2.pyrUp(filled, dstsize=(w.shape[1], w.shape[0]))
        a = np.clip(w, 0.0, 1.0)[..., None]
        filled = a * (c / np.maximum(w, 1e-6)[..., None]) + (1 - a) * up
    big = cv2.resize(filled, (cw, ch), interpolation=cv2.INTER_LINEAR) if s < 1 else filled
    big = big + _background_grain(crop, sub)
    out = image.copy()
    out[y0:y1, x0:x1][sub] = np.clip(big[sub] + 0.5, 0, 255).astype(np.uint8)
    return out


def _background_grain(crop: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """HxWx3 noise with the fine-detail strength of the background on a ring around ``hole`` (zero if flat)."""
    ring = cv2.dilate(hole.astype(np.uint8), None, iterations=6).astype(bool) & ~hole
    if ring.sum() < 20:
        return np.zeros_like(crop)
    detail = crop - cv2.GaussianBlur(crop, (0, 0), 2.0)
    sd = detail[ring].std(axis=0)
    rng = np.random.default_rng(0)
    noise = cv2.GaussianBlur(rng.standard_normal(hole.shape).astype(np.float32), (0, 0), 1.2)
    noise /= max(float(noise.std()), 1e-6)
    # grain in luminance only, and a third of the detail's strength: random speckle as strong as leaves or
    # plaster reads as noise on a screen, not as texture
    return noise[..., None] * (GRAIN * float(sd.mean()))


GRAIN = 0.35  # the fill's grain, as a fraction of the fine detail's strength around the hole


def remove_character(image: np.ndarray, matte: np.ndarray) -> np.ndarray:
    """The image's background with the character (grown a little, so no fringe of it is left) filled in."""
    h, w = matte.shape
    grow = max(3, round(0.015 * max(h, w)))
    hole = cv2.dilate((matte > 0.05).astype(np.uint8), None, iterations=grow).astype(bool)
    return push_pull_fill(image, hole)


def mirror_across_spine(joints: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(map_x, map_y) float32 HxW: each pixel's mirror image across the spine (mid-hip to mid-shoulder line)."""
    ext = extend(joints)
    a, b = ext[MH], ext[MS]
    u = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    h, w = shape
    py, px = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = px - a[0], py - a[1]
    along = dx * u[0] + dy * u[1]
    fx, fy = a[0] + along * u[0], a[1] + along * u[1]
    return (2 * fx - px).astype(np.float32), (2 * fy - py).astype(np.float32)


def fill_hidden_torso(image: np.ndarray, labels: np.ndarray, joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(image with the torso hidden by the arms painted in, the mask of those pixels).

    Hidden: arm pixels inside the shoulder-hip quadrilateral (grown a little), or enclosed by the torso's own
    outline (a side view, where the quadrilateral is narrow). Painted, where the other side of the body shows,
    with its mirror image across the spine, shifted to the colour of the torso around the hidden part (a body is
    nearly symmetric; its lighting is not); the rest interpolated from the torso's own pixels below the
    shoulder line (not the neck or the face).
    """
    H, W = labels.shape
    qm = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(qm, np.round(torso_quad(joints)).astype(np.int32), 1)
    sw = float(np.linalg.norm(joints[J["left_shoulder"]] - joints[J["right_shoulder"]]))
    inside = qm.astype(bool)
    qm = cv2.dilate(qm, None, iterations=max(1, int(0.04 * sw))).astype(bool)
    ext = extend(joints)
    spine = float(np.linalg.norm(ext[MS] - ext[MH]))
    rad = max(2, int(max(0.25 * sw, 0.15 * spine)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * rad + 1, 2 * rad + 1))
    torso = labels == PARTS.index("torso")
    closed = cv2.morphologyEx(torso.astype(np.uint8), cv2.MORPH_CLOSE, kernel).astype(bool)
    arm_idx = [PARTS.index(p) for p in LAYERS["arm_l"] + LAYERS["arm_r"]]
    hidden = (qm | closed) & np.isin(labels, arm_idx)
    if not hidden.any():
        return image, hidden
    source = torso & inside
    if source.sum() <= 50:
        source = np.isin(labels, [PARTS.index(p) for p in LAYERS["body"]])
    out = image.copy()
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    centres = torso_colours(lab[source])
    # the arm's own colours, those unlike the shirt (bare skin, a hand): a pixel of those is the arm, never the
    # torso, even where the torso's pixels hold some of it (an arm lying along a side view's torso)
    arm = torso_colours(lab[hidden])
    arm = arm[colour_distance(arm[:, None, :], centres)[:, 0] > ALIKE_DELTA_E]
    d_torso = colour_distance(lab, centres)
    d_arm = colour_distance(lab, arm) if len(arm) else np.full(d_torso.shape, np.inf, np.float32)
    torso_like = (d_torso < ALIKE_DELTA_E) & (d_torso < 0.5 * d_arm)
    source = source & (d_arm > ALIKE_DELTA_E)
    # a sleeve of the shirt's colour over the shirt: the shirt under it looks the same, keep those pixels (the
    # arm leaves no ghost when it moves away, and nothing paler or darker is painted in)
    alike = hidden & torso_like
    # elsewhere (a bare arm or a hand over the shirt): the other side of the body, mirrored across the spine,
    # where it shows and has the torso's colours
    solid = cv2.erode(source.astype(np.uint8), None, iterations=2).astype(bool)
    mx, my = mirror_across_spine(joints, (H, W))
    xi = np.clip(np.round(mx).astype(np.int32), 0, W - 1)
    yi = np.clip(np.round(my).astype(np.int32), 0, H - 1)
    inb = (mx >= 0) & (mx < W) & (my >= 0) & (my < H)
    mirrored = hidden & ~alike & inb & solid[yi, xi]
    out[mirrored] = image[yi[mirrored], xi[mirrored]]
    rest = hidden & ~alike & ~mirrored
    if rest.any() and (source | alike | mirrored).any():
        out = inpaint_region(out, rest, known=source | alike | mirrored)
    return out, hidden


ALIKE_DELTA_E = 18.0  # colour distance (CIE Lab, OpenCV's 8-bit scale) under which two colours look alike


def torso_colours(lab_px: np.ndarray, k: int = 4) -> np.ndarray:
    """[n, 3] the torso's main colours (k-means centres holding at least 8% of its pixels)."""
    if len(lab_px) < 20:
        return lab_px.reshape(-1, 3)[:1] if len(lab_px) else np.zeros((1, 3), np.float32)
    rng = np.random.default_rng(0)
    sample = np.ascontiguousarray(lab_px[rng.choice(len(lab_px), min(3000, len(lab_px)), replace=False)])
    k = int(min(k, max(1, len(sample) // 60)))
    cv2.setRNGSeed(0)
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    _, assign, centres = cv2.kmeans(sample, k, None, crit, 2, cv2.KMEANS_PP_CENTERS)
    support = np.bincount(assign.ravel(), minlength=k) / len(sample)
    return centres[support >= 0.08]


def colour_distance(lab: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Per pixel of ``lab`` (HxWx3 float32), the distance to the nearest of ``centres``."""
    d = np.full(lab.shape[:2], np.inf, np.float32)
    for c in centres:
        d = np.minimum(d, np.linalg.norm(lab - c, axis=2))
    return d

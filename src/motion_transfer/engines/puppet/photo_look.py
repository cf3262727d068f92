"""The grain and the blur of a photograph, given to the skin the rig draws on it (a forearm carried on past the
image's border, a hand drawn where the image shows none).

Drawn in smooth shading alone, those limbs lay on the photograph as flat cut-outs: the photographed arm beside them
is mottled by the camera's noise and the video's compression (TikTok character 4's raised forearm and hand, one
even orange-beige next to her grainy upper arm). The grain is measured where the picture shows skin (what a small
blur takes out of it, its robust spread) and laid on the drawn skin as a fixed noise pattern of part of that
strength, in lightness, fixed to the limb (it moves with it, no flicker). Drawn art's flat colours measure none and
get none.
A drawn hand's edges and the seams between its fingers, crisp to the pixel, read as ink lines beside the
photograph's soft edges: the hand is blurred as much as the photograph's own edges are (:func:`picture_blur`).
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

GRAIN_SIGMA = 1.5  # the grain: what a blur of this many pixels takes out of the skin's colour
GRAIN_MIN = 2.0  # a robust spread (8-bit levels, mean over the channels) below this is no grain: drawn art's flat
# colours, and a smooth video frame's skin (the TikTok frames', 0.5-1.1: laid on, it went unseen and moved the arm
# layers' outlines, which later steps read from the colours)
GRAIN_PIXELS = 50  # the fewest skin pixels (away from its outline) the grain is measured from
GRAIN_INSET = 3  # (pixels) the skin's pixels this near its outline are left out (its edge is no grain)
GRAIN_SHARE = 0.6  # the grain laid on: this share of the skin's, in lightness alone (the skin's own, a scan's colour
# noise included, laid on as one pattern per channel, mottled the astronaut's drawn hand in blue and yellow blotches)
GRAIN_SIZE = 0.7  # the pattern laid on: white noise blurred this much (pixels), grain as fine as a camera's
TILE = 128  # the pattern's side (pixels), repeated
REBLUR = 2.0  # (pixels) the photograph's blur is read from how much a blur of this many pixels flattens its edges
EDGES = 98.0  # ... at its strongest edges: the ridges of its gradient above this percentile, within the figure
BLUR_MAX = 2.5  # (pixels) at most this blur is read (a figure out of focus still has a hand drawn with an outline)


def _high_pass(a: np.ndarray) -> np.ndarray:
    return a - cv2.GaussianBlur(a, (0, 0), GRAIN_SIGMA)


def _tile() -> np.ndarray:
    """TILExTILE float32: the noise pattern, scaled so that what the GRAIN_SIGMA blur takes out of it has unit
    robust spread (so a measured grain laid on measures as that grain again)."""
    noise = np.random.default_rng(5).standard_normal((TILE, TILE)).astype(np.float32)
    noise = ndimage.gaussian_filter(noise, GRAIN_SIZE, mode="wrap")
    high = noise - ndimage.gaussian_filter(noise, GRAIN_SIGMA, mode="wrap")
    return noise / np.float32(1.4826 * np.median(np.abs(high - np.median(high))))


PATTERN = _tile()


def skin_grain(image: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """[3] float32: the grain to lay on skin drawn for ``image`` (RGB), from its ``skin`` pixels (HxW bool): the
    robust spread of what a GRAIN_SIGMA blur takes out of them (its features, an eye, a strand of hair, are few),
    away from the skin's outline, its mean over the channels times GRAIN_SHARE, alike in each (grain in
    lightness); zeros when that mean is under GRAIN_MIN or from too few pixels."""
    inner = cv2.erode(skin.astype(np.uint8), None, iterations=GRAIN_INSET).astype(bool)
    if inner.sum() < GRAIN_PIXELS:
        return np.zeros(3, np.float32)
    ys, xs = np.nonzero(inner)
    m = GRAIN_INSET + round(3 * GRAIN_SIGMA)
    box = np.s_[max(0, ys.min() - m):ys.max() + m + 1, max(0, xs.min() - m):xs.max() + m + 1]
    high = _high_pass(image[box].astype(np.float32))[inner[box]]
    spread = 1.4826 * np.median(np.abs(high - np.median(high, axis=0)), axis=0)
    if spread.mean() < GRAIN_MIN:
        return np.zeros(3, np.float32)
    return np.full(3, GRAIN_SHARE * spread.mean(), np.float32)


def add_grain(image: np.ndarray, where: np.ndarray, grain: np.ndarray) -> None:
    """Lay ``grain`` ([3], :func:`skin_grain`) on the ``where`` pixels of ``image`` (HxWx3 uint8, changed in
    place), the pattern fixed to the image's pixels (a drawn forearm's texture moves with its mesh)."""
    if not np.any(grain) or not where.any():
        return
    ys, xs = np.nonzero(where)
    value = image[ys, xs].astype(np.float32) + PATTERN[ys % TILE, xs % TILE][:, None] * grain
    image[ys, xs] = np.clip(value + 0.5, 0, 255).astype(image.dtype)


def grain_along(shape: tuple[int, int], origin: np.ndarray, towards: np.ndarray) -> np.ndarray:
    """HxW float32: the pattern over an HxW patch, fixed to a limb at ``origin`` (its pixels) pointing
    ``towards`` (a direction): a drawn hand, drawn afresh each frame, keeps its grain as it turns and moves."""
    u = np.asarray(towards, np.float64)
    u = u / max(float(np.linalg.norm(u)), 1e-6)
    ox, oy = float(origin[0]), float(origin[1])
    # (the patch's pixel x, y lies at along = u . (x - o), across = u x (x - o) on the pattern, repeated)
    to_pattern = np.array([[u[0], u[1], -(u[0] * ox + u[1] * oy)], [-u[1], u[0], u[1] * ox - u[0] * oy]])
    return cv2.warpAffine(PATTERN, to_pattern, (shape[1], shape[0]), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_WRAP)


def picture_blur(image: np.ndarray, figure: np.ndarray) -> float:
    """The Gaussian blur (sigma, pixels) of ``image``'s (RGB) edges within ``figure`` (HxW bool): a step blurred
    by sigma has its steepest gradient sqrt(1 + REBLUR^2 / sigma^2) times as steep as after a further REBLUR blur,
    so sigma is read from that ratio, the median over the strongest edges' ridges (EDGES); 0 without any."""
    ys, xs = np.nonzero(figure)
    if len(ys) < GRAIN_PIXELS:
        return 0.0
    m = round(3 * REBLUR) + 2
    box = np.s_[max(0, ys.min() - m):ys.max() + m + 1, max(0, xs.min() - m):xs.max() + m + 1]
    grey = cv2.cvtColor(np.ascontiguousarray(image[box]), cv2.COLOR_RGB2GRAY).astype(np.float32)

    def gradient(a: np.ndarray) -> np.ndarray:
        return np.hypot(cv2.Sobel(a, cv2.CV_32F, 1, 0), cv2.Sobel(a, cv2.CV_32F, 0, 1))

    sharp, soft = gradient(grey), gradient(cv2.GaussianBlur(grey, (0, 0), REBLUR))
    near = cv2.dilate(figure[box].astype(np.uint8), None, iterations=2).astype(bool)
    if not near.any():
        return 0.0
    ridge = near & (sharp >= cv2.dilate(sharp, None)) & (sharp >= np.percentile(sharp[near], EDGES))
    ratio = sharp[ridge] / np.maximum(soft[ridge], 1e-3)
    ratio = ratio[ratio > 1.01]
    if len(ratio) == 0:
        return 0.0
    return float(min(BLUR_MAX, np.median(REBLUR / np.sqrt(ratio ** 2 - 1.0))))


def soften(patch: np.ndarray, drawn: np.ndarray, sigma: float) -> None:
    """Blur what is ``drawn`` (HxW, its share of each pixel) of ``patch`` (RGBA uint8, changed in place) by
    ``sigma`` pixels, colour weighted by coverage (no dark fringe from the clear pixels), its outline with it;
    what is not drawn stays as it was (a clear pixel keeps its colour). In 8 bits (OpenCV's fixed-point blur):
    in floats it cost as much as drawing the hand."""
    if sigma <= 0 or not drawn.any():
        return
    alpha = cv2.merge([patch[..., 3]] * 3)
    pre = cv2.merge([*cv2.split(cv2.multiply(patch[..., :3], alpha, scale=1.0 / 255.0)), patch[..., 3]])
    blurred = cv2.GaussianBlur(pre, (0, 0), sigma)
    w = np.minimum(cv2.GaussianBlur(drawn.astype(np.float32), (0, 0), sigma) * 2.0, 1.0)
    mixed = cv2.blendLinear(blurred, pre, w, 1.0 - w)
    a = mixed[..., 3]
    rgb = cv2.divide(mixed[..., :3], cv2.merge([a] * 3), scale=255.0)
    clear = a == 0
    np.copyto(rgb, patch[..., :3], where=clear[..., None])  # (boolean indexing took a third of this blur)
    patch[..., :3] = rgb
    patch[..., 3] = a

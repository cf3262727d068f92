"""Drawn art's pixel staircases smoothed along its edges, in its layers' textures.

A drawing's outline is rasterised to the pixel: along a slanted line its anti-aliased edge steps from row to row
by uneven amounts (the fox's arm: its half-cover point moves 0.7, then 0.3 pixels a row, about 0.18 pixels off a
straight line). At 1x no one sees it; the puppet draws a drawn character two to three times enlarged (the output's
figure is larger than the picture's), and the bilinear enlargement turns that into a wobble of about half an
output pixel with a period of a few pixels: the arms' black outer outlines read as serrated, saw-toothed, at 2x
(the fox and the teddy bear on TikTok clip 0). No sampling at draw time takes it out (nearest sampling steps by
whole texels, a finer map grid draws the same texels): the steps are in the texels. So the texture is smoothed
once, when the layer is made, along each edge and never across it: every texel is averaged with its neighbours
along the local edge's direction (the structure tensor's), weighted by how clearly the texels around it have one
direction (its coherence), so an edge keeps its place and its sharpness, thin lines (fingers' seams) stay lines,
and a dot (an eye's highlight), with no one direction, stays as it is. Only for drawn art (outlined,
:func:`.outlines.drawn_lines`, or in flat colours, :func:`flat_art`): a photograph's edges are blurred by its
camera and have no staircase, and its grain and strands, smoothed along, would look softer.
"""
from __future__ import annotations

import cv2
import numpy as np

TENSOR_SIGMA = 1.5  # (texels) the neighbourhood whose gradients give an edge's direction
ALONG_SIGMA = 1.5  # (texels) the smoothing along the edge: a staircase's period on a slope of 1/2 is two texels
ALONG_REACH = 3  # (texels) its samples either side, one a texel
# flat art: at least this share of the figure's inner pixels lies in a 3x3 patch of one colour (within a level):
# the teddy bear 0.97, the penguin 0.95; the TikTok frames 0.03-0.32, Grace Hopper's photograph 0.003, the robot
# boxer's shaded metal 0.58 (it is outlined)
FLAT_ART_SHARE = 0.8
FLAT_INSET = 3  # (pixels) the figure's pixels this near its outline are left out (its edge is no flat colour)


def flat_art(image: np.ndarray, figure: np.ndarray) -> bool:
    """Whether ``image`` (RGB) is drawn in flat colours within ``figure`` (HxW bool): a drawing with no outline
    (the teddy bear), whose edges are its colours' staircases as much as an outlined drawing's."""
    inner = cv2.erode(figure.astype(np.uint8), None, iterations=FLAT_INSET).astype(bool)
    if not inner.any():
        return False
    kernel = np.ones((3, 3), np.uint8)
    flat = np.ones(inner.shape, bool)
    for c in range(3):
        channel = np.ascontiguousarray(image[:, :, c])
        flat &= cv2.subtract(cv2.dilate(channel, kernel), cv2.erode(channel, kernel)) <= 1
    return bool(flat[inner].mean() >= FLAT_ART_SHARE)


def along_edges(rgba: np.ndarray) -> np.ndarray:
    """HxWx4 uint8: ``rgba`` (a layer's texture, straight alpha) smoothed along its edges (see the module). The
    edges' directions are read from its premultiplied colours and its alpha together, so the outline against the
    transparent margin (the layer's own colours carried past it, no edge in RGB) counts as one too."""
    f = rgba.astype(np.float32)
    guide = np.concatenate([f[:, :, :3] * (f[:, :, 3:] / 255.0), f[:, :, 3:]], axis=2)
    gx = cv2.Sobel(guide, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(guide, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jxy, jyy = ((a * b).sum(axis=2) for a, b in ((gx, gx), (gx, gy), (gy, gy)))
    jxx, jxy, jyy = (cv2.GaussianBlur(j, (0, 0), TENSOR_SIGMA) for j in (jxx, jxy, jyy))
    across = 0.5 * np.arctan2(2.0 * jxy, jxx - jyy)  # the gradients' main direction; the edge runs across it
    tx, ty = -np.sin(across), np.cos(across)
    spread = np.hypot(jxx - jyy, 2.0 * jxy)
    coherence = (spread / np.maximum(jxx + jyy, 1e-6)) ** 2
    h, w = f.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    steps = np.arange(-ALONG_REACH, ALONG_REACH + 1, dtype=np.float32)
    weights = np.exp(-0.5 * (steps / ALONG_SIGMA) ** 2)
    weights /= weights.sum()
    smooth = np.zeros_like(f)
    for step, weight in zip(steps, weights):
        smooth += weight * cv2.remap(f, xx + step * tx, yy + step * ty, cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_REPLICATE)
    out = f + coherence[:, :, None] * (smooth - f)
    return np.clip(np.round(out), 0, 255).astype(np.uint8)

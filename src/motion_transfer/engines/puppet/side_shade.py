"""The shade a hanging arm leaves on the body's side: the torso's pixels in the picture, gone once the arm moves.

Where an arm hangs against the body, the shirt's side beside it lies in the arm's shadow: a band of near-black
along the arm's inner outline (TikTok character 4: a light-blue T-shirt, 10-15 pixels of dark blue-grey beside her
bare forearm, from the elbow down to the hem). By colour and place it is the torso's, and once the arm rose it
stood as a dark band down the body's side, from the armpit to the hem, where the real shirt is lit. The torso's
pixels below the armpits within SHADE_REACH of an arm's part hanging along the body, darker than SHADE_DARK of the
lit figure just beyond that reach (the torso's or the legs', never the arms') and joined to the arm's outline, are
that shade, with the pixels joined to it darker than SHADE_EDGE of it (its soft edge): the body's texture there is
painted from the torso around (:func:`paint_side_shade`). The lit figure is read at the nearest pixel past the
reach: beside black trousers under a white top, the trousers beyond a hand hanging over them are as dark as the
pixels beside it, and stay. A dark material is no shade either: one that runs on round the piece past the reach (a
penguin's black side below its white belly), one of another hue than the lit figure (a black top's corner above a
bare belly's skin), or any shade of a dark colour (fill.SHADE_LIGHT).
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.retarget import MH, MS, extend
from .envelope import ARMPIT_BAND, body_frame
from .fill import SHADE_LIGHT, push_pull_fill
from .model import ALONG_SIDE, ARM_PARTS, PARTS, part_segment
from .morphology import grown_box

SHADE_REACH = 0.06  # (shoulder widths) how far into the torso from an arm's outline the arm's shade reaches
SHADE_DARK = 0.6  # a pixel there darker than this share of the lit torso just beyond is in the arm's shade ...
SHADE_EDGE = 0.85  # ... and one joined to such a pixel darker than this share of it is the shade's soft edge
SHADE_AROUND = 3  # (pixels) how far on each side the lit figure beyond is averaged
SHADE_BEYOND = 0.1  # the most of the figure a reach round the shade that may be as dark (more: a dark material)
SHADE_HUE = 0.05  # the most the shade's chromaticity may lie off the lit colour's (r, g, b shares of their sum)
SHADE_RIM = 1  # (pixels) how far round the shade the paint goes on
SHADE_TOUCH = 2  # (pixels) the shade's darkest pixels lie this near the arm's (the matte may leave a pixel between)


def side_shade(image: np.ndarray, labels: np.ndarray, joints: np.ndarray, sw: float,
               hair: np.ndarray | None = None) -> np.ndarray:
    """HxW bool: the torso's pixels in a hanging arm's shade along the body's side (see the module's note), below
    the armpits (the ARMPIT_BAND's top level down), never the body's ``hair`` (HxW bool, if known: a dark lock
    hanging beside the arm is no shade). ``image`` HxWx3 uint8 RGB, ``sw`` the shoulder width in pixels."""
    shade = np.zeros(labels.shape, bool)
    # the arms' parts hanging along the body (their bones within ALONG_SIDE of the spine: an arm lying across the
    # belly shades clothes of other colours, a black sleeve's own shadow on a black top)
    ext = extend(joints)
    spine = ext[MH] - ext[MS]
    spine = spine / max(float(np.linalg.norm(spine)), 1e-6)
    hanging = []
    for part in ARM_PARTS["left"] + ARM_PARTS["right"]:
        start, end = part_segment(part, joints[:, :2])
        bone = end - start
        if abs(float(bone @ spine)) >= ALONG_SIDE * max(float(np.linalg.norm(bone)), 1e-6):
            hanging.append(PARTS.index(part))
    arms = np.isin(labels, hanging)
    any_arm = np.isin(labels, [PARTS.index(p) for p in ARM_PARTS["left"] + ARM_PARTS["right"]])
    reach = max(2, round(SHADE_REACH * sw))
    box = grown_box(arms, 3 * reach)
    if box is None:
        return shade
    figure = labels[box] >= 0
    torso = labels[box] == PARTS.index("torso")
    if hair is not None:
        torso &= ~hair[box]
    f = body_frame(joints, labels.shape)
    torso &= f.level[box] >= ARMPIT_BAND[0] * f.spine
    arm = arms[box]
    near = torso & (cv2.distanceTransform((~arm).astype(np.uint8), cv2.DIST_L2, 3) <= reach)
    if not near.any():
        return shade
    light = cv2.cvtColor(np.ascontiguousarray(image[box]), cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    # the lit figure beyond: the nearest pixel past the reach (the torso's or the legs', never an arm's), its
    # lightness averaged over those around it (a mean over a wide window took a bare belly's skin below a black
    # top's hem for the top's light, and its dark corner by the arm for shade)
    beyond = figure & ~any_arm[box] & ~near
    if beyond.sum() < reach:
        return shade
    size = (2 * SHADE_AROUND + 1,) * 2
    count = cv2.boxFilter(beyond.astype(np.float32), -1, size, normalize=False)
    mean = cv2.boxFilter(light * beyond, -1, size, normalize=False) / np.maximum(count, 1.0)
    _, (by, bx) = ndimage.distance_transform_edt(~beyond, return_indices=True)
    lit = mean[by, bx]
    soft = near & (light < SHADE_EDGE * lit) & (lit >= SHADE_LIGHT)  # (a black top's deeper shade is no arm's)
    dark = soft & (light < SHADE_DARK * lit)
    touch = cv2.dilate(arm.astype(np.uint8), None, iterations=SHADE_TOUCH).astype(bool)
    n, pieces = cv2.connectedComponents(soft.astype(np.uint8), connectivity=8)
    # (a band along the arm, no speck: where a drawn penguin's black side meets its white belly by the flipper, a
    # corner of the black was painted as a grey blot)
    sizes = np.bincount(pieces.ravel(), minlength=n)
    keep = (np.bincount(pieces[dark & touch], minlength=n) > 0) & (sizes >= reach ** 2)
    keep[0] = False
    # ... and ending where the lit figure begins: a dark material running on round it past the reach (a penguin's
    # black side below its white belly) is no shade
    to_piece, (py, px) = ndimage.distance_transform_edt(pieces == 0, return_indices=True)
    owner = pieces[py, px]
    ring = beyond & (to_piece <= reach)
    piece_lit = np.bincount(pieces[soft], lit[soft], minlength=n) / np.maximum(sizes, 1)
    dark_ring = np.bincount(owner[ring & (light < SHADE_DARK * piece_lit[owner])], minlength=n)
    keep &= dark_ring <= SHADE_BEYOND * np.bincount(owner[ring], minlength=n)
    # ... and the lit colour in shade, not another colour: its chromaticity (a black top's corner beside a bare
    # belly's skin is none)
    rgb = image[box].astype(np.float32)
    shade_rgb = _piece_means(rgb, pieces, dark, n)
    lit_rgb = _piece_means(rgb[by, bx], pieces, dark, n)
    apart = np.abs(_chromaticity(shade_rgb) - _chromaticity(lit_rgb)).max(axis=1)
    keep &= apart <= SHADE_HUE
    # (with the pixels right round it: where the paint met the shirt, a line a pixel wide stayed a little darker)
    shade[box] = cv2.dilate(keep[pieces].astype(np.uint8), None, iterations=SHADE_RIM).astype(bool) & torso
    return shade


def _piece_means(values: np.ndarray, pieces: np.ndarray, within: np.ndarray, n: int) -> np.ndarray:
    """[n, 3] the mean of ``values`` (HxWx3) over each piece's pixels ``within``."""
    count = np.maximum(np.bincount(pieces[within], minlength=n), 1)
    return np.stack([np.bincount(pieces[within], values[..., c][within], minlength=n) / count for c in range(3)], 1)


def _chromaticity(rgb: np.ndarray) -> np.ndarray:
    """[n, 3] each colour's share of its sum (the same for a colour and any shade of it)."""
    return rgb / np.maximum(rgb.sum(axis=1, keepdims=True), 1.0)


def paint_side_shade(painted: np.ndarray, shade: np.ndarray, body: np.ndarray) -> np.ndarray:
    """The body's texture ``painted`` (HxWx3) with the ``shade`` pixels (:func:`side_shade`) painted from the rest
    of the ``body`` (HxW bool: the torso and what is painted in behind the arms) around them, by push-pull, with
    its grain: the shirt's side as it looks lit once the arm has moved away."""
    if not shade.any():
        return painted
    return push_pull_fill(painted, shade, body & ~shade)

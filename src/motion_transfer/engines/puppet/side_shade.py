"""The shade a hanging arm leaves on the body's side: the torso's pixels in the picture, gone once the arm moves.

Where an arm hangs against the body, the shirt's side beside it lies in the arm's shadow: a band of near-black
along the arm's inner outline (TikTok character 4: a light-blue T-shirt, 10-15 pixels of dark blue-grey beside her
bare forearm, from the elbow down to the hem). By colour and place it is the torso's, and once the arm rose it
stood as a dark band down the body's side, from the armpit to the hem, where the real shirt is lit. The torso's
pixels below the armpits within SHADE_REACH of an arm, darker than SHADE_DARK of the lit figure just beyond that
reach (the torso's or the legs', never the arms') and joined to the arm's outline, are that shade, with the pixels
joined to it darker than SHADE_EDGE of it (its soft edge): the body's texture there is painted from the torso around
(:func:`paint_side_shade`).
Only where the torso just beyond is lit: beside black trousers under a white top, the trousers beyond a hand
hanging over them are as dark as the pixels beside it, and stay.
"""
from __future__ import annotations

import cv2
import numpy as np

from .envelope import ARMPIT_BAND, body_frame
from .fill import push_pull_fill
from .model import LAYERS, PARTS
from .morphology import grown_box

SHADE_REACH = 0.06  # (shoulder widths) how far into the torso from an arm's outline the arm's shade reaches
SHADE_DARK = 0.6  # a pixel there darker than this share of the lit torso just beyond is in the arm's shade ...
SHADE_EDGE = 0.85  # ... and one joined to such a pixel darker than this share of it is the shade's soft edge
SHADE_AROUND = 2  # (reaches) how far on each side the lit torso beyond is averaged
SHADE_TOUCH = 2  # (pixels) the shade's darkest pixels lie this near the arm's (the matte may leave a pixel between)


def side_shade(image: np.ndarray, labels: np.ndarray, joints: np.ndarray, sw: float,
               hair: np.ndarray | None = None) -> np.ndarray:
    """HxW bool: the torso's pixels in a hanging arm's shade along the body's side (see the module's note), below
    the armpits (the ARMPIT_BAND's top level down), never the body's ``hair`` (HxW bool, if known: a dark lock
    hanging beside the arm is no shade). ``image`` HxWx3 uint8 RGB, ``sw`` the shoulder width in pixels."""
    shade = np.zeros(labels.shape, bool)
    arms = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_l"] + LAYERS["arm_r"]])
    reach = max(2, round(SHADE_REACH * sw))
    box = grown_box(arms, (2 * SHADE_AROUND + 1) * reach)
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
    beyond = (figure & ~arm & ~near).astype(np.float32)
    size = (2 * SHADE_AROUND * reach + 1,) * 2
    count = cv2.boxFilter(beyond, -1, size, normalize=False)
    lit = cv2.boxFilter(light * beyond, -1, size, normalize=False) / np.maximum(count, 1.0)
    lit = np.where(count >= reach, lit, 0.0)  # (too few of the torso's pixels beyond: nothing is known lit there)
    soft = near & (light < SHADE_EDGE * lit)
    dark = soft & (light < SHADE_DARK * lit)
    touch = cv2.dilate(arm.astype(np.uint8), None, iterations=SHADE_TOUCH).astype(bool)
    n, pieces = cv2.connectedComponents(soft.astype(np.uint8), connectivity=8)
    keep = np.bincount(pieces[dark & touch], minlength=n) > 0
    keep[0] = False
    shade[box] = keep[pieces]
    return shade


def paint_side_shade(painted: np.ndarray, shade: np.ndarray, body: np.ndarray) -> np.ndarray:
    """The body's texture ``painted`` (HxWx3) with the ``shade`` pixels (:func:`side_shade`) painted from the rest
    of the ``body`` (HxW bool: the torso and what is painted in behind the arms) around them, by push-pull, with
    its grain: the shirt's side as it looks lit once the arm has moved away."""
    if not shade.any():
        return painted
    return push_pull_fill(painted, shade, body & ~shade)

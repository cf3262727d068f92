"""What rests on a dark top's shoulder beside the neck belongs to the body, not to the arm below it.

Distance labelling cuts an upper arm from the torso along a line that runs up the shoulder to the neckline, so a
lighter band lying across that line on a dark top (the neckline's rim, the hair's ends resting on the shoulder)
was split by it: its part on the arm's side swung with the arm once it moved and showed as a rust-brown block with
a pale streak on the shoulder, cut off from the neckline it continued (TikTok character 0, frames 10-30). The
part of such a band on the arm's side, above the shoulders' line and between the shoulder and the neck, nearer
the torso's colour beside it than the arm's own, goes to the torso: it stays where the picture shows it.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J
from .hair import arm_colour
from .model import PARTS

BAND = 0.08  # (shoulder widths) how far into the arm from the torso such a band is looked for
APART = 8.0  # (CIE Lab, 8-bit) a band's pixel is at least this far from the arm's own colour (hair.arm_colour)
DARK = 60.0  # (Lab lightness, 8-bit) only an arm darker than this: on a light or bare shoulder nothing shows as a stain
LIGHTER = 10.0  # (Lab lightness, 8-bit) a band's median is at least this much lighter than the arm's own colour (the
# lit side of a navy sleeve's shoulder, 8 lighter, is the sleeve's: Grace Hopper)
PIECE = 0.05  # (shoulder widths) a band handed to the torso is at least a square this wide (no blurred edge)


def resting_bands_to_torso(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, joints: np.ndarray, axis_of: dict,
                           radii: dict, sw: float) -> np.ndarray:
    """``lab`` with each upper arm's pixels that continue a band resting on the shoulder beside the neck given to
    the torso: above the line through the shoulder joints, on the neck's side of this arm's shoulder joint, within
    BAND shoulder widths of the torso, lighter than the arm's own colour and at least APART from it, nearer the
    colour of the torso's nearest pixel than the arm's, in pieces joined to the torso at least PIECE wide squared
    whose median is LIGHTER than the arm's own; only on an arm darker than DARK (on a white or bare shoulder the
    pixels this found were the shoulder's own light: TikTok characters 2, 4, 5). Lighter only: a darker patch there
    is the sleeve's own shade (TikTok character 0's right shoulder).

    ``lab``: part labels at the analysis size; ``labc``: the small image's ``parts.blurred_lab``; ``m``: the
    figure; ``joints`` at the analysis size; ``axis_of``/``radii``: each limb's distance from its bone and its
    radius; ``sw`` the shoulder width."""
    torso_i = PARTS.index("torso")
    torso = (lab == torso_i) & m
    out = lab.copy()
    if not torso.any():
        return out
    inner = cv2.erode(torso.astype(np.uint8), None, iterations=2).astype(bool)  # (its edge blends the arm in)
    if not inner.any():
        inner = torso
    d_torso, (iy, ix) = ndimage.distance_transform_edt(~inner, return_indices=True)
    ys, xs = np.mgrid[0:lab.shape[0], 0:lab.shape[1]].astype(np.float32)
    nose = joints[J["nose"]]
    for side, other in (("left", "right"), ("right", "left")):
        part = f"{side[0]}_upper_arm"
        if part not in radii:
            continue
        arm, own = arm_colour(lab, labc, m, axis_of, radii, part)
        if own is None or own[0] >= DARK:
            continue
        shoulder = joints[J[f"{side}_shoulder"]]
        across = joints[J[f"{other}_shoulder"]] - shoulder
        across = across / max(float(np.linalg.norm(across)), 1e-6)
        up = np.array([across[1], -across[0]])
        if float(up @ (nose - shoulder)) < 0:
            up = -up
        dx, dy = xs - shoulder[0], ys - shoulder[1]
        region = arm & (dx * up[0] + dy * up[1] > 0) & (dx * across[0] + dy * across[1] > 0) & (d_torso <= BAND * sw)
        if not region.any():
            continue
        c = labc[region]
        to_own = np.linalg.norm(c - own, axis=1)
        take = np.zeros_like(region)
        take[region] = (to_own > APART) & (c[:, 0] > own[0]) & (np.linalg.norm(c - labc[iy, ix][region], axis=1)
                                                                 < to_own)
        pieces, n = ndimage.label(take)
        if n == 0:
            continue
        ids = np.arange(1, n + 1)
        size = np.asarray(ndimage.sum(take, pieces, ids))
        joined = np.asarray(ndimage.maximum(cv2.dilate(torso.astype(np.uint8), None) > 0, pieces, ids), bool)
        lighter = np.asarray(ndimage.median(labc[..., 0], pieces, ids)) - own[0] >= LIGHTER
        out[np.isin(pieces, ids[joined & lighter & (size >= (PIECE * sw) ** 2)])] = torso_i
    return out

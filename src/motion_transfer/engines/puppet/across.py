"""A sleeve lying across the torso: the torso seen on both sides of it.

The hidden-torso fill keeps a sleeve of the torso's own colour as the torso under it (a black sleeve at the side
of a black top: the top under it looks the same). Where the arm lies across the body instead, its outline runs
through the torso's inside: kept, its lit upper edge and the dark line along it stood on the top as a diagonal
fold once the arm moved away, the top drawn as a wrap top (TikTok character 0, her upper arm across her chest).

Done once per character (at rigging), never per frame.
"""
from __future__ import annotations

import cv2
import numpy as np

from .model import PARTS, part_segment

ACROSS_RING = 0.05  # how far beside a sleeve (shoulder widths) the torso is looked for
ACROSS_SHARE = 0.5  # the least share of that strip, on each side of the arm, that is the torso's
ACROSS_LEAST = 0.1  # a sleeve shorter than this (shoulder widths, along its bone) lies across nothing
ACROSS_SHADED = 8.0  # (Lab, OpenCV's 8-bit scale) a sleeve this far off the torso beside it shows its own shading
ARM_SEGMENTS = ("l_upper_arm", "l_lower_arm", "r_upper_arm", "r_lower_arm")


def lying_across(kept: np.ndarray, hidden: np.ndarray, torso: np.ndarray, labels: np.ndarray, joints: np.ndarray,
                 lab: np.ndarray, sw: float) -> np.ndarray:
    """HxW bool: the ``kept`` pixels (a sleeve kept as the torso under it) of each arm segment whose sleeve lies
    across the body: beside it (within ACROSS_RING of ``sw``, the shoulder width, off the ``hidden`` pixels and
    level with the kept ones along the bone) the ``torso``'s pixels fill ACROSS_SHARE of a strip as long as the
    kept sleeve on each of its two sides. An arm at the body's side has the background, its own upper arm or the
    image's border on its outer side. Only a sleeve shaded as an arm is: its kept pixels (``lab``, the image in
    CIE Lab, OpenCV's 8-bit scale) lie ACROSS_SHADED off the torso beside it at the 90th percentile; one as flat
    as the cloth around it shows no fold (a jacket's sleeve with a drawn outline, its name tag's letters beside
    it kept). ``labels`` and ``joints`` (rows, columns as x, y) in the same box."""
    out = np.zeros(kept.shape, bool)
    reach = max(2, round(ACROSS_RING * sw))
    for part in ARM_SEGMENTS:
        sleeve = hidden & (labels == PARTS.index(part))
        mine = kept & sleeve
        start, end = (np.asarray(p, np.float64)[:2] for p in part_segment(part, joints))
        bone = end - start
        length = float(np.linalg.norm(bone))
        if not mine.any() or length < 1e-6:
            continue
        along_u, across_u = bone / length, np.array([-bone[1], bone[0]]) / length
        ys, xs = np.nonzero(mine)
        t = (xs - start[0]) * along_u[0] + (ys - start[1]) * along_u[1]
        lo, hi = float(t.min()), float(t.max())
        if hi - lo < ACROSS_LEAST * sw:
            continue
        ring = cv2.dilate(sleeve.astype(np.uint8), None, iterations=reach).astype(bool) & ~hidden
        ry, rx = np.nonzero(ring)
        rt = (rx - start[0]) * along_u[0] + (ry - start[1]) * along_u[1]
        rs = (rx - start[0]) * across_u[0] + (ry - start[1]) * across_u[1]
        level = (rt >= lo) & (rt <= hi)
        on_torso = torso[ry, rx]
        strip = ACROSS_SHARE * (hi - lo) * reach
        if not all((level & on_torso & side).sum() >= strip for side in (rs > 0, rs < 0)):
            continue
        beside = np.median(lab[ry[level & on_torso], rx[level & on_torso]], axis=0)
        if np.percentile(np.linalg.norm(lab[mine] - beside, axis=1), 90) > ACROSS_SHADED:
            out |= mine
    return out

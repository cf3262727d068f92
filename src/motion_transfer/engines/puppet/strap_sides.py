"""Which side of a top's strap a pixel lies on: the strap runs where the shoulder's round meets the upper arm.

Medial of it is the torso's (the chest's skin, the top it holds), lateral of it the shoulder's round, which the arm
hides when it hangs and the torso shows when it moves away. Measured across the shoulder line, row by row along the
body, so a strap that leans or bends is followed as it runs.
"""
from __future__ import annotations

import numpy as np

from ...pose.skeleton import J

GARMENT_L = 12  # (Lab L, 0..255) the top a strap holds is at most this much lighter than the strap's mean


def across_straps(straps: np.ndarray, joints: np.ndarray, light: np.ndarray) -> np.ndarray:
    """HxW float32: how far each pixel lies past its side's strap towards the body's middle (pixels, along the
    shoulder line; negative out towards the arm), in the rows along the body that the strap runs through over the
    bare shoulder, down to where the top it holds begins beside it (there the strap's dark line goes on as the
    top's side, and past it lies the arm, not the shoulder); NaN elsewhere, and on a side with no strap.
    ``straps`` HxW bool (:func:`.straps.strap_lines`), ``light`` the image's lightness (HxW)."""
    h, w = straps.shape
    out = np.full((h, w), np.nan, np.float32)
    if not straps.any():
        return out
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    shoulders = {side: joints[J[f"{side}_shoulder"]].astype(np.float64) for side in ("left", "right")}
    middle = (shoulders["left"] + shoulders["right"]) / 2
    for side, other in (("left", "right"), ("right", "left")):
        medial = shoulders[other] - shoulders[side]
        medial = medial / max(float(np.linalg.norm(medial)), 1e-6)
        down = np.array([-medial[1], medial[0]]) if medial[0] > 0 else np.array([medial[1], -medial[0]])
        t = xs * medial[0] + ys * medial[1]
        s = xs * down[0] + ys * down[1]
        mine = t < float(middle @ medial)  # this side of the body's middle
        strap = straps & mine
        if not strap.any():
            continue
        top = float(s[strap].min())
        bins = np.round(s[strap] - top).astype(int)
        edge = np.full(bins.max() + 1, np.inf, np.float32)  # per row along the body, the strap's outer edge
        np.minimum.at(edge, bins, t[strap])
        # the top begins where the pixels just medial of the strap are as dark as it, and stay so down to its end
        # (hair over the shoulder may darken them by its top)
        width = np.zeros(len(edge), np.float32)
        np.maximum.at(width, bins, t[strap])
        width -= np.where(np.isfinite(edge), edge, 0.0)
        dark = float(light[strap].mean()) + GARMENT_L
        ok = np.isfinite(edge)
        reach = np.where(ok, edge, 0.0) + width + 2.0 * float(np.median(width[ok])) + 1.0
        beside = np.stack([reach, np.arange(len(edge)) + top])
        bx = np.clip(np.round(beside[0] * medial[0] + beside[1] * down[0]), 0, w - 1).astype(int)
        by = np.clip(np.round(beside[0] * medial[1] + beside[1] * down[1]), 0, h - 1).astype(int)
        bare = ok & (light[by, bx] > dark)
        if bare.any():
            edge[int(np.flatnonzero(bare)[-1]) + 1:] = np.inf
        at = np.round(s - top).astype(int)
        row = mine & (at >= 0) & (at < len(edge))
        row[row] = np.isfinite(edge[at[row]])
        out[row] = t[row] - edge[at[row]]
    return out

"""The body's side under an arm lying over it, curved as a waist: the convex hull of the body below the armpits
joins its outline above the arm to its outline below it in a straight line, and the torso painted out to that
line stood wide and boxy once the arm moved away (TikTok character 0). The other side's outline, where the image
shows it over the same levels, gives that line its curve: how far it lies inside its own chord.

Done once per character (at rigging), never per frame.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.retarget import MH, MS, extend

SIDE_GAP = 2.0  # a level where the hull reaches this many pixels past the body's pixels hides the side there
EDGE_NEAR = 3  # a side's outline shows where the background lies within this many pixels of it
SPAN_SHOWN = 0.6  # the other side must show over this much of the hidden stretch for its curve to be copied
PEAK_WITHIN = (0.3, 0.7)  # the waist's deepest level lies within these fractions of the hidden stretch
CURVE_SMOOTH = 0.01  # the curve's depth along the spine is smoothed with a Gaussian this wide (spine lengths)


def past_the_waist(hips: np.ndarray, hull: np.ndarray, backdrop: np.ndarray, joints: np.ndarray,
                   spine: float) -> np.ndarray:
    """HxW bool: the pixels of ``hull`` (the convex hull of the body below the armpits, ``hips`` its pixels the
    image shows, ``backdrop`` the background's) beyond a side's curve where an arm hides that side: at each level
    (along the spine) the hull's reach out from the spine less the depth of the other side's outline inside the
    chord between its outline at the ends of the hidden stretch (where the background lies beside it: no arm over
    it). The mirror of that side's whole outline would often lie on the background (a hip cocked, a shoulder
    raised); its depth under its chord is the waist's shape alone, anchored where this side shows. No depth where
    the other side is hidden too (nothing to copy)."""
    ext = extend(joints)
    top = ext[MS][:2]
    down = (ext[MH][:2] - top) / max(spine, 1e-6)
    across = np.array([-down[1], down[0]])
    h, w = hips.shape
    py, px = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = px - top[0], py - top[1]
    level = np.round(dx * down[0] + dy * down[1]).astype(np.int64)
    level -= level.min()
    t = dx * across[0] + dy * across[1]
    n = int(level.max()) + 1
    reach = {s: (_reach(hips, level, s * t, n), _reach(hull, level, s * t, n)) for s in (1, -1)}
    hidden = {s: ~(reach[s][1] - reach[s][0] <= SIDE_GAP) & np.isfinite(reach[s][1]) for s in (1, -1)}
    edge = hips & cv2.dilate(backdrop.astype(np.uint8), None, iterations=EDGE_NEAR).astype(bool)
    bare = {s: _reach(edge, level, s * t, n) >= reach[s][0] - 1 for s in (1, -1)}
    out = np.zeros(hips.shape, bool)
    for s in (1, -1):
        depth = _depth(hidden[s], reach[-s][0], bare[-s])
        if not depth.any():
            continue
        depth = ndimage.gaussian_filter1d(depth, max(1.0, CURVE_SMOOTH * spine), mode="constant")
        side = np.maximum(reach[s][1] - depth, np.nan_to_num(reach[s][0], nan=-np.inf))
        out |= hull & ~hips & (s * t > np.nan_to_num(side, nan=np.inf)[level])
    return out


def _reach(mask: np.ndarray, level: np.ndarray, t: np.ndarray, n: int) -> np.ndarray:
    """n floats: per level, the farthest ``t`` of ``mask``'s pixels there (NaN where it has none)."""
    far = np.full(n, -np.inf)
    np.maximum.at(far, level[mask], t[mask])
    return np.where(np.isfinite(far), far, np.nan)


def _depth(hidden: np.ndarray, other: np.ndarray, bare: np.ndarray) -> np.ndarray:
    """Per level, how far inside the hull the side hidden at ``hidden`` levels goes: over each hidden stretch,
    how far the other side's outline (``other``, ``bare`` where the background lies beside it) lies inside the
    chord between its first and last bare levels over the same stretch (none where it bulges out, or is hidden
    itself, or where it shows over too little of the stretch to give a curve)."""
    depth = np.zeros(len(hidden))
    edges = np.diff(np.concatenate([[0], hidden.astype(np.int8), [0]]))
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        lv = np.arange(max(a - 1, 0), min(b + 1, len(hidden)))
        o, ok = other[lv], np.isfinite(other[lv]) & bare[lv]
        k = np.flatnonzero(ok)
        if len(k) < 2 or k[-1] - k[0] < SPAN_SHOWN * len(lv):
            continue
        chord = np.interp(lv, lv[[k[0], k[-1]]], o[[k[0], k[-1]]])
        under = np.where(ok, np.clip(chord - o, 0, None), 0.0)
        depth[lv] = _bump(len(lv), float(under.max()), float(np.argmax(under)) / max(len(lv) - 1, 1))
    return depth


def _bump(n: int, deep: float, at: float) -> np.ndarray:
    """n floats: a smooth bump from 0 up to ``deep`` at the fraction ``at`` of the way (kept within PEAK_WITHIN)
    and back to 0, level at both ends and at its peak (two half cosines): the side leaves the outline above the
    arm and meets it below with no corner, the other side's depth and the level of its waist kept, not the
    wobbles of its outline (a hip cocked out from the waist right below it made a sharp bite under the hem)."""
    u = np.linspace(0.0, 1.0, n)
    at = float(np.clip(at, *PEAK_WITHIN))
    rise = 0.5 - 0.5 * np.cos(np.pi * np.clip(u / at, 0, 1))
    fall = 0.5 + 0.5 * np.cos(np.pi * np.clip((u - at) / (1 - at), 0, 1))
    return deep * np.where(u <= at, rise, fall)

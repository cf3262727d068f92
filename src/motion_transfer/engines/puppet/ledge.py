"""The ledge where an arm across the chest leaves the body's outline: the arm's layer narrows into its side there.

An upper arm lying across the chest from its shoulder owns the figure's outline over the shoulder's round
(:func:`.parts.strips_beyond_arms`); below, the outline is the body's side. The labels part the two along the
straight way to the shoulder-hip quad, level with the armpit and square to the body's side: the sleeve's outline
went down the shoulder and stepped in on a ledge to the arm's own side, and once the arm hung at the side that
ledge stood as a notch in its outer edge below the shoulder (TikTok character 0's left sleeve). The arm's layer
takes the wedge of the body's side under the ledge, between it and the line leaving the last of the arm's outline
at ``LEDGE_TAPER`` to the bone, inwards: its outline narrows from the shoulder's round into its side. The body
keeps those pixels too (the layers overlap there at rest, in the image's own colours), so its side stays whole
once the arm moves away.
"""
from __future__ import annotations

import cv2
import numpy as np

from ...pose.skeleton import shoulder_span
from .model import ARM_PARTS, PARTS, part_segment, torso_quad

LEDGE_TAPER = 0.35  # (across per along the bone) how steeply the arm's outline narrows into its side under the ledge
LEDGE_SIDE = 0.05  # (shoulder widths) the arm's side is read this far and twice as far along the bone past the ledge
LEDGE_LEAST = 2.0  # (pixels) a ledge less deep than this is none


def under_ledges(labels: np.ndarray, matte: np.ndarray, joints: np.ndarray) -> dict[str, np.ndarray]:
    """Per arm layer ("arm_l", "arm_r") whose upper arm lies across the chest (its elbow inside the shoulder-hip
    quad) and ends its outline on a ledge, the HxW bool wedge of the torso's pixels under that ledge."""
    figure = (matte >= 0.5) & (labels >= 0)
    rim = figure & ~cv2.erode(figure.astype(np.uint8), None).astype(bool)
    torso = figure & (labels == PARTS.index("torso"))
    quad = np.round(torso_quad(joints[:, :2])).astype(np.float32)
    reach = LEDGE_SIDE * shoulder_span(joints[:, :2], 1.0)
    out = {}
    for side, name in (("left", "arm_l"), ("right", "arm_r")):
        part = ARM_PARTS[side][0]
        a, b = (np.asarray(p, np.float64)[:2] for p in part_segment(part, joints))
        length = float(np.linalg.norm(b - a))
        if length < 1.0 or cv2.pointPolygonTest(quad, (float(b[0]), float(b[1])), False) < 0:
            continue
        u = (b - a) / length
        ys, xs = np.nonzero(figure & (labels == PARTS.index(part)))
        on_rim = rim[ys, xs]
        if not on_rim.any():
            continue
        t = (xs - a[0]) * u[0] + (ys - a[1]) * u[1]
        s = (xs - a[0]) * -u[1] + (ys - a[1]) * u[0]
        sign = 1.0 if np.median(s[on_rim]) >= 0 else -1.0  # out from the bone, on the side of its outline
        s = s * sign
        o = np.flatnonzero(on_rim)[np.argmax(t[on_rim])]  # the last of its outline
        past = (t >= t[o] + reach) & (t <= t[o] + 2 * reach)
        if not past.any():
            continue
        depth = s[o] - s[past].max()  # how far in from there its own side runs
        if depth < LEDGE_LEAST:
            continue
        ty, tx = np.nonzero(torso)
        tt = (tx - a[0]) * u[0] + (ty - a[1]) * u[1] - t[o]  # past the last of the outline, along the bone
        ts = s[o] - ((tx - a[0]) * -u[1] + (ty - a[1]) * u[0]) * sign  # in from it, across the bone
        wedge = np.zeros(labels.shape, bool)
        take = (tt > 0) & (ts >= tt * LEDGE_TAPER) & (ts < depth)
        wedge[ty[take], tx[take]] = True
        out[name] = wedge
    return out

"""Parts drawn as ovals: an ellipse fitted to a part's outline against the backdrop, where that outline is one.

Flat art draws a stubby figure's parts as ovals (a teddy bear's body and arms, a mascot's), one over another in
the same colour: where a part lies over another, the image shows no line for its outline, and its outline
against the backdrop, round at its ends and along its free side, is all that says where it lies. Fitted to that
outline, an ellipse gives the hidden rest (:mod:`.fitted_arms`: the arm's side over the body;
:func:`.fill.fill_hidden_torso`: the body's side under the arm).
"""
from __future__ import annotations

import cv2
import numpy as np

from .morphology import disc, grown_box

# (of the part's half-width, the radius of the largest disc inside it) the opening that takes a spike of another
# part off it before the fit: the spike of the body's outline the labels gave the teddy bear's arm at its shoulder
# is half as wide as that radius
SPIKE_OPEN = 0.3
# (of that half-width) the most the outline against the backdrop may stray from the fitted ellipse on average: a
# drawn oval's pixels stray 0.01, a penguin's flipper sweeping up to its head 0.04, a robot's box arm 0.11
OVAL_FIT = 0.02
# the fewest outline pixels an ellipse is fitted to
OVAL_POINTS = 20
# the largest share of the ellipse that may lie on the background: a drawn part's oval lies inside the figure but
# for a rim a pixel or two wide (2.2 % of the teddy bear's arm's); one fitted to a short arc of outline can swell
# far past it, and would take in whatever lies inside it
OVAL_INSIDE = 0.05

Ellipse = tuple[tuple[float, float], tuple[float, float], float]


def drawn_oval(mask: np.ndarray, background: np.ndarray) -> Ellipse | None:
    """The ellipse (``cv2.fitEllipse``'s ((cx, cy), (width, height), degrees)) fitted to the outline of ``mask``
    (HxW bool) where it meets ``background`` (HxW bool), the spikes of :data:`SPIKE_OPEN` opened off first; None
    where that outline is no ellipse (:data:`OVAL_FIT`) or the ellipse reaches over the background
    (:data:`OVAL_INSIDE`)."""
    box = grown_box(mask, 1)
    if box is None:
        return None
    half = float(cv2.distanceTransform(mask[box].astype(np.uint8), cv2.DIST_L2, 5).max())
    if half < 2.0:
        return None
    r = max(1, round(SPIKE_OPEN * half))
    box = grown_box(mask, r + 2)  # (the opening's answer, on a box it cannot reach past: the same as on the image)
    opened = cv2.morphologyEx(mask[box].astype(np.uint8), cv2.MORPH_OPEN, disc(r))
    backdrop = cv2.dilate(background[box].astype(np.uint8), None).astype(bool)
    edge = opened.astype(bool) & ~cv2.erode(opened, None).astype(bool) & backdrop
    pts = (np.argwhere(edge)[:, ::-1] + [box[1].start, box[0].start]).astype(np.float32)
    if len(pts) < OVAL_POINTS:
        return None
    (cx, cy), (w, h), angle = ellipse = cv2.fitEllipse(pts)
    if min(w, h) < 2.0:
        return None
    a = np.radians(angle)
    dx, dy = pts[:, 0] - cx, pts[:, 1] - cy
    u = (dx * np.cos(a) + dy * np.sin(a)) / (w / 2)
    v = (dy * np.cos(a) - dx * np.sin(a)) / (h / 2)
    stray = np.abs(np.hypot(u, v) - 1.0) * min(w, h) / 2
    if float(stray.mean()) > OVAL_FIT * half:
        return None
    inside = ellipse_mask(mask.shape, ellipse)
    return ellipse if (inside & background).sum() <= OVAL_INSIDE * inside.sum() else None


def ellipse_mask(shape: tuple[int, int], ellipse: Ellipse) -> np.ndarray:
    """HxW bool: the pixels inside ``ellipse`` (:func:`drawn_oval`'s), its outline's pixels with them."""
    mask = np.zeros(shape, np.uint8)
    cv2.ellipse(mask, ellipse, 1, -1)
    return mask.astype(bool)

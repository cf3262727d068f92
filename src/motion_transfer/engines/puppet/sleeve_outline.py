"""The outline of a sleeve carried on past the image's border that cuts it: each side goes on from where the
sleeve's own outline meets the border, in the direction that outline has there, curving to a narrower cuff, and the
hem is rounded.

Drawn as a tube of one width along its bone (the width the border cuts it at), the carried-on sleeve of a puff
sleeve (TikTok character 5 cut at 60% of her height) started with a step where the border cuts the round of the
puff aslant, had straight sides and a square hem: a flat paper cut-out when the arms rose. The sleeve's outline is
read in the bone's frame (``t`` along it, ``s`` across it), one side at a time.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J, shoulder_span
from .model import LAYERS, PARTS
from .morphology import dilate_in_box, disc

SLEEVE_CUFF = 0.75  # a sleeve carried on past the border gathers to this share of its half-width there at its hem
SLEEVE_TURN = (-1.0, 0.25)  # its sides leave the border at most this steeply (across per along: in, out) ...
SLEEVE_BULGE = 1.1  # ... and swell to at most this many times their distance from the bone at the border
SLEEVE_DEPTH = 0.6  # the direction of a side is read from its outline this deep inside the border (half-widths)
SLEEVE_ROOM = 0.5  # (shoulder widths) room beside the image for a sleeve carried on past its bottom edge near a side
SLEEVE_ERODED = 2  # (pixels) how far inside its outline the sleeve's solid pixels, its colours are taken from, end
UNDER_GAP = 3  # (pixels) the specks of an arm between its skin's pixels under the hem this narrow (a disc's radius)
UNDER_CLOTH = 0.5  # the least share of an arm's cut that is its sleeve's cloth for the skin there to be under its hem
UNDER_HEM = 0.5  # (half-widths of a sleeve's cut) how far in from the border the skin under its hem is the sleeve's


def _side_slope(edge: np.ndarray, t: np.ndarray, s: np.ndarray, t_end: float, s_end: float) -> float:
    """How fast the outline's pixels ``edge`` of one side (``s`` > 0 on it) move away from the bone per pixel along
    it (``t``), fitted on those near where that side meets the border (at ``t_end``, ``s_end``)."""
    near = edge & (s > 0.4 * s_end) & (np.abs(s - s_end) < 0.4 * s_end + 4) & (t < t_end) & (t > t_end - 3 * s_end)
    if near.sum() < 4 or np.ptp(t[near]) < 3:
        return 0.0
    return float(np.clip(np.polyfit(t[near], s[near], 1)[0], *SLEEVE_TURN))


def carried_outline(own: np.ndarray, inside: np.ndarray, piece: np.ndarray, t: np.ndarray, s: np.ndarray,
                    t_hem: float, cuff: float = SLEEVE_CUFF,
                    gathered: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    """The outline of the sleeve ``own`` (HxW, inside the image ``inside``) carried on past the border, whose cut
    is the ``piece`` of its solid pixels along the border, to a rounded hem at ``t_hem`` along the bone; ``t`` and
    ``s`` are each pixel's coordinates along and across the bone. Each side starts at the end of the cut on its
    side, going on as the sleeve's outline goes there (a puff sleeve's round goes on round), curving to ``cuff``
    times its half-width at the border near the hem (at most ``gathered`` pixels from the bone: a puff sleeve is
    gathered round the arm at its hem, however wide its round is where the border cuts it), and closes in a
    quarter ellipse to the hem. Returns how far
    (pixels, across the bone) each pixel is inside that outline (negative: outside it), and the place across the
    cut (``s``, on its solid pixels) that lies as far across the sleeve, side to side: its colour is taken from
    there, so its light and shade across it go on as the cut shows them, however it narrows."""
    depth_in = cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 3)
    ring = own & ~cv2.erode(own.astype(np.uint8), None).astype(bool) & (depth_in > 2)
    room = np.full(t.shape, -np.inf, np.float32)
    source = np.zeros(t.shape, np.float32)
    for sign in (1.0, -1.0):
        across = sign * s
        end = int(np.argmax(np.where(piece, across, -np.inf)))
        s_end = float(across.flat[end]) + SLEEVE_ERODED
        t_end = float(t.flat[end])
        if s_end <= 0:
            continue
        band = ring & (depth_in < 2 + SLEEVE_DEPTH * s_end)
        slope = _side_slope(band, t, across, t_end, s_end)
        length = max(t_hem - t_end, 1.0)
        s_cuff = min(cuff * s_end, gathered)
        if s_cuff < cuff * s_end:  # gathered to its hem from where the border cuts it (a puff's round going on
            # out there swelled it further before it closed: a balloon)
            slope = min(slope, 0.0)
        bend = (s_cuff - s_end - slope * length) / length ** 2  # a parabola from the cut's end to the cuff
        dt = np.clip(t - t_end, 0.0, length)
        half = np.clip(s_end + slope * dt + bend * dt ** 2, 0.0, SLEEVE_BULGE * s_end)
        r = min(s_cuff, 0.5 * length)  # the hem's round
        over = np.clip((dt - (length - r)) / max(r, 1.0), 0.0, 1.0)
        half = half * np.sqrt(1.0 - over ** 2)
        side = (across >= 0) & (t <= t_hem)
        room[side] = (half - across)[side]
        inner = s_end - SLEEVE_ERODED - 1.0
        source[side] = sign * (np.clip(across / np.maximum(half, 1.0), 0.0, 1.0) * inner)[side]
    return room, source


def under_a_sleeve(cloth: np.ndarray, skin: np.ndarray, cut: np.ndarray) -> bool:
    """Whether the ``skin`` pixels of an arm where the border cuts it (``cut``, HxW) show under a sleeve that
    the border cuts too: the sleeve's ``cloth`` (not skin) makes at least UNDER_CLOTH of the arm there (TikTok
    character 5's puff sleeve, 0.82). Less, the border cuts the bare arm below a short sleeve's hem (character 1
    cut at 60% of her height, 0.08: her lit upper arms, filled with the sleeve's black, went brown)."""
    arm = (cloth | skin) & cut
    return bool(arm.any()) and (cloth & ~skin & arm).sum() >= UNDER_CLOTH * arm.sum()


def under_hem(arm: np.ndarray, skin: np.ndarray, cut: np.ndarray, inside: np.ndarray, depth: float) -> np.ndarray:
    """The pieces of an ``arm``'s ``skin`` pixels (the forearm's under its sleeve's hem, HxW) that reach the
    sleeve's ``cut`` (its pixels along the border of the image ``inside``), within ``depth`` pixels of that border,
    with the arm's specks between them (UNDER_GAP: the skin's darkest shade, no colour to tell): the sleeve carried
    on past the border goes on over them, so they take its colours (left in their own, they rose into view as a
    brown band across the sleeve's end, its side stepped along the torso: TikTok character 5 swinging her arm
    out; a speck left among them went on as a brown line along the carried-on sleeve)."""
    near = skin & (cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 3) <= depth)
    pieces, _ = ndimage.label(near, structure=np.ones((3, 3)))
    touching = np.unique(pieces[dilate_in_box(cut, None, 2)])
    found = np.isin(pieces, touching[touching > 0])
    # (closed with the rows past the border: a speck at the cut lies open to them)
    closed = cv2.morphologyEx((found | ~inside).astype(np.uint8), cv2.MORPH_CLOSE, disc(UNDER_GAP)).astype(bool)
    return found | (arm & inside & closed)


def side_room(labels: np.ndarray, matte: np.ndarray, joints: np.ndarray) -> tuple[int, int]:
    """(left, right) columns to pad beside an image whose bottom edge cuts an arm (``labels``, ``matte``: the
    image's) near a side, its wrist below the image, for the sleeve carried on past that edge to swell and swing out
    beyond the side: with no room there it was cut off along the image's side, a straight edge down the sleeve
    (character 5 cut at 60% of her height, her puff sleeves a column's width from the sides). 0 where no arm is cut
    near that side."""
    H, W = labels.shape
    room = SLEEVE_ROOM * shoulder_span(joints, 1.0)
    left = right = 0
    for name, side in (("arm_l", "left"), ("arm_r", "right")):
        xs = np.nonzero(np.isin(labels[-1], [PARTS.index(p) for p in LAYERS[name]]) & (matte[-1] >= 0.5))[0]
        if xs.size == 0 or joints[J[f"{side}_wrist"], 1] < H:
            continue
        left = max(left, int(np.ceil(room - xs.min())))
        right = max(right, int(np.ceil(room - (W - 1 - xs.max()))))
    return left, right

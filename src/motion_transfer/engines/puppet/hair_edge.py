"""The hair's soft edge lying over a sleeve's top above the shoulder is no part's: the backdrop shows there.

Where dark hair hangs over the top of a pale sleeve, its edge there is neither: strands thinning over the sleeve's
shaded top, a grey between the hair's colour and the sleeve's. Past the torso's side and above the shoulder, distance
labelling gave those pixels to the torso, and no hair rule took them (not the hair's colour, not the arm's): the
body layer kept them, and once the arm swung out they hung beside the hair as a grey hook, the sleeve's outline for
its edge (TikTok character 5's picture-right shoulder, her clip frames 136-150 and driven by clip 0 frames 8-30).
Given to the arm instead, they rode on the sleeve as a pointed grey horn (kept in their colours) or a pale one
(painted as the sleeve, :mod:`.underhair`), beside the hair even at rest. Those blends, in pieces touching the arm
that lie mostly past the line through that side's shoulder and hip, are left to no part: the hair ends where its
own colour does, the sleeve's top is the arm's own outline (completed under the hair), and the filled background
shows between them, as the wall beside the hair above.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.skeleton import J
from .fill import depth_below_shoulders, lab_distance
from .hair import HAIR_APART, arm_colour, hair_palette
from .model import PARTS
from .morphology import grown_box

BLEND_FROM = 0.2  # a blend lies at least this far along from the hair's colour to the sleeve's (nearer: the
BLEND_TO = 0.9  # ... hair's own soft edge, which stays with it) and at most this far (further: the sleeve itself)
BLEND_OFF = 10.0  # (CIE Lab, 8-bit) ... and this near the line between the two colours
PAST = 0.5  # the least share of a piece lying past the line through the shoulder and the hip, on the arm's side
PIECE = 0.05  # (shoulder widths) the least piece, as a square this wide (smaller: a speck of the outline's soft rim
# against the backdrop, whose blend of a dark colour and the arm's is no hair over a sleeve: the astronaut's suit
# beside the flag, the penguin's side against the sky)
THIN = 0.04  # (shoulder widths) the widest disc that fits in a piece is at most this in radius: an edge is a band (the
# robot boxer's silver shoulder pads, blending its dark grey into its arms' grey, are round and whole)


def hair_edge_off_sleeves(lab: np.ndarray, labc: np.ndarray, m: np.ndarray, joints: np.ndarray, axis_of: dict,
                          radii: dict, sw: float) -> np.ndarray:
    """``lab`` with the torso's pixels that blend the hair's colour farthest from an upper arm's own (its darkest,
    on a pale sleeve) into the arm's own, above the line through the shoulder joints, given to no part (-1): in
    pieces touching the arm, at least PIECE shoulder widths wide squared and no thicker than THIN, at least PAST of
    each past the line through that side's shoulder and hip (carried on up, away from the spine), the blend at least
    BLEND_FROM and at most BLEND_TO of the way from the hair's colour to the arm's and within BLEND_OFF of the line
    between them.

    ``lab``: part labels at the analysis size; ``labc``: the small image's ``parts.blurred_lab``; ``m``: the
    figure; ``joints`` at the analysis size; ``axis_of``/``radii``: each limb's distance from its bone and its
    radius; ``sw`` the shoulder width."""
    torso_i = PARTS.index("torso")
    torso = m & (lab == torso_i)
    out = lab.copy()
    if not torso.any():
        return out
    palette, _ = hair_palette(labc, m & np.isin(lab, [torso_i, PARTS.index("head")]), joints)
    ys, xs = np.mgrid[0:lab.shape[0], 0:lab.shape[1]].astype(np.float32)
    above = depth_below_shoulders(joints, lab.shape) < 0
    for side, other in (("left", "right"), ("right", "left")):
        part = f"{side[0]}_upper_arm"
        if part not in radii:
            continue
        arm, own = arm_colour(lab, labc, m, axis_of, radii, part)
        if own is None or not palette:
            continue
        hair = max(palette, key=lambda colour: lab_distance(colour, own))
        towards = own - hair
        if float(np.linalg.norm(towards)) < HAIR_APART:
            continue
        shoulder, hip = joints[J[f"{side}_shoulder"]], joints[J[f"{side}_hip"]]
        across = joints[J[f"{other}_shoulder"]] - shoulder
        down = hip - shoulder
        out_dir = np.array([down[1], -down[0]])
        if float(out_dir @ across) > 0:
            out_dir = -out_dir
        past = (xs - shoulder[0]) * out_dir[0] + (ys - shoulder[1]) * out_dir[1] > 0
        # (the torso's pixels above the shoulder only: measured over the whole picture, this was most of its time)
        candidate = torso & above
        rel = labc[candidate] - hair
        t = rel @ towards / float(towards @ towards)
        off = np.linalg.norm(rel - t[:, None] * towards, axis=1)
        blend = np.zeros_like(torso)
        blend[candidate] = (t >= BLEND_FROM) & (t <= BLEND_TO) & (off < BLEND_OFF)
        pieces, n = ndimage.label(blend, structure=np.ones((3, 3)))
        if n == 0:
            continue
        box = grown_box(blend, 1)
        ids = np.arange(1, n + 1)
        touching = np.asarray(ndimage.maximum(cv2.dilate(arm.astype(np.uint8), None) > 0, pieces, ids), bool)
        share = np.asarray(ndimage.mean(past, pieces, ids))
        size = np.asarray(ndimage.sum(blend, pieces, ids))
        thick = np.asarray(ndimage.maximum(ndimage.distance_transform_edt(blend[box]), pieces[box], ids))
        edge = touching & (share >= PAST) & (size >= (PIECE * sw) ** 2) & (thick <= THIN * sw)
        out[np.isin(pieces, ids[edge])] = -1
    return out

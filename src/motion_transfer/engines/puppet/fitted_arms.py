"""The upper arms of a figure rigged by a silhouette fit: their shoulder ends as drawn, round, over the body.

A fitted figure (a teddy bear, a mascot: :func:`...pose.figure.find_figure`'s ``"template"``) is flat art whose
thick arm lies over its body in the body's own colour: the image shows no line where the arm's end over the body
lies. Labelled by the distance to each bone's surface (:func:`.parts.label_parts`), the upper arm took a strip
of the body down to a straight cut, and a spike of the body's outline above the notch where the arm's round top
meets the body's side: posed, the arm's top stood beside the head as a spiky tuft over a scalloped flap, and its
side along the cut was ragged.

Such an arm is drawn as an oval (a stubby limb: a bear's, a toy's), and its outline against the backdrop, round
at its top and along its outer side, says which: an ellipse fitted to that outline (the spike taken off first)
gives the arm's hidden side over the body. Down to the elbow, the upper arm's pixels outside the ellipse that
touch the body (the spike, the strip past the ellipse's side) are the body's again, and the body's pixels inside
it are the arm's (towards the elbow only those nearest the arm, so that its side goes on along the forearm's). An
arm whose outline is no ellipse (a robot's box arm, a penguin's flipper sweeping up to its head) keeps its
labels.
"""
from __future__ import annotations

import cv2
import numpy as np

from .model import ARM_PARTS, PARTS, part_segment
from .morphology import grown_box
from .ovals import drawn_oval, ellipse_mask

# (of the upper arm's bone, from the shoulder) how far down the arm the ellipse's side is the arm's whole: from there
# it narrows to the labels' cut, which goes on along the forearm (taken whole down to the elbow, the arm stood
# wider there than round its joint, and folded its outside bulged past the round elbow: 2.7 % of the pixels near
# it; stopped halfway without narrowing, its side stepped in from the oval's to the cut: a notch once it swung)
SHOULDER_END = 0.5
# (of that bone) where the arm's side has narrowed to the labels' cut
CUT_FROM = 0.8


def upper_arms_as_drawn(labels: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """``labels`` (HxW part indices, -1 background) with each upper arm that lies on the torso and is drawn as an
    oval (:func:`.ovals.drawn_oval`) made that oval at its shoulder's end (:data:`SHOULDER_END`): the torso's
    pixels inside it are the arm's (and on towards the elbow those nearest the arm, fewer and fewer down to
    :data:`CUT_FROM`); its pixels outside it down to the elbow, in pieces that touch the torso, are the torso's.
    ``joints`` [33+, 2] image pixels."""
    out = labels.copy()
    torso_idx = PARTS.index("torso")
    torso = labels == torso_idx
    beside = cv2.dilate(torso.astype(np.uint8), None).astype(bool)
    for parts in ARM_PARTS.values():
        idx = PARTS.index(parts[0])
        upper = labels == idx
        if not (upper & beside).any():
            continue
        ellipse = drawn_oval(upper, labels < 0)
        if ellipse is None:
            continue
        start, end = (np.asarray(p, np.float64)[:2] for p in part_segment(parts[0], joints))
        bone = end - start
        length2 = float(bone @ bone)
        if length2 < 1.0:
            continue
        oval = ellipse_mask(labels.shape, ellipse)
        # (worked out on the box of the arm and its oval, the arm's width round them: the nearest arm pixel to any
        # of the torso's inside the oval lies in it)
        box = grown_box(upper | oval, int(np.ceil(min(ellipse[1]))))
        ys, xs = np.mgrid[box]
        along = ((xs - start[0]) * bone[0] + (ys - start[1]) * bone[1]) / length2
        oval_b, torso_b, mine = oval[box], torso[box], out[box]
        off = (upper[box] & ~oval_b & (along <= 1.0)).astype(np.uint8)
        _, pieces = cv2.connectedComponents(off, connectivity=8)
        touching = np.unique(pieces[beside[box] & (off > 0)])
        mine[np.isin(pieces, touching[touching > 0])] = torso_idx
        # the torso's pixels inside the oval, all of them at the shoulder's end, fewer and fewer (the nearest the
        # arm) down to none at CUT_FROM: the side goes on along the labels' cut there without a step
        gap = cv2.distanceTransform((~np.isin(labels[box], [PARTS.index(p) for p in parts])).astype(np.uint8),
                                    cv2.DIST_L2, 3)
        gained = torso_b & oval_b & (along <= 1.0)
        if gained.any():
            reach = float(gap[gained].max()) * np.clip((CUT_FROM - along) / (CUT_FROM - SHOULDER_END), 0.0, 1.0)
            mine[gained & (gap <= reach)] = idx
    return out

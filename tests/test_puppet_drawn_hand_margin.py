"""A hand the rig draws over its own stump (the image's border cuts it just past the wrist): the transparent margin
of its reach lies partly inside the picture, and with the forearm folded up beside the upper arm that margin must
not hide the upper arm (TikTok character 2 in her own clip, frames 116-130: a patch of the wall on her arm)."""
from __future__ import annotations

import numpy as np

from close_up_scene import close_up, seg_dist
from conftest import layered_rig
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.engines.puppet.render import Renderer
from motion_transfer.pose.skeleton import J

SIZE = 400
SKIN, CLOTH = np.array([225, 180, 160]), np.array([40, 60, 120])
BACKDROP = (255, 0, 255)


def _rig_with_a_cut_hand():
    """A close-up (no padding) whose arms hang by its sides, the left hand cut by the bottom edge 15 px past the
    wrist: the rig draws it whole over its stump."""
    image, labels, j, (py, px, inside) = close_up((SIZE, SIZE, SIZE), CLOTH, SKIN, (330, 290), (340, 385),
                                                  (70, 290), (60, 330))
    for side in ("left", "right"):
        sh, el, wr = (j[J[f"{side}_{k}"]] for k in ("shoulder", "elbow", "wrist"))
        for k in ("index", "pinky", "thumb"):
            j[J[f"{side}_{k}"]] = np.add(wr, (0, 30))
        s = side[0]
        upper = seg_dist(px, py, sh, el) < 16
        fore = (seg_dist(px, py, el, wr) < 14) & ~upper
        hand = (seg_dist(px, py, wr, np.add(wr, (0, 30))) < 16) & ~fore & ~upper
        for part, where in (("upper_arm", upper), ("lower_arm", fore), ("hand", hand)):
            image[where], labels[where] = SKIN, PARTS.index(f"{s}_{part}")
    matte = (labels >= 0).astype(np.float32)
    return layered_rig(image, matte, j, labels), j


def test_a_drawn_hands_margin_inside_the_picture_is_looked_through_like_the_one_past_the_border():
    """The hand's reach inside the picture (a band of its mesh between the wrist and the border, mostly clear) is
    the drawn hand's too: where it lies over the arm's own upper arm, the renderer draws the upper arm through its
    clear texels (on main only the triangles past the border were: in clip 2 the band alone lay over the upper
    arm, and the wall showed through it)."""
    rig, _ = _rig_with_a_cut_hand()
    assert rig.drawn_hands["left"].over_image
    layer = next(layer for layer in rig.layers if layer.name == "arm_l")
    c = layer.vertices[layer.triangles].mean(axis=1)
    texel = np.round(c - np.asarray(layer.origin)).astype(int)
    clear = layer.texture[texel[:, 1], texel[:, 0], 3] == 0
    wrist = rig.drawn_hands["left"].joints[0]  # (its forearm hangs straight down: the hand's reach lies below it)
    off = np.hypot(*(c - wrist).T)
    band = clear & (c[:, 1] < SIZE) & (c[:, 1] > wrist[1] - 5) & (off > 20) & (off < rig.drawn_hands["left"].length)
    assert band.sum() >= 10, band.sum()  # the clear margin inside the picture, beside the wrist
    looked_through = Renderer(rig, SIZE, SIZE)._drawn["arm_l"]
    assert looked_through[band].all(), (~looked_through[band]).sum()


def test_a_drawn_hands_margin_inside_the_picture_does_not_hide_its_upper_arm():
    """Drawn with the forearm raised beside the upper arm, the hand nearer the camera, the margin's band lies over
    the upper arm: the upper arm shows whole there, no backdrop through it."""
    rig, j = _rig_with_a_cut_hand()
    assert "left" in rig.drawn_hands and rig.drawn_hands["left"].over_image
    joints = np.asarray(rig.joints, np.float64).copy()
    shoulder, elbow = joints[J["left_shoulder"]], joints[J["left_elbow"]]
    # the forearm raised up and out beside the upper arm: the hand's reach lies over the upper arm's outside
    wrist = elbow + 80.0 * np.array([0.2, -0.98])
    joints[J["left_wrist"]] = wrist
    for k in ("index", "pinky", "thumb"):
        joints[J[f"left_{k}"]] = wrist + 30.0 * np.array([0.2, -0.98])
    # the hand nearer the camera than the upper arm (as the actor's, raised in front of her side)
    depth = np.zeros(36)
    depth[[J[f"left_{k}"] for k in ("wrist", "index", "pinky", "thumb")]] = -0.3
    canvas = np.full((SIZE, SIZE, 3), BACKDROP, np.uint8)
    out = Renderer(rig, SIZE, SIZE).render(canvas, joints.astype(np.float32), depth, 1.0, 0.0)
    py, px = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    # the upper arm's core, from below the shoulder to halfway down (where the margin lies; the elbow bent this
    # far pinches on its own)
    core = seg_dist(px, py, shoulder + 0.15 * (elbow - shoulder), shoulder + 0.6 * (elbow - shoulder)) < 8
    seen = np.abs(out[core].astype(int) - BACKDROP).max(axis=1) < 60
    assert seen.sum() == 0, seen.sum()

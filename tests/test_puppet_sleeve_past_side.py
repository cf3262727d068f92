"""A sleeve of the top's colour hanging over the body's side keeps none of itself on the body past the line through
the shoulder and the hip: a close-up cut at the chest (TikTok character 5), a white top, white puff sleeves over its
sides, their inner side in shade, and dark hair hanging from the head over the top's edge right up to the left
sleeve. The body layer took the sleeve's shaded inner side between the hair and the arm for the top under it (it
looks like the top, and touches the top below the hair) and kept it as it is: once the arm swung out, it stood
beside the hair as a torn, pale flap (clip 5, frames 138-150). The body layer is what stays when the arm moves.

Drawn here with its labels, so the parts are known."""
from __future__ import annotations

import numpy as np

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from torso_scene import (CLOSE_UP, CLOSE_UP_H, CLOSE_UP_PAD, CLOSE_UP_SLEEVE, CLOSE_UP_W, close_up_canvas,
                         close_up_joints, photographed)

W, H, PAD = CLOSE_UP_W, CLOSE_UP_H, CLOSE_UP_PAD
SHADE, HAIR = (200, 200, 208), (28, 24, 26)
# the hips far below the image's bottom edge, as the pose model guesses them for a close-up
JOINTS = {**CLOSE_UP, "right_elbow": (15, 330), "right_wrist": (5, 400), "left_elbow": (260, 330),
          "left_wrist": (265, 400), "left_hip": (190, 380), "right_hip": (110, 380)}
HAIR_END = 205  # the row the hair ends at, above the armpits (0.35 of the way from the shoulders to the hips)


def _close_up(past_line: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints) padded below the image as the rig pads them: the left sleeve's inner edge ``past_line``
    pixels out from the line through the left shoulder and hip, the hair (the torso's, as the labels give hair over
    the top) down to HAIR_END right beside it, the top seen below the hair."""
    image, labels, yy, xx = close_up_canvas(np.float32)
    (sx, sy), (hx, hy) = JOINTS["left_shoulder"], JOINTS["left_hip"]
    edge = sx + (hx - sx) * (yy - sy) / (hy - sy) + past_line
    for side, inner, outer in (("r", xx >= 90, (xx >= 30) & (xx < 100)),
                               ("l", xx < edge + 10, (xx >= edge) & (xx < 270))):
        sleeve = (yy >= 100) & (yy < H) & outer
        image[sleeve], labels[sleeve] = CLOSE_UP_SLEEVE, PARTS.index(f"{side}_upper_arm")
        image[sleeve & inner] = SHADE
    hair = (yy >= 70) & (yy < HAIR_END) & (xx >= edge - 22) & (xx < edge)
    image[hair], labels[hair] = HAIR, PARTS.index("torso")
    joints, _ = close_up_joints(JOINTS)
    return photographed(image, 3.0), labels, joints.astype(np.float64)


def test_the_body_keeps_no_strip_of_a_hanging_sleeve_beside_the_hair():
    for past_line in (1.0, 3.0):
        image, labels, joints = _close_up(past_line)
        _, body = fill_hidden_torso(image, labels, joints, bottom=H, waist_shown=False)
        beside_hair = (labels == PARTS.index("l_upper_arm")) & (np.arange(H + PAD) < HAIR_END)[:, None]
        assert not (body & beside_hair).any(), past_line

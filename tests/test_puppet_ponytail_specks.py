"""A ponytail hanging from the back of the head over the shoulder (TikTok character 1): the piece of the figure
beyond every part's usual width goes to the head whole (:func:`.extras.attach_extras`), grown by its colours into
the hair lying nearer the body. Strands in the hair's shade, off those colours, were left to the torso it lay over:
specks of the torso inside the ponytail, that stayed behind with the torso when the head moved, painted in with
the shirt's colours beside the arm (a row of dark dots across her ponytail by the shoulder)."""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from motion_transfer.engines.puppet.extras import attach_extras
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.skeleton import J

H = W = 200
WALL, SHIRT, SKIN = (200, 170, 230), (30, 25, 28), (225, 170, 135)
BLOND, SHADE = (190, 150, 90), (70, 45, 30)  # the hair and its strands in shade
HEAD, TORSO = PARTS.index("head"), PARTS.index("torso")


def _ponytail():
    """(labels, nearest, figure, image, strands): a head, a torso in a shirt wider than its usual width, and a
    ponytail from the back of the head down beside the torso, all labelled the torso but the head; dark strands
    lie in the ponytail where it is near the head (within FAR of its usual width)."""
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    head = np.hypot(px - 110, py - 45) < 25
    usual = (px >= 85) & (px < 155) & (py >= 75)  # the torso's usual width; its shirt goes on 12 px either side
    torso = (px >= 73) & (px < 167) & (py >= 75)
    tail = (((px - 60) / 16) ** 2 + ((py - 90) / 50) ** 2 < 1) | ((px >= 60) & (px < 90) & (py >= 45) & (py < 70))
    figure = head | torso | tail
    nearest = np.where(head | usual, -5.0, ndimage.distance_transform_edt(~(head | usual))).astype(np.float32)
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    image[torso] = SHIRT
    image[tail & ~torso] = BLOND
    image[head] = SKIN
    strands = np.zeros((H, W), bool)
    for x, y in ((80, 60), (84, 65), (79, 52)):
        strands |= (np.abs(px - x) <= 1) & (np.abs(py - y) <= 1)
    strands &= tail & ~torso & (nearest > 0) & (nearest < 12)
    image[strands] = SHADE
    labels = np.where(head, HEAD, np.where(figure, TORSO, -1)).astype(np.int16)
    return labels, nearest, figure, image, strands


def test_strands_in_shade_inside_a_ponytail_go_to_the_head_with_it():
    """Every pixel of the ponytail beside the torso (off the shirt) is the head's, the dark strands inside it too;
    the shirt stays the torso's. On main the strands stayed the torso's, specks in the head's hair."""
    labels, nearest, figure, image, strands = _ponytail()
    assert strands.sum() >= 20, int(strands.sum())
    joints = np.zeros((33, 2))
    joints[J["right_shoulder"]], joints[J["left_shoulder"]] = (95, 80), (145, 80)
    joints[J["right_hip"]], joints[J["left_hip"]] = (100, 190), (140, 190)
    out = attach_extras(labels, nearest, figure, 100.0, image, joints=joints)
    hair = figure & (image == BLOND).all(axis=-1)
    assert (out[hair] == HEAD).mean() > 0.95, "the ponytail was not given to the head: the scene tests nothing"
    assert (out[strands] == HEAD).all(), f"{int((out[strands] != HEAD).sum())} px of strands left to the torso"
    assert (out[(image == SHIRT).all(axis=-1)] == TORSO).all()

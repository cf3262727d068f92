"""A silver dress whose shaded sides are as near the chest's bare skin as that skin's shade, bare arms in shade
hanging against its sides: once painted, the dress's side where an arm lay is the dress in shade, not the arm's
skin (TikTok character 2: one of the torso's colours held both the chest's skin and the dress's shaded side, the
bare arm counted as a sleeve of it, and its skin was kept as a strip down the dress's side)."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.skeleton import J
from torso_scene import BODY, H, W, cie_lab, photographed, torso

# (OpenCV's 8-bit Lab) the dress lit and in shade, the chest's skin, the arms' skin in shade, the wall
DRESS, DRESS_SHADE, CHEST = (215, 131, 137), (177, 133, 132), (185, 139, 143)
ARM, WALL = (155, 137, 143), (100, 138, 100)
ELBOWS, WRISTS = ((222, 200), (98, 200)), ((225, 290), (95, 290))  # (left, right): along the dress's sides
NECKLINE = 115  # the dress's top edge (row): bare skin above it
ARM_WIDTH = 26


def _rgb(lab: tuple[int, int, int]) -> np.ndarray:
    return cv2.cvtColor(np.uint8([[lab]]), cv2.COLOR_LAB2RGB)[0, 0].astype(np.float32)


def _character() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, the arms' mask): a front-facing torso in a dress lit in the middle and shaded
    towards its sides, bare skin above its neckline, both arms hanging against its sides."""
    joints, image, body = torso(ELBOWS[1], WRISTS[1], 0)
    joints[J["left_elbow"]], joints[J["left_wrist"]] = ELBOWS[0], WRISTS[0]
    image[:] = _rgb(WALL)
    x0, y0, x1, y1 = BODY
    px = np.mgrid[0:H, 0:W][1].astype(np.float32)
    side = np.clip((np.minimum(px - x0, x1 - px) - 15) / 30.0, 0.0, 1.0)[..., None]  # shade along the sides, lit inside
    dress = side * _rgb(DRESS) + (1 - side) * _rgb(DRESS_SHADE)
    image[body] = dress[body]
    chest = body & (np.mgrid[0:H, 0:W][0] < NECKLINE)
    image[chest] = _rgb(CHEST)
    arms = np.zeros((H, W), np.int16)
    labels = np.full((H, W), -1, np.int16)
    labels[body] = PARTS.index("torso")
    for side_name, prefix in (("left", "l"), ("right", "r")):
        for part, a, b in (("upper_arm", "shoulder", "elbow"), ("lower_arm", "elbow", "wrist")):
            m = np.zeros((H, W), np.uint8)
            start = tuple(int(v) for v in joints[J[f"{side_name}_{a}"]])
            end = tuple(int(v) for v in joints[J[f"{side_name}_{b}"]])
            cv2.line(m, start, end, 1, ARM_WIDTH)
            labels[(m > 0) & (labels != PARTS.index(f"{prefix}_upper_arm"))] = PARTS.index(f"{prefix}_{part}")
            arms |= m
    image[arms > 0] = _rgb(ARM)
    return photographed(image, 1.5), labels, joints, arms > 0


def test_the_dress_side_where_a_bare_arm_lay_is_the_dress_not_skin():
    """The hidden pixels of the dress's rows (below the neckline) where the arms lay: within 4 of CIE Lab's hue
    and saturation (a, b) of the dress's shaded side on average, and hardly any (2%) nearer the arm's skin's hue
    than the dress's (kept as a sleeve of the dress, 21% of them were the arm's skin)."""
    image, labels, joints, arms = _character()
    out, hidden = fill_hidden_torso(image, labels, joints)
    rows = np.mgrid[0:H, 0:W][0]
    under = hidden & arms & (rows > NECKLINE + 15) & (rows < BODY[3] - 15)
    assert under.sum() > 500, "the arms hide none of the dress"
    after = cie_lab(out)[under][:, 1:]
    shade = cie_lab(np.uint8([[_rgb(DRESS_SHADE)]]))[0, 0, 1:]
    skin = cie_lab(np.uint8([[_rgb(ARM)]]))[0, 0, 1:]
    off = float(np.linalg.norm(after.mean(axis=0) - shade))
    assert off < 4, f"the dress where the arms lay is {off:.1f} off the dress's shaded side's hue"
    skinned = float((np.linalg.norm(after - skin, axis=1) < np.linalg.norm(after - shade, axis=1)).mean())
    assert skinned < 0.02, f"{100 * skinned:.0f}% of the dress where the arms lay has the arm's skin's hue"

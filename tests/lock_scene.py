"""A drawn girl with a lock of hair hanging from her head beside her neck, labelled as the parts step labels her:
the scene the tests of what hangs from the head (test_puppet_neck) and of locks lying on the clothes
(test_puppet_locks) draw on, each with its own colours, shirt and lock."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.model import PARTS, Rig
from motion_transfer.pose.retarget import FACE
from motion_transfer.pose.skeleton import J
from conftest import layered_rig

H, W = 400, 400


def figure_joints(shoulder_half: float) -> np.ndarray:
    """A front-facing figure: the head about (200, 105), its chin (mouth + half the eyes-to-mouth) at y 140, the
    shoulders at y 200 ``shoulder_half`` either side of x 200, arms hanging, the legs below the picture."""
    joints = np.zeros((33, 2))
    joints[list(FACE)] = (200, 100)
    joints[J["nose"]] = (200, 110)
    joints[J["left_eye"]], joints[J["right_eye"]] = (212, 95), (188, 95)
    joints[J["mouth_left"]], joints[J["mouth_right"]] = (208, 125), (192, 125)
    joints[J["left_ear"]], joints[J["right_ear"]] = (235, 100), (165, 100)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (200 + shoulder_half, 200), (200 - shoulder_half, 200)
    joints[J["left_hip"]], joints[J["right_hip"]] = (245, 390), (155, 390)
    for side, x, dx in (("left", 215 + shoulder_half, 1), ("right", 185 - shoulder_half, -1)):
        joints[J[f"{side}_elbow"]], joints[J[f"{side}_wrist"]] = (x + 5 * dx, 290), (x + 8 * dx, 370)
        for k in ("index", "pinky", "thumb"):
            joints[J[f"{side}_{k}"]] = (x + 8 * dx, 390)
        joints[J[f"{side}_knee"]], joints[J[f"{side}_ankle"]] = (x - 30 * dx, 520), (x - 30 * dx, 650)
        joints[J[f"{side}_heel"]], joints[J[f"{side}_foot_index"]] = (x - 30 * dx, 660), (x - 30 * dx, 670)
    return joints


def girl_with_lock(colours: tuple[tuple, tuple, tuple, tuple], lock_corners: np.ndarray, torso: np.ndarray,
                   neck_to: int, shoulder_half: float, shade: tuple[np.ndarray, tuple] | None = None,
                   edge_alpha: float = 1.0) -> Rig:
    """The rigged girl (layers built): ``colours`` (wall, skin, hair, shirt), the lock's ``lock_corners`` (a convex
    polygon) beside her neck (its top joined to the hair over her head), her shirt the polygon ``torso``, her neck
    bare down to row ``neck_to``, and where ``shade`` (a polygon, a colour) lies over the lock, the lock in that
    colour (its side by the neck in shadow); labelled as the parts step gives them: the head, its hair (the lock
    whole) and the neck's upper part the head's, the rest the torso's. ``edge_alpha``: the matte along the lock's
    outline (its outer two pixels) where it lies over the wall (strands the wall shows through)."""
    wall, skin, hair, shirt = colours
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = wall
    head, body, lock = (np.zeros((H, W), np.uint8) for _ in range(3))
    cv2.ellipse(head, (200, 105), (38, 45), 0, 0, 360, 1, -1)
    cv2.rectangle(head, (185, 140), (215, 175), 1, -1)
    cv2.fillConvexPoly(body, torso.astype(np.int32), 1)
    cv2.rectangle(body, (185, 176), (215, 190), 1, -1)
    cv2.fillConvexPoly(lock, lock_corners, 1)
    cv2.ellipse(lock, (200, 95), (42, 42), 0, 180, 360, 1, -1)
    image[head > 0] = skin
    image[body > 0] = shirt
    image[(body > 0) & (np.arange(H)[:, None] < neck_to)] = skin  # the neck's lower part, bare
    image[lock > 0] = hair
    if shade is not None:
        shaded = cv2.fillConvexPoly(np.zeros((H, W), np.uint8), shade[0].astype(np.int32), 1)
        image[(shaded > 0) & (lock > 0)] = shade[1]
    labels = np.full((H, W), -1, np.int16)
    labels[body > 0] = PARTS.index("torso")
    labels[(head > 0) | (lock > 0)] = PARTS.index("head")
    matte = ((head | body | lock) > 0).astype(np.float32)
    matte[(lock > 0) & (cv2.erode(lock, None, iterations=2) == 0) & (head == 0) & (body == 0)] = edge_alpha
    image = cv2.GaussianBlur(image, (0, 0), 0.7)
    rig = layered_rig(image, matte, figure_joints(shoulder_half), labels)
    return rig

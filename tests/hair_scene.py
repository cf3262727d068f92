"""A generated girl whose long dark hair falls over her left shoulder and down along her sleeve (tests of the
hair over an arm)."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.pose.skeleton import J

SKIN, HAIR, TOP, WALL = (225, 180, 150), (30, 24, 22), (238, 236, 232), (150, 170, 190)
H, W = 400, 400


def girl_joints(right: tuple[tuple[int, int], tuple[int, int]],
                left: tuple[tuple[int, int], tuple[int, int]]) -> np.ndarray:
    """[33, 2] the girl's joints: head, shoulders and hips where these scenes draw them, the legs below the
    picture, each arm's (elbow, wrist) as given (``right`` the image's left), its fingers a fifth of the forearm
    on past the wrist."""
    joints = np.zeros((33, 2))
    joints[:11] = (200, 95)
    joints[J["nose"]] = (200, 100)
    joints[J["left_ear"]], joints[J["right_ear"]] = (230, 90), (170, 90)
    joints[J["left_shoulder"]], joints[J["right_shoulder"]] = (260, 170), (140, 170)
    joints[J["left_hip"]], joints[J["right_hip"]] = (250, 360), (150, 360)
    for side, x in (("left", 245), ("right", 155)):  # the legs below the picture
        joints[J[f"{side}_knee"]], joints[J[f"{side}_ankle"]] = (x, 500), (x, 640)
        joints[J[f"{side}_heel"]], joints[J[f"{side}_foot_index"]] = (x, 650), (x, 660)
    for side, (elbow, wrist) in (("right", right), ("left", left)):
        joints[J[f"{side}_elbow"]], joints[J[f"{side}_wrist"]] = elbow, wrist
        for k in ("index", "pinky", "thumb"):
            joints[J[f"{side}_{k}"]] = np.asarray(wrist) + (np.asarray(wrist) - np.asarray(elbow)) * 0.2
    return joints


def hair_figure(elbow: tuple[int, int],
                wrist: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, hair): a girl in a white top, her left arm (image right) in a white sleeve from
    the shoulder to ``elbow`` and bare to ``wrist``, her long dark hair falling from her head down over that
    shoulder and past it, on a grey-blue wall; ``hair`` the hair's pixels below the shoulders, less the rim its
    blur mixes with what lies beside it."""
    joints = girl_joints(((120, 260), (115, 340)), (elbow, wrist))
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    figure = np.zeros((H, W), np.uint8)
    torso = np.array([(140, 160), (260, 160), (250, 400), (150, 400)], np.int32)
    for mask in (image, figure):
        colour = TOP if mask is image else 1
        cv2.fillConvexPoly(mask, torso, colour)
        cv2.line(mask, (140, 170), (120, 260), colour, 40)
        cv2.line(mask, (120, 260), (115, 340), SKIN if mask is image else 1, 28)
        cv2.line(mask, (260, 170), elbow, colour, 40)
        cv2.line(mask, elbow, wrist, SKIN if mask is image else 1, 28)
        cv2.ellipse(mask, (200, 95), (40, 52), 0, 0, 360, SKIN if mask is image else 1, -1)
    # the hair: over the crown and down both sides of the face, on the left over the shoulder and past it
    hair = np.zeros((H, W), np.uint8)
    cv2.ellipse(hair, (200, 80), (48, 45), 0, 180, 360, 1, -1)
    cv2.fillPoly(hair, [np.array([(152, 80), (168, 80), (160, 200), (146, 200)], np.int32)], 1)
    cv2.fillPoly(hair, [np.array([(232, 80), (248, 80), (284, 250), (256, 250)], np.int32)], 1)
    image[hair > 0] = HAIR
    figure |= hair
    image = cv2.GaussianBlur(image, (0, 0), 1.0)
    image = np.clip(image + np.random.default_rng(5).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    below = np.zeros((H, W), bool)
    below[180:] = True
    return image, figure.astype(np.float32), joints, (cv2.erode(hair, None, iterations=2) > 0) & below

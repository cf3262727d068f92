"""A drawn front-facing torso for the fill's tests: one forearm lying across it, and the colour measure they judge
the painted torso with."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.retarget import FACE
from motion_transfer.pose.skeleton import J

H, W = 400, 320
BODY = (95, 90, 225, 340)  # x0, y0, x1, y1 of the torso's box
# a close-up's head, shoulders and left arm on a 300 x 300 image (its right arm and hips are each test's own)
CLOSE_UP = {"nose": (150, 58), "left_eye": (160, 48), "right_eye": (140, 48), "left_ear": (175, 53),
            "right_ear": (125, 53), "mouth_left": (155, 68), "mouth_right": (145, 68), "left_eye_inner": (157, 48),
            "left_eye_outer": (163, 48), "right_eye_inner": (143, 48), "right_eye_outer": (137, 48),
            "left_shoulder": (215, 118), "right_shoulder": (85, 118), "left_elbow": (240, 290),
            "left_wrist": (245, 400)}
# the close-up's image size, the rows the rig pads below its bottom edge, and its white puff sleeves, the bare
# skin and the pale wall behind (TikTok character 5)
CLOSE_UP_W, CLOSE_UP_H, CLOSE_UP_PAD = 300, 300, 120
CLOSE_UP_SLEEVE, CLOSE_UP_SKIN, CLOSE_UP_WALL = (226, 226, 232), (196, 150, 122), (225, 222, 218)
CLOSE_UP_TOP = (215, 215, 222)  # the white top under the sleeves


def torso(elbow: tuple[int, int], wrist: tuple[int, int], backdrop: int) -> tuple[np.ndarray, np.ndarray,
                                                                                    np.ndarray]:
    """(joints [33, 2], image [H, W, 3] float32 of the backdrop's grey, the torso's box as a mask): a body whose
    right forearm runs from ``elbow`` to ``wrist``, the left arm hanging at its side."""
    joints = np.zeros((33, 2))
    joints[list(FACE)] = (160, 50)
    joints[J["right_shoulder"]], joints[J["left_shoulder"]] = (100, 100), (220, 100)
    joints[J["right_hip"]], joints[J["left_hip"]] = (115, 320), (205, 320)
    joints[J["right_elbow"]], joints[J["right_wrist"]] = elbow, wrist
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (240, 200), (245, 290)
    image = np.full((H, W, 3), backdrop, np.float32)
    body = np.zeros((H, W), bool)
    x0, y0, x1, y1 = BODY
    body[y0:y1 + 1, x0:x1 + 1] = True
    return joints, image, body


def photographed(image: np.ndarray, noise: float, blur: float = 0.7) -> np.ndarray:
    """A drawn float image as a camera gives it: with its (seeded) noise and softness, as uint8 (a fill judged on
    flat drawn colours would never meet the grain and blended edges of a photograph)."""
    image = image + np.random.default_rng(0).normal(0, noise, image.shape)
    image = cv2.GaussianBlur(np.clip(image, 0, 255), (0, 0), blur)
    return np.clip(image + 0.5, 0, 255).astype(np.uint8)


def cie_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab in its own units (L 0..100), not OpenCV's 8-bit scale."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    return np.dstack([lab[..., 0] * 100 / 255, lab[..., 1] - 128, lab[..., 2] - 128])


def close_up_joints(named: dict[str, tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(joints [33, 2], visibility [33]) of a close-up cut at the chest: the ``named`` joints where given, the
    hands' points beside their wrists, the legs far below the image; the wrists, hands, hips and legs guessed
    (visibility 0.3) as a pose model guesses what the image does not show."""
    joints = np.zeros((33, 2), np.float32)
    for name, at in named.items():
        joints[J[name]] = at
    for side in ("left", "right"):
        wrist = named[f"{side}_wrist"]
        for k, dx in (("index", 2), ("pinky", -2), ("thumb", 5)):
            joints[J[f"{side}_{k}"]] = (wrist[0] + dx, wrist[1] + 20)
        for k, dx in (("knee", 0), ("ankle", 0), ("heel", 0), ("foot_index", 5)):
            joints[J[f"{side}_{k}"]] = named[f"{side}_hip"][0] + dx, 550 + 100 * (k != "knee")
    vis = np.ones(33, np.float32)
    vis[[J[f"{s}_{k}"] for s in ("left", "right") for k in ("wrist", "index", "pinky", "thumb", "hip", "knee",
                                                            "ankle", "heel", "foot_index")]] = 0.3
    return joints, vis


def standing_joints(named: dict[str, tuple[int, int]], legs_x: tuple[int, int], knee_y: int) -> np.ndarray:
    """[33, 2] joints of a figure facing the camera, head points at ``named["head"]``: the ``named`` shoulders,
    hips, elbows and wrists, the legs straight down from ``legs_x`` (left, right) with knees at ``knee_y`` (below
    the picture when it is cut at the waist), each hand's points 20 px below its wrist."""
    joints = np.zeros((33, 2))
    joints[:11] = named["head"]
    for name, at in named.items():
        if name != "head":
            joints[J[name]] = at
    for side, x in zip(("left", "right"), legs_x):
        joints[J[f"{side}_knee"]], joints[J[f"{side}_ankle"]] = (x, knee_y), (x, knee_y + 140)
        joints[J[f"{side}_heel"]], joints[J[f"{side}_foot_index"]] = (x, knee_y + 150), (x, knee_y + 160)
        for k in ("index", "pinky", "thumb"):
            joints[J[f"{side}_{k}"]] = joints[J[f"{side}_wrist"]] + (0, 20)
    return joints


def arm_against_side(h: int, w: int, side: int, elbow: tuple[int, int] = (276, 285),
                     wrist: tuple[int, int] = (280, 390)) -> tuple[np.ndarray, np.ndarray]:
    """(body, arm) HxW bool: a figure's head and body (its side at column ``side``, image right) and its left arm
    (image right) hanging against that side from a shoulder at (266, 170) through ``elbow`` to ``wrist``; its right
    arm (image left) is drawn into the body. The joints that go with it: shoulders (266/134, 170), elbows
    (``elbow``/(104, 285)), wrists (``wrist``/(96, 390)), head (200, 95)."""
    body, arm = np.zeros((h, w), np.uint8), np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(body, np.array([(142, 160), (side, 160), (side, h), (142, h)], np.int32), 1)
    cv2.ellipse(body, (200, 95), (40, 52), 0, 0, 360, 1, -1)
    cv2.line(arm, (266, 172), elbow, 1, 28)
    cv2.line(arm, elbow, wrist, 1, 24)
    cv2.line(body, (104, 285), (134, 172), 1, 28)
    cv2.line(body, (96, 390), (104, 285), 1, 24)
    return body.astype(bool) & ~arm.astype(bool), arm.astype(bool)


def close_up_canvas(dtype: type) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, yy, xx) of the close-up padded below its bottom edge as the rig pads it: the wall, the white
    top (the torso) down to the bottom edge and the head, labelled; the sleeves, arms and hair are each test's own."""
    image = np.zeros((CLOSE_UP_H + CLOSE_UP_PAD, CLOSE_UP_W, 3), dtype)
    image[:] = CLOSE_UP_WALL
    labels = np.full(image.shape[:2], -1, np.int16)
    yy, xx = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    torso = (yy >= 105) & (yy < CLOSE_UP_H) & (np.abs(xx - 150) <= 55)
    image[torso], labels[torso] = CLOSE_UP_TOP, PARTS.index("torso")
    head = (xx - 150) ** 2 + (yy - 55) ** 2 <= 32 ** 2
    image[head], labels[head] = CLOSE_UP_SKIN, PARTS.index("head")
    return image, labels, yy, xx

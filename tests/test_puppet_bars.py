"""A thin straight bar of the backdrop (a chair's) along the figure's outline is no part of the figure."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.pose.skeleton import J

H, W = 320, 240
WALL, TOP, TROUSERS, BAR = (104, 104, 108), (30, 28, 34), (186, 182, 184), (204, 206, 212)


def _before_a_chair() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, joints, visibility, person mask, figure, bar): a figure in a black top and white trousers before
    a grey wall, and a chair's white bar, 4 pixels wide, standing against her trousers' picture-left side down to
    the bottom edge; above the trousers a strip of wall parts it from her top (TikTok character 0). The person
    mask, blurred as MediaPipe's, holds the bar: beside the trousers it is their colour, nearly."""
    rng = np.random.default_rng(0)
    image = np.empty((H, W, 3), np.float64)
    image[:] = WALL  # a room: the wall, a window, a door
    image[20:140, 190:235] = (232, 240, 246)
    image[:, :24] = (120, 84, 52)
    figure = np.zeros((H, W), np.uint8)
    cv2.circle(figure, (116, 55), 28, 1, -1)  # the head
    figure[88:200, 80:172] = 1  # the top, with the arms down its sides
    figure[200:, 76:164] = 1  # the trousers
    image[figure > 0] = TOP
    image[:88][figure[:88] > 0] = (200, 150, 120)  # the face
    image[200:, 76:164] = TROUSERS
    bar = np.zeros((H, W), bool)
    bar[150:, 72:76] = True  # beside the top (a strip of wall between), then against the trousers
    image[bar] = BAR
    image += rng.normal(0.0, 3.0, image.shape)
    image = np.clip(cv2.GaussianBlur(image, (0, 0), 0.7), 0, 255).astype(np.uint8)
    joints = np.zeros((33, 2), np.float64)
    vis = np.ones(33)
    for name, xy in {"nose": (116, 55), "left_shoulder": (164, 100), "right_shoulder": (88, 100),
                     "left_elbow": (162, 150), "right_elbow": (90, 150), "left_wrist": (160, 196),
                     "right_wrist": (92, 196), "left_hip": (140, 220), "right_hip": (96, 220),
                     "left_knee": (140, 420), "right_knee": (96, 420), "left_ankle": (140, 540),
                     "right_ankle": (96, 540)}.items():
        joints[J[name]] = xy
    for side in ("left", "right"):
        joints[[J[f"{side}_{k}"] for k in ("pinky", "index", "thumb")]] = joints[J[f"{side}_wrist"]]
        joints[[J[f"{side}_{k}"] for k in ("heel", "foot_index")]] = joints[J[f"{side}_ankle"]]
        vis[[J[f"{side}_{k}"] for k in ("knee", "ankle", "heel", "foot_index")]] = 0.05
    person = cv2.GaussianBlur(figure.astype(np.float32), (0, 0), 2.0)
    person[150:, 70:80] = np.maximum(person[150:, 70:80], 0.7)  # unsure of the bar (and the wall beside it)
    return image, joints, vis, person, figure.astype(bool), bar


def test_a_chairs_bar_along_the_outline_is_not_in_the_matte():
    """The white bar of the chair behind character 0, held by the person mask along her trousers' side, was
    labelled as the leg and drew a thin pale line with a dark dot at its top along her trousers once her arm
    moved. It is cut out of the matte along its whole length, also where it meets the trousers' white; the
    trousers stay whole."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.pose.figure import Figure

    image, joints, vis, person, figure, bar = _before_a_chair()
    rig = rig_character(image, figure=Figure(joints, vis, np.zeros(33), "detected", W, H, segmentation=person))
    solid = rig.matte > 0.5
    core = bar.copy()
    core[:, 72] = core[:, 75] = False  # (not its blended rims)
    assert solid[core].mean() < 0.1, f"{solid[core].mean():.0%} of the chair's bar in the matte"
    low = core & (np.arange(H)[:, None] >= 200)
    assert solid[low].mean() < 0.1, f"{solid[low].mean():.0%} of the bar beside the trousers in the matte"
    inner = cv2.erode(figure.astype(np.uint8), None, iterations=2).astype(bool)
    assert solid[inner].mean() > 0.98, f"only {solid[inner].mean():.0%} of the figure kept"
    assert (rig.labels[core] < 0).mean() > 0.9, "the bar is labelled as a part"

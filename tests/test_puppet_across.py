"""The torso behind an arm lying across it, in a black top over a bare belly: the sleeve, of the top's black but
lit along its upper side as a round arm is, is painted over as the top (kept as the torso under it, its lit edge
stood on the top as a diagonal fold once the arm moved away: TikTok character 0's top drawn as a wrap top)."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.retarget import FACE
from motion_transfer.pose.skeleton import J
from torso_scene import cie_lab, photographed

H, W, CX = 400, 320, 160.0
TOP, SKIN, BACKDROP = np.array([30, 26, 32]), np.array([212, 160, 132]), 225
HEM = 215  # the top above it, bare skin below
BODY = (90, 95, 230, 340)  # x0, y0, x1, y1
SHOULDER, ELBOW, WRIST = (220, 100), (150, 195), (110, 300)  # her left arm (the image's right) across the body
SLEEVE = 30  # the sleeve's width (pixels)
LIT = 30.0  # how much lighter (RGB) the sleeve is along its upper side than along its lower side
SHADOW, SHADE = 5, 0.4  # the width (pixels) of the shadow it casts on the top along its lower side, and its shade
DIM, DIM_REACH = 0.12, 6.0  # how much darker the skin is right beside the forearm, and how fast (pixels) that fades


def _across(a: tuple[int, int], b: tuple[int, int]) -> np.ndarray:
    """HxW: each pixel's signed distance from the line through ``a`` and ``b`` (positive: above it, on the left
    of its direction in the image)."""
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    d = np.array(b, np.float32) - np.array(a, np.float32)
    d /= np.linalg.norm(d)
    return (px - a[0]) * d[1] - (py - a[1]) * d[0]


def _character(elbow: tuple[int, int] = ELBOW) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, arm): a front-facing body in a black top over bare skin, its left upper arm lying
    across its chest from the shoulder to ``elbow``, its forearm on down across the hem and the belly, the sleeve
    shaded round (lit above) with its shadow on the top below it, and its edges blurred; the labels a little
    narrower than the blurred sleeve."""
    joints = np.zeros((33, 2))
    joints[list(FACE)] = (CX, 50)
    joints[J["right_shoulder"]], joints[J["left_shoulder"]] = (100, 100), SHOULDER
    joints[J["right_hip"]], joints[J["left_hip"]] = (120, 330), (200, 330)
    joints[J["right_elbow"]], joints[J["right_wrist"]] = (80, 210), (75, 320)
    joints[J["left_elbow"]], joints[J["left_wrist"]] = elbow, WRIST
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    x0, y0, x1, y1 = BODY
    body = (px >= x0) & (px <= x1) & (py >= y0) & (py <= y1)
    image = np.full((H, W, 3), BACKDROP, np.float32)
    image[body] = SKIN
    image[body & (py < HEM)] = TOP
    sleeve = np.zeros((H, W), np.float32)
    cv2.line(sleeve, SHOULDER, elbow, 1.0, SLEEVE)
    cv2.line(sleeve, elbow, WRIST, 1.0, SLEEVE)
    upper = (_across(SHOULDER, elbow) + SLEEVE / 2) / SLEEVE  # 0 along the upper arm's lower side, 1 its upper
    lower = (_across(elbow, WRIST) + SLEEVE / 2) / SLEEVE
    lit = np.clip(np.where(py < elbow[1], upper, lower), 0, 1)
    colour = TOP + LIT * lit[..., None]
    # the shadow the arm casts on the top along its lower side
    below = np.where(py < elbow[1], _across(SHOULDER, elbow), _across(elbow, WRIST))
    shadow = (below < -SLEEVE / 2) & (below > -SLEEVE / 2 - SHADOW) & body & (py < HEM)
    image[shadow] *= SHADE
    # ... and the soft shadow the forearm casts on the belly beside it
    off = cv2.distanceTransform((sleeve == 0).astype(np.uint8), cv2.DIST_L2, 5)
    image[body & (py >= HEM)] *= (1 - DIM * np.exp(-off / DIM_REACH))[body & (py >= HEM)][:, None]
    alpha = cv2.GaussianBlur(sleeve, (0, 0), 2.0)[..., None]
    image = alpha * colour + (1 - alpha) * image
    labels = np.full((H, W), -1, np.int16)
    labels[body] = PARTS.index("torso")
    arm = alpha[..., 0] > 0.6
    labels[arm & (py < elbow[1])] = PARTS.index("l_upper_arm")
    labels[arm & (py >= elbow[1])] = PARTS.index("l_lower_arm")
    return photographed(image, 2), labels, joints, sleeve > 0


def test_a_sleeve_lying_across_the_top_is_painted_as_the_top():
    """Where the upper arm lay across the chest and beside it, a few pixels or more above the hem, the painted torso
    is the top's black: the arm's lit upper side and the shadow along it are gone (kept as the torso under it, the
    sleeve stood on the top as a lit band with a dark line along it, 6 Lab off the top at the 95th percentile)."""
    image, labels, joints, arm = _character()
    out, hidden = fill_hidden_torso(image, labels, joints)
    py = np.mgrid[0:H, 0:W][0]
    beside = cv2.dilate(arm.astype(np.uint8), None, iterations=SHADOW + 4).astype(bool)
    chest = beside & (hidden | (labels == PARTS.index("torso"))) & (py < HEM - 8) & (py > 110)
    assert chest.sum() > 500, "the arm hides too little of the top"
    top = cie_lab(TOP.astype(np.uint8).reshape(1, 1, 3))[0, 0]
    d = np.linalg.norm(cie_lab(out)[chest] - top, axis=1)
    assert np.percentile(d, 95) < 4, f"the top behind the arm lies {np.percentile(d, 95):.1f} Lab off its black"


def test_the_belly_beside_a_black_sleeve_crossing_it_is_painted_without_its_shadow():
    """A black sleeve of the top's colour across the bare belly, its soft shadow on the skin beside it: the belly
    painted where the forearm lay and beside it, below the hem, is the skin's colour (the sleeve, a colour of the
    torso's own, left its shadow and blurred edge as known skin: a grey outline of the forearm, 7 Lab off the skin
    at the 99th percentile)."""
    image, labels, joints, arm = _character()
    out, hidden = fill_hidden_torso(image, labels, joints)
    py = np.mgrid[0:H, 0:W][0]
    beside = cv2.dilate(arm.astype(np.uint8), None, iterations=12).astype(bool)
    belly = beside & (labels >= 0) & (py > HEM + 8) & (py < BODY[3] - 4)
    assert (belly & hidden).sum() > 1000, "the arm hides too little of the belly"
    skin = cie_lab(SKIN.astype(np.uint8).reshape(1, 1, 3))[0, 0]
    d = np.linalg.norm(cie_lab(out)[belly] - skin, axis=1)
    assert np.percentile(d, 99) < 5, f"the belly beside the arm lies {np.percentile(d, 99):.1f} Lab off the skin"

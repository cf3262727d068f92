"""A photographed body seen from the side, cut at the chest: a short dark sleeve, and below its hem the bare upper arm
down to the image's bottom edge, lit warmer than the face by a lamp (orange), the elbow just past the edge. The arm
the rig draws on past the edge (``fill.continue_cut_arm``) is in the character's skin: taken for the sleeve's cloth,
the orange went on past the edge as a tube ending at a hem by the elbow, a paler forearm beyond it (TikTok character
1 cut at 60% of her height: flat orange disks at her elbows whenever the dance raised her arms)."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet import fill
from motion_transfer.engines.puppet.model import LAYERS, PARTS
from motion_transfer.pose.skeleton import J
from close_up_scene import seg_dist

SHIRT = np.array([34.0, 27.0, 27.0])
SKIN = np.array([202.0, 132.0, 111.0])  # the face's
LAMP_LIT = np.array([240.0, 150.0, 97.0])  # the upper arm's skin under the lamp
H, W, h = 360, 280, 180  # the image is the top 180 rows; below, the padding the arm goes on over
SHOULDER, ELBOW, WRIST = np.array([70.0, 40.0]), np.array([78.0, 186.0]), np.array([160.0, 280.0])
RADIUS = 13.0
HEM = 150  # the sleeve's hem (row)


def _lab(rgb: np.ndarray) -> np.ndarray:
    px = np.clip(np.asarray(rgb, np.float32) + 0.5, 0, 255).astype(np.uint8).reshape(-1, 1, 3)
    return cv2.cvtColor(px, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)


def _cut_at_the_chest(tan_top: bool = False):
    """(image, matte, labels, joints) of the figure, its arm continued past the bottom edge; ``tan_top``: its top
    and the sleeve, down to the edge, are of a tan cloth of the lamp-lit skin's colour (no skin below the hem)."""
    rng = np.random.default_rng(3)
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    inside = py < h
    arm = inside & (seg_dist(px, py, SHOULDER, ELBOW) < RADIUS)
    torso = inside & (px >= 15) & (px < 105) & (py >= 35) & ~arm
    head = inside & (np.hypot(px - 75, py - 15) < 16)
    bare = arm & (py >= HEM)
    image = np.zeros((H, W, 3), np.float64)
    image[torso] = LAMP_LIT if tan_top else SHIRT
    image[arm] = LAMP_LIT if tan_top else SHIRT
    image[head] = SKIN
    image[bare] = LAMP_LIT * (1.0 - 0.15 * np.clip(np.abs(px - 76.0) / RADIUS, 0, 1) ** 2)[bare][:, None]
    image = np.clip(image + rng.standard_normal((H, W, 1)) * 2.0, 0, 255).astype(np.uint8)
    matte = (torso | head | arm).astype(np.float32)
    labels = np.full((H, W), -1, np.int32)
    labels[torso] = PARTS.index("torso")
    labels[head] = PARTS.index("head")
    labels[arm] = PARTS.index("l_upper_arm")
    joints = np.zeros((len(J), 2))
    u = (WRIST - ELBOW) / np.linalg.norm(WRIST - ELBOW)
    for name, at in {"nose": (80, 15), "left_shoulder": SHOULDER, "right_shoulder": (15, 40),
                     "right_elbow": (15, 120), "right_wrist": (20, 170), "left_elbow": ELBOW, "left_wrist": WRIST,
                     "left_index": WRIST + 30 * u + (4, 0), "left_pinky": WRIST + 28 * u - (6, 0),
                     "left_thumb": WRIST + 12 * u + (8, 0), "left_hip": (85, 200), "right_hip": (30, 200)}.items():
        joints[J[name]] = at
    fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h))
    return image, matte, labels, joints


def _in_the_image(image: np.ndarray, labels: np.ndarray, matte: np.ndarray) -> np.ndarray:
    """The median RGB of the arm's solid pixels inside the image below the sleeve's hem."""
    solid = cv2.erode(_arm(labels, matte).astype(np.uint8), None, iterations=3).astype(bool)
    solid[:HEM + 4] = False
    solid[h:] = False
    return np.median(image[solid], axis=0)


def _arm(labels: np.ndarray, matte: np.ndarray) -> np.ndarray:
    return np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_l"][:2]]) & (matte >= 0.5)


def test_an_arm_lit_orange_by_a_lamp_goes_on_past_the_border_in_the_skins_colour():
    """Every stretch of the arm drawn past the border, from the edge down to the wrist, is within 12 (Lab, 8-bit)
    of the face's skin (the lamp's orange is 30 from it), and so is the arm's skin the image shows above the edge
    (the elbow's part of it: left orange, it was a disk between the sleeve and the forearm)."""
    image, matte, labels, joints = _cut_at_the_chest()
    arm = _arm(labels, matte)
    solid = cv2.erode(arm.astype(np.uint8), None, iterations=3).astype(bool)
    skin = _lab(SKIN)[0]
    assert np.linalg.norm(_lab(LAMP_LIT)[0] - skin) > 25
    rows = np.arange(H)[:, None]
    stretches = [(h, h + 8), (h + 8, h + 40), (h + 40, h + 80)]  # (on main the first is the orange, 27 from it)
    for top, bottom in stretches:
        drawn = solid & (rows >= top) & (rows < bottom)
        assert drawn.sum() > 50, f"no arm drawn in rows {top}-{bottom}"
        gap = float(np.linalg.norm(_lab(np.median(image[drawn], axis=0))[0] - skin))
        assert gap < 12.0, f"the arm drawn in rows {top}-{bottom} is {gap:.0f} from the skin"
    gap = float(np.linalg.norm(_lab(_in_the_image(image, labels, matte))[0] - skin))
    assert gap < 12.0, f"the arm's skin above the edge is {gap:.0f} from the skin"


def test_a_sleeve_of_the_tops_tan_cloth_is_not_taken_for_lamp_lit_skin():
    """The same cut through a tan top's sleeve (the torso's cloth) keeps its colour in the image: within 10 of the
    tan (its shading across the arm takes 5), not balanced to the face's skin (30 from it)."""
    image, matte, labels, joints = _cut_at_the_chest(tan_top=True)
    gap = float(np.linalg.norm(_lab(_in_the_image(image, labels, matte))[0] - _lab(LAMP_LIT)[0]))
    assert gap < 10.0, f"the sleeve in the image moved {gap:.0f} from its tan"


def test_the_arm_past_the_border_is_as_wide_as_the_image_cuts_it():
    """Just past the border the drawn arm covers the cut's whole width (a narrower forearm drawn from the elbow
    left the cut's straight ends standing out beside it, a ledge across the arm)."""
    image, matte, labels, joints = _cut_at_the_chest()
    arm = _arm(labels, matte)
    cut = np.flatnonzero(arm[h - 1])
    below = arm[h + 2]
    assert cut.size > 20
    assert below[cut].mean() >= 0.95, f"{(~below[cut]).sum()} of the cut's {cut.size} columns end at the border"

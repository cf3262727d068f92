"""A dark sleeve's cuff ends in one edge (TikTok character 0's right cuff over her white trousers, by a white
chair: cut on the small copy, its inner corner went to the torso, the dark half of its blurred hem to the hand,
and the chair's light pixels beside it to the forearm; moved, the sleeve ended in a ragged fringe)."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.cuff import cuff_edges
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.skeleton import J
from torso_scene import H, W, photographed, torso

SLEEVE, SKIN, WHITE = (30, 28, 32), (225, 180, 160), (238, 238, 236)
ELBOW, WRIST = (100, 230), (100, 320)
HALF = 16  # the sleeve's half-width
CHAIR = slice(72, 80)  # the chair's white bar's columns, beside the sleeve's outer side


def _cuff() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels as the small copy's cut leaves them, joints, the sleeve's pixels, the chair's): a black
    sleeve hanging straight down to its hem at the wrist, a hand below it, a white chair's bar beside it (in the
    figure's matte), the torso's bare skin behind."""
    joints, image, body = torso(ELBOW, WRIST, 110)
    joints[J["right_shoulder"]] = (100, 110)
    image[body] = SKIN
    yy, xx = np.mgrid[0:H, 0:W]
    sleeve = (np.abs(xx - ELBOW[0]) <= HALF) & (yy >= 100) & (yy < WRIST[1])
    hand = (np.hypot(xx - WRIST[0], yy - WRIST[1] - 22) < 20) | ((np.abs(xx - WRIST[0]) < 12) & (yy >= WRIST[1])
                                                                 & (yy < WRIST[1] + 20))
    chair = np.zeros((H, W), bool)
    chair[200:360, CHAIR] = True
    image[chair] = WHITE
    image[hand] = SKIN
    image[sleeve] = SLEEVE
    image = photographed(cv2.GaussianBlur(image, (0, 0), 2.0), 1.5)  # the cuff's blurred hem
    labels = np.full((H, W), -1, np.int16)
    labels[body | chair] = PARTS.index("torso")
    labels[sleeve & (yy < 230)] = PARTS.index("r_upper_arm")
    cut = sleeve & (yy >= 230) & (yy < WRIST[1] - 6)  # the hem's last 6 rows on the hand
    cut &= ~((xx > ELBOW[0] + HALF - 7) & (yy > WRIST[1] - 20))  # the inner corner on the torso
    labels[cut | (chair & (yy >= 295) & (yy < WRIST[1]) & (xx >= CHAIR.stop - 3))] = PARTS.index("r_lower_arm")
    labels[hand | (sleeve & (yy >= WRIST[1] - 6))] = PARTS.index("r_hand")
    return image, labels, joints, sleeve & (yy >= 230), chair


def test_the_sleeve_down_to_its_hem_is_the_forearm_and_the_chair_beside_it_is_not():
    """After the cuff is cut along its colour edge: the sleeve's pixels from the elbow down to its hem (its
    inner corner and its hem's rows included, its blurred rim's outermost pixel aside) are the forearm's, none of
    the chair's white bar is, and no pixel of the hand's skin below the hem goes to the forearm."""
    image, labels, joints, sleeve, chair = _cuff()
    out = cuff_edges(labels, image, joints)
    forearm = out == PARTS.index("r_lower_arm")
    solid = cv2.erode(sleeve.astype(np.uint8), None).astype(bool)
    assert forearm[solid].mean() > 0.98, f"{100 * (1 - forearm[solid].mean()):.1f}% of the sleeve is not the forearm"
    assert not (forearm & chair).any(), f"{(forearm & chair).sum()} pixels of the chair are the forearm's"
    below = np.zeros_like(forearm)
    below[WRIST[1] + 3:] = True
    assert not (forearm & below).any(), "the hand's skin below the hem went to the forearm"


BAR = slice(75, 79)  # a pale bar's columns beside the sleeve's outer side, the wall between it and the sleeve
BAR_TOP, MATTED = 290, 305  # the bar's top in the picture, and where the figure's matte took it in as the torso


def _cuff_by_a_bar() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels as the small copy's cut leaves them, joints, the cut's pixels beside the sleeve): a black sleeve
    hanging down over the body's outline to its hem at the wrist, its outer side over the grey wall; a pale bar
    (a chair's) beside it, its top level with the cuff, its lower part taken into the figure as the torso; the
    forearm's cut reaching past the sleeve's outer side over the wall and the bar's top (TikTok character 0's
    right cuff by a white chair)."""
    joints, image, body = torso(ELBOW, WRIST, 110)
    joints[J["right_shoulder"]] = (100, 110)
    image[body] = SKIN
    yy, xx = np.mgrid[0:H, 0:W]
    sleeve = (np.abs(xx - ELBOW[0]) <= HALF) & (yy >= 100) & (yy < WRIST[1])
    hand = (np.hypot(xx - WRIST[0], yy - WRIST[1] - 22) < 20)
    bar = np.zeros((H, W), bool)
    bar[BAR_TOP:, BAR] = True
    image[bar] = WHITE
    image[hand] = SKIN
    image[sleeve] = SLEEVE
    image = photographed(cv2.GaussianBlur(image, (0, 0), 1.0), 1.5)
    labels = np.full((H, W), -1, np.int16)
    labels[body | (bar & (yy >= MATTED))] = PARTS.index("torso")
    labels[(xx >= BAR.start) & (xx < BAR.stop + 6) & (yy >= MATTED)] = PARTS.index("torso")  # (the wall beside it)
    labels[sleeve & (yy < 230)] = PARTS.index("r_upper_arm")
    beside = (xx >= BAR.start) & (xx < ELBOW[0] - HALF) & (yy >= BAR_TOP - 10) & (yy < MATTED)
    labels[(sleeve & (yy >= 230)) | beside] = PARTS.index("r_lower_arm")
    labels[hand] = PARTS.index("r_hand")
    return image, labels, joints, beside


def test_what_the_forearm_gives_up_beside_the_sleeve_over_the_wall_leaves_the_figure():
    """The wall's pixels and the pale bar's top that the forearm's cut held beside the sleeve's outer side, outside
    the body's outline, go to no part: given to the torso, they stood out of the hip's outline as a ledge with the
    bar's top as a pale nub once the arm moved away. The sleeve itself stays the forearm's."""
    image, labels, joints, beside = _cuff_by_a_bar()
    out = cuff_edges(labels, image, joints)
    torso_i = PARTS.index("torso")
    ledge = beside & (out == torso_i)
    assert not ledge.any(), f"{ledge.sum()} pixels of the wall and the bar beside the sleeve went to the torso"
    yy, xx = np.mgrid[0:H, 0:W]
    solid = (np.abs(xx - ELBOW[0]) <= HALF - 2) & (yy >= 240) & (yy < WRIST[1] - 2)
    assert (out[solid] == PARTS.index("r_lower_arm")).mean() > 0.98

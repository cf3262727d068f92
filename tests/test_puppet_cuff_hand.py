"""A drawn hand is cleared from its arm layer's rest texture before it is drawn again each frame, posed; a sleeve's
cuff is not the hand and stays (TikTok character 0: her black cuff's corner hangs beside her hand, nearer the drawn
hand's shape than the forearm's axis; cleared with the hand, a V was cut into the cuff wherever the drawn hand moved
off it, clip 0 frame 40, 0<-2 frames 10 and 70)."""
from __future__ import annotations

import numpy as np

from motion_transfer.engines.puppet.hands import _without_hand, sleeve_of
from motion_transfer.engines.puppet.model import PARTS, DrawnHand, Rig

SLEEVE, SKIN = (30, 28, 32), (225, 180, 160)
WRIST = np.array([60.0, 40.0])


def _hand_below_a_cuff() -> tuple[np.ndarray, DrawnHand, np.ndarray]:
    """(the arm layer's rest patch RGBA, the drawn hand, the sleeve's pixels): a forearm hanging straight down in a
    black sleeve to the wrist, its cuff's corner hanging on beside the hand's palm; the hand drawn below the wrist,
    its fingers pointing down."""
    joints = np.zeros((21, 2))
    joints[0] = WRIST
    for f, x in enumerate((52.0, 56.0, 62.0, 68.0)):  # index, middle, ring, pinky: knuckles to tips
        joints[5 + 4 * f:9 + 4 * f] = [(x, 60.0 + 8 * k) for k in range(4)]
    joints[1:5] = [(50.0 - 2 * k, 46.0 + 6 * k) for k in range(4)]  # the thumb
    hand = DrawnHand(joints=joints, length=60.0, half_width=10.0, elbow=np.array([60.0, -60.0]), wrist_radius=12.0,
                     skin=np.float32(SKIN), shade=np.float32(SKIN) * 0.8)
    h, w = 110, 120
    yy, xx = np.mgrid[0:h, 0:w]
    sleeve = (np.abs(xx - WRIST[0]) <= 14) & (yy < WRIST[1])
    sleeve |= (xx >= WRIST[0] + 6) & (xx <= WRIST[0] + 16) & (yy >= WRIST[1]) & (yy < WRIST[1] + 12)  # its corner
    patch = np.zeros((h, w, 4), np.uint8)
    palm = (np.abs(xx - WRIST[0]) <= 10) & (yy >= WRIST[1]) & (yy < 90)
    patch[palm] = (*SKIN, 255)
    patch[sleeve] = (*SLEEVE, 255)
    return patch, hand, sleeve


def test_a_cuff_corner_beside_a_drawn_hand_is_not_cleared_with_the_hand():
    """The sleeve's pixels stay in the rest texture the drawn hand is drawn over each frame; the photographed hand's
    own pixels are cleared as before (the cuff's corner lies where the hand is cleared: without the sleeve given, its
    pixels go)."""
    patch, hand, sleeve = _hand_below_a_cuff()
    corner = np.zeros(2)
    bare = _without_hand(patch, hand, corner)
    assert (bare[sleeve, 3] == 0).sum() > 20, "the scene's cuff corner is not where a drawn hand clears"
    kept = _without_hand(patch, hand, corner, sleeve=sleeve)
    cleared = sleeve & (kept[..., 3] == 0)
    assert not cleared.any(), f"{cleared.sum()} pixels of the sleeve were cleared with the drawn hand"
    assert (kept[~sleeve] == bare[~sleeve]).all(), "the hand's own pixels were cleared otherwise than before"
    assert (kept[(patch[..., 3] > 0) & ~sleeve, 3] == 0).mean() > 0.8, "the photographed hand was not cleared"


def test_the_sleeve_kept_is_the_forearms_cloth_not_its_bare_skin():
    """:func:`sleeve_of` holds the forearm's pixels unlike the drawn hand's skin: a black sleeve's, not the bare
    skin of a forearm below a short sleeve (cleared with the hand as before), nor any other part's."""
    patch, hand, sleeve = _hand_below_a_cuff()
    h, w = sleeve.shape
    image = np.zeros((h, w, 3), np.uint8)
    image[:] = SKIN
    image[sleeve] = SLEEVE
    labels = np.full((h, w), -1, np.int16)
    labels[:, : int(WRIST[0])] = PARTS.index("r_lower_arm")  # its bare half the forearm too
    labels[:, int(WRIST[0]):] = PARTS.index("torso")
    rig = Rig(width=w, height=h, joints=np.zeros((33, 2)), visibility=np.ones(33), depth=np.zeros(33),
              source="pose", image=image, labels=labels)
    got = sleeve_of(rig, "right", hand)
    assert (got == (sleeve & (labels == PARTS.index("r_lower_arm")))).all()

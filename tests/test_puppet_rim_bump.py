"""A bump of a white dress beside a white sleeve, cut off where the hair hides the dress beside it, stays the arm's:
taken by the torso it left a V notch in the sleeve (TikTok character 5, below the hair's tip). ``rim_to_torso`` marks
it for ``label_parts`` to give back to the arm last. A strip of the dress along the arm, or a bump of a black dress
beside skin, is still the torso's."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.engines.puppet.parts import blurred_lab, rim_to_torso

SIZE = 240
TORSO, ARM = PARTS.index("torso"), PARTS.index("l_upper_arm")
SLEEVE, DRESS, HAIR = (185, 185, 190), (246, 246, 246), (30, 25, 25)
SKIN, BLACK = (200, 150, 120), (25, 22, 28)


def _arm_beside_a_dress(arm: tuple, cloth: tuple, piece: tuple[slice, slice], hair: bool):
    """(labels, image, matte): a torso of ``cloth`` (x < 172) and its left upper arm of ``arm`` colour beside it,
    hanging along its side; ``piece`` (rows, columns) of the arm's pixels beside the torso in the ``cloth`` colour; with
    ``hair``, the torso's side above that piece hidden by dark hair."""
    image = np.full((SIZE, SIZE, 3), 120, np.uint8)
    labels = np.full((SIZE, SIZE), -1, np.int16)
    labels[30:235, 70:172], image[30:235, 70:172] = TORSO, cloth
    labels[30:235, 172:215], image[30:235, 172:215] = ARM, arm
    if hair:
        image[30:piece[0].start, 150:172] = HAIR
    image[piece] = cloth
    return labels, image, labels >= 0


def _rim(labels, image, matte):
    """The labels after ``rim_to_torso``, the bumps it marks given back as ``label_parts`` gives them back."""
    quad = np.array([(172.0, 35.0), (70.0, 35.0), (80.0, 225.0), (162.0, 225.0)])
    segs = {"l_upper_arm": (np.array([190.0, 40.0]), np.array([196.0, 200.0]))}
    out, bumps = rim_to_torso(labels, blurred_lab(image), matte, segs, quad, 100.0, False)
    return np.where(bumps >= 0, bumps, out)


def test_a_bump_of_a_white_dress_below_the_hair_stays_the_sleeves():
    """The bump, 18 rows along the arm, 14 columns deep, is nearly the sleeve's colour: the sleeve keeps it."""
    piece = (slice(130, 148), slice(172, 186))
    out = _rim(*_arm_beside_a_dress(SLEEVE, DRESS, piece, hair=True))
    assert (out[piece] == ARM).mean() > 0.95, (out[piece] == TORSO).mean()


@pytest.mark.parametrize("arm, cloth, piece", [
    (SLEEVE, DRESS, (slice(50, 200), slice(172, 184))),  # a strip of the white dress all along the arm
    (SKIN, BLACK, (slice(130, 148), slice(172, 186))),  # a bump of a black dress beside a bare arm
])
def test_a_strip_of_the_dress_or_a_bump_unlike_the_arm_is_the_torsos(arm, cloth, piece):
    """Either is the dress the arm's cut took, and goes back to the torso."""
    out = _rim(*_arm_beside_a_dress(arm, cloth, piece, hair=True))
    inner = (piece[0], slice(piece[1].start, piece[1].stop - 3))  # (its blurred edge against the arm aside)
    assert (out[inner] == TORSO).mean() > 0.9, (out[inner] == TORSO).mean()

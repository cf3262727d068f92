"""The band of torso pixels the paint is feathered over beside the hole takes in the specks it and the hole close
round (TikTok character 0: a 4x3 px dark speck by her belly's crease beside the forearm's old edge, clip 0 frames
10-40, the crease's pixels there a shade too dark for the band and left standing between it and the paint)."""
from __future__ import annotations

import numpy as np

from motion_transfer.engines.puppet.fill import _feather_band

H, W, MARGIN = 60, 60, 4


def _scene() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(hole, shades, torso, the crease's speck at the hole's edge, the crease's line running out past the band):
    the hole the arm leaves on the left, the band's shades a margin wide beside it, all but a 3x4 speck at the
    hole's edge and a line 2 px wide running from the hole out across the band and beyond (too dark for either)."""
    hole = np.zeros((H, W), bool)
    hole[:, :20] = True
    shades = np.zeros((H, W), bool)
    shades[:, 20:20 + MARGIN + 1] = True
    speck = np.zeros((H, W), bool)
    speck[20:23, 20:24] = True
    line = np.zeros((H, W), bool)
    line[40:42, 20:] = True
    shades &= ~speck & ~line
    return hole, shades, ~hole, speck, line


def test_a_speck_the_band_and_the_hole_close_round_is_painted():
    """The speck joins the band; the crease's line that runs on past the band (the torso's own shading) does not."""
    hole, shades, torso, speck, line = _scene()
    band = _feather_band(shades, hole, torso, np.ones((H, W), bool), MARGIN)
    assert band[speck].all(), f"{(~band[speck]).sum()} of the speck's {speck.sum()} pixels are left as they were"
    assert not band[line].any(), "the crease's line running on past the band is painted"
    assert (band == (shades | speck)).all(), "the band is more than its shades and the speck"


def test_a_speck_of_a_colour_seen_nowhere_near_is_not_painted():
    """Where the speck's colour is known nowhere near (not paintable), it is left as it is: painted from afar, the
    black drew a squiggle in character 0's dark grey top by her armpit."""
    hole, shades, torso, speck, _ = _scene()
    band = _feather_band(shades, hole, torso, ~speck, MARGIN)
    assert not band[speck].any(), "an unsourced speck is painted"

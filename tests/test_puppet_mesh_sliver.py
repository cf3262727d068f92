"""The face's and fingers' triangle warp (``meshwarp.source_maps``) never samples far off its mesh."""
from __future__ import annotations

import numpy as np

from motion_transfer.engines.puppet.meshwarp import source_maps


def test_a_sliver_of_a_triangle_never_samples_off_the_texture():
    """A mouth opening from closed lips poses some triangles at its corners as slivers: their inverse maps are
    steep, and the cells the drawing's margin counts to them, just outside, were sent hundreds of pixels off the
    texture (a transparent hole in the face, TikTok clip 0's frame 144). Every pixel comes from within a cell of
    its triangle's rest place, or, where no triangle lands, from its own place."""
    rest = np.array([[10.0, 10.0], [50.0, 10.0], [30.0, 40.0]])
    posed = np.array([[10.0, 21.0], [50.0, 21.0], [30.0, 21.05]])  # flattened to a twentieth of a pixel
    mapx, mapy = source_maps(rest, posed, np.array([[0, 1, 2]]), (0, 0, 60, 60))
    assert mapx.min() >= -2 and mapx.max() <= 62
    assert mapy.min() >= -2 and mapy.max() <= 62
    row = mapy[21, 12:48]  # along the sliver: the rest triangle, squeezed into it
    assert row.min() >= 8 and row.max() <= 42

"""A head cut by the image's top edge goes on above it as the top of a head, not as a flat box of hair."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.pose.skeleton import J
from motion_transfer.samples import make_character

HAIR = np.array([58, 40, 28])  # the "person" style's hair


@pytest.fixture(scope="module")
def cut_head(tmp_path_factory):
    """The mannequin's close-up, cut through the forehead (a little above the eyes)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path_factory.mktemp("head") / "closeup.png"
    joints = make_character(path, size=(360, 480), style="person", pose="a-pose", framing="closeup")
    image = read_image(path)
    eyes = float(joints[[J["left_eye"], J["right_eye"]], 1].mean())
    hair = np.linalg.norm(image.astype(float) - HAIR, axis=2) < 40
    top = int(np.nonzero(hair)[0].min())
    cut = int(top + 0.6 * (eyes - top))
    rig = rig_character(np.ascontiguousarray(image[cut:]))
    return rig, eyes - cut


def _cap(rig):
    body = next(layer for layer in rig.layers if layer.name == "body")
    assert body.origin[1] < 0, "the body does not go on above the image"
    above = body.texture[:-body.origin[1]]
    widths = (above[:, :, 3] > 128).sum(axis=1)
    return above, widths


def test_the_cap_continues_the_head_to_its_full_height(cut_head):
    """The head's top rises above the eyes about as far as a head does (most of the head's breadth), not a low
    lid over the cut."""
    rig, eyes = cut_head
    _, widths = _cap(rig)
    rows = np.nonzero(widths)[0]
    height = len(widths) - rows[0]  # rows of cap above the edge
    breadth = float(np.linalg.norm(rig.joints[J["left_ear"]] - rig.joints[J["right_ear"]]))
    assert height + eyes > 0.8 * breadth, f"the head's top is {height + eyes:.0f} px above the eyes, " \
                                          f"its breadth {breadth:.0f} px"


def test_the_cap_has_no_upright_walls(cut_head):
    """Just above the cut the outline already curves in (the head's outline goes on): a cap whose sides rise
    straight up from the cut reads as a box."""
    rig, _ = cut_head
    above, widths = _cap(rig)
    rows = np.nonzero(widths)[0]
    height = len(widths) - rows[0]
    base = widths[-1]
    higher = widths[len(widths) - 1 - max(2, int(0.35 * height))]
    assert higher < 0.92 * base, f"widths {widths[rows]} from its top down"
    colour = np.median(above[above[:, :, 3] > 128][:, :3], axis=0)
    assert np.linalg.norm(colour - HAIR) < 45, f"the cap is {colour}, the hair {HAIR}"


def test_the_cap_takes_the_hairs_lit_strands_not_its_dark_roots(tmp_path):
    """Blonde strands over dark roots (TikTok clip 0's head, cut by the top edge): the cap is painted in the lit
    strands' colour. Painted in the average of the hair below the cut it read as a dark brown helmet."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.media.frames import read_image

    path = tmp_path / "closeup.png"
    joints = make_character(path, size=(360, 480), style="person", pose="a-pose", framing="closeup")
    image = read_image(path).copy()
    hair = np.linalg.norm(image.astype(float) - HAIR, axis=2) < 40
    light, dark = np.array([196, 160, 110]), np.array([60, 42, 30])
    strands = (np.arange(image.shape[1]) // 3) % 3 == 0  # every third band of 3 columns a dark root
    image[hair] = np.where(strands[None, :].repeat(image.shape[0], 0)[hair][:, None], dark, light)
    eyes = float(joints[[J["left_eye"], J["right_eye"]], 1].mean())
    top = int(np.nonzero(hair)[0].min())
    rig = rig_character(np.ascontiguousarray(image[top + int(0.6 * (eyes - top)):]))
    above, _ = _cap(rig)
    solid = above[:, :, 3] > 128
    # above the band that goes on in the edge's own colours
    high = solid & (np.arange(len(above)) < 0.6 * len(above))[:, None]
    colour = np.median(above[high][:, :3].astype(float), axis=0)
    assert np.linalg.norm(colour - light) < 0.5 * np.linalg.norm(colour - dark), \
        f"the cap is {colour}: the lit strands are {light}, the roots {dark}"

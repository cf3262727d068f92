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

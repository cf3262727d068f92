"""A drawn arm bent at rest (the cel-shaded fox's waving arm) bends either way as a drawn arm does: round on the
outside of the bend with its outline unbroken, folded on the inside, no notch of backdrop, no spike, no dark lines
inside the joint (:mod:`motion_transfer.engines.puppet.elbow_joint`)."""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from bear_scene import bent
from motion_transfer.pose.skeleton import J

BACKDROP = (255, 0, 255)  # a colour the fox does not wear
FOREARM = ("right_wrist", "right_index", "right_pinky", "right_thumb")
INK = 30  # (Lab L, 0..255) the outline's ink is darker than this, the sleeve's shading not


@pytest.fixture(scope="module")
def fox():
    from motion_transfer.engines.puppet.character import rig_character
    from motion_transfer.samples.stylised import make_stylised

    return rig_character(make_stylised("fox").image)


def test_the_bent_arm_is_drawn_as_two_pieces_over_a_round_joint(fox):
    """Its layer holds the upper arm's piece, the forearm's (drawn over the others) and the disc about the elbow;
    its other arm, drawn straight, keeps the rig's own mesh."""
    assert fox.meta["jointed"] == ["arm_r"]
    arm = next(la for la in fox.layers if la.name == "arm_r")
    assert arm.over is not None and 0 < arm.over.sum() < len(arm.triangles)
    assert arm.uv is not None


@pytest.mark.parametrize("degrees", [-150, -120, -90, 30, 60])
def test_a_drawn_elbow_bent_either_way_shows_no_notch_no_spike_and_no_lines_inside(fox, degrees):
    """The fox's right arm alone (its layer drawn over a plain backdrop), its forearm turned about the elbow from
    the drawing's bend (negative: the other way, past straight), against the arm as the rest pose draws it cut
    between the bones, its forearm turned whole with the forearm, and a disc of the arm's half-width at the elbow.
    Near the elbow, no backdrop shows inside that outline, nothing is drawn beyond it, and (bent the other way)
    no ink lies deep inside its outside half (the inside's fold is the forearm's outline over the upper arm).
    Skinned as one sheet, bent the other way the drawing's inner corner opened into a bump with a dark V inside it
    and its round outside squeezed into jagged flaps: a notch of 5 to 10 % of the joint, a spike of 3 to 6 %; now
    none."""
    from motion_transfer.engines.puppet import Renderer
    from motion_transfer.engines.puppet.model import segment_distance
    from motion_transfer.pose.retarget import extend

    h, w = fox.labels.shape
    renderer = Renderer(dataclasses.replace(fox, layers=[la for la in fox.layers if la.name == "arm_r"]), w, h)

    def drawn(joints: np.ndarray) -> np.ndarray:
        return renderer.render(np.full((h, w, 3), BACKDROP, np.uint8), joints, np.zeros(36), 1.0, 0.0)

    def solid(out: np.ndarray) -> np.ndarray:
        return (np.abs(out.astype(int) - BACKDROP).max(axis=2) > 60).astype(np.uint8)

    rest = extend(fox.joints.astype(np.float64))
    sh, el, wr = (rest[J[f"right_{k}"]] for k in ("shoulder", "elbow", "wrist"))
    py, px = np.mgrid[0:h, 0:w].astype(np.float64)
    at_rest = solid(drawn(rest))
    rho = np.hypot(px - el[0], py - el[1])
    half = float(cv2.distanceTransform(at_rest, cv2.DIST_L2, 5)[rho < 0.3 * np.hypot(*(sh - el))].max())
    fore = (segment_distance(px, py, el, wr) < segment_distance(px, py, sh, el)).astype(np.uint8)
    turn = cv2.getRotationMatrix2D((float(el[0]), float(el[1])), -float(degrees), 1.0)
    pieces = at_rest * (1 - fore) | cv2.warpAffine(at_rest * fore, turn, (w, h), flags=cv2.INTER_NEAREST)
    joint = pieces | (rho <= half).astype(np.uint8)
    posed = bent(rest, "right_elbow", FOREARM, degrees)
    out = drawn(posed)
    shown = solid(out).astype(bool)
    near = rho < 2.0 * half
    inside = (cv2.erode(joint, np.ones((7, 7), np.uint8)) > 0) & near
    notch = (inside & ~shown).sum() / inside.sum()
    spike = (shown & near & ~(cv2.dilate(joint, np.ones((9, 9), np.uint8)) > 0)).sum() / near.sum()
    assert notch < 0.01, f"bent {degrees}: {notch:.1%} of the arm near its elbow is backdrop"
    assert spike < 0.01, f"bent {degrees}: {spike:.1%} drawn past the round elbow"
    if degrees < 0:  # (the outside of the bend: away from both bones)
        away = -((sh - el) / np.hypot(*(sh - el)) + (posed[J["right_wrist"]] - el) / np.hypot(*(wr - el)))
        outside = (px - el[0]) * away[0] + (py - el[1]) * away[1] > 0
        deep = (cv2.erode(joint, np.ones((13, 13), np.uint8)) > 0) & near & outside
        dark = ((cv2.cvtColor(out, cv2.COLOR_RGB2LAB)[..., 0] < INK) & deep).sum() / deep.sum()
        assert dark < 0.01, f"bent {degrees}: dark lines over {dark:.1%} of the joint's outside"


@pytest.mark.parametrize("degrees", [0, -120])
def test_the_jointed_arm_leaves_no_speck_off_its_outline(fox, degrees):
    """The arm drawn alone is one piece: where the upper arm's and the forearm's maps, carried out past their
    outlines, met by the inner corner, the pixels between read the texture a third of the way from one tube's
    place to the other's, inside the upper arm, and a speck of its paint stood in the backdrop (render's
    ``_torn_cells``)."""
    from motion_transfer.engines.puppet import Renderer
    from motion_transfer.pose.retarget import extend

    h, w = fox.labels.shape
    renderer = Renderer(dataclasses.replace(fox, layers=[la for la in fox.layers if la.name == "arm_r"]), w, h)
    rest = extend(fox.joints.astype(np.float64))
    out = renderer.render(np.full((h, w, 3), BACKDROP, np.uint8), bent(rest, "right_elbow", FOREARM, degrees),
                          np.zeros(36), 1.0, 0.0)
    count, _, stats, _ = cv2.connectedComponentsWithStats(
        (np.abs(out.astype(int) - BACKDROP).max(axis=2) > 10).astype(np.uint8), connectivity=8)
    assert count == 2, f"bent {degrees}: specks of {sorted(stats[2:, cv2.CC_STAT_AREA])} pixels off the arm"

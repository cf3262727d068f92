"""Long hair hanging over a shoulder is the body's, never cut by the arm: distance labelling gave the arm every
pixel beyond the torso's shoulder-hip side nearer its bone, and the hair over the shoulder was cut along that
straight side; once the arm moved, the body layer ended in a straight edge through the hair and the arm carried a
slab of it away."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.hair import main_colours
from motion_transfer.engines.puppet.parts import label_parts
from motion_transfer.engines.puppet.model import PARTS
from hair_scene import HAIR, H, W, hair_figure


@pytest.mark.parametrize("elbow, wrist", [((330, 110), (390, 60)), ((300, 260), (315, 340))],
                         ids=["arm raised", "arm hanging"])
def test_hair_over_the_shoulder_is_the_bodys_not_the_arms(elbow, wrist):
    """The hair falls over the shoulder's top and on past the torso's side (over the raised arm's root, or
    along the hanging sleeve): none of it is the arm's."""
    image, matte, joints, hair = hair_figure(elbow, wrist)
    lab, _ = label_parts(matte, joints, np.ones(33), None, image)
    arm = np.isin(lab, [PARTS.index(p) for p in ("l_upper_arm", "l_lower_arm", "l_hand")])
    # (before: 12 % of it on the raised arm's root, 26 % along the hanging sleeve)
    assert arm[hair].mean() < 0.01, arm[hair].mean()
    # and the arm keeps its sleeve
    sleeve = (lab == PARTS.index("l_upper_arm")) & (image.astype(int).sum(axis=2) > 600)
    assert sleeve.sum() > 1500, sleeve.sum()


def test_a_strand_on_the_sleeves_outline_is_the_bodys():
    """A thin strand leaving the hair over the wall, its tip lying across the hanging sleeve's outer outline, is
    the hair's: its piece on the sleeve, too small to count as a lock, stayed on the arm and flapped beside the
    hair as a ragged spike on the sleeve's top once the arm moved (TikTok character 5's left sleeve)."""
    image, matte, joints, _ = hair_figure((300, 260), (315, 340))
    strand = np.zeros((H, W), np.uint8)
    cv2.line(strand, (252, 110), (282, 178), 1, 3)
    strand &= (matte == 0) | (image.astype(int).sum(axis=2) > 600)  # over the wall and the sleeve, not the hair
    image[strand > 0] = HAIR
    matte = np.maximum(matte, strand.astype(np.float32))
    lab, _ = label_parts(matte, joints, np.ones(33), None, image)
    arm = lab == PARTS.index("l_upper_arm")
    # (before: 115 of its 316 pixels on the arm)
    assert (arm & (strand > 0)).sum() < 0.05 * strand.sum(), ((arm & (strand > 0)).sum(), strand.sum())
    sleeve = arm & (image.astype(int).sum(axis=2) > 600)
    assert sleeve.sum() > 1500, sleeve.sum()


@pytest.mark.parametrize("colour, blend", [((162, 137, 134), True), ((150, 155, 120), False), ((60, 130, 128), False)])
def test_the_soft_rim_of_a_shoulder_against_a_wall_of_the_hairs_colour_is_no_hair(colour, blend):
    """A piece on an arm's outline (colours in Lab) that lies between the arm's own colour and the backdrop beside
    it is their blend, the matte's soft rim, not hair: TikTok character 2's bare shoulder against her lilac wall,
    as lilac as her silver hair, was given to the body as a lock of it and stayed behind as a thin skin-coloured
    flap when the arm moved. A piece of another colour (darker hair) is hair."""
    from motion_transfer.engines.puppet.hair import _blends

    own, wall = np.array([200.0, 139.0, 162.0]), np.array([130.0, 140.0, 116.0])
    labc = np.zeros((40, 40, 3), np.float32)
    labc[:] = own
    labc[:, 30:] = wall
    m = np.zeros((40, 40), bool)
    m[:, :30] = True
    pieces = np.zeros((40, 40), np.int32)
    pieces[5:35, 26:30] = 1
    labc[pieces == 1] = colour
    assert _blends(labc, pieces, np.array([1]), own, m).tolist() == [blend]


def _selfie(hair_over_the_shoulder: bool):
    """The hair figure cut at the chest (the picture ends at row 215, both elbows below it), its left shoulder
    and what shows of that sleeve under the long hair (``hair_over_the_shoulder``) or in its white sleeve."""
    image, matte, joints, _ = hair_figure((345, 250), (365, 330))
    if hair_over_the_shoulder:
        sleeve = np.zeros(matte.shape, np.uint8)
        cv2.line(sleeve, (260, 170), (345, 250), 1, 44)
        image[(sleeve > 0) & (matte > 0)] = HAIR
    return image[:215].copy(), matte[:215].copy(), joints


@pytest.mark.parametrize("covered", [True, False], ids=["under the hair", "in its sleeve"])
def test_a_shoulder_under_long_hair_in_a_selfie_is_the_bodys_and_its_arm_the_twins(covered):
    """A selfie whose long hair covers the left shoulder down to the picture's edge: that arm shows nothing but
    hair. Labelled the arm's, the hair went on past the picture's edge as a black sleeve and flapped in black
    shreds at the shoulder (TikTok character 5 cut at 60 % of her height). It is the body's, and the arm is the
    mirror image of the other, continued past the edge. A white sleeve there is the arm's own."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.pose.figure import Figure
    from motion_transfer.pose.skeleton import J

    image, matte, joints = _selfie(covered)
    lab, _ = label_parts(matte, joints, np.ones(33), None, image)
    sleeve = np.zeros(lab.shape, np.uint8)
    cv2.line(sleeve, (285, 195), (305, 214), 1, 12)
    on_arm = (lab[sleeve > 0] == PARTS.index("l_upper_arm")).mean()
    assert (on_arm < 0.05) if covered else (on_arm > 0.9), on_arm
    assert (lab == PARTS.index("r_upper_arm")).sum() > 500
    vis = np.ones(33)
    vis[[J[f"{side}_{j}"] for side in ("left", "right") for j in ("elbow", "wrist", "pinky", "index", "thumb")]] = 0.05
    h, w = matte.shape
    figure = Figure(joints.astype(np.float64), vis, np.zeros(33), "detected", w, h, segmentation=matte)
    rig = rig_character(image, figure=figure)
    assert {layer.name for layer in rig.layers} >= {"arm_l", "arm_r"}
    assert ("arm_l" in rig.meta["drawn_from_twin"]) == covered, rig.meta


def test_the_hairs_main_colours_are_its_well_filled_bins_in_bin_order():
    """The hair's colours: the mean of each coarse Lab bin holding a share of the pixels, in the bins' (L, a, b)
    order; a bin with a few strays is none of them, and too few pixels tell nothing."""
    rng = np.random.default_rng(0)
    dark = np.float32([26, 122, 122]) + rng.uniform(0, 10, (400, 3)).astype(np.float32)
    lit = np.float32([98, 122, 98]) + rng.uniform(0, 10, (300, 3)).astype(np.float32)
    stray = np.float32([[200, 200, 10]] * 5)
    pixels = np.concatenate([lit, stray, dark])
    colours = main_colours(pixels)
    assert len(colours) == 2
    assert np.allclose(colours[0], dark.mean(axis=0)) and np.allclose(colours[1], lit.mean(axis=0))
    assert main_colours(pixels[:5]) == []



def test_pale_tips_of_the_hair_against_a_window_above_the_shoulder_are_the_bodys():
    """Wisps of dark hair backlit by a bright window, pale where the window shows through them, hanging beside
    the hair's outer edge down to the shoulder's outline, labelled the arm's by their distance to its bone (TikTok
    character 3's tips against the window), are the hair's: neither of the hair's colours nor the arm's, they
    stayed the arm's, which carried them off as a pale strip and left the hair ending in a straight cut. The
    arm keeps its sleeve and its outline's corner."""
    from motion_transfer.engines.puppet.model import segment_distance
    from motion_transfer.engines.puppet.hair import hair_to_body
    from motion_transfer.engines.puppet.parts import blurred_lab
    from motion_transfer.pose.skeleton import J

    image, matte, joints, _ = hair_figure((300, 260), (315, 340))
    window = (246, 246, 250)
    image[matte == 0] = window
    lab, _ = label_parts(matte, joints, np.ones(33), None, image)  # (at the analysis size)
    arm_i = PARTS.index("l_upper_arm")
    tips = np.zeros((H, W), np.uint8)
    for pts in (((250, 96), (256, 104), (270, 140), (284, 168)), ((254, 118), (262, 138), (272, 160))):
        cv2.polylines(tips, [np.array(pts, np.int32)], False, 1, 2)
    tips = (tips > 0) & (matte == 0)  # over the window beside the hair, their ends on the sleeve's outline
    image[tips] = (0.35 * np.float32(HAIR) + 0.65 * np.float32(window)).astype(np.uint8)
    image = cv2.GaussianBlur(image, (0, 0), 0.7)
    m = (matte > 0) | tips
    lab[tips] = arm_i
    shoulder, elbow = joints[J["left_shoulder"]], joints[J["left_elbow"]]
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    axis_of = {"l_upper_arm": segment_distance(xs, ys, shoulder, elbow)}
    out = hair_to_body(lab, blurred_lab(image), m, joints, axis_of, {"l_upper_arm": 20.0}, 120.0)
    arm = out == arm_i
    assert (arm & tips).sum() < 0.05 * tips.sum(), ((arm & tips).sum(), tips.sum())  # (before: all 252)
    assert (arm == (lab == arm_i) & ~tips).mean() > 0.999  # the sleeve keeps every other pixel

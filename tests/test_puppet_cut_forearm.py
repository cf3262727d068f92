"""A bare forearm that the image's bottom edge cuts slantwise, the pose model's bone read at another slant and to one
side of it (as it reads a forearm it sees only in part): the forearm drawn on past the border goes on from the
image's own as one arm (TikTok characters 1, 3, 4: a straight-sided box, a faceted polygon with a step where the
two met, a wedge beside the hand, whenever the motion raised the arm)."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.engines.puppet import fill
from motion_transfer.engines.puppet.model import LAYERS, PARTS
from motion_transfer.pose.skeleton import J
from close_up_scene import seg_dist

SHIRT = np.array([46, 98, 168])
SKIN = np.array([226, 178, 146])
H, W, h = 360, 280, 180  # the image is the top 180 rows; below, the padding the arm goes on over
RADIUS = 14.0  # the forearm's half-width across itself
SLANT = np.radians(35.0)  # the forearm's slant from the vertical ...
BONE_SLANT = np.radians(28.0)  # ... and the bone's the pose model reads
ELBOW = np.array([110.0, 100.0])
U = np.array([np.sin(SLANT), np.cos(SLANT)])  # down the image's forearm


def _slanted_cut(radius: float = RADIUS):
    """(image, matte, labels, joints): a figure in a shirt, its bare left forearm (``radius`` px thick) running down
    at SLANT to the bottom edge, the bone read at BONE_SLANT from 6 px beside the elbow to a wrist past the
    border."""
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    shoulder = np.array([95.0, 40.0])
    inside = py < h
    arm = inside & ((seg_dist(px, py, ELBOW, ELBOW + 300 * U) < radius) | (seg_dist(px, py, shoulder, ELBOW) < 15))
    torso = inside & (px >= 20) & (px < 92) & (py >= 35) & ~arm
    head = inside & (np.hypot(px - 55, py - 15) < 14)
    image = np.zeros((H, W, 3), np.uint8)
    image[torso] = SHIRT
    image[head | arm] = SKIN
    matte = (torso | head | arm).astype(np.float32)
    labels = np.full((H, W), -1, np.int32)
    labels[torso] = PARTS.index("torso")
    labels[head] = PARTS.index("head")
    labels[arm] = PARTS.index("l_upper_arm")
    labels[arm & (py > ELBOW[1])] = PARTS.index("l_lower_arm")
    elbow = ELBOW + (6.0, 0.0)
    wrist = elbow + 170 * np.array([np.sin(BONE_SLANT), np.cos(BONE_SLANT)])
    joints = np.zeros((len(J), 2))
    for name, at in {"nose": (55, 15), "left_shoulder": shoulder, "right_shoulder": (15, 40),
                     "right_elbow": (5, 100), "right_wrist": (0, 150), "left_elbow": elbow, "left_wrist": wrist,
                     "left_index": wrist + (4, 30), "left_pinky": wrist + (-6, 28), "left_thumb": wrist + (8, 12),
                     "left_hip": (75, 210), "right_hip": (25, 210)}.items():
        joints[J[name]] = at
    return image, matte, labels, joints


def _across(matte: np.ndarray, labels: np.ndarray, past: float) -> tuple[float, float]:
    """(width, middle) across the image's forearm direction of the arm (the image's own and the drawn) ``past`` px
    beyond where its middle line meets the border, along it (the line across it there crosses the border), the
    middle as the offset from the image's own middle line carried on."""
    start = ELBOW + (h - 1 - ELBOW[1]) / U[1] * U  # where the image's middle line meets the border
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    along = (px - start[0]) * U[0] + (py - start[1]) * U[1]
    across = (px - start[0]) * -U[1] + (py - start[1]) * U[0]
    arm = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_l"]]) & (matte >= 0.5)
    near = (np.abs(along - past) < 1.0) & arm & (np.abs(across) < 3 * RADIUS)
    assert near.sum() > 10, f"nothing drawn {past} px past the border"
    return float(across[near].max() - across[near].min()), float(0.5 * (across[near].max() + across[near].min()))


def test_a_bare_forearm_cut_slantwise_goes_on_as_wide_along_its_own_line_and_narrows_to_the_wrist():
    """Just past the border the forearm is as wide across itself as the image's (within 3 px; from its cut read
    across the bone it came out 10 px narrower), its middle on the image's middle line carried on there (within
    2 px: no step; it was 4 px off) and still near it 25 px past the border (within 3 px, bending to the wrist
    from there on; 5 px off, at the bone's slant), and it narrows towards the wrist."""
    image, matte, labels, joints = _slanted_cut()
    assert fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h)) is not None
    width, middle = _across(matte, labels, 15.0)
    assert abs(width - 2 * RADIUS) <= 3.0, f"{width:.1f} px wide 15 px past the border, the image's arm {2 * RADIUS:.0f}"
    assert abs(middle) <= 2.0, f"its middle {middle:+.1f} px off the image's 15 px past the border"
    _, further = _across(matte, labels, 25.0)
    assert abs(further) <= 3.0, f"its middle {further:+.1f} px off the image's line 25 px past the border"
    lower, _ = _across(matte, labels, 60.0)
    assert lower < width - 3.0, f"{lower:.1f} px wide 60 px past the border, {width:.1f} next to it: no taper"


SHOULDERS = 80.0  # the figure's shoulder span (px)


@pytest.mark.parametrize("radius", [5.0, 18.0])
def test_a_hand_drawn_past_the_border_is_the_bodys_size_whatever_the_forearms_thickness(radius):
    """A bare forearm cut by the border, thin (radius 0.06 shoulder widths) or as thick as one near the camera
    (0.22): the hand drawn at its end is as long as a hand of the body (0.45-0.6 of its shoulder span: MediaPipe's
    hands of the TikTok clips, seen flat on, 0.50-0.56), its palm 0.38-0.52 of that length wide (a real palm,
    0.45), and the forearm's wrist 0.4-0.8 of the palm as wide (a real one, 0.6-0.7). Sized from the forearm (the
    palm 1.6 of its wrist's radius, the hand at least two of them long), the thin one drew a palm 0.33 of the hand's
    length wide and the thick one 0.57; and the hands of one body are one size whatever the arm (the two hands of
    one character differed: TikTok character 4)."""
    image, matte, labels, joints = _slanted_cut(radius)
    joints[J["left_hip"]], joints[J["right_hip"]] = (75, 150), (25, 150)  # (a torso 1.4 shoulder widths long)
    hand = fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h))
    assert hand is not None
    length = float(np.linalg.norm(hand.joints[12] - hand.joints[0]))
    palm = 2.0 * hand.half_width
    assert 0.45 * SHOULDERS <= length <= 0.6 * SHOULDERS, f"{length / SHOULDERS:.2f} shoulder widths long"
    assert 0.38 * length <= palm <= 0.52 * length, f"palm {palm / length:.2f} of the hand's length wide"
    assert 0.4 * hand.half_width <= hand.wrist_radius <= 0.8 * hand.half_width, \
        f"wrist radius {hand.wrist_radius:.1f}, palm {hand.half_width:.1f}"
    image, matte, labels, _ = _slanted_cut(5.0 if radius > 5.0 else 18.0)
    twin = fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h))
    assert twin is not None
    assert abs(float(np.linalg.norm(twin.joints[12] - twin.joints[0])) - length) < 0.5
    assert abs(twin.half_width - hand.half_width) < 0.5


def test_a_forearm_cut_just_short_of_its_wrist_narrows_to_it_inside_the_image():
    """The pose model's wrist 4 px past the border that cuts a thick forearm slantwise: the image's own forearm
    narrows to that wrist over its last rows, as the drawn one does (its cut, as wide as the forearm, was left there
    whole: a slanted slab beside the drawn hand whenever the hand turned, TikTok character 1's raised wrist), and
    stays as wide as the image shows it further up."""
    image, matte, labels, joints = _slanted_cut(18.0)
    joints[J["left_wrist"]] = ELBOW + (h + 4 - ELBOW[1]) / U[1] * U
    for name in ("left_index", "left_pinky", "left_thumb"):
        joints[J[name]] = joints[J["left_wrist"]] + 30 * U
    arm = [PARTS.index(p) for p in LAYERS["arm_l"]]

    def width(row: int) -> int:
        return int((np.isin(labels[row], arm) & (matte[row] >= 0.5)).sum())

    before, above = width(h - 1), width(h - 60)
    assert fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h)) is not None
    assert width(h - 1) < 0.85 * before, f"{width(h - 1)} px wide at the border, the cut {before}"
    assert width(h - 60) >= above - 1, f"{width(h - 60)} px wide further up, the image's {above}"


@pytest.mark.parametrize("level", [1.0, 0.6])
def test_a_forearm_drawn_past_the_border_is_shaded_across_itself_as_the_images_forearm_is(level):
    """The image's forearm lit on one side and in shade on the other (0.3 of its brightness apart, as a photographed
    arm lit from the side is), in the light (``level`` 1) or all of it in the body's shade (0.6): the forearm drawn
    on past the border, halfway to the wrist, is as much darker on the same side (at least half the image's
    difference), and, in shade, lit as the hand drawn at its end is (its mean at least 0.75 of the hand's skin: in
    the shade's own colours, the lit hand lay on it as a pale cut-out). Its colours at the border faded into one
    drawn skin colour within 0.7 of its length, lit in its middle and evenly darker at both sides: a flat tube
    beside the photographed arm (TikTok character 4's raised forearms, 4<-5 frames 140-150)."""
    image, matte, labels, joints = _slanted_cut()
    py, px = np.mgrid[0:H, 0:W].astype(np.float64)
    across = (px - ELBOW[0]) * -U[1] + (py - ELBOW[1]) * U[0]  # (offset from the image's middle line)
    fore = labels == PARTS.index("l_lower_arm")
    shading = level * (0.85 - 0.15 * np.clip(across / RADIUS, -1.0, 1.0))  # lit (1.0) on one side, 0.7 on the other
    image[fore] = np.clip(SKIN * shading[fore][:, None], 0, 255).astype(np.uint8)

    def sides() -> tuple[float, float]:
        """The mean brightness of the arm's outer halves across itself (the lit side, the shaded side) 40 px past
        the border along the image's forearm line."""
        start = ELBOW + (h - 1 - ELBOW[1]) / U[1] * U
        along = (px - start[0]) * U[0] + (py - start[1]) * U[1]
        arm = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_l"]]) & (matte >= 0.99)
        line = (np.abs(along - 40.0) < 1.0) & arm & (np.abs(across) < 3 * RADIUS)
        off = across[line]
        middle, half = 0.5 * (off.max() + off.min()), 0.5 * (off.max() - off.min())
        grey = image[line].astype(np.float64).mean(axis=1)
        return (float(grey[off < middle - 0.4 * half].mean()), float(grey[off > middle + 0.4 * half].mean()))

    row = image[h - 20][fore[h - 20]].astype(np.float64).mean(axis=1)
    shown = float(row.max() - row.min())
    hand = fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, h))
    assert hand is not None
    lit_side, shaded_side = sides()
    assert lit_side - shaded_side >= 0.5 * shown, \
        f"drawn forearm's sides {lit_side:.0f} and {shaded_side:.0f} apart by less than half the image's {shown:.0f}"
    hand_skin = float(np.mean(hand.skin))
    assert 0.5 * (lit_side + shaded_side) >= 0.75 * hand_skin, \
        f"drawn forearm's sides {lit_side:.0f} and {shaded_side:.0f}, its hand's skin {hand_skin:.0f}"

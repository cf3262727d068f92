"""A short sleeve of the shirt's own colour is cut from the torso along its seam, the crease from the armpit up to
the shoulder: the pose model puts the shoulder joint inside the body, and the arm's layer (the tube round its bone)
took a strip of the shirt's front beside the sleeve, print and all, which swung with the arm and left torn blotches
of the print in the body's fill (TikTok character 4)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.engines.puppet.parts import label_parts
from motion_transfer.engines.puppet.seam import _darkest_path
from motion_transfer.pose.skeleton import J

SHIRT, CREASE, PRINT = (170, 182, 212), (120, 130, 160), (240, 240, 236)
SKIN, TROUSERS, WALL = (226, 178, 146), (60, 58, 70), (40, 70, 50)
H, W = 400, 300
SEAM = 90  # the right sleeve's seam (image column; the right arm is on the image's left); the left one's mirrors it


def _mirrored(mask: np.ndarray) -> np.ndarray:
    """``mask`` and its mirror image about the figure's middle (the image's middle column)."""
    return mask | mask[:, ::-1]


def _t_shirt(seam: bool = True,
             long_sleeves: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, joints, sleeves, print): a figure in a light-blue T-shirt on a dark green wall, its arms
    hanging at its sides in short sleeves of the shirt's colour (narrow at the shoulder, flaring to the hem) and
    bare below them (``long_sleeves``: in the shirt's colour down to the wrists), each sleeve's seam a thin
    darker line from the armpit to the shoulder (``seam``), the shirt's white print (letters, the shirt showing
    between them) reaching to four pixels from the seams; the shoulder
    joints five pixels inside the seams and the bones running out through the sleeves to the bare arms' middle,
    where the pose model puts them. ``sleeves``, ``print``: their pixels, less the rim the blur mixes."""
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = WALL
    py, px = np.mgrid[0:H, 0:W]
    torso = (px >= SEAM) & (px < W - SEAM) & (py >= 80) & (py < 250)
    head = (np.hypot(px - 150, py - 45) < 30) | ((px >= 138) & (px < 162) & (py >= 60) & (py < 85))
    legs = ((px >= 96) & (px < 146) | (px >= 154) & (px < 204)) & (py >= 250)
    sleeve = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(sleeve, np.array([(SEAM - 1, 80), (SEAM - 13, 80), (68, 150), (SEAM - 1, 150)], np.int32), 1)
    sleeves = _mirrored(sleeve > 0)
    arms = _mirrored((px >= 58) & (px < 86) & (py >= 150) & (py < 330))
    image[torso | sleeves] = SHIRT
    image[head | arms] = SHIRT if long_sleeves else SKIN
    image[head] = SKIN
    image[legs] = TROUSERS
    # the print: letters' bars, the shirt between them
    letters = (py >= 110) & (py < 150) & (px >= SEAM + 4) & (px < W - SEAM - 4) & ((px - SEAM - 4) % 9 < 6)
    image[letters] = PRINT
    if seam:
        image[_mirrored((py >= 82) & (py < 148) & (np.abs(px - SEAM) <= 1))] = CREASE
    matte = (torso | head | legs | sleeves | arms).astype(np.float32)
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    image = np.clip(image + np.random.default_rng(0).normal(0, 2, image.shape), 0, 255).astype(np.uint8)
    joints = np.zeros((33, 2))
    joints[:11] = (150, 45)
    joints[J["left_eye"]], joints[J["right_eye"]] = (160, 38), (140, 38)
    joints[J["left_ear"]], joints[J["right_ear"]] = (176, 45), (124, 45)
    for side, sign in (("right", 1), ("left", -1)):
        x = W / 2 - sign * (W / 2 - SEAM)  # the side's seam
        joints[J[f"{side}_shoulder"]] = (x + 5 * sign, 90)
        joints[J[f"{side}_elbow"]], joints[J[f"{side}_wrist"]] = (x - 18 * sign, 215), (x - 18 * sign, 318)
        for k, dx in (("index", 0), ("pinky", 4), ("thumb", -4)):
            joints[J[f"{side}_{k}"]] = (x - (18 + dx) * sign, 338)
        hip = x + 30 * sign
        joints[J[f"{side}_hip"]], joints[J[f"{side}_knee"]] = (hip, 250), (hip, 320)
        joints[J[f"{side}_ankle"]], joints[J[f"{side}_heel"]] = (hip, 388), (hip, 392)
        joints[J[f"{side}_foot_index"]] = (hip, 396)
    inner = cv2.erode(sleeves.astype(np.uint8), None, iterations=2).astype(bool)
    return image, matte, joints, inner, cv2.erode(letters.astype(np.uint8), None).astype(bool)


def test_a_short_sleeve_of_the_shirts_colour_ends_at_its_seam():
    """Each sleeve is its arm's to the seam, and the shirt beyond the seam, its print and the shirt between the
    print and the seam, is the torso's (within the seam's two pixels): on main each arm took a strip of the shirt
    and the print's first letter with it."""
    image, matte, joints, sleeves, letters = _t_shirt()
    lab, _ = label_parts(matte, joints, np.ones(33), None, image)
    py, px = np.mgrid[0:H, 0:W]
    rows = (py >= 95) & (py < 145)
    for side, x, sign in (("r", SEAM, 1), ("l", W - 1 - SEAM, -1)):  # sign: from the seam towards the body
        arm = np.isin(lab, [PARTS.index(f"{side}_{p}") for p in ("upper_arm", "lower_arm")])
        across = sign * (px - x)
        assert arm[rows & (across > 2) & (across <= 30)].mean() < 0.02, side  # the shirt's front, print and all
        assert not arm[letters].any(), side
        assert arm[sleeves & rows & (across < -2)].mean() > 0.97, side


def test_without_a_seam_to_follow_the_print_stays_whole_on_the_torso():
    """No crease between the sleeve and the shirt: nothing tells where the sleeve ends, but the print is the
    shirt's, and the arm's piece of it, joined to the rest, goes back to the torso (on main the arm took the
    first letter)."""
    image, matte, joints, sleeves, letters = _t_shirt(seam=False)
    lab, _ = label_parts(matte, joints, np.ones(33), None, image)
    py, px = np.mgrid[0:H, 0:W]
    rows = (py >= 95) & (py < 145)
    for side, x, sign in (("r", SEAM, 1), ("l", W - 1 - SEAM, -1)):
        arm = np.isin(lab, [PARTS.index(f"{side}_{p}") for p in ("upper_arm", "lower_arm")])
        assert not arm[letters].any(), side
        assert arm[sleeves & rows & (sign * (px - x) < -2)].mean() > 0.97, side


@pytest.mark.parametrize("line", [3, 7])
def test_the_darkest_path_follows_a_line_one_column_a_row(line):
    """The seam is traced as one path down the rows, moving at most a column a row, through the darkest cells,
    and never through a forbidden one."""
    reward = np.zeros((20, 12))
    reward[:, line] = 10.0
    reward[10:, line] = 0.0
    reward[10:, line + 1] = 10.0
    reward[5, 0] = 30.0  # a bright speck too far from the line to be worth the way there and back
    reward[:, 11] = -np.inf
    path = _darkest_path(reward)
    assert list(path[:10]) == [line] * 10 and list(path[11:]) == [line + 1] * 9
    assert _darkest_path(np.full((4, 3), -np.inf)) is None


def test_the_shade_beside_a_sleeve_is_painted_in_the_shirts_shade_not_its_print():
    """The dark lines beside an arm (its outline, the shade between it and the body) are painted over so that none
    is left on the body when the arm moves; painted from the pixels around, a light print's letters beside the
    shade made it flat pale blotches (TikTok character 4's "K" in the armpit). No lighter than the cloth on both
    sides of the line, it continues the shirt's shade; the print beside it stays (its rim, mixed with the line in a
    photograph, may soften) and the shirt away from the line is not touched."""
    from motion_transfer.engines.puppet.fill import _paint_lines

    shade, line_c, white = np.array([120, 130, 160]), np.array([50, 50, 62]), np.array([240, 240, 238])
    image = np.zeros((60, 60, 3), np.uint8)
    image[:] = shade
    image[:, 27:31] = line_c  # the shade's dark line, a letter of the print right beside it
    image[8:52, 31:46] = white
    lines = np.zeros((60, 60), bool)
    lines[:, 27:31] = True
    box = np.s_[0:60, 0:60]
    colours = np.zeros((60, 60), np.int64)
    colours[8:52, 31:46] = 1  # the print's white, a colour of its own
    out = _paint_lines(image, lines, box, ~lines, 100.0, colours, np.ones((60, 60), bool))
    painted = out[12:48, 27:31].reshape(-1, 3).astype(float)
    assert painted.mean(axis=0)[0] <= shade[0] + 8, painted.mean(axis=0)
    assert np.abs(out[10:50, 33:44].astype(int) - white).max() <= 8  # the letter's inside as it was, within the fade
    assert (out[:, :12] == image[:, :12]).all() and (out[:, 50:] == image[:, 50:]).all()  # the shirt away from it


def test_the_body_goes_on_under_a_sleeve_cut_at_its_seam_so_no_wall_shows_when_the_arm_swings_out():
    """Cut from the shirt along its seam, the sleeve leaves the body ending at the seam: as soon as the arm swung
    out a little, a thin wedge of the wall opened between the body's side and the sleeve, from the shoulder down
    to the armpit (TikTok character 4; on main 90 pixels at 10 degrees). The body goes on a little under the
    sleeve, in the sleeve's cloth."""
    from motion_transfer.engines.puppet import Renderer, rig_character
    from motion_transfer.pose.figure import Figure
    from motion_transfer.pose.retarget import extend

    image, matte, joints, _, _ = _t_shirt()
    figure = Figure(joints.astype(np.float64), np.ones(33), np.zeros(33), "detected", W, H, segmentation=matte)
    rig = rig_character(image, figure=figure)
    rest = extend(rig.joints.astype(np.float64))
    posed = rest.copy()
    for side, sign in (("right", 1), ("left", -1)):  # each arm swung out 10 degrees about its shoulder
        a = np.deg2rad(10 * sign)
        turn = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        centre = rest[J[f"{side}_shoulder"]]
        for k in ("elbow", "wrist", "index", "pinky", "thumb"):
            posed[J[f"{side}_{k}"]] = centre + (rest[J[f"{side}_{k}"]] - centre) @ turn.T
    wall = np.array([255, 0, 255])
    frame = Renderer(rig, W, H).render(np.full((H, W, 3), wall, np.uint8), posed, np.zeros(36), 1.0, 0.0)
    rows = np.abs(frame[85:140].astype(int) - wall).sum(axis=2) < 150  # the seam's rows, above the armpits
    # the wall with the figure on both sides of it along its row: between the body and the sleeve
    enclosed = rows & np.maximum.accumulate(~rows, axis=1) & np.maximum.accumulate(~rows[:, ::-1], axis=1)[:, ::-1]
    assert enclosed[:, :W // 2].sum() <= 5 and enclosed[:, W // 2:].sum() <= 5, (enclosed[:, :W // 2].sum(),
                                                                               enclosed[:, W // 2:].sum())


def test_the_body_goes_under_a_short_sleeve_only():
    """A long sleeve of the shirt's colour lying against the body may hang out past its side (the body's side
    under it is the waist's business, ``fill._body_sides``): the body does not go on under it, but for the
    shoulder's round top above the joint (:func:`.envelope.shoulder_tops`, which a raised sleeve uncovers)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.envelope import shoulder_tops
    from motion_transfer.engines.puppet.fill import fill_hidden_torso, hidden_torso
    from motion_transfer.pose.figure import Figure

    for long_sleeves in (False, True):
        image, matte, joints, _, _ = _t_shirt(long_sleeves=long_sleeves)
        figure = Figure(joints.astype(np.float64), np.ones(33), np.zeros(33), "detected", W, H, segmentation=matte)
        rig = rig_character(image, figure=figure)
        arms = np.isin(rig.labels, [PARTS.index(f"{s}_{p}") for s in "lr" for p in ("upper_arm", "lower_arm")])
        arms &= ~shoulder_tops(rig.labels, rig.joints)
        added = fill_hidden_torso(rig.image, rig.labels, rig.joints)[1] & ~hidden_torso(rig.labels, rig.joints)
        assert (added & arms).sum() == 0 if long_sleeves else (added & arms).sum() > 300, (long_sleeves, added.sum())

"""A top's straps over bare shoulders stay with the top (engines/puppet/straps.py)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.engines.puppet.straps import strap_lines, straps_to_torso
from torso_scene import torso

SKIN, TOP = (200, 150, 120), (25, 25, 35)
_JOINTS = torso(elbow=(80, 180), wrist=(80, 270), backdrop=200)[0]  # (its shoulders at row 100)


def _strapped(strap_to: int, arm_colour: tuple[int, int, int] = SKIN) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, strap mask): bare shoulders over a dark top whose strap on the right shoulder (image
    left) runs from the top's edge ``strap_to`` rows up, along the right upper arm's border, half of it labelled
    the arm (as labels made by the bones' distances put it: TikTok character 3). The shoulder joints
    (:data:`_JOINTS`) lie 100 rows down, the top's edge 150."""
    h, w = 300, 300
    image = np.full((h, w, 3), 200, np.uint8)
    torso = np.zeros((h, w), bool)
    torso[70:300, 100:200] = True
    arm = np.zeros((h, w), bool)
    arm[70:280, 62:101] = True
    image[torso] = SKIN
    image[arm] = arm_colour
    image[150:300, 100:200] = TOP
    strap = np.zeros((h, w), np.uint8)
    cv2.line(strap, (101, 150), (103, 150 - strap_to), 1, 3)
    strap = strap.astype(bool)
    image[strap] = TOP
    labels = np.full((h, w), -1, np.int16)
    labels[torso] = PARTS.index("torso")
    labels[arm] = PARTS.index("r_upper_arm")
    return image, labels, strap


def test_a_strap_along_the_arm_goes_to_the_torso_whole():
    image, labels, strap = _strapped(strap_to=60)
    assert (labels[strap] == PARTS.index("r_upper_arm")).any()  # the arm holds part of it as labelled
    out = straps_to_torso(labels, strap_lines(image, labels, _JOINTS, labels >= 0), _JOINTS, image)
    assert (out[strap] == PARTS.index("torso")).all()
    lost = (labels == PARTS.index("r_upper_arm")) & (out != PARTS.index("r_upper_arm"))
    assert lost.sum() <= 2 * strap.sum()  # the strap and its edge, not the arm's skin


def test_a_short_dark_line_by_the_arm_is_no_strap():
    """The tips of dark hair over a sleeve, joined to the dark hair, are shorter than a strap over a shoulder."""
    image, labels, strap = _strapped(strap_to=15)
    assert not strap_lines(image, labels, _JOINTS, labels >= 0).any()
    assert np.array_equal(straps_to_torso(labels, strap_lines(image, labels, _JOINTS, labels >= 0), _JOINTS, image),
                          labels)


@pytest.mark.parametrize("arm_colour", [SKIN, (170, 40, 40)])
def test_the_fill_behind_the_arm_leaves_the_strap_on_the_shoulder(arm_colour):
    """The hidden torso's fill paints over the arm's dark outline beside the pixels the arm hides, and the
    torso's pixels right beside what it paints in (a bare arm is kept as the skin under it; a red sleeve is
    painted over); a strap along the arm's border is the top's own and stays as dark as it is."""
    from motion_transfer.engines.puppet.fill import fill_hidden_torso

    image, labels, strap = _strapped(strap_to=60, arm_colour=arm_colour)
    straps = strap_lines(image, labels, _JOINTS, labels >= 0)
    labels = straps_to_torso(labels, straps, _JOINTS, image)
    out, hidden = fill_hidden_torso(image, labels, _JOINTS, straps=straps)
    assert hidden.any()  # the arm hides some of the body beside the strap
    bright = out[strap].astype(float).sum(axis=1)
    assert np.percentile(bright, 90) < 150, f"the strap painted over: {np.percentile(bright, 90):.0f}"


def _past_the_strap() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, strap, the arm's skin medial of it): :func:`_strapped`'s strap, the arm labelled 14 columns
    past it over the chest and the top's corner below it, as bone distances label it when the pose model puts the
    shoulder joint medial of the strap (TikTok character 3 cut at her chest); the shoulder past the strap in shade."""
    image, labels, strap = _strapped(strap_to=60, arm_colour=(160, 115, 90))
    over = np.zeros(labels.shape, bool)
    over[70:280, 101:115] = True
    labels[over] = PARTS.index("r_upper_arm")
    rows = np.zeros(labels.shape, bool)
    rows[95:145] = True  # (along the strap, above the top)
    return image, labels, strap, over & ~strap & rows


def test_a_strap_running_into_the_arms_share_of_the_top_is_found_and_what_lies_medial_of_it_is_the_torsos():
    image, labels, strap, chest = _past_the_strap()
    straps = strap_lines(image, labels, _JOINTS, labels >= 0)
    assert straps[strap].mean() > 0.9  # it ran into the top only through the arm's pixels: missed before
    out = straps_to_torso(labels, straps, _JOINTS, image)
    assert (out[chest] == PARTS.index("torso")).mean() > 0.95  # the chest's skin medial of the strap
    corner = np.zeros(labels.shape, bool)
    corner[160:280, 104:115] = True
    assert (out[corner] == PARTS.index("torso")).all()  # the top's corner under it
    arm = np.zeros(labels.shape, bool)
    arm[70:280, 62:98] = True
    assert (out[arm] == PARTS.index("r_upper_arm")).all()  # the bare arm past it stays the arm


@pytest.mark.parametrize("hair", [False, True])
def test_the_shoulder_past_the_strap_is_kept_as_it_is_under_the_arm(hair):
    """The shoulder's round past the strap, in its own shade, is the torso's under the hanging arm and kept as
    the image shows it: painted from the lit chest it stood as a pale block beside the strap, and where the torso
    ended at the strap the backdrop showed in a notch once the arm moved (TikTok character 3 cut at her chest).
    Dark hair beside the strap's top is no top beginning there (it took the whole strap for the top's side)."""
    from motion_transfer.engines.puppet.fill import fill_hidden_torso

    image, labels, _, _ = _past_the_strap()
    if hair:
        image[88:100, 106:130] = TOP
    straps = strap_lines(image, labels, _JOINTS, labels >= 0)
    labels = straps_to_torso(labels, straps, _JOINTS, image)
    out, hidden = fill_hidden_torso(image, labels, _JOINTS, straps=straps)
    cap = np.zeros(labels.shape, bool)
    cap[100:140, 92:99] = True
    assert hidden[cap].all()
    assert np.abs(out[cap].astype(int) - image[cap]).max() <= 2


def test_the_shoulder_past_the_strap_comes_in_round_to_the_armpit():
    """Past the strap the arm hides the shoulder's round: out to its full depth at the shoulder joint's level, in
    along a round to the top's side where the top begins, the armpit. Kept at one depth down to the top, it
    stood as a square column of skin beside the top once the arms spread (TikTok character 3 over a dance)."""
    from motion_transfer.engines.puppet.fill import fill_hidden_torso

    image, labels, _, _ = _past_the_strap()
    straps = strap_lines(image, labels, _JOINTS, labels >= 0)
    labels = straps_to_torso(labels, straps, _JOINTS, image)
    _, hidden = fill_hidden_torso(image, labels, _JOINTS, straps=straps)

    def depth(row: int) -> int:  # how far past the strap's outer edge the hidden shoulder reaches
        return int(np.flatnonzero(straps[row]).min() - np.flatnonzero(hidden[row, :101]).min())

    at_joint = depth(105)
    assert at_joint >= 8
    assert all(depth(r) <= 0.5 * at_joint for r in range(144, 150)), [depth(r) for r in range(140, 150)]


@pytest.mark.parametrize("hidden_to", [160, 200])
def test_the_armpit_just_below_the_straps_end_is_kept_as_it_is_under_the_arm(monkeypatch, hidden_to):
    """Where the strap ends at the top's edge, the arm hides the armpit below the shoulder's kept round (in shade,
    as the image shows it). Where what the arm hides ends a little below (160), the paint there was a strip between
    that round and the arm's pixels kept at the hidden part's end, and stood as a black sliver at the strap's foot
    once the arm moved (TikTok character 3 cut at her chest): it is kept. Where it goes on well down the body's side
    (200), the body under the arm is painted as before (the same character, whole)."""
    import motion_transfer.engines.puppet.fill as fill

    image, labels, _, _ = _past_the_strap()
    image[150:200, 62:101] = (110, 75, 55)  # the armpit in shade below the top's edge (row 150)
    straps = strap_lines(image, labels, _JOINTS, labels >= 0)
    labels = straps_to_torso(labels, straps, _JOINTS, image)
    bones = fill.hidden_torso

    def hidden_torso(labels: np.ndarray, joints: np.ndarray, **kw) -> np.ndarray:
        """As the bones put it for her: the arm hides the body past the strap down past the top's edge."""
        hidden = bones(labels, joints, **kw)
        hidden[87:hidden_to, 87:101] = True
        return hidden

    monkeypatch.setattr(fill, "hidden_torso", hidden_torso)
    out, hidden = fill.fill_hidden_torso(image, labels, _JOINTS, straps=straps)
    armpit = np.zeros(labels.shape, bool)
    armpit[151:158, 87:97] = True
    assert hidden[armpit].all()
    changed = np.abs(out[armpit].astype(int) - image[armpit]).max(axis=1)
    if hidden_to == 160:
        assert changed.max() <= 2
    else:
        assert np.mean(changed > 10) > 0.9


def test_the_armpit_below_the_straps_end_is_kept_down_to_the_arm_kept_below_it():
    """Below a strap's end the hanging arm hides the armpit past the top's slanted side, down to where the arm's
    own pixels are kept (a bare arm along bare skin). The paint between the kept shoulder's round above and those
    pixels, run down further than the vote's reach (4 margins: 24 rows here), continued the top's colour out to the
    hidden part's edge: a dark square block past the top's side over the upper arm once it moved (TikTok character
    3 moved by clip 4, frames 20-120). It is the armpit, kept as the image shows it. (A paint run down to where the
    hidden part ends stays painted: :func:`test_the_armpit_just_below_the_straps_end_is_kept_as_it_is_under_the_arm`.)
    """
    from motion_transfer.engines.puppet.fill import _cap_slivers

    sw = 200.0
    past_strap = np.zeros((200, 60), bool)
    past_strap[:20, :30] = True  # the shoulder's side of the strap, down to the top's edge (row 20)
    hidden = np.zeros(past_strap.shape, bool)
    hidden[:, 10:30] = True  # what the arm hides, down its inner side
    hole = np.zeros(past_strap.shape, bool)
    hole[20:50, 10:30] = True  # painted: the armpit, 30 rows down; below it the arm's pixels are kept
    hole[150:, 10:30] = True  # ... and further down the top continued to the hidden part's end (out of reach)
    kept = _cap_slivers(past_strap, hole, hidden, sw, margin=6)
    assert kept[20:50, 10:30].all()
    assert not kept[50:].any()


def test_the_holes_ring_round_the_kept_armpit_is_kept_with_it():
    """The hole reaches a few pixels out from the arm's hidden pixels over the torso (the arm's blurred edge, the
    hem's loose pixels beside it). Beside the armpit kept as the image shows it, that ring was still painted: the
    top continued up to the labels' pixel border, whose 3-px staircase then stood as the top's edge beside the
    armpit, with a raised block at the strap's foot, where the picture shows the top's smooth slanted edge (TikTok
    character 3 moved by clip 4). The ring goes with the armpit it was laid round (within its reach, 3 margins);
    beside the top painted further down, and out of reach, it is still painted."""
    from motion_transfer.engines.puppet.fill import _cap_slivers

    sw, margin = 200.0, 6
    past_strap = np.zeros((200, 80), bool)
    past_strap[:20, :30] = True  # the shoulder's side of the strap, down to the top's edge (row 20)
    hidden = np.zeros(past_strap.shape, bool)
    hidden[:, 10:30] = True  # what the arm hides, down its inner side
    hole = np.zeros(past_strap.shape, bool)
    hole[20:50, 10:30] = True  # the armpit, kept: below it the arm's pixels are kept
    hole[150:, 10:30] = True  # the top continued to the hidden part's end, painted
    hole[17:200, 30:34] = True  # the hole's ring over the torso beside both
    hole[17:50, 60:64] = True  # a piece of the hole out of the armpit's reach (30 px off)
    kept = _cap_slivers(past_strap, hole, hidden, sw, margin)
    assert kept[20:50, 10:34].all()
    assert kept[17:20, 30:34].all()  # (beside the strap's foot too)
    assert not kept[150:].any()
    assert not kept[:, 60:].any()

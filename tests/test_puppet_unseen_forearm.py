"""A forearm the picture never shows, drawn by the rig past its bottom edge, reads as a forearm: a close-up cut at
the chest (TikTok character 5), white puff sleeves cut by the bottom edge above the elbows, the forearms below them
drawn on from the elbows with a hand at each end. Drawn as an even stick no thinner at the wrist, shaded only along
its outline, it read as a flat strip in the face's colour with a cartoon hand on it when the motion raised it into
view (5<-0 frames 19-25)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet import fill
from motion_transfer.engines.puppet.model import LAYERS, PARTS
from motion_transfer.pose.skeleton import J
from torso_scene import CLOSE_UP, CLOSE_UP_SKIN, CLOSE_UP_SLEEVE, CLOSE_UP_WALL, close_up_joints, photographed

W, H, PAD = 300, 300, 220  # the image, and the rows the rig pads below its bottom edge
# the elbows past the bottom edge, the forearms hanging on down past it; the hips put the torso's length (0.7 of it)
# under the shoulders' span, so that the body is sized by its shoulders
JOINTS = {**CLOSE_UP, "left_elbow": (235, 315), "left_wrist": (248, 430), "right_elbow": (65, 315),
          "right_wrist": (52, 430), "left_hip": (200, 290), "right_hip": (100, 290)}


def _close_up() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, matte, labels, joints), padded below the image as the rig pads them: the bare chest and neck between
    two white puff sleeves hanging from the shoulders to the bottom edge, the head above, before a pale wall; a
    photograph's grain and softness."""
    yy, xx = np.mgrid[0:H + PAD, 0:W]
    inside = yy < H
    head = (xx - 150) ** 2 + (yy - 55) ** 2 <= 32 ** 2
    torso = inside & (yy >= 85) & (np.abs(xx - 150) <= 62) & ~head
    sleeves = {side: inside & (yy >= 105) & (np.abs(xx - x) <= 36) for side, x in (("l", 228), ("r", 72))}
    image = np.zeros((H + PAD, W, 3), np.float32)
    image[:] = CLOSE_UP_WALL
    labels = np.full((H + PAD, W), -1, np.int32)
    image[torso], labels[torso] = CLOSE_UP_SKIN, PARTS.index("torso")
    image[head], labels[head] = CLOSE_UP_SKIN, PARTS.index("head")
    for side, sleeve in sleeves.items():
        image[sleeve], labels[sleeve] = CLOSE_UP_SLEEVE, PARTS.index(f"{side}_upper_arm")
    image = photographed(image, noise=3.0)
    image[~inside] = 0
    matte = (labels >= 0).astype(np.float32)
    joints, _ = close_up_joints(JOINTS)
    return image, matte, labels, joints.astype(np.float64)


def _drawn_left_forearm():
    """(image, matte, labels, hand, along, across): the scene with its left forearm and hand drawn past the
    border, and each pixel's place along the forearm (0 at the elbow, 1 at the wrist) and across it (pixels)."""
    image, matte, labels, joints = _close_up()
    hand = fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, H))
    assert hand is not None and not hand.outlined
    elbow, wrist = joints[J["left_elbow"]], joints[J["left_wrist"]]
    u = (wrist - elbow) / np.linalg.norm(wrist - elbow)
    py, px = np.mgrid[0:H + PAD, 0:W].astype(np.float64)
    along = ((px - elbow[0]) * u[0] + (py - elbow[1]) * u[1]) / np.linalg.norm(wrist - elbow)
    across = (px - elbow[0]) * -u[1] + (py - elbow[1]) * u[0]
    return image, matte, labels, hand, along, across


def _width(matte: np.ndarray, labels: np.ndarray, along: np.ndarray, across: np.ndarray, at: float) -> float:
    """The drawn arm's width (pixels) across itself at ``at`` along the forearm, below the border."""
    arm = np.isin(labels, [PARTS.index(p) for p in LAYERS["arm_l"]]) & (matte >= 0.5)
    arm[:H] = False
    row = arm & (np.abs(along - at) * 115.0 < 0.75)
    assert row.sum() > 3, f"no arm drawn at {at} of the forearm"
    return float(across[row].max() - across[row].min() + 1.0)


def test_an_unseen_forearm_narrows_from_its_muscles_to_a_wrist_narrower_than_the_hand():
    """Below the elbow the forearm is as wide as the palm (within a fifth) and at least 1.25 times as wide as at
    its wrist; the hand across its palm (the thumb left out) 1.2-1.6 times as wide as the wrist, and 0.4-0.5 as
    wide as it is long (a hand's proportions). On main the forearm widened to the wrist (0.97 of it)."""
    _, matte, labels, hand, along, across = _drawn_left_forearm()
    muscles, wrist = _width(matte, labels, along, across, 0.25), _width(matte, labels, along, across, 0.92)
    palm = 2.0 * hand.half_width
    assert abs(muscles - palm) <= 0.2 * palm, f"the forearm {muscles:.0f} px wide below the elbow, the palm {palm:.0f}"
    assert muscles >= 1.25 * wrist, f"the forearm {muscles:.0f} px wide below the elbow, {wrist:.0f} at the wrist"
    assert 1.2 <= palm / (2.0 * hand.wrist_radius) <= 1.6, f"palm {palm:.0f} px, wrist {2 * hand.wrist_radius:.0f}"
    assert 0.4 <= palm / hand.length <= 0.5, f"palm {palm:.0f} px wide, the hand {hand.length:.0f} long"


def test_an_unseen_forearm_is_lit_along_its_middle_and_shaded_round_to_its_sides():
    """Across the forearm halfway down it, its middle (a quarter of its half-width either side) is lighter than
    the skin it is drawn in (a cylinder lit from the front: on main, no lighter) and at least 8 levels lighter than
    its sides (0.6-0.85 of its half-width out; main's, shaded only near its outline, 6)."""
    image, matte, labels, hand, along, across = _drawn_left_forearm()
    half = 0.5 * _width(matte, labels, along, across, 0.5)
    fore = (labels == PARTS.index("l_lower_arm")) & (matte >= 0.99) & (np.abs(along - 0.5) < 0.15)
    fore[:H] = False
    light = image[fore & (np.abs(across) < 0.25 * half)].astype(np.float64).mean()
    sides = image[fore & (np.abs(across) > 0.6 * half) & (np.abs(across) < 0.85 * half)].astype(np.float64).mean()
    skin = float(np.mean(hand.skin))
    assert light >= skin + 2.0, f"the forearm's middle {light:.1f}, its skin {skin:.1f}"
    assert light - sides >= 8.0, f"across the forearm {light:.1f} along its middle, {sides:.1f} at its sides"


def _posed_outside_rest(move) -> int:
    """Pixels of a hand the rig drew (open, every digit at full length, past the image's border) that the actor's
    hand, at rest in both its frames but as ``move`` (a function of the actor's [2, 21, 3] hand and the drawn hand's
    rest joints, changing the first in place) moves it, draws in its second frame outside the hand drawn at rest
    (grown by 2 pixels)."""
    from motion_transfer.engines.puppet.drawn_hand import draw_hand, open_hand_joints
    from motion_transfer.engines.puppet.hands import HandAnimator, build_hand_rig, hand_drive
    from motion_transfer.engines.puppet.model import DrawnHand

    size, length, half = 300, 120.0, 27.0
    wrist = np.array([150.0, 60.0])
    joints = open_hand_joints(wrist, wrist + (0.0, 60.0), wrist + (30.0, 30.0), length, half)
    skin, shade = np.array([196.0, 150.0, 122.0], np.float32), np.array([170.0, 128.0, 104.0], np.float32)
    drawn = DrawnHand(joints=joints, length=length, half_width=half, elbow=wrist - (0.0, 150.0), wrist_radius=20.0,
                      skin=skin, shade=shade)
    texture = np.zeros((size, size, 4), np.uint8)
    draw_hand(texture, joints, np.zeros(16), half, skin, shade)
    rest = texture[:, :, 3] >= 128
    actor = np.zeros((2, 21, 3))
    actor[:, :, :2] = joints
    move(actor, joints)
    anim = HandAnimator()
    anim.add(build_hand_rig(joints, "left", (size, size)), hand_drive(actor), texture, (0, 0), drawn=drawn,
             image_size=(size, 10))
    anim.apply(1)
    grown = cv2.dilate(rest.astype(np.uint8), None, iterations=2).astype(bool)
    return int(((texture[:, :, 3] >= 128) & ~grown).sum())


def test_a_drawn_hands_thumb_is_never_drawn_longer_than_the_hand_it_was_drawn_with():
    """The rig draws its hand open, every digit at full length. The actor's thumb, foreshortened in its first
    frame, then shown at full length, drove the drawn thumb 1.4 times its length: a thin horn out of the palm
    (5<-0 frames 21-24). Posed so, with nothing else moved, the drawn hand covers no more than a few pixels outside
    the hand drawn at rest (main: 232, its thumb 1.4 times as long)."""
    def thumb_foreshortened_first(actor: np.ndarray, joints: np.ndarray) -> None:
        actor[0, 2:5, :2] = joints[1] + 0.7 * (joints[2:5] - joints[1])

    outside = _posed_outside_rest(thumb_foreshortened_first)
    assert outside <= 10, f"{outside} pixels of the posed hand outside the hand drawn at rest"


@pytest.mark.parametrize("bends", [(130.0, 0.0), (96.0, 96.0)])
def test_a_drawn_hands_finger_curled_back_ends_at_its_fold(bends):
    """The actor curls its index finger away from the middle finger, at its middle knuckle by ``bends[0]`` degrees
    and at its last by ``bends[1]`` more. A hand the rig drew ends that finger at the fold, a stub with a rounded
    knuckle, as a curled finger shows from the front; drawn on round the fold, the fingertip stood out of the hand as
    a hook, a cartoon's "C" (5<-0 frames 21-22: 96 degrees at each knuckle). The posed hand covers no more than a few
    pixels outside the hand drawn at rest (main: 235 and 246, the hook's)."""
    def index_curled(actor: np.ndarray, joints: np.ndarray) -> None:
        pip, dip = joints[6], joints[7]
        away = np.sign(np.cross(dip - pip, joints[10] - pip)) or 1.0  # (turning away from the middle finger)

        def turned(points: np.ndarray, about: np.ndarray, degrees: float) -> np.ndarray:
            t = -away * np.radians(degrees)
            return about + (points - about) @ np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]).T

        bent = turned(joints[7:9], pip, bends[0])
        bent[1] = turned(bent[1], bent[0], bends[1])
        actor[1, 7:9, :2] = bent

    outside = _posed_outside_rest(index_curled)
    assert outside <= 10, f"{outside} pixels of the posed hand outside the hand drawn at rest"


def test_a_photographs_drawn_fingers_are_held_together():
    """The hand drawn at the end of the forearm has its fingers held together, one mass parted by soft seams: across
    them at 0.6-0.75 of the hand's length from the wrist (drawn four times its size over nothing, so the seams are
    wider than a pixel), no gap the background shows through (coverage under half) between the index finger and
    the pinky. On main, spread a little, they parted at their tips as a cartoon glove's (coverage 0 between them)."""
    from motion_transfer.engines.puppet.drawn_hand import draw_hand

    image, matte, labels, joints = _close_up()
    hand = fill.continue_cut_arm(image, matte, labels, joints, "arm_l", (0, 0, W, H))
    assert hand is not None and not hand.outlined
    scale, size = 4.0, 700
    posed = (hand.joints - hand.joints[0]) * scale + size / 2
    patch = np.zeros((size, size, 4), np.uint8)
    draw_hand(patch, posed, np.zeros(16), scale * hand.half_width, hand.skin, hand.shade, hand.light, False, None,
              hand.blur)
    u = (posed[5] + posed[17]) / 2 - posed[0]
    u /= np.linalg.norm(u)
    v = np.array([-u[1], u[0]])
    for at in (0.6, 0.675, 0.75):
        points = (posed[0] + at * scale * hand.length * u
                  + np.arange(-1.2, 1.2, 0.01)[:, None] * scale * hand.half_width * v).astype(np.float32)
        alpha = cv2.remap(patch[:, :, 3].astype(np.float32), points[:, :1], points[:, 1:], cv2.INTER_LINEAR)[:, 0]
        on = np.flatnonzero(alpha >= 128)
        assert len(on) > 0, f"no fingers drawn at {at} of the hand's length"
        gap = float(alpha[on[0]:on[-1] + 1].min())
        assert gap >= 128, f"the background shows between the fingers at {at} of the hand's length ({gap:.0f})"


def test_the_drawn_forearm_keeps_its_edge_up_to_the_wrist_when_its_hand_is_cleared():
    """Each frame the hand is cleared from the arm's rest texture and drawn afresh, posed as the actor's. Behind the
    line across the wrist every pixel of the drawn arm is its forearm's, none cleared with the hand. On main the
    palm's rounded end and soft rim reached behind that line, the hand's there (main: 9 of those pixels cleared
    along the forearm's edge), a notch with a pale sliver in the forearm's edge just
    before the wrist wherever the actor's hand turned off it (5<-0 frames 20-22)."""
    from motion_transfer.engines.puppet.hands import _without_hand

    image, matte, _, hand, along, _ = _drawn_left_forearm()
    wrist, elbow = hand.joints[0], hand.elbow
    u = (wrist - elbow) / np.linalg.norm(wrist - elbow)
    py, px = np.mgrid[0:H + PAD, 0:W].astype(np.float64)
    behind = ((px - wrist[0]) * u[0] + (py - wrist[1]) * u[1] < 0) & (along > 0.5)
    behind[:H] = False
    drawn = matte > 0
    patch = np.dstack([image, np.round(matte * 255.0)]).astype(np.uint8)
    base = _without_hand(patch, hand, np.zeros(2), (W, H))
    cleared = behind & drawn & (base[:, :, 3] == 0)
    assert not cleared.any(), f"{cleared.sum()} pixels of the forearm behind the wrist cleared with the hand"

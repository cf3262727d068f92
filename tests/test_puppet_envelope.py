"""The torso's envelope above the armpits, and the sleeve pixels it takes off the torso."""
import numpy as np

from motion_transfer.engines.puppet.envelope import (ARMPIT_BAND, body_frame, past_sides, sleeves_off_torso,
                                                     torso_envelope)
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.skeleton import J

PINK = (220, 110, 140)


def _figure(arms_hang: bool, top: tuple[int, int, int] = PINK) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(labels, joints, image) of a figure in a ``top`` of one colour facing the camera, shoulders 120 pixels
    apart, whose labels gave the torso the upper half of each puffy sleeve (out past the shoulder joints, down to
    150), the upper arms the rest of it; its arms hang against its sides (``arms_hang``, as in TikTok clip 5) or stand
    out from them (the torso's sides show below the armpits)."""
    labels = np.full((400, 400), -1, np.int16)
    joints = np.zeros((33, 2), np.float32)
    for name, x, y in (("left_shoulder", 260, 100), ("right_shoulder", 140, 100), ("left_hip", 240, 260),
                       ("right_hip", 160, 260)):
        joints[J[name]] = x, y
    labels[90:280, 140:261] = PARTS.index("torso")
    for side, s in (("l", 1), ("r", -1)):
        xs = slice(255, 300) if s > 0 else slice(100, 146)
        if arms_hang:  # along the side, from the armpit down past the hips
            labels[150:300, xs] = PARTS.index(f"{side}_upper_arm")
        else:  # out from the body, raised: nothing of it below the armpits
            labels[110:150, slice(300, 360) if s > 0 else slice(40, 100)] = PARTS.index(f"{side}_upper_arm")
        labels[95:150, xs] = PARTS.index("torso")
    image = np.full((400, 400, 3), top, np.uint8)
    return labels, joints, image


def test_arms_hanging_against_the_sides_bound_nothing_and_keep_their_sleeves_labels():
    """Where the arms hang against the body, the torso's pixels end along the arms, not at its sides: read as
    its sides, they cut the upper half of the puffy sleeves off the torso, and her arms moved a wider sleeve
    (TikTok clip 5 driven by clip 0: her right upper arm 4 -> 9 deg)."""
    labels, joints, image = _figure(arms_hang=True)
    assert torso_envelope(labels, joints)[0].all()
    assert (sleeves_off_torso(labels, joints, image) == labels).all()


def test_arms_away_from_the_sides_take_the_sleeves_flaps_below_the_shoulders():
    """With the arms out, the sides show below the armpits, and the sleeve beside the body under the line
    through the shoulders goes to the upper arm; the shoulder's top above that line stays the torso's."""
    labels, joints, image = _figure(arms_hang=False)
    result = sleeves_off_torso(labels, joints, image)
    moved = result != labels
    assert moved[101:145, 266:300].all() and moved[101:145, 100:135].all()
    assert not moved[:100].any()


def test_a_black_or_white_sleeve_keeps_its_labels():
    """Every grey is a shade of a black or a white sleeve (hair, shadow, the background beside it): TikTok clip
    0's black armpit went to the arm and stood out from her shoulder as a black flap once the arm hung down."""
    for top in ((25, 22, 28), (235, 235, 235)):
        labels, joints, image = _figure(arms_hang=False, top=top)
        assert (sleeves_off_torso(labels, joints, image) == labels).all()


def test_the_envelope_takes_the_body_frame_its_caller_made():
    """sleeves_off_torso hands the envelope the body's frame it made (one full-size frame fewer); the envelope
    is the one made from the joints alone."""
    labels, joints, _ = _figure(arms_hang=False)
    given = torso_envelope(labels, joints, body_frame(joints, labels.shape))
    own = torso_envelope(labels, joints)
    assert not own[0].all() and own[1].any()
    assert all((a == b).all() for a, b in zip(given, own))


def test_past_a_side_seen_below_the_armpits_lies_nothing_of_the_body():
    """Where the image shows the torso's sides below the armpits, what lies past them at those levels is no body
    (the hidden torso reached 15 px past character 4's side there, under the arm hanging beside it, and stood as a
    flap of the sleeve's edge once the arm moved); above and below those levels, and where the arms hang against
    the sides, nothing is bounded so."""
    labels, joints, _ = _figure(arms_hang=False)
    f = body_frame(joints, labels.shape)
    past = past_sides(labels, joints, f)
    band = (f.level >= ARMPIT_BAND[0] * f.spine) & (f.level < ARMPIT_BAND[1] * f.spine)
    assert past.any() and not (past & ~band).any()
    assert not (past & (labels == PARTS.index("torso"))).any()  # (the torso's own pixels lie within its sides)
    assert past[band.any(axis=1), 275].all() and past[band.any(axis=1), 125].all()
    assert not past_sides(*_figure(arms_hang=True)[:2]).any()


def test_the_shoulders_round_top_reaches_the_shirts_own_shoulder_line_above_low_joints():
    """Where the pose model puts the shoulder joints low in the sleeve, the shirt's own shoulder line beside the
    sleeve lies higher than SHOULDER_RISE above them: the envelope's round top reaches it there, so that the body
    under the sleeve goes on along it (rounded off lower, the torso's own corner at the sleeve's cut stood as a
    point on the shoulder with the backdrop in a notch beside it once the arm rose: TikTok character 4 cut at 60%
    of her height). No higher than RISE_MAX, whatever the torso's pixels reach (hair the labels gave it)."""
    labels, joints, _ = _figure(arms_hang=False)
    labels[76:90, 200:261] = PARTS.index("torso")  # the shirt's shoulder line 24 px (0.2 shoulder widths) up
    allowed = torso_envelope(labels, joints)[0]
    assert allowed[80:90, 246:252].all()  # (SHOULDER_RISE's round top: row 88)
    labels[30:90, 200:261] = PARTS.index("torso")  # ... and hair over the shoulder, labelled the torso's
    allowed = torso_envelope(labels, joints)[0]
    assert allowed[74:90, 246:250].all() and not allowed[40:68, 246:258].any()

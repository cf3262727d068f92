"""A bare hand lying on the trousers, seen poorly by the pose model: the hand's pixels, and the trousers under it.

On a mannequin drawn with its right palm flat on the front of its hip (the answer known from the drawing)."""
from __future__ import annotations

import numpy as np

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.engines.puppet.palms import palms_on_body
from motion_transfer.engines.puppet.parts import LIMB_RADIUS, blurred_lab, label_parts
from motion_transfer.pose.skeleton import J, shoulder_span
from motion_transfer.samples.mannequin import character_pose, render_mannequin

SKIN = np.array([226, 178, 146])  # the mannequin's "person" style
BACKDROP = (236, 234, 228)
LIT = (242, 222, 208)  # the skin of knuckles in a highlight: paler, greyer, not of the skin's hue


def _palm_on_hip(seen: float = 0.25):
    """A mannequin with its right palm on the front of its hip, just inside the body's outline (its fingers down
    the thigh), the hand seen ``seen`` well: (image, matte, joints [33, 2], visibility, the hand's skin pixels,
    the other thigh's trousers)."""
    clip = character_pose("a-pose", size=(360, 480))
    j = clip.joints[0].copy()
    sh, hip, knee, other = (j[J[k], :2] for k in ("right_shoulder", "right_hip", "right_knee", "left_hip"))
    wrist = hip + 0.2 * (other - hip) - 0.1 * (knee - hip)
    elbow = sh + np.array([-14.0, 0.55 * (wrist[1] - sh[1])])
    d = (wrist - elbow) / np.linalg.norm(wrist - elbow)
    n = np.array([-d[1], d[0]])
    for k, p in (("elbow", elbow), ("wrist", wrist), ("index", wrist + 30 * d + 6 * n),
                 ("pinky", wrist + 27 * d - 6 * n), ("thumb", wrist + 15 * d + 12 * n)):
        j[J[f"right_{k}"]] = (*p, -40.0)
    image = render_mannequin(j, clip.size, style="person", scale=clip.scale)
    matte = (np.abs(image.astype(int) - BACKDROP).sum(axis=2) > 30).astype(np.float32)
    py, px = np.mgrid[0:480, 0:360]
    centre = (j[J["right_index"], :2] + wrist) / 2
    skin = np.abs(image.astype(int) - SKIN).sum(axis=2) < 60
    hand = (np.hypot(px - centre[0], py - centre[1]) < 20) & (matte > 0) & skin
    thigh = (j[J["left_hip"], :2] + j[J["left_knee"], :2]) / 2
    trousers = (np.hypot(px - thigh[0], py - thigh[1]) < 8) & (matte > 0) & ~skin
    vis = np.ones(33)
    vis[[J[f"right_{k}"] for k in ("wrist", "pinky", "index", "thumb")]] = seen
    return image, matte, j[:, :2].astype(np.float64), vis, hand, trousers


def test_a_poorly_seen_palm_on_the_trousers_is_the_hands_and_the_trousers_go_on_under_it():
    """The pose model sees a palm lying on the trousers poorly, and the body (the trousers) took its skin: the
    palm stayed on the trousers while the arm moved on without it, and the torso painted behind the arm took
    its skin colour down the trousers (TikTok character 0). Its skin past the wrist is the hand's; what is
    painted under it is the trousers'."""
    image, matte, joints, vis, hand, trousers = _palm_on_hip()
    assert hand.sum() > 150 and trousers.sum() > 50
    lab, _ = label_parts(matte, joints, vis, None, image)
    assert (lab[hand] == PARTS.index("r_hand")).mean() > 0.6, np.bincount(lab[hand] + 1, minlength=len(PARTS) + 1)
    painted, hidden = fill_hidden_torso(image, lab, joints)
    under = hand & hidden
    assert under.sum() > 0.5 * hand.sum()
    cloth = image[trousers].astype(float).mean(axis=0)
    assert np.abs(painted[under].astype(float).mean(axis=0) - cloth).max() < 30, painted[under].mean(axis=0)


def test_a_palms_lit_knuckles_are_the_hands_and_the_trousers_go_on_under_them():
    """Lit, a hand's knuckles are paler and greyer than its skin: left to the body, they stayed on the waistband as
    skin-coloured lobes when the hand moved away (TikTok character 0's hand at her waist). Nearer the hand's colour
    than the trousers', joined to it, they are the hand's, and the trousers are painted under them; the trousers
    around stay the body's."""
    image, matte, joints, vis, hand, trousers = _palm_on_hip()
    wrist, index = joints[J["right_wrist"]], joints[J["right_index"]]
    d = (index - wrist) / np.linalg.norm(index - wrist)
    py, px = np.mgrid[0:480, 0:360]
    knuckles = hand & ((px - wrist[0]) * -d[1] + (py - wrist[1]) * d[0] < -3)  # the hand's pinky side, lit
    assert knuckles.sum() > 60
    image[knuckles] = LIT
    lab, _ = label_parts(matte, joints, vis, None, image)
    assert (lab[knuckles] == PARTS.index("r_hand")).mean() > 0.8, np.bincount(lab[knuckles] + 1)
    assert not (lab[trousers] == PARTS.index("r_hand")).any()
    taken = lab == PARTS.index("r_hand")
    cloth_coloured = np.abs(image.astype(int) - image[trousers].mean(axis=0)).sum(axis=2) < 60
    assert (taken & cloth_coloured).sum() < 0.1 * taken.sum()  # the hand's anti-aliased rim at most
    painted, hidden = fill_hidden_torso(image, lab, joints)
    assert hidden[knuckles].mean() > 0.8
    cloth = image[trousers].astype(float).mean(axis=0)
    assert np.abs(painted[knuckles].astype(float).mean(axis=0) - cloth).max() < 30, painted[knuckles].mean(axis=0)


def test_a_palm_on_bare_skin_or_seen_well_is_left_to_the_distances():
    """A hand seen well wins its pixels by distance; on bare skin (a belly) skin does not tell the hand from what
    it lies on: the labels are left as they are. Else the poorly seen palm given back to the body is the hand's."""
    image, matte, joints, vis, hand, trousers = _palm_on_hip()
    lab, _ = label_parts(matte, joints, vis, None, image)
    body = np.where(lab == PARTS.index("r_hand"), np.int16(PARTS.index("torso")), lab)
    labc = blurred_lab(image)
    radii = {"r_hand": LIMB_RADIUS["hand"] * shoulder_span(joints, 1.0)}
    m = matte > 0
    given = palms_on_body(body, labc, m, joints, vis, radii)
    assert (given[hand] == PARTS.index("r_hand")).mean() > 0.3
    assert (palms_on_body(body, labc, m, joints, np.ones(33), radii) == body).all()
    bare = image.copy()
    bare[m & ~hand & (body != PARTS.index("r_lower_arm"))] = SKIN  # the trousers as bare as the hand
    bare_lab = blurred_lab(bare)
    assert (palms_on_body(body, bare_lab, m, joints, vis, radii) == body).all()

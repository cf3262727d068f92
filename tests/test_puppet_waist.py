"""The torso behind an arm hanging over its side, in a black cropped top over a bare, shaded waist: the body painted
in reaches out to its side (the other side's outline mirrored across the spine), its outline smooth, the skin there
shaded as the other side's (TikTok clip 0: the belly ended where the arm's inner edge had lain, a ragged cut-out
with the wall showing beside it, painted in one flat colour, once the arm moved away)."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.engines.puppet.fill import fill_hidden_torso
from motion_transfer.engines.puppet.model import PARTS
from motion_transfer.pose.retarget import FACE
from motion_transfer.pose.skeleton import J
from torso_scene import cie_lab, photographed

H, W, CX = 400, 320, 160.0
TOP, SKIN, BACKDROP = np.array([28, 24, 30]), np.array([214, 160, 132]), 225
HEM = 200  # the top above it, bare skin below
SHOULDER, WAIST, HIPS = (95, 65.0), (250, 48.0), (335, 62.0)  # (row, half width) of the body's outline
SHOULDER_JOINT, ELBOW, WRIST = (100, 100), (104, 220), (118, 330)


def _half_width(y: np.ndarray) -> np.ndarray:
    """The body's half width at row ``y``: its chest narrowing to the waist and widening to the hips, smoothly."""
    (y0, w0), (y1, w1), (y2, w2) = SHOULDER, WAIST, HIPS
    above = w1 + (w0 - w1) * (0.5 + 0.5 * np.cos(np.pi * np.clip((y - y0) / (y1 - y0), 0, 1)))
    below = w1 + (w2 - w1) * (0.5 - 0.5 * np.cos(np.pi * np.clip((y - y1) / (y2 - y1), 0, 1)))
    return np.where(y < y1, above, below)


def _character(elbow: tuple[int, int] = ELBOW, wrist: tuple[int, int] = WRIST,
               widen: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(image, labels, joints, body, arm): a front-facing body with a waist, the skin below the top darker towards
    its sides, its right arm (a black sleeve) hanging over its right side from the shoulder past the hip: the
    arm's inner edge lies inside the body, its outer edge outside it. ``widen``: the body's left side (the image's
    right) lies this much further out per row below the shoulders (a cocked hip), its right side unchanged."""
    joints = np.zeros((33, 2))
    joints[list(FACE)] = (CX, 50)
    joints[J["right_shoulder"]], joints[J["left_shoulder"]] = SHOULDER_JOINT, (2 * CX - SHOULDER_JOINT[0], 100)
    joints[J["right_hip"]], joints[J["left_hip"]] = (128, 320), (192, 320)
    joints[J["right_elbow"]], joints[J["right_wrist"]] = elbow, wrist
    joints[J["left_elbow"]], joints[J["left_wrist"]] = (236, 210), (240, 320)
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    hw = _half_width(py)
    body = (py >= SHOULDER[0]) & (py <= HIPS[0]) & (px >= CX - hw) & (px <= CX + hw + widen * (py - SHOULDER[0]))
    out = np.minimum(np.abs(px - CX) / WAIST[1], 1.3)
    image = np.full((H, W, 3), BACKDROP, np.float32)
    image[body] = (SKIN * (1.0 - 0.22 * np.clip(out, 0, 1.3) ** 2)[..., None])[body]
    image[body & (py < HEM)] = TOP
    arm = np.zeros((H, W), np.uint8)
    cv2.line(arm, SHOULDER_JOINT, elbow, 1, 34)
    cv2.line(arm, elbow, wrist, 1, 34)
    image[arm > 0] = TOP
    image = photographed(image, 2)
    labels = np.full((H, W), -1, np.int16)
    labels[body] = PARTS.index("torso")
    labels[(arm > 0) & (py < elbow[1])] = PARTS.index("r_upper_arm")
    labels[(arm > 0) & (py >= elbow[1])] = PARTS.index("r_lower_arm")
    return image, labels, joints, body, arm > 0


def _outline(mask: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The leftmost column of ``mask`` in each of ``rows`` (the image's left: the body's right side)."""
    return np.array([np.argmax(mask[y]) for y in rows], np.float64)


def test_the_body_behind_an_arm_hanging_over_its_side_reaches_its_side_smoothly():
    """Under the arm the painted body's outline lies within a few pixels of the body's true side at every row from
    the armpit to the hip, with no steps between rows (it ended at the arm's inner edge, up to 20 pixels inside,
    and along the shoulder-hip quadrilateral's straight edge), and none of the backdrop's colour inside it."""
    image, labels, joints, body, arm = _character()
    out, hidden = fill_hidden_torso(image, labels, joints)
    drawn = hidden | (labels == PARTS.index("torso"))
    rows = np.arange(150, 320)
    true = CX - _half_width(rows.astype(np.float64))
    found = _outline(drawn, rows)
    off = np.abs(found - true)
    assert off.max() <= 4, f"the body's side under the arm lies up to {off.max():.0f} px off (row {rows[off.argmax()]})"
    steps = np.abs(np.diff(found))
    assert steps.max() <= 2, f"the painted side steps {steps.max():.0f} px between rows"
    inside = cv2.erode(drawn.astype(np.uint8), None, iterations=2).astype(bool) & arm
    backdrop = cie_lab(np.full((1, 1, 3), BACKDROP, np.uint8))[0, 0]
    d = np.linalg.norm(cie_lab(out)[inside] - backdrop, axis=1)
    assert d.min() > 15, "the backdrop's colour stands inside the painted body"


def test_the_waist_behind_the_arm_is_shaded_as_the_other_side():
    """Below the top, the skin painted near the body's side under the arm is as dark as the true skin there (the
    other side's, mirrored), not the lighter skin beside the arm's inner edge spread out flat."""
    image, labels, joints, body, arm = _character()
    out, hidden = fill_hidden_torso(image, labels, joints)
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    side = CX - _half_width(py)
    strip = hidden & arm & body & (py > HEM + 12) & (py < 300) & (px > side + 3) & (px < side + 14)
    assert strip.sum() > 200, "the arm does not hide the waist's side"
    light = cie_lab(out)[..., 0]
    mirrored = light[strip.nonzero()[0], np.round(2 * CX - px[strip]).astype(int)]
    off = np.abs(light[strip] - mirrored)
    assert np.median(off) < 3, f"the waist's side is painted {np.median(off):.1f} L off its mirror image"


def test_no_cuff_hangs_from_the_hem_onto_the_painted_waist():
    """The labels give the top the sleeve's inner half just above the hem and a pointed spur of it hanging below
    the hem over the waist (the sleeve's cuff read as the top): once painted, no pixel of the body below the hem
    is black (it stayed, a black hook hanging from the hem onto the belly)."""
    image, labels, joints, body, arm = _character()
    py = np.mgrid[0:H, 0:W][0]
    px = np.mgrid[0:H, 0:W][1]
    spur = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(spur, np.array([(108, HEM - 1), (118, HEM - 1), (113, HEM + 22)], np.int32), 1)
    cuff = arm & body & (((spur > 0) & (px < 119)) | ((py < HEM) & (py > HEM - 30) & (px >= 108)))
    labels[cuff] = PARTS.index("torso")
    out, hidden = fill_hidden_torso(image, labels, joints)
    drawn = hidden | (labels == PARTS.index("torso"))
    dark = drawn & (py > HEM + 8) & (cie_lab(out)[..., 0] < 40)
    assert (cuff & (py > HEM + 8)).sum() > 50
    assert dark.sum() == 0, f"{dark.sum()} black pixels hang below the hem"


def test_the_body_behind_a_forearm_crossing_its_side_onto_the_belly_reaches_its_side():
    """A forearm comes in from outside the body across its side at the waist, its hand on the belly (the
    shoulder-hip quadrilateral well inside the body's sides): under the forearm the painted body's side lies
    within a few pixels of the true one at every row, the other side's curve mirrored (it ended at the
    quadrilateral's edge, 7 pixels in; the hull of the body below the armpits, 11 pixels out across the waist's
    curve)."""
    image, labels, joints, body, _ = _character()
    joints[J["right_shoulder"]], joints[J["left_shoulder"]] = (105, 100), (215, 100)
    joints[J["right_hip"]], joints[J["left_hip"]] = (135, 320), (185, 320)
    elbow, wrist = (70, 235), (150, 280)
    joints[J["right_elbow"]], joints[J["right_wrist"]] = elbow, wrist
    py, px = np.mgrid[0:H, 0:W].astype(np.float32)
    shaded = (SKIN * (1.0 - 0.22 * np.clip(np.abs(px - CX) / WAIST[1], 0, 1.3) ** 2)[..., None])
    image = np.where(body[..., None], np.where((py < HEM)[..., None], TOP, shaded), BACKDROP).astype(np.float32)
    arm = np.zeros((H, W), np.uint8)
    cv2.line(arm, elbow, wrist, 1, 30)
    image[arm > 0] = TOP
    image = cv2.GaussianBlur(image, (0, 0), 0.7)
    labels[:] = -1
    labels[body] = PARTS.index("torso")
    labels[arm > 0] = PARTS.index("r_lower_arm")
    out, hidden = fill_hidden_torso(np.clip(image + 0.5, 0, 255).astype(np.uint8), labels, joints)
    drawn = hidden | (labels == PARTS.index("torso"))
    true = CX - _half_width(np.arange(H, dtype=np.float64))
    rows = np.array([y for y in range(H) if arm[y, int(true[y]) - 3:int(true[y]) + 4].all()])
    assert len(rows) > 20, "the forearm does not cross the body's side"
    off = np.abs(_outline(drawn, rows) - true[rows])
    worst = rows[off.argmax()]
    assert off.max() <= 4, f"the body's side under the forearm lies up to {off.max():.0f} px off (row {worst})"


def test_a_close_up_cut_above_its_hips_is_not_painted_out_to_a_mirrored_side(monkeypatch):
    """The image's bottom edge cuts the body above its hips (a close-up): the body going on past the edge is the
    rig's own continuation, no waist the image shows, and mirrored into a hanging sleeve beside long hair it was
    painted in the hair's black (TikTok character 5). The layers ask for the torso without its sides painted out;
    the same body with its hips in the image asks for them."""
    from motion_transfer.engines.puppet import mesh
    from motion_transfer.engines.puppet.model import Rig

    image, labels, joints, body, arm = _character()
    asked = []
    fill = mesh.fill_hidden_torso

    def spy(*args, **kwargs):
        asked.append(kwargs.get("waist_shown", True))
        return fill(*args, **kwargs)

    monkeypatch.setattr(mesh, "fill_hidden_torso", spy)
    for rows in (H, 300):  # the whole figure, then cut 20 px above its hips (at row 320)
        rig = Rig(width=W, height=rows, joints=joints.astype(np.float32), visibility=np.ones(33, np.float32),
                  depth=np.zeros(33, np.float32), source="test", image=np.ascontiguousarray(image[:rows]),
                  matte=(labels[:rows] >= 0).astype(np.float32), labels=np.ascontiguousarray(labels[:rows]))
        mesh.build_layers(rig)
    assert asked == [True, False]
    _, hidden = fill_hidden_torso(image, labels, joints, waist_shown=False)
    _, wide = fill_hidden_torso(image, labels, joints)
    assert (hidden & ~wide).sum() == 0 and (wide & ~hidden).sum() > 500  # the sides are what the flag holds back


def test_the_body_behind_a_forearm_follows_the_waists_curve_where_its_mirror_would_not_fit():
    """The far side of the body widens steadily down to the hips (a cocked hip), so its mirror across the spine
    lands well out on the backdrop and cannot stand for the hidden side; the forearm hangs down over the waist's
    side onto the belly: the painted side under it still curves in at the waist, within a few pixels of the true
    side (the convex hull's straight line between the outline above and below the arm stood up to 11 pixels out
    across the waist)."""
    image, labels, joints, body, arm = _character(elbow=(82, 175), wrist=(128, 310), widen=0.15)
    out, hidden = fill_hidden_torso(image, labels, joints)
    drawn = hidden | (labels == PARTS.index("torso"))
    true = CX - _half_width(np.arange(H, dtype=np.float64))
    rows = np.array([y for y in range(180, H) if arm[y, int(true[y]) - 3:int(true[y]) + 4].all()])
    assert len(rows) > 50, "the forearm does not hide the waist's side"
    off = np.abs(_outline(drawn, rows) - true[rows])
    assert off.max() <= 4, f"the body's side under the arm lies up to {off.max():.0f} px off (row {rows[off.argmax()]})"

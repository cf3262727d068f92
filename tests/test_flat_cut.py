"""Flat art whose arms are drawn in the body's own colour, no line between them (the generated teddy bear: brown oval
arms over a brown oval body): the arm's cut through the body is a smooth curve, so is the body's side painted in
under the arm, and no shade is painted on the body beside it, at rest or once the arm moved."""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest
from scipy import ndimage
from skimage import measure

from motion_transfer.pose.skeleton import J
from bear_scene import BACKDROP, bent

FUR = np.array((150, 90, 40))  # the bear's flat fur (samples.stylised)
TORSO = ((0.0, 0.56), (0.2, 0.25))  # its body's oval, in standing heights (as in test_fitted_arms)
ARM_JOINTS = {side: tuple(f"{side}_{k}" for k in ("elbow", "wrist", "index", "pinky", "thumb"))
              for side in ("left", "right")}
STEP = 0.5  # (pixels) the outline is read this often along its length ...
HEADING_SMOOTH = 1.0  # ... and its heading smoothed over this many pixels of it (sigma)


def _torso(c, inset: int) -> np.ndarray:
    """HxW bool: the body's drawn oval, ``inset`` pixels in from its outline."""
    h, w = c.image.shape[:2]
    (x, y), (a, b) = TORSO
    mask = np.zeros((h, w), np.uint8)
    cv2.ellipse(mask, (round(w / 2 + x * c.scale), round(0.12 * h + y * c.scale)),
                (round(a * c.scale) - inset, round(b * c.scale) - inset), 0, 0, 360, 1, -1)
    return mask.astype(bool)


def _swung(rest: np.ndarray, side: str, degrees: float) -> tuple[np.ndarray, float]:
    """(``rest`` with the ``side`` arm swung out and up about its shoulder by ``degrees``, the screen's turn)."""
    turn = -(1.0 if side == "left" else -1.0) * degrees  # (the character's left arm swings to the image's right)
    return bent(rest, f"{side}_shoulder", ARM_JOINTS[side], turn), turn


def _turning(cover: np.ndarray, to_rest, inside: np.ndarray) -> tuple[float, float]:
    """(degrees, pixels): how much the outline of ``cover`` (HxW, how much of each pixel a layer is), read at its
    half, turns back and forth along the stretch whose places ``to_rest`` ([N, 2] x, y -> x, y) maps ``inside``
    (HxW bool), its heading smoothed over HEADING_SMOOTH; and that stretch's length."""
    h, w = inside.shape
    turning, length = 0.0, 0.0
    for line in measure.find_contours(cover, 0.5):  # (row, column)
        along = np.r_[0.0, np.cumsum(np.hypot(*np.diff(line, axis=0).T))]
        at = np.arange(0.0, along[-1], STEP)
        if len(at) < 3:
            continue
        p = np.stack([np.interp(at, along, line[:, 1]), np.interp(at, along, line[:, 0])], axis=1)  # x, y
        rest_at = np.round(to_rest(p)).astype(int)
        ok = (rest_at[:, 0] >= 0) & (rest_at[:, 0] < w) & (rest_at[:, 1] >= 0) & (rest_at[:, 1] < h)
        on = np.zeros(len(p), bool)
        on[ok] = inside[rest_at[ok, 1], rest_at[ok, 0]]
        d = np.diff(p, axis=0)
        heading = ndimage.gaussian_filter1d(np.unwrap(np.arctan2(d[:, 1], d[:, 0])), HEADING_SMOOTH / STEP)
        turning += float(np.degrees(np.abs(np.diff(heading))[on[1:-1]].sum()))
        length += STEP * float(on.sum())
    return turning, length


@pytest.mark.parametrize("degrees", [0, 30, 90])
def test_no_shade_on_a_flat_body_beside_or_where_its_arm_was(bear, degrees):
    """The whole bear, at rest and with both arms swung out by 30 and 90 degrees: every pixel of its body's oval (3
    pixels in from the outline) is the fur's colour or the belly's lighter one, none darker than the fur. Before,
    the renderer drew the contact shadow an arm casts on clothes of its own colour (a black sleeve over a black
    top) along the flat arm: a dark, blurred smudge down each side of the body beside the arm, where the picture
    has no line, 54 % darker than the fur at rest."""
    from motion_transfer.engines.puppet import Renderer
    from motion_transfer.pose.retarget import extend

    c, rig = bear
    h, w = c.image.shape[:2]
    joints = extend(rig.joints.astype(np.float64))
    for side in ("left", "right"):
        joints, _ = _swung(joints, side, degrees)
    out = Renderer(rig, w, h).render(np.full((h, w, 3), BACKDROP, np.uint8), joints, np.zeros(36), 1.0, 0.0)
    body = out[_torso(c, 3)].astype(float)
    darkest = float((body.sum(axis=1) / FUR.sum()).min())
    assert darkest > 0.95, f"swung {degrees}: a pixel of the body is {1 - darkest:.0%} darker than its fur"


@pytest.mark.parametrize("degrees", [30, 90])
def test_a_flat_arms_cut_through_its_body_is_a_smooth_curve(bear, degrees):
    """Each arm alone (its layer over a plain backdrop) swung out by 30 and 90 degrees: along the stretch of its
    outline that was its cut through the body (mapped back to rest, inside the body's oval), the outline, read at
    the half of its soft edge and its heading smoothed over a pixel, turns by no more than 1.4 degrees per pixel
    of its length, back and forth summed. The picture shows no line there; before, the cut followed the labels'
    staircase and the step where the oval arm narrowed to the labels' cut: once the arm moved, a sawtooth of
    notches and teeth along the upper arm, turning it 1.5 to 2.1 degrees per pixel (now 0.8 to 1.3: the arm's
    one smooth bend where it narrows)."""
    from motion_transfer.engines.puppet import Renderer
    from motion_transfer.pose.retarget import extend

    c, rig = bear
    h, w = c.image.shape[:2]
    rest = extend(rig.joints.astype(np.float64))
    inside = _torso(c, 4)
    backdrop = np.asarray(BACKDROP, float)
    away = FUR - backdrop
    for side in ("left", "right"):
        name = f"arm_{side[0]}"
        renderer = Renderer(dataclasses.replace(rig, layers=[la for la in rig.layers if la.name == name]), w, h)
        joints, turn = _swung(rest, side, degrees)
        out = renderer.render(np.full((h, w, 3), BACKDROP, np.uint8), joints, np.zeros(36), 1.0, 0.0)
        cover = ((out - backdrop) @ away) / float(away @ away)  # how much of each pixel is the arm
        sh = rest[J[f"{side}_shoulder"]]
        back = cv2.getRotationMatrix2D((float(sh[0]), float(sh[1])), turn, 1.0)  # the swing undone
        turning, length = _turning(cover, lambda p: p @ back[:, :2].T + back[:, 2], inside)
        assert length > 0.1 * c.scale, f"{name}: the cut through the body was not found ({length:.0f} pixels)"
        per_pixel = turning / length
        assert per_pixel < 1.4, f"{name} swung {degrees}: its cut turns {per_pixel:.2f} degrees per pixel"


def test_a_flat_bodys_side_under_its_arm_is_a_smooth_curve(bear):
    """The body's layer alone over a plain backdrop: along its outline where the arms hid it (painted in: inside
    the arms' ovals, 3 pixels in), the outline turns by no more than 1.4 degrees per pixel. Before, that outline
    was the painted pixels' staircase, opaque, that showed as a ragged edge down the body's side once the arm
    moved away: 3.6 degrees per pixel (now 1.0)."""
    from motion_transfer.engines.puppet import Renderer
    from motion_transfer.pose.retarget import extend

    c, rig = bear
    h, w = c.image.shape[:2]
    renderer = Renderer(dataclasses.replace(rig, layers=[la for la in rig.layers if la.name == "body"]), w, h)
    out = renderer.render(np.full((h, w, 3), BACKDROP, np.uint8), extend(rig.joints.astype(np.float64)),
                          np.zeros(36), 1.0, 0.0)
    backdrop = np.asarray(BACKDROP, float)
    away = FUR - backdrop
    cover = ((out - backdrop) @ away) / float(away @ away)
    arms = cv2.erode((c.mask("left_arm") | c.mask("right_arm")).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    turning, length = _turning(cover, lambda p: p, arms)
    assert length > 0.1 * c.scale, f"the body's side under the arms was not found ({length:.0f} pixels)"
    assert turning / length < 1.4, f"the body's side under the arms turns {turning / length:.2f} degrees per pixel"

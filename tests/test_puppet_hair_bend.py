"""Hair beside the neck between the jaw and the shoulder bends down its length as the chin comes down or the head
tilts toward that shoulder, rather than squashing flat in the neck's two or three mesh rows (TikTok character 3
moved by clips 0 and 5: her hair ended in a straight cut below the jaw)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.model import PARTS, Rig
from motion_transfer.engines.puppet.neck import hair_lowering
from motion_transfer.engines.puppet.render import Renderer, bone_transforms
from motion_transfer.pose.retarget import FACE, extend
from lock_scene import H, W, figure_joints, girl_with_lock

WALL, SKIN, HAIR, DRESS = (60, 110, 70), (225, 180, 150), (40, 30, 25), (200, 200, 215)
# a lock beside the neck whose end slants from beside the neck down onto the bare shoulder's top (the shoulders
# bare down to row 197, too little of the torso to count as its clothes: the lock is not split off, it rests there)
LOCK = np.array([(240, 70), (262, 70), (274, 192), (244, 172)], np.int32)
TORSO = np.array([(130, 185), (280, 185), (255, 400), (145, 400)])
CHIN = 140  # (the chin's row, lock_scene.figure_joints)


@pytest.fixture(scope="module")
def girl() -> Rig:
    return girl_with_lock((WALL, SKIN, HAIR, DRESS), LOCK, TORSO, 197, 70)


def _body(rig: Rig):
    return next(layer for layer in rig.layers if layer.name == "body")


def _lock_area(rig: Rig, down: float, tilt: float) -> float:
    """The posed area of the body's triangles over the lock below the chin (their centres in it), with the head
    moved ``down`` pixels and tilted ``tilt`` degrees (towards the lock's shoulder), as a share of their rest area."""
    body = _body(rig)
    lock = cv2.fillConvexPoly(np.zeros((H, W), np.uint8), LOCK, 1).astype(bool)
    rest = body.vertices.astype(np.float64)
    centres = rest[body.triangles].mean(axis=1)
    x, y = np.round(centres[:, 0]).astype(int), np.round(centres[:, 1]).astype(int)
    tris = body.triangles[lock[np.clip(y, 0, H - 1), np.clip(x, 0, W - 1)] & (y > CHIN)]
    assert len(tris) >= 3
    posed = extend(rig.joints.astype(np.float64))[:33].copy()
    posed[list(FACE)] += (0.0, down)
    renderer = Renderer(rig, W, H)
    moved = renderer.posed_vertices(body, bone_transforms(renderer.rest, extend(posed), 1.0,
                                                          float(np.deg2rad(tilt))))

    def area(p: np.ndarray) -> float:
        a, b, c = p[tris][:, 0], p[tris][:, 1], p[tris][:, 2]
        return float(np.abs(np.cross(b - a, c - a)).sum() / 2)

    return area(moved) / area(rest)


def test_the_lock_rests_in_the_bodys_mesh(girl):
    """(The case: the lock is not split off, and the head's blend through it reaches below its end.)"""
    assert _body(girl).uv is None and _body(girl).drop is None


@pytest.mark.parametrize("down,least", [(25.0, 0.5), (40.0, 0.3)])
def test_the_hair_below_the_jaw_keeps_its_area(girl, down, least):
    """The chin 25 or 40 pixels down on a neck whose blend runs over about 35: the lock between the jaw and the
    shoulder keeps more than half, or 0.3, of its area (before: 0.46 and 0.27, its rows squashed flat, the hair
    ending in a straight cut below the jaw; now 0.55 and 0.34)."""
    assert _lock_area(girl, down, 0.0) > least


def test_the_blend_runs_past_the_hairs_end_only_near_it():
    """The blend's start is lowered through the hair beside the neck below the chin (to past its end), fading out
    within a mesh spacing or so of it: the face above the chin and the chest far from the hair keep the neck's
    blend."""
    labels = np.full((H, W), -1, np.int16)
    labels[200:] = PARTS.index("torso")
    labels[:200] = PARTS.index("head")
    hair = cv2.fillConvexPoly(np.zeros((H, W), np.uint8), LOCK, 1).astype(bool)
    low = hair_lowering(hair, labels, extend(figure_joints(70.0)), 10.0)
    assert low[180, 255] > 0.1  # in the lock, below the chin
    assert low[100, 255] == 0.0  # above the chin (the lock over the face's side follows the head whole there)
    assert low[300, 200] == 0.0 and low[180, 150] == 0.0  # the chest, the other side of the neck

"""Hair held by the shoulders is let go to the head where the head comes down sideways over that shoulder: sheared
and squashed, the held lock was dragged apart, its top with the head, its middle with the chest (a hook in its side,
a notch cut into the cheek: TikTok character 3 moved by clip 0, frames 18-24). A head sliding along the shoulders, or
rising and leaning, keeps the hold (test_puppet_hair_held)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.hair_release import KEEP, SLIVER, dragged
from motion_transfer.engines.puppet.model import Rig
from motion_transfer.engines.puppet.neck import held_locks, shoulder_hold
from motion_transfer.engines.puppet import render
from motion_transfer.engines.puppet.render import Renderer, bone_transforms
from motion_transfer.pose.retarget import FACE, extend
from lock_scene import H, W, figure_joints, girl_with_lock
from test_puppet_hair_held import DRESS, HAIR, LOCK, SKIN, TORSO, WALL


@pytest.fixture(scope="module")
def girl() -> Rig:
    return girl_with_lock((WALL, SKIN, HAIR, DRESS), LOCK, TORSO, 197, 70)


def _moved(rig: Rig, move: tuple[float, float]) -> tuple[np.ndarray, np.ndarray, float, float]:
    """(rest, posed) vertices of the body layer with the head moved by ``move`` (pixels), and the lock's (shear,
    squash) then."""
    body = next(layer for layer in rig.layers if layer.name == "body")
    posed = extend(rig.joints.astype(np.float64))[:33].copy()
    posed[list(FACE)] += move
    renderer = Renderer(rig, W, H)
    transforms = bone_transforms(renderer.rest, extend(posed), 1.0, 0.0)
    shear, squash = dragged(np.stack([transforms[b] for b in body.bones])[None], body.release,
                            body.bones.index("chest"), body.bones.index("head"))
    moved = renderer.posed_vertices(body, transforms)
    return body.vertices.astype(np.float64), moved, float(shear[0, 0]), float(squash[0, 0])


def _by_the_chin(rest: np.ndarray) -> np.ndarray:
    """[N] bool: the vertices inside the lock between the mouth and the chin (rows 125-145)."""
    lock = cv2.erode(cv2.fillConvexPoly(np.zeros((H, W), np.uint8), LOCK, 1), None, iterations=2) > 0
    x, y = np.round(rest[:, 0]).astype(int), np.round(rest[:, 1]).astype(int)
    return lock[np.clip(y, 0, H - 1), np.clip(x, 0, W - 1)] & (y >= 125) & (y <= 145)


def test_the_held_lock_is_read_from_the_chin_to_its_tip(girl):
    """The body layer knows the held lock: its top beside the chin (y 140), its tip at its end on the shoulder."""
    body = next(layer for layer in girl.layers if layer.name == "body")
    assert body.release is not None and len(body.release.top) == 1
    (tx, ty), (px, py) = body.release.top[0], body.release.tip[0]
    assert abs(ty - 140) < 5 and 245 < tx < 275, body.release.top
    assert py > 185 and 255 < px < 290, body.release.tip
    moved = np.abs(body.release.free - body.weights).sum(axis=1) > 1e-3
    assert moved.any() and (body.release.lock[moved] == 0).all()


def test_a_head_coming_down_over_the_shoulder_takes_the_hair_whole(girl):
    """The head down 12 px and 40 px over the lock's shoulder: the lock sheared and squashed; its vertices by the chin
    go (nearly) the head's whole way (held, they went half of it and the lock bent into a hook)."""
    move = (40.0, 12.0)
    rest, moved, shear, squash = _moved(girl, move)
    assert shear > 30 and squash < 0.6
    on = _by_the_chin(rest)
    assert on.sum() >= 2
    share = ((moved[on] - rest[on]) @ np.array(move)) / float(np.dot(move, move))
    assert np.median(share) > 0.9, np.sort(share)


def test_a_head_far_down_lets_the_hair_go_no_further_than_it_folds(girl, monkeypatch):
    """The head down 15 px and 30 px over the shoulder: let go whole, the lock's rows below the chin turn over (a
    straight cut with dark specks at its end); it goes only part of the way, as far as none of its triangles (but the
    outline's slivers, SLIVER) is squashed under KEEP of its area that the held weights do not squash so."""
    body = next(layer for layer in girl.layers if layer.name == "body")
    tris = body.triangles[(body.release.lock[body.triangles] == 0).any(axis=1)]
    R = body.vertices[tris].astype(np.float64)
    rest = (R[:, 1, 0] - R[:, 0, 0]) * (R[:, 2, 1] - R[:, 0, 1]) - (R[:, 1, 1] - R[:, 0, 1]) * (R[:, 2, 0] - R[:, 0, 0])
    whole = np.abs(rest) >= SLIVER * np.median(np.abs(rest))
    tris, rest = tris[whole], rest[whole]

    def turned(posed: np.ndarray) -> np.ndarray:
        """Each triangle squashed under KEEP of its rest area (the chest's map keeps it whole) or turned over."""
        P = posed[tris]
        area = ((P[:, 1, 0] - P[:, 0, 0]) * (P[:, 2, 1] - P[:, 0, 1])
                - (P[:, 1, 1] - P[:, 0, 1]) * (P[:, 2, 0] - P[:, 0, 0]))
        return area / rest < KEEP

    _, moved, shear, squash = _moved(girl, (30.0, 15.0))
    assert shear > 30 and squash < 0.6
    monkeypatch.setattr(render, "release_with_head", lambda *args: None)
    _, held, _, _ = _moved(girl, (30.0, 15.0))
    assert not (turned(moved) & ~turned(held)).any()
    assert np.abs(moved - held).max() > 1.0  # (let go some of the way)


@pytest.mark.parametrize("move", [(12.0, 0.0), (35.0, -20.0)])
def test_a_head_sliding_or_rising_keeps_the_hold(girl, move):
    """The head slid along the shoulders (12 px), or risen and leaning far over (35 px aside, 20 up: sheared over
    30 degrees, but stretched): the lock by the chin still goes only part of the head's way, as held."""
    rest, moved, shear, squash = _moved(girl, move)
    assert squash > 0.8
    on = _by_the_chin(rest)
    share = ((moved[on] - rest[on]) @ np.array(move)) / float(np.dot(move, move))
    assert 0.3 < np.median(share) < 0.8, np.sort(share)


def test_a_held_piece_ending_just_below_the_chin_is_not_read():
    """Hair held by the shoulders whose tip lies 10 px below the chin (a shoulder of its colour rising to meet it, or
    a round pad the hair's rules take for hair: the robot boxer's) is held, but no lock is read from it: its shear and
    squash swing with any move of the head. The whole lock (53 px, 0.38 shoulder widths) is read."""
    ext = extend(figure_joints(70.0))
    torso = cv2.fillConvexPoly(np.zeros((H, W), np.uint8), TORSO, 1).astype(bool)
    lock = cv2.fillConvexPoly(np.zeros((H, W), np.uint8), LOCK, 1).astype(bool)
    assert len(held_locks(lock, torso & ~lock, ext, 140.0)) == 1
    short = lock & (np.arange(H)[:, None] < 150)
    body = torso.copy()
    body[150:185, 230:300] = True
    assert shoulder_hold(short, body & ~short, ext, 10.0, 140.0).max() == pytest.approx(0.5, abs=0.05)
    assert held_locks(short, body & ~short, ext, 140.0) == []

"""A lock of hair hanging from the head over the shirt is a piece of its own, drawn over the body; under it the body
is the shirt (TikTok character 4 moved by clip 5: a dark wedge, a notch with black lines, the lock ended in a
straight cut). It bends over the shoulder as the head tilts, its tip staying on the shirt where it lay, not drawn
out into a dark tail down it."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy import ndimage

from motion_transfer.engines.puppet.locks import resting, split_locks
from motion_transfer.engines.puppet.model import Rig
from motion_transfer.engines.puppet.neck import SHOULDER_HELD
from motion_transfer.engines.puppet.render import Renderer
from motion_transfer.pose.retarget import FACE, extend
from lock_scene import H, W, figure_joints, girl_with_lock

WALL, SKIN, HAIR, SHIRT = (60, 110, 70), (225, 180, 150), (70, 50, 30), (170, 190, 225)
# the lock, beside the neck and down over the shirt's shoulder (its top at y 185) to y 235
LOCK = np.array([(240, 70), (262, 70), (272, 235), (250, 235)], np.int32)
TIP = (slice(200, 232), slice(253, 268))  # well inside the lock, over the shirt


def _joints() -> np.ndarray:
    return figure_joints(70)


@pytest.fixture(scope="module")
def lock_over_shirt() -> Rig:
    """A girl in a pale blue shirt, a lock of her brown hair hanging from her head beside her neck down over her
    shirt's shoulder; labelled as the parts step gives them: the head, its hair (the lock whole) and the neck's
    upper part the head's, the rest the torso's."""
    return girl_with_lock((WALL, SKIN, HAIR, SHIRT), LOCK, np.array([(130, 185), (280, 185), (255, 400), (145, 400)]),
                          190, 70)


def _body(rig: Rig):
    return next(layer for layer in rig.layers if layer.name == "body")


def test_the_body_under_the_lock_is_the_shirt(lock_over_shirt):
    """The body's texture where the lock lies over the shirt (at its rest place) holds the shirt's colour (before:
    the lock's own, the hair)."""
    body = _body(lock_over_shirt)
    ox, oy = body.origin
    under = body.texture[TIP[0].start - oy:TIP[0].stop - oy, TIP[1].start - ox:TIP[1].stop - ox]
    assert (under[..., 3] > 250).all()
    far = np.linalg.norm(under[..., :3].astype(float) - SHIRT, axis=-1)
    assert far.max() < 12.0, far.max()


def test_the_lock_is_drawn_over_the_shirt_as_the_image_shows_it(lock_over_shirt):
    """At rest the body draws the image: the lock where it was, the shirt beside it."""
    frame = Renderer(lock_over_shirt, W, H).render(np.full((H, W, 3), (255, 0, 255), np.uint8),
                                                   extend(lock_over_shirt.joints.astype(np.float64)), np.zeros(36),
                                                   1.0, 0.0, order=["body"])
    tip = frame[TIP].reshape(-1, 3).astype(float)
    assert np.linalg.norm(tip - HAIR, axis=1).max() < 12.0
    beside = frame[200:232, 226:240].reshape(-1, 3).astype(float)  # the shirt between the neck and the lock
    assert np.linalg.norm(beside - SHIRT, axis=1).max() < 12.0
    # and nothing on the wall past the figure's fading band beside the lock below the chin (a speck of the clothes
    # carried on below the picture, read beside the lock)
    wall = ~(cv2.dilate((lock_over_shirt.matte > 0.5).astype(np.uint8), None, iterations=5) > 0)
    wall[:150] = False
    assert (frame[wall] == (255, 0, 255)).all(), np.argwhere(wall & (frame != (255, 0, 255)).any(axis=-1))[:5]


def _tilted(rig: Rig, degrees: float) -> np.ndarray:
    """The body drawn with the head tilted by ``degrees`` about its centre (the shoulders where they were), over a
    magenta wall."""
    rest = extend(rig.joints.astype(np.float64))
    angle = np.deg2rad(degrees)
    c, s = np.cos(angle), np.sin(angle)
    hc = rest[35]
    posed = rest.copy()
    posed[list(FACE)] = (rest[list(FACE)] - hc) @ np.array([[c, s], [-s, c]]) + hc
    return Renderer(rig, W, H).render(np.full((H, W, 3), (255, 0, 255), np.uint8), extend(posed[:33]), np.zeros(36),
                                      1.0, angle, order=["body"])


@pytest.mark.parametrize("degrees", [-25.0, -12.0, 12.0, 25.0])
def test_a_tilted_head_bends_the_lock_over_the_shoulder(lock_over_shirt, degrees):
    """The head tilted 12 or 25 degrees either way: the lock's tip stays where it lay on the shirt and no hair is
    drawn on the shirt below it (the lock bends over the shoulder with the neck beside it; before, held by the chest
    on its side by the neck and by the head on its outer side, its tip was drawn out into a dark tail down the shirt,
    or lifted off it, TikTok character 4 in its own clip and moved by clip 5)."""
    frame = _tilted(lock_over_shirt, degrees).astype(float)
    hair = np.linalg.norm(frame - HAIR, axis=-1) < 40
    assert hair[TIP].mean() > 0.97, hair[TIP].mean()
    below = hair.copy()
    below[:LOCK[:, 1].max() + 3] = False  # (the rest tip's last rows, and its soft edge)
    assert below.sum() <= 10, np.argwhere(below)[:5]


def test_no_lock_over_the_clothes_splits_nothing():
    """A lock ending on the wall above the shoulder, or hair of the clothes' colour, is left in the body's mesh."""
    hang = np.zeros((120, 120), np.float32)
    hang[10:50, 40:60] = 1.0
    clothes = np.zeros((120, 120), bool)
    clothes[70:, :] = True
    texture = np.zeros((120, 120, 3), np.uint8)
    texture[:] = SHIRT
    texture[10:50, 40:60] = HAIR
    alpha = np.ones((120, 120), np.float32)
    _, near = ndimage.distance_transform_edt(np.zeros((120, 120), bool), return_indices=True)
    headed = np.zeros((120, 120), bool)
    assert split_locks(hang, clothes, texture, alpha, tuple(near), 100.0, headed) is None  # apart from the shirt
    hang[50:70, 40:60] = 1.0
    texture[10:70, 40:60] = HAIR
    assert split_locks(hang, clothes, texture, alpha, tuple(near), 100.0, headed) is not None
    texture[10:70, 40:60] = SHIRT  # hair of the shirt's colour
    assert split_locks(hang, clothes, texture, alpha, tuple(near), 100.0, headed) is None


def test_hair_resting_on_the_shoulder_bends_with_the_neck():
    """Hair hanging beside the neck down onto the shoulder but not split off (here near the shirt's colour; on TikTok
    character 3 over a bare shoulder) follows the neck's blend by height as a split lock does: its end on the
    shoulder stays mostly with the chest (a third of the head's move at most: it goes down over the shoulder a little
    with the chin, test_puppet_hair_bend), its top by the chin goes mostly with the head (before: the head's whole
    down to its end, which lifted off the shoulder as the head tilted, the body's triangles between them torn: the
    hair ended in a stepped cut over a notch of the wall)."""
    brown = (90, 66, 42)  # (the hair is no colour of the shirt, CLOTHES_ALIKE, yet too near it to split, APART)
    rig = girl_with_lock((WALL, SKIN, HAIR, brown), LOCK, np.array([(130, 185), (280, 185), (255, 400), (145, 400)]),
                         190, 70)
    body = _body(rig)
    assert body.uv is None  # (not split)
    v = body.vertices
    lock = cv2.erode(cv2.fillConvexPoly(np.zeros((H, W), np.uint8), LOCK, 1), None, iterations=3) > 0
    x, y = np.round(v[:, 0]).astype(int), np.round(v[:, 1]).astype(int)
    on = (x >= 0) & (x < W) & (y >= 0) & (y < H)
    on &= lock[np.clip(y, 0, H - 1), np.clip(x, 0, W - 1)]
    end = on & (v[:, 1] > 200)
    assert end.sum() >= 2
    assert body.weights[end, 2].max() < 1 / 3, np.sort(body.weights[end, 2])
    top = on & (v[:, 1] < 135)  # (by the chin: held by the shoulders it rests on in part, neck.shoulder_hold)
    assert body.weights[top, 2].min() > 1 - SHOULDER_HELD, np.sort(body.weights[top, 2])
    assert body.weights[top, 2].mean() > 0.75, np.sort(body.weights[top, 2])


def test_only_hair_ending_on_the_torso_rests_on_it():
    """A piece of what hangs from the head rests on the torso where the torso lies just below its lowest pixels
    over TOUCH shoulder widths of columns; one ending on the wall above the shoulder (a ponytail) does not, nor one
    whose end touches the torso in a few columns only."""
    hang = np.zeros((120, 120), np.float32)
    hang[10:60, 20:50] = 1.0  # ends on the torso over its 30 columns
    hang[10:40, 70:100] = 1.0  # ends on the wall
    torso = np.zeros((120, 120), bool)
    torso[60:, :50] = True
    torso[60:, 70:] = True
    torso[40:60, 70:74] = True  # (a sliver beside the second)
    rest = resting(hang, torso, 100.0)
    assert rest[10:60, 20:50].all()
    assert not rest[:, 60:].any()

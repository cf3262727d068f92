"""Locks of hair resting on the shoulders go down with the head when the chin comes down (TikTok character 4 in its
own clip, frames 140-152: the lock's rows beside the neck, on the neck's blend, were squashed flat and turned over,
the hair ending in a straight cut along the shirt's top with a dark streak)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.engines.puppet.hair_drop import KEEP, drop_with_head
from motion_transfer.engines.puppet.model import HairDrop, Rig
from motion_transfer.engines.puppet.render import Renderer, bone_transforms
from motion_transfer.pose.retarget import FACE, extend
from lock_scene import H, W, girl_with_lock

WALL, SKIN, HAIR = (60, 110, 70), (225, 180, 150), (70, 50, 30)
SHIRT, BROWN = (170, 190, 225), (90, 66, 42)  # a shirt the lock is split off over; one too near the hair's colour
LOCK = np.array([(240, 70), (262, 70), (272, 235), (250, 235)], np.int32)  # beside the neck, down over the shoulder
TORSO = np.array([(130, 185), (280, 185), (255, 400), (145, 400)])
BESIDE = (slice(140, 250), slice(236, 280))  # the lock below the chin and the shoulder beside it
# a lock whose side by the neck runs on past the straight cut beside the neck (at x 236) down to x 212, in shadow
SHADOW = (40, 28, 18)
SLANTED = np.array([(240, 70), (262, 70), (272, 235), (212, 235), (234, 150)], np.int32)
SHADED = np.array([(200, 140), (238, 140), (238, 240), (200, 240)])


@pytest.fixture(scope="module")
def girl() -> Rig:
    """A girl whose lock of hair hangs from her head beside her neck down over her pale shirt's shoulder: split off
    the body (``locks.split_locks``)."""
    return girl_with_lock((WALL, SKIN, HAIR, SHIRT), LOCK, TORSO, 190, 70)


def _body(rig: Rig):
    return next(layer for layer in rig.layers if layer.name == "body")


def _chin_down(rig: Rig, down: float) -> tuple[np.ndarray, np.ndarray]:
    """The body drawn with the head moved ``down`` pixels towards the shoulders (over a magenta wall), and its
    posed joints."""
    posed = extend(rig.joints.astype(np.float64))[:33].copy()
    posed[list(FACE)] += (0.0, down)
    frame = Renderer(rig, W, H).render(np.full((H, W, 3), (255, 0, 255), np.uint8), extend(posed), np.zeros(36),
                                       1.0, 0.0, order=["body"])
    return frame, extend(posed)


def _hair(frame: np.ndarray) -> np.ndarray:
    return np.linalg.norm(frame.astype(float) - HAIR, axis=-1) < 15


def test_the_resting_hair_is_known(girl):
    """The lock split off and the hair it hangs from are the body layer's hair resting on the shoulder; hair left in
    the body's mesh over a shoulder of its own colour has none (it bends with the neck as it did: moved down with the
    head, it tore from the shoulder it shares its triangles with, TikTok character 3)."""
    drop = _body(girl).drop
    assert drop is not None and len(drop.triangles) > 0
    assert _body(girl).uv is not None  # (split)
    in_mesh = girl_with_lock((WALL, SKIN, HAIR, BROWN), LOCK, TORSO, 190, 70)
    assert _body(in_mesh).uv is None and _body(in_mesh).drop is None


@pytest.mark.parametrize("down", [25.0, 40.0])
def test_the_chin_coming_down_does_not_squash_the_hair(girl, down):
    """The head 25 or 40 pixels down on a neck whose blend runs over about 40: no triangle of the lock beside the
    neck keeps less than KEEP of its height down the neck (before: squashed to a sliver and turned over, the lock
    drawn as a band ending in a straight cut), and the lock goes down over the shoulder, one unbroken run of rows."""
    rest, _ = _chin_down(girl, 0.0)
    frame, posed = _chin_down(girl, down)
    body = _body(girl)
    renderer = Renderer(girl, W, H)
    heights = _heights(renderer.posed_vertices(body, bone_transforms(renderer.rest, posed, 1.0, 0.0)), body.drop)
    assert heights.min() >= KEEP - 1e-6, np.sort(heights)[:5]
    rows = np.flatnonzero(_hair(frame)[BESIDE].any(axis=1))
    assert (np.diff(rows) == 1).all(), rows
    ends = np.flatnonzero(_hair(rest)[BESIDE].any(axis=1)).max()
    assert rows.max() >= ends + 0.3 * down, (rows.max(), ends)


@pytest.mark.parametrize("down", [10.0, 25.0, 40.0])
def test_no_backdrop_opens_between_the_lock_and_the_shoulder(girl, down):
    """The shirt beside the lock stays whole as the lock goes down with the head: no patch of the wall (3 pixels
    across or more) shows inside the shirt (before: the rim of the hole the lock left over the shirt's top went down
    with the head, the shirt's triangles below it drawn out into a wedge beside the lock, TikTok character 4 moved
    by clip 5, frames 132 and 141)."""
    frame, _ = _chin_down(girl, down)
    shirt = cv2.fillConvexPoly(np.zeros((H, W), np.uint8), TORSO.astype(np.int32), 1)
    inside = cv2.erode(shirt, np.ones((5, 5), np.uint8)).astype(bool)
    wall = ((np.linalg.norm(frame.astype(float) - (255, 0, 255), axis=-1) < 120) & inside).astype(np.uint8)
    holes = cv2.morphologyEx(wall, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    assert not holes.any(), np.argwhere(holes)[:5]


def _heights(posed: np.ndarray, drop: HairDrop) -> np.ndarray:
    """Each of the hair's triangles' height down the neck (the head straight above the shoulders: down the picture),
    posed over at rest."""
    P = posed[drop.index][drop.triangles]
    E = np.stack([P[:, 1] - P[:, 0], P[:, 2] - P[:, 0]], axis=2)
    return np.einsum("mij,mj->mi", E, drop.rest_down) @ drop.down


def _dropped(rig: Rig, down: float, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """The body's vertices skinned with the head moved ``down`` pixels and turned by ``angle`` (radians), with the
    hair's drop applied and before it ([1, N, 2] each)."""
    body = _body(rig)
    posed = extend(rig.joints.astype(np.float64))[:33].copy()
    posed[list(FACE)] += (0.0, down)
    T = bone_transforms(Renderer(rig, W, H).rest, extend(posed), 1.0, angle)
    A = np.stack([T[b] for b in body.bones])[None]
    vh = np.concatenate([body.vertices.astype(np.float64), np.ones((len(body.vertices), 1))], axis=1)
    per_bone = np.einsum("tbij,nj->tnbi", A, vh)
    out = np.einsum("nb,tnbi->tni", body.weights, per_bone)
    before = out.copy()
    drop_with_head(out, per_bone, A, body.drop, 1, 2)
    return out, before


def test_a_head_that_rises_or_tilts_leaves_the_blend_as_it_was(girl):
    """Raised 15 pixels, the head leaves the lock on the neck's blend by height (its tip stays where it lay on the
    shoulder, as before): nothing moves."""
    out, before = _dropped(girl, -15.0, 0.0)
    assert np.array_equal(out, before)


def test_the_hair_goes_down_the_chest_never_up_it(girl):
    """The head coming down while it turns (its centre lower on the chest, the lock's side rising): the hair's
    vertices go down with it at most, none above where the neck's blend puts it (before: taken up with the head's
    rising side, the lock lifted off the shoulder and the shirt below it was drawn up into a pale band, TikTok
    character 4 in its own clip, frame 26)."""
    # (turned 25 degrees: the head's side with the lock, on the picture's right, rises)
    out, before = _dropped(girl, 30.0, float(np.deg2rad(-25.0)))
    assert not np.array_equal(out, before)  # (it does go down)
    assert (out[0, :, 1] >= before[0, :, 1] - 1e-6).all(), (out - before)[0, :, 1].min()


@pytest.mark.parametrize("down", [25.0, 40.0])
def test_the_lock_gone_down_keeps_the_hairs_outline(down):
    """A lock whose side by the neck, in shadow, runs on past the straight cut beside the neck (a line at a distance
    from the neck's axis) to its own slanted outline: gone down over the shirt with the chin, its lowest rows end on
    that side along the slanted outline, not in a straight vertical edge at the cut, and no hair of it is left on the
    shirt beside it (before: the piece split off ended at the cut and its shaded side stayed behind, a straight edge
    beside a dark sliver, TikTok character 4 in its own clip, frames 146-152)."""
    rig = girl_with_lock((WALL, SKIN, HAIR, SHIRT), SLANTED, TORSO, 190, 70, (SHADED, SHADOW))
    frame, _ = _chin_down(rig, down)
    hair = np.minimum(*(np.linalg.norm(frame.astype(float) - c, axis=-1) for c in (HAIR, SHADOW))) < 40
    hair[:, :200] = hair[:, 290:] = False
    rows = np.flatnonzero(hair.any(axis=1))
    low = np.arange(rows.max() - 30, rows.max() + 1)
    inner = np.argmax(hair[low], axis=1)  # each row's first column of hair
    assert inner.max() <= 226, inner  # past the cut, at the outline (x 212-222 over these rows)
    assert inner[-1] <= inner[0] - 4, inner  # slanted
    longest = max(len(run) for run in np.split(inner, np.flatnonzero(np.diff(inner)) + 1))
    assert longest <= 6, inner  # (the outline steps a column every 4 rows)
    # one run of hair a row below the chin (its side by the neck left behind: a sliver apart from the lock)
    starts = (np.diff(hair[150 + int(down):].astype(np.int8), axis=1) == 1).sum(axis=1)
    assert (starts <= 1).all(), 150 + int(down) + np.flatnonzero(starts > 1)


@pytest.mark.parametrize("down", [25.0, 40.0])
def test_the_shirt_not_the_wall_shows_through_the_locks_soft_edge(down):
    """A lock whose outline over the wall is see-through (its matte half clear there, as strands against a wall
    are), gone down with the chin so that outline lies over the shirt: the pixels along it are the hair's and the
    shirt's mixed, none holds any of what lies under the body layer (a magenta backdrop: before, the lock's clear
    texels showed it, the body's shirt under the lock in the same layer was not drawn there: a thin fringe of the
    background plate along the lock's sides, TikTok character 4 in its own clip, frames 146-147)."""
    rig = girl_with_lock((WALL, SKIN, HAIR, SHIRT), LOCK, TORSO, 190, 70, edge_alpha=0.5)
    rest, _ = _chin_down(rig, 0.0)
    frame, _ = _chin_down(rig, down)
    shirt = cv2.erode(cv2.fillConvexPoly(np.zeros((H, W), np.uint8), TORSO.astype(np.int32), 1),
                      np.ones((5, 5), np.uint8)).astype(bool)
    shirt[:195] = False  # (below the shirt's top, where the lock lay on it at rest)
    # magenta in a pixel: its red and blue above its green (the hair, the skin, the shirt and the wall: 10 at most)
    magenta = frame[..., [0, 2]].astype(float).mean(axis=-1) - frame[..., 1] > 30
    assert not (magenta & shirt).any(), np.argwhere(magenta & shirt)[:5]
    # (the lock did go down over the shirt, its soft outline with it)
    moved = shirt & (np.abs(frame.astype(int) - rest).max(axis=-1) > 30)
    assert moved.sum() > 200, moved.sum()

"""Locks of hair resting on the shoulders go down with the head when the chin comes down, rather than squashing.

A lock hanging beside the neck whose tip lies on the clothes is split off the body's mesh and drawn over it
(``locks.split_locks``); it follows the neck's blend by height, its top by the chin with the head, its tip with the
chest, so it bends over the shoulder as the head tilts or rises, its tip where it lay. But the blend runs over a
couple of the mesh's rows: when the chin came down by more than that (TikTok character 4 in its own clip, frames
140-152), the lock's rows there were squashed flat and turned over, and the hair ended in a straight cut along the
shirt's top with a dark streak. So, each frame, as far as the head comes down on the chest, the lock's vertices,
and those of the hair in the body's mesh it hangs from, move from where the blend puts them towards where the head
takes them (:func:`drop_with_head`): just enough that none of its triangles keeps less than KEEP of its height down
the neck; the lock is drawn over the shirt, lower down it. A head that rises, or comes down a little, leaves the blend
as it was. (Hair resting on a bare shoulder is not split off: in one mesh with the shoulder, moved down it tore from
it, a jagged block over the shoulder on TikTok character 3 moved by clip 4; it bends with the neck as it did.)
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...pose.retarget import HC, MS
from .model import HairDrop
from .morphology import disc

KEEP = 0.6  # the hair's triangles keep at least this share of their rest height down the neck as the head comes down
SLIVER = 0.2  # a triangle whose area is less than this share of its longest edge squared is a sliver ...
TALL = 2.0  # ... and one less than this many pixels high down the neck is flat: neither tells a squash
RAMP = 0.5  # (mesh spacings) the hair goes down with the head in full once its centre has come down this far
OUTLINE = 0.25  # (mesh spacings) the vertices this near the hair (on its outline, its band) go with it


def resting_hair(seeds: np.ndarray, hair: np.ndarray, below_chin: np.ndarray, keep_out: np.ndarray,
                 spacing: float) -> np.ndarray:
    """HxW bool: the pixels of a body layer's crop of hair resting on the shoulders: what the locks split off took
    (``seeds``, HxW bool: ``locks.Locks.hung``) and the ``hair``'s pixels (``hair.hanging_hair``, HxW bool) below the
    chin (``below_chin`` HxW bool) running on unbroken from them (the hair the body keeps by the lock's edge and above
    it: moved without it, the lock slid down away from it, a gap between them), less
    ``keep_out`` (the clothes, and those painted in under the locks: taken along, the shirt's edge beside the hair was
    drawn out into a pale wedge over the background); grown by OUTLINE mesh ``spacing``s but not into ``keep_out``
    (the vertices on its outline and its band go with it whole: with less, its edge triangles were squashed all the
    same)."""
    pieces, _ = ndimage.label((hair & below_chin) | seeds)
    ids = np.unique(pieces[seeds])
    # (down to a mesh spacing below the resting pieces' ends: a shirt or a top of the hair's colour it runs on into
    # is the torso's)
    rows = np.flatnonzero(seeds.any(axis=1))
    end = rows.max() + int(round(spacing)) if len(rows) else -1
    mask = np.isin(pieces, ids[ids > 0]) & ~keep_out & (np.arange(len(seeds))[:, None] <= end)
    grown = cv2.dilate(mask.astype(np.uint8), disc(max(1, int(round(OUTLINE * spacing))))).astype(bool)
    return grown & ~keep_out


def off_the_clothes(resting: np.ndarray, clothes: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """[N] bool: the ``resting`` vertices ([N] bool) of a mesh (``triangles`` [M, 3]) less those sharing a triangle
    with a vertex on the clothes (``clothes`` [N] bool): the rim of the hole a lock split off leaves over the shirt's
    top, and the hair's outline on the shirt, stay with the chest (moved down with the head, the shirt's triangles
    below them were drawn out into a pale wedge from the shoulder's outline to the lock's tip, TikTok character 4
    moved by clip 5)."""
    touching = np.zeros(len(resting), bool)
    touching[triangles[clothes[triangles].any(axis=1)].ravel()] = True
    return resting & ~touching


def hair_drop(vertices: np.ndarray, triangles: np.ndarray, resting: np.ndarray, ext: np.ndarray,
              spacing: float) -> HairDrop | None:
    """The :class:`HairDrop` of a trunk layer (``vertices`` [N, 2] image pixels, ``triangles`` [M, 3], its mesh
    ``spacing``) whose vertices ``resting`` ([N] bool) are the hair's resting on the shoulders (``ext`` the extended
    joints), or None where it has none."""
    index = np.flatnonzero(resting)
    hair = triangles[resting[triangles].all(axis=1)]
    if not len(hair):
        return None
    local = np.full(len(vertices), -1, np.int64)
    local[index] = np.arange(len(index))
    down = ext[MS] - ext[HC]
    down = down / max(float(np.linalg.norm(down)), 1e-9)
    P = vertices[hair].astype(np.float64)
    E = np.stack([P[:, 1] - P[:, 0], P[:, 2] - P[:, 0]], axis=2)  # [M, 2, 2] the edges as columns
    det = E[:, 0, 0] * E[:, 1, 1] - E[:, 0, 1] * E[:, 1, 0]
    # (a sliver, or one lying across the neck a pixel high, tells nothing of the hair's height: its posed height
    # swung with a fraction of a pixel's move, and any head's move read as a squash)
    longest = np.max([np.hypot(*(P[:, a] - P[:, b]).T) for a, b in ((0, 1), (1, 2), (2, 0))], axis=0)
    high = np.ptp(P @ down, axis=1)
    ok = (np.abs(det) >= SLIVER * longest ** 2) & (high >= TALL)
    if not ok.any():
        return None
    E, hair, det = E[ok], hair[ok], det[ok]
    inverse = np.stack([np.stack([E[:, 1, 1], -E[:, 0, 1]], -1), np.stack([-E[:, 1, 0], E[:, 0, 0]], -1)], 1)
    return HairDrop(index=index, triangles=local[hair],
                    rest_down=np.einsum("mij,j->mi", inverse / det[:, None, None], down), down=down,
                    centre=ext[HC].astype(np.float64), ramp=RAMP * spacing)


def _heights(posed: np.ndarray, drop: HairDrop, along: np.ndarray) -> np.ndarray:
    """[T, M] each of the hair's triangles' height down the neck posed (``posed`` [T, K, 2] its vertices), as a
    share of its rest height (``along`` [T, 2]: the chest's map of the rest direction down the neck)."""
    P = posed[:, drop.triangles]  # [T, M, 3, 2]
    E = np.stack([P[:, :, 1] - P[:, :, 0], P[:, :, 2] - P[:, :, 0]], axis=3)  # [T, M, 2, 2]
    mapped = np.einsum("tmij,mj->tmi", E, drop.rest_down)  # where the rest direction down the neck goes
    return np.einsum("tmi,ti->tm", mapped, along) / np.maximum((along ** 2).sum(axis=1), 1e-9)[:, None]


def drop_with_head(out: np.ndarray, per_bone: np.ndarray, A: np.ndarray, drop: HairDrop, chest: int,
                   head: int) -> None:
    """Move the resting hair's vertices of ``out`` ([T, N, 2], skinned by the layer's weights) towards where the head
    alone takes them (``per_bone`` [T, N, B, 2]: each vertex under each bone's map ``A`` [T, B, 2, 3]; ``chest`` and
    ``head`` those bones' indices), each frame as far as none of the hair's triangles then keeps less than KEEP of
    its rest height down the neck (the heights change linearly with the share of the way moved: in place)."""
    i = drop.index
    blended = out[:, i]
    moved = per_bone[:, i, head] - blended  # [T, K, 2] the whole way
    along = A[:, chest, :, :2] @ drop.down  # [T, 2]
    # (down the chest only: a vertex the head would take up, off the shoulder, keeps the blend's height there; taken
    # up, the lock was lifted off the shoulder, the shirt below it drawn up into a pale band, TikTok character 4 in
    # its own clip, frame 26)
    unit = along / np.maximum(np.linalg.norm(along, axis=1), 1e-9)[:, None]
    moved -= np.minimum(np.einsum("tki,ti->tk", moved, unit), 0.0)[..., None] * unit[:, None]
    now, whole = _heights(blended, drop, along), _heights(blended + moved, drop, along)
    short = (now < KEEP) & (whole > now)
    need = np.where(short, (KEEP - now) / np.where(short, whole - now, 1.0), 0.0)
    # (only as far as the head comes down on the chest, its centre nearer the shoulders: one rising, or tilting
    # about its centre towards the lock's shoulder, leaves the lock bending over the shoulder, its tip where it lay)
    centre = (A[:, head] - A[:, chest]) @ np.append(drop.centre, 1.0)  # [T, 2]
    descent = np.einsum("ti,ti->t", centre, along) / np.maximum((along ** 2).sum(axis=1), 1e-9)
    s = np.clip(need.max(axis=1), 0.0, 1.0) * np.clip(descent / drop.ramp, 0.0, 1.0)  # [T]
    if not s.any():
        return
    out[:, i] += s[:, None, None] * moved

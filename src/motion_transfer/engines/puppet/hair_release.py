"""Hair held by the shoulders is let go to the head in the frames where the chest would drag it sideways.

Long hair lying on the shoulders beside the face follows the chest in part from the chin down
(:func:`.neck.shoulder_hold`): a dancer's hair stays on her shoulders while her head sways. But where the head tilts
and slides far over one shoulder, the hair held there was dragged apart: its top went with the head, its middle
stayed with the chest, a hook in its outer side, its inner side cut into the cheek in a hard notch, the hair's pale
strands beside it drawn out into a flame (TikTok character 3 moved by clip 0, frames 18-24). Each frame, each held
lock is read as the bones take it: from its top (beside the chin, where the head takes it), where the head would take
its tip and where the chest takes it. Let go (the layer's vertices moved that share of the way from the held weights
to the free ones, ``HairRelease.free``: the hair hangs from the head as it would unheld) only as far as the chest
drags the tip both aside (its shear: the angle between the two, SHEAR_FROM to SHEAR_FULL degrees) and up the lock
towards its top (its squash: the chest's tip along the head's lock, SQUASH_FROM to SQUASH_FULL of its length): the
head coming down sideways over that shoulder. Neither alone tells (character 3, her lock's top and tip as the rig
reads them): moved by clip 4 her head rises far above her shoulders and leans, her lock sheared 21-30 degrees but
stretched to 1.1-1.5 of its length, and hangs well held (frames 22-31); moved by clip 4 later (frames 34-71) and by
clip 0's first frames, it is squashed to 0.56-0.77 but sheared under 21 degrees, and looks right held; moved by clip
0, frames 18-24, it is sheared 25-35 degrees and squashed to 0.38-0.64: the hook. In her own clip: under 7 degrees.
A lock not dragged so keeps its hold, each vertex where the held weights put it. Let go whole with the head far down
on that shoulder, the few mesh rows of the lock below the chin were squashed and turned over, its end a straight cut
with dark specks (3<-0 frames 22-23): it goes only as far as keeps each of its triangles KEEP of its area.
"""
from __future__ import annotations

import numpy as np

from .model import HairRelease

SHEAR_FROM, SHEAR_FULL = 22.0, 30.0  # (degrees) the lock's shear from which its hold is let go, and whole past
SQUASH_FROM, SQUASH_FULL = 0.75, 0.6  # (of its length) its squash from which its hold is let go, and whole below
STEPS = 10  # the share let go is tried in this many steps up to the trigger's ...
SLIVER = 0.2  # (of the median rest area) triangles no larger are not looked at ...
KEEP = 0.05  # ... the largest that leaves each of the lock's triangles this share of its rest area (mapped by the
# chest) where held it has that, and turns none over (turned over, they drew the hair's end as a straight cut with
# dark specks: character 3 moved by clip 0, frames 22-23, her head far down on that shoulder)


def dragged(A: np.ndarray, release: HairRelease, chest: int, head: int) -> tuple[np.ndarray, np.ndarray]:
    """([T, K] each lock's shear, degrees, unsigned; [T, K] its squash) under the bones' maps ``A`` ([T, B, 2, 3];
    ``chest`` and ``head`` those bones' indices): the angle at its top, taken by the head, between its tip taken by
    the head and its tip taken by the chest; how far along the head's lock the chest's tip lies, in its lengths."""
    top = np.concatenate([release.top, np.ones((len(release.top), 1))], axis=1)
    tip = np.concatenate([release.tip, np.ones((len(release.tip), 1))], axis=1)
    at = np.einsum("tij,kj->tki", A[:, head], top)
    by_head = np.einsum("tij,kj->tki", A[:, head], tip) - at
    by_chest = np.einsum("tij,kj->tki", A[:, chest], tip) - at
    cross = by_head[..., 0] * by_chest[..., 1] - by_head[..., 1] * by_chest[..., 0]
    dot = np.einsum("tki,tki->tk", by_head, by_chest)
    return (np.degrees(np.abs(np.arctan2(cross, dot))),
            dot / np.maximum(np.einsum("tki,tki->tk", by_head, by_head), 1e-9))


def release_with_head(out: np.ndarray, per_bone: np.ndarray, A: np.ndarray, release: HairRelease, weights: np.ndarray,
                      vertices: np.ndarray, triangles: np.ndarray, chest: int, head: int) -> None:
    """Move the vertices of ``out`` ([T, N, 2], skinned by the layer's held ``weights`` [N, B]; at rest ``vertices``
    [N, 2], meshed by ``triangles`` [M, 3]) towards where the free weights put them (``per_bone`` [T, N, B, 2]: each
    vertex under each bone's map ``A`` [T, B, 2, 3]), each lock's by its share let go this frame (in place)."""
    if not len(release.top):
        return
    shear, squash = dragged(A, release, chest, head)
    let_go = (np.clip((shear - SHEAR_FROM) / (SHEAR_FULL - SHEAR_FROM), 0.0, 1.0)
              * np.clip((squash - SQUASH_FROM) / (SQUASH_FULL - SQUASH_FROM), 0.0, 1.0))  # [T, K]
    if not let_go.any():
        return
    moved = np.einsum("nb,tnbi->tni", release.free - weights, per_bone)  # [T, N, 2] (none off the locks)
    moved[:, release.lock < 0] = 0.0
    scale = np.abs(np.linalg.det(A[:, chest, :, :2]))  # [T]
    for k in range(len(release.top)):  # (one or two locks)
        mine = release.lock == k
        share = _unfolded(out, moved, let_go[:, k], mine & (np.abs(release.free - weights).sum(axis=1) > 0),
                          vertices, triangles, scale)
        out[:, mine] += share[:, None, None] * moved[:, mine]


def _unfolded(out: np.ndarray, moved: np.ndarray, let_go: np.ndarray, mine: np.ndarray, vertices: np.ndarray,
              triangles: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """[T] the share of ``moved`` ([T, N, 2]) each frame's lock (its moving vertices ``mine`` [N]) goes, from ``out``
    ([T, N, 2]): tried in STEPS steps up to ``let_go`` ([T]), the largest that leaves each of the triangles with a
    moving corner KEEP of its rest area (over ``vertices``; posed areas over the chest's ``scale`` [T]), where held it
    has that; else turns none over that was not, nor further."""
    tris = triangles[mine[triangles].any(axis=1)]
    R = vertices[tris].astype(np.float64)
    rest = (R[:, 1, 0] - R[:, 0, 0]) * (R[:, 2, 1] - R[:, 0, 1]) - (R[:, 1, 1] - R[:, 0, 1]) * (R[:, 2, 0] - R[:, 0, 0])
    # (not the outline's slivers, which any move turns over)
    whole = rest != 0
    if not whole.any():
        return let_go
    whole &= np.abs(rest) >= SLIVER * np.median(np.abs(rest[whole]))
    tris, rest = tris[whole], rest[whole]
    tried = np.linspace(0.0, 1.0, STEPS + 1)[:, None] * let_go[None, :]  # [J, T]
    P = out[None, :, tris] + tried[..., None, None, None] * moved[None, :, tris]  # [J, T, M, 3, 2]
    area = ((P[..., 1, 0] - P[..., 0, 0]) * (P[..., 2, 1] - P[..., 0, 1])
            - (P[..., 1, 1] - P[..., 0, 1]) * (P[..., 2, 0] - P[..., 0, 0]))
    ratio = area / (rest * np.maximum(scale, 1e-9)[:, None])  # [J, T, M]
    # (a triangle held thinner than KEEP need only not turn over, one held turned over turn over no further)
    least = np.where(ratio[0] >= KEEP, KEEP, np.minimum(ratio[0], 0.0))  # [T, M]
    kept = (ratio >= least[None] - 1e-9).all(axis=2)  # [J, T] (the first step keeps them all)
    return tried[STEPS - np.argmax(kept[::-1], axis=0), np.arange(len(let_go))]

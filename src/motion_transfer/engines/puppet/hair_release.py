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
A lock not dragged so keeps its hold, each vertex where the held weights put it.
"""
from __future__ import annotations

import numpy as np

from .model import HairRelease

SHEAR_FROM, SHEAR_FULL = 22.0, 30.0  # (degrees) the lock's shear from which its hold is let go, and whole past
SQUASH_FROM, SQUASH_FULL = 0.75, 0.6  # (of its length) its squash from which its hold is let go, and whole below


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
                      chest: int, head: int) -> None:
    """Move the vertices of ``out`` ([T, N, 2], skinned by the layer's held ``weights`` [N, B]) towards where the free
    weights put them (``per_bone`` [T, N, B, 2]: each vertex under each bone's map ``A`` [T, B, 2, 3]), each lock's
    by its share let go this frame (in place)."""
    if not len(release.top):
        return
    shear, squash = dragged(A, release, chest, head)
    let_go = (np.clip((shear - SHEAR_FROM) / (SHEAR_FULL - SHEAR_FROM), 0.0, 1.0)
              * np.clip((squash - SQUASH_FROM) / (SQUASH_FULL - SQUASH_FROM), 0.0, 1.0))  # [T, K]
    if not let_go.any():
        return
    mine = release.lock >= 0
    share = let_go[:, release.lock[mine]]  # [T, n]
    moved = np.einsum("nb,tnbi->tni", release.free[mine] - weights[mine], per_bone[:, mine])
    out[:, mine] += share[..., None] * moved

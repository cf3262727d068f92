"""MediaPipe's 21-joint hand: the fingers' chains and their bend angles.

One definition, used by the puppet (to bend the character's fingers) and by the benchmark (to score them).
Joint 0 is the wrist; each finger is four joints from its base (thumb: CMC, MCP, IP, tip; the others: MCP,
PIP, DIP, tip). A finger's bend at a joint is the angle between the bone before it and the bone after it
(0 straight), measured in 3D (MediaPipe's hand z is in the same units as x).
"""
from __future__ import annotations

import numpy as np

FINGERS: dict[str, tuple[int, int, int, int]] = {
    "thumb": (1, 2, 3, 4), "index": (5, 6, 7, 8), "middle": (9, 10, 11, 12), "ring": (13, 14, 15, 16),
    "pinky": (17, 18, 19, 20),
}
# (before, joint, after) for each of the 15 bend angles: three per finger, the first one from the wrist
BENDS: tuple[tuple[int, int, int], ...] = tuple(
    (prev, chain[k], chain[k + 1])
    for chain in FINGERS.values()
    for k, prev in zip(range(3), (0, chain[0], chain[1]))
)

# The most each of the 15 bends can be on a real hand (degrees; the joints' usual range of flexion, a little
# generous): thumb base, MCP and IP, then MCP, PIP and DIP of each finger. A reading beyond it is the hand
# model's mistake, not a pose.
MAX_BEND = np.array([60.0, 70.0, 90.0] + [95.0, 115.0, 90.0] * 4)


def finger_bends(hand: np.ndarray, dims: int = 3) -> np.ndarray:
    """[..., 15] bend angles in degrees (0 straight) of a hand [..., 21, >=2]; NaN where it is missing.
    ``dims=2`` measures them in the image plane only."""
    p = np.asarray(hand, np.float64)[..., :dims]
    a = np.array([b[0] for b in BENDS])
    j = np.array([b[1] for b in BENDS])
    c = np.array([b[2] for b in BENDS])
    u = p[..., j, :] - p[..., a, :]
    v = p[..., c, :] - p[..., j, :]
    cos = (u * v).sum(-1) / np.maximum(np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1), 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def plausible(bends: np.ndarray) -> np.ndarray:
    """[...] whether every bend of ``bends`` [..., 15] is within :data:`MAX_BEND` (False where any is missing)."""
    b = np.asarray(bends, np.float64)
    return np.all(np.isfinite(b) & (b <= MAX_BEND), axis=-1)


def hand_size(hand: np.ndarray) -> np.ndarray:
    """Wrist to middle-finger base plus that finger's length (2D pixels): how large the hand is on screen."""
    p = np.asarray(hand, np.float64)[..., :2]
    chain = (0,) + FINGERS["middle"]
    return sum(np.linalg.norm(p[..., b, :] - p[..., a, :], axis=-1) for a, b in zip(chain[:-1], chain[1:]))

"""The backdrop the generated teddy bear (conftest's ``bear``) is drawn over, and its joints with one limb's lower
part turned about its middle joint (tests of drawn figures' folds)."""
from __future__ import annotations

import numpy as np

from motion_transfer.pose.skeleton import J

BACKDROP = (255, 0, 255)  # a colour the bear does not wear


def bent(joints: np.ndarray, joint: str, below: tuple[str, ...], degrees: float) -> np.ndarray:
    """``joints`` [36, 2] with the joints ``below`` (names) turned about ``joint`` (a name) by ``degrees``."""
    out = joints.copy()
    a = np.radians(degrees)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    at = joints[J[joint]]
    for k in below:
        out[J[k]] = at + R @ (joints[J[k]] - at)
    return out

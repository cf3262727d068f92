"""The legs' two-bone IK on many frames at once: the same legs as one frame at a time, bit for bit."""
from __future__ import annotations

import numpy as np

from motion_transfer.pose.retarget import two_bone_ik


def _legs(n: int, seed: int = 3) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    hip = (rng.random((n, 2)) * 600).astype(np.float32)
    knee = (hip + rng.normal(0, 80, (n, 2))).astype(np.float32)
    ankle = (knee + rng.normal(0, 80, (n, 2))).astype(np.float32)
    target = ankle.astype(np.float64) + rng.normal(0, 25, (n, 2))
    knee[:3] = hip[:3]  # a thigh of no length: left as it is
    target[3:6] = hip[3:6]  # a target on the hip: left as it is
    return hip, knee, ankle, target


def test_many_frames_at_once_are_the_frames_one_at_a_time():
    hip, knee, ankle, target = _legs(400)
    knees, ankles = two_bone_ik(hip, knee, ankle, target)
    assert knees.shape == ankles.shape == (400, 2) and knees.dtype == ankles.dtype == np.float32
    for t in range(len(hip)):
        one_knee, one_ankle = two_bone_ik(hip[t], knee[t], ankle[t], target[t])
        np.testing.assert_array_equal(knees[t], one_knee)
        np.testing.assert_array_equal(ankles[t], one_ankle)


def test_many_frames_keep_lengths_and_leave_degenerate_legs():
    hip, knee, ankle, target = _legs(200)
    knees, ankles = two_bone_ik(hip, knee, ankle, target)
    np.testing.assert_array_equal(knees[:6], knee[:6])
    np.testing.assert_array_equal(ankles[:6], ankle[:6])
    thigh = np.linalg.norm(knee[6:] - hip[6:], axis=1)
    shin = np.linalg.norm(ankle[6:] - knee[6:], axis=1)
    np.testing.assert_allclose(np.linalg.norm(knees[6:] - hip[6:], axis=1), thigh, rtol=1e-3, atol=1e-2)
    np.testing.assert_allclose(np.linalg.norm(ankles[6:] - knees[6:], axis=1), shin, rtol=1e-3, atol=1e-2)

"""The pose sampling rules: dense where the motion changes fast, sparse where it is smooth, and the frames
between filled without inventing what was not seen."""
from __future__ import annotations

import numpy as np

from motion_transfer.pose.schedule import Schedule, anchored, details_worth_it, interpolate, next_gap
from motion_transfer.pose.skeleton import J

SCHEDULE = Schedule(max_gap=5 / 30, tolerance=0.01, detail_rate=5.0)


def standing(x0: float = 300.0, height: float = 600.0) -> np.ndarray:
    body = np.full((33, 4), np.nan, np.float32)
    ys = np.linspace(60, 60 + height, 33)
    body[:, 0], body[:, 1], body[:, 3] = x0 + (np.arange(33) % 5) * 20, ys, 1.0
    return body


def sample(path_x) -> tuple[list[int], np.ndarray]:
    """Sample a body whose x follows ``path_x(frame)`` the way the estimator does: the sampled frames, and the
    interpolation error (px) at every frame."""
    frames, bodies, k = [], [], 0
    while k < 120:
        frames.append(k)
        bodies.append(standing(path_x(k)))
        k += next_gap(frames, bodies, SCHEDULE, 30.0)
    truth = np.array([path_x(t) for t in range(frames[-1] + 1)], np.float32)
    est = interpolate(np.array(frames), truth[frames][:, None], frames[-1] + 1)[:, 0]
    return frames, np.abs(est - truth)


def test_still_or_steady_motion_is_sampled_sparsely():
    for path in (lambda k: 300.0, lambda k: 300.0 + 2.0 * k):  # constant speed: interpolation is exact
        frames, err = sample(path)
        assert np.median(np.diff(frames)) == 5 and err.max() < 1e-3


def test_fast_changing_motion_is_sampled_densely_and_stays_within_tolerance():
    frames, err = sample(lambda k: 300.0 + 40.0 * np.sin(k / 2.0))  # a 40 px shake, twice a second
    assert np.median(np.diff(frames)) <= 2
    assert np.median(err) < SCHEDULE.tolerance * 600


def test_interpolate_is_linear_and_never_crosses_a_missing_sample():
    frames = np.array([0, 4, 8])
    values = np.array([[0.0], [4.0], [np.nan]], np.float32)
    out = interpolate(frames, values, 10)
    np.testing.assert_allclose(out[:5, 0], [0, 1, 2, 3, 4])
    assert np.isnan(out[5:, 0]).all()


def test_interpolate_respects_max_span():
    out = interpolate(np.array([0, 10]), np.array([[0.0], [10.0]], np.float32), 11, max_span=5)
    assert out[0, 0] == 0 and out[10, 0] == 10 and np.isnan(out[1:10, 0]).all()


def test_a_hand_rides_on_its_wrist_between_its_samples():
    wrist = np.stack([np.arange(11) * 10.0, np.zeros(11)], axis=1).astype(np.float32)  # moves right 10 px/frame
    hand = np.zeros((2, 21, 3), np.float32)
    hand[:, :, 0] = wrist[[0, 10], 0][:, None] + 5.0  # the hand sits 5 px right of the wrist
    out = anchored(np.array([0, 10]), hand, wrist[[0, 10]], wrist, 11, max_span=20)
    np.testing.assert_allclose(out[:, 0, 0], wrist[:, 0] + 5.0)


def test_small_hands_and_face_skip_their_models():
    body = standing()
    assert details_worth_it(body, SCHEDULE, 720)
    tiny = body.copy()
    tiny[:, :2] = 100 + (body[:, :2] - 100) * 0.02  # a figure a few pixels tall
    assert not details_worth_it(tiny, SCHEDULE, 720)
    body[J["left_index"], :2] = body[J["left_wrist"], :2] + 30
    assert details_worth_it(body, SCHEDULE, 720)

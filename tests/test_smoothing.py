import numpy as np

from motion_transfer.pose.smoothing import fill_short_gaps, smooth_zero_lag


def test_short_gaps_filled_long_gaps_kept():
    x = np.arange(20, dtype=np.float32).reshape(20, 1, 1).repeat(2, axis=1)
    x[5:7] = np.nan
    x[10:18] = np.nan
    out, filled = fill_short_gaps(x, max_gap=3)
    np.testing.assert_allclose(out[5:7, 0, 0], [5, 6])
    assert np.isnan(out[10:18]).all()
    assert filled.tolist() == [i in (5, 6) for i in range(20)]


def test_jitter_removed_on_still_pose():
    rng = np.random.default_rng(0)
    x = (100 + rng.normal(0, 2, (120, 33, 2))).astype(np.float32)
    out = smooth_zero_lag(x, 30.0, min_cutoff=0.5, beta=0.02)
    def accel(a):
        return np.abs(np.diff(a, 2, axis=0)).mean()
    assert accel(out) < accel(x) / 5


def test_no_lag_on_fast_motion():
    t = np.arange(90) / 30.0
    x = (300 * np.sin(2 * np.pi * 1.5 * t)).reshape(-1, 1, 1).astype(np.float32)  # fast swing
    out = smooth_zero_lag(x, 30.0, min_cutoff=0.5, beta=0.02)
    lags = [np.abs(np.roll(out[:, 0, 0], k) - x[:, 0, 0])[5:-5].mean() for k in range(-3, 4)]
    assert int(np.argmin(lags)) - 3 == 0
    assert np.abs(out - x)[5:-5].max() < 0.02 * 300  # peaks of the swing are not flattened


def test_segments_are_smoothed_separately():
    x = np.full((40, 1, 1), 10.0, np.float32)
    x[20:] = 500.0
    x[18:20] = np.nan
    out = smooth_zero_lag(x, 30.0)
    assert np.allclose(out[:18], 10.0) and np.allclose(out[20:], 500.0)

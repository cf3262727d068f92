"""Temporal clean-up of pose tracks: short gaps filled, long gaps kept missing, jitter removed without lag.

The One Euro filter (Casiez et al., CHI 2012) adapts its cut-off to speed: slow motion is smoothed hard (no
jitter on a still pose), fast motion hardly at all (no lag on a kick). Running it forward and backward and
averaging cancels the remaining phase lag, which an offline track can afford.
"""
from __future__ import annotations

import numpy as np


def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * np.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


def _window_speed(x: np.ndarray, fps: float, window: int) -> np.ndarray:
    """Per-frame speed (units/s) of each coordinate, the maximum over a centred window.

    The One Euro filter reads speed at the frame itself, which drops to zero at every turning point of a
    swing and lets the filter flatten the peak; the window's maximum keeps the cut-off high through it.
    """
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    speed = np.abs(np.gradient(uniform_filter1d(x, 3, axis=0, mode="nearest"), axis=0)) * fps
    return maximum_filter1d(speed, size=window, axis=0, mode="nearest")


def _low_pass(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    out[0] = x[0]
    for t in range(1, len(x)):
        out[t] = alpha[t] * x[t] + (1 - alpha[t]) * out[t - 1]
    return out


def one_euro(x: np.ndarray, fps: float, min_cutoff: float = 1.0, beta: float = 0.05,
             window: float = 0.25) -> np.ndarray:
    """One Euro low-pass over axis 0 of ``x`` [T, ...] (no NaN inside), speed read over ``window`` seconds."""
    speed = _window_speed(x, fps, max(1, int(round(window * fps)) | 1))
    alpha = _alpha(min_cutoff + beta * speed, 1.0 / fps)
    return _low_pass(x, alpha)


def smooth_zero_lag(x: np.ndarray, fps: float, min_cutoff: float = 1.0, beta: float = 0.05) -> np.ndarray:
    """Forward and backward One Euro, averaged, within each run of frames that has no NaN."""
    out = x.copy()
    valid = ~np.isnan(x.reshape(len(x), -1)).any(axis=1)
    for start, stop in runs(valid):
        seg = x[start:stop]
        if len(seg) < 3:
            continue
        fwd = one_euro(seg, fps, min_cutoff, beta)
        bwd = one_euro(seg[::-1], fps, min_cutoff, beta)[::-1]
        out[start:stop] = 0.5 * (fwd + bwd)
    return out


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the runs of True in a 1-D bool array."""
    m = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def fill_short_gaps(x: np.ndarray, max_gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Linearly interpolate runs of all-NaN frames no longer than ``max_gap`` that have data on both sides.

    Returns the filled array and a [T] bool mask of the frames that were filled. Longer gaps, and gaps at the
    clip's ends, stay NaN: a pose is never invented where the actor was not seen for long.
    """
    out = x.copy()
    missing = np.isnan(x.reshape(len(x), -1)).all(axis=1)
    filled = np.zeros(len(x), dtype=bool)
    for start, stop in runs(missing):
        if start == 0 or stop == len(x) or stop - start > max_gap:
            continue
        a, b = x[start - 1], x[stop]
        w = (np.arange(1, stop - start + 1) / (stop - start + 1)).reshape(-1, *[1] * a.ndim)
        out[start:stop] = (1 - w) * a + w * b
        filled[start:stop] = True
    return out, filled

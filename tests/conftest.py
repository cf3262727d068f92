"""Shared fixtures: small media made on the fly (tests never need downloaded data)."""
from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def write_clip(path, *, seconds=1.0, fps=30, size=(64, 48), audio=False, codec_format=None):
    """A moving-bar clip via the project's writer (MP4) or PyAV directly for other containers."""
    from motion_transfer.media.writer import VideoWriter

    w, h = size
    n = int(round(seconds * fps))
    frames = []
    for i in range(n):
        f = np.full((h, w, 3), 40, np.uint8)
        f[:, (i * 2) % w] = 255
        frames.append(f)
    if codec_format is None:
        tone = None
        if audio:
            sr = 16000
            t = np.arange(int(seconds * sr)) / sr
            tone = ((0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None], sr)
        with VideoWriter(path, fps, w, h, audio=tone) as writer:
            for f in frames:
                writer.write(f)
        return path
    import av

    fmt, codec, pix = codec_format
    with av.open(str(path), "w", format=fmt) as c:
        s = c.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = w, h, pix
        for i, f in enumerate(frames):
            vf = av.VideoFrame.from_ndarray(f, format="rgb24")
            vf.pts = i
            for p in s.encode(vf):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    return path


@pytest.fixture(scope="session", autouse=True)
def motion_cache_dir(tmp_path_factory):
    """The test session's own motion cache (set before module fixtures run): tests never read or fill the
    user's. Tests about the cache itself point ``MOTION_TRANSFER_CACHE_DIR`` at a folder of their own."""
    folder = tmp_path_factory.mktemp("motion-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTION_TRANSFER_CACHE_DIR", str(folder))
        mp.delenv("MOTION_TRANSFER_CACHE", raising=False)
        mp.delenv("MOTION_TRANSFER_CACHE_MB", raising=False)
        yield folder


@pytest.fixture
def clip(tmp_path):
    return write_clip(tmp_path / "clip.mp4")

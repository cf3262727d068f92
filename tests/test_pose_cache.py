"""The motion cache: hits, misses, invalidation, the size cap, --no-cache, `cache clear`, concurrent writers, and
the callers (puppet engine, `pose` command, ComfyUI node) going through it."""
from __future__ import annotations

import json
import multiprocessing
import os
import time

import numpy as np
import pytest
from conftest import write_clip

from motion_transfer.cli import main
from motion_transfer.pose import cache as cache_mod
from motion_transfer.pose import estimator
from motion_transfer.pose.cache import MotionCache, TrackSettings, cache_dir, cache_key, cached_track
from motion_transfer.pose.track import PoseTrack


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MOTION_TRANSFER_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def counted(monkeypatch):
    """Replace the tracker with one that records its calls and returns a recognisable track (the cache logic
    is under test here; one test below runs the real tracker)."""
    calls = []

    def fake_track_video(path, fps=None, progress=None, *, smooth=True, max_seconds=None, preset="accurate"):
        calls.append({"path": str(path), "fps": fps, "smooth": smooth, "preset": preset})
        track = PoseTrack.empty(12, fps or 30.0, 64, 48, source=str(path))
        track.body[:, :, :] = len(calls)  # which call made it
        if progress:
            progress("pose", 12, 12)
        return track

    monkeypatch.setattr(estimator, "track_video", fake_track_video)
    return calls


def video(path, content=b"motion video bytes"):
    path.write_bytes(content)
    return path


def test_second_call_is_a_hit_even_from_a_copy(tmp_path, own_cache, counted):
    a = video(tmp_path / "a.mp4")
    first = cached_track(a)
    copy = video(tmp_path / "renamed copy.mp4")
    steps = []
    second = cached_track(copy, progress=lambda *s: steps.append(s))
    assert len(counted) == 1
    assert first.meta["cache"] == "miss" and second.meta["cache"] == "hit"
    np.testing.assert_array_equal(first.body, second.body)
    assert second.source == str(copy) and steps == [("pose", 12, 12)]
    assert len(list(own_cache.glob("*.npz"))) == 1


def test_changed_content_or_settings_miss(tmp_path, own_cache, counted):
    a = video(tmp_path / "a.mp4")
    cached_track(a)
    video(a, b"motion video bytes, edited")
    assert cached_track(a).meta["cache"] == "miss"
    for settings in (TrackSettings(preset="balanced"), TrackSettings(fps=15.0), TrackSettings(smooth=False),
                     TrackSettings(max_seconds=2.0)):
        assert cached_track(a, settings).meta["cache"] == "miss"
        assert cached_track(a, settings).meta["cache"] == "hit"
    assert len(counted) == 6


def test_code_version_is_part_of_the_key(tmp_path, own_cache, monkeypatch):
    a = video(tmp_path / "a.mp4")
    before = cache_key(a, TrackSettings())
    monkeypatch.setattr(estimator, "TRACKER_VERSION", estimator.TRACKER_VERSION + 1)
    assert cache_key(a, TrackSettings()) != before


def test_no_cache_neither_reads_nor_writes(tmp_path, own_cache, counted, monkeypatch):
    a = video(tmp_path / "a.mp4")
    assert cached_track(a, use_cache=False).meta["cache"] == "off"
    assert not own_cache.exists() or not list(own_cache.glob("*.npz"))
    cached_track(a)
    assert cached_track(a, use_cache=False).meta["cache"] == "off"
    monkeypatch.setenv("MOTION_TRANSFER_CACHE", "off")
    assert cached_track(a).meta["cache"] == "off"
    assert len(counted) == 4  # off, miss, off, off: never a hit


def test_cap_evicts_least_recently_used(tmp_path, own_cache, counted):
    paths = [video(tmp_path / f"{i}.mp4", f"clip {i}".encode()) for i in range(3)]
    cached_track(paths[0])
    size = next(own_cache.glob("*.npz")).stat().st_size
    cache = MotionCache(own_cache, cap=int(size * 2.5))
    cached_track(paths[1], cache=cache)
    old = time.time() - 100
    for i, entry in enumerate(sorted(own_cache.glob("*.npz"), key=os.path.getmtime)):
        os.utime(entry, (old + i, old + i))
    cached_track(paths[0], cache=cache)  # a hit makes clip 0 the most recently used
    cached_track(paths[2], cache=cache)  # over the cap: clip 1 goes
    assert cache.info().entries == 2
    assert [cached_track(p, cache=cache).meta["cache"] for p in (paths[0], paths[2])] == ["hit", "hit"]
    assert cached_track(paths[1], cache=MotionCache(own_cache, cap=10**9)).meta["cache"] == "miss"


def test_damaged_entry_is_a_miss_and_is_replaced(tmp_path, own_cache, counted):
    a = video(tmp_path / "a.mp4")
    cached_track(a)
    entry = next(own_cache.glob("*.npz"))
    entry.write_bytes(b"not a zip")
    assert cached_track(a).meta["cache"] == "miss"
    assert cached_track(a).meta["cache"] == "hit"


def test_cache_dir_follows_the_environment(tmp_path):
    assert cache_dir({"MOTION_TRANSFER_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "motion-transfer"


def _writer(folder: str, key: str, value: float, rounds: int) -> None:
    cache = MotionCache(folder, cap=10**9)
    track = PoseTrack.empty(600, 30.0, 640, 480)
    track.body[:] = value
    track.face[:] = value  # large enough that a write takes a while
    for _ in range(rounds):
        cache.put(key, track)


def test_concurrent_writers_never_expose_half_a_file(tmp_path):
    folder = tmp_path / "shared"
    key = "k" * 40
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(folder), key, float(v), 4)) for v in (1, 2, 3)]
    for p in procs:
        p.start()
    reader = MotionCache(folder, cap=10**9)
    seen = set()
    while any(p.is_alive() for p in procs):
        track = reader.get(key)
        if track is not None:
            values = np.unique(track.face)
            assert len(values) == 1 and len(track) == 600  # one writer's whole file, never a mix or a part
            seen.add(float(values[0]))
    for p in procs:
        p.join()
        assert p.exitcode == 0
    assert reader.get(key) is not None and seen <= {1.0, 2.0, 3.0}
    assert not list(folder.glob(".tmp-*"))


def test_cache_command_info_and_clear(tmp_path, own_cache, counted, capsys):
    cached_track(video(tmp_path / "a.mp4"))
    cached_track(video(tmp_path / "b.mp4", b"other"))
    assert main(["cache", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["entries"] == 2 and info["folder"] == str(own_cache) and info["bytes"] > 0
    assert main(["cache", "clear"]) == 0
    assert "Removed 2" in capsys.readouterr().out
    assert not list(own_cache.glob("*.npz"))


def test_real_tracking_round_trips_through_the_cache(tmp_path, own_cache):
    from motion_transfer.samples import make_clip

    path = tmp_path / "wave.mp4"
    make_clip(path, "wave", seconds=1.0, fps=10, size=(320, 240))
    first = cached_track(path, TrackSettings(preset="balanced"))
    again = cached_track(path, TrackSettings(preset="balanced"))
    assert again.meta["cache"] == "hit" and first.present.mean() > 0.8
    for key in ("body", "body_world", "left_hand", "right_hand", "face", "filled"):
        np.testing.assert_array_equal(getattr(first, key), getattr(again, key))
    assert again.fps == first.fps and (again.width, again.height) == (first.width, first.height)


def test_pose_command_uses_the_cache_and_no_cache_skips_it(tmp_path, own_cache, counted, capsys):
    a = write_clip(tmp_path / "a.mp4", seconds=0.4)
    out = tmp_path / "t.npz"
    for flags, expected in (([], "miss"), ([], "hit"), (["--no-cache"], "off")):
        assert main(["pose", str(a), "-o", str(out), "--json", *flags]) == 0
        assert json.loads(capsys.readouterr().out)["cache"] == expected
    assert len(counted) == 2


def test_puppet_engine_load_motion_goes_through_the_cache(tmp_path, own_cache, counted):
    from motion_transfer.engines.puppet.engine import load_motion
    from motion_transfer.engines.puppet.settings import Settings
    from motion_transfer.request import Request

    a = video(tmp_path / "a.mp4")
    req = Request(image=tmp_path / "c.png", video=a, output=tmp_path / "o.mp4", tier="std")
    assert load_motion(req, Settings.from_request(req)).meta["cache"] == "miss"
    assert load_motion(req, Settings.from_request(req)).meta["cache"] == "hit"
    assert counted[-1]["preset"] == "balanced"
    req.options["use_cache"] = False
    assert load_motion(req, Settings.from_request(req)).meta["cache"] == "off"
    pro = Request(image=tmp_path / "c.png", video=a, output=tmp_path / "o.mp4", tier="pro")
    assert load_motion(pro, Settings.from_request(pro)).meta["cache"] == "miss"
    assert counted[-1]["preset"] == "accurate"


def test_unknown_preset_is_a_user_error(tmp_path, own_cache):
    from motion_transfer.errors import InputError

    with pytest.raises(InputError, match="unknown pose preset"):
        cache_mod.cache_key(video(tmp_path / "a.mp4"), TrackSettings(preset="fastest"))


def test_preflight_video_analysis_is_cached_and_names_the_current_file(tmp_path, own_cache):
    import shutil

    from motion_transfer.api import check
    from motion_transfer.samples import make_character, make_clip

    image, video = tmp_path / "c.png", tmp_path / "dance.mp4"
    make_character(image, size=(360, 480))
    make_clip(video, "dance", seconds=3.0, fps=12, size=(480, 270))
    first = check(image, video)
    copy = tmp_path / "renamed.mp4"
    shutil.copy(video, copy)
    second = check(image, copy)
    assert first.video_sample.meta["cache"] == "miss" and second.video_sample.meta["cache"] == "hit"
    np.testing.assert_array_equal(first.video_sample.body, second.video_sample.body)
    assert [f.code for f in first.findings] == [f.code for f in second.findings]
    assert all(f.file != str(video) for f in second.findings)
    assert check(image, copy, use_cache=False).video_sample.meta["cache"] == "off"

"""``transfer()`` end to end on the CPU: the generated mannequin dances, checked and rendered by the puppet."""
from __future__ import annotations

from types import SimpleNamespace

import av
import pytest

from motion_transfer import outputs
from motion_transfer.api import transfer
from motion_transfer.errors import InputError
from motion_transfer.samples import make_character, make_clip

SECONDS = 3.2  # just over the 3 s minimum: the rules run for real


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("api")
    image = folder / "character.png"
    make_character(image, size=(360, 480), style="character", pose="a-pose")
    video = folder / "dance.mp4"
    clip = make_clip(video, "dance", seconds=SECONDS, fps=15, size=(480, 360), style="person", audio=True)
    return folder, image, video, clip


def test_transfer_success_path_on_the_mannequin(media):
    folder, image, video, clip = media
    seen = []
    out = folder / "result.mp4"
    result = transfer(image, video, out, pose_track=clip.to_track(), on_findings=seen.append)
    assert result.output == out and out.is_file() and result.engine == "puppet"
    with av.open(str(out)) as c:
        stream = c.streams.video[0]
        assert (stream.width, stream.height) == (result.width, result.height)
        assert min(result.width, result.height) == 720 and len(c.streams.audio) == 1
    assert result.frames == len(clip) and result.duration == pytest.approx(SECONDS, abs=0.1)
    assert seen and seen[0].ok  # the preflight report reached the caller before the render
    assert not [f for f in result.findings if f.severity == "error"]
    assert "preflight" in result.timings and "render" in result.timings
    assert sorted(p.name for p in folder.iterdir()) == ["character.png", "dance.mp4", "result.mp4"]


def test_full_disk_is_refused_after_the_check_and_before_the_render(media, monkeypatch):
    folder, image, video, clip = media
    monkeypatch.setattr(outputs.shutil, "disk_usage", lambda path: SimpleNamespace(free=1_000_000))
    out = folder / "full.mp4"
    with pytest.raises(InputError) as err:
        transfer(image, video, out, pose_track=clip.to_track())
    assert err.value.code == "output_no_space" and err.value.exit_code == 2
    assert not out.exists() and not list(folder.glob(".full.mp4.*"))


def test_the_rig_is_made_while_the_preflight_still_looks_at_the_video(media, monkeypatch):
    """The puppet's rig needs only the image: it starts once the preflight has found the figure, beside the
    preflight's look at the video (which here waits, unbounded by any clock of ours, until the rig has started),
    and the engine uses that rig instead of making another."""
    import threading

    from motion_transfer import preflight
    from motion_transfer.engines.puppet import engine

    folder, image, video, clip = media
    rig_started, rigs = threading.Event(), []
    real_load, real_analysis = engine.load_character, preflight.video_analysis

    def load_character(*args, **kwargs):
        rig_started.set()
        rigs.append(threading.current_thread().name)
        return real_load(*args, **kwargs)

    def video_analysis(*args, **kwargs):
        seen_in_time = rig_started.wait(120.0)  # old code: the rig only starts after the preflight
        return real_analysis(*args, **kwargs) if seen_in_time else pytest.fail("no rig beside the preflight")

    monkeypatch.setattr(engine, "load_character", load_character)
    monkeypatch.setattr(preflight, "video_analysis", video_analysis)
    result = transfer(image, video, folder / "early.mp4", pose_track=clip.to_track(), use_cache=False)
    assert rigs == ["puppet-rig"] and result.frames == len(clip)
    assert result.timings["rig"] >= 0.0


def test_the_pose_track_is_made_beside_the_preflight_and_its_progress_relayed(media, monkeypatch):
    """The motion's pose track needs only the video: it starts with the rig, while the preflight still looks at
    the video (which here waits, unbounded by any clock of ours, until tracking has started); its progress is
    shown afterwards, from the caller's thread, up to the whole clip."""
    import threading

    from motion_transfer import preflight
    from motion_transfer.engines.puppet import engine

    folder, image, video, clip = media
    tracking, threads = threading.Event(), []
    real_motion, real_analysis = engine.load_motion, preflight.video_analysis

    def load_motion(*args, **kwargs):
        tracking.set()
        threads.append(threading.current_thread().name)
        return real_motion(*args, **kwargs)

    def video_analysis(*args, **kwargs):
        seen_in_time = tracking.wait(120.0)  # old code: tracking only starts after the preflight
        return real_analysis(*args, **kwargs) if seen_in_time else pytest.fail("no tracking beside the preflight")

    reports = []

    def progress(stage, done, total):
        reports.append((stage, done, total, threading.current_thread() is threading.main_thread()))

    monkeypatch.setattr(engine, "load_motion", load_motion)
    monkeypatch.setattr(preflight, "video_analysis", video_analysis)
    result = transfer(image, video, folder / "tracked.mp4", use_cache=False, progress=progress)
    assert threads == ["puppet-pose"] and result.frames == len(clip)
    pose = [r for r in reports if r[0] == "pose"]
    assert pose and pose[-1][1] == pose[-1][2] == len(clip) and all(r[3] for r in pose)


def test_a_run_refused_after_the_figure_was_found_stops_its_rig_and_tracking(media, monkeypatch):
    """The rig and the pose track started from the preflight are stopped, and their threads gone, when the run
    is refused after all (the tracking here would go on for a minute unless stopped)."""
    import threading
    import time

    from motion_transfer.engines.puppet import engine
    from motion_transfer.errors import EngineError

    folder, image, video, clip = media
    jobs = []
    real_begin = engine.PuppetEngine.begin

    def begin(self, request, figure):
        jobs.append(real_begin(self, request, figure))
        return jobs[-1]

    def endless_tracking(request, settings, progress=None):
        for i in range(6000):
            progress("pose", i, 6000)
            time.sleep(0.01)
        return clip.to_track()

    monkeypatch.setattr(engine.PuppetEngine, "begin", begin)
    monkeypatch.setattr(engine, "load_motion", endless_tracking)
    monkeypatch.setattr(outputs.shutil, "disk_usage", lambda path: SimpleNamespace(free=1_000_000))
    with pytest.raises(InputError) as err:
        transfer(image, video, folder / "refused.mp4")
    assert err.value.code == "output_no_space"
    assert len(jobs) == 1
    assert not jobs[0].rig._thread.is_alive() and not jobs[0].motion._thread.is_alive()
    assert isinstance(jobs[0].motion._error, EngineError)  # stopped, not finished
    names = [t.name for t in threading.enumerate()]
    assert "puppet-rig" not in names and "puppet-pose" not in names

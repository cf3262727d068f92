"""Concurrent stages: the streamed render gives the frames a plain loop gives, and an error or a cancel in any
stage stops every stage without hanging or leaving a half-written file."""
from __future__ import annotations

import threading
import time

import av
import numpy as np
import pytest

from motion_transfer.engines.puppet.worker import can_fork
from motion_transfer.errors import EngineError, InputError
from motion_transfer.request import Request
from motion_transfer.samples import make_character, make_clip
from motion_transfer.stages import Job, prefetch, run_all


# ------------------------------------------------------------------------------------------------ prefetch
def test_prefetch_yields_everything_in_order():
    with prefetch(iter(range(100)), depth=3) as items:
        assert list(items) == list(range(100))


def test_a_producer_error_reaches_the_consumer_at_its_item():
    def broken():
        yield from range(5)
        raise InputError("the background video is damaged.")

    got = []
    with pytest.raises(InputError, match="damaged"):
        with prefetch(broken(), depth=2) as items:
            for item in items:
                got.append(item)
    assert got == [0, 1, 2, 3, 4]


def test_closing_early_stops_an_endless_producer_and_runs_its_cleanup():
    cleaned = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            cleaned.set()

    stage = prefetch(endless(), depth=2, name="endless")
    assert [next(stage) for _ in range(3)] == [0, 1, 2]
    t = time.monotonic()
    stage.close()
    assert time.monotonic() - t < 2.0
    assert cleaned.is_set() and not stage._thread.is_alive()


# ------------------------------------------------------------------------------------------------ run_all
def test_run_all_returns_every_result_in_order():
    def job(i):
        return lambda stop: [i * 10 + k for k in range(3)]

    polls = []
    assert run_all([job(i) for i in range(4)], poll=lambda: polls.append(1)) == [
        [0, 1, 2], [10, 11, 12], [20, 21, 22], [30, 31, 32]]


def _waiting(stopped: list):
    def job(stop):
        while not stop.wait(0.01):
            pass
        stopped.append(1)
    return job


def test_a_failing_job_stops_the_others_and_its_error_is_raised():
    stopped: list = []

    def failing(stop):
        time.sleep(0.05)
        raise InputError("the clip is damaged at frame 40.")

    before = threading.active_count()
    with pytest.raises(InputError, match="frame 40"):
        run_all([_waiting(stopped), failing, _waiting(stopped)])
    assert stopped == [1, 1]
    assert threading.active_count() == before


def test_a_cancel_raised_by_poll_stops_every_job():
    stopped: list = []

    class Cancelled(Exception):
        pass

    def poll():
        raise Cancelled()

    before = threading.active_count()
    with pytest.raises(Cancelled):
        run_all([_waiting(stopped), _waiting(stopped)], poll=poll, interval=0.01)
    assert stopped == [1, 1]
    assert threading.active_count() == before


class _Stopped(Exception):
    pass


def _counting(to: int, gate: threading.Event | None = None):
    """Work that reports its count up to ``to`` (after ``gate`` opens) and returns it."""
    def work(progress):
        for i in range(to + 1):
            if gate is not None:
                gate.wait(30.0)
            progress("count", i, to)
        return to
    return work


def test_a_job_works_beside_its_caller_and_relays_its_progress_when_asked():
    gate, seen = threading.Event(), []
    job = Job(_counting(50, gate), name="counting", stopped=_Stopped)
    assert job._thread.is_alive()  # started before anyone asked for its result
    gate.set()
    assert job.result(lambda *report: seen.append((*report, threading.current_thread().name))) == 50
    assert seen and seen[-1] == ("count", 50, 50, threading.current_thread().name)
    assert [s[1] for s in seen] == sorted(s[1] for s in seen)  # in order, none repeated
    assert len({s[1] for s in seen}) == len(seen)


def test_a_jobs_error_is_raised_by_result():
    def failing(progress):
        raise InputError("no frames")

    job = Job(failing, name="failing", stopped=_Stopped)
    with pytest.raises(InputError, match="no frames"):
        job.result()


def test_cancel_stops_a_job_at_its_next_progress_call():
    def endless(progress):
        while True:
            progress("endless", 0, 1)
            time.sleep(0.005)

    before = threading.active_count()
    job = Job(endless, name="endless", stopped=_Stopped)
    job.cancel()
    assert isinstance(job._error, _Stopped) and threading.active_count() == before


def test_a_progress_callback_that_raises_stops_the_job():
    def endless(progress):
        while True:
            progress("endless", 0, 1)
            time.sleep(0.005)

    def cancel(*report):
        raise KeyboardInterrupt

    before = threading.active_count()
    job = Job(endless, name="endless", stopped=_Stopped)
    with pytest.raises(KeyboardInterrupt):
        job.result(cancel, interval=0.01)
    assert isinstance(job._error, _Stopped) and threading.active_count() == before


# ------------------------------------------------------------------------------------------------ engine
@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """A rig, a retargeted motion and its track (the generator's ground truth, so no pose model runs)."""
    from motion_transfer.engines.puppet.engine import load_character
    from motion_transfer.engines.puppet.settings import Settings
    from motion_transfer.pose.retarget import retarget

    folder = tmp_path_factory.mktemp("streaming")
    image, video = folder / "character.png", folder / "dance.mp4"
    make_character(image, size=(360, 480), style="character")
    clip = make_clip(video, "dance", seconds=1.0, fps=30, size=(640, 360), audio=True)
    track = clip.to_track()
    req = Request(image=image, video=video, output=folder / "unused.mp4")
    rig = load_character(req, Settings.from_request(req))
    motion = retarget(track, rig.rest_pose(), "video", 640, 360)
    return folder, image, video, rig, motion, track


def _decoded(path):
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".") or "tmp" in p.name]


def test_streamed_render_matches_a_plain_loop(scene, tmp_path):
    from motion_transfer.engines.puppet.background import backgrounds
    from motion_transfer.engines.puppet.engine import render_video
    from motion_transfer.engines.puppet.render import Renderer

    _, image, video, rig, motion, track = scene
    out, cmp = tmp_path / "out.mp4", tmp_path / "cmp.mp4"
    req = Request(image=image, video=video, output=out, compare=cmp)
    render_video(req, rig, motion, track, 640, 360)
    renderer, bgs = Renderer(rig, 640, 360), backgrounds(None, rig.background, 640, 360, motion.fps)
    expected = [renderer.render(next(bgs).copy(), motion.joints[i], motion.depth[i], motion.width_scale[i],
                                motion.head_angle[i], motion.visibility[i],
                                None if motion.head_scale is None else motion.head_scale[i])
                for i in range(len(motion))]
    got = _decoded(out)
    assert len(got) == len(expected)
    diff = [np.abs(g.astype(int) - e.astype(int)).mean() for g, e in zip(got, expected)]
    assert max(diff) < 2.5  # H.264 at crf 18: what is left is the codec's loss, not a different drawing
    side = _decoded(cmp)
    assert len(side) == len(expected) and side[0].shape[1] > 640
    assert np.abs(side[5][:, -640:].astype(int) - expected[5].astype(int)).mean() < 2.5


class _Tint:
    """Stands in for the face animator: rewrites a patch in the middle of a layer's texture before each frame,
    from the frame's index alone (as the real animators do, from their rest copies)."""

    def __init__(self, texture):
        self.texture = texture
        h, w = texture.shape[:2]
        self.patch = (slice(h // 2 - 12, h // 2 + 12), slice(w // 2 - 12, w // 2 + 12))

    def apply(self, t):
        self.texture[self.patch] = ((t * 37) % 256, 255 - (t * 11) % 256, 90, 255)


def _frames_written(monkeypatch, path):
    from motion_transfer.media.writer import VideoWriter

    got, real = [], VideoWriter.write

    def write(self, frame):
        if self.path == path:
            got.append(frame.copy())
        return real(self, frame)
    monkeypatch.setattr(VideoWriter, "write", write)
    return got


@pytest.mark.parametrize("threads", [2, 3])
def test_frames_drawn_on_several_threads_are_those_of_one(scene, tmp_path, monkeypatch, threads):
    """Each drawing thread animates its own copy of the textures: the frames are bit for bit those of a
    single thread, and the caller's rig and animator are left as they were."""
    import copy

    from motion_transfer.engines.puppet.engine import render_video

    _, image, video, rig, motion, track = scene
    rig = copy.deepcopy(rig)
    body = next(layer for layer in rig.layers if layer.name == "body")
    tint = _Tint(body.texture)
    frames = {}
    for k in (1, threads):
        out = tmp_path / f"out{k}.mp4"
        got = _frames_written(monkeypatch, out)
        render_video(Request(image=image, video=video, output=out), rig, motion, track, 640, 360, face=tint,
                     threads=k)
        frames[k] = got
        monkeypatch.undo()
    assert len(frames[1]) == len(frames[threads]) == len(motion)
    for a, b in zip(frames[1], frames[threads]):
        np.testing.assert_array_equal(a, b)
    # the tint shows: its colour of frame t is in frame t
    shown = [int((np.abs(f.astype(int) - ((t * 37) % 256, 255 - (t * 11) % 256, 90)).sum(axis=2) < 6).sum())
             for t, f in enumerate(frames[1])]
    assert np.median(shown) > 50, shown
    assert tint.texture is body.texture


@pytest.mark.parametrize("where", ["background", "progress", "encoder", "drawing"])
def test_a_failing_stage_stops_all_and_leaves_no_file(scene, tmp_path, monkeypatch, where):
    from motion_transfer.engines.puppet import engine
    from motion_transfer.media.writer import VideoWriter

    _, image, video, rig, motion, track = scene
    out = tmp_path / "out.mp4"

    class Cancelled(Exception):
        pass

    progress, face = None, None
    if where == "drawing":  # on a drawing thread
        class Broken:
            def apply(self, t):
                if t == 7:
                    raise EngineError("the face warp failed.")
        face, expected = Broken(), EngineError
    elif where == "background":
        real = engine.backgrounds

        def failing(*a, **k):
            for i, frame in enumerate(real(*a, **k)):
                if i == 7:
                    raise InputError("the background video is damaged.")
                yield frame
        monkeypatch.setattr(engine, "backgrounds", failing)
        expected = InputError
    elif where == "progress":  # ComfyUI's cancel and Ctrl-C arrive this way
        def progress(stage, done, total):
            if done == 9:
                raise Cancelled()
        expected = Cancelled
    else:
        real_write = VideoWriter.write
        calls = []

        def failing_write(self, frame):
            calls.append(1)
            if len(calls) == 6:
                raise OSError("No space left on device")
            return real_write(self, frame)
        monkeypatch.setattr(VideoWriter, "write", failing_write)
        expected = OSError
    before = threading.active_count()
    req = Request(image=image, video=video, output=out, compare=tmp_path / "cmp.mp4")
    t = time.monotonic()
    with pytest.raises(expected):
        engine.render_video(req, rig, motion, track, 640, 360, progress, face=face)
    assert time.monotonic() - t < 60
    assert not out.exists() and not (tmp_path / "cmp.mp4").exists()
    assert _leftovers(tmp_path) == []
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= before  # no stage thread left running


def test_loading_the_pose_models_defers_pyplot_until_it_is_used(tmp_path):
    """MediaPipe's solutions package imports matplotlib.pyplot for a plotting helper we never call, and its audio
    tasks sounddevice: they (and matplotlib itself) stand in as deferred modules while it loads (half a second off
    every run's start), are not loaded after it, and still work once something uses them, whatever is imported
    first (``import matplotlib.cbook`` failed as a circular import while matplotlib's stand-in stayed in
    ``sys.modules``). So does the package's task API (a package: its submodules import on their own, once each,
    and it is an attribute of the real ``mediapipe``)."""
    import subprocess
    import sys

    code = """
import sys
from motion_transfer.pose.estimator import _solutions
solutions = _solutions()
assert type(solutions.drawing_utils.plt).__name__ == "_Deferred", type(solutions.drawing_utils.plt)
assert not {"matplotlib", "matplotlib.pyplot", "matplotlib.figure", "sounddevice"} & set(sys.modules)
import matplotlib.cbook
assert matplotlib.cbook.ls_mapper
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
figure = plt.figure()
assert type(sys.modules["matplotlib.pyplot"]).__name__ == "module" and matplotlib.pyplot.figure is plt.figure
assert solutions.holistic.Holistic and solutions.drawing_utils.plt.gcf() is figure
for name in ("mediapipe.tasks.python", "mediapipe.tasks"):
    assert type(sys.modules[name]).__name__ == "_Deferred", (name, type(sys.modules[name]))
assert "mediapipe.tasks.python.vision" not in sys.modules and type(sys.modules["mediapipe"]).__name__ == "module"
import mediapipe as mp
from mediapipe.tasks.python.audio import audio_classifier
from mediapipe.tasks.python.audio import AudioClassifier
audio = sys.modules["mediapipe.tasks.python.audio"]
assert AudioClassifier is audio_classifier.AudioClassifier is audio.AudioClassifier
assert mp.tasks.vision.HandLandmarker is sys.modules["mediapipe.tasks.python.vision"].HandLandmarker
assert mp.tasks.BaseOptions and sys.modules["mediapipe.tasks.python"].audio is audio
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def test_a_drawing_thread_takes_the_next_frame_without_waiting_for_the_slowest(scene, tmp_path, monkeypatch):
    """Frames are handed to the drawing threads ahead of the encoder: while one thread is still on frame 0, the
    other draws frames 1 and 2 (it used to wait until frame 0 was done before frame 2 was handed out, idling
    whenever the thread handing out frames was slow to get the GIL back)."""
    from motion_transfer.engines.puppet import engine

    _, image, video, rig, motion, track = scene
    started = {i: threading.Event() for i in range(len(motion))}
    waited = []
    real = engine._Painter.draw

    def draw(self, canvas, background, motion, i, *rest):
        started[i].set()
        if i == 0:  # frame 0 is slow until frame 2 has started on the other thread
            waited.append(started[2].wait(timeout=10))
        return real(self, canvas, background, motion, i, *rest)
    monkeypatch.setattr(engine._Painter, "draw", draw)
    out = tmp_path / "out.mp4"
    engine.render_video(Request(image=image, video=video, output=out), rig, motion, track, 640, 360, threads=2,
                        process=False)  # the threads of this process (a forked painter has its own events)
    assert waited == [True]
    assert out.exists()


fork_only = pytest.mark.skipif(not can_fork(), reason="a drawing process is forked on Linux with two cores or more")


@fork_only
def test_frames_drawn_in_a_forked_process_are_those_of_one_thread(scene, tmp_path, monkeypatch):
    """A painter in a second process draws into canvases shared with this one: the frames are bit for bit those
    of one thread, the process draws some of them, and it is gone once the video is written."""
    import copy
    import multiprocessing
    import os

    from motion_transfer.engines.puppet import engine

    _, image, video, rig, motion, track = scene
    rig = copy.deepcopy(rig)
    tint = _Tint(next(layer for layer in rig.layers if layer.name == "body").texture)
    drawn_by = multiprocessing.get_context("fork").Array("i", len(motion))  # which process drew each frame
    real = engine._Painter.draw

    def draw(self, canvas, background, motion, i, *rest):
        drawn_by[i] = os.getpid()
        return real(self, canvas, background, motion, i, *rest)
    monkeypatch.setattr(engine._Painter, "draw", draw)
    frames = {}
    for process in (False, True):
        out = tmp_path / f"out{process}.mp4"
        got = _frames_written(monkeypatch, out)
        engine.render_video(Request(image=image, video=video, output=out), rig, motion, track, 640, 360,
                            face=tint, threads=2, process=process)
        frames[process] = got
    assert len(frames[True]) == len(frames[False]) == len(motion)
    for a, b in zip(frames[False], frames[True]):
        np.testing.assert_array_equal(a, b)
    assert 0 < sum(pid != os.getpid() for pid in drawn_by) < len(motion)  # both processes drew frames
    assert multiprocessing.active_children() == []


@fork_only
def test_the_drawing_processes_never_free_this_process_s_garbage(scene, tmp_path):
    """Garbage this process has not collected yet when it forks (a video encoder's context, in a cycle) is never
    freed by the drawing processes' collectors: an x264 context freed there waited for threads the child does
    not have, for good."""
    import gc
    import os

    from motion_transfer.engines.puppet import engine

    _, image, video, rig, motion, track = scene
    parent = os.getpid()
    marks = tmp_path / "freed"
    marks.mkdir()

    class Held:  # freed by the collector only (a cycle); says in which process
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            (marks / str(os.getpid())).touch()

    class Collecting:  # a face animator that runs the collector in the drawing processes
        def apply(self, t: int) -> None:
            if os.getpid() != parent:
                gc.collect()

    gc.disable()  # the garbage stays uncollected until the children are forked
    try:
        for _ in range(50):
            Held()
        out = tmp_path / "out.mp4"
        engine.render_video(Request(image=image, video=video, output=out), rig, motion, track, 640, 360,
                            face=Collecting(), threads=2, process=True)
    finally:
        gc.enable()
    gc.collect()
    assert out.exists()
    assert [p.name for p in marks.iterdir()] == [str(parent)]


@fork_only
def test_an_error_in_the_drawing_process_reaches_the_caller_and_leaves_no_file(scene, tmp_path):
    import multiprocessing
    import os

    from motion_transfer.engines.puppet import engine

    _, image, video, rig, motion, track = scene
    parent = os.getpid()

    class BrokenThere:  # fails on the first frame the forked process draws
        def apply(self, t):
            if os.getpid() != parent:
                raise EngineError(f"the face warp failed at frame {t}.")

    out = tmp_path / "out.mp4"
    with pytest.raises(EngineError, match="the face warp failed"):
        engine.render_video(Request(image=image, video=video, output=out), rig, motion, track, 640, 360,
                            face=BrokenThere(), threads=2, process=True)
    assert not out.exists() and _leftovers(tmp_path) == []
    assert multiprocessing.active_children() == []


@fork_only
def test_beside_another_thread_the_frames_are_drawn_on_threads_only(scene, tmp_path, monkeypatch):
    """Forking while another thread runs (a server's, a web app's jobs) could leave the child stuck on a lock
    that thread held: by default the engine then draws on threads only."""
    import multiprocessing
    import os
    import threading

    from motion_transfer.engines.puppet import engine

    _, image, video, rig, motion, track = scene
    drawn_by = multiprocessing.get_context("fork").Array("i", len(motion))
    real = engine._Painter.draw

    def draw(self, canvas, background, motion, i, *rest):
        drawn_by[i] = os.getpid()
        return real(self, canvas, background, motion, i, *rest)
    monkeypatch.setattr(engine._Painter, "draw", draw)
    release = threading.Event()
    server = threading.Thread(target=release.wait, name="a-server", daemon=True)
    server.start()
    try:
        out = tmp_path / "out.mp4"
        engine.render_video(Request(image=image, video=video, output=out), rig, motion, track, 640, 360, threads=2)
    finally:
        release.set()
        server.join()
    assert out.exists()
    assert set(drawn_by) == {os.getpid()}, "a forked process drew frames beside a running thread"

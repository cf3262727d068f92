"""Whole-body pose with MediaPipe Holistic (the model that ships inside the mediapipe 0.10.21 wheel).

Nothing is downloaded: Holistic's body (model complexity 1), hand, face and segmentation models are part of the
wheel. MediaPipe tracks one person; when several are in view it keeps the one it found first, which is the most
prominent; the preflight counts people separately and warns.
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
import threading
import types
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from ..errors import DependencyError, InputError
from ..media.frames import iter_frames, iter_lazy_frames, resize
from ..media.probe import probe
from ..request import Progress
from ..stages import prefetch, run_all
from .schedule import Schedule, anchored, details_worth_it, interpolate, next_gap
from .skeleton import J
from .smoothing import fill_short_gaps, smooth_zero_lag
from .spikes import replace_spikes, spike_frames
from .skeleton import NUM_FACE, NUM_IRIS
from .track import PoseTrack

# Frames are shrunk to this long side before inference: the body model works at 256 px anyway, and hand and
# face crops still get enough pixels at 960 px while decoding and colour conversion stay cheap.
INFERENCE_LONG_SIDE = 960
MAX_GAP_SECONDS = 0.25


class _StderrSilencer:
    """Mutes what MediaPipe's C++ side prints straight to file descriptor 2 while at least one model needs it.

    TFLite and absl log "Created TensorFlow Lite XNNPACK delegate" and feedback-tensor warnings on every start,
    which would bury our own messages; Python-level errors still surface as exceptions. The descriptor belongs
    to the whole process and models start on several threads at once (the rig's image model beside the video's
    trackers), so a plain save-and-restore per user would interleave and could leave stderr pointing at
    /dev/null for good; the first user mutes it and the last one restores it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved: int | None = None

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                sys.stderr.flush()
                self._saved = os.dup(2)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0 and self._saved is not None:
                    os.dup2(self._saved, 2)
                    os.close(self._saved)
                    self._saved = None


# use as ``with native_stderr_silenced():``
native_stderr_silenced = _StderrSilencer()


_IMPORT_LOCK = threading.RLock()  # re-entrant: a stand-in used while MediaPipe imports loads in the same thread


# modules MediaPipe imports at its top but our models never use, each with the package down to which stand-ins
# are made ("": all its parents not imported yet): the plotting helper's pyplot (with matplotlib itself, which
# ``import matplotlib.pyplot`` loads first: half a second), the audio tasks' sounddevice (a tenth of a second, to
# fail on a machine without PortAudio) and the package's task API (``mediapipe.tasks``: audio, text and vision
# tasks, our models being the older ``solutions``; their protobuf modules are half of MediaPipe's import)
UNUSED_BY_MODELS = (("matplotlib.pyplot", ""), ("sounddevice", ""), ("mediapipe.tasks.python", "mediapipe"))


def _solutions():
    """``mediapipe.python.solutions``, imported with the modules in :data:`UNUSED_BY_MODELS` deferred.

    Importing any MediaPipe model imports the whole package: its drawing helpers import pyplot at their top
    but use it only inside the 3D plotting helper we never call, and its audio tasks import sounddevice. These
    stand in as :class:`_Deferred` modules meanwhile, which import the real ones the first time anything is
    looked up on them, so code that does plot works as before; those outside MediaPipe's package leave
    ``sys.modules`` again once it is imported (:func:`_forget`)."""
    with _IMPORT_LOCK:
        if "mediapipe.python.solutions" not in sys.modules:
            for name, within in UNUSED_BY_MODELS:
                _defer(name, within)
        try:
            from mediapipe.python import solutions
        except ImportError as exc:  # pragma: no cover - mediapipe is a hard dependency
            raise DependencyError(f"mediapipe is not importable ({exc}); install mediapipe==0.10.21.") from exc
        for name, within in UNUSED_BY_MODELS:
            if within:
                _attach(name)
            else:
                _forget(name)
    return solutions


def _forget(name: str) -> None:
    """Take the stand-ins of module ``name`` and of its parent packages out of ``sys.modules`` once MediaPipe is
    imported (it keeps its own references to them, which still import the real modules on first use). Left there,
    a package's stand-in broke the import of its other submodules: ``import matplotlib.cbook`` ran cbook inside a
    half-made matplotlib, whose own import of cbook then failed as a circular import."""
    while name:
        if isinstance(sys.modules.get(name), _Deferred):
            del sys.modules[name]
        name = name.rpartition(".")[0]


def _defer(name: str, within: str = "") -> None:
    """Stand-ins for module ``name`` and for those of its parent packages not imported yet below package
    ``within`` (which stays real: "" for none), each child an attribute of its parent's stand-in (so
    ``import a.b as c`` takes it without loading ``a``; a real parent imported later finds the child's stand-in
    in ``sys.modules``)."""
    child = None
    while name and name != within and name not in sys.modules:
        path = _search_path(name)
        module = sys.modules[name] = _Deferred(name)
        if path is not None:  # a package: its submodules import without loading it (a stand-in has no path)
            module.__path__ = path
        if child is not None:
            setattr(module, child.__name__.rpartition(".")[2], child)
        child, name = module, name.rpartition(".")[0]
    if child is not None and name in sys.modules:
        setattr(sys.modules[name], child.__name__.rpartition(".")[2], child)


def _search_path(name: str) -> list[str] | None:
    """Where package ``name``'s submodules are, found without importing anything (None: not a package)."""
    top, *rest = name.split(".")
    spec = importlib.util.find_spec(top)
    paths = list(spec.submodule_search_locations or []) if spec is not None else []
    for part in rest:
        paths = [str(Path(p) / part) for p in paths if (Path(p) / part / "__init__.py").is_file()]
    return paths or None


def _attach(name: str) -> None:
    """Make the stand-in of ``name`` (and of its stand-in parents) an attribute of its real parent package, as a
    real import would have: the package's own ``import a.b.c`` found the stand-in and did not."""
    while "." in name:
        parent, _, leaf = name.rpartition(".")
        module, package = sys.modules.get(name), sys.modules.get(parent)
        if isinstance(module, _Deferred) and package is not None and not isinstance(package, _Deferred) \
                and leaf not in vars(package):
            setattr(package, leaf, module)
        name = parent


class _Deferred(types.ModuleType):
    """A module's stand-in until first use: any attribute looked up on it imports the real module (which then
    replaces it in ``sys.modules``) and comes from there; the stand-ins of its submodules not loaded yet stay
    its attributes. (``importlib.util.LazyLoader`` cannot serve here: on Python 3.11 the import statement
    itself looks at the module's ``__spec__``, which loads it.)"""

    def __getattr__(self, attr: str):  # only for attributes the stand-in does not have
        with _IMPORT_LOCK:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            for key, value in vars(self).items():
                if isinstance(value, _Deferred) and not hasattr(real, key):
                    setattr(real, key, value)
        return getattr(real, attr)


@contextmanager
def _holistic(static: bool, segmentation: bool = False) -> Iterator[object]:
    """A Holistic model, with native stderr muted for its whole life (sub-models start lazily and log then,
    sometimes from worker threads). Progress bars write to their own copy of stderr, so they still show.

    The face uses the refined (attention) landmark model: the plain one barely moves the eyelids when an eye
    closes (a wink reads as open), the refined one follows lids and lips, at the same CPU cost."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    mp_holistic = _solutions().holistic
    with native_stderr_silenced():
        model = mp_holistic.Holistic(static_image_mode=static, model_complexity=1, smooth_landmarks=False,
                                     enable_segmentation=segmentation, refine_face_landmarks=True,
                                     min_detection_confidence=0.5, min_tracking_confidence=0.5)
        try:
            yield model
        finally:
            model.close()


def _landmarks(lms, w: int, h: int, with_visibility: bool, part: slice = slice(None)) -> np.ndarray | None:
    """The landmarks ``part`` of a result (pixels), or None where there are none (or too few to hold it)."""
    if lms is None or len(lms.landmark) < (part.stop or 0):
        return None
    pts = lms.landmark[part]
    if with_visibility:
        return np.array([[p.x * w, p.y * h, p.z * w, p.visibility] for p in pts], dtype=np.float32)
    return np.array([[p.x * w, p.y * h, p.z * w] for p in pts], dtype=np.float32)


def _store(track: PoseTrack, i: int, result, w: int, h: int) -> None:
    body = _landmarks(result.pose_landmarks, w, h, True)
    if body is not None:
        track.body[i] = body
        world = getattr(result, "pose_world_landmarks", None)
        if world is not None:
            track.body_world[i] = np.array([[p.x, p.y, p.z] for p in world.landmark], dtype=np.float32)
    # the refined face model appends its 10 iris points to the mesh's 468: kept apart, the mesh stays the mesh
    for attr, name, part in (("left_hand", "left_hand_landmarks", slice(None)),
                             ("right_hand", "right_hand_landmarks", slice(None)),
                             ("face", "face_landmarks", slice(NUM_FACE)),
                             ("irises", "face_landmarks", slice(NUM_FACE, NUM_FACE + NUM_IRIS))):
        arr = _landmarks(getattr(result, name, None), w, h, False, part)
        if arr is not None:
            getattr(track, attr)[i] = arr


def _inference_size(w: int, h: int) -> tuple[int, int]:
    scale = min(1.0, INFERENCE_LONG_SIDE / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def detect_image(rgb: np.ndarray, *, segmentation: bool = True) -> PoseTrack:
    """Pose of one still image as a one-frame track, in the image's pixel coordinates.

    With ``segmentation`` the person mask (float32 HxW in 0..1, full image size) is in ``meta["segmentation"]``.
    """
    with _holistic(static=True, segmentation=segmentation) as model:
        return _detect(model, rgb, segmentation)


def _detect(model, rgb: np.ndarray, segmentation: bool) -> PoseTrack:
    """``detect_image`` with a model already open (a static-image model keeps nothing from one image to the
    next, so one model serves several looks at the same result)."""
    import cv2

    h, w = rgb.shape[:2]
    iw, ih = _inference_size(w, h)
    small = resize(rgb, (iw, ih))
    track = PoseTrack.empty(1, 0.0, w, h)
    result = model.process(np.ascontiguousarray(small))
    _store(track, 0, result, w, h)
    if segmentation:
        mask = result.segmentation_mask
        track.meta["segmentation"] = (cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
                                      if mask is not None else np.zeros((h, w), np.float32))
    return track


# Presets trade speed for temporal detail (see schedule.py). "full" runs every model on every frame; "accurate"
# (pro) samples the body at least 10 times a second and every frame where the motion changes fast, hands and face
# up to 10 times a second; "balanced" (std) the body at least 6 times a second, hands and face up to 5 times.
# On the generated dances all three stay within the bench's accuracy (bench/pose_bench.py).
PRESETS: dict[str, Schedule] = {
    "full": Schedule(max_gap=0.0, tolerance=0.0, detail_rate=None, min_hand=0.0, min_face=0.0),
    "accurate": Schedule(max_gap=0.1 + 1e-3, tolerance=0.004, detail_rate=10.0),
    "balanced": Schedule(max_gap=1 / 6 + 1e-3, tolerance=0.01, detail_rate=5.0),
}
# Bump when a change here makes track_video return different tracks for the same input: cached tracks
# (pose/cache.py) made by older code then stop matching.
# 3: the refined face model (lids and lips follow); 4: tracked in pieces side by side; 5: frames shrunk bilinearly
# (media.frames.resize_frame); 7: the irises kept (``PoseTrack.irises``; 6 was an experiment never released,
# whose tracks may sit in caches); 8: a joint's misread for a few frames taken out (pose/spikes.py)
TRACKER_VERSION = 8


def preset_params(preset: str) -> Schedule:
    """What a preset name stands for (part of the motion cache's key); a clear error for an unknown name."""
    if preset not in PRESETS:
        raise InputError(f"unknown pose preset {preset!r}.", measured=preset, limit=sorted(PRESETS),
                         fix=f"use one of: {', '.join(sorted(PRESETS))}.")
    return PRESETS[preset]


@contextmanager
def _body_only(static: bool = False, segmentation: bool = False) -> Iterator[object]:
    """MediaPipe Pose: Holistic's own body network (the same landmarks, and the same person mask with
    ``segmentation``) without its hand and face networks, about a quarter of Holistic's cost; in video mode it
    looks for the body where it last was. For every look that needs only the body."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    mp_pose = _solutions().pose

    with native_stderr_silenced():
        model = mp_pose.Pose(static_image_mode=static, model_complexity=1, smooth_landmarks=False,
                             enable_segmentation=segmentation, min_detection_confidence=0.5,
                             min_tracking_confidence=0.5)
        try:
            yield model
        finally:
            model.close()


class _Samples:
    """What the models saw, at the frames they ran on."""

    def __init__(self) -> None:
        self.frames: list[int] = []
        self.body: list[np.ndarray] = []
        self.world: list[np.ndarray] = []
        self.detail_frames: list[int] = []
        self.hands: list[np.ndarray] = []  # [2, 21, 3] left, right
        self.face: list[np.ndarray] = []
        self.irises: list[np.ndarray] = []

    def add(self, k: int, result, w: int, h: int, detail: bool) -> None:
        one = PoseTrack.empty(1, 0.0, w, h)
        _store(one, 0, result, w, h)
        self.frames.append(k)
        self.body.append(one.body[0])
        self.world.append(one.body_world[0])
        if detail:
            self.detail_frames.append(k)
            self.hands.append(np.stack([one.left_hand[0], one.right_hand[0]]))
            self.face.append(one.face[0])
            self.irises.append(one.irises[0])

    @classmethod
    def joined(cls, parts: list["_Samples"]) -> "_Samples":
        """The samples of consecutive pieces of a clip, as one."""
        out = cls()
        for part in parts:
            for key in ("frames", "body", "world", "detail_frames", "hands", "face", "irises"):
                getattr(out, key).extend(getattr(part, key))
        return out


# The clip is tracked as consecutive pieces, each by its own models on its own thread: MediaPipe runs one frame's
# networks one after another, so a single tracker keeps about one core busy, and two pieces keep two. Where the
# pieces start depends only on the clip's length, never on the machine, so a clip gives the same track anywhere
# (each piece's tracker starts with a fresh search for the body, at a frame that always gets a sample).
POSE_PIECES = 2
MIN_PIECE_SECONDS = 3.0


def piece_starts(total: int, rate: float) -> list[int]:
    """The first frame of every piece a clip of ``total`` frames at ``rate`` is tracked in."""
    n = max(1, min(POSE_PIECES, int(total // max(1.0, MIN_PIECE_SECONDS * rate))))
    return [round(i * total / n) for i in range(n)]


def track_video(path: str | Path, fps: float | None = None, progress: Progress | None = None, *,
                smooth: bool = True, max_seconds: float | None = None, preset: str = "accurate") -> PoseTrack:
    """Track the actor through ``path``; coordinates are in the video's displayed pixel size.

    ``fps`` resamples the clip first (None keeps the video's rate). ``preset`` (a name from :data:`PRESETS`) says
    how often each model runs; frames between samples are interpolated (``meta["inference_frames"]`` and
    ``meta["detail_frames"]`` count the samples). Short gaps (up to a quarter second) are interpolated and
    flagged in ``filled``; longer ones stay missing. ``smooth`` applies :func:`clean_track` (a joint's short
    misreads taken out, then zero-lag One Euro). The clip's pieces (:func:`piece_starts`) are tracked side by
    side; progress is reported from the caller's thread.
    """
    info = probe(path, expect="video")
    rate = float(fps or info.fps)
    total = max(1, int(round((min(info.duration, max_seconds) if max_seconds else info.duration) * rate)))
    starts = piece_starts(total, rate)
    piece = _Piece(path, rate, max_seconds, preset_params(preset), info.width, info.height)
    done = [0] * len(starts)
    with ExitStack() as models:  # opened here, in order, so their muting of stderr nests
        pairs = [(models.enter_context(_holistic(static=False)), models.enter_context(_body_only()))
                 for _ in starts]
        jobs = [functools.partial(piece.track, start, stop, pair, done, i)
                for i, (start, stop, pair) in enumerate(zip(starts, starts[1:] + [None], pairs))]
        report = (lambda: progress("pose", min(sum(done), total), max(total, sum(done)))) if progress else None
        pieces = run_all(jobs, name="pose", poll=report)
    samples = _Samples.joined([p for p, _ in pieces])
    count = max(c for _, c in pieces)
    if count == 0 or not samples.frames:
        raise InputError("the video has no frames to track.", file=path, fix="re-export the video.")
    if progress:
        progress("pose", count, count)
    track = _assemble(samples, count, rate, info.width, info.height, str(path), piece.detail_every)
    return clean_track(track) if smooth else track


class _Piece:
    """Tracks one stretch of a clip with its own models (see :data:`POSE_PIECES`)."""

    def __init__(self, path: str | Path, rate: float, max_seconds: float | None, schedule: Schedule, w: int,
                 h: int) -> None:
        self.path, self.rate, self.max_seconds, self.schedule = path, rate, max_seconds, schedule
        self.w, self.h = w, h
        self.size = _inference_size(w, h)
        self.short_side = min(w, h)
        self.detail_every = rate / schedule.detail_rate if schedule.detail_rate else 0.0

    def track(self, start: int, stop: int | None, models: tuple, done: list[int], slot: int,
              cancel: threading.Event) -> tuple[_Samples, int]:
        """Samples of frames ``start`` .. ``stop`` - 1 (None: to the end) and the frame count seen (the index
        after the last frame decoded, so the last piece's tells the clip's length). ``done[slot]`` counts the
        frames handled, for progress. The piece's first frame always gets a sample, and so does the clip's last.
        Frames before ``start`` are decoded but never converted (a few milliseconds each)."""
        full, body_model = models
        samples = _Samples()
        count, last, ended = 0, None, True
        # decoding runs on its own thread, a few frames ahead of inference; it hands out every grid frame, and
        # only the frames a model looks at are converted to RGB
        decoded = iter_lazy_frames(self.path, fps=self.rate, size=self.size, max_seconds=self.max_seconds)
        with prefetch(decoded, 4, "pose-decode") as frames:
            due, next_detail = start, float(start)
            for k, frame in enumerate(frames):
                if cancel.is_set():
                    return samples, count
                if k < start:
                    continue
                if stop is not None and k >= stop:
                    ended = False
                    break
                count, last = k + 1, frame
                if k >= due:
                    due = k + self._sample(samples, k, frame, full, body_model, next_detail)
                    if samples.detail_frames and samples.detail_frames[-1] == k:
                        next_detail = k + self.detail_every
                done[slot] = k + 1 - start
        if ended and last is not None and samples.frames and samples.frames[-1] != count - 1:
            # the clip's last frame always gets a sample, so the end is interpolated, not held
            self._sample(samples, count - 1, last, full, body_model, next_detail)
        return samples, count

    def _sample(self, samples: _Samples, k: int, frame, full, body_model, next_detail: float) -> int:
        """Run the model this frame deserves; returns the frames until the next body sample."""
        schedule, detail_every = self.schedule, self.detail_every
        latest = samples.body[-1] if samples.body else np.full((33, 4), np.nan, np.float32)
        detail_due = detail_every == 0.0 or k + 1e-6 >= next_detail
        detail = detail_due and details_worth_it(latest, schedule, self.short_side)
        samples.add(k, (full if detail else body_model).process(frame.rgb()), self.w, self.h, detail)
        gap = next_gap(samples.frames, samples.body, schedule, self.rate)
        if detail_every and detail:
            gap = min(gap, max(1, int(np.ceil(k + detail_every - 1e-6)) - k))
        return gap


def _assemble(samples: _Samples, count: int, rate: float, w: int, h: int, source: str,
              detail_every: float) -> PoseTrack:
    """Every frame from the samples: the body interpolated between its samples, hands and face riding on it."""
    track = PoseTrack.empty(count, rate, w, h, source=source)
    frames = np.array(samples.frames)
    longest = int(np.diff(frames).max()) if len(frames) > 1 else 1
    track.body[:] = interpolate(frames, np.stack(samples.body), count, longest)
    track.body_world[:] = interpolate(frames, np.stack(samples.world), count, longest)
    if samples.detail_frames:
        dframes = np.array(samples.detail_frames)
        at = np.searchsorted(frames, dframes)
        # a hand or face is carried across at most about two of its own intervals (longer: it was too small)
        span = max(1, int(np.ceil(2.5 * detail_every))) if detail_every else longest
        hands = np.stack(samples.hands)
        for i, (key, wrist) in enumerate((("left_hand", J["left_wrist"]), ("right_hand", J["right_wrist"]))):
            setattr(track, key, anchored(dframes, hands[:, i], np.stack(samples.body)[at, wrist, :2],
                                         track.body[:, wrist, :2], count, span))
        for key in ("face", "irises"):  # the irises ride on the nose as the mesh does (no slip between them)
            getattr(track, key)[:] = anchored(dframes, np.stack(getattr(samples, key)),
                                              np.stack(samples.body)[at, J["nose"], :2], track.body[:, J["nose"], :2],
                                              count, span)
    track.meta = {"inference_frames": len(samples.frames), "detail_frames": len(samples.detail_frames)}
    return track


def _grow(track: PoseTrack, n: int) -> PoseTrack:
    """Resize a track to ``n`` frames (the decoder's count can differ by one from the probe's)."""
    if n == len(track):
        return track
    out = PoseTrack.empty(n, track.fps, track.width, track.height, source=track.source)
    m = min(n, len(track))
    for key in ("body", "body_world", "left_hand", "right_hand", "face", "irises"):
        if getattr(track, key) is not None:
            getattr(out, key)[:m] = getattr(track, key)[:m]
    return out


def clean_track(track: PoseTrack) -> PoseTrack:
    """Fill short gaps, take out a joint's misreads (pose/spikes.py), then smooth every part. Returns a new
    track; the input is left as it was."""
    max_gap = max(1, int(round(MAX_GAP_SECONDS * track.fps)))
    body, filled = fill_short_gaps(track.body, max_gap)
    world, _ = fill_short_gaps(track.body_world, max_gap)
    misread = spike_frames(body, track.fps)
    body, world = replace_spikes(body, misread), replace_spikes(world, misread)
    xyz = smooth_zero_lag(body[..., :3], track.fps, min_cutoff=0.5, beta=0.02)
    body = np.concatenate([xyz, body[..., 3:]], axis=-1)
    world = smooth_zero_lag(world, track.fps, min_cutoff=1.0, beta=2.0)
    hands = [smooth_zero_lag(fill_short_gaps(h, max_gap)[0], track.fps, min_cutoff=1.5, beta=0.02)
             for h in (track.left_hand, track.right_hand)]
    # the irises smoothed as the mesh is, so the eye's corners and its iris keep to each other
    face, irises = (None if a is None else
                    smooth_zero_lag(fill_short_gaps(a, max_gap)[0], track.fps, min_cutoff=1.5, beta=0.02)
                    .astype(np.float32) for a in (track.face, track.irises))
    return PoseTrack(fps=track.fps, width=track.width, height=track.height, body=body.astype(np.float32),
                     left_hand=hands[0].astype(np.float32), right_hand=hands[1].astype(np.float32),
                     face=face, body_world=world.astype(np.float32), filled=filled, irises=irises,
                     source=track.source, meta=dict(track.meta))


# sampled frames decoded ahead of the preflight's model at most (each 0.7 MB at 640 px)
SAMPLE_AHEAD = 8


def sample_video(path: str | Path, fps: float = 3.0, long_side: int = 640,
                 progress: Progress | None = None) -> tuple[PoseTrack, list[np.ndarray], list[np.ndarray]]:
    """A quick look at a clip for the preflight: body poses (no hands or face), person masks and small frames
    at a low rate.

    Returns the (unsmoothed) track in the video's pixel coordinates, and per sampled frame the person mask and
    the RGB frame, both at ``long_side`` pixels on the long side.
    """
    info = probe(path, expect="video")
    scale = min(1.0, long_side / max(info.width, info.height))
    size = (max(1, round(info.width * scale)), max(1, round(info.height * scale)))
    total = max(1, int(info.duration * fps))
    track = PoseTrack.empty(total, fps, info.width, info.height, source=str(path))
    masks: list[np.ndarray] = []
    frames: list[np.ndarray] = []
    # the clip is decoded on its own thread, started before the model loads (importing MediaPipe and starting
    # the model take about a second on the first use), and the model works beside the decoder after that
    # (the preflight looks at the body and the person mask only); only its reference frames are decoded: a
    # sample's frame may be a few source frames early, and decoding is a third of the sample's cost
    sampled = iter_frames(path, fps=fps, size=size, references_only=True)
    with prefetch(sampled, depth=SAMPLE_AHEAD, name="sample-decode") as decoded, \
            _body_only(segmentation=True) as model:
        for i, rgb in enumerate(decoded):
            if i >= total:
                break
            result = model.process(rgb)
            _store(track, i, result, info.width, info.height)
            mask = result.segmentation_mask
            masks.append(mask.astype(np.float32) if mask is not None else np.zeros(rgb.shape[:2], np.float32))
            frames.append(rgb)
            if progress:
                progress("analyse video", i + 1, total)
    if len(frames) < total:
        track = _grow(track, len(frames))
    return track, masks, frames


def people_model():
    """The model :func:`count_people` looks with (a context manager): one static body model with its person mask,
    to open once for several frames."""
    return _body_only(static=True, segmentation=True)


def count_people(rgb: np.ndarray, first: np.ndarray, model: object | None = None) -> int:
    """How many people are in ``rgb``: hide the person found (``first``, [33,4]) and look again, up to 3.

    Only the body and its person mask are looked at, so the looks use the body model alone (the same landmarks
    and mask as Holistic's), one model for all of them: ``model`` (from :func:`people_model`, to share one
    between frames) or one opened here."""
    if model is None:
        with people_model() as opened:
            return count_people(rgb, first, opened)
    h, w = rgb.shape[:2]
    work = rgb.copy()
    people = 0
    body = first
    filled = np.zeros((h, w), bool)
    for _ in range(3):
        if body is None or np.isnan(body[:, 0]).all():
            break
        people += 1
        seen = body[body[:, 3] > 0.3] if (body[:, 3] > 0.3).any() else body
        x0, y0 = np.nanmin(seen[:, :2], axis=0)
        x1, y1 = np.nanmax(seen[:, :2], axis=0)
        pad = 0.25 * max(x1 - x0, y1 - y0, 1.0)
        xa, xb = int(max(0, x0 - pad)), int(min(w, x1 + pad))
        ya, yb = int(max(0, y0 - pad)), int(min(h, y1 + pad))
        work[ya:yb, xa:xb] = np.median(work.reshape(-1, 3), axis=0).astype(np.uint8)
        filled[ya:yb, xa:xb] = True
        found = _detect(model, work, segmentation=True)
        body = found.body[0]
        if not _is_separate_person(body, filled, found.meta["segmentation"]):
            body = None
    return people


def _is_separate_person(body: np.ndarray, hidden: np.ndarray, person_mask: np.ndarray) -> bool:
    """A confident detection whose head and torso stand on real pixels, not on the area already hidden.

    MediaPipe readily "finds" a person in a flat patch or in the leftovers of the one just hidden; a real
    second person has a clearly seen head and shoulders of its own, outside what was painted over, and the
    segmentation model sees a body there.
    """
    if np.isnan(body[:, 0]).all():
        return False
    core = body[[0, 11, 12, 23, 24]]
    if core[:3, 3].min() < 0.75:
        return False
    h, w = hidden.shape
    x0, y0 = np.clip(np.nanmin(core[:, :2], axis=0), 0, [w - 1, h - 1]).astype(int)
    x1, y1 = np.clip(np.nanmax(core[:, :2], axis=0), 0, [w - 1, h - 1]).astype(int)
    box = hidden[y0:y1 + 1, x0:x1 + 1]
    person = person_mask[y0:y1 + 1, x0:x1 + 1] > 0.5
    return box.size > 0 and box.mean() < 0.3 and person.mean() > 0.4

"""What the web app does, without the web: check, rig editing, render with progress and cancel, the Kling cost
and the job list. ``app.py`` only wires these to Gradio widgets, so tests call them directly.
"""
from __future__ import annotations

import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..engines.puppet.settings import Settings as PuppetSettings
from ..errors import MotionTransferError, PreflightError
from ..finding import Finding, format_findings
from ..pose.skeleton import BODY_JOINTS
from ..preflight import Report
from ..request import Progress
from .views import joints_image, timeline_image, write_overlay_video

SAMPLE_SECONDS = 6.0  # what `motion-transfer demo` renders by default
SAMPLE_SIZE = (720, 960)


class Cancelled(MotionTransferError):
    """The person pressed Cancel; the writers remove their partial files, so nothing is left behind."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("cancelled; no output was written.")


def error_text(exc: BaseException) -> str:
    """The sentences the CLI prints for this error (the findings table for a refused preflight)."""
    if isinstance(exc, PreflightError):
        return format_findings(exc.findings)
    if isinstance(exc, MotionTransferError):
        return f"error: {exc}"
    return f"error: unexpected {type(exc).__name__}: {exc}"


# ------------------------------------------------------------------------------------------------ workspace


@dataclass
class Workspace:
    """The app's private temporary folder: the built-in samples, uploads (Gradio's cache points here), check
    pictures, rig files and results. ``remove()`` deletes all of it when the app stops."""

    root: Path
    _names: Any = field(default_factory=count, repr=False)

    @classmethod
    def create(cls) -> "Workspace":
        return cls(Path(tempfile.mkdtemp(prefix="motion-transfer-ui-")))

    def new_path(self, stem: str, suffix: str) -> Path:
        """A fresh file name under ``out/`` (results are never overwritten while a page still shows them)."""
        folder = self.root / "out"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{stem}-{next(self._names)}{suffix}"

    def samples(self, seconds: float = SAMPLE_SECONDS, size: tuple[int, int] = SAMPLE_SIZE) -> tuple[Path, Path]:
        """The built-in character and dance, made on the spot like ``motion-transfer demo`` makes them."""
        from ..samples import make_demo_inputs

        return make_demo_inputs(self.root / "samples", seconds=seconds, size=size)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


# ------------------------------------------------------------------------------------------------ tasks


class Task:
    """``work(progress)`` on a worker thread. The page polls ``line()`` for the stage and frame; ``cancel()``
    makes the next progress call raise :class:`Cancelled`, which unwinds the engine like any error."""

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        self._work = work
        self._cancel = threading.Event()
        self.stage, self.done, self.total = "starting", 0, 0
        self.result: Any = None
        self.error: BaseException | None = None
        self.started = time.perf_counter()
        self.seconds: float | None = None
        self._thread = threading.Thread(target=self._run, name="motion-transfer-ui-task", daemon=True)
        self._thread.start()

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.stage, self.done, self.total = stage, done, total

    def _run(self) -> None:
        try:
            self.result = self._work(self._progress)
        except BaseException as exc:  # shown to the person by the page, never swallowed
            self.error = exc
        finally:
            self.seconds = time.perf_counter() - self.started

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self.running

    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def line(self) -> str:
        """'render: frame 45 of 180 (12 s)'."""
        elapsed = time.perf_counter() - self.started
        if self.cancelling:
            return f"cancelling after {self.stage} ({elapsed:.0f} s)"
        unit = "frame " if self.total > 1 else "step "
        where = f": {unit}{self.done} of {self.total}" if self.total else ""
        return f"{self.stage}{where} ({elapsed:.0f} s)"

    @property
    def cancelling(self) -> bool:
        return self._cancel.is_set() and self.running


# ------------------------------------------------------------------------------------------------ session


@dataclass
class CheckView:
    """What Check shows: the report, its pictures, and the rig the puppet would start from."""

    report: Report
    timeline: np.ndarray
    overlay: Path | None = None
    rig: dict | None = None
    character: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Session:
    """One browser tab's state: its tracked poses (reused by the render), its rig and its running task."""

    workspace: Workspace
    tracks: dict = field(default_factory=dict)
    rig: dict | None = None
    rig_image: str | None = None
    rig_path: Path | None = None
    task: Task | None = None

    # ---- check
    def check(self, image: str, video: str, *, orientation: str = "video", engine: str = "puppet",
              prompt: str = "", tier: str = "std", progress: Progress | None = None) -> CheckView:
        """The CLI's check, plus the pictures: findings' frames on a timeline, the tracked skeleton over the
        video (the full track is kept, so a puppet render right after skips tracking), the detected joints."""
        from ..api import check

        _need_files(image, video)
        report = check(image, video, orientation=orientation, engine=engine, prompt=prompt, progress=progress)
        info = report.video_info
        frames = int(round(info.duration * info.fps)) if info else 1
        view = CheckView(report, timeline_image(report.findings, frames, info.fps if info else 30.0))
        if report.image_info is not None:
            try:
                view.rig, view.character = self.detect_rig(image)
            except MotionTransferError as exc:
                view.notes.append(error_text(exc))
        if report.ok:
            track = self.track(video, tier, progress)
            view.overlay = write_overlay_video(video, track, self.workspace.new_path("skeleton", ".mp4"),
                                               progress=progress)
        return view

    def track(self, video: str, tier: str, progress: Progress | None = None):
        """The video's pose track with the preset the puppet engine uses for ``tier``; the latest one is kept
        (keyed by the file's path, size and time, so a replaced upload is tracked afresh)."""
        from ..pose.cache import TrackSettings, cached_track

        preset = _pose_preset(tier)
        key = _file_key(video) + (preset,)
        if key not in self.tracks:  # the motion cache serves a video tracked before, in this session or another
            self.tracks = {key: cached_track(video, TrackSettings(preset=preset), progress)}
        return self.tracks[key]

    # ---- rig
    def detect_rig(self, image: str) -> tuple[dict, np.ndarray]:
        """The rig document the puppet would start from (detected joints, else a fitted template)."""
        from ..engines.puppet.rig import write_rig_template
        from ..media.frames import read_image

        self.rig = write_rig_template(image, image_name=Path(image).name)
        self.rig_image, self.rig_path = image, None
        rgb = read_image(image)
        return self.rig, joints_image(rgb, self.rig)

    def place_joint(self, name: str, x: float, y: float) -> dict:
        """Move joint ``name`` to image pixel (x, y): the click-to-place of the joint editor."""
        self._need_rig()
        if name not in BODY_JOINTS:
            raise MotionTransferError(f"unknown joint {name!r}; choose one from the list.")
        self.rig = {**self.rig, "source": "user",
                    "joints": {**self.rig["joints"], name: [round(float(x), 1), round(float(y), 1)]}}
        self.rig_path = None
        return self.rig

    def set_rows(self, rows: list[list]) -> dict:
        """Take the joint table (joint, x, y; empty x or y = not shown in the image) as the rig's joints."""
        self._need_rig()
        joints = dict(self.rig["joints"])
        for row in rows:
            if not row or row[0] in (None, ""):
                continue
            name = str(row[0])
            if name not in BODY_JOINTS:
                raise MotionTransferError(f"the joint table names an unknown joint {name!r}.")
            x, y = (_number(v) for v in row[1:3])
            joints[name] = None if x is None or y is None else [round(x, 1), round(y, 1)]
        if joints != self.rig["joints"]:
            self.rig = {**self.rig, "source": "user", "joints": joints}
            self.rig_path = None
        return self.rig

    def rows(self) -> list[list]:
        """The joint table: every body joint with its x and y (blank when the image does not show it)."""
        joints = (self.rig or {}).get("joints", {})
        return [[n, *(joints.get(n) or (None, None))] for n in BODY_JOINTS]

    def save_rig(self) -> Path:
        """Write the edited rig as a rig file (the same format `motion-transfer rig` writes) and read it back
        the way the render will, so a table mistake shows now, as the render's own sentence."""
        from ..engines.puppet.rig import load_rig_json, save_rig_json

        self._need_rig()
        path = save_rig_json(self.rig, self.workspace.new_path("rig", ".json"))
        load_rig_json(path, int(self.rig["width"]), int(self.rig["height"]))
        self.rig_path = path
        return path

    def character_image(self, selected: str | None = None) -> np.ndarray:
        from ..media.frames import read_image

        self._need_rig()
        return joints_image(read_image(self.rig_image), self.rig, selected)

    def _need_rig(self) -> None:
        if self.rig is None:
            raise MotionTransferError("no rig yet: press Check first; it detects the character's joints.")

    # ---- render
    def start_render(self, image: str, video: str, *, prompt: str = "", orientation: str = "video",
                     tier: str = "std", keep_sound: bool = True, engine: str = "puppet",
                     background: str | None = None, use_rig: bool = False, confirmed_cost: bool = False,
                     model: str | None = None, video_url: str | None = None, **options: Any) -> Task:
        """Start ``transfer()`` on a worker thread and return the task to poll.

        Kling is only ever called with the cost confirmed on the page (the engine's own terminal question
        cannot be asked here). A puppet render reuses the pose track Check made for the same file and tier.
        """
        from ..api import transfer

        if self.task is not None and self.task.running:
            raise MotionTransferError("a render is already running; wait for it or press Cancel.")
        _need_files(image, video)
        rig = None
        if use_rig:
            if self.rig is None or self.rig_image != image:
                raise MotionTransferError("'use my rig' is ticked, but there is no rig for this image: press "
                                          "Check, adjust the joints, then Save rig.")
            rig = self.rig_path or self.save_rig()
        if engine == "kling":
            if not confirmed_cost:
                raise MotionTransferError("not submitted: tick the box that accepts the estimated cost first. "
                                          "Nothing was paid.")
            options.update(yes=True, model=model or None, video_url=video_url or None)
        elif engine == "puppet":
            cached = self.tracks.get(_file_key(video) + (_pose_preset(tier),))
            if cached is not None and "pose_track" not in options:
                options["pose_track"] = cached
        output = self.workspace.new_path("result", ".mp4")
        options = {k: v for k, v in options.items() if v is not None}

        def work(progress: Progress):
            return transfer(image, video, output, prompt=prompt, orientation=orientation, tier=tier,
                            keep_sound=keep_sound, engine=engine, background=background or None, rig=rig,
                            progress=progress, **options)

        self.task = Task(work)
        return self.task

    def cancel(self) -> bool:
        """Ask the running task to stop; returns whether one was running."""
        if self.task is not None and self.task.running:
            self.task.cancel()
            return True
        return False

    # ---- kling
    def kling_estimate(self, video: str, model: str, tier: str) -> str:
        """The sentence the CLI prints before asking to pay, for the current video, model and tier."""
        from ..engines.kling.settings import PRICES_USD_PER_S, estimate_cost
        from ..media.probe import probe

        if not video:
            return "Choose a motion video to see the estimated cost."
        seconds = probe(video, expect="video").duration
        price = PRICES_USD_PER_S[(model, tier)]
        return (f"estimated cost: {seconds:.1f} s x ${price:.3f}/s = ${estimate_cost(model, tier, seconds):.2f} "
                f"({model}, {tier}); Kling bills in units, the exact deduction is recorded when the task ends.")

    def start_resume(self, job_id: str, jobs_db: str | None = None) -> Task:
        """Finish a stored Kling job (poll, download, write its output) on a worker thread."""
        from ..engines.kling.engine import KlingEngine

        if self.task is not None and self.task.running:
            raise MotionTransferError("a task is already running; wait for it or press Cancel.")
        if not str(job_id).strip():
            raise MotionTransferError("give a job id (the ID column of the job list).")
        options = {"jobs_db": jobs_db} if jobs_db else {}
        self.task = Task(lambda progress: KlingEngine().resume(str(job_id).strip(), options=options,
                                                               progress=progress))
        return self.task


def job_rows(jobs_db: str | None = None, limit: int = 50) -> list[list[str]]:
    """The job list as `motion-transfer jobs list` shows it, newest first."""
    from ..cli_jobs import job_row
    from ..jobs import JobStore

    store = JobStore(jobs_db) if jobs_db else JobStore()
    try:
        return [list(job_row(j)) for j in store.list(None, limit=limit)]
    finally:
        store.close()


def findings_html(findings: list[Finding]) -> str:
    """Each finding with a coloured severity badge, the sentence, what was measured and the fix."""
    from html import escape

    from .views import SEVERITY_RGB

    if not findings:
        return "<p>No problems found.</p>"
    items = []
    for f in findings:
        r, g, b = SEVERITY_RGB.get(f.severity, (90, 90, 90))
        badge = (f'<span style="background:rgb({r},{g},{b});color:#fff;border-radius:4px;padding:1px 6px;'
                 f'font-weight:600">{escape(f.severity.upper())}</span>')
        text = f"{Path(f.file).name}: {f.message}" if f.file else f.message
        extra = ""
        if f.measured is not None or f.limit is not None:
            extra += f"<br><small>measured: {escape(str(f.measured))} &nbsp; limit: {escape(str(f.limit))}</small>"
        if f.fix:
            extra += f"<br><small>fix: {escape(f.fix)}</small>"
        items.append(f'<li class="finding finding-{escape(f.severity)}">{badge} <code>{escape(f.code)}</code> '
                     f"{escape(text)}{extra}</li>")
    n = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    return (f"<ul style='list-style:none;padding-left:0'>{''.join(items)}</ul><p>{n['error']} error(s), "
            f"{n['warning']} warning(s), {n['info']} note(s).</p>")


def _pose_preset(tier: str) -> str:
    """The pose preset a puppet render uses for ``tier`` when none is given (so Check tracks the same way)."""
    return PuppetSettings.from_options(None, tier=tier).pose_preset


def _need_files(image: str | None, video: str | None) -> None:
    if not image or not video:
        missing = " and ".join(n for n, v in (("a character image", image), ("a motion video", video)) if not v)
        raise MotionTransferError(f"choose {missing} first.")


def _file_key(path: str) -> tuple:
    st = Path(path).stat()
    return (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise MotionTransferError(f"the joint table has {value!r} where a pixel position (a number) belongs.") \
            from None
    return None if np.isnan(v) else v


__all__ = ["Cancelled", "CheckView", "Session", "Task", "Workspace", "error_text", "findings_html",
           "job_rows"]

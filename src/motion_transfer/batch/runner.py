"""A batch run: check the manifest, skip what is done, analyse each motion once, render the rest, log, summarise.

The driver (this process) owns everything in OUTDIR except the videos: it checks rows, takes each row's lock,
writes done records and the results log. Workers (local processes or Ray tasks) only read inputs and write the
row's video through the project's writer, which renames it into place when complete. So a batch killed at any
moment leaves finished rows finished, unfinished rows without an output, and locks whose holder is gone; running
the same command again picks up exactly the unfinished rows.

Rows are claimed a few at a time (twice the workers), not all at the start, so two batches started on the same
OUTDIR share the work: each takes the rows the other has not locked, waits for the rows the other is rendering,
and reports those as done when the other finished them.
"""
from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import InputError
from .ledger import DoneRecords, Hashes, ResultsLog, fingerprint
from .locks import RowLocks
from .manifest import Manifest, Problem, Row, read_manifest

Progress = Callable[[str, int, int], None]

# engines whose rows take the motion's pose track from the batch instead of tracking the video themselves
TRACK_ENGINES: tuple[str, ...] = ("puppet",)
RESULTS_NAME = "results.jsonl"
BUSY_POLL = 2.0  # seconds between two looks at a row another batch is rendering
WAIT = 0.25  # seconds the loop waits for a task before it updates progress and heartbeats


@dataclass
class Summary:
    """What a batch run did. ``motions_analysed`` counts the motion analyses this run started: one per distinct
    video and tier among the rows it rendered (each instant when the motion cache already holds the track)."""

    rows: int
    done: int = 0
    skipped: int = 0
    failed: int = 0
    invalid: int = 0
    motions_analysed: int = 0
    seconds: float = 0.0
    backend: str = "local"
    workers: int = 0
    results: str = ""
    failures: list[dict] = field(default_factory=list)  # row, status, error of each failed or invalid row

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.invalid == 0

    @property
    def rows_per_minute(self) -> float:
        return self.done / (self.seconds / 60.0) if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "rows_per_minute": round(self.rows_per_minute, 2)}


def manifest_error(manifest: Manifest) -> InputError:
    """The refusal ``--strict`` gives: every bad row, with its number, in one error."""
    lines = [f"{len(manifest.problems)} of {manifest.total} rows cannot run; nothing was started:"]
    lines += [f"  {p.sentence()}" for p in manifest.problems]
    return InputError("\n".join(lines), file=manifest.path, code="manifest",
                      fix="correct these rows, or run without --strict to render the good rows now.")


@dataclass
class _Motion:
    video: str
    tier: str
    handle: Any = None
    ready: bool = False
    waiting: list[Row] = field(default_factory=list)
    users: int = 0  # rows of this run still needing the track
    attempts: int = 0


def _record(row: Row | Problem, status: str, fp: str | None = None, **facts: Any) -> dict[str, Any]:
    if isinstance(row, Problem):
        base = {"row": row.number, "line": row.line, "status": status, "image": row.image, "video": row.video,
                "output": None}
    else:
        base = {"row": row.number, "line": row.line, "status": status, "image": str(row.image),
                "video": str(row.video), "output": str(row.output),
                "compare": str(row.compare) if row.compare else None}
    return {**base, "seconds": facts.pop("seconds", 0.0), "findings": facts.pop("findings", []),
            "error": facts.pop("error", None), "fingerprint": fp, **facts}


class _Run:
    """The state of one run's loop; see :func:`run_batch`."""

    def __init__(self, manifest: Manifest, outdir: Path, log: ResultsLog, summary: Summary, retries: int,
                 use_cache: bool, progress: Progress | None) -> None:
        self.manifest, self.outdir, self.log, self.summary = manifest, outdir, log, summary
        self.retries, self.use_cache, self.progress = retries, use_cache, progress
        self.records = DoneRecords(outdir)
        self.locks = RowLocks(outdir)
        self.hashes = Hashes()
        self.fps: dict[int, str] = {}
        self.keys: dict[int, tuple | None] = {}
        self.motions: dict[tuple, _Motion] = {}
        self.queue: deque[Row] = deque()
        self.deferred: list[list] = []  # [row, holder, next look]
        self.claimed: dict[int, Row] = {}
        self.inflight: dict[Any, tuple[str, Any]] = {}
        self.attempts: Counter = Counter()
        self.finished = 0
        self.finished_here = 0  # rows this run's workers finished
        self.shown: tuple = ()
        self.stages: dict[str, tuple[str, int, int]] = {}
        self.backend: Any = None

    # ------------------------------------------------------------------------------------------- bookkeeping
    def emit(self, record: dict[str, Any]) -> None:
        self.log.write(record)
        status = record["status"]
        setattr(self.summary, status, getattr(self.summary, status) + 1)
        if status in ("failed", "invalid"):
            self.summary.failures.append({"row": record["row"], "line": record["line"], "status": status,
                                          "error": record["error"]})
        self.finished += 1
        self.stages.pop(str(record["row"]), None)
        self.show()

    def show(self) -> None:
        if self.progress is None:
            return
        parts = [f"row {k} {s} {d}/{t}" if k.isdigit() else f"{k} {s} {d}/{t}"
                 for k, (s, d, t) in list(self.stages.items())[-3:]]
        if self.deferred:
            parts.append(f"{len(self.deferred)} row(s) being rendered by another batch")
        if not parts and self.inflight:
            parts.append("starting workers" if self.finished_here == 0 else "working")
        shown = (", ".join(parts) or "rows", self.finished, self.manifest.total)
        if shown != self.shown:
            self.shown = shown
            self.progress(*shown)

    def done_motion_user(self, row: Row) -> None:
        key = self.keys.get(row.number)
        mo = self.motions.get(key) if key else None
        if mo is not None:
            mo.users -= 1
            if mo.users <= 0:
                del self.motions[key]  # frees the track (local) or its object-store copy (Ray)

    # ----------------------------------------------------------------------------------------------- plan
    def plan(self) -> None:
        for p in self.manifest.problems:
            self.emit(_record(p, "invalid", error=" ".join(p.messages)))
        todo = []
        for row in self.manifest.rows:
            try:
                fp = fingerprint(row, self.hashes)
            except InputError as exc:
                self.emit(_record(row, "failed", error=str(exc)))
                continue
            self.fps[row.number] = fp
            rec = self.records.finished(row, fp)
            if rec is not None:
                self.emit(_record(row, "skipped", fp, seconds=rec.get("seconds") or 0.0,
                                  note="already done with the same inputs and options"))
                continue
            key = (self.hashes(row.video), row.tier) if row.engine in TRACK_ENGINES else None
            self.keys[row.number] = key
            todo.append(row)
        # rows of one motion next to each other, so its track is needed for a short while only
        first: dict[Any, int] = {}
        for row in todo:
            first.setdefault(self.keys[row.number] or ("row", row.number), row.number)
        todo.sort(key=lambda r: (first[self.keys[r.number] or ("row", r.number)], r.number))
        for row in todo:
            key = self.keys[row.number]
            if key is not None:
                if key not in self.motions:
                    self.motions[key] = _Motion(str(row.video), row.tier)
                self.motions[key].users += 1
        self.queue.extend(todo)

    # ------------------------------------------------------------------------------------------- dispatch
    def claim(self) -> None:
        limit = 2 * self.backend.slots
        while self.queue and len(self.claimed) < limit:
            row = self.queue.popleft()
            holder = self.locks.acquire(row.name)
            if holder is not None:
                self.deferred.append([row, holder, time.monotonic() + BUSY_POLL])
                continue
            self.start(row)
        now = time.monotonic()
        for entry in list(self.deferred):
            row, _, when = entry
            if when > now:
                continue
            holder = self.locks.acquire(row.name)
            if holder is not None:
                entry[1], entry[2] = holder, now + BUSY_POLL
                continue
            self.deferred.remove(entry)
            self.start(row)

    def start(self, row: Row) -> None:
        """We hold ``row``'s lock: skip it if another batch finished it meanwhile, else send it to work."""
        rec = self.records.finished(row, self.fps[row.number])
        if rec is not None:
            self.locks.release(row.name)
            self.done_motion_user(row)
            self.emit(_record(row, "skipped", self.fps[row.number], seconds=rec.get("seconds") or 0.0,
                              note="done by another batch"))
            return
        self.claimed[row.number] = row
        key = self.keys[row.number]
        if key is None:
            self.submit_row(row, None)
            return
        mo = self.motions[key]
        if mo.handle is None:
            self.submit_motion(mo)
        if mo.ready:
            self.submit_row(row, mo)
        else:
            mo.waiting.append(row)

    def submit_motion(self, mo: _Motion) -> None:
        mo.handle = self.backend.analyse(mo.video, mo.tier, self.use_cache)
        mo.ready = False
        mo.attempts += 1
        self.summary.motions_analysed += 1
        self.inflight[mo.handle] = ("motion", mo)

    def submit_row(self, row: Row, mo: _Motion | None) -> None:
        try:
            handle = self.backend.render(row, mo.handle if mo is not None else None, self.use_cache)
        except Exception as exc:  # the local pool broke while analysing the motion
            self.broken(row, mo, exc)
            return
        self.inflight[handle] = ("row", (row, mo))

    def broken(self, row: Row, mo: _Motion | None, exc: Exception) -> None:
        """A worker died under a task (not an error in the inputs): retry a few times, then fail the row."""
        self.attempts[row.number] += 1
        if self.attempts[row.number] > self.retries:
            self.finish(row, {"status": "failed", "error_type": type(exc).__name__, "seconds": 0.0,
                              "error": f"the worker running this row stopped ({type(exc).__name__}: {exc}) "
                                       f"{self.retries + 1} times; see the system log (out of memory?)."})
            return
        self.backend.recover()
        if mo is not None and (mo.handle in self.inflight or self.backend.lost(mo.handle)):
            if mo.handle not in self.inflight:
                self.submit_motion(mo)
            mo.waiting.append(row)
        else:
            self.submit_row(row, mo)

    def finish(self, row: Row, outcome: dict[str, Any]) -> None:
        self.claimed.pop(row.number, None)
        fp = self.fps[row.number]
        status = outcome.get("status", "failed")
        if status == "done":
            self.records.record(row, fp, outcome)
        self.locks.release(row.name)
        self.done_motion_user(row)
        self.finished_here += 1
        facts = {k: v for k, v in outcome.items() if k != "status"}
        self.emit(_record(row, status, fp, **facts))

    # ----------------------------------------------------------------------------------------------- loop
    def loop(self) -> None:
        while self.queue or self.deferred or self.inflight or self.claimed:
            self.claim()
            if not self.inflight:
                self.locks.beat()
                self.show()
                time.sleep(WAIT)
                continue
            for handle in self.backend.ready(list(self.inflight), WAIT):
                kind, obj = self.inflight.pop(handle)
                if kind == "motion":
                    obj.ready = True
                    waiting, obj.waiting = obj.waiting, []
                    for row in waiting:
                        self.submit_row(row, obj)
                    continue
                row, mo = obj
                try:
                    outcome = self.backend.outcome(handle)
                except Exception as exc:
                    self.broken(row, mo, exc)
                    continue
                self.finish(row, outcome)
            for key, stage, done, total in self.backend.stages():
                if key.isdigit() and int(key) not in self.claimed:
                    continue
                self.stages[key] = (stage, done, total)
                if not key.isdigit() and done >= total:
                    self.stages.pop(key, None)
            self.locks.beat()
            self.show()


def run_batch(manifest: str | Path, outdir: str | Path, *, use_ray: bool = False, ray_address: str | None = None,
              workers: int | None = None, strict: bool = False, results: str | Path | None = None,
              paid_ok: bool = False, retries: int = 2, cpus_per_row: float = 1.0, use_cache: bool = True,
              progress: Progress | None = None, on_checked: Callable[[Manifest], None] | None = None) -> Summary:
    """Render every row of ``manifest`` into ``outdir`` and return the summary.

    ``use_ray``: run the work as Ray tasks (``ray_address``: a cluster's address, or None for a local Ray);
    else a local process pool of ``workers`` (default: the usable cores). ``strict``: refuse to start while any
    row is bad (:class:`InputError` listing them all); otherwise bad rows are logged as ``invalid`` and the good
    rows run. ``results``: the JSONL log (default ``OUTDIR/results.jsonl``). ``paid_ok``: accept rows whose
    engine costs money. ``use_cache``: the motion cache (``pose/cache.py``) for the motions' tracks.
    ``on_checked`` sees the checked manifest before any work (the CLI prints the problems).
    ``progress(text, rows finished, rows)``: text names the running rows' stages.
    """
    t0 = time.perf_counter()
    outdir = Path(outdir)
    checked = read_manifest(manifest, outdir, paid_ok=paid_ok)
    if strict and checked.problems:
        raise manifest_error(checked)
    if on_checked is not None:
        on_checked(checked)
    outdir.mkdir(parents=True, exist_ok=True)
    log = ResultsLog(Path(results) if results else outdir / RESULTS_NAME)
    summary = Summary(rows=checked.total, backend="ray" if use_ray else "local", results=str(log.path))

    def make_backend():
        if use_ray:
            from .ray_backend import RayBackend

            return RayBackend(ray_address, cpus_per_row=cpus_per_row, retries=retries)
        from .local import LocalBackend

        return LocalBackend(workers)

    run = _Run(checked, outdir, log, summary, retries, use_cache, progress)
    cancelled = True
    try:
        run.plan()
        if run.queue:
            run.backend = make_backend()
            summary.workers = run.backend.slots
            run.loop()
        cancelled = False
    finally:
        run.locks.release_all()
        if run.backend is not None:
            run.backend.close(cancel=cancelled, pending=list(run.inflight))
        log.close()
    summary.failures.sort(key=lambda f: f["row"])
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary

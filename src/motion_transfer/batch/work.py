"""What a worker does, the same in a local process and in a Ray task: analyse one motion, render one row.

Both return plain data and never raise for a problem with the inputs: a failed motion becomes a
:class:`MotionFailure` that its rows report, and a failed row becomes a ``failed`` outcome with the usual
one-sentence error, so one bad row never stops the others.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MotionTransferError, PreflightError
from ..request import Request
from .manifest import PAID_ENGINES, Row

STAGE_INTERVAL = 0.25  # seconds between two stage reports of one task


@dataclass
class MotionFailure:
    """A motion whose analysis failed; every row using it fails with this message."""

    message: str
    kind: str


class StageSink:
    """Where a worker's ``progress(stage, done, total)`` goes: a queue the batch reads, at most every
    ``STAGE_INTERVAL`` seconds per task (a Ray queue is an actor, each put a remote call)."""

    def __init__(self, queue: Any, key: str) -> None:
        self.queue, self.key = queue, key
        self.last = (None, 0.0)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.queue is None:
            return
        now = time.monotonic()
        if stage == self.last[0] and now - self.last[1] < STAGE_INTERVAL and done < total:
            return
        self.last = (stage, now)
        try:
            self.queue.put_nowait((self.key, stage, int(done), int(total)))
        except Exception:  # a full or closed queue only costs a progress update
            pass


class LocalWorker:
    """State a local pool process keeps: the queue it reports stages to (a multiprocessing queue can only be
    handed to a process when it starts, not with each task)."""

    stages: Any = None


def init_local_worker(stages: Any) -> None:
    """Pool initializer: remember the stage queue, and die with the batch (a batch killed with SIGKILL must not
    leave workers rendering rows that the next run will take over)."""
    LocalWorker.stages = stages
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def analyse_motion(video: str, tier: str, use_cache: bool = True, stages: Any = None) -> Any:
    """The pose track of ``video`` as the puppet engine would make it for ``tier`` (its own preset rule, and the
    motion cache unless ``use_cache`` is off), or a :class:`MotionFailure`."""
    from ..engines.puppet.engine import load_motion
    from ..engines.puppet.settings import Settings

    sink = StageSink(stages if stages is not None else LocalWorker.stages, f"motion {Path(video).name}")
    try:
        # load_motion reads only the video, the tier and the options of the request
        request = Request(image=Path(video), video=Path(video), output=Path(video), tier=tier,
                          options={"use_cache": use_cache})
        return load_motion(request, Settings.from_request(request), sink)
    except MotionTransferError as exc:
        return MotionFailure(str(exc), type(exc).__name__)
    except Exception as exc:
        return MotionFailure(f"{Path(video).name}: the motion analysis failed ({type(exc).__name__}: {exc}).",
                             type(exc).__name__)


def render_row(row: Row, track: Any = None, use_cache: bool = True, stages: Any = None) -> dict[str, Any]:
    """Run one row through :func:`motion_transfer.transfer`; ``track`` is its motion's shared pose track
    (None for engines that do not use one); ``use_cache``: the preflight's video analysis may come from the
    motion cache. Returns the outcome the results file records."""
    from ..api import transfer

    t0 = time.perf_counter()
    base = {"worker": f"{os.uname().nodename}:{os.getpid()}"}
    if isinstance(track, MotionFailure):
        return {**base, "status": "failed", "error": track.message, "error_type": track.kind, "findings": [],
                "seconds": 0.0}
    options: dict[str, Any] = {"use_cache": use_cache}
    if track is not None:
        options["pose_track"] = track
    if row.engine in PAID_ENGINES:
        options["yes"] = True  # the batch refuses such rows unless the user passed --yes
    sink = StageSink(stages if stages is not None else LocalWorker.stages, str(row.number))
    try:
        result = transfer(row.image, row.video, row.output, prompt=row.prompt, orientation=row.orientation,
                          tier=row.tier, keep_sound=row.keep_sound, engine=row.engine, background=row.background,
                          compare=row.compare, rig=row.rig, progress=sink, **options)
    except PreflightError as exc:
        return {**base, "status": "failed", "error": str(exc), "error_type": type(exc).__name__,
                "findings": [f.to_dict() for f in exc.findings], "seconds": round(time.perf_counter() - t0, 3)}
    except MotionTransferError as exc:
        return {**base, "status": "failed", "error": str(exc), "error_type": type(exc).__name__, "findings": [],
                "seconds": round(time.perf_counter() - t0, 3)}
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return {**base, "status": "failed", "error_type": type(exc).__name__, "findings": [],
                "error": f"internal error ({type(exc).__name__}: {exc}, at {Path(where.filename).name}:"
                         f"{where.lineno}); please report it with this row's inputs.",
                "seconds": round(time.perf_counter() - t0, 3)}
    data = result.to_dict()
    findings = data.pop("findings")
    return {**base, "status": "done", "findings": findings, "result": data,
            "seconds": round(time.perf_counter() - t0, 3)}

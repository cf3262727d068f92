"""The local backend: a pool of worker processes on this machine, one row (or one motion) per process at a time."""
from __future__ import annotations

import multiprocessing
import os
import queue
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from . import work
from .manifest import Row


def default_workers() -> int:
    """The cores this process may use (a container's or taskset's limit, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class LocalBackend:
    """Worker processes are started with ``spawn``: MediaPipe's and the encoder's threads do not survive a fork."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.slots = workers or default_workers()
        self._ctx = multiprocessing.get_context("spawn")
        self._stages = self._ctx.Queue()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.slots, mp_context=self._ctx, initializer=work.init_local_worker,
                                   initargs=(self._stages,))

    def analyse(self, video: str, tier: str, use_cache: bool) -> Future:
        return self._pool.submit(work.analyse_motion, video, tier, use_cache)

    def render(self, row: Row, motion: Future | None, use_cache: bool) -> Future:
        return self._pool.submit(work.render_row, row, motion.result() if motion is not None else None, use_cache)

    def ready(self, handles: list, timeout: float) -> list:
        if not handles:
            return []
        done, _ = wait(handles, timeout=timeout, return_when=FIRST_COMPLETED)
        return list(done)

    def outcome(self, handle: Future) -> Any:
        return handle.result()

    def lost(self, handle: Future) -> bool:
        """Whether ``handle``'s task ended without a result (its worker died)."""
        return handle.done() and handle.exception() is not None

    def recover(self) -> None:
        """After a worker died (killed for memory, a crash in native code) the pool refuses new work: replace it."""
        try:
            self._pool.submit(int)  # a broken pool refuses at once; a healthy one just runs int()
        except BrokenProcessPool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()

    def stages(self) -> list[tuple]:
        out = []
        while True:
            try:
                out.append(self._stages.get_nowait())
            except (queue.Empty, OSError, ValueError):
                return out

    def close(self, cancel: bool = False, pending: list | None = None) -> None:
        """``cancel``: the batch was stopped; interrupt the workers too, so their writers remove their parts
        and no orphan renders a row the next batch will take over (the pool has no public handle on them)."""
        if cancel:
            for proc in list(getattr(self._pool, "_processes", {}).values()):
                try:
                    os.kill(proc.pid, signal.SIGINT)
                except (OSError, AttributeError):
                    pass
        self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
        self._stages.close()

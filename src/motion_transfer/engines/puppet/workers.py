"""Drawing workers: each owns one painter and draws the frames handed to it, in the order given, into shared
canvases that the encoder then reads.

Drawing a frame is thousands of small numpy and OpenCV calls; each holds Python's GIL between calls, so two
drawing *threads* mostly take turns (and every hand-over of the GIL costs more CPU). Where the OS can fork
(Linux), each worker is therefore a forked process: it starts with a private copy of the rig, the motion and
the animators (copy-on-write, nothing is pickled), so its animators rewrite their own textures, and it draws
into canvases in shared memory; only the job (frame index, canvas slot, layer order) and the reply (the CPU
seconds spent animating, or the error) cross a pipe. Elsewhere each worker is a thread with its own painter.

A painter is any object with ``draw(canvas, motion, i, order) -> float`` (see the engine's ``_Painter``).
"""
from __future__ import annotations

import mmap
import multiprocessing
import pickle
import sys
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ...errors import EngineError

# seconds a worker gets to finish the frame it is drawing when told to stop, before it is terminated
STOP_GRACE = 5.0
# seconds without a reply after which a worker is taken for hung (a frame takes milliseconds)
HUNG = 300.0


def fork_context():
    """multiprocessing's ``fork`` context where drawing in forked processes is safe and cheap (Linux), else
    None (macOS's frameworks and Windows do not support fork safely)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def shared_canvases(count: int, height: int, width: int) -> np.ndarray:
    """``count`` RGB canvases [count, height, width, 3] uint8 in anonymous shared memory: a forked worker's
    writes are seen by the process that forked it."""
    buffer = mmap.mmap(-1, max(1, count * height * width * 3))
    return np.frombuffer(buffer, np.uint8, count * height * width * 3).reshape(count, height, width, 3)


class InlineWorker:
    """Draws on the caller's thread, when it is handed the frame (one worker: nothing to overlap)."""

    def __init__(self, painter, motion, canvases: np.ndarray) -> None:
        self._painter, self._motion, self._canvases = painter, motion, canvases
        self._done: deque[float] = deque()

    def submit(self, i: int, slot: int, order: list[str]) -> None:
        self._done.append(self._painter.draw(self._canvases[slot], self._motion, i, order))

    def result(self) -> float:
        return self._done.popleft()

    def close(self) -> None:
        self._done.clear()


class ThreadWorker:
    """Draws on a thread of its own, its frames one after another (so its painter is never used twice at once)."""

    def __init__(self, painter, motion, canvases: np.ndarray, name: str) -> None:
        self._painter, self._motion, self._canvases = painter, motion, canvases
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._jobs: deque = deque()

    def submit(self, i: int, slot: int, order: list[str]) -> None:
        self._jobs.append(self._pool.submit(self._painter.draw, self._canvases[slot], self._motion, i, order))

    def result(self) -> float:
        return self._jobs.popleft().result()

    def close(self) -> None:
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self._pool.shutdown(wait=True)  # a frame being drawn is finished first (milliseconds)


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling (to be raised as itself in the parent), else an EngineError saying it."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return EngineError(f"drawing a frame failed: {type(exc).__name__}: {exc}")


def _serve(conn, painter, motion, canvases: np.ndarray) -> None:
    """A forked worker's loop: draw each job's frame into its canvas, reply with the animate seconds; a None job,
    a closed pipe or an interrupt ends it; an error is sent back and ends it."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        i, slot, order = job
        try:
            reply = ("ok", painter.draw(canvases[slot], motion, i, order))
        except BaseException as exc:  # raised again in the parent, at this frame
            reply = ("error", _portable(exc))
        try:
            conn.send(reply)
        except (OSError, KeyboardInterrupt):
            return
        if reply[0] == "error":
            return


class ProcessWorker:
    """Draws in a forked process (see the module's docstring). Create it before opening files or starting
    threads: the fork copies the process as it is then."""

    def __init__(self, context, painter, motion, canvases: np.ndarray, name: str) -> None:
        import cv2

        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, painter, motion, canvases), name=name,
                                        daemon=True)
        # OpenCV's thread pool does not survive a fork (its threads are not copied, and waiting for them, or
        # resizing the pool, hangs the child): the child is forked with the pool at one thread, so it draws on
        # its own thread only (one worker per core already); the pool is restored here right after
        threads = cv2.getNumThreads()
        cv2.setNumThreads(1)
        try:
            self._process.start()
        finally:
            cv2.setNumThreads(threads)
        child.close()

    def submit(self, i: int, slot: int, order: list[str]) -> None:
        try:
            self._conn.send((i, slot, order))
        except OSError:
            pass  # the worker has stopped: its error (or its death) is reported by result()

    def result(self) -> float:
        try:
            if not self._conn.poll(HUNG):
                self._process.terminate()
                raise EngineError(f"a drawing process gave no frame for {HUNG:.0f} s and was stopped.",
                                  fix="run again; if it happens again, report it with the inputs.")
            kind, value = self._conn.recv()
        except (EOFError, OSError):
            self._process.join(STOP_GRACE)
            raise EngineError(f"a drawing process stopped unexpectedly (exit code {self._process.exitcode}).",
                              fix="see the messages above; if the machine ran out of memory, use a lower "
                                  "tier or a shorter clip.") from None
        if kind == "error":
            raise value
        return value

    def close(self) -> None:
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._process.join(STOP_GRACE)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._conn.close()


def worker_kind(count: int, processes: bool | None = None) -> str:
    """How ``count`` workers draw: ``"inline"`` (one worker, on the caller's thread), ``"process"`` (forked, where
    the OS can fork, unless ``processes`` is False) or ``"thread"``. ``processes=True`` insists on processes (an
    EngineError where the OS cannot fork)."""
    if count <= 1 and not processes:
        return "inline"
    if processes is False:
        return "thread"
    if fork_context() is not None:
        return "process"
    if processes:
        raise EngineError("drawing in separate processes needs an OS that can fork (Linux).")
    return "thread"


def start_workers(kind: str, painters: list, motion, canvases: np.ndarray) -> list:
    """One worker of ``kind`` (see :func:`worker_kind`) per painter. Thread workers share the process's memory,
    so each needs a painter with its own textures; forked ones get their own copy of everything."""
    if kind == "inline":
        return [InlineWorker(painter, motion, canvases) for painter in painters]
    workers: list = []
    try:
        for j, painter in enumerate(painters):
            if kind == "process":
                workers.append(ProcessWorker(fork_context(), painter, motion, canvases, f"puppet-draw-{j}"))
            else:
                workers.append(ThreadWorker(painter, motion, canvases, f"puppet-draw-{j}"))
    except BaseException:
        for worker in workers:
            worker.close()
        raise
    return workers

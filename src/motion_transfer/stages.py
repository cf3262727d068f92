"""Pipeline stages on their own threads, joined by bounded queues.

Decoding (libav), pose inference (MediaPipe), drawing (OpenCV, numpy) and encoding (x264) all release the GIL
while they work, so running them as concurrent stages keeps both cores of a small machine busy, and the bounded
queues keep memory flat however long the clip. ``prefetch`` runs a producer (any iterator) on its own thread;
``media.encoder.ThreadedEncoder`` is the consuming end; ``run_all`` runs independent jobs (pieces of a clip)
side by side and waits for them all; ``Job`` runs one piece of work beside whatever its caller does next.

Errors and cancellation travel both ways without hanging: an exception in a producer is re-raised in the
consumer at the item where it happened; a consumer that stops early (an error, Ctrl-C, ComfyUI's cancel raised
from a progress callback) closes the stage, which tells the producer to stop and waits for its thread.
"""
from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

_DONE = object()
_POLL = 0.1  # seconds between a blocked producer's checks for a stop request


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class prefetch(Generic[T]):
    """Iterate ``source`` on a background thread, at most ``depth`` items ahead of the consumer.

    Use as a context manager (or call ``close``) so an early exit stops the producer::

        with prefetch(iter_frames(path), depth=4, name="decode") as frames:
            for frame in frames:
                ...
    """

    def __init__(self, source: Iterable[T], depth: int = 4, name: str = "stage") -> None:
        self._source = source
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._finished = False
        self._thread = threading.Thread(target=self._produce, name=name, daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        iterator = iter(self._source)
        try:
            for item in iterator:
                if not self._put(item):
                    break
            else:
                self._put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(_Failure(exc))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                try:
                    close()  # a generator's own clean-up (closing its container) runs on its own thread
                except BaseException:
                    pass

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        if self._finished:
            raise StopIteration
        item = self._queue.get()
        if item is _DONE:
            self._finished = True
            self._thread.join()
            raise StopIteration
        if isinstance(item, _Failure):
            self._finished = True
            self._thread.join()
            raise item.error
        return item

    def close(self) -> None:
        """Stop the producer and wait for its thread (it finishes the item it is making first)."""
        self._stop.set()
        self._finished = True
        while True:  # unblock a producer waiting on a full queue
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._thread.join()

    def __enter__(self) -> "prefetch[T]":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run_all(jobs: Sequence[Callable[[threading.Event], T]], *, name: str = "job",
            poll: Callable[[], None] | None = None, interval: float = 0.1) -> list[T]:
    """Run every job on its own thread and return their results, in the jobs' order.

    Each job is called with a stop event that it checks between items of work. ``poll`` runs on the caller's
    thread every ``interval`` seconds while the jobs work (progress reports belong there: a progress callback
    that raises, as a cancel does, is treated as a failure). On the first failure, in a job or in ``poll``, the
    other jobs are told to stop, every thread is joined, and that error is raised here; no thread outlives the
    call."""
    stop = threading.Event()
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []
    lock = threading.Lock()
    finished = threading.Semaphore(0)

    def work(i: int, job: Callable[[threading.Event], T]) -> None:
        try:
            results[i] = job(stop)
        except BaseException as exc:  # raised in the caller's thread below
            with lock:
                errors.append(exc)
            stop.set()
        finally:
            finished.release()

    threads = [threading.Thread(target=work, args=(i, job), name=f"{name}-{i}", daemon=True)
               for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    try:
        left = len(threads)
        while left:
            if finished.acquire(timeout=interval):
                left -= 1
            if poll is not None and not stop.is_set():
                poll()
    except BaseException as exc:
        with lock:
            errors.insert(0, exc)
        stop.set()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


class Job(Generic[T]):
    """``work(progress)`` on a thread of its own from the moment the job is made, beside whatever the caller does
    next (a run's rig and its pose tracking, started while the preflight still looks at the inputs).

    Its progress calls are kept, not shown: bars of work done beside other work would interleave with that work's
    bars. :meth:`result` waits for it and relays what it reported to the caller's progress meanwhile (on the
    caller's thread, so a progress callback that raises, as a cancel does, stops the job and raises there);
    :meth:`cancel` makes the job's next progress call raise ``stopped()`` and waits for its thread. ``started``
    and ``finished`` are its perf_counter times."""

    def __init__(self, work: Callable[[Callable[[str, int, int], None]], T], *, name: str,
                 stopped: Callable[[], BaseException]) -> None:
        self._stop = threading.Event()
        self._stopped = stopped
        self._lock = threading.Lock()
        self._latest: dict[str, tuple[int, int]] = {}  # stage -> (done, total), in the order first reported
        self._relayed: dict[str, tuple[int, int]] = {}
        self._result: T | None = None
        self._error: BaseException | None = None
        self.started = time.perf_counter()
        self.finished = self.started
        self._thread = threading.Thread(target=self._run, args=(work,), name=name, daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[Callable[[str, int, int], None]], T]) -> None:
        try:
            self._result = work(self._progress)
        except BaseException as exc:  # re-raised by result(), in the caller's thread
            self._error = exc
        self.finished = time.perf_counter()

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._stop.is_set():
            raise self._stopped()
        with self._lock:
            self._latest[stage] = (done, total)

    def _relay(self, progress: Callable[[str, int, int], None]) -> None:
        with self._lock:
            fresh = [(stage, at) for stage, at in self._latest.items() if self._relayed.get(stage) != at]
            self._relayed.update(fresh)
        for stage, (done, total) in fresh:
            progress(stage, done, total)

    def result(self, progress: Callable[[str, int, int], None] | None = None, interval: float = 0.1) -> T:
        """The work's result once it is done (its error raised here); ``progress`` sees its reports meanwhile."""
        try:
            while self._thread.is_alive():
                self._thread.join(interval)
                if progress is not None:
                    self._relay(progress)
            if progress is not None:
                self._relay(progress)
        except BaseException:
            self.cancel()
            raise
        if self._error is not None:
            raise self._error
        return self._result

    def cancel(self) -> None:
        """Stop the work at its next progress call and wait for its thread (no thread outlives the caller's run)."""
        self._stop.set()
        self._thread.join()

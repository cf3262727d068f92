"""Pipeline stages on their own threads, joined by bounded queues.

Decoding (libav), pose inference (MediaPipe), drawing (OpenCV, numpy) and encoding (x264) all release the GIL
while they work, so running them as concurrent stages keeps both cores of a small machine busy, and the bounded
queues keep memory flat however long the clip. ``prefetch`` runs a producer (any iterator) on its own thread;
``media.encoder.ThreadedEncoder`` is the consuming end.

Errors and cancellation travel both ways without hanging: an exception in a producer is re-raised in the
consumer at the item where it happened; a consumer that stops early (an error, Ctrl-C, ComfyUI's cancel raised
from a progress callback) closes the stage, which tells the producer to stop and waits for its thread.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
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

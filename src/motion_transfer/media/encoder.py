"""Encoding on a second thread: frames are handed to the video writers while the next frame is drawn.

PyAV releases the GIL while x264 works, so on two cores drawing and encoding overlap. Errors surface in the
caller's thread, at its next ``put`` or at ``finish``.
"""
from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence

import numpy as np

from .writer import VideoWriter


class ThreadedEncoder:
    """Writes each ``put`` tuple's frames (one per writer; None skips that writer) on a background thread.

    ``depth`` frames may wait in the queue (memory stays bounded); ``busy`` is the seconds spent encoding."""

    def __init__(self, writers: Sequence[VideoWriter], depth: int = 3) -> None:
        self.writers = list(writers)
        self.queue: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.busy = 0.0
        self.thread = threading.Thread(target=self._run, name="video-encoder", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is not None:
                continue
            try:
                t = time.perf_counter()
                for writer, frame in zip(self.writers, item):
                    if frame is not None:
                        writer.write(frame)
                self.busy += time.perf_counter() - t
            except BaseException as exc:  # handed to the drawing thread
                self.error = exc

    def put(self, frames: tuple[np.ndarray | None, ...]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(frames)

    def finish(self) -> None:
        """Wait until every frame is written; re-raise the encoder's error if it had one."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

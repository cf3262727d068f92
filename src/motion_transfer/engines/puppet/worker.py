"""A second drawing process: frames drawn beside this process's own, outside its GIL.

Drawing a frame holds the GIL about two thirds of its CPU time (numpy's many small steps: skinning, the id
buffers, the maps, the face's and fingers' meshes), so two drawing threads in one process, with the encoder
beside them, kept about one and a half cores busy on a two-core machine, not two. A forked child with its own
interpreter draws whichever frames it is handed into canvases shared with this process (an anonymous shared
mapping made before the fork), so no pixel is copied between the processes; only the frame's index, its layer
order and its layers' vertices travel through a pipe (a few tens of kB).

The child starts as a copy of this process at the fork (copy on write): the rig, the motion and the animators are
there without being pickled, and its animators write into their own copies of the textures. Each frame is a
function of its index alone (see ``engine._Painter``), so the frames are bit for bit those this process would
draw. Only where ``fork`` is the platform's (Linux); elsewhere the engine draws on threads as before.
"""
from __future__ import annotations

import gc
import mmap
import multiprocessing
import os
import signal
import sys
import threading
from typing import Any, Protocol

import numpy as np

from ...errors import EngineError
from .render import Posed


class Draws(Protocol):
    def draw(self, canvas: np.ndarray, background: np.ndarray | None, motion: Any, i: int, order: list[str],
             posed: Posed | None = None) -> tuple[np.ndarray, float]: ...


def can_fork() -> bool:
    """Whether a drawing process may be forked here: on Linux (macOS's system libraries are not safe to use in a
    forked child, Windows has no fork) with at least two cores to run it on, from a process allowed children
    (multiprocessing's daemonic workers are not)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and (os.cpu_count() or 1) >= 2
            and not multiprocessing.current_process().daemon)


def alone() -> bool:
    """Whether this process runs no Python thread but the calling one, as it must to fork safely: a child gets
    only the forking thread, and a lock another thread held at that moment (a server's, a job queue's, the
    logging module's) stays held in the child for good (Python 3.12+ warns of it)."""
    return threading.active_count() == 1


def shared_canvases(count: int, height: int, width: int) -> list[np.ndarray]:
    """``count`` HxWx3 uint8 canvases in one anonymous shared mapping: what a child forked after this writes
    into them, this process sees."""
    size = height * width * 3
    buffer = mmap.mmap(-1, max(1, count * size))
    return [np.frombuffer(buffer, np.uint8, size, k * size).reshape(height, width, 3) for k in range(count)]


def _serve(conn, painter: Draws, motion: Any, canvases: list[np.ndarray]) -> None:
    """The child's loop: draw each (slot, frame, order, vertices) handed in into that canvas, answer
    (True, animate CPU seconds) or (False, the error); None ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which ends this process
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the parent is gone (killed): nothing is waiting for frames
            return
        if job is None:
            return
        slot, i, order, posed = job
        try:
            _, spent = painter.draw(canvases[slot], None, motion, i, order, posed)
            conn.send((True, spent))
        except Exception as exc:  # noqa: BLE001 - handed to the parent, raised where the frame is awaited
            try:
                conn.send((False, exc))
            except Exception:  # noqa: BLE001 - an error that cannot be pickled goes as its message
                conn.send((False, EngineError(f"drawing frame {i} failed: {exc}")))


class DrawProcess:
    """A forked child that draws frames with ``painter`` into ``canvases`` (from :func:`shared_canvases`), used
    as a painter itself (:meth:`draw`) by one thread at a time. Fork it before this process starts threads of
    its own (a child gets only the forking thread; a lock another thread held would stay held there)."""

    def __init__(self, painter: Draws, motion: Any, canvases: list[np.ndarray]) -> None:
        self._slots = {canvas.ctypes.data: k for k, canvas in enumerate(canvases)}
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, painter, motion, canvases),
                                        name="puppet-draw-process", daemon=True)
        # the child's collector must never free what this process made: garbage waiting here for its collection
        # (a video encoder's or decoder's context) was freed in the child instead, whose x264 waited there for
        # threads it does not have, for good. Frozen, the child leaves it alone (and never walks this process's
        # objects, whose pages it would copy); this process unfreezes them and collects as before.
        gc.freeze()
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        child.close()

    def draw(self, canvas: np.ndarray, background: np.ndarray | None, motion: Any, i: int, order: list[str],
             posed: Posed | None = None) -> tuple[np.ndarray, float]:
        """Frame ``i`` drawn by the child into ``canvas`` (one of its shared canvases), as ``engine._Painter.draw``
        draws it; ``motion`` is the child's own copy, made at the fork."""
        if background is not None:
            np.copyto(canvas, background)
        try:
            self._conn.send((self._slots[canvas.ctypes.data], i, order, posed))
            ok, value = self._conn.recv()
        except (EOFError, OSError):
            raise EngineError("the drawing process ended unexpectedly (out of memory?); try again, or free "
                              "some memory.") from None
        if not ok:
            raise value
        return canvas, value

    def close(self) -> None:
        """End the child (it finishes the frame it is drawing first) and wait for it."""
        try:
            self._conn.send(None)
        except (OSError, ValueError):
            pass
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._conn.close()

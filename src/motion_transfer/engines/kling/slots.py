"""Concurrency slots: at most N of this process's tasks in flight at Kling per API base.

Kling refuses a task over the account's concurrency limit with code 1303; waiting for a slot here is cheaper
than a 1303 storm. A slot is freed as soon as the task ends at Kling (before the download), so each thread
counts what it holds and releases a slot at most once.
"""
from __future__ import annotations

import threading

_SLOTS: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()
_held = threading.local()


def slot_for(api_base: str, limit: int) -> threading.BoundedSemaphore:
    """One semaphore per API base and limit, shared by every engine in this process."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault((api_base, limit), threading.BoundedSemaphore(limit))


def _counts() -> dict[int, int]:
    counts = getattr(_held, "counts", None)
    if counts is None:
        _held.counts = counts = {}
    return counts


def acquire(slot: threading.BoundedSemaphore) -> None:
    """Wait for a free slot and note that this thread holds it."""
    slot.acquire()
    counts = _counts()
    counts[id(slot)] = counts.get(id(slot), 0) + 1


def release(slot: threading.BoundedSemaphore | None) -> None:
    """Give a slot back if this thread still holds it (a second call for the same acquire does nothing)."""
    if slot is None:
        return
    counts = _counts()
    if counts.get(id(slot), 0) > 0:
        counts[id(slot)] -= 1
        slot.release()

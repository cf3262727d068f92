"""One lock file per row, so two batches sharing an OUTDIR never render the same row twice.

A lock is created whole or not at all: its content (host, pid, a random token) is written to a private temp file
that is then hard-linked to the lock's name; ``link`` fails when the name exists, on local disks and on NFS alike
(``O_EXCL`` is not reliable on older NFS). The holder touches the lock every ``HEARTBEAT`` seconds.

A lock is stale, and may be taken over, when its holder is gone: on the same host, when its pid is no longer
running; on another host (a shared folder), when it was not touched for ``STALE_AFTER`` seconds. A takeover
renames the stale file away first, so of two batches taking over at once only one wins.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from ..atomic import pid_alive
from .ledger import entry_name, state_dir

HEARTBEAT = 30.0
STALE_AFTER = 300.0


@dataclass
class Holder:
    host: str
    pid: int
    token: str
    since: float

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}"


def _read(path: Path) -> tuple[Holder | None, float | None]:
    """The holder and the lock's last touch, or (None, None) when there is no lock (or it was just removed)."""
    try:
        text = path.read_text(encoding="utf-8")
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None, None
    try:
        d = json.loads(text)
        return Holder(str(d["host"]), int(d["pid"]), str(d["token"]), float(d["since"])), mtime
    except (ValueError, KeyError, TypeError):
        # never written by us whole: treat it as a holder that is gone
        return Holder("?", -1, "?", 0.0), mtime


def is_stale(holder: Holder, touched: float, now: float | None = None) -> bool:
    now = time.time() if now is None else now
    if holder.host == socket.gethostname():
        return holder.pid <= 0 or not pid_alive(holder.pid)
    return now - touched > STALE_AFTER


class RowLocks:
    """The lock files of one OUTDIR, taken and released by this process."""

    def __init__(self, outdir: Path) -> None:
        self.folder = state_dir(outdir) / "locks"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.held: dict[str, str] = {}  # name -> token
        self.last_beat = time.monotonic()

    def path(self, name: str) -> Path:
        return self.folder / f"{entry_name(name)}.lock"

    def acquire(self, name: str) -> Holder | None:
        """Take ``name``'s lock. Returns None when taken, else the live holder that has it."""
        path = self.path(name)
        token = secrets.token_hex(8)
        body = json.dumps({"host": self.host, "pid": self.pid, "token": token, "since": time.time()})
        tmp = self.folder / f".{entry_name(name)}.{token}.tmp"
        tmp.write_text(body, encoding="utf-8")
        try:
            for _ in range(3):
                try:
                    os.link(tmp, path)
                    self.held[name] = token
                    return None
                except FileExistsError:
                    holder, touched = _read(path)
                    if holder is None:
                        continue  # released meanwhile: try again
                    if not is_stale(holder, touched):
                        return holder
                    self._take_over(path, holder)
            holder, _ = _read(path)
            return holder or Holder("?", -1, "?", 0.0)
        finally:
            tmp.unlink(missing_ok=True)

    def _take_over(self, path: Path, stale: Holder) -> None:
        """Remove a stale lock; if what was moved turns out to be another batch's fresh lock, put it back."""
        moved = path.with_name(f".{path.name}.{secrets.token_hex(6)}.stale")
        try:
            os.rename(path, moved)
        except FileNotFoundError:
            return
        holder, _ = _read(moved)
        if holder is not None and holder.token != stale.token:
            try:
                os.link(moved, path)
            except FileExistsError:
                pass
        moved.unlink(missing_ok=True)

    def release(self, name: str) -> None:
        """Remove our lock on ``name`` (never another batch's, should ours have been taken over)."""
        token = self.held.pop(name, None)
        if token is None:
            return
        path = self.path(name)
        holder, _ = _read(path)
        if holder is not None and holder.token == token:
            path.unlink(missing_ok=True)

    def release_all(self) -> None:
        for name in list(self.held):
            self.release(name)

    def beat(self, force: bool = False) -> None:
        """Touch every held lock so other hosts see this batch is alive (every ``HEARTBEAT`` seconds)."""
        if not force and time.monotonic() - self.last_beat < HEARTBEAT:
            return
        self.last_beat = time.monotonic()
        for name in self.held:
            try:
                os.utime(self.path(name))
            except FileNotFoundError:
                pass

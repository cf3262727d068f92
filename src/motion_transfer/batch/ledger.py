"""What OUTDIR remembers between batch runs: each row's fingerprint and done record, and the results log.

A row is done when its output exists and its done record holds the same fingerprint: a hash of the inputs'
content and every option that shapes the output. Editing an option, or changing one byte of an input, makes
the row run again; renaming or moving an input does not. The output is renamed into place by the writer before
the record is written, so a batch killed between the two leaves a finished output without a record and the row is
simply rendered again, never skipped with a half-written file.

Layout: ``OUTDIR/.motion-transfer-batch/done/<name>.json`` (one per output name) and ``.../locks/`` (see
``locks.py``); the results log defaults to ``OUTDIR/results.jsonl``.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..atomic import replace_into_place
from ..pose.cache import content_hash
from .manifest import Row

STATE_DIR = ".motion-transfer-batch"
FINGERPRINT_VERSION = 1


def state_dir(outdir: Path) -> Path:
    return Path(outdir) / STATE_DIR


def entry_name(name: str) -> str:
    """A flat, reversible file name for an output name that may contain folders."""
    return quote(name, safe="")


class Hashes:
    """Content hashes of a run's inputs (the motion cache's own hash), each file read once however many rows
    name it."""

    def __init__(self) -> None:
        self.known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        if path not in self.known:
            self.known[path] = content_hash(path)
        return self.known[path]


def fingerprint(row: Row, hashes: Hashes) -> str:
    """The hash that says whether an existing output is this row's result."""
    background = row.background
    if background is not None and Path(background).is_file():
        background = "file:" + hashes(Path(background))
    doc = {"v": FINGERPRINT_VERSION, "image": hashes(row.image), "video": hashes(row.video),
           "rig": hashes(row.rig) if row.rig else None, "background": background, "orientation": row.orientation,
           "tier": row.tier, "keep_sound": row.keep_sound, "engine": row.engine, "prompt": row.prompt,
           "compare": row.compare is not None}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, default=str)
        replace_into_place(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class DoneRecords:
    """One JSON record per finished output, written after the output is in place."""

    def __init__(self, outdir: Path) -> None:
        self.folder = state_dir(outdir) / "done"

    def _path(self, row: Row) -> Path:
        return self.folder / f"{entry_name(row.name)}.json"

    def load(self, row: Row) -> dict | None:
        try:
            with open(self._path(row), encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return None

    def finished(self, row: Row, fp: str) -> dict | None:
        """The record when ``row``'s outputs exist and were made from the same inputs and options."""
        rec = self.load(row)
        if rec is None or rec.get("fingerprint") != fp:
            return None
        try:
            if row.output.stat().st_size != rec.get("bytes"):
                return None
        except OSError:
            return None
        if row.compare is not None and not row.compare.is_file():
            return None
        return rec

    def record(self, row: Row, fp: str, outcome: dict) -> None:
        _write_json(self._path(row), {"fingerprint": fp, "output": str(row.output), "name": row.name,
                                      "bytes": row.output.stat().st_size, "finished": time.time(),
                                      "seconds": outcome.get("seconds"), "result": outcome.get("result")})


class ResultsLog:
    """The JSONL results file: one line per row as it finishes, appended, so two batches writing the same file
    (and the runs of a resumed batch) add up instead of overwriting each other. Each line carries the run's id;
    a row's latest line is its state."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.run = f"{socket.gethostname()}:{os.getpid()}:{int(time.time())}"
        # O_APPEND: each line lands whole at the end even with another writer
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps({**record, "run": self.run, "time": round(time.time(), 3)}, default=str) + "\n"
        os.write(self._fd, line.encode("utf-8"))

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

"""The durable store of remote jobs (SQLite, WAL), so that nothing paid for is ever lost or paid for twice.

One row per remote task. The row is written, with state ``submitting`` and our own ``external_task_id``, and
committed *before* the submit request leaves this machine; so after a crash, a lost answer or a closed laptop
the task can always be found again (Kling can be asked for it by that id), and an identical request whose job
is still alive resumes it instead of submitting again.

States: ``submitting`` -> ``submitted`` -> ``processing`` -> ``downloading`` -> ``succeeded``; or ``failed``.
The first four are *alive*: ``motion-transfer jobs resume`` finishes them.

A job being finished (polled and downloaded) is *claimed* by one process: the claim is a row lease
(owner, pid, host, expiry) taken in an ``IMMEDIATE`` transaction, renewed while polling, and taken over when it
expires or its process is gone; two resumers never both download into the same file.

Keys are never stored: the request JSON holds paths, content hashes and settings only, and every message is
passed through ``redact`` before it is written.

Location: ``$MOTION_TRANSFER_JOBS_DB``, else ``$XDG_DATA_HOME/motion-transfer/jobs.sqlite`` (``~/.local/share``
when unset; ``%LOCALAPPDATA%`` on Windows), or the ``path`` argument.
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from .engines.kling.auth import redact
from .errors import ConfigError, JobNotFound

SUBMITTING = "submitting"
SUBMITTED = "submitted"
PROCESSING = "processing"
DOWNLOADING = "downloading"
SUCCEEDED = "succeeded"
FAILED = "failed"
STATES = (SUBMITTING, SUBMITTED, PROCESSING, DOWNLOADING, SUCCEEDED, FAILED)
ALIVE = (SUBMITTING, SUBMITTED, PROCESSING, DOWNLOADING)
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    engine           TEXT NOT NULL,
    remote_id        TEXT,
    external_task_id TEXT UNIQUE,
    state            TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    request_json     TEXT NOT NULL,
    output           TEXT,
    result_path      TEXT,
    cost_units       REAL,
    remote_status    TEXT,
    messages_json    TEXT NOT NULL DEFAULT '[]',
    timings_json     TEXT NOT NULL DEFAULT '{}',
    extra_json       TEXT NOT NULL DEFAULT '{}',
    created          REAL NOT NULL,
    updated          REAL NOT NULL,
    claim_owner      TEXT,
    claim_pid        INTEGER,
    claim_host       TEXT,
    claim_expires    REAL
);
CREATE INDEX IF NOT EXISTS jobs_hash_state ON jobs (request_hash, state);
CREATE INDEX IF NOT EXISTS jobs_remote ON jobs (remote_id);
"""


class _Found(Exception):
    """Internal: rolls the insert transaction back because an identical alive job exists."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """``$MOTION_TRANSFER_JOBS_DB``, else the user's data folder + ``motion-transfer/jobs.sqlite``."""
    env = os.environ if env is None else env
    if env.get("MOTION_TRANSFER_JOBS_DB"):
        return Path(env["MOTION_TRANSFER_JOBS_DB"]).expanduser()
    if os.name == "nt" and env.get("LOCALAPPDATA"):
        base = Path(env["LOCALAPPDATA"])
    else:
        base = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "motion-transfer" / "jobs.sqlite"


def new_external_task_id() -> str:
    """Our own task id, unique per account as Kling requires: ``mt-`` + 24 hex digits."""
    return "mt-" + uuid.uuid4().hex[:24]


@dataclass
class Job:
    """One remote task as the store knows it. ``request`` is the request without secrets (paths, hashes, settings)."""

    id: int
    engine: str
    state: str
    request_hash: str
    request: dict[str, Any]
    external_task_id: str | None = None
    remote_id: str | None = None
    output: str | None = None
    result_path: str | None = None
    cost_units: float | None = None
    remote_status: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0
    updated: float = 0.0
    claim_owner: str | None = None
    claim_pid: int | None = None
    claim_host: str | None = None
    claim_expires: float | None = None

    @property
    def alive(self) -> bool:
        return self.state in ALIVE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _row_to_job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"], engine=row["engine"], state=row["state"], request_hash=row["request_hash"],
        request=json.loads(row["request_json"]), external_task_id=row["external_task_id"],
        remote_id=row["remote_id"], output=row["output"], result_path=row["result_path"],
        cost_units=row["cost_units"], remote_status=row["remote_status"],
        messages=json.loads(row["messages_json"]), timings=json.loads(row["timings_json"]),
        extra=json.loads(row["extra_json"]), created=row["created"], updated=row["updated"],
        claim_owner=row["claim_owner"], claim_pid=row["claim_pid"], claim_host=row["claim_host"],
        claim_expires=row["claim_expires"],
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True
    return True


class JobStore:
    """The SQLite store. Thread-safe (one connection, one lock); several processes may share the file.

    ``secrets``: strings that must never be written (the engine passes its keys); every text field is redacted.
    ``clock``: wall-clock seconds, injectable for tests.
    """

    def __init__(self, path: str | Path | None = None, *, secrets: Iterable[str] = (), clock=time.time) -> None:
        self.path = Path(path).expanduser() if path else default_db_path()
        self._secrets = tuple(s for s in secrets if s)
        self._clock = clock
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():
                fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
                os.close(fd)
            self._db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None,
                                       check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"{self.path}: the job store cannot be opened ({exc}). Fix: set "
                              "MOTION_TRANSFER_JOBS_DB (or --jobs-db) to a writable file path.") from exc
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA busy_timeout = 30000")
        self._enable_wal()
        # NORMAL: in WAL mode a commit survives a crash of this process; create() switches to FULL for its one
        # commit, so the 'submitting' row (the one that prevents paying twice) also survives a power cut. Losing a
        # later update to a power cut is harmless: resume finds the task by its external id.
        self._db.execute("PRAGMA synchronous = NORMAL")
        with self._tx():
            for stmt in _SCHEMA.strip().split(";"):
                if stmt.strip():
                    self._db.execute(stmt)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _enable_wal(self) -> None:
        """Switch to WAL once per file; another process switching at the same moment is waited for."""
        for attempt in range(200):
            try:
                mode = self._db.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() == "wal":
                    return
                self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(0.01 + 0.005 * attempt)
        raise ConfigError(f"{self.path}: the job store stays locked by another process. Fix: close other "
                          "motion-transfer processes using it, or set MOTION_TRANSFER_JOBS_DB to another file.")

    def add_secrets(self, secrets: Iterable[str]) -> None:
        self._secrets = tuple(dict.fromkeys(self._secrets + tuple(s for s in secrets if s)))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "JobStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ internals
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _clean(self, value: Any) -> Any:
        """JSON-able ``value`` with secrets redacted from every string."""

        if isinstance(value, str):
            return redact(value, self._secrets)
        if isinstance(value, dict):
            return {k: self._clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._clean(v) for v in value]
        return value

    # ------------------------------------------------------------------ writing
    def create(self, engine: str, request_hash: str, request: dict[str, Any], *, output: str | None = None,
               external_task_id: str | None = None, state: str = SUBMITTING) -> Job:
        """Insert and COMMIT a new job (state ``submitting``) before anything is sent."""
        return self.create_unless_alive(engine, request_hash, request, output=output,
                                        external_task_id=external_task_id, state=state, check=False)[0]

    def create_unless_alive(self, engine: str, request_hash: str, request: dict[str, Any], *,
                            output: str | None = None, external_task_id: str | None = None,
                            state: str = SUBMITTING, check: bool = True) -> tuple[Job, bool]:
        """Like ``create``, but atomically: when an alive job with this hash exists (an identical command that
        started meanwhile), return it and False instead of inserting a second one."""
        now = self._clock()
        ext = external_task_id or new_external_task_id()
        with self._lock:
            self._db.execute("PRAGMA synchronous = FULL")
            try:
                with self._tx() as db:
                    if check:
                        marks = ",".join("?" * len(ALIVE))
                        row = db.execute(f"SELECT id FROM jobs WHERE request_hash = ? AND engine = ? AND state IN "
                                         f"({marks}) ORDER BY id DESC LIMIT 1",
                                         (request_hash, engine, *ALIVE)).fetchone()
                        if row is not None:
                            raise _Found(row["id"])
                    cur = db.execute(
                        "INSERT INTO jobs (engine, external_task_id, state, request_hash, request_json, output, "
                        "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (engine, ext, state, request_hash, json.dumps(self._clean(request), sort_keys=True),
                         output, now, now))
                    job_id, created = cur.lastrowid, True
            except _Found as found:
                job_id, created = found.job_id, False
            finally:
                self._db.execute("PRAGMA synchronous = NORMAL")
        return self.get(job_id), created

    def update(self, job_id: int, **fields: Any) -> Job:
        """Set columns (``state``, ``remote_id``, ``result_path``, ``cost_units``, ``remote_status``, ...).

        ``timings`` and ``extra`` dicts are merged into what is stored, not replaced.
        """
        if not fields:
            return self.get(job_id)
        with self._tx() as db:
            row = db.execute("SELECT timings_json, extra_json FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                raise JobNotFound(f"job {job_id} is not in the store {self.path}.")
            cols: dict[str, Any] = {}
            for key, value in fields.items():
                if key == "timings":
                    merged = json.loads(row["timings_json"])
                    merged.update(value)
                    cols["timings_json"] = json.dumps(merged)
                elif key == "extra":
                    merged = json.loads(row["extra_json"])
                    merged.update(self._clean(value))
                    cols["extra_json"] = json.dumps(merged)
                elif key == "request":
                    cols["request_json"] = json.dumps(self._clean(value), sort_keys=True)
                elif key in ("state", "remote_id", "result_path", "cost_units", "remote_status", "output"):
                    if key == "state" and value not in STATES:
                        raise ValueError(f"unknown job state {value!r}")
                    cols[key] = self._clean(value)
                else:
                    raise ValueError(f"unknown job field {key!r}")
            cols["updated"] = self._clock()
            sets = ", ".join(f"{k} = ?" for k in cols)
            db.execute(f"UPDATE jobs SET {sets} WHERE id = ?", (*cols.values(), job_id))
        return self.get(job_id)

    def add_message(self, job_id: int, text: str, *, kind: str = "info") -> None:
        """Append a timestamped message (Kling's words, what the client did) to the job's history."""
        with self._tx() as db:
            row = db.execute("SELECT messages_json FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return
            messages = json.loads(row["messages_json"])
            messages.append({"time": self._clock(), "kind": kind, "text": self._clean(text)})
            db.execute("UPDATE jobs SET messages_json = ?, updated = ? WHERE id = ?",
                       (json.dumps(messages[-200:]), self._clock(), job_id))

    # ------------------------------------------------------------------ reading
    def get(self, job_id: int) -> Job:
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (int(job_id),)).fetchone()
        if row is None:
            raise JobNotFound(f"there is no job {job_id} in {self.path}. Fix: 'motion-transfer jobs list' shows "
                              "the jobs this store holds (set MOTION_TRANSFER_JOBS_DB if you use another store).")
        return _row_to_job(row)

    def find(self, ref: str | int) -> Job:
        """A job by local id, Kling task id or external task id."""
        text = str(ref).strip()
        if text.isdigit():
            try:
                return self.get(int(text))
            except JobNotFound:
                pass
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE remote_id = ? OR external_task_id = ? "
                                   "ORDER BY id DESC LIMIT 1", (text, text)).fetchone()
        if row is None:
            raise JobNotFound(f"no job has the id '{text}' in {self.path} (local ids are numbers; Kling task ids "
                              "and our mt-... external ids work too). Fix: run 'motion-transfer jobs list'.")
        return _row_to_job(row)

    def find_alive(self, request_hash: str, engine: str | None = None) -> Job | None:
        """The newest alive job made from an identical request, if any."""
        marks = ",".join("?" * len(ALIVE))
        sql = f"SELECT * FROM jobs WHERE request_hash = ? AND state IN ({marks})"
        args: list[Any] = [request_hash, *ALIVE]
        if engine:
            sql += " AND engine = ?"
            args.append(engine)
        with self._lock:
            row = self._db.execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return _row_to_job(row) if row else None

    def list(self, states: Iterable[str] | None = None, *, engine: str | None = None,
             limit: int | None = None) -> list[Job]:
        sql, args = "SELECT * FROM jobs WHERE 1=1", []
        states = tuple(states or ())
        if states:
            sql += f" AND state IN ({','.join('?' * len(states))})"
            args += list(states)
        if engine:
            sql += " AND engine = ?"
            args.append(engine)
        sql += " ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [_row_to_job(r) for r in rows]

    def count(self, states: Iterable[str] | None = None) -> int:
        return len(self.list(states))

    # ------------------------------------------------------------------ claims (one finisher per job)
    def claim(self, job_id: int, owner: str, lease_s: float = 120.0) -> bool:
        """Take (or renew) the right to poll and download this job; False while another live process holds it."""
        now = self._clock()
        host, pid = socket.gethostname(), os.getpid()
        with self._tx() as db:
            row = db.execute("SELECT claim_owner, claim_pid, claim_host, claim_expires FROM jobs WHERE id = ?",
                             (job_id,)).fetchone()
            if row is None:
                raise JobNotFound(f"there is no job {job_id} in {self.path}.")
            holder = row["claim_owner"]
            if holder and holder != owner and (row["claim_expires"] or 0) > now:
                same_host = row["claim_host"] == host
                if not same_host or (row["claim_pid"] and _pid_alive(int(row["claim_pid"]))):
                    return False
            db.execute("UPDATE jobs SET claim_owner = ?, claim_pid = ?, claim_host = ?, claim_expires = ? "
                       "WHERE id = ?", (owner, pid, host, now + lease_s, job_id))
        return True

    def release(self, job_id: int, owner: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET claim_owner = NULL, claim_pid = NULL, claim_host = NULL, "
                       "claim_expires = NULL WHERE id = ? AND claim_owner = ?", (job_id, owner))

    def claim_holder(self, job_id: int) -> str | None:
        """'process 1234 on host' when someone else may hold the job, else None."""
        job = self.get(job_id)
        if job.claim_owner and (job.claim_expires or 0) > self._clock():
            return f"process {job.claim_pid} on {job.claim_host}"
        return None

"""Real processes: a client SIGKILLed mid-poll and resumed by a new one; two resumers racing; the jobs CLI."""
# ruff: noqa: F811  (pytest fixtures imported from fake_kling are redefined as test arguments)
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fake_kling import ACCESS_KEY, SECRET_KEY, fake_kling, kling_env, kling_media  # noqa: F401

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL and fork semantics are POSIX")

CHILD = """
import sys
from motion_transfer.engines.kling.engine import KlingEngine
from motion_transfer.request import Request
image, video, out = sys.argv[1:4]
KlingEngine().run(Request(image, video, out, engine="kling", options={"video_url": "https://v.example/m.mp4",
                  "yes": True, "detach": len(sys.argv) > 4}), None)
"""


def child_env(kling_env) -> dict:
    env = {**os.environ, **kling_env}
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def cli(kling_env, *args, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "motion_transfer.cli", *args], env=child_env(kling_env),
                          capture_output=True, text=True, timeout=timeout)


def state_of(db: str, job_id: int = 1) -> str | None:
    try:
        con = sqlite3.connect(db, timeout=5)
        row = con.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
        con.close()
        return row[0] if row else None
    except sqlite3.Error:
        return None


def test_sigkilled_client_is_resumed_by_a_new_process(kling_env, fake_kling, kling_media, tmp_path):
    image, video, result_bytes = kling_media
    out = tmp_path / "out.mp4"
    fake_kling.hold = True  # the task stays 'processing' while the client polls
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(image), str(video), str(out)],
                            env=child_env(kling_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    db = kling_env["MOTION_TRANSFER_JOBS_DB"]
    deadline = time.time() + 30
    while time.time() < deadline and not (state_of(db) == "processing" and len(fake_kling.log) >= 3):
        time.sleep(0.02)
    assert state_of(db) == "processing", proc.stderr.read1().decode() if proc.poll() is not None else "timeout"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL and not out.exists()

    listed = cli(kling_env, "jobs", "list")
    assert listed.returncode == 0 and "processing" in listed.stdout and "1 job(s) alive" in listed.stdout

    fake_kling.hold = False
    done = cli(kling_env, "jobs", "resume", "1")
    assert done.returncode == 0, done.stderr
    assert "job 1: wrote" in done.stdout and "Kling deducted 5 units" in done.stdout
    assert out.read_bytes() == result_bytes
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1
    assert state_of(db) == "succeeded"

    shown = cli(kling_env, "jobs", "show", "1")
    assert "state:            succeeded" in shown.stdout and "downloaded to" in shown.stdout
    for text in (listed.stdout, done.stdout, done.stderr, shown.stdout, Path(db).read_bytes().decode("latin1")):
        assert ACCESS_KEY not in text and SECRET_KEY not in text


def test_killed_before_the_submit_answer_is_not_submitted_twice(kling_env, fake_kling, kling_media, tmp_path):
    """Crash after the task was created but before its answer was recorded: the store knows only our external
    id; the next process finds the task by that id instead of paying again."""
    image, video, _ = kling_media
    fake_kling.drop_submit = 1

    def outage(task):  # from the moment the task exists, the API fails: the child cannot learn its id
        fake_kling.server_error_burst = 10_000

    fake_kling.on_create = outage
    db = kling_env["MOTION_TRANSFER_JOBS_DB"]
    env = {**kling_env, "MOTION_TRANSFER_KLING_RETRY_SCALE": "1"}  # the child backs off for seconds
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(image), str(video), str(tmp_path / "o.mp4")],
                            env=child_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline and not any(code == 5000 for *_, code in fake_kling.log):
        time.sleep(0.01)
    reached = any(code == 5000 for *_, code in fake_kling.log)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert reached, f"the child never reached the outage within 30 s: {proc.stderr.read().decode()[-2000:]}"
    assert fake_kling.created == 1 and state_of(db) == "submitting"
    fake_kling.server_error_burst = 0
    done = cli(kling_env, "jobs", "resume", "1")
    assert done.returncode == 0, done.stderr
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1
    assert [m for m, *_ in fake_kling.log].count("POST") == 1
    assert state_of(db) == "succeeded"


def test_two_concurrent_resumers_download_once(kling_env, fake_kling, kling_media, tmp_path):
    image, video, result_bytes = kling_media
    out = tmp_path / "out.mp4"
    detach = subprocess.run([sys.executable, "-c", CHILD, str(image), str(video), str(out), "detach"],
                            env=child_env(kling_env), capture_output=True, text=True, timeout=60)
    assert detach.returncode == 0, detach.stderr
    assert "jobs resume 1" in detach.stderr
    # The task stays 'processing' until one resumer is seen waiting for the other, so the two overlap by
    # construction: with a task that finishes on its own, a resumer whose interpreter starts late (a loaded
    # machine delays one start-up by seconds) finds the job already done and never meets the other.
    fake_kling.hold = True
    errs = [tmp_path / f"resumer{i}.stderr" for i in range(2)]
    procs = []
    for err in errs:
        with err.open("w") as sink:  # a file, not a pipe: the test reads it while the resumers run
            procs.append(subprocess.Popen([sys.executable, "-m", "motion_transfer.cli", "jobs", "resume", "1"],
                                          env=child_env(kling_env), stdout=subprocess.PIPE, stderr=sink, text=True))
    deadline = time.time() + 60
    while (time.time() < deadline and all(p.poll() is None for p in procs)
           and not any("being finished by" in err.read_text() for err in errs)):
        time.sleep(0.02)
    fake_kling.hold = False
    outs = [(p.communicate(timeout=60)[0], err.read_text()) for p, err in zip(procs, errs)]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1
    assert out.read_bytes() == result_bytes
    assert sum("being finished by" in err for _, err in outs) == 1  # the other one waited, then reported
    assert all("job 1: wrote" in o for o, _ in outs)


def test_resume_all_and_json(kling_env, fake_kling, kling_media, tmp_path):
    from motion_transfer.engines.kling.engine import KlingEngine
    from motion_transfer.request import Request

    image, video, _ = kling_media
    engine = KlingEngine(env=kling_env, say=lambda s: None)
    for i in range(3):
        engine.run(Request(image, video, tmp_path / f"o{i}.mp4", engine="kling",
                           options={"video_url": "https://v.example/m.mp4", "yes": True, "detach": True}), None)
    done = cli(kling_env, "jobs", "resume", "--all", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["findings"] == []
    assert [r["ok"] for r in report["jobs"]] == [True] * 3
    assert fake_kling.created == 3 and fake_kling.downloads_completed == 3
    listed = json.loads(cli(kling_env, "jobs", "list", "--json").stdout)["jobs"]
    assert {j["state"] for j in listed} == {"succeeded"} and all(j["cost_units"] == 5.0 for j in listed)
    none = cli(kling_env, "jobs", "resume", "--all")
    assert none.returncode == 0 and "No alive jobs" in none.stdout


def test_jobs_cli_errors_are_sentences(kling_env, fake_kling):
    missing = cli(kling_env, "jobs", "show", "42")
    assert missing.returncode == 2 and "no job has the id '42'" in missing.stderr
    bare = cli(kling_env, "jobs", "resume")
    assert bare.returncode == 2 and "--all" in bare.stderr

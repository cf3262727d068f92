"""Bench: the kling engine against the fake Kling server, under each fault, plus a 100-job batch.

Prints, per scenario: jobs submitted / tasks created / videos downloaded (must be N / N / N: nothing lost,
nothing paid twice), the client's overhead per job excluding server time and backoff waits, and the waits the
client chose. Then a batch of 100 jobs with a concurrency limit (default 3, Kling's usual per-account limit)
against a fake that refuses a 4th concurrent task with code 1303: it must finish without a 1303 storm.

    python bench/kling_faults.py [--jobs 5] [--batch 100] [--concurrency 3] [--json out.json]

Nothing here touches the real API. Backoff and poll waits are recorded but not slept (the fake's tasks advance
per poll, not per second), so the numbers measure the client, not the clock.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from fake_kling import ACCESS_KEY, SECRET_KEY, FakeKling, FakeTime, make_mp4, make_png  # noqa: E402

from motion_transfer.engines.kling.engine import KlingEngine, run_batch  # noqa: E402
from motion_transfer.jobs import JobStore  # noqa: E402
from motion_transfer.request import Request  # noqa: E402

VIDEO_URL = "https://videos.example.com/motion.mp4"


class Instant:
    """sleep() that records and returns at once; time is the real clock (tokens stay valid for the fake)."""

    def __init__(self) -> None:
        self.waited = 0.0
        self.lock = threading.Lock()

    def sleep(self, s: float) -> None:
        with self.lock:
            self.waited += s


def env_for(fake: FakeKling, db: Path, tmp: Path) -> dict:
    return {"KLING_ACCESS_KEY": ACCESS_KEY, "KLING_SECRET_KEY": SECRET_KEY, "KLING_API_BASE": fake.base_url,
            "MOTION_TRANSFER_JOBS_DB": str(db), "MOTION_TRANSFER_KLING_POLL": "2,5,20",
            "MOTION_TRANSFER_CONFIG": str(tmp / "none.ini")}


def req(media, out: Path, **options) -> Request:
    return Request(media[0], media[1], out, engine="kling", options={"video_url": VIDEO_URL, "yes": True, **options})


def distinct_downloads(fake: FakeKling) -> int:
    return len(set(fake.downloaded_tasks))


def scenario(name: str, n: int, media, tmp: Path, setup, *, per_job=None, mode="run", clock=None) -> dict:
    """Run ``n`` jobs with a fault switched on; ``per_job(fake, i)`` re-arms the fault before each job."""
    work = tmp / "".join(c if c.isalnum() else "_" for c in name)
    work.mkdir()
    with FakeKling(result_video=media[2], result_duration="3.2") as fake:
        setup(fake)
        db = work / "jobs.sqlite"
        env = env_for(fake, db, work)
        waits = Instant()
        t_clock = clock.time if clock else time.time
        sleep = clock.sleep if clock else waits.sleep
        if clock:
            fake.clock = clock.time
        errors = []
        t0 = time.perf_counter()
        for i in range(n):
            if per_job:
                per_job(fake, i)
            engine = KlingEngine(env=env, say=lambda s: None, sleep=sleep, clock=t_clock)
            out = work / f"out{i}.mp4"
            try:
                if mode == "run":
                    engine.run(req(media, out), None)
                elif mode == "detach+resume":  # the process "crashes" right after the submit; a new one resumes
                    r = engine.run(req(media, out, detach=True), None)
                    KlingEngine(env=env, say=lambda s: None, sleep=sleep, clock=t_clock).resume(r.extra["job_id"])
                elif mode == "two resumers":
                    r = engine.run(req(media, out, detach=True), None)
                    results = []
                    threads = [threading.Thread(target=lambda: results.append(
                        KlingEngine(env=env, say=lambda s: None, sleep=lambda s: time.sleep(0.002),
                                    clock=t_clock).resume(r.extra["job_id"]))) for _ in range(2)]
                    [t.start() for t in threads]
                    [t.join() for t in threads]
                    assert len(results) == 2
            except Exception as exc:  # a bench reports, it does not stop
                errors.append(f"job {i}: {exc.__class__.__name__}: {exc}")
        wall = time.perf_counter() - t0
        with JobStore(db) as store:
            jobs = store.list()
        ok_outputs = sum(1 for j in jobs if j.state == "succeeded" and j.result_path and Path(j.result_path).is_file())
        waited = sum(clock.slept) if clock else waits.waited
        return {"scenario": name, "jobs": n, "submitted": len(jobs), "created": fake.created,
                "downloaded": distinct_downloads(fake), "outputs": ok_outputs,
                "download_attempts": fake.downloads_started, "api_requests": len(fake.log),
                "overhead_ms_per_job": round(1000 * (wall - fake.server_time) / n, 1),
                "server_ms_per_job": round(1000 * fake.server_time / n, 2),
                "simulated_wait_s": round(waited, 1), "errors": errors,
                "ok": len(jobs) == fake.created == distinct_downloads(fake) == ok_outputs == n and not errors}


def sigkill_scenario(n: int, media, tmp: Path) -> dict:
    """Real processes: a client is SIGKILLed mid-poll; a new process runs `jobs resume`."""
    work = tmp / "sigkill"
    work.mkdir()
    child = ("import sys\nfrom motion_transfer.engines.kling.engine import KlingEngine\n"
             "from motion_transfer.request import Request\n"
             f"KlingEngine().run(Request(sys.argv[1], sys.argv[2], sys.argv[3], engine='kling', options="
             f"{{'video_url': '{VIDEO_URL}', 'yes': True}}), None)\n")
    with FakeKling(result_video=media[2], result_duration="3.2") as fake:
        db = work / "jobs.sqlite"
        env = {**os.environ, **env_for(fake, db, work), "MOTION_TRANSFER_KLING_POLL": "0.02,0.02,0.05",
               "PYTHONPATH": str(ROOT / "src")}
        errors = []
        t0 = time.perf_counter()
        for i in range(n):
            fake.hold = True
            p = subprocess.Popen([sys.executable, "-c", child, str(media[0]), str(media[1]), str(work / f"o{i}.mp4")],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.time() + 30
            while time.time() < deadline and fake.created <= i:
                time.sleep(0.01)
            time.sleep(0.1)  # a few polls
            p.send_signal(signal.SIGKILL)
            p.wait()
            fake.hold = False
            con = sqlite3.connect(db)
            job_id = con.execute("SELECT max(id) FROM jobs").fetchone()[0]
            con.close()
            r = subprocess.run([sys.executable, "-m", "motion_transfer.cli", "jobs", "resume", str(job_id)], env=env,
                               capture_output=True, text=True)
            if r.returncode:
                errors.append(r.stderr.strip())
        wall = time.perf_counter() - t0
        with JobStore(db) as store:
            jobs = store.list()
        ok_outputs = sum(1 for j in jobs if j.state == "succeeded" and Path(j.result_path or "").is_file())
        return {"scenario": "SIGKILL mid-poll + resume", "jobs": n, "submitted": len(jobs), "created": fake.created,
                "downloaded": distinct_downloads(fake), "outputs": ok_outputs,
                "download_attempts": fake.downloads_started, "api_requests": len(fake.log),
                "overhead_ms_per_job": round(1000 * (wall - fake.server_time) / n, 1),
                "server_ms_per_job": round(1000 * fake.server_time / n, 2), "simulated_wait_s": None,
                "errors": errors, "note": "includes 2 Python start-ups and ~0.1 s of polling per job",
                "ok": len(jobs) == fake.created == distinct_downloads(fake) == ok_outputs == n and not errors}


def batch(n: int, concurrency: int, media, tmp: Path) -> dict:
    work = tmp / "batch"
    work.mkdir()
    with FakeKling(result_video=media[2], result_duration="3.2", polls_to_finish=3) as fake:
        fake.concurrency_limit = 3  # Kling's usual per-account limit: a 4th concurrent task gets 1303
        fake.retry_after = None
        db = work / "jobs.sqlite"
        env = env_for(fake, db, work)
        waits = Instant()
        engine = KlingEngine(env=env, say=lambda s: None, sleep=lambda s: (waits.sleep(s), time.sleep(0.001)))
        reqs = [req(media, work / f"o{i:03d}.mp4") for i in range(n)]
        t0 = time.perf_counter()
        results = run_batch(reqs, concurrency=concurrency, engine=engine)
        wall = time.perf_counter() - t0
        errors = [str(r) for r in results if isinstance(r, Exception)]
        return {"jobs": n, "concurrency": concurrency, "created": fake.created,
                "downloaded": distinct_downloads(fake), "refused_1303": fake.concurrency_refused,
                "max_concurrent_tasks": fake.max_active, "wall_s": round(wall, 2),
                "jobs_per_s": round(n / wall, 1), "errors": errors[:3],
                "ok": fake.created == distinct_downloads(fake) == n and not errors}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=5, help="jobs per fault scenario (default 5)")
    ap.add_argument("--batch", type=int, default=100, help="jobs in the batch run (default 100)")
    ap.add_argument("--concurrency", type=int, default=3, help="batch concurrency limit (default 3)")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    n = args.jobs
    with tempfile.TemporaryDirectory(prefix="kling-bench-") as d:
        tmp = Path(d)
        media = (make_png(tmp / "c.png"), make_mp4(tmp / "m.mp4", 360, 480, seconds=3.2, fps=5, audio=True),
                 make_mp4(tmp / "r.mp4", 1280, 720, seconds=3.2, fps=5).read_bytes())

        def arm(attr, value):
            return lambda fake, i: setattr(fake, attr, value)

        def long_poll(fake):
            fake.polls_to_finish = 40  # 40 polls x 20 s (simulated) = 13 min per job: tokens renewed

        rows = [
            scenario("clean", n, media, tmp, lambda f: None),
            scenario("429 burst (1302, Retry-After 1)", n, media, tmp, lambda f: None,
                     per_job=arm("rate_limit_burst", 4)),
            scenario("1303 concurrency burst", n, media, tmp, lambda f: setattr(f, "rate_code", 1303),
                     per_job=arm("rate_limit_burst", 4)),
            scenario("5xx (500 / code 5000) x3", n, media, tmp, lambda f: None, per_job=arm("server_error_burst", 3)),
            scenario("submit answer dropped", n, media, tmp, lambda f: None, per_job=arm("drop_submit", 1)),
            scenario("download cut half-way x2", n, media, tmp, lambda f: None, per_job=arm("cut_download", 2)),
            scenario("long poll, token renewal", n, media, tmp, long_poll, clock=FakeTime(real_pause=0)),
            scenario("crash after submit + resume", n, media, tmp, lambda f: None, mode="detach+resume"),
            scenario("two concurrent resumers", n, media, tmp, lambda f: setattr(f, "polls_to_finish", 6),
                     mode="two resumers"),
            sigkill_scenario(min(n, 3), media, tmp),
        ]
        print(f"{'scenario':<30} {'submitted/created/downloaded':>28} {'overhead/job':>13} {'server/job':>11} "
              f"{'waits':>8}  ok")
        for r in rows:
            ratio = f"{r['submitted']}/{r['created']}/{r['downloaded']} of {r['jobs']}"
            wait = "-" if r["simulated_wait_s"] is None else f"{r['simulated_wait_s']:.0f} s"
            print(f"{r['scenario']:<30} {ratio:>28} {r['overhead_ms_per_job']:>10.1f} ms {r['server_ms_per_job']:>8.2f} ms "
                  f"{wait:>8}  {'yes' if r['ok'] else 'NO'}")
            for e in r["errors"][:3]:
                print(f"    ! {e}")
        b = batch(args.batch, args.concurrency, media, tmp)
        print(f"\nbatch: {b['jobs']} jobs, concurrency {b['concurrency']}: created {b['created']}, downloaded "
              f"{b['downloaded']}, 1303 refusals {b['refused_1303']}, at most {b['max_concurrent_tasks']} tasks at "
              f"once, {b['wall_s']} s ({b['jobs_per_s']} jobs/s)  {'ok' if b['ok'] else 'NOT OK'}")
        for e in b["errors"]:
            print(f"    ! {e}")
        print("\n(waits: backoff + poll intervals the client chose, recorded not slept; overhead excludes them and "
              "the fake's own handling time)")
        if args.json:
            Path(args.json).write_text(json.dumps({"scenarios": rows, "batch": b}, indent=2))
        return 0 if all(r["ok"] for r in rows) and b["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

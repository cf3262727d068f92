"""``motion-transfer jobs``: see, inspect and finish remote jobs (the durable store in ``jobs.py``).

``register(subparsers)`` adds the subcommand to the main parser; ``run_jobs(args)`` runs it and returns the exit
status. Errors are ``MotionTransferError``s, which the main CLI prints as sentences.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime

from . import cli_json
from .errors import EngineError, InputError, MotionTransferError
from .jobs import ALIVE, STATES, Job, JobStore, default_db_path

DESCRIPTION = """\
Every remote task (engine kling) is recorded in a local store before it is submitted, so a crash, a closed
laptop, a lost connection or --detach never loses a paid task, and a retried identical run never pays twice.

  motion-transfer jobs list                 every job: local id, Kling task id, state, age, cost, output
  motion-transfer jobs show ID              all that is known of one job, including Kling's messages
  motion-transfer jobs resume ID            finish one job: poll Kling, download, write the output
  motion-transfer jobs resume --all         finish every job that is still alive

ID is the local number shown by 'jobs list', a Kling task id, or our mt-... external id.
Store: $MOTION_TRANSFER_JOBS_DB, else {default} (or --jobs-db).
"""


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs-db", metavar="PATH",
                   help="the job store to use (default: $MOTION_TRANSFER_JOBS_DB or the user data folder)")
    p.add_argument("--json", action="store_true", help="print JSON on stdout instead of text")


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``jobs list | show | resume`` to the main parser's subcommands."""
    jobs = subparsers.add_parser(
        "jobs", help="list, inspect and resume remote (Kling) jobs",
        description=DESCRIPTION.format(default=default_db_path()),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = jobs.add_subparsers(dest="jobs_command", metavar="ACTION")

    ls = sub.add_parser("list", help="list jobs, newest first",
                        description="List jobs, newest first: local id, engine, state, Kling task id, age, "
                                    "Kling's unit deduction, output file. Alive states (submitting, submitted, "
                                    "processing, downloading) can be finished with 'jobs resume'.")
    ls.add_argument("--state", action="append", choices=STATES,
                    help="only jobs in this state (repeatable)")
    ls.add_argument("--alive", action="store_true", help="only jobs that 'jobs resume' can still finish")
    ls.add_argument("--limit", type=int, default=50, help="show at most this many (default 50; 0 for all)")
    _add_db(ls)

    show = sub.add_parser("show", help="everything known about one job",
                          description="Show one job: ids, state, the request (paths, hashes and settings; never "
                                      "keys), cost, timings, the output, and the history of Kling's messages.")
    show.add_argument("id", help="local id, Kling task id, or mt-... external id")
    _add_db(show)

    res = sub.add_parser("resume", help="finish a job (or all alive jobs): poll, download, write the output",
                         description="Finish what a crash, a lost connection or --detach left. A job whose submit "
                                     "was never confirmed is first looked up at Kling by its external id and only "
                                     "submitted if Kling never received it. Two resumers never download the same "
                                     "job twice: the second waits for the first.")
    res.add_argument("id", nargs="?", help="local id, Kling task id, or mt-... external id")
    res.add_argument("--all", action="store_true", help="finish every alive job")
    res.add_argument("--concurrency", type=int, default=None,
                     help="with --all: how many jobs to finish at once (default 3, Kling's usual account limit)")
    res.add_argument("--api-base", help="Kling API base URL (default: the one the job was submitted to)")
    res.add_argument("--video-url", help="the video's URL, if a never-submitted job needs it again")
    _add_db(res)
    return jobs


def _age(ts: float) -> str:
    s = max(0, time.time() - ts)
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= n:
            return f"{s / n:.0f}{unit}"
    return f"{s:.0f}s"


JOB_COLUMNS = ("ID", "ENGINE", "STATE", "KLING TASK", "AGE", "COST", "OUTPUT")


def job_row(j: Job) -> tuple[str, ...]:
    """One line of the job list (the CLI's table and the web app's), in ``JOB_COLUMNS`` order."""
    return (str(j.id), j.engine, j.state, j.remote_id or "-", _age(j.created),
            f"{j.cost_units:g} u" if j.cost_units is not None else
            (f"~${j.request.get('cost_estimate_usd'):.2f}" if j.request.get("cost_estimate_usd") else "-"),
            j.result_path or j.output or "-")


def _job_json(job: Job) -> dict:
    d = job.to_dict()
    for k in ("claim_owner",):
        d.pop(k, None)
    d["alive"] = job.alive
    return d


def _list(store: JobStore, args) -> int:
    states = list(args.state or []) + (list(ALIVE) if args.alive else [])
    jobs = store.list(states or None, limit=args.limit or None)
    if args.json:
        cli_json.emit(cli_json.success({"jobs": [_job_json(j) for j in jobs]}))
        return 0
    if not jobs:
        print(f"No jobs{' in those states' if states else ''} in {store.path}.")
        return 0
    rows = [JOB_COLUMNS] + [job_row(j) for j in jobs]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    alive = sum(j.alive for j in jobs)
    if alive:
        print(f"\n{alive} job(s) alive: finish with 'motion-transfer jobs resume ID' or 'jobs resume --all'.")
    return 0


def _show(store: JobStore, args) -> int:
    job = store.find(args.id)
    if args.json:
        cli_json.emit(cli_json.success({"job": _job_json(job)}))
        return 0
    r = job.request

    def when(ts):
        return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "-"

    lines = [
        f"job {job.id} ({job.engine})",
        f"  state:            {job.state}" + (" (alive: 'jobs resume' finishes it)" if job.alive else ""),
        f"  Kling task:       {job.remote_id or '-'} (status {job.remote_status or '-'})",
        f"  external id:      {job.external_task_id}",
        f"  created/updated:  {when(job.created)} / {when(job.updated)} ({_age(job.created)} ago)",
        f"  model / tier:     {r.get('model')} / {r.get('tier')}, orientation {r.get('orientation')}, "
        f"sound {'kept' if r.get('keep_sound', True) else 'dropped'}",
        f"  image:            {r.get('image')}",
        f"  video:            {r.get('video')} ({r.get('seconds')} s)",
        "  video URL:        " + (f"s3://{r['s3']['bucket']}/{r['s3']['key']}" if r.get("s3")
                                   else str(r.get("video_url") or "-")),
        f"  prompt:           {r.get('prompt') or '-'}",
        f"  output:           {job.result_path or job.output or '-'}",
        f"  cost:             estimate ${r.get('cost_estimate_usd') or 0:.2f}; Kling deducted "
        f"{'-' if job.cost_units is None else f'{job.cost_units:g} units'}",
    ]
    if job.timings:
        lines.append("  timings:          " + ", ".join(f"{k} {v:.1f} s" for k, v in job.timings.items()))
    kv = job.extra.get("kling_video")
    if kv:
        lines.append(f"  Kling returned:   video {kv.get('id')}, {kv.get('duration')} s")
    if job.claim_owner and (job.claim_expires or 0) > time.time():
        lines.append(f"  being finished by process {job.claim_pid} on {job.claim_host}")
    lines.append("  history:")
    for m in job.messages or [{"time": job.created, "kind": "info", "text": "(none)"}]:
        lines.append(f"    {when(m['time'])}  {m['kind']:<5} {m['text']}")
    print("\n".join(lines))
    return 0


def _resume(args) -> int:
    from .engines.kling.engine import KlingEngine

    if not args.id and not args.all:
        raise InputError("give a job id, or --all to finish every alive job.", code="usage",
                         fix="see 'motion-transfer jobs list'.")
    options = {k: v for k, v in (("jobs_db", args.jobs_db), ("api_base", args.api_base),
                                 ("video_url", args.video_url), ("concurrency", args.concurrency)) if v}
    engine = KlingEngine()
    if args.id:
        result = engine.resume(args.id, options=options)
        if args.json:
            cli_json.emit(cli_json.success(result.to_dict()))
        else:
            _print_done(result)
        return 0
    outcomes = engine.resume_all(options=options)
    if not outcomes:
        if args.json:
            cli_json.emit(cli_json.success({"jobs": []}))
        else:
            print("No alive jobs to resume.")
        return 0
    failed = 0
    report = []
    for job, outcome in outcomes:
        if isinstance(outcome, MotionTransferError):
            failed += 1
            report.append({"job_id": job.id, "ok": False, "error": outcome.to_dict()})
            if not args.json:
                print(f"job {job.id}: error: {outcome}", file=sys.stderr)
        else:
            report.append({"job_id": job.id, "ok": True, "result": outcome.to_dict()})
            if not args.json:
                _print_done(outcome)
    if args.json:
        if failed:
            error = EngineError(f"{failed} of {len(outcomes)} job(s) could not be finished; see each job's error.",
                                code="jobs_failed")
            cli_json.emit(cli_json.failure(error, jobs=report))
        else:
            cli_json.emit(cli_json.success({"jobs": report}))
    else:
        print(f"{len(outcomes) - failed} of {len(outcomes)} job(s) finished.")
    return 1 if failed else 0


def _print_done(result) -> None:
    e = result.extra
    cost = f", Kling deducted {e['cost_units']:g} units" if e.get("cost_units") is not None else ""
    print(f"job {e.get('job_id')}: wrote {result.output} ({result.width}x{result.height}, {result.duration:.1f} s"
          f"{cost}).")


def run_jobs(args) -> int:
    """Run ``jobs list | show | resume``; returns the exit status."""
    command = getattr(args, "jobs_command", None)
    if command is None:
        print(DESCRIPTION.format(default=default_db_path()))
        return 1
    if command == "resume":
        return _resume(args)
    store = JobStore(args.jobs_db) if args.jobs_db else JobStore()
    try:
        return _list(store, args) if command == "list" else _show(store, args)
    finally:
        store.close()


__all__ = ["JOB_COLUMNS", "job_row", "register", "run_jobs"]

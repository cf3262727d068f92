"""``motion-transfer batch``: the command-line side of ``motion_transfer.batch`` (parse, show progress, summarise)."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import textwrap

from . import cli_json
from .batch.manifest import COLUMNS
from .cli_cache import add_no_cache

_COLUMNS_TEXT = (
    "The manifest is CSV (with a header) or JSONL (one object a line), one row per job: image and video (relative "
    "paths are read from the manifest's folder), and any of "
    f"{', '.join(c for c in COLUMNS if c not in ('image', 'video'))} (empty cells take the `run` defaults; output "
    "and compare are names inside OUTDIR, output defaulting to IMAGE__VIDEO.mp4).")

DESCRIPTION = f"""\
Render every row of MANIFEST into OUTDIR. {textwrap.fill(_COLUMNS_TEXT, 112, initial_indent=" " * 41).strip()}

Every row is checked before any work; bad rows are listed together with their row numbers and, unless --strict,
fail alone while the good rows run. Each motion is analysed once for all of its rows. Rows already done with the
same inputs and options are skipped, so the same command resumes a batch that was stopped or killed, and two
batches on the same OUTDIR never render the same row twice. Each row is appended to OUTDIR/results.jsonl as it
finishes (row, status, output, seconds, findings, error). Exit status 1 when any row failed or was invalid."""

EXAMPLES = """\
examples:
  motion-transfer batch jobs.csv -o renders/                 local process pool, one worker per core
  motion-transfer batch jobs.jsonl -o renders/ --strict      refuse to start while any row is bad
  motion-transfer batch jobs.csv -o /shared/renders --ray auto    the tasks on a running Ray cluster

jobs.csv:
  image,video,output,tier,orientation
  fox.png,dance.mp4,fox_dance.mp4,std,video
  owl.png,dance.mp4,,pro,
"""


def register(sub) -> None:
    """Add the ``batch`` subcommand to the main parser."""
    p = sub.add_parser("batch", help="render many image x video pairs from a CSV or JSONL manifest",
                       description=DESCRIPTION, epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("manifest", help="CSV or JSONL file, one row per job")
    p.add_argument("-o", "--outdir", required=True, help="folder for the results (created if needed)")
    p.add_argument("--strict", action="store_true", help="refuse to start while any row is bad")
    p.add_argument("--workers", type=int, help="local worker processes (default: the usable cores)")
    p.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                   help="run the rows as Ray tasks: on a local Ray started for this batch, or on the cluster at "
                        "ADDRESS ('auto', or ray://HOST:10001). Inputs and OUTDIR must be paths every node sees. "
                        "Needs: pip install 'motion-transfer[ray]'")
    p.add_argument("--cpus-per-row", type=float, default=1.0, help="CPUs each Ray task asks for (default 1)")
    p.add_argument("--retries", type=int, default=2,
                   help="re-runs of a task whose worker died (not of rows with bad inputs); default 2")
    p.add_argument("--results", help="results file (JSONL, appended; default OUTDIR/results.jsonl)")
    p.add_argument("--yes", "-y", action="store_true", help="accept the cost of rows with a paid engine (kling)")
    add_no_cache(p)
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")


class RowBar:
    """One tqdm bar over the rows on stderr; its text shows the stages of the rows being rendered."""

    def __init__(self, enabled: bool) -> None:
        self.bar = None
        # a private copy of stderr: the bar keeps showing while native libraries' chatter on fd 2 is muted
        self.stream = os.fdopen(os.dup(2), "w", buffering=1) if enabled else None

    def __call__(self, text: str, done: int, total: int) -> None:
        if self.stream is None:
            return
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, desc="batch", unit="row", file=self.stream, dynamic_ncols=True)
        self.bar.update(done - self.bar.n)
        self.bar.set_postfix_str(text, refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _print_problems(manifest) -> None:
    if manifest.problems:
        print(f"{len(manifest.problems)} of {manifest.total} rows cannot run (they are logged as invalid; the "
              "others run):", file=sys.stderr)
        for p in manifest.problems:
            print(f"  {p.sentence()}", file=sys.stderr)


def run_batch_command(args) -> int:
    from .batch import run_batch

    bar = RowBar(enabled=not args.json)
    try:
        summary = run_batch(args.manifest, args.outdir, use_ray=args.ray is not None, ray_address=args.ray or None,
                            workers=args.workers, strict=args.strict, results=args.results, paid_ok=args.yes,
                            retries=args.retries, cpus_per_row=args.cpus_per_row, use_cache=args.use_cache,
                            progress=bar,
                            on_checked=None if args.json else _print_problems)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM / SIGHUP as the CLI raises them
        bar.close()
        signum = getattr(exc, "signum", signal.SIGINT)
        sentence = (f"stopped by {signal.Signals(signum).name}; finished rows are kept and unfinished ones left "
                    "no output. Run the same command to resume.")
        if args.json:
            cli_json.emit(cli_json.failure({"type": "Interrupted", "code": "interrupted", "message": sentence,
                                            "fix": None, "file": None, "measured": signal.Signals(signum).name,
                                            "limit": None, "exit_code": 128 + signum, "sentence": sentence}))
        print(sentence, file=sys.stderr)
        return 128 + signum
    finally:
        bar.close()
    if args.json:
        data = summary.to_dict()
        data.pop("ok")
        if summary.ok:
            cli_json.emit(cli_json.success(data))
        else:
            sentence = (f"{len(summary.failures)} of {summary.rows} rows failed or were invalid (rows "
                        f"{', '.join(str(f['row']) for f in summary.failures)}); the others are done.")
            cli_json.emit(cli_json.failure({"type": "BatchRowsFailed", "code": "rows_failed", "message": sentence,
                                            "fix": f"see each row's error in {summary.results}, fix the inputs and "
                                                   "run the same command again (done rows are skipped).",
                                            "file": str(args.manifest), "measured": len(summary.failures),
                                            "limit": 0, "exit_code": 1, "sentence": sentence}, **data))
    else:
        for f in summary.failures:
            print(f"row {f['row']} (line {f['line']}) {f['status']}: {f['error']}", file=sys.stderr)
        minutes = summary.seconds / 60
        print(f"{summary.rows} rows: {summary.done} done, {summary.skipped} skipped (already done), "
              f"{summary.failed} failed, {summary.invalid} invalid; {summary.motions_analysed} motion(s) analysed; "
              f"{minutes:.1f} min ({summary.rows_per_minute:.1f} rows/min, {summary.workers} {summary.backend} "
              f"worker(s)). Results: {summary.results}")
    return 0 if summary.ok else 1

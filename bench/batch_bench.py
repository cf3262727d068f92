"""Batch benchmark: rows per minute for 12 short pairs (4 motions x 3 characters), on the local pool and on Ray.

    python bench/batch_bench.py [--workers 2] [--seconds 3] [--fps 6] [--no-ray] [--ray-first] [--keep DIR]

Generates its own inputs (``motion_transfer.samples``): 4 motions (dance, wave, cross, step) and 3 characters,
and a 12-row manifest pairing each character with each motion. Then, each in a fresh output folder:

- reference: the first 2 pairs one after the other through ``motion_transfer.transfer`` in one process, as
  separate ``run`` commands would do them (each tracking its motion); its rows per minute is the yardstick,
  measured in the same run because these machines are shared and noisy;
- local: ``run_batch`` on a process pool of ``--workers``;
- ray: ``run_batch(use_ray=True)`` on a local Ray started here with ``--workers`` CPUs (skipped without Ray).

Motion analyses are counted from outside the batch: every worker process imports a ``sitecustomize`` that
appends a line to a file each time ``pose.estimator.track_video`` really runs (the motion cache is off, so nothing
is served from an earlier run). With 4 motions x 3 characters it must say 4, not 12.

Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent / "src"))

MOTIONS = ("dance", "wave", "cross", "step")
CHARACTERS = (("fox", "character", "a-pose"), ("owl", "person", "a-pose"), ("cat", "character", "t-pose"))


def make_inputs(folder: Path, seconds: float, fps: float) -> Path:
    from motion_transfer.samples import make_character, make_clip

    for name, style, pose in CHARACTERS:
        make_character(folder / f"{name}.png", size=(240, 320), style=style, pose=pose)
    for motion in MOTIONS:
        make_clip(folder / f"{motion}.mp4", motion, seconds=seconds, fps=fps, size=(320, 180))
    manifest = folder / "jobs.csv"
    rows = [f"{c}.png,{m}.mp4" for m in MOTIONS for c, _, _ in CHARACTERS]
    manifest.write_text("\n".join(["image,video", *rows]) + "\n")
    return manifest


def counted_env(folder: Path) -> Path:
    """Make every Python process started from here on count its real pose trackings into a file."""
    from test_batch import COUNTER

    hook = folder / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(COUNTER)
    count = folder / "tracked.txt"
    os.environ["PYTHONPATH"] = os.pathsep.join([str(hook), str(HERE.parent / "src"),
                                                os.environ.get("PYTHONPATH", "")])
    os.environ["MT_TRACK_COUNT"] = str(count)
    os.environ["MOTION_TRANSFER_CACHE"] = "off"
    return count


def tracked(count: Path) -> int:
    return len(count.read_text().split()) if count.exists() else 0


def reference(folder: Path, pairs: int) -> float:
    """Seconds per pair for separate runs, one after the other (in a child process, like a command)."""
    import subprocess

    code = ("import sys, time; from motion_transfer import transfer; t = time.perf_counter(); "
            f"[transfer(f'{folder}/{{c}}.png', f'{folder}/{{m}}.mp4', f'{folder}/ref/{{c}}_{{m}}.mp4') "
            f"for c, m in {[(c, m) for m in MOTIONS for c, _, _ in CHARACTERS][:pairs]!r}]; "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1]) / pairs


def batch(manifest: Path, outdir: Path, count: Path, **kw) -> dict:
    from motion_transfer.batch import run_batch

    before = tracked(count)
    summary = run_batch(manifest, outdir, **kw)
    return {**summary.to_dict(), "tracked": tracked(count) - before}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--fps", type=float, default=6.0)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--ray-first", action="store_true", help="run the Ray phase before the local one")
    ap.add_argument("--keep", help="keep inputs and outputs in this folder")
    args = ap.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="batch-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    count = counted_env(folder)
    manifest = make_inputs(folder, args.seconds, args.fps)
    rows = len(MOTIONS) * len(CHARACTERS)
    print(f"{rows} pairs ({len(MOTIONS)} motions x {len(CHARACTERS)} characters), clips {args.seconds:g} s at "
          f"{args.fps:g} fps 320x180, characters 240x320, output 720p (std); {args.workers} workers; "
          f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (a shared machine)")

    ref = reference(folder, 2)
    print(f"reference: separate runs one after the other: {ref:.1f} s per pair = {60 / ref:.1f} rows/min "
          f"(load {os.getloadavg()[0]:.1f})")

    def local_phase() -> None:
        res = batch(manifest, folder / "local", count, workers=args.workers)
        print(f"local pool: {res['done']} rows in {res['seconds']:.1f} s = {res['rows_per_minute']:.1f} rows/min "
              f"({res['rows_per_minute'] * ref / 60:.2f}x the reference; load {os.getloadavg()[0]:.1f}); motion "
              f"analyses started {res['motions_analysed']}, track_video really ran {res['tracked']} times "
              f"(not {rows})")
        again = batch(manifest, folder / "local", count, workers=args.workers)
        print(f"local pool, same command again: {again['skipped']} rows skipped, {again['done']} rendered, "
              f"{again['seconds']:.1f} s, track_video ran {again['tracked']} times")

    def ray_phase() -> None:
        try:
            import ray
        except ImportError:
            print("ray: skipped (not installed; pip install 'motion-transfer[ray]')")
            return
        t = time.perf_counter()
        ray.init(num_cpus=args.workers, include_dashboard=False, object_store_memory=200_000_000,
                 _node_ip_address="127.0.0.1", log_to_driver=False)
        started = time.perf_counter() - t
        try:
            res = batch(manifest, folder / "ray", count, use_ray=True)
        finally:
            ray.shutdown()
        print(f"ray (local cluster, {args.workers} CPUs, started in {started:.1f} s, not counted): "
              f"{res['done']} rows in {res['seconds']:.1f} s = {res['rows_per_minute']:.1f} rows/min "
              f"({res['rows_per_minute'] * ref / 60:.2f}x the reference; load {os.getloadavg()[0]:.1f}); motion "
              f"analyses started {res['motions_analysed']}, track_video really ran {res['tracked']} times")

    phases = [local_phase] + ([] if args.no_ray else [ray_phase])
    for phase in (reversed(phases) if args.ray_first else phases):
        phase()


if __name__ == "__main__":
    main()

"""Pose benchmark: accuracy on generated ground truth, jitter, speed, check time and peak memory.

    python bench/pose_bench.py [--quick]

Prints figures; it asserts nothing (targets are stated beside the figures).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MAIN = [11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28]


def accuracy(folder: Path, motions, sizes, styles) -> list[dict]:
    from motion_transfer.pose.estimator import track_video
    from motion_transfer.samples import make_clip

    rows = []
    for motion in motions:
        for size in sizes:
            for style in styles:
                path = folder / f"{motion}_{size[0]}_{style}.mp4"
                clip = make_clip(path, motion, seconds=4.0, fps=30, size=size, style=style)
                truth = np.asarray(clip.joints)[:, :, :2]
                for preset, smooth in (("full", False), ("full", True), ("accurate", True), ("balanced", True)):
                    track = track_video(path, smooth=smooth, preset=preset)
                    n = min(len(track), len(truth))
                    err = np.linalg.norm(track.body[:n, MAIN, :2] - truth[:n, MAIN], axis=-1)
                    height = clip.scale  # standing body height in pixels
                    rows.append({"motion": motion, "size": f"{size[0]}x{size[1]}", "style": style,
                                 "preset": preset, "smooth": smooth, "detected": float(track.present[:n].mean()),
                                 "samples": track.meta.get("inference_frames"), "frames": n,
                                 "median_err_pct": float(np.nanmedian(err) / height * 100),
                                 "p95_err_pct": float(np.nanpercentile(err, 95) / height * 100)})
                    print(json.dumps(rows[-1]))
    return rows


def jitter(folder: Path) -> dict:
    """Mean frame-to-frame acceleration (px/frame^2) of the tracked joints on a still pose."""
    from motion_transfer.pose.estimator import track_video
    from motion_transfer.samples import make_clip

    path = folder / "static.mp4"
    make_clip(path, "static", seconds=4.0, fps=30, size=(1280, 720))
    out = {}
    for smooth in (False, True):
        body = track_video(path, smooth=smooth).body[:, MAIN, :2]
        out["smoothed" if smooth else "raw"] = float(np.nanmean(np.abs(np.diff(body, 2, axis=0))))
    return out


def speed(folder: Path, seconds: float) -> list[dict]:
    from motion_transfer.pose.estimator import track_video
    from motion_transfer.samples import make_clip

    rows = []
    for size in ((1280, 720), (1920, 1080)):
        path = folder / f"speed_{size[1]}.mp4"
        make_clip(path, "dance", seconds=seconds, fps=30, size=size)
        for preset in ("full", "accurate", "balanced"):
            t = time.perf_counter()
            track = track_video(path, preset=preset)
            dt = time.perf_counter() - t
            rows.append({"size": f"{size[0]}x{size[1]}", "preset": preset, "frames": len(track),
                         "seconds": round(dt, 2), "fps": round(len(track) / dt, 1)})
            print(json.dumps(rows[-1]))
    return rows


def check_time(folder: Path) -> float:
    from motion_transfer.api import check
    from motion_transfer.samples import make_character, make_clip

    image = folder / "char.png"
    make_character(image, size=(720, 1280))
    video = folder / "check_10s.mp4"
    make_clip(video, "dance", seconds=10.0, fps=30, size=(1280, 720))
    t = time.perf_counter()
    check(image, video)
    return time.perf_counter() - t


def peak_memory_of_pose(folder: Path, seconds: float) -> float:
    """Peak RSS (MB) of a separate `motion-transfer pose` process on a long 1080p clip."""
    from motion_transfer.samples import make_clip

    path = folder / "long_1080.mp4"
    make_clip(path, "dance", seconds=seconds, fps=30, size=(1920, 1080))
    code = ("import resource,sys;from motion_transfer.cli import main;"
            f"main(['pose', {str(path)!r}, '-o', {str(folder / 'long.npz')!r}, '--json']);"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer clips, shorter clips")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # timings must include tracking: a motion cache of our own, empty, never the user's
        os.environ["MOTION_TRANSFER_CACHE_DIR"] = str(folder / "cache")
        motions = ["dance", "wave"] if args.quick else ["dance", "wave", "static", "cross", "step"]
        sizes = [(640, 480)] if args.quick else [(640, 480), (1280, 720)]
        rows = accuracy(folder, motions, sizes, ["person", "character"])
        for preset in ("full", "accurate", "balanced"):
            smoothed = [r["median_err_pct"] for r in rows if r["smooth"] and r["preset"] == preset]
            share = np.sum([r["samples"] for r in rows if r["smooth"] and r["preset"] == preset]) / np.sum(
                [r["frames"] for r in rows if r["smooth"] and r["preset"] == preset])
            print(f"\npose accuracy ({preset}, body model on {share:.0%} of frames): median joint error "
                  f"{np.median(smoothed):.2f}% of body height (worst clip {max(smoothed):.2f}%; target < 3%)")
        j = jitter(folder)
        print(f"jitter on a still pose: {j['raw']:.3f} px/frame^2 raw -> {j['smoothed']:.3f} smoothed")
        sp = speed(folder, 5.0 if args.quick else 10.0)
        for r in sp:
            print(f"pose speed {r['size']} {r['preset']}: {r['fps']} frames/s")
        print(f"check on a 10 s 720p clip: {check_time(folder):.1f} s (target < 15 s)")
        mem = peak_memory_of_pose(folder, 10.0 if args.quick else 30.0)
        print(f"peak memory of `pose` on a {'10' if args.quick else '30'} s 1080p clip: {mem:.0f} MB "
              "(target < 2048 MB)")
        print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()

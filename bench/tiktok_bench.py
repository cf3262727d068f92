"""Puppet engine on real footage: self-reenactment of the six TikTok clips MimicMotion's authors published.

    python bench/tiktok_bench.py FOLDER [--tier std|pro] [--peers] [--keep DIR] [--clips 0,1,2] [--cross]
                                        [--sheets DIR] [--frames N]

FOLDER holds ``raw_{0..5}.mp4`` (and the peers' ``ours_i``, ``moore_i``, ``musev_i``, ``magic_dance_i``); see its
README.md. For each clip, frame 0 is the character image and the whole clip the motion; the result is scored
against the clip itself the way that README says (``puppet_bench.score_pair``): motion error (bone angles of
MediaPipe Pose on both, degrees), SSIM and PSNR at 256x256 every 5th frame, best lag -2..2. ``--peers`` scores
the published systems with the same code, so the figures are comparable. ``--cross`` also drives the character of
clip i with the motion of clip i+1 (the real use: someone else's dance) and scores the motion error against clip
i+1. ``--sheets DIR`` writes a contact sheet per result (8 frames, the reference above ours) to look at;
``--frames N`` cuts every clip to its first N frames (quick iterations). Targets: motion error < 5 degrees,
SSIM > 0.74 (MimicMotion, a GPU diffusion model: 3.3 degrees, 0.738). Never needed by the tests.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from puppet_bench import first_frame, read_frames, run_engine, score_pair

PEERS = {"ours": "MimicMotion", "moore": "Moore-AnimateAnyone", "musev": "MuseV", "magic_dance": "MagicDance"}


def cut(video: Path, out: Path, frames: int) -> Path:
    """The first ``frames`` frames of ``video`` (no audio), for quick iterations."""
    from motion_transfer.media.probe import probe
    from motion_transfer.media.writer import VideoWriter

    info = probe(video)
    with VideoWriter(out, info.fps, info.width, info.height) as writer:
        for frame in read_frames(video)[:frames]:
            writer.write(frame)
    return out


def contact_sheet(ref: Path, ours: Path, path: Path, n: int = 8, height: int = 240) -> None:
    """A PNG of ``n`` evenly spaced frames: the reference's above, ours below (to look at, frame by frame)."""
    import cv2
    from PIL import Image

    rows = []
    for video in (ref, ours):
        frames = read_frames(video)
        picks = np.linspace(0, len(frames) - 1, n).round().astype(int)
        cells = [cv2.resize(frames[k], (round(height * frames[k].shape[1] / frames[k].shape[0]), height),
                            interpolation=cv2.INTER_AREA) for k in picks]
        rows.append(np.hstack(cells))
    width = min(r.shape[1] for r in rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.vstack([r[:, :width] for r in rows])).save(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="the tiktok folder (raw_i.mp4 and the peers' videos)")
    ap.add_argument("--tier", default="std", choices=("std", "pro"))
    ap.add_argument("--orientation", default="video", choices=("video", "image"))
    ap.add_argument("--peers", action="store_true", help="also score the published systems' videos")
    ap.add_argument("--clips", default="0,1,2,3,4,5")
    ap.add_argument("--keep", type=Path, help="keep our results in this folder")
    ap.add_argument("--cross", action="store_true", help="also character of clip i with the motion of clip i+1")
    ap.add_argument("--sheets", type=Path, help="write a contact sheet PNG per result into this folder")
    ap.add_argument("--frames", type=int, default=0, help="use only the first N frames of each clip")
    args = ap.parse_args(argv)
    clips = [int(c) for c in args.clips.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="tiktok-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    raws = {}
    for i in sorted(set(clips) | ({(c + 1) % 6 for c in clips} if args.cross else set())):
        raws[i] = args.folder / f"raw_{i}.mp4"
        if not raws[i].exists():
            print(f"missing {raws[i]}", file=sys.stderr)
            return 2
        if args.frames:
            raws[i] = cut(raws[i], work / f"raw_{i}_first{args.frames}.mp4", args.frames)
    for i in clips:
        raw = raws[i]
        image = work / f"raw_{i}_frame0.png"
        first_frame(raw, image)
        out = work / f"puppet_{i}.mp4"
        t = time.perf_counter()
        res = run_engine(image, raw, out, tier=args.tier, orientation=args.orientation)
        wall = time.perf_counter() - t
        row = {"clip": i, "system": "puppet", **score_pair(raw, out), "wall_s": round(wall, 1),
               "frames": res["frames"], "timings": res["timings"]}
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.sheets:
            contact_sheet(raw, out, args.sheets / f"clip{i}.png")
        if args.cross:
            j = (i + 1) % 6
            out = work / f"puppet_{i}_moved_by_{j}.mp4"
            run_engine(image, raws[j], out, tier=args.tier, orientation=args.orientation)
            crow = {"clip": f"{i}<-{j}", "system": "puppet cross", **score_pair(raws[j], out)}
            rows.append(crow)
            print(json.dumps(crow), flush=True)
            if args.sheets:
                contact_sheet(raws[j], out, args.sheets / f"clip{i}_moved_by_{j}.png")
        if args.peers:
            for key, name in PEERS.items():
                peer = args.folder / f"{key}_{i}.mp4"
                if peer.exists():
                    prow = {"clip": i, "system": name, **score_pair(raw, peer)}
                    rows.append(prow)
                    print(json.dumps(prow), flush=True)
    print("\n# mean over clips " + ",".join(map(str, clips)))
    systems = dict.fromkeys(r["system"] for r in rows)
    print("per clip: " + "  ".join(f"{r['clip']}: {r['motion_err_deg']:.1f} deg / {r['ssim']:.3f}"
                                   for r in rows if r["system"].startswith("puppet")))
    for system in systems:
        sel = [r for r in rows if r["system"] == system]
        err = float(np.nanmean([r["motion_err_deg"] for r in sel]))
        ssim = float(np.mean([r["ssim"] for r in sel]))
        psnr = float(np.mean([r["psnr"] for r in sel]))
        line = f"{system:22s} motion error {err:5.2f} deg   SSIM {ssim:.3f}   PSNR {psnr:5.2f} dB"
        if system == "puppet":
            still = float(np.mean([r["still_ssim"] for r in sel]))
            wall = float(np.mean([r["wall_s"] for r in sel]))
            line += (f"   (frame 0 held still: SSIM {still:.3f}; {wall:.1f} s per clip end to end)"
                     f"\n{'':22s} targets: motion error < 5 deg {'MET' if err < 5 else 'NOT MET'}, "
                     f"SSIM > 0.74 {'MET' if ssim > 0.74 else 'NOT MET'}")
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

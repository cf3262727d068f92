"""Where in time a TikTok result loses its figures: per frame and per second, the motion error (per bone) and SSIM.

    python bench/frame_report.py FOLDER KEEP (--clip I | --pair I<-J) [--seconds 1] [--worst 12] [--csv PATH]

FOLDER holds ``raw_{i}.mp4``; KEEP is a ``tiktok_bench.py --keep`` folder holding the result (``puppet_{i}.mp4``,
or ``puppet_{i}_moved_by_{j}.mp4`` for a pair) and the reference's track it saved (``raw_{j}.track.npy``; tracked
and saved there when missing). The result's own track is kept beside it (``<result>.track.npy``, tracked again
when the result is newer). Scored as ``puppet_bench.score_pair`` scores, at its best lag, but every frame:

- per second of the clip: the mean motion error, its share of the clip's error, the bone costing most there, and
  SSIM at 256 of ours and of frame 0 held still (the margin the bench's target is about);
- the worst frames: each scored bone's error and which elbows and wrists the pose model saw (visibility > 0.5,
  ``LE LW RE RW``) on the reference and on ours: a forearm scored in a frame where the video shows none is the
  pose model's guess on both sides (TikTok clip 5: stubs folded into the frame's bottom edge).

``tiktok_bench.py --per-bone`` gives the clip's totals; this says when. Asserts nothing; for looking.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from puppet_bench import (
    BONE_NAMES,
    bone_errors,
    metric_track,
    motion_error,
    read_frames,
)

ARM_JOINTS = {"LE": 13, "LW": 15, "RE": 14, "RW": 16}  # MediaPipe's elbows and wrists (the person's left, right)
SEEN = 0.5  # the scoring's visibility threshold


def cached_track(video: Path, saved: Path) -> np.ndarray:
    """``metric_track`` of ``video``, kept in ``saved`` (tracked again when the video is newer)."""
    if not saved.exists() or saved.stat().st_mtime < video.stat().st_mtime:
        np.save(saved, metric_track(video))
    return np.load(saved)


def ssim_per_frame(ref: list[np.ndarray], out: list[np.ndarray], lag: int) -> np.ndarray:
    """[T] SSIM at 256x256 of ``out[t + lag]`` against ``ref[t]`` (NaN where ``out`` has no such frame)."""
    import cv2
    from skimage.metrics import structural_similarity

    def prep(f):
        return cv2.resize(f, (256, 256), interpolation=cv2.INTER_AREA)

    scores = np.full(len(ref), np.nan)
    for t in range(len(ref)):
        if 0 <= t + lag < len(out):
            scores[t] = structural_similarity(prep(ref[t]), prep(out[t + lag]), channel_axis=2, data_range=255)
    return scores


def seen(track: np.ndarray, t: int) -> str:
    return "".join("1" if np.isfinite(track[t, j, 2]) and track[t, j, 2] > SEEN else "." for j in ARM_JOINTS.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="the tiktok folder (raw_i.mp4)")
    ap.add_argument("keep", type=Path, help="a tiktok_bench.py --keep folder")
    who = ap.add_mutually_exclusive_group(required=True)
    who.add_argument("--clip", type=int, help="self-reenactment of this clip")
    who.add_argument("--pair", metavar="I<-J", help="character of clip I driven by clip J")
    ap.add_argument("--seconds", type=float, default=1.0, help="length of the time segments summed")
    ap.add_argument("--worst", type=int, default=12, help="how many of the worst frames to list")
    ap.add_argument("--csv", type=Path, help="also write the per-frame figures here")
    args = ap.parse_args(argv)
    if args.pair:
        i, j = (int(c) for c in args.pair.split("<-"))
        result = args.keep / f"puppet_{i}_moved_by_{j}.mp4"
    else:
        i = j = args.clip
        result = args.keep / f"puppet_{i}.mp4"
    raw = args.folder / f"raw_{j}.mp4"
    for path in (raw, result):
        if not path.exists():
            print(f"missing {path}", file=sys.stderr)
            return 2
    ref_track = cached_track(raw, args.keep / f"raw_{j}.track.npy")
    out_track = cached_track(result, result.with_suffix(".track.npy"))
    err, lag = motion_error(ref_track, out_track)
    d = bone_errors(ref_track, out_track, lag)  # [T', bones] over reference frames t0 .. t0 + T'
    t0 = max(0, -lag)
    with np.errstate(all="ignore"):
        per_frame = np.full(len(ref_track), np.nan)
        per_frame[t0:t0 + len(d)] = np.nanmean(d, axis=1)
    bones = np.full((len(ref_track), len(BONE_NAMES)), np.nan)
    bones[t0:t0 + len(d)] = d
    ref_frames, out_frames = read_frames(raw), read_frames(result)
    ours = ssim_per_frame(ref_frames, out_frames, lag)
    still = ssim_per_frame(ref_frames, [ref_frames[0]] * len(ref_frames), 0)
    from motion_transfer.media.probe import probe

    fps = probe(raw).fps
    total = float(np.nansum(per_frame))
    print(f"{result.name} against {raw.name}: motion error {err:.2f} deg at lag {lag}; SSIM every frame "
          f"{np.nanmean(ours):.3f}, frame 0 held still {np.nanmean(still):.3f}")
    print("   frames      deg  share  costliest bone          SSIM  still  margin")
    step = max(1, round(args.seconds * fps))
    for a in range(0, len(ref_track), step):
        sl = slice(a, min(len(ref_track), a + step))
        with np.errstate(all="ignore"):
            deg = float(np.nanmean(per_frame[sl]))
            bone_sum = np.nansum(bones[sl], axis=0)
        k = int(np.argmax(bone_sum))
        share = float(np.nansum(per_frame[sl])) / total if total > 0 else 0.0
        print(f"  {a:3d}-{sl.stop - 1:3d}  {deg:6.1f}  {100 * share:4.0f}%  {BONE_NAMES[k]:12s} "
              f"{np.nanmean(bones[sl, k]) if np.isfinite(bones[sl, k]).any() else float('nan'):5.1f}   "
              f"{np.nanmean(ours[sl]):.3f}  {np.nanmean(still[sl]):.3f}  {np.nanmean(ours[sl] - still[sl]):+.3f}")
    order = [t for t in np.argsort(-np.nan_to_num(per_frame, nan=-1.0))[:args.worst] if np.isfinite(per_frame[t])]
    print(f"worst frames (seen {' '.join(ARM_JOINTS)}: reference / ours at lag {lag}):")
    for t in order:
        cells = "  ".join(f"{BONE_NAMES[k]} {bones[t, k]:.0f}" for k in range(len(BONE_NAMES))
                          if np.isfinite(bones[t, k]))
        ot = t + lag if 0 <= t + lag < len(out_track) else t
        print(f"  {t:3d}: {per_frame[t]:5.1f} deg  seen {seen(ref_track, t)} / {seen(out_track, ot)}  "
              f"SSIM {ours[t]:.3f}  {cells}")
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["frame", "deg", *BONE_NAMES, "ssim", "still_ssim", "ref_seen", "ours_seen"])
            for t in range(len(ref_track)):
                ot = t + lag if 0 <= t + lag < len(out_track) else t
                w.writerow([t, round(float(per_frame[t]), 2), *(round(float(v), 2) for v in bones[t]),
                            round(float(ours[t]), 4), round(float(still[t]), 4), seen(ref_track, t),
                            seen(out_track, ot)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

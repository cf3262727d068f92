"""Puppet engine on real footage: self-reenactment of the six TikTok clips MimicMotion's authors published.

    python bench/tiktok_bench.py FOLDER [--tier std|pro] [--peers] [--keep DIR] [--clips 0,1,2] [--cross]
                                        [--sheets DIR] [--frames N] [--per-bone]
                                        [--pairs 0<-1,5<-0]

FOLDER holds ``raw_{0..5}.mp4`` (and the peers' ``ours_i``, ``moore_i``, ``musev_i``, ``magic_dance_i``); see its
README.md. For each clip, frame 0 is the character image and the whole clip the motion; the result is scored
against the clip itself the way that README says (``puppet_bench.score_pair``): motion error (bone angles of
MediaPipe Pose on both, degrees), SSIM and PSNR at 256x256 every 5th frame, best lag -2..2. ``--peers`` scores
the published systems with the same code, so the figures are comparable. ``--cross`` also drives the character of
clip i with the motion of clip i+1 (the real use: someone else's dance) and scores the motion error against clip
i+1; ``--pairs I<-J,...`` runs only those cross pairs (character of clip I, motion of clip J), no
self-reenactment. ``--sheets DIR`` writes a contact sheet per result (8 frames, the reference above ours) to look at;
``--frames N`` cuts every clip to its first N frames (quick iterations). ``--per-bone`` says where the motion
error comes from: per bone its mean error and share, the worst frames, and the same for the retargeted skeleton
itself (the joints the engine meant to draw, scored against the reference without rendering and re-detecting:
what retargeting costs, apart from what drawing costs), and the error over the bones drawn inside the picture
(MediaPipe guesses a limb the frame cuts off: clip 5's forearms below its half-length portrait), and without the
bones the reference's track misreads for a frame or three (clip 0's right wrist at frames 18-20, which the
engine's own clean-up takes out: the headline figure still charges a result that follows the video there), and
over the bones the reference shows inside its own frame (clip 1's right hand is below its bottom edge on most
frames: MediaPipe guesses it there as well, and pair 0<-1 is scored against that guess).
Targets: motion error < 5 degrees, SSIM > 0.74 (MimicMotion, a GPU diffusion model: 3.3 degrees, 0.738). Never
needed by the tests.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from puppet_bench import first_frame, metric_track, motion_error, per_bone, read_frames, run_engine, score_pair

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


@contextmanager
def captured_motion(box: dict):
    """Keep the retargeted ``Motion`` the puppet engine draws (``box["motion"]``): a look inside for the
    per-bone breakdown, without changing what the engine does."""
    from motion_transfer.engines.puppet import engine

    draw = engine.render_video

    def keep(request, rig, motion, *args, **kwargs):
        box["motion"] = motion
        return draw(request, rig, motion, *args, **kwargs)

    engine.render_video = keep
    try:
        yield box
    finally:
        engine.render_video = draw


def skeleton_track(motion, long_side: int = 512) -> np.ndarray:
    """The retargeted joints as a ``metric_track`` would read them: [T, 33, 3] in the 512-px frame, with the
    actor's visibility."""
    s = long_side / max(motion.out_w, motion.out_h)
    return np.concatenate([motion.joints[:, :33] * s, motion.visibility[:, :33, None]], axis=2).astype(np.float32)


def drawn_inside(motion) -> np.ndarray:
    """[T, 33] whether the engine drew each joint inside the output frame."""
    xy = motion.joints[:, :33]
    return (xy[..., 0] >= 0) & (xy[..., 0] < motion.out_w) & (xy[..., 1] >= 0) & (xy[..., 1] < motion.out_h)


def misread_joints(track: np.ndarray, video: Path) -> np.ndarray:
    """[T, 33] the joints of a ``metric_track`` that the engine's own clean-up (``pose.spikes``) takes for the
    tracker's misreads: the scorer keeps them (the README's protocol), so they are reported apart."""
    import av

    from motion_transfer.pose.spikes import spike_frames

    with av.open(str(video)) as c:
        fps = float(c.streams.video[0].average_rate or 30)
    body = np.concatenate([track[..., :2], np.zeros_like(track[..., :1]), track[..., 2:3]], axis=2)
    return spike_frames(body, fps)


def engine_options(pairs: list[str]) -> dict:
    """``KEY=VALUE`` strings as engine options (``true``/``false`` as booleans, numbers as numbers)."""
    options = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        low = value.lower()
        if low in ("true", "false"):
            options[key] = low == "true"
        else:
            try:
                options[key] = float(value)
            except ValueError:
                options[key] = value
    return options


def print_bones(label: str, breakdown: dict) -> None:
    bones = breakdown["bones"]
    cells = "  ".join(f"{n} {b['deg'] if b['deg'] is not None else '-'}({round(100 * b['share'])}%)"
                      for n, b in bones.items())
    worst = ", ".join(f"{w['frame']}: {w['deg']} ({w['bone']} {w['bone_deg']})" for w in breakdown["worst_frames"])
    inside = breakdown.get("in_frame")
    drawn = (f"\n    bones drawn inside the picture: {inside['deg']} deg ({round(100 * inside['dropped'])}% of the"
             " scored bone-frames have an end off it)") if inside else ""
    shown = breakdown.get("ref_shown")
    whole = (f"\n    bones the reference shows inside its own frame: {shown['deg']} deg"
             f" ({round(100 * shown['dropped'])}% of the scored bone-frames have an end off it)") if shown else ""
    apart = breakdown.get("misreads_apart")
    misread = (f"\n    the reference's misreads set apart: {apart['deg']} deg ({round(100 * apart['dropped'], 1)}% of"
               " the scored bone-frames)") if apart else ""
    print(f"  {label}: {cells}\n    worst frames: {worst}{drawn}{whole}{misread}", flush=True)


def run_one(image: Path, motion_video: Path, out: Path, ref_track: np.ndarray, args) -> tuple[dict, dict]:
    """The engine on ``image`` driven by ``motion_video``, scored against it (and broken down per bone, with the
    bones inside the picture and the reference's misreads apart)."""
    box: dict = {}
    t = time.perf_counter()
    with captured_motion(box):
        res = run_engine(image, motion_video, out, tier=args.tier, orientation=args.orientation,
                         **engine_options(args.option))
    wall = time.perf_counter() - t
    inside = drawn_inside(box["motion"]) if args.per_bone else None
    misread = misread_joints(ref_track, motion_video) if args.per_bone else None
    row = {**score_pair(motion_video, out, bones=args.per_bone, ref_track=ref_track, inside=inside,
                        misread=misread),
           "wall_s": round(wall, 1),
           "frames": res["frames"], "timings": res["timings"]}
    if args.per_bone:
        skel = skeleton_track(box["motion"])
        err, lag = motion_error(ref_track, skel)
        row["skeleton"] = {"motion_err_deg": round(err, 2), **per_bone(ref_track, skel, lag, misread=misread)}
    return row, res


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
    ap.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                    help="an engine option (repeatable; true/false and numbers are converted), e.g. face=false")
    ap.add_argument("--per-bone", action="store_true",
                    help="break the motion error down per bone and frame, for the result and its skeleton")
    ap.add_argument("--pairs", default="", metavar="I<-J,...",
                    help="run only these cross pairs (character of clip I, motion of clip J), e.g. 0<-1,5<-0")
    args = ap.parse_args(argv)
    pairs = [tuple(int(c) for c in p.split("<-")) for p in args.pairs.split(",") if p]
    clips = [] if pairs else [int(c) for c in args.clips.split(",")]
    if args.cross:
        pairs += [(i, (i + 1) % 6) for i in clips]
    work = args.keep or Path(tempfile.mkdtemp(prefix="tiktok-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    raws = {}
    for i in sorted(set(clips) | {k for p in pairs for k in p}):
        raws[i] = args.folder / f"raw_{i}.mp4"
        if not raws[i].exists():
            print(f"missing {raws[i]}", file=sys.stderr)
            return 2
        if args.frames:
            raws[i] = cut(raws[i], work / f"raw_{i}_first{args.frames}.mp4", args.frames)
    refs: dict[int, np.ndarray] = {}

    def ref_track(i: int) -> np.ndarray:
        # kept beside the results: a clip's reference is tracked once per --keep folder, not once per run
        if i not in refs:
            saved = work / f"{raws[i].stem}.track.npy"
            if not saved.exists():
                np.save(saved, metric_track(raws[i]))
            refs[i] = np.load(saved)
        return refs[i]

    def show(row: dict) -> None:
        bones, skel = row.pop("per_bone", None), row.pop("skeleton", None)
        print(json.dumps(row), flush=True)
        if bones is not None:
            print_bones(f"result, lag {bones['lag']}", bones)
        if skel is not None:
            print_bones(f"skeleton {skel['motion_err_deg']} deg, lag {skel['lag']}", skel)

    def character(i: int) -> Path:
        image = work / f"raw_{i}_frame0.png"
        if not image.exists():
            first_frame(raws[i], image)
        return image

    def run_pair(i: int, j: int) -> None:
        out = work / f"puppet_{i}_moved_by_{j}.mp4"
        scored, _ = run_one(character(i), raws[j], out, ref_track(j), args)
        crow = {"clip": f"{i}<-{j}", "system": "puppet cross",
                **{k: v for k, v in scored.items() if k not in ("wall_s", "frames", "timings")}}
        rows.append(crow)
        show(crow)
        if args.sheets:
            contact_sheet(raws[j], out, args.sheets / f"clip{i}_moved_by_{j}.png")

    for i in clips:
        raw = raws[i]
        out = work / f"puppet_{i}.mp4"
        scored, _ = run_one(character(i), raw, out, ref_track(i), args)
        row = {"clip": i, "system": "puppet", **scored}
        rows.append(row)
        show(row)
        if args.sheets:
            contact_sheet(raw, out, args.sheets / f"clip{i}.png")
        if args.cross:
            run_pair(i, (i + 1) % 6)
        if args.peers:
            for key, name in PEERS.items():
                peer = args.folder / f"{key}_{i}.mp4"
                if peer.exists():
                    prow = {"clip": i, "system": name, **score_pair(raw, peer)}
                    rows.append(prow)
                    print(json.dumps(prow), flush=True)
    if not clips:
        for i, j in pairs:
            run_pair(i, j)
    print("\n# mean over " + ("clips " + ",".join(map(str, clips)) if clips else
                            "pairs " + ",".join(f"{i}<-{j}" for i, j in pairs)))
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

"""Half-length pictures, the framing users give most (a selfie, a portrait cut at the waist), driven by a dance.

    python bench/halflength_bench.py TIKTOK_FOLDER OUT_DIR [--keep 0.6] [--seconds 4] [--chars 0,1,2,3,4,5]
                                     [--motion 0] [--no-mannequin]

Each character is frame 0 of a TikTok clip (``raw_i.mp4``) cut to the top ``--keep`` share of its height: no
hips or legs, often the elbows or hands cut by the border. Each is driven by the first ``--seconds`` of clip
``--motion`` and by a generated mannequin dance (``motion_transfer.samples.mannequin``; ``--no-mannequin`` skips
it). Per run it prints:

- whether the character was rigged, or the refusal a user would read;
- the findings the engine added (which parts the picture does not hold, what was drawn from a twin or a sleeve);
- the motion error over the bones drawn inside the picture, against the motion (MediaPipe Pose on both, as
  ``tiktok_bench``): legs and hips are kept out of view by the framing, so only what is drawn is scored;
- the head at the border: the share of frames where a face point is drawn within ``EDGE`` of the frame's width
  of its edge or beyond it (a face cut by the border is what a user notices first);

and writes a contact sheet per run (the motion above, ours below) to OUT_DIR, to look at: slivers at a cut
strap, blocks where the picture ended, a face pressed to the border. Prints figures; asserts nothing. Six
characters over two motions of 4 s take about 6 minutes on two cores.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from puppet_bench import metric_track, read_frames, run_engine, score_pair
from tiktok_bench import captured_motion, contact_sheet, cut, drawn_inside

EDGE = 0.02  # a face point this near the frame's edge (share of its width) touches it
FACE_POINTS = slice(0, 11)  # MediaPipe Pose's nose, eyes, ears and mouth


def half_picture(clip: Path, keep: float, out: Path) -> Path:
    """Frame 0 of ``clip`` cut to the top ``keep`` share of its height."""
    from PIL import Image

    frame = read_frames(clip)[0]
    Image.fromarray(frame[:max(1, round(frame.shape[0] * keep))]).save(out)
    return out


def head_at_border(motion) -> float:
    """Share of frames where a face point is drawn near or beyond the output frame's edge."""
    xy = motion.joints[:, FACE_POINTS]
    m = EDGE * motion.out_w
    near = ((xy[..., 0] < m) | (xy[..., 0] > motion.out_w - m) | (xy[..., 1] < m) | (xy[..., 1] > motion.out_h - m))
    return float(near.any(axis=1).mean()) if len(xy) else 0.0


def run(image: Path, motion_video: Path, out: Path, ref_track: np.ndarray) -> dict:
    """The puppet on ``image`` driven by ``motion_video``: refusal, or findings and figures."""
    from motion_transfer.errors import MotionTransferError

    box: dict = {}
    t = time.perf_counter()
    try:
        with captured_motion(box):
            res = run_engine(image, motion_video, out)
    except MotionTransferError as exc:
        return {"refused": str(exc)}
    scores = score_pair(motion_video, out, bones=True, ref_track=ref_track, inside=drawn_inside(box["motion"]))
    return {"wall_s": round(time.perf_counter() - t, 1),
            "findings": sorted({f.get("code", "?") for f in res["findings"] if isinstance(f, dict)}),
            "motion_err_deg": scores["motion_err_deg"],
            "inside_deg": scores["per_bone"]["in_frame"]["deg"],
            "off_picture": scores["per_bone"]["in_frame"]["dropped"],
            "head_at_border": round(head_at_border(box["motion"]), 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tiktok", type=Path, help="the folder with raw_0.mp4 .. raw_5.mp4")
    ap.add_argument("out", type=Path, help="folder for the pictures, videos and contact sheets")
    ap.add_argument("--keep", type=float, default=0.6, help="share of the frame's height kept from the top")
    ap.add_argument("--seconds", type=float, default=4.0, help="length of each motion")
    ap.add_argument("--chars", default="0,1,2,3,4,5", help="which clips' frame 0 to cut")
    ap.add_argument("--motion", type=int, default=0, help="which clip drives them")
    ap.add_argument("--no-mannequin", action="store_true", help="skip the generated mannequin dance")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from motion_transfer.media.probe import probe
    from motion_transfer.samples.mannequin import make_clip

    clip = args.tiktok / f"raw_{args.motion}.mp4"
    frames = max(5, round(args.seconds * (probe(clip).fps or 30.0)))
    motions = {f"clip{args.motion}": cut(clip, args.out / f"motion_clip{args.motion}.mp4", frames)}
    if not args.no_mannequin:
        dance = args.out / "motion_dance.mp4"
        make_clip(dance, "dance", seconds=args.seconds, fps=30, size=(480, 640), style="person")
        motions["dance"] = dance
    tracks = {name: metric_track(path) for name, path in motions.items()}

    rows = []
    for i in [int(c) for c in args.chars.split(",")]:
        image = half_picture(args.tiktok / f"raw_{i}.mp4", args.keep, args.out / f"char{i}_top{round(100 * args.keep)}.png")
        for name, video in motions.items():
            out = args.out / f"char{i}_{name}.mp4"
            row = {"char": i, "motion": name, **run(image, video, out, tracks[name])}
            if "refused" not in row:
                contact_sheet(video, out, args.out / f"char{i}_{name}.png")
            rows.append(row)
            print(json.dumps(row), flush=True)

    done = [r for r in rows if "refused" not in r]
    print(f"\nhalf-length ({round(100 * args.keep)}% of the height kept): {len(done)} of {len(rows)} runs rigged")
    if done:
        print(f"  motion error over the bones drawn inside: {np.nanmean([r['inside_deg'] or np.nan for r in done]):.2f}"
              f" deg (all bones, as MediaPipe guesses the cut ones: {np.mean([r['motion_err_deg'] for r in done]):.2f})")
        print(f"  head at the border in {100 * np.mean([r['head_at_border'] for r in done]):.1f}% of the frames; "
              f"contact sheets in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

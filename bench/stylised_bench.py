"""Stylised characters (not photographed people): are they rigged, and do their extra parts move with them?

    python bench/stylised_bench.py OUT_DIR [--tiktok ../shared/data/tiktok] [--seconds 4] [--quick]

For each generated stylised character (``motion_transfer.samples.stylised``: a 3D cartoon girl with a bun and a
cape, a cel-shaded fox with a tail and ears, a robot boxer on a busy background, a flat teddy bear on a wall and a
floor that no pose model reads) and for skimage's pictures:

1. skeleton search: how the figure was found and, for the generated characters, the error of the head,
   shoulders, hips and wrists against the ground truth (in units of standing height);
2. extra parts (tail, bun, cape, ears, antenna): the share of their pixels in the matte (so not left in the
   filled background) and the parts their pixels were given to (one part: they move whole, with its bone);
3. a mannequin dance (and, with ``--tiktok``, the first 4 s of ``magic_dance_0.mp4``) rendered with each character;
   a contact sheet per video is written to OUT_DIR to look at (fragments? a tail left behind? a warped head?).

Then (not ``--quick``) two photographs of people that pip packages ship (skimage's astronaut, matplotlib's
Grace Hopper) are rendered with the same motions, a contact sheet each.

Prints figures; asserts nothing. ``--quick`` renders 3 s and skips the skimage pictures and the photographs.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

KEY_JOINTS = ("nose", "left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_wrist", "right_wrist")


def joint_errors(found: np.ndarray, truth) -> dict[str, float]:
    from motion_transfer.pose.skeleton import J

    return {k: float(np.linalg.norm(found[J[k]] - truth.joints[J[k], :2]) / truth.scale) for k in KEY_JOINTS
            if truth.in_frame[J[k]]}


def contact_sheet(video: Path, path: Path, n: int = 8, height: int = 300) -> None:
    import cv2

    from motion_transfer.media.frames import iter_frames
    from motion_transfer.media.probe import probe

    total = max(1, probe(video).frame_count or 1)
    picks = set(np.linspace(0, total - 1, n).round().astype(int).tolist())
    tiles = []
    for i, frame in enumerate(iter_frames(video)):
        if i in picks:
            tiles.append(cv2.resize(frame, (round(frame.shape[1] * height / frame.shape[0]), height),
                                    interpolation=cv2.INTER_AREA))
    cv2.imwrite(str(path), cv2.cvtColor(np.concatenate(tiles, axis=1), cv2.COLOR_RGB2BGR))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder for the characters, videos and contact sheets")
    ap.add_argument("--tiktok", type=Path, help="the tiktok data folder: also drive each character with a real clip")
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)

    from motion_transfer import transfer
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.engines.puppet.model import PARTS
    from motion_transfer.pose.figure import find_figure
    from motion_transfer.samples import make_clip
    from motion_transfer.samples.stylised import CHARACTERS, make_stylised

    args.out.mkdir(parents=True, exist_ok=True)
    seconds = 3.0 if args.quick else args.seconds
    dance = args.out / "dance.mp4"
    clip = make_clip(dance, "dance", seconds=seconds, size=(640, 480), style="person", background="gradient")
    motions = [("dance", dance, clip.to_track())]
    if args.tiktok:
        from motion_transfer.media.probe import probe
        from tiktok_bench import cut

        source = args.tiktok / "magic_dance_0.mp4"
        real = cut(source, args.out / "tiktok0.mp4", round(seconds * (probe(source).fps or 30.0)))
        motions.append(("tiktok0", real, None))

    print("== skeleton search and extra parts")
    for name in CHARACTERS:
        c = make_stylised(name, path=args.out / f"{name}.png")
        t0 = time.perf_counter()
        figure = find_figure(c.image)
        t_find = time.perf_counter() - t0
        if figure is None:
            print(f"{name:14s} no figure found ({t_find:.1f} s)")
            continue
        err = joint_errors(figure.joints, c)
        worst = max(err, key=err.get)
        print(f"{name:14s} {figure.method:42s} worst joint {worst} {err[worst]:.3f} of height; "
              f"mean {np.mean(list(err.values())):.3f} ({t_find:.1f} s)")
        rig = rig_character(c.image, figure=figure)
        for extra in c.extras:
            m = c.mask(extra)
            labels = rig.labels[m]
            share = np.bincount(labels[labels >= 0], minlength=len(PARTS)) / max(int((labels >= 0).sum()), 1)
            parts = ", ".join(f"{PARTS[i]} {share[i]:.0%}" for i in np.argsort(-share) if share[i] >= 0.01)
            print(f"    {extra:8s} in matte {float((rig.matte[m] > 0.5).mean()):.2f}, given to {parts}")
        for mname, video, track in motions:
            out = args.out / f"{name}_{mname}.mp4"
            t0 = time.perf_counter()
            opts = {"pose_track": track} if track is not None else {}
            transfer(args.out / f"{name}.png", video, out, **opts)
            contact_sheet(out, args.out / f"{name}_{mname}.png")
            print(f"    {mname}: {out.name} in {time.perf_counter() - t0:.1f} s, sheet {name}_{mname}.png")
    if not args.quick:
        import skimage.data as sd

        print("== skimage pictures")
        for name in ("astronaut", "chelsea", "coffee", "rocket", "cat"):
            t0 = time.perf_counter()
            figure = find_figure(getattr(sd, name)())
            print(f"{name:14s} {figure.method if figure else 'no figure'} ({time.perf_counter() - t0:.1f} s)")
        print("== photographs shipped with the packages, rendered (props and a flag beside a spacesuit; a portrait)")
        for name, path in photographs(args.out):
            for mname, video, track in motions:
                out = args.out / f"{name}_{mname}.mp4"
                t0 = time.perf_counter()
                transfer(path, video, out, **({"pose_track": track} if track is not None else {}))
                contact_sheet(out, args.out / f"{name}_{mname}.png")
                print(f"    {name} {mname}: {out.name} in {time.perf_counter() - t0:.1f} s, sheet {name}_{mname}.png")
    return 0


def photographs(folder: Path) -> list[tuple[str, Path]]:
    """People photographed, as pip packages ship them (written to ``folder``): skimage's astronaut (a flag behind
    her shoulder, a helmet over her arm, a suit's sleeves of its body's cloth) and matplotlib's portrait of Grace
    Hopper (arms below the picture, a name tag and ribbons on a jacket of its sleeves' cloth)."""
    import cv2
    import skimage.data as sd

    out = [("astronaut", sd.astronaut())]
    try:
        from matplotlib import cbook

        with cbook.get_sample_data("grace_hopper.jpg") as f:
            out.append(("grace_hopper", cv2.cvtColor(cv2.imdecode(np.frombuffer(f.read(), np.uint8),
                                                                  cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)))
    except (ImportError, OSError):
        pass
    paths = []
    for name, rgb in out:
        path = folder / f"{name}.png"
        cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        paths.append((name, path))
    return paths


if __name__ == "__main__":
    sys.exit(main())

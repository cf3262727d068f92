"""Drawing benchmark: CPU seconds per frame of the puppet's drawing alone, on the speed bench's jobs.

    python bench/draw_bench.py FOLDER [--src OTHER/src] [--which std|second|both] [--image PNG] [--repeat R]
                               [--profile N]

Makes (once, in FOLDER) the speed bench's 10 s, 30 fps, 720p dance and its two characters, then runs the puppet
engine on each character as a user's run would (the motion cache in FOLDER), except that the frames are drawn on
this thread by one painter and not encoded: per frame the face's and fingers' warps and the layers' drawing are
timed in thread CPU seconds, the least of ``--repeat`` passes over the clip (each with fresh copies of the
animators; on a loaded machine the least is the steadiest figure). Prints those figures and the md5 of all frames drawn, so two trees (``--src``, e.g.
main's) can be shown to draw the same bytes. ``--profile N`` prints cProfile's N costliest functions of the
drawing. ``--image`` draws a character of one's own over the dance instead (a TikTok character whose arms the
image's border cuts: the hands the rig draws cost more to draw). Asserts nothing.
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import sys
import time
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--src", default=SRC, help="the package's src folder (default this tree's)")
    ap.add_argument("--which", choices=("std", "second", "both"), default="both")
    ap.add_argument("--image", type=Path, action="append", default=[],
                    help="draw this character over the dance instead (repeatable; e.g. one whose arms the image's "
                         "border cuts, whose hands the rig draws)")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the clip (default 3)")
    ap.add_argument("--profile", type=int, default=0)
    ap.add_argument("--motion-blur", type=float, default=0.0,
                    help="the painters' exposure (the engine's motion_blur; default 0, sharp; pro's: 0.5)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(args.src).resolve()))
    import os

    import numpy as np

    args.folder.mkdir(parents=True, exist_ok=True)
    os.environ["MOTION_TRANSFER_CACHE_DIR"] = str(args.folder / "cache")
    from motion_transfer import transfer
    from motion_transfer.engines.puppet import engine
    from motion_transfer.engines.puppet.background import backgrounds
    from motion_transfer.samples import make_character, make_clip

    video = args.folder / "motion.mp4"
    first, second = args.folder / "character.png", args.folder / "character2.png"
    if not video.exists():
        make_clip(video, "dance", seconds=10.0, fps=30, size=(1280, 720), audio=True)
        make_character(first, size=(720, 960), style="character")
        make_character(second, size=(720, 960), style="person", pose="t-pose")
    print(f"# package: {engine.__file__}")

    def one_pass(rig, motion, background, face, hands, out_w, out_h, profiler) -> tuple[float, float, str]:
        """The drawing's and the warps' CPU seconds over the clip, and the md5 of all its frames."""
        blur = {"exposure": args.motion_blur} if args.motion_blur else {}  # (older trees: --src, no blur)
        painter = engine._Painter(rig, face, hands, out_w, out_h, copy_textures=True, **blur)
        planner = painter.renderer
        n = len(motion)
        canvas = np.empty((out_h, out_w, 3), np.uint8)
        digest = hashlib.md5()
        bgs = backgrounds(background, rig.background, out_w, out_h, motion.fps, motion.camera)
        animate = total = 0.0
        for start in range(0, n, engine.POSE_BLOCK):
            block = slice(start, min(n, start + engine.POSE_BLOCK))
            head_scale = None if motion.head_scale is None else motion.head_scale[block]
            posed = (planner.pose_motion(motion, block) if hasattr(planner, "pose_motion")  # (older trees: --src)
                     else planner.pose(motion.joints[block], motion.width_scale[block], motion.head_angle[block],
                                       head_scale))
            orders = planner.layer_orders(motion.joints[block], motion.depth[block], motion.visibility[block])
            for i in range(block.start, block.stop):
                bg = next(bgs)
                if profiler:
                    profiler.enable()
                t = time.thread_time()
                _, spent = painter.draw(canvas, bg, motion, i, orders[i - start], posed[i - start])
                total += time.thread_time() - t
                if profiler:
                    profiler.disable()
                animate += spent
                digest.update(canvas.tobytes())
        return total, animate, digest.hexdigest()

    def draw_only(request, rig, motion, track, out_w, out_h, progress=None, *, face=None, hands=None, **_):
        profiler = cProfile.Profile() if args.profile else None
        passes = [one_pass(rig, motion, request.background, face, hands, out_w, out_h, profiler)
                  for _ in range(max(1, args.repeat))]
        total, animate, md5 = min(passes)
        n = len(motion)
        same = "" if len({p[2] for p in passes}) == 1 else "  PASSES DIFFER"
        print(f"{Path(request.image).name}: {n} frames {out_w}x{out_h}  drawing {1000 * total / n:.2f} CPU-ms/frame "
              f"(warps {1000 * animate / n:.2f}, layers {1000 * (total - animate) / n:.2f}; least of {len(passes)}: "
              f"{' '.join(f'{1000 * p[0] / n:.2f}' for p in passes)})  md5 {md5}{same}")
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
        return {"encode": 0.0, "encoder_busy": 0.0, "has_audio": False, "animate": animate}

    engine.render_video = draw_only
    jobs = {image.stem: image for image in args.image} or {"std": first, "second": second}
    for name, image in jobs.items():
        if args.image or args.which in (name, "both"):
            transfer(image, video, args.folder / f"{name}.mp4", tier="std")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

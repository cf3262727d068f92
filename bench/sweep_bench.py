"""Robustness sweep: the whole job, as a user runs it, on many small generated character/motion pairs.

    python bench/sweep_bench.py FOLDER [--src OTHER/src] [--quick] [--odd]

Characters are frame 0 of generated clips: every mannequin style x framing (full, close-up, portrait, small) x
canvas (192x192, 320x240, 240x320) x pose (dance, arms crossed, reaching); each is driven by two of four short
generated motions, once with ``orientation`` video and once image. ``--odd`` adds the awkward files users have: a
transparent cut-out, a grey picture, the figure on a canvas three times taller or wider, a 16-bit PNG, a JPEG
upscaled four times and a mirror image, of three of the characters. Every run must end in a video or in a
refusal the user can act on (a ``MotionTransferError``); anything else is a crash, printed with its traceback.
Prints a line per run and the counts; asserts nothing. Small canvases and short clips find failures in the rare
geometry of small figures (a part of a few pixels, a torso nowhere near an arm's edge) that the tests' larger
mannequins never reach. The 216 runs took 22 minutes on a two-core machine shared with other work (``--quick``:
24 runs; ``--odd`` adds 42, 4 minutes).
"""
from __future__ import annotations

import argparse
import itertools
import sys
import traceback
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")
MOTIONS = (("dance", "full", (256, 256)), ("talk", "portrait", (256, 256)), ("reach", "full", (320, 240)),
           ("cross", "closeup", (240, 320)))
CANVASES = ((192, 192), (320, 240), (240, 320))
POSES = ("dance", "cross", "reach")
ODD_BASES = (("full", (320, 240), "dance"), ("closeup", (240, 320), "cross"), ("portrait", (320, 240), "reach"))


def _frame0(clip: Path):
    from motion_transfer.media.frames import iter_frames

    return next(iter(iter_frames(clip)))


def _character(folder: Path, style: str, framing: str, size: tuple[int, int], pose: str) -> Path:
    """A generated character's image: a decoded video frame, as users' pictures often are (made once)."""
    import cv2

    from motion_transfer.samples import make_clip

    image = folder / f"c_{style}_{framing}_{size[0]}x{size[1]}_{pose}.png"
    if not image.exists():
        clip = image.with_suffix(".mp4")
        make_clip(clip, pose, seconds=0.5, fps=4, size=size, framing=framing, style=style)
        cv2.imwrite(str(image), _frame0(clip)[..., ::-1])
        clip.unlink()
    return image


def _characters(folder: Path, quick: bool) -> list[Path]:
    from motion_transfer.samples import FRAMINGS, STYLES

    grid = list(itertools.product(STYLES, FRAMINGS, CANVASES, POSES))
    return [_character(folder, *cell) for cell in (grid[::9] if quick else grid)]


def _odd(folder: Path) -> list[Path]:
    """Awkward files made from three of the characters (see the module's docstring)."""
    import cv2
    import numpy as np

    out = []
    for framing, size, pose in ODD_BASES:
        src = _character(folder, "person", framing, size, pose)
        im = cv2.imread(str(src))
        rim = np.concatenate([im[0], im[-1], im[:, 0], im[:, -1]])
        bg = np.median(rim, axis=0)
        h, w = im.shape[:2]
        cut = ((np.abs(im.astype(int) - bg).sum(axis=2) > 40) * 255).astype(np.uint8)
        tall = np.zeros((3 * h, w, 3), np.uint8)
        tall[:] = bg
        tall[h:2 * h] = im
        wide = np.zeros((h, 3 * w, 3), np.uint8)
        wide[:] = bg
        wide[:, w:2 * w] = im
        for kind, pic, ext in (("alpha", np.dstack([im, cut]), "png"),
                               ("grey", cv2.cvtColor(im, cv2.COLOR_BGR2GRAY), "png"),
                               ("tall", tall, "png"), ("wide", wide, "png"),
                               ("16bit", im.astype(np.uint16) * 257, "png"),
                               ("big", cv2.resize(im, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC), "jpg"),
                               ("mirror", np.ascontiguousarray(im[:, ::-1]), "png")):
            path = folder / f"x_{kind}_{src.stem}.{ext}"
            cv2.imwrite(str(path), pic)
            out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="where the generated inputs (kept for reruns) and outputs go")
    ap.add_argument("--src", default=SRC, help="the package's src folder (default this tree's)")
    ap.add_argument("--quick", action="store_true", help="every ninth character only")
    ap.add_argument("--odd", action="store_true", help="also awkward image files (see the docstring)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(args.src).resolve()))
    from motion_transfer import transfer
    from motion_transfer.errors import MotionTransferError
    from motion_transfer.samples import make_clip

    args.folder.mkdir(parents=True, exist_ok=True)
    motions = []
    for name, framing, size in MOTIONS:  # 3.2 s: the shortest motion the rules accept is 3 s
        path = args.folder / f"m_{name}_{framing}.mp4"
        if not path.exists():
            make_clip(path, name, seconds=3.2, fps=8, size=size, framing=framing, style="person")
        motions.append(path)
    images = _characters(args.folder, args.quick) + (_odd(args.folder) if args.odd else [])
    counts = {"ok": 0, "refused": 0, "crash": 0}
    crashes = []
    for i, image in enumerate(images):
        for k, orientation in enumerate(("video", "image")):
            video = motions[(2 * i + k) % len(motions)]
            try:
                transfer(str(image), str(video), str(args.folder / "out.mp4"), orientation=orientation)
                what = "ok"
            except MotionTransferError as exc:
                what = "refused"
                print(f"  refused: {str(exc).splitlines()[0][:160]}")
            except Exception as exc:  # the sweep's purpose: anything else is a crash, reported
                what = "crash"
                crashes.append(f"{image.name} <- {video.name} ({orientation}):\n{traceback.format_exc()}")
                print(f"  CRASH {type(exc).__name__}: {str(exc)[:160]}")
            counts[what] += 1
            print(f"{image.name} <- {video.name} ({orientation}): {what}", flush=True)
    print(f"\n{sum(counts.values())} runs: {counts['ok']} videos, {counts['refused']} refused with a reason, "
          f"{counts['crash']} crashes")
    for c in crashes:
        print("\n" + c)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

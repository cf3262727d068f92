"""wan-animate on a real GPU with the real Wan2.2-Animate weights: speed, peak GPU memory and seams, per setting.

    python bench/wan_bench.py --model-path FOLDER [--seconds 10] [--offload none model group] [--tier std]
                              [--no-vae-tiling] [--image IMG --video VID] [--keep DIR] [--json]

Inputs: the built-in sample character and a generated dance clip (or your own ``--image``/``--video``). For each
``--offload`` setting it runs the whole engine (tracking, retargeting, loading, generation, encoding) once and
prints:

- seconds of generation per second of output (the ``generate`` stage; loading is printed apart),
- peak GPU memory: ``torch.cuda.max_memory_allocated`` (what the tensors took) and ``max_memory_reserved``
  (what the allocator held), next to the engine's own estimate for that setting,
- seams: the mean absolute change between consecutive frames (0..255) at the joins between segments, against
  the median change elsewhere; a ratio near 1 means the joins are no jumpier than the rest of the clip.

Needs an NVIDIA GPU with CUDA and the ``[wan]`` extra; without a GPU it says so and exits with status 2. Prints
figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

GB = 1e9


def frame_changes(path: Path) -> np.ndarray:
    """Mean absolute difference between consecutive frames (0..255), [T-1]."""
    import av

    out, previous = [], None
    with av.open(str(path)) as c:
        for f in c.decode(video=0):
            rgb = f.to_ndarray(format="rgb24").astype(np.int16)
            if previous is not None:
                out.append(float(np.abs(rgb - previous).mean()))
            previous = rgb
    return np.array(out)


def seam_ratio(path: Path, frames: int, length: int, overlap: int) -> tuple[float, float, float]:
    """(mean change at joins, median change elsewhere, their ratio) for the engine's segment layout."""
    from motion_transfer.engines.wan_animate.segments import Segments

    seg = Segments(frames, length, overlap)
    joins = [seg.new_frames(k).start - 1 for k in range(1, seg.count)]  # change from frame j to j + 1
    changes = frame_changes(path)
    at = np.array([changes[j] for j in joins if 0 <= j < len(changes)])
    rest = np.delete(changes, [j for j in joins if 0 <= j < len(changes)])
    if len(at) == 0 or len(rest) == 0:
        return float("nan"), float("nan"), float("nan")
    base = float(np.median(rest))
    return float(at.mean()), base, float(at.mean() / max(base, 1e-6))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-path", required=True, help="Wan2.2-Animate in diffusers' layout (local folder)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the generated dance (default 10)")
    parser.add_argument("--offload", nargs="+", default=["none", "model", "group"],
                        choices=["none", "model", "group"])
    parser.add_argument("--tier", choices=["std", "pro"], default="std")
    parser.add_argument("--no-vae-tiling", dest="vae_tiling", action="store_false")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--image", help="your own character image (default: the built-in sample)")
    parser.add_argument("--video", help="your own motion video (default: a generated dance)")
    parser.add_argument("--keep", help="keep inputs and outputs in this folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    try:
        import torch
    except ImportError:
        print("torch is not installed: install the [wan] extra with a CUDA build of torch. Not run.")
        return 2
    if not torch.cuda.is_available():
        print("no CUDA GPU on this machine: wan_bench needs one. Not run.")
        return 2
    from motion_transfer.api import transfer
    from motion_transfer.samples import make_demo_inputs

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="wan-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.image and args.video:
        image, video = Path(args.image), Path(args.video)
    else:
        image, video = make_demo_inputs(folder, seconds=args.seconds, size=(1280, 720))
    rows = []
    print(f"GPU: {torch.cuda.get_device_name(0)}, {torch.cuda.mem_get_info(0)[1] / GB:.1f} GB; "
          f"input {video.name}, tier {args.tier}, VAE tiling {'on' if args.vae_tiling else 'off'}")
    for offload in args.offload:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(0)
        out = folder / f"wan_{offload}.mp4"
        options = {"model_path": args.model_path, "offload": offload, "vae_tiling": args.vae_tiling}
        if args.steps:
            options["steps"] = args.steps
        t0 = time.perf_counter()
        result = transfer(image, video, out, tier=args.tier, engine="wan-animate", **options)
        wall = time.perf_counter() - t0
        extra, timings = result.extra, result.timings
        joins, base, ratio = seam_ratio(out, result.frames, extra["segment_frames"], extra["overlap"])
        row = {"offload": offload, "frames": result.frames, "fps": result.fps, "output_seconds": result.duration,
               "size": [result.width, result.height], "generated": extra["generated_size"],
               "segments": extra["segments"], "steps": extra["steps"], "load_s": timings.get("load"),
               "generate_s": timings.get("generate"), "wall_s": round(wall, 1),
               "s_per_output_s": extra["seconds_per_output_second"],
               "peak_allocated_gb": round(torch.cuda.max_memory_allocated(0) / GB, 2),
               "peak_reserved_gb": round(torch.cuda.max_memory_reserved(0) / GB, 2),
               "estimate_gb": round((extra["estimated_gpu_bytes"] or 0) / GB, 1),
               "seam_change": round(joins, 2), "other_change": round(base, 2), "seam_ratio": round(ratio, 2)}
        rows.append(row)
        if not args.json:
            print(f"offload {offload:>5}: {row['s_per_output_s']:.1f} s per output second "
                  f"(generate {row['generate_s']:.0f} s for {row['output_seconds']:.1f} s, "
                  f"load {row['load_s']:.0f} s); "
                  f"peak GPU {row['peak_allocated_gb']:.1f} GB allocated / {row['peak_reserved_gb']:.1f} GB reserved "
                  f"(estimate {row['estimate_gb']:.1f} GB); seams {row['seam_change']:.1f} vs "
                  f"{row['other_change']:.1f} elsewhere (ratio {row['seam_ratio']:.2f})")
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

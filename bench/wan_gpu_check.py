"""wan-animate's CUDA paths end to end with random-weight pipelines: no real weights, no MediaPipe, no download.

    python bench/wan_gpu_check.py [--device cuda|cpu] [--budget SECONDS] [--only NAME ...] [--json FILE]

Cases (each prints PASS or FAIL with its traceback, so one failure hides none of the others):

- ``tiny-<offload>``: the tiny pipeline of ``tests/wan_tiny.py`` through the whole engine (retargeting, loading,
  three segments with five continuation frames, encoding with sound) with each offload setting, VAE tiling on;
  ``tiny-none-untiled`` with it off.
- ``cancel``: Cancel raised from the progress callback in segment 2: no output file, and the GPU memory the run
  still holds while the exception travels (the engine's own release) and once it has been handled.
- ``sampler=pipe``: our segment sampler against ``WanAnimatePipeline.__call__``, loaded as the engine loads it
  (bf16 on a GPU).
- ``shaped-<offload>``: Wan's own VAE and a transformer with the model's head width (``wan_shaped_pipeline``) at
  720p, one 77-frame segment: the peak memory of the right shape against the engine's estimate;
  ``shaped-long-none``: two segments (149 frames), whose peak should be the one-segment run's.

Per case: seconds (load, generate); ``torch.cuda.max_memory_allocated`` and ``max_memory_reserved`` over the
whole run and the engine's own peak (allocated, counted from after loading); the engine's estimate for that
setting, which must cover the reserved peak plus the CUDA context (measured once at the start, after a warm-up
that also makes cuBLAS's workspace, which stays for the process); GPU memory still allocated after the run; the
output's frames and size; the generated frames' NaN count and spread (random weights draw noise: NaN, black or
flat frames mean a broken path).

Without a GPU, ``--device cpu`` runs the offload-none cases in float32 (to debug this script). The tiny model
and inputs are made on the spot (random weights, a drawn mannequin with known joints as the image's pose).
Exit status: the number of failed cases.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE.parent / "tests")]

MB = 1e6
TINY = {"area": 128 * 96, "segment_frames": 13, "overlap": 5, "steps": 3}
SHAPED = {"segment_frames": 77, "overlap": 5, "steps": 2}


@dataclass
class Case:
    name: str
    model: str  # "tiny", "shaped" or "shaped-long"
    offload: str = "none"
    vae_tiling: bool = True
    kind: str = "run"  # "run", "cancel" or "sampler"


@dataclass
class Row:
    name: str
    ok: bool = False
    problems: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    error: str = ""


CASES = [Case("tiny-none", "tiny"), Case("tiny-model", "tiny", "model"), Case("tiny-group", "tiny", "group"),
         Case("tiny-none-untiled", "tiny", vae_tiling=False), Case("cancel", "tiny", kind="cancel"),
         Case("sampler=pipe", "tiny", kind="sampler"), Case("shaped-none", "shaped"),
         Case("shaped-none-untiled", "shaped", vae_tiling=False), Case("shaped-group", "shaped", "group"),
         Case("shaped-model", "shaped", "model"), Case("shaped-long-none", "shaped-long")]


# ------------------------------------------------------------------------------------------------ inputs
@dataclass
class Inputs:
    model: Path
    image: Path
    video: Path
    track: object
    report: SimpleNamespace
    options: dict
    frames: int
    size: tuple[int, int]


def make_inputs(folder: Path, model: str, device: str) -> Inputs:
    """The model folder, a character image with its known pose (as the preflight's report would hand it over),
    and a dance clip with its known track (the engine's ``pose_track`` option)."""
    from PIL import Image

    from motion_transfer.samples import character_pose, make_character, make_clip
    from wan_tiny import save_tiny, wan_shaped_pipeline

    folder.mkdir(parents=True, exist_ok=True)
    shaped, long = model.startswith("shaped"), model.endswith("long")
    save_tiny(folder / "model", wan_shaped_pipeline() if shaped else None)
    image = folder / "character.png"
    make_character(image, size=(240, 320))
    pose = character_pose("a-pose", size=(240, 320)).to_track()
    rgb = np.asarray(Image.open(image).convert("RGB")).astype(np.int16)
    pose.meta["segmentation"] = (np.abs(rgb - rgb[0, 0]).max(axis=2) > 8).astype(np.float32)
    video = folder / "dance.mp4"
    if shaped and device != "cpu":
        clip = make_clip(video, "dance", seconds=(149 if long else 77) / 30, fps=30, size=(1280, 720), audio=True)
        options = dict(SHAPED)
    elif shaped:  # the same path at a size a CPU gets through
        clip = make_clip(video, "dance", seconds=(29 if long else 17) / 8, fps=8, size=(320, 240), audio=True)
        options = {**SHAPED, "area": 64 * 48, "segment_frames": 13}
    else:
        clip = make_clip(video, "dance", seconds=3.0, fps=8, size=(320, 240), audio=True)
        options = dict(TINY)
    return Inputs(folder / "model", image, video, clip.to_track(), SimpleNamespace(image_pose=pose, findings=[]),
                  options, len(clip), clip.size)


# ---------------------------------------------------------------------------------------------- measuring
class Gpu:
    """The allocator's figures on a GPU; zeros on the CPU."""

    def __init__(self, device: str, context: int = 0) -> None:
        import torch

        self.torch, self.on, self.context = torch, device != "cpu", context

    def reset(self) -> int:
        if not self.on:
            return 0
        gc.collect()
        self.torch.cuda.empty_cache()
        self.torch.cuda.reset_peak_memory_stats()
        return int(self.torch.cuda.memory_allocated())

    def allocated(self) -> int:
        if not self.on:
            return 0
        gc.collect()
        self.torch.cuda.empty_cache()
        return int(self.torch.cuda.memory_allocated())

    def peak(self) -> int:
        return int(self.torch.cuda.max_memory_allocated()) if self.on else 0

    def reserved_peak(self) -> int:
        return int(self.torch.cuda.max_memory_reserved()) if self.on else 0


@contextmanager
def watched_sampler(stats: list):
    """Record each generated chunk's NaN count, mean and spread (0..1) on its way from the sampler."""
    from motion_transfer.engines.wan_animate import sampler

    original = sampler.sample

    def watched(*args, **kwargs):
        for chunk in original(*args, **kwargs):
            stats.append((int(np.isnan(chunk).sum()), float(np.nanmean(chunk)), float(np.nanstd(chunk))))
            yield chunk

    sampler.sample = watched
    try:
        yield
    finally:
        sampler.sample = original


def video_facts(path: Path) -> dict:
    import av

    with av.open(str(path)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
        audio = len(c.streams.audio) > 0
    stack = np.stack(frames).astype(np.float32)
    return {"frames": len(frames), "size": [stack.shape[2], stack.shape[1]], "audio": audio,
            "mean": round(float(stack.mean()), 1), "std": round(float(stack.std()), 1)}


# ------------------------------------------------------------------------------------------------- cases
def request_for(inputs: Inputs, case: Case, device: str, out: Path):
    from motion_transfer.request import Request

    options = {"model_path": str(inputs.model), "pose_track": inputs.track, "device": device,
               "offload": case.offload, "vae_tiling": case.vae_tiling, **inputs.options}
    return Request(image=inputs.image, video=inputs.video, output=out, options=options, prompt="a dancer")


def run_case(case: Case, inputs: Inputs, gpu: Gpu, device: str, folder: Path) -> Row:
    from motion_transfer.engines.wan_animate import WanAnimateEngine

    row = Row(case.name)
    req = request_for(inputs, case, device, folder / f"{case.name}.mp4")
    before = gpu.reset()
    stats: list = []
    t0 = time.perf_counter()
    engine = WanAnimateEngine()
    ready = engine.ready(req)
    with watched_sampler(stats):
        result = engine.run(req, inputs.report, None)
    wall = time.perf_counter() - t0
    del engine, ready
    after = gpu.allocated()
    estimate = result.extra["estimated_gpu_bytes"] or 0
    facts = video_facts(req.output)
    nans = sum(s[0] for s in stats)
    spread = min((s[2] for s in stats), default=0.0)
    row.figures = {"wall_s": round(wall, 2), **result.timings, "offload": result.extra["offload"],
                   "peak_mb": round(gpu.peak() / MB, 1), "reserved_peak_mb": round(gpu.reserved_peak() / MB, 1),
                   "engine_peak_mb": round((result.extra["peak_gpu_bytes"] or 0) / MB, 1),
                   "estimate_mb": round(estimate / MB, 1), "held_after_mb": round((after - before) / MB, 1),
                   "generated": result.extra["generated_size"], "segments": result.extra["segments"],
                   "nan": nans, "chunk_mean": round(float(np.mean([s[1] for s in stats])), 3),
                   "chunk_min_std": round(spread, 4), "video": facts}
    if result.extra["offload"] != case.offload:
        row.problems.append(f"offload {result.extra['offload']} instead of {case.offload}")
    if facts["frames"] != inputs.frames or result.frames != inputs.frames:
        row.problems.append(f"{facts['frames']} frames written, {inputs.frames} expected")
    if facts["size"] != [result.width, result.height]:
        row.problems.append(f"video {facts['size']} but result says {[result.width, result.height]}")
    if nans:
        row.problems.append(f"{nans} NaN values generated")
    if spread < 1e-3 or facts["std"] < 2.0:
        row.problems.append(f"flat or black frames (generated spread {spread:.4f}, video std {facts['std']})")
    if gpu.on and gpu.reserved_peak() + gpu.context > estimate:
        row.problems.append("the reserved peak plus the CUDA context is over the engine's estimate")
    if gpu.on and after - before > 1 * MB:
        row.problems.append(f"{(after - before) / MB:.1f} MB still allocated after the run")
    row.ok = not row.problems
    return row


def cancel_case(case: Case, inputs: Inputs, gpu: Gpu, device: str, folder: Path) -> Row:
    from motion_transfer.engines.wan_animate import WanAnimateEngine

    row = Row(case.name)
    req = request_for(inputs, case, device, folder / "cancelled.mp4")
    before = gpu.reset()
    seen: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        seen.append(stage)
        if stage.startswith("wan: segment 2/"):
            raise RuntimeError("cancelled")

    held_while_raising = None
    try:
        WanAnimateEngine().run(req, inputs.report, progress)
        row.problems.append("the run was not cancelled")
    except RuntimeError as exc:
        if str(exc) != "cancelled":
            raise
        held_while_raising = gpu.allocated() - before
    held_after = gpu.allocated() - before
    row.figures = {"held_while_raising_mb": round((held_while_raising or 0) / MB, 1),
                   "held_after_mb": round(held_after / MB, 1), "last_stage": seen[-1] if seen else None}
    if req.output.exists():
        row.problems.append("an output file was left")
    if any(s.startswith("wan: segment 3/") for s in seen):
        row.problems.append("sampling went on after the cancel")
    if gpu.on and (held_while_raising or 0) > 1 * MB:
        row.problems.append("the engine still holds GPU memory while the cancel propagates")
    if gpu.on and held_after > 1 * MB:
        row.problems.append("GPU memory still held after the cancel was handled")
    row.ok = not row.problems
    return row


def sampler_case(case: Case, inputs: Inputs, gpu: Gpu, device: str, folder: Path) -> Row:
    """Our segment sampler against the pipeline's own ``__call__``, both on the device as the engine loads it."""
    import torch
    from PIL import Image

    from motion_transfer.engines.wan_animate.gpu import load_pipeline
    from motion_transfer.engines.wan_animate.sampler import SegmentInputs, sample
    from motion_transfer.engines.wan_animate.segments import Segments
    from motion_transfer.engines.wan_animate.settings import WanSettings
    from motion_transfer.engines.wan_animate.weights import check_folder
    from wan_tiny import FACE_SIZE

    row = Row(case.name)
    settings = WanSettings.from_options({"device": device, "offload": "none"})
    pipe = load_pipeline(check_folder(inputs.model), settings, "none")
    rng = np.random.default_rng(1)
    n, h, w, length, overlap = 14, 32, 48, 13, 5

    def frames(size, count=n):
        return [Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)) for _ in range(count)]

    pose, face = frames((w, h)), frames((FACE_SIZE, FACE_SIZE))
    image = frames((w, h), 1)[0]
    expected = pipe(image=image, pose_video=pose, face_video=face, prompt="a dancer", height=h, width=w,
                    segment_frame_length=length, num_inference_steps=2, mode="animate",
                    prev_segment_conditioning_frames=overlap, generator=torch.Generator().manual_seed(7),
                    max_sequence_length=8, output_type="np").frames[0]
    seg = Segments(n, length, overlap)

    def seg_inputs(k):
        idx = seg.source_indices(k)
        return SegmentInputs([pose[i] for i in idx], [face[i] for i in idx])

    got = np.concatenate(list(sample(pipe, image=image, segments=seg, inputs=seg_inputs, prompt="a dancer",
                                     height=h, width=w, steps=2, mode="animate",
                                     generator=torch.Generator().manual_seed(7), max_sequence_length=8)))
    diff = float(np.abs(got - expected).max()) if got.shape == expected.shape else float("inf")
    row.figures = {"shape": list(got.shape), "max_abs_diff": diff, "dtype": str(pipe.transformer.dtype),
                   "vae_dtype": str(pipe.vae.dtype), "text_dtype": str(pipe.text_encoder.dtype),
                   "device": str(pipe._execution_device)}
    del pipe
    if diff > 1e-3:
        row.problems.append(f"the sampler differs from the pipeline by {diff:.3g}")
    row.ok = not row.problems
    return row


KINDS = {"run": run_case, "cancel": cancel_case, "sampler": sampler_case}


# ----------------------------------------------------------------------------------------------------- main
def environment(device: str) -> dict:
    """Versions, the GPU, and the CUDA context's size (after a bf16 product: cuBLAS's workspace is made then)."""
    import diffusers
    import torch

    facts = {"torch": torch.__version__, "diffusers": diffusers.__version__, "device": device, "context": 0}
    if device != "cpu":
        a = torch.ones(64, 64, device=device, dtype=torch.bfloat16)
        float((a @ a).sum())
        del a
        free, total = torch.cuda.mem_get_info()
        context = total - free - torch.cuda.memory_reserved()
        facts.update(gpu=torch.cuda.get_device_name(), total_gb=round(total / 1e9, 1), context=int(context))
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cuda", help="cuda (default), cuda:N, or cpu to debug this script")
    parser.add_argument("--budget", type=float, default=1e9, help="seconds after which remaining cases are skipped")
    parser.add_argument("--only", nargs="+", help="run only these cases")
    parser.add_argument("--json", help="write the rows here as JSON")
    parser.add_argument("--keep", help="keep models, inputs and outputs in this folder")
    args = parser.parse_args(argv)

    import torch

    if args.device != "cpu" and not torch.cuda.is_available():
        print("no CUDA GPU here: use --device cpu to try the script. Not run.")
        return 2
    start = time.perf_counter()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="wan-gpu-check-"))
    facts = environment(args.device)
    print(json.dumps(facts), flush=True)
    gpu = Gpu(args.device, facts["context"])
    cases = [c for c in CASES if (args.only is None or c.name in args.only)
             and (args.device != "cpu" or c.offload == "none")]
    made: dict[str, Inputs] = {}
    rows: list[Row] = []
    for case in cases:
        if time.perf_counter() - start > args.budget:
            print(f"SKIP {case.name}: past the budget of {args.budget:g} s", flush=True)
            continue
        t0 = time.perf_counter()
        try:
            if case.model not in made:
                made[case.model] = make_inputs(folder / case.model, case.model, args.device)
                print(f"  inputs for {case.model}: {time.perf_counter() - t0:.1f} s", flush=True)
            row = KINDS[case.kind](case, made[case.model], gpu, args.device, folder)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported and the next case runs
            if isinstance(exc, KeyboardInterrupt):
                raise
            row = Row(case.name, error=traceback.format_exc())
        row.figures["case_s"] = round(time.perf_counter() - t0, 2)
        rows.append(row)
        verdict = "PASS" if row.ok else "FAIL"
        print(f"{verdict} {case.name}: {json.dumps(row.figures)}", flush=True)
        for problem in row.problems:
            print(f"    problem: {problem}", flush=True)
        if row.error:
            print(row.error, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in rows], indent=1))
    failed = sum(not r.ok for r in rows)
    print(f"{len(rows) - failed} passed, {failed} failed, {time.perf_counter() - start:.0f} s", flush=True)
    return failed


if __name__ == "__main__":
    sys.exit(main())

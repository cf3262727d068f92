"""The ``wan-animate`` engine: Wan2.2-Animate (diffusers' WanAnimatePipeline) on a local GPU, fed by our own
pose track, retargeting and face crops, written by the project's writer with the reference's sound.

Order of work: ``ready()`` (called by ``transfer()`` before the preflight) checks the settings, the optional
packages, the weights folder, the GPU and its free memory - one sentence for each problem, before any weight is
read. ``run()`` then tracks the actor, retargets the motion to the character, loads the pipeline, generates the
clip segment by segment (progress per segment and step; Ctrl-C or ComfyUI's Cancel stop it between steps) and
streams each segment's frames into the output, which appears only when complete.

This module imports nothing heavy at import time: torch and diffusers are loaded by ``ready()`` and ``run()``.
"""
from __future__ import annotations

import json
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import EngineError, InputError
from ...finding import Finding
from ...request import Progress, Request, Result
from .plan import Plan, choose_mode, make_plan, wants_video_background
from .settings import WanSettings
from .weights import ModelFolder


@dataclass
class Readiness:
    """What ``ready()`` established: the settings, the checked folder, and the offload setting that fits."""

    settings: WanSettings
    folder: ModelFolder
    offload: str
    need: dict[str, int]


class WanAnimateEngine:
    """Local GPU engine. ``request.options``: ``model_path``, ``allow_download``, ``offload`` (auto / none /
    model / group), ``vae_tiling``, ``steps``, ``segment_frames``, ``overlap``, ``guidance``, ``pose_track``
    (a PoseTrack or file: skips tracking), ``pose_preset``; see ``settings.WanSettings``."""

    name = "wan-animate"

    def __init__(self) -> None:
        self._ready: Readiness | None = None

    # ------------------------------------------------------------------------------------------ checks
    def ready(self, request: Request) -> Readiness:
        """Every check that needs no weights loaded: settings, mode and background, packages, model folder,
        GPU and memory. Raises one clear error per problem; nothing large is read."""
        from .gpu import Shapes, check_device, estimates, require_packages
        from .weights import locate

        settings = WanSettings.from_options(request.options)
        choose_mode(request)
        _check_background(request)
        require_packages()
        folder = locate(settings.model_path, settings.allow_download)
        plan = _plan_from_files(request, settings)
        dim, ffn = _transformer_widths(folder)
        shapes = Shapes(plan.gen_w, plan.gen_h, settings.segment_frames, dim, ffn)
        need = estimates(folder, shapes, settings.vae_tiling)
        offload = check_device(settings, need)
        self._ready = Readiness(settings, folder, offload, need)
        return self._ready

    # --------------------------------------------------------------------------------------------- run
    def run(self, request: Request, report=None, progress: Progress | None = None) -> Result:
        from ...media.frames import read_image

        ready = self._ready or self.ready(request)
        settings = ready.settings
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        plan = _plan_from_files(request, settings, report)
        rgb = read_image(request.image)
        image_pose = getattr(report, "image_pose", None)
        if image_pose is None or "segmentation" not in image_pose.meta:
            from ...pose.estimator import detect_image

            image_pose = detect_image(rgb, segmentation=True)
        track = _motion_track(request, plan.fps, progress)
        timings["pose"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        from ...pose.retarget import retarget
        from ...pose.retarget_track import motion_to_track, rest_pose
        from .segments import Segments

        motion = retarget(track, rest_pose(image_pose), request.orientation, plan.gen_w, plan.gen_h)
        character = motion_to_track(motion, track)
        reference = _reference_image(request, rgb, image_pose, plan)
        if len(track) <= settings.overlap:
            raise InputError(f"the motion has {len(track)} frames at {plan.fps:g} fps, too few for wan-animate.",
                             file=request.video, code="wan_too_short", measured=len(track),
                             limit=settings.overlap + 1, fix="use a longer clip.")
        segments = Segments(len(track), settings.segment_frames, settings.overlap)
        timings["retarget"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        if progress:
            progress("wan: loading model", 0, 1)
        from .gpu import load_pipeline

        pipe = load_pipeline(ready.folder, settings, ready.offload)
        if progress:
            progress("wan: loading model", 1, 1)
        timings["load"] = time.perf_counter() - t0
        try:
            t0 = time.perf_counter()
            stats = _generate(pipe, request, plan, settings, segments, track, character, reference, progress)
            timings["generate"] = time.perf_counter() - t0
        except BaseException as exc:
            # The traceback's frames hold the pipeline; ComfyUI keeps a cancelled prompt's error and a notebook
            # keeps sys.last_traceback, which would keep every loaded weight on the GPU (seen on an H200).
            traceback.clear_frames(exc.__traceback__)
            raise
        finally:
            del pipe
            _release_gpu(settings)
        findings = list(report.findings) if report is not None else []
        if plan.upscale > 1.01:
            findings.append(Finding(
                "wan_upscaled", "info", f"wan-animate generated {plan.gen_w}x{plan.gen_h} (the model works at "
                f"720p); the {request.tier} tier's {plan.out_w}x{plan.out_h} is that picture upscaled "
                f"{plan.upscale:.2f}x with a Lanczos filter, not generated at that size.",
                measured=[plan.gen_w, plan.gen_h], limit=[plan.out_w, plan.out_h]))
        n = segments.frames
        duration = n / plan.fps
        extra = {"mode": plan.mode, "generated_size": [plan.gen_w, plan.gen_h], "segments": segments.count,
                 "segment_frames": segments.length, "overlap": segments.overlap, "steps": settings.steps,
                 "offload": ready.offload, "vae_tiling": settings.vae_tiling, "upscale": round(plan.upscale, 3),
                 "estimated_gpu_bytes": ready.need.get(ready.offload), "peak_gpu_bytes": stats["peak"],
                 "seconds_per_output_second": round(timings["generate"] / duration, 2)}
        return Result(output=request.output, engine=self.name, width=plan.out_w, height=plan.out_h, fps=plan.fps,
                      frames=n, duration=duration, has_audio=stats["has_audio"], findings=findings,
                      timings={k: round(v, 3) for k, v in timings.items()}, compare=request.compare, extra=extra)


# ------------------------------------------------------------------------------------------------ stages
def _check_background(request: Request) -> None:
    """A still background (image or colour), the video's own, or none; another video is refused."""
    from ...media.color import parse_color
    from ...media.probe import probe

    bg = request.background
    if bg is None or not str(bg).strip() or wants_video_background(request):
        return
    path = Path(str(bg))
    if path.exists():
        if probe(path).kind == "video":
            raise InputError("wan-animate cannot use a different background video: the model takes its scene from "
                             "the character image (animate mode) or from the motion video itself (replace mode).",
                             file=path, code="wan_background",
                             fix="pass a background image or colour, or --background video for the motion video's "
                                 "own scene.")
        return
    if parse_color(str(bg)) is None:
        raise InputError(f"the background {bg!r} is neither an existing file, a colour, nor 'video'.",
                         code="background", measured=str(bg),
                         fix="pass an image file, a colour such as '#00ff00', or 'video' (the motion video's scene).")


def _plan_from_files(request: Request, settings: WanSettings, report=None) -> Plan:
    from ...media.probe import probe

    image = getattr(report, "image_info", None) or probe(request.image, expect="image")
    video = getattr(report, "video_info", None) or probe(request.video, expect="video")
    return make_plan(request, (image.width, image.height), (video.width, video.height), video.fps, settings)


def _transformer_widths(folder: ModelFolder) -> tuple[int, int]:
    """(hidden width, FFN width) from the transformer's config, for the working-memory estimate."""
    from .gpu import DEFAULT_DIM, DEFAULT_FFN

    try:
        cfg = json.loads((folder.path / "transformer" / "config.json").read_text(encoding="utf-8"))
        return int(cfg["num_attention_heads"]) * int(cfg["attention_head_dim"]), int(cfg["ffn_dim"])
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_DIM, DEFAULT_FFN


def _motion_track(request: Request, fps: float, progress: Progress | None):
    """The actor's track at the run's rate: given in ``options["pose_track"]`` (resampled), else tracked."""
    from ...pose.track import PoseTrack, load_track

    given = request.options.get("pose_track")
    if given is not None:
        track = given if isinstance(given, PoseTrack) else load_track(given)
        return _resample(track, fps)
    from ...pose.cache import TrackSettings, cached_track

    preset = request.options.get("pose_preset") or ("accurate" if request.tier == "pro" else "balanced")
    return cached_track(request.video, TrackSettings(preset=preset, fps=fps), progress,
                        use_cache=bool(request.options.get("use_cache", True)))


def _resample(track, fps: float):
    """Nearest-frame resampling of a track to ``fps`` (a no-op at its own rate)."""
    from ...pose.track import PoseTrack

    if abs(float(track.fps) - fps) < 1e-3:
        return track
    n = max(1, int(round(len(track) * fps / float(track.fps))))
    idx = np.minimum(np.round(np.arange(n) * float(track.fps) / fps).astype(int), len(track) - 1)
    parts = {k: (getattr(track, k)[idx] if getattr(track, k) is not None else None)
             for k in ("body", "left_hand", "right_hand", "face", "body_world", "filled", "irises")}
    return PoseTrack(fps=fps, width=track.width, height=track.height, source=track.source, meta=dict(track.meta),
                     **parts)


def _reference_image(request: Request, rgb: np.ndarray, image_pose, plan: Plan) -> np.ndarray:
    """The character image at the generated size, on its still background if one was given."""
    from ...media.color import parse_color
    from .conditioning import composite, fit_reference

    bg = request.background
    if plan.mode == "animate" and bg is not None and str(bg).strip():
        person = image_pose.meta["segmentation"]
        path = Path(str(bg))
        if path.exists():
            from ...media.frames import read_image

            rgb = composite(rgb, person, read_image(path))
        else:
            rgb = composite(rgb, person, parse_color(str(bg)))
    return fit_reference(rgb, plan.gen_w, plan.gen_h)


def _generate(pipe, request: Request, plan: Plan, settings: WanSettings, segments, track, character, reference,
              progress: Progress | None) -> dict:
    """Sample every segment and stream its frames into the output (and the comparison). Returns facts."""
    import cv2
    import torch
    from PIL import Image

    from ...media.frames import iter_frames
    from ...media.writer import VideoWriter
    from ...media.framing import fit, letterbox
    from .conditioning import VideoWindow, body_boxes, draw_wan_pose, face_boxes, face_crop, replace_mask
    from .sampler import SegmentInputs, sample

    face_size = int(pipe.transformer.config.motion_encoder_size)
    window = VideoWindow(iter_frames(request.video, fps=plan.fps))
    faces = face_boxes(track)
    video_place = letterbox(track.width, track.height, plan.gen_w, plan.gen_h)
    if plan.mode == "replace":
        actor = track.body.copy()
        actor[..., :2] = video_place.apply(actor[..., :2])
        hands = tuple(np.concatenate([video_place.apply(h[..., :2]), h[..., 2:]], axis=-1)
                      for h in (track.left_hand, track.right_hand))
        size = (plan.gen_w, plan.gen_h)
        actor_boxes = body_boxes(actor, hands, size)
        character_boxes = body_boxes(character.body, (character.left_hand, character.right_hand), size)

    def frame_inputs(i: int) -> tuple:
        pose = draw_wan_pose(plan.gen_h, plan.gen_w, character.body[i], character.left_hand[i],
                             character.right_hand[i])
        face = face_crop(window.get(i), faces[i], face_size)
        if plan.mode != "replace":
            return pose, face, None, None
        mask = replace_mask(plan.gen_h, plan.gen_w, [actor_boxes[i], character_boxes[i]])
        background = fit(window.get(i), plan.gen_w, plan.gen_h, how="letterbox")  # as video_place maps joints
        background[mask > 0] = 0
        return pose, face, background, mask

    def inputs(k: int) -> SegmentInputs:
        window.release_before(segments.keep_from(k))
        made = {i: frame_inputs(int(i)) for i in sorted(set(segments.source_indices(k).tolist()))}
        idx = segments.source_indices(k)
        pil = [[Image.fromarray(made[int(i)][part]) for i in idx] if made[int(idx[0])][part] is not None else None
               for part in range(4)]
        return SegmentInputs(pose=pil[0], face=pil[1], background=pil[2], mask=pil[3])

    def on_step(segment: int, count: int, step: int, steps: int) -> None:
        if progress:
            progress(f"wan: segment {segment + 1}/{count}", step, steps)

    audio = request.video if request.keep_sound else None
    writers = [VideoWriter(request.output, plan.fps, plan.out_w, plan.out_h, audio_from=audio)]
    compare_w = 0
    if request.compare is not None:
        compare_w = int(round(plan.out_h * track.width / track.height / 2)) * 2
        writers.append(VideoWriter(request.compare, plan.fps, compare_w + plan.out_w, plan.out_h, audio_from=audio))
    device = torch.device(settings.device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    generator = torch.Generator("cpu").manual_seed(int(request.seed))
    written = 0
    try:
        chunks = sample(pipe, image=Image.fromarray(reference), segments=segments, inputs=inputs,
                        prompt=request.prompt or "", height=plan.gen_h, width=plan.gen_w, steps=settings.steps,
                        mode=plan.mode, guidance=settings.guidance, generator=generator,
                        max_sequence_length=settings.max_sequence_length, on_step=on_step)
        for chunk in chunks:
            for frame in chunk:
                out = (np.clip(frame, 0, 1) * 255 + 0.5).astype(np.uint8)
                if (plan.out_w, plan.out_h) != (plan.gen_w, plan.gen_h):
                    up = plan.out_w > plan.gen_w
                    out = cv2.resize(out, (plan.out_w, plan.out_h),
                                     interpolation=cv2.INTER_LANCZOS4 if up else cv2.INTER_AREA)
                writers[0].write(out)
                if compare_w:
                    ref = cv2.resize(window.get(written), (compare_w, plan.out_h), interpolation=cv2.INTER_AREA)
                    writers[1].write(np.hstack([ref, out]))
                written += 1
        if written != segments.frames:
            raise EngineError(f"wan-animate produced {written} frames instead of {segments.frames}.")
        for writer in writers:
            writer.close()
    except BaseException:
        for writer in writers:
            writer.abort()
        raise
    peak = int(torch.cuda.max_memory_allocated(device)) if device.type == "cuda" else None
    return {"has_audio": writers[0].has_audio, "peak": peak}


def _release_gpu(settings: WanSettings) -> None:
    import gc

    import torch

    gc.collect()
    if settings.device != "cpu" and torch.cuda.is_available():
        torch.cuda.empty_cache()

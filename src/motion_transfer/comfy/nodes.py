"""The ComfyUI nodes. Thin: each converts ComfyUI's types (``video_io``, ``poses``) and calls the Python API.

Classic (V1) node API on purpose: ``INPUT_TYPES`` / ``RETURN_TYPES`` load in every ComfyUI build, old and new,
need nothing from ``comfy_api`` at import time (so the definitions are testable without ComfyUI), and give
exactly the same sockets and widgets as the V3 ``KlingMotionControl`` node we stand in for.

Errors a user can fix arrive in ComfyUI's error panel as the sentences the CLI prints (the
``MotionTransferError`` itself is re-raised, with temp-file paths replaced by the input's name).
"""
from __future__ import annotations

import importlib
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..engines.base import DEFAULT_ENGINE, REGISTRY, SUMMARIES
from ..engines.kling.settings import NODE_MODELS
from ..finding import format_findings
from ..request import ORIENTATIONS, TIERS
from . import poses, video_io

log = logging.getLogger("motion_transfer.comfy")

CATEGORY = "motion transfer"

# ComfyUI's KlingMotionControl lists pro first (its default); the same words as everywhere else.
MODES = ["pro"] + [t for t in TIERS if t != "pro"]
# KlingMotionControl (ComfyUI v0.27.0) has a 7th, optional widget: its model. We accept it so a saved Kling
# workflow loads with every widget value in its place; only the kling engine uses it.
KLING_MODELS = list(NODE_MODELS)

_engine_cache: list[str] | None = None


def available_engines() -> list[str]:
    """The registry's engines whose module imports, the default first. Reasons for the others are logged once."""
    global _engine_cache
    if _engine_cache is None:
        names = [DEFAULT_ENGINE]
        for name, target in REGISTRY.items():
            if name == DEFAULT_ENGINE:
                continue
            try:
                importlib.import_module(target.split(":")[0])
                names.append(name)
            except Exception as exc:  # noqa: BLE001 - an optional engine must never break the pack
                log.info("motion-transfer: engine '%s' is not offered in ComfyUI: %s", name, exc)
        _engine_cache = names
    return list(_engine_cache)


def kling_inputs() -> dict:
    """The six inputs of ComfyUI's ``KlingMotionControl``, with its names, types, order and defaults."""
    return {
        "prompt": ("STRING", {"multiline": True, "default": "",
                              "tooltip": "Scene / environment text, up to 2,500 characters. The puppet engine "
                                         "checks it but does not draw from text; the kling engine sends it."}),
        "reference_image": ("IMAGE", {"tooltip": "The character: identity, look, default background. "
                                                 "Should show head, shoulders and torso clearly."}),
        "reference_video": ("VIDEO", {"tooltip": "Motion reference. Duration limits depend on "
                                                 "character_orientation:\n - image: 3-10 s\n - video: 3-30 s"}),
        "keep_original_sound": ("BOOLEAN", {"default": True,
                                            "tooltip": "Copy the reference video's audio into the result."}),
        "character_orientation": (list(ORIENTATIONS), {
            "default": "video",
            "tooltip": "video: orientation, position and framing follow the video (full-body choreography, up "
                       "to 30 s).\nimage: the character keeps the image's orientation and framing; only the "
                       "motion transfers (portraits, camera moves; up to 10 s)."}),
        "mode": (MODES, {"default": "pro", "tooltip": "pro: 1080p, finest settings. std: 720p, faster."}),
    }


def _optional_kling_model() -> dict:
    return {"model": (KLING_MODELS, {"default": KLING_MODELS[0],
                                     "tooltip": "Kling model; used only by the kling engine. Present so a "
                                                "saved Kling Motion Control workflow loads unchanged."})}


def _engine_input() -> dict:
    engines = available_engines()
    return {"engine": (engines, {"default": DEFAULT_ENGINE,
                                 "tooltip": "\n".join(f"{n}: {SUMMARIES.get(n, n)}" for n in engines)})}


# ------------------------------------------------------------------------------------------ shared helpers
class ComfyProgress:
    """``progress(stage, done, total)`` -> a bar on the node (``comfy.utils.ProgressBar``), and a check for the
    user's Cancel (``comfy.model_management.throw_exception_if_processing_interrupted``) at every step."""

    def __init__(self) -> None:
        try:
            from comfy.utils import ProgressBar
        except Exception:  # noqa: BLE001 - outside ComfyUI (or a build without it): no bar
            ProgressBar = None
        try:
            from comfy.model_management import throw_exception_if_processing_interrupted as check
        except Exception:  # noqa: BLE001 - outside ComfyUI: nothing to cancel
            check = None
        self._bar_cls, self._check = ProgressBar, check
        self._bar = None
        self.stage: str | None = None
        self.calls = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.calls += 1
        if self._check is not None:
            self._check()
        if self._bar_cls is None:
            return
        total = max(int(total), 1)
        if self._bar is None or stage != self.stage:
            self._bar = self._bar_cls(total)
            self.stage = stage
        self._bar.update_absolute(min(int(done), total), total)


@contextmanager
def user_errors(labels: dict[str, str]) -> Iterator[None]:
    """Re-raise ``MotionTransferError`` with the text the CLI prints for it (the findings table for a
    ``PreflightError``, the sentence otherwise), our temp paths replaced by the input names the user knows."""
    from ..errors import MotionTransferError, PreflightError

    try:
        yield
    except MotionTransferError as exc:
        message = format_findings(exc.findings) if isinstance(exc, PreflightError) else str(exc)
        exc.args = (_relabel(message, labels),)
        raise


def _relabel(text: str, labels: dict[str, str]) -> str:
    for path, label in labels.items():
        text = text.replace(path, label)
    return text


class _Inputs:
    """The node's IMAGE / VIDEO inputs as files in a private temp folder (removed on exit)."""

    def __init__(self, tmp: str) -> None:
        self.folder = Path(tmp)
        self.labels: dict[str, str] = {}

    def image(self, image, name: str) -> Path:
        if video_io.batch_size(image) > 1:
            log.warning("motion-transfer: %s is a batch of %d images; using the first.", name,
                        video_io.batch_size(image))
        path = video_io.image_to_file(image, self.folder / f"{name}.png")
        self.labels[str(path)] = name
        return path

    def video(self, video, name: str) -> Path:
        path = video_io.video_to_path(video, self.folder, stem=name)
        if self.folder in path.parents:
            self.labels[str(path)] = name
        return path


@contextmanager
def _inputs() -> Iterator[_Inputs]:
    with tempfile.TemporaryDirectory(prefix="motion-transfer-comfy-") as tmp:
        yield _Inputs(tmp)


# ------------------------------------------------------------------------------------------ nodes
class MotionTransferNode:
    """A drop-in for ComfyUI's Kling Motion Control node that runs locally: the character of
    ``reference_image`` performs the motion of ``reference_video``."""

    DESCRIPTION = ("The character in reference_image performs the motion of reference_video. Same inputs as "
                   "Kling Motion Control; runs offline on the CPU with the puppet engine, or on Kling's cloud "
                   "with your keys. Input rules and preflight advice are checked before any work starts.")
    CATEGORY = CATEGORY
    FUNCTION = "run"
    RETURN_TYPES = ("VIDEO", "STRING")
    RETURN_NAMES = ("video", "report")
    OUTPUT_TOOLTIPS = ("The result (H.264 MP4, with the reference's audio when kept).",
                       "Warnings and notes from the preflight, as the CLI prints them.")

    @classmethod
    def INPUT_TYPES(cls) -> dict:
        return {
            "required": kling_inputs(),
            "optional": {
                **_optional_kling_model(),
                **_engine_input(),
                "background": ("IMAGE", {"tooltip": "Replaces the image's own background (the character is "
                                                     "cut out and placed on it)."}),
                "video_url": ("STRING", {"default": "",
                                         "tooltip": "kling engine only: a public URL of the same motion video. "
                                                    "Kling fetches videos by URL; leave empty to upload to the "
                                                    "S3 bucket set in MOTION_TRANSFER_S3_BUCKET."}),
            },
        }

    def run(self, prompt, reference_image, reference_video, keep_original_sound=True,
            character_orientation="video", mode="pro", model=KLING_MODELS[0], engine="puppet", background=None,
            video_url=""):
        from ..api import transfer

        progress = ComfyProgress()
        # the kling engine asks before paying only on a terminal; choosing it in the graph is the consent, as
        # with ComfyUI's own Kling node (and a y/N question would block ComfyUI's worker thread)
        options = {"model": model, "yes": True} if engine == "kling" else {}
        if engine == "kling" and video_url and video_url.strip():
            options["video_url"] = video_url.strip()
        with _inputs() as files:
            image = files.image(reference_image, "reference_image")
            video = files.video(reference_video, "reference_video")
            bg = files.image(background, "background") if background is not None else None
            output = video_io.new_output_path()
            with user_errors(files.labels):
                result = transfer(image, video, output, prompt=prompt or "", orientation=character_orientation,
                                  tier=mode, keep_sound=bool(keep_original_sound), engine=engine,
                                  background=str(bg) if bg else None, progress=progress, **options)
            shown = [f for f in result.findings if f.severity != "error"]
            report = _relabel(format_findings(shown), files.labels)
        for f in shown:
            if f.severity == "warning":
                log.warning("motion-transfer: %s", _relabel(f.sentence(), files.labels))
        summary = (f"{result.width}x{result.height}, {result.fps:g} fps, {result.frames} frames, "
                   f"{result.duration:.1f} s, {'with' if result.has_audio else 'no'} audio, engine {result.engine}")
        return (video_io.video_from_file(result.output), f"{summary}\n{report}")


class MotionPreflightNode:
    """What will go wrong, before any time or credit is spent: the input rules and the measured tips."""

    DESCRIPTION = ("Checks the inputs against the rules (formats, sizes, durations) and measures the tips "
                   "(framing, room for the motion, hidden limbs, background, several people...). Outputs the "
                   "findings as text; fails the run on errors only when fail_on_error is on.")
    CATEGORY = CATEGORY
    FUNCTION = "check"
    OUTPUT_NODE = True
    RETURN_TYPES = ("STRING", "BOOLEAN")
    RETURN_NAMES = ("findings", "ok")
    OUTPUT_TOOLTIPS = ("The findings, as `motion-transfer check` prints them.",
                       "True when no error-level finding stands in the way.")

    @classmethod
    def INPUT_TYPES(cls) -> dict:
        return {
            "required": {
                **kling_inputs(),
                "fail_on_error": ("BOOLEAN", {"default": False,
                                              "tooltip": "Stop the whole run (an error on this node) when an "
                                                         "error-level finding is present."}),
            },
            "optional": {**_optional_kling_model(), **_engine_input()},
        }

    def check(self, prompt, reference_image, reference_video, keep_original_sound=True,
              character_orientation="video", mode="pro", fail_on_error=False, model=KLING_MODELS[0],
              engine="puppet"):
        from ..api import check
        from ..errors import PreflightError

        with _inputs() as files:
            image = files.image(reference_image, "reference_image")
            video = files.video(reference_video, "reference_video")
            with user_errors(files.labels):
                report = check(image, video, orientation=character_orientation, engine=engine,
                               prompt=prompt or "", progress=ComfyProgress())
                if fail_on_error and not report.ok:
                    raise PreflightError(report.errors)
            text = _relabel(format_findings(report.findings), files.labels)
        return {"ui": {"text": [text]}, "result": (text, bool(report.ok))}


def _pose_options() -> dict:
    return {
        "resolution": ("INT", {"default": poses.DEFAULT_RESOLUTION, "min": 0, "max": 4096, "step": 8,
                               "tooltip": "Short side of the skeleton frames in pixels (0 = the source size). "
                                          "Each 512x910 frame takes 5.6 MB as an IMAGE."}),
        "max_frames": ("INT", {"default": poses.DEFAULT_MAX_FRAMES, "min": 1, "max": 100000,
                               "tooltip": "Only the first max_frames frames are analysed and returned, so a "
                                          "long clip cannot fill the memory (an IMAGE batch is float32)."}),
        "frame_rate": ("FLOAT", {"default": 0.0, "min": 0.0, "max": 120.0, "step": 1.0,
                                 "tooltip": "Resample the video to this rate first (0 = the video's own rate)."}),
    }


def _track_video(video_path: Path, frame_rate: float, max_frames: int, smooth: bool, progress, *,
                 resolution: int = 0, canvas: tuple[int, int] | None = None):
    """Track the actor through at most ``max_frames`` frames at ``frame_rate`` (0 = source rate).

    Before any work, the IMAGE batch the node will return (``canvas``, or the video's size at ``resolution``) is
    checked against the free memory."""
    from ..media.probe import probe
    from ..pose.cache import TrackSettings, cached_track

    info = probe(video_path, expect="video")
    resample = bool(frame_rate and frame_rate > 0)
    rate = float(frame_rate) if resample else float(info.fps or 30.0)
    expected = min(int(max_frames), max(1, round(info.duration * rate)))
    width, height = canvas or poses.frame_size(info.width, info.height, int(resolution))
    poses.check_batch_memory(expected, width, height)
    seconds = (int(max_frames) + 0.5) / rate
    settings = TrackSettings(fps=rate if resample else None, smooth=smooth,
                             max_seconds=seconds if seconds < info.duration else None)
    # a graph re-run after another node changed finds the track in the motion cache
    track = cached_track(video_path, settings, progress)
    return poses.head(track, int(max_frames))


class PoseTrackNode:
    """The actor's whole-body pose through a video, as OpenPose-coloured skeleton frames and keypoints."""

    DESCRIPTION = ("Tracks the person in a video (MediaPipe Holistic: body, hands, face; offline) and outputs "
                   "skeleton frames in OpenPose colouring and POSE_KEYPOINT in the form of the DWPose "
                   "Estimator node, for ControlNet / VACE / Wan graphs.")
    CATEGORY = CATEGORY
    FUNCTION = "track"
    RETURN_TYPES = ("IMAGE", "POSE_KEYPOINT", "FLOAT")
    RETURN_NAMES = ("pose_images", "pose_keypoint", "frame_rate")
    OUTPUT_TOOLTIPS = ("Skeleton frames (IMAGE batch, black background).",
                       "Keypoints per frame (OpenPose JSON layout, pixels of the skeleton frames).",
                       "Frame rate of the outputs, for Create Video.")

    @classmethod
    def INPUT_TYPES(cls) -> dict:
        return {
            "required": {
                "video": ("VIDEO", {"tooltip": "The motion video."}),
                **_pose_options(),
                "smooth": ("BOOLEAN", {"default": True, "tooltip": "Zero-lag smoothing and short-gap filling."}),
            },
        }

    def track(self, video, resolution=poses.DEFAULT_RESOLUTION, max_frames=poses.DEFAULT_MAX_FRAMES,
              frame_rate=0.0, smooth=True):
        progress = ComfyProgress()
        with _inputs() as files:
            path = files.video(video, "video")
            with user_errors(files.labels):
                track = _track_video(path, frame_rate, max_frames, smooth, progress, resolution=int(resolution))
        width, height = poses.frame_size(track.width, track.height, int(resolution))
        images = poses.skeleton_batch(track, width, height, progress)
        return (images, poses.pose_keypoints(track, width, height), float(track.fps))


class RetargetPoseNode:
    """The video actor's motion as skeletons with the character's proportions, size and placement."""

    DESCRIPTION = ("Retargets the motion of the person in motion_video onto the character in character_image: "
                   "bone directions from the video, bone lengths and placement from the image (feet stay "
                   "planted). Outputs skeleton frames the size of the character image, and POSE_KEYPOINT.")
    CATEGORY = CATEGORY
    FUNCTION = "retarget"
    RETURN_TYPES = ("IMAGE", "POSE_KEYPOINT", "FLOAT")
    RETURN_NAMES = ("pose_images", "pose_keypoint", "frame_rate")
    OUTPUT_TOOLTIPS = ("Skeleton frames in the character image's aspect (IMAGE batch, black background).",
                       "Keypoints per frame (OpenPose JSON layout, pixels of the skeleton frames).",
                       "Frame rate of the outputs, for Create Video.")

    @classmethod
    def INPUT_TYPES(cls) -> dict:
        return {
            "required": {
                "character_image": ("IMAGE", {"tooltip": "The character whose proportions and placement the "
                                                         "skeleton takes."}),
                "motion_video": ("VIDEO", {"tooltip": "The motion reference."}),
                "character_orientation": (list(ORIENTATIONS), {
                    "default": "video",
                    "tooltip": "video: position and size follow the video. image: the character stays where "
                               "and as large as the image shows it; only the motion transfers."}),
                **_pose_options(),
            },
        }

    def retarget(self, character_image, motion_video, character_orientation="video",
                 resolution=poses.DEFAULT_RESOLUTION, max_frames=poses.DEFAULT_MAX_FRAMES, frame_rate=0.0):
        from ..pose.estimator import detect_image
        from ..pose.retarget import retarget

        progress = ComfyProgress()
        rgb = video_io.image_to_array(character_image)
        ih, iw = rgb.shape[:2]
        width, height = poses.frame_size(iw, ih, int(resolution))
        with _inputs() as files:
            path = files.video(motion_video, "motion_video")
            with user_errors(files.labels):
                rest = poses.rest_pose(detect_image(rgb, segmentation=False))
                track = _track_video(path, frame_rate, max_frames, True, progress, canvas=(width, height))
                motion = retarget(track, rest, character_orientation, width, height)
                out = poses.motion_to_track(motion, track)
        images = poses.skeleton_batch(out, width, height, progress)
        return (images, poses.pose_keypoints(out, width, height), float(out.fps))


# node id, class, display name, modules it needs (checked without importing heavy third-party packages)
NODES: tuple[tuple[str, type, str, tuple[str, ...]], ...] = (
    ("MotionTransfer", MotionTransferNode, "Motion Transfer (Kling Motion Control, offline)",
     ("motion_transfer.api", REGISTRY[DEFAULT_ENGINE].split(":")[0], "mediapipe", "av", "cv2", "scipy")),
    ("MotionTransferPreflight", MotionPreflightNode, "Motion Preflight",
     ("motion_transfer.api", "mediapipe", "av")),
    ("MotionTransferPoseTrack", PoseTrackNode, "Pose Track (OpenPose skeleton + keypoints)",
     ("motion_transfer.pose.estimator", "motion_transfer.pose.draw", "mediapipe", "cv2", "av")),
    ("MotionTransferRetargetPose", RetargetPoseNode, "Retarget Pose to Character",
     ("motion_transfer.pose.retarget", "motion_transfer.pose.estimator", "motion_transfer.pose.draw", "mediapipe",
      "cv2", "av")),
)

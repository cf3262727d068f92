"""The ComfyUI node pack, without ComfyUI: definitions, conversions, and each node run on ComfyUI-shaped data.

ComfyUI's IMAGE is a float32 torch tensor [B, H, W, C] in 0..1; the tests that need tensors are skipped when
torch is not installed (ComfyUI always has it). VIDEO is played by ``FakeVideo``, which offers the methods of
ComfyUI's ``VideoFromFile`` and fails the test if ``get_components()`` (a whole-clip decode) is ever called.
"""
from __future__ import annotations

import importlib.util
import inspect
import io
import json
import logging
import subprocess
import sys
import types
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from motion_transfer.comfy import (
    NODE_CLASS_MAPPINGS,
    NODE_DISPLAY_NAME_MAPPINGS,
    build_mappings,
    nodes,
    poses,
    video_io,
)
from motion_transfer.errors import InputError

REPO = Path(__file__).resolve().parents[1]
HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed: IMAGE tensors cannot be made "
                                                       "(ComfyUI always has torch; pip install torch to run these)")
WIDGET_TYPES = {"INT", "FLOAT", "STRING", "BOOLEAN"}
SOCKET_TYPES = {"IMAGE", "VIDEO", "MASK", "AUDIO", "POSE_KEYPOINT"}

# KlingMotionControl's inputs (ComfyUI v0.27.0), in order: name, type, default (see shared/reference).
KLING_REQUIRED = [
    ("prompt", "STRING", ""),
    ("reference_image", "IMAGE", None),
    ("reference_video", "VIDEO", None),
    ("keep_original_sound", "BOOLEAN", True),
    ("character_orientation", ["video", "image"], "video"),
    ("mode", ["pro", "std"], "pro"),
]


class FakeVideo:
    """ComfyUI's VIDEO as a node receives it: ``VideoFromFile``'s methods, over a path or a BytesIO."""

    def __init__(self, source, *, trim=(0.0, 0.0), container="mov,mp4,m4a,3gp,3g2,mj2"):
        self.source = source
        self.trim = trim
        self.container = container
        self.saved_to: list[str] = []

    def get_stream_source(self):
        if isinstance(self.source, io.BytesIO):
            self.source.seek(0)
        return self.source

    def get_active_trim_window(self):
        return self.trim

    def get_container_format(self):
        return self.container

    def get_dimensions(self):
        facts = video_io.video_facts(self._path())
        return facts["width"], facts["height"]

    def get_duration(self):
        return video_io.video_facts(self._path())["duration"]

    def save_to(self, path, format="auto", codec="auto", metadata=None):
        self.saved_to.append(str(path))
        data = self.source.getvalue() if isinstance(self.source, io.BytesIO) else Path(self.source).read_bytes()
        Path(path).write_bytes(data)

    def as_trimmed(self, start_time=0, duration=0, strict_duration=True):
        return FakeVideo(self.source, trim=(start_time, duration))

    def get_components(self):
        raise AssertionError("get_components() decodes the whole clip into memory; the pack must not call it")

    def _path(self):
        return self.source


class SaveOnlyVideo:
    """A VIDEO type that offers nothing but save_to (older or third-party implementations)."""

    def __init__(self, path):
        self.path = Path(path)

    def save_to(self, path, format="auto", codec="auto", metadata=None):
        Path(path).write_bytes(self.path.read_bytes())


# ------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """A character image and motion clips from the built-in mannequin generator (small: CPU time)."""
    from motion_transfer.samples import make_character, make_clip

    folder = tmp_path_factory.mktemp("comfy-media")
    make_character(folder / "character.png", size=(360, 480))
    make_clip(folder / "motion.mp4", "dance", seconds=3.2, fps=12, size=(480, 270), audio=True)
    make_clip(folder / "short.mp4", "dance", seconds=2.0, fps=12, size=(480, 270))
    return folder


def image_tensor(path):
    import torch
    from PIL import Image

    arr = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255.0
    return torch.from_numpy(arr.copy())[None]


@pytest.fixture
def fake_comfy(monkeypatch):
    """``comfy.utils.ProgressBar`` and ``comfy.model_management``'s interrupt check, recorded."""
    calls = {"bars": [], "updates": [], "checks": 0, "interrupt_after": None}

    class ProgressBar:
        def __init__(self, total, node_id=None):
            calls["bars"].append(total)

        def update_absolute(self, value, total=None, preview=None):
            calls["updates"].append((value, total))

    class Interrupted(BaseException):
        pass

    def throw_exception_if_processing_interrupted():
        calls["checks"] += 1
        if calls["interrupt_after"] is not None and calls["checks"] > calls["interrupt_after"]:
            raise Interrupted()

    comfy = types.ModuleType("comfy")
    utils = types.ModuleType("comfy.utils")
    utils.ProgressBar = ProgressBar
    mm = types.ModuleType("comfy.model_management")
    mm.throw_exception_if_processing_interrupted = throw_exception_if_processing_interrupted
    mm.InterruptProcessingException = Interrupted
    comfy.utils, comfy.model_management = utils, mm
    monkeypatch.setitem(sys.modules, "comfy", comfy)
    monkeypatch.setitem(sys.modules, "comfy.utils", utils)
    monkeypatch.setitem(sys.modules, "comfy.model_management", mm)
    calls["Interrupted"] = Interrupted
    return calls


# ------------------------------------------------------------------------------------------ definitions
def test_every_node_definition_is_valid():
    assert NODE_CLASS_MAPPINGS, "no node registered"
    assert set(NODE_DISPLAY_NAME_MAPPINGS) == set(NODE_CLASS_MAPPINGS)
    for node_id, cls in NODE_CLASS_MAPPINGS.items():
        spec = cls.INPUT_TYPES()
        assert set(spec) <= {"required", "optional", "hidden"}, node_id
        assert isinstance(cls.RETURN_TYPES, tuple) and cls.RETURN_TYPES
        assert len(getattr(cls, "RETURN_NAMES", cls.RETURN_TYPES)) == len(cls.RETURN_TYPES)
        assert len(getattr(cls, "OUTPUT_TOOLTIPS", cls.RETURN_TYPES)) == len(cls.RETURN_TYPES)
        assert isinstance(cls.CATEGORY, str) and cls.CATEGORY
        func = getattr(cls(), cls.FUNCTION)
        params = inspect.signature(func).parameters
        names = [n for section in ("required", "optional") for n in spec.get(section, {})]
        assert len(names) == len(set(names)), node_id
        for name in names:
            assert name in params, f"{node_id}.{cls.FUNCTION} does not take input {name!r}"
        for name in spec.get("optional", {}):
            assert params[name].default is not inspect.Parameter.empty, f"optional {name} needs a default"
        for section in ("required", "optional"):
            for name, entry in spec.get(section, {}).items():
                kind, opts = entry[0], (entry[1] if len(entry) > 1 else {})
                assert isinstance(opts, dict), (node_id, name)
                if isinstance(kind, list):
                    assert kind and all(isinstance(v, str) for v in kind), (node_id, name)
                    assert opts.get("default", kind[0]) in kind, (node_id, name)
                    continue
                assert kind in WIDGET_TYPES | SOCKET_TYPES, (node_id, name, kind)
                if kind in ("INT", "FLOAT"):
                    assert opts["min"] <= opts["default"] <= opts["max"], (node_id, name)
                if kind == "BOOLEAN":
                    assert isinstance(opts["default"], bool)
                if kind == "STRING":
                    assert isinstance(opts.get("default", ""), str)
                # the function's own default equals the widget's default (API-format callers rely on it)
                if kind in WIDGET_TYPES and params[name].default is not inspect.Parameter.empty:
                    assert params[name].default == opts["default"], (node_id, name)


def test_motion_transfer_has_the_kling_nodes_inputs_exactly():
    spec = NODE_CLASS_MAPPINGS["MotionTransfer"].INPUT_TYPES()
    required = spec["required"]
    assert list(required) == [name for name, _, _ in KLING_REQUIRED]
    for name, kind, default in KLING_REQUIRED:
        entry = required[name]
        assert entry[0] == kind, name
        if default is not None:
            assert entry[1]["default"] == default, name
    assert required["prompt"][1]["multiline"] is True
    # then Kling's optional model (so saved Kling widget values line up), the engine, and the background
    optional = spec["optional"]
    assert list(optional) == ["model", "engine", "background", "video_url"]
    assert optional["model"][0] == ["kling-v3", "kling-v2-6"]
    assert optional["engine"][0][0] == "puppet" and optional["engine"][1]["default"] == "puppet"
    assert set(optional["engine"][0]) <= {"puppet", "kling", "wan-animate"}
    assert "wan-animate" in optional["engine"][0]  # its module imports without torch; the run says what is missing
    assert optional["background"][0] == "IMAGE"
    assert optional["video_url"] == ("STRING", optional["video_url"][1]) and optional["video_url"][1]["default"] == ""
    cls = NODE_CLASS_MAPPINGS["MotionTransfer"]
    assert cls.RETURN_TYPES[0] == "VIDEO"


def test_preflight_and_pose_nodes_declare_their_options():
    pre = NODE_CLASS_MAPPINGS["MotionTransferPreflight"].INPUT_TYPES()
    assert list(pre["required"])[:6] == [name for name, _, _ in KLING_REQUIRED]
    assert pre["required"]["fail_on_error"] == ("BOOLEAN", pre["required"]["fail_on_error"][1])
    assert pre["required"]["fail_on_error"][1]["default"] is False
    assert NODE_CLASS_MAPPINGS["MotionTransferPreflight"].RETURN_TYPES == ("STRING", "BOOLEAN")
    for node_id in ("MotionTransferPoseTrack", "MotionTransferRetargetPose"):
        cls = NODE_CLASS_MAPPINGS[node_id]
        req = cls.INPUT_TYPES()["required"]
        assert req["max_frames"][1]["default"] == poses.DEFAULT_MAX_FRAMES
        assert req["resolution"][1]["default"] == poses.DEFAULT_RESOLUTION
        assert cls.RETURN_TYPES == ("IMAGE", "POSE_KEYPOINT", "FLOAT")


def test_a_missing_dependency_disables_only_its_node(caplog):
    fake = (
        ("NeedsNothing", nodes.PoseTrackNode, "fine", ("json",)),
        ("NeedsGhost", nodes.PoseTrackNode, "ghost", ("surely_not_installed_pkg_xyz",)),
        ("NeedsBroken", nodes.PoseTrackNode, "broken", ("motion_transfer.no_such_module",)),
    )
    with caplog.at_level(logging.WARNING, logger="motion_transfer.comfy"):
        classes, names, disabled = build_mappings(fake)
    assert list(classes) == ["NeedsNothing"] and list(names) == ["NeedsNothing"]
    assert "not installed" in disabled["NeedsGhost"] and "surely_not_installed_pkg_xyz" in disabled["NeedsGhost"]
    assert "cannot be imported" in disabled["NeedsBroken"]
    assert "ghost" in caplog.text and "broken" in caplog.text


def _load_root_init(extra_code: str = "") -> dict:
    """Import the repository root's __init__.py the way ComfyUI does (by file path, under a path-like module
    name), in a fresh interpreter; return what it exported."""
    code = f"""
import importlib.util, json, sys
{extra_code}
spec = importlib.util.spec_from_file_location("/x/custom_nodes/motion-transfer", {str(REPO / '__init__.py')!r})
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
print(json.dumps({{"nodes": sorted(module.NODE_CLASS_MAPPINGS), "names": sorted(module.NODE_DISPLAY_NAME_MAPPINGS)}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd="/", check=False)
    assert out.returncode == 0, out.stderr
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "stderr": out.stderr}


def test_root_init_exposes_the_mappings_like_comfyui_loads_it():
    got = _load_root_init()
    assert got["nodes"] == sorted(NODE_CLASS_MAPPINGS)
    assert got["names"] == got["nodes"]


def test_root_init_never_crashes_comfyui_when_the_package_cannot_import():
    got = _load_root_init("sys.modules['motion_transfer'] = None  # as if the package could not be imported")
    assert got["nodes"] == [] and got["names"] == []
    assert "node pack is disabled" in got["stderr"] and "requirements.txt" in got["stderr"]


# ------------------------------------------------------------------------------------------ IMAGE
def test_image_batch_to_png_keeps_the_pixels(tmp_path):
    rng = np.random.default_rng(0)
    batch = rng.random((2, 24, 32, 3), dtype=np.float32)
    path = video_io.image_to_file(batch, tmp_path / "reference_image.png")
    from PIL import Image

    assert path.suffix == ".png"
    got = np.asarray(Image.open(path))
    assert got.shape == (24, 32, 3)
    assert np.abs(got.astype(int) - np.round(batch[0] * 255).astype(int)).max() <= 1  # the first image


def test_image_channels_and_ranges():
    grey = np.full((1, 4, 4, 1), 0.5, np.float32)
    assert video_io.image_to_array(grey).shape == (4, 4, 3)
    rgba = np.zeros((4, 4, 4), np.float32)  # transparent black -> white
    assert (video_io.image_to_array(rgba) == 255).all()
    wild = np.array([[[-1.0, 2.0, np.nan]]], np.float32)
    assert video_io.image_to_array(wild).tolist() == [[[0, 255, 0]]]
    with pytest.raises(InputError):
        video_io.image_to_array(np.zeros((0, 4, 4, 3), np.float32))


def test_a_png_too_big_for_the_rules_becomes_a_jpeg(tmp_path):
    noise = np.random.default_rng(1).random((1, 256, 256, 3), dtype=np.float32)
    path = video_io.image_to_file(noise, tmp_path / "reference_image.png", max_bytes=50_000)
    assert path.suffix == ".jpg" and path.exists() and not (tmp_path / "reference_image.png").exists()


@needs_torch
def test_image_tensor_to_png(tmp_path):
    import torch

    t = torch.linspace(0, 1, 16 * 16 * 3, dtype=torch.float32).reshape(1, 16, 16, 3)
    path = video_io.image_to_file(t, tmp_path / "x.png")
    from PIL import Image

    assert np.asarray(Image.open(path))[-1, -1, -1] == 255


# ------------------------------------------------------------------------------------------ VIDEO
def test_video_from_load_video_is_used_in_place(media, tmp_path):
    video = FakeVideo(str(media / "motion.mp4"))
    assert video_io.video_to_path(video, tmp_path) == media / "motion.mp4"
    assert not list(tmp_path.iterdir())  # nothing copied, nothing decoded


def test_video_in_memory_is_written_once(media, tmp_path):
    data = (media / "motion.mp4").read_bytes()
    video = FakeVideo(io.BytesIO(data))
    path = video_io.video_to_path(video, tmp_path, stem="reference_video")
    assert path == tmp_path / "reference_video.mp4" and path.read_bytes() == data
    webm = FakeVideo(io.BytesIO(b"x"), container="matroska,webm")
    assert video_io.video_to_path(webm, tmp_path / "w").suffix == ".webm"


def test_trimmed_video_and_save_only_video_go_through_save_to(media, tmp_path):
    trimmed = FakeVideo(str(media / "motion.mp4"), trim=(1.0, 0.0))
    path = video_io.video_to_path(trimmed, tmp_path / "a")
    assert trimmed.saved_to == [str(path)] and path.suffix == ".mp4"
    path = video_io.video_to_path(SaveOnlyVideo(media / "motion.mp4"), tmp_path / "b")
    assert path.read_bytes() == (media / "motion.mp4").read_bytes()
    with pytest.raises(InputError):
        video_io.video_to_path(object(), tmp_path / "c")


def test_output_video_outside_comfyui_is_a_readable_stand_in(media):
    video = video_io.video_from_file(media / "motion.mp4")
    if type(video).__name__ != "LocalVideoFile":
        pytest.skip("comfy_api is importable here: the real VideoFromFile is returned")
    assert video.get_dimensions() == (480, 270)
    assert abs(video.get_duration() - 3.2) < 0.2
    assert video.get_frame_rate() == Fraction(12)
    assert video_io.video_to_path(video, "/nonexistent") == media / "motion.mp4"


# ------------------------------------------------------------------------------------------ poses
def _synthetic_track(frames=3, width=200, height=100):
    from motion_transfer.pose.track import PoseTrack

    track = PoseTrack.empty(frames, 10.0, width, height)
    rng = np.random.default_rng(2)
    for i in range(frames - 1):  # the last frame has nobody
        track.body[i, :, 0] = rng.uniform(10, width - 10, 33)
        track.body[i, :, 1] = rng.uniform(10, height - 10, 33)
        track.body[i, :, 2] = 0.0
        track.body[i, :, 3] = 0.9
    track.body[0, 0, 3] = 0.1  # nose barely visible: DWPose would drop it
    track.left_hand[0] = np.concatenate([rng.uniform(10, 90, (21, 2)), np.zeros((21, 1))], axis=1)
    return track


def test_pose_keypoint_has_dwposes_form():
    track = _synthetic_track()
    frames = poses.pose_keypoints(track, 400, 200)
    assert len(frames) == 3
    first = frames[0]
    assert set(first) == {"people", "canvas_height", "canvas_width"}
    assert (first["canvas_width"], first["canvas_height"]) == (400, 200)
    person = first["people"][0]
    assert set(person) == {"pose_keypoints_2d", "face_keypoints_2d", "hand_left_keypoints_2d",
                           "hand_right_keypoints_2d"}
    body = person["pose_keypoints_2d"]
    assert len(body) == 18 * 3 and all(isinstance(v, float) for v in body)
    assert body[0:3] == [0.0, 0.0, 0.0]  # the nose under the confidence threshold
    # right shoulder (OpenPose index 2) is MediaPipe's 12, scaled 2x onto the 400x200 canvas
    assert body[6:9] == pytest.approx([track.body[0, 12, 0] * 2, track.body[0, 12, 1] * 2, 1.0], abs=1e-2)
    assert {body[i] for i in range(2, 54, 3)} <= {0.0, 1.0}
    assert len(person["hand_left_keypoints_2d"]) == 63 and person["hand_right_keypoints_2d"] is None
    assert person["face_keypoints_2d"] is None
    assert frames[2]["people"] == []
    json.dumps(frames)  # plain JSON, as SavePoseKpsAsJsonFile writes it


def test_frame_size_and_head():
    assert poses.frame_size(1920, 1080, 512) == (910, 512)
    assert poses.frame_size(1080, 1920, 512) == (512, 910)
    assert poses.frame_size(641, 359, 0) == (642, 360)
    track = _synthetic_track(frames=5)
    assert len(poses.head(track, 2)) == 2 and poses.head(track, 9) is track
    assert poses.head(track, 2).irises.shape[0] == 2  # the irises kept (the puppet's gaze), cut as the rest
    assert poses.batch_bytes(300, 910, 512) == 300 * 910 * 512 * 12


def test_an_image_batch_too_big_for_the_memory_is_refused_before_any_work():
    from motion_transfer.errors import InputError

    poses.check_batch_memory(300, 910, 512, available=8 * 10**9)  # 1.7 GB of 8 GB free: fine
    with pytest.raises(InputError) as err:
        poses.check_batch_memory(3000, 1920, 1080, available=8 * 10**9)
    assert "74.6 GB" in str(err.value) and "lower max_frames" in str(err.value)


@needs_torch
def test_skeleton_batch_is_comfyui_image_shaped():
    import torch

    track = _synthetic_track()
    batch = poses.skeleton_batch(track, 64, 32)
    assert batch.shape == (3, 32, 64, 3) and batch.dtype == torch.float32
    assert 0.0 <= float(batch.min()) and float(batch.max()) <= 1.0
    assert float(batch[0].max()) > 0.5 and float(batch[2].max()) == 0.0  # drawn / nobody


# ------------------------------------------------------------------------------------------ nodes, run
@needs_torch
def test_pose_track_node(media, fake_comfy):
    node = NODE_CLASS_MAPPINGS["MotionTransferPoseTrack"]()
    images, keypoints, rate = node.track(FakeVideo(str(media / "motion.mp4")), resolution=128, max_frames=10,
                                         frame_rate=0.0, smooth=True)
    assert tuple(images.shape) == (10, 128, 228, 3) and str(images.dtype) == "torch.float32"
    assert len(keypoints) == 10 and rate == 12.0
    assert keypoints[5]["canvas_width"] == 228 and keypoints[5]["people"], "the mannequin was not tracked"
    body = np.array(keypoints[5]["people"][0]["pose_keypoints_2d"]).reshape(18, 3)
    assert (body[:, 2] == 1.0).sum() >= 12 and (body[:, 0] <= 228).all() and (body[:, 1] <= 128).all()
    assert float(images[5].max()) > 0.5
    assert fake_comfy["bars"] and fake_comfy["updates"] and fake_comfy["checks"] > 0


@needs_torch
def test_pose_track_node_reuses_the_motion_cache(media, tmp_path, monkeypatch):
    from motion_transfer.pose import estimator

    monkeypatch.setenv("MOTION_TRANSFER_CACHE_DIR", str(tmp_path / "cache"))
    real, calls = estimator.track_video, []
    monkeypatch.setattr(estimator, "track_video", lambda *a, **k: calls.append(k) or real(*a, **k))
    node = NODE_CLASS_MAPPINGS["MotionTransferPoseTrack"]()
    # ComfyUI hands the node a fresh temp copy of the video on every run: the cache keys on content, not path
    runs = [node.track(FakeVideo(io.BytesIO((media / "short.mp4").read_bytes())), resolution=64, max_frames=12)
            for _ in range(2)]
    assert len(calls) == 1
    assert runs[0][1] == runs[1][1] and bool((runs[0][0] == runs[1][0]).all())


@needs_torch
def test_pose_track_node_resamples_the_frame_rate(media):
    node = NODE_CLASS_MAPPINGS["MotionTransferPoseTrack"]()
    images, keypoints, rate = node.track(FakeVideo(str(media / "motion.mp4")), resolution=64, max_frames=300,
                                         frame_rate=6.0, smooth=False)
    assert rate == 6.0 and abs(len(keypoints) - 3.2 * 6) <= 1 and images.shape[0] == len(keypoints)


@needs_torch
def test_cancel_stops_a_node(media, fake_comfy):
    fake_comfy["interrupt_after"] = 3
    node = NODE_CLASS_MAPPINGS["MotionTransferPoseTrack"]()
    with pytest.raises(fake_comfy["Interrupted"]):
        node.track(FakeVideo(str(media / "motion.mp4")), resolution=64, max_frames=30)


@needs_torch
def test_retarget_node_draws_in_the_characters_frame(media):
    node = NODE_CLASS_MAPPINGS["MotionTransferRetargetPose"]()
    images, keypoints, _ = node.retarget(image_tensor(media / "character.png"),
                                            FakeVideo(str(media / "motion.mp4")), "image", resolution=96,
                                            max_frames=12)
    assert tuple(images.shape) == (12, 128, 96, 3)  # the character image is 3:4
    assert keypoints[0]["canvas_width"] == 96 and keypoints[0]["canvas_height"] == 128
    assert all(frame["people"] for frame in keypoints)
    assert float(images[6].max()) > 0.5


@needs_torch
def test_preflight_node(media):
    node = NODE_CLASS_MAPPINGS["MotionTransferPreflight"]()
    image = image_tensor(media / "character.png")
    out = node.check("", image, FakeVideo(str(media / "motion.mp4")), True, "video", "pro", False)
    text, ok = out["result"]
    assert ok is True and "error(s)" in text and out["ui"]["text"] == [text]
    assert "motion-transfer-comfy-" not in text  # our temp file is named for the input, not shown by path
    text, ok = node.check("", image, FakeVideo(str(media / "short.mp4")), True, "video", "pro", False)["result"]
    assert ok is False and "video_too_short" in text


@needs_torch
def test_preflight_node_fails_on_error_with_the_clis_sentences(media):
    from motion_transfer.api import check
    from motion_transfer.errors import PreflightError

    node = NODE_CLASS_MAPPINGS["MotionTransferPreflight"]()
    video = FakeVideo(io.BytesIO((media / "short.mp4").read_bytes()))  # in memory: a temp copy is made
    with pytest.raises(PreflightError) as err:
        node.check("", image_tensor(media / "character.png"), video, True, "video", "pro", True)
    said = " ".join(str(err.value).split())
    expected = check(media / "character.png", media / "short.mp4")
    assert expected.errors
    for finding in expected.errors:
        assert " ".join(finding.message.split()) in said and " ".join(finding.fix.split()) in said
    assert "motion-transfer-comfy-" not in said  # no temp paths in what the user reads


def _puppet_available() -> bool:
    return "MotionTransfer" in NODE_CLASS_MAPPINGS


@needs_torch
@pytest.mark.skipif(not _puppet_available(), reason="the puppet engine is not importable")
def test_motion_transfer_node_end_to_end(media, fake_comfy):
    node = NODE_CLASS_MAPPINGS["MotionTransfer"]()
    video, report = node.run("", image_tensor(media / "character.png"), FakeVideo(str(media / "motion.mp4")),
                             True, "video", "std")
    from motion_transfer.media.probe import probe

    path = Path(video_io.video_to_path(video, "/nonexistent"))
    info = probe(path, expect="video")
    assert min(info.width, info.height) == 720 and info.has_audio
    assert abs(info.duration - 3.2) < 0.4
    assert "720" in report and "with audio" in report
    assert fake_comfy["updates"], "no progress reached the node's bar"


@needs_torch
@pytest.mark.skipif(not _puppet_available(), reason="the puppet engine is not importable")
def test_motion_transfer_node_refuses_like_the_cli(media):
    from motion_transfer.errors import PreflightError

    node = NODE_CLASS_MAPPINGS["MotionTransfer"]()
    with pytest.raises(PreflightError) as err:
        node.run("", image_tensor(media / "character.png"), FakeVideo(str(media / "short.mp4")), True, "video",
                 "std")
    assert "at least 3 s is needed" in " ".join(str(err.value).split())


@needs_torch
@pytest.mark.skipif("kling" not in nodes.available_engines(), reason="the kling engine is not importable")
def test_motion_transfer_node_with_the_kling_engine(media, monkeypatch, tmp_path):
    """engine=kling against the fake Kling API on loopback: the widgets reach the request, no y/N question
    blocks ComfyUI's worker, and the downloaded result comes back as a VIDEO."""
    sys.path.insert(0, str(Path(__file__).parent))
    from fake_kling import ACCESS_KEY, SECRET_KEY, FakeKling, make_mp4

    from motion_transfer.samples import make_clip

    result = make_mp4(tmp_path / "result.mp4", 1280, 720, seconds=3.2, fps=5).read_bytes()
    make_clip(tmp_path / "motion.mp4", "dance", seconds=3.2, fps=6, size=(640, 360))  # Kling: >= 340 px
    with FakeKling(result_video=result, result_duration="3.2") as fake:
        env = {"KLING_ACCESS_KEY": ACCESS_KEY, "KLING_SECRET_KEY": SECRET_KEY, "KLING_API_BASE": fake.base_url,
               "MOTION_TRANSFER_JOBS_DB": str(tmp_path / "jobs.sqlite"),
               "MOTION_TRANSFER_KLING_POLL": "0.01,0.01,0.02", "MOTION_TRANSFER_KLING_RETRY_SCALE": "0.005",
               "MOTION_TRANSFER_CONFIG": str(tmp_path / "no-config.ini"), "HOME": str(tmp_path)}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)  # as if started from a terminal
        node = NODE_CLASS_MAPPINGS["MotionTransfer"]()
        video, report = node.run("a rooftop at dusk", image_tensor(media / "character.png"),
                                 FakeVideo(str(tmp_path / "motion.mp4")), False, "image", "std", model="kling-v2-6",
                                 engine="kling", video_url="https://example.com/motion.mp4")
        bodies = list(fake.create_bodies)
    from motion_transfer.media.probe import probe

    info = probe(video_io.video_to_path(video, "/nonexistent"), expect="video")
    assert (info.width, info.height) == (1280, 720) and "engine kling" in report
    assert len(bodies) == 1
    body = bodies[0]
    assert body["model_name"] == "kling-v2-6" and body["video_url"] == "https://example.com/motion.mp4"
    assert body["prompt"] == "a rooftop at dusk" and body["character_orientation"] == "image"
    assert body["mode"] == "std" and body["keep_original_sound"] == "no"


# ------------------------------------------------------------------------------------------ workflows
WORKFLOW_FILES = sorted((REPO / "example_workflows").glob("*.json"))
CORE_TYPES = {"LoadImage", "LoadVideo", "SaveVideo", "CreateVideo", "PreviewAny", "MarkdownNote"}


def test_there_are_example_workflows():
    names = {p.stem for p in WORKFLOW_FILES}
    assert {"motion_transfer", "motion_transfer_preflight", "motion_transfer_pose_track"} <= names


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_example_workflow_is_a_consistent_ui_graph(path):
    wf = json.loads(path.read_text())
    assert wf["version"] == 0.4 and wf["nodes"] and wf["links"]
    ids = {n["id"] for n in wf["nodes"]}
    assert wf["last_node_id"] == max(ids) and wf["last_link_id"] == max(link[0] for link in wf["links"])
    by_id = {n["id"]: n for n in wf["nodes"]}
    for link_id, src, src_slot, dst, dst_slot, kind in wf["links"]:
        assert link_id in by_id[src]["outputs"][src_slot]["links"]
        assert by_id[dst]["inputs"][dst_slot]["link"] == link_id
        assert by_id[src]["outputs"][src_slot]["type"] == kind
    for node in wf["nodes"]:
        assert node["type"] in CORE_TYPES | set(NODE_CLASS_MAPPINGS) | set(nodes_ids()), node["type"]
        if node["type"] in nodes_ids():
            cls = {i: c for i, c, _, _ in nodes.NODES}[node["type"]]
            spec = cls.INPUT_TYPES()
            widgets = [n for s in ("required", "optional") for n, e in spec.get(s, {}).items()
                       if isinstance(e[0], list) or e[0] in WIDGET_TYPES]
            assert len(node["widgets_values"]) == len(widgets), node["type"]
            for name, value in zip(widgets, node["widgets_values"]):
                entry = {**spec["required"], **spec.get("optional", {})}[name]
                if isinstance(entry[0], list):
                    assert value in entry[0] or name == "engine", (name, value)
            sockets = [i["name"] for i in node["inputs"]]
            assert sockets == [n for s in ("required", "optional") for n, e in spec.get(s, {}).items()
                               if not isinstance(e[0], list) and e[0] not in WIDGET_TYPES]
            assert [o["type"] for o in node["outputs"]] == list(cls.RETURN_TYPES)
            assert node["properties"]["cnr_id"] == "motion-transfer"


def nodes_ids() -> list[str]:
    return [node_id for node_id, _, _, _ in nodes.NODES]

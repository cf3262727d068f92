"""wan-animate without torch: settings, the weights folder check, mode mapping and sizes, the segment layout, and
the conditioning frames (pose, face, mask, reference) made from our own analysis."""
from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from motion_transfer.engines.wan_animate import conditioning as cond
from motion_transfer.engines.wan_animate.plan import choose_mode, make_plan, model_size
from motion_transfer.engines.wan_animate.segments import Segments, reflect_indices
from motion_transfer.engines.wan_animate.settings import ENV_MODEL, WanSettings
from motion_transfer.engines.wan_animate.weights import check_folder, locate
from motion_transfer.errors import ConfigError, InputError
from motion_transfer.pose.skeleton import J
from motion_transfer.pose.track import PoseTrack
from motion_transfer.request import Request


# --------------------------------------------------------------------------------------------- settings
def test_settings_defaults_follow_the_model_recipe():
    s = WanSettings.from_options({})
    assert (s.segment_frames, s.overlap, s.steps, s.area, s.offload, s.vae_tiling) == (77, 5, 20, 1280 * 720,
                                                                                      "auto", True)


@pytest.mark.parametrize("bad", [{"offload": "disk"}, {"segment_frames": 76}, {"overlap": 3},
                                 {"segment_frames": 9, "overlap": 5}, {"steps": 0}, {"device": "tpu"}])
def test_settings_refuse_values_the_pipeline_cannot_take(bad):
    with pytest.raises(InputError) as err:
        WanSettings.from_options(bad)
    assert "wan-animate setting" in str(err.value) and err.value.fix


# ----------------------------------------------------------------------------------------------- weights
def _safetensors(path, shapes: dict[str, list[int]], truncate: int = 0) -> None:
    """A valid safetensors file (float32 zeros) written by hand, optionally cut short by ``truncate`` bytes."""
    header, offset = {}, 0
    for name, shape in shapes.items():
        n = int(np.prod(shape)) * 4
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header).encode()
    data = struct.pack("<Q", len(raw)) + raw + bytes(offset)
    path.write_bytes(data[:len(data) - truncate] if truncate else data)


def _fake_model(folder, *, sharded: bool = True):
    """A folder in WanAnimatePipeline's diffusers layout with tiny, hand-written weight files."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"_class_name": "WanAnimatePipeline", "_diffusers_version": "0.36.0",
            "transformer": ["diffusers", "WanAnimateTransformer3DModel"], "vae": ["diffusers", "AutoencoderKLWan"],
            "text_encoder": ["transformers", "UMT5EncoderModel"], "tokenizer": ["transformers", "T5TokenizerFast"],
            "image_encoder": ["transformers", "CLIPVisionModel"],
            "image_processor": ["transformers", "CLIPImageProcessor"],
            "scheduler": ["diffusers", "UniPCMultistepScheduler"]}
    (folder / "model_index.json").write_text(json.dumps(spec))
    for name, cfg in (("transformer", {"num_layers": 4, "num_attention_heads": 2, "attention_head_dim": 8,
                                       "ffn_dim": 32}),
                      ("vae", {}), ("text_encoder", {"num_layers": 2}), ("image_encoder", {})):
        sub = folder / name
        sub.mkdir()
        (sub / "config.json").write_text(json.dumps(cfg))
        if name == "transformer" and sharded:
            shards = {"a.weight": "diffusion_pytorch_model-00001-of-00002.safetensors",
                      "b.weight": "diffusion_pytorch_model-00002-of-00002.safetensors"}
            (sub / "diffusion_pytorch_model.safetensors.index.json").write_text(json.dumps({"weight_map": shards}))
            _safetensors(sub / shards["a.weight"], {"a.weight": [10, 10]})
            _safetensors(sub / shards["b.weight"], {"b.weight": [5]})
        else:
            fname = "diffusion_pytorch_model.safetensors" if name in ("transformer", "vae") else "model.safetensors"
            _safetensors(sub / fname, {"w": [3, 4]})
    for name, files in (("tokenizer", ("tokenizer_config.json", "tokenizer.json")),
                        ("scheduler", ("scheduler_config.json",)), ("image_processor", ("preprocessor_config.json",))):
        (folder / name).mkdir()
        for f in files:
            (folder / name / f).write_text("{}")
    return folder


def test_a_complete_folder_is_accepted_and_its_parameters_counted_from_headers(tmp_path):
    folder = check_folder(_fake_model(tmp_path / "wan"))
    assert folder.params == {"transformer": 105, "vae": 12, "text_encoder": 12, "image_encoder": 12}
    assert folder.layers["transformer"] == 4


def test_no_weights_given_is_one_sentence_naming_both_ways(monkeypatch):
    monkeypatch.delenv(ENV_MODEL, raising=False)
    with pytest.raises(ConfigError) as err:
        locate(None)
    text = str(err.value)
    assert "no Wan2.2-Animate weights" in text and "--model-path" in text and ENV_MODEL in text


def test_the_environment_variable_names_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_MODEL, str(_fake_model(tmp_path / "wan")))
    assert locate(None).path == tmp_path / "wan"


def test_a_hub_id_is_never_downloaded_without_permission(monkeypatch):
    monkeypatch.delenv(ENV_MODEL, raising=False)
    with pytest.raises(ConfigError) as err:
        locate("Wan-AI/Wan2.2-Animate-14B-Diffusers")
    assert "nothing is downloaded unless you allow it" in str(err.value) and "--allow-download" in str(err.value)


def test_a_missing_folder_and_a_wrong_model_are_named(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        locate(str(tmp_path / "nowhere"))
    folder = _fake_model(tmp_path / "t2v")
    spec = json.loads((folder / "model_index.json").read_text())
    spec["_class_name"] = "WanPipeline"
    (folder / "model_index.json").write_text(json.dumps(spec))
    with pytest.raises(ConfigError, match="holds a WanPipeline model, not Wan2.2-Animate"):
        locate(str(folder))
    with pytest.raises(ConfigError, match="no model_index.json"):
        locate(str(tmp_path))


def test_an_incomplete_folder_names_every_missing_file(tmp_path):
    folder = _fake_model(tmp_path / "wan")
    (folder / "transformer" / "diffusion_pytorch_model-00002-of-00002.safetensors").unlink()
    (folder / "vae" / "config.json").unlink()
    (folder / "tokenizer" / "tokenizer.json").unlink()
    with pytest.raises(ConfigError) as err:
        locate(str(folder))
    text = str(err.value)
    assert "is incomplete" in text
    for name in ("transformer/diffusion_pytorch_model-00002-of-00002.safetensors", "vae/config.json",
                 "tokenizer/tokenizer.json"):
        assert name in text


def test_a_shard_cut_short_by_an_interrupted_download_is_caught(tmp_path):
    folder = _fake_model(tmp_path / "wan", sharded=False)
    _safetensors(folder / "vae" / "diffusion_pytorch_model.safetensors", {"w": [64, 64]}, truncate=100)
    with pytest.raises(ConfigError, match=r"damaged weight files: vae/diffusion_pytorch_model.safetensors \(cut short"):
        locate(str(folder))


# ------------------------------------------------------------------------------------------ mode and plan
def _req(tmp_path, **kw) -> Request:
    return Request(image=tmp_path / "c.png", video=tmp_path / "m.mp4", output=tmp_path / "o.mp4", **kw)


def test_mode_mapping(tmp_path):
    video = tmp_path / "m.mp4"
    video.write_bytes(b"x")
    assert choose_mode(_req(tmp_path)) == "animate"
    assert choose_mode(_req(tmp_path, background="green")) == "animate"
    assert choose_mode(_req(tmp_path, background="video")) == "replace"
    assert choose_mode(_req(tmp_path, background=str(video))) == "replace"  # the motion video's own file
    assert choose_mode(_req(tmp_path, orientation="image")) == "animate"
    with pytest.raises(InputError, match="needs --orientation video"):
        choose_mode(_req(tmp_path, orientation="image", background="video"))


@pytest.mark.parametrize("aspect,expected", [((16, 9), (1280, 720)), ((9, 16), (720, 1280)),
                                             ((4, 3), (1104, 832)), ((1, 1), (960, 960))])
def test_model_sizes_keep_the_aspect_in_multiples_of_16_within_the_training_area(aspect, expected):
    w, h = model_size(*aspect, 1280 * 720)
    assert (w, h) == expected and w % 16 == 0 and h % 16 == 0 and w * h <= 1280 * 720


def test_plan_frames_follow_the_orientation_and_pro_is_an_upscale(tmp_path):
    settings = WanSettings()
    std = make_plan(_req(tmp_path), (720, 960), (1920, 1080), 60.0, settings)
    assert (std.gen_w, std.gen_h, std.out_w, std.out_h, std.fps) == (1280, 720, 1280, 720, 30.0)
    assert std.mode == "animate" and std.upscale == pytest.approx(1.0)
    pro = make_plan(_req(tmp_path, tier="pro"), (720, 960), (1920, 1080), 24.0, settings)
    assert (pro.out_w, pro.out_h, pro.fps) == (1920, 1080, 24.0) and pro.upscale == pytest.approx(1.5)
    portrait = make_plan(_req(tmp_path, orientation="image"), (720, 960), (1920, 1080), 30.0, settings)
    assert portrait.gen_w < portrait.gen_h and (portrait.out_w, portrait.out_h) == (720, 960)


# ----------------------------------------------------------------------------------------------- segments
@pytest.mark.parametrize("frames,length,overlap", [(24, 9, 1), (30, 13, 5), (900, 77, 5), (77, 77, 5),
                                                   (78, 77, 1), (10, 9, 1)])
def test_segments_write_every_frame_exactly_once_and_continue_from_the_previous_end(frames, length, overlap):
    seg = Segments(frames, length, overlap)
    written = [i for k in range(seg.count) for i in seg.new_frames(k)]
    assert written == list(range(frames))
    assert (frames + seg.padding - overlap) % seg.effective == 0 and seg.padding < seg.effective
    for k in range(1, seg.count):
        # the continuation frames are the previous segment's last frames, generated there
        assert seg.start(k) == seg.start(k - 1) + length - overlap
        assert list(seg.source_indices(k)[:overlap]) == list(seg.source_indices(k - 1)[-overlap:])
        assert seg.keep_from(k) <= min(seg.source_indices(j).min() for j in range(k, seg.count))
    assert all(len(seg.source_indices(k)) == length for k in range(seg.count))


def test_the_last_segment_is_padded_by_reflection_like_the_pipeline():
    assert reflect_indices(4, 10).tolist() == [0, 1, 2, 3, 2, 1, 0, 1, 2, 3]
    seg = Segments(10, 9, 1)  # padding 7: the second segment reads 8, 9, then back 8, 7, ...
    assert seg.source_indices(1).tolist() == [8, 9, 8, 7, 6, 5, 4, 3, 2]
    assert list(seg.new_frames(1)) == [9]


# ------------------------------------------------------------------------------------------- conditioning
def _body(points: dict[str, tuple[float, float]], vis: float = 1.0) -> np.ndarray:
    body = np.full((33, 4), np.nan, np.float32)
    for name, (x, y) in points.items():
        body[J[name]] = (x, y, 0.0, vis)
    return body


def test_pose_frames_are_drawn_as_wan_draws_them():
    h, w = 720, 1280
    body = _body({"left_shoulder": (700, 200), "right_shoulder": (580, 200), "left_elbow": (700, 400)})
    img = cond.draw_wan_pose(h, w, body)
    stick = max(720 // 200 - 1, 1)
    # limb LShoulder->LElbow is Wan's 5th limb (orange-yellow at 60%), drawn half way down the upper arm
    assert tuple(img[300, 700]) == tuple(int(c * 0.6) for c in cond.WAN_COLORS[4])
    # the joint discs carry the full colours: left elbow is point 7 (index 6)
    assert tuple(img[400, 700]) == cond.WAN_COLORS[6]
    assert img[300, 700 + stick + 3].sum() == 0  # the stick is thin: Wan's width, not OpenPose's
    assert img[:150].sum() == 0  # nothing where no joint is


def test_hidden_joints_are_left_out_and_hands_are_drawn():
    body = _body({"left_shoulder": (700, 200), "left_elbow": (700, 400)}, vis=0.2)
    hand = np.zeros((21, 3), np.float32)
    hand[:, 0] = np.linspace(100, 200, 21)
    hand[:, 1] = 300
    img = cond.draw_wan_pose(720, 1280, body, left_hand=hand)
    assert img[:, 600:].sum() == 0  # low-visibility body joints: no body drawn
    assert tuple(img[300, 100]) == cond.HAND_POINT  # the wrist's blue disc


def _face_track(frames: int = 5, missing: tuple[int, ...] = ()) -> PoseTrack:
    track = PoseTrack.empty(frames, 30.0, 640, 480)
    rng = np.random.default_rng(0)
    mesh = np.zeros((468, 3), np.float32)
    mesh[:, 0] = rng.uniform(300, 340, 468)
    mesh[:, 1] = rng.uniform(100, 160, 468)
    for i in range(frames):
        if i not in missing:
            track.face[i] = mesh + [i * 2, 0, 0]
    return track


def test_face_boxes_grow_the_landmark_box_as_wan_does_and_fill_gaps():
    track = _face_track(missing=(2,))
    boxes = cond.face_boxes(track)
    from motion_transfer.pose.openpose import face70

    pts = face70(track.face[0])[:68, :2]
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    bx0, bx1, by0, by1 = boxes[0]
    area = (bx1 - bx0) * (by1 - by0)
    assert area == pytest.approx(1.3 * (x1 - x0) * (y1 - y0), rel=0.06)
    assert (y0 - by0) == pytest.approx(3 * (by1 - y1), abs=2)  # the extra height goes 3:1 above the face
    assert boxes[2, 0] == pytest.approx((boxes[1, 0] + boxes[3, 0]) / 2, abs=1)  # interpolated gap
    crop = cond.face_crop(np.zeros((480, 640, 3), np.uint8), boxes[0], 512)
    assert crop.shape == (512, 512, 3)


def test_without_a_face_mesh_the_box_comes_from_the_head_points():
    track = PoseTrack.empty(3, 30.0, 640, 480)
    for name, xy in (("left_ear", (340, 120)), ("right_ear", (300, 120)), ("left_eye", (328, 115)),
                     ("right_eye", (312, 115)), ("nose", (320, 125)), ("mouth_left", (326, 135)),
                     ("mouth_right", (314, 135))):
        track.body[:, J[name]] = (*xy, 0.0, 1.0)
    x0, x1, y0, y1 = cond.face_boxes(track)[1]
    assert x0 < 300 and x1 > 340 and y0 < 115 and y1 > 135


def test_replace_masks_cover_actor_and_character_and_black_out_the_background():
    body = np.full((1, 33, 4), np.nan, np.float32)
    for name, xy in (("left_shoulder", (120, 100)), ("right_shoulder", (80, 100)), ("left_hip", (115, 200)),
                     ("right_hip", (85, 200)), ("left_ankle", (115, 300)), ("nose", (100, 70))):
        body[0, J[name]] = (*xy, 0.0, 1.0)
    empty_hands = (np.full((1, 21, 3), np.nan, np.float32),) * 2
    actor = cond.body_boxes(body, empty_hands, (640, 360))[0]
    moved = body.copy()
    moved[..., 0] += 300
    char = cond.body_boxes(moved, empty_hands, (640, 360))[0]
    mask = cond.replace_mask(360, 640, [actor, char])
    assert mask[70, 100] == 255 and mask[300, 115] == 255 and mask[200, 400] == 255
    assert mask[10, 250] == 0 and mask[200, 250] == 0  # between and above the two boxes stays background
    assert actor[1] < 70 - 0.5 * 100  # room above the nose for hair (0.6 torso lengths)


def test_reference_is_the_whole_image_and_a_still_background_goes_behind_the_character():
    rgb = np.full((400, 300, 3), 200, np.uint8)
    rgb[100:300, 100:200] = (255, 0, 0)
    person = np.zeros((400, 300), np.float32)
    person[100:300, 100:200] = 1.0
    laid = cond.composite(rgb, person, (0, 0, 255))
    assert tuple(laid[200, 150]) == (255, 0, 0) and tuple(laid[20, 20]) == (0, 0, 255)
    fitted = cond.fit_reference(laid, 1280, 720)
    assert fitted.shape == (720, 1280, 3)
    assert tuple(fitted[360, 640]) == (255, 0, 0)  # the character sits in the middle, whole


def test_cli_options_reach_the_engine_settings():
    from motion_transfer.cli import build_parser
    from motion_transfer.cli_wan import options

    args = build_parser().parse_args(["run", "a.png", "b.mp4", "-o", "c.mp4", "--engine", "wan-animate",
                                      "--model-path", "/models/wan", "--offload", "group", "--no-vae-tiling",
                                      "--steps", "30"])
    settings = WanSettings.from_options(options(args))
    assert (settings.model_path, settings.offload, settings.vae_tiling, settings.steps) == ("/models/wan", "group",
                                                                                            False, 30)
    defaults = options(build_parser().parse_args(["run", "a.png", "b.mp4", "-o", "c.mp4"]))
    assert defaults == {} and WanSettings.from_options(defaults).vae_tiling

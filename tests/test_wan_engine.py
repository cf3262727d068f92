"""wan-animate on the CPU with a tiny, randomly initialised WanAnimatePipeline (built from configs in
``wan_tiny.py``; nothing downloaded): our segment sampler against the pipeline's own ``__call__``, the engine
end to end (modes, sizes, sound, comparison, progress), cancellation, and the GPU errors."""
from __future__ import annotations

import av
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="wan-animate tests need torch (pip install torch==2.13.0)")
diffusers = pytest.importorskip("diffusers", reason="wan-animate tests need the [wan] extra (diffusers)")
pytest.importorskip("transformers", reason="wan-animate tests need the [wan] extra (transformers)")
pytest.importorskip("ftfy", reason="wan-animate tests need the [wan] extra (ftfy)")
if not hasattr(diffusers, "WanAnimatePipeline"):
    pytest.skip(f"diffusers {diffusers.__version__} has no WanAnimatePipeline (0.36+)", allow_module_level=True)

from PIL import Image  # noqa: E402

from motion_transfer.engines.wan_animate import WanAnimateEngine  # noqa: E402
from motion_transfer.engines.wan_animate.sampler import SegmentInputs, sample  # noqa: E402
from motion_transfer.engines.wan_animate.segments import Segments, reflect_indices  # noqa: E402
from motion_transfer.errors import ConfigError, DependencyError, InputError  # noqa: E402
from motion_transfer.request import Request  # noqa: E402
from motion_transfer.samples import make_character, make_clip  # noqa: E402

from wan_tiny import FACE_SIZE, save_tiny, tiny_pipeline  # noqa: E402

FPS = 8
SECONDS = 3.0
TINY = {"device": "cpu", "area": 48 * 32, "segment_frames": 9, "overlap": 1, "steps": 2}


@pytest.fixture(autouse=True)
def one_thread():
    """Two cores shared by many processes: one torch thread is 10x faster than two fighting (measured)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wan")
    save_tiny(folder / "model")
    image, video = folder / "character.png", folder / "dance.mp4"
    make_character(image, size=(240, 320))
    clip = make_clip(video, "dance", seconds=SECONDS, fps=FPS, size=(320, 240), audio=True)
    return folder, image, video, clip


def _request(media, name: str, **kw) -> Request:
    folder, image, video, clip = media
    options = {"model_path": str(folder / "model"), "pose_track": clip.to_track(), **TINY, **kw.pop("options", {})}
    return Request(image=image, video=video, output=folder / f"{name}.mp4", options=options, **kw)


def _info(path):
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        frames = sum(1 for _ in c.decode(video=0))
        return v.width, v.height, float(v.average_rate), frames, len(c.streams.audio) > 0


# ---------------------------------------------------------------------------------------- the sampler
@pytest.mark.parametrize("mode,length,overlap", [("animate", 13, 5), ("replace", 9, 1)])
def test_segment_sampler_gives_the_pipelines_own_frames(mode, length, overlap):
    """Streaming segment by segment changes nothing: same frames as ``pipe(...)`` with the same seed."""
    pipe = tiny_pipeline()
    pipe.set_progress_bar_config(disable=True)
    rng = np.random.default_rng(1)
    n, h, w = 14, 32, 48

    def frames(size, count=n, gray=False):
        shape = (size[1], size[0]) if gray else (size[1], size[0], 3)
        return [Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8)) for _ in range(count)]

    pose, face, bg = frames((w, h)), frames((FACE_SIZE, FACE_SIZE)), frames((w, h))
    mask = [Image.fromarray(np.where(rng.random((h, w)) > 0.5, 255, 0).astype(np.uint8)) for _ in range(n)]
    image = frames((w, h), 1)[0]
    extra = {"background_video": bg, "mask_video": mask} if mode == "replace" else {}
    expected = pipe(image=image, pose_video=pose, face_video=face, prompt="a dancer", height=h, width=w,
                    segment_frame_length=length, num_inference_steps=2, mode=mode,
                    prev_segment_conditioning_frames=overlap, generator=torch.Generator().manual_seed(7),
                    max_sequence_length=8, output_type="np", **extra).frames[0]
    seg = Segments(n, length, overlap)

    def inputs(k):
        idx = seg.source_indices(k)

        def pick(xs):
            return [xs[i] for i in idx]
        return SegmentInputs(pick(pose), pick(face), pick(bg) if extra else None, pick(mask) if extra else None)

    steps = []
    got = np.concatenate(list(sample(pipe, image=image, segments=seg, inputs=inputs, prompt="a dancer", height=h,
                                     width=w, steps=2, mode=mode, generator=torch.Generator().manual_seed(7),
                                     max_sequence_length=8, on_step=lambda *a: steps.append(a))))
    assert seg.count == 2 and got.shape == expected.shape == (n, h, w, 3)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert steps == [(k, 2, s, 2) for k in range(2) for s in (1, 2)]


def test_between_segments_the_sampler_keeps_only_the_continuation_frames():
    """While the caller writes a segment's frames and while the next one is sampled, the decoded segment must not
    stay on the GPU (0.85 GB at 720p): only its last ``overlap`` frames, which the next segment continues from."""
    pipe = tiny_pipeline()
    n, h, w, length, overlap = 14, 32, 48, 9, 1
    rng = np.random.default_rng(2)
    still = [Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)) for _ in range(n)]
    face = [Image.fromarray(rng.integers(0, 256, (FACE_SIZE, FACE_SIZE, 3), dtype=np.uint8)) for _ in range(n)]
    seg = Segments(n, length, overlap)
    chunks = sample(pipe, image=still[0], segments=seg, inputs=lambda k: SegmentInputs(still[:length], face[:length]),
                    prompt="a dancer", height=h, width=w, steps=1, mode="animate", max_sequence_length=8)
    for _ in range(seg.count):
        next(chunks)
        held = [v.shape[2] for v in chunks.gi_yieldfrom.gi_frame.f_locals.values()
                if torch.is_tensor(v) and v.ndim == 5 and tuple(v.shape[-2:]) == (h, w)]
        assert held == [overlap]
    chunks.close()


def test_reflection_padding_is_the_pipelines():
    pipe_pad = diffusers.WanAnimatePipeline.pad_video_frames
    for n, target in ((5, 13), (14, 17), (3, 11)):
        assert reflect_indices(n, target).tolist() == pipe_pad(None, list(range(n)), target)


# ------------------------------------------------------------------------------------------- end to end
def test_animate_mode_in_video_orientation_with_sound_comparison_and_progress(media):
    calls = []
    req = _request(media, "animate", compare=media[0] / "animate_cmp.mp4", prompt="a dancer on the beach")
    res = WanAnimateEngine().run(req, None, lambda stage, done, total: calls.append((stage, done, total)))
    w, h, fps, frames, audio = _info(req.output)
    n = int(SECONDS * FPS)
    assert (w, h) == (960, 720)  # std: 720 px high, the video's 4:3
    assert fps == pytest.approx(FPS) and frames == n == res.frames and audio and res.has_audio
    assert res.extra["mode"] == "animate" and res.extra["segments"] == 3
    assert res.extra["generated_size"] == [48, 32]
    assert [f.code for f in res.findings] == ["wan_upscaled"]  # 32 px generated, 720 px written: said plainly
    cw, ch, _, cframes, _ = _info(req.compare)
    assert ch == 720 and cw > 960 and cframes == n
    segments = [c for c in calls if c[0].startswith("wan: segment")]
    assert [c[0] for c in segments[::2]] == ["wan: segment 1/3", "wan: segment 2/3", "wan: segment 3/3"]
    assert all(total == 2 for _, _, total in segments) and len(segments) == 3 * 2


def test_replace_mode_uses_the_videos_background_and_image_orientation_keeps_the_images_frame(media):
    replace = WanAnimateEngine().run(_request(media, "replace", background="video"), None, None)
    assert replace.extra["mode"] == "replace" and (replace.width, replace.height) == (960, 720)
    portrait = WanAnimateEngine().run(_request(media, "portrait", orientation="image", background="#00ff00",
                                               keep_sound=False), None, None)
    w, h, _, frames, audio = _info(portrait.output)
    assert portrait.extra["mode"] == "animate" and (w, h) == (720, 960) and not audio
    assert frames == int(SECONDS * FPS)


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError])
def test_cancelling_mid_run_stops_between_steps_and_writes_nothing(media, stop):
    """Ctrl-C arrives as KeyboardInterrupt; ComfyUI's Cancel as an exception raised from the progress callback."""
    req = _request(media, f"cancel_{stop.__name__}")
    seen = []

    def progress(stage, done, total):
        seen.append(stage)
        if stage == "wan: segment 2/3":
            raise stop("cancelled")

    with pytest.raises(stop):
        WanAnimateEngine().run(req, None, progress)
    assert seen[-1] == "wan: segment 2/3" and "wan: segment 3/3" not in seen
    assert not req.output.exists()
    assert not [p for p in req.output.parent.iterdir() if p.name.startswith(".") and "cancel" in p.name]


def test_a_cancelled_run_lets_go_of_the_model_while_the_error_is_still_held(media, monkeypatch):
    """ComfyUI keeps the error of a cancelled prompt and a notebook keeps ``sys.last_traceback``: the traceback's
    frames must not keep the pipeline (on a GPU, every weight the run loaded) alive. Seen on an H200: the tiny
    model's tensors stayed allocated until the exception was dropped."""
    import gc
    import weakref

    from motion_transfer.engines.wan_animate import gpu

    loaded = []
    real = gpu.load_pipeline
    monkeypatch.setattr(gpu, "load_pipeline", lambda *a: loaded.append(weakref.ref(p := real(*a))) or p)

    def progress(stage, done, total):
        if stage == "wan: segment 2/3":
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError, match="cancelled") as err:
        WanAnimateEngine().run(_request(media, "cancel_frees"), None, progress)
    gc.collect()
    assert err.tb is not None and len(loaded) == 1
    assert loaded[0]() is None


# ---------------------------------------------------------------------------------------------- errors
def test_the_cli_says_which_weights_are_missing_before_any_work(media, tmp_path, capsys, monkeypatch):
    from motion_transfer import cli
    from motion_transfer.engines.wan_animate.settings import ENV_MODEL

    monkeypatch.delenv(ENV_MODEL, raising=False)
    _, image, video, _ = media
    out = tmp_path / "o.mp4"
    code = cli.main(["run", str(image), str(video), "-o", str(out), "--engine", "wan-animate"])
    err = capsys.readouterr().err
    assert code == 2 and "no Wan2.2-Animate weights were given" in err and not out.exists()


def test_transfer_checks_the_model_folder_before_the_preflight(media, tmp_path, monkeypatch):
    import shutil

    import motion_transfer.api as api

    folder, image, video, _ = media
    broken = tmp_path / "model"
    shutil.copytree(folder / "model", broken)
    (broken / "vae" / "diffusion_pytorch_model.safetensors").unlink()
    monkeypatch.setattr(api, "_preflight", lambda *a, **k: pytest.fail("the preflight ran first"))
    with pytest.raises(ConfigError, match="incomplete: missing vae/diffusion_pytorch_model.safetensors"):
        api.transfer(image, video, tmp_path / "o.mp4", engine="wan-animate", model_path=str(broken))


def test_no_cuda_gpu_is_one_sentence(media, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    req = _request(media, "nogpu", options={"device": "cuda"})
    with pytest.raises(DependencyError, match="needs an NVIDIA GPU with CUDA, and torch .* finds none"):
        WanAnimateEngine().ready(req)


def test_a_gpu_number_past_the_last_gpu_is_one_sentence(media, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(ConfigError, match=r"'cuda:1' names GPU 1, and torch sees 1 GPU \(numbered from 0\)"):
        WanAnimateEngine().ready(_request(media, "gpu1", options={"device": "cuda:1"}))


def test_too_little_gpu_memory_for_the_chosen_offload_names_one_that_fits(media, monkeypatch):
    from motion_transfer.engines.wan_animate import gpu

    need = {"none": 60e9, "model": 40e9, "group": 12e9}
    monkeypatch.setattr(gpu, "estimates", lambda *a, **k: dict(need))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda index=0: (24e9, 25.8e9))
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=0: "Fake RTX 4090")
    with pytest.raises(ConfigError) as err:
        WanAnimateEngine().ready(_request(media, "mem", options={"device": "cuda", "offload": "none"}))
    text = str(err.value)
    assert "Fake RTX 4090 has 24.0 GB free" in text and "--offload none needs about 60.0 GB" in text
    assert "use --offload group" in text
    chosen = WanAnimateEngine().ready(_request(media, "auto", options={"device": "cuda"}))
    assert chosen.offload == "group"  # auto: the fastest setting that fits
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda index=0: (8e9, 8.5e9))
    with pytest.raises(ConfigError, match="free the GPU of other programs"):
        WanAnimateEngine().ready(_request(media, "small", options={"device": "cuda"}))


def test_memory_estimates_shrink_with_offload_and_tiling(media):
    from motion_transfer.engines.wan_animate.gpu import Shapes, estimates
    from motion_transfer.engines.wan_animate.weights import ModelFolder

    folder = ModelFolder(path=media[0], params={"transformer": 16_000_000_000, "text_encoder": 5_700_000_000,
                                                "image_encoder": 630_000_000, "vae": 130_000_000},
                         layers={"transformer": 40})
    shapes = Shapes(1280, 720, 77)
    tiled, whole = estimates(folder, shapes, True), estimates(folder, shapes, False)
    assert tiled["none"] > tiled["model"] > tiled["group"]
    assert tiled["none"] > 2 * 22.4e9  # all weights in bf16 at least
    assert whole["none"] > tiled["none"] and whole["group"] > tiled["group"] + 20e9
    assert whole["model"] == tiled["model"]  # the transformer's steps, not the decoding, set its peak


@pytest.mark.parametrize("offload,tiling,held", [("none", True, 6283e6), ("none", False, 30669e6),
                                                 ("model", True, 6478e6), ("group", True, 6237e6)])
def test_memory_estimates_cover_what_an_h200_measured(media, offload, tiling, held):
    """``bench/wan_gpu_check.py`` on an H200: Wan's own VAE and a 1024-wide, 4-block transformer with random
    weights at 1280x720, one 77-frame segment. ``held``: the allocator's peak (max_memory_reserved); the CUDA
    context took 649 MB more. The engine's estimate must not promise less than that."""
    from motion_transfer.engines.wan_animate.gpu import Shapes, estimates
    from motion_transfer.engines.wan_animate.weights import ModelFolder

    folder = ModelFolder(path=media[0], params={"transformer": 92_762_844, "vae": 126_892_531,
                                                "text_encoder": 5_744, "image_encoder": 2_816},
                         layers={"transformer": 4})
    need = estimates(folder, Shapes(1280, 720, 77, dim=1024, ffn=4096), tiling)[offload]
    assert held + 649e6 <= need <= 1.3 * (held + 649e6)


def test_a_different_background_video_is_refused(media, tmp_path):
    other = tmp_path / "other.mp4"
    make_clip(other, "wave", seconds=1.0, fps=8, size=(64, 48))
    with pytest.raises(InputError, match="cannot use a different background video"):
        WanAnimateEngine().ready(_request(media, "bgvideo", background=str(other)))

from fractions import Fraction

import av
import numpy as np
import pytest
from av.video.frame import PictureType
from PIL import Image

from conftest import write_clip
from motion_transfer.errors import InputError
from motion_transfer.media.frames import iter_frames, read_image, split_alpha
from motion_transfer.media.probe import probe
from motion_transfer.media.writer import VideoWriter


@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif"),
                                     ("AVIF", "avif")])
def test_probe_images_by_content(tmp_path, fmt, ext):
    path = tmp_path / f"char.{ext}"
    Image.fromarray(np.full((30, 40, 3), 128, np.uint8)).save(path, format=fmt)
    info = probe(path, expect="image")
    assert (info.kind, info.width, info.height) == ("image", 40, 30)
    assert info.format == {"JPEG": "jpeg"}.get(fmt, fmt.lower())
    assert info.bytes == path.stat().st_size


def test_extension_is_not_trusted(tmp_path):
    path = tmp_path / "actually_png.jpg"
    Image.fromarray(np.zeros((10, 10, 3), np.uint8)).save(path, format="PNG")
    assert probe(path).format == "png"


def test_exif_rotation_swaps_size(tmp_path):
    path = tmp_path / "rot.jpg"
    img = Image.fromarray(np.zeros((20, 50, 3), np.uint8))
    exif = img.getexif()
    exif[0x0112] = 6
    img.save(path, exif=exif)
    info = probe(path)
    assert (info.width, info.height, info.rotation) == (20, 50, 90)
    assert read_image(path).shape == (50, 20, 3)


@pytest.mark.parametrize("name,spec,fmt", [
    ("a.mp4", None, "mp4"),
    ("a.webm", ("webm", "libvpx-vp9", "yuv420p"), "webm"),
    ("a.mov", ("mov", "mpeg4", "yuv420p"), "mov"),
    ("a.m4v", ("ipod", "libx264", "yuv420p"), "m4v"),
    ("a.gif", ("gif", "gif", "rgb8"), "gif"),
])
def test_probe_videos(tmp_path, name, spec, fmt):
    path = write_clip(tmp_path / name, seconds=1.0, fps=10, codec_format=spec)
    info = probe(path, expect="video")
    assert info.kind == "video" and info.format == fmt
    assert (info.width, info.height) == (64, 48)
    assert info.frame_count == 10
    assert info.duration == pytest.approx(1.0, abs=0.05)
    assert info.fps == pytest.approx(10, abs=0.1)


def test_probe_audio_presence(tmp_path):
    assert probe(write_clip(tmp_path / "s.mp4", audio=True)).has_audio
    assert not probe(write_clip(tmp_path / "n.mp4")).has_audio


@pytest.mark.parametrize("setup,code", [
    (lambda p: None, "missing"),
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_text("hello, I am text"), "unknown_format"),
    (lambda p: p.mkdir(), "not_a_file"),
])
def test_bad_paths_are_clear_errors(tmp_path, setup, code):
    path = tmp_path / "input.mp4"
    setup(path)
    with pytest.raises(InputError) as err:
        probe(path, expect="video")
    assert err.value.code == code
    assert str(path) in str(err.value)
    assert err.value.fix


def test_wrong_content_behind_right_extension(tmp_path):
    path = tmp_path / "video.mp4"
    Image.fromarray(np.zeros((10, 10, 3), np.uint8)).save(path, format="PNG")
    with pytest.raises(InputError, match="video was expected") as err:
        probe(path, expect="video")
    assert err.value.code == "wrong_kind"


def test_truncated_video(tmp_path, clip):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(clip.read_bytes()[:600])
    with pytest.raises(InputError) as err:
        probe(broken, expect="video")
    assert err.value.code in ("corrupt", "no_frames")


def test_corrupt_image(tmp_path):
    path = tmp_path / "bad.png"
    good = tmp_path / "good.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)).save(good)
    path.write_bytes(good.read_bytes()[:200])
    with pytest.raises(InputError) as err:
        probe(path, expect="image")
    assert err.value.code == "corrupt"


def test_audio_only_file_has_no_video_stream(tmp_path):
    path = tmp_path / "audio.mp4"
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("aac", rate=16000)
        s.layout = "mono"
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 16000
        for p in list(s.encode(frame)) + list(s.encode(None)):
            c.mux(p)
    with pytest.raises(InputError) as err:
        probe(path, expect="video")
    assert err.value.code in ("no_video_stream", "no_frames")


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    Image.new("1", (9000, 8000)).save(path)  # 72 MP but a tiny file
    with pytest.raises(InputError) as err:
        probe(path, expect="image")
    assert err.value.code == "too_many_pixels"
    assert "72.0 megapixels" in str(err.value)


def test_iter_frames_resamples_and_resizes(clip):
    frames = list(iter_frames(clip, fps=10, size=(32, 24)))
    assert len(frames) == 10
    assert frames[0].shape == (24, 32, 3) and frames[0].dtype == np.uint8
    assert len(list(iter_frames(clip))) == 30


def _moving_clip(path, options: dict, n: int = 90, fps: int = 30) -> list[np.ndarray]:
    """An H.264 clip of a bright bar sliding one pixel a frame (``options``: x264's, which set the frame types);
    returns the frames written."""
    frames = []
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("libx264", rate=fps, options=options)
        s.width, s.height, s.pix_fmt = 128, 64, "yuv420p"
        for i in range(n):
            rgb = np.zeros((64, 128, 3), np.uint8)
            rgb[20:44, i:i + 24] = 230
            frames.append(rgb)
            for packet in s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                c.mux(packet)
        for packet in s.encode():
            c.mux(packet)
    return frames


def _source_index(frame: np.ndarray, source: list[np.ndarray]) -> int:
    return int(np.argmin([np.abs(frame.astype(int) - f).mean() for f in source]))


def test_a_low_rate_sample_decodes_reference_frames_only(tmp_path):
    """With B-frames nothing predicts from, a 3 fps look decodes about half the clip, and each sampled frame is
    at most a few source frames before its time."""
    path = tmp_path / "b.mp4"
    source = _moving_clip(path, {"bf": "3", "b-pyramid": "none", "crf": "12"})
    from motion_transfer.media.frames import iter_lazy_frames

    every = list(iter_lazy_frames(path, fps=3))
    cheap = list(iter_lazy_frames(path, fps=3, references_only=True))
    assert len(cheap) == len(every) == 9
    assert max(f.index for f in every) == 80
    assert max(f.index for f in cheap) < 50  # frames decoded before the last sampled one
    for k, frame in enumerate(cheap):
        assert 0 <= 10 * k - _source_index(frame.rgb(), source) <= 3


def test_a_clip_with_few_reference_frames_is_decoded_whole_after_a_long_gap(tmp_path):
    """Sixteen B-frames between references: from the first long gap on every frame is decoded again, so
    samples stay at their time."""
    path = tmp_path / "sparse.mp4"
    source = _moving_clip(path, {"bf": "16", "b-pyramid": "none", "b-adapt": "0", "crf": "12"})
    frames = list(iter_frames(path, fps=3, references_only=True))
    assert len(frames) == 9
    late = [10 * k - _source_index(f, source) for k, f in enumerate(frames)]
    assert all(d == 0 for d in late[2:]), late


def test_variable_frame_rate_comes_out_steady(tmp_path):
    path = tmp_path / "vfr.mp4"
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 32, 32, "yuv420p"
        s.codec_context.time_base = Fraction(1, 30)
        pts = 0
        for i in range(40):
            f = av.VideoFrame.from_ndarray(np.full((32, 32, 3), i * 5, np.uint8), format="rgb24")
            f.pts = pts
            pts += 1 if i % 2 else 2  # alternating 1/30 s and 2/30 s: 20 fps on average
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    info = probe(path)
    assert info.variable_fps
    assert info.duration == pytest.approx(2.0, abs=0.1)
    frames = list(iter_frames(path, fps=30))
    assert len(frames) == pytest.approx(60, abs=2)


def test_rotation_metadata_is_applied(tmp_path):
    path = tmp_path / "rot.mp4"
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("libx264", rate=10)
        s.width, s.height, s.pix_fmt = 64, 32, "yuv420p"
        s.set_display_rotation(90)
        for i in range(5):
            f = av.VideoFrame.from_ndarray(np.zeros((32, 64, 3), np.uint8), format="rgb24")
            f.pts = i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    info = probe(path)
    assert (info.width, info.height) == (32, 64)
    assert info.rotation in (90, 270)
    assert next(iter_frames(path)).shape == (64, 32, 3)


def test_writer_is_atomic(tmp_path):
    out = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError):
        with VideoWriter(out, 10, 32, 32) as w:
            w.write(np.zeros((32, 32, 3), np.uint8))
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_writer_pads_odd_sizes_and_copies_trimmed_audio(tmp_path):
    src = write_clip(tmp_path / "src.mp4", seconds=2.0, audio=True)
    out = tmp_path / "out.mp4"
    with VideoWriter(out, 10, 31, 17, audio_from=src) as w:
        for _ in range(10):
            w.write(np.zeros((17, 31, 3), np.uint8))
    info = probe(out)
    assert (info.width, info.height) == (32, 18)
    assert info.has_audio and info.frame_count == 10
    with av.open(str(out)) as c:
        a = c.streams.audio[0]
        assert float(a.duration * a.time_base) == pytest.approx(1.0, abs=0.05)


def _tone(seconds: float, rate: int = 16000) -> tuple[np.ndarray, int]:
    t = np.arange(int(seconds * rate)) / rate
    return (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None], rate


def test_aac_audio_is_copied_not_re_encoded(tmp_path):
    """AAC from the motion video goes into the result packet for packet (no CPU, no generation loss), trimmed to
    the frames written; audio in another codec is re-encoded to AAC."""
    src = write_clip(tmp_path / "src.mp4", seconds=2.0, audio=True)
    out = tmp_path / "out.mp4"
    with VideoWriter(out, 10, 32, 32, audio_from=src, frames=10) as w:
        for _ in range(10):
            w.write(np.zeros((32, 32, 3), np.uint8))
    with av.open(str(src)) as c:
        source = [bytes(p) for p in c.demux(c.streams.audio[0]) if p.size]
    with av.open(str(out)) as c:
        a = c.streams.audio[0]
        copied = [bytes(p) for p in c.demux(a) if p.size]
        assert float(a.duration * a.time_base) == pytest.approx(1.0, abs=0.07)
    assert 10 < len(copied) < len(source) and copied == source[:len(copied)]

    pcm = tmp_path / "pcm.mov"
    samples, rate = _tone(2.0)
    with av.open(str(pcm), "w") as c:
        v = c.add_stream("mpeg4", rate=10)
        v.width, v.height, v.pix_fmt = 32, 32, "yuv420p"
        s = c.add_stream("pcm_s16le", rate=rate, layout="mono")
        for i in range(20):
            c.mux(v.encode(av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")))
        for i in range(0, samples.shape[1], 1024):
            f = av.AudioFrame.from_ndarray((samples[:, i:i + 1024] * 32767).astype(np.int16), format="s16",
                                           layout="mono")
            f.sample_rate = rate
            c.mux(s.encode(f))
        c.mux(v.encode(None))
        c.mux(s.encode(None))
    with VideoWriter(tmp_path / "re.mp4", 10, 32, 32, audio_from=pcm) as w:
        for _ in range(10):
            w.write(np.zeros((32, 32, 3), np.uint8))
    with av.open(str(tmp_path / "re.mp4")) as c:
        a = c.streams.audio[0]
        assert a.codec_context.name == "aac"
        assert float(a.duration * a.time_base) == pytest.approx(1.0, abs=0.05)


def test_audio_encoded_ahead_is_the_audio_encoded_at_the_end(tmp_path):
    """A writer told how many frames are coming encodes the audio on a thread while they are written: the same
    packets, trimmed to the same length, as encoding it after the last frame; an aborted one leaves nothing."""
    tone = _tone(2.0)
    packets = {}
    for frames in (None, 12):
        out = tmp_path / f"out{frames}.mp4"
        with VideoWriter(out, 10, 32, 32, audio=tone, frames=frames) as w:
            for i in range(12):
                w.write(np.full((32, 32, 3), i * 20, np.uint8))
        with av.open(str(out)) as c:
            packets[frames] = [bytes(p) for p in c.demux(c.streams.audio[0]) if p.size]
        assert probe(out).frame_count == 12
    assert len(packets[12]) > 10 and packets[12] == packets[None]
    with pytest.raises(RuntimeError):
        with VideoWriter(tmp_path / "aborted.mp4", 10, 32, 32, audio=tone, frames=12) as w:
            w.write(np.zeros((32, 32, 3), np.uint8))
            raise RuntimeError("boom")
    assert not (tmp_path / "aborted.mp4").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_writer_without_source_audio_has_none(tmp_path, clip):
    out = tmp_path / "o.mp4"
    with VideoWriter(out, 10, 32, 32, audio_from=clip) as w:
        w.write(np.zeros((32, 32, 3), np.uint8))
    assert not probe(out).has_audio


def test_outputs_get_ordinary_permissions(tmp_path):
    import os

    out = tmp_path / "o.mp4"
    with VideoWriter(out, 10, 32, 32) as w:
        w.write(np.zeros((32, 32, 3), np.uint8))
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


# ------------------------------------------------------------------ every image mode reads as what it shows
RAMP = np.tile(np.linspace(0, 255, 64).round().astype(np.uint8), (16, 1))  # 16x64 grey ramp
COLOUR = np.dstack([RAMP, RAMP[:, ::-1], np.full_like(RAMP, 90)])  # 16x64x3
OPAQUE_RIGHT = np.zeros_like(RAMP)
OPAQUE_RIGHT[:, 32:] = 255


def _grey(a):
    return np.dstack([a, a, a])


def _on_white(rgb, alpha):
    a = alpha[:, :, None].astype(np.float64) / 255
    return (rgb * a + 255 * (1 - a)).round().astype(np.uint8)


def _write_mode(path, mode):
    import cv2

    if mode == "I;16":
        Image.fromarray(RAMP.astype(np.uint16) * 257).save(path)
        return _grey(RAMP), 1
    if mode == "RGB;16":
        cv2.imwrite(str(path), (COLOUR.astype(np.uint16) * 257)[:, :, ::-1])
        return COLOUR, 1
    if mode == "RGBA;16":
        rgba = np.dstack([COLOUR, OPAQUE_RIGHT]).astype(np.uint16) * 257
        cv2.imwrite(str(path), rgba[:, :, [2, 1, 0, 3]])
        return _on_white(COLOUR, OPAQUE_RIGHT), 1
    if mode == "LA":
        Image.fromarray(np.dstack([RAMP, OPAQUE_RIGHT]), "LA").save(path)
        return _on_white(_grey(RAMP), OPAQUE_RIGHT), 1
    if mode == "P":
        im = Image.fromarray(COLOUR).quantize(64)
        index = np.asarray(im).copy()
        index[:, :32] = 63  # the left half uses the transparent entry
        p = Image.fromarray(index, "P")
        p.putpalette(im.getpalette())
        p.save(path, transparency=63)
        expected = np.asarray(p.convert("RGB")).copy()
        expected[index == 63] = 255
        return expected, 1
    if mode == "CMYK":
        Image.fromarray(COLOUR).convert("CMYK").save(path, format="JPEG", quality=100)
        return COLOUR, 12
    if mode == "I":
        Image.fromarray(RAMP.astype(np.int32) * 257, "I").save(path, format="TIFF")
        return _grey(RAMP), 1
    if mode == "F":
        Image.fromarray(RAMP.astype(np.float32) / 255, "F").save(path, format="TIFF")
        return _grey(RAMP), 1
    raise AssertionError(mode)


@pytest.mark.parametrize("mode", ["I;16", "RGB;16", "RGBA;16", "LA", "P", "CMYK", "I", "F"])
def test_every_image_mode_reads_as_it_looks(tmp_path, mode):
    path = tmp_path / ("img.jpg" if mode == "CMYK" else "img.tif" if mode in ("I", "F") else "img.png")
    expected, tolerance = _write_mode(path, mode)
    if mode in ("I;16", "CMYK", "I", "F", "LA", "P"):
        with Image.open(path) as im:
            assert im.mode == {"P": "P", "LA": "LA", "CMYK": "CMYK", "F": "F", "I": "I"}.get(mode, "I;16")
    got = read_image(path)
    assert got.shape == (16, 64, 3) and got.dtype == np.uint8
    assert np.abs(got.astype(int) - expected.astype(int)).max() <= tolerance


def test_decompression_bomb_warning_never_reaches_the_user(tmp_path):
    import struct
    import warnings
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    for w, h, code in ((10_000, 9_500, "too_many_pixels"), (15_000, 14_000, "too_many_pixels")):
        path = tmp_path / f"big{w}.png"  # only the header: never decoded, so no memory is needed
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
                         + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b""))
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # Pillow's DecompressionBombWarning would fail the test here
            with pytest.raises(InputError) as err:
                probe(path, expect="image")
        assert err.value.code == code


def test_truncated_video_names_both_durations(tmp_path):
    from motion_transfer.rules import check_video, rules_for

    whole = tmp_path / "whole.mp4"  # noise, so the frames (not the index at the front) fill the file
    rng = np.random.default_rng(0)
    with VideoWriter(whole, 30, 160, 120) as writer:
        for _ in range(300):
            writer.write(rng.integers(0, 255, (120, 160, 3), np.uint8))
    data = whole.read_bytes()
    findings = {}
    for share in (0.65, 0.25):
        cut = tmp_path / f"cut{share}.mp4"
        cut.write_bytes(data[:int(len(data) * share)])
        info = probe(cut, expect="video")
        assert info.declared_duration == pytest.approx(10.0)
        findings[share] = {f.code: f for f in check_video(info, rules_for("puppet"), "video")}
    warn = findings[0.65]["video_truncated"]
    assert warn.severity == "warning" and "10.00 s" in warn.message and warn.limit == pytest.approx(10.0)
    assert 5.0 < warn.measured < 7.0 and f"{warn.measured:.2f} s" in warn.message
    err = findings[0.25]["video_truncated"]
    assert err.severity == "error" and "video_too_short" not in findings[0.25]
    whole_findings = check_video(probe(whole, expect="video"), rules_for("puppet"), "video")
    assert "video_truncated" not in {f.code for f in whole_findings}


def test_video_frames_shrink_bilinearly_down_to_half_and_by_area_below():
    """resize_frame: the cheap bilinear shrink for video frames stays close to area averaging where it is used
    (down to half the size) and hands stronger shrinks, and enlargements, to resize() unchanged."""
    import cv2
    from skimage import data

    from motion_transfer.media.frames import resize, resize_frame

    photo = cv2.resize(data.astronaut(), (1280, 720), interpolation=cv2.INTER_CUBIC)
    fast, area = resize_frame(photo, (960, 540)), resize(photo, (960, 540))
    assert fast.shape == area.shape == (540, 960, 3)
    assert np.abs(fast.astype(np.int16) - area).mean() < 2.0
    assert np.array_equal(resize_frame(photo, (400, 225)), resize(photo, (400, 225)))
    assert np.array_equal(resize_frame(photo, (1920, 1080)), resize(photo, (1920, 1080)))
    assert resize_frame(photo, (1280, 720)) is photo


def test_a_writer_told_no_b_frames_writes_none(tmp_path):
    types = {}
    for bf in (None, 0):
        path = tmp_path / f"bf{bf}.mp4"
        with VideoWriter(path, 30, 128, 64, preset="superfast", bframes=bf) as w:
            for i in range(60):
                rgb = np.zeros((64, 128, 3), np.uint8)
                rgb[20:40, i:i + 20] = 200
                w.write(rgb)
        with av.open(str(path)) as c:
            types[bf] = {PictureType(f.pict_type).name for f in c.decode(video=0)}
    assert "B" in types[None] and types[0] == {"I", "P"}


def test_split_alpha_of_an_opaque_image_is_its_colours_and_a_see_through_one_is_composited_on_white():
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (40, 30, 4), dtype=np.uint8)
    rgba[:, :, 3] = 255
    rgb, alpha = split_alpha(rgba)
    assert alpha is None and rgb.flags.c_contiguous and np.array_equal(rgb, rgba[:, :, :3])
    rgba[:20, :, 3] = rng.integers(0, 256, (20, 30), dtype=np.uint8)
    rgb, alpha = split_alpha(rgba)
    a = rgba[:, :, 3:].astype(np.float32) / 255.0
    assert np.array_equal(rgb, (rgba[:, :, :3] * a + 255.0 * (1.0 - a) + 0.5).astype(np.uint8))
    assert alpha is not None and np.array_equal(alpha, rgba[:, :, 3])

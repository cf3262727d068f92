"""Each preflight tip: a generated case that makes it fire and one that keeps it quiet."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from motion_transfer.preflight import check
from motion_transfer.samples import make_character, make_clip

SIZE = (640, 480)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """Generate each input once for the module; keys name what the file shows."""
    d = tmp_path_factory.mktemp("preflight")
    made: dict[str, object] = {}

    def get(key, fn, name):
        if key not in made:
            made[key] = fn(d / name)
        return made[key]

    return get, d


def clip(media, key, motion="dance", **kw):
    get, _ = media
    opts = dict(seconds=3.0, fps=15, size=SIZE)
    opts.update(kw)
    return get(key, lambda p: (make_clip(p, motion, **opts), p)[1], f"{key}.mp4")


def character(media, key, **kw):
    get, _ = media
    opts = dict(size=(480, 640))
    opts.update(kw)
    return get(key, lambda p: (make_character(p, **opts), p)[1], f"{key}.png")


def codes(report, severity=None):
    return {f.code for f in report.findings if severity is None or f.severity == severity}


def finding(report, code):
    return next(f for f in report.findings if f.code == code)


@pytest.fixture(scope="module")
def baseline(media):
    """A clean pairing: full-body character with room, plain-background dance, same aspect."""
    img = character(media, "char_wide", size=(640, 480))
    return img, check(img, clip(media, "dance_plain"))


def test_clean_inputs_give_no_warnings(baseline):
    _, report = baseline
    assert report.ok
    assert codes(report, "warning") - {"image_low_resolution", "video_low_resolution"} == set()
    assert report.image_pose is not None and report.video_sample is not None


def test_aspect_mismatch(media, baseline):
    img_tall = character(media, "char_tall", size=(480, 640))
    report = check(img_tall, clip(media, "dance_plain"))
    f = finding(report, "aspect_mismatch")
    assert f.measured == [0.75, 1.333]
    assert "aspect_mismatch" not in codes(baseline[1])


def busy_background():
    """Small random-coloured tiles: a background full of edges, like shelves or foliage."""
    rng = np.random.default_rng(3)
    tiles = rng.integers(60, 200, (SIZE[1] // 16, SIZE[0] // 16, 3)).astype(np.uint8)
    return np.repeat(np.repeat(tiles, 16, axis=0), 16, axis=1)


def test_cluttered_background(media, baseline):
    report = check(baseline[0], clip(media, "dance_clutter", background=busy_background()))
    assert "video_cluttered_background" in codes(report)
    assert "video_cluttered_background" not in codes(baseline[1])


def test_moving_background(media, baseline):
    report = check(baseline[0], clip(media, "dance_moving", background="moving"))
    assert "video_moving_background" in codes(report)
    assert "video_moving_background" not in codes(baseline[1])


def test_low_contrast(media, baseline):
    # pale clothes on a wall of the same pale grey as their shaded surfaces
    report = check(baseline[0], clip(media, "dance_lowc", style="low_contrast", background=(190, 188, 182)))
    assert "video_low_contrast" in codes(report)
    assert "video_low_contrast" not in codes(baseline[1])


def flat_version(src, dst):
    """Posterise a character into flat colours, the way 2D cartoon art looks."""
    rgb = np.asarray(Image.open(src).convert("RGB")).astype(np.int32)
    Image.fromarray(((rgb // 64) * 64 + 32).astype(np.uint8)).save(dst)
    return dst


def test_turning_actor_with_flat_character(media, baseline):
    get, d = media
    flat = get("flat", lambda p: flat_version(baseline[0], p), "flat.png")
    turn = clip(media, "turn", motion="turn", seconds=4.0)
    report = check(flat, turn)
    assert "rotation_flat_character" in codes(report)
    shaded = check(baseline[0], turn)  # a shaded (3D-looking) character only gets a note
    assert "rotation_flat_character" not in codes(shaded)
    assert "rotation_flat_character" not in codes(check(flat, clip(media, "dance_plain")))


def test_hidden_limbs(media, baseline):
    pockets = character(media, "pockets", size=(640, 480), pose="hands_in_pockets")
    report = check(pockets, clip(media, "dance_plain"))
    f = finding(report, "image_limb_hidden")
    assert "hand" in f.message or "arm" in f.message
    assert "image_limb_hidden" not in codes(baseline[1])


def test_clipping_names_limbs_and_frames(media, baseline):
    report = check(baseline[0], clip(media, "reach", motion="reach", seconds=4.0))
    f = finding(report, "clipping_predicted")
    assert "hand" in f.message and f.frames
    assert "clipping_predicted" not in codes(baseline[1])


def test_clipping_in_image_orientation_uses_the_image_frame(media):
    tight = character(media, "tight", size=(480, 480), framing="closeup")
    report = check(tight, clip(media, "dance_plain"), orientation="image")
    assert "clipping_predicted" in codes(report)
    assert "image's frame" in finding(report, "clipping_predicted").message


def test_framing_mismatch(media, baseline):
    closeup = character(media, "closeup", size=(640, 480), framing="closeup")
    report = check(closeup, clip(media, "dance_plain"))
    f = finding(report, "framing_mismatch")
    image_framing, video_framing = f.measured
    # "head to hips" puts the hips on the frame's edge, so the image reads as upper body or close-up; the video
    # is full-body either way, and the severity must follow the size of the gap
    assert video_framing == "full" and image_framing in ("upper", "closeup")
    assert f.severity == ("warning" if image_framing == "closeup" else "info")
    assert "framing_mismatch" not in codes(baseline[1])
    # legs the picture leaves out are not "hidden": no advice to show them under a skirt
    assert not [f for f in report.findings if f.code == "image_limb_hidden" and "leg" in f.message]


def test_multiple_people(media, baseline):
    report = check(baseline[0], clip(media, "two", people=2))
    assert finding(report, "video_multiple_people").measured >= 2
    assert "video_multiple_people" not in codes(baseline[1])


def test_small_character(media, baseline):
    small = character(media, "small", size=(640, 480), framing="small")
    report = check(small, clip(media, "dance_plain"))
    assert finding(report, "character_small").measured < 0.05
    assert "character_small" not in codes(baseline[1])


def test_video_without_a_person_is_an_error(media, baseline):
    get, d = media
    from motion_transfer.media.writer import VideoWriter

    def empty(p):
        with VideoWriter(p, 15, *SIZE) as w:
            for _ in range(45):
                w.write(np.full((SIZE[1], SIZE[0], 3), 230, np.uint8))
        return p

    report = check(baseline[0], get("empty", empty, "empty.mp4"))
    assert not report.ok
    assert finding(report, "video_no_person").severity == "error"


def test_no_figure_is_an_error_for_the_puppet_engine_unless_a_rig_is_given(media, tmp_path):
    from motion_transfer.cli import main
    from motion_transfer.engines.puppet import write_rig_template

    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((640, 480, 3), (236, 234, 228), np.uint8)).save(blank)
    video = clip(media, "dance")
    report = check(blank, video, engine="puppet")
    found = {f.code: f for f in report.findings}
    assert not report.ok and found["image_no_figure"].severity == "error"
    assert "--rig rig.json" in found["image_no_figure"].fix
    rig = write_rig_template(blank, tmp_path / "rig.json")
    assert check(blank, video, engine="puppet", rig=rig).ok
    kling = {f.code: f.severity for f in check(blank, video, engine="kling").findings}
    assert kling.get("image_no_person") == "warning" and "image_no_figure" not in kling
    assert main(["check", str(blank), str(video)]) == 2
    assert main(["check", str(blank), str(video), "--rig", str(rig)]) == 0


def test_a_second_character_on_the_same_motion_does_not_decode_it_again(tmp_path, monkeypatch):
    """The preflight's look at the motion (decoding it, a model on its sampled frames) is the same for every
    character, so it comes from the motion cache the second time; new bytes under the same name look again."""
    from motion_transfer.pose import estimator

    monkeypatch.setenv("MOTION_TRANSFER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MOTION_TRANSFER_CACHE", raising=False)
    decoded = []
    real = estimator.iter_frames

    def counting(path, *args, **kwargs):
        decoded.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(estimator, "iter_frames", counting)
    video = tmp_path / "dance.mp4"
    make_clip(video, "dance", seconds=3.0, fps=12, size=(480, 270))
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    make_character(first, size=(360, 480))
    make_character(second, size=(360, 480), style="person")
    assert check(first, video).video_sample.meta["cache"] == "miss"
    assert decoded == [str(video)]
    again = check(second, video)
    assert again.video_sample.meta["cache"] == "hit" and decoded == [str(video)]  # not decoded again
    make_clip(video, "wave", seconds=3.0, fps=12, size=(480, 270))  # the same name, another motion
    changed = check(second, video)
    assert changed.video_sample.meta["cache"] == "miss" and decoded == [str(video)] * 2
    assert not np.array_equal(np.nan_to_num(changed.video_sample.body), np.nan_to_num(again.video_sample.body))

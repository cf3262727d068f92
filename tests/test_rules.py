from pathlib import Path

import pytest

from motion_transfer.media.probe import MediaInfo
from motion_transfer.rules import check_inputs


def image(w=1080, h=1920, fmt="png", size=1_000_000):
    return MediaInfo(path=Path("char.png"), kind="image", format=fmt, codec=fmt, width=w, height=h, bytes=size)


def video(w=1080, h=1920, seconds=8.0, fmt="mp4", size=20_000_000):
    return MediaInfo(path=Path("dance.mp4"), kind="video", format=fmt, codec="h264", width=w, height=h,
                     bytes=size, fps=30, frame_count=int(seconds * 30), duration=seconds)


def codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


def test_good_inputs_pass():
    assert codes(check_inputs(image(), video(), "video", "puppet")) == []


@pytest.mark.parametrize("seconds,orientation,expected", [
    (2.5, "video", ["video_too_short"]), (3.0, "video", []), (30.0, "video", []),
    (31.0, "video", ["video_too_long"]), (10.0, "image", []), (12.0, "image", ["video_too_long"]),
])
def test_duration_per_orientation(seconds, orientation, expected):
    assert codes(check_inputs(image(), video(seconds=seconds), orientation, "puppet"), "error") == expected


def test_too_long_for_image_orientation_suggests_video_orientation():
    f = check_inputs(image(), video(seconds=12), "image", "puppet")[0]
    assert f.measured == 12.0 and f.limit == 10.0
    assert "--orientation video" in f.fix and "dance.mp4" == f.file


def test_sizes_in_bytes():
    got = codes(check_inputs(image(size=11_000_000), video(size=101_000_000), "video", "puppet"), "error")
    assert got == ["image_bytes", "video_bytes"]


def test_formats():
    got = codes(check_inputs(image(fmt="bmp"), video(fmt="mkv"), "video", "puppet"), "error")
    assert got == ["image_format", "video_format"]


def test_small_inputs_warn_locally_but_kling_refuses():
    local = check_inputs(image(320, 320), video(338, 600), "video", "puppet")
    assert codes(local, "error") == []
    assert codes(local, "warning") == ["image_low_resolution", "video_low_resolution"]
    kling = check_inputs(image(290, 400), video(338, 600), "video", "kling")
    assert codes(kling, "error") == ["image_too_small", "video_too_small"]
    assert codes(check_inputs(image(320, 320), video(600, 600), "video", "kling"), "error") == []


def test_kling_limits_aspect_and_max_video_side():
    got = codes(check_inputs(image(3000, 1000), video(4000, 2000), "video", "kling"), "error")
    assert got == ["image_aspect", "video_too_large"]
    assert codes(check_inputs(image(3000, 1000), video(1920, 1080), "video", "puppet"), "error") == []


def test_prompt_length():
    assert codes(check_inputs(image(), video(), "video", "kling", prompt="x" * 2501)) == ["prompt_too_long"]
    assert codes(check_inputs(image(), video(), "video", "kling", prompt="x" * 2500)) == []


def test_error_sentence_names_file_measure_limit_fix():
    f = check_inputs(image(), video(seconds=2), "video", "puppet")[0]
    text = f.sentence()
    assert "dance.mp4" in text and "2.00 s" in text and "3 s" in text and "Fix:" in text

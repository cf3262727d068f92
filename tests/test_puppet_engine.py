"""The puppet engine end to end on generated media: sizes, audio, comparison, background, self-reenactment, motion."""
from __future__ import annotations

import av
import numpy as np
import pytest
from av.video.frame import PictureType
from conftest import CLOSE_UP, folded_close_up

from motion_transfer.request import Request
from motion_transfer.samples import make_character, make_clip
from motion_transfer.samples.mannequin import render_mannequin

SECONDS = 1.5
SIZE = (640, 360)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine")
    image = folder / "character.png"
    make_character(image, size=(360, 480), style="character")
    video = folder / "dance.mp4"
    clip = make_clip(video, "dance", seconds=SECONDS, fps=30, size=SIZE, style="person", audio=True)
    return folder, image, video, clip


def _run(req: Request):
    from motion_transfer.engines.puppet import PuppetEngine

    return PuppetEngine().run(req, None, None)


def _frames(path, size=None):
    import cv2

    with av.open(str(path)) as c:
        out = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    return [cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in out] if size else out


def _info(path):
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        return v.width, v.height, float(v.average_rate), len(c.streams.audio) > 0


def test_engine_is_registered():
    from motion_transfer.engines.base import get_engine

    assert get_engine("puppet").name == "puppet"


def test_video_orientation_std_with_sound_and_comparison(media):
    folder, image, video, clip = media
    out, cmp = folder / "out.mp4", folder / "cmp.mp4"
    res = _run(Request(image=image, video=video, output=out, compare=cmp,
                       options={"pose_track": clip.to_track()}))
    assert (res.width, res.height) == (1280, 720)  # 720p, the video's 16:9
    w, h, fps, audio = _info(out)
    assert (w, h) == (1280, 720) and fps == pytest.approx(30.0) and audio and res.has_audio
    assert res.frames == len(clip) and res.duration == pytest.approx(SECONDS, abs=0.05)
    cw, ch, _, _ = _info(cmp)
    assert ch == 720 and cw == 1280 + 1280  # reference | result
    assert set(res.timings) >= {"rig", "pose", "retarget", "render", "encode"}
    assert not list(folder.glob(".*part*"))  # nothing half-written left behind
    with av.open(str(out)) as c:  # no B-frames: a fifth less of x264's CPU
        assert {PictureType(f.pict_type).name for f in c.decode(video=0)} <= {"I", "P"}


def test_sound_dropped_pro_tier_and_image_orientation(media):
    folder, image, video, clip = media
    out = folder / "pro_image.mp4"
    res = _run(Request(image=image, video=video, output=out, tier="pro", orientation="image", keep_sound=False,
                       options={"pose_track": clip.to_track()}))
    w, h, _, audio = _info(out)
    assert (w, h) == (1080, 1440)  # 1080 on the short side, the image's 3:4
    assert not audio and not res.has_audio


def test_background_colour_and_image(media, tmp_path):
    _, image, video, clip = media
    out = tmp_path / "green.mp4"
    _run(Request(image=image, video=video, output=out, background="#00ff00", keep_sound=False,
                 options={"pose_track": clip.to_track()}))
    first = _frames(out)[0]
    assert np.abs(first[5, 5].astype(int) - [0, 255, 0]).max() < 12
    bg = tmp_path / "bg.png"
    from PIL import Image

    Image.fromarray(np.tile(np.array([200, 40, 40], np.uint8), (90, 160, 1))).save(bg)
    out2 = tmp_path / "bgimg.mp4"
    _run(Request(image=image, video=video, output=out2, background=str(bg), keep_sound=False,
                 options={"pose_track": clip.to_track()}))
    assert np.abs(_frames(out2)[0][5, 5].astype(int) - [200, 40, 40]).max() < 12
    from motion_transfer.errors import InputError

    with pytest.raises(InputError, match="neither an existing file nor a colour"):
        _run(Request(image=image, video=video, output=tmp_path / "x.mp4", background="not-a-colour",
                     options={"pose_track": clip.to_track()}))
    assert not (tmp_path / "x.mp4").exists()


def test_self_reenactment_reproduces_the_clip(media, tmp_path):
    """Frame 0 of the clip as the character, the clip as the motion: the result looks like the clip."""
    from PIL import Image
    from skimage.metrics import structural_similarity

    _, _, video, clip = media
    ref = _frames(video)
    first = tmp_path / "frame0.png"
    Image.fromarray(ref[0]).save(first)
    out = tmp_path / "self.mp4"
    # both sides measured by the pose model, as in use (a ground-truth track against a detected rig would
    # disagree by the detector's few-pixel bias)
    res = _run(Request(image=first, video=video, output=out, keep_sound=False))
    assert res.extra["skeleton"] == "video frame 0"  # a still of the clip: its skeleton from the clip's track
    got = _frames(out, SIZE)
    # around the person (the plain background would flatter the score)
    xy = clip.joints[..., :2].reshape(-1, 2)
    x0, y0 = np.maximum(xy.min(axis=0) - 30, 0).astype(int)
    x1, y1 = np.minimum(xy.max(axis=0) + 30, SIZE).astype(int)
    scores = [structural_similarity(r[y0:y1, x0:x1], g[y0:y1, x0:x1], channel_axis=2, data_range=255)
              for r, g in zip(ref[::5], got[::5])]
    still = [structural_similarity(r[y0:y1, x0:x1], ref[0][y0:y1, x0:x1], channel_axis=2, data_range=255)
             for r in ref[::5]]
    assert np.mean(scores) > 0.85, scores
    assert np.mean(scores) > np.mean(still) + 0.03  # better than holding frame 0


def test_motion_of_the_output_matches_ground_truth(media, tmp_path):
    """Track the video, animate a differently built character, track the result: its bone angles are the
    actor's true ones, wherever the pose model reads the reference itself correctly (it misreads some frames of
    an arm across the chest on any video; those measure the model, not the transfer)."""
    from motion_transfer.pose.estimator import track_video

    _, image, video, clip = media
    out = tmp_path / "motion.mp4"
    _run(Request(image=image, video=video, output=out, keep_sound=False))  # tracked for real
    got, ref = track_video(out), track_video(video)
    assert got.present.mean() > 0.9
    bones = [(11, 13), (13, 15), (12, 14), (14, 16), (23, 25), (25, 27), (24, 26), (26, 28), (11, 12), (23, 24)]
    n = min(len(got), len(ref), len(clip))

    def err(track, a, b):
        d_out = track.body[:n, b, :2] - track.body[:n, a, :2]
        d_gt = clip.joints[:n, b, :2] - clip.joints[:n, a, :2]
        diff = np.arctan2(d_out[:, 1], d_out[:, 0]) - np.arctan2(d_gt[:, 1], d_gt[:, 0])
        return np.degrees(np.abs((diff + np.pi) % (2 * np.pi) - np.pi))

    ours, reliable = [], []
    for a, b in bones:
        ok = err(ref, a, b) < 10.0
        ours.append(err(got, a, b)[ok])
        reliable.append(ok.mean())
    assert np.mean(reliable) > 0.7
    e = np.concatenate(ours)
    # the pose model also misreads a few frames of the result (red sleeves over a red shirt): judge the bulk
    assert np.median(e) < 4.0 and np.percentile(e, 80) < 8.0 and (e > 30).mean() < 0.08, \
        np.percentile(e, [50, 80, 90, 95])


def test_hands_the_motion_does_not_show_are_not_drawn_in_the_frame(tmp_path):
    """A close-up character whose hands are below its image (its forearms and hands are drawn on past the
    border) driven by a still close-up whose pose model folds the forearms into the frame for a second (TikTok
    clip 5): the output stays as it was in frame 0, the arms hanging out of view, and no hand comes up into the
    frame."""
    from PIL import Image

    clip, track = folded_close_up("stub")
    image = tmp_path / "character.png"
    Image.fromarray(render_mannequin(clip.joints[0], clip.size, style="character", hands=clip.hands[0],
                                     scale=clip.scale)).save(image)
    video = tmp_path / "still.mp4"
    make_clip(video, "static", seconds=clip.seconds, fps=clip.fps, **CLOSE_UP)
    out = tmp_path / "out.mp4"
    res = _run(Request(image=image, video=video, output=out, keep_sound=False, options={"pose_track": track}))
    assert {f.code for f in res.findings} >= {"arm_continued"}  # the hands are drawn on past the border
    frames = [f.astype(np.float64) for f in _frames(out)]
    change = [np.abs(f - frames[0]).mean() for f in frames]
    assert max(change) < 1.5, np.round(change, 1)  # a hand drawn up at a side of the waist: 4.5-7.7


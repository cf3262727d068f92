"""The synthetic mannequin: the ground truth every other test stands on, so it gets checked first."""
from __future__ import annotations

import numpy as np
import pytest

from motion_transfer.pose.skeleton import J
from motion_transfer.samples import (
    MAIN_JOINTS,
    STYLES,
    make_background,
    make_character,
    make_clip,
    make_motion,
    render_clip_frames,
    render_mannequin,
)
from motion_transfer.samples.mannequin import ADULT

SMALL = (320, 240)


def _frame(clip, i, style="person", background="plain"):
    return render_mannequin(clip.joints[i], clip.size, style=style, background=background, hands=clip.hands[i],
                            scale=clip.scale)


def test_motion_and_render_are_deterministic():
    a = make_motion("dance", seconds=0.3, fps=30, size=SMALL)
    b = make_motion("dance", seconds=0.3, fps=30, size=SMALL)
    assert a.joints.shape == (9, 33, 3) and a.hands.shape == (9, 2, 21, 3)
    assert np.array_equal(a.joints, b.joints) and np.array_equal(a.hands, b.hands)
    fa = list(render_clip_frames(a, background="cluttered", seed=3))
    fb = list(render_clip_frames(b, background="cluttered", seed=3))
    assert all(np.array_equal(x, y) for x, y in zip(fa, fb, strict=True))
    assert not np.array_equal(make_background("cluttered", SMALL, seed=1), make_background("cluttered", SMALL, seed=2))
    # the motion really moves and stays smooth (no jumps between frames)
    step = np.abs(np.diff(a.joints[:, MAIN_JOINTS, :2], axis=0)).max()
    assert 0 < step < 0.1 * a.scale


def test_static_is_still_and_moving_background_pans():
    clip = make_motion("static", seconds=0.3, fps=10, size=SMALL)
    assert np.array_equal(clip.joints[0], clip.joints[-1])
    b0 = make_background("moving", SMALL, frame_index=0, seed=0)
    b1 = make_background("moving", SMALL, frame_index=10, seed=0)
    assert not np.array_equal(b0, b1)


def test_bone_lengths_are_constant():
    clip = make_motion("dance", seconds=2.0, fps=10, size=SMALL)
    for (i, j), ratio in ADULT.bone_ratios().items():
        length = np.linalg.norm(clip.joints[:, i] - clip.joints[:, j], axis=-1)  # 3D, px
        assert np.allclose(length, ratio * clip.scale, rtol=1e-3), (i, j)


def test_planted_feet_do_not_move():
    clip = make_motion("step", seconds=4.0, fps=30, size=SMALL)
    for foot in ("left", "right"):
        planted = clip.planted[foot]
        assert planted.any() and (~planted).any(), foot
        ankle = clip.joints[:, J[f"{foot}_ankle"]]
        runs = np.split(np.arange(len(clip)), np.flatnonzero(np.diff(planted.astype(int))) + 1)
        for run in runs:
            if planted[run[0]]:
                assert len(run) > 3
                assert (ankle[run, :2] == ankle[run[0], :2]).all(), (foot, run[0])
        # swinging feet really move
        assert np.ptp(ankle[~planted, 0]) > 0.05 * clip.scale
    dance = make_motion("dance", seconds=1.0, fps=10, size=SMALL)
    assert dance.planted["left"].all() and dance.planted["right"].all()


def test_reach_hand_leaves_the_frame_when_it_says():
    clip = make_motion("reach", seconds=4.0, fps=10, size=SMALL)
    out = clip.events["right_hand_out"]
    assert 5 <= out.sum() < len(clip) - 5
    w, h = clip.size
    hand = clip.hands[:, 1, :, :2]
    inside = (hand[..., 0] >= 0) & (hand[..., 0] < w) & (hand[..., 1] >= 0) & (hand[..., 1] < h)
    assert (~inside.all(axis=1) == out).all()
    assert not out[0]  # it starts inside
    # the pixels agree: where the wrist is out past the left edge, the arm touches that edge
    wrist_out_left = np.flatnonzero(clip.joints[:, J["right_wrist"], 0] < 0)
    assert len(wrist_out_left)
    img = _frame(clip, int(wrist_out_left[0]))
    bg = make_background("plain", clip.size)
    assert (np.abs(img[:, 0].astype(int) - bg[:, 0]).sum(axis=1) > 30).any()
    img0 = _frame(clip, 0)
    assert (np.abs(img0[:, 0].astype(int) - bg[:, 0]).sum(axis=1) <= 3).all()


def test_rendered_pixels_sit_on_the_joints():
    clip = make_motion("static", seconds=0.1, fps=10, size=SMALL)
    img = _frame(clip, 0)
    bg = make_background("plain", SMALL)
    for j in MAIN_JOINTS + (J["nose"],):
        x, y = np.round(clip.joints[0, j, :2]).astype(int)
        assert np.abs(img[y, x].astype(int) - bg[y, x]).sum() > 40, j
    # and nowhere far from the figure
    xs = clip.joints[0, :, 0]
    far = int(xs.max() + 0.15 * clip.scale)
    assert (img[:, far:] == bg[:, far:]).all()
    # the face is skin-coloured where the nose is
    x, y = np.round(clip.joints[0, J["nose"], :2]).astype(int)
    skin = np.array(STYLES["person"].skin)
    assert np.abs(img[y - 1:y + 2, x - 1:x + 2].reshape(-1, 3).mean(0) - skin).max() < 60


def test_depth_order_arm_in_front_and_behind():
    clip = make_motion("cross", seconds=3.0, fps=10, size=(480, 360))
    front, behind = clip.events["right_arm_front"], clip.events["right_arm_behind"]
    assert front.any() and behind.any()
    hip_z = 0.5 * (clip.joints[:, J["left_hip"], 2] + clip.joints[:, J["right_hip"], 2])
    assert (clip.joints[front, J["right_wrist"], 2] < hip_z[front] - 0.05 * clip.scale).all()
    assert (clip.joints[behind, J["right_wrist"], 2] > hip_z[behind] + 0.05 * clip.scale).all()
    shirt, skin = np.array(STYLES["person"].shirt), np.array(STYLES["person"].skin)

    def colour_at_wrist(i):
        x, y = np.round(clip.joints[i, J["right_wrist"], :2]).astype(int)
        return _frame(clip, i)[y, x].astype(float)

    def nearer(c, a, b):  # is colour c closer in hue to a than to b (shading scales brightness)
        c, a, b = c / c.sum(), a / a.sum(), b / b.sum()
        return np.abs(c - a).sum() < np.abs(c - b).sum()

    i_front = int(np.flatnonzero(front)[0])
    assert nearer(colour_at_wrist(i_front), skin, shirt)  # the hand covers the shirt
    i_behind = int(np.flatnonzero(behind)[len(np.flatnonzero(behind)) // 2])
    assert nearer(colour_at_wrist(i_behind), shirt, skin)  # the torso hides the hand


def test_turn_swaps_sides_and_hides_the_face():
    clip = make_motion("turn", seconds=4.0, fps=10, size=SMALL)
    away = clip.events["facing_away"]
    assert away.any() and not away[0]
    dx = clip.joints[:, J["left_shoulder"], 0] - clip.joints[:, J["right_shoulder"], 0]
    assert (dx[~away] > -1e-3).all() and (dx[away] < 1e-3).all()
    assert dx[0] > 0.15 * clip.scale and dx[away].min() < -0.15 * clip.scale
    assert not clip.events["face_visible"][away].any()


def test_framings_and_small_character(tmp_path):
    full = make_motion("static", seconds=0.1, size=(640, 480))
    close = make_motion("static", seconds=0.1, size=(640, 480), framing="closeup")
    small = make_motion("static", seconds=0.1, size=(640, 480), framing="small")
    assert not full.out_of_frame()[0].any()
    assert close.out_of_frame()[0, J["left_knee"]] and not close.out_of_frame()[0, J["nose"]]
    img = render_mannequin(small.joints[0], small.size, hands=small.hands[0], scale=small.scale)
    covered = (np.abs(img.astype(int) - make_background("plain", small.size)).sum(axis=2) > 20).mean()
    assert 0.002 < covered < 0.05


def test_make_character_png(tmp_path):
    from PIL import Image

    path = tmp_path / "char.png"
    joints = make_character(path, size=(240, 320), style="character", pose="hands_in_pockets")
    assert joints.shape == (33, 3)
    img = np.asarray(Image.open(path).convert("RGB"))
    assert img.shape == (320, 240, 3)
    trousers = np.array(STYLES["character"].trousers)
    for side in ("left", "right"):  # the wrists are in the pockets: trousers show there, no hand
        x, y = np.round(joints[J[f"{side}_wrist"], :2]).astype(int)
        assert np.abs(img[y, x].astype(int) - trousers).max() < 60
    tpose = make_character(tmp_path / "t.png", size=(240, 320), pose="t-pose")
    assert abs(tpose[J["left_wrist"], 1] - tpose[J["left_shoulder"], 1]) < 0.05 * 320


def test_make_clip_writes_video_with_audio_and_two_people(tmp_path):
    import av

    path = tmp_path / "two.mp4"
    clip = make_clip(path, "wave", seconds=0.5, fps=10, size=(320, 240), people=2, audio=True,
                     background="gradient")
    assert len(clip.others) == 1 and clip.others[0].scale < clip.scale
    with av.open(str(path)) as c:
        assert c.streams.audio and c.streams.video
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames) == 5 and frames[0].shape == (240, 320, 3)
    # the second person is drawn where its joints are
    x, y = np.round(clip.others[0].joints[2, J["nose"], :2]).astype(int)
    bg = make_background("gradient", (320, 240))
    assert np.abs(frames[2][y, x].astype(int) - bg[y, x]).sum() > 40


def test_mediapipe_detects_the_mannequin(tmp_path):
    """The point of the mannequin: a real pose model finds it where the ground truth says."""
    pytest.importorskip("mediapipe")
    import av
    from mediapipe.python.solutions import holistic

    path = tmp_path / "dance.mp4"
    clip = make_clip(path, "dance", seconds=20 / 30, fps=30, size=(640, 480), style="person")
    errors, detected = [], 0
    with holistic.Holistic(static_image_mode=False, model_complexity=1) as model, av.open(str(path)) as c:
        for i, frame in enumerate(c.decode(video=0)):
            res = model.process(frame.to_ndarray(format="rgb24"))
            if res.pose_landmarks is None:
                continue
            detected += 1
            est = np.array([[p.x * 640, p.y * 480] for p in res.pose_landmarks.landmark])
            errors.append(np.linalg.norm(est[list(MAIN_JOINTS)] - clip.joints[i, list(MAIN_JOINTS), :2], axis=1))
    assert detected >= 19
    assert np.median(np.concatenate(errors)) / clip.scale < 0.03


def test_samples_package_exports_the_whole_generator():
    """The package re-exports the mannequin generator by name; a name added there must be exported here too."""
    from motion_transfer import samples
    from motion_transfer.samples import mannequin

    assert set(samples.__all__) == set(mannequin.__all__) | {"make_demo_inputs"}
    assert all(hasattr(samples, name) for name in samples.__all__)

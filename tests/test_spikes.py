"""A joint misread far off for a few frames is put back; real fast motion is kept (pose/spikes.py)."""
import numpy as np

from motion_transfer.pose.estimator import clean_track
from motion_transfer.pose.skeleton import J, torso_length
from motion_transfer.pose.spikes import spike_frames
from motion_transfer.samples import make_motion

RIGHT_HAND = [J[f"right_{p}"] for p in ("wrist", "pinky", "index", "thumb")]
LEFT_HAND = [J[f"left_{p}"] for p in ("wrist", "pinky", "index", "thumb")]


def _dance():
    """The mannequin's dance at 15 fps (the TikTok clips' rate), as a tracker would report it, and its torso."""
    track = make_motion("dance", seconds=4.0, fps=15.0).to_track()
    return track, torso_length(np.nanmedian(track.body, axis=0))


def test_a_wrist_thrown_up_for_three_frames_is_put_back_with_its_fingers():
    # clip 0's misread: the right wrist jumps a torso length up before the chest for 3 frames and comes back
    track, torso = _dance()
    truth = clean_track(track).body
    track.body[20:23, RIGHT_HAND, 1] -= torso
    track.body[20:23, RIGHT_HAND, 0] += 0.3 * torso
    out = clean_track(track).body
    assert spike_frames(track.body, track.fps)[20:23, RIGHT_HAND].all()
    err = np.linalg.norm(out[17:26, RIGHT_HAND, :2] - truth[17:26, RIGHT_HAND, :2], axis=-1)
    assert err.max() < 0.2 * torso, err.max() / torso  # the line between frames 19 and 23, not the curve


def test_real_fast_swings_are_kept():
    track, torso = _dance()
    raw = track.body.copy()
    # the left hand flung up a torso length in one frame and held there half a second, then back in one frame
    track.body[20:28, LEFT_HAND, 1] -= torso
    # the right hand swung out and back, far, in 0.4 s (6 frames: longer than a misread)
    track.body[30:36, RIGHT_HAND, 0] += torso * np.sin(np.pi * np.arange(1, 7) / 7)[:, None]
    assert not spike_frames(track.body, track.fps).any()
    out = clean_track(track).body
    assert np.abs(out[22:26, LEFT_HAND, 1] - (raw[22:26, LEFT_HAND, 1] - torso)).max() < 0.05 * torso
    assert out[32:34, J["right_wrist"], 0].max() - raw[32:34, J["right_wrist"], 0].max() > 0.8 * torso


def test_a_joint_not_seen_where_it_left_is_left_as_guessed():
    # a guess at a foot below the picture (visibility 0.1) that jumps is not the tracker's misread of a seen joint
    track, torso = _dance()
    foot = [J[f"left_{p}"] for p in ("ankle", "heel", "foot_index")]
    track.body[:, foot, 3] = 0.1
    track.body[20:22, foot, 1] -= torso
    assert not spike_frames(track.body, track.fps).any()
    track.body[:, foot, 3] = 0.9
    assert spike_frames(track.body, track.fps)[20:22, foot].all()


def test_a_track_with_nobody_in_it_is_left_as_it_is():
    from motion_transfer.pose.track import PoseTrack

    empty = PoseTrack.empty(20, 15.0, 64, 48)
    assert not spike_frames(empty.body, empty.fps).any()
    assert np.isnan(clean_track(empty).body).all()

"""Pose tracking against the generator's ground truth, and the `pose` command's outputs."""
from __future__ import annotations

import json

import numpy as np
import pytest

from motion_transfer.cli import main
from motion_transfer.media.probe import probe
from motion_transfer.pose.estimator import track_video
from motion_transfer.pose.track import load_track
from motion_transfer.samples import MAIN_JOINTS, make_clip

MAIN = list(MAIN_JOINTS)


@pytest.fixture(scope="module")
def dance(tmp_path_factory):
    path = tmp_path_factory.mktemp("pose") / "dance.mp4"
    return path, make_clip(path, "dance", seconds=2.0, fps=30, size=(640, 480))


def median_error_pct(track, clip):
    n = min(len(track), len(clip))
    err = np.linalg.norm(track.body[:n, MAIN, :2] - clip.joints[:n, MAIN, :2], axis=-1)
    return float(np.nanmedian(err) / clip.scale * 100)


def test_track_matches_ground_truth(dance):
    path, clip = dance
    track = track_video(path)
    assert len(track) == len(clip) and track.fps == 30.0
    assert track.present.mean() > 0.95
    assert median_error_pct(track, clip) < 3.0
    assert not np.isnan(track.face[:, 0, 0]).all()
    assert not np.isnan(track.body_world).all()


def test_balanced_preset_stays_accurate(dance):
    path, clip = dance
    track = track_video(path, preset="balanced")
    assert len(track) == len(clip)
    # fewer body samples than frames, fewer hand/face samples than body samples, and still accurate
    assert track.meta["detail_frames"] < track.meta["inference_frames"] < 0.75 * len(clip)
    assert median_error_pct(track, clip) < 3.0
    assert np.isfinite(track.face[:, 0, 0]).mean() > 0.9 and np.isfinite(track.right_hand[:, 0, 0]).mean() > 0.5


def test_a_clip_tracked_in_pieces_matches_one_tracked_whole(dance, monkeypatch):
    """Pieces tracked side by side join into the track one tracker gives (the second piece's tracker starts
    with a fresh search, so not bit for bit, but within a fraction of the pose accuracy)."""
    from motion_transfer.pose import estimator

    path, clip = dance
    monkeypatch.setattr(estimator, "MIN_PIECE_SECONDS", 0.5)
    assert estimator.piece_starts(len(clip), 30.0) == [0, 30]
    seen, ranges = [], []
    real = estimator._Piece.track

    def track(self, start, stop, *a):
        ranges.append((start, stop))
        return real(self, start, stop, *a)

    monkeypatch.setattr(estimator._Piece, "track", track)
    pieces = track_video(path, preset="balanced", progress=lambda s, i, n: seen.append((i, n)))
    assert sorted(ranges) == [(0, 30), (30, None)]
    monkeypatch.setattr(estimator, "POSE_PIECES", 1)
    whole = track_video(path, preset="balanced")
    assert len(pieces) == len(whole) == len(clip)
    gap = np.linalg.norm(pieces.body[:, MAIN, :2] - whole.body[:, MAIN, :2], axis=-1)
    assert np.nanmedian(gap) / clip.scale < 0.01
    assert median_error_pct(pieces, clip) < 3.0
    assert seen[-1] == (len(clip), len(clip)) and all(i <= n for i, n in seen)


def test_an_error_in_one_piece_stops_the_other_and_keeps_stderr(dance, monkeypatch):
    import os
    import threading

    from motion_transfer.errors import EngineError
    from motion_transfer.pose import estimator

    path, _ = dance
    monkeypatch.setattr(estimator, "MIN_PIECE_SECONDS", 0.5)
    real = estimator._Piece._sample

    def failing(self, samples, k, *a, **kw):
        if k >= 40:
            raise EngineError("the pose model crashed.")
        return real(self, samples, k, *a, **kw)

    monkeypatch.setattr(estimator._Piece, "_sample", failing)
    stderr_before = os.fstat(2)
    before = threading.active_count()
    with pytest.raises(EngineError, match="crashed"):
        track_video(path, preset="balanced")
    assert threading.active_count() <= before
    after = os.fstat(2)  # the models' muting of stderr was undone
    assert (after.st_dev, after.st_ino) == (stderr_before.st_dev, stderr_before.st_ino)


def test_depth_tells_an_arm_in_front_from_one_behind(tmp_path):
    """The track's z says whether the crossing arm is in front of the body or behind it: the puppet's draw
    order depends on it."""
    path = tmp_path / "cross.mp4"
    clip = make_clip(path, "cross", seconds=3.0, fps=15, size=(640, 480))
    track = track_video(path)
    front, behind = clip.events["right_arm_front"], clip.events["right_arm_behind"]
    assert front.any() and behind.any()
    wrist_z = track.body[:, 16, 2]
    assert np.nanmedian(wrist_z[front]) < np.nanmedian(wrist_z[behind])
    assert np.nanmedian(wrist_z[front]) < 0


def test_pose_command_writes_track_skeleton_and_openpose(dance, tmp_path, capsys):
    path, clip = dance
    out = tmp_path / "d.pose.json"
    skel = tmp_path / "skel.mp4"
    code = main(["pose", str(path), "-o", str(out), "--skeleton-video", str(skel), "--openpose-dir",
                 str(tmp_path / "op"), "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["frames"] == len(clip) and summary["body_frames"] >= 0.95 * len(clip)
    track = load_track(out)
    assert median_error_pct(track, clip) < 3.0
    info = probe(skel)
    assert (info.width, info.height, info.frame_count) == (640, 480, len(clip))
    files = sorted((tmp_path / "op").iterdir())
    assert len(files) == len(clip)
    doc = json.loads(files[10].read_text())
    assert doc["canvas_width"] == 640 and len(doc["people"][0]["pose_keypoints_2d"]) == 54


def test_skeleton_frames_use_openpose_colours(dance, tmp_path):
    from motion_transfer.pose.draw import draw_track_frame

    path, clip = dance
    frame = draw_track_frame(clip.to_track(), 0)
    colours = {tuple(c) for c in frame.reshape(-1, 3)[::7]}
    assert (255, 0, 0) in colours or any(c[0] > 200 and c[1] < 60 and c[2] < 60 for c in colours)
    assert frame[0, 0].tolist() == [0, 0, 0]


def test_the_face_models_iris_points_are_kept_apart_from_its_mesh():
    """The refined face model's 478 points: the mesh keeps its 468, the ten after them are the track's ``irises``;
    a result of the plain model's 468 leaves the irises missing."""
    from types import SimpleNamespace

    from motion_transfer.pose.estimator import _store
    from motion_transfer.pose.track import PoseTrack

    def result(n: int) -> SimpleNamespace:
        face = SimpleNamespace(landmark=[SimpleNamespace(x=i / 1000, y=0.5, z=0.0) for i in range(n)])
        return SimpleNamespace(pose_landmarks=None, left_hand_landmarks=None, right_hand_landmarks=None,
                               face_landmarks=face)

    track = PoseTrack.empty(2, 10.0, 1000, 100)
    _store(track, 0, result(478), 1000, 100)
    _store(track, 1, result(468), 1000, 100)
    np.testing.assert_allclose(track.face[:, :, 0], np.broadcast_to(np.arange(468), (2, 468)), atol=1e-3)
    np.testing.assert_allclose(track.irises[0, :, 0], np.arange(468, 478), atol=1e-3)
    assert np.isnan(track.irises[1]).all()

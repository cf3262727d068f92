import json

import numpy as np
import pytest

from motion_transfer.errors import InputError
from motion_transfer.pose.openpose import FACE70_FROM_MESH, openpose_frame, write_openpose_dir
from motion_transfer.pose.track import PoseTrack, load_track, save_track


def make_track(frames=5):
    rng = np.random.default_rng(1)
    t = PoseTrack.empty(frames, 25.0, 640, 480, source="x.mp4")
    t.body[:] = np.concatenate([rng.uniform(0, 400, (frames, 33, 3)), rng.uniform(0, 1, (frames, 33, 1))], -1)
    t.body[2] = np.nan  # a missing frame
    t.left_hand[1] = rng.uniform(0, 400, (21, 3))
    t.face[0] = rng.uniform(0, 400, (468, 3))
    t.irises[0] = rng.uniform(0, 400, (10, 3))
    t.body_world[:] = rng.normal(size=(frames, 33, 3))
    t.filled[3] = True
    return t


@pytest.mark.parametrize("suffix", [".pose.json", ".npz"])
def test_round_trip(tmp_path, suffix):
    t = make_track()
    path = save_track(t, tmp_path / f"t{suffix}")
    back = load_track(path)
    assert (back.fps, back.width, back.height, len(back), back.source) == (25.0, 640, 480, 5, "x.mp4")
    for key in ("body", "left_hand", "right_hand", "face", "body_world", "irises"):
        np.testing.assert_allclose(getattr(back, key), getattr(t, key), atol=1e-3, equal_nan=True)
    assert back.filled.tolist() == t.filled.tolist()
    assert back.present.tolist() == [True, True, False, True, True]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("suffix", [".pose.json", ".npz"])
def test_a_track_written_before_the_irises_were_kept_loads_without_them(tmp_path, suffix):
    """A track file from before ``irises`` (no such array) still loads, with ``irises`` None (no gaze)."""
    t = make_track()
    t.irises = None
    back = load_track(save_track(t, tmp_path / f"t{suffix}"))
    assert back.irises is None
    np.testing.assert_allclose(back.face, t.face, atol=1e-3, equal_nan=True)


def test_json_is_documented_shape(tmp_path):
    doc = json.loads(save_track(make_track(), tmp_path / "t.pose.json").read_text())
    assert doc["format"] == "motion-transfer.pose" and doc["version"] == 1
    assert doc["body"][2] is None and len(doc["body"][0]) == 33 and len(doc["body"][0][0]) == 4
    assert doc["right_hand"][0] is None


def test_newer_or_foreign_files_are_refused(tmp_path):
    p = tmp_path / "t.pose.json"
    p.write_text(json.dumps({"format": "motion-transfer.pose", "version": 99}))
    with pytest.raises(InputError, match="newer version"):
        load_track(p)
    p.write_text(json.dumps({"hello": 1}))
    with pytest.raises(InputError, match="not a motion-transfer pose track"):
        load_track(p)


def test_openpose_export(tmp_path):
    t = make_track()
    assert len(FACE70_FROM_MESH) == 68
    frame = openpose_frame(t, 0)
    person = frame["people"][0]
    assert len(person["pose_keypoints_2d"]) == 18 * 3
    assert len(person["face_keypoints_2d"]) == 70 * 3
    assert len(person["hand_left_keypoints_2d"]) == len(person["hand_right_keypoints_2d"]) == 21 * 3
    neck = person["pose_keypoints_2d"][3:5]
    np.testing.assert_allclose(neck, (t.body[0, 11, :2] + t.body[0, 12, :2]) / 2, atol=1e-3)
    assert openpose_frame(t, 2)["people"] == []
    paths = write_openpose_dir(t, tmp_path / "op", stem="clip")
    assert paths[0].name == "clip_000000_keypoints.json" and len(paths) == 5

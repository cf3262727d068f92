"""The face mesh follows the video's face texture: a mesh that lands a few pixels off the face, frame after frame,
is moved to where the face is (``pose.head_texture``)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from motion_transfer.media.writer import VideoWriter
from motion_transfer.pose.facemesh import STABLE
from motion_transfer.pose.head_texture import texture_head
from motion_transfer.pose.skeleton import NUM_FACE
from motion_transfer.pose.track import PoseTrack

W, H, SIDE, T, FPS = 320, 240, 120, 16, 10.0
COVERED = range(8, 13)  # frames where a hand (a patch of other texture) hides the face


def _texture(seed: int, side: int, eyes: bool = True) -> np.ndarray:
    """A face-sized patch of smooth random texture, with dark eye and brow marks or (a hand) none."""
    rng = np.random.default_rng(seed)
    tex = cv2.GaussianBlur(rng.uniform(60, 200, (side, side)).astype(np.float32), (0, 0), 3)
    for x in (0.3, 0.7) if eyes else ():
        cv2.ellipse(tex, (int(x * side), int(0.4 * side)), (side // 10, side // 20), 0, 0, 360, 30, -1)
        cv2.line(tex, (int((x - 0.12) * side), int(0.28 * side)), (int((x + 0.12) * side), int(0.26 * side)), 40, 3)
    return tex


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """A face moving and growing through a video, its true mesh, and a tracked mesh that sits off it."""
    rng = np.random.default_rng(1)
    face = _texture(2, SIDE)
    hand = _texture(3, SIDE, eyes=False)
    points = rng.uniform(0.1 * SIDE, 0.9 * SIDE, (NUM_FACE, 2))  # the mesh in the face's own pixels
    t = np.arange(T)
    place = np.stack([90 + 4.0 * t, 50 + 3.0 * np.sin(t)], axis=1)  # the face's top left corner
    scale = 1.0 + 0.004 * t
    true = place[:, None] + scale[:, None, None] * points[None]
    path = tmp_path_factory.mktemp("head_texture") / "face.mp4"
    with VideoWriter(path, FPS, W, H) as writer:
        for k in range(T):
            M = np.float32([[scale[k], 0, place[k, 0]], [0, scale[k], place[k, 1]]])
            patch = hand if k in COVERED else face
            frame = np.full((H, W), 120, np.float32)
            warped = cv2.warpAffine(patch, M, (W, H), borderValue=-1)
            frame = np.where(warped >= 0, warped, frame)
            writer.write(np.repeat(np.clip(frame, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2))
    off = np.where(t[:, None] > 0, [0.0, 4.0], 0.0) + rng.normal(0, 1.0, (T, 2)) * (t[:, None] > 0)
    track = PoseTrack.empty(T, FPS, W, H)
    track.face[:, :, :2] = true + off[:, None]
    track.face[:, :, 2] = 0.0
    return path, track, true


def _centre(mesh: np.ndarray) -> np.ndarray:
    return mesh[:, list(STABLE), :2].mean(axis=1)


def test_the_mesh_is_moved_onto_the_face(scene):
    """The tracked mesh's rigid centre sits 4 px below the face (and 1 px of jitter); moved onto the face's texture,
    it lies within half a pixel of the true one where the face is seen. Without the texture, 4 px off."""
    path, track, true = scene
    seen = np.array([k not in COVERED for k in range(T)])
    before = np.linalg.norm(_centre(track.face) - _centre(true), axis=1)[seen].mean()
    after = np.linalg.norm(_centre(texture_head(path, track).face) - _centre(true), axis=1)[seen].mean()
    assert before > 3.5
    assert after < 0.5, f"the mesh lies {after:.2f} px off the face (before: {before:.2f})"


def test_a_face_that_grows_is_followed_and_the_mesh_keeps_its_size(scene):
    """The face grows 6 % over the clip (the alignment's affine map takes that up): the mesh is still moved onto it
    where the face is seen, and only moved, its spread the tracked one's."""
    path, track, true = scene
    moved = texture_head(path, track).face
    seen = [k not in COVERED for k in range(T)]
    assert np.linalg.norm(_centre(moved) - _centre(true), axis=1)[seen][-3:].max() < 0.5

    def spread(mesh):
        pts = mesh[:, list(STABLE), :2]
        return np.sqrt(((pts - pts.mean(axis=1, keepdims=True)) ** 2).sum(-1).mean(-1))

    assert np.allclose(spread(moved), spread(track.face), rtol=1e-5)


def test_a_hidden_face_keeps_its_mesh_and_the_first_frame_is_the_anchor(scene):
    """Where a hand hides the face, the alignment fails and the mesh stays where the landmarks put it (the middle
    of the covered frames: the correction fades in and out over a frame or two either side); the first frame's
    mesh, the one the others are aligned to, is not moved."""
    path, track, _ = scene
    moved = texture_head(path, track).face
    middle = COVERED[len(COVERED) // 2]
    assert np.abs(moved[middle] - track.face[middle]).max() < 0.3
    assert np.array_equal(moved[0], track.face[0])


def test_a_track_without_a_face_mesh_is_returned_as_it_is(scene):
    path, track, _ = scene
    bare = PoseTrack.empty(T, FPS, W, H)
    assert texture_head(path, bare) is bare


def test_the_engine_keeps_the_moved_track_in_the_motion_cache(scene, tmp_path, monkeypatch):
    """A second character on the same motion reads the moved track from the cache: the video is not decoded and
    aligned again."""
    from types import SimpleNamespace

    from motion_transfer.engines.puppet import engine
    from motion_transfer.engines.puppet.settings import Settings

    path, track, true = scene
    monkeypatch.setenv("MOTION_TRANSFER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(engine, "cached_track", lambda *a, **k: track)
    calls = []

    def counted(video, tr):
        calls.append(video)
        return texture_head(video, tr)

    monkeypatch.setattr(engine, "texture_head", counted)
    request = SimpleNamespace(video=path)
    first = engine.load_motion(request, Settings())
    second = engine.load_motion(request, Settings())
    assert len(calls) == 1
    assert second.meta["cache"] == "hit"
    np.testing.assert_allclose(second.face[:, :, :2], first.face[:, :, :2], atol=1e-3)
    assert np.abs(_centre(second.face)[1:] - _centre(track.face)[1:]).max() > 1.0  # the moved mesh, not the raw one

"""The reference's camera motion: measured on its background, reproduced in ``image`` orientation."""
from __future__ import annotations

import cv2
import numpy as np

from motion_transfer.media.framing import letterbox
from motion_transfer.pose.retarget import MS, RestPose, extend, retarget
from motion_transfer.pose.track import PoseTrack
from motion_transfer.samples import make_background, make_motion


def _pan_clip(path, frames=45):
    """A cluttered scene filmed by a camera panning left and zooming in (frame 0 -> t known exactly)."""
    from motion_transfer.media.writer import VideoWriter

    scene = make_background("cluttered", (900, 560), seed=3)
    truth = []
    with VideoWriter(path, 30, 640, 360) as w:
        for i in range(frames):
            z = 1.0 + 0.003 * i
            M = np.array([[z, 0, -60 - 1.2 * i], [0, z, -80 + 0.4 * i], [0, 0, 1]])
            w.write(cv2.warpAffine(scene, M[:2], (640, 360)))
            truth.append(M)
    M0 = np.linalg.inv(truth[0])
    return np.stack([(M @ M0)[:2] for M in truth])


def test_camera_pan_and_zoom_are_measured(tmp_path):
    from motion_transfer.engines.puppet.camera import track_camera

    truth = _pan_clip(tmp_path / "pan.mp4")
    got = track_camera(tmp_path / "pan.mp4", PoseTrack.empty(len(truth), 30.0, 640, 360))
    corners = np.array([[0, 0, 1], [640, 0, 1], [0, 360, 1], [640, 360, 1]], float)
    err = np.linalg.norm(np.einsum("tij,nj->tni", got, corners) - np.einsum("tij,nj->tni", truth, corners), axis=2)
    assert err.max() < 3.0, err.max()


def test_still_camera_reads_as_still(tmp_path):
    """A dancing actor in front of a still camera is not mistaken for camera motion."""
    from motion_transfer.engines.puppet.camera import track_camera
    from motion_transfer.samples import make_clip

    clip = make_clip(tmp_path / "dance.mp4", "dance", seconds=1.0, size=(480, 270), background="cluttered")
    got = track_camera(tmp_path / "dance.mp4", clip.to_track())
    assert np.allclose(got, np.eye(3)[:2], atol=1e-9)


def test_image_orientation_reproduces_the_camera_move():
    """An actor standing still in a panning shot (it slides across the frame with the scene): in ``image``
    orientation the character stands still in its own scene and the scene pans the same way."""
    clip = make_motion("static", seconds=1.0, fps=30, size=(640, 360))
    T = len(clip)
    cam = np.tile(np.eye(3)[None, :2], (T, 1, 1))
    cam[:, 0, 2] = np.linspace(0, -40, T)  # the scene slides 40 px left
    track = clip.to_track()
    track.body[:, :, 0] += cam[:, 0, 2][:, None]  # and the actor with it
    rest = RestPose(joints=clip.joints[0, :, :2].astype(np.float32), visibility=np.ones(33, np.float32),
                    width=640, height=360)
    home = extend(rest.joints)[MS]
    plain = retarget(track, rest, "image", 640, 360, plant_feet=False)
    moved = retarget(track, rest, "image", 640, 360, plant_feet=False, camera=cam)
    place = letterbox(640, 360, 640, 360)
    assert np.allclose(moved.joints[:, MS, 0] - home[0], cam[:, 0, 2] * place.scale, atol=0.5)
    assert np.allclose(moved.joints[:, MS, 1], home[1], atol=0.5)
    # without the camera, the slide would be taken for the actor's own (high-passed) motion
    assert np.abs(plain.joints[:, MS, 0] - moved.joints[:, MS, 0]).max() > 5


def test_crop_window_pan_tilt_zoom_over_a_closeup(tmp_path):
    """A close-up clip filmed again through a crop window that pans a quarter of the frame, tilts and zooms in
    by 20 %: the measured camera follows the window (the actor fills most of the view and its hips and legs
    are far below the frame, so the background is only a margin around it)."""
    from motion_transfer.engines.puppet.camera import track_camera
    from motion_transfer.media.frames import iter_frames
    from motion_transfer.media.writer import VideoWriter
    from motion_transfer.samples import make_clip

    clip = make_clip(tmp_path / "src.mp4", "wave", seconds=2.0, fps=15, size=(640, 480), framing="closeup",
                     background="cluttered", seed=5)
    track = clip.to_track()
    T = len(track)
    truth, W, H = [], 480, 360
    with VideoWriter(tmp_path / "crop.mp4", 15, W, H) as w:
        for i, frame in enumerate(iter_frames(tmp_path / "src.mp4")):
            a = i / (T - 1)
            z = 1.0 + 0.2 * a
            k = W / (520 / z)  # output pixels per source pixel
            x0, y0 = 10 + 0.25 * 480 * a, 70 - 40 * a
            M = np.array([[k, 0, -x0 * k], [0, k, -y0 * k], [0, 0, 1]])
            w.write(cv2.warpAffine(frame, M[:2], (W, H), flags=cv2.INTER_AREA))
            truth.append(M)
            xy = track.body[i, :, :2].astype(np.float64)
            track.body[i, :, :2] = xy @ M[:2, :2].T + M[:2, 2]
    track.width, track.height = W, H
    M0 = np.linalg.inv(truth[0])
    truth = np.stack([(M @ M0)[:2] for M in truth])
    got = track_camera(tmp_path / "crop.mp4", track)
    corners = np.array([[0, 0, 1], [W, 0, 1], [0, H, 1], [W, H, 1]], float)
    moved = np.einsum("tij,nj->tni", truth, corners)
    err = np.linalg.norm(np.einsum("tij,nj->tni", got, corners) - moved, axis=2)
    assert np.linalg.norm(moved - corners[None, :, :2], axis=2).max() > 100  # the move is large
    assert err.max() < 0.04 * np.hypot(W, H), err.max()
    assert np.median(err) < 4.0, np.median(err)


def test_the_output_scene_follows_the_reference_camera(tmp_path):
    """End to end in ``image`` orientation: an actor standing still, filmed through a crop window that pans and
    tilts across the scene. The output (the character image's own scene, the character in it) moves the same
    way at the output's scale: the whole picture slides by the window's move, measured on the rendered frames."""
    from PIL import Image

    from motion_transfer.engines.puppet import PuppetEngine
    from motion_transfer.media.frames import iter_frames
    from motion_transfer.media.writer import VideoWriter
    from motion_transfer.request import Request
    from motion_transfer.samples import make_clip

    clip = make_clip(tmp_path / "src.mp4", "static", seconds=1.0, fps=15, size=(640, 360), background="cluttered",
                     seed=4)
    track = clip.to_track()
    W, H, dx, dy = 480, 270, 48.0, -30.0  # the window: 480 x 270 of the 640 x 360 scene, moving right and up
    with VideoWriter(tmp_path / "ref.mp4", 15, W, H) as w:
        for i, frame in enumerate(iter_frames(tmp_path / "src.mp4")):
            a = i / (len(track) - 1)
            x0, y0 = round(40 + dx * a), round(60 + dy * a)
            w.write(np.ascontiguousarray(frame[y0:y0 + H, x0:x0 + W]))
            track.body[i, :, 0] -= x0
            track.body[i, :, 1] -= y0
    track.width, track.height = W, H
    first = next(iter(iter_frames(tmp_path / "ref.mp4")))
    Image.fromarray(first).save(tmp_path / "image.png")
    req = Request(image=tmp_path / "image.png", video=tmp_path / "ref.mp4", output=tmp_path / "out.mp4",
                  tier="std", orientation="image", keep_sound=False, options={"pose_track": track})
    PuppetEngine().run(req, None, None)
    out = list(iter_frames(tmp_path / "out.mp4"))
    s = out[0].shape[1] / W  # output pixels per reference pixel

    def gray(f):
        return cv2.cvtColor(f, cv2.COLOR_RGB2GRAY).astype(np.float32)

    win = cv2.createHanningWindow(out[0].shape[1::-1], cv2.CV_32F)
    (sx, sy), _ = cv2.phaseCorrelate(gray(out[0]), gray(out[-1]), win)
    # the scene moves against the window: left and down by the window's move, at the output's scale
    assert abs(sx + dx * s) < 0.08 * abs(dx * s) + 2, (sx, -dx * s)
    assert abs(sy + dy * s) < 0.08 * abs(dy * s) + 2, (sy, -dy * s)

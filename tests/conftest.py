"""Shared fixtures: small media made on the fly (tests never need downloaded data)."""
from __future__ import annotations

import os

import cv2
import numpy as np
import pytest

from motion_transfer.pose.skeleton import J
from motion_transfer.samples import make_motion

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def write_clip(path, *, seconds=1.0, fps=30, size=(64, 48), audio=False, codec_format=None):
    """A moving-bar clip via the project's writer (MP4) or PyAV directly for other containers."""
    from motion_transfer.media.writer import VideoWriter

    w, h = size
    n = int(round(seconds * fps))
    frames = []
    for i in range(n):
        f = np.full((h, w, 3), 40, np.uint8)
        f[:, (i * 2) % w] = 255
        frames.append(f)
    if codec_format is None:
        tone = None
        if audio:
            sr = 16000
            t = np.arange(int(seconds * sr)) / sr
            tone = ((0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None], sr)
        with VideoWriter(path, fps, w, h, audio=tone) as writer:
            for f in frames:
                writer.write(f)
        return path
    import av

    fmt, codec, pix = codec_format
    with av.open(str(path), "w", format=fmt) as c:
        s = c.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = w, h, pix
        for i, f in enumerate(frames):
            vf = av.VideoFrame.from_ndarray(f, format="rgb24")
            vf.pts = i
            for p in s.encode(vf):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    return path


# a close-up framed so that an A-pose's elbows are just inside the bottom edge and its hands below it
CLOSE_UP = {"size": (360, 250), "scale": 630.0, "center": (180.0, 333.0)}


def folded_close_up(squash: str) -> tuple:
    """A close-up whose hands hang below the frame's bottom edge (elbows just inside it), as MediaPipe reports
    it: wrists outside the frame at a low visibility, except in frames 10-39, where it folds each forearm back
    into the frame from the elbow (``squash="stub"``: to a quarter of its length, visibility 0.9, its hand
    folded back over it, as it does on TikTok clip 5; over 0.4 s, its track being smoothed) or the actor really
    raises it (``"raised"``: at full length, the hand in view)."""
    clip = make_motion("static", seconds=2.0, fps=30, **CLOSE_UP)
    track = clip.to_track()
    body = track.body
    share = 0.25 if squash == "stub" else 1.0
    fold = np.clip(np.minimum(np.arange(len(body)) - 9, 40 - np.arange(len(body))) / 12.0, 0.0, 1.0)

    def turned(v, angle):
        c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
        return np.concatenate([c * v[:, :1] - s * v[:, 1:], s * v[:, :1] + c * v[:, 1:]], axis=1)

    for side in ("left", "right"):
        elbow, wrist = body[:, J[f"{side}_elbow"], :2].copy(), body[:, J[f"{side}_wrist"], :2].copy()
        new_wrist = elbow + turned((1.0 - (1.0 - share) * fold)[:, None] * (wrist - elbow), np.pi * fold)
        for j in (J[f"{side}_{n}"] for n in ("wrist", "pinky", "index", "thumb")):
            body[:, j, 3] = np.where(body[:, j, 1] > track.height, 0.1, 1.0)
            hand = body[:, j, :2] - wrist
            if squash == "stub":  # the hand folded back over the stub: it keeps pointing down
                body[:, j, :2] = new_wrist + share * hand
            else:
                body[:, j, :2] = new_wrist + turned(hand, np.pi * fold)
            body[10:40, j, 3] = 0.9
    return clip, track


@pytest.fixture(scope="session", autouse=True)
def motion_cache_dir(tmp_path_factory):
    """The test session's own motion cache (set before module fixtures run): tests never read or fill the
    user's. Tests about the cache itself point ``MOTION_TRANSFER_CACHE_DIR`` at a folder of their own."""
    folder = tmp_path_factory.mktemp("motion-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTION_TRANSFER_CACHE_DIR", str(folder))
        mp.delenv("MOTION_TRANSFER_CACHE", raising=False)
        mp.delenv("MOTION_TRANSFER_CACHE_MB", raising=False)
        yield folder


@pytest.fixture
def clip(tmp_path):
    return write_clip(tmp_path / "clip.mp4")


def layered_rig(image: np.ndarray, matte: np.ndarray, joints: np.ndarray, labels: np.ndarray,
                visibility: np.ndarray | None = None, **fields):
    """A Rig of a generated picture with its labels given (no skeleton search, no labelling), its layers built: the
    tests that check what the layer building makes of a known labelling start from it. ``fields`` are further Rig
    fields (e.g. ``armpits``)."""
    from motion_transfer.engines.puppet.mesh import build_layers
    from motion_transfer.engines.puppet.model import Rig

    h, w = labels.shape
    rig = Rig(width=w, height=h, joints=np.asarray(joints, np.float32),
              visibility=np.ones(33, np.float32) if visibility is None else visibility,
              depth=np.zeros(33, np.float32), source="test", image=image, matte=matte, labels=labels, **fields)
    rig.layers = build_layers(rig)
    return rig


def left_arm_swung(rig, degrees: float, upper: float = 1.0) -> np.ndarray:
    """The rig drawn at its picture's size on magenta with its left arm (elbow, wrist, fingers) turned ``degrees``
    about its shoulder (positive: out): what an arm's layer leaves behind, and carries, once it moves. ``upper``:
    the upper arm drawn at that share of its length (below 1: pointing towards the camera), the forearm moved
    with the elbow."""
    from motion_transfer.engines.puppet.render import Renderer

    joints = rig.joints.astype(np.float64).copy()
    shoulder = joints[J["left_shoulder"]].copy()
    t = -np.radians(degrees)
    turn = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    arm = [J[f"left_{k}"] for k in ("elbow", "wrist", "index", "pinky", "thumb")]
    joints[arm] = (joints[arm] - shoulder) @ turn.T + shoulder
    joints[arm] += (upper - 1.0) * (joints[J["left_elbow"]] - shoulder)
    canvas = np.full((rig.height, rig.width, 3), (255, 0, 255), np.uint8)
    return Renderer(rig, rig.width, rig.height).render(canvas, joints.astype(np.float32), np.zeros(36), 1.0, 0.0)


def drawn_penguin() -> np.ndarray:
    """A drawn penguin (360 x 480) standing on a floor of snow (rows 430 on), its feet reaching row 450: a round
    head set on an egg-shaped body (no neck), a white belly, two flippers along its sides, orange feet; no legs."""
    img = np.zeros((480, 360, 3), np.uint8)
    img[:] = (190, 215, 235)
    img[430:] = (245, 245, 245)
    black, white, orange = (30, 32, 40), (245, 245, 245), (240, 150, 30)
    cv2.ellipse(img, (180, 295), (85, 150), 0, 0, 360, black, -1)
    for cx, angle in ((100, 20), (260, -20)):
        cv2.ellipse(img, (cx, 310), (18, 80), angle, 0, 360, black, -1)
    cv2.circle(img, (180, 130), 60, black, -1)
    cv2.ellipse(img, (180, 315), (55, 105), 0, 0, 360, white, -1)
    for cx in (158, 202):
        cv2.circle(img, (cx, 120), 16, white, -1)
        cv2.circle(img, (cx, 122), 6, (0, 0, 0), -1)
    cv2.fillConvexPoly(img, np.array([[168, 145], [192, 145], [180, 165]]), orange)
    for cx in (150, 210):
        cv2.ellipse(img, (cx, 440), (30, 10), 0, 0, 360, orange, -1)
    return img


@pytest.fixture(scope="module")
def bear():
    """(the generated teddy bear, its rig): a figure rigged by a silhouette fit (stubby limbs, flat fur)."""
    from motion_transfer.engines.puppet import rig_character
    from motion_transfer.samples.stylised import make_stylised

    c = make_stylised("teddy_bear")
    return c, rig_character(c.image)


def drawn_off_mesh(rig, joints: np.ndarray, backdrop: tuple, level: int = 60) -> np.ndarray:
    """HxW bool: the pixels of ``rig`` drawn at ``joints`` (extended) on a plain ``backdrop`` at its picture's size
    (off it by more than ``level`` in a channel) that lie farther than two pixels (the soft edge) from every layer's
    posed triangles: paint floating off the mesh (a fleck of a limb read past a squeezed triangle, a speck of
    hair)."""
    from motion_transfer.engines.puppet.render import Renderer, bone_transforms

    h, w = rig.height, rig.width
    renderer = Renderer(rig, w, h)
    out = renderer.render(np.full((h, w, 3), backdrop, np.uint8), joints, np.zeros(36), 1.0, 0.0)
    T = bone_transforms(renderer.rest, joints, 1.0, 0.0, None, None, rig.box_torso)
    mesh = np.zeros((h, w), np.uint8)
    for layer in rig.layers:
        corners = np.round(renderer.posed_vertices(layer, T)[layer.triangles] * 4).astype(np.int32)
        cv2.fillPoly(mesh, list(corners), 1, shift=2)
    near = cv2.dilate(mesh, np.ones((5, 5), np.uint8)) > 0
    drawn = np.abs(out.astype(int) - np.asarray(backdrop)).max(axis=2) > level
    return drawn & ~near

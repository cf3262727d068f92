"""Synthetic people with known poses: the ground truth the tests, the benchmarks and ``demo`` stand on.

Tests must never need downloaded footage, yet pose estimation, retargeting and the preflight advice all need
video of a person whose joints we know exactly. This module makes that video:

* a **skeleton** is a set of bone lengths (:class:`Proportions`, adult proportions in units of standing
  height), a **pose** is a set of joint angles and targets (:class:`Pose`), and :func:`forward_kinematics` turns
  them into MediaPipe's 33 body joints and 21-joint hands. Legs are solved by two-bone IK from ankle targets,
  so a planted foot stays *exactly* where it was put;
* :func:`make_motion` builds named motions ("dance", "wave", "static", "cross", "reach", "turn", "step",
  "talk", "fingers") as a :class:`MotionClip` in pixel coordinates, with the facts tests check against
  (planted feet, arm in front of or behind the torso, hands out of frame, back view, mouth and eye opening,
  head angles, finger curl);
* :func:`render_mannequin` draws a shaded, anti-aliased 3D mannequin (ray-cast ellipsoids and capsules with a
  z-buffer, so an arm in front covers the torso and one behind is hidden) that MediaPipe Holistic detects: it
  has a face with eyes, brows, nose and mouth, hands with fingers and shoes;
* :func:`make_character` writes a still PNG, :func:`make_clip` an H.264 MP4 (optionally with a second person,
  a moving background or a sine-tone audio track).

Coordinates follow MediaPipe: x right and y down in pixels, z relative depth in pixels (smaller is nearer the
camera) with the hips' midpoint at 0 in every frame. Left and right are the subject's. Everything is
deterministic: the seed only chooses background texture.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..pose.skeleton import NUM_BODY, NUM_HAND, J

__all__ = [
    "BACKGROUNDS",
    "FRAMINGS",
    "MAIN_JOINTS",
    "MOTIONS",
    "STYLES",
    "MotionClip",
    "Pose",
    "Proportions",
    "Style",
    "bend",
    "character_pose",
    "forward_kinematics",
    "framing_transform",
    "hand_joints",
    "make_background",
    "make_character",
    "make_clip",
    "make_motion",
    "render_clip_frames",
    "render_mannequin",
    "sph",
]

MOTIONS = ("dance", "wave", "static", "cross", "reach", "turn", "step", "talk", "fingers")
FRAMINGS = ("full", "closeup", "portrait", "small")
BACKGROUNDS = ("plain", "gradient", "cluttered", "moving")

# The 12 joints every metric in the project scores (shoulders, elbows, wrists, hips, knees, ankles).
MAIN_JOINTS: tuple[int, ...] = tuple(J[f"{s}_{p}"] for p in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
                                     for s in ("left", "right"))

# ----------------------------------------------------------------------------------------------------------------
# Skeleton
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proportions:
    """Bone lengths in units of standing height (sole to top of head), after anthropometric tables (Drillis &
    Contini): a head of ~1/7.5 of height, hips at 0.53, shoulders at 0.82. Thickness lives in the style."""

    hip_height: float = 0.530  # hip joint centre above the floor
    ankle_height: float = 0.039
    thigh: float = 0.245
    shank: float = 0.246
    hip_half_width: float = 0.058  # hip joint centres
    torso: float = 0.288  # hip-joint line to shoulder-joint line
    shoulder_half_width: float = 0.108
    upper_arm: float = 0.186
    forearm: float = 0.146
    neck_pivot: float = 0.305  # above the hip line, along the spine
    head_up: float = 0.095  # neck pivot to head centre (head centre ~ eye level, 0.93 of height)
    head_radii: tuple[float, float, float] = (0.052, 0.066, 0.060)  # half width, half height, half depth
    heel_back: float = 0.040
    toe_forward: float = 0.115
    hand_scale: float = 1.0

    def bone_ratios(self) -> dict[tuple[int, int], float]:
        """3D length of some bones over standing height; lets the renderer recover the scale from joints."""
        r = {}
        for s in ("left", "right"):
            r[(J[f"{s}_shoulder"], J[f"{s}_elbow"])] = self.upper_arm
            r[(J[f"{s}_elbow"], J[f"{s}_wrist"])] = self.forearm
            r[(J[f"{s}_hip"], J[f"{s}_knee"])] = self.thigh
            r[(J[f"{s}_knee"], J[f"{s}_ankle"])] = self.shank
        r[(J["left_shoulder"], J["right_shoulder"])] = 2 * self.shoulder_half_width
        r[(J["left_hip"], J["right_hip"])] = 2 * self.hip_half_width
        return r


ADULT = Proportions()

# Head-local landmark positions in unit-ellipsoid coordinates (x = subject's left, y down, z backwards).
_FACE_LOCAL = {
    "nose": (0.0, 0.22, -1.13),
    "left_eye_inner": (0.17, -0.02, None), "left_eye": (0.36, -0.02, None), "left_eye_outer": (0.54, -0.02, None),
    "right_eye_inner": (-0.17, -0.02, None), "right_eye": (-0.36, -0.02, None),
    "right_eye_outer": (-0.54, -0.02, None),
    "left_ear": (1.0, 0.08, 0.1), "right_ear": (-1.0, 0.08, 0.1),
    "mouth_left": (0.27, 0.52, None), "mouth_right": (-0.27, 0.52, None),
}


def _front_z(x: float, y: float) -> float:
    return -math.sqrt(max(0.0, 1.0 - x * x - y * y))


# ----------------------------------------------------------------------------------------------------------------
# Small vector helpers (vectorised over a leading frame axis)
# ----------------------------------------------------------------------------------------------------------------


def _norm(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-12)


def _rot(axis: str, ang: np.ndarray) -> np.ndarray:
    """[T,3,3] rotations about a camera axis (x right, y down, z away); angles in radians."""
    ang = np.asarray(ang, dtype=np.float64)
    c, s = np.cos(ang), np.sin(ang)
    o, z = np.ones_like(ang), np.zeros_like(ang)
    if axis == "x":
        m = [[o, z, z], [z, c, -s], [z, s, c]]
    elif axis == "y":
        m = [[c, z, s], [z, o, z], [-s, z, c]]
    else:
        m = [[c, -s, z], [s, c, z], [z, z, o]]
    return np.moveaxis(np.array(m), (0, 1), (-2, -1))


def _apply(R: np.ndarray, v: np.ndarray) -> np.ndarray:
    """R [...,3,3] @ v [...,3]."""
    return np.einsum("...ij,...j->...i", R, v)


def sph(elevation: np.ndarray | float, azimuth: np.ndarray | float, side: int) -> np.ndarray:
    """A limb direction in the body's frame from two angles in degrees.

    ``elevation`` 0 hangs straight down, 90 is horizontal, 180 straight up; ``azimuth`` 0 points out to the
    limb's own side, 90 forward (towards the camera when facing it), -90 backward, 180 across the body.
    ``side`` is +1 for the subject's left limb, -1 for the right.
    """
    e = np.radians(np.asarray(elevation, dtype=np.float64))
    a = np.radians(np.asarray(azimuth, dtype=np.float64))
    return np.stack([side * np.sin(e) * np.cos(a), np.cos(e), -np.sin(e) * np.sin(a)], axis=-1)


def bend(upper: np.ndarray, angle: np.ndarray | float, toward: np.ndarray) -> np.ndarray:
    """Rotate direction ``upper`` by ``angle`` degrees towards the direction ``toward`` (an elbow bend)."""
    upper = _norm(np.asarray(upper, dtype=np.float64))
    toward = np.broadcast_to(np.asarray(toward, dtype=np.float64), upper.shape)
    b = toward - np.sum(toward * upper, axis=-1, keepdims=True) * upper
    b = _norm(b)
    ang = np.radians(np.asarray(angle, dtype=np.float64))[..., None]
    return np.cos(ang) * upper + np.sin(ang) * b


# ----------------------------------------------------------------------------------------------------------------
# Pose and forward kinematics
# ----------------------------------------------------------------------------------------------------------------


@dataclass
class Pose:
    """Joint angles and targets for T frames, in units of standing height.

    World frame: x to the camera's right, y down, z away from the camera; the floor is y = 0 and the figure
    stands around x = 0. Index 0 of a pair is the subject's left limb, 1 the right. Angles are radians.
    """

    pelvis: np.ndarray  # [T,3] pelvis centre (the hip joints' midpoint)
    yaw: np.ndarray  # [T] whole-body turn; 0 faces the camera, pi shows the back
    roll: np.ndarray  # [T] pelvis sideways tilt (hip sway)
    twist: np.ndarray  # [T] chest yaw relative to the pelvis
    lean: np.ndarray  # [T] chest sideways lean relative to the pelvis
    bend: np.ndarray  # [T] chest forward bend (positive leans towards the camera)
    head: np.ndarray  # [T,3] head yaw, pitch, roll relative to the chest
    upper: np.ndarray  # [T,2,3] upper-arm directions in the chest frame
    fore: np.ndarray  # [T,2,3] forearm directions in the chest frame
    palm: np.ndarray  # [T,2,3] wanted palm normals in the chest frame
    curl: np.ndarray  # [T,2] finger curl, 0 open .. 1 fist
    ankles: np.ndarray  # [T,2,3] ankle targets in the world
    foot_yaw: np.ndarray  # [T,2] world yaw of each foot
    mouth: np.ndarray | None = None  # [T] lip gap, head-ellipsoid units (0 closed, 0.2 wide open)
    eyes: np.ndarray | None = None  # [T] lid opening, 0 closed .. 1 open

    @classmethod
    def rest(cls, frames: int, props: Proportions = ADULT) -> Pose:
        """A relaxed A-pose facing the camera, feet slightly apart: the base every motion edits."""
        T = int(frames)
        up = np.broadcast_to(np.stack([sph(28, 8, 1), sph(28, 8, -1)]), (T, 2, 3)).copy()
        fore = bend(up, 12.0, np.array([0.0, 0.0, -1.0]))
        palm = np.broadcast_to(_norm(np.array([[-0.6, 0.0, -1.0], [0.6, 0.0, -1.0]])), (T, 2, 3)).copy()
        ankles = np.zeros((T, 2, 3))
        ankles[:, 0, 0], ankles[:, 1, 0] = 0.075, -0.075
        ankles[:, :, 1] = -props.ankle_height
        pelvis = np.zeros((T, 3))
        pelvis[:, 1] = -props.hip_height
        z = np.zeros(T)
        return cls(pelvis=pelvis, yaw=z.copy(), roll=z.copy(), twist=z.copy(), lean=z.copy(), bend=z.copy(),
                   head=np.zeros((T, 3)), upper=up, fore=fore, palm=palm, curl=np.full((T, 2), 0.2),
                   ankles=ankles, foot_yaw=np.tile(np.radians([[-10.0, 10.0]]), (T, 1)))


# MediaPipe hand layout in palm coordinates (along the hand axis a, across w towards the thumb, normal n).
_FINGERS = (  # (mcp along a, mcp across w, spread degrees towards the thumb, segment lengths)
    (0.058, 0.021, 7.0, (0.025, 0.015, 0.012)),  # index 5-8
    (0.061, 0.006, 0.0, (0.028, 0.017, 0.012)),  # middle 9-12
    (0.057, -0.009, -7.0, (0.026, 0.016, 0.012)),  # ring 13-16
    (0.050, -0.023, -15.0, (0.020, 0.012, 0.011)),  # pinky 17-20
)
_THUMB = ((0.012, 0.016, 0.004), 48.0, 28.0, (0.026, 0.019, 0.016))  # cmc offset (a,w,n), spread, opposition


def hand_joints(wrist: np.ndarray, axis: np.ndarray, palm_normal: np.ndarray, side: int,
                curl: np.ndarray | float = 0.2, size: float = 1.0) -> np.ndarray:
    """The 21 MediaPipe hand joints from a wrist position, a hand axis (wrist to knuckles) and a palm normal.

    ``side`` +1 builds a left hand, -1 a right one (the thumb sits on opposite sides); ``size`` is the
    standing height in the caller's units (hand lengths are fractions of it). Vectorised over leading axes.
    """
    wrist = np.asarray(wrist, dtype=np.float64)
    a = _norm(np.asarray(axis, dtype=np.float64))
    n = np.asarray(palm_normal, dtype=np.float64)
    n = n - np.sum(n * a, axis=-1, keepdims=True) * a
    # When the wanted normal is (nearly) along the axis, any perpendicular will do: pick one continuously.
    fallback = np.cross(a, np.array([0.0, 1.0, 0.0]))
    bad = np.linalg.norm(n, axis=-1, keepdims=True) < 1e-3
    n = _norm(np.where(bad, fallback + 1e-6, n))
    w = side * np.cross(n, a)
    curl = np.asarray(curl, dtype=np.float64)[..., None]
    out = np.zeros(wrist.shape[:-1] + (21, 3))
    out[..., 0, :] = wrist

    def rot_toward(d, toward, ang):  # rotate unit d towards unit toward (perpendicular) by ang radians
        return np.cos(ang) * d + np.sin(ang) * toward

    for f, (along, across, spread, segs) in enumerate(_FINGERS):
        base = wrist + size * (along * a + across * w)
        sp = math.radians(spread)
        d = math.cos(sp) * a + math.sin(sp) * w
        nn = n  # curl folds the finger towards the palm side
        j = 5 + 4 * f
        out[..., j, :] = base
        p = base
        flex = (1.2, 1.5, 1.0)
        for k, seg in enumerate(segs):
            ang = curl * flex[k] * (k + 1) / 1.6
            dk = rot_toward(d, nn, np.minimum(ang, 2.6))
            p = p + size * seg * dk
            out[..., j + 1 + k, :] = p
    (ca, cw, cn), spread, opp, segs = _THUMB
    p = wrist + size * (ca * a + cw * w + cn * n)
    out[..., 1, :] = p
    sp, op = math.radians(spread), math.radians(opp)
    d = _norm(math.cos(sp) * a + math.sin(sp) * w + math.sin(op) * n)
    for k, seg in enumerate(segs):
        dk = _norm(d + curl * (0.5 + 0.4 * k) * (n - 0.6 * w))
        p = p + size * seg * dk
        out[..., 2 + k, :] = p
    return out


def forward_kinematics(pose: Pose, props: Proportions = ADULT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Joint positions for every frame of ``pose``, in world units of standing height.

    Returns ``(body [T,33,3], hands [T,2,21,3], pelvis_drop [T])``. The pelvis is lowered where a leg could not
    otherwise reach its ankle target (``pelvis_drop`` says by how much), so ankles always land exactly on
    their targets: planted feet do not slide.
    """
    T = len(pose.pelvis)
    P = pose.pelvis.astype(np.float64).copy()
    Rp = _rot("y", pose.yaw) @ _rot("z", pose.roll)
    Rc = Rp @ _rot("y", pose.twist) @ _rot("z", pose.lean) @ _rot("x", -pose.bend)
    Rh = Rc @ _rot("y", pose.head[:, 0]) @ _rot("x", pose.head[:, 1]) @ _rot("z", pose.head[:, 2])
    hw = props.hip_half_width
    hip_off = np.stack([_apply(Rp, np.array([s * hw, 0.0, 0.0])) for s in (1, -1)], axis=1)  # [T,2,3]

    # Lower the pelvis just enough that both legs reach their ankles (keeps planted feet exact).
    reach = 0.9985 * (props.thigh + props.shank)
    hips = P[:, None] + hip_off
    d = pose.ankles - hips
    horiz2 = d[..., 0] ** 2 + d[..., 2] ** 2
    need = np.sqrt(np.maximum(reach ** 2 - horiz2, 1e-9))  # longest allowed vertical extent
    drop = np.maximum(0.0, np.max(d[..., 1] - need, axis=1))  # ankle below hip: d_y > 0
    P[:, 1] += drop
    hips = P[:, None] + hip_off

    body = np.zeros((T, NUM_BODY, 3))
    body[:, J["left_hip"]], body[:, J["right_hip"]] = hips[:, 0], hips[:, 1]
    sh = np.stack([P + _apply(Rc, np.array([s * props.shoulder_half_width, -props.torso, 0.0])) for s in (1, -1)],
                  axis=1)
    body[:, J["left_shoulder"]], body[:, J["right_shoulder"]] = sh[:, 0], sh[:, 1]
    upper = _norm(_apply(Rc[:, None], pose.upper))
    fore = _norm(_apply(Rc[:, None], pose.fore))
    elbows = sh + props.upper_arm * upper
    wrists = elbows + props.forearm * fore
    for i, s in enumerate(("left", "right")):
        body[:, J[f"{s}_elbow"]] = elbows[:, i]
        body[:, J[f"{s}_wrist"]] = wrists[:, i]

    # Head and face landmarks.
    head_c = P + _apply(Rc, np.array([0.0, -props.neck_pivot, 0.0])) + _apply(Rh, np.array([0.0, -props.head_up,
                                                                                              0.0]))
    rad = np.array(props.head_radii)
    for name, (x, y, z) in _FACE_LOCAL.items():
        z = _front_z(x, y) if z is None else z
        body[:, J[name]] = head_c + _apply(Rh, np.array([x, y, z]) * rad)

    # Hands.
    hands = np.zeros((T, 2, NUM_HAND, 3))
    palm = _apply(Rc[:, None], pose.palm)
    for i, side in enumerate((1, -1)):
        hands[:, i] = hand_joints(wrists[:, i], fore[:, i], palm[:, i], side, pose.curl[:, i], props.hand_scale)
        s = "left" if side == 1 else "right"
        hj = hands[:, i]
        body[:, J[f"{s}_index"]] = 0.5 * (hj[:, 5] + hj[:, 6])
        body[:, J[f"{s}_pinky"]] = 0.5 * (hj[:, 17] + hj[:, 18])
        body[:, J[f"{s}_thumb"]] = 0.5 * (hj[:, 3] + hj[:, 4])

    # Legs: two-bone IK with the knee pointing forward and a little outward.
    for i, (side, s) in enumerate(((1, "left"), (-1, "right"))):
        hip = hips[:, i]
        ank = pose.ankles[:, i].astype(np.float64)
        v = ank - hip
        dist = np.linalg.norm(v, axis=-1)
        u = v / dist[:, None]
        L1, L2 = props.thigh, props.shank
        cos_a = np.clip((L1 ** 2 + dist ** 2 - L2 ** 2) / (2 * L1 * dist), -1.0, 1.0)
        pole = _apply(Rp, np.array([side * 0.15, 0.0, -1.0]))
        pole = _norm(pole - np.sum(pole * u, axis=-1, keepdims=True) * u)
        knee = hip + L1 * (cos_a[:, None] * u + np.sqrt(1 - cos_a[:, None] ** 2) * pole)
        body[:, J[f"{s}_knee"]] = knee
        body[:, J[f"{s}_ankle"]] = ank  # exactly the target
        fy = pose.foot_yaw[:, i]
        fwd = np.stack([np.sin(fy) * -1.0, np.zeros(T), -np.cos(fy)], axis=-1)  # yaw 0: toes towards camera
        lat = np.stack([np.cos(fy), np.zeros(T), -np.sin(fy)], axis=-1)
        floor_y = np.maximum(ank[:, 1] + props.ankle_height * 0.8, ank[:, 1])
        heel = ank - props.heel_back * fwd
        heel[:, 1] = floor_y - 0.002
        toe = ank + props.toe_forward * fwd + side * 0.012 * lat
        toe[:, 1] = floor_y - 0.002
        body[:, J[f"{s}_heel"]] = heel
        body[:, J[f"{s}_foot_index"]] = toe
    return body, hands, drop


# ----------------------------------------------------------------------------------------------------------------
# Motions
# ----------------------------------------------------------------------------------------------------------------


@dataclass
class MotionClip:
    """Ground-truth motion in pixels: what a perfect pose estimator would report for the rendered clip.

    ``joints`` [T,33,3]: x, y pixels and z relative depth in pixels (MediaPipe layout; smaller z is nearer the
    camera; the hips' midpoint is z = 0 in every frame). ``hands`` [T,2,21,3] (left, right), z in the same
    frame as the body. ``scale`` is the standing body height in pixels (the unit for relative errors).
    ``planted[foot]`` ("left"/"right") is True in frames where that ankle is on the floor and exactly (x, y
    bit for bit) where it was the frame before or after. ``events`` holds per-frame facts specific to the motion (see
    :func:`make_motion`). ``others`` are extra people in the same frame (``people=2``).
    """

    name: str
    fps: float
    size: tuple[int, int]
    joints: np.ndarray
    hands: np.ndarray | None
    scale: float
    planted: dict[str, np.ndarray] = field(default_factory=dict)
    events: dict[str, np.ndarray] = field(default_factory=dict)
    hands_hidden: bool = False
    style: str = "person"
    others: list[MotionClip] = field(default_factory=list)
    face: np.ndarray | None = None  # [T, 2] mouth gap (head-ellipsoid units) and eye opening (0..1)
    head: np.ndarray | None = None  # [T, 3] head yaw, pitch, roll relative to the chest, degrees

    def __len__(self) -> int:
        return int(self.joints.shape[0])

    @property
    def seconds(self) -> float:
        return len(self) / self.fps

    def out_of_frame(self, margin: float = 0.0) -> np.ndarray:
        """[T,33] bool: joints whose x, y lie outside the frame (grown by ``margin`` pixels)."""
        w, h = self.size
        x, y = self.joints[..., 0], self.joints[..., 1]
        return (x < -margin) | (y < -margin) | (x > w + margin) | (y > h + margin)

    def to_track(self):
        """This ground truth as a :class:`~motion_transfer.pose.track.PoseTrack` (visibility 1, hand z relative
        to the wrist as MediaPipe reports it, no face mesh), for comparing with estimator output."""
        from ..pose.track import PoseTrack

        t = PoseTrack.empty(len(self), self.fps, self.size[0], self.size[1], source=f"mannequin:{self.name}")
        t.body[..., :3] = self.joints
        t.body[..., 3] = 1.0
        if self.hands is not None and not self.hands_hidden:
            for i, key in enumerate(("left_hand", "right_hand")):
                hand = self.hands[:, i].copy()
                hand[..., 2] -= hand[:, :1, 2]
                getattr(t, key)[:] = hand
        t.meta["ground_truth"] = True
        return t


def framing_transform(size: tuple[int, int], framing: str = "full", scale: float | None = None,
                      center: tuple[float, float] | None = None) -> tuple[float, tuple[float, float]]:
    """Pixel scale (standing height in px) and centre (where the body's mid-height lands) for a framing.

    "full": the whole body with room above for raised arms (height 0.72 of the frame, feet near the bottom,
    narrower for portrait frames);
    "closeup": head to hips fill the frame (only the upper body is in view); "portrait": head and shoulders
    (the head about 0.45 of the frame's height, for faces); "small": the figure's bounding
    box covers ~4-5% of the image (0.34 of the height at 16:9), just under the preflight's 5% rule and still
    found by MediaPipe (a figure of 0.25 of the height is not). ``scale``/``center`` override the preset.
    """
    w, h = size
    if framing == "full":
        s = min(0.72 * h, 0.85 * w)  # portrait frames: keep outstretched arms inside the width too
        c = (w / 2, 0.95 * h - 0.5 * s)
    elif framing == "closeup":
        s = min(1.75 * h, 2.6 * w)
        c = (w / 2, 0.05 * h + 0.5 * s)
    elif framing == "portrait":
        s = 3.4 * min(h, 1.3 * w)
        c = (w / 2, 0.06 * h + 0.5 * s)
    elif framing == "small":
        # the bounding box of a dancing figure is ~0.7 s^2: this makes it ~4.5% of the image, under the 5% rule
        # yet still large enough for MediaPipe's person detector (which misses figures much smaller than this)
        s, c = min(math.sqrt(0.064 * w * h), 0.4 * h), (w / 2, 0.6 * h)
    else:
        raise ValueError(f"unknown framing {framing!r}; use one of {FRAMINGS}")
    if scale is not None:
        s = float(scale)
    if center is not None:
        c = (float(center[0]), float(center[1]))
    return float(s), (float(c[0]), float(c[1]))


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _ramp(t: np.ndarray, t0: float, t1: float) -> np.ndarray:
    return _smoothstep((t - t0) / max(t1 - t0, 1e-9))


def _periodic(t: np.ndarray, period: float, keys: Sequence[Sequence[float]]) -> np.ndarray:
    """Smooth periodic interpolation of keyframes evenly spaced over one period: [T, len(keys[0])]."""
    from scipy.interpolate import CubicSpline

    k = np.asarray(keys, dtype=np.float64)
    k = np.concatenate([k, k[:1]], axis=0)
    x = np.linspace(0.0, period, len(k))
    return CubicSpline(x, k, bc_type="periodic", axis=0)(np.mod(t, period))


def _arms(pose: Pose, i: int, side: int, e, az, elbow, toward_up) -> None:
    """Set arm ``i`` from elevation/azimuth (degrees), elbow flexion (degrees) and bend plane (0 = the forearm
    folds forward, 90 = upward)."""
    up = sph(e, az, side)
    tu = np.radians(np.asarray(toward_up, dtype=np.float64))[..., None]
    toward = np.cos(tu) * np.array([0.0, 0.0, -1.0]) + np.sin(tu) * np.array([0.0, -1.0, 0.0])
    toward = toward + np.array([-side * 0.25, 0.0, 0.0])  # elbows fold slightly towards the midline
    pose.upper[:, i] = up
    pose.fore[:, i] = bend(up, elbow, toward)


def _motion_static(t: np.ndarray, props: Proportions) -> Pose:
    return Pose.rest(len(t), props)


def _motion_wave(t: np.ndarray, props: Proportions) -> Pose:
    p = Pose.rest(len(t), props)
    theta = np.radians(22.0) * np.sin(2 * np.pi * 1.6 * t)  # forearm sways left-right ~1.6 times a second
    p.upper[:, 1] = _norm(sph(95.0, 12.0, -1) * np.ones((len(t), 1)))
    fore = np.stack([-np.sin(theta + 0.15), -np.cos(theta + 0.15), np.full(len(t), -0.12)], axis=-1)
    p.fore[:, 1] = _norm(fore)
    p.palm[:, 1] = np.array([0.0, 0.0, -1.0])
    p.curl[:, 1] = 0.05
    p.head[:, 2] = np.radians(4.0) * np.sin(2 * np.pi * 0.5 * t)
    return p


def _motion_dance(t: np.ndarray, props: Proportions) -> Pose:
    p = Pose.rest(len(t), props)
    period = 2.0
    # pelvis x, drop, roll, lean, yaw, head yaw, head roll, then per arm (e, az, elbow, bend-up): L, R
    keys = [
        [0.00, 0.055, 0.0, 0.0, 0.0, 0.0, 0.0, 85, 15, 25, 60, 85, 15, 25, 60],
        [0.055, 0.020, 7.0, -6.0, 12.0, -10.0, 6.0, 160, 15, 20, 80, 72, 140, 50, 30],
        [0.00, 0.055, 0.0, 0.0, 0.0, 0.0, 0.0, 100, -5, 15, 60, 100, -5, 15, 60],
        [-0.055, 0.020, -7.0, 6.0, -12.0, 10.0, -6.0, 72, 140, 50, 30, 160, 15, 20, 80],
    ]
    k = _periodic(t, period, keys)
    p.pelvis[:, 0] = k[:, 0]
    p.pelvis[:, 1] = -props.hip_height + k[:, 1]
    p.roll[:] = np.radians(k[:, 2])
    p.lean[:] = np.radians(k[:, 3])
    p.yaw[:] = np.radians(k[:, 4])
    p.twist[:] = -0.5 * p.yaw
    p.head[:, 0] = np.radians(k[:, 5])
    p.head[:, 2] = np.radians(k[:, 6])
    _arms(p, 0, 1, k[:, 7], k[:, 8], k[:, 9], k[:, 10])
    _arms(p, 1, -1, k[:, 11], k[:, 12], k[:, 13], k[:, 14])
    p.palm[:, 0] = _norm(np.array([-0.3, 0.0, -1.0]))
    p.palm[:, 1] = _norm(np.array([0.3, 0.0, -1.0]))
    p.curl[:] = 0.15
    p.ankles[:, 0, 0], p.ankles[:, 1, 0] = 0.105, -0.105
    p.foot_yaw[:] = np.radians([-15.0, 15.0])
    return p


def _motion_cross(t: np.ndarray, props: Proportions) -> Pose:
    """The right arm swings across in front of the chest, out to the side, then behind the back and out again
    (3 s cycle); the left arm stays down. Events mark the frames where it is in front of / behind the torso."""
    p = Pose.rest(len(t), props)
    ph = 2 * np.pi * t / 3.0
    c = np.cos(ph)  # +1: across the front, -1: behind the back
    az = 150.0 * c
    e = 58.0 + 22.0 * c
    front = np.clip(c, 0, 1)
    back = np.clip(-c, 0, 1)
    elbow = 20.0 + 35.0 * front + 55.0 * back
    toward_up = 70.0 * front + 0.0 * back
    _arms(p, 1, -1, e, az, elbow, toward_up)
    # Behind the back the forearm folds backward across the body, not forward.
    behind_dir = bend(p.upper[:, 1], elbow, np.array([0.6, 0.0, 1.0]))
    wb = _smoothstep((back - 0.2) / 0.6)[:, None]
    p.fore[:, 1] = _norm((1 - wb) * p.fore[:, 1] + wb * behind_dir)
    p.palm[:, 1] = _norm(np.array([0.2, 0.0, -1.0]))
    p.twist[:] = np.radians(8.0) * c
    return p


def _motion_reach(t: np.ndarray, props: Proportions) -> Pose:
    """A side lunge reaching the right hand far out to the side (0.5-1.7 s), then both hands straight up on
    tiptoe (2.3-3.5 s). With the default framing the hands leave the frame in those windows."""
    p = Pose.rest(len(t), props)
    tt = np.mod(t, 4.0)
    side = _ramp(tt, 0.3, 1.0) * (1 - _ramp(tt, 1.5, 2.1))
    up = _ramp(tt, 2.1, 2.8) * (1 - _ramp(tt, 3.4, 3.95))
    # side reach with the right arm (towards screen left), lunging onto the right leg
    p.pelvis[:, 0] += -0.16 * side
    p.lean[:] = np.radians(-28.0) * side
    p.roll[:] = np.radians(-6.0) * side
    p.ankles[:, 1, 0] = -0.075 - 0.20 * side
    e_r = 28 + (92 - 28) * side + (178 - 28) * up
    e_l = 28 + (60 - 28) * side + (178 - 28) * up
    _arms(p, 1, -1, e_r, 8.0 * (1 - up), 12.0 * (1 - side) * (1 - up), 60.0)
    _arms(p, 0, 1, e_l, 8.0 * (1 - up), 12.0 + 20.0 * side, 60.0)
    p.palm[:, 1] = _norm(np.array([0.0, 0.0, -1.0]))
    p.palm[:, 0] = _norm(np.array([0.0, 0.0, -1.0]))
    p.curl[:] = 0.05
    # tiptoe: ankles rise a little, the pelvis with them
    lift = 0.035 * up
    p.ankles[:, :, 1] -= lift[:, None]
    p.pelvis[:, 1] -= lift + 0.01 * up
    p.head[:, 1] = np.radians(-12.0) * up
    return p


def _motion_turn(t: np.ndarray, props: Proportions) -> Pose:
    """A full turn on the spot: front, turning to the back view (0.5-1.75 s), holding it, turning on round to
    the front (2.5-3.75 s). Feet turn with the body."""
    p = Pose.rest(len(t), props)
    tt = np.mod(t, 4.0)
    yaw = np.pi * (_ramp(tt, 0.5, 1.75) + _ramp(tt, 2.5, 3.75))
    p.yaw[:] = yaw
    for i, s in enumerate((1, -1)):
        p.ankles[:, i, 0] = s * 0.075 * np.cos(yaw)
        p.ankles[:, i, 2] = -s * 0.075 * np.sin(yaw)
    p.foot_yaw[:] = yaw[:, None] + np.radians([-10.0, 10.0])
    return p


def _motion_step(t: np.ndarray, props: Proportions) -> Pose:
    """Side steps on a 4 s cycle: left foot out, right foot closes, right foot back out, left foot closes.
    Each foot is planted (ankle exactly still) outside its own swing windows."""
    p = Pose.rest(len(t), props)
    tt = np.mod(t, 4.0)
    # (foot, start, end, from_x, to_x)
    swings = [(0, 0.3, 0.9, 0.075, 0.255), (1, 1.2, 1.8, -0.075, 0.105),
              (1, 2.1, 2.7, 0.105, -0.075), (0, 3.0, 3.6, 0.255, 0.075)]
    ax = np.zeros((len(t), 2))
    ax[:, 0], ax[:, 1] = 0.075, -0.075
    lift = np.zeros((len(t), 2))
    for foot, t0, t1, x0, x1 in swings:
        inside = (tt >= t0) & (tt < t1)
        after = tt >= t1
        u = (tt - t0) / (t1 - t0)
        ax[after, foot] = x1
        ax[inside, foot] = x0 + (x1 - x0) * _smoothstep(u[inside])
        lift[inside, foot] = 0.05 * np.sin(np.pi * u[inside])
        # later swings of the same foot start from where this one ended: handled by order of the list
    p.ankles[:, :, 0] = ax
    p.ankles[:, :, 1] = -props.ankle_height - lift
    # Weight follows the feet: the pelvis sits over their midpoint, nudged towards the stance foot.
    stance = np.where(lift[:, 0] > 0, ax[:, 1], np.where(lift[:, 1] > 0, ax[:, 0], ax.mean(axis=1)))
    target = 0.6 * ax.mean(axis=1) + 0.4 * stance
    k = max(1, int(round(len(t) / max(t[-1] - t[0], 1e-6) * 0.25)) if len(t) > 1 else 1)
    kern = np.hanning(2 * k + 1)
    kern /= kern.sum()
    padded = np.pad(target, (k, k), mode="edge")
    p.pelvis[:, 0] = np.convolve(padded, kern, mode="valid")
    p.pelvis[:, 1] += 0.02  # slight knee bend throughout
    swing_arm = np.sin(2 * np.pi * tt / 2.0)
    _arms(p, 0, 1, 26 + 8 * swing_arm, 10 + 25 * swing_arm, 15, 30)
    _arms(p, 1, -1, 26 - 8 * swing_arm, 10 - 25 * swing_arm, 15, 30)
    p.roll[:] = np.radians(4.0) * (lift[:, 1] - lift[:, 0]) / 0.05
    return p


def _motion_talk(t: np.ndarray, props: Proportions) -> Pose:
    """A talking head: the mouth opens and closes (~1.3 times a second), the eyes blink (0.2 s every 1.7 s),
    the head turns up to 25 degrees either way, nods 6 degrees and tilts 8; the body stays still."""
    p = Pose.rest(len(t), props)
    p.head[:, 0] = np.radians(25.0) * np.sin(2 * np.pi * 0.35 * t)
    p.head[:, 1] = np.radians(6.0) * np.sin(2 * np.pi * 0.25 * t + 1.0)
    p.head[:, 2] = np.radians(8.0) * np.sin(2 * np.pi * 0.5 * t + 2.0)
    p.mouth = 0.16 * (0.5 - 0.5 * np.cos(2 * np.pi * 1.3 * t))
    phase = np.mod(t, 1.7)
    p.eyes = 1.0 - np.sin(np.pi * np.clip((phase - 1.3) / 0.2, 0.0, 1.0))
    return p


def _motion_fingers(t: np.ndarray, props: Proportions) -> Pose:
    """The right hand held up beside the face, palm to the camera, its fingers curling to a loose fist and
    opening again on a 2 s cycle (``curl`` 0 .. 0.9); the left arm hangs."""
    p = Pose.rest(len(t), props)
    p.upper[:, 1] = _norm(sph(35.0, 10.0, -1) * np.ones((len(t), 1)))
    p.fore[:, 1] = _norm(np.array([0.25, -1.0, -0.35]))
    p.palm[:, 1] = np.array([0.0, 0.0, -1.0])
    p.curl[:, 1] = 0.45 - 0.45 * np.cos(2 * np.pi * t / 2.0)
    return p


_MOTION_FUNCS: dict[str, Callable[[np.ndarray, Proportions], Pose]] = {
    "dance": _motion_dance, "wave": _motion_wave, "static": _motion_static, "cross": _motion_cross,
    "reach": _motion_reach, "turn": _motion_turn, "step": _motion_step, "talk": _motion_talk,
    "fingers": _motion_fingers,
}

# Framing tweaks some motions need so that their point is visible: reach sits off-centre and larger so the
# reaching hands really leave the frame.
_MOTION_FRAMING = {"reach": dict(scale_mul=1.18, center_x=0.5)}  # centre x in units of body height


DEFAULT_PITCH = 8.0


def _view(world: np.ndarray, pitch_deg: float) -> np.ndarray:
    """World points as seen by a camera looking down by ``pitch_deg`` (orthographic), turning about the body's
    mid-height. Real footage is shot from above the feet, so the tops of the shoes show; pose models expect it."""
    if not pitch_deg:
        return world
    R = _rot("x", np.array(math.radians(pitch_deg)))
    centre = np.array([0.0, -0.5, 0.0])
    return _apply(R, world - centre) + centre


def _to_pixels(world: np.ndarray, mid_hip_z: np.ndarray, s: float, c: tuple[float, float]) -> np.ndarray:
    out = np.empty(world.shape, dtype=np.float64)
    out[..., 0] = c[0] + world[..., 0] * s
    out[..., 1] = c[1] + (world[..., 1] + 0.5) * s
    out[..., 2] = (world[..., 2] - mid_hip_z) * s
    return out


def _planted(ankles_world: np.ndarray, props: Proportions) -> dict[str, np.ndarray]:
    """Per foot, frames where the ankle is on the floor and exactly where it is in the frame before or after.
    (Pixel x, y are then identical too; pixel z is hip-relative, like MediaPipe's, so it follows the hips.)"""
    out = {}
    for i, s in enumerate(("left", "right")):
        a = ankles_world[:, i]
        same = np.zeros(len(a), dtype=bool)
        if len(a) > 1:
            eq = np.all(a[1:] == a[:-1], axis=-1)
            same[1:] |= eq
            same[:-1] |= eq
        on_floor = np.abs(a[:, 1] + props.ankle_height) < 1e-9
        out[s] = same & on_floor
    return out


def make_motion(name: str = "dance", *, seconds: float = 4.0, fps: float = 30.0,
                size: tuple[int, int] = (640, 480), framing: str = "full", scale: float | None = None,
                center: tuple[float, float] | None = None, props: Proportions = ADULT,
                time_offset: float = 0.0, camera_pitch: float = DEFAULT_PITCH) -> MotionClip:
    """A named ground-truth motion in pixels, framed for a ``size=(w, h)`` frame.

    Motions: "dance" (2 s cycle: arms wide and overhead, weight shifts with knee bends, hip sway and a slight
    twist, the right arm crossing the chest around 0.5 s and the left around 1.5 s of each cycle, feet planted),
    "wave" (right forearm waving, the rest still), "static" (a still A-pose, for jitter), "cross" (3 s cycle:
    the right arm across the front at 0 s, out, behind the back at 1.5 s, out again), "reach" (a side lunge
    reaching the right hand out of the frame at 0.5-2 s, then both hands up out of the top at 2.3-3.5 s;
    framed larger and off-centre so they really leave it), "turn" (a full turn on the spot: back view at
    1.75-2.5 s, profile passes in between), "step" (side steps on a 4 s cycle; ``planted`` marks each foot's
    stance), "talk" (a still body whose mouth, eyes and head move: ``clip.face`` and ``clip.head`` hold the
    truth), "fingers" (the right hand's fingers curl and open: ``clip.hands`` holds them). Motions loop beyond their
    cycle. ``framing``/``scale``/``center``: see :func:`framing_transform`; ``camera_pitch``: degrees the camera looks
    down (real footage is shot from above the feet). ``time_offset`` shifts the motion in time. Every clip has
    ``planted`` and the events listed in :func:`_events` (arm in front of / behind the torso, hands out of frame, back
    view).
    """
    if name not in _MOTION_FUNCS:
        raise ValueError(f"unknown motion {name!r}; use one of {MOTIONS}")
    T = max(1, int(round(seconds * fps)))
    t = np.arange(T, dtype=np.float64) / float(fps) + time_offset
    pose = _MOTION_FUNCS[name](t, props)
    world, hands, _ = forward_kinematics(pose, props)
    body, hands = _view(world, camera_pitch), _view(hands, camera_pitch)
    s, c = framing_transform(size, framing, scale, center)
    tweak = _MOTION_FRAMING.get(name)
    if tweak and scale is None and center is None and framing == "full":
        floor_y = c[1] + 0.5 * s  # keep the feet where the preset puts them
        s = s * tweak["scale_mul"]
        c = (tweak["center_x"] * s, floor_y - 0.5 * s)
    mid_z = 0.5 * (body[:, J["left_hip"], 2] + body[:, J["right_hip"], 2])
    joints = _to_pixels(body, mid_z[:, None], s, c)
    hands_px = _to_pixels(hands, mid_z[:, None, None], s, c)
    clip = MotionClip(name=name, fps=float(fps), size=(int(size[0]), int(size[1])),
                      joints=joints.astype(np.float32), hands=hands_px.astype(np.float32), scale=float(s))
    clip.planted = _planted(pose.ankles, props)
    clip.head = np.degrees(pose.head).astype(np.float32)
    if pose.mouth is not None or pose.eyes is not None:
        mouth = np.zeros(T) if pose.mouth is None else pose.mouth
        eyes = np.ones(T) if pose.eyes is None else pose.eyes
        clip.face = np.stack([mouth, eyes], axis=1).astype(np.float32)
    clip.events = _events(clip, pose, world)
    return clip


def _events(clip: MotionClip, pose: Pose, world: np.ndarray) -> dict[str, np.ndarray]:
    """Per-frame facts every clip carries (bool [T] unless noted), computed from the ground truth:

    ``yaw_deg`` (float: body turn, 0 facing the camera, 180 the back), ``facing_away``, ``face_visible`` (the
    head turned less than 60 degrees away), ``{left,right}_arm_front`` / ``_arm_behind`` (the wrist overlaps the
    torso in the image and is clearly nearer / farther than it), ``{left,right}_hand_out`` (any hand joint
    outside the frame), ``{left,right}_wrist_out``.
    """
    ev: dict[str, np.ndarray] = {}
    jt = clip.joints
    ev["yaw_deg"] = (np.degrees(pose.yaw) % 360.0).astype(np.float32)
    ev["facing_away"] = np.cos(pose.yaw) < 0
    ev["face_visible"] = np.cos(pose.yaw + pose.twist + pose.head[:, 0]) > math.cos(math.radians(60))
    # depth relative to the torso, in the body's own frame (before the camera pitch), units of height
    torso_z = 0.25 * (world[:, J["left_shoulder"], 2] + world[:, J["right_shoulder"], 2]
                      + world[:, J["left_hip"], 2] + world[:, J["right_hip"], 2])
    x0 = np.minimum(jt[:, J["left_shoulder"], 0], jt[:, J["right_shoulder"], 0])
    x1 = np.maximum(jt[:, J["left_shoulder"], 0], jt[:, J["right_shoulder"], 0])
    y0 = np.minimum(jt[:, J["left_shoulder"], 1], jt[:, J["right_shoulder"], 1]) - 0.04 * clip.scale
    y1 = np.maximum(jt[:, J["left_hip"], 1], jt[:, J["right_hip"], 1]) + 0.04 * clip.scale
    w, h = clip.size
    for i, s in enumerate(("left", "right")):
        wx, wy = jt[:, J[f"{s}_wrist"], 0], jt[:, J[f"{s}_wrist"], 1]
        over = (wx > x0) & (wx < x1) & (wy > y0) & (wy < y1)
        dz = world[:, J[f"{s}_wrist"], 2] - torso_z
        ez = world[:, J[f"{s}_elbow"], 2] - torso_z
        ev[f"{s}_arm_front"] = over & (dz < -0.08) & (ez < 0)
        ev[f"{s}_arm_behind"] = over & (dz > 0.08)
        hand = clip.hands[:, i]
        out = (hand[..., 0] < 0) | (hand[..., 0] >= w) | (hand[..., 1] < 0) | (hand[..., 1] >= h)
        ev[f"{s}_hand_out"] = out.any(axis=1)
        ev[f"{s}_wrist_out"] = (wx < 0) | (wx >= w) | (wy < 0) | (wy >= h)
    return ev


def character_pose(pose: str = "a-pose", *, size: tuple[int, int] = (720, 960), framing: str = "full",
                   props: Proportions = ADULT, camera_pitch: float = DEFAULT_PITCH) -> MotionClip:
    """A one-frame clip for a still character: "a-pose", "t-pose", "hands_in_pockets" (wrists tucked into
    the front trouser pockets, ``hands_hidden`` set so nothing of the hands is drawn) or "crossed_forearm" (the
    right forearm lying across the belly, in front of it, the hand at the left hip)."""
    p = Pose.rest(1, props)
    hidden = False
    if pose == "t-pose":
        for i, side in enumerate((1, -1)):
            _arms(p, i, side, 90.0, 0.0, 0.0, 0.0)
        p.palm[:] = np.array([0.0, 0.0, -1.0])
        p.curl[:] = 0.05
    elif pose == "hands_in_pockets":
        # wrists just inside the pelvis at the front pockets; solve the elbow from the wrist target
        for i, side in enumerate((1, -1)):
            sh = np.array([side * props.shoulder_half_width, -props.hip_height - props.torso, 0.0])
            wrist = np.array([side * 0.082, -props.hip_height - 0.035, -0.035])
            d = wrist - sh
            dist = np.linalg.norm(d)
            u = d / dist
            L1, L2 = props.upper_arm, props.forearm
            ca = np.clip((L1 ** 2 + dist ** 2 - L2 ** 2) / (2 * L1 * dist), -1, 1)
            pole = np.array([side * 1.0, 0.0, 0.35])
            pole = pole - pole.dot(u) * u
            pole /= np.linalg.norm(pole)
            elbow = sh + L1 * (ca * u + math.sqrt(1 - ca * ca) * pole)
            p.upper[:, i] = (elbow - sh) / L1
            p.fore[:, i] = (wrist - elbow) / np.linalg.norm(wrist - elbow)
        hidden = True
    elif pose == "crossed_forearm":
        # the right arm (index 1, side -1): the elbow at the waist's side, the wrist in front of the far hip
        side = -1
        sh = np.array([side * props.shoulder_half_width, -props.hip_height - props.torso, 0.0])
        elbow = sh + np.array([side * 0.03, props.upper_arm * 0.97, -0.02])
        elbow = sh + (elbow - sh) / np.linalg.norm(elbow - sh) * props.upper_arm
        wrist = elbow + props.forearm * np.array([-side * 0.97, -0.12, -0.2]) / np.linalg.norm([0.97, 0.12, 0.2])
        p.upper[:, 1] = (elbow - sh) / props.upper_arm
        p.fore[:, 1] = (wrist - elbow) / props.forearm
    elif pose != "a-pose":
        raise ValueError(f"unknown pose {pose!r}; use 'a-pose', 't-pose', 'hands_in_pockets' or "
                         "'crossed_forearm'")
    world, hands, _ = forward_kinematics(p, props)
    body, hands = _view(world, camera_pitch), _view(hands, camera_pitch)
    s, c = framing_transform(size, framing)
    if framing == "full":  # a still needs no room for raised arms: fill more of the frame
        s = min(0.84 * size[1], (0.92 if pose == "t-pose" else 1.2) * size[0])
        c = (size[0] / 2, 0.95 * size[1] - 0.5 * s)
    mid_z = 0.5 * (body[:, J["left_hip"], 2] + body[:, J["right_hip"], 2])
    joints = _to_pixels(body, mid_z[:, None], s, c).astype(np.float32)
    hands_px = _to_pixels(hands, mid_z[:, None, None], s, c).astype(np.float32)
    clip = MotionClip(name=pose, fps=1.0, size=(int(size[0]), int(size[1])), joints=joints, hands=hands_px,
                      scale=float(s), hands_hidden=hidden)
    clip.planted = {"left": np.ones(1, bool), "right": np.ones(1, bool)}
    clip.events = _events(clip, p, world)
    return clip


# ----------------------------------------------------------------------------------------------------------------
# Styles and backgrounds
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """Colours (RGB 0-255) and build of a mannequin."""

    skin: tuple[int, int, int]
    hair: tuple[int, int, int]
    shirt: tuple[int, int, int]
    trousers: tuple[int, int, int]
    shoes: tuple[int, int, int]
    lips: tuple[int, int, int]
    iris: tuple[int, int, int]
    socks: tuple[int, int, int] = (44, 44, 50)
    sleeves: str = "short"  # "short" | "long"
    build: float = 1.0  # thickness multiplier
    cropped: bool = False  # a cropped top: the belly bare (skin), the shirt over the chest only


STYLES: dict[str, Style] = {
    # A person in a blue T-shirt, charcoal trousers and white trainers.
    "person": Style(skin=(226, 178, 146), hair=(58, 40, 28), shirt=(46, 98, 168), trousers=(58, 60, 72),
                    shoes=(236, 236, 232), lips=(178, 92, 88), iris=(70, 48, 30)),
    # A visibly different character: red long-sleeved top, denim, dark shoes, auburn hair, darker skin.
    "character": Style(skin=(168, 112, 80), hair=(120, 52, 24), shirt=(196, 48, 48), trousers=(44, 74, 128),
                       shoes=(34, 30, 30), lips=(140, 66, 62), iris=(40, 28, 20), socks=(236, 236, 236),
                       sleeves="long"),
    # Clothes close to the plain background: for low-contrast warnings.
    "low_contrast": Style(skin=(222, 200, 184), hair=(200, 196, 190), shirt=(226, 224, 218),
                          trousers=(214, 212, 206), shoes=(220, 218, 212), lips=(200, 150, 140),
                          iris=(110, 100, 90)),
}

_PLAIN = (236, 234, 228)


def _rng_shapes(img: np.ndarray, rng: np.random.Generator, count: int, wrap: bool) -> None:
    import cv2

    h, w = img.shape[:2]
    for _ in range(count):
        col = tuple(int(v) for v in rng.integers(40, 230, 3))
        kind = rng.integers(0, 3)
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        shifts = (0, -w, w) if wrap else (0,)
        for dx in shifts:
            if kind == 0:
                cv2.rectangle(img, (x + dx, y), (x + dx + int(rng.integers(20, w // 4 + 21)),
                                                  y + int(rng.integers(20, h // 3 + 21))), col, -1, cv2.LINE_AA)
            elif kind == 1:
                cv2.circle(img, (x + dx, y), int(rng.integers(8, h // 6 + 9)), col, -1, cv2.LINE_AA)
            else:
                cv2.line(img, (x + dx, y), (x + dx + int(rng.integers(-w // 3, w // 3 + 1)),
                                             y + int(rng.integers(-h // 3, h // 3 + 1))),
                         col, int(rng.integers(2, 10)), cv2.LINE_AA)


@functools.lru_cache(maxsize=16)
def _background_cached(kind: str, w: int, h: int, seed: int) -> np.ndarray:
    import cv2

    if kind == "plain":
        img = np.empty((h, w, 3), np.uint8)
        img[:] = _PLAIN
    elif kind == "gradient":
        y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
        top, bottom = np.array((196, 214, 236), np.float32), np.array((242, 236, 222), np.float32)
        img = np.broadcast_to(np.round(top * (1 - y) + bottom * y), (h, w, 3)).astype(np.uint8)
    elif kind in ("cluttered", "moving"):
        rng = np.random.default_rng(seed)
        base = np.zeros((h, w, 3), np.uint8)
        base[:] = tuple(int(v) for v in rng.integers(120, 200, 3))
        _rng_shapes(base, rng, 70, wrap=(kind == "moving"))
        noise = rng.normal(0, 9, (h, w, 1)).astype(np.float32)
        img = np.clip(cv2.GaussianBlur(base, (0, 0), 1.2).astype(np.float32) + noise + 0.5, 0, 255).astype(np.uint8)
    else:
        raise ValueError(f"unknown background {kind!r}; use one of {BACKGROUNDS} or an (r, g, b) tuple")
    img.setflags(write=False)
    return img


def make_background(background: str | tuple | np.ndarray = "plain", size: tuple[int, int] = (640, 480), *,
                    frame_index: int = 0, seed: int = 0, fps: float = 30.0) -> np.ndarray:
    """The background as HxWx3 uint8 RGB: "plain" (flat light grey), "gradient" (sky blue to warm white),
    "cluttered" (seeded random shapes and grain), "moving" (that texture panning left at 8% of the width per
    second and wrapping seamlessly, so it needs ``frame_index`` and ``fps``), an (r, g, b) tuple, or an
    HxWx3 image (resized if needed). The result may be read-only and shared: copy before writing to it."""
    import cv2

    w, h = int(size[0]), int(size[1])
    if isinstance(background, np.ndarray):
        img = np.asarray(background)[..., :3]
        if img.shape[:2] != (h, w):
            img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
        return np.clip(img, 0, 255).astype(np.uint8) if img.dtype != np.uint8 else img
    if isinstance(background, (tuple, list)):
        img = np.empty((h, w, 3), np.uint8)
        img[:] = tuple(int(v) for v in background[:3])
        return img
    tex = _background_cached(str(background), w, h, int(seed))
    if background == "moving":
        off = int(round(frame_index * 0.08 * w / fps)) % w
        return np.roll(tex, -off, axis=1)
    return tex


# ----------------------------------------------------------------------------------------------------------------
# Renderer: ray-cast ellipsoids and capsules into a z-buffer
# ----------------------------------------------------------------------------------------------------------------

_FAR = np.float32(1e30)  # "nothing here" depth that stays finite, so z differences never give inf - inf
_LIGHT = np.array([-0.35, -0.55, -0.76], np.float32)
_LIGHT /= np.linalg.norm(_LIGHT)


class _Canvas:
    """A float RGB window with a z-buffer over part of a uint8 background, where the figures are.

    Only the window (the figures' bounding box) is touched per frame, which keeps big frames cheap. Parts are
    shaded with one soft light from the upper left front.
    """

    def __init__(self, bg: np.ndarray, window: tuple[int, int, int, int] | None = None) -> None:
        self.bg = bg
        H, W = bg.shape[:2]
        x0, y0, x1, y1 = window if window is not None else (0, 0, W, H)
        self.x0, self.y0 = max(0, int(x0)), max(0, int(y0))
        self.x1, self.y1 = min(W, int(x1)), min(H, int(y1))
        self.x1, self.y1 = max(self.x1, self.x0), max(self.y1, self.y0)
        self.img = bg[self.y0:self.y1, self.x0:self.x1].astype(np.float32)
        self.z = np.full(self.img.shape[:2], np.inf, np.float32)
        self.seam = np.float32(0.0)  # depth tolerance for rims, set per figure (px)
        self.tie = np.float32(0.0)  # depth difference below which the first-drawn surface stays

    def _box(self, lo: np.ndarray, hi: np.ndarray):
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            return None  # a part whose joints are missing (NaN in an estimated track) is simply not drawn
        x0, y0 = max(int(math.floor(lo[0])) - 1, self.x0), max(int(math.floor(lo[1])) - 1, self.y0)
        x1, y1 = min(int(math.ceil(hi[0])) + 2, self.x1), min(int(math.ceil(hi[1])) + 2, self.y1)
        if x1 - x0 < 3 or y1 - y0 < 3:
            return None
        xs = np.arange(x0, x1, dtype=np.float32) + 0.5
        ys = np.arange(y0, y1, dtype=np.float32) + 0.5
        return (slice(y0 - self.y0, y1 - self.y0), slice(x0 - self.x0, x1 - self.x0)), xs[None, :], ys[:, None]

    @staticmethod
    def _shade(n: tuple[np.ndarray, np.ndarray, np.ndarray], base: np.ndarray, gloss: float = 0.0) -> np.ndarray:
        lam = n[0] * _LIGHT[0] + n[1] * _LIGHT[1] + n[2] * _LIGHT[2]
        np.maximum(lam, 0.0, out=lam)
        # soft key light plus a touch of rim darkening (n_z -> 0 at the silhouette) to sell the roundness
        shade = (np.float32(0.5) + np.float32(0.55) * lam) * (np.float32(0.82) - np.float32(0.18) * n[2])
        out = base * shade[..., None]
        if gloss:
            out += gloss * 255.0 * (lam ** 12)[..., None]
        return out

    def _composite(self, sl, alpha: np.ndarray, depth: np.ndarray, rgb: np.ndarray) -> None:
        # z-test with two tolerances. A part's anti-aliased rim is blended only over what lies clearly behind
        # it (``seam``): where two parts of one limb meet at nearly the same depth, drawing the rim would
        # outline the joint. Nearly coincident solid surfaces keep what was drawn first (``tie``), so they meet
        # in a clean line, not speckles.
        import cv2

        zc = self.z[sl]
        gap = zc - depth
        a = alpha * ((gap > self.seam) | ((gap > self.tie) & (alpha > 0.98)))
        ic = self.img[sl]
        ic[...] = cv2.blendLinear(np.ascontiguousarray(rgb, dtype=np.float32), ic, a, 1.0 - a)
        np.copyto(zc, depth, where=a >= 0.5)

    def ellipsoid(self, c: np.ndarray, R: np.ndarray, radii: Sequence[float], color,
                  texture: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None,
                  gloss: float = 0.0) -> None:
        """Draw an ellipsoid: centre ``c`` (px), axes = columns of ``R``, semi-axes ``radii`` (px).

        An orthographic ray through a pixel meets the ellipsoid where a quadratic in depth has a root; its
        discriminant is a quadratic form in the pixel offset, so coverage (anti-aliased via distance to the
        silhouette), depth and normal all come from a handful of array operations. ``texture(X, Y, Z)`` gets the
        hit point in unit-sphere coordinates of the ellipsoid and returns base colours.
        """
        r = np.maximum(np.asarray(radii, np.float64), 0.3)
        ext = np.sqrt(((R * r[None, :]) ** 2).sum(axis=1))  # projected half extents along x, y, z
        box = self._box(c[:2] - ext[:2], c[:2] + ext[:2])
        if box is None:
            return
        sl, xs, ys = box
        f = np.float32
        dx, dy = xs - f(c[0]), ys - f(c[1])
        M = R / r[None, :]  # unit coords U = M^T (p - c); gradient of |U|^2 is 2 M U
        m2 = M[2]
        A = float(m2 @ m2)
        bx, by = 2.0 * float(M[0] @ m2), 2.0 * float(M[1] @ m2)
        Q = M[:2] @ M[:2].T
        pxx, pxy, pyy = bx * bx - 4 * A * Q[0, 0], bx * by - 4 * A * Q[0, 1], by * by - 4 * A * Q[1, 1]
        gx = f(pxx) * dx + f(pxy) * dy  # half the gradient of the discriminant
        gy = f(pxy) * dx + f(pyy) * dy
        disc = gx * dx + gy * dy + f(4 * A)
        alpha = disc / (2.0 * np.sqrt(gx * gx + gy * gy) + f(1e-6)) + f(0.5)
        np.clip(alpha, 0.0, 1.0, out=alpha)
        s = (-(f(bx) * dx + f(by) * dy) - np.sqrt(np.maximum(disc, 0.0))) * f(0.5 / A)  # depth offset of the hit
        G = M @ M.T  # normal = G (dx, dy, s)
        n = [f(G[j, 0]) * dx + f(G[j, 1]) * dy + f(G[j, 2]) * s for j in range(3)]
        inv = 1.0 / np.maximum(np.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]), f(1e-9))
        n = [v * inv for v in n]
        if texture is not None:
            U = [f(M[0, i]) * dx + f(M[1, i]) * dy + f(M[2, i]) * s for i in range(3)]
            base = texture(*U)
        else:
            base = np.asarray(color, np.float32)
        rgb = self._shade(n, base, gloss)
        self._composite(sl, alpha, s + f(c[2]), rgb)

    def capsule(self, a: np.ndarray, b: np.ndarray, ra: float, rb: float, color, *,
                profile: Sequence[tuple[float, float]] | None = None, color2=None, split: float = 1.0) -> None:
        """Draw one tapered capsule (round cone) from ``a`` to ``b`` (px, with z) with end radii ``ra``, ``rb``.

        ``profile``: (t, radius) knots along the bone (t = 0 at ``a``, 1 at ``b``) for muscle bulges and sleeve
        edges in one part; ``color2`` is used beyond ``t = split`` (skin below a sleeve, a sock below a hem).
        """
        ra, rb = max(float(ra), 0.35), max(float(rb), 0.35)
        rmax = max(ra, rb) if profile is None else max(max(r for _, r in profile), 0.35)
        box = self._box(np.minimum(a[:2], b[:2]) - rmax, np.maximum(a[:2], b[:2]) + rmax)
        if box is None:
            return
        sl, xs, ys = box
        f = np.float32
        ax, ay, az = (float(v) for v in a)
        vx, vy, vz = (float(b[i] - a[i]) for i in range(3))
        L2 = max(vx * vx + vy * vy, 1e-6)
        px, py = xs - f(ax), ys - f(ay)
        t = (px * f(vx / L2) + py * f(vy / L2))
        np.clip(t, 0.0, 1.0, out=t)
        qx, qy = px - t * f(vx), py - t * f(vy)
        d2 = qx * qx + qy * qy
        if profile is None:
            r = f(ra) + f(rb - ra) * t
        else:
            kt, kr = zip(*profile, strict=True)
            r = np.interp(t, kt, kr).astype(np.float32)
        alpha = r - np.sqrt(d2) + f(0.5)
        np.clip(alpha, 0.0, 1.0, out=alpha)
        sq = np.sqrt(np.maximum(r * r - d2, 0.0))
        depth = f(az) + f(vz) * t - sq
        if L2 < (1.2 * rmax) ** 2:  # pointing at the camera: the nearer end sphere is what is seen
            for ex, ey, ez, er in ((ax, ay, az, ra), (ax + vx, ay + vy, az + vz, rb)):
                de2 = (xs - f(ex)) ** 2 + (ys - f(ey)) ** 2
                ds = np.where(de2 < er * er, f(ez) - np.sqrt(np.maximum(er * er - de2, 0.0)), np.inf)
                depth = np.minimum(depth, ds)
        inv = 1.0 / np.maximum(r, f(1e-3))
        base = np.asarray(color, np.float32)
        if color2 is not None:
            base = np.where((t > split)[..., None], np.asarray(color2, np.float32), base)
        rgb = self._shade((qx * inv, qy * inv, -sq * inv), base)
        self._composite(sl, alpha, depth.astype(np.float32), rgb)

    def capsules(self, a: np.ndarray, b: np.ndarray, ra: np.ndarray, rb: np.ndarray, colors: np.ndarray) -> None:
        """Draw K small tapered capsules at once over their common box (fingers): ends ``a``, ``b`` [K,3] px,
        radii ``ra``, ``rb`` [K], colours [K,3]. Cheaper than K calls when the box is small."""
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        ra, rb = np.maximum(np.asarray(ra, np.float64), 0.35), np.maximum(np.asarray(rb, np.float64), 0.35)
        rmax = np.maximum(ra, rb)
        lo = np.minimum(a[:, :2], b[:, :2]) - rmax[:, None]
        hi = np.maximum(a[:, :2], b[:, :2]) + rmax[:, None]
        box = self._box(lo.min(axis=0), hi.max(axis=0))
        if box is None:
            return
        sl, xs, ys = box
        K = len(a)
        sh = (K, ys.shape[0], xs.shape[1])
        f32 = np.float32
        ax, ay, az = (a[:, i].astype(f32)[:, None, None] for i in range(3))
        vx, vy, vz = ((b[:, i] - a[:, i]).astype(f32)[:, None, None] for i in range(3))
        L2 = np.maximum(vx * vx + vy * vy, 1e-6)
        px, py = xs[None] - ax, ys[None] - ay
        t = np.minimum(np.maximum((px * vx + py * vy) / L2, 0.0), 1.0)
        qx, qy = px - t * vx, py - t * vy
        d2 = qx * qx + qy * qy
        r = ra.astype(f32)[:, None, None] + (rb - ra).astype(f32)[:, None, None] * t
        alpha = np.minimum(np.maximum(r - np.sqrt(d2) + 0.5, 0.0), 1.0)
        sq = np.sqrt(np.maximum(r * r - d2, 0.0))
        depth = az + vz * t - sq
        short = (L2[:, 0, 0] < (1.2 * rmax) ** 2)
        if short.any():
            for (ex, ey, ez, er) in ((ax, ay, az, ra), (ax + vx, ay + vy, az + vz, rb)):
                er = er.astype(f32)[:, None, None]
                de2 = (xs[None] - ex) ** 2 + (ys[None] - ey) ** 2
                ds = np.where(de2 < er * er, ez - np.sqrt(np.maximum(er * er - de2, 0.0)), np.inf)
                depth = np.where(short[:, None, None], np.minimum(depth, ds), depth)
        depth = np.where(alpha > 0, depth, _FAR)
        k = np.argmin(depth, axis=0)[None]

        def take(arr: np.ndarray) -> np.ndarray:  # each pixel's value from its nearest capsule
            return np.take_along_axis(np.broadcast_to(arr, sh), k, axis=0)[0]

        inv = 1.0 / np.maximum(take(r), 1e-3)
        rgb = self._shade((take(qx) * inv, take(qy) * inv, -take(sq) * inv), np.asarray(colors, f32)[k[0]])
        self._composite(sl, alpha.max(axis=0), take(depth), rgb)

    def result(self) -> np.ndarray:
        """The finished frame, HxWx3 uint8."""
        import cv2

        out = np.array(self.bg, dtype=np.uint8, copy=True)
        if self.img.size:
            out[self.y0:self.y1, self.x0:self.x1] = cv2.convertScaleAbs(self.img)  # rounds and saturates
        return out


def _window(people: Sequence[tuple[np.ndarray, np.ndarray | None, float]], margin: float = 0.14
            ) -> tuple[int, int, int, int]:
    """Bounding box (x0, y0, x1, y1) of figures given as (joints, hands, scale), grown by ``margin`` x scale."""
    lo, hi = np.full(2, np.inf), np.full(2, -np.inf)
    for joints, hands, s in people:
        pts = joints[:, :2] if hands is None else np.concatenate([joints[:, :2], hands.reshape(-1, 3)[:, :2]])
        pts = pts[np.isfinite(pts).all(axis=1)]
        if len(pts):
            lo = np.minimum(lo, pts.min(axis=0) - margin * s)
            hi = np.maximum(hi, pts.max(axis=0) + margin * s)
    if not np.isfinite(lo).all():
        return 0, 0, 0, 0
    return int(math.floor(lo[0])), int(math.floor(lo[1])), int(math.ceil(hi[0])), int(math.ceil(hi[1]))


def _frame(x: np.ndarray, down: np.ndarray) -> np.ndarray:
    """Orthonormal frame (columns x, y, z) from an x direction and a rough 'down' direction."""
    x = _norm(x)
    y = down - np.dot(down, x) * x
    if np.linalg.norm(y) < 1e-6:
        y = np.array([0.0, 1.0, 0.0]) - x[1] * x
    y = _norm(y)
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=1)


def _estimate_scale(joints: np.ndarray, props: Proportions) -> float:
    vals = []
    for (i, j), ratio in props.bone_ratios().items():
        d = np.linalg.norm(joints[i] - joints[j])
        if np.isfinite(d) and d > 0:
            vals.append(d / ratio)
    return float(np.median(vals)) if vals else 100.0


def _face_texture(style: Style, mouth: float = 0.0, eyes: float = 1.0) -> Callable:
    """The head's colours as a function of its unit-ellipsoid coordinates. ``mouth``: the lips' gap (0 a
    closed mouth's line; the dark inside shows between them); ``eyes``: 1 open, 0 the lids closed."""
    mouth, eyes = float(max(0.0, mouth)), float(np.clip(eyes, 0.0, 1.0))
    cavity, teeth = np.array((38, 10, 14), np.float32), np.array((236, 232, 222), np.float32)
    skin = np.array(style.skin, np.float32)
    hair = np.array(style.hair, np.float32)
    white = np.array((246, 244, 240), np.float32)
    iris = np.array(style.iris, np.float32)
    pupil = np.array((14, 12, 12), np.float32)
    lips = np.array(style.lips, np.float32)
    brow = hair * 0.75
    cheek = np.array((214, 120, 110), np.float32)

    def tex(X: np.ndarray, Y: np.ndarray, Z: np.ndarray) -> np.ndarray:
        out = np.empty(X.shape + (3,), np.float32)
        out[:] = skin
        front = Z < -0.25
        ax = np.abs(X)
        # cheeks: a soft warm blush
        ch = np.exp(-(((ax - 0.45) / 0.18) ** 2 + ((Y - 0.28) / 0.14) ** 2))[..., None] * front[..., None]
        out = out * (1 - 0.22 * ch) + cheek * (0.22 * ch)
        ex, ey = (ax - 0.36) / 0.17, (Y + 0.02) / 0.085
        eye = (ex * ex + ey * ey < 1.0) & front
        out[eye] = white
        ix, iy = (ax - 0.36) / 0.085, (Y + 0.02) / 0.085
        ir = ix * ix + iy * iy
        out[eye & (ir < 1.0)] = iris
        out[eye & (ir < 0.25)] = pupil
        if eyes < 1.0:  # the upper lid comes down over the eye; closed, a lash line stays at its bottom
            lid_y = -0.02 + 0.085 * (1.0 - 2.0 * eyes)
            out[eye & (Y < lid_y)] = skin * 0.88
            out[eye & (np.abs(Y - lid_y) < 0.012)] = skin * 0.4
        lid = (ex * ex + ((Y + 0.045) / 0.085) ** 2 < 1.25) & ~eye & (Y < -0.02) & front & (ax > 0.18)
        out[lid] = skin * 0.45
        bx, by = (ax - 0.36) / 0.21, (Y + 0.27 - 0.06 * ((ax - 0.36) / 0.21) ** 2) / 0.045
        out[(bx * bx + by * by < 1.0) & front] = brow
        lx, ly = X / 0.27, (Y - 0.52) / (0.085 + 0.5 * mouth)
        lip = (lx * lx + ly * ly < 1.0) & front
        out[lip] = lips
        out[lip & (np.abs(Y - 0.52) < 0.016)] = lips * 0.45
        if mouth > 0:  # the dark inside, upper teeth along its top
            cx, cy = X / 0.2, (Y - 0.52) / (0.5 * mouth)
            inside = (cx * cx + cy * cy < 1.0) & front
            out[inside] = cavity
            out[inside & (cy < -0.55) & (np.abs(X) < 0.13)] = teeth
        hairline = -0.45 + 0.95 * _smoothstep((Z + 0.55) / 0.75)
        side = (ax > 0.78) & (Y < 0.0) & (Z > -0.5)
        out[(Y < hairline) | side] = hair
        return out

    return tex


def _part_colors(style: Style) -> dict[str, np.ndarray]:
    keys = ("skin", "shirt", "trousers", "shoes", "hair", "socks")
    return {k: np.asarray(getattr(style, k), np.float32) for k in keys}


def _resolve_style(style: str | Style) -> Style:
    if isinstance(style, Style):
        return style
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; use one of {tuple(STYLES)}")
    return STYLES[style]


def head_frame(joints: np.ndarray, props: Proportions, scale: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The head's ellipsoid from the face joints of ``joints`` [33,3] px: (centre [3], axes [3,3] as columns
    (subject's left, down, backwards), semi-axes [3] px). Other drawn heads (a fox's, a robot's) sit in it too."""
    lear, rear, nose = joints[J["left_ear"]], joints[J["right_ear"]], joints[J["nose"]]
    ear_mid = 0.5 * (lear + rear)
    xh = lear - rear
    back = ear_mid - nose
    zh = _norm(back - np.dot(back, _norm(xh)) * _norm(xh))
    xh = _norm(xh)
    yh = np.cross(zh, xh)
    Rh = np.stack([xh, yh, zh], axis=1)
    hr = np.array(props.head_radii) * scale
    return ear_mid - Rh @ (np.array([0.0, 0.08, 0.1]) * hr), Rh, hr


_HEM = 0.04  # trouser hem above the ankle joint, units of height (sock and shoe below show the ankle)


def _draw_figure(cv: _Canvas, joints: np.ndarray, hands: np.ndarray | None, style: Style, *,
                 hide_hands: bool = False, scale: float | None = None, props: Proportions = ADULT,
                 z_offset: float = 0.0, face: Sequence[float] | None = None) -> None:
    """Draw one mannequin. All geometry comes from the 33 joints (and the 21-joint hands when given), so any
    pose track can be rendered, not only ours."""
    jt = np.asarray(joints, np.float64).copy()
    jt[:, 2] += z_offset
    s = float(scale) if scale else _estimate_scale(jt, props)
    k = s * style.build
    cv.seam, cv.tie = np.float32(0.012 * s), np.float32(0.002 * s)
    col = _part_colors(style)

    def g(name: str) -> np.ndarray:
        return jt[J[name]]

    lsh, rsh, lhip, rhip = g("left_shoulder"), g("right_shoulder"), g("left_hip"), g("right_hip")
    msh, mhip = 0.5 * (lsh + rsh), 0.5 * (lhip + rhip)
    Rc = _frame(lsh - rsh, mhip - msh)
    Rp = _frame(lhip - rhip, Rc[:, 1])
    sleeve_col = col["shirt"]
    fore_col = col["shirt"] if style.sleeves == "long" else col["skin"]

    parts: list[tuple[float, Callable[[], None]]] = []  # (depth for ordering, draw)

    def add(depth: float, fn: Callable[[], None]) -> None:
        parts.append((float(depth), fn))

    # Torso: chest, belly and pelvis ellipsoids plus a shoulder yoke.
    torso_len = np.linalg.norm(msh - mhip) / (props.torso * s)  # 1.0 for our own skeletons
    Rm = _frame(0.5 * (Rc[:, 0] + Rp[:, 0]), Rc[:, 1] + Rp[:, 1])
    chest_c = msh + Rc @ np.array([0.0, 0.088, 0.004]) * s * torso_len
    belly_c = mhip + Rm @ np.array([0.0, -0.105, 0.0]) * s * torso_len
    pelvis_c = mhip + Rp @ np.array([0.0, -0.012, 0.004]) * s  # widest at the hip joints, like a real pelvis
    add(chest_c[2] + 0.02 * s, lambda: cv.ellipsoid(chest_c, Rc, np.array([0.096, 0.122, 0.064]) * k,
                                                    col["shirt"]))
    add(belly_c[2] + 0.02 * s, lambda: cv.ellipsoid(belly_c, Rm, np.array([0.086, 0.112, 0.058]) * k,
                                                    col["skin"] if style.cropped else col["shirt"]))
    add(pelvis_c[2] + 0.02 * s, lambda: cv.ellipsoid(pelvis_c, Rp, np.array([0.098, 0.072, 0.064]) * k,
                                                     col["trousers"]))
    yoke_a = lsh + Rc @ np.array([-0.014, 0.006, 0.004]) * s
    yoke_b = rsh + Rc @ np.array([0.014, 0.006, 0.004]) * s
    add(msh[2] + 0.02 * s, lambda: cv.capsule(yoke_a, yoke_b, 0.036 * k, 0.036 * k, col["shirt"]))

    # Head and neck.
    head_c, Rh, hr = head_frame(jt, props, s)
    neck_top = head_c + Rh @ np.array([0.0, 0.45, 0.35]) * hr
    neck_bot = msh + Rc @ np.array([0.0, 0.01, 0.006]) * s
    add(0.5 * (neck_top[2] + neck_bot[2]) + 0.015 * s,
        lambda: cv.capsule(neck_bot, neck_top, 0.030 * k, 0.026 * k, col["skin"]))
    tex = _face_texture(style) if face is None else _face_texture(style, *face)

    def draw_head() -> None:
        cv.ellipsoid(head_c, Rh, hr, style.skin, texture=tex, gloss=0.04)
        nose_c = head_c + Rh @ (np.array([0.0, 0.2, -0.92]) * hr)
        cv.ellipsoid(nose_c, Rh, np.array([0.19, 0.28, 0.2]) * hr, style.skin)
        for sx in (1, -1):
            ear_c = head_c + Rh @ (np.array([sx * 0.97, 0.08, 0.1]) * hr)
            cv.ellipsoid(ear_c, Rh, np.array([0.16, 0.3, 0.2]) * hr, style.skin)
        # hair volume: a cap over the crown and the back of the head
        cap_c = head_c + Rh @ (np.array([0.0, -0.16, 0.12]) * hr)
        cv.ellipsoid(cap_c, Rh, np.array([1.04, 0.9, 1.0]) * hr, style.hair)

    add(head_c[2] - 0.01 * s, draw_head)

    # Arms.
    for side, sname in ((1, "left"), (-1, "right")):
        sh_, el, wr = g(f"{sname}_shoulder"), g(f"{sname}_elbow"), g(f"{sname}_wrist")
        hand = None if hands is None else np.asarray(hands[0 if side == 1 else 1], np.float64).copy()
        if hand is not None:
            hand[:, 2] += z_offset
            if not np.isfinite(hand).all():
                hand = None
        if hand is None and not hide_hands:
            ax_ = 0.5 * (g(f"{sname}_index") + g(f"{sname}_pinky")) - wr
            across = g(f"{sname}_index") - g(f"{sname}_pinky")
            nrm = side * np.cross(_norm(ax_), _norm(across))
            hand = hand_joints(wr, ax_, nrm, side, 0.2, s * props.hand_scale)
        wr_end = wr
        if hide_hands:
            wr_end = el + 0.93 * (wr - el)
        up_col = sleeve_col if style.sleeves == "long" else col["skin"]
        # Upper arm: a short sleeve is a wider stretch of the same part. Forearm: the muscles bulge just below
        # the elbow, so the elbow reads as a joint.
        up_prof = ((0.0, 0.041 * k), (0.52, 0.036 * k), (0.521, 0.031 * k), (1.0, 0.027 * k))
        if style.sleeves == "long":
            up_prof = ((0.0, 0.038 * k), (1.0, 0.028 * k))
        fore_prof = ((0.0, 0.027 * k), (0.3, 0.030 * k), (1.0, 0.020 * k))

        def draw_arm(sh_=sh_, el=el, wr_end=wr_end, up_prof=up_prof, fore_prof=fore_prof, up_col=up_col):
            cv.capsule(sh_, el, up_prof[0][1], up_prof[-1][1], sleeve_col, profile=up_prof,
                       color2=None if style.sleeves == "long" else up_col, split=0.52)
            cv.capsule(el, wr_end, fore_prof[0][1], fore_prof[-1][1], fore_col, profile=fore_prof)

        add(min(0.5 * (sh_[2] + el[2]), 0.5 * (el[2] + wr[2])), draw_arm)
        if hand is not None and not hide_hands:
            add(float(hand[:, 2].mean()) - 0.005 * s, lambda hand=hand, side=side: _draw_hand(cv, hand, side, s,
                                                                                             col["skin"], props))

    # Legs and shoes.
    for side, sname in ((1, "left"), (-1, "right")):
        hp, kn, an = g(f"{sname}_hip"), g(f"{sname}_knee"), g(f"{sname}_ankle")
        heel, toe = g(f"{sname}_heel"), g(f"{sname}_foot_index")
        top = hp + Rp @ np.array([side * 0.006, -0.02, 0.0]) * s
        shank = np.linalg.norm(an - kn) / s  # the hem sits above the ankle: the ankle shows as a joint
        hem_t = 1.0 - min(_HEM / max(shank, 1e-6), 0.5)
        shank_prof = ((0.0, 0.039 * k), (0.3, 0.041 * k), (hem_t, 0.029 * k), (hem_t + 1e-3, 0.021 * k),
                      (1.0, 0.022 * k))

        def draw_leg(top=top, kn=kn, an=an, shank_prof=shank_prof, hem_t=hem_t):
            cv.capsule(top, kn, 0.058 * k, 0.040 * k, col["trousers"])
            cv.capsule(kn, an, shank_prof[0][1], shank_prof[-1][1], col["trousers"], profile=shank_prof,
                       color2=col["socks"], split=hem_t)

        add(0.5 * (hp[2] + an[2]), draw_leg)
        # a kneecap under the trousers: the knee reads as a joint, not as a bend in a tube
        kc = kn + Rp @ np.array([0.0, 0.004, -0.026]) * s
        add(kc[2], lambda kc=kc: cv.ellipsoid(kc, Rp, np.array([0.030, 0.034, 0.02]) * k, col["trousers"]))
        fwd = toe - heel
        fl = np.linalg.norm(fwd)
        if fl > 1e-6:
            xf = fwd / fl
            up_ = np.array([0.0, -1.0, 0.0]) - xf[1] * xf
            yf = -_norm(up_)
            zf = np.cross(xf, yf)
            Rf = np.stack([xf, yf, zf], axis=1)
            shoe_c = 0.5 * (heel + toe) + np.array([0.0, -0.010 * s, 0.0]) - 0.08 * fwd
            add(shoe_c[2] - 0.01 * s, lambda shoe_c=shoe_c, Rf=Rf, fl=fl: cv.ellipsoid(
                shoe_c, Rf, np.array([0.58 * fl, 0.022 * s, 0.038 * s * style.build]), style.shoes, gloss=0.05))

    parts.sort(key=lambda p: -p[0])  # back to front
    for _, fn in parts:
        fn()


def _draw_hand(cv: _Canvas, hand: np.ndarray, side: int, s: float, skin: np.ndarray, props: Proportions) -> None:
    wr = hand[0]
    a = _norm(0.5 * (hand[5] + hand[17]) - wr)
    w = hand[5] - hand[17]
    w = _norm(w - np.dot(w, a) * a)
    n = side * np.cross(a, w)  # palm normal
    R = np.stack([a, w, n], axis=1)
    hs = s * props.hand_scale
    palm_c = wr + a * 0.034 * hs
    cv.ellipsoid(palm_c, R, np.array([0.036, 0.027, 0.011]) * hs, skin)
    segs_a, segs_b, ra, rb = [], [], [], []
    radii = {1: 0.0085, 5: 0.0064, 9: 0.0066, 13: 0.0062, 17: 0.0056}
    for base in (1, 5, 9, 13, 17):
        chain = [base, base + 1, base + 2, base + 3]
        r0 = radii[base] * hs
        for i in range(3):
            segs_a.append(hand[chain[i]])
            segs_b.append(hand[chain[i + 1]])
            ra.append(r0 * (1 - 0.08 * i))
            rb.append(r0 * (1 - 0.08 * (i + 1)))
    segs_a.append(wr + a * 0.01 * hs)  # thumb's fleshy base
    segs_b.append(hand[2])
    ra.append(0.012 * hs)
    rb.append(0.0085 * hs)
    cv.capsules(np.array(segs_a), np.array(segs_b), np.array(ra), np.array(rb),
                np.broadcast_to(skin, (len(ra), 3)))


def render_mannequin(joints: np.ndarray, size: tuple[int, int], *, style: str | Style = "person",
                     background: str | tuple | np.ndarray = "plain", hands: np.ndarray | None = None,
                     hide_hands: bool = False, frame_index: int = 0, seed: int = 0, fps: float = 30.0,
                     scale: float | None = None, props: Proportions = ADULT,
                     face: Sequence[float] | None = None) -> np.ndarray:
    """Draw a mannequin in the pose ``joints`` [33,3] (px; z relative depth) on a ``size=(w, h)`` frame.

    Returns HxWx3 uint8 RGB. ``hands`` [2,21,3] (left, right) poses the fingers; without it relaxed hands are
    built from the wrist/index/pinky joints. ``hide_hands`` draws no hands and shortens the forearms (hands in
    pockets). ``scale`` is the standing body height in px (estimated from bone lengths when None).
    ``face`` = (mouth gap, eye opening) as in :class:`Pose` (default: closed mouth, open eyes).
    ``background``/``seed``/``frame_index``/``fps``: see :func:`make_background`. Shading, occlusion (a
    z-buffer) and anti-aliasing are done per pixel on small bounding boxes around the parts: about 15-20 ms
    a frame at 640x480 and 25-30 ms at 1280x720 on one core.
    """
    bg = make_background(background, size, frame_index=frame_index, seed=seed, fps=fps)
    joints = np.asarray(joints, np.float64)
    s = float(scale) if scale else _estimate_scale(joints, props)
    cv = _Canvas(bg, _window([(joints, None if hands is None else np.asarray(hands), s)]))
    _draw_figure(cv, joints, hands, _resolve_style(style), hide_hands=hide_hands, scale=s, props=props,
                 face=face)
    return cv.result()


def render_clip_frames(clip: MotionClip, *, style: str | Style | None = None,
                       background: str | tuple | np.ndarray = "plain", seed: int = 0):
    """Yield the clip's frames (HxWx3 uint8 RGB), including any extra people in ``clip.others``."""
    st = _resolve_style(style or clip.style)
    everyone = [*clip.others, clip]  # drawn back to front: extras stand further away
    for i in range(len(clip)):
        bg = make_background(background, clip.size, frame_index=i, seed=seed, fps=clip.fps)
        cv = _Canvas(bg, _window([(c.joints[i], None if c.hands is None else c.hands[i], c.scale)
                                  for c in everyone]))
        for c in everyone:
            _draw_figure(cv, c.joints[i], None if c.hands is None else c.hands[i],
                         st if c is clip else _resolve_style(c.style), hide_hands=c.hands_hidden, scale=c.scale,
                         z_offset=0.0 if c is clip else 10.0 * clip.scale,
                         face=None if c.face is None else c.face[i])
        yield cv.result()


# ----------------------------------------------------------------------------------------------------------------
# Files
# ----------------------------------------------------------------------------------------------------------------


def make_character(path: str | Path, *, size: tuple[int, int] = (720, 960), style: str | Style = "character",
                   pose: str = "a-pose", framing: str = "full", background: str | tuple | np.ndarray = "plain",
                   seed: int = 0) -> np.ndarray:
    """Write a PNG of a still mannequin and return its ground-truth joints [33,3] (px, z relative depth).

    ``pose``: "a-pose", "t-pose", "hands_in_pockets" (no hands drawn: limbs hidden in the image) or
    "crossed_forearm" (the right forearm across the belly).
    ``framing``: "full", "closeup" (head to hips), "small" (under 5% of the image). Use
    :func:`character_pose` for the hands and the scale too.
    """
    from PIL import Image

    clip = character_pose(pose, size=size, framing=framing)
    rgb = render_mannequin(clip.joints[0], clip.size, style=style, background=background, hands=clip.hands[0],
                           hide_hands=clip.hands_hidden, seed=seed, scale=clip.scale)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path)
    return clip.joints[0].copy()


def _second_person(clip: MotionClip, motion: str, seconds: float, fps: float) -> MotionClip:
    w, h = clip.size
    s = 0.55 * clip.scale
    # stand off to the side with the most room, further back (feet higher in the frame)
    cx = 0.86 * w if clip.joints[0, J["nose"], 0] < 0.55 * w else 0.14 * w
    floor_y = min(0.80 * h, clip.joints[0, J["left_ankle"], 1])
    other = make_motion("wave" if motion in ("static", "wave") else motion, seconds=seconds, fps=fps,
                        size=clip.size, scale=s, center=(cx, floor_y - 0.5 * s), time_offset=0.7)
    other.style = "character" if clip.style != "character" else "person"
    return other


def make_clip(path: str | Path, motion: str = "dance", *, seconds: float = 4.0, fps: float = 30.0,
              size: tuple[int, int] = (1280, 720), style: str | Style = "person",
              background: str | tuple | np.ndarray = "plain", framing: str = "full", people: int = 1,
              audio: bool = False, seed: int = 0, hide_hands: bool = False, scale: float | None = None,
              center: tuple[float, float] | None = None, crf: int = 18) -> MotionClip:
    """Render a named motion to an H.264 MP4 at ``path`` and return its ground truth.

    ``people=2`` adds a second, smaller person off to one side (in ``clip.others``); ``audio=True`` adds a
    440 Hz sine-tone track (for keep-sound tests); ``hide_hands`` draws hands-in-pockets forearms (the motion
    data still has hands). Deterministic for a given seed.
    """
    from ..media.writer import VideoWriter

    clip = make_motion(motion, seconds=seconds, fps=fps, size=size, framing=framing, scale=scale, center=center)
    clip.style = style if isinstance(style, str) else "custom"
    clip.hands_hidden = bool(hide_hands)
    if people >= 2:
        clip.others = [_second_person(clip, motion, seconds, fps)]
    st = _resolve_style(style)
    sound = None
    if audio:
        rate = 48000
        n = int(round(len(clip) / fps * rate))
        tt = np.arange(n, dtype=np.float32) / rate
        tone = (0.25 * np.sin(2 * np.pi * 440.0 * tt)).astype(np.float32)
        sound = (np.stack([tone, tone]), rate)
    with VideoWriter(path, fps, size[0], size[1], audio=sound, crf=crf) as writer:
        for frame in render_clip_frames(clip, style=st, background=background, seed=seed):
            writer.write(frame)
    return clip

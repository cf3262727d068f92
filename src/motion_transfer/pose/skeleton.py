"""Joint and bone definitions: MediaPipe's 33-joint body and 21-joint hands, and the OpenPose layouts we export.

Left/right are the *subject's* left and right, as in both MediaPipe and OpenPose.
"""
from __future__ import annotations

import numpy as np

BODY_JOINTS: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
    "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)
J = {name: i for i, name in enumerate(BODY_JOINTS)}
NUM_BODY = 33
# a joint the pose model gives at less than this visibility is its guess, not seen: no length or place is taken
# from it where a seen one can serve (retargeting's bones, a still image's elbow on the border)
VIS_MIN = 0.5
NUM_HAND = 21
NUM_FACE = 468
# the refined face model's iris points, after the mesh's 468: each iris's centre then four points on its rim
# (right eye's 468-472, left eye's 473-477)
NUM_IRIS = 10


def shoulder_span(joints: np.ndarray, least: float = 0.0) -> float:
    """The distance between the shoulder joints of one body's joints [33+, d]: the body's width, the unit most of
    the puppet's sizes are given in; at least ``least`` (a floor where shoulders that coincide would divide by
    zero)."""
    return max(float(np.linalg.norm(joints[J["left_shoulder"]] - joints[J["right_shoulder"]])), least)


def torso_length(joints: np.ndarray) -> float:
    """The distance from the shoulders' middle to the hips' of one body's joints [33+, d]: the yardstick of how far
    below the hips a picture ends (the framing's margins, a leg shown only to mid-thigh)."""
    ms = 0.5 * (joints[J["left_shoulder"]] + joints[J["right_shoulder"]])
    mh = 0.5 * (joints[J["left_hip"]] + joints[J["right_hip"]])
    return float(np.linalg.norm(ms - mh))

# Bones drawn for a MediaPipe-layout body (head, torso, limbs, feet).
BODY_BONES: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24), (23, 25), (25, 27),
    (24, 26), (26, 28), (27, 29), (29, 31), (27, 31), (28, 30), (30, 32), (28, 32), (15, 17), (15, 19),
    (15, 21), (16, 18), (16, 20), (16, 22), (0, 2), (0, 5), (2, 7), (5, 8), (9, 10),
)

HAND_BONES: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (0, 9), (9, 10), (10, 11), (11, 12),
    (0, 13), (13, 14), (14, 15), (15, 16), (0, 17), (17, 18), (18, 19), (19, 20),
)

# OpenPose COCO-18 body from MediaPipe's 33 joints, in OpenPose's order (nose, neck, right shoulder/elbow/wrist,
# left shoulder/elbow/wrist, right hip/knee/ankle, left hip/knee/ankle, right eye, left eye, right ear, left ear);
# "neck" (index 1) is the shoulders' midpoint.
OPENPOSE18_FROM_MP: tuple[int | None, ...] = (0, None, 12, 14, 16, 11, 13, 15, 24, 26, 28, 23, 25, 27, 5, 2, 8, 7)

# OpenPose's limb sequence and colours (RGB), as its renderer and ControlNet's preprocessors draw them.
OPENPOSE18_LIMBS: tuple[tuple[int, int], ...] = (
    (1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10), (1, 11), (11, 12), (12, 13),
    (1, 0), (0, 14), (14, 16), (0, 15), (15, 17),
)
OPENPOSE18_COLORS: tuple[tuple[int, int, int], ...] = (
    (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0), (0, 255, 0),
    (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255), (0, 0, 255), (85, 0, 255),
    (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85),
)

# The joints a character's skeleton must place (a rig file, a silhouette fit): the rest are derived from them.
REQUIRED_JOINTS: tuple[str, ...] = ("nose",) + tuple(f"{s}_{j}" for j in ("shoulder", "elbow", "wrist", "hip", "knee",
                                                                            "ankle") for s in ("left", "right"))

# Each body joint's mirror twin (left <-> right; the nose is its own): relabels a skeleton seen in a mirror image.
MIRROR_JOINTS: tuple[int, ...] = tuple(
    J[n.replace("left", "@").replace("right", "left").replace("@", "right")] for n in BODY_JOINTS)

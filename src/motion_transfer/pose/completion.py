"""Complete a partial skeleton: the joints a rig file, a silhouette fit or a template leaves out (eyes, ears,
mouth, fingers, heels, toes; limbs the image does not show, hung straight down), derived from the ones it gives."""
from __future__ import annotations

import numpy as np

from .skeleton import J


def _perp(v: np.ndarray) -> np.ndarray:
    return np.array([-v[1], v[0]])


def complete_joints(joints: np.ndarray, vis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill the joints a rig file (or a template) leaves out from the ones it gives.

    Derived joints get visibility 0.6 when their anchors are seen (good enough to rig), else 0.
    """
    j = joints.astype(np.float64).copy()
    v = vis.astype(np.float64).copy()
    ls, rs = j[J["left_shoulder"]], j[J["right_shoulder"]]
    lh, rh = j[J["left_hip"]], j[J["right_hip"]]
    ms, mh = (ls + rs) / 2, (lh + rh) / 2
    sw = max(float(np.linalg.norm(ls - rs)), 1.0)
    spine = mh - ms
    down = spine / max(np.linalg.norm(spine), 1e-6)
    right = ls - rs  # towards the character's left
    right = right / max(np.linalg.norm(right), 1e-6)

    def put(name: str, pos: np.ndarray, anchors: tuple[str, ...]) -> None:
        i = J[name]
        if v[i] > 0:
            return
        j[i] = pos
        v[i] = 0.6 if all(v[J[a]] > 0 for a in anchors) else 0.0

    nose = j[J["nose"]]
    eye = 0.16 * sw
    put("left_eye", nose - 0.25 * eye * 1.2 * down + 0.55 * eye * right * 1.4, ("nose",))
    put("right_eye", nose - 0.25 * eye * 1.2 * down - 0.55 * eye * right * 1.4, ("nose",))
    put("left_eye_inner", (nose + 2 * j[J["left_eye"]]) / 3 - 0.05 * eye * down, ("nose",))
    put("right_eye_inner", (nose + 2 * j[J["right_eye"]]) / 3 - 0.05 * eye * down, ("nose",))
    put("left_eye_outer", j[J["left_eye"]] + 0.35 * eye * right, ("nose",))
    put("right_eye_outer", j[J["right_eye"]] - 0.35 * eye * right, ("nose",))
    put("left_ear", nose + 1.9 * eye * right + 0.1 * eye * down, ("nose",))
    put("right_ear", nose - 1.9 * eye * right + 0.1 * eye * down, ("nose",))
    put("mouth_left", nose + 0.6 * eye * down + 0.45 * eye * right, ("nose",))
    put("mouth_right", nose + 0.6 * eye * down - 0.45 * eye * right, ("nose",))
    for s in ("left", "right"):
        # missing limb joints: hang the limb straight down from the joint above
        sh, el, wr = J[f"{s}_shoulder"], J[f"{s}_elbow"], J[f"{s}_wrist"]
        hp, kn, an = J[f"{s}_hip"], J[f"{s}_knee"], J[f"{s}_ankle"]
        arm = 0.55 * float(np.linalg.norm(spine))
        leg = 0.8 * float(np.linalg.norm(spine))
        for a, b, ln in ((sh, el, arm), (el, wr, arm), (hp, kn, leg), (kn, an, leg)):
            if v[b] <= 0 and not np.isfinite(j[b]).all():
                j[b] = j[a] + ln * down
                v[b] = 0.0
        fore = j[wr] - j[el]
        fl = max(float(np.linalg.norm(fore)), 1.0)
        fu = fore / fl
        tip = j[wr] + 0.4 * fl * fu
        side = 0.12 * fl * _perp(fu)
        seen = (f"{s}_elbow", f"{s}_wrist")
        sign = 1.0 if s == "left" else -1.0
        put(f"{s}_index", tip - sign * side * 0.5, seen)
        put(f"{s}_pinky", tip * 0.95 + j[wr] * 0.05 + sign * side, seen)
        put(f"{s}_thumb", j[wr] + 0.25 * fl * fu - sign * side * 1.3, seen)
        shin = j[an] - j[kn]
        sl = max(float(np.linalg.norm(shin)), 1.0)
        su = shin / sl
        put(f"{s}_heel", j[an] + 0.08 * sl * su, (f"{s}_knee", f"{s}_ankle"))
        put(f"{s}_foot_index", j[an] + 0.18 * sl * su + 0.12 * sl * sign * right,
            (f"{s}_knee", f"{s}_ankle"))
    return j, v


def default_template(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """A standing A-pose skeleton filling the middle 80% of the image's height (a starting point to edit)."""
    cx, top, h = width / 2.0, 0.1 * height, 0.8 * height
    named = {
        "nose": (cx, top + 0.07 * h),
        "left_shoulder": (cx + 0.11 * h, top + 0.2 * h), "right_shoulder": (cx - 0.11 * h, top + 0.2 * h),
        "left_elbow": (cx + 0.16 * h, top + 0.36 * h), "right_elbow": (cx - 0.16 * h, top + 0.36 * h),
        "left_wrist": (cx + 0.19 * h, top + 0.5 * h), "right_wrist": (cx - 0.19 * h, top + 0.5 * h),
        "left_hip": (cx + 0.06 * h, top + 0.52 * h), "right_hip": (cx - 0.06 * h, top + 0.52 * h),
        "left_knee": (cx + 0.07 * h, top + 0.74 * h), "right_knee": (cx - 0.07 * h, top + 0.74 * h),
        "left_ankle": (cx + 0.08 * h, top + 0.95 * h), "right_ankle": (cx - 0.08 * h, top + 0.95 * h),
    }
    joints = np.full((33, 2), np.nan)
    vis = np.zeros(33)
    for name, pos in named.items():
        joints[J[name]] = pos
        vis[J[name]] = 1.0
    return complete_joints(joints, vis)

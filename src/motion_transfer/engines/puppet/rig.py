"""The puppet's rig: its rest skeleton (joint positions in the character image), plus everything built from it.

``rig.json`` (a user-editable file; ``motion-transfer rig IMAGE -o rig.json`` writes one to start from)::

    {
      "format": "motion-transfer.rig", "version": 1,
      "image": "fox.png", "width": 1024, "height": 1536,
      "source": "detected",             # or "template" (fitted to the silhouette) or "user"
      "joints": {                       # image pixels, x to the right, y down; the CHARACTER's left/right
        "nose": [512, 210],             # (a character facing you has its left hand on the image's right)
        "left_shoulder": [600, 380], "right_shoulder": [424, 380],
        "left_elbow": [650, 560], ..., "right_ankle": [450, 1460],
        "left_knee": null                # null: the image does not show this joint (a portrait's legs)
      }
    }

Required joints: ``nose`` and, on both sides, ``shoulder``, ``elbow``, ``wrist``, ``hip``, ``knee``, ``ankle``.
Optional: any other MediaPipe body joint (``left_eye``, ``left_ear``, ``mouth_left``, ``left_index``,
``left_pinky``, ``left_thumb``, ``left_heel``, ``left_foot_index``, ...): missing ones are derived from the others.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...atomic import replace_into_place
from ...errors import InputError, RigError
from ...pose.skeleton import BODY_JOINTS, J

RIG_FORMAT = "motion-transfer.rig"
RIG_VERSION = 1
REQUIRED = ("nose",) + tuple(f"{s}_{j}" for j in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
                              for s in ("left", "right"))
HOW_TO_RIG = ("run `motion-transfer rig IMAGE -o rig.json`, open rig.json next to the image and correct the joint "
              "positions (pixels; the character's own left/right), then pass it with `--rig rig.json`.")


@dataclass
class Layer:
    """One drawable piece of the puppet: a textured triangle mesh with skinning weights.

    ``vertices`` [N, 2] rest positions in image pixels; ``triangles`` [M, 3]; ``weights`` [N, B] over ``bones``
    (names understood by ``render.bone_transforms``); ``texture`` [h, w, 4] uint8 RGBA whose pixel (0, 0) is image
    pixel ``origin``; ``tri_weights`` [M, B] the mean weights of each triangle's corners (for depth sorting).
    """

    name: str
    bones: list[str]
    vertices: np.ndarray
    triangles: np.ndarray
    weights: np.ndarray
    texture: np.ndarray
    origin: tuple[int, int]
    tri_weights: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.tri_weights is None and len(self.triangles):
            self.tri_weights = self.weights[self.triangles].mean(axis=1)


@dataclass
class Rig:
    """The character, ready to animate. Coordinates are pixels of ``image`` (the analysed, maybe downscaled copy).

    ``joints`` [33, 2], ``visibility`` [33] (0 = the image does not show it; its position is only a guess),
    ``depth`` [33] relative z of the image's pose (0 when unknown); ``matte`` HxW float32 0..1; ``background``
    HxWx3 uint8 (the image with the character removed and filled); ``layers`` back-to-front default order;
    ``scale`` = analysed pixels per original image pixel.
    """

    width: int
    height: int
    joints: np.ndarray
    visibility: np.ndarray
    depth: np.ndarray
    source: str
    image: np.ndarray | None = None
    matte: np.ndarray | None = None
    background: np.ndarray | None = None
    layers: list[Layer] = field(default_factory=list)
    labels: np.ndarray | None = None
    left_hand: np.ndarray | None = None
    right_hand: np.ndarray | None = None
    scale: float = 1.0
    meta: dict = field(default_factory=dict)

    def rest_pose(self):
        from ...retarget import RestPose

        return RestPose(joints=self.joints.astype(np.float32), visibility=self.visibility.astype(np.float32),
                        width=self.width, height=self.height, left_hand=self.left_hand, right_hand=self.right_hand)

    def to_json(self, image_name: str = "") -> dict:
        """The rig.json document for this rig (joints in ORIGINAL image pixels)."""
        return rig_document(self.joints / self.scale, self.visibility, round(self.width / self.scale),
                            round(self.height / self.scale), source=self.source, image_name=image_name)


# ----------------------------------------------------------------------------------------------- rig.json


def rig_document(joints: np.ndarray, visibility: np.ndarray, width: int, height: int, *, source: str,
                 image_name: str = "") -> dict:
    pts = {}
    for name, (x, y), v in zip(BODY_JOINTS, joints, visibility):
        pts[name] = None if (v <= 0.0 or not np.isfinite(x)) else [round(float(x), 1), round(float(y), 1)]
    return {"format": RIG_FORMAT, "version": RIG_VERSION, "image": image_name, "width": int(width),
            "height": int(height), "source": source,
            "help": "Joint positions in image pixels (x right, y down), the character's own left/right. "
                    "Required: " + ", ".join(REQUIRED) + ". Others are optional (derived when missing). "
                    "null = not shown in the image.",
            "joints": pts}


def save_rig_json(doc: dict, path: str | Path) -> Path:
    """Write a rig.json atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1)
            fh.write("\n")
        replace_into_place(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def load_rig_json(path: str | Path, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """(joints [33, 2], visibility [33]) from a rig.json, scaled to a ``width`` x ``height`` image.

    Missing optional joints are derived; every problem is an ``InputError`` that names the joint.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read this rig file ({exc}).", file=path, code="rig",
                         fix="write one with `motion-transfer rig IMAGE -o rig.json`.") from exc
    if not isinstance(doc, dict) or doc.get("format") != RIG_FORMAT or not isinstance(doc.get("joints"), dict):
        raise InputError("is not a motion-transfer rig file (format 'motion-transfer.rig' with 'joints').",
                         file=path, code="rig", fix="write one with `motion-transfer rig IMAGE -o rig.json`.")
    if int(doc.get("version", 0)) > RIG_VERSION:
        raise InputError(f"was written by a newer version (rig format {doc['version']}).", file=path,
                         code="rig", measured=doc["version"], limit=RIG_VERSION, fix="upgrade motion-transfer.")
    src_w = float(doc.get("width") or width)
    src_h = float(doc.get("height") or height)
    if abs(src_w / src_h - width / height) > 0.02:
        raise InputError(f"was made for a {src_w:.0f}x{src_h:.0f} image, but this image is {width}x{height}.",
                         file=path, code="rig", measured=f"{src_w:.0f}x{src_h:.0f}", limit=f"{width}x{height}",
                         fix="make the rig for this image: " + HOW_TO_RIG)
    sx, sy = width / src_w, height / src_h
    joints = np.full((33, 2), np.nan, np.float64)
    vis = np.zeros(33, np.float64)
    unknown = [k for k in doc["joints"] if k not in J]
    if unknown:
        raise InputError(f"names unknown joint(s): {', '.join(unknown)}.", file=path, code="rig",
                         fix="use MediaPipe joint names such as " + ", ".join(REQUIRED[:5]) + ".")
    for name, val in doc["joints"].items():
        if val is None:
            continue
        if not (isinstance(val, (list, tuple)) and len(val) == 2 and all(isinstance(v, (int, float)) for v in val)):
            raise InputError(f"joint {name!r} must be [x, y] in pixels or null, not {val!r}.", file=path,
                             code="rig", fix="write it as [x, y].")
        joints[J[name]] = (val[0] * sx, val[1] * sy)
        vis[J[name]] = 1.0
    # the torso must be there; limbs may be null (not shown): they are then guessed and marked unseen
    needed = ("nose", "left_shoulder", "right_shoulder", "left_hip", "right_hip")
    missing = [n for n in needed if vis[J[n]] == 0]
    if missing:
        raise InputError(f"lacks the joint(s) {', '.join(missing)}: head, shoulders and hips are required.",
                         file=path, code="rig", fix="add them as [x, y] pixel positions.")
    joints, vis = complete_joints(joints, vis)
    return joints, vis


def write_rig_template(image: np.ndarray | str | Path, path: str | Path | None = None, *,
                       image_name: str = "", source: str | Path | None = None) -> dict | Path:
    """The rig.json for an image: the detected skeleton, else one fitted to the silhouette, else a standing
    template in the middle of the image, for the user to correct.

    ``image``: a file, or an HxWx3 RGB / HxWx4 RGBA array (``source``/``image_name``: its file name for the
    document). With ``path`` the document is written there (atomically) and the path is returned; without, the
    document (a dict) is returned.
    """
    from ...media.frames import read_image
    from .character import detect_joints

    if source is not None and not image_name:
        image_name = Path(str(source)).name
    if not isinstance(image, np.ndarray):
        image_name = image_name or Path(image).name
        image = read_image(image, with_alpha=True)
    alpha = None
    if image.ndim == 3 and image.shape[2] == 4:
        alpha = image[:, :, 3]
        a = alpha.astype(np.float32)[:, :, None] / 255.0
        image = (image[:, :, :3] * a + 255.0 * (1 - a) + 0.5).astype(np.uint8)
    h, w = image.shape[:2]
    found = detect_joints(image)
    if found is not None:
        joints, vis, how = found["joints"], found["visibility"], found["source"]
    else:
        fitted = None
        rough = alpha.astype(np.float32) / 255.0 if alpha is not None and (alpha < 128).mean() > 0.02 else None
        if rough is None:
            from .character import _border_model

            rough = _border_model(image)
        if rough is not None:
            fitted = fit_template(rough)
        if fitted is not None:
            (joints, vis), how = fitted, "template"
        else:
            (joints, vis), how = default_template(w, h), "template"
    doc = rig_document(joints, np.where(vis > 0.3, 1.0, 0.0), w, h, source=how, image_name=image_name)
    if path is not None:
        return save_rig_json(doc, path)
    return doc


# ------------------------------------------------------------------------------------------- joint completion


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


# ------------------------------------------------------------------------------------ template fit (silhouette)


def fit_template(matte: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Fit a humanoid skeleton to a silhouette (for characters the pose model cannot read: mascots, robots).

    The silhouette's medial skeleton is searched for five extremities: the head (top), two hands (left- and
    rightmost of the upper ones) and two feet (the lowest). Shoulders and hips sit where the paths from the head
    to the hands and to the feet part; elbows and knees halfway along. Returns None when the silhouette does
    not have that shape (then the user must supply a rig.json).
    """
    import cv2
    from scipy import ndimage
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    h0, w0 = matte.shape
    s = 256.0 / max(h0, w0)
    small = cv2.resize((matte > 0.5).astype(np.uint8), (max(8, round(w0 * s)), max(8, round(h0 * s))),
                       interpolation=cv2.INTER_NEAREST).astype(bool)
    lab, n = ndimage.label(small)
    if n == 0:
        return None
    sizes = ndimage.sum(small, lab, range(1, n + 1))
    small = lab == (1 + int(np.argmax(sizes)))
    small = ndimage.binary_fill_holes(ndimage.binary_closing(small, iterations=2))
    if small.sum() < 200:
        return None
    opened = ndimage.binary_opening(small, iterations=1).astype(np.uint8) * 255
    sk = cv2.ximgproc.thinning(opened, thinningType=cv2.ximgproc.THINNING_ZHANGSUEN) > 0
    ys, xs = np.nonzero(sk)
    if len(ys) < 20:
        return None
    index = -np.ones(sk.shape, np.int64)
    index[ys, xs] = np.arange(len(ys))
    rows, cols, wts = [], [], []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy == 0 and dx == 0:
                continue
            yy, xx = ys + dy, xs + dx
            ok = (yy >= 0) & (yy < sk.shape[0]) & (xx >= 0) & (xx < sk.shape[1])
            nb = np.full(len(ys), -1)
            nb[ok] = index[yy[ok], xx[ok]]
            m = nb >= 0
            rows.append(np.flatnonzero(m))
            cols.append(nb[m])
            wts.append(np.full(m.sum(), np.hypot(dy, dx)))
    graph = csr_matrix((np.concatenate(wts), (np.concatenate(rows), np.concatenate(cols))),
                       shape=(len(ys), len(ys)))
    degree = np.diff(graph.indptr)
    ends = np.flatnonzero(degree == 1)
    if len(ends) < 5:
        return None
    # keep the largest connected skeleton piece
    dist_all, pred_all = dijkstra(graph, indices=ends, return_predecessors=True)
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    height = small.shape[0]
    head_i = ends[np.argmin(pts[ends, 1])]
    others = [e for e in ends if e != head_i and np.isfinite(dist_all[list(ends).index(head_i), e])]
    if len(others) < 4:
        return None
    others.sort(key=lambda e: -pts[e, 1])
    feet = others[:2]
    rest = [e for e in others[2:] if pts[e, 1] < max(pts[feet, 1]) - 0.15 * height]
    if len(rest) < 2:
        return None
    rest.sort(key=lambda e: pts[e, 0])
    hands = [rest[0], rest[-1]]
    if pts[hands[1], 0] - pts[hands[0], 0] < 0.15 * small.shape[1]:
        return None  # the two "hands" are not on either side of the body
    hi = list(ends).index(head_i)
    pred = pred_all[hi]

    def path_to(e: int) -> list[int]:
        out = [e]
        while out[-1] != head_i and pred[out[-1]] >= 0:
            out.append(pred[out[-1]])
        return out[::-1]

    paths = {k: path_to(e) for k, e in (("hand_r_img", hands[0]), ("hand_l_img", hands[1]),
                                        ("foot_a", feet[0]), ("foot_b", feet[1]))}

    def split(a: list[int], b: list[int]) -> int:
        n_common = 0
        for x, y in zip(a, b):
            if x != y:
                break
            n_common += 1
        return max(n_common - 1, 0)

    feet_sorted = sorted(("foot_a", "foot_b"), key=lambda k: pts[paths[k][-1], 0])
    f_r, f_l = paths[feet_sorted[0]], paths[feet_sorted[1]]  # image-left foot is the character's right
    h_r, h_l = paths["hand_r_img"], paths["hand_l_img"]
    hip_i = split(f_r, f_l)
    sh_i = min(split(h_r, f_r), split(h_l, f_l))
    trunk = f_r
    if hip_i <= sh_i + 2:
        return None

    def along(path: list[int], a: int, frac: float) -> np.ndarray:
        seg = pts[path[a:]]
        d = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(seg, axis=0), axis=1))])
        if d[-1] <= 0:
            return seg[0]
        t = frac * d[-1]
        k = int(np.searchsorted(d, t))
        return seg[min(k, len(seg) - 1)]

    neck = pts[trunk[sh_i]]
    pelvis = pts[trunk[hip_i]]
    head_top = pts[head_i]
    dt = ndimage.distance_transform_edt(small)
    half_w = float(dt[int(neck[1]), int(neck[0])])
    hip_w = max(float(dt[int(pelvis[1]), int(pelvis[0])]) * 0.6, 2.0)
    joints = np.full((33, 2), np.nan)
    vis = np.zeros(33)

    def setj(name: str, p: np.ndarray) -> None:
        joints[J[name]] = p / s
        vis[J[name]] = 1.0

    setj("nose", head_top + 0.6 * (neck - head_top))
    sh_w = max(half_w * 1.2, 3.0)
    setj("left_shoulder", neck + np.array([sh_w, 0.15 * sh_w]))
    setj("right_shoulder", neck + np.array([-sh_w, 0.15 * sh_w]))
    for side, hp in (("left", h_l), ("right", h_r)):
        setj(f"{side}_elbow", along(hp, sh_i, 0.5))
        setj(f"{side}_wrist", along(hp, sh_i, 0.92))
    setj("left_hip", pelvis + np.array([hip_w, 0]))
    setj("right_hip", pelvis + np.array([-hip_w, 0]))
    for side, fp in (("left", f_l), ("right", f_r)):
        setj(f"{side}_knee", along(fp, hip_i, 0.5))
        setj(f"{side}_ankle", along(fp, hip_i, 0.93))
    if not np.isfinite(joints[[J[n] for n in REQUIRED]]).all():
        return None
    return complete_joints(joints, vis)


def require_rig(found: bool, image_name: str) -> None:
    if not found:
        raise RigError(f"{image_name}: no character skeleton could be found in this image (the pose model did "
                       "not see a body, also on padded, rescaled and contrast-boosted copies, and the silhouette "
                       "does not have a head, two arms and two legs to fit a template to). Fix: " + HOW_TO_RIG)

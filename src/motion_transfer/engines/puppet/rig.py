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
from pathlib import Path

import numpy as np

from ...atomic import replace_into_place
from ...errors import InputError
from ...media.frames import read_image, split_alpha
from ...pose.completion import complete_joints, default_template
from ...pose.figure import find_figure
from ...pose.skeleton import BODY_JOINTS, REQUIRED_JOINTS as REQUIRED, J

RIG_FORMAT = "motion-transfer.rig"
RIG_VERSION = 1
HOW_TO_RIG = ("run `motion-transfer rig IMAGE -o rig.json`, open rig.json next to the image and correct the joint "
              "positions (pixels; the character's own left/right), then pass it with `--rig rig.json`.")


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
    if source is not None and not image_name:
        image_name = Path(str(source)).name
    if not isinstance(image, np.ndarray):
        image_name = image_name or Path(image).name
        image = read_image(image, with_alpha=True)
    image, alpha = split_alpha(image)
    h, w = image.shape[:2]
    found = find_figure(image, alpha)
    if found is not None:
        joints, vis, how = found.joints, found.visibility, found.method
    else:
        (joints, vis), how = default_template(w, h), "template"
    doc = rig_document(joints, np.where(vis > 0.3, 1.0, 0.0), w, h, source=how, image_name=image_name)
    if path is not None:
        return save_rig_json(doc, path)
    return doc

"""Limbs the image does not show, drawn from their visible twin.

An arm outside the image's frame (or hidden behind the body) that the motion swings into view has no pixels
of its own. Rather than let it enter as nothing, or as ragged pieces of whatever lies there, the other arm's
layer is mirrored across the spine and hung from this arm's shoulder: its mesh, weights and texture, with the
bones renamed to this side; the rig's rest joints for the arm become the mirrored twin's, so the bones and
the drawing agree.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ...finding import Finding
from ...pose.retarget import MH, MS, extend
from ...pose.skeleton import J, shoulder_span
from .model import ARM_PARTS, DEFAULT_ORDER, FACING, Layer, Rig
from .morphology import disc

TWINS = {"arm_l": ("arm_r", "left", "right"), "arm_r": ("arm_l", "right", "left")}
ARM_JOINTS = ("elbow", "wrist", "pinky", "index", "thumb")
SHOULDER_SEEN = 0.5
# a hidden arm's mirrored layer is tucked in behind the body until at most this share of its pixels about the
# shoulder (within this share of the upper arm's length of it) lies outside the character's outline at rest
TUCK_LEFT = 0.02
TUCK_REACH = 0.5
EDGE = 2  # (pixels) a mirrored layer's colours this near its outline are taken from inside it


def _mirror(rig: Rig, side: str, twin_side: str) -> np.ndarray:
    """2x3 affine map: reflection across the spine, then shifted so the twin's shoulder lands on this one's."""
    ext = extend(rig.joints.astype(np.float64))
    a, b = ext[MH], ext[MS]
    u = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    R = 2 * np.outer(u, u) - np.eye(2)  # reflection across the line's direction
    t = a - R @ a
    mirrored_shoulder = R @ ext[J[f"{twin_side}_shoulder"]] + t
    t = t + (ext[J[f"{side}_shoulder"]] - mirrored_shoulder)
    return np.concatenate([R, t[:, None]], axis=1)


def _mirrored_layer(layer: Layer, name: str, M: np.ndarray, rename: dict[str, str]) -> Layer:
    v = layer.vertices.astype(np.float64) @ M[:, :2].T + M[:, 2]
    A = M[:, :2]
    ox, oy = layer.origin
    # texture pixel x of the twin is rig point x + origin; its image under M, less the new origin
    reach = v
    if layer.uv is not None:  # the texture's pieces that lie away from their rest places (tubes) come along
        reach = np.concatenate([v, (layer.uv.astype(np.float64) + [ox, oy]) @ A.T + M[:, 2]])
    pad = 2
    x0, y0 = np.floor(reach.min(axis=0)).astype(int) - pad
    x1, y1 = np.ceil(reach.max(axis=0)).astype(int) + pad
    shift = A @ np.array([ox, oy], np.float64) + M[:, 2] - np.array([x0, y0], np.float64)
    texture = cv2.warpAffine(layer.texture, np.concatenate([A, shift[:, None]], axis=1).astype(np.float64),
                             (int(x1 - x0), int(y1 - y0)), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                             borderValue=(0, 0, 0, 0))
    uv = None if layer.uv is None else (layer.uv.astype(np.float64) @ A.T + shift).astype(np.float32)
    return Layer(name=name, bones=[rename.get(b, b) for b in layer.bones], vertices=v.astype(np.float32),
                 triangles=layer.triangles[:, ::-1].copy(), weights=layer.weights.copy(),
                 texture=_clean_edge(texture), origin=(int(x0), int(y0)), uv=uv, over=layer.over, round=layer.round)


def _clean_edge(texture: np.ndarray) -> np.ndarray:
    """The RGBA ``texture`` with the colours of its pixels within EDGE of its outline taken from the nearest
    pixel inside: the twin's outline holds what lay beside it in the image (the wall behind, blurred in), which
    beside the twin passed unseen against that wall, but on the other side of the body showed as a pale ragged
    fringe along the mirrored arm (TikTok clip 1's far arm against her black shirt). The alpha is kept."""
    solid = cv2.erode((texture[..., 3] >= 250).astype(np.uint8), disc(EDGE)).astype(bool)
    if not solid.any():
        return np.ascontiguousarray(texture)
    _, (iy, ix) = ndimage.distance_transform_edt(~solid, return_indices=True)
    out = texture.copy()
    out[..., :3] = texture[iy, ix, :3]
    return out


def _tucked(rig: Rig, layer: Layer, side: str, elbow: np.ndarray) -> np.ndarray:
    """[2] how far to move the mirrored layer of an arm the body hides (its elbow inside the image) of a body
    seen from the side (shoulders narrower than FACING) towards the top of the spine, so that at rest its sleeve
    about the shoulder lies inside the character's outline, behind the body, as the image shows it (none of it
    there): the far shoulder of a body in profile lies behind the chest. The twin seen from the side is as wide
    as its sleeve's opening: hung centred on the hidden shoulder, on the chest's outline, half of it stood out
    in front of the chest as a hump (TikTok clip 1). ``elbow``: the mirrored layer's rest elbow. Zero for an arm
    outside the image, a body facing the camera, or when no move of at most TUCK_REACH tucks it in."""
    ext = extend(rig.joints.astype(np.float64))
    elbow_seen = ext[J[f"{side}_elbow"]]
    shoulders = shoulder_span(ext)
    if (not (0 <= elbow_seen[0] < rig.width and 0 <= elbow_seen[1] < rig.height)
            or shoulders >= FACING * float(np.linalg.norm(ext[MS] - ext[MH]))):
        return np.zeros(2)
    shoulder = ext[J[f"{side}_shoulder"]]
    towards = ext[MS] - shoulder
    reach = TUCK_REACH * float(np.linalg.norm(elbow - shoulder))
    if np.linalg.norm(towards) < 1.0 or reach < 1.0:
        return np.zeros(2)
    u = towards / np.linalg.norm(towards)
    ys, xs = np.nonzero(layer.texture[..., 3] >= 128)
    pts = np.stack([xs + layer.origin[0], ys + layer.origin[1]], axis=1).astype(np.float64)
    pts = pts[np.linalg.norm(pts - shoulder, axis=1) <= reach]
    if len(pts) == 0:
        return np.zeros(2)
    steps = np.arange(0.0, reach + 1.0)
    moved = np.round(pts[None] + steps[:, None, None] * u).astype(int)  # [S, P, 2]
    x, y = moved[..., 0], moved[..., 1]
    inside = (x >= 0) & (x < rig.width) & (y >= 0) & (y < rig.height)
    inside[inside] = rig.matte[y[inside], x[inside]] >= 0.5
    tucked = np.flatnonzero((~inside).mean(axis=1) <= TUCK_LEFT)
    return steps[tucked[0]] * u if len(tucked) else np.zeros(2)


def shown(rig: Rig, side: str) -> bool:
    """The image shows this arm whole, down to the hand (its mirror image can stand in for the other arm): its
    wrist inside the image, and elbow or wrist clearly seen."""
    x, y = rig.joints[J[f"{side}_wrist"]]
    inside = 0 <= x < rig.width and 0 <= y < rig.height
    return bool(inside and _seen(rig, side))


def present(rig: Rig, side: str) -> bool:
    """The image has this arm's own pixels: its elbow inside the image, a third of its forearm too (a forearm cut
    by the image's bottom edge is still this arm's own, and better than a mirrored stand-in hung over it), and
    elbow or wrist clearly seen."""
    elbow, wrist = rig.joints[J[f"{side}_elbow"]], rig.joints[J[f"{side}_wrist"]]
    forearm = elbow + np.linspace(0.0, 1.0, 11)[:, None] * (wrist - elbow)
    inside = (forearm[:, 0] >= 0) & (forearm[:, 0] < rig.width) & (forearm[:, 1] >= 0) & (forearm[:, 1] < rig.height)
    return bool(inside[0] and inside.mean() >= 0.3 and _seen(rig, side))


def _seen(rig: Rig, side: str) -> bool:
    return max(rig.visibility[J[f"{side}_elbow"]], rig.visibility[J[f"{side}_wrist"]]) >= 0.5


def twin_joints(drawn: list[str]) -> list[int]:
    """The joints whose rest positions belong to the mirrored twins of the arms ``drawn`` (layer names): the
    layers hang from them, so nothing may move them afterwards."""
    return [J[f"{TWINS[name][1]}_{j}"] for name in drawn for j in ARM_JOINTS]


def add_twin_limbs(rig: Rig) -> list[str]:
    """Give every arm the image does not show (outside the frame or hidden, its shoulder in view) its twin's
    mirror image, when the twin is shown whole. Changes ``rig`` in place (layers, rest joints of that arm);
    returns the layers drawn this way."""
    have = {layer.name: layer for layer in rig.layers}
    continued = rig.meta.get("continued", [])
    drawn = []
    for name, (twin, side, twin_side) in TWINS.items():
        # a twin the image's border cuts, its forearm and hand drawn on past the border (``continued``), is whole
        # too, and stands in for an arm the body hides (TikTok clip 1's far arm), not for one the border cuts as
        # well (that one is drawn on past the border from its own pixels)
        # (a continued twin's elbow may lie past the border, unseen: its shoulder seen is enough, its forearm and
        # hand being drawn; a selfie's arm under long hair, given to the body, is drawn from such a twin)
        whole = shown(rig, twin_side) or (twin in continued and name not in continued and (
            _seen(rig, twin_side) or rig.visibility[J[f"{twin_side}_shoulder"]] >= SHOULDER_SEEN))
        if (present(rig, side) or twin not in have or not whole
                or rig.visibility[J[f"{side}_shoulder"]] < SHOULDER_SEEN):
            continue
        M = _mirror(rig, side, twin_side)
        rename = dict(zip(ARM_PARTS[twin_side], ARM_PARTS[side]))
        layer = _mirrored_layer(have[twin], name, M, rename)
        shift = _tucked(rig, layer, side, M @ np.append(rig.joints[J[f"{twin_side}_elbow"]], 1.0))
        if shift.any():
            M[:, 2] += shift
            layer = _mirrored_layer(have[twin], name, M, rename)
        for j in ARM_JOINTS:
            src = rig.joints[J[f"{twin_side}_{j}"]].astype(np.float64)
            rig.joints[J[f"{side}_{j}"]] = M[:, :2] @ src + M[:, 2]
            rig.visibility[J[f"{side}_{j}"]] = max(float(rig.visibility[J[f"{side}_{j}"]]), 0.6)
        rig.layers = [other for other in rig.layers if other.name != name] + [layer]
        drawn.append(name)
    rig.layers.sort(key=lambda layer: DEFAULT_ORDER.index(layer.name))
    return drawn


ARM_NAMES = {"arm_l": "left arm", "arm_r": "right arm"}


def limb_findings(rig: Rig, image_name: str = "") -> list[Finding]:
    """What the puppet drew of the arms that the image does not show, said to the user (info): an arm mirrored
    from its twin (``drawn_from_twin``), a forearm and hand continued past the image's border (``continued``,
    ``mesh.build_layers``), an arm joined again where the other arm crossing it hid it (``joined``)."""
    def names(key: str) -> str:
        return " and ".join(ARM_NAMES[n] for n in rig.meta.get(key, []))

    out = []
    if rig.meta.get("drawn_from_twin"):
        out.append(Finding("arm_from_twin", "info", "the image does not show the character's "
                           f"{names('drawn_from_twin')}: it is drawn as the mirror image of the other arm.",
                           file=image_name or None,
                           fix="use an image that shows both arms for the character's own."))
    if rig.meta.get("continued"):
        out.append(Finding("arm_continued", "info", f"the image's border cuts off the character's "
                           f"{names('continued')}: the sleeve is carried on past it and the forearm and hand are "
                           "drawn plainly, in the colour of the skin the image shows.", file=image_name or None,
                           fix="use an image that shows the hands for their own look."))
    if rig.meta.get("joined"):
        out.append(Finding("arm_joined", "info", f"the other arm crosses the character's {names('joined')} in the "
                           "image: the hidden stretch is painted from its sleeve.", file=image_name or None))
    return out

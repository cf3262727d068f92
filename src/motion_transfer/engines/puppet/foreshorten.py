"""An upper arm the motion foreshortens far is drawn as an arm pointing at the camera, not squashed.

A limb's bone map keeps its width and scales its texture along the bone by how much shorter the motion draws it
(:func:`.render._limb`). Pointing at the camera, an upper arm drawn at half its length squashed its sleeve's folds and
shading into half the length: TikTok character 5's puff sleeve, at the picture's right edge while her arm pointed at
the camera (clip 5, frames 142-152), was drawn as crumpled white shreds. An arm seen end on shows its near part at its
own scale and hides the rest behind it; so, past a foreshortening of KEEP[1], the top of the upper arm (the shoulder's
end, the sleeve's cap) keeps more of its own length, all of it below KEEP[0], and the rest of the bone's texture slides
out of sight: squeezed to SQUEEZE of the squashed scale at the elbow's end of the bone. The shoulder and the elbow stay
where the bone map puts them (the vertices move along the posed bone, by a shift that is nothing at either joint and
changes smoothly along the bone: the mesh tears nowhere). What the trunk holds does not slide: a vertex moves by
the share of it the arm carries (:func:`.bend.carried`). The armpit's cloth, held by the trunk as the arm swings out
(:func:`.armpit.held_by_trunk`) so that it stretches from the body's side to the sleeve, slid along the raised arm
with the sleeve (up to 75 pixels), and a wedge of the backdrop opened between the body's side and the cloth (TikTok
character 4 moved by clip 5, frames 141-151, the arm raised past the shoulder and pointing at the camera); turned
with the arm as it closes on the body, the cloth slides with it, under the sleeve.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .model import Layer, part_segment, smoothstep

# (drawn length / rest length, over the width scale) an upper arm drawn shorter than the second has the top of its
# texture drawn longer than the bone's scale, at its own length by the first
KEEP = (0.6, 0.9)
# the part of the texture slid out of sight is drawn at this share of the squashed scale (a thin band at the elbow)
SQUEEZE = 0.1


class Slide(NamedTuple):
    """An arm layer's upper arm: its index in the layer's bones (``bone``), its rest bone (``start`` [2], unit
    ``axis`` [2], ``length``) and each vertex's rest distance along it from the shoulder (``along`` [N])."""

    bone: int
    start: np.ndarray
    axis: np.ndarray
    length: float
    along: np.ndarray


def slide_setup(layer: Layer, rest: np.ndarray) -> Slide | None:
    """The :class:`Slide` of an arm layer (its second bone the upper arm) at the ``rest`` joints [36, 2]; None for
    any other layer or a bone too short to measure."""
    if not layer.name.startswith("arm") or len(layer.bones) < 2 or "upper_arm" not in layer.bones[1]:
        return None
    a, b = part_segment(layer.bones[1], rest)
    length = float(np.linalg.norm(b - a))
    if length < 1e-6:
        return None
    axis = (b - a) / length
    return Slide(1, a, axis, length, (layer.vertices.astype(np.float64) - a) @ axis)


def slid(slide: Slide, A: np.ndarray, out: np.ndarray, carried: np.ndarray) -> None:
    """Move the posed vertices ``out`` [T, N, 2] along their posed upper arm where its bone map ``A`` [T, B, 2, 3]
    foreshortens it past KEEP[1] (in place), each by the share ``carried`` [T, N] of it the arm carries."""
    M = A[:, slide.bone, :, :2]  # [T, 2, 2]
    along = M @ slide.axis  # [T, 2]: the posed bone per rest pixel along it
    scale = np.linalg.norm(along, axis=1)
    width = np.linalg.norm(M @ np.array([-slide.axis[1], slide.axis[0]]), axis=1)
    s = scale / np.maximum(width, 1e-9)  # how much shorter than at rest (the width scale taken out)
    top = s + (1.0 - s) * (1.0 - smoothstep(KEEP[0], KEEP[1], s))  # the top's scale, at least the bone's
    moved = (top > s + 1e-6) & (scale > 1e-9)
    if not moved.any():
        return
    s, top, w, u1 = s[moved], top[moved], width[moved], along[moved] / scale[moved, None]
    squeeze = SQUEEZE * s
    L = slide.length
    # the top, [0, cut] of the bone, at ``top``; the rest, [cut, L], at ``squeeze``: together the bone's length
    cut = (s - squeeze) * L / (top - squeeze)  # [T']
    d = np.clip(slide.along, 0.0, L)[None]  # [1, N]
    g = np.where(d <= cut[:, None], top[:, None] * d, (top * cut)[:, None] + squeeze[:, None] * (d - cut[:, None]))
    shift = (g - s[:, None] * d) * w[:, None] * carried[moved]  # [T', N] output pixels along the posed bone
    out[moved] += shift[..., None] * u1[:, None, :]

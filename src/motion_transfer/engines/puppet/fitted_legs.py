"""The legs of a figure rigged by a silhouette fit: knees on straight legs, cut at the knees, carrying the crotch.

A fitted figure (a teddy bear, a mascot, a toy: :func:`...pose.figure.find_figure`'s ``"template"``) has guessed
joints and thick, short legs: its knee sits off the leg's middle (the fit's proportion prior bends a leg shorter
than usual), and its foot is a pad at the leg's end, not a foot the pose model saw. Labelled by the distance to
each bone's surface (:func:`.parts.label_parts`), the thigh's larger usual radius took the leg down to its pad and
the shin kept a wedge of the pad's top, the foot the rest of the pad: the parts met along lines far from their
joints, where the mesh is cut apart as a limb folded against itself (:func:`.mesh._split_folds`), and the knee's
blend turned a patch of the thigh's label. Posed, the bear's knees tore into jagged notches and each pad split
along a diagonal with a pale fringe.

And a straight leg was bent at rest (the bear's knees by 58 degrees): the dancer's straight leg straightened it,
stretching it by the bend's share (the bear's legs a seventh longer) and shearing the knee's outline into a notch.
So a fitted leg whose line from hip to ankle runs inside the silhouette (it shows no bend) has its knee put on
that line, and each leg's pixels go to the thigh or the shin by the side of the line through the knee that
halves the angle between the two bones (the cut a drawn leg's joint has), and the pad goes whole with the shin:
the leg bends at its knee as a tube, and the pad swings with the shin without tearing. The torso's pixels below
the line through the hips (the crotch, between and over the thighs) go to the nearer leg: left to the torso, its
ragged lower edge stayed between the thighs as they swung, and the backdrop showed in spikes up to the belly.

The crotch a leg carries stays with the pelvis, though, where it lies between the thighs: cut at the line between
the hips' middle and the crotch, each half swung down with its thigh, and the gap between legs spread apart opened
as a slit up the cut to the body, with a ledge either side where the drawn crotch's top had been (the teddy bear's
legs spread in a dance). Held by the pelvis towards that line, falling to the thigh's own turn across the crotch's
depth either side of it and below it, the crotch stays under the body and the thighs' inner tops fan out from it.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from ...pose.skeleton import J
from .model import LEG_PARTS, PARTS, segment_distance, smoothstep

# (of the hip-to-ankle distance) how far inside the silhouette that line must run, all along, for the leg to show no
# bend (a bent leg's line leaves it at the inside of the bend)
STRAIGHT_INSIDE = 0.05


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


def legs_cut_at_knees(labels: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """``labels`` (HxW part indices, -1 background) with each leg's pixels (any of its three parts, and the torso's
    below the line through the hips, nearer its thigh than the other's) split between its thigh and its shin at the
    knee's bisector, the foot's given to the shin. ``joints`` [33+, 2] image pixels."""
    out = labels.copy()
    hips = [joints[J[f"{side}_hip"]].astype(np.float64) for side in ("left", "right")]
    shoulders = [joints[J[f"{side}_shoulder"]].astype(np.float64) for side in ("left", "right")]
    down = _unit((hips[0] + hips[1]) / 2 - (shoulders[0] + shoulders[1]) / 2)
    ty, tx = np.nonzero(labels == PARTS.index("torso"))
    below = (tx - (hips[0][0] + hips[1][0]) / 2) * down[0] + (ty - (hips[0][1] + hips[1][1]) / 2) * down[1] > 0
    ty, tx = ty[below], tx[below]
    knees = [joints[J[f"{side}_knee"]].astype(np.float64) for side in ("left", "right")]
    thighs = [segment_distance(tx.astype(np.float64), ty.astype(np.float64), hips[k], knees[k]) for k in (0, 1)]
    for k, side in enumerate(("left", "right")):
        thigh, shin, foot = (PARTS.index(p) for p in LEG_PARTS[side])
        leg = np.isin(labels, (thigh, shin, foot))
        if not leg.any():
            continue
        # the torso's pixels below the hips, between and over the legs: the crotch, which a leg carries as it swings
        # (left to the torso, its ragged lower edge showed the backdrop in spikes as the legs spread)
        mine = thighs[k] <= thighs[1 - k]
        leg[ty[mine], tx[mine]] = True
        hip, knee, ankle = (joints[J[f"{side}_{j}"]].astype(np.float64) for j in ("hip", "knee", "ankle"))
        # the normal of the bisector at the knee, pointing to the shin's side
        n = _unit(_unit(ankle - knee) - _unit(hip - knee))
        ys, xs = np.nonzero(leg)
        lower = (xs - knee[0]) * n[0] + (ys - knee[1]) * n[1] > 0
        out[ys, xs] = np.where(lower, shin, thigh)
    return out


def crotch_held(weights: np.ndarray, verts: np.ndarray, joints: np.ndarray,
                pelvis: dict[str, np.ndarray] | None) -> np.ndarray:
    """A fitted leg layer's ``weights`` [N, B] (its bones' first the pelvis) with its vertices (``verts`` [N, 2]
    image pixels) in the crotch held by the pelvis: a share 1 on the line down from the hips' middle, falling to
    none at the hips across it and from the crotch's depth (the deepest of the pelvis's triangle, ``pelvis``:
    :func:`.pelvis.pelvis_region`; None: no crotch, the weights as they were) to twice that depth down it.
    ``joints`` [33+, 2]."""
    if pelvis is None:
        return weights
    hips = [joints[J[f"{side}_hip"]].astype(np.float64) for side in ("left", "right")]
    knees = [joints[J[f"{side}_knee"]].astype(np.float64) for side in ("left", "right")]
    mid = (hips[0] + hips[1]) / 2
    down = _unit((knees[0] + knees[1]) / 2 - mid)
    ys, xs = np.nonzero(pelvis["left"] | pelvis["right"])
    half = float(np.linalg.norm(hips[0] - hips[1])) / 2
    if len(ys) == 0 or half < 1.0:
        return weights
    depth = float(((np.stack([xs, ys], axis=1) - mid) @ down).max())
    if depth < 1.0:
        return weights
    rel = verts - mid
    across = np.abs(rel @ np.array([-down[1], down[0]]))
    share = (1 - smoothstep(0.0, half, across)) * (1 - smoothstep(depth, 2 * depth, rel @ down))
    out = weights * (1 - share[:, None])
    out[:, 0] += share
    return out.astype(weights.dtype)


def one_joint_each(weights: np.ndarray) -> np.ndarray:
    """A fitted leg layer's ``weights`` [N, B] (its bones the pelvis, the thigh, the shin, the foot) with each vertex
    blended across one joint only: the smaller of its pelvis's and its shin's shares taken off both and given to the
    thigh (continuous, where the two are equal both go). A limb's vertex turns about the joint its two strongest
    bones share (:mod:`.bend`), so where a short thigh's vertex carried both (the hip's blend and the knee's reaching
    over it), it dropped its pelvis's share where the shin's passed it: halfway down the thigh's outer side the
    outline turned back on itself, a rectangular notch of backdrop as the legs spread (the teddy bear's outer hips)."""
    out = weights.copy()
    both = np.minimum(out[:, 0], out[:, 2])
    out[:, 0] -= both
    out[:, 2] -= both
    out[:, 1] += 2 * both
    return out


def knees_on_legs(joints: np.ndarray, matte: np.ndarray) -> np.ndarray:
    """``joints`` [33+, 2] (image pixels) with the knee of each leg that the silhouette (``matte`` HxW, 0..1) shows
    straight moved onto the line from its hip to its ankle, as far along it as the fitted thigh's share of the
    leg; the other joints as they were."""
    out = joints.copy()
    inside = ndimage.distance_transform_edt(matte > 0.5)
    h, w = inside.shape
    for side in ("left", "right"):
        hip, knee, ankle = (joints[J[f"{side}_{k}"]].astype(np.float64) for k in ("hip", "knee", "ankle"))
        span = float(np.linalg.norm(ankle - hip))
        thigh, shin = float(np.linalg.norm(knee - hip)), float(np.linalg.norm(ankle - knee))
        if span < 1.0 or thigh + shin < 1e-6:
            continue
        line = hip + np.linspace(0.0, 1.0, 33)[:, None] * (ankle - hip)
        x = np.clip(np.round(line[:, 0]).astype(int), 0, w - 1)
        y = np.clip(np.round(line[:, 1]).astype(int), 0, h - 1)
        if inside[y, x].min() >= STRAIGHT_INSIDE * span:
            out[J[f"{side}_knee"]] = hip + thigh / (thigh + shin) * (ankle - hip)
    return out

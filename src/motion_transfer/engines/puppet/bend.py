"""How a limb layer bends at its joints.

A vertex near a joint turns about the posed joint by a blend of its two bones' rotations (skinning by angle: no
collapse or flipping of the mesh when a joint turns far, as linear blending of matrices does). Where it turns is
set by its weights. The rig's weights change from one bone to the next across a band around the joint; a vertex at
polar angle ``psi`` about the joint then turns by ``d * w(psi)`` (``d`` the bend), and the mesh turns over where
``d * dw/dpsi < -1``. Across a limb wide for its blend (a puffy sleeve with the elbow inside it, a cartoon's thick
arm) that happens on the inside of a sharp bend: its triangles turned over and were dropped, and the sleeve was
drawn as a spiral of fragments (TikTok clip 5, a forearm folded 150 degrees), a drawn outline got notches.

So near a limb's middle joint (the elbow, the knee: the one that folds far), once it bends far enough for the rig's
weights to come close to turning over, the weights pass to ones set by the direction from the joint alone: a
vertex's weight falls with its polar angle from the child bone's direction to the parent's, on either side. The bend
then spreads over the whole turn about the joint: the outside of the bend fans round (falling linearly: a rounded
elbow, the outline unbroken), the inside closes like a hinge (once it bends far, falling across a band in its
middle that the bend closes, so the two ends of the inside meet along a crease as the limb's straight ends do
further out; falling linearly, the inside's outline was squeezed into a notch towards the joint, and a folded elbow
showed a hole of background inside its crease), and nothing turns over until the inside has closed (the bend is
taken the way round that never turns the child bone through the parent).

At the joint to the trunk (the shoulder, the hip) the parent is the trunk, drawn by another layer, and the limb
turns any way (an arm swung over the head, across the chest): there, under the same condition, the limb's end
turns whole with its bone, so its rounded end swings round with it, nothing on it turns over and its outline stays
unbroken. (The rig's weights, half the turn at the joint, turned the armpit's side over when a thick, outlined arm
swung far up, and squeezed the shoulder's end into a bulge: the fox's outline got notches at its shoulders.)

Away from the joint (past the limb's width there) the rig's weights take over again; mild bends keep the rig's
weights untouched.

A figure drawn in flat colours and fitted to its silhouette (a teddy bear's stubby arms) folds its middle joint as
a round joint instead, at mild bends too, where its lower part reaches past the joint: the inside a crease, the
outside a round cap of the limb's width (the band across its middle fans round, the straight outline either side
turns whole with its bone). Its knee's inside closes along a crease even where the lower leg is too short for that
(a stubby leg's foot pad): falling linearly round the whole inside squeezed the inside's outline into a notch of
backdrop, which the mesh's chords across it cut deeper or shallower as the grid's points fell (the teddy bear's knee
folded 60 to 90 degrees: 2 to 4 % of the knee on average, up to 13 %, by the grid's spacing; with the crease under
1 % on average, at most 2.6 %).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...pose.skeleton import J
from .model import CHAIN_JOINT, LEG_PARTS, Layer, part_segment, smoothstep

# the share of the way to turning over (the largest ``-d * dw/dpsi`` of the rig's weights) where the weights by angle
# start to take over, and where they have taken over wholly
FOLD_START, FOLD_FULL = 0.4, 0.8
# (radians) bends up to the first keep the rig's weights whatever they risk (a sliver of a triangle may turn over, a
# mild bend looks as it always did); by the second the weights by angle may have taken over
MILD, MILD_FULL = np.radians(40.0), np.radians(70.0)
# the weights by angle reach this many times the limb's half-width at its joint, fading out over the outer part
REACH = 1.6
# the band across the inside of a fold where the weights by angle fall: the whole side while the bend closes up to
# the first share of it (a linear fall: a bent elbow's inside stays rounded), narrowing to the share it closes by the
# second (the band closes wholly: a crease)
HINGE, HINGE_FULL = 0.5, 0.65
# at a drawn figure's crease (:func:`bend_setup`), the band across the middle of the outside of the fold where the
# weights by angle fall: the straight outline on either side turns whole with its bone, the band fans round into a
# cap of the limb's half-width (falling round the whole side, the outline bulged past that cap, up to 4 % of the
# joint's area on the teddy bear's elbows; a narrower band drew the cap as a polygon of its few vertices)
CAP = 0.5
# (radians) the armpit's cloth turns wholly with the arm once the arm has closed this far on it
CLOSING = np.radians(10.0)
# the joint in the middle of a limb's chain (the elbow, the knee), the one that folds far; its bones' indices in the
# layer are this and the next (the first bone is the trunk's frame; joint k lies between bones k and k + 1)
MIDDLE = 1
# the child bones of the knees (the lower legs): a drawn figure's knee closes its inside along a crease (Fold.hinged)
SHINS = frozenset(parts[1] for parts in LEG_PARTS.values())


class Fold(NamedTuple):
    """The weights by angle about a limb's joint ``at`` (between bones ``at`` and ``at + 1``; ``joint`` [2] at rest):
    the vertices they reach (``index`` [Z], of the parent or the child bone), the rig's weight of the child bone
    there (over the two, ``weight`` [Z]), the direction from the joint: the side it lies on (``inner`` [Z]: turning
    positively from the child bone to the parent, ``sides`` [2] the angles of the inner side and the other) and how
    far round that side from the child bone to the parent (``along`` [Z], 0 to 1; all 0 at the joint to the trunk),
    how much of the weights by angle applies at the vertex's distance (``near`` [Z]) and whether the rig blends the
    vertex about another joint (``held`` [Z]: it moves from there towards its place turned about this joint).
    ``risk`` [2] the largest ``-dw/dpsi`` and ``dw/dpsi`` of the rig's weights (a bend ``d`` turns the mesh over at
    ``d * risk = 1``). ``creased``: a drawn figure's middle joint (:func:`bend_setup`): the weights by angle apply
    at mild bends too, the inside closes along a crease at every bend, the outside fans round a band (:data:`CAP`).
    ``hinged``: the inside closes along a crease at every bend the weights by angle apply to (a drawn figure's
    knee, creased or not)."""

    at: int
    joint: np.ndarray
    index: np.ndarray
    weight: np.ndarray
    inner: np.ndarray
    along: np.ndarray
    sides: np.ndarray
    near: np.ndarray
    held: np.ndarray
    risk: np.ndarray
    creased: bool = False
    hinged: bool = False


class Bend(NamedTuple):
    """A limb layer's skinning, fixed at rest. ``first`` [N] each vertex's strongest bone; ``blend`` [K] the vertices
    the rig blends between two bones (``parent``, ``child`` [K]) about their shared joint (``joint`` [K, 2]; the
    vertex's place relative to it ``offset`` [K, 2]) with ``weight`` [K] of the child; ``span`` [B - 1] per joint the
    angle turning positively from its child bone to its parent at rest (pi but at the middle joint); ``folds`` the
    weights by angle of the joint to the trunk and of the middle joint (those that have them); ``cloth`` [C] the
    vertices the trunk holds (the armpit's cloth, :func:`.armpit.held_by_trunk`), ``cloth_side`` [C] the side of
    the child bone of the joint to the trunk (at ``trunk_joint`` [2]) they lie on (+1: turning positively from it,
    -1 the other way); ``chain`` [N] the share of each vertex its chain carries rather than the trunk (1 less its
    trunk bone's weight); ``round`` the entries of ``blend`` that are a round joint's (``Layer.round``: scaled as
    their bones' width across them, ``normals`` [B, 2] at rest, not stretched along them)."""

    first: np.ndarray
    blend: np.ndarray
    parent: np.ndarray
    child: np.ndarray
    joint: np.ndarray
    offset: np.ndarray
    weight: np.ndarray
    span: np.ndarray
    folds: tuple[Fold, ...]
    cloth: np.ndarray
    cloth_side: np.ndarray
    trunk_joint: np.ndarray
    chain: np.ndarray
    round: np.ndarray
    normals: np.ndarray


def _chain_joints(layer: Layer, rest: np.ndarray) -> np.ndarray:
    """[B - 1, 2] the rest joints where a limb layer's bones start (its chain's, from the body out)."""
    side = "left" if layer.name.endswith("_l") else "right"
    return np.array([rest[J[f"{side}_{CHAIN_JOINT[bone[2:]]}"]] for bone in layer.bones[1:]])


def _angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed angles (radians, in (-pi, pi]) from ``u`` [2] to ``v`` [..., 2]."""
    return np.arctan2(u[0] * v[..., 1] - u[1] * v[..., 0], u[0] * v[..., 0] + u[1] * v[..., 1])


def _span(to_child: np.ndarray, to_parent: np.ndarray) -> float:
    """The angle (radians, in (0, 2 pi)) turning positively from the child bone's direction to the parent's."""
    return min(max(float(_angle(to_child, to_parent)) % (2 * np.pi), 1e-3), 2 * np.pi - 1e-3)


def _directions(offset: np.ndarray, to_child: np.ndarray, to_parent: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                           np.ndarray]:
    """Where ``offset`` [K, 2] from the joint lies round it: on the side turning positively from ``to_child`` to
    ``to_parent`` or not (``inner`` [K]), how far round its side from the child bone's direction to the parent's
    (``along`` [K], 0 to 1, linear in the polar angle), and the two sides' angles (``sides`` [2])."""
    span = _span(to_child, to_parent)
    psi = _angle(to_child, offset) % (2 * np.pi)
    inner = psi <= span
    sides = np.array([span, 2 * np.pi - span])
    return inner, np.where(inner, psi / sides[0], (2 * np.pi - psi) / sides[1]), sides


def _by_angle(f: Fold, d: np.ndarray) -> np.ndarray:
    """[T, Z] the child bone's weight by angle at the vertices of ``f`` for the bend ``d`` [T]: 1 along the child
    bone, 0 along the parent, falling linearly round the side that opens; round the side that closes (the inside
    of the fold, once it closes far) it falls across a band in the side's middle that the bend closes, and each
    bone's end of that side turns whole with its bone. Falling linearly round the whole closing side squeezed its
    straight outline into a notch towards the joint, while the limb's ends away from the joint kept theirs: a
    folded elbow or knee showed a hole of background inside its crease; now the two ends meet along the crease.
    At a crease (``f.creased``) the inside closes so at every bend, and the outside falls across its middle band
    (:data:`CAP`): a round joint."""
    closing = f.inner[None] == (d > 0)[:, None]
    side = np.where(f.inner, f.sides[0], f.sides[1])  # [Z]
    x = np.clip(np.abs(d)[:, None] / side, 0.0, 1.0)  # [T, Z] the share of the side the bend closes
    hinge = 1.0 if f.creased or f.hinged else smoothstep(HINGE, HINGE_FULL, x)
    band = np.maximum(x + (1.0 - x) * (1.0 - hinge), 1e-3)
    opening = np.clip(0.5 + (0.5 - f.along) / CAP, 0.0, 1.0) if f.creased else 1.0 - f.along
    return np.where(closing, np.clip(0.5 + (0.5 - f.along) / band, 0.0, 1.0), opening)


def _turn_rates(vertices: np.ndarray, triangles: np.ndarray, weight: np.ndarray, joint: np.ndarray) -> np.ndarray:
    """[M] ``dw/dpsi`` on each triangle: how fast ``weight`` [N] (linear over it) changes with the polar angle
    about ``joint`` at its centre."""
    P = vertices[triangles]
    e1, e2 = P[:, 1] - P[:, 0], P[:, 2] - P[:, 0]
    det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    dw1, dw2 = weight[triangles[:, 1]] - weight[triangles[:, 0]], weight[triangles[:, 2]] - weight[triangles[:, 0]]
    safe = np.where(np.abs(det) > 1e-9, det, np.inf)
    gx = (dw1 * e2[:, 1] - dw2 * e1[:, 1]) / safe
    gy = (dw2 * e1[:, 0] - dw1 * e2[:, 0]) / safe
    c = P.mean(axis=1) - joint
    return gx * -c[:, 1] + gy * c[:, 0]


def bend_setup(layer: Layer, rest: np.ndarray, drawn: bool = False) -> Bend:
    """The skinning of a limb layer (bones: its trunk frame, then its chain) at rest (``rest`` [36, 2] joints).

    ``drawn``: a figure fitted to its drawn silhouette (a teddy bear, a mascot: stubby limbs in flat colours). Its
    middle joint folds as a round joint (a crease, :class:`Fold`): the weights by angle take over at mild bends
    too (where the rig's weights come close to turning over), the inside closes along a crease at every bend and
    the outside fans round a cap of the limb's width. With the rig's weights up to a mild bend, the inside
    falling linearly up to a right angle and the outside round the whole half-turn, the teddy bear's elbows bent
    60 to 90 degrees showed a notch of background in the inside (4 to 10 % of the joint's area), fragments at the
    crease and an outline bulging past the joint. A photograph's limbs keep the rule above (a soft, rounded
    inside); a drawn limb whose rig weights blend far along it (a box robot's thin arm) still bends as they say.
    A drawn knee's inside closes along a crease also where its lower leg is short (``Fold.hinged``); a flipper's
    short tip keeps the inside falling round the whole side (creased, its inside stepped from the flipper's
    width to the tip's)."""
    verts = layer.vertices.astype(np.float64)
    W = layer.weights.astype(np.float64)
    n, B = W.shape
    order = np.argsort(-W, axis=1, kind="stable")
    first = order[:, 0]
    second = order[:, 1] if B > 1 else order[:, 0]
    # the rig's own blend: vertices whose two strongest bones meet at a joint of the chain
    lo, hi = np.minimum(first, second), np.maximum(first, second)
    blend = np.flatnonzero((hi == lo + 1) & (W[np.arange(n), second] >= 1e-4))
    parent, child = lo[blend], lo[blend] + 1
    joints = _chain_joints(layer, rest)
    span = np.full(B - 1, np.pi)
    folds = []
    # the joint to the trunk turns the limb whole (None), the middle one by angle between its bones' directions
    # (the wrist keeps the rig's weights: weights by angle turned more of a hand's fingers over than they did)
    for k in (0, MIDDLE)[:B - 1]:
        to_child = part_segment(layer.bones[k + 1], rest)[1] - joints[k]
        directions = None
        if k == MIDDLE:
            directions = (to_child, part_segment(layer.bones[k], rest)[0] - joints[k])
            span[k] = _span(*directions)
        fold = _fold(layer, verts, W, first, k, joints[k], directions, creased=drawn and k == MIDDLE,
                     hinged=drawn and k == MIDDLE and layer.bones[k + 1] in SHINS)
        if fold is not None:
            folds.append(fold)
    weight = W[blend, child] / np.maximum(W[blend, parent] + W[blend, child], 1e-12)
    cloth = np.flatnonzero(W[:, 0] > 0.5)
    to_child = part_segment(layer.bones[1], rest)[1] - joints[0]
    normals = np.array([[0.0, 1.0]] + [_unit_normal(np.subtract(*part_segment(bone, rest)[::-1]))
                                       for bone in layer.bones[1:]])
    rounds = np.flatnonzero(np.isin(blend, np.flatnonzero(layer.round))) if layer.round is not None else blend[:0]
    return Bend(first=first, blend=blend, parent=parent, child=child, joint=joints[parent],
                offset=verts[blend] - joints[parent], weight=weight, span=span, folds=tuple(folds), cloth=cloth,
                cloth_side=np.where(_angle(to_child, verts[cloth] - joints[0]) >= 0, 1.0, -1.0), trunk_joint=joints[0],
                chain=1.0 - W[:, 0], round=rounds, normals=normals)


def _unit_normal(d: np.ndarray) -> np.ndarray:
    """The unit normal of the direction ``d`` [2] (turned positively; (0, 1) for none)."""
    n = np.hypot(*d)
    return np.array([-d[1], d[0]]) / n if n > 1e-9 else np.array([0.0, 1.0])


def _fold(layer: Layer, verts: np.ndarray, W: np.ndarray, first: np.ndarray, at: int, joint: np.ndarray,
          directions: tuple[np.ndarray, np.ndarray] | None, creased: bool = False, hinged: bool = False
          ) -> Fold | None:
    """The weights by angle about the joint ``at`` of a limb layer (vertices ``verts`` [N, 2], the rig's weights
    ``W`` [N, B], strongest bones ``first`` [N]): by ``directions`` (the child's and the parent's from the joint),
    or None: all of the child's weight (the limb turns whole about the joint); ``creased``: a drawn figure's, folded
    as a round joint (:class:`Fold`) where its child bone reaches past the weights by angle (a shorter end, a
    flipper's tapered tip or a stubby leg's foot pad, is all joint: creased, the inside of its fold stepped from the
    wider part's outline to the tip's, where the weights falling round the whole side curve it smoothly)."""
    parent, child = at, at + 1
    ours = (first == parent) | (first == child)
    if at == 0:  # (not the armpit's cloth the trunk holds, :func:`.armpit.held_by_trunk`: it stays with the body)
        ours &= W[:, 0] <= 0.5
    weight = W[:, child] / np.maximum(W[:, parent] + W[:, child], 1e-12)
    tris = layer.triangles[ours[layer.triangles].all(axis=1)]
    if not len(tris):
        return None
    rate = _turn_rates(verts, tris, weight, joint)
    # the limb's half-width at the joint: how far from it the parts' boundary (or, without one, the blend) runs
    r = np.hypot(*(verts - joint).T)
    edges = np.concatenate([layer.triangles[:, [0, 1]], layer.triangles[:, [1, 2]], layer.triangles[:, [2, 0]]])
    across = edges[(first[edges[:, 0]] == parent) & (first[edges[:, 1]] == child)].ravel()
    blended = ours & (np.minimum(W[:, parent], W[:, child]) > 0.05)
    width = float(r[across].max()) if len(across) else float(r[blended].max()) if blended.any() else 0.0
    if width <= 0:
        return None
    near = np.where(ours, smoothstep(REACH * width, width, r), 0.0)
    index = np.flatnonzero(near > 0)
    # held: blended by the rig between two bones that are not this joint's
    top2 = np.sort(np.argsort(-W[index], axis=1, kind="stable")[:, :2], axis=1)
    held = (W[index, top2[:, 1]] >= 1e-4) & ~((top2[:, 0] == parent) & (top2[:, 1] == child))
    if directions is None:
        inner, along, sides = np.ones(len(index), bool), np.zeros(len(index)), np.array([np.pi, np.pi])
    else:
        inner, along, sides = _directions(verts[index] - joint, *directions)
    return Fold(at=at, joint=joint, index=index, weight=weight[index], inner=inner, along=along, sides=sides,
                near=near[index], held=held,
                risk=np.array([max(0.0, -rate.min()), max(0.0, rate.max())]),
                creased=creased and float(np.hypot(*directions[0])) > REACH * width, hinged=hinged)


def _turned(A: np.ndarray, theta: np.ndarray, S: np.ndarray, first: np.ndarray, parent: np.ndarray,
            child: np.ndarray, joint: np.ndarray, offset: np.ndarray, w: np.ndarray, turn: np.ndarray) -> np.ndarray:
    """[T, K, 2] vertices (``offset`` [K, 2] from their ``joint`` [K, 2] at rest) turned about the posed joint by
    their parent bone's rotation plus ``w`` [(T,) K] of the joint's bend ``turn`` [T, K], stretched by the bones'
    stretch blended alike (``A`` [T, B, 2, 3] the bones' maps, ``theta`` [T, B] their rotations, ``S`` [T, B, 2, 2]
    their stretch; ``first`` [K] the bone that carries the joint)."""
    Ab = A[:, first]
    jp = np.einsum("tnij,nj->tni", Ab[..., :2], joint) + Ab[..., 2]  # the posed joint
    th = theta[:, parent] + w * turn
    Sb = (1 - w)[..., None, None] * S[:, parent] + w[..., None, None] * S[:, child]
    rel = np.einsum("tnij,nj->tni", Sb, offset)
    ct, st = np.cos(th), np.sin(th)
    return jp + np.stack([ct * rel[..., 0] - st * rel[..., 1], st * rel[..., 0] + ct * rel[..., 1]], -1)


def _rotations(A: np.ndarray) -> np.ndarray:
    """[T, B] the rotation (radians) of each of the bones' affine maps ``A`` [T, B, 2, 3]."""
    M = A[..., :2]
    return np.arctan2(M[..., 1, 0] - M[..., 0, 1], M[..., 0, 0] + M[..., 1, 1])


def _turns(bend: Bend, theta: np.ndarray) -> np.ndarray:
    """[T, B - 1] each joint's bend (``theta`` [T, B] the bones' rotations), the way round that does not take the
    child bone through the parent (with the weights by angle, the other way a forearm turned through its upper arm
    and the mesh inside out)."""
    back = 2 * np.pi - bend.span
    return (theta[:, 1:] - theta[:, :-1] + back) % (2 * np.pi) - back


def _closed(bend: Bend, turn: np.ndarray) -> np.ndarray:
    """[T, C] how far the armpit's cloth (``bend.cloth``) goes with the limb at the joint to the trunk's bend
    ``turn`` [T]: none as the limb opens from it (held by the trunk, it stretches from the body's side to the
    sleeve), wholly once the limb has closed CLOSING on it (held by the trunk then, its triangles turned over under
    the sleeve, drawn as stair-stepped cells)."""
    return np.clip(bend.cloth_side[None] * turn[:, None] / CLOSING, 0.0, 1.0)


def carried(bend: Bend, A: np.ndarray) -> np.ndarray:
    """[T, N] the share of each vertex of a limb layer its chain carries rather than the trunk, posed by its bones'
    affine maps ``A`` [T, B, 2, 3]: 1 less its trunk weight, the armpit's cloth by how far the limb has closed on
    it (:func:`_closed`). What moves along a limb's bone (:mod:`.foreshorten`) moves these shares of its vertices;
    in a layer drawn in pieces about a round joint (``Layer.round``) none of the joint's and the lower pieces' (the
    disc stays round about the elbow, the forearm's piece whole: its square end beside the elbow lies partly along
    the upper arm's end, and slid into the upper arm's squeezed band it stood off the disc, past its outline)."""
    share = np.repeat(bend.chain[None], len(A), axis=0)
    if len(bend.cloth):
        share[:, bend.cloth] = _closed(bend, _turns(bend, _rotations(A))[:, 0])
    if len(bend.round):
        share[:, bend.blend[bend.round]] = 0.0
        share[:, bend.first > 1] = 0.0
    return share


def bent_vertices(bend: Bend, A: np.ndarray, vh: np.ndarray) -> np.ndarray:
    """[T, N, 2] a limb layer's vertices posed by its bones' affine maps ``A`` [T, B, 2, 3] (``vh`` [N, 3] the rest
    vertices in homogeneous coordinates)."""
    M = A[..., :2]
    theta = _rotations(A)  # [T, B]
    c, s = np.cos(theta), np.sin(theta)
    Rt = np.stack([np.stack([c, s], -1), np.stack([-s, c], -1)], -2)  # R(-theta) [T, B, 2, 2]
    S = Rt @ M  # stretch part [T, B, 2, 2]
    out = np.einsum("tnij,nj->tni", A[:, bend.first], vh)  # single-bone vertices
    if not len(bend.blend) and not len(bend.cloth):
        return out
    turn = _turns(bend, theta)
    if len(bend.cloth):  # the armpit's cloth: with the trunk as the arm opens from it, with the arm as it closes on it
        C = len(bend.cloth)
        w = _closed(bend, turn[:, 0])
        zero = np.zeros(C, np.int64)
        out[:, bend.cloth] = _turned(A, theta, S, zero, zero, zero + 1, np.broadcast_to(bend.trunk_joint, (C, 2)),
                                     vh[bend.cloth, :2] - bend.trunk_joint, w,
                                     np.broadcast_to(turn[:, :1], (len(A), C)))
    if not len(bend.blend):
        return out
    out[:, bend.blend] = _turned(A, theta, S, bend.first[bend.blend], bend.parent, bend.child, bend.joint,
                                 bend.offset, np.broadcast_to(bend.weight, (len(A), len(bend.blend))),
                                 turn[:, bend.parent])
    if len(bend.round):  # a round joint: scaled as its bones' width across them, not stretched along them
        k = bend.round
        width = np.hypot(*np.einsum("tbij,bj->itb", S, bend.normals))  # [T, B]
        out[:, bend.blend[k]] = _turned(A, theta, width[..., None, None] * np.eye(2), bend.first[bend.blend[k]],
                                        bend.parent[k], bend.child[k], bend.joint[k], bend.offset[k],
                                        np.broadcast_to(bend.weight[k], (len(A), len(k))), turn[:, bend.parent[k]])
    for f in bend.folds:
        _fold_in(out, f, A, theta, S, bend.first, vh, turn[:, f.at])
    return out


def _fold_in(out: np.ndarray, f: Fold, A: np.ndarray, theta: np.ndarray, S: np.ndarray, first: np.ndarray,
             vh: np.ndarray, d: np.ndarray) -> None:
    """Move ``out``'s vertices [T, N, 2] near the joint of ``f`` towards their places turned by its weights by
    angle, as far as its bend ``d`` [T] comes close to turning the rig's weights over (in place)."""
    # how close the rig's weights come to turning the mesh over at this bend (at a crease, a mild bend too)
    share = smoothstep(FOLD_START, FOLD_FULL, np.maximum(d * f.risk[0], -d * f.risk[1]))  # [T]
    if not f.creased:
        share = share * smoothstep(MILD, MILD_FULL, np.abs(d))
    if not share.any():
        return
    m = share[:, None] * f.near  # [T, Z]
    w = f.weight + m * (_by_angle(f, d) - f.weight)
    K = len(f.index)
    at = np.full(K, f.at)
    turned = _turned(A, theta, S, first[f.index], at, at + 1, np.broadcast_to(f.joint, (K, 2)),
                     vh[f.index, :2] - f.joint, w, np.broadcast_to(d[:, None], (len(A), K)))
    # a vertex the rig blends about another joint moves from there towards its place turned about this one; the
    # others are turned about it alone (with the rig's weights where ``m`` is 0: as the rig turns them)
    m = np.where(f.held, m, 1.0)
    out[:, f.index] += m[..., None] * (turned - out[:, f.index])

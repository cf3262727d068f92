"""The puppet's data: its parts, layers and bones, and the :class:`Rig` and :class:`Layer` every step passes on.

Data only (no analysis, no drawing): every pipeline step (matte, parts, fill, mesh, render) imports it, and it
imports none of them. The one definition of which joints bound each body part (:data:`PART_ENDS`,
:func:`part_segment`) lives here, so labelling, skinning and drawing agree about every limb.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from ...pose.retarget import RestPose
from ...pose.skeleton import VIS_MIN, J

ARM_PARTS = {"left": ("l_upper_arm", "l_lower_arm", "l_hand"), "right": ("r_upper_arm", "r_lower_arm", "r_hand")}
LEG_PARTS = {"left": ("l_upper_leg", "l_lower_leg", "l_foot"), "right": ("r_upper_leg", "r_lower_leg", "r_foot")}
LIMB_PARTS = ARM_PARTS["left"] + ARM_PARTS["right"] + LEG_PARTS["left"] + LEG_PARTS["right"]
# "drape": what hangs from the body behind the legs and is no limb (a cape); it has no bone of its own
PARTS = ("head", "torso") + LIMB_PARTS + ("drape",)
# layers: the pieces drawn separately (each a mesh), made of parts
LAYERS = {
    "body": ("head", "torso"),
    "arm_l": ARM_PARTS["left"], "arm_r": ARM_PARTS["right"],
    "leg_l": LEG_PARTS["left"], "leg_r": LEG_PARTS["right"],
    "drape": ("drape",),
}
LAYER_NAMES = tuple(LAYERS)
LAYER_OF_PART = np.array([LAYER_NAMES.index(next(n for n, ps in LAYERS.items() if p in ps)) for p in PARTS])
# bones each layer is skinned to (names understood by render.bone_transforms): the body's frames, then its limbs
LAYER_BONES = {
    "body": ["pelvis", "chest", "head"],
    "arm_l": ["chest", *ARM_PARTS["left"]],
    "arm_r": ["chest", *ARM_PARTS["right"]],
    "leg_l": ["pelvis", *LEG_PARTS["left"]],
    "leg_r": ["pelvis", *LEG_PARTS["right"]],
    "drape": ["pelvis", "chest", "head"],
}
# layers skinned to the trunk's frames (the others are limbs: chains of bones)
TRUNK_LAYERS = ("body", "drape")
ALONG_SIDE = 0.8  # an arm bone this parallel to the spine (cosine) hangs along the body's side
FACING = 0.45  # shoulder width over spine length above which the body faces the camera (its sides mirror)
DEFAULT_ORDER = ("drape", "leg_l", "leg_r", "body", "arm_l", "arm_r")

# Each limb part's bone: from the mean of the first joints to the mean of the second (the hand ends between the
# index and pinky knuckles). Labelling, skinning and the bone transforms all measure a limb along this segment.
_KIND_ENDS = {
    "upper_arm": (("shoulder",), ("elbow",)), "lower_arm": (("elbow",), ("wrist",)),
    "hand": (("wrist",), ("index", "pinky")),
    "upper_leg": (("hip",), ("knee",)), "lower_leg": (("knee",), ("ankle",)),
    "foot": (("ankle",), ("foot_index",)),
}
PART_ENDS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    part: tuple(tuple(J[f"{'left' if part[0] == 'l' else 'right'}_{j}"] for j in end)
                for end in _KIND_ENDS[part[2:]])
    for part in LIMB_PARTS
}
# the joint each limb part shares with the part before it in its chain (the first: with the body)
CHAIN_JOINT = {"upper_arm": "shoulder", "lower_arm": "elbow", "hand": "wrist",
               "upper_leg": "hip", "lower_leg": "knee", "foot": "ankle"}
TORSO_CORNERS = (J["left_shoulder"], J["right_shoulder"], J["right_hip"], J["left_hip"])


# (degrees) an elbow bent this far or further (its forearm within this angle of lying back along the upper arm) is
# folded over itself
FOLDED = 50.0


def folded_arm(joints: np.ndarray, side: str, width: int, height: int) -> bool:
    """The arm of ``side`` is folded over itself in the image (``joints`` [33 or 36, 2], a ``width`` x ``height``
    image): its forearm lies back along its upper arm (a boxer's guard, a hand on the shoulder), and the image
    holds its shoulder, elbow and wrist. Its layer draws it as two tubes (``tubes``)."""
    sh, el, wr = (joints[J[f"{side}_{k}"]].astype(np.float64) for k in ("shoulder", "elbow", "wrist"))
    inside = all(0 <= p[0] < width and 0 <= p[1] < height for p in (sh, el, wr))
    u, v = sh - el, wr - el
    lu, lv = float(np.hypot(*u)), float(np.hypot(*v))
    if not inside or lu < 1e-6 or lv < 1e-6:
        return False
    return float(u @ v) / (lu * lv) >= np.cos(np.radians(FOLDED))


def arms_behind(visibility: np.ndarray, labels: np.ndarray | None, joints: np.ndarray,
                drawn_from_twin: list[str] | tuple[str, ...] = ()) -> tuple[str, ...]:
    """The arm layers that start the clip drawn behind the body: those drawn from their twins
    (``drawn_from_twin``: the image showed nothing of them; their joints are marked seen only so the motion moves
    them), and those whose elbow and wrist the pose model does not see in the character's image (``visibility``
    [>=33], the rig's) unless the image shows the arm (:func:`arm_shown`): they lie behind the body or its hair.
    Drawn in front, TikTok clip 5's left sleeve, whose top lies under the hair, stood out of the hair as a flap
    once the arm moved, and clip 1's far arm, hidden behind her body, crossed her chest."""
    return tuple(name for name, side in (("arm_l", "left"), ("arm_r", "right"))
                 if name in drawn_from_twin
                 or (max(visibility[J[f"{side}_elbow"]], visibility[J[f"{side}_wrist"]]) < VIS_MIN
                     and not arm_shown(labels, joints, name)))


def arm_shown(labels: np.ndarray | None, joints: np.ndarray, name: str) -> bool:
    """Whether the image shows arm layer ``name`` (``labels`` HxW part indices, None: not known; ``joints``
    [>=33, 2]): its elbow on its upper arm's or forearm's pixels, and its wrist on its forearm's or hand's or past
    the image's border with the forearm reaching that border (cut by it). Such an arm is seen, whatever the pose
    model's visibility: TikTok character 3's right arm, hanging in plain view against her dress's side down to the
    bottom edge (elbow 0.28, wrist 0.05), was drawn behind the body, which was drawn over its inner edge."""
    if labels is None:
        return False
    side = "left" if name.endswith("_l") else "right"
    h, w = labels.shape
    upper, fore, hand = (PARTS.index(p) for p in LAYERS[name])

    def on(joint: str, parts: tuple[int, ...]) -> bool | None:  # (None: past the border)
        x, y = np.round(np.asarray(joints[J[f"{side}_{joint}"]], np.float64)[:2]).astype(int)
        return bool(np.isin(labels[y, x], parts)) if 0 <= x < w and 0 <= y < h else None

    wrist = on("wrist", (fore, hand))
    if wrist is None:  # cut by the border: the forearm reaches it
        border = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
        wrist = bool((border == fore).any())
    return bool(on("elbow", (upper, fore))) and wrist


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    """0 below ``e0``, 1 above ``e1``, a smooth S between (weights and soft edges without a kink)."""
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def segment_distance(px: np.ndarray, py: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from points (``px``, ``py``: arrays of one shape, e.g. pixel grids) to the segment a-b."""
    ab = b - a
    L2 = float(ab @ ab)
    if L2 < 1e-9:
        return np.hypot(px - a[0], py - a[1])
    t = np.clip(((px - a[0]) * ab[0] + (py - a[1]) * ab[1]) / L2, 0.0, 1.0)
    return np.hypot(px - (a[0] + t * ab[0]), py - (a[1] + t * ab[1]))


def part_segment(part: str, joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of a limb part's bone in ``joints`` ([33 or 36, C]; any trailing coordinates)."""
    a, b = PART_ENDS[part]
    return _mean_of(joints, a), _mean_of(joints, b)


def _mean_of(joints: np.ndarray, idx: tuple[int, ...]) -> np.ndarray:
    """The mean of one or two joints, without ``ndarray.mean``'s overhead (called per part, per frame)."""
    if len(idx) == 1:
        return joints[idx[0]]
    total = joints[idx[0]] + joints[idx[1]]
    for i in idx[2:]:
        total = total + joints[i]
    return total / len(idx)


def part_visibility(part: str, visibility: np.ndarray, inside: np.ndarray | None = None) -> float:
    """How visible a limb part's bone is: its least visible joint; with ``inside`` ([33] bool: the joints within the
    image), its least visible joint within the image, when one is. A joint past the image's border is unseen
    because the picture ends, not because something hides it: the bone is seen up to the border (a half-length
    portrait's upper arm, its elbow below the picture, is an arm, not part of the torso)."""
    a, b = PART_ENDS[part]
    ends = list(a + b)
    if inside is not None and inside[ends].any():
        ends = [i for i in ends if inside[i]]
    return float(np.min(visibility[ends]))


def torso_quad(joints: np.ndarray) -> np.ndarray:
    """[4, 2] left shoulder, right shoulder, right hip, left hip (of joints [36 or 33, 2]); [T, 4, 2] of [T, 36, 2]."""
    return joints[..., list(TORSO_CORNERS), :]


@dataclass
class HairDrop:
    """A trunk layer's hair resting on the shoulders (:mod:`.hair_drop`): its vertices (``index`` [K]), its triangles
    (``triangles`` [M, 3], indices into ``index``) and,
    for each, the rest direction down the neck (``down`` [2], unit: the head's centre to the mid-shoulder) in the
    triangle's edge coordinates (``rest_down`` [M, 2]: its posed edges times these give where that direction goes);
    ``ramp`` (rest pixels) how far the head's ``centre`` [2] (at rest) comes down on the chest before the hair may go
    down with it in full."""

    index: np.ndarray
    triangles: np.ndarray
    rest_down: np.ndarray
    down: np.ndarray
    centre: np.ndarray
    ramp: float


@dataclass
class HairRelease:
    """A trunk layer's hair lying on the shoulders beside the face, held there in part by the chest
    (:func:`.neck.shoulder_hold`), let go to the head in the frames that would drag it sideways (:mod:`.hair_release`):
    the layer's weights with none of it held (``free`` [N, B]), each vertex's lock (``lock`` [N], an index into
    ``top`` and ``tip``, -1 for none) and each lock's rest ``top`` [K, 2] (beside the chin) and ``tip`` [K, 2]
    (its lowest end), in image pixels."""

    free: np.ndarray
    lock: np.ndarray
    top: np.ndarray
    tip: np.ndarray


@dataclass
class Layer:
    """One drawable piece of the puppet: a textured triangle mesh with skinning weights.

    ``vertices`` [N, 2] rest positions in image pixels; ``triangles`` [M, 3]; ``weights`` [N, B] over ``bones``
    (names understood by ``render.bone_transforms``); ``texture`` [h, w, 4] uint8 RGBA whose pixel (0, 0) is image
    pixel ``origin``; ``tri_weights`` [M, B] the mean weights of each triangle's corners (for depth sorting);
    ``uv`` [N, 2] the texture pixel of each vertex where it is not its rest place less ``origin`` (a layer drawing
    two pieces that overlap at rest, each with its own texture: an arm folded over itself drawn as tubes);
    ``clear`` [M] bool the triangles drawn without their texture, clear: they keep a gap between two pieces of the
    mesh open (the slit between the body's cheek and collar beside a short neck: :func:`.neck.slits`,
    :func:`.neck.drawing_order`), where the renderer would otherwise carry its neighbours' maps out over it;
    ``drop`` a trunk layer's hair resting on the shoulders, moved towards the head's place each frame as far as the
    chin comes down (:mod:`.hair_drop`); ``over`` [M] bool the triangles drawn over the layer's others (the hanging
    locks split off the body, :mod:`.locks`): where their texture is partly clear, the layer's own triangle under
    them shows through, as a layer of their own would show it (``render.Renderer._beneath``); ``release`` a trunk
    layer's hair held by the shoulders, let go to the head where the chest would drag it sideways
    (:mod:`.hair_release`); ``round`` [N] bool
    the vertices of a round joint (:mod:`.elbow_joint`'s disc about a drawn elbow): turned about their joint as
    their weights say but scaled as their bones' width only, not stretched along them (stretched, the disc stood
    past the two tubes' outlines as a lip once the motion lengthened one bone and shortened the other).
    """

    name: str
    bones: list[str]
    vertices: np.ndarray
    triangles: np.ndarray
    weights: np.ndarray
    texture: np.ndarray
    origin: tuple[int, int]
    tri_weights: np.ndarray | None = None
    uv: np.ndarray | None = None
    clear: np.ndarray | None = None
    drop: HairDrop | None = None
    over: np.ndarray | None = None
    release: HairRelease | None = None
    round: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.tri_weights is None and len(self.triangles):
            self.tri_weights = self.weights[self.triangles].mean(axis=1)


@dataclass
class DrawnHand:
    """A hand the rig draws because the image shows none (an arm its border cuts, carried on): its rest
    ``joints`` [21, 2] (image pixels, MediaPipe's order), its ``length`` (wrist to middle fingertip), the palm's
    ``half_width``, the forearm it ends
    (``elbow`` [2] and its radius at the wrist, ``wrist_radius``), the ``skin`` RGB it is drawn in and the
    ``shade`` RGB its sides turn to, the ``light`` on the character's skin (:func:`.drawn_hand.skin_light`) and
    whether the character is drawn art with outlined limbs (``outlined``: its fingers are shaded all the way
    round, as the art's own limbs); ``over_image``: drawn over the image's own stump of the hand (its wrist inside
    the image), not only past the border; ``grain`` [3] the photograph's skin grain it is mottled with
    (:func:`.photo_look.skin_grain`; zeros for drawn art) and ``blur`` the photograph's edges' (sigma, pixels,
    :func:`.photo_look.picture_blur`; 0 for drawn art). Kept so each frame can draw it afresh, posed like the
    actor's hand."""

    joints: np.ndarray
    length: float
    half_width: float
    elbow: np.ndarray
    wrist_radius: float
    skin: np.ndarray
    shade: np.ndarray
    light: np.ndarray = field(default_factory=lambda: np.zeros(2, np.float32))
    outlined: bool = False
    over_image: bool = False
    grain: np.ndarray = field(default_factory=lambda: np.zeros(3, np.float32))
    blur: float = 0.0


@dataclass
class Rig:
    """The character, ready to animate. Coordinates are pixels of ``image`` (the analysed, maybe downscaled copy).

    ``joints`` [33, 2], ``visibility`` [33] (0 = the image does not show it; its position is only a guess),
    ``depth`` [33] relative z of the image's pose (0 when unknown); ``matte`` HxW float32 0..1; ``background``
    HxWx3 uint8 (the image with the character removed and filled); ``layers`` back-to-front default order;
    ``labels`` HxW int16 part index per pixel (-1 background); ``scale`` = analysed pixels per original image
    pixel; ``drawn_hands`` the hands it draws itself, by side ("left", "right"); ``straps`` HxW bool, a top's
    straps over the shoulders (the torso's; :mod:`.straps`), or None; ``armpits`` HxW bool, the armpits' shade
    past the body's sides given to the arms, the body under it painted in (:func:`.armpit.armpit_shadows_to_arms`),
    or None; ``box_torso``: a drawn figure's torso is a box, moved rigid (:mod:`.box`); ``chin`` [2] the face mesh's
    chin where the pose model saw the picture's face (where the head's blend into the neck ends:
    :func:`.neck.neck_blend`), or None.
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
    drawn_hands: dict[str, DrawnHand] = field(default_factory=dict)
    straps: np.ndarray | None = None
    armpits: np.ndarray | None = None
    box_torso: bool = False
    chin: np.ndarray | None = None

    def rest_pose(self) -> RestPose:
        return RestPose(joints=self.joints.astype(np.float32), visibility=self.visibility.astype(np.float32),
                        width=self.width, height=self.height, left_hand=self.left_hand, right_hand=self.right_hand,
                        fitted=self.source == "template")


def redraw_arms(rig: Rig, redraw: Callable[[Layer, str], Layer | None], skip: Iterable[str] = ()) -> list[str]:
    """Replace each arm layer of ``rig`` (not those named in ``skip``) by ``redraw(layer, side)`` where that gives
    one, in place; the names of those replaced. The one loop of every rule that redraws an arm whole (folded arms
    as tubes, bent drawn elbows as jointed pieces)."""
    done = []
    for i, layer in enumerate(rig.layers):
        side = {"arm_l": "left", "arm_r": "right"}.get(layer.name)
        if side is None or layer.name in skip:
            continue
        redrawn = redraw(layer, side)
        if redrawn is not None:
            rig.layers[i] = redrawn
            done.append(layer.name)
    return done

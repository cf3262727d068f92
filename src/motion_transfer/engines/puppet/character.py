"""Character analysis: one image -> a rigged puppet (skeleton, matte, body-part layers, filled background).

The steps, each in its own module: the skeleton (``pose.figure``: the preflight's figure when it has one, a
user's rig.json overriding it), the matte (``matte``), the parts (``parts``), the background where the character
stood (``fill``), the layers' meshes (``mesh``, which also fills the torso hidden behind the arms), the arms the
image shows folded over themselves, drawn as tubes (``tubes``), and the arms the image does not show, drawn from
their twins (``twin``).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np

from ...errors import RigError
from ...pose import facemesh as fm
from ...pose.figure import Figure, find_figure
from ...pose.offframe import FOREARM_JOINTS, SIDES, unfold_cut_arms
from ...pose.silhouette import read_backdrop
from ...pose.skeleton import J, shoulder_span
from ...request import Progress
from .arm_gaps import arm_gap_zones
from .armpit import armpit_shadows_to_arms
from .background import remove_character
from .bars import without_bars
from .box import box_of_torso, torso_in_box
from .cuff import cuff_edges
from .elbow_joint import joint_bent_elbows
from .envelope import sleeves_off_torso
from .extras import with_attached_parts
from .fitted_arms import upper_arms_as_drawn
from .fitted_legs import knees_on_legs, legs_cut_at_knees
from .framing import hem_as_body
from .matte import make_matte
from .mesh import build_layers
from .model import PARTS, Rig
from .parts import label_parts
from .pockets import pockets_off
from .rim_specks import backdrop_off_arms
from .rig import HOW_TO_RIG, load_rig_json
from .straps import strap_lines, straps_to_torso
from .thin_parts import with_thin_head_parts
from .tubes import tube_folded_arms
from .twin import add_twin_limbs

WORK_LONG_SIDE = 1600  # textures are kept at most this large (enough for 1080p output)
STEPS = 5


def _work_copy(image: np.ndarray, alpha: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None, float]:
    h, w = image.shape[:2]
    s = min(1.0, WORK_LONG_SIDE / max(h, w))
    if s >= 1.0:
        return image, alpha, 1.0
    size = (round(w * s), round(h * s))
    image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    if alpha is not None:
        alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
    return image, alpha, s


def _patch_lab(image: np.ndarray, at: np.ndarray, r: int) -> np.ndarray:
    h, w = image.shape[:2]
    x, y = int(np.clip(at[0], 0, w - 1)), int(np.clip(at[1], 0, h - 1))
    patch = image[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].reshape(-1, 1, 3)
    return cv2.cvtColor(np.ascontiguousarray(patch), cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32).mean(axis=0)


def _arms_to_elbows(joints: np.ndarray, elbows: np.ndarray) -> np.ndarray:
    """``joints`` [33+, 2] with each arm's elbow, wrist and hand's points moved together so that its elbow is
    where ``elbows`` [33+, 2] has it: the forearm keeps its direction and length, the upper arm follows the elbow.

    The picture's parts are labelled from the pose model's elbows, the rig's bones reach the unfolded ones
    (:func:`~motion_transfer.pose.offframe.unfold_cut_arms`): one arm, hung from either."""
    out = np.array(joints, copy=True)
    for side in SIDES:
        k = J[f"{side}_elbow"]
        out[[k, *FOREARM_JOINTS[side]]] += np.asarray(elbows[k], out.dtype) - out[k]
    return out


def _sleeves_above_elbows_put_out(labels: np.ndarray, model: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """``labels`` with the forearm's pixels of each arm whose elbow was put out past the image's border (the
    pose model's elbow ``model``, the rig's ``rest`` [33+, 2]) given to its upper arm: they were labelled from
    the model's squashed elbow, and lie above the rig's. Left to the forearm, the foot of TikTok character 5's
    puffed sleeve (the image's bottom 56 rows of it) rode on her forearm's bone: a grey cuff swung up with the
    forearm while the rest of the sleeve hung from the shoulder, a second crumpled piece beside it."""
    h, w = labels.shape
    out = labels
    for side in ("left", "right"):
        k = J[f"{side}_elbow"]
        x, y = rest[k]
        if np.allclose(rest[k], model[k]) or (0 <= x < w and 0 <= y < h):
            continue
        out = np.where(out == PARTS.index(f"{side[0]}_lower_arm"), PARTS.index(f"{side[0]}_upper_arm"), out)
    return out.astype(labels.dtype)


def _looks_like_face(image: np.ndarray, joints: np.ndarray, side: str) -> bool:
    """The hand's place has the face's colour: a bare hand the hand model missed, not one in a pocket."""
    sw = shoulder_span(joints)
    r = max(2, int(0.05 * sw))
    tip = (joints[J[f"{side}_index"]] + joints[J[f"{side}_pinky"]]) / 2
    return float(np.linalg.norm(_patch_lab(image, tip, r) - _patch_lab(image, joints[J["nose"]], r))) < 25.0


def _mesh_chin(figure: Figure, w: int, h: int) -> np.ndarray | None:
    """[2] the chin of the face mesh the pose model found with ``figure``, in pixels of the ``w`` x ``h`` copy of its
    image, or None where it saw no face (a drawing it fitted to the silhouette, a mirrored copy's detection)."""
    pose = figure.pose
    if pose is None:
        return None
    chin = pose.face[0, fm.CHIN, :2].astype(np.float64)
    return chin * np.array([w / pose.width, h / pose.height]) if np.isfinite(chin).all() else None


def rig_character(image_rgb: np.ndarray, rig_path: str | Path | None = None, *, alpha: np.ndarray | None = None,
                  figure: Figure | None = None, image_name: str = "the character image",
                  progress: Progress | None = None, mesh_spacing: float | None = None) -> Rig:
    """Analyse a character image into a :class:`Rig`.

    ``image_rgb`` HxWx3 uint8; ``alpha`` its transparency (HxW uint8) when the file has one; ``figure`` the
    figure already found in this image (the preflight's; searched here when None); ``rig_path`` a rig.json
    overriding the skeleton. Raises ``RigError`` when no skeleton can be found.
    """
    def step(i: int) -> None:
        if progress:
            progress("rig", i, STEPS)

    if image_rgb.ndim != 3 or image_rgb.shape[2] != 3:
        raise RigError(f"{image_name}: expected an RGB image, got an array of shape {image_rgb.shape}.")
    image, alpha, scale = _work_copy(np.ascontiguousarray(image_rgb[:, :, :3]), alpha)
    h, w = image.shape[:2]
    step(0)
    backdrop = read_backdrop(image)  # the figure search, the matte and the background fill all read it
    if figure is None:
        figure = find_figure(image, alpha, backdrop)
    else:
        figure = figure.resized(w, h)
    seg = figure.segmentation if figure is not None else None
    left_hand = right_hand = chin = None
    depth = np.zeros(33)
    if rig_path is not None:
        joints, vis = load_rig_json(rig_path, w, h)
        source = "user"
        rest = joints  # (a user's rig.json says where its elbows and wrists are)
    elif figure is not None:
        joints, vis, depth, source = figure.joints, figure.visibility.copy(), figure.depth, figure.method
        # the arms the border cuts are rigged at their full lengths, unfolded as the video's frame 0 is
        # (engine.same_skeleton_source); the picture is labelled from the model's elbows, the forearms put out
        rest = unfold_cut_arms(joints, vis, w, h)
        joints = _arms_to_elbows(rest, joints)
        left_hand, right_hand, chin = figure.left_hand, figure.right_hand, _mesh_chin(figure, w, h)
        # a hand in a pocket is not there to cut out (its pixels are the trousers'): the arm ends at the wrist
        for side in ("left", "right"):
            if figure.hand_tucked(side) and not _looks_like_face(image, joints, side):
                vis[[J[f"{side}_{k}"] for k in ("pinky", "index", "thumb")]] = 0.0
    else:
        raise RigError(f"{image_name}: no character skeleton could be found in this image (the pose model saw "
                       "no body, also on padded, rescaled and contrast-boosted copies, and no silhouette with "
                       "a head, two arms and two legs could be separated from the background). Fix: "
                       + HOW_TO_RIG)
    step(1)
    matte, matte_source = make_matte(image, joints, vis, seg, alpha, backdrop)
    if matte_source == "segmentation":  # a person mask leaves out tails, ears, capes: take them in
        shoulders = joints[[J["left_shoulder"], J["right_shoulder"]]]
        sw = float(np.linalg.norm(shoulders[0] - shoulders[1]))
        matte = with_attached_parts(image, matte, sw, shoulders_y=float(shoulders[:, 1].max()), person=seg,
                                    arm_gaps=arm_gap_zones(matte.shape, joints))
        matte = with_thin_head_parts(image, matte, joints, sw)  # (too thin for the growth's small copy)
    if matte.max() < 0.5:
        raise RigError(f"{image_name}: the character could not be separated from the background. Fix: use an "
                       "image with a plainer background or a transparent PNG, or " + HOW_TO_RIG)
    if source == "template":  # fitted to the silhouette: its knees are guesses, bent where the legs are not
        joints = knees_on_legs(joints, matte)
    step(2)
    # the background fill needs only the image and the matte as they are now, and nothing after it but the
    # finished rig uses it: it runs on a second thread, on its own copies, beside the parts and the layers (all
    # mostly OpenCV and numpy work, which releases the GIL)
    with ThreadPoolExecutor(1, thread_name_prefix="rig-background") as pool:
        filling = pool.submit(remove_character, image.copy(), matte.copy(), backdrop)
        labels, used = label_parts(matte, joints, vis, depth, image)
        if source == "template":  # fitted to the silhouette: thick legs with guessed knees and pads for feet,
            labels = upper_arms_as_drawn(legs_cut_at_knees(labels, joints), joints)  # oval arms over the body
        labels = sleeves_off_torso(hem_as_body(cuff_edges(labels, image, joints), joints), joints, image)
        labels, armpits = armpit_shadows_to_arms(labels, joints, image)
        straps = strap_lines(image, labels, joints, matte > 0.5)
        labels = straps_to_torso(labels, straps, joints, image)
        box = box_of_torso(labels, matte, drawn=source == "template")  # a drawn robot's box torso: rigid
        if box is not None:
            labels = torso_in_box(labels, box)
        # the layers' bones reach a squashed elbow's full length; the parts were labelled from the model's
        # elbow (a limb's thickness is measured along its bone: along one reaching past the border it came
        # out thin, and the sleeve's outer half was left to no part, torn out of the layer)
        rest = _arms_to_elbows(joints, rest)
        labels, joints = _sleeves_above_elbows_put_out(labels, joints, rest), rest
        if matte_source == "segmentation":
            span = shoulder_span(joints)
            # cut from the finished matte (the growth by colour takes a bar cut from the person mask back in,
            # white by white) once the parts are labelled: the bar's pixels are no part's, and the rest keep
            # theirs (labelled without it, the thigh's measured width shifted the parts round her hand, whose
            # lower half went to a drape that stayed behind as a skin fragment on the trousers)
            matte, labels = without_bars(matte, labels, image, seg, span)
            # a patch of pale sky the mask took in on a pale sleeve's outline: off the arm (rim_specks)
            matte, labels = backdrop_off_arms(matte, labels, image, span)
            # the wall the person mask closed over under a jaw, by a cheek: cut after labelling too (labelled
            # without it, character 1's hair went from the head to the torso)
            matte, labels = pockets_off(matte, labels, image, span)
        used = [p for p in used if (labels == PARTS.index(p)).any()]
        step(3)
        rig = Rig(width=w, height=h, joints=joints.astype(np.float32), visibility=vis.astype(np.float32),
                  depth=depth.astype(np.float32), source=source, image=image, matte=matte, labels=labels,
                  left_hand=left_hand, right_hand=right_hand, scale=scale,
                  meta={"matte": matte_source, "parts": used}, straps=straps, armpits=armpits,
                  box_torso=box is not None, chin=chin)
        rig.layers = build_layers(rig, spacing=mesh_spacing)
        rig.meta["tubes"] = tube_folded_arms(rig, rig.meta["mesh_spacing"])
        rig.meta["jointed"] = joint_bent_elbows(rig, rig.meta["mesh_spacing"], rig.meta["tubes"])
        rig.meta["drawn_from_twin"] = add_twin_limbs(rig)
        step(4)
        rig.background = filling.result()
    step(STEPS)
    return rig

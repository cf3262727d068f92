"""The character's figure in one image: where its 33 joints are, found once and shared by every consumer.

The preflight runs :func:`find_figure` to advise, and the puppet engine rigs from the same :class:`Figure`
instead of searching again. The search: MediaPipe on the image as it is and on copies that undo what hides a body
from it (padded, a crop around the figure, the mirror image, greys, edge-preserving smoothing, rescaled,
contrast-boosted) until two attempts agree, keeping the detection that best explains the figure's silhouette,
with its elbows moved to the ends of upper-arm tubes the model cut short (:mod:`.elbow_fit`);
then, for characters the pose model cannot read (mascots, robots, animals, drawings), a humanoid skeleton
fitted to the silhouette (from the image's transparency, a flat background colour, or GrabCut around a centred
figure) when a head, two arms and a torso can be told apart in it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from .elbow_fit import fit_elbows
from .estimator import detect_image
from .silhouette import (
    Backdrop,
    border_alpha,
    centred_alpha,
    fit_skeleton,
    fit_stick_figure,
    read_backdrop,
    silhouette_mismatch,
    told_apart,
)
from .skeleton import MIRROR_JOINTS, NUM_BODY, J
from .torso_fit import fit_thighs, fit_torso
from .track import PoseTrack

# What a detection must see to count as the character: head and both shoulders, clearly.
CORE_VISIBILITY = 0.5
# wrist-to-hip distance, in torso lengths, under which a hand the hand model cannot see is tucked away
TUCKED_WRIST = 0.3


@dataclass
class Figure:
    """A figure found in an image (pixels of that image, the character's own left/right).

    ``joints`` [33, 2]; ``visibility`` [33] (0: not shown, the position is a guess); ``depth`` [33] relative z
    (0 when unknown); ``method``: how it was found ("detected", "detected (padded)", ..., or "template": fitted
    to the silhouette); ``segmentation`` HxW float32 person mask (detections only); ``left_hand`` /
    ``right_hand`` [21, 2] or None; ``pose``: the detection as a one-frame track in the image's pixels (None for a
    silhouette fit).
    """

    joints: np.ndarray
    visibility: np.ndarray
    depth: np.ndarray
    method: str
    width: int
    height: int
    segmentation: np.ndarray | None = None
    left_hand: np.ndarray | None = None
    right_hand: np.ndarray | None = None
    pose: PoseTrack | None = field(default=None, repr=False)

    def hand_tucked(self, side: str) -> bool:
        """The ``side`` ("left"/"right") hand is hidden, as in a pocket: the hand model found no hand and the
        wrist sits against a hip (MediaPipe still guesses a hidden wrist with fair confidence)."""
        if not self.detected or (self.left_hand if side == "left" else self.right_hand) is not None:
            return False
        j = self.joints
        ms = (j[J["left_shoulder"]] + j[J["right_shoulder"]]) / 2
        mh = (j[J["left_hip"]] + j[J["right_hip"]]) / 2
        torso = max(float(np.linalg.norm(ms - mh)), 1e-3)
        wrist = j[J[f"{side}_wrist"]]
        to_hip = min(float(np.linalg.norm(wrist - j[J[h]])) for h in ("left_hip", "right_hip"))
        return to_hip / torso < TUCKED_WRIST

    @property
    def detected(self) -> bool:
        """Found by the pose model (a person), not fitted to a silhouette."""
        return self.method.startswith("detected")

    def resized(self, width: int, height: int) -> Figure:
        """The same figure in a ``width`` x ``height`` copy of the image."""
        if (width, height) == (self.width, self.height):
            return self
        s = np.array([width / self.width, height / self.height])
        seg = None if self.segmentation is None else cv2.resize(self.segmentation, (width, height),
                                                                 interpolation=cv2.INTER_LINEAR)
        return Figure(joints=self.joints * s, visibility=self.visibility, depth=self.depth * float(s[0]),
                      method=self.method, width=width, height=height, segmentation=seg,
                      left_hand=None if self.left_hand is None else self.left_hand * s,
                      right_hand=None if self.right_hand is None else self.right_hand * s, pose=self.pose)


def _person_ok(body: np.ndarray) -> bool:
    if np.isnan(body[:, 0]).all():
        return False
    return bool(np.min(body[[J["nose"], J["left_shoulder"], J["right_shoulder"]], 3]) > CORE_VISIBILITY)


def _clahe(img: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB)
    lab[:, :, 0] = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(lab[:, :, 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


@dataclass(frozen=True)
class _View:
    """A copy of the image to run the pose model on: ``copy = (image - offset) * scale``, then flipped left to
    right when ``mirrored``."""

    image: np.ndarray
    offset: tuple[float, float] = (0.0, 0.0)
    scale: float = 1.0
    mirrored: bool = False

    def to_image(self, xy: np.ndarray) -> np.ndarray:
        """Points [..., 2] (or more columns; the rest are kept) of the copy in the image's pixels."""
        out = np.array(xy, dtype=np.float64, copy=True)
        if self.mirrored:
            out[..., 0] = self.image.shape[1] - 1 - out[..., 0]
        out[..., 0] = out[..., 0] / self.scale + self.offset[0]
        out[..., 1] = out[..., 1] / self.scale + self.offset[1]
        return out

    def mask_to_image(self, mask: np.ndarray, w: int, h: int) -> np.ndarray:
        """A mask of the copy resampled onto the image (zero where the copy does not reach)."""
        s, (ox, oy) = self.scale, self.offset
        sx, tx = (-s, self.image.shape[1] - 1 + ox * s) if self.mirrored else (s, -ox * s)
        m = np.array([[sx, 0.0, tx], [0.0, s, -oy * s]])
        return cv2.warpAffine(mask.astype(np.float32), m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)


Attempt = tuple[str, Callable[[], _View]]
CROP_LONG_SIDE = 512  # a crop around the figure is enlarged to this: small figures in big pictures get pixels


def _figure_box(rough: np.ndarray, w: int, h: int) -> tuple[int, int, int, int] | None:
    """The silhouette's bounding box grown by a margin, or None when it is most of the picture anyway."""
    ys, xs = np.nonzero(rough > 0.5)
    if len(xs) == 0:
        return None
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    mx, my = int(0.2 * (x1 - x0)) + 4, int(0.15 * (y1 - y0)) + 4
    x0, y0, x1, y1 = max(0, x0 - mx), max(0, y0 - my), min(w, x1 + mx), min(h, y1 + my)
    return None if (x1 - x0) * (y1 - y0) > 0.7 * w * h else (x0, y0, x1, y1)


def _attempts(image: np.ndarray, rough: Callable[[], np.ndarray | None]) -> Iterator[Attempt]:
    """(name, make) pairs, cheapest and likeliest first: ``make()`` gives the :class:`_View` to run the pose
    model on. Each undoes something that hides a body from it: a figure touching the frame (padding), a small
    figure in a big picture (a crop around the silhouette, ``rough()``), a pose it reads only one way round
    (the mirror image), colours or flat shading it was not trained on (greys; an edge-preserving smoothing that
    flattens textures and grain), low contrast."""
    h, w = image.shape[:2]
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]]).reshape(-1, 3)
    fill = [int(c) for c in np.median(border, axis=0)]

    def padded(img: np.ndarray, frac: float = 0.3) -> _View:
        p = int(round(frac * max(img.shape[:2])))
        return _View(cv2.copyMakeBorder(img, p, p, p, p, cv2.BORDER_CONSTANT, value=fill), (-p, -p))

    def crop() -> _View | None:
        sil = rough()
        box = None if sil is None else _figure_box(sil, w, h)
        if box is None:
            return None
        x0, y0, x1, y1 = box
        s = CROP_LONG_SIDE / max(x1 - x0, y1 - y0)
        sub = cv2.resize(image[y0:y1, x0:x1], (max(1, round((x1 - x0) * s)), max(1, round((y1 - y0) * s))),
                         interpolation=cv2.INTER_CUBIC if s > 1 else cv2.INTER_AREA)
        return _View(sub, (x0, y0), s)

    def grey() -> _View:
        return _View(cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB))

    yield "as is", lambda: _View(image)
    yield "padded", lambda: padded(image)
    yield "crop", crop
    yield "mirrored", lambda: _View(np.ascontiguousarray(image[:, ::-1]), mirrored=True)
    yield "greys", grey
    yield "smoothed", lambda: _View(cv2.bilateralFilter(image, 9, 60, 9))
    long_side = max(h, w)
    target = 720 if long_side < 480 else 480
    if abs(long_side - target) > 100:
        sc = target / long_side
        yield "rescaled", lambda: _View(cv2.resize(image, (round(w * sc), round(h * sc)),
                                                   interpolation=cv2.INTER_AREA), scale=sc)
    yield "contrast", lambda: _View(_clahe(image))


def _to_image(track: PoseTrack, view: _View, w: int, h: int) -> PoseTrack:
    """A detection on a view, in the original image's pixels (a mirror image's left and right relabelled; its
    face mesh, whose points are not relabelled as easily, is left out)."""
    out = PoseTrack.empty(1, 0.0, w, h)
    body = track.body[0].copy()
    body[:, :2] = view.to_image(body[:, :2])
    body[:, 2] /= view.scale
    hands = [track.left_hand[0].copy(), track.right_hand[0].copy()]
    for arr in hands:
        arr[:, :2] = view.to_image(arr[:, :2])
    if view.mirrored:
        body = body[list(MIRROR_JOINTS)]
        hands = hands[::-1]
    else:
        face = track.face[0].copy()
        face[:, :2] = view.to_image(face[:, :2])
        out.face[0] = face
    out.body[0] = body
    out.left_hand[0], out.right_hand[0] = hands
    seg = track.meta.get("segmentation")
    if seg is not None:
        out.meta["segmentation"] = view.mask_to_image(seg, w, h)
    return out


def _facing_viewer(pose: PoseTrack) -> PoseTrack:
    """A figure whose face the model saw faces the viewer, so its left shoulder is on the image's right: when
    the model put it on the left (it read a drawn character as seen from behind), swap left and right."""
    body = pose.body[0]
    seen_face = not np.isnan(pose.face[0][:, 0]).all()
    if not seen_face or body[J["left_shoulder"], 0] >= body[J["right_shoulder"], 0]:
        return pose
    out = PoseTrack.empty(1, 0.0, pose.width, pose.height)
    out.body[0] = body[list(MIRROR_JOINTS)]
    out.left_hand[0], out.right_hand[0] = pose.right_hand[0], pose.left_hand[0]
    out.face[0] = pose.face[0]
    out.meta.update(pose.meta)
    out.meta["turned"] = True
    return out


def _figure_from(pose: PoseTrack, method: str) -> Figure:
    body = pose.body[0]
    hands = [None if np.isnan(arr[:, 0]).any() else arr[:, :2].astype(np.float64)
             for arr in (pose.left_hand[0], pose.right_hand[0])]
    return Figure(joints=body[:, :2].astype(np.float64), visibility=body[:, 3].astype(np.float64),
                  depth=body[:, 2].astype(np.float64), method=method, width=pose.width, height=pose.height,
                  segmentation=pose.meta.get("segmentation"), left_hand=hands[0], right_hand=hands[1], pose=pose)


# two detections agree when their head, shoulders, hips and wrists lie within this share of the torso's length
AGREEMENT = 0.25
_COMPARED = [J[n] for n in ("nose", "left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_wrist",
                            "right_wrist")]
# a detection seen from behind (left shoulder on the image's left) is less likely for a character picture than
# one facing the viewer: it must explain the silhouette this much better (a share of the figure's area) to win
BACK_VIEW_PENALTY = 0.05
TIE = 0.01  # silhouette mismatches closer than this are equally good


def _agree(a: Figure, b: Figure) -> bool:
    """Both place the head, shoulders, hips and wrists that both see (hips and hands out of the picture are
    guesses that need not agree) at nearly the same pixels."""
    ja, jb = a.joints, b.joints
    torso = np.linalg.norm(0.5 * (ja[J["left_shoulder"]] + ja[J["right_shoulder"]] - ja[J["left_hip"]]
                                  - ja[J["right_hip"]]))
    seen = (a.visibility[_COMPARED] > CORE_VISIBILITY) & (b.visibility[_COMPARED] > CORE_VISIBILITY)
    d = np.linalg.norm(ja[_COMPARED] - jb[_COMPARED], axis=1)
    return bool(seen.sum() >= 3 and np.all(d[seen] < AGREEMENT * max(float(torso), 1.0)))


def _nothing_there(rough: np.ndarray | None) -> bool:
    return rough is None or float((rough > 0.5).mean()) < 0.002


def _plain_person(pose: PoseTrack) -> bool:
    """The model saw a face, and head and shoulders clearly, facing the viewer: what it reads in photographs of
    people, where its first answer is right and copies would only cost time."""
    body = pose.body[0]
    core = [J[n] for n in ("nose", "left_shoulder", "right_shoulder")]
    return (not pose.meta.get("turned") and not np.isnan(pose.face[0][:, 0]).all()
            and bool(np.min(body[core, 3]) > 0.8) and body[J["left_shoulder"], 0] > body[J["right_shoulder"], 0])


def _from_behind(f: Figure) -> bool:
    return bool(f.joints[J["left_shoulder"], 0] < f.joints[J["right_shoulder"], 0])


def detect_figure(image_rgb: np.ndarray, rough: Callable[[], np.ndarray | None] | None = None) -> Figure | None:
    """The pose model's figure: on the image and on copies of it (see :func:`_attempts`) until two attempts
    agree; of all it found, the one that best explains the figure's silhouette (``rough()``, when there is one),
    preferring a figure that faces the viewer.

    A drawn character often fools the model into a plausible but wrong skeleton (limbs swapped, an arm on the
    body), so one detection is not trusted on its own when the copies can be checked against each other."""
    image = np.ascontiguousarray(image_rgb)
    h, w = image.shape[:2]
    silhouette = rough if rough is not None else (lambda: None)
    found: list[Figure] = []
    for tried, (name, make) in enumerate(_attempts(image, silhouette)):
        if tried == 2 and not found and _nothing_there(silhouette()):
            return None  # no body on the image or padded, and no figure stands out from the background either
        view = make()
        if view is None:
            continue
        track = detect_image(np.ascontiguousarray(view.image), segmentation=True)
        if not _person_ok(track.body[0]):
            continue
        pose = _facing_viewer(_to_image(track, view, w, h))
        method = "detected" if name == "as is" else f"detected ({name})"
        if pose.meta.get("turned"):
            method += ", turned to face the viewer"
        figure = _figure_from(pose, method)
        if name == "as is" and _plain_person(pose):
            return _elbows_on_arms(figure, image)
        agreed = any(_agree(figure, f) for f in found)
        found.append(figure)
        if agreed:
            break
    if not found:
        return None
    sil = silhouette()
    if sil is None:
        return _elbows_on_arms(found[0], image)
    if all(_agree(found[0], f) for f in found[1:]):
        return _elbows_on_arms(_torso_on_silhouette(found[0], sil), image, sil)
    bad = [silhouette_mismatch(sil, f.joints) + (BACK_VIEW_PENALTY if _from_behind(f) else 0.0) for f in found]
    # near ties go to the earlier attempt: the less altered copy of the picture
    best = next(f for f, b in zip(found, bad, strict=True) if b <= min(bad) + TIE)
    return _elbows_on_arms(_torso_on_silhouette(best, sil), image, sil)


def _with_joints(figure: Figure, joints: np.ndarray, how: str) -> Figure:
    """``figure`` with its joints (and its one-frame pose's) replaced, ``how`` added to its method; itself when
    nothing moved."""
    if np.allclose(joints, figure.joints, equal_nan=True):
        return figure
    pose = figure.pose
    if pose is not None:
        body = pose.body.copy()
        body[0, :, :2] = joints.astype(body.dtype)
        pose = replace(pose, body=body)
    return replace(figure, joints=joints, method=f"{figure.method}, {how}", pose=pose)


def _torso_on_silhouette(figure: Figure, silhouette: np.ndarray) -> Figure:
    """A drawn character's detection with the hips of a body cut by the picture's bottom moved down to a usual
    torso length below the shoulders (:func:`fit_torso`), and legs cut above their knees straightened along the
    thighs it shows (:func:`fit_thighs`)."""
    mask = silhouette > 0.5
    figure = _with_joints(figure, fit_torso(mask, figure.joints), "hips placed from the silhouette")
    return _with_joints(figure, fit_thighs(mask, figure.joints), "thighs along the silhouette's")


def _elbows_on_arms(figure: Figure, image: np.ndarray, silhouette: np.ndarray | None = None) -> Figure:
    """A detection with elbows the pose model put part-way up an upper-arm tube moved to the tube's end
    (:func:`fit_elbows`). Read within the pose model's person mask, and the rough silhouette when there is one:
    each lets some background in, rarely the same."""
    masks = [m > 0.5 for m in (figure.segmentation, silhouette) if m is not None]
    if not masks:
        return figure
    mask = np.logical_and.reduce(masks)
    return _with_joints(figure, fit_elbows(image, mask, figure.joints), "elbows placed at the arms' ends")


def _transparent(alpha: np.ndarray | None) -> bool:
    """The picture's transparency cuts a figure out (more than 2% of it is see-through): its silhouette."""
    return alpha is not None and bool((alpha < 128).mean() > 0.02)


def silhouette_of(image_rgb: np.ndarray, alpha: np.ndarray | None = None,
                  backdrop: Backdrop | None = None) -> np.ndarray | None:
    """A rough foreground (HxW float32 0..1) without a pose: the image's transparency when it has some, else the
    flat background's colour model, else GrabCut from a figure in the middle of a busy picture; None when none
    separates a figure. ``backdrop``: the image's, when already read."""
    if _transparent(alpha):
        return alpha.astype(np.float32) / 255.0
    flat = border_alpha(image_rgb, backdrop)
    return flat if flat is not None else centred_alpha(image_rgb)


def _fitted(rough: np.ndarray, exact: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """A skeleton fitted to the silhouette: the medial-axis fit (five extremities) and the stick-figure fit
    (any pose, upper bodies), whichever explains the silhouette better among those that pass; ``exact``: the
    silhouette is drawn art's or a transparent picture's, sure enough for the fit's looser body plans."""
    fits = [f for f in (fit_skeleton(rough), fit_stick_figure(rough, exact))
            if f is not None and told_apart(rough, f[0], exact)]
    if not fits:
        return None
    return min(fits, key=lambda f: silhouette_mismatch(rough, f[0]))


# a detection in drawn art that explains the silhouette worse than this (a share of the figure's area; detections
# that are right score 0.1 to 0.45) misread the character: a penguin's belly read as a person's legs, no arms
MISREAD = 1.0


def _misread(found: Figure, drawn: bool, rough: Callable[[], np.ndarray | None]) -> bool:
    """The pose model's figure in ``drawn`` art (a backdrop flat to the level) is far from the silhouette's
    shape: a silhouette fit that explains it better is to replace it. Photographs keep their detection,
    unchecked: their rough silhouette (GrabCut, a wall's colour) is not sure enough to overrule the model."""
    if not drawn:
        return False
    silhouette = rough()
    return silhouette is not None and silhouette_mismatch(silhouette, found.joints) > MISREAD


def find_figure(image_rgb: np.ndarray, alpha: np.ndarray | None = None,
                backdrop: Backdrop | None = None) -> Figure | None:
    """The character's figure in ``image_rgb`` (HxWx3 uint8; ``alpha`` HxW uint8 when the file has one), or None
    when neither the pose model nor a silhouette fit finds a head, two arms and a torso. In drawn art, a detection
    that explains the silhouette far worse than a fit that passes (:func:`_misread`) gives way to the fit.
    ``backdrop``: the image's (:func:`read_backdrop`), when the caller has read it for its own use too."""
    backdrop = read_backdrop(image_rgb) if backdrop is None else backdrop
    cache: list[np.ndarray | None] = []

    def rough() -> np.ndarray | None:
        if not cache:
            cache.append(silhouette_of(image_rgb, alpha, backdrop))
        return cache[0]

    found = detect_figure(image_rgb, rough)
    drawn = backdrop.drawn
    if found is not None and not _misread(found, drawn, rough):
        return found
    sil = rough()
    exact = drawn or _transparent(alpha)
    fitted = _fitted(sil, exact) if sil is not None else None
    if fitted is None or (found is not None and silhouette_mismatch(sil, fitted[0]) >= silhouette_mismatch(
            sil, found.joints)):
        return found
    joints, vis = fitted
    h, w = image_rgb.shape[:2]
    return Figure(joints=joints, visibility=vis, depth=np.zeros(NUM_BODY), method="template", width=w, height=h)

"""The character's figure in one image: where its 33 joints are, found once and shared by every consumer.

The preflight runs :func:`find_figure` to advise, and the puppet engine rigs from the same :class:`Figure`
instead of searching again. The search: MediaPipe on the image as it is and, when it sees nobody, on padded,
rescaled and contrast-boosted copies; then a humanoid skeleton fitted to the silhouette (from the image's
transparency or a flat background colour), for characters the pose model cannot read.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from .estimator import detect_image
from .silhouette import border_alpha, fit_skeleton
from .skeleton import NUM_BODY, J
from .track import PoseTrack

# What a detection must see to count as the character: head and both shoulders, clearly.
CORE_VISIBILITY = 0.5


@dataclass
class Figure:
    """A figure found in an image (pixels of that image, the character's own left/right).

    ``joints`` [33, 2]; ``visibility`` [33] (0: not shown, the position is a guess); ``depth`` [33] relative z
    (0 when unknown); ``method``: how it was found ("detected", "detected (padded)", ..., or "template": fitted
    to the silhouette); ``segmentation`` HxW float32 person mask (detections only); ``left_hand`` /
    ``right_hand`` [21, 2] or None; ``pose``: the detection as a one-frame track in the image's pixels (None for a silhouette fit).
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


Attempt = tuple[str, Callable[[], tuple[np.ndarray, int, float]]]


def _attempts(image: np.ndarray) -> Iterator[Attempt]:
    """(name, make) pairs: ``make()`` gives (image copy, padding in pixels, scale) to run the pose model on."""
    h, w = image.shape[:2]
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]]).reshape(-1, 3)
    fill = [int(c) for c in np.median(border, axis=0)]

    def padded(img: np.ndarray, frac: float = 0.3) -> tuple[np.ndarray, int, float]:
        p = int(round(frac * max(img.shape[:2])))
        return cv2.copyMakeBorder(img, p, p, p, p, cv2.BORDER_CONSTANT, value=fill), p, 1.0

    yield "as is", lambda: (image, 0, 1.0)
    yield "padded", lambda: padded(image)
    long_side = max(h, w)
    target = 720 if long_side < 480 else 480
    if abs(long_side - target) > 100:
        sc = target / long_side
        yield "rescaled", lambda: (cv2.resize(image, (round(w * sc), round(h * sc)), interpolation=cv2.INTER_AREA),
                                   0, sc)
    yield "contrast", lambda: (_clahe(image), 0, 1.0)
    yield "padded+contrast", lambda: padded(_clahe(image))


def _to_image(track: PoseTrack, pad: int, scale: float, w: int, h: int) -> PoseTrack:
    """A detection on a padded / rescaled copy, in the original image's pixels."""
    out = PoseTrack.empty(1, 0.0, w, h)
    out.body[0] = track.body[0]
    out.body[0, :, :3] = (track.body[0, :, :3] - np.array([pad, pad, 0.0])) / scale
    for name in ("left_hand", "right_hand", "face"):
        arr = getattr(track, name)[0].copy()
        arr[:, :2] = (arr[:, :2] - pad) / scale
        getattr(out, name)[0] = arr
    seg = track.meta.get("segmentation")
    if seg is not None:
        ih, iw = seg.shape[:2]
        seg = seg[pad:ih - pad, pad:iw - pad] if pad else seg
        out.meta["segmentation"] = cv2.resize(seg, (w, h), interpolation=cv2.INTER_LINEAR)
    return out


def detect_figure(image_rgb: np.ndarray) -> Figure | None:
    """The pose model's figure: on the image, then on padded / rescaled / contrast-boosted copies."""
    h, w = image_rgb.shape[:2]
    for name, make in _attempts(np.ascontiguousarray(image_rgb)):
        img, pad, sc = make()
        track = detect_image(np.ascontiguousarray(img), segmentation=True)
        if not _person_ok(track.body[0]):
            continue
        pose = _to_image(track, pad, sc, w, h)
        body = pose.body[0]
        hands = [None if np.isnan(arr[:, 0]).any() else arr[:, :2].astype(np.float64)
                 for arr in (pose.left_hand[0], pose.right_hand[0])]
        method = "detected" if name == "as is" else f"detected ({name})"
        return Figure(joints=body[:, :2].astype(np.float64), visibility=body[:, 3].astype(np.float64),
                      depth=body[:, 2].astype(np.float64), method=method,
                      width=w, height=h, segmentation=pose.meta.get("segmentation"), left_hand=hands[0],
                      right_hand=hands[1], pose=pose)
    return None


def silhouette_of(image_rgb: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray | None:
    """A rough foreground (HxW float32 0..1) without a pose: the image's transparency when it has some, else the
    flat background's colour model; None when neither separates a figure."""
    if alpha is not None and (alpha < 128).mean() > 0.02:
        return alpha.astype(np.float32) / 255.0
    return border_alpha(image_rgb)


def find_figure(image_rgb: np.ndarray, alpha: np.ndarray | None = None) -> Figure | None:
    """The character's figure in ``image_rgb`` (HxWx3 uint8; ``alpha`` HxW uint8 when the file has one), or None
    when neither the pose model nor a silhouette fit finds head, arms, torso and legs."""
    found = detect_figure(image_rgb)
    if found is not None:
        return found
    rough = silhouette_of(image_rgb, alpha)
    fitted = fit_skeleton(rough) if rough is not None else None
    if fitted is None:
        return None
    joints, vis = fitted
    h, w = image_rgb.shape[:2]
    return Figure(joints=joints, visibility=vis, depth=np.zeros(NUM_BODY), method="template", width=w, height=h)

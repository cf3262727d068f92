"""The model's inputs, made by our own analysis instead of Wan's preprocessing (ViTPose, SAM2), in the forms
WanAnimatePipeline expects. All frames are RGB uint8 at the generated size unless said otherwise.

``pose_video`` - Wan's preprocessing draws each frame's skeleton with ``draw_aapose_by_meta_new`` on black: the
  20 points OpenPose body (COCO-18 plus the two big toes) as ellipses in OpenPose's colours at 60%, joints as
  full-colour discs, stick width ``max(min(H, W) // 200 - 1, 1)``; hands as 21-point rainbow lines 4 px wide with
  blue joints 4 px; no face points. We draw the same picture from the *retargeted* track (the actor's bone
  directions, the character's bone lengths and place, from ``pose.retarget``), MediaPipe's joints mapped to OpenPose's
  (neck = mid-shoulders, toes = MediaPipe's foot index points), joints kept at visibility 0.5 as Wan keeps scores
  of 0.5.
``face_video`` - Wan crops the *actor's* face from each motion frame: the box of the 68 face landmarks, its area
  grown 1.3x (the extra height put 3:1 above:below, for the forehead), cut from the frame and stretched to
  ``motion_encoder_size`` (512) square. We take the same 68 landmarks from MediaPipe's face mesh
  (``pose.openpose.face70``) and the same box; frames without a face mesh get the box interpolated from
  neighbouring frames, or, with no mesh at all, a box around the body model's head points.
``background_video`` / ``mask_video`` (replace mode) - Wan's recipe (``--iterations 3 --k 7 --w_len 1 --h_len 1``)
  dilates the actor's SAM2 mask by 9 px and takes its bounding box; the background is the frame with that box
  blacked out, the mask is white inside it. We take the box around the actor's joints (grown by the body's size
  for hair, hands and clothes) together with the box around the character's retargeted joints (where the
  character will stand), dilated 9 px at 720p.
``image`` - the character image fitted whole into the generated frame (letterboxed, the bars filled with its
  stretched edges, as diffusers' ``WanAnimateImageProcessor`` does with ``fill_color=None``); with a still
  background (an image or a colour) the character is first cut out with the image's person mask and laid on it.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ...pose.draw import HAND_COLORS, limb_polygon
from ...pose.openpose import body18, face70, hand21
from ...pose.skeleton import HAND_BONES, J
from ...pose.track import PoseTrack
from ...media.framing import fit

SCORE_MIN = 0.5
# Wan's 20-point body: OpenPose COCO-18 then left toe, right toe (1-based limb pairs as in Wan's drawer).
WAN_LIMBS = ((2, 3), (2, 6), (3, 4), (4, 5), (6, 7), (7, 8), (2, 9), (9, 10), (10, 11), (2, 12), (12, 13),
             (13, 14), (2, 1), (1, 15), (15, 17), (1, 16), (16, 18), (14, 19), (11, 20))
WAN_COLORS = ((255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0), (0, 255, 0),
              (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255), (0, 0, 255), (85, 0, 255),
              (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85), (200, 200, 0), (100, 100, 0))
HAND_WIDTH = 4
HAND_POINT = (0, 0, 255)
FACE_AREA_SCALE = 1.3
MASK_DILATE_720P = 9  # px: a 7x7 kernel applied 3 times


# ------------------------------------------------------------------------------------------------ pose video
def body20(body: np.ndarray) -> np.ndarray:
    """[33, 4] MediaPipe joints (x, y, z, visibility) -> [20, 3] Wan's body points (x, y, score)."""
    out = np.zeros((20, 3), np.float32)
    out[:18] = body18(body)
    for k, joint in ((18, J["left_foot_index"]), (19, J["right_foot_index"])):
        if np.isfinite(body[joint, :2]).all():
            out[k] = (body[joint, 0], body[joint, 1], body[joint, 3])
    return out


def draw_wan_pose(height: int, width: int, body: np.ndarray, left_hand: np.ndarray | None = None,
                  right_hand: np.ndarray | None = None) -> np.ndarray:
    """One pose frame as Wan's preprocessing draws it (see the module docstring); arrays in pixels."""
    import cv2

    canvas = np.zeros((height, width, 3), np.uint8)
    stick = max(int(min(height, width) / 200) - 1, 1)
    kp = body20(body)
    for (a, b), color in zip(WAN_LIMBS, WAN_COLORS):
        pa, pb = kp[a - 1], kp[b - 1]
        if pa[2] < SCORE_MIN or pb[2] < SCORE_MIN:
            continue
        cv2.fillConvexPoly(canvas, limb_polygon(pa, pb, stick), [int(c * 0.6) for c in color])
    for point, color in zip(kp, WAN_COLORS):
        if point[2] >= SCORE_MIN:
            cv2.circle(canvas, (int(point[0]), int(point[1])), stick, color, thickness=-1)
    for hand in (left_hand, right_hand):
        if hand is None:
            continue
        pts = hand21(hand)
        if pts[0, 2] < SCORE_MIN:
            continue
        for (a, b), color in zip(HAND_BONES, HAND_COLORS):
            cv2.line(canvas, (int(pts[a, 0]), int(pts[a, 1])), (int(pts[b, 0]), int(pts[b, 1])), color,
                     thickness=HAND_WIDTH)
        for x, y, _ in pts:
            cv2.circle(canvas, (int(x), int(y)), HAND_WIDTH, HAND_POINT, thickness=-1)
    return canvas


# ------------------------------------------------------------------------------------------------ face video
def face_boxes(track: PoseTrack) -> np.ndarray:
    """[T, 4] (x0, x1, y0, y1) face crop boxes in the track's pixels (Wan's ``get_face_bboxes``, scale 1.3)."""
    T = len(track)
    lo = np.full((T, 2), np.nan)
    hi = np.full((T, 2), np.nan)
    for i in range(T):
        pts = face70(track.face[i])
        if pts[0, 2] > 0:
            lo[i], hi[i] = pts[:68, :2].min(axis=0), pts[:68, :2].max(axis=0)
    if np.isnan(lo[:, 0]).all():  # no face mesh anywhere: a landmark-sized box from the body's head points
        head = track.body[:, :11, :2].astype(np.float64)
        ears = np.linalg.norm(head[:, J["left_ear"]] - head[:, J["right_ear"]], axis=1)
        eyes = head[:, [J["left_eye"], J["right_eye"]]].mean(axis=1)
        mouth = head[:, [J["mouth_left"], J["mouth_right"]]].mean(axis=1)
        centre_x = np.nanmean(head[:, :, 0], axis=1) if T else np.zeros(0)
        lo = np.stack([centre_x - 0.5 * ears, eyes[:, 1] - 0.35 * ears], axis=1)
        hi = np.stack([centre_x + 0.5 * ears, mouth[:, 1] + 0.45 * ears], axis=1)
    lo, hi = _fill_gaps(lo, track), _fill_gaps(hi, track)
    size = np.maximum(hi - lo, 1.0)
    area = size[:, 0] * size[:, 1] * FACE_AREA_SCALE
    new_w = np.sqrt(area * size[:, 0] / size[:, 1])
    new_h = np.sqrt(area * size[:, 1] / size[:, 0])
    dw, dh = (new_w - size[:, 0]) / 2, (new_h - size[:, 1]) / 4
    x0 = np.maximum(lo[:, 0] - dw, 0)
    x1 = np.minimum(hi[:, 0] + dw, track.width)
    y0 = np.maximum(lo[:, 1] - 3 * dh, 0)
    y1 = np.minimum(hi[:, 1] + dh, track.height)
    return np.stack([x0, x1, y0, y1], axis=1).astype(np.int64)


def _fill_gaps(points: np.ndarray, track: PoseTrack) -> np.ndarray:
    """Interpolate frames without a value from the nearest frames that have one (a centred box if none)."""
    out = points.copy()
    ok = np.isfinite(out).all(axis=1)
    if not ok.any():
        out[:] = (track.width / 2, track.height / 4)
        return out
    t = np.arange(len(out))
    for c in range(out.shape[1]):
        out[:, c] = np.interp(t, t[ok], out[ok, c])
    return out


def face_crop(frame: np.ndarray, box: np.ndarray, size: int) -> np.ndarray:
    """The face box cut from ``frame`` and stretched to ``size`` x ``size`` (as Wan's preprocessing does)."""
    import cv2

    x0, x1, y0, y1 = (int(v) for v in box)
    x1, y1 = max(x1, x0 + 2), max(y1, y0 + 2)
    crop = frame[y0:y1, x0:x1]
    if crop.size == 0:
        crop = frame
    interp = cv2.INTER_AREA if crop.shape[0] > size else cv2.INTER_LINEAR
    return cv2.resize(crop, (size, size), interpolation=interp)


# ------------------------------------------------------------------------------------------- replace mode
def body_boxes(body: np.ndarray, hands: tuple[np.ndarray, ...], frame_wh: tuple[int, int]) -> np.ndarray:
    """[T, 4] (x0, y0, x1, y1) around a body: its seen joints and hands, grown by the torso's length for hair,
    hands and clothes (0.35 sideways, 0.6 above, 0.15 below), clipped to the frame."""
    vis = np.nan_to_num(body[:, :, 3], nan=0.0) >= SCORE_MIN
    pts = np.where(vis[..., None], body[:, :, :2], np.nan)
    pts = np.concatenate([pts] + [h[:, :, :2] for h in hands], axis=1).astype(np.float64)
    with np.errstate(all="ignore"):
        x0, y0 = np.nanmin(pts[..., 0], axis=1), np.nanmin(pts[..., 1], axis=1)
        x1, y1 = np.nanmax(pts[..., 0], axis=1), np.nanmax(pts[..., 1], axis=1)
        ms = body[:, [J["left_shoulder"], J["right_shoulder"]], :2].mean(axis=1)
        mh = body[:, [J["left_hip"], J["right_hip"]], :2].mean(axis=1)
        torso = float(np.nanmedian(np.linalg.norm(ms - mh, axis=1)))
    if not np.isfinite(torso):
        torso = 0.25 * frame_wh[1]
    boxes = np.stack([x0 - 0.35 * torso, y0 - 0.6 * torso, x1 + 0.35 * torso, y1 + 0.15 * torso], axis=1)
    boxes = np.nan_to_num(boxes, nan=-1.0)  # frames without a body get an empty box
    w, h = frame_wh
    return np.clip(np.round(boxes), [0, 0, 0, 0], [w, h, w, h]).astype(np.int64)


def replace_mask(height: int, width: int, boxes: list[np.ndarray]) -> np.ndarray:
    """White (255) inside the dilated boxes, black elsewhere: where the model paints the character."""
    mask = np.zeros((height, width), np.uint8)
    grow = int(round(MASK_DILATE_720P * min(height, width) / 720))
    for x0, y0, x1, y1 in boxes:
        if x1 > x0 and y1 > y0:
            mask[max(0, y0 - grow):min(height, y1 + grow), max(0, x0 - grow):min(width, x1 + grow)] = 255
    return mask


# ----------------------------------------------------------------------------------------------- reference
def fit_reference(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """The character image whole inside the generated frame (letterbox, stretched-edge bars)."""
    return fit(rgb, width, height, how="letterbox")


def composite(rgb: np.ndarray, person: np.ndarray, background: np.ndarray | tuple[int, int, int]) -> np.ndarray:
    """The character (``person``: 0..1 mask, HxW) laid on a still background (an image, covered, or a colour)."""
    h, w = rgb.shape[:2]
    if isinstance(background, tuple):
        bg = np.empty_like(rgb)
        bg[:] = background
    else:
        bg = fit(background, w, h, how="cover")
    a = np.clip(person.astype(np.float32), 0, 1)[..., None]
    return (rgb * a + bg * (1 - a) + 0.5).astype(np.uint8)


# ----------------------------------------------------------------------------------------- motion frames
class VideoWindow:
    """The motion video's frames at the run's rate, decoded once and in order, kept only while still needed
    (segments overlap, and the last one reads back past the end), so a 30 s clip is never all in memory."""

    def __init__(self, frames: Iterator[np.ndarray]) -> None:
        self._frames = frames
        self._cache: dict[int, np.ndarray] = {}
        self._next = 0
        self._last: np.ndarray | None = None

    def get(self, i: int) -> np.ndarray:
        while self._next <= i:
            frame = next(self._frames, None)
            if frame is None:  # the decoder can yield one frame fewer than the track: hold the last one
                if self._last is None:
                    raise ValueError("the motion video has no frames")
                frame = self._last
            self._cache[self._next] = self._last = frame
            self._next += 1
        return self._cache[i]

    def release_before(self, i: int) -> None:
        for k in [k for k in self._cache if k < i]:
            del self._cache[k]

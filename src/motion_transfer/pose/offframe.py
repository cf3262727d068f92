"""Arms the video does not show: a pose model folds them into the frame; they are sent back out of it.

When a close-up's hands are below the frame, MediaPipe does not say so: it puts the elbow on the bottom edge
and folds a stub of a forearm back into the picture, or lays it along the edge, often at a high visibility
(TikTok clip 5, whose hands are out of view until its last second: wrists 20-80 px inside the bottom edge at
visibility 0.8-0.97, forearms a tenth to a third of their full length). Retargeted as they are, the character
raises its hands into the frame where the actor's were never seen (a drawn hand at each side of the waist).

The tell: an elbow just inside the bottom edge with a forearm much shorter than its full length, or laid along
the edge, for a good part of a second. A real forearm pointing at the camera from an elbow at the edge would be
as short, and one crossing the belly at the frame's very bottom would lie as low, but both are rare in a dance,
and a hand sent out of view costs less than one invented. Only at the bottom edge, below which the body goes on:
an elbow at a side edge (or outside) with a short forearm inside is as often a hand reaching in towards the
camera (clip 5's last second). Such arms are sent out of view: at their full lengths, the forearm continuing the
upper arm and bent down, easing in and out over a fraction of a second so the arm never jumps.
"""
from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d, maximum_filter1d

from .skeleton import VIS_MIN, J
from .smoothing import runs

# an elbow inside the frame this close to its bottom edge (in full forearm lengths) may have its forearm squashed
EDGE = 0.25
# ... and the forearm is squashed when it is shorter than this share of its full length (TikTok clip 5's folded
# stubs: 0.1-0.35 of it; forearms seen whole beside the edge in clips 0 and 4: 0.6 and longer)
SQUASH = 0.5
# ... or when it lies along the bottom edge, its wrist inside the frame this close to it (in full forearm
# lengths; clip 5: forearms laid across the belly 10-50 px above the edge while the hands are out of view)
ALONG = 0.3
# squashed this long at least (seconds): a forearm swinging through the edge is short for a frame (clips 0 and 4);
# gaps as short between squashed frames are squashed too (the elbow guessed just outside the edge for a frame)
MIN_SQUASH_S = 0.2
# a forearm is at least this share of the upper arm (people: 0.8-0.85; the TikTok clips' full lengths: 0.77-1.0):
# an actor whose forearms are squashed in every frame that shows them never shows their full length
FOREARM_OF_UPPER_ARM = 0.8
# sending an arm out of view eases in and out over this many seconds
EASE_S = 0.1
# ... but never across a frame that shows the forearm whole: its wrist inside the picture, this sure (the model's
# visibility), neither short nor along the bottom edge (TikTok clip 5's left hand raised into the picture at its
# last second: eased out over the five frames after its stub, the arm was pulled down to the frame's edge and short
# while the hand was seen beside the face)
SURE = 0.75
SIDES = ("left", "right")
# ... and a guessed elbow this close to the image's border (in full upper-arm lengths), or past it, is where the
# model squashes an arm the border cuts (TikTok character 5: her left elbow 56 px above the bottom edge, a fifth
# of her other upper arm's length, at visibility 0.21, that upper arm 0.69 of the other's)
BORDER = 0.25
# the joints that move with each forearm: its wrist and the hand's points the pose model gives
FOREARM_JOINTS = {side: tuple(J[f"{side}_{j}"] for j in ("wrist", "pinky", "index", "thumb")) for side in SIDES}


def squashed_forearms(pts: np.ndarray, width: int, height: int, forearm: np.ndarray, fps: float,
                      vis: np.ndarray | None = None) -> np.ndarray:
    """[T, 2] how far (0 to 1) each arm (left, right) is sent out of view, per frame: 1 where its forearm is
    squashed, easing to 0 before and after, but not past a frame that shows the forearm whole and sure (``SURE``).

    ``pts`` [T, >=33, 2] the actor's joints (video pixels), ``forearm`` [T] the actor's full forearm length in
    pixels per frame (its distance to the camera included), ``vis`` [T, >=33] their visibility (None: no frame is
    sure)."""
    T = len(pts)
    out = np.zeros((T, 2))
    ease = max(1.0, EASE_S * fps)
    shortest = max(2, round(MIN_SQUASH_S * fps))
    for s, side in enumerate(SIDES):
        elbow, wrist = pts[:, J[f"{side}_elbow"]], pts[:, J[f"{side}_wrist"]]
        inside = (elbow[:, 0] >= 0) & (elbow[:, 0] < width) & (elbow[:, 1] < height)
        low = height - elbow[:, 1] < EDGE * forearm
        short = np.linalg.norm(wrist - elbow, axis=1) < SQUASH * forearm
        along = (wrist[:, 1] < height) & (height - wrist[:, 1] < ALONG * forearm)
        squashed = inside & low & (short | along)
        for a, b in runs(~squashed):
            if 0 < a and b < T and b - a < shortest:
                squashed[a:b] = True
        flag = np.zeros(T)
        for a, b in runs(squashed):
            if b - a >= shortest:
                flag[a:b] = 1.0
        if flag.any():
            # fully out in every squashed frame, easing in before and out after
            wide = maximum_filter1d(flag, 2 * round(ease) + 1, mode="nearest")
            eased = np.maximum(flag, gaussian_filter1d(wide, ease, mode="nearest", truncate=2.0))
            seen = (wrist >= 0).all(axis=1) & (wrist[:, 0] < width) & (wrist[:, 1] < height) & ~short & ~along
            sure = seen & (vis[:, J[f"{side}_wrist"]] >= SURE) if vis is not None else np.zeros(T, bool)
            # the easing stops at the first sure frame on either side of a squashed run (a frame between two
            # squashed ones stays squashed, however sure: clip 5's forearm across the belly at its frame 2)
            reach = np.zeros(T, bool)
            for a, b in runs(~sure | (flag > 0)):
                reach[a:b] = flag[a:b].any()
            out[:, s] = np.where(reach, eased, 0.0)
    return out


def send_out_of_view(pts: np.ndarray, weight: np.ndarray, upper_arm: np.ndarray, forearm: np.ndarray) -> np.ndarray:
    """``pts`` [T, >=33, 2] with each arm sent out of view by ``weight`` [T, 2] (see :func:`squashed_forearms`):
    its elbow, wrist and hand's points moved a ``weight`` of the way from where the pose model put them to where
    an arm of full lengths (``upper_arm``, ``forearm`` [T]) puts them: the upper arm in its direction, no shorter
    than its full length (the model squashes an elbow below the frame onto its edge as well: TikTok clip 5's
    upper arms are a sixth short there, and the sleeves' hems and the tops of the forearms drawn under them
    showed at the bottom edge), the forearm continuing it, bent down (out through the frame's bottom edge, where
    the body goes on), the hand straight on from it. Moving the points, not turning the forearm by a share of the
    angle, keeps them continuous however the model's forearm swings (half of a turn the shortest way round jumps
    where the shortest way changes sides)."""
    out = pts.copy()
    for s, side in enumerate(SIDES):
        moving = np.flatnonzero(weight[:, s] > 0)
        if not len(moving):
            continue
        w = weight[moving, s][:, None]
        shoulder = pts[moving, J[f"{side}_shoulder"]]
        elbow, wrist = pts[moving, J[f"{side}_elbow"]], pts[moving, J[f"{side}_wrist"]]
        upper = elbow - shoulder
        reach = np.linalg.norm(upper, axis=1, keepdims=True)
        along = upper / np.maximum(reach, 1e-6)
        full_elbow = shoulder + np.maximum(reach, upper_arm[moving, None]) * along
        goal = along + [0.0, 1.0]
        goal /= np.maximum(np.linalg.norm(goal, axis=1, keepdims=True), 1e-6)
        # the hand straight on from the forearm: the model's hand on a folded stub is often folded back over it,
        # and a hand turned back at the wrist by half a turn tears the arm layer's mesh up into the frame
        knuckles = (pts[moving, J[f"{side}_index"]] + pts[moving, J[f"{side}_pinky"]]) / 2 - wrist
        turn = np.arctan2(goal[:, 1], goal[:, 0]) - np.arctan2(knuckles[:, 1], knuckles[:, 0])
        c, si = np.cos(turn), np.sin(turn)
        goal_wrist = full_elbow + forearm[moving, None] * goal
        out[moving, J[f"{side}_elbow"]] = (1.0 - w) * elbow + w * full_elbow
        for j in FOREARM_JOINTS[side]:
            rel = pts[moving, j] - wrist
            placed = goal_wrist + np.stack([c * rel[:, 0] - si * rel[:, 1], si * rel[:, 0] + c * rel[:, 1]], axis=1)
            out[moving, j] = (1.0 - w) * pts[moving, j] + w * placed
    return out


def unfold_cut_upper_arms(joints: np.ndarray, vis: np.ndarray, width: int, height: int) -> np.ndarray:
    """A still image's ``joints`` ([33 or more, 2], a ``width`` x ``height`` image, visibility ``vis``) with each
    upper arm whose elbow the pose model guessed (less than ``VIS_MIN``: the retargeting then gives that upper arm
    its twin's proportion) at or past the image's border, shorter than its seen twin's upper arm, put out to that
    length along its own direction (the forearm and the hand's points moved with the elbow).

    The model squashes an elbow the border cuts onto the border in a still as it does in a video (TikTok character
    5: her left upper arm, a puffed sleeve the bottom edge cuts, 0.69 of her right one). The motion gives that arm
    its full length (the retargeting takes an unsure upper arm's proportion from its twin, and sends a squashed
    video arm out to its full length), so the sleeve drawn over the short rest bone was stretched 1.17 to 1.45
    times along the arm in every frame, its hem and the forearm under it pulled up into the picture."""
    out = np.array(joints, np.float64, copy=True)
    for side, twin in zip(SIDES, SIDES[::-1]):
        shoulder, elbow = out[J[f"{side}_shoulder"]], out[J[f"{side}_elbow"]]
        if vis[J[f"{side}_elbow"]] >= VIS_MIN or vis[J[f"{twin}_elbow"]] < VIS_MIN:
            continue
        full = float(np.linalg.norm(out[J[f"{twin}_elbow"]] - out[J[f"{twin}_shoulder"]]))
        upper = elbow - shoulder
        length = float(np.linalg.norm(upper))
        inside = min(elbow[0], elbow[1], width - elbow[0], height - elbow[1])  # negative: past the border
        if length < 1e-6 or length >= full or inside > BORDER * full:
            continue
        out[[J[f"{side}_elbow"], *FOREARM_JOINTS[side]]] += upper / length * (full - length)
    return out.astype(np.asarray(joints).dtype)


def unfold_cut_forearms(joints: np.ndarray, width: int, height: int) -> np.ndarray:
    """A still image's ``joints`` ([33 or more, 2], a ``width`` x ``height`` image) with each forearm whose wrist
    the image does not show, folded shorter than ``SQUASH`` of its full length (``FOREARM_OF_UPPER_ARM`` of the
    upper arm), put out to that full length along the model's own direction (the hand's points moved with it).

    The pose model folds a close-up's unseen wrists towards the picture as it does a video's (TikTok character 5:
    a forearm of 0.37 upper arms below a puff sleeve). The arm drawn on past the border then ends in a hand just
    below it, and every frame stretched that stub two to four times over, sleeve and all, into a long pale streak.
    """
    out = np.array(joints, np.float64, copy=True)
    for side in SIDES:
        shoulder, elbow, wrist = (out[J[f"{side}_{k}"]] for k in ("shoulder", "elbow", "wrist"))
        if 0 <= wrist[0] < width and 0 <= wrist[1] < height:
            continue
        fore = wrist - elbow
        length = float(np.linalg.norm(fore))
        full = FOREARM_OF_UPPER_ARM * float(np.linalg.norm(elbow - shoulder))
        if length < 1e-6 or length >= SQUASH * full:
            continue
        out[list(FOREARM_JOINTS[side])] += fore / length * (full - length)
    return out.astype(np.asarray(joints).dtype)


def unfold_cut_arms(joints: np.ndarray, vis: np.ndarray, width: int, height: int) -> np.ndarray:
    """A still image's ``joints`` with the arms its border cuts put out to their full lengths: each squashed
    upper arm first (:func:`unfold_cut_upper_arms`), then each folded forearm from that unfolded elbow, at
    ``FOREARM_OF_UPPER_ARM`` of the unfolded upper arm (:func:`unfold_cut_forearms`).

    The one unfolding both the rig's rest skeleton and the skeleton taken from the video's frame 0 go through:
    done in two orders (the forearm from the model's squashed elbow at rig time, from the unfolded one on the
    video's frame), TikTok character 5's left hand was put 68 px apart by the two: her rig's forearm was 0.55 of
    its upper arm, too short to reach her face when her hand comes into the picture at the clip's end."""
    return unfold_cut_forearms(unfold_cut_upper_arms(joints, vis, width, height), width, height)

"""Retargeting: the video actor's motion -> the character's joint positions in the output frame, per frame.

Bone *directions* (and their foreshortening) come from the actor, bone *lengths* from the character: every bone
of the character is the actor's 2D bone vector scaled by the character's proportion for that bone, so a limb that
points at the camera shrinks on screen exactly as the actor's does, while a character with short legs keeps its
short legs. Under weak perspective this is exact.

Per bone ``b`` (parent -> child, a kinematic tree rooted at the mid-shoulder point)::

    char_vec[b](t) = S(t) * p[b] * actor_vec[b](t)

- ``ref[b]``: the actor's full bone length (a high percentile of its 2D length over the clip, with the actor's
  distance to the camera ``sigma(t)`` divided out; left and right share the longer one).
- ``k``: the character's size relative to the actor (from the torso: spine length and shoulder width).
- ``p[b] = len_char[b] / (k * ref[b])``: the character's proportion for that bone (1 for the actor's own shape;
  left/right share the larger, so a limb foreshortened in the image does not shrink the character).
- ``S(t)``: output pixels per actor pixel. ``video`` orientation: the letterbox scale of the video into the output
  frame, so the character is as large as the actor and follows its distance. ``image`` orientation:
  ``m_image * k / sigma(t)``: the character keeps the size it has in the image.

One exception: the torso's widths (shoulder and hip lines) grow to at most ``WIDEN_MAX`` times what the image
shows, and less when the image shows more of them than the actor's matched frame does (:func:`widen_max`). A
character turned sideways in its image has only that narrow view of its torso; when the actor turns to face the
camera, the full width would stretch that texture across it (the torso swells). And as the actor turns
away, the torso's texture is drawn as wide as a turned body's outline, wider than its joints (:mod:`.torso_turn`).

The root (mid-shoulder) follows the actor through the letterboxed video frame (``video``), or stays where the image
has it (``image``; only the actor's bounce and sway transfer: its root motion minus a 2 s moving average, so camera
pans and walking drift do not move the character). Then feet: frames where a foot of the actor is planted (slow and
at the ground) pin the character's foot (two-bone IK on the leg, so it does not slide), and a vertical offset,
interpolated between contacts, keeps the character's planted feet on the ground line (no floating or sinking).
Frames where the actor was not seen hold the last pose. Forearms the video does not show, which the pose model
folds into the frame at its bottom edge, are sent back out of view first (:mod:`.offframe`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import distance_transform_edt, gaussian_filter1d, median_filter, uniform_filter1d

from ..errors import EngineError, InputError
from ..media.framing import Placement, letterbox
from .facemesh import STABLE, bridged, facing
from .offframe import FOREARM_OF_UPPER_ARM, send_out_of_view, squashed_forearms
from .skeleton import NUM_BODY, VIS_MIN, J
from .smoothing import runs
from .torso_turn import outline_gain
from .track import PoseTrack

# Two virtual joints appended to MediaPipe's 33: the shoulders' and the hips' midpoints.
MS = NUM_BODY  # 33: mid-shoulder, the kinematic root
MH = NUM_BODY + 1  # 34: mid-hip
HC = NUM_BODY + 2  # 35: head centre (mean of the 11 face points)
NUM_EXT = NUM_BODY + 3

FACE = tuple(range(11))
LEFT_FOOT = (J["left_ankle"], J["left_heel"], J["left_foot_index"])
RIGHT_FOOT = (J["right_ankle"], J["right_heel"], J["right_foot_index"])

# The kinematic tree: (parent, child, proportion group), in an order where parents come first.
# Bones in one group share one proportion (left/right symmetry, the head's points).
BONES: tuple[tuple[int, int, str], ...] = (
    (MS, J["left_shoulder"], "shoulder"), (MS, J["right_shoulder"], "shoulder"),
    (MS, MH, "spine"),
    (MH, J["left_hip"], "hip"), (MH, J["right_hip"], "hip"),
    (J["left_shoulder"], J["left_elbow"], "upper_arm"), (J["right_shoulder"], J["right_elbow"], "upper_arm"),
    (J["left_elbow"], J["left_wrist"], "lower_arm"), (J["right_elbow"], J["right_wrist"], "lower_arm"),
    (J["left_wrist"], J["left_pinky"], "hand"), (J["left_wrist"], J["left_index"], "hand"),
    (J["left_wrist"], J["left_thumb"], "hand"), (J["right_wrist"], J["right_pinky"], "hand"),
    (J["right_wrist"], J["right_index"], "hand"), (J["right_wrist"], J["right_thumb"], "hand"),
    (J["left_hip"], J["left_knee"], "upper_leg"), (J["right_hip"], J["right_knee"], "upper_leg"),
    (J["left_knee"], J["left_ankle"], "lower_leg"), (J["right_knee"], J["right_ankle"], "lower_leg"),
    (J["left_ankle"], J["left_heel"], "foot"), (J["left_ankle"], J["left_foot_index"], "foot"),
    (J["right_ankle"], J["right_heel"], "foot"), (J["right_ankle"], J["right_foot_index"], "foot"),
    (MS, HC, "neck"),
) + tuple((HC, i, "head") for i in FACE)

GROUPS = tuple(dict.fromkeys(g for _, _, g in BONES))
# Groups whose length measures the body's overall size, for the character against the actor: the torso, whose
# proportions vary least between people and characters (a cartoon's big head would skew the neck).
SIZE_GROUPS = ("spine", "shoulder")
# Groups whose length measures the actor's size over time (its distance to the camera): the torso and the neck.
SCALE_GROUPS = ("spine", "shoulder", "neck")
# a head matched this much larger, for its body, than against the actor's full head was matched on a crowded face
# (self-reenactment of the six TikTok clips: 1.02-1.13)
HEAD_MATCH_MAX = 1.2
# The torso's widths: a character drawn from one view may show them at most WIDEN_MAX times as wide as its image
# does (at the same size), however far the actor turns towards the camera.
WIDTH_GROUPS = ("shoulder", "hip")
WIDEN_MAX = 1.25
# the face mesh's correction of the head's place is held this many seconds into frames without a mesh
# (TikTok clip 1 loses its mesh for 4 s at a time as the dancer turns her head away)
MESH_HOLD = 0.25
# the head's centre lies this many face-mesh spreads (the mesh's RMS radius in 3D) behind the mesh's centroid,
# along the face's normal: there it swings across the image with a head turn as the body model's eleven face
# points' mean does (fitted on TikTok clip 1, whose dancer turns her head 10-60 degrees: 0.71)
MESH_DEPTH = 0.7
# the face mesh counts fully while its normal is within the first angle of the camera's axis, not at all beyond
# the second (degrees; TikTok clip 5's close-up: 10-22, clip 1's dancer turned away: 45-60)
MESH_TURN = (30.0, 50.0)
# the two measures of the head's size (the face points', the mesh's) keep the matched frame's ratio unless it
# departs this many times from their median ratio over the clip: then the frame caught one of them off (TikTok
# character 5 on clip 0's dance: 0.77 times, its head drawn small and the motion error 5.8 -> 8.0 deg;
# self-reenactment of the six clips: 0.94-1.06). Not tighter: a lean-in only the mesh sees moves the ratio
# across the clip, and the matched frame's is then the right one
MESH_LEVEL_TOL = 1.15
# the head's size against the body's (head_scale / width_scale) stays within this factor of its usual ratio over
# the clip: an actor leaning into the camera brings the face much nearer than the shoulders (TikTok clip 0's last
# second: the face grows 1.37 times, the shoulders 1.05), but the character's head, drawn at that size on a body
# that is not, reads as a swollen head pulled off its neck (and a head skinned into the body's layer smears the
# neck and hair between the two sizes); the TikTok clips and pairs otherwise stay within 0.87-1.13 of their usual ratio
HEAD_GROWTH = 1.2

# the neck's upper part turns (against its line in the image) at most this many radians more or less than the head
# rolls: the slide a neck can take up leaning (:func:`roll_with_neck`). Self-reenactment of TikTok clip 5, whose
# head slides along her shoulders, SSIM 0.660 left as it was, 0.646 at 5 degrees, 0.654 at 7, 0.657 at 10; Grace
# Hopper's wedge on clip 0 frame 22 is gone at 5, faint at 7, back in part at 10
NECK_SLIDE = np.radians(7.0)


@dataclass
class RestPose:
    """The character's skeleton as the image shows it (image pixels). ``visibility`` 0 = unknown joint."""

    joints: np.ndarray  # [33, 2]
    visibility: np.ndarray  # [33]
    width: int
    height: int
    left_hand: np.ndarray | None = None  # [21, 2]
    right_hand: np.ndarray | None = None
    # the skeleton was fitted to the character's silhouette (a drawn penguin, a teddy bear): its face points are a
    # person's pattern set on the head (:func:`.completion.complete_joints`), not the character's face
    fitted: bool = False


@dataclass
class Motion:
    """The character's pose per frame, in output pixels.

    ``joints`` [T, 36, 2] (MediaPipe's 33 + mid-shoulder, mid-hip, head centre); ``depth`` [T, 36] the actor's
    relative depth (smaller is nearer the camera); ``width_scale`` [T]: output pixels per image pixel across limbs
    (the character's size on screen); ``head_angle`` [T] radians the head turned from its pose in the image;
    ``left_hand`` / ``right_hand`` [T, 21, 2] (NaN where the actor's hand was not seen); ``planted`` [T, 2] feet
    pinned (left, right); ``held`` [T] frames where the actor was not seen and the last pose is held;
    ``visibility`` [T, 36] the actor's joint visibility (low where a joint is hidden, e.g. behind the body);
    ``off_frame`` [T, 2] how far each arm (left, right) was sent out of view where the video does not show it
    (:mod:`.offframe`; None: not measured); ``torso_width`` [T, 2] how many times its joints' span the torso is
    drawn wide at the shoulders and at the hips (a turned body's outline, :mod:`.torso_turn`; None: the span);
    ``head_side_on``: the head is seen side on (:func:`side_on_head`) in the character's image or in most of the
    video but not in both, its lean and roll the image's against the shoulder line, turned as the actor's turn from
    their usual ones against it.
    """

    joints: np.ndarray
    depth: np.ndarray
    visibility: np.ndarray
    width_scale: np.ndarray
    head_angle: np.ndarray
    left_hand: np.ndarray
    right_hand: np.ndarray
    planted: np.ndarray
    held: np.ndarray
    fps: float
    out_w: int
    out_h: int
    proportions: dict = field(default_factory=dict)
    camera: np.ndarray | None = None  # [T, 2, 3] the reference's camera motion in output pixels, if measured
    head_scale: np.ndarray | None = None  # [T] output pixels per image pixel for the head (None: width_scale)
    off_frame: np.ndarray | None = None
    torso_width: np.ndarray | None = None
    head_side_on: bool = False

    def __len__(self) -> int:
        return int(self.joints.shape[0])


# --------------------------------------------------------------------------------------------------- helpers


def extend(body_xy: np.ndarray) -> np.ndarray:
    """[..., 33, C] -> [..., 36, C] with the mid-shoulder, mid-hip and head centre appended."""
    ms = body_xy[..., [J["left_shoulder"], J["right_shoulder"]], :].mean(axis=-2, keepdims=True)
    mh = body_xy[..., [J["left_hip"], J["right_hip"]], :].mean(axis=-2, keepdims=True)
    hc = body_xy[..., list(FACE), :].mean(axis=-2, keepdims=True)
    return np.concatenate([body_xy, ms, mh, hc], axis=-2)


def extend_vis(vis: np.ndarray) -> np.ndarray:
    ms = vis[..., [J["left_shoulder"], J["right_shoulder"]]].min(axis=-1, keepdims=True)
    mh = vis[..., [J["left_hip"], J["right_hip"]]].min(axis=-1, keepdims=True)
    hc = vis[..., list(FACE)].mean(axis=-1, keepdims=True)
    return np.concatenate([vis, ms, mh, hc], axis=-1)


def hold_missing(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward-fill frames that are all NaN (then back-fill the leading ones). Returns (filled, held mask)."""
    flat = x.reshape(len(x), -1)
    missing = np.isnan(flat).all(axis=1)
    if missing.all():
        raise EngineError("the actor was not found in any frame of the motion video.")
    idx = np.where(~missing, np.arange(len(x)), -1)
    idx = np.maximum.accumulate(idx)
    first = int(np.argmax(~missing))
    idx[idx < 0] = first
    out = x[idx].copy()
    # joints NaN inside present frames (rare): take them from the nearest frame that has them
    bad = np.isnan(out)
    if bad.any():
        for j in np.unique(np.nonzero(bad.reshape(len(x), -1))[1]):
            col = out.reshape(len(x), -1)[:, j]
            ok = ~np.isnan(col)
            if ok.any():
                col[~ok] = np.interp(np.flatnonzero(~ok), np.flatnonzero(ok), col[ok])
            else:
                col[:] = 0.0
    return out, missing


def gaussian_smooth(x: np.ndarray, sigma_frames: float) -> np.ndarray:
    """Gaussian smoothing along axis 0 with edge reflection."""
    if sigma_frames <= 0 or len(x) < 3:
        return x
    return gaussian_filter1d(x, sigma_frames, axis=0, mode="nearest")


def moving_average(x: np.ndarray, window: int) -> np.ndarray:
    if window <= 1 or len(x) < 2:
        return x
    return uniform_filter1d(x, size=min(window, 2 * len(x) - 1), axis=0, mode="nearest")


def _lengths(ext: np.ndarray) -> np.ndarray:
    """[..., 36, 2] -> [..., B] bone lengths."""
    par = [p for p, _, _ in BONES]
    chi = [c for _, c, _ in BONES]
    return np.linalg.norm(ext[..., chi, :] - ext[..., par, :], axis=-1)


def _bone_vis(vis_ext: np.ndarray) -> np.ndarray:
    par = [p for p, _, _ in BONES]
    chi = [c for _, c, _ in BONES]
    return np.minimum(vis_ext[..., par], vis_ext[..., chi])


def _group_index() -> dict[str, list[int]]:
    out: dict[str, list[int]] = {g: [] for g in GROUPS}
    for i, (_, _, g) in enumerate(BONES):
        out[g].append(i)
    return out


# --------------------------------------------------------------------------------------------- proportions


def actor_scale(lengths: np.ndarray, vis: np.ndarray, fps: float) -> np.ndarray:
    """sigma(t): the actor's on-screen size relative to its median (1.0), smoothed over 0.5 s.

    Measured by the spine, the shoulder width and the neck (shoulders to the head's centre), each relative to
    its own full length (its 90th percentile over the frames that show it). Foreshortening only ever shortens a
    measure, so each frame takes the largest of them: turning (narrower shoulders), bending (a shorter spine) or
    a nod does not read as the actor moving away, which would swell the character as the actor turns.
    """
    gi = _group_index()
    ratios = []
    for g in SCALE_GROUPS:
        idx = gi[g]
        ln = lengths[:, idx].max(axis=1)
        ok = vis[:, idx].min(axis=1) > VIS_MIN
        if ok.sum() < max(3, 0.1 * len(ln)):
            continue
        full = np.percentile(ln[ok], 90)
        ratios.append(np.where(ok, ln / max(full, 1e-6), np.nan))
    if not ratios:
        return np.ones(len(lengths), np.float32)
    R = np.stack(ratios, axis=1)
    seen = ~np.isnan(R).all(axis=1)
    if not seen.any():
        return np.ones(len(lengths), np.float32)
    sig = np.where(seen, np.nanmax(np.where(np.isnan(R), -np.inf, R), axis=1), np.nan)
    sig, _ = hold_missing(sig[:, None])
    # a measure misread for a few frames (a hip guessed far below the frame) is a spike in the maximum
    sig = median_filter(sig[:, 0], size=max(3, int(round(0.3 * fps)) | 1), mode="nearest")
    sig = gaussian_smooth(sig, 0.5 * fps)
    sig = sig / np.median(sig)
    return np.clip(sig, 0.4, 2.5).astype(np.float32)


def actor_reference(lengths: np.ndarray, vis: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """ref[b]: each bone's full length at sigma = 1 (90th percentile over frames where it is seen)."""
    ref = np.full(lengths.shape[1], np.nan, np.float32)
    norm = lengths / sigma[:, None]
    for b in range(lengths.shape[1]):
        ok = vis[:, b] > VIS_MIN
        if ok.sum() >= max(2, 0.05 * len(norm)):
            ref[b] = np.percentile(norm[ok, b], 90)
    # left/right (and the head's points) share: the longer side is the less foreshortened one
    for g, idx in _group_index().items():
        if g in ("head",):
            continue
        half = len(idx) // 2  # hands: pinky/index/thumb per side; feet: heel/toe per side
        for pair in ([idx[k], idx[k + half]] for k in range(half) if len(idx) in (2, 4, 6)):
            if not np.isnan(ref[pair]).all():  # a pair neither side of which is seen stays unknown
                ref[pair] = np.nanmax(ref[pair])
    return ref


def _directions(ext: np.ndarray) -> np.ndarray:
    par = [p for p, _, _ in BONES]
    chi = [c for _, c, _ in BONES]
    d = ext[..., chi, :] - ext[..., par, :]
    return np.arctan2(d[..., 1], d[..., 0])


MATCH_GROUPS = ("shoulder", "spine", "hip", "upper_arm", "lower_arm", "upper_leg", "lower_leg", "neck")


def match_frame(char_ext: np.ndarray, char_bvis: np.ndarray, ext: np.ndarray, bvis: np.ndarray,
                max_deg: float = 12.0) -> tuple[int | None, np.ndarray]:
    """The actor's frame whose pose is most like the character's in the image (bone directions and relative
    foreshortening). Returns (frame or None when none is within ``max_deg`` on average, per-bone angle
    differences at that frame in degrees)."""
    gi = _group_index()
    idx = [b for g in MATCH_GROUPS for b in gi[g]]
    ca = _directions(char_ext)[idx]
    aa = _directions(ext)[:, idx]
    diff = np.abs(_wrap(aa - ca[None]))  # [T, nb]
    w = ((char_bvis[idx] > VIS_MIN)[None] & (bvis[:, idx] > VIS_MIN)).astype(np.float64)
    if w.sum() == 0:
        return None, np.full(len(BONES), 180.0)
    cl = _lengths(char_ext)[idx]
    al = _lengths(ext)[:, idx]
    spine = gi["spine"][0]
    rel_c = cl / max(_lengths(char_ext)[spine], 1e-6)
    rel_a = al / np.maximum(_lengths(ext)[:, spine:spine + 1], 1e-6)
    lr = np.abs(np.log(np.maximum(rel_c[None], 1e-3) / np.maximum(rel_a, 1e-3)))
    cost = ((1 - np.cos(diff)) + 0.05 * lr) * w
    nw = np.maximum(w.sum(axis=1), 1)
    score = cost.sum(axis=1) / nw
    score[w.sum(axis=1) < 0.6 * w.sum(axis=1).max()] = np.inf
    t = int(np.argmin(score))
    mean_deg = float(np.degrees((diff[t] * w[t]).sum() / max(w[t].sum(), 1)))
    all_diff = np.degrees(np.abs(_wrap(_directions(ext[t]) - _directions(char_ext))))
    return (t if mean_deg <= max_deg else None), all_diff


def widen_max(char_len: np.ndarray, char_vis: np.ndarray, match_len: np.ndarray | None, group: str) -> float:
    """How many times as wide as its image a torso width (``group``, one of WIDTH_GROUPS) may be drawn: WIDEN_MAX
    for a character that shows no more of that width, for its spine, than the actor did in the matched frame (the
    two are taken as turned alike), and WIDEN_MAX / r for one that shows r times as much (down to 1): the more of its
    width the image already shows, the less the actor's turn to the camera can add. The matched frame
    (:func:`match_frame`) matches bone directions, which a shoulder line has the same turned or not: TikTok character
    0, seen from the front, matched to clip 1's dancer turned away (r 1.9 at the shoulders, 2.2 at the hips), was
    drawn 1.25 times as wide as her image as the dancer turned to the camera (frames 10-16), short and broad, her
    hip's flare beside her waist flattened into a shelf. Self-reenactment (r near 1) keeps WIDEN_MAX."""
    gi = _group_index()
    idx, spine = gi[group], gi["spine"][0]
    if match_len is None:
        return WIDEN_MAX
    lens = np.array([[v[b] for b in idx + [spine]] for v in (char_len, match_len)])
    if char_vis[spine] <= VIS_MIN or not np.isfinite(lens).all() or (lens <= 1e-6).any():
        return WIDEN_MAX
    char_share, actor_share = lens[:, :-1].sum(axis=1) / lens[:, -1]
    return float(np.clip(WIDEN_MAX * actor_share / char_share, 1.0, WIDEN_MAX))


def proportions(char_len: np.ndarray, char_vis: np.ndarray, ref: np.ndarray, sigma: np.ndarray,
                match: int | None = None, match_len: np.ndarray | None = None,
                match_diff: np.ndarray | None = None,
                size_groups: tuple[str, ...] = SIZE_GROUPS) -> tuple[float, np.ndarray]:
    """(k, p[b]): the character's size relative to the actor's (at sigma = 1), and its proportion per bone.

    ``size_groups``: the bones that measure the size (:data:`SIZE_GROUPS` unless the torso cannot, see
    :func:`_size_groups`).

    With a matched frame (the actor once stood as the character stands in the image), each bone is compared
    with the actor's same bone in that frame, so foreshortening in the image cancels out (self-reenactment gets
    exactly 1). Bones that did not match, or no match at all: compared with the actor's full length ``ref``.
    The head is compared with the actor's full head when the matched frame caught it much smaller than that
    (bowed or turned: the face's points crowd together), which made a stranger's head half as large again, for
    its body, as in its image (TikTok character 5 on clip 0's dance: 1.48, against 1.11 to the full head).
    """
    gi = _group_index()
    ratio = np.full(len(BONES), np.nan)
    s_m = 1.0
    if match is not None:
        s_m = float(sigma[match])
        for b in range(len(BONES)):
            if char_vis[b] > VIS_MIN and match_diff[b] < 20.0 and match_len[b] > 1e-6:
                ratio[b] = char_len[b] / match_len[b]
    # fall back to full lengths (at the matched frame's scale)
    full = np.full(len(BONES), np.nan)
    for b in range(len(BONES)):
        if char_vis[b] > VIS_MIN and np.isfinite(ref[b]) and ref[b] > 1e-6:
            full[b] = char_len[b] / (ref[b] * s_m)
    ks = [ratio[gi[g][0]] for g in size_groups if np.isfinite(ratio[gi[g][0]])]
    if not ks:
        ks = [full[gi[g][0]] for g in size_groups if np.isfinite(full[gi[g][0]])]
        if not ks:
            raise EngineError("cannot relate the character's size to the actor's: neither shoulders nor torso are "
                              "visible in both.")
    # the torso's height and width agree up to noise and build: their mean; when they disagree by more, one is
    # foreshortened (a character turned sideways or bent in its image), and foreshortening only shortens
    ks = np.array(ks)
    k_m = float(ks.max()) if ks.max() > 1.25 * ks.min() else float(np.exp(np.log(ks).mean()))
    p = np.ones(len(BONES), np.float32)
    for g, idx in gi.items():
        vals = np.array([ratio[b] if np.isfinite(ratio[b]) else np.nan for b in idx]) / k_m
        fb = np.array([full[b] for b in idx]) / k_m
        if g in ("head", "hand", "foot"):
            v = vals if np.isfinite(vals).any() else fb
            if g == "head" and np.isfinite(v).any() and np.isfinite(fb).any() \
                    and np.nanmedian(v) > HEAD_MATCH_MAX * np.nanmedian(fb):
                v = fb
            if np.isfinite(v).any():
                p[idx] = np.clip(np.nanmedian(v), 0.4, 2.5)
            continue
        for j, b in enumerate(idx):
            if np.isfinite(vals[j]):
                p[b] = vals[j]
            elif np.isfinite(fb).any():
                p[b] = np.nanmax(fb)  # left/right: the longer is the less foreshortened in the image
        if len(idx) == 2 and np.isfinite(vals).all() and max(vals) < 1.15 * min(vals):
            p[idx] = float(np.mean(vals))  # matched on both sides: share (noise), keep real asymmetry
        p[idx] = np.clip(p[idx], 0.4, 2.5)
    return k_m * s_m, p


# ------------------------------------------------------------------------------------------------- feet


def detect_plants(foot: np.ndarray, foot_vis: np.ndarray, other: np.ndarray, scale: np.ndarray, fps: float,
                  speed_max: float = 0.5, ground_tol: float = 0.2) -> np.ndarray:
    """[T] bool: the foot is planted (slow, seen, and not above the other foot by more than ``ground_tol``).

    ``foot``/``other`` [T, 2] foot points (actor pixels); ``scale`` [T] the actor's spine length in pixels;
    speeds are in spine lengths per second.
    """
    T = len(foot)
    if T < 3:
        return np.zeros(T, bool)
    vel = np.gradient(foot, axis=0) * fps
    speed = np.linalg.norm(vel, axis=1) / np.maximum(scale, 1e-6)
    speed = gaussian_smooth(speed, 1.0)
    low = foot[:, 1] >= other[:, 1] - ground_tol * scale
    planted = (speed < speed_max) & low & (foot_vis > VIS_MIN)
    # drop blips shorter than 0.1 s
    min_len = max(2, int(round(0.1 * fps)))
    out = np.zeros(T, bool)
    for a, b in runs(planted):
        if b - a >= min_len:
            out[a:b] = True
    return out


def two_bone_ik(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, target: np.ndarray) -> tuple[np.ndarray,
                                                                                                   np.ndarray]:
    """Move ``ankle`` to ``target`` keeping the thigh and shin lengths and the knee's bending side.

    Returns (new knee, new ankle); the ankle falls short of the target when the leg cannot reach it. One leg
    ([2] each) or many frames' at once ([T, 2] each: per frame, numpy's call overhead was all the cost).
    """
    knee, ankle = np.asarray(knee), np.asarray(ankle)
    l1 = _vector_norms(knee - hip)
    l2 = _vector_norms(ankle - knee)
    d_vec = target - hip
    d = _vector_norms(d_vec)
    ok = (l1 >= 1e-6) & (l2 >= 1e-6) & (d >= 1e-6)
    d_c = np.clip(d, np.abs(l1 - l2) + 1e-3, l1 + l2 - 1e-3)
    u = d_vec / np.where(ok, d, 1.0)[..., None]
    cos_a = np.clip((l1 * l1 + d_c * d_c - l2 * l2) / np.where(ok, 2 * l1 * d_c, 1.0), -1.0, 1.0)
    a = np.arccos(cos_a)
    # bending side: the side of the hip->ankle line the knee is on now
    cur, thigh = ankle - hip, knee - hip
    side = np.sign(cur[..., 0] * thigh[..., 1] - cur[..., 1] * thigh[..., 0])
    side = np.where(side == 0, 1.0, side)
    ang = np.arctan2(u[..., 1], u[..., 0]) + side * a
    new_knee = hip + l1[..., None] * np.stack([np.cos(ang), np.sin(ang)], axis=-1)
    new_ankle = hip + u * d_c[..., None]
    keep = ~ok[..., None]
    return (np.where(keep, knee, new_knee.astype(np.float32)), np.where(keep, ankle, new_ankle.astype(np.float32)))


def _vector_norms(v: np.ndarray) -> np.ndarray:
    """[...] float64 lengths of the vectors ``v`` [..., 2], bit for bit those ``np.linalg.norm`` gives one vector
    (its dot product, in the vectors' precision: a sum of squares rounds differently now and then)."""
    return np.sqrt((v[..., None, :] @ v[..., :, None])[..., 0, 0]).astype(np.float64)


def side_on_head(joints: np.ndarray) -> np.ndarray:
    """Whether ``joints`` ([..., 33 or 36, 2]: one pose or many frames') show the head side on: the nose past one
    of the ears along the line through them (seen from the front or turned part way, it lies between them)."""
    left, right, nose = joints[..., J["left_ear"], :], joints[..., J["right_ear"], :], joints[..., J["nose"], :]
    ears = left - right
    t = ((nose - right) * ears).sum(-1) / np.maximum((ears * ears).sum(-1), 1e-9)
    return (t < 0.0) | (t > 1.0)


def _angle(v: np.ndarray) -> float:
    return float(np.arctan2(v[1], v[0]))


def _shoulder_line(ext: np.ndarray) -> np.ndarray:
    """[...] radians of the shoulder line (right to left shoulder) of ``ext`` [..., 33 or 36, 2]: what a head seen
    side on in the image or the video but not both turns against. The torso follows the actor's shoulder line (TikTok
    clip 1's dancer, turned away under a camera above her, has hers 12 degrees off the level); a head held at its
    image's lean and roll regardless turned against the torso by as much, its neck sheared (character 3 on clip 1)."""
    line = ext[..., J["left_shoulder"], :] - ext[..., J["right_shoulder"], :]
    return np.arctan2(line[..., 1], line[..., 0])


def _turned(vecs: np.ndarray, angle: float | np.ndarray) -> np.ndarray:
    """[T, 2] ``vecs`` turned by ``angle`` radians (image axes; one for all, or [T] one per vector)."""
    c, s = np.cos(angle), np.sin(angle)
    return np.stack([c * vecs[:, 0] - s * vecs[:, 1], s * vecs[:, 0] + c * vecs[:, 1]], axis=1)


# --------------------------------------------------------------------------------------------------- main


def _build_measure(side_on: bool) -> str:
    """The bone group that stands in for a torso's height that a picture or a dance does not show (cut at the
    chest): the shoulders' width, or for a character seen side on in its image, whose shoulders are foreshortened
    there, its neck (shoulders to the head's centre, as long seen side on as from the front). Measured by its turned
    shoulders, TikTok character 1 came out half the dancer's size with every other bone up to twice as long to make
    up (neck 1.6-2.2 times, her face above the frame on clips 3-5)."""
    return "neck" if side_on else "shoulder"


def _size_groups(side_on: bool, char_bvis: np.ndarray) -> tuple[str, ...]:
    """The bone groups that measure the character's size against the actor's: the torso's height and width
    (:data:`SIZE_GROUPS`), and also :func:`_build_measure` when the image does not show the torso's height.
    :func:`proportions` takes the larger measure when they disagree, foreshortening only shortening. Like the
    torso, the neck is compared in the matched frame when there is one; a frame matched on the shoulders whose neck
    leans otherwise leaves the size to the shoulders as before (TikTok clip 2's frontal dancer against character 1
    cut at the chest: sized by her neck's full length instead, her torso was drawn twice as wide as her neck and her
    sleeves' cut ends showed skin-coloured stumps)."""
    if char_bvis[_group_index()["spine"][0]] > VIS_MIN:
        return SIZE_GROUPS
    return tuple(dict.fromkeys((*SIZE_GROUPS, _build_measure(side_on))))


def retarget(track: PoseTrack, rest: RestPose, orientation: str, out_w: int, out_h: int, *,
             highpass_seconds: float = 2.0, plant_feet: bool = True, camera: np.ndarray | None = None) -> Motion:
    """The character's joints per frame in the ``out_w`` x ``out_h`` output frame (see the module docstring).

    ``camera`` [T, 2, 3]: the reference's camera motion (video pixels, frame 0 -> frame t). In ``image``
    orientation the actor's root motion is measured without it and the character's scene is then moved by it
    (the camera move is reproduced); in ``video`` orientation the actor's positions already include it.
    """
    if orientation not in ("video", "image"):
        raise InputError(f"orientation must be 'video' or 'image', not {orientation!r}.", code="orientation",
                         measured=orientation, limit=["video", "image"],
                         fix="use 'video' for full-body choreography or 'image' for portraits.")
    fps = float(track.fps or 30.0)
    body, held = hold_missing(track.body)
    T = len(body)
    xy = body[:, :, :2].astype(np.float64)
    z = body[:, :, 2].astype(np.float64)
    vis = body[:, :, 3].astype(np.float64)
    ext = extend(xy)  # [T, 36, 2]
    vis_ext = extend_vis(vis)
    z_ext = extend(z[..., None])[..., 0]

    lengths = _lengths(ext)
    bvis = _bone_vis(vis_ext)
    sigma = actor_scale(lengths, bvis, fps)
    ref = actor_reference(lengths, bvis, sigma)
    # bones the actor never shows: assume the character's proportions relative to the torso
    rest_ext = extend(rest.joints.astype(np.float64))
    rest_vis_ext = extend_vis(rest.visibility.astype(np.float64))
    char_len = _lengths(rest_ext)
    char_bvis = _bone_vis(rest_vis_ext)
    gi = _group_index()
    spine_i = gi["spine"][0]
    char_side_on = bool(side_on_head(rest_ext))  # the character's head seen side on in its image
    # an actor whose hips are never seen (a dancer framed to the chest): the torso's height is taken from a measure
    # both show, in the character's proportions (the shoulders' width, or a side-on character's neck)
    by = gi[_build_measure(char_side_on)][0]
    if not np.isfinite(ref[by]):
        by = gi["shoulder"][0]
    if np.isnan(ref[spine_i]) and np.isfinite(ref[by]):
        ref[spine_i] = ref[by] * char_len[spine_i] / max(char_len[by], 1e-6)
    match, match_diff = match_frame(rest_ext, char_bvis, ext, bvis)
    k, p = proportions(char_len, char_bvis, ref, sigma, match, lengths[match] if match is not None else None,
                       match_diff, _size_groups(char_side_on, char_bvis))
    for b in range(len(BONES)):
        if not np.isfinite(ref[b]):
            ref[b] = char_len[b] / k
    # forearms the video does not show (its pose model folds them into the frame) are turned out of view
    forearm = sigma * max(ref[gi["lower_arm"][0]], FOREARM_OF_UPPER_ARM * ref[gi["upper_arm"][0]])
    off_frame = squashed_forearms(ext, track.width, track.height, forearm, fps, vis_ext)
    ext = send_out_of_view(ext, off_frame, sigma * ref[gi["upper_arm"][0]], forearm)

    # S(t): output pixels per actor pixel
    vid = letterbox(track.width, track.height, out_w, out_h)
    img = letterbox(rest.width, rest.height, out_w, out_h)
    if orientation == "video":
        S = np.full(T, vid.scale, np.float64)
    else:
        S = img.scale * k / sigma
    width_scale = S * sigma / k

    # a head seen side on in the image and from the front in most of the video, or the other way round: a profile's
    # lean before the shoulders (its face points all on the face's side of the skull) and its eye line are the view's,
    # not a pose; the character's neck and roll keep its image's against the shoulder line, which carries them as the
    # torso follows the actor's (:func:`_shoulder_line`), and turn as the actor's turn from the actor's usual ones
    # against it (the clip's median). Put where the actor's head was, a profile moved by a dance seen from the front
    # had its head pulled back over the shoulders and tipped back, the neck long and skewed (TikTok character 1 cut at
    # her chest on clip 0); a face seen from the front moved by a dancer seen side on had its head pushed 30 degrees
    # off its neck, onto the shoulder, the neck sheared into a wedge (TikTok character 3 on clip 1, whose dancer's
    # face points lie 28 degrees off the vertical, her ears 16). Views alike are followed as before
    # (self-reenactment stays exact)
    side_on = char_side_on != (float(side_on_head(ext).mean()) >= 0.5)
    # forward kinematics from the mid-shoulder root
    out = np.zeros((T, NUM_EXT, 2), np.float64)
    if orientation == "video":
        out[:, MS] = vid.apply(ext[:, MS])
    else:
        root_img = img.apply(rest_ext[MS])
        actor_root = ext[:, MS]
        if camera is not None:  # where the actor is in the scene, the camera's own motion taken out
            actor_root = _apply_affine(_invert_affines(camera[:T]), actor_root)
        drift = moving_average(actor_root, int(round(highpass_seconds * fps)))
        out[:, MS] = root_img + (actor_root - drift) * S[:, None]
    widen = {group: widen_max(char_len, char_bvis, None if match is None else lengths[match], group)
             for group in WIDTH_GROUPS}
    for b, (par, chi, group) in enumerate(BONES):
        vec = (S * p[b])[:, None] * (ext[:, chi] - ext[:, par])
        if group in WIDTH_GROUPS and char_bvis[b] > VIS_MIN:
            # the image shows this width foreshortened (the character turned): its texture cannot show the body
            # turning towards the camera beyond it, only stretch, so the shoulders and hips widen a little at most
            limit = widen[group] * width_scale * char_len[b]
            vec *= np.minimum(1.0, limit / np.maximum(np.linalg.norm(vec, axis=1), 1e-9))[:, None]
        if group == "neck" and side_on:  # the head held over the shoulders as the image holds it
            lean = np.arctan2(*(ext[:, chi] - ext[:, par]).T[::-1]) - _shoulder_line(ext)
            usual = float(np.nanmedian(_wrap(lean)))
            vec = _turned(vec, _angle(rest_ext[chi] - rest_ext[par]) - _shoulder_line(rest_ext) - usual)
        out[:, chi] = out[:, par] + vec

    # a turned torso is drawn as wide as its outline, not as its joints' span (:mod:`.torso_turn`): wider than they
    # are as the actor turns away, narrower as it turns to the camera from a turn the image shows; its joints stay
    # the actor's (the renderer hangs the arms where it draws the shoulders)
    torso_width = np.ones((T, 2))
    for k_w, group in enumerate(WIDTH_GROUPS):
        b = gi[group][0]
        par, chi, _ = BONES[b]
        full = sigma * ref[b]
        drawn_at = lengths[match, b] / full[match] if match is not None else 1.0
        gain = outline_gain(lengths[:, b], full, drawn_at)
        # joints already held within WIDEN_MAX of the image's width: the outline's width, or theirs if narrower
        kept = _vector_norms(out[:, chi] - out[:, par]) / np.maximum(S * p[b] * lengths[:, b], 1e-9)
        torso_width[:, k_w] = np.where(gain >= 1.0, gain, np.minimum(1.0, gain / np.maximum(kept, 1e-9)))

    planted = np.zeros((T, 2), bool)
    if plant_feet:
        out, planted = _feet(out, ext, vis, sigma * ref[spine_i], fps, orientation, vid, img, rest_ext,
                             rest.visibility)

    # head roll: the eye line (outer eyes) relative to the image's
    def eye_angle(pts):
        d = pts[..., J["left_eye_outer"], :] - pts[..., J["right_eye_outer"], :]
        return np.arctan2(d[..., 1], d[..., 0])

    if side_on:  # the roll as it turns from the actor's usual against the shoulders, carried by them
        usual = float(np.nanmedian(_wrap(eye_angle(ext) - _shoulder_line(ext))))
        head_angle = _wrap(eye_angle(ext) - _shoulder_line(rest_ext) - usual)
    else:
        head_angle = _wrap(eye_angle(ext) - eye_angle(rest_ext))

    # head size on screen: the posed face points' spread against the image's (leaning in makes the head grow),
    # smoothed, and kept within reason of the body's scale (the points crowd together in a profile view)
    def spread(pts):
        return np.sqrt(((pts[..., list(FACE), :] - pts[..., [HC], :]) ** 2).sum(-1).mean(-1))

    head_scale = spread(out) / max(float(spread(rest_ext)), 1e-6)
    head_scale = gaussian_smooth(head_scale, max(1.0, 0.1 * fps))
    mesh = face_mesh_head(track.face[:T], ext[:, HC], match, fps)
    if mesh is not None:
        # the face mesh measures the head's place and size finer than the body model's eleven face points:
        # the head keeps the size those give at the matched frame (self-reenactment starts exact) and moves and
        # grows with the mesh from frame to frame, as far as the mesh is trusted (facing the camera, seen)
        shift, size, weight = mesh
        head = list(FACE) + [HC]
        out[:, head] += ((S * p[gi["neck"][0]] * weight)[:, None] * shift)[:, None]
        level = np.median(head_scale / size)
        if match is not None and abs(np.log(head_scale[match] / size[match] / level)) < np.log(MESH_LEVEL_TOL):
            level = head_scale[match] / size[match]
        head_scale = head_scale + weight * (level * size - head_scale)
    usual = float(np.median(head_scale / width_scale))
    if side_on:
        # seen side on in one of the image and the video but not both: a profile's face points crowd together, so
        # their spread measures the view, not the head (TikTok characters 0, 2-5 on clip 1 drew their heads at
        # 0.87-0.98 of their bodies' scale, character 1 on the frontal dances at 0.85-0.98): the head keeps its
        # body's scale, growing and shrinking with the spread from frame to frame
        head_scale, usual = head_scale / usual, 1.0
    head_scale = np.clip(head_scale, usual / HEAD_GROWTH * width_scale, usual * HEAD_GROWTH * width_scale)
    head_scale = np.clip(head_scale, 0.8 * width_scale, 1.6 * width_scale)
    if rest.fitted:
        # a fitted figure's face points spread unlike the actor's (their pattern's spread against the actor's
        # face points' set the lead's penguin's head at 0.80 to 0.88 of its body's scale over the mannequin's
        # dance, shrinking as it moved): its head is drawn at its body's scale
        head_scale = width_scale.copy()

    # hands (21 points) where the actor's hand was seen, relative to the character's wrist
    hands = []
    for s, (name, wrist) in enumerate((("left_hand", J["left_wrist"]), ("right_hand", J["right_wrist"]))):
        h = getattr(track, name)
        res = np.full((T, 21, 2), np.nan, np.float64)
        seen = ~np.isnan(h[:, :, 0]).any(axis=1) & (off_frame[:, s] < 0.5)  # a hand sent out of view is not shown
        if seen.any():
            hb = [i for i, (pa, _, g) in enumerate(BONES) if g == "hand" and pa == wrist]
            ph = float(np.median(p[hb]))
            rel = h[:, :, :2].astype(np.float64) - h[:, :1, :2]
            res[seen] = out[seen, wrist][:, None] + (S[seen] * ph)[:, None, None] * rel[seen]
        hands.append(res)

    if orientation == "image" and camera is not None:
        # the reference's camera move, reproduced on the character's scene (in output pixels)
        cam = camera_in_output(camera[:T], vid)
        out = _apply_affine(cam, out)
        hands = [_apply_affine(cam, h) for h in hands]
        zoom = np.hypot(cam[:, 0, 0], cam[:, 1, 0])
        width_scale = width_scale * zoom
        head_scale = head_scale * zoom
        head_angle = _wrap(head_angle + np.arctan2(cam[:, 1, 0], cam[:, 0, 0]))

    props = {"k": k, "matched_frame": match, **{g: float(p[gi[g][0]]) for g in GROUPS}}
    return Motion(joints=out.astype(np.float32), depth=z_ext.astype(np.float32),
                  visibility=vis_ext.astype(np.float32),
                  width_scale=width_scale.astype(np.float32), head_angle=head_angle.astype(np.float32),
                  head_scale=head_scale.astype(np.float32),
                  left_hand=hands[0].astype(np.float32), right_hand=hands[1].astype(np.float32),
                  planted=planted, held=held, fps=fps, out_w=out_w, out_h=out_h, proportions=props,
                  off_frame=off_frame.astype(np.float32), torso_width=torso_width.astype(np.float32),
                  head_side_on=bool(side_on))


def roll_with_neck(joints: np.ndarray, head_angle: np.ndarray, rest_ext: np.ndarray, base: float) -> np.ndarray:
    """``joints`` ([T, 36, 2] posed) with the head's centre and face points moved so that the neck (mid-shoulder to
    head centre; ``rest_ext`` [36, 2] the image's joints) turns with the chest (its shoulder line) up to ``base``
    of its length (where the character's neck starts to blend into the head), and from there with the head, as far
    as it rolls (``head_angle`` [T] radians, its final roll) and at most NECK_SLIDE further the way the actor's neck
    turned: the head rolls about the neck's base rather than sliding sideways off it. Its roll and the neck's length
    are kept.

    Why: an actor's head moves sideways against her shoulders further than it rolls (a neck leaning one way, a face
    turning away and tilting: TikTok clip 0 frames 20-24, the neck turned 25-31 degrees against the chest, the head
    rolled 1-21, as the face mesh places and rolls it). A real neck bends into an S under it; the character's is a
    picture blended from the chest to the head along its height, and the head sliding off it sheared it into a
    skin wedge from the jaw to the collar (Grace Hopper, half-length TikTok character 3 on clip 0). The head is
    placed up to a few pixels off the actor's instead. Turned about the mid-shoulder, a head that rolls swung its chin
    across that blend all the same (a neck triangle sheared 33 degrees by a 30-degree roll; about the base, 21)."""
    neck = (joints[:, HC] - joints[:, MS]).astype(np.float64)
    rest = rest_ext[HC] - rest_ext[MS]
    turn = np.arctan2(neck[:, 1], neck[:, 0]) - _angle(rest)
    gap = _wrap(turn - head_angle)
    upper = head_angle + np.clip(gap, -NECK_SLIDE, NECK_SLIDE)
    chest = _shoulder_line(joints) - _shoulder_line(rest_ext)
    along = np.linalg.norm(neck, axis=1, keepdims=True) / max(float(np.linalg.norm(rest)), 1e-9) * rest
    centre = joints[:, MS] + base * _turned(along, chest) + (1.0 - base) * _turned(along, upper)
    out = joints.copy()
    out[:, list(FACE) + [HC]] += (centre - joints[:, HC])[:, None].astype(joints.dtype)
    return out


def face_mesh_head(face: np.ndarray, centre: np.ndarray, match: int | None,
                   fps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Where the face mesh puts the actor's head against the body model's head centre, how large it is, and how
    far to trust it.

    ``face`` [T, 468, 3] the actor's face mesh (NaN where not seen), ``centre`` [T, 2] the head's centre from the
    body model's face points. Returns (shift [T, 2]: the mesh's head centre's offset from ``centre`` less its
    offset at ``match`` (the frame whose pose the character has; else the median offset), in actor pixels;
    size [T]: the mesh's spread in the image, smoothed over 0.1 s; weight [T]: 1 where the mesh faces the camera,
    falling to 0 as the head turns away (``MESH_TURN``) and over ``MESH_HOLD`` seconds into frames without a
    mesh), carried over frames without a mesh (a short gap between two meshes is bridged: :func:`facemesh.bridged`);
    None when the mesh is seen in fewer than a third of the frames.
    Why: in a close-up the body model's ears and eyes land several pixels off the face, frame by frame (TikTok
    clip 5: the head drawn 10-15 px beside the actor's, and 7 % too small as she leans in), where the mesh's
    hundreds of points agree to a pixel.

    The mesh's head centre is not its centroid, which lies on the face's surface and swings across the image as
    the head turns (TikTok clip 1: 25 px between facing the camera and a 55-degree turn), but a point
    ``MESH_DEPTH`` spreads behind it along the face's normal, which swings as the face points' mean does; behind
    the mean of its rigid points (``facemesh.STABLE``), not of all: the mean of all drops with the jaw as the mouth
    opens (self-reenactment SSIM of TikTok clip 0 0.633 -> 0.639, clip 5 0.654 -> 0.656, clip 1 unchanged); and a
    face turned far from the camera is the body model's again: the mesh of a profile is a guess (clip 1's
    dancer, turned 50-60 degrees, gets meshes rolled 50 degrees off her eye line for a frame or two)."""
    T = len(centre)
    seen = np.isfinite(face).all(axis=(1, 2))
    if seen.sum() < max(2, T / 3):
        return None
    pts = face[seen].astype(np.float64)
    mid = pts.mean(axis=1)
    normal = facing(pts)
    spread = np.sqrt(((pts - mid[:, None]) ** 2).sum(-1).mean(-1))
    inside = pts[:, list(STABLE)].mean(axis=1) + MESH_DEPTH * spread[:, None] * normal
    offset = inside[:, :2] - centre[seen]
    flat = np.sqrt(((pts[..., :2] - mid[:, None, :2]) ** 2).sum(-1).mean(-1))
    lo, hi = np.cos(np.radians(MESH_TURN))
    facing_camera = np.clip((normal[:, 2] - hi) / (lo - hi), 0.0, 1.0)
    idx = np.flatnonzero(seen)
    everywhere = np.arange(T)
    offset = np.stack([np.interp(everywhere, idx, offset[:, k]) for k in range(2)], axis=1)
    size = np.interp(everywhere, idx, flat)
    size = gaussian_smooth(size, max(1.0, 0.1 * fps))  # a mouth opening widens the mesh a little
    level = offset[match] if match is not None else np.median(offset, axis=0)
    # away from the mesh the offset is a guess: it fades out (the body's points alone) over MESH_HOLD seconds
    # (a gap short enough to be bridged keeps it, interpolated)
    held = np.isfinite(bridged(face, fps)).all(axis=(1, 2))
    fade = np.clip(1.0 - distance_transform_edt(~held) / max(MESH_HOLD * fps, 1.0), 0.0, 1.0)
    weight = fade * np.interp(everywhere, idx, facing_camera)
    return offset - level, size, weight


def _apply_affine(M: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Per frame 2x3 maps ``M`` [T, 2, 3] applied to points [T, ..., 2]."""
    shape = pts.shape
    flat = pts.reshape(shape[0], -1, 2)
    res = np.einsum("tij,tnj->tni", M[:, :, :2], flat) + M[:, None, :, 2]
    return res.reshape(shape)


def _invert_affines(M: np.ndarray) -> np.ndarray:
    A = np.linalg.inv(M[:, :, :2])
    t = -np.einsum("tij,tj->ti", A, M[:, :, 2])
    return np.concatenate([A, t[:, :, None]], axis=2)


def camera_in_output(camera: np.ndarray, place: Placement) -> np.ndarray:
    """Camera maps (video pixels) expressed in output pixels for the placement ``place`` of the video."""
    P = np.array([[place.scale, 0, place.ox], [0, place.scale, place.oy], [0, 0, 1.0]])
    M3 = np.concatenate([camera, np.tile([[[0, 0, 1.0]]], (len(camera), 1, 1))], axis=1)
    return (P @ M3 @ np.linalg.inv(P))[:, :2, :]


def _wrap(a: np.ndarray) -> np.ndarray:
    return (a + np.pi) % (2 * np.pi) - np.pi


def _feet(out: np.ndarray, ext: np.ndarray, vis: np.ndarray, spine_px: np.ndarray, fps: float, orientation: str,
          vid: Placement, img: Placement, rest_ext: np.ndarray, rest_vis: np.ndarray):
    """Pin planted feet and keep them on the ground line. Returns (joints, planted [T, 2])."""
    T = len(out)
    feet = (LEFT_FOOT, RIGHT_FOOT)
    actor_foot = [ext[:, list(f)].mean(axis=1) for f in feet]
    foot_vis = [vis[:, list(f)].min(axis=1) for f in feet]
    planted = np.zeros((T, 2), bool)
    for s in range(2):
        planted[:, s] = detect_plants(actor_foot[s], foot_vis[s], actor_foot[1 - s], spine_px, fps)
    if not planted.any():
        return out, planted

    # vertical offset so the planted feet stand on the ground line
    dy = np.full(T, np.nan)
    rest_ground = None
    if orientation == "image":
        seen = [f for f in feet if rest_vis[list(f)].min() > VIS_MIN]
        if seen:
            rest_ground = max(img.apply(rest_ext[list(f)].mean(axis=0))[1] for f in seen)
    if orientation == "video" or rest_ground is not None:  # each frame's mean over its planted feet
        gap = np.zeros((T, 2), out.dtype)  # summed in the joints' precision, as the mean of each frame's was
        for s in range(2):
            char_y = out[:, list(feet[s])].mean(axis=1)[:, 1]
            target = vid.apply(actor_foot[s])[:, 1] if orientation == "video" else rest_ground
            gap[:, s] = np.where(planted[:, s], target - char_y, 0)
        count = planted.sum(axis=1)
        dy = np.where(count > 0, gap.sum(axis=1) / np.maximum(count, 1), np.nan)
    ok = np.isfinite(dy)
    if ok.any():
        dy = np.interp(np.arange(T), np.flatnonzero(ok), dy[ok])
        dy = gaussian_smooth(dy, max(1.0, 0.05 * fps))
        out[:, :, 1] += dy[:, None]

    # horizontal (and residual vertical) pinning with two-bone IK
    blend = max(2, int(round(0.15 * fps)))
    legs = ((J["left_hip"], J["left_knee"], J["left_ankle"]), (J["right_hip"], J["right_knee"], J["right_ankle"]))
    for s in range(2):
        hip, knee, ankle = legs[s]
        foot_j = list(feet[s])
        offsets = np.zeros((T, 2))
        for a, b in runs(planted[:, s]):
            offsets[a:b] = out[a, foot_j].mean(axis=0) - out[a:b, foot_j].mean(axis=1)
            # fade the correction out after the contact ends (not into the next contact)
            i = np.arange(1, blend + 1)
            stop = (b - 1 + i >= T) | planted[np.minimum(b - 1 + i, T - 1), s]  # past the clip, or the next contact
            i = i[:np.argmax(np.append(stop, True))]
            offsets[b - 1 + i] = offsets[b - 1] * (1 - i / (blend + 1))[:, None]
        ts = np.flatnonzero(np.abs(offsets).sum(axis=1) > 1e-3)
        new_knee, new_ankle = two_bone_ik(out[ts, hip], out[ts, knee], out[ts, ankle], out[ts, ankle] + offsets[ts])
        shift = new_ankle - out[ts, ankle]
        out[ts, knee] = new_knee
        for j in foot_j:
            out[ts, j] += shift
    return out, planted

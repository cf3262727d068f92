"""The character's eyes look where the actor's look: the actor's gaze, and the eye's image moved by it.

The gaze is the actor's iris offset inside its eye (``facemesh.iris_offset``: from the middle of the eye's corners,
in eye widths, so the head's shift, roll and size are no gaze), relative to its neutral (the actor's usual gaze,
at the camera, which the character's image shows as its own; or the first frame's, when the image is that frame).
The character's eye is then read that far the other way inside its opening (:meth:`EyeOpening.gazed`): each point
of the opening is taken at the same share of the way between its lids, moved along the eye, so the lids stay lids
(no skin is pulled into the opening, nothing of the eye is painted over skin; the move fades out over a margin past
the lid landmarks, where lashes and lid skin only slide along themselves) and the iris slides between them, as a
blink still closes over it (the lids' warp is the face's, done before).
"""
from __future__ import annotations

import numpy as np

from ...pose import facemesh as fm
from ...pose.smoothing import fill_short_gaps, smooth_zero_lag
from .model import smoothstep

# The actor's gaze moves the character's iris at most this far (eye widths) along the eye and across it: the face
# model reads a dancer's sideways glance as 0.12 to 0.19 (TikTok clips 2, 4, 5), and an iris moved further towards
# a corner crowds the white out of a photograph's eye; up and down, the lids cover most of the iris's move.
GAZE_ALONG, GAZE_ACROSS = 0.15, 0.05
# ... and not at all below this (eye widths, taken off every move, so none steps in): the face model's iris
# wobbles by about that much on an eye that holds still
GAZE_DEAD = 0.015
# A head turned from the camera (degrees of yaw, as the face mesh reads it) from the first to the second has its
# gaze faded out: the far eye is foreshortened to a sliver whose iris the face model guesses (TikTok clip 1's
# dancer, in profile, "looks" 0.5 eye widths aside)
GAZE_TURNED = (20.0, 35.0)
# An eye open less than this share of its usual opening (its 90th percentile over the clip) has its iris guessed
# under the lids: the gaze holds through the blink
GAZE_OPEN = 0.6
# The actor's eye narrower than this (video pixels, corner to corner) has no gaze read: its iris is a few pixels the
# face model guesses (the generated mannequin dance's 6 px eyes read up to 0.4 eye widths aside while painted still)
GAZE_ACTOR_EYE = 12.0
# seconds a gaze not measured (blink, no face, turned away) is bridged between two measured ones
GAZE_BRIDGE_S = 0.6
# The move along the eye fades to nothing over this share of the eye's width from each corner: the corners stay
# and the white on one side is squeezed, the other's stretched (at a slope of at most GAZE_ALONG / GAZE_EDGE)
GAZE_EDGE = 0.3
# the character's eye narrower than this (image pixels, corner to corner) keeps its gaze: too few pixels to move
GAZE_MIN_EYE = 6.0
# The move fades out over this margin beyond the lid landmarks (eye heights; a photograph's, a drawn face's): the
# iris and the white often show a little past a photograph's lid landmarks (``face.LID_MARGIN``), and far past a
# drawn eye's (the cartoon girl's irises reach a third of the eye's height past them: moved inside the landmarks
# only, they tore in two)
GAZE_MARGIN = (0.25, 0.6)
# Moved across (up or down), the eyeball slides under the lid it moves towards: past that lid's landmarks it is
# covered within this share of the margin (a photograph's iris, looking up, shows a band of pale lid and white under
# it; only squeezed, that band stayed); from the other lid's margin edge to the opening's middle its move grows, so
# that side is stretched by at most ``1 / (1 - GAZE_ACROSS_MAX)``
GAZE_TUCK = 0.3
GAZE_ACROSS_MAX = 0.6


def gaze_drive(face: np.ndarray, irises: np.ndarray | None, fps: float, neutral: str = "typical") -> np.ndarray | None:
    """[T, 2] the actor's gaze per frame (along the eye line, towards the image's right on a face seen from the
    front; across it, downwards; eye widths) from its neutral (``neutral``: "typical", the median over the clip, or
    "first", the first measured frame), smoothed, both eyes as one (each weighted by its width on screen; none
    narrower than ``GAZE_ACTOR_EYE``), within ``GAZE_ALONG`` / ``GAZE_ACROSS``; None when the track has no irises
    (made before they were kept) or never measures them."""
    if irises is None:
        return None
    face, irises = np.asarray(face, np.float64), np.asarray(irises, np.float64)
    off = fm.iris_offset(face, irises)  # [T, 2 eyes, 2]
    opening = fm.eye_opening(face)  # [T, 2]
    seen = np.isfinite(off).all(axis=2) & np.isfinite(opening)
    if not seen.any():
        return None
    usual = np.array([np.percentile(opening[seen[:, k], k], 90) if seen[:, k].any() else np.inf for k in range(2)])
    seen &= opening >= GAZE_OPEN * usual
    widths = np.stack([np.linalg.norm(face[:, b, :2] - face[:, a, :2], axis=-1)
                       for a, b in (fm.RIGHT_EYE_CORNERS, fm.LEFT_EYE_CORNERS)], axis=1)
    weight = np.where(seen & (np.nan_to_num(widths) >= GAZE_ACTOR_EYE), np.nan_to_num(widths) ** 2, 0.0)
    total = weight.sum(axis=1)
    valid = total > 0
    if not valid.any():
        return None
    gaze = np.full((len(face), 2), np.nan)
    gaze[valid] = (np.nan_to_num(off[valid]) * weight[valid, :, None]).sum(axis=1) / total[valid, None]
    yaw = np.abs(np.nan_to_num(fm.head_angles(face)[:, 0]))
    base = gaze[valid][0] if neutral == "first" else np.median(gaze[valid], axis=0)
    gaze = (gaze - base) * (1.0 - smoothstep(*GAZE_TURNED, yaw))[:, None]
    gaze = fill_short_gaps(gaze, max(1, int(round(GAZE_BRIDGE_S * fps))))[0]
    gaze = smooth_zero_lag(gaze, fps, min_cutoff=1.5, beta=0.5)
    gaze = np.sign(gaze) * np.maximum(np.abs(gaze) - GAZE_DEAD, 0.0)
    return np.clip(np.nan_to_num(gaze), [-GAZE_ALONG, -GAZE_ACROSS], [GAZE_ALONG, GAZE_ACROSS])


class EyeOpening:
    """One eye's opening in the character's image (rest pixels): its frame (the corners' middle, the unit along the
    eye line and the one down across it, the eye's width), its lids as heights over the position along it, and the
    margin around them its move fades out over (:data:`GAZE_MARGIN`)."""

    def __init__(self, corners: np.ndarray, upper: np.ndarray, lower: np.ndarray, along: np.ndarray,
                 margin: float) -> None:
        """``corners`` [2, 2] (outer, inner), ``upper`` / ``lower`` [k, 2] the lids' landmarks between them,
        ``along`` [2] the face's eye line (the subject's right eye to its left), ``margin`` in eye heights."""
        self.middle = corners.mean(axis=0)
        self.width = float(np.linalg.norm(corners[1] - corners[0]))
        self.u = along / max(float(np.linalg.norm(along)), 1e-9)
        self.n = np.array([-self.u[1], self.u[0]])
        self.lids = []
        for lid in (upper, lower):
            s, q = self._local(np.concatenate([corners[:1], lid, corners[1:]]))
            k = np.argsort(s)
            self.lids.append((s[k], q[k]))
        self.ends = (float(min(self.lids[0][0][0], self.lids[1][0][0])),
                     float(max(self.lids[0][0][-1], self.lids[1][0][-1])))
        samples = np.linspace(*self.ends, 16)
        up, low = self._lid_heights(samples)
        self.margin = margin * max(float((low - up).max()), 0.05)  # eye widths
        self.reach = self.margin * self.width  # image pixels

    def below(self, point: np.ndarray) -> float:
        """How far (eye widths, across) the lower lid lies below ``point`` [2] (rest pixels), where it is along."""
        s, q = self._local(np.asarray(point, np.float64))
        return float(self._lid_heights(s)[1] - q)

    def _local(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(along, across) of points [..., 2] in eye widths from the corners' middle."""
        d = (p - self.middle) / max(self.width, 1e-9)
        return d @ self.u, d @ self.n

    def _lid_heights(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The upper and the lower lid's heights (eye widths, across) at ``s`` along the eye."""
        return tuple(np.interp(s, ls, lq) for ls, lq in self.lids)

    def gazed(self, sx: np.ndarray, sy: np.ndarray, gaze: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the image's pixels that would be read at ``sx``, ``sy`` (rest pixels) are read for the eye to look
        ``gaze`` (along, across; eye widths) further: between the lids, each point is read from ``gaze`` back along
        the eye (less towards the corners, over ``GAZE_EDGE``) at the same share of the way between the lids there,
        the move fading out over the margin beyond them (the lashes and lid skin there are only slid along
        themselves); across, by a share of the lids' gap that is greatest between them and none on their margin's
        edge. A warp of the image onto itself: nothing beyond the margin moves, nothing folds or tears."""
        s, q = self._local(np.stack([sx, sy], axis=-1).astype(np.float64))
        up, low = self._lid_heights(s)
        up, low = up - self.margin, low + self.margin
        gap = np.maximum(low - up, 1e-3)
        v = (q - up) / gap  # 0 on the upper lid's margin, 1 on the lower's
        lo, hi = self.ends
        edge = np.clip(np.minimum(s - lo, hi - s) / GAZE_EDGE, 0.0, 1.0)
        within = np.clip(np.minimum(v, 1.0 - v) * gap / max(self.margin, 1e-3), 0.0, 1.0)  # 1 between the lids
        s2 = s - gaze[0] * edge * within
        up2, low2 = self._lid_heights(s2)
        up2, low2 = up2 - self.margin, low2 + self.margin
        gap2 = np.maximum(low2 - up2, 1e-3)
        q2 = up2 + v * gap2 - self._across(v, gap2, float(gaze[1])) * edge
        p = self.middle + self.width * (s2[..., None] * self.u + q2[..., None] * self.n)
        moved = (edge > 0) & (v > 0) & (v < 1)
        return (np.where(moved, p[..., 0], sx).astype(np.float32),
                np.where(moved, p[..., 1], sy).astype(np.float32))

    def _across(self, v: np.ndarray, gap: np.ndarray, move: float) -> np.ndarray:
        """How far (eye widths, downwards) the eye's image is moved across at ``v`` (0 on the upper lid's margin
        edge, 1 on the lower's; ``gap`` between them, eye widths) to move its iris ``move``: the eyeball slides
        under the lid it moves towards (whole up to that lid, then gone over ``GAZE_TUCK`` of the margin: what
        lay between the iris and that lid is covered by it) and away from the other lid's margin edge (which
        stays) by a share growing to the opening's middle (the iris's far half and the lid's edge stretch a little).
        At most ``GAZE_ACROSS_MAX`` of that stretch, so the image is never folded."""
        if move == 0.0:
            return np.zeros_like(v)
        m = self.margin / gap  # the margin, as a share of the gap
        w = v if move > 0 else 1.0 - v  # 0 on the edge the eye moves from
        whole = np.clip(w / 0.5, 0.0, 1.0)  # the share, growing over the margin and half the opening
        tuck = np.clip((1.0 - w - (1.0 - GAZE_TUCK) * m) / (GAZE_TUCK * m), 0.0, 1.0)  # past that lid, gone
        reach = GAZE_ACROSS_MAX * 0.5 * gap  # the stretch at most
        return np.sign(move) * np.minimum(abs(move), reach) * np.minimum(whole, tuck)

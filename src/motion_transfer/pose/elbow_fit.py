"""A drawn character's elbows moved to the ends of its upper-arm tubes, after the pose model found it.

On robots and mascots whose forearms fold back up (a boxing guard: elbows down, gloves by the chin), the pose
model puts the elbow part-way up the upper arm, towards the shoulder, where a person's elbow would be for that
arm's length: the rig then gives the lower half of the tube to the torso, and it stays behind when the arm moves.
Such a tube shows clearly in the picture: a piece of the silhouette bounded by edges (its outline against the
background, its seam against the torso), hanging on along the upper arm past the detected elbow and ending
there in the background with a rounded end. The elbow joint is the centre of that end. Photographed people,
whose elbows the model finds well, give no such evidence: a sleeve past the elbow runs on into the forearm, not
into the background, and their arms rarely show a closed outline of their own.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from .skeleton import J, shoulder_span

ANALYSIS_LONG_SIDE = 512  # the picture is read at this size: outlines of one or two pixels survive, grain less
CANNY = (30, 80)  # edge thresholds (OpenCV's Canny, the colour channels' strongest gradient)
# where along shoulder -> detected elbow (in its lengths) the tube's pieces are looked for
ALONG = np.linspace(0.6, 1.8, 25)
TURN = 40.0  # (degrees) the most the tube's own axis may turn away from the detected upper arm
ELONGATED = 1.3  # the tube's piece is at least this many times longer than wide
WIDEST = 0.6  # (shoulder widths) the widest tube
LONGEST = 1.6  # (shoulder widths) the longest upper arm, shoulder to the new elbow
FURTHER = 0.2  # (detected upper-arm lengths) the end must lie at least this much past the detected elbow
OPEN_END = 0.75  # share of the ring just past the tube's end that is background (a real end, not a bend)


def _pieces(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The silhouette cut along the picture's edges into labelled pieces (0: background or edge)."""
    edges = cv2.Canny(image, *CANNY) > 0
    edges = cv2.dilate(edges.astype(np.uint8), None) > 0
    lab, _ = ndimage.label(mask & ~edges)
    return lab


def _label_at(lab: np.ndarray, p: np.ndarray) -> int:
    h, w = lab.shape
    if not np.isfinite(p).all():
        return 0
    x, y = round(float(p[0])), round(float(p[1]))
    return int(lab[y, x]) if 0 <= x < w and 0 <= y < h else 0


def _tube_end(lab: np.ndarray, mask: np.ndarray, s: np.ndarray, e: np.ndarray, w: np.ndarray, sw: float,
              exclude: set[int]) -> np.ndarray | None:
    """The centre of the rounded end of the upper arm's tube (same pixels as ``lab``), or None when the
    picture does not show one clearly past the detected elbow ``e``."""
    arm = e - s
    length = float(np.linalg.norm(arm))
    if length < 2:
        return None
    u = arm / length
    hits = [_label_at(lab, s + t * arm) for t in ALONG]
    hits = [k for k in hits if k > 0 and k not in exclude]
    if not hits:
        return None
    piece = int(np.bincount(hits).argmax())
    ys, xs = np.nonzero(lab == piece)
    if len(xs) < 8:  # a speck (a single pixel's spread is undefined): no tube to measure
        return None
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    centre = pts.mean(axis=0)
    _, vecs = np.linalg.eigh(np.cov((pts - centre).T))
    d = vecs[:, 1] * (1.0 if float(vecs[:, 1] @ u) >= 0 else -1.0)
    if float(d @ u) < np.cos(np.radians(TURN)):
        return None
    n = np.array([-d[1], d[0]])
    along, across = (pts - centre) @ d, (pts - centre) @ n
    lo, hi = np.percentile(along, [1, 99])
    a_lo, a_hi = np.percentile(across, [2, 98])
    width = float(a_hi - a_lo)
    if (hi - lo) < ELONGATED * width or width > WIDEST * sw:
        return None
    # the end's centre: the last pixels along the tube still a full radius from its outline
    inner = cv2.distanceTransform((lab == piece).astype(np.uint8), cv2.DIST_L2, 5)[ys, xs]
    near_end = along >= hi - width
    r = float(inner[near_end].max())
    ridge = near_end & (inner >= 0.9 * r)
    end = pts[ridge][np.argsort(along[ridge])[-5:]].mean(axis=0)
    if float((end - e) @ u) < FURTHER * length or float(np.linalg.norm(end - s)) > LONGEST * sw:
        return None
    # a forearm running on past the end would make the tube the forearm: the wrist must lie back up the arm
    if float((w - end) @ d) > 0:
        return None
    ang = np.radians(np.linspace(-45, 45, 13))
    ring = end[None] + 1.4 * r * (np.cos(ang)[:, None] * d[None] + np.sin(ang)[:, None] * n[None])
    h, wd = mask.shape
    inside = [0 <= p[0] < wd and 0 <= p[1] < h and bool(mask[int(p[1]), int(p[0])]) for p in ring]
    if 1.0 - np.mean(inside) < OPEN_END:
        return None
    return end


def fit_elbows(image: np.ndarray, mask: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """``joints`` [33, 2] (image pixels) with each elbow moved to the end of its upper-arm tube where the
    picture ``image`` (HxWx3 uint8) and the silhouette ``mask`` (HxW bool) clearly show one past it (see the
    module's docstring); unchanged otherwise."""
    out = joints.astype(np.float64).copy()
    h, w = mask.shape
    if not mask.any():
        return out
    s = min(1.0, ANALYSIS_LONG_SIDE / max(h, w))
    small = cv2.resize(image, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA) if s < 1 else image
    small_mask = cv2.resize(mask.astype(np.uint8), small.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 0
    lab = _pieces(np.ascontiguousarray(small), small_mask)
    j = out * s
    if not np.isfinite(j[[J["left_shoulder"], J["right_shoulder"]]]).all():
        return out
    sw = shoulder_span(j)
    mid = j[[J["left_shoulder"], J["right_shoulder"], J["left_hip"], J["right_hip"]]].mean(axis=0)
    for side in ("left", "right"):
        sh, el, wr = (j[J[f"{side}_{k}"]] for k in ("shoulder", "elbow", "wrist"))
        if not np.isfinite(np.concatenate([sh, el, wr])).all():
            continue
        exclude = {_label_at(lab, wr), _label_at(lab, sh), _label_at(lab, mid)}
        end = _tube_end(lab, small_mask, sh, el, wr, sw, exclude)
        if end is not None:
            out[J[f"{side}_elbow"]] = end / s
    return out

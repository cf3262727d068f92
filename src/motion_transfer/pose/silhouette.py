"""A figure's silhouette without a pose model: the foreground of flat-background art (its border colour), or of
a busy picture (GrabCut from a centred figure), and humanoid skeletons fitted to a silhouette (mascots, robots,
drawings the pose model cannot read), plus a measure of how well a skeleton explains one (to choose among
detections)."""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np
from scipy import ndimage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .completion import complete_joints
from .skeleton import NUM_BODY, REQUIRED_JOINTS, J

BACKDROP_COLOURS = 3  # a flat backdrop has at most this many colours (a wall and a floor, a sky and the snow)
FLAT = 12.0  # (Lab) ... and 90% of the picture's border lies this close to one of them
CORNER = 0.1  # (of the border band's length) a second or third colour reaches a corner within this, as a floor does
# (Lab) drawn art's backdrop is this flat to the level (saved as JPEG, a level or two off): a backdrop of several
# colours is drawn art only, and only drawn art's fill is made its colours exactly; a photographed room's wall and
# door, grainy, are left to the person mask and the patch fill
DRAWN = 2.0


def _nearest(lab: np.ndarray, colours: list[np.ndarray]) -> np.ndarray:
    """Each pixel's Lab distance to the nearest of ``colours``."""
    return np.min([np.linalg.norm(lab - c, axis=-1) for c in colours], axis=0)


def _backdrop_colours(lab: np.ndarray) -> tuple[list[np.ndarray], float] | None:
    """The flat backdrop's colours (Lab) read from the picture's border, and how far the border strays from
    them (the 90th percentile); None when the border is not flat.

    Drawn backdrops are often two flat colours, a wall and the floor the character stands on: the border's
    median colour, then the median of what lies far from it, and so on, as long as each further colour reaches
    one of the picture's corners (a floor or a sky spans the picture; a character cut by the bottom edge, whose
    clothes lie along it, does not), and the border is drawn art's, flat to DRAWN."""
    h, w = lab.shape[:2]
    b = max(2, round(0.02 * min(h, w)))
    # the band as four runs, each from a corner: top and bottom left to right, the sides top to bottom
    runs = [lab[:b].transpose(1, 0, 2), lab[-b:].transpose(1, 0, 2), lab[:, :b], lab[:, -b:]]
    band = np.concatenate([r.reshape(-1, 3) for r in runs])
    corner = np.repeat(np.concatenate([np.abs(np.arange(len(r)) - (len(r) - 1) / 2) > (0.5 - CORNER) * len(r)
                                       for r in runs]), b)
    colours = [np.median(band, axis=0)]
    while True:
        near = _nearest(band, colours)
        spread = float(np.percentile(near, 90))
        far = near > FLAT
        if spread <= FLAT or len(colours) == BACKDROP_COLOURS or not (far & corner).any():
            break
        colours.append(np.median(band[far & corner], axis=0))
    return (colours, spread) if spread <= (FLAT if len(colours) == 1 else DRAWN) else None


@dataclass(frozen=True)
class Backdrop:
    """A picture's border read once (:func:`read_backdrop`) for all that ask about it: the figure search, the
    matte and the background fill each converted the whole picture to Lab and read its border's colours again.

    ``lab`` the picture (HxWx3 float32 CIE Lab, OpenCV's 8-bit scale); ``colours`` :func:`_backdrop_colours`'s
    answer (the flat backdrop's colours and the border's spread from them; None: the border is not flat)."""

    lab: np.ndarray
    colours: tuple[list[np.ndarray], float] | None

    @property
    def drawn(self) -> bool:
        """The backdrop is drawn art's, flat to DRAWN (:func:`backdrop_palette` has colours for it)."""
        return self.colours is not None and self.colours[1] <= DRAWN


def read_backdrop(image: np.ndarray) -> Backdrop:
    """The :class:`Backdrop` of ``image`` (HxWx3 uint8 RGB)."""
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    return Backdrop(lab, _backdrop_colours(lab))


def backdrop_palette(image: np.ndarray, backdrop: Backdrop | None = None) -> np.ndarray | None:
    """A drawn backdrop's colours as the picture has them ([K, 3] uint8 RGB: the median of the border's pixels
    nearest each of :func:`_backdrop_colours`), or None when the picture (HxWx3 uint8 RGB) has no backdrop flat
    to DRAWN. ``backdrop``: the picture's, when already read."""
    backdrop = read_backdrop(image) if backdrop is None else backdrop
    if not backdrop.drawn:
        return None
    lab, colours = backdrop.lab, backdrop.colours[0]
    h, w = lab.shape[:2]
    b = max(2, round(0.02 * min(h, w)))
    band = np.zeros((h, w), bool)
    band[:b] = band[-b:] = True
    band[:, :b] = band[:, -b:] = True
    nearest = np.stack([np.linalg.norm(lab[band] - c, axis=-1) for c in colours]).argmin(axis=0)
    return np.array([np.median(image[band][nearest == k], axis=0) for k in range(len(colours))], np.uint8)


def border_alpha(image: np.ndarray, backdrop: Backdrop | None = None) -> np.ndarray | None:
    """Foreground alpha from the border's colours when the border is flat (drawn / studio art: see
    :func:`_backdrop_colours`), else None. ``backdrop``: the picture's, when already read."""
    backdrop = read_backdrop(image) if backdrop is None else backdrop
    if backdrop.colours is None:
        return None
    lab, (colours, spread) = backdrop.lab, backdrop.colours
    each = np.stack([np.linalg.norm(lab - c, axis=-1) for c in colours])
    lo = max(4.0, 1.5 * spread)
    hi = max(3 * lo, 18.0)
    alpha = np.clip((each.min(axis=0) - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)
    if len(colours) > 1:
        _enclosed_to_figure(alpha, each.argmin(axis=0))
    return alpha


def _enclosed_to_figure(alpha: np.ndarray, colour: np.ndarray) -> None:
    """Give ``alpha`` (in place) the pieces of a backdrop colour that the figure encloses when the backdrop
    beside the figure at their height is another of its colours (``colour``: each pixel's nearest one): a
    penguin's white belly before a blue sky matches the snow below it, while the wall seen between an arm and
    the body is the wall beside the figure, and stays backdrop."""
    back = alpha < 0.5
    pieces, n = ndimage.label(back)
    if n < 2:
        return
    rim = np.unique(np.concatenate([pieces[0], pieces[-1], pieces[:, 0], pieces[:, -1]]))
    outside = np.isin(pieces, rim[rim > 0])
    k = int(colour.max()) + 1
    # per row, how many pixels of the backdrop around the figure have each colour; summed over a piece's rows
    per_row = np.stack([(outside & (colour == c)).sum(axis=1) for c in range(k)], axis=1)
    upto = np.concatenate([np.zeros((1, k), np.int64), np.cumsum(per_row, axis=0)])
    for i, box in enumerate(ndimage.find_objects(pieces), start=1):
        if box is None or i in rim:
            continue
        beside = upto[box[0].stop] - upto[box[0].start]
        piece = pieces[box] == i
        if not beside.any() or np.bincount(colour[box][piece], minlength=k).argmax() != beside.argmax():
            alpha[box][piece] = 1.0


def centred_alpha(image: np.ndarray) -> np.ndarray | None:
    """Foreground of a busy picture (HxW float32 0..1): GrabCut from a figure assumed near the middle (an
    ellipse over the central 60% x 80%) against the top and side borders; the bottom border stays open, since
    portraits run off it. Only the largest piece is kept; None when nothing separates."""
    h, w = image.shape[:2]
    s = 256.0 / max(h, w)
    small = cv2.resize(image, (max(8, round(w * s)), max(8, round(h * s))), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    mask = np.full((sh, sw), cv2.GC_PR_BGD, np.uint8)
    yy, xx = np.mgrid[0:sh, 0:sw]
    mask[((xx - sw / 2) / (0.3 * sw)) ** 2 + ((yy - 0.55 * sh) / (0.4 * sh)) ** 2 < 1] = cv2.GC_PR_FGD
    mask[:3] = cv2.GC_BGD
    mask[:, :3] = cv2.GC_BGD
    mask[:, -3:] = cv2.GC_BGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut seeds its colour models randomly: the same picture, the same answer
    cv2.grabCut(np.ascontiguousarray(small[:, :, ::-1]), mask, None, bgd, fgd, 5, cv2.GC_INIT_WITH_MASK)
    fg = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(fg)
    if n < 2:
        return None
    fg = (lab == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))).astype(np.float32)
    return cv2.resize(fg, (w, h), interpolation=cv2.INTER_LINEAR)


def fit_skeleton(matte: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Fit a humanoid skeleton to a silhouette (for characters the pose model cannot read: mascots, robots).

    The silhouette's medial skeleton is searched for five extremities: the head (top), two hands (left- and
    rightmost of the upper ones) and two feet (the lowest). Shoulders and hips sit where the paths from the head
    to the hands and to the feet part; elbows and knees halfway along. Returns None when the silhouette does
    not have that shape (then the user must supply a rig.json).
    """
    h0, w0 = matte.shape
    s = 256.0 / max(h0, w0)
    small = cv2.resize((matte > 0.5).astype(np.uint8), (max(8, round(w0 * s)), max(8, round(h0 * s))),
                       interpolation=cv2.INTER_NEAREST).astype(bool)
    lab, n = ndimage.label(small)
    if n == 0:
        return None
    sizes = ndimage.sum(small, lab, range(1, n + 1))
    small = lab == (1 + int(np.argmax(sizes)))
    small = ndimage.binary_fill_holes(ndimage.binary_closing(small, iterations=2))
    if small.sum() < 200:
        return None
    opened = ndimage.binary_opening(small, iterations=1).astype(np.uint8) * 255
    sk = cv2.ximgproc.thinning(opened, thinningType=cv2.ximgproc.THINNING_ZHANGSUEN) > 0
    ys, xs = np.nonzero(sk)
    if len(ys) < 20:
        return None
    index = -np.ones(sk.shape, np.int64)
    index[ys, xs] = np.arange(len(ys))
    rows, cols, wts = [], [], []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy == 0 and dx == 0:
                continue
            yy, xx = ys + dy, xs + dx
            ok = (yy >= 0) & (yy < sk.shape[0]) & (xx >= 0) & (xx < sk.shape[1])
            nb = np.full(len(ys), -1)
            nb[ok] = index[yy[ok], xx[ok]]
            m = nb >= 0
            rows.append(np.flatnonzero(m))
            cols.append(nb[m])
            wts.append(np.full(m.sum(), np.hypot(dy, dx)))
    graph = csr_matrix((np.concatenate(wts), (np.concatenate(rows), np.concatenate(cols))),
                       shape=(len(ys), len(ys)))
    degree = np.diff(graph.indptr)
    ends = np.flatnonzero(degree == 1)
    if len(ends) < 5:
        return None
    # keep the largest connected skeleton piece
    dist_all, pred_all = dijkstra(graph, indices=ends, return_predecessors=True)
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    height = small.shape[0]
    head_i = ends[np.argmin(pts[ends, 1])]
    others = [e for e in ends if e != head_i and np.isfinite(dist_all[list(ends).index(head_i), e])]
    if len(others) < 4:
        return None
    others.sort(key=lambda e: -pts[e, 1])
    feet = others[:2]
    rest = [e for e in others[2:] if pts[e, 1] < max(pts[feet, 1]) - 0.15 * height]
    if len(rest) < 2:
        return None
    rest.sort(key=lambda e: pts[e, 0])
    hands = [rest[0], rest[-1]]
    if pts[hands[1], 0] - pts[hands[0], 0] < 0.15 * small.shape[1]:
        return None  # the two "hands" are not on either side of the body
    hi = list(ends).index(head_i)
    pred = pred_all[hi]

    def path_to(e: int) -> list[int]:
        out = [e]
        while out[-1] != head_i and pred[out[-1]] >= 0:
            out.append(pred[out[-1]])
        return out[::-1]

    paths = {k: path_to(e) for k, e in (("hand_r_img", hands[0]), ("hand_l_img", hands[1]),
                                        ("foot_a", feet[0]), ("foot_b", feet[1]))}

    def split(a: list[int], b: list[int]) -> int:
        n_common = 0
        for x, y in zip(a, b):
            if x != y:
                break
            n_common += 1
        return max(n_common - 1, 0)

    feet_sorted = sorted(("foot_a", "foot_b"), key=lambda k: pts[paths[k][-1], 0])
    f_r, f_l = paths[feet_sorted[0]], paths[feet_sorted[1]]  # image-left foot is the character's right
    h_r, h_l = paths["hand_r_img"], paths["hand_l_img"]
    hip_i = split(f_r, f_l)
    sh_i = min(split(h_r, f_r), split(h_l, f_l))
    trunk = f_r
    if hip_i <= sh_i + 2:
        return None

    def along(path: list[int], a: int, frac: float) -> np.ndarray:
        seg = pts[path[a:]]
        d = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(seg, axis=0), axis=1))])
        if d[-1] <= 0:
            return seg[0]
        t = frac * d[-1]
        k = int(np.searchsorted(d, t))
        return seg[min(k, len(seg) - 1)]

    neck = pts[trunk[sh_i]]
    pelvis = pts[trunk[hip_i]]
    head_top = pts[head_i]
    dt = ndimage.distance_transform_edt(small)
    half_w = float(dt[int(neck[1]), int(neck[0])])
    hip_w = max(float(dt[int(pelvis[1]), int(pelvis[0])]) * 0.6, 2.0)
    joints = np.full((33, 2), np.nan)
    vis = np.zeros(33)

    def setj(name: str, p: np.ndarray) -> None:
        joints[J[name]] = p / s
        vis[J[name]] = 1.0

    setj("nose", head_top + 0.6 * (neck - head_top))
    sh_w = max(half_w * 1.2, 3.0)
    setj("left_shoulder", neck + np.array([sh_w, 0.15 * sh_w]))
    setj("right_shoulder", neck + np.array([-sh_w, 0.15 * sh_w]))
    for side, hp in (("left", h_l), ("right", h_r)):
        setj(f"{side}_elbow", along(hp, sh_i, 0.5))
        setj(f"{side}_wrist", along(hp, sh_i, 0.92))
    setj("left_hip", pelvis + np.array([hip_w, 0]))
    setj("right_hip", pelvis + np.array([-hip_w, 0]))
    for side, fp in (("left", f_l), ("right", f_r)):
        setj(f"{side}_knee", along(fp, hip_i, 0.5))
        setj(f"{side}_ankle", along(fp, hip_i, 0.93))
    if not np.isfinite(joints[[J[n] for n in REQUIRED_JOINTS]]).all():
        return None
    return complete_joints(joints, vis)


# ------------------------------------------------------------------ stick-figure fit (any pose, upper bodies too)

FIT_LONG_SIDE = 96  # the stick figure is fitted on a silhouette this large: coarse, but cheap to evaluate often
# the fitted points: head centre, then shoulder, elbow, wrist, hip, knee, ankle of the character's left and right
_POINTS = ("head",) + tuple(f"{s}_{j}" for s in ("left", "right")
                             for j in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"))
_P = {n: i for i, n in enumerate(_POINTS)}
_CHAINS = {f"{s}_{limb}": tuple(_P[f"{s}_{j}"] for j in joints) for s in ("left", "right")
           for limb, joints in (("arm", ("shoulder", "elbow", "wrist")), ("leg", ("hip", "knee", "ankle")))}
# thickness limits (head radius, arm and leg half-widths, torso padding) in torso lengths (shoulder line to hip line)
_THICKNESS = np.array([[0.12, 0.7], [0.05, 0.3], [0.07, 0.4], [0.0, 0.3]])
_LEG_SPREAD = math.radians(35.0)


class _Start(NamedTuple):
    """A body plan for the stick-figure fit: where it starts, in standing heights from the top of the head (the
    head's radius; each joint across and down), and its usual bone lengths in torso lengths (shoulder line to hip
    line: what the limb searches try and the proportion prior expects), the legs searched before the arms in
    standing heights."""
    head: float
    joints: dict[str, tuple[float, float]]
    arm: tuple[float, float]
    leg: tuple[float, float]
    leg_first: float


# a person, and a mascot, a toy or an animal on two legs, whose head is a third of its height and legs short (a
# teddy bear, a penguin: started as a person, the descent put its shoulders on its head)
_STARTS = (_Start(0.07, {"shoulder": (0.1, 0.18), "elbow": (0.18, 0.33), "wrist": (0.24, 0.47), "hip": (0.06, 0.48),
                         "knee": (0.07, 0.72), "ankle": (0.08, 0.95)}, (0.62, 0.5), (0.85, 0.85), 0.24),
           _Start(0.16, {"shoulder": (0.12, 0.36), "elbow": (0.2, 0.48), "wrist": (0.26, 0.6), "hip": (0.08, 0.7),
                         "knee": (0.08, 0.83), "ankle": (0.08, 0.95)}, (0.42, 0.39), (0.38, 0.35), 0.125))
_CROSSED = 10.0  # weight of feet crossed or together (per torso length they lack) in the proportion prior
_PRIOR = 0.01  # weight of the proportion priors against the silhouette mismatch (a share of the figure's area)
# weight of a sheared torso (:func:`_shear`) in choosing among the finished fits: the lead's penguin's upright fit
# covered its silhouette 0.004 worse than one sheared by 0.2; the drawn figures' chosen fits are sheared by 0.07
# at most (a box robot) and beaten by 0.03 or more where other fits are square
_SHEAR = 0.03


def _shear(p: np.ndarray) -> float:
    """How far the torso is sheared: the squared angles (radians) by which its shoulder line and its hip line
    lean off square to its spine. A standing figure's are square; a fit that put one shoulder on the head (the
    lead's penguin: 37 degrees) gave that arm twice the other's length, and the retarget gives both arms the
    longer one (it takes the shorter for foreshortened), so the flippers danced twice their length."""
    ls, rs, lh, rh = (p[_P[n]] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
    spine = _unit(0.5 * (lh + rh - ls - rs))
    lean = [np.arcsin(min(abs(float(np.dot(_unit(a - b), spine))), 1.0)) for a, b in ((ls, rs), (lh, rh))]
    return float(lean[0] ** 2 + lean[1] ** 2)


def _torso_length(p: np.ndarray) -> float:
    ms = 0.5 * (p[_P["left_shoulder"]] + p[_P["right_shoulder"]])
    mh = 0.5 * (p[_P["left_hip"]] + p[_P["right_hip"]])
    return max(float(np.linalg.norm(mh - ms)), 1.0)


def _prior(p: list, head_r: float, leg_r: float, start: _Start) -> float:
    """How unusual the proportions are for ``start``'s body plan (0 for a typical figure): bone lengths against
    the torso's, left against right, legs that do not hang, feet crossed or on one spot, hands over the face,
    shoulder width. Plain floats: this runs thousands of times."""
    hyp = math.hypot
    ls, rs, lh, rh = (p[_P[n]] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
    T = max(hyp(0.5 * (lh[0] + rh[0] - ls[0] - rs[0]), 0.5 * (lh[1] + rh[1] - ls[1] - rs[1])), 1.0)
    out = 0.0
    for limb in ("arm", "leg"):
        total = []
        for side in ("left", "right"):
            a, b, e = (p[i] for i in _CHAINS[f"{side}_{limb}"])
            l1, l2 = hyp(b[0] - a[0], b[1] - a[1]), hyp(e[0] - b[0], e[1] - b[1])
            total.append(l1 + l2)
            u1, u2 = getattr(start, limb)
            out += math.log(max(l1, 0.5) / (u1 * T)) ** 2 + math.log(max(l2, 0.5) / (u2 * T)) ** 2
            if limb == "leg":  # legs hang: more than 35 degrees from straight down is unusual
                for u, v in ((a, b), (b, e)):
                    out += 20.0 * max(0.0, math.atan2(abs(v[0] - u[0]), v[1] - u[1]) - _LEG_SPREAD) ** 2
            else:  # hands and elbows rarely cover the face in a character picture
                hx, hy = p[0]
                r = max(head_r, 1.0)
                out += 5.0 * (max(0.0, 1.0 - hyp(b[0] - hx, b[1] - hy) / r) +
                              max(0.0, 1.0 - hyp(e[0] - hx, e[1] - hy) / r))
        out += 0.5 * abs(total[0] - total[1]) / T
    # feet neither cross nor stand on one spot (one thick line over two thin legs): the left ankle lies a leg's
    # half-width or more on the left hip's side of the right ankle
    la, ra = p[_P["left_ankle"]], p[_P["right_ankle"]]
    apart = (((la[0] - ra[0]) * (lh[0] - rh[0]) + (la[1] - ra[1]) * (lh[1] - rh[1]))
             / max(hyp(lh[0] - rh[0], lh[1] - rh[1]), 0.5))
    out += _CROSSED * max(0.0, leg_r - apart) / T
    return out + math.log(max(hyp(ls[0] - rs[0], ls[1] - rs[1]), 0.5) / (0.75 * T)) ** 2


class _StickFigure:
    """A humanoid of lines and discs drawn over a silhouette; ``cost`` says how badly it covers it.

    Drawn pixels outside the silhouette cost twice as much as silhouette pixels left uncovered, so parts the
    human plan has no bone for (a tail, a cape, a bun) stay uncovered instead of pulling a limb onto them."""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask.astype(bool)
        self.area = max(int(self.mask.sum()), 1)
        self.canvas = np.zeros(self.mask.shape, np.uint8)
        self.arms = True
        self.start = _STARTS[0]  # whose bone lengths the proportion prior expects

    def render(self, p: np.ndarray, th: np.ndarray) -> np.ndarray:
        c = self.canvas
        c[:] = 0
        q = [tuple(v) for v in (p * 16 + 0.5).astype(np.int32).tolist()]  # 4 fractional bits
        ls, rs, lh, rh = (q[_P[n]] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
        quad = np.array([ls, rs, rh, lh], np.int32)
        cv2.fillConvexPoly(c, quad, 1, cv2.LINE_8, 4)
        cv2.polylines(c, [quad], True, 1, max(1, int(2 * th[3] + 0.5)), cv2.LINE_8, 4)
        neck = ((ls[0] + rs[0]) // 2, (ls[1] + rs[1]) // 2)
        cv2.line(c, neck, q[0], 1, max(1, int(0.8 * th[0] + 0.5)), cv2.LINE_8, 4)
        cv2.circle(c, q[0], int(th[0] * 16 + 0.5), 1, -1, cv2.LINE_8, 4)
        arm, leg = max(1, int(2 * th[1] + 0.5)), max(1, int(2 * th[2] + 0.5))
        for name, (a, b, e) in _CHAINS.items():
            is_arm = name.endswith("arm")
            if is_arm and not self.arms:
                continue
            width = arm if is_arm else leg
            cv2.line(c, q[a], q[b], 1, width, cv2.LINE_8, 4)
            cv2.line(c, q[b], q[e], 1, width, cv2.LINE_8, 4)
        return c

    def cost(self, p: np.ndarray, th: np.ndarray) -> float:
        drawn = self.render(p, th).view(bool)
        outside = np.count_nonzero(drawn & ~self.mask)
        missed = self.area - np.count_nonzero(drawn & self.mask)
        prior = _prior(p.tolist(), float(th[0]), float(th[2]), self.start)
        return (outside + 0.5 * missed) / self.area + _PRIOR * prior

    def thickness(self, p: np.ndarray) -> tuple[float, np.ndarray]:
        """(cost, thickness) of fixed points with the thickness that fits them best."""
        T = _torso_length(p)
        th = np.array([0.35, 0.12, 0.18, 0.05]) * T
        best = self.cost(p, th)
        for _ in range(6):
            best, th, improved = self._thicker_or_thinner(p, th, best, (0.8, 1.25))
            if not improved:
                break
        return best, th

    def _thicker_or_thinner(self, p: np.ndarray, th: np.ndarray, best: float, factors: tuple[float, float]
                            ) -> tuple[float, np.ndarray, bool]:
        """One pass over the four thicknesses, each scaled by ``factors`` within its bounds; keeps what helps."""
        T = _torso_length(p)
        improved = False
        for k in range(4):
            for f in factors:
                t2 = th.copy()
                t2[k] = np.clip(t2[k] * f, *(_THICKNESS[k] * T))
                c = self.cost(p, t2)
                if c < best - 1e-6:
                    best, th, improved = c, t2, True
        return best, th, improved

    def descend(self, p: np.ndarray, th: np.ndarray, steps: tuple[float, ...] = (4, 2, 1),
                held: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray, float]:
        """Coordinate descent: single points, lower limbs, the upper body and the whole figure, in 8 directions,
        with shrinking steps; the thickness follows. The ``held`` points stay where they are."""
        best = self.cost(p, th)
        dirs = np.array([[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]], np.float64)
        moves = [[i] for i in range(len(_POINTS))] + [list(ch[1:]) for ch in _CHAINS.values()]
        moves.append([0] + [i for s in ("left", "right") for i in _CHAINS[f"{s}_arm"]])
        moves.append(list(range(len(_POINTS))))
        if held:
            moves = [kept for kept in ([i for i in mv if i not in held] for mv in moves) if kept]
        for step in steps:
            for _ in range(6):
                improved = False
                for mv in moves:
                    for d in dirs:
                        q = p.copy()
                        q[mv] += step * d
                        c = self.cost(q, th)
                        if c < best - 1e-6:
                            best, p, improved = c, q, True
                best, th, thickened = self._thicker_or_thinner(p, th, best, (0.85, 1.15))
                if not (improved or thickened):
                    break
        return p, th, best

    def limb_search(self, p: np.ndarray, th: np.ndarray, chain: tuple[int, int, int], l1: float, l2: float,
                    n: int = 12) -> np.ndarray:
        """Every pair of the limb's two bone angles on an ``n`` x ``n`` grid, the rest held: a start for the
        descent that does not depend on where the limb was."""
        a, b, e = chain
        best, out = np.inf, p
        angles = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
        unit = np.stack([np.cos(angles), np.sin(angles)], axis=1)
        for u1 in unit:
            for u2 in unit:
                q = p.copy()
                q[b] = p[a] + l1 * u1
                q[e] = q[b] + l2 * u2
                c = self.cost(q, th)
                if c < best:
                    best, out = c, q
        return out


def _small_mask(matte: np.ndarray) -> tuple[np.ndarray, float]:
    h, w = matte.shape
    s = FIT_LONG_SIDE / max(h, w)
    small = cv2.resize((matte > 0.5).astype(np.uint8), (max(8, round(w * s)), max(8, round(h * s))),
                       interpolation=cv2.INTER_AREA) > 0
    return small, s


def _points(joints: np.ndarray) -> np.ndarray:
    """The stick figure's points from 33 joints (the head at the middle of the face's joints)."""
    p = np.empty((len(_POINTS), 2))
    p[0] = joints[:11].mean(axis=0)
    for name, i in _P.items():
        if i:
            p[i] = joints[J[name]]
    return p


def silhouette_mismatch(matte: np.ndarray, joints: np.ndarray) -> float:
    """How badly a skeleton explains a silhouette (0 = perfectly; a share of the figure's area, plus priors):
    for choosing among detections, a wrong one leaves limbs of the silhouette uncovered or reaches outside it."""
    mask, s = _small_mask(matte)
    if not mask.any() or not np.isfinite(joints[[J[n] for n in REQUIRED_JOINTS]]).all():
        return math.inf
    return _StickFigure(mask).thickness(_points(joints) * s)[0]


def _run(mask: np.ndarray, c: np.ndarray, d: np.ndarray) -> int:
    """Length of the silhouette's run through ``c`` along the unit direction ``d`` (a zero ``d``, across a bone of
    no length, stops at the picture's size)."""
    h, w = mask.shape
    total = 0
    for sign in (1.0, -1.0):
        k = 0
        while k < h + w:
            x, y = (int(round(v)) for v in c + sign * (k + 1) * d)
            if not (0 <= x < w and 0 <= y < h and mask[y, x]):
                break
            k += 1
        total += k
    return total + int(bool(mask[int(np.clip(round(c[1]), 0, h - 1)), int(np.clip(round(c[0]), 0, w - 1))]))


def _run_across(mask: np.ndarray, c: np.ndarray, d: np.ndarray) -> int:
    """:func:`_run` across a limb through ``c``, or through a pixel beside it along ``d`` when ``c`` misses: a
    stick arm is a pixel wide on the fitted copy, and a line fitted over it can lie a pixel off."""
    return _run(mask, c, d) or max(_run(mask, c + d, d), _run(mask, c - d, d))


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


# a head this much narrower than the torso is a part of its own without a neck (a penguin's, set on its body)
NECKLESS_HEAD = 0.75


def _parts_apart(mask: np.ndarray, p: np.ndarray, exact: bool = False) -> bool:
    """Whether the fitted head, arms and torso are real parts of the silhouette: the silhouette narrows between
    the head and the shoulders (or, on an ``exact`` silhouette, the head is much narrower than the torso), and
    each arm is narrower than the torso somewhere along it (it stands free of the body). A photograph's rough
    silhouette (GrabCut's) is no sure outline: without a neck, a cat's face in it passed for a figure."""
    ls, rs, lh, rh = (p[_P[n]] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
    ms, mh = 0.5 * (ls + rs), 0.5 * (lh + rh)
    across = _unit(ls - rs)
    torso = _run(mask, ms + 0.4 * (mh - ms), across)
    head = _run(mask, p[0], across)
    neck = min(_run(mask, p[0] + t * (ms - p[0]), across) for t in np.linspace(0.3, 1.0, 8))
    if not (0 < neck < 0.85 * torso and (neck < 0.9 * max(head, 1) or (exact and head < NECKLESS_HEAD * torso))):
        return False
    for side in ("left", "right"):
        a, b, e = (p[i] for i in _CHAINS[f"{side}_arm"])
        widths = [_run_across(mask, u + t * (v - u), _unit(np.array([-(v - u)[1], (v - u)[0]])))
                  for u, v, ts in ((a, b, (0.5, 0.75)), (b, e, (0.25, 0.5, 0.75))) for t in ts]
        if min(widths) == 0 or min(widths) > 0.45 * torso:
            return False
    return True


def told_apart(matte: np.ndarray, joints: np.ndarray, exact: bool = False) -> bool:
    """Whether a skeleton's head, arms and torso are real parts of the silhouette ``matte`` (HxW, image pixels;
    ``joints`` [33, 2]): the silhouette narrows between the head and the shoulders (or the head is much narrower
    than the torso), and each arm is narrower than the torso somewhere along it. A blob (a cup, a cat's face)
    fitted with a skeleton fails."""
    mask, s = _small_mask(matte)
    if not mask.any() or not np.isfinite(joints[[J[n] for n in REQUIRED_JOINTS]]).all():
        return False
    return _parts_apart(mask, _points(joints) * s, exact)


def _start_points(start: _Start, cx: float, y0: float, H: float) -> tuple[np.ndarray, np.ndarray]:
    """A start's points facing the viewer, the head's top at ``(cx, y0)``, standing ``H`` tall; its thicknesses."""
    p = np.empty((len(_POINTS), 2))
    p[0] = (cx, y0 + start.head * H)
    for side, sg in (("left", 1.0), ("right", -1.0)):  # a character facing the viewer: its left on our right
        for joint, (dx, dy) in start.joints.items():
            p[_P[f"{side}_{joint}"]] = (cx + sg * dx * H, y0 + dy * H)
    return p, np.array([start.head, 0.03, 0.045, 0.02]) * H


CORE_OPENING = 0.6  # the trunk is what an opening of this share of the silhouette's thickest half-width leaves
BESIDE = 0.4  # a piece whose centre lies this share of the trunk's width or more off its middle is beside it
LEGS_APART = 0.2  # legs stand apart when what lies below the trunk reaches this share of its height below it


def _structure_points(mask: np.ndarray) -> tuple[np.ndarray, bool] | None:
    """A start read from the silhouette's own parts, for body plans the person and mascot plans miss (a box robot
    whose thin arms hang apart from a wide torso, a penguin's flippers): the trunk is what an opening nearly as
    wide as the silhouette's thickest part leaves; an arm is what is left beside the trunk on its side (all of
    it: a robot's arm may come in segments, its hand apart), from its point nearest the trunk's top along its
    centre line to its far end; legs are what is left below the trunk, split at its middle, or, where nothing
    stands below it (a snowman, a long dress), start at the trunk's bottom. The points, and whether legs stand
    apart (what is below reaches LEGS_APART of the trunk's height below it: a penguin's feet do not); None
    when no arm stands out on either side."""
    r = max(1, round(CORE_OPENING * float(ndimage.distance_transform_edt(mask).max())))
    core = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN,
                            cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))) > 0
    lab, n = ndimage.label(core)
    if n == 0:
        return None
    cy, cx = np.nonzero(lab == 1 + int(np.argmax(ndimage.sum(core, lab, range(1, n + 1)))))
    top, bottom, width = int(cy.min()), int(cy.max()), int(cx.max() - cx.min())
    mid = float(cx.mean())
    neck = np.array([mid, float(top)])
    lab, n = ndimage.label(mask & ~ndimage.binary_dilation(lab > 0, iterations=1))
    if n == 0:
        return None
    ys, xs = np.nonzero(lab)
    pts, ids = np.stack([xs, ys], axis=1).astype(np.float64), lab[ys, xs]
    index = np.arange(1, n + 1)
    tops, centres = ndimage.minimum(ys, ids, index), ndimage.mean(xs, ids, index)
    below = pts[np.isin(ids, index[tops >= bottom - 2])]
    p = np.empty((len(_POINTS), 2))
    arms = {}
    for side, sg in (("left", 1.0), ("right", -1.0)):  # facing the viewer: the character's left on our right
        beside = index[(sg * (centres - mid) > BESIDE * width) & (tops < bottom - 0.25 * (bottom - top))]
        if len(beside):
            piece = pts[np.isin(ids, beside)]
            d = np.linalg.norm(piece - piece[np.argmin(np.linalg.norm(piece - neck, axis=1))], axis=1)
            # the middles of the slices across it at its start, halfway and its far end
            arms[side] = np.array([piece[np.abs(d - f * d.max()) <= 0.1 * d.max() + 1].mean(axis=0)
                                   for f in (0.0, 0.5, 1.0)])
        hip = np.array([mid + sg * 0.25 * width, float(bottom)])
        foot = below[sg * (below[:, 0] - mid) > 0]
        ankle = hip if not len(foot) else np.array([foot[foot[:, 1] == foot[:, 1].max(), 0].mean(), foot[:, 1].max()])
        for joint, q in (("hip", hip), ("knee", 0.5 * (hip + ankle)), ("ankle", ankle)):
            p[_P[f"{side}_{joint}"]] = q
    if not arms:
        return None
    for side, other in (("left", "right"), ("right", "left")):  # a missing arm: the other's mirror image
        chain = arms[side] if side in arms else arms[other] * (-1.0, 1.0) + (2 * mid, 0.0)
        for joint, q in zip(("shoulder", "elbow", "wrist"), chain, strict=True):
            p[_P[f"{side}_{joint}"]] = q
    y0 = float(np.nonzero(mask.any(axis=1))[0].min())
    p[0] = (mid, y0 + 0.5 * max(top - y0, 0.25 * width))
    return p, bool(len(below)) and float(below[:, 1].max()) - bottom > LEGS_APART * (bottom - top)


def fit_stick_figure(matte: np.ndarray, exact: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
    """A humanoid fitted to a silhouette by drawing it and moving its joints until it covers the silhouette
    best: arms by a search over their angles, then a descent on everything. Works for upper bodies cut by the
    frame (the legs are then left out) and leaves tails and capes uncovered. None unless a head, two arms and a
    torso can be told apart in the result. On an ``exact`` silhouette (drawn art's, a transparent picture's) it
    also starts from the silhouette's own parts (:func:`_structure_points`) and takes a head without a neck."""
    mask, s = _small_mask(matte)
    if mask.sum() < 150:
        return None
    model = _StickFigure(mask)
    k = max(1, round(0.03 * max(mask.shape)))
    thick = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1)))
    if thick.sum() < 0.3 * mask.sum():
        thick = mask.astype(np.uint8)
    ys, xs = np.nonzero(thick)
    y0, y1 = int(ys.min()), int(ys.max())
    cut = mask[-1].sum() > 0.15 * (xs.max() - xs.min() + 1)  # the body runs off the bottom: no legs in view
    cx = float(np.nonzero(thick[y0:y0 + max(2, (y1 - y0) // 12)].any(axis=0))[0].mean())
    H = (y1 - y0) * (1.9 if cut else 1.0)  # standing height
    results = []
    for start, staged in itertools.product(_STARTS, (False, True)):
        q, t = _start_points(start, cx, y0, H)
        model.start = start
        if staged:  # head, torso and legs first; the arms are then found against what these leave uncovered
            model.arms = False
            if not cut:
                for side in ("left", "right"):
                    q = model.limb_search(q, t, _CHAINS[f"{side}_leg"], start.leg_first * H, start.leg_first * H,
                                          n=12)
            q, t, _ = model.descend(q, t, steps=(4, 2))
            model.arms = True
        T = _torso_length(q)
        for side in ("left", "right"):
            q = model.limb_search(q, t, _CHAINS[f"{side}_arm"], start.arm[0] * T, start.arm[1] * T)
        if not cut and not staged:
            for side in ("left", "right"):
                q = model.limb_search(q, t, _CHAINS[f"{side}_leg"], start.leg[0] * T, start.leg[1] * T, n=12)
        results.append(model.descend(q, t))
    planned = len(results)
    built = _structure_points(mask) if exact else None
    legless = False
    if built is not None:  # the arms' free parts as the silhouette shows them: a flipper's tip is all that stands
        # free of a penguin's body, and a descent would pull the arm inside the body, which it covers as well
        free = tuple(_P[f"{side}_{j}"] for side in ("left", "right") for j in ("elbow", "wrist"))
        for start in _STARTS:
            model.start = start
            results.append(model.descend(built[0], model.thickness(built[0])[1], held=free))
        legless = not built[1]
    apart = [k for k, r in enumerate(results) if _parts_apart(mask, r[0], exact)]
    if not apart:
        return None
    best = min(apart, key=lambda k: results[k][2] + _SHEAR * _shear(results[k][0]))
    q = results[best][0]
    # a figure fitted from its own parts with no legs apart below its trunk (a snowman's lowest ball, a penguin, a
    # long dress) has its legs hidden inside the trunk: cutting the trunk into legs would tear it as they swing
    cut = cut or (legless and best >= planned)
    joints = np.full((NUM_BODY, 2), np.nan)
    vis = np.zeros(NUM_BODY)
    h0, w0 = matte.shape
    for name, i in _P.items():
        if cut and name.endswith(("knee", "ankle")):
            continue  # below the frame or hidden: completed as hanging, marked unseen
        joints[J["nose" if i == 0 else name]] = q[i] / s
        vis[J["nose" if i == 0 else name]] = 1.0
    return complete_joints(joints, vis)

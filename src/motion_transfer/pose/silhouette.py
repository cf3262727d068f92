"""A figure's silhouette without a pose model: the foreground of flat-background art (its border colour), and a
humanoid skeleton fitted to a silhouette (mascots, robots, drawings the pose model cannot read)."""
from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .completion import complete_joints
from .skeleton import REQUIRED_JOINTS, J


def border_alpha(image: np.ndarray) -> np.ndarray | None:
    """Foreground alpha from the border colour when the border is flat (drawn / studio art), else None."""
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    h, w = lab.shape[:2]
    b = max(2, round(0.02 * min(h, w)))
    band = np.concatenate([lab[:b].reshape(-1, 3), lab[-b:].reshape(-1, 3), lab[:, :b].reshape(-1, 3),
                           lab[:, -b:].reshape(-1, 3)])
    med = np.median(band, axis=0)
    spread = float(np.percentile(np.linalg.norm(band - med, axis=1), 90))
    if spread > 12.0:
        return None
    dist = np.linalg.norm(lab - med, axis=2)
    lo = max(4.0, 1.5 * spread)
    hi = max(3 * lo, 18.0)
    return np.clip((dist - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)


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

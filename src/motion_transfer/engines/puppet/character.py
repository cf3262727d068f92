"""Character analysis: one image -> a rigged puppet (skeleton, matte, body-part layers, filled background).

1. Skeleton: MediaPipe on the image; when it sees no body, again on a padded, a rescaled and a contrast-boosted
   copy; then a template fitted to the silhouette; a user's rig.json overrides all of them.
2. Matte: the image's own transparency when it has one; otherwise MediaPipe's person mask, or for flat-background
   art a model of the border colour (whichever fits), cleaned (largest parts touching the skeleton, small holes
   filled) and given soft, edge-aware borders with a guided filter.
3. Parts: every matte pixel goes to the nearest body part (head, torso, upper/lower arms, hands, upper/lower legs,
   feet; limb distances measured from the limb's surface), parts are grouped into five layers (body = head + torso,
   two arms, two legs), and the torso behind the arms is painted in so it is never a hole when an arm swings away.
4. Background: the image with the character removed and inpainted.
"""
from __future__ import annotations

import math

import numpy as np

from ...errors import RigError
from ...pose.skeleton import J
from ...request import Progress
from .rig import HOW_TO_RIG, Rig, fit_template, load_rig_json

WORK_LONG_SIDE = 1600  # textures are kept at most this large (enough for 1080p output)
ANALYSIS_LONG_SIDE = 512  # part labels and distances are computed at this size

ARM_PARTS = {"left": ("l_upper_arm", "l_lower_arm", "l_hand"), "right": ("r_upper_arm", "r_lower_arm", "r_hand")}
LEG_PARTS = {"left": ("l_upper_leg", "l_lower_leg", "l_foot"), "right": ("r_upper_leg", "r_lower_leg", "r_foot")}
PARTS = ("head", "torso") + ARM_PARTS["left"] + ARM_PARTS["right"] + LEG_PARTS["left"] + LEG_PARTS["right"]
LAYERS = {
    "body": ("head", "torso"),
    "arm_l": ARM_PARTS["left"], "arm_r": ARM_PARTS["right"],
    "leg_l": LEG_PARTS["left"], "leg_r": LEG_PARTS["right"],
}


# ------------------------------------------------------------------------------------------------ detection


def _person_ok(body: np.ndarray) -> bool:
    if np.isnan(body[:, 0]).all():
        return False
    return bool(np.min(body[[J["nose"], J["left_shoulder"], J["right_shoulder"]], 3]) > 0.5)


def detect_joints(image: np.ndarray) -> dict | None:
    """MediaPipe on the image and, if it sees nobody, on padded / rescaled / contrast-boosted copies.

    Returns {"joints" [33,2], "visibility" [33], "depth" [33], "segmentation" HxW or None, "left_hand",
    "right_hand" ([21,2] or None), "source"} in the image's pixels, or None when no attempt finds a person.
    """
    import cv2

    from ...pose.estimator import detect_image

    h, w = image.shape[:2]
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]]).reshape(-1, 3)
    fill = np.median(border, axis=0).astype(np.uint8)

    def clahe(img: np.ndarray) -> np.ndarray:
        lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB)
        lab[:, :, 0] = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(lab[:, :, 0])
        return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)

    def padded(img: np.ndarray, frac: float):
        p = int(round(frac * max(img.shape[:2])))
        out = cv2.copyMakeBorder(img, p, p, p, p, cv2.BORDER_CONSTANT, value=[int(c) for c in fill])
        return out, p

    attempts = [("as is", lambda: (image, 0, 1.0))]
    attempts.append(("padded", lambda: (*padded(image, 0.3), 1.0)))
    long_side = max(h, w)
    target = 720 if long_side < 480 else 480
    if abs(long_side - target) > 100:
        sc = target / long_side
        attempts.append(("rescaled", lambda: (cv2.resize(image, (round(w * sc), round(h * sc)),
                                                         interpolation=cv2.INTER_AREA), 0, sc)))
    attempts.append(("contrast", lambda: (clahe(image), 0, 1.0)))
    attempts.append(("padded+contrast", lambda: (*padded(clahe(image), 0.3), 1.0)))
    for source, make in attempts:
        img, pad, sc = make()
        track = detect_image(np.ascontiguousarray(img), segmentation=True)
        body = track.body[0]
        if not _person_ok(body):
            continue
        joints = (body[:, :2] - pad) / sc
        seg = track.meta.get("segmentation")
        if seg is not None:
            ih, iw = img.shape[:2]
            seg = seg[pad:ih - pad, pad:iw - pad] if pad else seg
            seg = cv2.resize(seg, (w, h), interpolation=cv2.INTER_LINEAR)
        hands = []
        for arr in (track.left_hand[0], track.right_hand[0]):
            hands.append(None if np.isnan(arr[:, 0]).any() else (arr[:, :2] - pad) / sc)
        return {"joints": joints.astype(np.float64), "visibility": body[:, 3].astype(np.float64),
                "depth": (body[:, 2] / sc).astype(np.float64), "segmentation": seg, "left_hand": hands[0],
                "right_hand": hands[1], "source": "detected" if source == "as is" else f"detected ({source})"}
    return None


# ---------------------------------------------------------------------------------------------------- matte


def _border_model(image: np.ndarray) -> np.ndarray | None:
    """Foreground alpha from the border colour when the border is flat (drawn / studio art), else None."""
    import cv2

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


def _skeleton_mask(shape: tuple[int, int], joints: np.ndarray, vis: np.ndarray, thickness: int) -> np.ndarray:
    import cv2

    from ...pose.skeleton import BODY_BONES

    m = np.zeros(shape, np.uint8)
    for a, b in BODY_BONES:
        if vis[a] > 0.3 and vis[b] > 0.3:
            cv2.line(m, tuple(int(v) for v in joints[a]), tuple(int(v) for v in joints[b]), 1, thickness)
    quad = joints[[J["left_shoulder"], J["right_shoulder"], J["right_hip"], J["left_hip"]]]
    cv2.fillConvexPoly(m, quad.astype(np.int32), 1)
    return m.astype(bool)


def _grabcut(image: np.ndarray, joints: np.ndarray, vis: np.ndarray) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    mask = np.full((h, w), cv2.GC_PR_BGD, np.uint8)
    sk = _skeleton_mask((h, w), joints, vis, max(2, round(0.01 * max(h, w))))
    near = cv2.dilate(sk.astype(np.uint8), None, iterations=max(3, round(0.06 * max(h, w))))
    mask[near > 0] = cv2.GC_PR_FGD
    mask[sk] = cv2.GC_FGD
    b = max(2, round(0.01 * min(h, w)))
    mask[:b], mask[-b:], mask[:, :b], mask[:, -b:] = cv2.GC_BGD, cv2.GC_BGD, cv2.GC_BGD, cv2.GC_BGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(np.ascontiguousarray(image[:, :, ::-1]), mask, None, bgd, fgd, 4, cv2.GC_INIT_WITH_MASK)
    return np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.float32)


def _clean(hard: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Keep the parts that touch the skeleton (or the largest), fill holes smaller than 0.3% of the area."""
    from scipy import ndimage

    lab, n = ndimage.label(hard)
    if n == 0:
        return hard
    touching = np.unique(lab[seeds & hard])
    touching = touching[touching > 0]
    if len(touching) == 0:
        sizes = ndimage.sum(hard, lab, range(1, n + 1))
        touching = np.array([1 + int(np.argmax(sizes))])
    keep = np.isin(lab, touching)
    holes = ndimage.binary_fill_holes(keep) & ~keep
    hl, hn = ndimage.label(holes)
    if hn:
        sizes = ndimage.sum(holes, hl, range(1, hn + 1))
        small = np.flatnonzero(sizes < 0.003 * keep.sum()) + 1
        keep |= np.isin(hl, small)
    return keep


def make_matte(image: np.ndarray, joints: np.ndarray, vis: np.ndarray, seg: np.ndarray | None,
               alpha: np.ndarray | None = None) -> tuple[np.ndarray, str]:
    """(soft matte HxW float32 0..1, which source it came from)."""
    import cv2

    h, w = image.shape[:2]
    if alpha is not None:
        a = alpha.astype(np.float32) / 255.0
        if (a < 0.5).mean() > 0.02:
            return a, "alpha"
    seeds = _skeleton_mask((h, w), joints, vis, 3)
    border = _border_model(image)
    hard_seg = _clean(seg > 0.5, seeds) if seg is not None and (seg > 0.5).any() else None
    source = "segmentation"
    hard = hard_seg
    if border is not None:
        hard_b = _clean(border > 0.5, seeds)
        if hard_seg is None:
            hard, source = hard_b, "border colour"
        else:
            inter = (hard_b & hard_seg).sum()
            union = max((hard_b | hard_seg).sum(), 1)
            if inter / union > 0.6:
                hard, source = hard_b, "border colour"
    if hard is None or hard.sum() < 0.002 * h * w:
        hard, source = _clean(_grabcut(image, joints, vis) > 0.5, seeds), "grabcut"
    r = max(2, round(0.004 * max(h, w)))
    inner = cv2.erode(hard.astype(np.uint8), None, iterations=r).astype(bool)
    outer = cv2.dilate(hard.astype(np.uint8), None, iterations=r).astype(bool)
    if source == "border colour":
        # the colour distance is itself a good alpha (anti-aliased edges of drawn art stay fractional)
        soft = border.copy()
    else:
        # edge-aware border: guided filter of the hard mask with the image as guide, then steepened
        guide = image.astype(np.float32) / 255.0
        soft = cv2.ximgproc.guidedFilter(guide, hard.astype(np.float32), r, 1e-4)
        soft = np.clip((soft - 0.5) * 2.0 + 0.5, 0.0, 1.0)
    # never let the soft border open holes inside or add blobs outside the cleaned mask
    soft[inner] = 1.0
    soft[~outer] = 0.0
    return soft.astype(np.float32), source


# ---------------------------------------------------------------------------------------------------- parts


def _seg_dist(px: np.ndarray, py: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from pixel grids to segment a-b."""
    ab = b - a
    L2 = float(ab @ ab)
    if L2 < 1e-9:
        return np.hypot(px - a[0], py - a[1])
    t = np.clip(((px - a[0]) * ab[0] + (py - a[1]) * ab[1]) / L2, 0.0, 1.0)
    return np.hypot(px - (a[0] + t * ab[0]), py - (a[1] + t * ab[1]))


def part_segments(joints: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The segment each part is measured from (image pixels)."""
    j = joints
    ms = (j[J["left_shoulder"]] + j[J["right_shoulder"]]) / 2
    hc = j[:11].mean(axis=0)
    up = hc - ms
    segs = {"head": (hc - 0.15 * up, hc + 0.45 * up)}
    for s, pre in (("left", "l"), ("right", "r")):
        sh, el, wr = j[J[f"{s}_shoulder"]], j[J[f"{s}_elbow"]], j[J[f"{s}_wrist"]]
        tip = wr + 1.2 * ((j[J[f"{s}_index"]] + j[J[f"{s}_pinky"]]) / 2 - wr)
        segs[f"{pre}_upper_arm"] = (sh, el)
        segs[f"{pre}_lower_arm"] = (el, wr)
        segs[f"{pre}_hand"] = (wr, tip)
        hp, kn, an = j[J[f"{s}_hip"]], j[J[f"{s}_knee"]], j[J[f"{s}_ankle"]]
        segs[f"{pre}_upper_leg"] = (hp, kn)
        segs[f"{pre}_lower_leg"] = (kn, an)
        segs[f"{pre}_foot"] = (j[J[f"{s}_heel"]], j[J[f"{s}_foot_index"]])
    return segs


# usual limb radius as a fraction of the shoulder width
LIMB_RADIUS = {"upper_arm": 0.13, "lower_arm": 0.1, "hand": 0.11, "upper_leg": 0.2, "lower_leg": 0.13, "foot": 0.09}

PART_JOINTS = {
    "l_upper_arm": ("left_shoulder", "left_elbow"), "l_lower_arm": ("left_elbow", "left_wrist"),
    "l_hand": ("left_wrist", "left_index"), "r_upper_arm": ("right_shoulder", "right_elbow"),
    "r_lower_arm": ("right_elbow", "right_wrist"), "r_hand": ("right_wrist", "right_index"),
    "l_upper_leg": ("left_hip", "left_knee"), "l_lower_leg": ("left_knee", "left_ankle"),
    "l_foot": ("left_ankle", "left_foot_index"), "r_upper_leg": ("right_hip", "right_knee"),
    "r_lower_leg": ("right_knee", "right_ankle"), "r_foot": ("right_ankle", "right_foot_index"),
}


def torso_quad(joints: np.ndarray) -> np.ndarray:
    return joints[[J["left_shoulder"], J["right_shoulder"], J["right_hip"], J["left_hip"]]]


def label_parts(matte: np.ndarray, joints: np.ndarray, vis: np.ndarray, depth: np.ndarray | None = None,
                image: np.ndarray | None = None) -> tuple[np.ndarray, list[str]]:
    """Part index per pixel (-1 = background) at the matte's size, and the parts in use (index order = PARTS).

    Each pixel goes to the part it is nearest to (limbs measured from their surface, the torso from its
    shoulder-hip quadrilateral). With ``image``, the layer borders where that is uncertain (an arm lying against
    the body) are then moved onto the image's colour edges by a watershed seeded with the certain pixels.
    """
    import cv2
    from scipy import ndimage

    H, W = matte.shape
    depth = np.zeros(33) if depth is None else depth
    s = min(1.0, ANALYSIS_LONG_SIDE / max(H, W))
    w, h = max(4, round(W * s)), max(4, round(H * s))
    m = cv2.resize(matte, (w, h), interpolation=cv2.INTER_AREA) > 0.5
    jj = joints * s
    depth = depth * s
    py, px = np.mgrid[0:h, 0:w].astype(np.float32)
    dt = ndimage.distance_transform_edt(m)
    segs = part_segments(jj)
    scores = np.full((len(PARTS), h, w), np.inf, np.float32)
    used = []
    radii: dict[str, float] = {}
    axis_core = np.full((h, w), -1, np.int16)
    sw = max(float(np.linalg.norm(jj[J["left_shoulder"]] - jj[J["right_shoulder"]])), 2.0)
    # torso: signed distance to the shoulder-hip quadrilateral; inside, a limb within its own radius wins
    # (a forearm across the belly is in front of it), unless the image's depth puts that limb behind the body
    quad = torso_quad(jj)
    qmask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(qmask, np.round(quad).astype(np.int32), 1)
    d_edges = np.min([_seg_dist(px, py, quad[i], quad[(i + 1) % 4]) for i in range(4)], axis=0)
    scores[PARTS.index("torso")] = np.where(qmask > 0, np.maximum(-d_edges - 0.05 * sw, -0.03 * sw),
                                            d_edges - 0.05 * sw)
    used.append("torso")
    # head: distance to its axis minus its radius
    ears = float(np.linalg.norm(jj[J["left_ear"]] - jj[J["right_ear"]]))
    a, b = segs["head"]
    r_head = max(0.5 * ears, 0.35 * float(np.linalg.norm(b - a)), 2.0)
    scores[PARTS.index("head")] = _seg_dist(px, py, a, b) - r_head
    used.append("head")
    for part, (ja, jb) in PART_JOINTS.items():
        if min(vis[J[ja]], vis[J[jb]]) < 0.15:
            continue
        a, b = segs[part]
        length = float(np.linalg.norm(b - a))
        if length < 1.0:
            continue
        # the limb's radius: the silhouette's thickness along its middle where the limb stands free, never
        # more than 1.5x the usual human proportion (a limb lying against the body has no edge to measure)
        ts = np.linspace(0.25, 0.75, 9)
        samples = [a + t * (b - a) for t in ts]
        vals = [dt[int(np.clip(p[1], 0, h - 1)), int(np.clip(p[0], 0, w - 1))] for p in samples]
        default = LIMB_RADIUS[part[2:]] * sw
        measured = float(np.median(vals))
        # a limb over the body has no edge in the silhouette: its thickness is unknown, take the usual one
        r = float(np.clip(measured, 0.6 * default, 1.3 * default)) if measured < 1.3 * default else default
        score = _seg_dist(px, py, a, b) - r
        # the pose model's depth is unreliable for limbs over the body, its visibility is not: a poorly
        # visible limb is behind the body in the image, and the torso keeps its pixels
        hidden = min(vis[J[ja]], vis[J[jb]]) < 0.5
        if hidden:
            score = np.where(qmask > 0, score + r + 0.1 * sw, score)
        scores[PARTS.index(part)] = score
        radii[part] = r
        used.append(part)
        if not hidden:  # the limb's own axis is certainly the limb (it is drawn in front)
            core = (_seg_dist(px, py, a, b) < 0.4 * r) & m
            axis_core[core] = LAYER_OF_PART[PARTS.index(part)]
    lab = np.argmin(scores, axis=0).astype(np.int16)
    if image is not None:
        small = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
        lab = _refine_layers(lab, scores, small, m, sw, axis_core)
        lab = _colour_refine(lab, small, m, m & (qmask > 0), px, py, segs, radii, sw,
                             cv2.dilate(qmask, None, iterations=max(1, int(0.15 * sw))) > 0)
    lab[~m] = -1
    # back to full size
    lab_full = cv2.resize(lab, (W, H), interpolation=cv2.INTER_NEAREST)
    full_m = matte > 0.02
    # pixels of the (soft) matte outside the small mask: nearest label
    missing = full_m & (lab_full < 0)
    if missing.any():
        _, (iy, ix) = ndimage.distance_transform_edt(lab_full < 0, return_indices=True)
        lab_full = np.where(missing, lab_full[iy, ix], lab_full)
    lab_full[~full_m] = -1
    return lab_full, used


LAYER_OF_PART = np.array([0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4])  # PARTS -> body, arm_l, arm_r, leg_l, leg_r


def _refine_layers(lab: np.ndarray, scores: np.ndarray, small_rgb: np.ndarray, m: np.ndarray,
                   sw: float, axis_core: np.ndarray | None = None) -> np.ndarray:
    """Move uncertain layer borders onto colour edges (watershed from the pixels whose layer is certain)."""
    import cv2

    n_layers = int(LAYER_OF_PART.max()) + 1
    layer_scores = np.full((n_layers,) + lab.shape, np.inf, np.float32)
    for li in range(n_layers):
        idx = np.flatnonzero(LAYER_OF_PART == li)
        layer_scores[li] = scores[idx].min(axis=0)
    srt = np.sort(layer_scores, axis=0)
    margin = srt[1] - srt[0]
    layer = np.argmin(layer_scores, axis=0)
    certain = (margin > 0.15 * sw) & m
    markers = np.where(certain, layer + 1, 0).astype(np.int32)
    if axis_core is not None:
        markers = np.where((axis_core >= 0) & m, axis_core + 1, markers)
    if len(np.unique(markers)) <= 2:
        return lab
    # OpenCV's watershed floods from the markers across the smallest colour steps first, so the uncertain
    # pixels go to the side they are not separated from by an edge; the background is a marker of its own
    markers[~m] = n_layers + 1
    blurred = np.ascontiguousarray(cv2.GaussianBlur(small_rgb, (0, 0), 1.0)[:, :, ::-1])
    cv2.watershed(blurred, markers)
    ws = markers - 1
    ws[(ws < 0) | (ws >= n_layers)] = layer[(ws < 0) | (ws >= n_layers)]
    # a flood may only hand a pixel to a layer that was a close second by distance (no leaking far across a
    # region without edges, e.g. black sleeve on a black top)
    ws_score = np.take_along_axis(layer_scores, np.clip(ws, 0, n_layers - 1)[None], axis=0)[0]
    ws = np.where(ws_score <= srt[0] + 0.15 * sw, ws, layer)
    out = lab.copy()
    changed = (ws >= 0) & (ws != layer)
    if changed.any():
        # the part within the new layer: the nearest of that layer's parts
        for li in range(n_layers):
            sel = changed & (ws == li)
            if not sel.any():
                continue
            idx = np.flatnonzero(LAYER_OF_PART == li)
            out[sel] = idx[np.argmin(scores[idx][:, sel], axis=0)]
    return out


def _colour_refine(lab: np.ndarray, small_rgb: np.ndarray, m: np.ndarray, inside: np.ndarray, px: np.ndarray,
                   py: np.ndarray, segs: dict, radii: dict, sw: float, near_torso: np.ndarray) -> np.ndarray:
    """Where a limb's colour differs from the torso's (a bare arm over a shirt), let colour decide the border
    near the limb: torso pixels close to the limb's axis that look like the limb join it, limb pixels that
    look like the torso go back to it. Sleeves of the shirt's colour are left as they are."""
    import cv2
    from scipy import ndimage

    labc = cv2.cvtColor(cv2.GaussianBlur(small_rgb, (0, 0), 0.8), cv2.COLOR_RGB2LAB).astype(np.float32)
    torso_i = PARTS.index("torso")
    # the torso's colours, inside the shoulder-hip quadrilateral (``inside``: not the neck) and away from every
    # limb (a limb lying over it must not teach the torso its colour)
    dists = {part: _seg_dist(px, py, *segs[part]) for part in radii}
    near_limb = np.zeros_like(m)
    for part, r in radii.items():
        near_limb |= dists[part] < 2.5 * r
    torso_px = labc[(lab == torso_i) & inside & ~near_limb]
    if len(torso_px) < 30:
        return lab
    # a few colour clusters; rare ones (a stray bit of limb) do not count
    rng = np.random.default_rng(0)
    sample = np.ascontiguousarray(torso_px[rng.choice(len(torso_px), min(2000, len(torso_px)), replace=False)])
    k = int(min(4, max(1, len(sample) // 60)))
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(0)
    _, assign, centres = cv2.kmeans(sample, k, None, crit, 2, cv2.KMEANS_PP_CENTERS)
    support = np.bincount(assign.ravel(), minlength=k) / len(sample)
    torso_s = centres[support >= 0.08]

    def nn_torso(c: np.ndarray) -> np.ndarray:
        out = np.empty(len(c), np.float32)
        for i in range(0, len(c), 4096):
            d = np.linalg.norm(c[i:i + 4096, None, :] - torso_s[None], axis=2)
            out[i:i + 4096] = d.min(axis=1)
        return out

    out = lab.copy()
    for part, r in radii.items():
        pi = PARTS.index(part)
        d = dists[part]
        part_px = (lab == pi) & (d < r) & m
        if part_px.sum() < 15:
            continue
        # the limb's own colour: its pixels unlike any of the torso's (skin of a bare arm over a shirt)
        pc = labc[part_px]
        distinct = nn_torso(pc) > 22.0
        if distinct.sum() < 10 or distinct.mean() < 0.1:  # looks like the torso (a sleeve): colour cannot help
            continue
        mu = np.median(pc[distinct], axis=0)
        core = np.zeros_like(m)
        core[part_px] = distinct
        near = m & (d < 3.5 * r)
        cand = near & ((lab == torso_i) | (lab == pi))
        ys, xs = np.nonzero(cand)
        c = labc[ys, xs]
        d_limb = np.linalg.norm(c - mu, axis=1)
        d_torso = nn_torso(c)
        limb_like = (d_limb < 0.6 * d_torso) & (d_limb < 25.0)
        torso_like = (d_torso < 0.5 * d_limb) & (d[ys, xs] > 0.5 * r) & near_torso[ys, xs]
        grow = np.zeros_like(m)
        grow[ys[limb_like], xs[limb_like]] = True
        # only what connects to the limb's own core
        comp, _ = ndimage.label(grow | core)
        keep = np.isin(comp, np.unique(comp[core]))
        out[keep & (lab == torso_i)] = pi
        out[ys[torso_like], xs[torso_like]] = np.where(lab[ys[torso_like], xs[torso_like]] == pi, torso_i,
                                                       out[ys[torso_like], xs[torso_like]])
    return out


# ---------------------------------------------------------------------------------------------------- fill


def inpaint_region(image: np.ndarray, hole: np.ndarray, known: np.ndarray | None = None,
                   max_side: int = 384) -> np.ndarray:
    """``image`` with ``hole`` filled from ``known`` pixels (default: everything outside the hole).

    Works on a crop around the hole, shrunk to at most ``max_side`` pixels (never below the hole's own detail),
    with OpenCV's Telea inpainting, so a large hole costs a fraction of a second and a thin one stays sharp.
    """
    import cv2

    if not hole.any():
        return image
    H, W = hole.shape
    if known is None:
        known = ~hole
    ys, xs = np.nonzero(hole)
    bh, bw = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    m = int(0.25 * max(bh, bw)) + 8
    y0, y1 = max(0, ys.min() - m), min(H, ys.max() + m + 1)
    x0, x1 = max(0, xs.min() - m), min(W, xs.max() + m + 1)
    crop = image[y0:y1, x0:x1]
    unknown = ~known[y0:y1, x0:x1]
    ch, cw = crop.shape[:2]
    s = min(1.0, max_side / max(ch, cw))
    w, h = max(4, round(cw * s)), max(4, round(ch * s))
    small = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA) if s < 1 else crop
    unk = cv2.resize(unknown.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) if s < 1 else \
        unknown.astype(np.uint8)
    if unk.all():
        return image
    unk = cv2.dilate(unk, None, iterations=1)
    filled = cv2.inpaint(np.ascontiguousarray(small), unk, 3, cv2.INPAINT_TELEA)
    big = cv2.resize(filled, (cw, ch), interpolation=cv2.INTER_LINEAR) if s < 1 else filled
    out = image.copy()
    sub = hole[y0:y1, x0:x1]
    out[y0:y1, x0:x1][sub] = big[sub]
    return out


def _remove_character(image: np.ndarray, matte: np.ndarray) -> np.ndarray:
    import cv2

    h, w = matte.shape
    grow = max(3, round(0.015 * max(h, w)))
    hole = cv2.dilate((matte > 0.05).astype(np.uint8), None, iterations=grow).astype(bool)
    return inpaint_region(image, hole)


# ------------------------------------------------------------------------------------------------------ rig


def _work_copy(image: np.ndarray, alpha: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None, float]:
    import cv2

    h, w = image.shape[:2]
    s = min(1.0, WORK_LONG_SIDE / max(h, w))
    if s >= 1.0:
        return image, alpha, 1.0
    size = (round(w * s), round(h * s))
    image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    if alpha is not None:
        alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
    return image, alpha, s


def rig_character(image_rgb: np.ndarray, rig_path=None, *, alpha: np.ndarray | None = None,
                  image_name: str = "the character image", progress: Progress | None = None,
                  mesh_spacing: float | None = None) -> Rig:
    """Analyse a character image into a :class:`Rig`.

    ``image_rgb`` HxWx3 uint8; ``alpha`` its transparency (HxW uint8) when the file has one; ``rig_path`` a
    rig.json overriding the skeleton detection. Raises ``RigError`` when no skeleton can be found.
    """
    from .mesh import build_layers

    def step(i: int) -> None:
        if progress:
            progress("rig", i, 5)

    if image_rgb.ndim != 3 or image_rgb.shape[2] != 3:
        raise RigError(f"{image_name}: expected an RGB image, got an array of shape {image_rgb.shape}.")
    image, alpha, scale = _work_copy(np.ascontiguousarray(image_rgb[:, :, :3]), alpha)
    h, w = image.shape[:2]
    step(0)
    found = detect_joints(image)
    seg = found["segmentation"] if found else None
    left_hand = right_hand = None
    depth = np.zeros(33)
    if rig_path is not None:
        joints, vis = load_rig_json(rig_path, w, h)
        source = "user"
    elif found is not None:
        joints, vis = found["joints"], found["visibility"]
        depth = found["depth"]
        left_hand, right_hand = found["left_hand"], found["right_hand"]
        source = found["source"]
    else:
        # no pose: fit a template to the silhouette, if a silhouette can be found without a skeleton
        joints = vis = None
        rough = None
        if alpha is not None and (alpha < 128).mean() > 0.02:
            rough = alpha.astype(np.float32) / 255.0
        else:
            rough = _border_model(image)
        if rough is not None:
            fitted = fit_template(rough)
            if fitted is not None:
                joints, vis = fitted
        if joints is None:
            raise RigError(f"{image_name}: no character skeleton could be found in this image (the pose model saw "
                           "no body, also on padded, rescaled and contrast-boosted copies, and no silhouette with "
                           "a head, two arms and two legs could be separated from the background). Fix: "
                           + HOW_TO_RIG)
        source = "template"
    step(1)
    matte, matte_source = make_matte(image, joints, vis, seg, alpha)
    if matte.max() < 0.5:
        raise RigError(f"{image_name}: the character could not be separated from the background. Fix: use an "
                       "image with a plainer background or a transparent PNG, or " + HOW_TO_RIG)
    step(2)
    labels, used = label_parts(matte, joints, vis, depth * 1.0, image)
    step(3)
    background = _remove_character(image, matte)
    step(4)
    rig = Rig(width=w, height=h, joints=joints.astype(np.float32), visibility=vis.astype(np.float32),
              depth=depth.astype(np.float32), source=source, image=image, matte=matte, background=background,
              labels=labels, left_hand=left_hand, right_hand=right_hand, scale=scale,
              meta={"matte": matte_source, "parts": used})
    rig.layers = build_layers(rig, spacing=mesh_spacing)
    step(5)
    return rig


def body_height(joints: np.ndarray) -> float:
    """Nose-to-lowest-ankle distance, or 3.5 spine lengths when the legs are not in the picture."""
    ms = (joints[J["left_shoulder"]] + joints[J["right_shoulder"]]) / 2
    mh = (joints[J["left_hip"]] + joints[J["right_hip"]]) / 2
    spine = float(np.linalg.norm(mh - ms))
    return max(3.5 * spine, 1.0) if math.isfinite(spine) else 100.0

"""Where our TikTok SSIM gap to MimicMotion lies: mean per-pixel SSIM maps of both against the clip, split by region.

    python bench/ssim_map.py FOLDER KEEP OUT [--clips 0,1,2,3,4,5] [--peer ours]

FOLDER holds ``raw_{i}.mp4`` and the peer's ``{peer}_{i}.mp4`` (``ours`` is MimicMotion's); KEEP is a
``tiktok_bench.py --keep`` folder holding ``puppet_{i}.mp4``. Each result is scored as the bench scores it
(``puppet_bench.appearance``: 256x256, every 5th frame, the best lag -2..2, skimage's SSIM with its 3-px border
left out), but keeping skimage's per-pixel map; the maps are averaged over the scored frames. Writes
``OUT/clip{i}.png``: the truth's frame 0 | our mean map | the peer's mean map | ours minus the peer's (red: we
lose there, blue: we win), with the region borders drawn on the last. Prints, per clip, how the SSIM gap (the
peer's SSIM minus ours, which is the mean over the frame of the map difference) splits over regions cut from the
truth frames by MediaPipe Holistic (``pose.estimator.detect_image``): the background (outside the person mask:
``bg_near`` within 8 px of the person at 256, ``bg_far`` the rest), the face (the face mesh's hull), the arms and
hands (tubes along the arm bones and the hands' hulls, within 4 px of the person) and the rest of the body
(``body_rim`` within 6 px of the person's outline: its shape; ``body_in`` the inside: clothes, folds, texture). A
region's share times (peer - ours) inside it adds up to the gap. For looking, not a target; never used by tests.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from puppet_bench import LAGS, appearance, read_frames

SIDE = 256
STEP = 5
PAD = 3  # skimage leaves (win_size - 1) // 2 = 3 px out of its mean: the maps are cropped the same way
REGIONS = ("bg_far", "bg_near", "body_rim", "body_in", "arms", "face")
ARM_CHAINS = ((11, 13, 15), (12, 14, 16))


def _small(frame: np.ndarray) -> np.ndarray:
    return cv2.resize(frame, (SIDE, SIDE), interpolation=cv2.INTER_AREA)


def ssim_map(real: np.ndarray, other: np.ndarray) -> np.ndarray:
    """skimage's per-pixel SSIM (mean over the channels) of two 256x256 frames, cropped as its mean is."""
    from skimage.metrics import structural_similarity

    _, full = structural_similarity(real, other, channel_axis=2, data_range=255, full=True)
    return full.mean(axis=2)[PAD:-PAD, PAD:-PAD]


def mean_map(real: list[np.ndarray], other: list[np.ndarray]) -> tuple[np.ndarray, int, list[int]]:
    """The mean map at the lag the bench picks (its whole-frame mean is the bench's SSIM), the lag, and the
    scored truth frames."""
    best = None
    for lag in LAGS:
        ts = [t for t in range(0, len(real), STEP) if 0 <= t + lag < len(other)]
        maps = np.mean([ssim_map(real[t], other[t + lag]) for t in ts], axis=0)
        if best is None or maps.mean() > best[0].mean():
            best = (maps, lag, ts)
    return best


def _hull(mask: np.ndarray, pts: np.ndarray) -> None:
    pts = pts[np.isfinite(pts).all(axis=1)]
    if len(pts) >= 3:
        cv2.fillConvexPoly(mask, cv2.convexHull(np.round(pts).astype(np.int32)), 1)


def region_masks(frame: np.ndarray) -> dict[str, np.ndarray]:
    """The truth frame's regions at 256 (cropped like the maps), a partition of the frame."""
    from motion_transfer.pose.estimator import detect_image

    track = detect_image(frame)
    s = SIDE / frame.shape[0]
    person = _small(track.meta["segmentation"]) > 0.5
    body = track.body[0, :, :2] * s
    face = np.zeros((SIDE, SIDE), np.uint8)
    if np.isfinite(track.face[0]).all():
        _hull(face, track.face[0, :, :2] * s)
    else:
        _hull(face, body[:11])
        face = cv2.dilate(face, np.ones((9, 9), np.uint8))
    arms = np.zeros((SIDE, SIDE), np.uint8)
    if np.isfinite(body[11:17]).all():
        width = max(3, round(0.25 * float(np.linalg.norm(body[11] - body[12]))))
        for chain in ARM_CHAINS:
            cv2.polylines(arms, [np.round(body[list(chain)]).astype(np.int32)], False, 1, width)
    for hand in (track.left_hand[0], track.right_hand[0]):
        hand_mask = np.zeros_like(arms)
        _hull(hand_mask, hand[:, :2] * s)
        arms |= cv2.dilate(hand_mask, np.ones((5, 5), np.uint8))
    near_person = cv2.dilate(person.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    face = face > 0
    arms = (arms > 0) & near_person & ~face
    ring = cv2.dilate(person.astype(np.uint8), np.ones((17, 17), np.uint8)) > 0
    bg = ~person & ~face & ~arms
    inner = cv2.erode(person.astype(np.uint8), np.ones((13, 13), np.uint8)) > 0
    body = person & ~face & ~arms
    masks = {"bg_far": bg & ~ring, "bg_near": bg & ring, "body_rim": body & ~inner, "body_in": body & inner,
             "arms": arms, "face": face}
    return {k: m[PAD:-PAD, PAD:-PAD] for k, m in masks.items()}


def _colour(diff: np.ndarray, span: float = 0.3) -> np.ndarray:
    """ours - peer as RGB: red where we lose, blue where we win, white where equal."""
    x = np.clip(diff / span, -1, 1)[..., None]
    white = np.ones(diff.shape + (3,))
    red, blue = np.array([1.0, 0.1, 0.1]), np.array([0.1, 0.2, 1.0])
    rgb = np.where(x < 0, white * (1 + x) + red * -x, white * (1 - x) + blue * x)
    return (rgb * 255).astype(np.uint8)


def _grey(m: np.ndarray) -> np.ndarray:
    return cv2.applyColorMap((np.clip(m, 0, 1) * 255).astype(np.uint8), cv2.COLORMAP_VIRIDIS)[..., ::-1]


def clip_report(i: int, raw: Path, ours: Path, peer: Path, out: Path) -> dict[str, float]:
    """Print clip ``i``'s split, write its PNG; returns each region's part of the gap."""
    from PIL import Image

    real_full = read_frames(raw)
    truth = [_small(f) for f in real_full]
    m_ours, lag_o, ts = mean_map(truth, [_small(f) for f in read_frames(ours)])
    m_peer, lag_p, _ = mean_map(truth, [_small(f) for f in read_frames(peer)])
    check = appearance(real_full, read_frames(ours))[0]
    area = {k: np.zeros(m_ours.shape) for k in REGIONS}
    for t in ts:
        for k, m in region_masks(real_full[t]).items():
            area[k] += m
    area = {k: a / len(ts) for k, a in area.items()}  # per pixel, the share of scored frames it lies in region k
    diff = m_ours - m_peer
    gap = -diff.mean()
    print(f"\n== clip {i}: SSIM ours {m_ours.mean():.3f} (bench {check:.3f}, lag {lag_o}), peer {m_peer.mean():.3f} "
          f"(lag {lag_p}); gap {gap:+.4f}")
    print(f"{'region':8s} {'area':>6s} {'ours':>6s} {'peer':>6s} {'gap':>8s} {'of gap':>7s}")
    parts = {}
    for k in REGIONS:
        a = area[k]
        w = max(a.sum(), 1.0)
        parts[k] = -(diff * a).sum() / diff.size
        print(f"{k:8s} {a.sum() / diff.size:6.1%} {(m_ours * a).sum() / w:6.3f} {(m_peer * a).sum() / w:6.3f} "
              f"{parts[k]:+8.4f} {parts[k] / gap if gap else 0:7.0%}")
    edges = np.zeros(diff.shape, bool)
    first = region_masks(real_full[0])
    for k in REGIONS[1:]:
        edges |= (cv2.morphologyEx(first[k].astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)) > 0)
    loss = _colour(diff)
    loss[edges] = (0, 0, 0)
    panels = [_small(real_full[0])[PAD:-PAD, PAD:-PAD], _grey(m_ours), _grey(m_peer), loss]
    out.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.hstack([cv2.resize(p, (2 * p.shape[1], 2 * p.shape[0]), interpolation=cv2.INTER_NEAREST)
                               for p in panels])).save(out / f"clip{i}.png")
    return parts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="the tiktok folder (raw_i.mp4 and the peer's NAME_i.mp4)")
    ap.add_argument("keep", type=Path, help="a tiktok_bench.py --keep folder (puppet_i.mp4)")
    ap.add_argument("out", type=Path, help="where the PNGs go")
    ap.add_argument("--clips", default="0,1,2,3,4,5")
    ap.add_argument("--peer", default="ours", help="the compared system's file prefix (ours = MimicMotion)")
    args = ap.parse_args(argv)
    parts = [clip_report(i, args.folder / f"raw_{i}.mp4", args.keep / f"puppet_{i}.mp4",
                         args.folder / f"{args.peer}_{i}.mp4", args.out)
             for i in (int(c) for c in args.clips.split(","))]
    total = sum(sum(p.values()) for p in parts) / len(parts)
    print(f"\n== mean over the clips: gap {total:+.4f}; "
          + ", ".join(f"{k} {np.mean([p[k] for p in parts]):+.4f} ({np.mean([p[k] for p in parts]) / total:.0%})"
                      for k in REGIONS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

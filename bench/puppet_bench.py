"""Puppet engine benchmark on generated clips: motion fidelity, self-reenactment quality, speed, peak memory.

    python bench/puppet_bench.py [--quick] [--keep DIR] [--skip-speed] [--memory]

Self-reenactment: frame 0 of a generated mannequin clip is the character image, the whole clip the motion, so
the clip itself is the ground truth of what the result should look like. Scored the way
``../shared/data/tiktok/README.md`` scores published systems (``score_pair`` below, shared with
``tiktok_bench.py``):

- motion error: MediaPipe Pose (model complexity 1, video mode) on both videos at 512 px; per frame the absolute
  difference of the 2D angles of 10 limb bones (upper/lower arms and legs, shoulder line, hip line) plus the
  torso (mid-hip to mid-shoulder), over joints with visibility > 0.5; mean over frames with a person in both;
  best lag -2..2 frames. Target: < 5 degrees.
- appearance: SSIM and PSNR at 256x256 against the reference, every 5th frame, best lag -2..2. Target: SSIM > 0.90.
- speed: a 10 s, 30 fps clip end to end including pose (std 720p < 20 s, pro 1080p < 40 s), per stage.
- memory (``--memory``): peak RSS of a 30 s 1080p ``pro`` run (target < 3 GB).

Prints figures and a verdict per target; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# bones scored: 10 limb bones + torso, MediaPipe indices
SCORED_BONES = [(11, 13), (13, 15), (12, 14), (14, 16), (23, 25), (25, 27), (24, 26), (26, 28), (11, 12), (23, 24)]
TORSO_JOINTS = [11, 12, 23, 24]  # the shoulders and hips: the torso bone (mid-hip to mid-shoulder) needs all four
BONE_NAMES = ("l_upper_arm", "l_forearm", "r_upper_arm", "r_forearm", "l_thigh", "l_shin", "r_thigh", "r_shin",
              "shoulders", "hips", "torso")  # the person's left and right, as MediaPipe names them
LAGS = range(-2, 3)


# --------------------------------------------------------------------------------------------------- scoring


def read_frames(path: str | Path, size: tuple[int, int] | None = None, step: int = 1) -> list[np.ndarray]:
    import av
    import cv2

    out = []
    with av.open(str(path)) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i % step:
                continue
            rgb = f.to_ndarray(format="rgb24")
            out.append(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA) if size else rgb)
    return out


def metric_track(path: str | Path, long_side: int = 512) -> np.ndarray:
    """[T, 33, 3] (x, y in pixels of the 512-px frame, visibility) with MediaPipe Pose, video mode; NaN = nobody."""
    import av
    import cv2
    from mediapipe.python.solutions import pose as mp_pose

    rows = []
    with av.open(str(path)) as c, mp_pose.Pose(static_image_mode=False, model_complexity=1) as model:
        for f in c.decode(video=0):
            rgb = f.to_ndarray(format="rgb24")
            h, w = rgb.shape[:2]
            s = long_side / max(h, w)
            small = cv2.resize(rgb, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
            r = model.process(small)
            if r.pose_landmarks is None:
                rows.append(np.full((33, 3), np.nan, np.float32))
            else:
                sh, sw = small.shape[:2]
                rows.append(np.array([[p.x * sw, p.y * sh, p.visibility] for p in r.pose_landmarks.landmark],
                                     np.float32))
    return np.stack(rows) if rows else np.zeros((0, 33, 3), np.float32)


def _angles(body: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[T, 11] bone angles and [T, 11] validity (both ends visible > 0.5)."""
    xy, vis = body[..., :2], body[..., 2]
    ang, ok = [], []
    for a, b in SCORED_BONES:
        d = xy[:, b] - xy[:, a]
        ang.append(np.arctan2(d[:, 1], d[:, 0]))
        ok.append((vis[:, a] > 0.5) & (vis[:, b] > 0.5))
    mid_s = (xy[:, 11] + xy[:, 12]) / 2
    mid_h = (xy[:, 23] + xy[:, 24]) / 2
    d = mid_s - mid_h
    ang.append(np.arctan2(d[:, 1], d[:, 0]))
    ok.append((vis[:, TORSO_JOINTS] > 0.5).all(axis=1))
    return np.stack(ang, axis=1), np.stack(ok, axis=1) & ~np.isnan(xy[:, 0, :1])


def bone_errors(ref: np.ndarray, out: np.ndarray, lag: int) -> np.ndarray:
    """[T', 11] absolute bone-angle differences in degrees of ``out[t + lag]`` against ``ref[t]`` (NaN where a
    bone is not seen in both), over the frames both tracks have at that lag."""
    ra, rok = _angles(ref)
    oa, ook = _angles(out)
    t0, t1 = max(0, -lag), min(len(ra), len(oa) - lag)
    if t1 <= t0:
        return np.zeros((0, len(BONE_NAMES)))
    d = np.degrees(np.abs((oa[t0 + lag:t1 + lag] - ra[t0:t1] + np.pi) % (2 * np.pi) - np.pi))
    return np.where(rok[t0:t1] & ook[t0 + lag:t1 + lag], d, np.nan)


def motion_error(ref: np.ndarray, out: np.ndarray) -> tuple[float, int]:
    """Mean absolute bone-angle difference in degrees at the best lag, and that lag."""
    best = (float("nan"), 0)
    for lag in LAGS:
        d = bone_errors(ref, out, lag)
        if len(d) < 5:
            continue
        with np.errstate(all="ignore"):
            per_frame = np.nanmean(d, axis=1)
        err = float(np.nanmean(per_frame)) if np.isfinite(per_frame).any() else float("nan")
        if np.isnan(best[0]) or err < best[0]:
            best = (err, lag)
    return best


def _bone_mask(joints: np.ndarray) -> np.ndarray:
    """[T, 11] whether both ends of each scored bone (all four torso joints for the torso) hold in ``joints``
    [T, 33]."""
    return np.stack([joints[:, a] & joints[:, b] for a, b in SCORED_BONES] + [joints[:, TORSO_JOINTS].all(axis=1)],
                    axis=1)


def in_own_frame(track: np.ndarray, frame_shape: tuple[int, ...], long_side: int = 512) -> np.ndarray:
    """[T, 33] whether each joint of a ``metric_track`` lies inside the frame it was read from (``frame_shape``
    that video's (h, w, ...)): MediaPipe still places a joint the frame cuts off, by guess."""
    h, w = frame_shape[:2]
    size = np.array([w, h], np.float64) * long_side / max(h, w)
    xy = track[..., :2]
    with np.errstate(invalid="ignore"):
        return ((xy >= 0) & (xy < size)).all(axis=-1)


def _kept_error(d: np.ndarray, kept: np.ndarray) -> dict:
    """The error of ``d`` [T, 11] over the bone-frames ``kept`` alone (weighted like ``motion_error``), and the
    share of the scored bone-frames left out."""
    k = np.where(kept, d, np.nan)
    with np.errstate(all="ignore"):
        deg = float(np.nanmean(np.nanmean(k, axis=1)))
    scored = max(1, int(np.isfinite(d).sum()))
    return {"deg": round(deg, 2) if np.isfinite(deg) else None,
            "dropped": round(1 - float(np.isfinite(k).sum()) / scored, 4)}


def per_bone(ref: np.ndarray, out: np.ndarray, lag: int, worst: int = 5, inside: np.ndarray | None = None,
             misread: np.ndarray | None = None, shown: np.ndarray | None = None) -> dict:
    """Where the motion error comes from: per bone its mean error (deg) and its share of the clip's error (a
    bone's sum over frames / all bones' sums, weighted like ``motion_error``: each frame's bones averaged), the
    ``worst`` frames (reference frame index, error, and the bone that costs most there).

    ``inside`` [T, 33] (``out``'s frames): whether the engine drew each joint inside the picture. MediaPipe
    guesses a limb cut off by the frame's edge (a forearm below a half-length portrait), and whether its guess
    is counted hangs on a visibility near 0.5; ``in_frame`` gives the error over the bones drawn inside only.
    ``misread`` [T, 33] (``ref``'s frames): the reference's own misreads (``pose.spikes``: a joint thrown far
    for a frame or three and put back); ``misreads_apart`` gives the error without the bones they touch, so a
    result that follows the video rather than its tracker's slip is not charged for it (the headline figure
    keeps the README's protocol). ``shown`` [T, 33] (``ref``'s frames): whether the reference's joint lies inside
    its own frame; ``ref_shown`` gives the error over the bones the reference shows whole: a dancer's hand below
    her clip's bottom edge is MediaPipe's guess there too (TikTok clip 1's right wrist on most frames), and a
    result is scored against that guess."""
    d = bone_errors(ref, out, lag)
    t0 = max(0, -lag)
    extra = {}
    if inside is not None:
        extra["in_frame"] = _kept_error(d, _bone_mask(inside[t0 + lag:t0 + lag + len(d)]))
    if misread is not None and misread[t0:t0 + len(d)].any():
        extra["misreads_apart"] = _kept_error(d, _bone_mask(~misread[t0:t0 + len(d)]))
    if shown is not None:
        extra["ref_shown"] = _kept_error(d, _bone_mask(shown[t0:t0 + len(d)]))
    n = (~np.isnan(d)).sum(axis=1)
    with np.errstate(all="ignore"):
        per_frame = np.nanmean(d, axis=1)
        # each frame counts once: a bone's part of the clip's mean is its error / the frame's bone count
        share = np.nansum(np.where(n[:, None] > 0, d / np.maximum(n, 1)[:, None], np.nan), axis=0)
        total = float(np.nansum(share))
        bones = {name: {"deg": round(float(np.nanmean(d[:, k])), 2) if np.isfinite(d[:, k]).any() else None,
                        "seen": round(float(np.mean(np.isfinite(d[:, k]))), 2),
                        "share": round(float(share[k] / total), 3) if total > 0 else 0.0}
                 for k, name in enumerate(BONE_NAMES)}
    order = np.argsort(np.nan_to_num(per_frame, nan=-1.0))[::-1][:worst]
    frames = [{"frame": int(t + t0), "deg": round(float(per_frame[t]), 1),
               "bone": BONE_NAMES[int(np.nanargmax(d[t]))], "bone_deg": round(float(np.nanmax(d[t])), 1)}
              for t in order if np.isfinite(per_frame[t])]
    return {"lag": lag, "bones": bones, "worst_frames": frames, **extra}


def appearance(ref_frames: list[np.ndarray], out_frames: list[np.ndarray], step: int = 5,
               box: tuple[int, int, int, int] | None = None) -> tuple[float, float]:
    """(SSIM, PSNR) at 256x256 over every ``step``-th reference frame, at the best lag (PSNR capped at 60 dB).

    ``box`` (x0, y0, x1, y1) crops both videos first (e.g. to where the person moves)."""
    import cv2
    from skimage.metrics import structural_similarity

    def prep(f):
        if box is not None:
            f = f[box[1]:box[3], box[0]:box[2]]
        return cv2.resize(f, (256, 256), interpolation=cv2.INTER_AREA)

    def psnr(a, b):
        mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
        return 60.0 if mse < 1e-6 else min(60.0, 10 * np.log10(255.0 ** 2 / mse))

    R = [prep(f) for f in ref_frames]
    outs = [prep(f) for f in out_frames]
    best = (-1.0, 0.0)
    for lag in LAGS:
        s, p = [], []
        for t in range(0, len(R), step):
            if 0 <= t + lag < len(outs):
                s.append(structural_similarity(R[t], outs[t + lag], channel_axis=2, data_range=255))
                p.append(psnr(R[t], outs[t + lag]))
        if s and np.mean(s) > best[0]:
            best = (float(np.mean(s)), float(np.mean(p)))
    return best


def score_pair(ref_path: str | Path, out_path: str | Path, person_box: bool = False, bones: bool = False,
               ref_track: np.ndarray | None = None, inside: np.ndarray | None = None,
               misread: np.ndarray | None = None) -> dict:
    """Motion error (deg), SSIM, PSNR of ``out_path`` against ``ref_path``, plus frame 0 held still.

    ``bones``: also the per-bone breakdown (``per_bone``) under the key ``per_bone``; ``ref_track``: the
    reference's ``metric_track`` when already measured (a clip scored twice is tracked once); ``inside``: the
    joints drawn inside the picture and ``misread`` the reference's misread joints (``per_bone``)."""
    ref_t = metric_track(ref_path) if ref_track is None else ref_track
    out_t = metric_track(out_path)
    err, lag = motion_error(ref_t, out_t)
    ref_f, out_f = read_frames(ref_path), read_frames(out_path)
    ssim, psnr = appearance(ref_f, out_f)
    still_ssim, still_psnr = appearance(ref_f, [ref_f[0]] * len(ref_f))
    row = {"motion_err_deg": round(err, 2), "lag": lag, "ssim": round(ssim, 3), "psnr": round(psnr, 2),
           "still_ssim": round(still_ssim, 3), "still_psnr": round(still_psnr, 2)}
    if person_box:
        # where the person is (the reference's joints over the whole clip, with a margin): the full frame of a
        # generated clip is mostly plain background, which flatters every method
        h, w = ref_f[0].shape[:2]
        xy = ref_t[..., :2][~np.isnan(ref_t[:, 0, 0])]
        s = max(h, w) / 512.0
        if len(xy):
            x0, y0 = np.nanmin(xy.reshape(-1, 2), axis=0) * s
            x1, y1 = np.nanmax(xy.reshape(-1, 2), axis=0) * s
            m = 0.15 * max(x1 - x0, y1 - y0)
            box = (int(max(0, x0 - m)), int(max(0, y0 - m)), int(min(w, x1 + m)), int(min(h, y1 + m)))
            ps, pp = appearance(ref_f, out_f, box=box)
            ss, _ = appearance(ref_f, [ref_f[0]] * len(ref_f), box=box)
            row.update({"ssim_person": round(ps, 3), "psnr_person": round(pp, 2), "still_ssim_person": round(ss, 3)})
    if bones:
        row["per_bone"] = per_bone(ref_t, out_t, lag, inside=inside, misread=misread,
                                   shown=in_own_frame(ref_t, ref_f[0].shape))
    return {**row,
            "ref_detected": float(np.mean(~np.isnan(ref_t[:, 0, 0]))),
            "out_detected": float(np.mean(~np.isnan(out_t[:, 0, 0])))}


# ------------------------------------------------------------------------------------------------ running


def run_engine(image: Path, video: Path, output: Path, *, tier: str = "std", orientation: str = "video",
               keep_sound: bool = True, **options) -> dict:
    """One engine run in this process; returns the Result as a dict."""
    from motion_transfer.engines.puppet import PuppetEngine
    from motion_transfer.request import Request

    req = Request(image=image, video=video, output=output, tier=tier, orientation=orientation,
                  keep_sound=keep_sound, options=options)
    return PuppetEngine().run(req, None, None).to_dict()


_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {src!r})
from motion_transfer.engines.puppet import PuppetEngine
from motion_transfer.request import Request
t = time.perf_counter()
res = PuppetEngine().run(Request(image={image!r}, video={video!r}, output={output!r}, tier={tier!r}), None, None)
wall = time.perf_counter() - t
print(json.dumps({{"wall": wall, "timings": res.timings, "frames": res.frames, "size": [res.width, res.height],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run_child(image: Path, video: Path, output: Path, tier: str) -> dict:
    """One engine run in a fresh process (clean peak-memory figure, nothing cached)."""
    src = str(Path(__file__).resolve().parents[1] / "src")
    code = _CHILD.format(src=src, image=str(image), video=str(video), output=str(output), tier=tier)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    data["process_wall"] = time.perf_counter() - t
    return data


def first_frame(video: Path, image: Path) -> None:
    from PIL import Image

    Image.fromarray(read_frames(video)[0]).save(image)


# --------------------------------------------------------------------------------------------------- sections


def quality(folder: Path, motions: list[str], seconds: float, size: tuple[int, int]) -> list[dict]:
    from motion_transfer.samples.mannequin import make_clip

    rows = []
    for motion in motions:
        ref = folder / f"ref_{motion}.mp4"
        make_clip(ref, motion, seconds=seconds, fps=30, size=size, style="person")
        image = folder / f"ref_{motion}_frame0.png"
        first_frame(ref, image)
        out = folder / f"out_{motion}.mp4"
        t = time.perf_counter()
        res = run_engine(image, ref, out, tier="std")
        wall = time.perf_counter() - t
        row = {"motion": motion, **score_pair(ref, out, person_box=True), "wall_s": round(wall, 1),
               "timings": res["timings"]}
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def speed(folder: Path, seconds: float) -> list[dict]:
    from motion_transfer.samples.mannequin import make_character, make_clip

    image = folder / "character.png"
    make_character(image, size=(720, 960))
    rows = []
    for tier, size in (("std", (1280, 720)), ("pro", (1920, 1080))):
        video = folder / f"speed_{size[1]}.mp4"
        make_clip(video, "dance", seconds=seconds, fps=30, size=size, audio=True)
        data = run_child(image, video, folder / f"speed_out_{tier}.mp4", tier)
        data["tier"] = tier
        data["clip"] = f"{seconds:g} s {size[0]}x{size[1]} 30 fps"
        data["render_fps"] = round(data["frames"] / max(data["timings"]["render"] + data["timings"]["encode"], 1e-6),
                                   1)
        rows.append(data)
        print(json.dumps(data), flush=True)
    return rows


def memory(folder: Path) -> dict:
    from motion_transfer.samples.mannequin import make_character, make_clip

    image = folder / "character.png"
    if not image.exists():
        make_character(image, size=(720, 960))
    video = folder / "memory_30s_1080.mp4"
    make_clip(video, "dance", seconds=30.0, fps=30, size=(1920, 1080))
    data = run_child(image, video, folder / "memory_out.mp4", "pro")
    print(json.dumps(data), flush=True)
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="two motions, 3 s clips, 5 s speed clips")
    ap.add_argument("--keep", type=Path, help="keep the clips and results in this folder")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--memory", action="store_true", help="also the 30 s 1080p peak-memory run (slow)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="puppet-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    # every run tracks its video: the motion cache is switched off (a cached track would hide the pose's time)
    os.environ["MOTION_TRANSFER_CACHE"] = "off"
    motions = ["dance", "cross"] if args.quick else ["dance", "wave", "cross", "reach", "step", "turn"]
    seconds = 3.0 if args.quick else 4.0
    print(f"# quality (self-reenactment of generated clips, {seconds:g} s, 1280x720) in {folder}")
    rows = quality(folder, motions, seconds, (1280, 720))
    err = float(np.nanmean([r["motion_err_deg"] for r in rows]))
    ssim = float(np.mean([r["ssim"] for r in rows]))
    psnr = float(np.mean([r["psnr"] for r in rows]))
    still = float(np.mean([r["still_ssim"] for r in rows]))
    pss = float(np.mean([r.get("ssim_person", np.nan) for r in rows]))
    pst = float(np.mean([r.get("still_ssim_person", np.nan) for r in rows]))
    print(f"motion error {err:.2f} deg (target < 5: {'MET' if err < 5 else 'NOT MET'}); "
          f"SSIM {ssim:.3f} (target > 0.90: {'MET' if ssim > 0.90 else 'NOT MET'}; frame 0 held still {still:.3f}); "
          f"PSNR {psnr:.2f} dB; around the person only: SSIM {pss:.3f} (frame 0 held still {pst:.3f})")
    if not args.skip_speed:
        secs = 5.0 if args.quick else 10.0
        print(f"# speed ({secs:g} s clips, end to end including pose, fresh process each)")
        for r in speed(folder, secs):
            limit = (20.0 if r["tier"] == "std" else 40.0) * secs / 10.0
            print(f"{r['tier']}: {r['wall']:.1f} s for {r['frames']} frames at {r['size'][0]}x{r['size'][1]} "
                  f"(target < {limit:g} s: {'MET' if r['wall'] < limit else 'NOT MET'}); stages {r['timings']}; "
                  f"render+encode {r['render_fps']} fps; peak RSS {r['peak_rss_mb']:.0f} MB")
    if args.memory:
        print("# memory (30 s 1080p pro)")
        m = memory(folder)
        met = "MET" if m["peak_rss_mb"] < 3072 else "NOT MET"
        print(f"peak RSS {m['peak_rss_mb']:.0f} MB (target < 3072 MB: {met}); wall {m['wall']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The product's tips, turned into measured findings before any time or credit is spent.

``check()`` probes both files, applies the engine's input rules, then looks at the image and a low-rate sample
of the video and reports each risk with what was measured and the threshold that made it fire.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import InputError
from .finding import Finding, sort_findings
from .media.frames import read_image, split_alpha
from .media.probe import MediaInfo, probe
from .pose.cache import cached_analysis
from .pose.figure import Figure, find_figure
from .pose.skeleton import J
from .pose.track import PoseTrack
from .request import Progress
from .rules import check_inputs, check_prompt, rules_for

# Thresholds (documented in the findings themselves, so users see why a warning fired).
ASPECT_TOLERANCE = 0.15  # relative difference of width/height
CLUTTER_EDGE_DENSITY = 0.04  # share of background pixels on an edge
MOVING_BACKGROUND = 0.03  # mean absolute change of background pixels between samples (0..1)
LOW_CONTRAST_DELTA_E = 15.0  # colour distance (CIELAB) between the actor and its surroundings
BACK_VIEW_SHARE = 0.10  # share of sampled frames showing the actor's back or side
FLAT_ART_SHARE = 0.55  # share of the character's pixels in flat colour areas
LIMB_MOTION_RANGE = 0.35  # movement of a limb end, in torso lengths, that counts as "the motion uses it"
SMALL_CHARACTER = 0.05  # share of the image the character covers
SAMPLE_FPS = 3.0

LIMBS = {
    "left arm": (J["left_elbow"], J["left_wrist"]),
    "right arm": (J["right_elbow"], J["right_wrist"]),
    "left leg": (J["left_knee"], J["left_ankle"]),
    "right leg": (J["right_knee"], J["right_ankle"]),
}
CLIP_JOINTS = {"head": J["nose"], "left hand": J["left_wrist"], "right hand": J["right_wrist"],
               "left elbow": J["left_elbow"], "right elbow": J["right_elbow"], "left foot": J["left_ankle"],
               "right foot": J["right_ankle"]}


@dataclass
class Report:
    """Everything the preflight learnt; engines reuse it instead of reading the files again."""

    image: Path
    video: Path
    orientation: str
    engine: str
    findings: list[Finding] = field(default_factory=list)
    image_info: MediaInfo | None = None
    video_info: MediaInfo | None = None
    figure: Figure | None = None  # the character's figure in the image (engines rig from it, not searching again)
    image_pose: PoseTrack | None = None  # one frame, with meta["segmentation"]; empty unless a person was detected
    video_sample: PoseTrack | None = None  # SAMPLE_FPS track of the actor
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def to_dict(self) -> dict:
        return {
            "image": str(self.image), "video": str(self.video), "orientation": self.orientation,
            "engine": self.engine, "ok": self.ok, "findings": [f.to_dict() for f in self.findings],
            "image_info": self.image_info.to_dict() if self.image_info else None,
            "video_info": self.video_info.to_dict() if self.video_info else None,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def _probe_finding(exc: InputError) -> Finding:
    return Finding(code=exc.code, severity="error", message=exc.message, file=exc.file, measured=exc.measured,
                   limit=exc.limit, fix=exc.fix)


def check(image: str | Path, video: str | Path, *, orientation: str = "video", engine: str = "puppet",
          prompt: str = "", rig: str | Path | None = None, analyse: bool = True,
          progress: Progress | None = None, use_cache: bool = True,
          on_figure: Callable[[Figure | None], None] | None = None) -> Report:
    """Probe, apply the rules, and (when the files are usable and ``analyse``) measure every tip. ``rig``: the
    rig.json the run will use (a puppet run needs one when no figure can be found in the image). ``use_cache``:
    the video-only part of the analysis may come from (and goes to) the motion cache. ``on_figure`` is called
    with the image's figure as soon as it is found, while the video is still being looked at, so that work
    which needs only the image (the puppet's rig) can start beside it."""
    if orientation not in ("video", "image"):
        raise InputError(f"orientation must be 'video' or 'image', not {orientation!r}.", code="orientation",
                         fix="pass --orientation video (full-body choreography) or image (portraits).")
    report = Report(image=Path(image), video=Path(video), orientation=orientation, engine=engine)
    t0 = time.perf_counter()
    for attr, path, kind in (("image_info", image, "image"), ("video_info", video, "video")):
        try:
            setattr(report, attr, probe(path, expect=kind))
        except InputError as exc:
            report.findings.append(_probe_finding(exc))
    if report.image_info and report.video_info:
        report.findings += check_inputs(report.image_info, report.video_info, orientation, engine, prompt)
    elif len(prompt) > rules_for(engine).prompt_max_chars:
        report.findings += check_prompt(prompt, rules_for(engine))
    report.timings["probe"] = time.perf_counter() - t0
    if analyse and report.image_info and report.video_info and report.ok:
        _analyse(report, rig, progress, use_cache, on_figure)
    report.findings = sort_findings(report.findings)
    return report


def _analyse(report: Report, rig: str | Path | None, progress: Progress | None, use_cache: bool = True,
             on_figure: Callable[[Figure | None], None] | None = None) -> None:
    t0 = time.perf_counter()
    # the image and the video are independent: the video is analysed on a second thread (both models release
    # the GIL), so a two-core machine works on both at once
    with ThreadPoolExecutor(1, thread_name_prefix="preflight-video") as pool:
        video_job = pool.submit(video_analysis, report.video, report.video_info, progress, use_cache=use_cache)
        rgb, alpha = split_alpha(read_image(report.image, with_alpha=True))
        report.figure = find_figure(rgb, alpha)
        if on_figure is not None:
            on_figure(report.figure)
        found = report.figure is not None and report.figure.detected
        image_pose = report.figure.pose if found else PoseTrack.empty(1, 0.0, rgb.shape[1], rgb.shape[0])
        report.image_pose = image_pose
        report.timings["image_pose"] = time.perf_counter() - t0
        sample, video_findings = video_job.result()
    report.video_sample = sample
    report.timings["video_sample"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    img, vid = str(report.image), str(report.video)
    out = report.findings
    out += subject_findings(image_pose, sample, img, vid)
    out += figure_findings(report.figure, report.engine, rig, img)
    out += aspect_findings(report.image_info, report.video_info)
    out += small_character_findings(image_pose, rgb, img)
    if not sample.present.any():
        report.timings["advice"] = time.perf_counter() - t0
        return
    out += video_findings
    out += rotation_findings(sample, rgb, image_pose, img, vid)
    image_body = image_pose.body[0]
    if not np.isnan(image_body[:, 0]).all():
        out += hidden_limb_findings(image_pose, sample, img, report.image_info)
        out += clipping_findings(image_body, sample, report.orientation, report.image_info, report.video_info)
        out += framing_findings(image_body, report.image_info, sample, img, vid)
    report.timings["advice"] = time.perf_counter() - t0


def _plain(value: object) -> object:
    return value.item() if hasattr(value, "item") else str(value)


# Bump when the video-only analysis below changes what it finds: cached analyses made before stop matching.
# 2: the sample holds the body only (its hands and face were never used); 3: frames shrunk bilinearly; 4: from
# reference frames only
VIDEO_ANALYSIS_VERSION = 4


def video_analysis(video: Path, info: MediaInfo, progress: Progress | None = None, *,
                   use_cache: bool = True) -> tuple[PoseTrack, list[Finding]]:
    """What the preflight learns from the video alone: the actor sampled at SAMPLE_FPS and the background and
    people findings. It is the same for every character, so it is kept in the motion cache (``pose/cache.py``)
    and a second character on the same motion skips it; the findings name ``video`` whatever the cached
    entry's file was called."""
    from .pose.estimator import sample_video

    def analyse() -> PoseTrack:
        sample, masks, frames = sample_video(video, fps=SAMPLE_FPS, progress=progress)
        found = []
        if sample.present.any():
            # the people count (a model) runs beside the background's measures (OpenCV and numpy)
            with ThreadPoolExecutor(1, thread_name_prefix="preflight-people") as pool:
                people = pool.submit(people_findings, sample, frames, info, str(video))
                found = background_findings(frames, masks, str(video)) + people.result()
        # plain JSON (numbers measured with numpy become Python numbers), as the cache file stores it
        sample.meta["findings"] = json.loads(json.dumps([f.to_dict() for f in found], default=_plain))
        return sample

    shaping = {"analysis": "preflight-video", "version": VIDEO_ANALYSIS_VERSION, "fps": SAMPLE_FPS}
    sample = cached_analysis(video, shaping, analyse, "analyse video", progress, use_cache=use_cache)
    findings = [Finding(**{**d, "file": str(video) if d.get("file") else d.get("file")})
                for d in sample.meta.pop("findings", [])]
    return sample, findings


def subject_findings(image_pose: PoseTrack, sample: PoseTrack, img: str, vid: str) -> list[Finding]:
    """Head, shoulders and torso must be visible: in the video (error if no actor) and the image."""
    out = []
    core = [J["nose"], J["left_shoulder"], J["right_shoulder"], J["left_hip"], J["right_hip"]]
    seen = sample.present
    share = float(seen.mean()) if len(seen) else 0.0
    if share < 0.5:
        out.append(Finding("video_no_person", "error", f"a person was found in only {share:.0%} of the sampled "
                           "frames; the motion cannot be read.", vid, round(share, 3), 0.5,
                           "use a clip where one person is clearly visible, head to hips at least."))
    elif share < 0.9:
        out.append(Finding("video_person_lost", "warning", f"the actor is lost in {1 - share:.0%} of the sampled "
                           "frames; the character holds still there.", vid, round(share, 3), 0.9,
                           "trim the parts where the actor leaves the frame or is hidden."))
    if seen.any():
        vis = np.nanmedian(sample.body[seen][:, core, 3], axis=0)
        if np.nanmin(vis) < 0.5:
            out.append(Finding("video_subject_partial", "warning", "the actor's head, shoulders and hips are not "
                               f"all clearly visible (lowest median visibility {np.nanmin(vis):.2f}).", vid,
                               round(float(np.nanmin(vis)), 3), 0.5,
                               "frame the actor so head, shoulders and torso are in view."))
    body = image_pose.body[0]
    if not np.isnan(body[:, 0]).all() and np.min(body[core, 3]) < 0.5:
        out.append(Finding("image_subject_partial", "warning", "the character's head, shoulders and torso are "
                           f"not all clearly visible (lowest visibility {np.min(body[core, 3]):.2f}).", img,
                           round(float(np.min(body[core, 3])), 3), 0.5,
                           "use an image that shows head, shoulders and torso."))
    return out


RIG_FIX = ("run `motion-transfer rig IMAGE -o rig.json`, correct the joint positions in rig.json (pixels; the "
           "character's own left/right) and pass it with --rig rig.json.")


def figure_findings(figure: Figure | None, engine: str, rig: str | Path | None, img: str) -> list[Finding]:
    """Whether the character has a skeleton to animate. The puppet engine cannot animate an image without one
    (an error, whose fix is a rig file); Kling's model animates animals and objects too (a warning)."""
    if figure is not None and figure.detected:
        return []
    if figure is not None:
        return [Finding("image_figure_fitted", "warning", "no person was detected in the character image; a "
                        "skeleton was fitted to the character's silhouette (head, arms, legs) and may misplace "
                        "joints.", img, figure.method, "detected",
                        "check it: " + RIG_FIX)]
    if engine == "puppet" and rig is None:
        return [Finding("image_no_figure", "error", "no character could be found in the image: the pose model saw "
                        "no body (also on padded, rescaled and contrast-boosted copies) and no silhouette with a "
                        "head, two arms and two legs stands out from the background, so the puppet engine has "
                        "nothing to animate.", img, 0, 1, RIG_FIX)]
    return [Finding("image_no_person", "warning", "no human figure was detected in the character image"
                    + (" (the rig file gives the skeleton)." if rig is not None else
                       "; the model animates it as best it can."), img, 0, 1,
                    "use an image that shows head, shoulders and torso." if rig is None else
                    "check that the rig file's joints sit on the character.")]


def aspect_findings(image: MediaInfo, video: MediaInfo) -> list[Finding]:
    a, b = image.width / image.height, video.width / video.height
    diff = abs(a - b) / max(a, b)
    if diff <= ASPECT_TOLERANCE:
        return []
    return [Finding("aspect_mismatch", "warning", f"the image is {a:.2f}:1 ({image.width}x{image.height}) and the "
                    f"video {b:.2f}:1 ({video.width}x{video.height}); the result is letter-boxed or the character "
                    "is placed in a frame of another shape.", None, [round(a, 3), round(b, 3)], ASPECT_TOLERANCE,
                    "crop the image or the video to the same aspect ratio (e.g. both 9:16).")]


def _lab(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32) * np.array([100 / 255, 1, 1], np.float32)


def background_findings(frames: list[np.ndarray], masks: list[np.ndarray], vid: str) -> list[Finding]:
    """Cluttered, moving or low-contrast surroundings make motion extraction unreliable."""
    import cv2

    out = []
    clutter, motion, contrast = [], [], []
    kernel = np.ones((9, 9), np.uint8)
    prev = None
    for rgb, mask in zip(frames, masks):
        person = (mask > 0.5).astype(np.uint8)
        grown = cv2.dilate(person, kernel, iterations=2)
        bg = grown == 0
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        if bg.mean() > 0.05:
            edges = cv2.Canny(gray, 60, 150) > 0
            clutter.append(edges[bg].mean())
            if prev is not None:
                both = bg & prev[1]
                if both.any():
                    motion.append(np.abs(gray.astype(np.float32) - prev[0])[both].mean() / 255.0)
        prev = (gray.astype(np.float32), bg)
        if person.sum() > 100:
            # the actor's interior (edges are shaded dark on any background) against a ring around it
            inner = cv2.erode(person, np.ones((5, 5), np.uint8)).astype(bool)
            outer = cv2.dilate(person, kernel).astype(bool) & ~person.astype(bool)
            if inner.any() and outer.any():  # colour converted for those pixels only (per pixel: the same)
                lab_in, lab_out = (_lab(rgb[m][:, None]).reshape(-1, 3) for m in (inner, outer))
                contrast.append(float(np.linalg.norm(np.median(lab_in, 0) - np.median(lab_out, 0))))
    if clutter and np.median(clutter) > CLUTTER_EDGE_DENSITY:
        v = float(np.median(clutter))
        out.append(Finding("video_cluttered_background", "warning", f"the video's background is busy ({v:.1%} of "
                           f"its pixels are edges; above {CLUTTER_EDGE_DENSITY:.0%} motion tracking gets less "
                           "reliable).", vid, round(v, 4), CLUTTER_EDGE_DENSITY,
                           "use a clip with a plain, static background."))
    if motion and np.median(motion) > MOVING_BACKGROUND:
        v = float(np.median(motion))
        out.append(Finding("video_moving_background", "warning", f"the video's background moves (mean change "
                           f"{v:.1%} between samples; above {MOVING_BACKGROUND:.0%} counts as moving: camera "
                           "motion or things passing by).", vid, round(v, 4), MOVING_BACKGROUND,
                           "use a clip shot from a fixed camera with a static background, or --orientation "
                           "image to keep the character's own framing."))
    if contrast and np.median(contrast) < LOW_CONTRAST_DELTA_E:
        v = float(np.median(contrast))
        out.append(Finding("video_low_contrast", "warning", f"the actor blends into the background (colour "
                           f"difference {v:.0f} between actor and surroundings, below {LOW_CONTRAST_DELTA_E:.0f}).",
                           vid,
                           round(v, 2), LOW_CONTRAST_DELTA_E,
                           "use a clip where the actor's clothes contrast with the background."))
    return out


def flat_art_share(rgb: np.ndarray, mask: np.ndarray) -> float:
    """Share of the character's pixels in flat-colour areas: high for cartoons, low for photos and 3D renders."""
    import cv2

    scale = 256 / max(rgb.shape[:2])
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else rgb
    m = cv2.resize(mask.astype(np.float32), (small.shape[1], small.shape[0])) > 0.5
    m = cv2.erode(m.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    if m.sum() < 50:
        return 0.0
    lab = _lab(small)
    gx = np.abs(np.diff(lab, axis=1, append=lab[:, -1:])).sum(axis=2)
    gy = np.abs(np.diff(lab, axis=0, append=lab[-1:])).sum(axis=2)
    return float(((gx + gy) < 1.5)[m].mean())


def rotation_findings(sample: PoseTrack, rgb: np.ndarray, image_pose: PoseTrack, img: str,
                      vid: str) -> list[Finding]:
    """A turning actor (back or side views) is hard on flat 2D art, which has no back to show."""
    seen = sample.present
    body = sample.body[seen]
    ls, rs = body[:, J["left_shoulder"], :2], body[:, J["right_shoulder"], :2]
    hips = (body[:, J["left_hip"], :2] + body[:, J["right_hip"], :2]) / 2
    torso = np.linalg.norm((ls + rs) / 2 - hips, axis=1)
    width = (ls[:, 0] - rs[:, 0]) / np.maximum(torso, 1e-3)  # positive when facing the camera
    facing = np.nanpercentile(width, 90) if len(width) else 0.0
    turned = (width < 0.35 * max(facing, 1e-3))
    share = float(turned.mean()) if len(turned) else 0.0
    if share <= BACK_VIEW_SHARE:
        return []
    frames = _frame_ranges(np.flatnonzero(seen)[turned], sample.fps)
    mask = image_pose.meta.get("segmentation")
    flat = flat_art_share(rgb, mask) if mask is not None else 0.0
    text = (f"the actor turns side-on or away from the camera in {share:.0%} of the sampled frames "
            f"(around {frames} s)")
    if flat >= FLAT_ART_SHARE:
        return [Finding("rotation_flat_character", "warning", f"{text}, and the character is flat 2D art "
                        f"({flat:.0%} flat colour); it has no back view to show, so turns look wrong.", img,
                        [round(share, 3), round(flat, 3)], [BACK_VIEW_SHARE, FLAT_ART_SHARE],
                        "use a clip that faces the camera, or a 3D-style or photographic character.")]
    return [Finding("rotation_in_video", "info", f"{text}; the puppet engine shows turns as a 2D puppet "
                    "(no true back view).", vid, round(share, 3), BACK_VIEW_SHARE,
                    "prefer clips that face the camera for the puppet engine.")]


def _frame_ranges(indices: np.ndarray, fps: float) -> str:
    """Sample indices as readable time ranges ('1.0-2.3, 5.7')."""
    if len(indices) == 0:
        return ""
    parts, start, prev = [], indices[0], indices[0]
    for i in list(indices[1:]) + [None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        parts.append(f"{start / fps:.1f}" if start == prev else f"{start / fps:.1f}-{prev / fps:.1f}")
        if i is not None:
            start = prev = i
    return ", ".join(parts[:6]) + (" ..." if len(parts) > 6 else "")


def _torso_len(body: np.ndarray) -> np.ndarray:
    sh = (body[..., J["left_shoulder"], :2] + body[..., J["right_shoulder"], :2]) / 2
    hp = (body[..., J["left_hip"], :2] + body[..., J["right_hip"], :2]) / 2
    return np.linalg.norm(sh - hp, axis=-1)


def _hip_center(body: np.ndarray) -> np.ndarray:
    return (body[..., J["left_hip"], :2] + body[..., J["right_hip"], :2]) / 2


TUCKED_WRIST = 0.3  # wrist-to-hip distance, in torso lengths, under which a hand the model cannot see is tucked


def hidden_limb_findings(image_pose: PoseTrack, sample: PoseTrack, img: str, image: MediaInfo) -> list[Finding]:
    """A limb the image hides (hands in pockets) but the motion moves will have to be invented.

    MediaPipe guesses hidden wrists with fair confidence, so a hand also counts as hidden when the hand model
    finds no hand there and the wrist sits against a hip. Legs count only in a full-body picture: a picture that
    ends above the feet does not hide its legs but leaves them out, which :func:`framing_findings` tells.
    """
    out = []
    image_body = image_pose.body[0]
    full = _framing(image_body, image.width, image.height) == "full"
    body = sample.body[sample.present]
    torso = np.nanmedian(_torso_len(body))
    rel = (body[:, :, :2] - _hip_center(body)[:, None]) / max(torso, 1e-3)
    image_torso = max(float(_torso_len(image_body)), 1e-3)
    hands = {"left arm": image_pose.left_hand[0], "right arm": image_pose.right_hand[0]}
    for name, (mid, end) in LIMBS.items():
        vis = float(min(image_body[mid, 3], image_body[end, 3]))
        tucked = False
        if name in hands and np.isnan(hands[name]).all():
            to_hip = min(np.linalg.norm(image_body[end, :2] - image_body[h, :2]) for h in (J["left_hip"],
                                                                                          J["right_hip"]))
            tucked = to_hip / image_torso < TUCKED_WRIST
        if (vis >= 0.5 and not tucked) or (name.endswith("leg") and not full):
            continue
        reach = float(np.nanmax(np.ptp(rel[:, end], axis=0))) if len(rel) > 1 else 0.0
        if reach < LIMB_MOTION_RANGE:
            continue
        what = (f"the character's {name} is hidden in the image (visibility {vis:.2f})" if vis < 0.5 else
                f"the character's {name.split()[0]} hand is hidden in the image (no hand found; the wrist is "
                "tucked against the hip, as in a pocket)")
        how = ("draws an arm the image does not show from the other arm, mirrored, when that one shows whole, and "
               "otherwise has to invent its look" if name.endswith("arm") else
               "moves what the image shows where that leg is (a skirt, a coat, the other leg) as the leg")
        out.append(Finding("image_limb_hidden", "warning", f"{what} but the video moves it ({reach:.1f} torso "
                           f"lengths); the puppet engine {how}, which may show artefacts.", img,
                           [round(vis, 3), round(reach, 3)], [0.5, LIMB_MOTION_RANGE],
                           f"use an image where the {name} is fully visible (e.g. "
                           + ("arms away from the body, hands out of pockets)." if name.endswith("arm") else
                              "legs apart, not under a long skirt or coat).")))
    return out


def clipping_findings(image_body: np.ndarray, sample: PoseTrack, orientation: str, image: MediaInfo,
                      video: MediaInfo) -> list[Finding]:
    """Predict which limbs leave the frame, and when.

    ``video`` orientation: the output frames the character like the video frames the actor, so a joint that
    leaves the video frame leaves the result. ``image`` orientation: the actor's motion about its hips, scaled
    to the character's torso, is laid over the character's place in the image.
    """
    idx = np.flatnonzero(sample.present)
    body = sample.body[idx]
    if orientation == "video":
        pts = body[:, :, :2]
        w, h = video.width, video.height
    else:
        scale = _torso_len(image_body) / max(np.nanmedian(_torso_len(body)), 1e-3)
        rel = body[:, :, :2] - _hip_center(body)[:, None]
        pts = _hip_center(image_body)[None, None] + rel * scale
        w, h = image.width, image.height
    margin = 0.0
    out_of_frame = (pts[..., 0] < -margin) | (pts[..., 0] > w + margin) | (pts[..., 1] < -margin) | \
                   (pts[..., 1] > h + margin)
    hits = {name: idx[out_of_frame[:, j]] for name, j in CLIP_JOINTS.items() if out_of_frame[:, j].any()}
    if not hits:
        return []
    frame_of = video.fps / sample.fps
    parts = [f"{name} (at {_frame_ranges(sample_idx, sample.fps)} s, video frames "
             f"{int(sample_idx[0] * frame_of)}-{int(sample_idx[-1] * frame_of)})" for name, sample_idx in hits.items()]
    frames = sorted({int(i * frame_of) for v in hits.values() for i in v})
    where = "the video's frame" if orientation == "video" else "the image's frame"
    return [Finding("clipping_predicted", "warning", f"the motion takes these parts out of {where}: "
                    + "; ".join(parts) + ".", None, {k: len(v) for k, v in hits.items()}, "inside the frame",
                    "leave more space around the character in the image (zoom out / pad it), or use a clip that "
                    "stays inside its frame." if orientation == "image" else
                    "use a clip where the actor stays fully inside the frame, or --orientation image with a "
                    "roomier character image.", frames=frames)]


def _framing(body: np.ndarray, w: int, h: int) -> str:
    """'full' (feet in frame), 'upper' (hips but not feet) or 'closeup' (no hips)."""
    def visible(j: int) -> bool:
        x, y, _, v = body[j]
        return v >= 0.5 and 0 <= x <= w and 0 <= y <= h

    if visible(J["left_ankle"]) or visible(J["right_ankle"]):
        return "full"
    if visible(J["left_hip"]) or visible(J["right_hip"]):
        return "upper"
    return "closeup"


def framing_findings(image_body: np.ndarray, image: MediaInfo, sample: PoseTrack, img: str,
                     vid: str) -> list[Finding]:
    order = ["closeup", "upper", "full"]
    im = _framing(image_body, image.width, image.height)
    kinds = [_framing(b, sample.width, sample.height) for b in sample.body[sample.present]]
    vd = max(set(kinds), key=kinds.count)
    gap = abs(order.index(im) - order.index(vd))
    if gap == 0:
        return []
    names = {"full": "full body", "upper": "upper body", "closeup": "a close-up"}
    out = []
    if im == "closeup":
        out.append(Finding("image_parts_absent", "warning", "the image does not contain the character's hips and "
                           "legs, which the video moves; the puppet engine does not invent them: it frames the "
                           "result closer so they stay out of view.", img, im, vd,
                           "use an image that shows the whole body for a full-body result."))
    return out + [Finding("framing_mismatch", "warning" if gap == 2 else "info", f"the image shows {names[im]} but the "
                    f"video shows {names[vd]}; parts the video moves may be missing from the image, or parts the "
                    "image shows may have no motion.", None, [im, vd], "same framing",
                    "match the framing: a close-up reference for face animation, a full-body one for dance.")]


def people_findings(sample: PoseTrack, frames: list[np.ndarray], video: MediaInfo | None, vid: str) -> list[Finding]:
    """More than one person: only the most prominent is followed."""
    from .pose.estimator import count_people, people_model

    idx = np.flatnonzero(sample.present)
    if len(idx) == 0:
        return []
    picks = idx[np.linspace(0, len(idx) - 1, min(3, len(idx))).round().astype(int)]
    scale = frames[0].shape[1] / sample.width
    counts = []
    with people_model() as model:  # one model for every look (it keeps nothing from one image to the next)
        for i in picks:
            body = sample.body[i].copy()
            body[:, :2] *= scale
            counts.append(count_people(frames[i], body, model))
    most = max(counts)
    if most < 2:
        return []
    return [Finding("video_multiple_people", "warning", f"{most} people are in the video (seen at "
                    f"{', '.join(f'{i / sample.fps:.1f}' for i, c in zip(picks, counts) if c > 1)} s); only the "
                    "most prominent one is followed.", vid, most, 1,
                    "crop the video to the person whose motion you want.")]


def foreground_share(rgb: np.ndarray) -> float:
    """Share of the image that differs from its border colour: the character's size when no model sees it.

    Works for the plain or studio backgrounds characters are usually drawn on; the largest connected region
    counts, so specks and noise do not.
    """
    import cv2

    scale = 256 / max(rgb.shape[:2])
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else rgb
    lab = _lab(cv2.GaussianBlur(small, (3, 3), 0))
    border = np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]])
    differs = (np.linalg.norm(lab - np.median(border, axis=0), axis=2) > 12).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(differs, connectivity=8)
    if count <= 1:
        return 0.0
    return float(stats[1:, cv2.CC_STAT_AREA].max()) / differs.size


def people_in_track(track: PoseTrack, video: str | Path) -> list[Finding]:
    """The "more than one person" advice for a finished track (the `pose` command): looks at 1 fps frames."""
    from .media.frames import iter_frames

    scale = min(1.0, 640 / max(track.width, track.height))
    size = (round(track.width * scale), round(track.height * scale))
    frames = list(iter_frames(video, fps=1.0, size=size, references_only=True))
    idx = np.minimum((np.arange(len(frames)) * track.fps).round().astype(int), len(track) - 1)
    sample = PoseTrack(fps=1.0, width=track.width, height=track.height, body=track.body[idx],
                       left_hand=track.left_hand[idx], right_hand=track.right_hand[idx], face=track.face[idx])
    return people_findings(sample, frames, None, str(video))


def small_character_findings(image_pose: PoseTrack, rgb: np.ndarray, img: str) -> list[Finding]:
    mask = image_pose.meta.get("segmentation")
    seg_share = float((mask > 0.5).mean()) if mask is not None else 0.0
    share = seg_share if seg_share > 0.001 else foreground_share(rgb)
    if share >= SMALL_CHARACTER or share == 0.0:
        return []
    return [Finding("character_small", "warning", f"the character covers {share:.1%} of the image (under "
                    f"{SMALL_CHARACTER:.0%}); it has too few pixels for a clean result.", img, round(share, 4),
                    SMALL_CHARACTER, "crop the image closer to the character.")]

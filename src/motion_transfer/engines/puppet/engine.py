"""The ``puppet`` engine: rig the character image, track the video's actor, retarget, deform and draw, encode.

Everything runs on the CPU, offline and deterministically (the same inputs give the same frames). Frames are
rendered and encoded one at a time, so memory does not grow with the clip's length.
"""
from __future__ import annotations

import copy
import dataclasses
import queue
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack

import cv2
import numpy as np

from ...errors import EngineError, InputError
from ...media.encoder import ThreadedEncoder
from ...media.frames import iter_frames, read_image, split_alpha
from ...media.framing import letterbox, output_size
from ...media.writer import VideoWriter
from ...pose.cache import TrackSettings, cached_analysis, cached_track, shaping_settings
from ...pose.figure import Figure
from ...pose.head_texture import VERSION as HEAD_TEXTURE_VERSION
from ...pose.head_texture import texture_head
from ...pose.offframe import unfold_cut_arms
from ...pose.retarget import Motion, camera_in_output, extend, retarget, roll_with_neck
from ...pose.track import PoseTrack, load_track
from ...preflight import Report
from ...request import TIER_SHORT_SIDE, Progress, Request, Result
from ...stages import Job, prefetch
from .background import backgrounds, is_still
from .camera import track_camera
from .character import STEPS, rig_character
from .face import FaceAnimator, face_animator, roll_correction
from .hands import HandAnimator, hand_animator
from .framing import cut_in_view, reframe
from .model import Rig
from .neck import rig_blend
from .render import Posed, Renderer
from .settings import Settings
from .twin import limb_findings, twin_joints
from .worker import DrawProcess, alone, can_fork, shared_canvases

# frames waiting for the encoder at most (each 2.6 MB at 720p, 6 MB at 1080p)
ENCODE_DEPTH = 3
# x264's preset for the puppet's videos: "superfast" spends about 30 % less CPU than "veryfast" on our renders, at a
# higher fidelity to the frames drawn (PSNR +0.6 to +2.2 dB at crf 18 on a mannequin and two TikTok clips) in a file
# about twice as large (2 MB for 10 s of 720p): encoding is a large share of a second character's CPU
ENCODER_PRESET = "superfast"
# without B-frames x264 spends about a fifth less CPU again on our renders (10 s of 720p: 3.9 -> 3.0 CPU-s on a
# loaded 2-core machine) for a file 11 % larger at 0.6 dB less PSNR (50.8 dB to the frames drawn)
ENCODER_BFRAMES = 0
# frames drawn at once, each on its own thread: drawing is numpy and OpenCV work that mostly releases the GIL, so
# on two cores two frames are drawn while the encoder thread works (the frames are the same with any number)
DRAW_THREADS = 2
# frames handed to the drawing threads ahead of the encoder, per thread: a thread that finishes a frame takes
# the next one waiting instead of idling until the thread handing out the frames gets the GIL back (it waits
# for it behind the drawing threads' numpy work, up to the interpreter's 5 ms switch interval, several times
# a frame)
DRAW_AHEAD = 2
# frames whose layers are skinned at once, ahead of drawing (per frame, numpy's call overhead was most of the cost)
POSE_BLOCK = 32
# one of the drawing threads hands its frames to a second process (:mod:`.worker`) where the platform can fork:
# drawing holds the GIL about two thirds of its time, so two threads in one process did not fill two cores
DRAW_PROCESS = True


class PuppetEngine:
    """Local CPU engine; its ``request.options`` are described by :class:`Settings`."""

    name = "puppet"

    def begin(self, request: Request, figure: Figure | None) -> Begun | None:
        """Start rigging the character and tracking the motion as soon as the preflight has found the figure
        (``transfer()`` calls this from the preflight): neither needs the preflight's answer, so both run while
        the preflight still looks at the video, and a refused run stops them. Hand the result to :meth:`run` as
        ``begun``. None (nothing started) without a figure or a rig file: the preflight is about to refuse."""
        if figure is None and request.rig is None:
            return None
        return Begun.start(request, Settings.from_request(request), figure)

    def run(self, request: Request, report: Report | None = None, progress: Progress | None = None, *,
            begun: Begun | None = None) -> Result:
        """Make ``request.output``; ``begun``: the rig and pose track already being made (:meth:`begin`), else
        they start here."""
        settings = Settings.from_request(request)
        timings: dict[str, float] = {}
        # the character is rigged on a thread of its own while the video is tracked: pose tracking leaves part of
        # a two-core machine idle (the rig's progress is reported when it is done, so the bars do not interleave)
        jobs = begun if begun is not None else Begun.start(request, settings,
                                                           report.figure if report is not None else None)
        t0 = time.perf_counter()
        try:
            track = jobs.motion.result(progress)
            # the track's seconds from here on: what it spent beside the preflight is in the preflight's, and a
            # cached track takes milliseconds
            timings["pose"] = time.perf_counter() - t0
            rig = jobs.rig.result()
        except BaseException:
            jobs.cancel()
            raise
        # the rig's seconds from here on (what it spent beside the preflight is hidden in the preflight's)
        timings["rig"] = max(0.0, jobs.rig.finished - max(jobs.rig.started, t0))
        if progress:
            progress("rig", STEPS, STEPS)
        same_skeleton_source(rig, track, request.video)
        notes = limb_findings(rig, str(request.image))
        timings["face"] = 0.0  # (in the stages' order)
        # the face's animator (its mesh model looks at the image outside the GIL) is made on a second thread
        # while the fingers' animator and the retarget are; "face" is what the run then still waits for it
        with ThreadPoolExecutor(1, thread_name_prefix="puppet-face") as pool:
            face_job = pool.submit(face_animator, rig, track, str(request.image)) if settings.face else None
            t0 = time.perf_counter()
            hands, hand_notes = None, []
            if settings.fingers:
                hands, hand_notes = hand_animator(rig, track, str(request.image))
            timings["hands"] = time.perf_counter() - t0

            t0 = time.perf_counter()
            if request.orientation == "video":
                aspect = (track.width, track.height)
            else:
                aspect = (round(rig.width / rig.scale), round(rig.height / rig.scale))
            out_w, out_h = output_size(TIER_SHORT_SIDE[request.tier], *aspect)
            camera = None
            if settings.follow_camera and is_still(request.background):
                camera = track_camera(request.video, track)
            timings["camera"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            motion = retarget(track, rig.rest_pose(), request.orientation, out_w, out_h, camera=camera)
            retargeted = time.perf_counter() - t0
            t0 = time.perf_counter()
            face, note = face_job.result() if face_job is not None else (None, None)
            timings["face"] = time.perf_counter() - t0
        notes += ([note] if note is not None else []) + hand_notes
        t0 = time.perf_counter()
        # the head's roll from the face mesh's eye line (finer than the body model's); a head seen side on in the
        # image or the video but not both takes the actor's roll as it turns from its usual (``Motion.head_side_on``):
        # the two eye lines, one of them a profile's, are no measure of each other
        if face is not None and not motion.head_side_on:
            roll = roll_correction(face.face, track, rig.joints)[:len(motion)]
            motion.head_angle[:len(roll)] += roll.astype(np.float32)
        if not motion.head_side_on:  # (side on, the neck already turns with the shoulders: retarget)
            rest = extend(rig.joints.astype(np.float64))
            chin = None if rig.chin is None else rig.chin.astype(np.float64)
            base = rig_blend(rig.matte, rest, rig.source == "template", chin)[1][0]
            motion.joints = roll_with_neck(motion.joints, motion.head_angle, rest, base)
        motion.camera = None if camera is None else camera_in_output(
            camera, letterbox(track.width, track.height, out_w, out_h))
        # parts the image does not contain (a portrait's legs) are kept out of view, not invented; a head larger
        # than the actor's (a cartoon's) is kept in view
        framed = reframe(rig, motion)
        framed.apply(motion)
        cut_note = cut_in_view(framed, str(request.image))
        notes += [cut_note] if cut_note is not None else []
        if hands is not None:  # the fingers bend on their own: the palm keeps its length
            hands.steady_palms(motion, rig.joints)
        timings["retarget"] = retargeted + time.perf_counter() - t0

        t0 = time.perf_counter()
        stats = render_video(request, rig, motion, track, out_w, out_h, progress, face=face, hands=hands,
                             motion_blur=settings.motion_blur)
        timings["render"] = time.perf_counter() - t0 - stats["encode"]
        timings["encode"] = stats["encode"]
        timings["animate"] = stats["animate"]  # of render: CPU seconds of the face's and fingers' warps
        timings = {k: round(v, 3) for k, v in timings.items()}
        n = len(motion)
        return Result(output=request.output, engine=self.name, width=out_w, height=out_h, fps=motion.fps,
                      frames=n, duration=n / motion.fps, has_audio=stats["has_audio"],
                      findings=(list(report.findings) if report is not None else []) + notes,
                      timings=timings,
                      compare=request.compare,
                      extra={"rig_source": rig.source, "pose_cache": track.meta.get("cache"),
                             "matte": rig.meta.get("matte"),
                             "skeleton": rig.meta.get("skeleton", "image"),
                             "parts": rig.meta.get("parts"), "held_frames": int(motion.held.sum()),
                             "zoom_for_absent_parts": round(framed.zoom, 3),
                             "shift_down": round(framed.shift, 1),
                             "planted_frames": [int(v) for v in motion.planted.sum(axis=0)],
                             "arms_out_of_view_frames": ([] if motion.off_frame is None else
                                                         [int(v) for v in (motion.off_frame > 0.5).sum(axis=0)]),
                             "proportions": {k: (round(v, 3) if isinstance(v, float) else v)
                                             for k, v in motion.proportions.items()},
                             "render_fps": round(n / max(timings["render"] + timings["encode"], 1e-6), 1)})


# ------------------------------------------------------------------------------------------------ stages


@dataclasses.dataclass
class Begun:
    """A run's work that needs no preflight answer, started as soon as the preflight has found the figure: the
    character's rig and the motion's pose track, each on its own thread (:class:`~motion_transfer.stages.Job`).

    A fresh thread per rig: OpenCV's random generator (GrabCut's) is per thread, so a rig made on a new thread is
    the same however the run was scheduled. The pose track needs only the video: started beside the preflight's
    look at the video, it fills the moments a core would wait (models loading, the image's pose, the rig's serial
    steps) instead of starting after them."""

    rig: Job[Rig]
    motion: Job[PoseTrack]

    @classmethod
    def start(cls, request: Request, settings: Settings, figure: Figure | None) -> "Begun":
        def stopped() -> EngineError:
            return EngineError("the run was stopped before it went ahead.")

        rig = Job(lambda progress: load_character(request, settings, figure, progress), name="puppet-rig",
                  stopped=stopped)
        motion = Job(lambda progress: load_motion(request, settings, progress), name="puppet-pose",
                     stopped=stopped)
        return cls(rig, motion)

    def cancel(self) -> None:
        """Stop both at their next step and wait for their threads (the run was refused, or failed elsewhere)."""
        self.rig.cancel()
        self.motion.cancel()


def load_character(request: Request, settings: Settings, figure: Figure | None = None,
                   progress: Progress | None = None) -> Rig:
    """The rig of ``request.image`` (its transparency is used as the matte when it has one); ``figure``: the
    preflight's figure in that image, so it is not searched again; ``progress`` sees the rig's steps."""
    rgb, alpha = split_alpha(read_image(request.image, with_alpha=True))
    return rig_character(rgb, request.rig, alpha=alpha, figure=figure, image_name=str(request.image),
                         progress=progress, mesh_spacing=settings.mesh_spacing)


def load_motion(request: Request, settings: Settings, progress: Progress | None = None) -> PoseTrack:
    """The actor's pose track, its face mesh moved to where the video's face texture is
    (:func:`~motion_transfer.pose.head_texture.texture_head`): the one given in the settings, else from the
    motion cache, else tracked from the video (std, the fast tier: ``balanced`` sampling; pro: ``accurate``) and
    kept in the cache with that move made, so a second character on the same motion skips both. It runs on its
    own thread, beside the rig."""
    if isinstance(settings.pose_track, PoseTrack):
        return texture_head(request.video, settings.pose_track)
    if settings.pose_track is not None:
        return texture_head(request.video, load_track(settings.pose_track))
    tracking = TrackSettings(preset=settings.pose_preset)
    shaping = {**shaping_settings(tracking), "analysis": "head_texture", "version": HEAD_TEXTURE_VERSION}

    def refined() -> PoseTrack:
        return texture_head(request.video, cached_track(request.video, tracking, progress,
                                                        use_cache=settings.use_cache))

    return cached_analysis(request.video, shaping, refined, "pose", progress, use_cache=settings.use_cache)


def same_skeleton_source(rig: Rig, track: PoseTrack, video, tolerance: float = 6.0) -> bool:
    """When the character image IS the reference's first frame (a still taken from the clip), take the rig's
    skeleton from the video's own track at that frame, so that the small bias between the still-image and the
    video pose measurements does not shift the character off its own pixels. Returns whether it did."""
    if len(track) == 0 or not track.present[0]:
        return False
    if abs(rig.width / rig.height - track.width / track.height) > 0.01:
        return False
    try:
        first = next(iter(iter_frames(video, size=(rig.width, rig.height))), None)
    except InputError:
        return False
    if first is None or rig.image is None:
        return False
    small = (min(256, rig.width), max(1, round(min(256, rig.width) * rig.height / rig.width)))
    a = cv2.resize(rig.image, small, interpolation=cv2.INTER_AREA).astype(np.float32)
    b = cv2.resize(first, small, interpolation=cv2.INTER_AREA).astype(np.float32)
    if float(np.abs(a - b).mean()) > tolerance:
        return False
    s = rig.width / track.width
    vis = track.body[0, :, 3].astype(np.float64)
    joints = unfold_cut_arms(track.body[0, :, :2].astype(np.float64) * s, vis, rig.width, rig.height)
    if not np.isfinite(joints).all():
        return False
    keep = twin_joints(rig.meta.get("drawn_from_twin", []))  # arms drawn from their twins hang where they are
    joints[keep], vis[keep] = rig.joints[keep], rig.visibility[keep]
    rig.joints = joints.astype(np.float32)
    rig.visibility = vis.astype(np.float32)
    rig.meta["skeleton"] = "video frame 0"
    return True


class _Painter:
    """A copy of what changes while a frame is drawn, used by one drawing thread at a time: the face and hand
    animators write into their layers' textures before each frame, so two frames drawn at once need two sets of
    textures.

    The copies share nothing that is written (``copy.deepcopy`` of the layers and the animators together keeps
    each animator pointing at its own copy's texture); the rig's big read-only arrays are shared."""

    def __init__(self, rig: Rig, face: FaceAnimator | None, hands: HandAnimator | None, out_w: int, out_h: int,
                 copy_textures: bool, exposure: float = 0.0) -> None:
        if copy_textures:
            layers, face, hands = copy.deepcopy((rig.layers, face, hands))
            rig = dataclasses.replace(rig, layers=layers)
        self.renderer = Renderer(rig, out_w, out_h, exposure=exposure)
        self.animators = [a for a in (face, hands) if a is not None]

    def draw(self, canvas: np.ndarray, background: np.ndarray | None, motion: Motion, i: int, order: list[str],
             posed: Posed | None = None) -> tuple[np.ndarray, float]:
        """Frame ``i`` drawn into ``canvas`` over ``background`` (None: the canvas holds it already; ``posed``: its
        layers' vertices, from :meth:`Renderer.pose`); and the CPU seconds this thread spent animating the face
        and fingers (CPU, not wall: with several drawing threads, wall time would count their waits for each
        other)."""
        if background is not None:
            np.copyto(canvas, background)
        t = time.thread_time()
        for anim in self.animators:
            anim.apply(i)
        animate = time.thread_time() - t
        self.renderer.render(canvas, motion.joints[i], motion.depth[i], motion.width_scale[i],
                             motion.head_angle[i], motion.visibility[i],
                             None if motion.head_scale is None else motion.head_scale[i], order=order,
                             posed_layers=posed,
                             torso_width=None if motion.torso_width is None else motion.torso_width[i])
        return canvas, animate


def render_video(request: Request, rig: Rig, motion: Motion, track: PoseTrack, out_w: int, out_h: int,
                 progress: Progress | None = None, *, face: FaceAnimator | None = None,
                 hands: HandAnimator | None = None, threads: int | None = None,
                 process: bool | None = None, motion_blur: float = 0.0) -> dict:
    """Draw every frame and encode it (and the side-by-side comparison when asked), as concurrent stages:
    background frames and the reference's frames are produced on their own threads, frames are drawn by
    ``threads`` drawing threads (default :data:`DRAW_THREADS`; each frame by whichever thread is free, with a
    set of textures of its own, :data:`DRAW_AHEAD` frames per thread handed out ahead) into a ring of reused
    canvases, and the encoder thread writes them in order; bounded queues
    join the stages, so memory stays flat however long the clip. The frames are the same whatever the number
    of threads: the layer order, the only state carried from frame to frame, is decided here in frame order,
    and the animators draw frame ``t`` from their rest copies whatever came before. Where :func:`.worker.can_fork`
    and with two threads or more, one of the painters may be a forked process (:class:`.worker.DrawProcess`)
    drawing into canvases shared with this one, outside this process's GIL; the frames are the same. ``process``
    True forks it; None (default) forks it when :data:`DRAW_PROCESS` and this process runs no other thread
    (:func:`.worker.alone`: the CLI and the Python API; the ComfyUI server and the web app run threads of their
    own, and draw on threads only); False never. An error or a cancel in any stage stops them all and no output is
    left half-written. Returns timing facts: ``encode`` is the
    encoder's time not hidden behind drawing; ``animate`` the drawing threads' CPU seconds spent warping the face
    (``face`` changes the head layer's face before each frame is drawn) and the fingers (``hands`` bends the
    arm layers' fingers). ``motion_blur``: the share of a frame's time the layers' motion is blurred over
    (:data:`.render.EXPOSURE` is a camera's; 0, the default: sharp)."""
    n = len(motion)
    if n == 0:
        raise EngineError("the motion track has no frames.")
    k = max(1, DRAW_THREADS if threads is None else int(threads))
    forked = k > 1 and can_fork() and (DRAW_PROCESS and alone() if process is None else process)
    local = k - 1 if forked else k
    painters: list = [_Painter(rig, face, hands, out_w, out_h, copy_textures=j > 0, exposure=motion_blur)
                       for j in range(local)]
    ahead = k * DRAW_AHEAD if k > 1 else 1
    # a canvas is reused once the encoder cannot hold it any more: queued, being written, waiting to be queued,
    # or being drawn (frame i is handed out only after frame i - ahead came back, see below)
    slots = ENCODE_DEPTH + ahead + 3
    if forked:  # forked before this function starts any thread (the child draws with a copy of painter 0)
        ring = shared_canvases(slots, out_h, out_w)
        painters.append(DrawProcess(painters[0], motion, ring))
    else:
        ring = [np.empty((out_h, out_w, 3), np.uint8) for _ in range(slots)]
    try:
        return _render_frames(request, rig, motion, track, out_w, out_h, progress, painters, ring, ahead)
    finally:
        for painter in painters:
            if isinstance(painter, DrawProcess):
                painter.close()


def _render_frames(request: Request, rig: Rig, motion: Motion, track: PoseTrack, out_w: int, out_h: int,
                   progress: Progress | None, painters: list, ring: list[np.ndarray], ahead: int) -> dict:
    """:func:`render_video`'s stages, each frame drawn by whichever of ``painters`` is free (one thread per
    painter), into the canvases of ``ring``, at most ``ahead`` frames handed out ahead of the encoder."""
    n = len(motion)
    k = len(painters)
    planner = painters[0].renderer
    # a frame is drawn with whichever painter is free (k painters for k threads: one always is); which one
    # draws it does not change it (see _Painter)
    free: queue.SimpleQueue[_Painter] = queue.SimpleQueue()
    for painter in painters:
        free.put(painter)

    def draw_with_a_free_painter(*args) -> tuple[np.ndarray, float]:
        painter = free.get()
        try:
            return painter.draw(*args)
        finally:
            free.put(painter)

    audio = request.video if request.keep_sound else None
    writers = [VideoWriter(request.output, motion.fps, out_w, out_h, audio_from=audio, frames=n,
                           preset=ENCODER_PRESET, bframes=ENCODER_BFRAMES)]
    ref_w = 0
    if request.compare is not None:
        ref_w = int(round(out_h * track.width / track.height / 2)) * 2
        writers.append(VideoWriter(request.compare, motion.fps, ref_w + out_w, out_h, audio_from=audio, frames=n,
                                   preset=ENCODER_PRESET, bframes=ENCODER_BFRAMES))
    encoder = ThreadedEncoder(writers, depth=ENCODE_DEPTH)
    waited = animate = 0.0
    pool = ThreadPoolExecutor(max_workers=k, thread_name_prefix="puppet-draw") if k > 1 else None
    drawing: deque[Future] = deque()
    with ExitStack() as stages:
        try:
            bgs = stages.enter_context(prefetch(
                backgrounds(request.background, rig.background, out_w, out_h, motion.fps, motion.camera),
                depth=2, name="puppet-background"))
            refs = None
            if request.compare is not None:
                refs = stages.enter_context(prefetch(
                    iter_frames(request.video, fps=motion.fps, size=(ref_w, out_h)), depth=2,
                    name="puppet-reference"))
            last_ref = np.zeros((out_h, ref_w, 3), np.uint8)
            done = 0

            def finish_one() -> None:  # the oldest frame drawn goes to the encoder, in frame order
                nonlocal done, last_ref, waited, animate
                frame, spent = drawing.popleft().result()
                animate += spent
                side = None
                if refs is not None:
                    last_ref = next(refs, last_ref)  # a reference shorter than the motion holds its last frame
                    side = np.hstack([last_ref, frame])
                t = time.perf_counter()
                encoder.put((frame, side))
                waited += time.perf_counter() - t
                done += 1
                if progress:
                    progress("render", done, n)

            posed: list[Posed] = []
            orders: list[list[str]] = []
            for i in range(n):
                if i % POSE_BLOCK == 0:  # the next frames' skinning and layer orders in one pass (a few MB at most)
                    block = slice(i, min(n, i + POSE_BLOCK))
                    posed = planner.pose_motion(motion, block)
                    orders = planner.layer_orders(motion.joints[block], motion.depth[block], motion.visibility[block])
                job = (draw_with_a_free_painter, ring[i % len(ring)], next(bgs), motion, i, orders[i % POSE_BLOCK],
                       posed[i % POSE_BLOCK])
                if pool is None:
                    future: Future = Future()
                    future.set_result(job[0](*job[1:]))
                else:
                    future = pool.submit(*job)
                drawing.append(future)
                if len(drawing) >= ahead:
                    finish_one()
            while drawing:
                finish_one()
            t = time.perf_counter()
            encoder.finish()
            for writer in writers:
                writer.close()
            waited += time.perf_counter() - t
        except BaseException:
            for future in drawing:
                future.cancel()
            if pool is not None:
                pool.shutdown(wait=True)  # a frame being drawn is finished first (milliseconds)
            try:
                encoder.finish()
            except BaseException:
                pass
            for writer in writers:
                writer.abort()
            raise
    if pool is not None:
        pool.shutdown(wait=True)
    return {"encode": waited, "encoder_busy": encoder.busy, "has_audio": writers[0].has_audio,
            "animate": animate}

"""The ``puppet`` engine: rig the character image, track the video's actor, retarget, deform and draw, encode.

Everything runs on the CPU, offline and deterministically (the same inputs give the same frames). Frames are
rendered and encoded one at a time, so memory does not grow with the clip's length.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from ...errors import EngineError, InputError
from ...request import TIER_SHORT_SIDE, Request, Result
from ...retarget import camera_in_output, cover, letterbox, output_size, retarget

Progress = Callable[[str, int, int], None]


class PuppetEngine:
    """Local CPU engine. ``request.options`` may carry ``pose_track`` (a PoseTrack or a .pose.json/.npz path) to
    skip tracking the video, ``pose_preset`` ("accurate" / "balanced"; default: balanced for std, accurate for
    pro), ``mesh_spacing`` (pixels) to change the mesh density and ``follow_camera`` (default: on in ``image``
    orientation, where the reference's camera move is reproduced on the character's whole scene; in ``video``
    orientation it makes a still background move with the reference's camera)."""

    name = "puppet"

    def run(self, request: Request, report=None, progress: Progress | None = None) -> Result:
        timings: dict[str, float] = {}
        # the character is analysed on a second thread while the video is tracked: pose tracking leaves part of
        # a two-core machine idle (its progress is reported when it is done, so the bars do not interleave)
        import threading

        box: dict = {}

        def rig_job() -> None:
            t = time.perf_counter()
            try:
                box["rig"] = load_character(request, None)
            except BaseException as exc:  # re-raised below, in the caller's thread
                box["error"] = exc
            box["time"] = time.perf_counter() - t

        worker = threading.Thread(target=rig_job, name="puppet-rig", daemon=True)
        worker.start()
        t0 = time.perf_counter()
        try:
            track = load_motion(request, progress)
        finally:
            worker.join()
        timings["pose"] = time.perf_counter() - t0
        if "error" in box:
            raise box["error"]
        rig = box["rig"]
        timings["rig"] = box["time"]
        if progress:
            progress("rig", 5, 5)
        same_skeleton_source(rig, track, request.video)
        t0 = time.perf_counter()
        face, notes = None, []
        if request.options.get("face", True):
            from .face import face_animator

            face, note = face_animator(rig, track, str(request.image))
            notes += [note] if note is not None else []
        timings["face"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        hands = None
        if request.options.get("fingers", True):
            from .hands import hand_animator

            hands, hand_notes = hand_animator(rig, track, str(request.image))
            notes += hand_notes
        timings["hands"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        if request.orientation == "video":
            aspect = (track.width, track.height)
        else:
            aspect = (round(rig.width / rig.scale), round(rig.height / rig.scale))
        out_w, out_h = output_size(TIER_SHORT_SIDE[request.tier], *aspect)
        camera = None
        follow = request.options.get("follow_camera", request.orientation == "image")
        if follow and _still_background(request):
            from .camera import track_camera

            camera = track_camera(request.video, track)
        timings["camera"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        motion = retarget(track, rig.rest_pose(), request.orientation, out_w, out_h, camera=camera)
        motion.camera = None if camera is None else camera_in_output(
            camera, letterbox(track.width, track.height, out_w, out_h))
        timings["retarget"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        stats = render_video(request, rig, motion, track, out_w, out_h, progress, face=face, hands=hands)
        timings["render"] = time.perf_counter() - t0 - stats["encode"]
        timings["encode"] = stats["encode"]
        timings["animate"] = stats["animate"]  # of render: the face's and fingers' warps
        timings = {k: round(v, 3) for k, v in timings.items()}
        n = len(motion)
        return Result(output=request.output, engine=self.name, width=out_w, height=out_h, fps=motion.fps,
                      frames=n, duration=n / motion.fps, has_audio=stats["has_audio"],
                      findings=(list(report.findings) if report is not None else []) + notes,
                      timings=timings,
                      compare=request.compare,
                      extra={"rig_source": rig.source, "matte": rig.meta.get("matte"),
                             "skeleton": rig.meta.get("skeleton", "image"),
                             "parts": rig.meta.get("parts"), "held_frames": int(motion.held.sum()),
                             "planted_frames": [int(v) for v in motion.planted.sum(axis=0)],
                             "proportions": {k: (round(v, 3) if isinstance(v, float) else v)
                                             for k, v in motion.proportions.items()},
                             "render_fps": round(n / max(timings["render"] + timings["encode"], 1e-6), 1)})


# ------------------------------------------------------------------------------------------------ stages


def load_character(request: Request, progress: Progress | None = None):
    """The rig of ``request.image`` (its transparency is used as the matte when it has one)."""
    from ...media.frames import read_image
    from .character import rig_character

    rgba = read_image(request.image, with_alpha=True)
    alpha = rgba[:, :, 3]
    a = alpha.astype(np.float32)[:, :, None] / 255.0
    rgb = (rgba[:, :, :3] * a + 255.0 * (1 - a) + 0.5).astype(np.uint8)
    has_alpha = bool((alpha < 250).mean() > 0.02)
    return rig_character(rgb, request.rig, alpha=alpha if has_alpha else None, image_name=str(request.image),
                         progress=progress, mesh_spacing=request.options.get("mesh_spacing"))


def load_motion(request: Request, progress: Progress | None = None):
    """The actor's pose track: given in ``options["pose_track"]``, else tracked from the video."""
    from ...pose.track import PoseTrack, load_track

    given = request.options.get("pose_track")
    if isinstance(given, PoseTrack):
        return given
    if given:
        return load_track(given)
    from ...pose.estimator import track_video

    # std is the fast tier: the pose model runs at up to 15 frames a second (the rest interpolated); pro on
    # every frame
    preset = request.options.get("pose_preset") or ("accurate" if request.tier == "pro" else "balanced")
    return track_video(request.video, progress=progress, preset=preset)


def same_skeleton_source(rig, track, video, tolerance: float = 6.0) -> bool:
    """When the character image IS the reference's first frame (a still taken from the clip), take the rig's
    skeleton from the video's own track at that frame, so that the small bias between the still-image and the
    video pose measurements does not shift the character off its own pixels. Returns whether it did."""
    import cv2

    from ...media.frames import iter_frames

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
    joints = track.body[0, :, :2].astype(np.float64) * s
    if not np.isfinite(joints).all():
        return False
    rig.joints = joints.astype(np.float32)
    rig.visibility = track.body[0, :, 3].astype(np.float32)
    rig.meta["skeleton"] = "video frame 0"
    return True


def parse_color(text: str) -> tuple[int, int, int] | None:
    """'#0f0', '#00ff00', 'green', '0,255,0' -> RGB, or None."""
    from PIL import ImageColor

    t = text.strip()
    if "," in t:
        try:
            vals = [int(v) for v in t.split(",")]
        except ValueError:
            return None
        return tuple(vals) if len(vals) == 3 and all(0 <= v <= 255 for v in vals) else None
    try:
        c = ImageColor.getrgb(t)
    except ValueError:
        return None
    return tuple(int(v) for v in c[:3])


def _fit(rgb: np.ndarray, out_w: int, out_h: int, how: str = "cover") -> np.ndarray:
    import cv2

    h, w = rgb.shape[:2]
    place = cover(w, h, out_w, out_h) if how == "cover" else letterbox(w, h, out_w, out_h)
    M = np.float32([[place.scale, 0, place.ox], [0, place.scale, place.oy]])
    interp = cv2.INTER_AREA if place.scale < 1 else cv2.INTER_CUBIC
    return cv2.warpAffine(rgb, M, (out_w, out_h), flags=interp, borderMode=cv2.BORDER_REPLICATE)


def _still_background(request: Request) -> bool:
    """The background is a still scene (the image's own, or an image file), so it can follow the camera."""
    bg = request.background
    if bg is None or str(bg).strip() == "":
        return True
    path = Path(str(bg))
    if not path.exists():
        return False
    from ...media.probe import probe

    return probe(path).kind == "image"


def _moving(scene: np.ndarray, out_w: int, out_h: int, camera: np.ndarray) -> Iterator[np.ndarray]:
    """A still scene seen through the reference's camera motion (``camera`` [T, 2, 3] in output pixels)."""
    import cv2

    h, w = scene.shape[:2]
    place = cover(w, h, out_w, out_h)
    C = np.array([[place.scale, 0, place.ox], [0, place.scale, place.oy], [0, 0, 1.0]])
    for M in camera:
        A = np.vstack([M, [0, 0, 1.0]]) @ C
        yield cv2.warpAffine(scene, A[:2], (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    while True:
        A = np.vstack([camera[-1], [0, 0, 1.0]]) @ C
        yield cv2.warpAffine(scene, A[:2], (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def backgrounds(request: Request, rig, out_w: int, out_h: int, fps: float,
                camera: np.ndarray | None = None) -> Iterator[np.ndarray]:
    """One background frame per output frame (HxWx3 uint8; the caller may draw on it).

    ``camera`` [T, 2, 3] (output pixels): a still background moves with the reference's camera."""
    bg = request.background
    if bg is None or str(bg).strip() == "":
        if camera is not None:
            yield from _moving(rig.background, out_w, out_h, camera)
            return
        still = _fit(rig.background, out_w, out_h)
    else:
        path = Path(str(bg))
        if path.exists():
            from ...media.probe import probe

            info = probe(path)
            if info.kind == "video":
                from ...media.frames import iter_frames

                while True:
                    n = 0
                    for frame in iter_frames(path, fps=fps):
                        n += 1
                        yield _fit(frame, out_w, out_h)
                    if n == 0:
                        raise InputError("the background video has no frames.", file=path, code="background",
                                         fix="use another video, an image or a colour.")
            from ...media.frames import read_image

            if camera is not None:
                yield from _moving(read_image(path), out_w, out_h, camera)
                return
            still = _fit(read_image(path), out_w, out_h)
        else:
            rgb = parse_color(str(bg))
            if rgb is None:
                raise InputError(f"the background {bg!r} is neither an existing file nor a colour.",
                                 code="background", measured=str(bg),
                                 fix="pass an image or video file, or a colour such as '#00ff00' or 'green'.")
            still = np.empty((out_h, out_w, 3), np.uint8)
            still[:] = rgb
    while True:
        yield still.copy()


class _Encoder:
    """Encodes frames on a background thread while the next frame is drawn (PyAV releases the GIL while x264
    works, so on two cores drawing and encoding overlap). Errors surface in the caller's thread."""

    def __init__(self, writers: list, depth: int = 3) -> None:
        import queue
        import threading

        self.writers = writers
        self.queue: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.busy = 0.0
        self.thread = threading.Thread(target=self._run, name="puppet-encoder", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is not None:
                continue
            try:
                t = time.perf_counter()
                for writer, frame in zip(self.writers, item):
                    if frame is not None:
                        writer.write(frame)
                self.busy += time.perf_counter() - t
            except BaseException as exc:  # handed to the drawing thread
                self.error = exc

    def put(self, frames: tuple) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(frames)

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def render_video(request: Request, rig, motion, track, out_w: int, out_h: int,
                 progress: Progress | None = None, *, face=None, hands=None) -> dict:
    """Draw every frame and encode it (and the side-by-side comparison when asked). Returns timing facts:
    ``encode`` is the encoder's time not hidden behind drawing (finishing the files, and waiting for it);
    ``animate`` the part of drawing spent warping the face and the fingers.
    ``face``: a ``face.FaceAnimator`` that changes the head layer's face before each frame is drawn; ``hands``:
    a ``hands.HandAnimator`` that bends the arm layers' fingers."""
    from ...media.writer import VideoWriter
    from .render import Renderer

    renderer = Renderer(rig, out_w, out_h)
    n = len(motion)
    if n == 0:
        raise EngineError("the motion track has no frames.")
    audio = request.video if request.keep_sound else None
    bgs = backgrounds(request, rig, out_w, out_h, motion.fps, getattr(motion, "camera", None))
    writers = [VideoWriter(request.output, motion.fps, out_w, out_h, audio_from=audio)]
    ref_frames = None
    if request.compare is not None:
        from ...media.frames import iter_frames

        ref_w = int(round(out_h * track.width / track.height / 2)) * 2
        writers.append(VideoWriter(request.compare, motion.fps, ref_w + out_w, out_h, audio_from=audio))
        ref_frames = iter_frames(request.video, fps=motion.fps, size=(ref_w, out_h))
    encoder = _Encoder(writers)
    waited = animate = 0.0
    try:
        last_ref = None
        for i in range(n):
            t = time.perf_counter()
            for anim in (face, hands):
                if anim is not None:
                    anim.apply(i)
            animate += time.perf_counter() - t
            frame = renderer.render(next(bgs), motion.joints[i], motion.depth[i], motion.width_scale[i],
                                    motion.head_angle[i], motion.visibility[i],
                                    None if motion.head_scale is None else motion.head_scale[i])
            side = None
            if ref_frames is not None:
                ref = next(ref_frames, None)
                last_ref = ref if ref is not None else last_ref
                if last_ref is None:
                    last_ref = np.zeros((out_h, writers[1].width - out_w, 3), np.uint8)
                side = np.hstack([last_ref, frame])
            t = time.perf_counter()
            encoder.put((frame, side))
            waited += time.perf_counter() - t
            if progress:
                progress("render", i + 1, n)
        t = time.perf_counter()
        encoder.finish()
        for writer in writers:
            writer.close()
        waited += time.perf_counter() - t
    except BaseException:
        try:
            encoder.finish()
        except BaseException:
            pass
        for writer in writers:
            writer.abort()
        raise
    return {"encode": waited, "encoder_busy": encoder.busy, "has_audio": writers[0].has_audio, "animate": animate}

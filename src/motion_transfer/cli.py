"""The ``motion-transfer`` command. Thin: parses arguments, calls the API, prints."""
from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from . import __version__, cli_json
from .cli_cache import add_no_cache, run_cache
from .cli_cache import register as register_cache
from .cli_jobs import register as register_jobs
from .cli_jobs import run_jobs
from .cli_ui import register as register_ui
from .cli_ui import run_ui
from .errors import InputError, MotionTransferError, PreflightError
from .engines.base import DEFAULT_ENGINE, engine_help, engine_names
from .engines.kling.settings import DEFAULT_MODEL, MODELS
from .finding import Finding, format_findings
from .outputs import VIDEO_SUFFIXES, check_output
from .request import ORIENTATIONS, TIERS

EPILOG = """\
examples:
  motion-transfer demo -o demo.mp4                       built-in character and dance, no files needed
  motion-transfer check me.png dance.mp4                 what will go wrong, before any work
  motion-transfer run me.png dance.mp4 -o out.mp4        the character performs the dance (720p)
  motion-transfer run me.png talk.mp4 -o out.mp4 --orientation image --tier pro
  motion-transfer pose dance.mp4 -o dance.pose.json --skeleton-video skeleton.mp4
  motion-transfer cache info                             tracked motions kept for the next run
  motion-transfer ui                                     the web app on http://127.0.0.1:7860 (extra [ui])
"""


AT_ONCE = 0.05  # (seconds) a stage that ends this soon after its bar appeared shows no rate


class BarProgress:
    """Turns ``progress(stage, done, total)`` calls into one tqdm bar per stage on stderr."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.stage: str | None = None
        self.bar = None
        # a private copy of stderr: bars keep showing while native libraries' chatter on fd 2 is muted
        self.stream = os.fdopen(os.dup(2), "w", buffering=1) if enabled else None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=f"{stage:>14}", unit="frame", leave=True, file=self.stream,
                            dynamic_ncols=True)
        if self.bar.total != total:
            self.bar.total = total
        if done >= total and self.bar.format_dict["elapsed"] < AT_ONCE:
            # a stage done at once (a pose track from the motion cache): its rate, over no time, read as
            # millions of frames a second
            self.bar.bar_format = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [at once]"
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.close()

    def say(self, text: str) -> None:
        """A message for the user during a run, on the bars' copy of stderr: fd 2 itself may be muted then (a
        pose tracker started beside the preflight mutes it while the preflight's warnings are printed)."""
        self.close()
        print(text, file=self.stream or sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar, self.stage = None, None


class UsageError(Exception):
    """argparse refused the command line; ``main`` prints it (as JSON with --json) and exits 2."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.usage = usage


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors reach ``main`` instead of exiting, so --json can report them too."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: error: {message}", self.format_usage())


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is so every writer cleans up as for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum, frame) -> None:
    raise Interrupted(signum)


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """Treat SIGTERM and SIGHUP like SIGINT while a command runs (temp files removed, conventional exit code)."""
    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    try:
        old = {n: signal.signal(getattr(signal, n), _raise_interrupted) for n in names}
    except ValueError:  # not the main thread: leave signals to whoever owns them
        yield
        return
    try:
        yield
    finally:
        for n, handler in old.items():
            signal.signal(getattr(signal, n), handler)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--orientation", choices=ORIENTATIONS, default="video",
                   help="video: the character's position, framing and facing follow the video (full-body "
                        "choreography, clips up to 30 s). image: the character keeps the image's framing and only "
                        "the motion transfers (portraits, camera moves; up to 10 s). Default: video.")
    p.add_argument("--engine", default=DEFAULT_ENGINE, choices=engine_names(), help=engine_help() + ".")
    p.add_argument("--prompt", default="", help="scene text (generative engines only; at most 2,500 characters).")
    p.add_argument("--json", action="store_true", help="print a JSON report on stdout instead of text.")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="motion-transfer",
        description="Make a character image perform the motion of a reference video, on your own machine. "
                    "Inputs are checked first: every problem is named with the file, what was measured, the "
                    "limit and the fix.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"motion-transfer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="make the character in IMAGE perform the motion in VIDEO",
                         description="Check the inputs, then render the character performing the motion. "
                                     "Errors stop before any work; warnings are printed and the run goes on.")
    run.add_argument("image", help="character image (JPG, PNG, WEBP, GIF, AVIF; at most 10 MB)")
    run.add_argument("video", help="motion reference video (MP4, MOV, WEBM, M4V, GIF; 3-30 s; at most 100 MB)")
    run.add_argument("-o", "--output", required=True, help="result video (H.264 MP4); written only when complete")
    _add_common(run)
    run.add_argument("--tier", "--mode", dest="tier", choices=TIERS, default="std",
                     help="std: 720p, faster (default). pro: 1080p.")
    run.add_argument("--no-keep-sound", dest="keep_sound", action="store_false",
                     help="do not copy the reference video's audio into the result")
    run.add_argument("--background", help="a background image or video file, or a colour (#00ff00, green); "
                                          "default: the character image's own background, character removed. "
                                          "wan-animate: 'video' puts the character into the motion video's own "
                                          "scene (with --orientation video)")
    run.add_argument("--compare", help="also write reference | result side by side to this MP4")
    run.add_argument("--rig", help="joint positions for a character that cannot be detected "
                                   "(write one with `motion-transfer rig IMAGE -o rig.json`)")
    run.add_argument("--seed", type=int, default=0,
                     help="seed for generative engines (wan-animate); the puppet engine is deterministic and "
                          "Kling's API takes no seed (default 0)")
    add_no_cache(run)
    pu = run.add_argument_group("puppet engine")
    pu.add_argument("--motion-blur", type=float, metavar="SHARE",
                    help="blur moving parts along their motion over this share of a frame's time, like a camera's "
                         "shutter: 0.5 is film's usual, 0 keeps every frame sharp (default: 0.5 with --tier pro, "
                         "0 with std; the blur costs about a tenth more time)")
    kl = run.add_argument_group("kling engine")
    kl.add_argument("--model", choices=MODELS,
                    help=f"Kling model (default: env KLING_MODEL, else {DEFAULT_MODEL})")
    kl.add_argument("--video-url", help="a public https URL of the video (otherwise it is uploaded to your "
                                        "configured S3 bucket)")
    kl.add_argument("--detach", action="store_true", help="submit, store the job and return its id at once; "
                                                          "finish later with `motion-transfer jobs resume`")
    kl.add_argument("--yes", "-y", action="store_true", help="do not ask to confirm the estimated cost")
    kl.add_argument("--api-base", help="Kling API base URL (default: the global region; env KLING_API_BASE)")
    kl.add_argument("--jobs-db", help="job store file (default: env MOTION_TRANSFER_JOBS_DB, else the user's "
                                      "data folder)")
    from .cli_wan import add_arguments as add_wan_arguments

    add_wan_arguments(run)

    chk = sub.add_parser("check", help="check IMAGE and VIDEO against the rules and predict problems",
                         description="Apply the input rules and the preflight advice. Exit status 2 when any "
                                     "error is found, 0 otherwise.")
    chk.add_argument("image")
    chk.add_argument("video")
    chk.add_argument("--rig", help="the character's rig.json, as `run --rig` would use it (then an image where no "
                                   "figure can be found is no error for the puppet engine)")
    _add_common(chk)
    add_no_cache(chk)

    pose = sub.add_parser("pose", help="track the actor in VIDEO and write the pose track",
                          description="Track body (33 joints with depth), hands (21 each) and face (468 points) "
                                      "of the main person in VIDEO; smooth it; write it as .pose.json or .npz.")
    pose.add_argument("video")
    pose.add_argument("-o", "--output", required=True, help="track file (.pose.json or .npz)")
    pose.add_argument("--skeleton-video", help="also write an OpenPose-coloured skeleton video (MP4)")
    pose.add_argument("--openpose-dir", help="also write one OpenPose JSON file per frame into this folder")
    pose.add_argument("--fps", type=float, help="resample to this frame rate first (default: the video's)")
    pose.add_argument("--no-smooth", dest="smooth", action="store_false", help="keep the raw detections")
    pose.add_argument("--allow-empty", action="store_true",
                      help="write the track even when nobody is found (default: that is an error, exit 2)")
    pose.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    add_no_cache(pose)

    demo = sub.add_parser("demo", help="run on built-in sample inputs (a drawn character and a dance)",
                          description="Generate the built-in sample character and dance clip and run the full "
                                      "job on them; nothing is downloaded.")
    demo.add_argument("-o", "--output", default="demo.mp4", help="result video (default demo.mp4)")
    demo.add_argument("--tier", choices=TIERS, default="std", help="std: 720p (default). pro: 1080p.")
    demo.add_argument("--seconds", type=float, default=6.0, help="length of the sample dance (3-30 s)")
    demo.add_argument("--keep-inputs", metavar="DIR", help="also keep the generated inputs in DIR")
    demo.add_argument("--compare", help="also write reference | result side by side to this MP4")
    demo.add_argument("--json", action="store_true", help="print a JSON report on stdout")

    rig = sub.add_parser("rig", help="write the detected (or a template) rig of a character image",
                         description="Write the joint positions the puppet engine uses for IMAGE to a small "
                                     "JSON file you can edit and pass back with `run --rig`.")
    rig.add_argument("image")
    rig.add_argument("-o", "--output", required=True, help="rig file (.json)")

    register_jobs(sub)
    register_cache(sub)
    register_ui(sub)
    from .cli_batch import register as register_batch

    register_batch(sub)
    return parser


def cmd_check(args, progress: BarProgress) -> int:
    from .api import check

    report = check(args.image, args.video, orientation=args.orientation, engine=args.engine, prompt=args.prompt,
                   rig=args.rig, progress=progress, use_cache=args.use_cache)
    progress.close()
    if args.json:
        doc = report.to_dict()
        if not report.ok:
            errors = [f for f in report.findings if f.severity == "error"]
            doc["error"] = PreflightError(errors).to_dict()
        cli_json.emit(doc)
    else:
        print(format_findings(report.findings))
    return 0 if report.ok else 2


class _Warner:
    """``on_findings`` for a run: the preflight's warnings printed where the user sees them, before the work. The
    engine adds its own notes to the result's findings (fingers kept still, a cut body showing): those are told
    apart from the ones already printed and printed after the run."""

    def __init__(self, progress: BarProgress):
        self.progress = progress
        self.shown: set[int] = set()

    def __call__(self, report) -> None:
        shown = [f for f in report.findings if f.severity != "error"]
        self.shown.update(id(f) for f in shown)
        if shown:
            self.progress.say(format_findings(shown))

    def notes(self, result) -> list[Finding]:
        """The result's findings not printed before the run."""
        return [f for f in result.findings if id(f) not in self.shown and f.severity != "error"]


def cmd_run(args, progress: BarProgress) -> int:
    from .api import transfer
    from .cli_wan import options as wan_options

    options = {k: getattr(args, k) for k in ("model", "video_url", "detach", "yes", "api_base", "jobs_db")
               if getattr(args, k, None) not in (None, False)}
    options.update(wan_options(args))
    if not args.use_cache:
        options["use_cache"] = False
    if args.motion_blur is not None:
        options["motion_blur"] = args.motion_blur
    warner = _Warner(progress)
    result = transfer(args.image, args.video, args.output, prompt=args.prompt, orientation=args.orientation,
                      tier=args.tier, keep_sound=args.keep_sound, engine=args.engine, background=args.background,
                      seed=args.seed, compare=args.compare, rig=args.rig, progress=progress,
                      on_findings=None if args.json else warner, confirm=_confirm_cost, **options)
    progress.close()
    if args.json:
        cli_json.emit(cli_json.success(result.to_dict()))
    else:
        _print_result(result, warner)
    return 0


def _confirm_cost(question: str) -> bool:
    """The kling engine's cost question: asked on a terminal; without one (scripts, pipes) the run proceeds, as
    the user chose the paid engine on the command line (``--yes`` skips the question)."""
    try:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        return True
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)  # stderr: stdout may carry --json
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def _print_result(result, warner: _Warner) -> None:
    notes = warner.notes(result)
    if notes:
        print(format_findings(notes))
    if result.extra.get("detached"):
        print(f"Submitted job {result.extra.get('job_id')}; finish it with: motion-transfer jobs resume "
              f"{result.extra.get('job_id')}")
        return
    audio = "with audio" if result.has_audio else "no audio"
    print(f"Wrote {result.output} ({result.width}x{result.height}, {result.fps:g} fps, {result.frames} frames, "
          f"{result.duration:.1f} s, {audio}).")
    if result.compare:
        print(f"Wrote {result.compare} (reference | result).")
    if result.timings:
        print("Time: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items()))


def cmd_pose(args, progress: BarProgress) -> int:
    from .pose.draw import write_skeleton_video
    from .pose.cache import TrackSettings, cached_track
    from .pose.openpose import write_openpose_dir
    from .pose.track import save_track
    from .preflight import people_in_track

    out = Path(args.output)
    if out.suffix not in (".json", ".npz"):
        raise InputError("the track file must end in .pose.json or .npz.", file=out, code="track_extension",
                         measured=out.suffix, limit=[".pose.json", ".npz"], fix="e.g. -o dance.pose.json.")
    check_output(out, inputs=[args.video], what="track file")
    if args.skeleton_video:
        check_output(args.skeleton_video, inputs=[args.video, out], what="skeleton video", suffixes=VIDEO_SUFFIXES)
    track = cached_track(args.video, TrackSettings(fps=args.fps, smooth=args.smooth), progress,
                         use_cache=args.use_cache)
    progress.close()
    if not track.present.any():
        nobody = Finding("video_no_person", "warning" if args.allow_empty else "error",
                         f"no person was found in any of the {len(track)} frames; the track is empty.",
                         str(args.video), 0, 1, "use a clip where one person is clearly visible (head to hips), "
                         "or pass --allow-empty to write the empty track anyway.")
        if not args.allow_empty:
            raise PreflightError([nobody])
        warnings = [nobody]
    else:
        warnings = people_in_track(track, args.video)
    if warnings and not args.json:
        print(format_findings(warnings), file=sys.stderr)
    save_track(track, out)
    if args.skeleton_video:
        write_skeleton_video(track, args.skeleton_video, progress=progress)
    if args.openpose_dir:
        write_openpose_dir(track, args.openpose_dir, stem=Path(args.video).stem)
    progress.close()
    summary = {"track": str(out), "frames": len(track), "fps": track.fps, "width": track.width,
               "height": track.height, "body_frames": int(track.present.sum()),
               "filled_frames": int(track.filled.sum()),
               "left_hand_frames": int((~_all_nan(track.left_hand)).sum()),
               "right_hand_frames": int((~_all_nan(track.right_hand)).sum()),
               "face_frames": int((~_all_nan(track.face)).sum()), "cache": track.meta.get("cache"),
               "skeleton_video": args.skeleton_video, "openpose_dir": args.openpose_dir}
    if args.json:
        cli_json.emit(cli_json.success(summary, warnings))
    else:
        n = summary["frames"]
        print(f"Wrote {out}: {n} frames at {track.fps:g} fps; body in {summary['body_frames']}, left hand in "
              f"{summary['left_hand_frames']}, right hand in {summary['right_hand_frames']}, face in "
              f"{summary['face_frames']} ({summary['filled_frames']} short gaps filled).")
        for key in ("skeleton_video", "openpose_dir"):
            if summary[key]:
                print(f"Wrote {summary[key]}.")
    return 0


def _all_nan(a):
    import numpy as np

    return np.isnan(a.reshape(len(a), -1)).all(axis=1)


def cmd_demo(args, progress: BarProgress) -> int:
    from .api import transfer
    from .samples import make_demo_inputs

    keep = Path(args.keep_inputs) if args.keep_inputs else None
    with tempfile.TemporaryDirectory(prefix="motion-transfer-demo-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        image, video = make_demo_inputs(folder, seconds=args.seconds, size=(720, 960))
        warner = _Warner(progress)
        result = transfer(image, video, args.output, tier=args.tier, compare=args.compare, progress=progress,
                          on_findings=None if args.json else warner)
    progress.close()
    if args.json:
        cli_json.emit(cli_json.success(result.to_dict()))
    else:
        _print_result(result, warner)
        if keep:
            print(f"Sample inputs kept in {keep}: {image.name}, {video.name}")
    return 0


def cmd_rig(args, progress: BarProgress) -> int:
    from .engines.puppet import write_rig_template
    from .media.frames import read_image
    from .media.probe import probe

    probe(args.image, expect="image")
    check_output(args.output, inputs=[args.image], what="rig file", suffixes=(".json",))
    path = write_rig_template(read_image(args.image, with_alpha=True), args.output, source=args.image)
    print(f"Wrote {path}. Edit the joint positions if needed, then: motion-transfer run {args.image} VIDEO "
          f"-o out.mp4 --rig {path}")
    return 0


COMMANDS = {"run": cmd_run, "check": cmd_check, "pose": cmd_pose, "demo": cmd_demo, "rig": cmd_rig}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 failure, 2 bad input or usage, 128+N on signal N).

    Run as the program (``argv`` None: the console script, ``python -m``), the objects left are then frozen
    out of the garbage collector (``gc.freeze``): the interpreter's exit would otherwise walk and free the
    objects of every library imported (MediaPipe's most of them) only for the process to end; a second
    character's run exits in 0.05-0.09 CPU-s instead of 0.21-0.27 (0.10-0.18 s of wall time instead of
    0.23-0.55 on a loaded two-core machine). Nothing is left unwritten by it: the outputs are closed before
    ``main`` returns and the standard streams are still flushed at exit. Called with ``argv`` (tests, a host
    program), nothing is frozen: the caller's process goes on."""
    status = _command(argv)
    if argv is None:
        gc.freeze()
    return status


def _command(argv: Sequence[str] | None) -> int:
    """:func:`main`'s work: parse ``argv`` (None: the program's own), run the command, map errors to a status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        if "--json" in argv:
            cli_json.emit(cli_json.failure(cli_json.usage_error(str(exc))))
        print(exc.usage + str(exc), file=sys.stderr)
        return 2
    if args.command is None:
        parser.print_help()
        return 1
    as_json = getattr(args, "json", False)
    progress = BarProgress(enabled=not as_json)
    try:
        with _signals_interrupt():
            if args.command == "jobs":
                return run_jobs(args)
            if args.command == "cache":
                return run_cache(args)
            if args.command == "ui":
                return run_ui(args)
            if args.command == "batch":
                from .cli_batch import run_batch_command
                return run_batch_command(args)
            return COMMANDS[args.command](args, progress)
    except PreflightError as exc:
        progress.close()
        if as_json:
            cli_json.emit(cli_json.failure(exc, exc.findings))
        else:
            print(format_findings(exc.findings), file=sys.stderr)
        return exc.exit_code
    except MotionTransferError as exc:
        progress.close()
        if as_json:
            cli_json.emit(cli_json.failure(exc))
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        progress.close()
        signum = getattr(exc, "signum", signal.SIGINT)
        name = signal.Signals(signum).name
        sentence = f"stopped by {name}; unfinished output was removed."
        if as_json:
            cli_json.emit(cli_json.failure({"type": "Interrupted", "code": "interrupted", "message": sentence,
                                            "fix": None, "file": None, "measured": name, "limit": None,
                                            "exit_code": 128 + signum, "sentence": sentence}))
        print(sentence, file=sys.stderr)
        return 128 + signum
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())

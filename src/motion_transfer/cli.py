"""The ``motion-transfer`` command. Thin: parses arguments, calls the API, prints."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Sequence

from . import __version__
from .errors import MotionTransferError, PreflightError
from .finding import Finding

EPILOG = """\
examples:
  motion-transfer demo -o demo.mp4                       built-in character and dance, no files needed
  motion-transfer check me.png dance.mp4                 what will go wrong, before any work
  motion-transfer run me.png dance.mp4 -o out.mp4        the character performs the dance (720p)
  motion-transfer run me.png talk.mp4 -o out.mp4 --orientation image --tier pro
  motion-transfer pose dance.mp4 -o dance.pose.json --skeleton-video skeleton.mp4
"""


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
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar, self.stage = None, None


def format_findings(findings: Sequence[Finding]) -> str:
    """A table a person can read: severity, code, the sentence, what was measured and the fix."""
    if not findings:
        return "No problems found."
    width = min(shutil.get_terminal_size((100, 20)).columns, 120)
    code_w = max(len(f.code) for f in findings)
    indent = " " * (9 + code_w + 2)
    lines = []
    for f in findings:
        head = f"{f.severity.upper():<8} {f.code:<{code_w}}  "
        body = textwrap.wrap(f.message if not f.file else f"{Path(f.file).name}: {f.message}",
                             width=max(40, width - len(indent)))
        lines.append(head + body[0])
        lines += [indent + b for b in body[1:]]
        if f.measured is not None or f.limit is not None:
            lines.append(f"{indent}measured: {f.measured}   limit: {f.limit}")
        if f.fix:
            lines += textwrap.wrap(f"fix: {f.fix}", width=max(40 + len(indent), width), initial_indent=indent,
                                   subsequent_indent=indent + "     ")
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    lines.append(f"\n{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s).")
    return "\n".join(lines)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--orientation", choices=["video", "image"], default="video",
                   help="video: the character's position, framing and facing follow the video (full-body "
                        "choreography, clips up to 30 s). image: the character keeps the image's framing and only "
                        "the motion transfers (portraits, camera moves; up to 10 s). Default: video.")
    p.add_argument("--engine", default="puppet",
                   help="puppet (default: local CPU, offline), kling (Kling's cloud API, needs your keys).")
    p.add_argument("--prompt", default="", help="scene text (generative engines only; at most 2,500 characters).")
    p.add_argument("--json", action="store_true", help="print a JSON report on stdout instead of text.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    run.add_argument("--tier", "--mode", dest="tier", choices=["std", "pro"], default="std",
                     help="std: 720p, faster (default). pro: 1080p.")
    run.add_argument("--no-keep-sound", dest="keep_sound", action="store_false",
                     help="do not copy the reference video's audio into the result")
    run.add_argument("--background", help="a background image or video file, or a colour (#00ff00, green); "
                                          "default: the character image's own background, character removed")
    run.add_argument("--compare", help="also write reference | result side by side to this MP4")
    run.add_argument("--rig", help="joint positions for a character that cannot be detected "
                                   "(write one with `motion-transfer rig IMAGE -o rig.json`)")
    run.add_argument("--seed", type=int, default=0, help="seed for engines with randomness (default 0)")
    kl = run.add_argument_group("kling engine")
    kl.add_argument("--model", default="kling-v2-6", choices=["kling-v2-6", "kling-v3"], help="Kling model")
    kl.add_argument("--video-url", help="a public https URL of the video (otherwise it is uploaded to your "
                                        "configured S3 bucket)")
    kl.add_argument("--detach", action="store_true", help="submit, store the job and return its id at once; "
                                                          "finish later with `motion-transfer jobs resume`")
    kl.add_argument("--yes", "-y", action="store_true", help="do not ask to confirm the estimated cost")
    kl.add_argument("--api-base", help="Kling API base URL (default: the global region; env KLING_API_BASE)")
    kl.add_argument("--jobs-db", help="job store file (default: env MOTION_TRANSFER_JOBS_DB, else the user's "
                                      "data folder)")

    chk = sub.add_parser("check", help="check IMAGE and VIDEO against the rules and predict problems",
                         description="Apply the input rules and the preflight advice. Exit status 2 when any "
                                     "error is found, 0 otherwise.")
    chk.add_argument("image")
    chk.add_argument("video")
    chk.add_argument("--rig", help="the character's rig.json, as `run --rig` would use it (then an image where no "
                                   "figure can be found is no error for the puppet engine)")
    _add_common(chk)

    pose = sub.add_parser("pose", help="track the actor in VIDEO and write the pose track",
                          description="Track body (33 joints with depth), hands (21 each) and face (468 points) "
                                      "of the main person in VIDEO; smooth it; write it as .pose.json or .npz.")
    pose.add_argument("video")
    pose.add_argument("-o", "--output", required=True, help="track file (.pose.json or .npz)")
    pose.add_argument("--skeleton-video", help="also write an OpenPose-coloured skeleton video (MP4)")
    pose.add_argument("--openpose-dir", help="also write one OpenPose JSON file per frame into this folder")
    pose.add_argument("--fps", type=float, help="resample to this frame rate first (default: the video's)")
    pose.add_argument("--no-smooth", dest="smooth", action="store_false", help="keep the raw detections")
    pose.add_argument("--json", action="store_true", help="print a JSON summary on stdout")

    demo = sub.add_parser("demo", help="run on built-in sample inputs (a drawn character and a dance)",
                          description="Generate the built-in sample character and dance clip and run the full "
                                      "job on them; nothing is downloaded.")
    demo.add_argument("-o", "--output", default="demo.mp4", help="result video (default demo.mp4)")
    demo.add_argument("--tier", choices=["std", "pro"], default="std")
    demo.add_argument("--seconds", type=float, default=6.0, help="length of the sample dance (3-30 s)")
    demo.add_argument("--keep-inputs", metavar="DIR", help="also keep the generated inputs in DIR")
    demo.add_argument("--compare", help="also write reference | result side by side to this MP4")
    demo.add_argument("--json", action="store_true", help="print a JSON report on stdout")

    rig = sub.add_parser("rig", help="write the detected (or a template) rig of a character image",
                         description="Write the joint positions the puppet engine uses for IMAGE to a small "
                                     "JSON file you can edit and pass back with `run --rig`.")
    rig.add_argument("image")
    rig.add_argument("-o", "--output", required=True, help="rig file (.json)")

    try:
        from .cli_jobs import register
    except ImportError:
        register = None
    if register is not None:
        register(sub)
    return parser


def _emit(data: dict) -> None:
    print(json.dumps(data, indent=2, default=str))


def cmd_check(args, progress: BarProgress) -> int:
    from .api import check

    report = check(args.image, args.video, orientation=args.orientation, engine=args.engine, prompt=args.prompt,
                   rig=args.rig, progress=progress)
    progress.close()
    if args.json:
        _emit(report.to_dict())
    else:
        print(format_findings(report.findings))
    return 0 if report.ok else 2


def _print_warnings(report) -> None:
    shown = [f for f in report.findings if f.severity != "error"]
    if shown:
        print(format_findings(shown), file=sys.stderr)


def cmd_run(args, progress: BarProgress) -> int:
    from .api import transfer

    options = {k: getattr(args, k) for k in ("model", "video_url", "detach", "yes", "api_base", "jobs_db")
               if getattr(args, k, None) not in (None, False)}
    result = transfer(args.image, args.video, args.output, prompt=args.prompt, orientation=args.orientation,
                      tier=args.tier, keep_sound=args.keep_sound, engine=args.engine, background=args.background,
                      seed=args.seed, compare=args.compare, rig=args.rig, progress=progress,
                      on_findings=None if args.json else _print_warnings, **options)
    progress.close()
    if args.json:
        _emit(result.to_dict())
    else:
        _print_result(result)
    return 0


def _print_result(result) -> None:
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
    from .pose.estimator import track_video
    from .pose.openpose import write_openpose_dir
    from .pose.track import save_track
    from .preflight import people_in_track

    out = Path(args.output)
    if out.suffix not in (".json", ".npz"):
        raise MotionTransferError(f"{out}: the track file must end in .pose.json or .npz.")
    track = track_video(args.video, fps=args.fps, progress=progress, smooth=args.smooth)
    progress.close()
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
               "face_frames": int((~_all_nan(track.face)).sum()),
               "skeleton_video": args.skeleton_video, "openpose_dir": args.openpose_dir,
               "findings": [f.to_dict() for f in warnings]}
    if args.json:
        _emit(summary)
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
        result = transfer(image, video, args.output, tier=args.tier, compare=args.compare, progress=progress,
                          on_findings=None if args.json else _print_warnings)
    progress.close()
    if args.json:
        _emit(result.to_dict())
    else:
        _print_result(result)
        if keep:
            print(f"Sample inputs kept in {keep}: {image.name}, {video.name}")
    return 0


def cmd_rig(args, progress: BarProgress) -> int:
    from .engines.puppet import write_rig_template
    from .media.frames import read_image
    from .media.probe import probe

    probe(args.image, expect="image")
    path = write_rig_template(read_image(args.image, with_alpha=True), args.output, source=args.image)
    print(f"Wrote {path}. Edit the joint positions if needed, then: motion-transfer run {args.image} VIDEO "
          f"-o out.mp4 --rig {path}")
    return 0


COMMANDS = {"run": cmd_run, "check": cmd_check, "pose": cmd_pose, "demo": cmd_demo, "rig": cmd_rig}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 1
    progress = BarProgress(enabled=not getattr(args, "json", False))
    try:
        if args.command == "jobs":
            from .cli_jobs import run_jobs
            return run_jobs(args)
        return COMMANDS[args.command](args, progress)
    except PreflightError as exc:
        progress.close()
        if getattr(args, "json", False):
            _emit({"ok": False, "findings": [f.to_dict() for f in exc.findings]})
        else:
            print(format_findings(exc.findings), file=sys.stderr)
        return exc.exit_code
    except MotionTransferError as exc:
        progress.close()
        if getattr(args, "json", False):
            _emit({"ok": False, "error": str(exc), "type": type(exc).__name__})
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        progress.close()
        print("interrupted; no output was written.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())

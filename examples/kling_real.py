"""Run ONE real Kling Motion Control task with your own keys (it costs credits: about $0.07 per second of video
with kling-v2-6 std). Skips with a message when KLING_ACCESS_KEY / KLING_SECRET_KEY are not set.

    export KLING_ACCESS_KEY=...  KLING_SECRET_KEY=...
    python examples/kling_real.py character.png dance.mp4 --video-url https://.../dance.mp4 -o out.mp4
    # or, instead of --video-url, configure an S3-compatible bucket (MOTION_TRANSFER_S3_BUCKET, ...)

Without arguments it uses the built-in sample inputs (a drawn character and a dance clip) and still needs a way
to give Kling the video (--video-url or a bucket). The job is stored like any other: if this script is
interrupted, `motion-transfer jobs resume` finishes it without paying again.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Run one real Kling Motion Control task (costs credits).")
    ap.add_argument("image", nargs="?", help="character image (default: the built-in sample)")
    ap.add_argument("video", nargs="?", help="motion video (default: the built-in sample dance)")
    ap.add_argument("-o", "--output", default="kling_real.mp4")
    ap.add_argument("--video-url", help="public https URL of the same video (else it is uploaded to your bucket)")
    ap.add_argument("--model", default="kling-v2-6", choices=["kling-v2-6", "kling-v3"])
    ap.add_argument("--tier", default="std", choices=["std", "pro"])
    ap.add_argument("--orientation", default="video", choices=["video", "image"])
    ap.add_argument("--prompt", default="")
    ap.add_argument("--yes", action="store_true", help="do not ask before paying")
    args = ap.parse_args(argv)

    missing = [k for k in ("KLING_ACCESS_KEY", "KLING_SECRET_KEY") if not os.environ.get(k)]
    if missing:
        print(f"skipped: {' and '.join(missing)} not set. This example runs one real (paid) Kling task; export "
              "your Kling API keys to try it. Nothing was sent.")
        return 0
    if not args.video_url and not os.environ.get("MOTION_TRANSFER_S3_BUCKET"):
        print("skipped: Kling needs the video as a URL. Pass --video-url https://... or configure a bucket "
              "(MOTION_TRANSFER_S3_BUCKET, MOTION_TRANSFER_S3_ENDPOINT, keys). Nothing was sent.")
        return 0

    from motion_transfer.engines.kling.engine import KlingEngine
    from motion_transfer.errors import MotionTransferError
    from motion_transfer.preflight import check
    from motion_transfer.request import Request

    with tempfile.TemporaryDirectory() as tmp:
        image, video = args.image, args.video
        if not (image and video):
            from motion_transfer.samples import make_demo_inputs

            image, video = make_demo_inputs(Path(tmp), seconds=5.0)
        options = {"model": args.model, "yes": args.yes}
        if args.video_url:
            options["video_url"] = args.video_url
        request = Request(image=image, video=video, output=args.output, prompt=args.prompt,
                          orientation=args.orientation, tier=args.tier, engine="kling", options=options)
        try:
            report = check(image, video, orientation=args.orientation, engine="kling", prompt=args.prompt,
                           analyse=False)
            if not report.ok:
                for f in report.errors:
                    print(f"error: {f.sentence()}", file=sys.stderr)
                return 2
            result = KlingEngine().run(request, report)
        except MotionTransferError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
    e = result.extra
    print(f"wrote {result.output}: {result.width}x{result.height}, {result.duration:.1f} s; Kling task "
          f"{e['remote_id']}, {e['cost_units']} units; queue {e['timings'].get('queue', 0):.0f} s, processing "
          f"{e['timings'].get('processing', 0):.0f} s, download {e['timings'].get('download', 0):.1f} s")
    for f in result.findings:
        print(f"{f.severity}: {f.sentence()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

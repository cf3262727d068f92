"""``motion-transfer ui``: the local web app (Gradio, the optional ``[ui]`` extra).

``register(subparsers)`` adds the subcommand; ``run_ui(args)`` serves the page until Ctrl-C and then removes the
app's temporary folder (samples, uploads, results).
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time

from .errors import DependencyError

DESCRIPTION = """\
Open a page in your browser to check and render without a terminal: the built-in samples are loaded, so the
first Render shows a result. Check shows the findings, the frames they name on a timeline, the tracked skeleton
over the video and the character's joints (move them by hand and save a rig file the render uses). Render shows
the stage and frame, can be cancelled, and puts the result beside the reference with a download.

Safe by default: the page listens on this computer only (127.0.0.1), no public link unless --share, uploads
live in a temporary folder removed when the app stops, and the input rules' size limits are enforced.
"""


def register(subparsers) -> argparse.ArgumentParser:
    ui = subparsers.add_parser("ui", help="open the local web app (needs: pip install 'motion-transfer[ui]')",
                               description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    ui.add_argument("--host", default="127.0.0.1",
                    help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0 opens it to your "
                         "network, with no login)")
    ui.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    ui.add_argument("--share", action="store_true",
                    help="also make a public *.gradio.live link through Gradio's relay (anyone with it can use "
                         "your computer's CPU and see your uploads)")
    return ui


def run_ui(args) -> int:
    """Serve until interrupted; the server is closed and the workspace removed on every way out (Ctrl-C,
    SIGTERM, an error)."""
    if importlib.util.find_spec("gradio") is None:
        raise DependencyError("the web app needs Gradio, which is not installed. Install it with: "
                              "pip install 'motion-transfer[ui]'")
    from .ui.app import is_loopback, serve
    from .ui.session import Workspace

    workspace = Workspace.create()
    try:
        if not is_loopback(args.host):
            print(f"warning: listening on {args.host}: anyone who can reach this computer can use the app "
                  "(there is no login).", file=sys.stderr)
        print("Making the built-in samples...", file=sys.stderr)
        demo = serve(args.host, args.port, share=args.share, workspace=workspace)
        try:
            print(f"Open {demo.local_url} in your browser" + (f" (public link: {demo.share_url})"
                                                              if demo.share_url else "")
                  + "; Ctrl-C stops the app.", file=sys.stderr)
            while demo.is_running:  # Ctrl-C / SIGTERM raise here; the CLI reports them like any command's
                time.sleep(0.2)
        finally:
            demo.close()
    finally:
        workspace.remove()
    return 0


__all__ = ["register", "run_ui"]

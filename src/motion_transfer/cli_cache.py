"""``motion-transfer cache``: see and clear the motion cache (``pose/cache.py``).

``register(subparsers)`` adds the subcommand to the main parser; ``run_cache(args)`` runs it and returns the exit
status.
"""
from __future__ import annotations

import argparse

from . import cli_json
from .pose.cache import CAP_ENV, SWITCH_ENV, MotionCache, cache_dir

DESCRIPTION = """\
A motion video's pose track is kept after it is tracked, keyed by the file's content and the settings that shape
the track, so a second character on the same motion (or a rerun) skips pose tracking.

  motion-transfer cache info        where the cache is, how many tracks, how large, the cap
  motion-transfer cache clear       remove every cached track

Folder: $MOTION_TRANSFER_CACHE_DIR, else {default}.
Cap: ${cap} megabytes (default 512); the least recently used tracks go first.
${switch}=off disables it for a process; run, check and pose take --no-cache for one run.
"""

NO_CACHE_HELP = "neither read nor write the motion cache (analyse and track the video again)"


def add_no_cache(parser: argparse.ArgumentParser) -> None:
    """The ``--no-cache`` flag, worded once for every command that tracks a video."""
    parser.add_argument("--no-cache", dest="use_cache", action="store_false", help=NO_CACHE_HELP)


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``cache info | clear`` to the main parser's subcommands."""
    cache = subparsers.add_parser(
        "cache", help="show or clear the motion cache (pose tracks of videos already tracked)",
        description=DESCRIPTION.format(default=cache_dir(), cap=CAP_ENV, switch=SWITCH_ENV),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = cache.add_subparsers(dest="cache_command", metavar="ACTION")
    for name, text in (("info", "where the cache is and how large it is"),
                       ("clear", "remove every cached pose track")):
        p = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        p.add_argument("--json", action="store_true", help="print JSON on stdout instead of text")
    return cache


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def run_cache(args) -> int:
    cache = MotionCache()
    if args.cache_command == "clear":
        removed = cache.clear()
        if args.json:
            cli_json.emit(cli_json.success({"removed": removed, "folder": str(cache.folder)}))
        else:
            print(f"Removed {removed} cached track(s) from {cache.folder}.")
        return 0
    if args.cache_command != "info":
        print("usage: motion-transfer cache {info,clear}")
        return 1
    info = cache.info()
    if args.json:
        cli_json.emit(cli_json.success(info.to_dict()))
    else:
        state = "on" if info.enabled else f"off (${SWITCH_ENV})"
        print(f"Motion cache: {info.folder}\n  {info.entries} track(s), {_mb(info.bytes)} of {_mb(info.cap_bytes)}"
              f"; {state}")
    return 0

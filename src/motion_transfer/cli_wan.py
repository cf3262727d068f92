"""The ``run`` command's wan-animate options (kept here so ``cli.py`` only hooks them in)."""
from __future__ import annotations

import argparse
from typing import Any

from .engines.wan_animate.settings import ENV_MODEL, EXAMPLE_HUB_ID, OFFLOAD_HELP, OFFLOADS, STEPS


def add_arguments(run: argparse.ArgumentParser) -> None:
    """Add the ``wan-animate engine`` option group to the ``run`` parser."""
    wan = run.add_argument_group("wan-animate engine (local NVIDIA GPU; pip install 'motion-transfer[wan]')")
    wan.add_argument("--model-path", metavar="FOLDER",
                     help=f"Wan2.2-Animate weights in diffusers' layout, e.g. a copy of {EXAMPLE_HUB_ID} "
                          f"(default: env {ENV_MODEL}). A hub id is accepted only with --allow-download.")
    wan.add_argument("--allow-download", action="store_true",
                     help="let a hub id given as --model-path be downloaded (tens of GB); off by default")
    wan.add_argument("--offload", choices=OFFLOADS, default=None,
                     help="GPU memory setting: auto (default: the fastest that fits), "
                          + "; ".join(f"{k}: {v}" for k, v in OFFLOAD_HELP.items()))
    wan.add_argument("--no-vae-tiling", dest="vae_tiling", action="store_false", default=None,
                     help="decode whole frames instead of tiles (more GPU memory)")
    wan.add_argument("--steps", type=int, default=None, help=f"sampling steps per segment (default {STEPS})")


def options(args: argparse.Namespace) -> dict[str, Any]:
    """The wan-animate settings the user gave, as ``transfer()`` options (unset ones are left out)."""
    given = {k: getattr(args, k, None) for k in ("model_path", "offload", "vae_tiling", "steps")}
    out = {k: v for k, v in given.items() if v is not None}
    if getattr(args, "allow_download", False):
        out["allow_download"] = True
    return out

"""The engine protocol and the registry that imports engines only when asked for."""
from __future__ import annotations

import importlib
from typing import Protocol

from ..errors import DependencyError, InputError
from ..request import Progress, Request, Result


# name -> "module:Class"; imported lazily so a missing optional dependency only affects its own engine.
REGISTRY: dict[str, str] = {
    "puppet": "motion_transfer.engines.puppet.engine:PuppetEngine",
    "kling": "motion_transfer.engines.kling.engine:KlingEngine",
    "wan-animate": "motion_transfer.engines.wan_animate.engine:WanAnimateEngine",
}
# One line per engine for --help and the ComfyUI tooltip; an engine without a line is still offered by name.
SUMMARIES: dict[str, str] = {
    "puppet": "local, offline, CPU (the default)",
    "kling": "Kling's cloud API with your own keys (KLING_ACCESS_KEY / KLING_SECRET_KEY); paid",
    "wan-animate": "Wan2.2-Animate on your NVIDIA GPU (weights: --model-path or MOTION_TRANSFER_WAN_MODEL; "
                   "pip install 'motion-transfer[wan]')",
}
DEFAULT_ENGINE = "puppet"


class Engine(Protocol):
    """An engine turns a checked request into a result video.

    An engine may also define ``ready(request)``: the quick checks of what it needs (model weights, a GPU, keys),
    which ``transfer()`` runs before the preflight so such a problem is reported before any work; and
    ``begin(request, figure)``: work that needs no preflight answer (a rig, a pose track), started from the
    preflight once the image's figure is found (returns a job with ``cancel()``, handed to ``run(..., begun=job)``,
    or None).
    """

    name: str

    def run(self, request: Request, report, progress: Progress | None = None) -> Result:
        """Produce ``request.output``; ``report`` is the preflight's (media facts, poses already measured)."""
        ...


def engine_names() -> list[str]:
    """Every engine name a user may type."""
    return list(REGISTRY)


def engine_help() -> str:
    """``name: summary`` for every engine, for --help texts and tooltips."""
    return "; ".join(f"{name}: {SUMMARIES.get(name) or 'see the README'}"
                     for name in engine_names())


def get_engine(name: str) -> Engine:
    """Instantiate engine ``name``, or say clearly why it cannot be used."""
    if name not in REGISTRY:
        raise InputError(f"unknown engine {name!r}.", code="engine", measured=name, limit=list(REGISTRY),
                         fix=f"choose one of: {', '.join(REGISTRY)}.")
    module_name, cls_name = REGISTRY[name].split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise DependencyError(f"engine '{name}' cannot be loaded: {exc}. "
                              f"Install its extras: pip install 'motion-transfer[{name}]'.") from exc
    return getattr(module, cls_name)()

"""ComfyUI node pack: Motion Transfer (a local drop-in for Kling Motion Control), Motion Preflight, Pose Track,
Retarget Pose to Character.

ComfyUI reads ``NODE_CLASS_MAPPINGS`` and ``NODE_DISPLAY_NAME_MAPPINGS`` (the repository root's ``__init__.py``
re-exports them). A node whose modules cannot be found is left out, with the reason logged and kept in
``DISABLED``; the others still load. Importing this package never imports torch or mediapipe.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging

from .nodes import NODES

log = logging.getLogger("motion_transfer.comfy")


def _missing(module: str) -> str | None:
    """Why ``module`` is unusable, or None. Our own modules are imported (cheap, and catches real breakage);
    third-party ones are only looked up, so ComfyUI's start does not pay for importing mediapipe."""
    try:
        if module.startswith("motion_transfer"):
            importlib.import_module(module)
        elif importlib.util.find_spec(module) is None:
            return (f"the Python package '{module}' is not installed (pip install -r requirements.txt in "
                    f"ComfyUI's Python)")
    except Exception as exc:  # noqa: BLE001 - a broken optional piece disables its node, never ComfyUI
        return f"{module} cannot be imported ({type(exc).__name__}: {exc})"
    return None


def build_mappings(nodes=NODES) -> tuple[dict[str, type], dict[str, str], dict[str, str]]:
    """(class mappings, display names, disabled node id -> reason) for ``nodes``; reasons are logged."""
    classes: dict[str, type] = {}
    names: dict[str, str] = {}
    disabled: dict[str, str] = {}
    for node_id, cls, display, needs in nodes:
        reason = next((r for r in map(_missing, needs) if r), None)
        if reason:
            disabled[node_id] = reason
            log.warning("motion-transfer: node '%s' is disabled: %s.", display, reason)
            continue
        classes[node_id] = cls
        names[node_id] = display
    return classes, names, disabled


NODE_CLASS_MAPPINGS, NODE_DISPLAY_NAME_MAPPINGS, DISABLED = build_mappings()

__all__ = ["DISABLED", "NODE_CLASS_MAPPINGS", "NODE_DISPLAY_NAME_MAPPINGS"]

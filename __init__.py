"""ComfyUI entry point: this folder cloned into ``ComfyUI/custom_nodes/`` is the node pack.

ComfyUI imports this file by path (not as part of a package), so it puts the repository's ``src/`` on
``sys.path`` and re-exports the mappings of ``motion_transfer.comfy``. It must never crash ComfyUI: if the
package cannot be imported, the reason is logged and no node is offered.
"""
import logging
import os
import sys

NODE_CLASS_MAPPINGS = {}
NODE_DISPLAY_NAME_MAPPINGS = {}

_SRC = os.path.join(os.path.dirname(os.path.realpath(__file__)), "src")
if os.path.isdir(_SRC) and _SRC not in sys.path:
    sys.path.insert(0, _SRC)

try:
    from motion_transfer.comfy import NODE_CLASS_MAPPINGS, NODE_DISPLAY_NAME_MAPPINGS
except Exception as _exc:  # noqa: BLE001 - anything here would otherwise stop ComfyUI's start
    logging.getLogger("motion_transfer.comfy").error(
        "motion-transfer: the node pack is disabled: %s: %s. Install its requirements into ComfyUI's Python: "
        "pip install -r %s", type(_exc).__name__, _exc,
        os.path.join(os.path.dirname(os.path.realpath(__file__)), "requirements.txt"))

__all__ = ["NODE_CLASS_MAPPINGS", "NODE_DISPLAY_NAME_MAPPINGS"]

"""The ``puppet`` engine: the character image as a rigged 2D puppet, driven by the video's motion, on the CPU.

Public pieces: :class:`PuppetEngine` (the engine), :func:`rig_character` (analyse an image into a :class:`Rig`),
:func:`write_rig_template` (the rig.json a user can edit for characters the pose model cannot read),
:class:`Renderer` (draw a posed rig).
"""
from .character import rig_character
from .engine import PuppetEngine
from .model import Rig
from .render import Renderer
from .rig import load_rig_json, save_rig_json, write_rig_template
from .settings import Settings

__all__ = [
           "PuppetEngine",
           "Renderer",
           "Rig",
           "Settings",
           "load_rig_json",
           "rig_character",
           "save_rig_json",
           "write_rig_template",
]

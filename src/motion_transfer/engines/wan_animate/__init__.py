"""The ``wan-animate`` engine: Wan2.2-Animate through diffusers on a local GPU (optional extra ``[wan]``).

Modules, one job each: ``settings`` (defaults and their checks), ``weights`` (the local model folder, checked
without loading), ``gpu`` (packages, device, memory per offload setting, loading), ``plan`` (the product's
parameters -> the model's mode, sizes and rate), ``segments`` (the long-clip layout), ``conditioning`` (pose,
face, background and mask frames from our own analysis), ``sampler`` (the pipeline's sampling, segment by
segment), ``engine`` (the order of work). Only ``gpu``, ``sampler`` and ``engine`` import torch/diffusers, and only
inside functions, so importing this package needs neither.
"""
from .engine import WanAnimateEngine

__all__ = ["WanAnimateEngine"]

"""The ``kling`` engine: Kling's Motion Control cloud API, with durable jobs (see ``engine.py``).

Modules: ``auth`` (keys, JWT), ``client`` (HTTP, error mapping, retries), ``inputs`` (Kling's input rules and
conversions), ``upload`` (S3-compatible upload + presigned URL), ``settings`` (models, prices, options),
``engine`` (``KlingEngine``).
Imports are lazy so ``motion_transfer.jobs`` can use ``auth.redact`` without loading the engine.
"""
from __future__ import annotations

__all__ = ["KlingEngine", "estimate_cost", "PRICES_USD_PER_S", "MODELS"]


def __getattr__(name: str):
    if name == "KlingEngine":
        from .engine import KlingEngine

        return KlingEngine
    if name in __all__:
        from . import settings

        return getattr(settings, name)
    raise AttributeError(name)

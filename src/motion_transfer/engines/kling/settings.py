"""Kling's models and prices, and the engine's settings (from options and the environment).

A data module: the CLI and the ComfyUI nodes import the model list and the price table from here without loading
the engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from ...errors import InputError
from ...jobs import default_db_path
from .client import RetryPolicy

# The models Kling's Motion Control accepts, cheapest first; the CLI, the ComfyUI node and the engine all read
# this list (ComfyUI's own Kling node shows kling-v3 first; ``NODE_MODELS`` keeps that order for saved workflows).
MODELS = ("kling-v2-6", "kling-v3")
DEFAULT_MODEL = "kling-v2-6"
NODE_MODELS = ("kling-v3", "kling-v2-6")
# USD per second of output (the prices ComfyUI's Kling node shows; Kling bills in units, see final_unit_deduction).
PRICES_USD_PER_S: dict[tuple[str, str], float] = {
    ("kling-v2-6", "std"): 0.07, ("kling-v2-6", "pro"): 0.112,
    ("kling-v3", "std"): 0.126, ("kling-v3", "pro"): 0.168,
}
DEFAULT_CONCURRENCY = 3


def estimate_cost(model: str, tier: str, seconds: float) -> float:
    """Estimated USD for ``seconds`` of output (the motion video's length) at the model/tier price."""
    return round(PRICES_USD_PER_S[(model, tier)] * max(0.0, seconds), 4)


@dataclass
class PollSchedule:
    """Seconds between polls: ``first`` after the submit, then ``every`` growing by ``growth`` up to ``max``."""

    first: float = 3.0
    every: float = 5.0
    max: float = 20.0
    growth: float = 1.3

    def delays(self):
        yield self.first
        d = self.every
        while True:
            yield min(d, self.max)
            d *= self.growth

    @classmethod
    def parse(cls, value: Any) -> "PollSchedule":
        if value is None or value == "":
            return cls()
        if isinstance(value, PollSchedule):
            return value
        parts = [float(p) for p in (value.split(",") if isinstance(value, str) else value)]
        first, every, cap = (parts + [None, None])[:3]
        return cls(first=first, every=every if every is not None else first,
                   max=cap if cap is not None else max(first, every or first))


@dataclass
class Settings:
    model: str = DEFAULT_MODEL
    video_url: str | None = None
    api_base: str | None = None
    detach: bool = False
    yes: bool = False
    jobs_db: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    poll: PollSchedule = field(default_factory=PollSchedule)
    timeout: float = 6 * 3600.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None, env: Mapping[str, str]) -> "Settings":
        o = dict(options or {})
        model = o.get("model") or env.get("KLING_MODEL") or DEFAULT_MODEL
        if model not in MODELS:
            raise InputError(f"the Kling model must be one of {', '.join(MODELS)}, not {model!r}.", code="model",
                             measured=model, limit=list(MODELS),
                             fix="use --model kling-v2-6 (cheaper) or --model kling-v3.")
        try:
            raw = o.get("concurrency")
            if raw is None:
                raw = env.get("MOTION_TRANSFER_KLING_CONCURRENCY") or DEFAULT_CONCURRENCY
            concurrency = int(raw)
        except (TypeError, ValueError):
            raise InputError("concurrency must be a whole number.", code="concurrency",
                             measured=o.get("concurrency"), fix="e.g. --concurrency 3.") from None
        if concurrency < 1:
            raise InputError("concurrency must be at least 1.", code="concurrency", measured=concurrency, limit=1,
                             fix="e.g. --concurrency 3 (Kling's usual per-account limit).")
        retry = o.get("retry") if isinstance(o.get("retry"), RetryPolicy) else RetryPolicy()
        scale = env.get("MOTION_TRANSFER_KLING_RETRY_SCALE")
        if scale:  # tests and the bench shrink every backoff without touching code
            f = float(scale)
            retry = replace(retry, rate_base_s=retry.rate_base_s * f, rate_max_s=retry.rate_max_s * f,
                            server_base_s=retry.server_base_s * f, server_max_s=retry.server_max_s * f,
                            retry_after_max_s=retry.retry_after_max_s * f)
        return cls(model=model, video_url=o.get("video_url") or None, api_base=o.get("api_base") or None,
                   detach=bool(o.get("detach")), yes=bool(o.get("yes")),
                   jobs_db=str(o.get("jobs_db") or default_db_path(env)),
                   concurrency=concurrency,
                   poll=PollSchedule.parse(o.get("poll") or env.get("MOTION_TRANSFER_KLING_POLL")),
                   timeout=float(o.get("timeout") or env.get("MOTION_TRANSFER_KLING_TIMEOUT") or 6 * 3600.0),
                   retry=retry)

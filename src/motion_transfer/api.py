"""The Python API: ``transfer()`` runs a job end to end, ``check()`` only looks. The CLI and nodes call these."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from .errors import InputError, PreflightError
from .outputs import VIDEO_SUFFIXES, check_output, estimated_video_bytes
from .preflight import Report
from .preflight import check as _preflight
from .request import ORIENTATIONS, TIERS, Progress, Request, Result


def _validate_choices(orientation: str, tier: str) -> None:
    if orientation not in ORIENTATIONS:
        raise InputError(f"orientation must be one of {', '.join(ORIENTATIONS)}, not {orientation!r}.",
                         code="orientation", measured=orientation, limit=list(ORIENTATIONS),
                         fix="use 'video' for full-body choreography or 'image' for portraits and camera moves.")
    if tier not in TIERS:
        raise InputError(f"tier (mode) must be one of {', '.join(TIERS)}, not {tier!r}.", code="tier",
                         measured=tier, limit=list(TIERS), fix="use 'std' (720p, faster) or 'pro' (1080p).")


def _check_outputs(request: Request, seconds: float = 0.0) -> None:
    """Refuse, before any work, an output that is an input, a folder, unwritable or (given ``seconds``) too
    large for its disk; the comparison video is an output too and must differ from the result."""
    inputs = [request.image, request.video, request.rig]
    if request.background and Path(request.background).expanduser().is_file():
        inputs.append(Path(request.background))
    need = estimated_video_bytes(seconds, request.tier)
    check_output(request.output, inputs=inputs, suffixes=VIDEO_SUFFIXES, needs_bytes=need)
    if request.compare is not None:
        check_output(request.compare, inputs=inputs + [request.output], what="comparison video",
                     suffixes=VIDEO_SUFFIXES, needs_bytes=need)


def check(image: str | Path, video: str | Path, *, orientation: str = "video", engine: str = "puppet",
          prompt: str = "", rig: str | Path | None = None, progress: Progress | None = None,
          use_cache: bool = True) -> Report:
    """Apply the input rules and the preflight advice; nothing is rendered or uploaded. ``rig``: the rig.json
    the run would use (the puppet engine needs one when no figure can be found in the image). ``use_cache``: the
    video's analysis may come from the motion cache."""
    _validate_choices(orientation, "std")
    return _preflight(image, video, orientation=orientation, engine=engine, prompt=prompt, rig=rig,
                      progress=progress, use_cache=use_cache)


def transfer(image: str | Path, video: str | Path, output: str | Path, *, prompt: str = "",
             orientation: str = "video", tier: str = "std", keep_sound: bool = True, engine: str = "puppet",
             background: str | None = None, seed: int = 0, compare: str | Path | None = None,
             rig: str | Path | None = None, progress: Progress | None = None,
             on_findings: Callable[[Report], None] | None = None, **options: Any) -> Result:
    """Make ``output``: the character of ``image`` performing the motion of ``video``.

    Rules and preflight run first; any error-level finding raises :class:`PreflightError` before work starts,
    and warnings travel in ``Result.findings`` (``on_findings`` sees them before the engine runs).
    Engine-specific settings (``model``, ``video_url``, ``detach``, ``yes`` ... for kling) go in ``options``.
    An engine with a ``begin(request, figure)`` method starts the work that needs no preflight answer (the
    puppet's rig and pose track) from the preflight, as soon as the image's figure is found, and gets what
    ``begin`` returned (unless None) in ``run(..., begun=...)``; a run refused after that calls its ``cancel()``.
    """
    from .engines.base import get_engine

    _validate_choices(orientation, tier)
    request = Request(image=image, video=video, output=output, prompt=prompt, orientation=orientation,
                      tier=tier, keep_sound=keep_sound, engine=engine, background=background, seed=seed,
                      compare=compare, rig=rig, options=dict(options))
    engine_impl = get_engine(engine)
    _check_outputs(request)
    if hasattr(engine_impl, "ready"):  # weights, GPU, keys: reported before any work
        engine_impl.ready(request)
    t0 = time.perf_counter()
    # an engine's work that needs no preflight answer (the puppet's rig and pose track) starts once the preflight
    # has found the figure, beside the preflight's look at the video; a refused run stops it
    begun: list = []

    def on_figure(figure) -> None:
        job = engine_impl.begin(request, figure)
        if job is not None:
            begun.append(job)

    try:
        report = _preflight(request.image, request.video, orientation=orientation, engine=engine, prompt=prompt,
                            rig=rig, progress=progress, use_cache=bool(options.get("use_cache", True)),
                            on_figure=on_figure if hasattr(engine_impl, "begin") else None)
        if not report.ok:
            raise PreflightError(report.findings)
        _check_outputs(request, seconds=report.video_info.duration)
        if on_findings:
            on_findings(report)
    except BaseException:
        for job in begun:
            job.cancel()
        raise
    checked = time.perf_counter() - t0
    result = engine_impl.run(request, report, progress, **({"begun": begun[0]} if begun else {}))
    result.findings = list(report.findings) + [f for f in result.findings if f not in report.findings]
    result.timings = {"preflight": round(checked, 3), **result.timings}
    return result

"""The ``kling`` engine: Kling's Motion Control API behind the same ``Request`` -> ``Result`` as the local engines.

One run, top to bottom:

1. keys (``KLING_ACCESS_KEY`` / ``KLING_SECRET_KEY`` or the config file), the job store, the request hash;
   an identical request whose job is still alive is *resumed*, never paid for twice;
2. inputs checked against Kling's limits and converted where possible (``inputs.py``), before any credit is spent;
3. the video URL: ``--video-url`` or an upload to the user's S3-compatible bucket (``upload.py``);
4. the estimated cost (seconds x the model/tier price), and the caller's confirmation (``confirm``) unless ``yes``;
5. the job row, state ``submitting`` with our ``external_task_id``, COMMITTED; then the submit. A lost answer is
   resolved by looking the task up by that id, never by submitting blindly again;
6. ``--detach`` returns here with the job id; otherwise poll (gently: soon, then every few seconds, capped), and
   download the result at once to a temp file renamed into place (Kling deletes results after 30 days).

Options (``request.options``): ``model`` ("kling-v2-6" | "kling-v3"), ``video_url``, ``api_base``, ``detach``,
``yes``, ``jobs_db``, ``concurrency`` (tasks in flight at once per process, default 3, Kling's usual package
limit), ``poll`` ("first,every,max" seconds), ``timeout`` (seconds of polling before giving the job back to
``jobs resume``), ``retry`` (a ``RetryPolicy``), ``confirm`` (a ``question -> bool`` asked before paying).

The parts: ``settings`` (models, prices, options), ``slots`` (tasks in flight), ``lifecycle`` (submit, poll,
download over the job store); this module only strings them together.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping

from ...errors import EngineError, MotionTransferError, RemoteTaskFailed
from ...jobs import ALIVE, DOWNLOADING, FAILED, SUCCEEDED, Job, JobStore
from ...request import Progress, Request, Result
from .auth import Credentials, TokenSource, load_credentials, redact, strip_query
from .client import KlingClient, resolve_api_base
from .inputs import prepare, sha256_file
from .lifecycle import CLAIM_LEASE_S, ENGINE, Lifecycle
from .settings import DEFAULT_CONCURRENCY, PRICES_USD_PER_S, Settings, estimate_cost
from .slots import acquire, release, slot_for
from .upload import load_s3_config, missing_video_url_error, upload_video


def request_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class KlingEngine:
    """The engine. Everything that touches time, terminals or output is injectable (tests never wait).

    ``env``: where keys and settings are read (default ``os.environ``). ``sleep``/``clock``: waiting and wall
    time (token expiry, poll deadline). ``say``: one line for the user (default: stderr). ``confirm``: asks before
    paying (default: a y/N question on a terminal, skipped otherwise or with ``yes``).
    """

    name = ENGINE

    def __init__(self, *, env: Mapping[str, str] | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time, say: Callable[[str], None] | None = None,
                 confirm: Callable[[str], bool] | None = None, rng: Callable[[], float] = random.random) -> None:
        self.env = os.environ if env is None else env
        self._sleep = sleep
        self._clock = clock
        self._say = say
        self._confirm = confirm
        self._rng = rng
        self._life = Lifecycle(env=self.env, say=self.say, sleep=sleep, clock=clock)
        self.last_client: KlingClient | None = None  # the bench reads its stats

    # ------------------------------------------------------------------ small helpers
    def say(self, text: str) -> None:
        if self._say is not None:
            self._say(text)
        else:
            print(f"[kling] {text}", file=sys.stderr, flush=True)

    def _ask(self, question: str, settings: Settings, options: Mapping[str, Any]) -> bool:
        """Ask before paying: ``yes`` skips, else the constructor's ``confirm``, else ``options["confirm"]`` (the
        CLI's terminal question); with neither, the caller chose the paid engine and the run proceeds."""
        if settings.yes:
            return True
        confirm = self._confirm or options.get("confirm")
        return True if confirm is None else bool(confirm(question))

    def _client(self, creds: Credentials, api_base: str, settings: Settings, extra_secrets=()) -> KlingClient:
        tokens = TokenSource(creds, clock=self._clock)
        client = KlingClient(api_base, tokens, retry=settings.retry, sleep=self._sleep, rng=self._rng,
                             on_wait=self._on_wait, extra_secrets=tuple(extra_secrets))
        self.last_client = client
        return client

    def _on_wait(self, reason: str, seconds: float) -> None:
        if seconds >= 1.0:
            self.say(f"{reason}; waiting {seconds:.1f} s before trying again.")

    # ------------------------------------------------------------------ run
    def run(self, request: Request, report=None, progress: Progress | None = None) -> Result:
        """Submit ``request`` to Kling (or resume its identical alive job), wait, download, return the Result."""
        settings = Settings.from_options(request.options, self.env)
        creds = load_credentials(self.env)
        api_base = resolve_api_base(settings.api_base, self.env)
        s3 = None if settings.video_url else load_s3_config(self.env)
        secrets = creds.secrets + (s3.secrets if s3 else ())
        store = JobStore(settings.jobs_db, secrets=secrets)
        try:
            output = Path(request.output).expanduser().resolve()
            image, video = Path(request.image).resolve(), Path(request.video).resolve()
            image_sha, video_sha = sha256_file(image), sha256_file(video)
            fields = {"engine": self.name, "api_base": api_base, "model": settings.model, "tier": request.tier,
                      "orientation": request.orientation, "keep_sound": bool(request.keep_sound),
                      "prompt": request.prompt or "", "image_sha256": image_sha, "video_sha256": video_sha,
                      "video_url": strip_query(settings.video_url) if settings.video_url else None,
                      "output": str(output)}
            rhash = request_hash(fields)
            alive = store.find_alive(rhash, self.name)
            if alive is not None:
                self.say(f"an identical request is already job {alive.id} ({alive.state}, Kling task "
                         f"{alive.remote_id or 'not confirmed yet'}); resuming it instead of paying again.")
                return self._resume_job(store, alive, creds, settings, progress, explicit_base=settings.api_base)

            if settings.video_url is None and s3 is None:
                raise missing_video_url_error(self.env)
            infos = {}
            if report is not None:
                infos = {"image_info": getattr(report, "image_info", None),
                         "video_info": getattr(report, "video_info", None)}
            with tempfile.TemporaryDirectory(prefix="mt-kling-") as tmp:
                if progress:
                    progress("kling: checking inputs", 0, 1)
                prepared = prepare(image, video, orientation=request.orientation, prompt=request.prompt or "",
                                   workdir=Path(tmp), keep_sound=request.keep_sound,
                                   need_video_file=settings.video_url is None, **infos)
                if progress:
                    progress("kling: checking inputs", 1, 1)
                for note in prepared.notes:
                    self.say(note.sentence())
                seconds = prepared.video_info.duration
                cost = estimate_cost(settings.model, request.tier, seconds)
                price = PRICES_USD_PER_S[(settings.model, request.tier)]
                self.say(f"estimated cost: {seconds:.1f} s x ${price:.3f}/s = ${cost:.2f} ({settings.model}, "
                         f"{request.tier}); Kling bills in units, the exact deduction is recorded when the task ends.")
                if not self._ask(f"Submit to Kling for about ${cost:.2f}?", settings, request.options):
                    raise EngineError("not submitted: you declined the estimated cost. Nothing was paid. "
                                      "Fix: run again and answer 'y', or pass --yes.")
                req_json: dict[str, Any] = {
                    **fields, "image": str(image), "video": str(video), "seconds": round(seconds, 3),
                    "cost_estimate_usd": cost, "image_format": prepared.image_format,
                    "video_converted": prepared.video_converted,
                }
                if settings.video_url:
                    video_url = settings.video_url
                    req_json["video_url"] = redact(settings.video_url)
                    req_json["video_source"] = "option"
                else:
                    if progress:
                        progress("kling: uploading video", 0, 1)
                    uploaded = upload_video(prepared.video_path, s3, sha256=video_sha,
                                            expires_s=s3.url_expiry_s)
                    if progress:
                        progress("kling: uploading video", 1, 1)
                    video_url = uploaded.url
                    req_json["video_source"] = "s3"
                    req_json["s3"] = {"bucket": uploaded.bucket, "key": uploaded.key,
                                      "endpoint_url": s3.endpoint_url, "region": s3.region,
                                      "url_expires_at": uploaded.expires_at}
                    self.say(f"video {'already in' if uploaded.reused else 'uploaded to'} s3://{uploaded.bucket}/"
                             f"{uploaded.key}; its link stays valid {s3.url_expiry_s / 3600:.0f} h.")
                image_b64 = prepared.image_b64
            job, created = store.create_unless_alive(self.name, rhash, req_json, output=str(output))
            if not created:  # an identical command made its job while we were checking inputs
                self.say(f"an identical request became job {job.id} meanwhile; resuming it instead of paying again.")
                return self._resume_job(store, job, creds, settings, progress, explicit_base=settings.api_base)
            # the row (state 'submitting', our external_task_id) is COMMITTED before the submit leaves
            store.add_message(job.id, f"estimated cost ${cost:.2f} for {seconds:.1f} s ({settings.model}, "
                                      f"{request.tier})")
            owner = uuid.uuid4().hex
            store.claim(job.id, owner, CLAIM_LEASE_S)  # an identical command started meanwhile waits for us
            client = self._client(creds, api_base, settings, secrets)
            slot = slot_for(api_base, settings.concurrency)
            acquire(slot)
            try:
                job = self._life.submit(store, job, client, self._life.body(job, image_b64, video_url), progress)
                if settings.detach:
                    self.say(f"submitted as job {job.id} (Kling task {job.remote_id}); finish it later with: "
                             f"motion-transfer jobs resume {job.id}")
                    return self._life.detached_result(job, request, prepared.notes)
                result = self._life.finish(store, job, client, settings, progress, slot=slot, owner=owner)
            finally:
                release(slot)
                store.release(job.id, owner)
            result.findings = list(prepared.notes) + list(result.findings)
            return result
        finally:
            store.close()

    # ------------------------------------------------------------------ resume (jobs resume, identical re-runs)
    def resume(self, ref: str | int, *, options: Mapping[str, Any] | None = None,
               progress: Progress | None = None) -> Result:
        """Finish the job ``ref`` (local id, Kling task id or external id): find, poll, download."""
        settings = Settings.from_options(options, self.env)
        creds = load_credentials(self.env)
        store = JobStore(settings.jobs_db, secrets=creds.secrets)
        try:
            job = store.find(ref)
            return self._resume_job(store, job, creds, settings, progress,
                                    explicit_base=(options or {}).get("api_base"))
        finally:
            store.close()

    def resume_all(self, *, options: Mapping[str, Any] | None = None,
                   progress: Progress | None = None) -> list[tuple[Job, Result | BaseException]]:
        """Finish every alive job, ``concurrency`` at a time; one failure does not stop the others."""
        settings = Settings.from_options(options, self.env)
        store = JobStore(settings.jobs_db)
        try:
            jobs = [j for j in store.list(ALIVE) if j.engine == self.name]
        finally:
            store.close()

        def one(job: Job):
            try:
                return job, self.resume(job.id, options=options, progress=progress)
            except MotionTransferError as exc:
                return job, exc

        with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
            return list(pool.map(one, sorted(jobs, key=lambda j: j.id)))

    def _resume_job(self, store: JobStore, job: Job, creds: Credentials, settings: Settings,
                    progress: Progress | None, *, explicit_base: str | None = None) -> Result:
        if job.engine != self.name:
            raise EngineError(f"job {job.id} belongs to the '{job.engine}' engine, not kling.")
        api_base = resolve_api_base(explicit_base, self.env) if explicit_base else (
            job.request.get("api_base") or resolve_api_base(None, self.env))
        client = self._client(creds, api_base, settings)
        if job.state == SUCCEEDED:
            if job.result_path and Path(job.result_path).is_file():
                self.say(f"job {job.id} is already finished: {job.result_path}")
                return self._life.result_from_file(store.get(job.id), [])
            self.say(f"job {job.id} finished but its file {job.result_path} is missing; downloading it again.")
            store.update(job.id, state=DOWNLOADING)
            job = store.get(job.id)
        elif job.state == FAILED:
            last = job.messages[-1]["text"] if job.messages else "no reason recorded"
            raise RemoteTaskFailed(f"job {job.id} has failed and cannot be resumed: {last}")
        slot = slot_for(api_base, settings.concurrency)
        acquire(slot)
        try:
            return self._life.finish(store, job, client, settings, progress, slot=slot)
        finally:
            release(slot)


def run_batch(requests: list[Request], *, concurrency: int = DEFAULT_CONCURRENCY, engine: KlingEngine | None = None,
              progress: Progress | None = None) -> list[Result | BaseException]:
    """Run many requests with at most ``concurrency`` Kling tasks in flight; results (or errors) in order."""
    engine = engine or KlingEngine()

    def one(r: Request):
        try:
            return engine.run(replace(r, options={**r.options, "concurrency": concurrency}), None, progress)
        except MotionTransferError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, requests))

"""The ``kling`` engine: Kling's Motion Control API behind the same ``Request`` -> ``Result`` as the local engines.

One run, top to bottom:

1. keys (``KLING_ACCESS_KEY`` / ``KLING_SECRET_KEY`` or the config file), the job store, the request hash;
   an identical request whose job is still alive is *resumed*, never paid for twice;
2. inputs checked against Kling's limits and converted where possible (``inputs.py``), before any credit is spent;
3. the video URL: ``--video-url`` or an upload to the user's S3-compatible bucket (``upload.py``);
4. the estimated cost (seconds x the model/tier price), and on a terminal a confirmation unless ``--yes``;
5. the job row, state ``submitting`` with our ``external_task_id``, COMMITTED; then the submit. A lost answer is
   resolved by looking the task up by that id, never by submitting blindly again;
6. ``--detach`` returns here with the job id; otherwise poll (gently: soon, then every few seconds, capped), and
   download the result at once to a temp file renamed into place (Kling deletes results after 30 days).

Options (``request.options``): ``model`` ("kling-v2-6" | "kling-v3"), ``video_url``, ``api_base``, ``detach``,
``yes``, ``jobs_db``, ``concurrency`` (tasks in flight at once per process, default 3, Kling's usual package
limit), ``poll`` ("first,every,max" seconds), ``timeout`` (seconds of polling before giving the job back to
``jobs resume``), ``retry`` (a ``RetryPolicy``).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Mapping

from ...errors import (
    ConfigError,
    EngineError,
    InputError,
    MotionTransferError,
    RemoteAccountError,
    RemoteAuthError,
    RemoteError,
    RemoteParameterError,
    RemotePolicyError,
    RemoteTaskFailed,
)
from ...finding import Finding
from ...jobs import ALIVE, DOWNLOADING, FAILED, PROCESSING, SUBMITTED, SUBMITTING, SUCCEEDED, Job, JobStore
from ...request import TIER_SHORT_SIDE, Progress, Request, Result
from .auth import Credentials, TokenSource, load_credentials, redact, strip_query
from .client import KlingClient, RateLimited, SubmitUncertain, resolve_api_base
from .settings import DEFAULT_CONCURRENCY, PRICES_USD_PER_S, Settings, estimate_cost

CLAIM_LEASE_S = 300.0
POLICY_WORDS = ("policy", "violat", "sensitive", "risk", "inappropriate", "moderat", "infring", "prohibit",
                "nsfw", "unsafe", "审核", "违规")

_SLOTS: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _slot(api_base: str, limit: int) -> threading.BoundedSemaphore:
    """One semaphore per API base and limit: at most ``limit`` tasks of this process in flight at Kling."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault((api_base, limit), threading.BoundedSemaphore(limit))


def request_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class KlingEngine:
    """The engine. Everything that touches time, terminals or output is injectable (tests never wait).

    ``env``: where keys and settings are read (default ``os.environ``). ``sleep``/``clock``: waiting and wall
    time (token expiry, poll deadline). ``say``: one line for the user (default: stderr). ``confirm``: asks before
    paying (default: a y/N question on a terminal, skipped otherwise or with ``yes``).
    """

    name = "kling"

    def __init__(self, *, env: Mapping[str, str] | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time, say: Callable[[str], None] | None = None,
                 confirm: Callable[[str], bool] | None = None, rng: Callable[[], float] = random.random) -> None:
        self.env = os.environ if env is None else env
        self._sleep = sleep
        self._clock = clock
        self._say = say
        self._confirm = confirm
        self._rng = rng
        self.last_client: KlingClient | None = None  # the bench reads its stats

    # ------------------------------------------------------------------ small helpers
    def say(self, text: str) -> None:
        if self._say is not None:
            self._say(text)
        else:
            print(f"[kling] {text}", file=sys.stderr, flush=True)

    def _ask(self, question: str, settings: Settings) -> bool:
        if settings.yes:
            return True
        if self._confirm is not None:
            return self._confirm(question)
        try:
            interactive = sys.stdin is not None and sys.stdin.isatty()
        except (AttributeError, ValueError):
            interactive = False
        if not interactive:
            return True
        answer = input(f"{question} [y/N] ").strip().lower()
        return answer in ("y", "yes")

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
        from .inputs import prepare, sha256_file
        from .upload import load_s3_config, missing_video_url_error, upload_video

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
                if not self._ask(f"Submit to Kling for about ${cost:.2f}?", settings):
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
            slot = _slot(api_base, settings.concurrency)
            _acquire(slot)
            try:
                job = self._submit(store, job, client, self._body(job, image_b64, video_url), progress)
                if settings.detach:
                    self.say(f"submitted as job {job.id} (Kling task {job.remote_id}); finish it later with: "
                             f"motion-transfer jobs resume {job.id}")
                    return self._detached_result(job, request, prepared.notes)
                result = self._finish(store, job, client, settings, progress, slot=slot, owner=owner)
            finally:
                _release(slot)
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
                return self._result_from_file(store.get(job.id), [])
            self.say(f"job {job.id} finished but its file {job.result_path} is missing; downloading it again.")
            store.update(job.id, state=DOWNLOADING)
            job = store.get(job.id)
        elif job.state == FAILED:
            last = job.messages[-1]["text"] if job.messages else "no reason recorded"
            raise RemoteTaskFailed(f"job {job.id} has failed and cannot be resumed: {last}")
        slot = _slot(api_base, settings.concurrency)
        _acquire(slot)
        try:
            return self._finish(store, job, client, settings, progress, slot=slot)
        finally:
            _release(slot)

    # ------------------------------------------------------------------ submit
    @staticmethod
    def _body(job: Job, image_b64: str, video_url: str) -> dict[str, Any]:
        r = job.request
        body = {"model_name": r["model"], "image_url": image_b64, "video_url": video_url,
                "character_orientation": r["orientation"], "mode": r["tier"],
                "keep_original_sound": "yes" if r.get("keep_sound", True) else "no",
                "external_task_id": job.external_task_id}
        if r.get("prompt"):
            body["prompt"] = r["prompt"]
        return body

    def _submit(self, store: JobStore, job: Job, client: KlingClient, body: dict, progress: Progress | None,
                attempts: int = 4) -> Job:
        """Create the task exactly once: a lost answer is resolved by a lookup, never by a blind resubmit."""
        ext = job.external_task_id
        if progress:
            progress("kling: submitting", 0, 1)
        data: dict | None = None
        for attempt in range(attempts):
            try:
                data = client.create_task(body)
                if progress:
                    progress("kling: submitting", 1, 1)
                break
            except SubmitUncertain as exc:
                store.add_message(job.id, f"submit answer lost ({exc}); looking the task up by {ext}", kind="warn")
                self.say(f"the answer to the submit was lost; asking Kling whether task {ext} exists "
                         "(it is never submitted twice).")
                data = self._lookup(store, job, client)
                if data is not None:
                    store.add_message(job.id, f"found task {data.get('task_id')} by external id {ext}")
                    break
                store.add_message(job.id, f"Kling has no task {ext}: the submit never arrived; sending it again")
            except RemoteParameterError as exc:
                if "external_task_id" in str(exc):  # a try of ours (or of a twin process) did arrive after all
                    data = self._lookup(store, job, client)
                    if data is not None:
                        break
                self._fail(store, job, exc)
                raise
            except (RemoteAuthError, RemoteAccountError, RemotePolicyError) as exc:
                self._fail(store, job, exc)
                raise
            except RateLimited as exc:
                store.add_message(job.id, str(exc), kind="error")
                raise RateLimited(f"{exc} Job {job.id} was not submitted and stays in the store.",
                                  code=exc.remote_code, http_status=exc.http_status) from None
            except RemoteError as exc:
                store.add_message(job.id, str(exc), kind="error")
                raise
        if data is None:
            raise RemoteError(f"job {job.id}: the submit could not be confirmed after {attempts} tries; it stays "
                              f"in the store as 'submitting'. Fix: run 'motion-transfer jobs resume {job.id}' "
                              "later: it asks Kling for the task before submitting anything.")
        task_id = str(data.get("task_id") or "")
        status = str(data.get("task_status") or "submitted")
        store.add_message(job.id, f"Kling task {task_id}: {status}")
        now = self._clock()
        return store.update(job.id, remote_id=task_id or None, remote_status=status,
                            state=PROCESSING if status == "processing" else SUBMITTED,
                            extra={"submitted_at": now, "kling_created_at": data.get("created_at")})

    def _lookup(self, store: JobStore, job: Job, client: KlingClient) -> dict | None:
        try:
            return client.find_task(job.external_task_id)
        except RemoteError as exc:
            store.add_message(job.id, f"lookup by external id failed: {exc}", kind="error")
            raise RemoteError(f"job {job.id}: the submit's answer was lost and Kling cannot be asked about it now "
                              f"({exc}). Nothing is submitted again until that is known. Fix: run 'motion-transfer "
                              f"jobs resume {job.id}' later.") from None

    def _fail(self, store: JobStore, job: Job, exc: BaseException) -> None:
        store.add_message(job.id, str(exc), kind="error")
        store.update(job.id, state=FAILED)

    def _rebuild_and_submit(self, store: JobStore, job: Job, client: KlingClient, settings: Settings,
                            progress: Progress | None) -> Job:
        """A job left in ``submitting`` (crash, lost answer): look it up; submit only if Kling never got it."""
        data = self._lookup(store, job, client)
        if data is not None:
            store.add_message(job.id, f"found task {data.get('task_id')} by external id {job.external_task_id}")
            status = str(data.get("task_status") or "submitted")
            return store.update(job.id, remote_id=str(data.get("task_id") or "") or None, remote_status=status,
                                state=PROCESSING if status == "processing" else SUBMITTED,
                                extra={"submitted_at": job.extra.get("submitted_at") or self._clock()})
        from .inputs import image_payload, sha256_file
        from .upload import load_s3_config, presign
        from ...media.probe import probe

        r = job.request
        image = Path(r["image"])
        if not image.is_file() or sha256_file(image) != r["image_sha256"]:
            self._fail(store, job, EngineError("never submitted, and the image changed or is gone"))
            raise InputError(f"job {job.id} never reached Kling, and its image is gone or has changed since, so it "
                             "cannot be submitted as it was.", file=image, code="image_changed",
                             fix="run the original command again.")
        data_bytes, _, _ = image_payload(image, probe(image, expect="image"))
        import base64

        if r.get("video_source") == "s3":
            s3 = load_s3_config(self.env)
            if s3 is None:
                raise ConfigError(f"job {job.id} never reached Kling and must be submitted now, which needs a fresh "
                                  "link to its uploaded video; no bucket is configured. Fix: set "
                                  "MOTION_TRANSFER_S3_BUCKET (and endpoint/keys) as when the job was made.")
            store.add_secrets(s3.secrets)
            client.extra_secrets = tuple(client.extra_secrets) + s3.secrets
            video_url, _ = presign(s3, r["s3"]["key"])
        else:
            video_url = settings.video_url or r.get("video_url")
            if not video_url or "<hidden" in video_url:
                raise ConfigError(f"job {job.id} never reached Kling and must be submitted now, but its video URL "
                                  "was not stored (it carried credentials). Fix: run 'motion-transfer jobs resume "
                                  f"{job.id}' with the same --video-url.")
        self.say(f"job {job.id} never reached Kling; submitting it now (as {job.external_task_id}).")
        body = self._body(job, base64.b64encode(data_bytes).decode("ascii"), video_url)
        return self._submit(store, job, client, body, progress)

    # ------------------------------------------------------------------ poll + download
    def _finish(self, store: JobStore, job: Job, client: KlingClient, settings: Settings,
                progress: Progress | None, *, slot=None, owner: str | None = None) -> Result:
        """Poll and download ``job`` while holding its claim (``owner`` when the caller already holds it)."""
        if owner is None:
            owner = uuid.uuid4().hex
            if not store.claim(job.id, owner, CLAIM_LEASE_S):
                return self._wait_for_other(store, job, client, settings, progress, owner, slot)
        try:
            job = store.get(job.id)
            if job.state == SUCCEEDED and job.result_path and Path(job.result_path).is_file():
                return self._result_from_file(job, [])
            if job.state == SUBMITTING:
                job = self._rebuild_and_submit(store, job, client, settings, progress)
            data = self._poll(store, job, client, settings, progress, owner)
            _release(slot)  # the task no longer counts against Kling's concurrency limit
            return self._download(store, store.get(job.id), client, data, progress, owner)
        finally:
            store.release(job.id, owner)

    def _wait_for_other(self, store: JobStore, job: Job, client: KlingClient, settings: Settings,
                        progress: Progress | None, owner: str, slot) -> Result:
        self.say(f"job {job.id} is being finished by {store.claim_holder(job.id) or 'another process'}; waiting "
                 "for it instead of downloading the same file twice.")
        delays = settings.poll.delays()
        deadline = self._clock() + settings.timeout
        while True:
            self._sleep(next(delays))
            current = store.get(job.id)
            if current.state == SUCCEEDED and current.result_path and Path(current.result_path).is_file():
                return self._result_from_file(current, [])
            if current.state == FAILED:
                last = current.messages[-1]["text"] if current.messages else "failed"
                raise RemoteTaskFailed(f"job {job.id} failed (finished by the other process): {last}")
            if store.claim(job.id, owner, CLAIM_LEASE_S):  # the other one stopped or died: take over
                store.release(job.id, owner)
                return self._finish(store, current, client, settings, progress, slot=slot)
            if self._clock() > deadline:
                raise EngineError(f"job {job.id} is still held by another process after {settings.timeout:.0f} s. "
                                  f"Fix: run 'motion-transfer jobs resume {job.id}' later.")

    def _poll(self, store: JobStore, job: Job, client: KlingClient, settings: Settings,
              progress: Progress | None, owner: str) -> dict:
        ref = job.remote_id or job.external_task_id
        delays = settings.poll.delays()
        deadline = self._clock() + settings.timeout
        last_status = job.remote_status
        polls = 0
        shown_stage: str | None = None
        t_submit = job.extra.get("submitted_at") or self._clock()
        if job.state == SUBMITTED:  # no task finishes in its first seconds: the first poll comes a little later
            pause = settings.poll.first - (self._clock() - t_submit)
            if pause > 0:
                self._sleep(pause)
            next(delays)
        while True:
            data = client.get_task(ref)
            polls += 1
            status = str(data.get("task_status") or "")
            now = self._clock()
            store.claim(job.id, owner, CLAIM_LEASE_S)  # renew the lease while we work
            if status != last_status:
                store.add_message(job.id, f"Kling task {data.get('task_id') or ref}: {status}"
                                  + (f" ({data.get('task_status_msg')})" if data.get("task_status_msg") else ""))
                fields: dict[str, Any] = {"remote_status": status}
                if status == "processing":
                    fields["state"] = PROCESSING
                    fields["extra"] = {"processing_at": now}
                if data.get("task_id") and not job.remote_id:
                    fields["remote_id"] = str(data["task_id"])
                job = store.update(job.id, **fields)
                last_status = status
            if status in ("succeed", "failed") and progress and shown_stage:
                progress(shown_stage, 1, 1)
            if status == "succeed":
                store.update(job.id, extra={"succeeded_at": now, "polls": polls}, timings=_phase_times(job.extra, now, t_submit))
                return data
            if status == "failed":
                msg = str(data.get("task_status_msg") or "no reason given")
                policy = any(w in msg.lower() for w in POLICY_WORDS)
                text = (f"Kling's task {data.get('task_id') or ref} failed: \"{msg}\"."
                        + (" This is a content-policy refusal: change the image, the video or the prompt; the same "
                           "inputs will be refused again." if policy else
                           " Fix: check the inputs against Kling's guide (one clearly visible person, head to torso, "
                           "no cuts) and try again."))
                cost = _float(data.get("final_unit_deduction"))
                store.add_message(job.id, text, kind="error")
                store.update(job.id, state=FAILED, cost_units=cost)
                raise (RemotePolicyError if policy else RemoteTaskFailed)(text)
            if progress:  # one bar per phase: opened when the phase is first seen, closed when it ends
                stage = "kling: queued" if status == "submitted" else "kling: processing"
                if stage != shown_stage:
                    if shown_stage:
                        progress(shown_stage, 1, 1)
                    progress(stage, 0, 1)
                    shown_stage = stage
            if now > deadline:
                raise EngineError(f"job {job.id} is still '{status}' at Kling after {settings.timeout / 60:.0f} "
                                  f"minutes of polling; it stays in the store. Fix: run 'motion-transfer jobs "
                                  f"resume {job.id}' later to finish it.")
            self._sleep(next(delays))

    def _download(self, store: JobStore, job: Job, client: KlingClient, data: dict, progress: Progress | None,
                  owner: str) -> Result:
        videos = (data.get("task_result") or {}).get("videos") or []
        if not videos or not videos[0].get("url"):
            text = f"Kling reports task {job.remote_id} as succeeded but gives no video URL."
            store.add_message(job.id, text, kind="error")
            raise RemoteError(text + f" Fix: run 'motion-transfer jobs resume {job.id}' later.")
        video = videos[0]
        cost = _float(data.get("final_unit_deduction"))
        store.update(job.id, state=DOWNLOADING, cost_units=cost,
                     extra={"kling_video": {"id": video.get("id"), "duration": _float(video.get("duration")),
                                            "url": strip_query(str(video["url"]))}})
        output = Path(job.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        part = output.parent / f".{output.name}.job{job.id}.part"
        t0 = time.perf_counter()
        if progress:
            progress("kling: downloading", 0, 1)
        renewed = [time.monotonic()]

        def on_bytes(done: int, total: int) -> None:
            if progress:
                progress("kling: downloading", done, total)
            if time.monotonic() - renewed[0] > 30:  # keep the claim during a long download
                renewed[0] = time.monotonic()
                store.claim(job.id, owner, CLAIM_LEASE_S)

        try:
            client.download(str(video["url"]), part, progress=on_bytes)
        except RemoteError as exc:
            store.add_message(job.id, str(exc), kind="error")
            part.unlink(missing_ok=True)
            raise
        store.claim(job.id, owner, CLAIM_LEASE_S)
        os.replace(part, output)
        download_s = time.perf_counter() - t0
        store.update(job.id, state=SUCCEEDED, result_path=str(output), timings={"download": round(download_s, 3)})
        store.add_message(job.id, f"downloaded to {output}" + (f"; Kling deducted {cost:g} units" if cost is not None
                                                               else ""))
        return self._result_from_file(store.get(job.id), [])

    # ------------------------------------------------------------------ results
    def _result_from_file(self, job: Job, notes: list[Finding]) -> Result:
        from ...media.probe import probe

        path = Path(job.result_path)
        try:
            info = probe(path, expect="video")
        except InputError as exc:
            raise RemoteError(f"the video Kling returned for job {job.id} cannot be read ({exc}). Fix: run "
                              f"'motion-transfer jobs resume {job.id}' to download it again.") from None
        r = job.request
        findings = list(notes)
        short = min(info.width, info.height)
        want = TIER_SHORT_SIDE.get(r.get("tier", "std"), 720)
        if short < want:
            findings.append(Finding("kling_output_size", "warning", f"Kling returned {info.width}x{info.height}, "
                                    f"below the {r.get('tier')} tier's {want}p; the result is kept as Kling "
                                    "delivered it.", str(path), short, want))
        seconds = float(r.get("seconds") or 0.0)
        if seconds and info.duration < seconds - 0.5:
            findings.append(Finding("kling_output_shorter", "warning", f"Kling's result lasts {info.duration:.1f} s, "
                                    f"shorter than the {seconds:.1f} s motion video (Kling does not refund the "
                                    "difference).", str(path), round(info.duration, 3), seconds))
        timings = {k: round(float(v), 3) for k, v in job.timings.items() if k in ("queue", "processing", "download")}
        kv = dict(job.extra.get("kling_video") or {})
        kv.update({"width": info.width, "height": info.height, "duration_measured": round(info.duration, 3),
                   "fps": round(info.fps, 3), "bytes": info.bytes, "has_audio": info.has_audio})
        extra = {"job_id": job.id, "remote_id": job.remote_id, "external_task_id": job.external_task_id,
                 "cost_units": job.cost_units, "cost_estimate_usd": r.get("cost_estimate_usd"),
                 "model": r.get("model"), "tier": r.get("tier"), "state": job.state, "timings": timings,
                 "kling_video": kv, "detached": False}
        return Result(output=path, engine=self.name, width=info.width, height=info.height, fps=info.fps,
                      frames=info.frame_count, duration=info.duration, has_audio=info.has_audio,
                      findings=findings, timings=dict(timings), extra=extra)

    def _detached_result(self, job: Job, request: Request, notes: list[Finding]) -> Result:
        r = job.request
        return Result(output=Path(job.output or request.output), engine=self.name, width=0, height=0, fps=0.0,
                      frames=0, duration=0.0, has_audio=False, findings=list(notes),
                      extra={"job_id": job.id, "remote_id": job.remote_id, "external_task_id": job.external_task_id,
                             "state": job.state, "detached": True, "cost_units": None,
                             "cost_estimate_usd": r.get("cost_estimate_usd"), "model": r.get("model"),
                             "tier": r.get("tier"), "timings": {},
                             "resume": f"motion-transfer jobs resume {job.id}"})


def _phase_times(extra: Mapping[str, Any], now: float, t_submit: float) -> dict[str, float]:
    """Queue = submit -> first 'processing' seen; processing = that -> 'succeed' seen."""
    t_proc = extra.get("processing_at")
    if t_proc is None:
        return {"queue": round(now - t_submit, 3), "processing": 0.0}
    return {"queue": round(max(0.0, t_proc - t_submit), 3), "processing": round(max(0.0, now - t_proc), 3)}


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _release(slot) -> None:
    """Release a concurrency slot once (``_finish`` frees it early, after the task ends at Kling)."""
    if slot is None:
        return
    held = getattr(_local, "held", None)
    if held is None:
        _local.held = held = {}
    key = id(slot)
    if held.get(key, 0) > 0:
        held[key] -= 1
        slot.release()


_local = threading.local()


def _acquire(slot) -> None:
    slot.acquire()
    held = getattr(_local, "held", None)
    if held is None:
        _local.held = held = {}
    held[id(slot)] = held.get(id(slot), 0) + 1


def run_batch(requests: list[Request], *, concurrency: int = DEFAULT_CONCURRENCY, engine: KlingEngine | None = None,
              progress: Progress | None = None) -> list[Result | BaseException]:
    """Run many requests with at most ``concurrency`` Kling tasks in flight; results (or errors) in order."""
    engine = engine or KlingEngine()
    for r in requests:
        r.options = {**r.options, "concurrency": concurrency}

    def one(r: Request):
        try:
            return engine.run(r, None, progress)
        except MotionTransferError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, requests))

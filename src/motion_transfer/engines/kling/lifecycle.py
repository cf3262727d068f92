"""The life of one Kling job over the job store: submit exactly once, poll, download, and the Result.

Every step records itself in the store before it acts, so a crash at any point leaves a job that
``jobs resume`` finishes without paying twice. ``Lifecycle`` holds only what touches the world (the
environment for S3 settings, the user's message line, sleeping and the clock); the store and the client
are handed to each step.
"""
from __future__ import annotations

import base64
import os
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Mapping

from ...errors import (
    ConfigError,
    EngineError,
    InputError,
    JobTakenOver,
    RateLimited,
    RemoteAccountError,
    RemoteAuthError,
    RemoteError,
    RemoteParameterError,
    RemotePolicyError,
    RemoteTaskFailed,
    SubmitUncertain,
)
from ...finding import Finding
from ...jobs import DOWNLOADING, FAILED, PROCESSING, SUBMITTED, SUBMITTING, SUCCEEDED, Job, JobStore
from ...media.probe import probe
from ...outputs import output_error
from ...request import TIER_SHORT_SIDE, Progress, Request, Result
from .auth import strip_query
from .client import KlingClient
from .inputs import image_payload, sha256_file
from .settings import Settings
from .slots import release
from .upload import load_s3_config, presign

ENGINE = "kling"  # the engine name stored with every job and Result
CLAIM_LEASE_S = 300.0
POLICY_WORDS = ("policy", "violat", "sensitive", "risk", "inappropriate", "moderat", "infring", "prohibit",
                "nsfw", "unsafe", "审核", "违规")
# Kling's task_status -> our job state; the one place the two vocabularies meet.
STATUS_STATES = {"submitted": SUBMITTED, "processing": PROCESSING, "succeed": DOWNLOADING, "failed": FAILED}


def state_for(status: str) -> str:
    """The job state for Kling's ``task_status`` (an unknown status counts as still queued)."""
    return STATUS_STATES.get(status, SUBMITTED)


class Lifecycle:
    """Submit, poll and download one job. ``say`` writes one line for the user; ``sleep``/``clock`` are
    injectable so tests never wait."""

    def __init__(self, *, env: Mapping[str, str], say: Callable[[str], None], sleep: Callable[[float], None],
                 clock: Callable[[], float]) -> None:
        self.env = env
        self.say = say
        self.sleep = sleep
        self.clock = clock

    @staticmethod
    def body(job: Job, image_b64: str, video_url: str) -> dict[str, Any]:
        r = job.request
        body = {"model_name": r["model"], "image_url": image_b64, "video_url": video_url,
                "character_orientation": r["orientation"], "mode": r["tier"],
                "keep_original_sound": "yes" if r.get("keep_sound", True) else "no",
                "external_task_id": job.external_task_id}
        if r.get("prompt"):
            body["prompt"] = r["prompt"]
        return body

    def submit(self, store: JobStore, job: Job, client: KlingClient, body: dict, progress: Progress | None,
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
                data = self.lookup(store, job, client)
                if data is not None:
                    store.add_message(job.id, f"found task {data.get('task_id')} by external id {ext}")
                    break
                store.add_message(job.id, f"Kling has no task {ext}: the submit never arrived; sending it again")
            except RemoteParameterError as exc:
                if "external_task_id" in str(exc):  # a try of ours (or of a twin process) did arrive after all
                    data = self.lookup(store, job, client)
                    if data is not None:
                        break
                self.fail(store, job, exc)
                raise
            except (RemoteAuthError, RemoteAccountError, RemotePolicyError) as exc:
                self.fail(store, job, exc)
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
        now = self.clock()
        return store.update(job.id, remote_id=task_id or None, remote_status=status,
                            state=state_for(status),
                            extra={"submitted_at": now, "kling_created_at": data.get("created_at")})

    def lookup(self, store: JobStore, job: Job, client: KlingClient) -> dict | None:
        try:
            return client.find_task(job.external_task_id)
        except RemoteError as exc:
            store.add_message(job.id, f"lookup by external id failed: {exc}", kind="error")
            raise RemoteError(f"job {job.id}: the submit's answer was lost and Kling cannot be asked about it now "
                              f"({exc}). Nothing is submitted again until that is known. Fix: run 'motion-transfer "
                              f"jobs resume {job.id}' later.") from None

    def fail(self, store: JobStore, job: Job, exc: BaseException) -> None:
        store.add_message(job.id, str(exc), kind="error")
        store.update(job.id, state=FAILED)

    def rebuild_and_submit(self, store: JobStore, job: Job, client: KlingClient, settings: Settings,
                            progress: Progress | None) -> Job:
        """A job left in ``submitting`` (crash, lost answer): look it up; submit only if Kling never got it."""
        data = self.lookup(store, job, client)
        if data is not None:
            store.add_message(job.id, f"found task {data.get('task_id')} by external id {job.external_task_id}")
            status = str(data.get("task_status") or "submitted")
            return store.update(job.id, remote_id=str(data.get("task_id") or "") or None, remote_status=status,
                                state=state_for(status),
                                extra={"submitted_at": job.extra.get("submitted_at") or self.clock()})

        r = job.request
        image = Path(r["image"])
        if not image.is_file() or sha256_file(image) != r["image_sha256"]:
            self.fail(store, job, EngineError("never submitted, and the image changed or is gone"))
            raise InputError(f"job {job.id} never reached Kling, and its image is gone or has changed since, so it "
                             "cannot be submitted as it was.", file=image, code="image_changed",
                             fix="run the original command again.")
        data_bytes, _, _ = image_payload(image, probe(image, expect="image"))

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
        body = self.body(job, base64.b64encode(data_bytes).decode("ascii"), video_url)
        return self.submit(store, job, client, body, progress)

    # ------------------------------------------------------------------ poll + download
    def finish(self, store: JobStore, job: Job, client: KlingClient, settings: Settings,
                progress: Progress | None, *, slot=None, owner: str | None = None) -> Result:
        """Poll and download ``job`` while holding its claim (``owner`` when the caller already holds it)."""
        if owner is None:
            owner = uuid.uuid4().hex
            if not store.claim(job.id, owner, CLAIM_LEASE_S):
                return self.wait_for_other(store, job, client, settings, progress, owner, slot)
        try:
            job = store.get(job.id)
            if job.state == SUCCEEDED and job.result_path and Path(job.result_path).is_file():
                return self.result_from_file(job, [])
            if job.state == SUBMITTING:
                job = self.rebuild_and_submit(store, job, client, settings, progress)
            data = self.poll(store, job, client, settings, progress, owner)
            release(slot)  # the task no longer counts against Kling's concurrency limit
            return self.download(store, store.get(job.id), client, data, progress, owner)
        except JobTakenOver:
            self.say(f"job {job.id} was taken over by {store.claim_holder(job.id) or 'another process'} while this "
                     "one was paused; waiting for it instead of downloading the same file twice.")
            return self.wait_for_other(store, job, client, settings, progress, uuid.uuid4().hex, slot, told=True)
        finally:
            store.release(job.id, owner)

    def wait_for_other(self, store: JobStore, job: Job, client: KlingClient, settings: Settings,
                        progress: Progress | None, owner: str, slot, told: bool = False) -> Result:
        if not told:
            self.say(f"job {job.id} is being finished by {store.claim_holder(job.id) or 'another process'}; "
                     "waiting for it instead of downloading the same file twice.")
        delays = settings.poll.delays()
        deadline = self.clock() + settings.timeout
        while True:
            self.sleep(next(delays))
            current = store.get(job.id)
            if current.state == SUCCEEDED and current.result_path and Path(current.result_path).is_file():
                return self.result_from_file(current, [])
            if current.state == FAILED:
                last = current.messages[-1]["text"] if current.messages else "failed"
                raise RemoteTaskFailed(f"job {job.id} failed (finished by the other process): {last}")
            if store.claim(job.id, owner, CLAIM_LEASE_S):  # the other one stopped or died: take over
                store.release(job.id, owner)
                return self.finish(store, current, client, settings, progress, slot=slot)
            if self.clock() > deadline:
                raise EngineError(f"job {job.id} is still held by another process after {settings.timeout:.0f} s. "
                                  f"Fix: run 'motion-transfer jobs resume {job.id}' later.")

    def poll(self, store: JobStore, job: Job, client: KlingClient, settings: Settings,
              progress: Progress | None, owner: str) -> dict:
        ref = job.remote_id or job.external_task_id
        delays = settings.poll.delays()
        deadline = self.clock() + settings.timeout
        last_status = job.remote_status
        polls = 0
        shown_stage: str | None = None
        t_submit = job.extra.get("submitted_at") or self.clock()
        if job.state == SUBMITTED:  # no task finishes in its first seconds: the first poll comes a little later
            pause = settings.poll.first - (self.clock() - t_submit)
            if pause > 0:
                self.sleep(pause)
            next(delays)
        while True:
            data = client.get_task(ref)
            polls += 1
            status = str(data.get("task_status") or "")
            now = self.clock()
            _renew(store, job.id, owner)
            if status != last_status:
                store.add_message(job.id, f"Kling task {data.get('task_id') or ref}: {status}"
                                  + (f" ({data.get('task_status_msg')})" if data.get("task_status_msg") else ""))
                fields: dict[str, Any] = {"remote_status": status, "state": state_for(status)}
                if status == "processing":
                    fields["extra"] = {"processing_at": now}
                if data.get("task_id") and not job.remote_id:
                    fields["remote_id"] = str(data["task_id"])
                job = store.update(job.id, **fields)
                last_status = status
            if status in ("succeed", "failed") and progress and shown_stage:
                progress(shown_stage, 1, 1)
            if status == "succeed":
                store.update(job.id, extra={"succeeded_at": now, "polls": polls},
                             timings=_phase_times(job.extra, now, t_submit))
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
            self.sleep(next(delays))

    def download(self, store: JobStore, job: Job, client: KlingClient, data: dict, progress: Progress | None,
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
        part = output.parent / f".{output.name}.job{job.id}.{owner[:8]}.part"  # never shared by two processes
        t0 = time.perf_counter()
        if progress:
            progress("kling: downloading", 0, 1)
        renewed = [time.monotonic()]

        def on_bytes(done: int, total: int) -> None:
            if progress:
                progress("kling: downloading", done, total)
            if time.monotonic() - renewed[0] > 30:  # keep the claim during a long download
                renewed[0] = time.monotonic()
                _renew(store, job.id, owner)

        try:
            client.download(str(video["url"]), part, progress=on_bytes)
            _renew(store, job.id, owner)  # the output is written only by the claim's holder
            os.replace(part, output)
        except RemoteError as exc:
            store.add_message(job.id, str(exc), kind="error")
            raise
        except OSError as exc:  # our disk (full, read-only...): one sentence naming the output
            error = output_error(exc, output, then=f"Then run 'motion-transfer jobs resume {job.id}': the task is "
                                                   "finished and paid, only the download is repeated.")
            store.add_message(job.id, str(error), kind="error")
            raise error from None
        finally:  # also on Ctrl-C / SIGTERM: no part file is left beside the output
            part.unlink(missing_ok=True)
        download_s = time.perf_counter() - t0
        store.update(job.id, state=SUCCEEDED, result_path=str(output), timings={"download": round(download_s, 3)})
        store.add_message(job.id, f"downloaded to {output}" + (f"; Kling deducted {cost:g} units" if cost is not None
                                                               else ""))
        return self.result_from_file(store.get(job.id), [])

    # ------------------------------------------------------------------ results
    def result_from_file(self, job: Job, notes: list[Finding]) -> Result:
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
        return Result(output=path, engine=ENGINE, width=info.width, height=info.height, fps=info.fps,
                      frames=info.frame_count, duration=info.duration, has_audio=info.has_audio,
                      findings=findings, timings=dict(timings), extra=extra)

    def detached_result(self, job: Job, request: Request, notes: list[Finding]) -> Result:
        r = job.request
        return Result(output=Path(job.output or request.output), engine=ENGINE, width=0, height=0, fps=0.0,
                      frames=0, duration=0.0, has_audio=False, findings=list(notes),
                      extra={"job_id": job.id, "remote_id": job.remote_id, "external_task_id": job.external_task_id,
                             "state": job.state, "detached": True, "cost_units": None,
                             "cost_estimate_usd": r.get("cost_estimate_usd"), "model": r.get("model"),
                             "tier": r.get("tier"), "timings": {},
                             "resume": f"motion-transfer jobs resume {job.id}"})


def _renew(store: JobStore, job_id: int, owner: str) -> None:
    """Extend our claim; if another process took it while ours had lapsed, stop working on the job at once."""
    if not store.claim(job_id, owner, CLAIM_LEASE_S):
        raise JobTakenOver(f"job {job_id} is now held by {store.claim_holder(job_id) or 'another process'}.")


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

"""The kling engine against the fake Kling server, one fault at a time.

Each test checks three things: what the user sees (messages and error text), what the job store holds, and that
the fake counted exactly one created task per job (nothing lost, nothing paid twice).
"""
# ruff: noqa: F811  (pytest fixtures imported from fake_kling are redefined as test arguments)
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from fake_kling import ACCESS_KEY, SECRET_KEY, FakeTime, fake_kling, kling_env, kling_media  # noqa: F401
from motion_transfer.engines.kling.engine import KlingEngine
from motion_transfer.errors import (RemoteAccountError, RemoteAuthError, RemoteError, RemoteParameterError,
                                    RemotePolicyError, RemoteTaskFailed)
from motion_transfer.jobs import JobStore
from motion_transfer.request import Request

VIDEO_URL = "https://videos.example.com/motion.mp4"


def make(env, clock: FakeTime | None = None, **kw):
    clock = clock or FakeTime()
    said: list[str] = []
    engine = KlingEngine(env=env, say=said.append, sleep=clock.sleep, clock=clock.time, **kw)
    return engine, said, clock


def request(kling_media, out: Path, **options) -> Request:
    image, video, _ = kling_media
    return Request(image=image, video=video, output=out, engine="kling", prompt="a sunny park",
                   options={"video_url": VIDEO_URL, "yes": True, **options})


def store_of(env) -> JobStore:
    return JobStore(env["MOTION_TRANSFER_JOBS_DB"])


def db_bytes(env) -> bytes:
    """The raw bytes of the store (main file + WAL), to prove no key ever lands there."""
    path = Path(env["MOTION_TRANSFER_JOBS_DB"])
    return b"".join(p.read_bytes() for p in (path, Path(str(path) + "-wal")) if p.exists())


def assert_no_secrets(env, fake, *texts):
    blob = db_bytes(env)
    for secret in (ACCESS_KEY, SECRET_KEY, *fake.tokens_seen):
        assert secret.encode() not in blob
        for t in texts:
            assert secret not in t


def test_happy_path_result_store_and_request_shape(kling_env, fake_kling, kling_media, tmp_path):
    engine, said, _ = make(kling_env)
    out = tmp_path / "out.mp4"
    result = engine.run(request(kling_media, out), None)
    assert out.is_file() and result.output == out.resolve()
    assert (result.width, result.height) == (1280, 720) and abs(result.duration - 3.2) < 0.01
    assert result.extra["remote_id"] and result.extra["cost_units"] == 5.0
    assert set(result.extra["timings"]) == {"queue", "processing", "download"}
    assert result.extra["kling_video"]["duration"] == 3.2
    assert any("estimated cost: 3.2 s x $0.070/s = $0.22" in s for s in said)
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1
    body = fake_kling.create_bodies[0]
    assert body["model_name"] == "kling-v2-6" and body["mode"] == "std" and body["character_orientation"] == "video"
    assert body["keep_original_sound"] == "yes" and body["prompt"] == "a sunny park"
    assert body["video_url"] == VIDEO_URL and body["external_task_id"].startswith("mt-")
    with store_of(kling_env) as store:
        (job,) = store.list()
        assert job.state == "succeeded" and job.result_path == str(out.resolve())
        assert job.remote_id == result.extra["remote_id"] and job.cost_units == 5.0
        assert job.external_task_id == body["external_task_id"]
    assert_no_secrets(kling_env, fake_kling, *said)


def test_rate_limit_burst_backs_off_and_honours_retry_after(kling_env, fake_kling, kling_media, tmp_path):
    fake_kling.rate_limit_burst, fake_kling.retry_after = 4, "2"
    kling_env = {**kling_env, "MOTION_TRANSFER_KLING_RETRY_SCALE": "1"}  # real policy; FakeTime makes it instant
    engine, said, clock = make(kling_env)
    engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    waits = [w for w in engine.last_client.stats.waits if w[0].startswith("rate limited")]
    assert len(waits) == 4 and all(s >= 2.0 for _, s in waits)  # never shorter than Retry-After
    assert any("rate limited (code 1302); waiting" in s for s in said)
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1
    with store_of(kling_env) as store:
        assert store.list()[0].state == "succeeded"


def test_concurrency_1303_backoff_grows_with_jitter(kling_env, fake_kling, kling_media, tmp_path):
    fake_kling.rate_limit_burst, fake_kling.rate_code, fake_kling.retry_after = 5, 1303, None
    kling_env = {**kling_env, "MOTION_TRANSFER_KLING_RETRY_SCALE": "1"}
    engine, said, clock = make(kling_env, rng=lambda: 0.0)  # the lowest jitter draw
    engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    waits = [s for r, s in engine.last_client.stats.waits if "1303" in r]
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0]  # 1303 needs at least 1 s: jitter may lengthen, never shorten
    assert fake_kling.created == 1
    engine, said, clock = make(kling_env, rng=lambda: 1.0)  # the highest
    fake_kling.rate_limit_burst = 2
    engine.run(request(kling_media, tmp_path / "out2.mp4"), None)
    assert [s for r, s in engine.last_client.stats.waits if "1303" in r] == [1.5, 3.0]


def test_server_errors_on_polls_are_retried(kling_env, fake_kling, kling_media, tmp_path):
    engine, said, _ = make(kling_env)
    fake_kling.polls_to_finish = 3

    def burst(stage, done, total):  # 5xx starts after the submit, during the polls
        if stage == "kling: processing" and done == 0:
            fake_kling.server_error_burst = 3

    engine.run(request(kling_media, tmp_path / "out.mp4"), None, progress=burst)
    assert engine.last_client.stats.server_errors == 3
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1


def test_server_error_on_submit_looks_up_before_resubmitting(kling_env, fake_kling, kling_media, tmp_path):
    fake_kling.server_error_burst = 1  # the POST fails with 500/5000 before a task exists
    engine, said, _ = make(kling_env)
    engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    methods = [(m, code) for m, p, st, code in fake_kling.log]
    assert methods[:3] == [("POST", 5000), ("GET", 1201), ("POST", 0)]  # lookup said "not found", then submit
    assert fake_kling.created == 1
    with store_of(kling_env) as store:
        texts = [m["text"] for m in store.list()[0].messages]
    assert any("never arrived" in t for t in texts)


def test_dropped_submit_answer_finds_the_task_by_external_id(kling_env, fake_kling, kling_media, tmp_path):
    fake_kling.drop_submit = 1  # the task is created, the answer never arrives
    engine, said, _ = make(kling_env)
    result = engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    assert any("answer to the submit was lost" in s for s in said)
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1
    assert [m for m, p, st, c in fake_kling.log].count("POST") == 1
    with store_of(kling_env) as store:
        job = store.list()[0]
    assert job.state == "succeeded" and job.remote_id == result.extra["remote_id"]
    assert any("found task" in m["text"] for m in job.messages)


def test_download_cut_half_way_resumes_with_ranges(kling_env, fake_kling, kling_media, tmp_path):
    fake_kling.cut_download = 2
    engine, said, _ = make(kling_env)
    out = tmp_path / "out.mp4"
    result = engine.run(request(kling_media, out), None)
    assert out.read_bytes() == kling_media[2]  # byte-identical despite two cuts
    assert fake_kling.downloads_started == 3 and fake_kling.downloads_completed == 1
    assert result.frames == 16 and fake_kling.created == 1
    assert not list(tmp_path.glob(".*.part"))


def test_task_failing_with_a_policy_message(kling_env, fake_kling, kling_media, tmp_path):
    fake_kling.fail_message = "Failure to pass the risk control system: content policy violation"
    engine, said, _ = make(kling_env)
    out = tmp_path / "out.mp4"
    with pytest.raises(RemotePolicyError) as err:
        engine.run(request(kling_media, out), None)
    text = str(err.value)
    assert "risk control system" in text and "change the image, the video or the prompt" in text
    assert not out.exists() and fake_kling.created == 1
    with store_of(kling_env) as store:
        job = store.list()[0]
    assert job.state == "failed" and "risk control" in job.messages[-1]["text"]


def test_task_failing_for_another_reason_is_task_failed(kling_env, fake_kling, kling_media, tmp_path):
    fake_kling.fail_message = "Internal render error"
    engine, said, _ = make(kling_env)
    with pytest.raises(RemoteTaskFailed, match="Internal render error"):
        engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    assert fake_kling.created == 1


@pytest.mark.parametrize("code,message,exc,words", [
    (1301, "prompt contains sensitive words", RemotePolicyError, "content policy"),
    (1102, "resource pack exhausted", RemoteAccountError, "resource package is used up"),
    (1101, "account arrears", RemoteAccountError, "in arrears"),
    (1103, "no permission for model", RemoteAccountError, "no permission"),
    (1201, "video_url is not accessible", RemoteParameterError, "the parameter 'video_url'"),
])
def test_refused_submits_stop_at_once(kling_env, fake_kling, kling_media, tmp_path, code, message, exc, words):
    fake_kling.reject_create = (code, message)
    engine, said, _ = make(kling_env)
    with pytest.raises(exc) as err:
        engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    assert words in str(err.value) and f"code {code}" in str(err.value)
    assert [m for m, *_ in fake_kling.log] == ["POST"]  # no retry
    assert fake_kling.created == 0
    with store_of(kling_env) as store:
        assert store.list()[0].state == "failed"


def test_wrong_keys_say_which_and_never_show_them(kling_env, fake_kling, kling_media, tmp_path):
    env = {**kling_env, "KLING_SECRET_KEY": "SKwrong-secret-key-123456789"}
    engine, said, _ = make(env)
    with pytest.raises(RemoteAuthError) as err:
        engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    text = str(err.value)
    assert "code 1002" in text and "secret key is wrong" in text and "KLING_SECRET_KEY" in text
    assert "SKwrong-secret-key-123456789" not in text and ACCESS_KEY not in text
    assert fake_kling.created == 0
    assert b"SKwrong-secret-key-123456789" not in db_bytes(env)
    assert_no_secrets(env, fake_kling, text, *said)


def test_missing_keys_is_a_config_error_naming_the_variables(kling_env, kling_media, tmp_path):
    from motion_transfer.errors import ConfigError

    env = {k: v for k, v in kling_env.items() if not k.startswith("KLING_")}
    engine, _, _ = make(env)
    with pytest.raises(ConfigError, match="KLING_ACCESS_KEY and KLING_SECRET_KEY are not set"):
        engine.run(request(kling_media, tmp_path / "out.mp4"), None)


def test_token_renewed_during_a_long_poll(kling_env, fake_kling, kling_media, tmp_path):
    clock = FakeTime()
    fake_kling.clock = clock.time  # the server sees the same (fast-moving) time as the client
    fake_kling.polls_to_finish = 40
    env = {**kling_env, "MOTION_TRANSFER_KLING_POLL": "60,120,120"}  # 40 polls x 2 min = 80 min > 30 min
    engine, said, _ = make(env, clock)
    engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    assert clock.now - clock.slept[0] > 3600
    assert engine.last_client.tokens.issued >= 3 and len(fake_kling.tokens_seen) >= 3
    assert fake_kling.auth_failures == []  # renewed before expiry, never refused
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1


def test_token_expired_by_clock_skew_gets_one_fresh_retry(kling_env, fake_kling, kling_media, tmp_path):
    clock = FakeTime()
    fake_kling.clock = lambda: clock.time() + 1000  # the server's clock runs 1000 s ahead of ours
    fake_kling.polls_to_finish = 3
    env = {**kling_env, "MOTION_TRANSFER_KLING_POLL": "400,400,400"}
    engine, said, _ = make(env, clock)
    engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    # at our t0+800 the server sees t0+1800 = the token's exp: refused once with 1004, then a fresh token works
    assert fake_kling.auth_failures == [1004]
    assert engine.last_client.stats.token_renewals == 1
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1


def test_detach_then_resume(kling_env, fake_kling, kling_media, tmp_path):
    engine, said, _ = make(kling_env)
    out = tmp_path / "out.mp4"
    detached = engine.run(request(kling_media, out, detach=True), None)
    assert detached.extra["detached"] and detached.extra["job_id"] == 1 and not out.exists()
    assert any("jobs resume 1" in s for s in said)
    with store_of(kling_env) as store:
        assert store.get(1).state == "submitted"
    result = engine.resume(1)
    assert out.is_file() and result.extra["remote_id"] == detached.extra["remote_id"]
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1
    again = engine.resume(1)  # already finished: no new download
    assert again.output == result.output and fake_kling.downloads_completed == 1


def test_identical_rerun_resumes_the_alive_job_instead_of_paying_twice(kling_env, fake_kling, kling_media, tmp_path):
    engine, said, _ = make(kling_env)
    out = tmp_path / "out.mp4"
    engine.run(request(kling_media, out, detach=True), None)
    result = engine.run(request(kling_media, out), None)  # the same command again, without --detach
    assert any("already job 1" in s for s in said)
    assert result.extra["job_id"] == 1 and fake_kling.created == 1
    engine.run(request(kling_media, tmp_path / "other.mp4"), None)  # a different output is a new job
    assert fake_kling.created == 2


def test_submitting_row_is_committed_before_the_request_is_sent(kling_env, fake_kling, kling_media, tmp_path):
    seen = {}
    original = fake_kling.check_token

    def spy(header):  # runs inside the server while it handles the POST
        if not seen:
            con = sqlite3.connect(kling_env["MOTION_TRANSFER_JOBS_DB"])
            seen["rows"] = con.execute("SELECT state, external_task_id FROM jobs").fetchall()
            con.close()
        return original(header)

    fake_kling.check_token = spy
    engine, _, _ = make(kling_env)
    engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    (state, ext), = seen["rows"]
    assert state == "submitting" and ext == fake_kling.create_bodies[0]["external_task_id"]


def test_batch_with_concurrency_limit_has_no_1303_storm(kling_env, fake_kling, kling_media, tmp_path):
    from motion_transfer.engines.kling.engine import run_batch

    fake_kling.concurrency_limit = 3
    fake_kling.polls_to_finish = 3
    engine, _, _ = make(kling_env)
    reqs = [request(kling_media, tmp_path / f"out{i}.mp4") for i in range(12)]
    before = [dict(r.options) for r in reqs]
    results = run_batch(reqs, concurrency=3, engine=engine)
    assert all(not isinstance(r, Exception) for r in results), results
    assert [r.options for r in reqs] == before  # the caller's requests are left as they were
    assert fake_kling.created == 12 and fake_kling.downloads_completed == 12
    assert fake_kling.concurrency_refused == 0 and fake_kling.max_active <= 3


def test_unreachable_api_keeps_the_job_for_resume(kling_env, kling_media, tmp_path):
    env = {**kling_env, "KLING_API_BASE": "http://127.0.0.1:9"}  # nothing listens on the discard port
    engine, said, _ = make(env)
    with pytest.raises(RemoteError, match="jobs resume 1"):
        engine.run(request(kling_media, tmp_path / "out.mp4"), None)
    with store_of(env) as store:
        assert store.get(1).state == "submitting"  # alive: 'jobs resume' asks Kling before submitting again


def test_identical_run_started_while_the_first_polls_waits_for_it(kling_env, fake_kling, kling_media, tmp_path):
    import threading

    fake_kling.hold = True
    out = tmp_path / "out.mp4"
    first, _, _ = make(kling_env)
    results = {}
    t = threading.Thread(target=lambda: results.setdefault("a", first.run(request(kling_media, out), None)))
    t.start()
    deadline = time.time() + 60
    while t.is_alive() and time.time() < deadline and (fake_kling.created == 0 or len(fake_kling.log) < 3):
        t.join(0.01)
    assert t.is_alive(), "the first run ended before it was polling"
    said: list[str] = []

    def say(text: str) -> None:  # the task finishes only once the second run is waiting (no timer to outrun)
        said.append(text)
        if "being finished by" in text:
            fake_kling.hold = False

    clock = FakeTime()
    second = KlingEngine(env=kling_env, say=say, sleep=clock.sleep, clock=clock.time)
    failsafe = threading.Timer(60, lambda: setattr(fake_kling, "hold", False))  # a regression fails, never hangs
    failsafe.start()
    try:
        b = second.run(request(kling_media, out), None)  # same command again while the first is still polling
        t.join(60)
    finally:
        failsafe.cancel()
    assert any("already job 1" in s for s in said) and any("being finished by" in s for s in said)
    assert b.output == results["a"].output and b.extra["job_id"] == results["a"].extra["job_id"] == 1
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 1


def test_a_full_disk_during_the_download_is_one_sentence_and_the_job_resumes(kling_env, fake_kling, kling_media,
                                                                             tmp_path, monkeypatch):
    import errno

    from motion_transfer.engines.kling import client as client_module
    from motion_transfer.errors import InputError

    class FullDisk:
        def __init__(self, *a, **kw):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def tell(self):
            return 0

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(client_module, "open", FullDisk, raising=False)
    engine, said, _ = make(kling_env)
    out = tmp_path / "out.mp4"
    with pytest.raises(InputError) as err:
        engine.run(request(kling_media, out), None)
    assert err.value.code == "output_write_failed" and "the disk is full" in str(err.value)
    assert "jobs resume 1" in str(err.value) and str(out) in str(err.value)
    assert fake_kling.downloads_started == 1  # a full disk is not retried like a network fault
    assert not out.exists() and not list(tmp_path.glob(".out.mp4*"))
    monkeypatch.undo()
    result = engine.resume(1, options={"jobs_db": kling_env["MOTION_TRANSFER_JOBS_DB"]})
    assert result.output == out.resolve() and out.is_file()
    assert fake_kling.created == 1  # one task for the job: nothing paid twice


def test_a_claim_lost_while_asleep_stands_down_instead_of_downloading_twice(kling_env, fake_kling, kling_media,
                                                                              tmp_path):
    """Our lease lapsed (a laptop asleep) and another process took the job: ours must notice at its next poll,
    wait for the new holder and use its result, never download into the same output a second time."""
    import os
    import shutil

    fake_kling.polls_to_finish = 3
    out = tmp_path / "out.mp4"
    store = store_of(kling_env)
    said: list[str] = []
    polls = [0]
    clock = FakeTime()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        polls[0] += 1
        if polls[0] == 1:  # while "asleep", a live process (our parent) claims the job for a long lease
            store._db.execute("UPDATE jobs SET claim_owner = 'other', claim_pid = ?, claim_expires = ? WHERE id = 1",
                              (os.getppid(), clock.time() + 3600))

    def say(text: str) -> None:
        said.append(text)
        if "taken over" in text:  # the other process finishes the job and lets go of it
            shutil.copy(kling_media[1], out)
            store.update(1, state="succeeded", result_path=str(out))
            store._db.execute("UPDATE jobs SET claim_owner = NULL, claim_expires = NULL WHERE id = 1")

    engine = KlingEngine(env=kling_env, say=say, sleep=sleep, clock=clock.time)
    result = engine.run(request(kling_media, out), None)
    assert any("taken over" in s for s in said)
    assert result.output == out.resolve() and result.extra["job_id"] == 1
    assert fake_kling.created == 1 and fake_kling.downloads_completed == 0  # the other one's file, not ours
    assert not list(tmp_path.glob(".*.part"))

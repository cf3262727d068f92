"""Unit tests of the kling engine's parts: JWT, keys, redaction, cost, settings, inputs, the job store, the client."""
# ruff: noqa: F811  (pytest fixtures imported from fake_kling are redefined as test arguments)
from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest

from fake_kling import ACCESS_KEY, SECRET_KEY, FakeKling, FakeTime, make_mp4, make_png  # noqa: F401
from fake_kling import fake_kling, kling_env, kling_media  # noqa: F401
from motion_transfer.engines.kling.auth import (Credentials, TokenSource, load_credentials, make_jwt, redact,
                                                strip_query)
from motion_transfer.engines.kling.client import DEFAULT_API_BASE, KlingClient, RetryPolicy, _retry_after, resolve_api_base
from motion_transfer.engines.kling.settings import PollSchedule, Settings, estimate_cost
from motion_transfer.errors import ConfigError, InputError, PreflightError, TaskNotFound
from motion_transfer.jobs import JobStore, default_db_path


def _claims(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_jwt_claims_and_signature_verified_by_the_fake():
    token = make_jwt(ACCESS_KEY, SECRET_KEY, now=1_700_000_000)
    assert _claims(token) == {"iss": ACCESS_KEY, "exp": 1_700_001_800, "nbf": 1_699_999_995}
    fake = FakeKling(clock=lambda: 1_700_000_000)
    assert fake.check_token(f"Bearer {token}") == 0
    assert FakeKling(secret_key="other", clock=lambda: 1_700_000_000).check_token(f"Bearer {token}") == 1002
    assert FakeKling(clock=lambda: 1_700_001_800).check_token(f"Bearer {token}") == 1004
    assert FakeKling(clock=lambda: 1_699_999_990).check_token(f"Bearer {token}") == 1003
    assert fake.check_token(None) == 1001


def test_token_source_renews_five_minutes_before_expiry():
    clock = FakeTime(start=1000.0)
    ts = TokenSource(Credentials(ACCESS_KEY, SECRET_KEY), clock=clock.time)
    first = ts.token()
    clock.now += 1499
    assert ts.token() == first
    clock.now += 2
    second = ts.token()
    assert second != first and _claims(second)["exp"] == int(clock.now) + 1800 and ts.issued == 2
    assert ACCESS_KEY not in repr(ts) and SECRET_KEY not in repr(ts)


def test_credentials_from_env_then_config_file(tmp_path):
    assert load_credentials({"KLING_ACCESS_KEY": "a" * 8, "KLING_SECRET_KEY": "s" * 8}).access_key == "a" * 8
    ini = tmp_path / "c.ini"
    ini.write_text("[kling]\naccess_key = AK_FILE\nsecret_key = SK_FILE\n")
    creds = load_credentials({"MOTION_TRANSFER_CONFIG": str(ini)})
    assert (creds.access_key, creds.secret_key) == ("AK_FILE", "SK_FILE") and "SK_FILE" not in repr(creds)
    with pytest.raises(ConfigError) as err:
        load_credentials({"KLING_ACCESS_KEY": "x" * 8, "MOTION_TRANSFER_CONFIG": str(tmp_path / "none.ini")})
    assert "KLING_SECRET_KEY is not set" in str(err.value) and "x" * 8 not in str(err.value)


def test_redact_hides_keys_tokens_and_presigned_credentials():
    token = make_jwt(ACCESS_KEY, SECRET_KEY)
    text = (f"key {SECRET_KEY} header Authorization: Bearer {token} url https://b.s3/x.mp4?X-Amz-Credential=AKIA"
            f"123%2F20250101&X-Amz-Signature=deadbeef&X-Amz-Expires=60 raw {token}")
    out = redact(text, [SECRET_KEY])
    assert SECRET_KEY not in out and token not in out and "AKIA123" not in out and "deadbeef" not in out
    assert "X-Amz-Expires=60" in out
    assert strip_query("https://a/b.mp4?sig=1") == "https://a/b.mp4"


def test_cost_estimate_prices():
    assert estimate_cost("kling-v2-6", "std", 10) == pytest.approx(0.70)
    assert estimate_cost("kling-v2-6", "pro", 10) == pytest.approx(1.12)
    assert estimate_cost("kling-v3", "std", 10) == pytest.approx(1.26)
    assert estimate_cost("kling-v3", "pro", 10) == pytest.approx(1.68)


def test_poll_schedule_is_gentle_and_capped():
    d = PollSchedule().delays()
    waits = [next(d) for _ in range(12)]
    assert waits[0] == 3.0 and waits[1] == 5.0 and max(waits) == 20.0 and waits == sorted(waits)
    p = PollSchedule.parse("0.1,0.2,0.3")
    assert (p.first, p.every, p.max) == (0.1, 0.2, 0.3)


def test_settings_validate_model_and_concurrency(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path)}
    s = Settings.from_options({"model": "kling-v3", "detach": True}, env)
    assert s.model == "kling-v3" and s.detach and s.concurrency == 3
    assert s.jobs_db == str(tmp_path / "motion-transfer" / "jobs.sqlite")
    with pytest.raises(InputError, match="kling-v2-6"):
        Settings.from_options({"model": "kling-v9"}, env)
    with pytest.raises(InputError, match="at least 1"):
        Settings.from_options({"concurrency": 0}, env)


def test_api_base_resolution(tmp_path):
    none = {"MOTION_TRANSFER_CONFIG": str(tmp_path / "none.ini")}
    assert resolve_api_base(None, none) == DEFAULT_API_BASE
    assert resolve_api_base("cn", none) == "https://api-beijing.klingai.com"
    assert resolve_api_base(None, {**none, "KLING_API_BASE": "http://127.0.0.1:5/"}) == "http://127.0.0.1:5"
    with pytest.raises(ConfigError, match="region name"):
        resolve_api_base("not a url", none)


def test_default_db_path_follows_env(tmp_path):
    assert default_db_path({"MOTION_TRANSFER_JOBS_DB": "/x/y.sqlite"}) == __import__("pathlib").Path("/x/y.sqlite")
    assert default_db_path({"XDG_DATA_HOME": "/d"}).as_posix() == "/d/motion-transfer/jobs.sqlite"


def test_retry_after_seconds_and_http_date():
    assert _retry_after({"Retry-After": "3"}) == 3.0
    assert _retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
    assert _retry_after({}) is None


# ---------------------------------------------------------------------- inputs
def test_webp_image_converted_and_gif_video_converted(tmp_path):
    from PIL import Image

    from motion_transfer.engines.kling.inputs import prepare

    png = make_png(tmp_path / "c.png")
    webp = tmp_path / "c.webp"
    Image.open(png).save(webp, "WEBP")
    gif = tmp_path / "m.gif"
    frames = [Image.new("RGB", (360, 400), (i * 20, 90, 160)) for i in range(8)]
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=400, loop=0)  # 8 x 0.4 s = 3.2 s
    prep = prepare(webp, gif, orientation="video", prompt="", workdir=tmp_path)
    assert prep.image_format in ("png", "jpeg") and base64.b64decode(prep.image_b64)[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0")
    assert prep.video_converted and prep.video_path.suffix == ".mp4"
    from motion_transfer.media.probe import probe

    info = probe(prep.video_path, expect="video")
    assert info.format == "mp4" and info.codec == "h264" and abs(info.duration - 3.2) < 0.3
    assert {n.code for n in prep.notes} == {"kling_image_converted", "kling_video_converted"}


def test_kling_limits_refuse_with_file_measured_limit_fix(tmp_path):
    from motion_transfer.engines.kling.inputs import prepare

    png = make_png(tmp_path / "c.png")
    wide = make_png(tmp_path / "wide.png", 1600, 500)  # 3.2:1
    tiny = make_png(tmp_path / "tiny.png", 280, 400)
    short = make_mp4(tmp_path / "short.mp4", 360, 480, seconds=2.0, fps=5)
    long_ = make_mp4(tmp_path / "long.mp4", 360, 480, seconds=11.0, fps=2)
    small = make_mp4(tmp_path / "small.mp4", 320, 480, seconds=3.2, fps=5)
    cases = [(wide, long_, "video", "image_aspect"), (tiny, long_, "video", "image_too_small"),
             (png, short, "video", "video_too_short"), (png, long_, "image", "video_too_long"),
             (png, small, "video", "video_too_small")]
    for image, video, orientation, code in cases:
        with pytest.raises(PreflightError) as err:
            prepare(image, video, orientation=orientation, prompt="", workdir=tmp_path)
        f = next(f for f in err.value.findings if f.code == code)
        assert f.file and f.measured is not None and f.limit is not None and f.fix, code
    with pytest.raises(PreflightError, match="2500"):
        prepare(png, long_, orientation="video", prompt="x" * 2501, workdir=tmp_path)


def test_rules_refusal_happens_before_any_request(kling_env, fake_kling, kling_media, tmp_path):
    from motion_transfer.engines.kling.engine import KlingEngine
    from motion_transfer.request import Request

    short = make_mp4(tmp_path / "short.mp4", 360, 480, seconds=2.0, fps=5)
    engine = KlingEngine(env=kling_env, say=lambda s: None)
    with pytest.raises(PreflightError, match="at least 3 s"):
        engine.run(Request(kling_media[0], short, tmp_path / "o.mp4", engine="kling",
                           options={"video_url": "https://x/y.mp4", "yes": True}), None)
    assert fake_kling.log == [] and JobStore(kling_env["MOTION_TRANSFER_JOBS_DB"]).list() == []


def test_declining_the_cost_submits_nothing(kling_env, fake_kling, kling_media, tmp_path):
    from motion_transfer.engines.kling.engine import KlingEngine
    from motion_transfer.errors import EngineError
    from motion_transfer.request import Request

    asked = []
    engine = KlingEngine(env=kling_env, say=lambda s: None, confirm=lambda q: asked.append(q) or False)
    with pytest.raises(EngineError, match="declined"):
        engine.run(Request(kling_media[0], kling_media[1], tmp_path / "o.mp4", engine="kling",
                           options={"video_url": "https://x/y.mp4"}), None)
    assert asked == ["Submit to Kling for about $0.22?"] and fake_kling.log == []


def test_the_cost_question_comes_from_the_caller_never_from_a_terminal(kling_env, fake_kling, kling_media,
                                                                        tmp_path, monkeypatch):
    from motion_transfer.engines.kling.engine import KlingEngine
    from motion_transfer.errors import EngineError
    from motion_transfer.request import Request

    monkeypatch.setattr("builtins.input", lambda *a: pytest.fail("the engine must not read the terminal"))
    asked = []
    engine = KlingEngine(env=kling_env, say=lambda s: None)
    with pytest.raises(EngineError, match="declined"):
        engine.run(Request(kling_media[0], kling_media[1], tmp_path / "o.mp4", engine="kling",
                           options={"video_url": "https://x/y.mp4",
                                    "confirm": lambda q: asked.append(q) or False}), None)
    assert asked == ["Submit to Kling for about $0.22?"] and fake_kling.created == 0


def test_one_status_to_state_mapping():
    from motion_transfer.engines.kling.lifecycle import state_for

    assert [state_for(s) for s in ("submitted", "processing", "succeed", "failed", "queued?")] == [
        "submitted", "processing", "downloading", "failed", "submitted"]


# ---------------------------------------------------------------------- job store
def test_store_is_wal_private_and_redacts(tmp_path):
    db = tmp_path / "sub" / "jobs.sqlite"
    store = JobStore(db, secrets=[SECRET_KEY])
    job = store.create("kling", "h1", {"prompt": "p", "oops": f"token {SECRET_KEY}"}, output="o.mp4")
    store.add_message(job.id, f"Authorization: Bearer {make_jwt(ACCESS_KEY, SECRET_KEY)}")
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert oct(db.stat().st_mode & 0o777) == "0o600"
    assert store.get(job.id).state == "submitting" and store.find(job.external_task_id).id == job.id
    assert store.find_alive("h1").id == job.id
    store.update(job.id, state="failed")
    assert store.find_alive("h1") is None
    wal = tmp_path / "sub" / "jobs.sqlite-wal"
    blob = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    store.close()
    blob += db.read_bytes()
    assert SECRET_KEY.encode() not in blob and b"eyJ" not in blob


def test_claim_is_exclusive_and_taken_over_from_a_dead_process(tmp_path):
    db = tmp_path / "jobs.sqlite"
    store = JobStore(db)
    job = store.create("kling", "h", {}, output="o")
    assert store.claim(job.id, "me") and store.claim(job.id, "me")  # renewable by the holder
    assert not store.claim(job.id, "other")  # same host, live pid (ours)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    store._db.execute("UPDATE jobs SET claim_pid = ? WHERE id = ?", (int(dead), job.id))
    assert store.claim(job.id, "other")  # the holder's process is gone: taken over at once
    store.release(job.id, "other")
    assert store.get(job.id).claim_owner is None


def test_client_list_and_lookup_against_the_fake(fake_kling):
    tokens = TokenSource(Credentials(ACCESS_KEY, SECRET_KEY))
    client = KlingClient(fake_kling.base_url, tokens, retry=RetryPolicy.fast())
    body = {"image_url": base64.b64encode(b"\x89PNG....").decode(), "video_url": "https://x/v.mp4",
            "character_orientation": "video", "mode": "std", "external_task_id": "mt-abc"}
    data = client.create_task(body)
    assert data["task_info"]["external_task_id"] == "mt-abc"
    assert client.get_task("mt-abc")["task_id"] == data["task_id"]
    assert [t["task_id"] for t in client.list_tasks()] == [data["task_id"]]
    assert client.find_task("mt-none") is None
    with pytest.raises(TaskNotFound):
        client.get_task("12345")
    with pytest.raises(Exception, match="image_url must be raw base64"):
        client.create_task({**body, "image_url": "data:image/png;base64,AAAA", "external_task_id": "mt-2"})


def test_fake_refuses_data_prefix_and_bad_fields(fake_kling):
    tokens = TokenSource(Credentials(ACCESS_KEY, SECRET_KEY))
    client = KlingClient(fake_kling.base_url, tokens, retry=RetryPolicy.fast())
    from motion_transfer.errors import RemoteParameterError

    with pytest.raises(RemoteParameterError, match="the parameter 'mode'"):
        client.create_task({"image_url": base64.b64encode(b"\x89PNG").decode(), "video_url": "https://x",
                            "character_orientation": "video", "mode": "ultra"})
    assert fake_kling.created == 0


def test_keys_never_in_the_json_of_stored_jobs(tmp_path):
    store = JobStore(tmp_path / "j.sqlite", secrets=[SECRET_KEY])
    job = store.create("kling", "h", {"prompt": f"use {SECRET_KEY}", "env": {"KLING_SECRET_KEY": SECRET_KEY}})
    store.add_message(job.id, f"Authorization: Bearer {make_jwt(ACCESS_KEY, SECRET_KEY)}")
    dumped = json.dumps([j.to_dict() for j in store.list()])
    assert store.count() == 1 and "use " in dumped and "Authorization" in dumped  # the store is not empty
    assert SECRET_KEY not in dumped and "eyJ" not in dumped


def test_create_unless_alive_is_atomic(tmp_path):
    store = JobStore(tmp_path / "j.sqlite")
    a, made_a = store.create_unless_alive("kling", "same", {})
    b, made_b = store.create_unless_alive("kling", "same", {})
    assert made_a and not made_b and a.id == b.id and store.count() == 1
    store.update(a.id, state="succeeded")  # a finished job does not block a deliberate re-run
    c, made_c = store.create_unless_alive("kling", "same", {})
    assert made_c and c.id != a.id

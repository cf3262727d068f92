"""Uploading the motion video to an S3-compatible bucket (moto's server mode on 127.0.0.1) for Kling to fetch."""
# ruff: noqa: F811  (pytest fixtures imported from fake_kling are redefined as test arguments)
from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from fake_kling import ACCESS_KEY, SECRET_KEY, FakeTime, fake_kling, kling_env, kling_media  # noqa: F401
from motion_transfer.engines.kling.upload import (S3Config, load_s3_config, missing_video_url_error, object_key,
                                                  upload_video)


S3_KEY_ID = "AKIAMOTOTESTKEY12345"
S3_SECRET = "moto-test-secret-abcdefghijklmnopqrstuv"


@pytest.fixture(scope="module")
def s3_endpoint():
    pytest.importorskip("boto3", reason="boto3 is not installed (pip install 'motion-transfer[kling]')")
    moto_server = pytest.importorskip("moto.server",
                                      reason="moto's server mode is not installed (pip install 'moto[server]')")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    import boto3

    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=S3_KEY_ID,
                 aws_secret_access_key=S3_SECRET).create_bucket(Bucket="clips")
    yield endpoint
    server.stop()


def s3_env(endpoint: str) -> dict:
    return {"MOTION_TRANSFER_S3_BUCKET": "clips", "MOTION_TRANSFER_S3_ENDPOINT": endpoint,
            "MOTION_TRANSFER_S3_REGION": "us-east-1", "MOTION_TRANSFER_S3_ACCESS_KEY_ID": S3_KEY_ID,
            "MOTION_TRANSFER_S3_SECRET_ACCESS_KEY": S3_SECRET, "MOTION_TRANSFER_S3_URL_EXPIRY": "7200"}


def test_config_from_env_and_hidden_repr(tmp_path):
    cfg = load_s3_config({**s3_env("http://127.0.0.1:1"), "MOTION_TRANSFER_CONFIG": str(tmp_path / "x.ini")})
    assert cfg.bucket == "clips" and cfg.url_expiry_s == 7200 and cfg.prefix == "motion-transfer/"
    assert S3_SECRET not in repr(cfg) and S3_KEY_ID not in repr(cfg)
    assert load_s3_config({"MOTION_TRANSFER_CONFIG": str(tmp_path / "x.ini")}) is None


def test_config_file_section(tmp_path):
    ini = tmp_path / "config.ini"
    ini.write_text("[s3]\nbucket = b1\nendpoint_url = https://s3.example.com\nprefix = mt\n")
    cfg = load_s3_config({"MOTION_TRANSFER_CONFIG": str(ini)})
    assert (cfg.bucket, cfg.endpoint_url, cfg.prefix) == ("b1", "https://s3.example.com", "mt/")


def test_missing_url_error_says_what_to_configure():
    text = str(missing_video_url_error({}))
    for words in ("--video-url", "MOTION_TRANSFER_S3_BUCKET", "MOTION_TRANSFER_S3_ENDPOINT", "[s3]"):
        assert words in text


def test_upload_presign_and_fetch(s3_endpoint, kling_media):
    video = kling_media[1]
    cfg = load_s3_config(s3_env(s3_endpoint))
    up = upload_video(video, cfg, sha256="ab" * 32, expires_s=7200)
    assert up.key == object_key(cfg, "ab" * 32) and not up.reused
    assert "X-Amz-Expires=7200" in up.url
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(up.url, timeout=10) as resp:
        assert resp.read() == video.read_bytes()
    assert upload_video(video, cfg, sha256="ab" * 32).reused  # content-addressed: not uploaded again


def test_upload_to_missing_bucket_is_a_clear_error(s3_endpoint, kling_media):
    from motion_transfer.errors import RemoteError

    cfg = S3Config(bucket="nope", endpoint_url=s3_endpoint, access_key_id=S3_KEY_ID, secret_access_key=S3_SECRET)
    with pytest.raises(RemoteError) as err:
        upload_video(kling_media[1], cfg, sha256="cd" * 32)
    assert "bucket does not exist" in str(err.value) and S3_SECRET not in str(err.value)


def test_engine_uploads_when_no_video_url(s3_endpoint, kling_env, fake_kling, kling_media, tmp_path):
    from motion_transfer.engines.kling.engine import KlingEngine
    from motion_transfer.request import Request

    env = {**kling_env, **s3_env(s3_endpoint)}
    clock, said = FakeTime(), []
    engine = KlingEngine(env=env, say=said.append, sleep=clock.sleep, clock=clock.time)
    image, video, _ = kling_media
    result = engine.run(Request(image, video, tmp_path / "out.mp4", engine="kling", options={"yes": True}), None)
    sent = fake_kling.create_bodies[0]["video_url"]
    assert sent.startswith(f"{s3_endpoint}/clips/motion-transfer/") and "X-Amz-Signature=" in sent
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sent, timeout=10) as resp:
        assert resp.read() == video.read_bytes()  # what Kling would fetch is our video
    assert any("uploaded to s3://clips/" in s for s in said)
    assert result.extra["remote_id"] and fake_kling.created == 1
    db = Path(env["MOTION_TRANSFER_JOBS_DB"])
    blob = b"".join(p.read_bytes() for p in (db, Path(str(db) + "-wal")) if p.exists())
    for secret in (S3_KEY_ID, S3_SECRET, ACCESS_KEY, SECRET_KEY):
        assert secret.encode() not in blob  # the presigned URL (which names the key id) is never stored
    assert b"s3v4" not in blob and b"X-Amz-Signature" not in blob


def test_engine_without_url_or_bucket_stops_before_any_request(kling_env, fake_kling, kling_media, tmp_path):
    from motion_transfer.engines.kling.engine import KlingEngine
    from motion_transfer.errors import ConfigError
    from motion_transfer.request import Request

    engine = KlingEngine(env=kling_env, say=lambda s: None)
    image, video, _ = kling_media
    with pytest.raises(ConfigError, match="MOTION_TRANSFER_S3_BUCKET"):
        engine.run(Request(image, video, tmp_path / "out.mp4", engine="kling", options={"yes": True}), None)
    assert fake_kling.log == []

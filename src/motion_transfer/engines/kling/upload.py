"""Put the motion video where Kling can fetch it: an S3-compatible bucket the user configures, plus a presigned
GET URL that outlives the task.

Kling's API takes the video only as a URL. When the user has none (``--video-url``), the video is uploaded with
boto3 to their bucket (AWS S3, Cloudflare R2, Backblaze B2, MinIO on a public host, ...) under a content-addressed
key, so a retry reuses the object, and a presigned URL is made for it. Configuration, environment first:

=========================================  ==========================  ======================================
environment                                config file ``[s3]``        meaning
=========================================  ==========================  ======================================
``MOTION_TRANSFER_S3_BUCKET``               ``bucket``                  bucket name (required)
``MOTION_TRANSFER_S3_ENDPOINT``             ``endpoint_url``            S3 endpoint; empty for AWS itself
``MOTION_TRANSFER_S3_REGION``               ``region``                  region (default ``us-east-1``)
``MOTION_TRANSFER_S3_ACCESS_KEY_ID``        ``access_key_id``           falls back to boto3's usual sources
``MOTION_TRANSFER_S3_SECRET_ACCESS_KEY``    ``secret_access_key``       (``AWS_ACCESS_KEY_ID``, profiles, ...)
``MOTION_TRANSFER_S3_PREFIX``               ``prefix``                  key prefix (default ``motion-transfer/``)
``MOTION_TRANSFER_S3_URL_EXPIRY``           ``url_expiry``              seconds the URL stays valid (default 24 h)
=========================================  ==========================  ======================================

The URL must stay valid until Kling has fetched the video, which happens when the task starts, after any queue;
the default (24 hours, at least twice the expected task time) covers busy days, and SigV4 allows at most 7 days.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ...errors import ConfigError, DependencyError, RemoteError
from .auth import config_path, read_config_section, redact

DEFAULT_PREFIX = "motion-transfer/"
DEFAULT_EXPIRY_S = 24 * 3600
MIN_EXPIRY_S = 3600
MAX_EXPIRY_S = 7 * 24 * 3600  # the SigV4 maximum


@dataclass(frozen=True)
class S3Config:
    """Where to upload. ``repr`` hides the keys."""

    bucket: str
    endpoint_url: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    prefix: str = DEFAULT_PREFIX
    url_expiry_s: int = DEFAULT_EXPIRY_S

    def __repr__(self) -> str:
        return (f"S3Config(bucket={self.bucket!r}, endpoint_url={self.endpoint_url!r}, region={self.region!r}, "
                f"prefix={self.prefix!r}, keys={'<hidden>' if self.access_key_id else 'boto3 default'})")

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.access_key_id, self.secret_access_key) if s)


@dataclass(frozen=True)
class Uploaded:
    url: str  # presigned: never store or print it whole (it carries a signature); see auth.strip_query
    bucket: str
    key: str
    expires_at: float
    reused: bool  # the object was already there (same content)


def load_s3_config(env: Mapping[str, str] | None = None) -> S3Config | None:
    """The upload target from the environment / config file, or None when no bucket is configured."""
    env = os.environ if env is None else env
    section = read_config_section("s3", env)

    def get(env_name: str, key: str) -> str | None:
        value = env.get(env_name) or section.get(key)
        return value.strip() if value and value.strip() else None

    bucket = get("MOTION_TRANSFER_S3_BUCKET", "bucket")
    if not bucket:
        return None
    expiry_text = get("MOTION_TRANSFER_S3_URL_EXPIRY", "url_expiry")
    try:
        expiry = int(float(expiry_text)) if expiry_text else DEFAULT_EXPIRY_S
    except ValueError:
        raise ConfigError(f"MOTION_TRANSFER_S3_URL_EXPIRY / url_expiry is '{expiry_text}', not a number of "
                          "seconds. Fix: e.g. 86400 for one day.") from None
    prefix = get("MOTION_TRANSFER_S3_PREFIX", "prefix") or DEFAULT_PREFIX
    return S3Config(bucket=bucket, endpoint_url=get("MOTION_TRANSFER_S3_ENDPOINT", "endpoint_url"),
                    region=get("MOTION_TRANSFER_S3_REGION", "region") or "us-east-1",
                    access_key_id=get("MOTION_TRANSFER_S3_ACCESS_KEY_ID", "access_key_id"),
                    secret_access_key=get("MOTION_TRANSFER_S3_SECRET_ACCESS_KEY", "secret_access_key"),
                    prefix=prefix if prefix.endswith("/") or not prefix else prefix + "/",
                    url_expiry_s=max(MIN_EXPIRY_S, min(expiry, MAX_EXPIRY_S)))


def missing_video_url_error(env: Mapping[str, str] | None = None) -> ConfigError:
    """The error that says exactly what to configure when Kling cannot be given the video."""
    return ConfigError(
        "Kling needs the motion video as a URL it can download, and none is available: no --video-url was given "
        "and no upload bucket is configured. Fix: either pass --video-url https://... (the same video, publicly "
        "readable), or configure an S3-compatible bucket: export MOTION_TRANSFER_S3_BUCKET=my-bucket, plus "
        "MOTION_TRANSFER_S3_ENDPOINT=https://... for non-AWS services (R2, B2, MinIO), MOTION_TRANSFER_S3_REGION, "
        "and MOTION_TRANSFER_S3_ACCESS_KEY_ID / MOTION_TRANSFER_S3_SECRET_ACCESS_KEY (or AWS_* variables); the "
        f"same keys go under [s3] in {config_path(env)}. Install boto3 with: pip install 'motion-transfer[kling]'.")


def _client(config: S3Config):
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        raise DependencyError("uploading the video needs boto3, which is not installed. Fix: pip install "
                              "'motion-transfer[kling]' (or pass --video-url).") from exc
    kwargs = {}
    if config.access_key_id and config.secret_access_key:
        kwargs = {"aws_access_key_id": config.access_key_id, "aws_secret_access_key": config.secret_access_key}
    return boto3.client("s3", endpoint_url=config.endpoint_url, region_name=config.region,
                        config=Config(signature_version="s3v4", retries={"max_attempts": 5, "mode": "standard"},
                                      s3={"addressing_style": "path" if config.endpoint_url else "auto"}),
                        **kwargs)


def object_key(config: S3Config, sha256: str, suffix: str = ".mp4") -> str:
    """Content-addressed key: the same video is uploaded once, however often it is used."""
    return f"{config.prefix}{sha256[:32]}{suffix}"


def presign(config: S3Config, key: str, expires_s: int | None = None) -> tuple[str, float]:
    """A presigned GET URL for ``key`` and the time it expires."""
    expires = max(MIN_EXPIRY_S, min(int(expires_s or config.url_expiry_s), MAX_EXPIRY_S))
    client = _client(config)
    try:
        url = client.generate_presigned_url("get_object", Params={"Bucket": config.bucket, "Key": key},
                                            ExpiresIn=expires)
    except Exception as exc:  # botocore raises many types
        raise _s3_error("make a download link for", config, exc) from None
    return url, time.time() + expires


def upload_video(path: str | Path, config: S3Config, *, sha256: str, expires_s: int | None = None,
                 content_type: str = "video/mp4") -> Uploaded:
    """Upload ``path`` (unless an object with its content is already there) and presign a GET URL for it."""
    path = Path(path)
    key = object_key(config, sha256, path.suffix.lower() or ".mp4")
    client = _client(config)
    reused = False
    try:
        head = client.head_object(Bucket=config.bucket, Key=key)
        reused = int(head.get("ContentLength", -1)) == path.stat().st_size
    except Exception:
        reused = False
    if not reused:
        try:
            client.upload_file(str(path), config.bucket, key, ExtraArgs={"ContentType": content_type})
        except Exception as exc:
            raise _s3_error("upload the video to", config, exc) from None
    url, expires_at = presign(config, key, expires_s)
    return Uploaded(url=url, bucket=config.bucket, key=key, expires_at=expires_at, reused=reused)


def _s3_error(action: str, config: S3Config, exc: Exception) -> RemoteError:
    where = f"bucket '{config.bucket}'" + (f" at {config.endpoint_url}" if config.endpoint_url else "")
    detail = redact(f"{exc.__class__.__name__}: {exc}", config.secrets)
    hint = "check the bucket name, region, endpoint and keys"
    text = str(exc)
    if "NoSuchBucket" in text:
        hint = "the bucket does not exist: create it or fix MOTION_TRANSFER_S3_BUCKET"
    elif any(w in text for w in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Credentials")):
        hint = "the storage keys are wrong or lack write permission on the bucket"
    elif "Could not connect" in text or "EndpointConnectionError" in text:
        hint = "the endpoint cannot be reached: check MOTION_TRANSFER_S3_ENDPOINT and the network"
    return RemoteError(f"could not {action} {where} ({detail}). Fix: {hint}; or pass --video-url instead.")

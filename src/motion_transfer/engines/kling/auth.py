"""Kling credentials and the JWT that carries them.

Kling's API authenticates each request with a short-lived JWT (HS256) signed with the **secret key**, whose ``iss``
claim is the **access key**. ``TokenSource`` makes one, keeps it, and makes a new one well before it expires, so
a poll that lasts hours never sends a stale token.

Keys come from ``KLING_ACCESS_KEY`` / ``KLING_SECRET_KEY`` or from the ``[kling]`` section of the config file
(``$MOTION_TRANSFER_CONFIG``, else ``$XDG_CONFIG_HOME/motion-transfer/config.ini``, else
``~/.config/motion-transfer/config.ini``). They are never printed: ``Credentials`` hides them in its ``repr``,
and ``redact`` removes them (and anything that looks like a token or a presigned-URL signature) from any text
that is about to be shown, logged or stored.
"""
from __future__ import annotations

import base64
import configparser
import hashlib
import hmac
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ...errors import ConfigError

TOKEN_TTL_S = 1800  # exp = now + 30 min (Kling's documented value)
NOT_BEFORE_SKEW_S = 5  # nbf = now - 5 s, so a server clock slightly behind ours accepts the token
RENEW_MARGIN_S = 300  # make a new token when the current one has less than this left


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the optional config file lives (it need not exist)."""
    env = os.environ if env is None else env
    if env.get("MOTION_TRANSFER_CONFIG"):
        return Path(env["MOTION_TRANSFER_CONFIG"]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "motion-transfer" / "config.ini"


def read_config_section(section: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``[section]`` of the config file as a dict (empty when the file or section is absent)."""
    path = config_path(env)
    if not path.is_file():
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as exc:
        raise ConfigError(f"{path}: the config file cannot be parsed ({exc.__class__.__name__}). "
                          "Fix: it is an INI file, e.g. '[kling]' then 'access_key = ...' on the next line.") from exc
    return dict(parser[section]) if parser.has_section(section) else {}


@dataclass(frozen=True)
class Credentials:
    """An access key / secret key pair. ``repr`` never shows them."""

    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    source: str = "environment"

    def __repr__(self) -> str:  # dataclass(repr=False) fields would still show the class; be explicit
        return f"Credentials(source={self.source!r}, access_key=<hidden>, secret_key=<hidden>)"

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.access_key, self.secret_key)


def load_credentials(env: Mapping[str, str] | None = None) -> Credentials:
    """Keys from the environment, else the config file; a ``ConfigError`` saying what to set when absent."""
    env = os.environ if env is None else env
    ak, sk = env.get("KLING_ACCESS_KEY", "").strip(), env.get("KLING_SECRET_KEY", "").strip()
    if ak and sk:
        return Credentials(ak, sk, "environment")
    section = read_config_section("kling", env)
    ak = ak or section.get("access_key", "").strip()
    sk = sk or section.get("secret_key", "").strip()
    if ak and sk:
        return Credentials(ak, sk, str(config_path(env)))
    missing = [name for name, value in (("KLING_ACCESS_KEY", ak), ("KLING_SECRET_KEY", sk)) if not value]
    raise ConfigError(
        f"the kling engine needs your Kling API keys, and {' and '.join(missing)} "
        f"{'is' if len(missing) == 1 else 'are'} not set. Fix: export KLING_ACCESS_KEY=... and "
        f"KLING_SECRET_KEY=... (from https://app.klingai.com/global/dev -> API keys), or put them in "
        f"{config_path(env)} under [kling] as access_key = ... and secret_key = ...")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(access_key: str, secret_key: str, *, now: float | None = None, ttl_s: int = TOKEN_TTL_S) -> str:
    """An HS256 JWT: header ``{"alg": "HS256", "typ": "JWT"}``, claims ``iss``, ``exp`` = now + ttl,
    ``nbf`` = now - 5."""
    now = time.time() if now is None else now
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {"iss": access_key, "exp": int(now) + ttl_s, "nbf": int(now) - NOT_BEFORE_SKEW_S}
    signing_input = (_b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                     + _b64url(json.dumps(claims, separators=(",", ":")).encode()))
    signature = hmac.new(secret_key.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + _b64url(signature)


class TokenSource:
    """Hands out a valid token, renewing it ``renew_margin_s`` before it expires (thread-safe).

    ``clock`` is wall-clock seconds (``time.time``); tests pass a fake one to cross an expiry without waiting.
    """

    def __init__(self, credentials: Credentials, *, clock: Callable[[], float] = time.time,
                 ttl_s: int = TOKEN_TTL_S, renew_margin_s: int = RENEW_MARGIN_S) -> None:
        self._creds = credentials
        self._clock = clock
        self._ttl = ttl_s
        self._margin = min(renew_margin_s, ttl_s // 2)
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()
        self.issued = 0  # how many tokens were made (tests and the bench read it)
        self._old_tokens: list[str] = []

    def __repr__(self) -> str:
        return f"TokenSource({self._creds!r}, issued={self.issued})"

    def token(self, *, force_new: bool = False) -> str:
        with self._lock:
            now = self._clock()
            if force_new or self._token is None or now >= self._expires - self._margin:
                if self._token:
                    self._old_tokens = (self._old_tokens + [self._token])[-8:]
                self._token = make_jwt(self._creds.access_key, self._creds.secret_key, now=now, ttl_s=self._ttl)
                self._expires = int(now) + self._ttl
                self.issued += 1
            return self._token

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every string that must never be shown: the keys and the tokens made from them."""
        tokens = tuple(t for t in [self._token, *self._old_tokens] if t)
        return self._creds.secrets + tokens


_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]+")
_JWT = re.compile(r"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}")
_AMZ = re.compile(r"(?i)(X-Amz-(?:Credential|Signature|Security-Token)=)[^&\s\"']+")
_AWS_SIG2 = re.compile(r"(?i)((?:AWSAccessKeyId|Signature)=)[^&\s\"']+")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every given secret, bearer token, JWT and presigned-URL credential replaced by ``<hidden>``."""
    if not text:
        return text
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "<hidden>")
    text = _BEARER.sub(r"\1<hidden>", text)
    text = _JWT.sub("<hidden-token>", text)
    text = _AMZ.sub(r"\1<hidden>", text)
    text = _AWS_SIG2.sub(r"\1<hidden>", text)
    return text


def strip_query(url: str) -> str:
    """A URL without its query string (presigned URLs carry credentials there)."""
    return url.split("?", 1)[0]

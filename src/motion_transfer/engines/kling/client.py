"""Kling's HTTP API, spoken with the standard library: submit, query, list, download.

Every answer is turned into either data or an exception from ``motion_transfer.errors`` whose text is a sentence
for a person (which key, which parameter, what to do). Retries:

* HTTP 429 and codes 1302 (rate limit) / 1303 (concurrency or QPS over the package): exponential backoff with
  jitter, never shorter than the server's ``Retry-After``; such a request was refused, so retrying it is safe.
* 5xx and codes 5000-5002 and network faults: a bounded number of retries for reads. For the *create* request
  they are ambiguous (the task may exist), so ``create_task`` raises ``SubmitUncertain`` and the caller looks the
  task up by its ``external_task_id`` before it ever submits again.
* auth (1000-1004), account (1100-1103), parameter (1200-1201), policy (1300-1301): stop at once. The one
  exception is an expired / not-yet-valid token (1003/1004), which gets exactly one retry with a fresh token.

The bearer token is sent only to the API host, never to the result-video URLs (a CDN).
"""
from __future__ import annotations

import email.utils
import errno
import http.client
import json
import os
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from ...errors import (
    ConfigError,
    RemoteAccountError,
    RemoteAuthError,
    RemoteError,
    RemoteParameterError,
    RemotePolicyError,
    RateLimited,
    SubmitUncertain,
    TaskNotFound,
)
from ...loopback import is_loopback
from .auth import TokenSource, read_config_section, redact

DEFAULT_API_BASE = "https://api-singapore.klingai.com"
REGIONS = {
    "global": "https://api-singapore.klingai.com",
    "singapore": "https://api-singapore.klingai.com",
    "sg": "https://api-singapore.klingai.com",
    "cn": "https://api-beijing.klingai.com",
    "china": "https://api-beijing.klingai.com",
    "beijing": "https://api-beijing.klingai.com",
}
TASK_PATH = "/v1/videos/motion-control"
USER_AGENT = "motion-transfer-kling/0.1 (+python urllib)"

AUTH_CODES = range(1000, 1005)
ACCOUNT_CODES = range(1100, 1104)
PARAMETER_CODES = (1200, 1201)
POLICY_CODES = (1300, 1301)
RATE_CODES = (1302, 1303)
SERVER_CODES = (5000, 5001, 5002)
# OS errors of the local file a download writes into (full disk, quota, read-only, permission, size limit).
LOCAL_WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG)
# The fields of the create request, so a 1200/1201 message can be turned into "Kling refused <field>".
REQUEST_FIELDS = ("model_name", "prompt", "image_url", "video_url", "character_orientation", "mode",
                  "keep_original_sound", "callback_url", "external_task_id", "element_list", "watermark_info")


def resolve_api_base(option: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """``--api-base`` (URL or region name: global / cn), else ``KLING_API_BASE``, else the config file, else global."""
    env = os.environ if env is None else env
    value = (option or env.get("KLING_API_BASE") or "").strip()
    if not value:
        section = read_config_section("kling", env)
        value = (section.get("api_base") or section.get("region") or "").strip()
    if not value:
        return DEFAULT_API_BASE
    if value.lower() in REGIONS:
        return REGIONS[value.lower()]
    parsed = urllib.parse.urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"the Kling API base '{value}' is not a URL or a region name. Fix: use 'global' "
                          f"({REGIONS['global']}), 'cn' ({REGIONS['cn']}) or a full https:// URL.")
    return value.rstrip("/")


def is_local_url(url: str) -> bool:
    """The URL's host is this computer (a local test server: no proxy in between)."""
    return is_loopback(urllib.parse.urlparse(url).hostname or "")


@dataclass
class RetryPolicy:
    """Backoff settings. All delays are seconds; tests shrink them, users rarely need to."""

    rate_base_s: float = 1.0  # first wait after 429 / 1302 / 1303 (1303 needs at least 1 s)
    rate_max_s: float = 60.0
    rate_attempts: int = 12  # about ten minutes of patience in total
    server_base_s: float = 1.0
    server_max_s: float = 30.0
    server_attempts: int = 4  # retries of a read after 5xx / 5000-5002 / network faults
    retry_after_max_s: float = 600.0  # a Retry-After beyond this is capped (a broken header must not hang us)
    download_attempts: int = 6

    @classmethod
    def fast(cls) -> "RetryPolicy":
        """Millisecond waits, for tests and the bench against the fake server."""
        return cls(rate_base_s=0.005, rate_max_s=0.05, server_base_s=0.005, server_max_s=0.05,
                   retry_after_max_s=0.05)


@dataclass
class ClientStats:
    requests: int = 0
    rate_limited: int = 0  # answers 429 / 1302 / 1303 seen
    server_errors: int = 0  # answers 5xx / 5000-5002 seen
    network_errors: int = 0
    token_renewals: int = 0  # forced renewals after 1003 / 1004
    slept_s: float = 0.0  # time spent waiting in backoff (not server time)
    waits: list = field(default_factory=list)  # (reason, seconds) per backoff


class KlingClient:
    """One API base and one set of keys. ``sleep``/``rng`` are injectable so tests never wait for real."""

    def __init__(
        self,
        api_base: str,
        tokens: TokenSource,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        on_wait: Callable[[str, float], None] | None = None,
        extra_secrets: tuple[str, ...] = (),
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.tokens = tokens
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng
        self.on_wait = on_wait
        self.extra_secrets = extra_secrets
        self.stats = ClientStats()
        handlers = [urllib.request.ProxyHandler({})] if is_local_url(self.api_base) else []
        self._opener = urllib.request.build_opener(*handlers)

    def __repr__(self) -> str:
        return f"KlingClient({self.api_base!r})"

    # ------------------------------------------------------------------ public calls
    def create_task(self, body: dict) -> dict:
        """POST the task; returns ``data`` (``task_id``, ``task_status``, ...).

        Raises ``SubmitUncertain`` when the answer was lost or was a server error: the task may exist, so look it
        up by ``external_task_id`` (``find_task``) before submitting again.
        """
        return self._call("POST", TASK_PATH, body, idempotent=False)["data"]

    def get_task(self, task_id: str) -> dict:
        """GET one task by Kling's ``task_id`` or by our ``external_task_id`` (the API accepts either)."""
        return self._call("GET", f"{TASK_PATH}/{urllib.parse.quote(task_id, safe='')}", None,
                          idempotent=True, lookup=True)["data"]

    def find_task(self, external_task_id: str) -> dict | None:
        """The task created with this ``external_task_id``, or None when Kling has none."""
        try:
            return self.get_task(external_task_id)
        except TaskNotFound:
            return None

    def list_tasks(self, page: int = 1, size: int = 30) -> list[dict]:
        data = self._call("GET", f"{TASK_PATH}?pageNum={int(page)}&pageSize={int(size)}", None,
                          idempotent=True)["data"]
        return data if isinstance(data, list) else list(data or [])

    def download(self, url: str, dest: Path, *, progress: Callable[[int, int], None] | None = None) -> int:
        """Fetch ``url`` into ``dest`` (overwritten), resuming with HTTP ranges after a cut; returns the byte count.

        A transfer shorter than its ``Content-Length`` is never accepted as complete.
        """
        dest = Path(dest)
        attempts = 0
        total: int | None = None
        with open(dest, "wb") as fh:
            while True:
                have = fh.tell()
                headers = {"User-Agent": USER_AGENT}
                if have:
                    headers["Range"] = f"bytes={have}-"
                req = urllib.request.Request(url, headers=headers)  # no Authorization: the CDN is not Kling's API
                opener = (urllib.request.build_opener(urllib.request.ProxyHandler({}))
                          if is_local_url(url) else self._opener)
                try:
                    with opener.open(req, timeout=max(self.timeout, 60.0)) as resp:
                        status = resp.status
                        length = resp.headers.get("Content-Length")
                        if have and status != 206:  # server ignored the range: start over
                            fh.seek(0)
                            fh.truncate()
                            have = 0
                        if status == 206:
                            crange = resp.headers.get("Content-Range", "")
                            m = re.search(r"/(\d+)$", crange)
                            total = int(m.group(1)) if m else total
                        elif length is not None:
                            total = int(length)
                        while True:
                            chunk = resp.read(1 << 16)
                            if not chunk:
                                break
                            fh.write(chunk)
                            if progress:
                                progress(fh.tell(), total or 0)
                    if total is None or fh.tell() >= total:
                        fh.flush()
                        os.fsync(fh.fileno())
                        return fh.tell()
                    raise http.client.IncompleteRead(b"", total - fh.tell())
                except urllib.error.HTTPError as exc:
                    if exc.code in (403, 404, 410):
                        raise RemoteError(
                            f"the result video is no longer available at Kling's CDN (HTTP {exc.code}). Kling "
                            "deletes results after 30 days; if the task is recent, run 'motion-transfer jobs "
                            "resume' again to fetch a fresh link.", http_status=exc.code) from None
                    err: Exception = exc
                except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                    if getattr(exc, "errno", None) in LOCAL_WRITE_ERRNOS:
                        raise  # our disk, not the network: retrying cannot help (the caller names the file)
                    err = exc
                attempts += 1
                self.stats.network_errors += 1
                if attempts >= self.retry.download_attempts:
                    raise RemoteError(
                        f"the result video download failed {attempts} times (last: {self._describe(err)}; "
                        f"{fh.tell()} of {total or '?'} bytes). The task is finished and stays in the job store: "
                        "run 'motion-transfer jobs resume' to try the download again.") from None
                self._wait("download interrupted", self._backoff(attempts - 1, self.retry.server_base_s,
                                                                 self.retry.server_max_s))

    # ------------------------------------------------------------------ the request loop
    def _call(self, method: str, path: str, body: dict | None, *, idempotent: bool, lookup: bool = False) -> dict:
        rate_tries = server_tries = 0
        renewed = False
        while True:
            try:
                status, headers, payload = self._send(method, path, body)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                self.stats.network_errors += 1
                if not idempotent:
                    raise SubmitUncertain(
                        f"the connection to Kling failed while submitting ({self._describe(exc)}); the task may "
                        "or may not have been created.") from None
                server_tries += 1
                if server_tries > self.retry.server_attempts:
                    raise RemoteError(
                        f"Kling could not be reached at {self.api_base} after {server_tries} tries "
                        f"({self._describe(exc)}). Fix: check the network connection (and KLING_API_BASE / "
                        "--api-base); the job stays in the store, so 'motion-transfer jobs resume' continues "
                        "it later.") from None
                self._wait("network error", self._backoff(server_tries - 1, self.retry.server_base_s,
                                                          self.retry.server_max_s))
                continue
            code = payload.get("code") if isinstance(payload, dict) else None
            try:
                code = int(code) if code is not None else None
            except (TypeError, ValueError):
                code = None
            if status < 400 and code == 0:
                if "data" not in payload:
                    payload["data"] = {}
                return payload
            message = str(payload.get("message") or "") if isinstance(payload, dict) else ""
            request_id = str(payload.get("request_id") or "") if isinstance(payload, dict) else ""

            if code in (1003, 1004) and not renewed:
                renewed = True
                self.stats.token_renewals += 1
                self.tokens.token(force_new=True)
                continue
            if code in RATE_CODES or (status == 429 and code is None):
                self.stats.rate_limited += 1
                rate_tries += 1
                if rate_tries > self.retry.rate_attempts:
                    raise RateLimited(self._sentence(code, status, message, request_id, rate_tries=rate_tries),
                                      code=code, http_status=status)
                delay = self._backoff(rate_tries - 1, self.retry.rate_base_s, self.retry.rate_max_s)
                retry_after = _retry_after(headers)
                if retry_after is not None:
                    delay = max(delay, min(retry_after, self.retry.retry_after_max_s))
                self._wait(f"rate limited (code {code or status})", delay)
                continue
            if code in SERVER_CODES or (status >= 500 and (code is None or code not in _STOP_CODES)):
                self.stats.server_errors += 1
                if not idempotent:
                    raise SubmitUncertain(
                        f"Kling answered the submit with a server error (HTTP {status}, code {code}); the task "
                        "may or may not have been created.", code=code, http_status=status)
                server_tries += 1
                if server_tries > self.retry.server_attempts:
                    raise RemoteError(self._sentence(code, status, message, request_id, tries=server_tries),
                                      code=code, http_status=status)
                self._wait(f"server error (code {code or status})", self._backoff(
                    server_tries - 1, self.retry.server_base_s, self.retry.server_max_s))
                continue
            if lookup and (status == 404 or (code in PARAMETER_CODES and _looks_not_found(message))):
                raise TaskNotFound(f"Kling has no task with id '{path.rsplit('/', 1)[-1]}' ({message or status}).",
                                   code=code, http_status=status)
            raise self._error(code, status, message, request_id)

    def _send(self, method: str, path: str, body: dict | None) -> tuple[int, Mapping[str, str], Any]:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        req = urllib.request.Request(self.api_base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.tokens.token()}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        })
        self.stats.requests += 1
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                raw = resp.read()
                status, headers = resp.status, resp.headers
        except urllib.error.HTTPError as exc:
            try:
                raw = exc.read()
            except (http.client.HTTPException, OSError):
                raw = b""
            status, headers = exc.code, exc.headers or {}
        try:
            payload = json.loads(raw.decode("utf-8")) if raw else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            if status < 400:
                raise http.client.HTTPException(f"Kling sent a non-JSON answer (HTTP {status})") from None
            payload = {"message": raw[:200].decode("utf-8", "replace")}
        if not isinstance(payload, dict):
            payload = {"message": str(payload)[:200]}
        return status, headers, payload

    # ------------------------------------------------------------------ helpers
    def _backoff(self, attempt: int, base: float, cap: float) -> float:
        """Exponential backoff with jitter above, never below: base * 2**attempt (capped) up to 1.5 times that.

        The jitter only lengthens a wait, because a floor can be a rule (1303 needs at least 1 s between tries).
        """
        delay = min(cap, base * (2 ** attempt))
        return min(cap, delay * (1.0 + 0.5 * self._rng()))

    def _wait(self, reason: str, seconds: float) -> None:
        self.stats.slept_s += seconds
        self.stats.waits.append((reason, round(seconds, 4)))
        if self.on_wait:
            self.on_wait(reason, seconds)
        self._sleep(seconds)

    def _describe(self, exc: BaseException) -> str:
        text = str(getattr(exc, "reason", "") or exc) or exc.__class__.__name__
        return redact(f"{exc.__class__.__name__}: {text}", self._secrets())

    def _secrets(self) -> tuple[str, ...]:
        return tuple(self.tokens.secrets) + tuple(self.extra_secrets)

    def _error(self, code: int | None, status: int, message: str, request_id: str) -> RemoteError:
        sentence = self._sentence(code, status, message, request_id)
        if code in AUTH_CODES or (code is None and status in (401,)):
            return RemoteAuthError(sentence, code=code, http_status=status)
        if code in ACCOUNT_CODES or (code is None and status == 403):
            return RemoteAccountError(sentence, code=code, http_status=status)
        if code in PARAMETER_CODES or (code is None and status == 400):
            return RemoteParameterError(sentence, code=code, http_status=status)
        if code in POLICY_CODES:
            return RemotePolicyError(sentence, code=code, http_status=status)
        return RemoteError(sentence, code=code, http_status=status)

    def _sentence(self, code: int | None, status: int, message: str, request_id: str, *,
                  tries: int = 0, rate_tries: int = 0) -> str:
        said = f": \"{message}\"" if message else ""
        ref = f" (Kling request id {request_id})" if request_id else ""
        keys = ("Fix: check KLING_ACCESS_KEY and KLING_SECRET_KEY (or [kling] in the config file): they must be "
                "the access key and secret key of one API key pair from Kling's developer console.")
        if code == 1000:
            text = f"Kling refused the authentication (code 1000{said}). {keys}"
        elif code == 1001:
            text = f"Kling received no authorization (code 1001{said}). {keys}"
        elif code == 1002:
            text = (f"Kling says the signed token is invalid (code 1002{said}): the access key or the secret key "
                    f"is wrong, or they belong to different key pairs. {keys}")
        elif code == 1003:
            text = (f"Kling says the token is not valid yet (code 1003{said}) even with a fresh one: this "
                    "computer's clock is ahead of the real time. Fix: synchronise the system clock (NTP).")
        elif code == 1004:
            text = (f"Kling says the token has expired (code 1004{said}) even with a fresh one: this computer's "
                    "clock is behind the real time. Fix: synchronise the system clock (NTP).")
        elif code == 1100:
            text = (f"Kling reports a problem with your account (code 1100{said}). Fix: sign in to Kling's "
                    "developer console and check the account's status.")
        elif code == 1101:
            text = (f"Your Kling account is in arrears (code 1101{said}). Fix: settle the balance in Kling's "
                    "developer console; nothing was submitted.")
        elif code == 1102:
            text = (f"Your Kling resource package is used up or has expired (code 1102{said}). Fix: buy or renew a "
                    "package in Kling's developer console; nothing was submitted.")
        elif code == 1103:
            text = (f"Your Kling account has no permission for this resource or model (code 1103{said}). Fix: "
                    "check that your package includes Motion Control for the chosen --model (try kling-v2-6).")
        elif code in PARAMETER_CODES:
            named = [f for f in REQUEST_FIELDS if f in message]
            what = f" the parameter '{named[0]}'" if named else " a request parameter"
            text = (f"Kling refused{what} (code {code}{said}). Fix: check that value; the inputs were checked "
                    "against Kling's documented limits before sending, so this limit may be new.")
        elif code in POLICY_CODES:
            text = (f"Kling's content policy refused the request (code {code}{said}). Fix: change the image, the "
                    "video or the prompt; resubmitting the same inputs will be refused again.")
        elif code in RATE_CODES or status == 429:
            what = ("too many tasks are running at once for your package" if code == 1303
                    else "too many requests were sent")
            text = (f"Kling kept refusing because {what} (code {code or 429}{said}), {rate_tries} times in a row. "
                    "Fix: wait for your other tasks to finish, lower --concurrency, or raise your package's limit; "
                    "'motion-transfer jobs resume' continues this job.")
        elif code in SERVER_CODES or status >= 500:
            text = (f"Kling's servers failed {tries} times in a row (HTTP {status}, code {code}{said}). Fix: try "
                    "again later with 'motion-transfer jobs resume'; Kling's status page may explain.")
        else:
            text = f"Kling answered HTTP {status}, code {code}{said}."
        return redact(text + ref, self._secrets())


_STOP_CODES = set(AUTH_CODES) | set(ACCOUNT_CODES) | set(PARAMETER_CODES) | set(POLICY_CODES)


def _looks_not_found(message: str) -> bool:
    m = message.lower()
    return any(w in m for w in ("not found", "not exist", "no such", "does not exist", "不存在"))


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After") if headers else None
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


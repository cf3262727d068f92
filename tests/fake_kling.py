"""A fake Kling Motion Control API on 127.0.0.1, for tests and the bench. No test ever touches the real API.

It speaks the documented shapes (``POST /v1/videos/motion-control``, ``GET .../{task_id | external_task_id}``,
the list endpoint, ``{"code", "message", "request_id", "data"}`` envelopes, Kling's error codes), verifies every
request's JWT (HS256 signature with the secret key, ``iss`` = access key, ``nbf`` <= now < ``exp``), counts the
tasks it creates, serves result MP4s (with HTTP ranges), and injects faults on demand:

=========================  ===========================================================================
switch                     effect
=========================  ===========================================================================
``rate_limit_burst = n``   the next n API requests get HTTP 429, code ``rate_code`` (1302), ``Retry-After``
``server_error_burst = n`` the next n API requests get HTTP ``server_status`` (500), code 5000
``drop_submit = n``        the next n creates make the task, then close the connection without an answer
``cut_download = n``       the next n downloads send half the bytes, then close
``fail_message = "..."``   tasks fail with this ``task_status_msg`` (e.g. a policy message)
``reject_create = (c, m)`` creates are refused with code c, message m (1102 balance, 1301 policy, ...)
``polls_to_finish = n``    a task reports ``succeed`` on its n-th query (``processing`` before)
``hold = True``            tasks stay ``processing`` until it is False again
``concurrency_limit = k``  a create while k tasks are unfinished gets 429 / code 1303
``on_create = fn``          called with each new task (tests switch faults on at that exact moment)
``token_ttl_max = s``      tokens whose exp - nbf exceeds s are refused (not used by default)
=========================  ===========================================================================

``clock`` (wall seconds) is injectable so a test can move time past a token's expiry without waiting.
Fixtures for tests are at the bottom (import them into a test module; conftest.py is shared with others).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlparse

ACCESS_KEY = "AKfake0123456789abcdef"
SECRET_KEY = "SKfake-very-secret-0123456789abcdefghij"
TASK_PATH = "/v1/videos/motion-control"


def make_mp4(path: str | Path, width: int = 1280, height: int = 720, seconds: float = 1.0, fps: int = 10,
             audio: bool = False) -> Path:
    """A small H.264 MP4 of moving colour frames (PyAV only)."""
    import av
    import numpy as np

    path = Path(path)
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "35"}
        astream = out.add_stream("aac", rate=48000) if audio else None
        n = max(1, int(round(seconds * fps)))
        for i in range(n):
            img = np.zeros((height, width, 3), np.uint8)
            img[:, :, 0] = (i * 37) % 255
            img[height // 4: 3 * height // 4, width // 3: 2 * width // 3, 1] = 200
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            for p in stream.encode(frame):
                out.mux(p)
        for p in stream.encode(None):
            out.mux(p)
        if astream is not None:
            samples = int(seconds * 48000)
            t = np.arange(samples) / 48000.0
            wave = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            for i in range(0, samples, 1024):
                chunk = np.ascontiguousarray(np.stack([wave[i:i + 1024]] * 2))
                af = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                af.sample_rate = 48000
                af.pts = i
                for p in astream.encode(af):
                    out.mux(p)
            for p in astream.encode(None):
                out.mux(p)
    return path


def make_png(path: str | Path, width: int = 400, height: int = 600) -> Path:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (width, height), (230, 230, 240))
    d = ImageDraw.Draw(im)
    d.ellipse((width * 0.4, height * 0.1, width * 0.6, height * 0.25), fill=(200, 150, 120))
    d.rectangle((width * 0.35, height * 0.25, width * 0.65, height * 0.6), fill=(40, 80, 160))
    im.save(path)
    return Path(path)


class FakeTime:
    """A clock that ``sleep`` moves forward instantly (recording each wait); share it with the fake server to
    cross token expiries without waiting. ``real_pause`` keeps loops from spinning hot."""

    def __init__(self, start: float | None = None, real_pause: float = 0.001) -> None:
        self.now = time.time() if start is None else start
        self.slept: list[float] = []
        self.real_pause = real_pause
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds
        time.sleep(self.real_pause)


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FakeKling:
    def __init__(self, *, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY,
                 result_video: bytes | None = None, clock: Callable[[], float] = time.time,
                 polls_to_finish: int = 2, result_duration: str = "1.0", unit_deduction: str = "5") -> None:
        self.access_key, self.secret_key = access_key, secret_key
        self.clock = clock
        self.result_video = result_video or b""
        self.result_duration = result_duration
        self.unit_deduction = unit_deduction
        self.lock = threading.RLock()
        self.tasks: dict[str, dict] = {}
        self.by_external: dict[str, str] = {}
        # counters
        self.created = 0
        self.create_bodies: list[dict] = []  # bodies without the image (tests look at fields)
        self.log: list[tuple[str, str, int, int]] = []  # (method, path, http status, code)
        self.tokens_seen: set[str] = set()
        self.auth_failures: list[int] = []
        self.downloads_started = 0
        self.downloads_completed = 0
        self.downloaded_tasks: list[str] = []
        self.rate_limited_sent = 0
        self.concurrency_refused = 0
        self.server_time = 0.0
        self.max_active = 0
        # fault switches
        self.rate_limit_burst = 0
        self.rate_code = 1302
        self.retry_after: str | None = "1"
        self.server_error_burst = 0
        self.server_status = 500
        self.server_code = 5000
        self.drop_submit = 0
        self.cut_download = 0
        self.fail_message: str | None = None
        self.reject_create: tuple[int, str] | None = None
        self.polls_to_finish = polls_to_finish
        self.hold = False
        self.concurrency_limit: int | None = None
        self.on_create: Callable[[dict], None] | None = None  # called (under the lock) after a task is created
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "FakeKling":
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True, name="fake-kling")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeKling":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------ state helpers
    def active(self) -> int:
        return sum(1 for t in self.tasks.values() if t["status"] in ("submitted", "processing"))

    def task_for(self, ref: str) -> dict | None:
        if ref in self.tasks:
            return self.tasks[ref]
        tid = self.by_external.get(ref)
        return self.tasks.get(tid) if tid else None

    def finish_all(self) -> None:
        with self.lock:
            self.hold = False
            for t in self.tasks.values():
                t["polls"] = max(t["polls"], self.polls_to_finish)

    def check_token(self, header: str | None) -> int:
        """0 when the token is good, else Kling's code (1001 empty, 1002 invalid, 1003 not yet valid, 1004 expired)."""
        if not header or not header.startswith("Bearer "):
            return 1001
        token = header[7:].strip()
        parts = token.split(".")
        if len(parts) != 3:
            return 1002
        try:
            head = json.loads(_b64url_decode(parts[0]))
            claims = json.loads(_b64url_decode(parts[1]))
            sig = _b64url_decode(parts[2])
        except (ValueError, json.JSONDecodeError):
            return 1002
        if head.get("alg") != "HS256":
            return 1002
        want = hmac.new(self.secret_key.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(want, sig) or claims.get("iss") != self.access_key:
            return 1002
        now = self.clock()
        if "nbf" not in claims or "exp" not in claims:
            return 1002
        if now < claims["nbf"]:
            return 1003
        if now >= claims["exp"]:
            return 1004
        self.tokens_seen.add(token)
        return 0


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeKling
    protocol_version = "HTTP/1.0"

    def log_message(self, *args) -> None:  # quiet
        pass

    # ------------------------------------------------------------------ plumbing
    def _json(self, status: int, code: int, message: str = "SUCCEED", data=None, headers=None) -> None:
        body = json.dumps({"code": code, "message": message, "request_id": uuid.uuid4().hex,
                           **({"data": data} if data is not None else {})}).encode()
        # logged BEFORE the answer leaves: a client that reads the answer and a test that then reads the log
        # must never see the answer without its log entry (on a busy machine this thread can pause in between)
        self.server_fake.log.append((self.command, self.path, status, code))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _common_faults(self) -> bool:
        f = self.server_fake
        code = f.check_token(self.headers.get("Authorization"))
        if code:
            f.auth_failures.append(code)
            msgs = {1001: "Authorization is empty", 1002: "Authorization is invalid",
                    1003: "Authorization is not yet valid", 1004: "Authorization has expired"}
            self._json(401, code, msgs[code])
            return True
        if f.rate_limit_burst > 0:
            f.rate_limit_burst -= 1
            f.rate_limited_sent += 1
            self._json(429, f.rate_code, "Too many requests" if f.rate_code == 1302 else
                       "Parallel task over resource pack limit",
                       headers={"Retry-After": f.retry_after} if f.retry_after else None)
            return True
        if f.server_error_burst > 0:
            f.server_error_burst -= 1
            self._json(f.server_status, f.server_code, "Internal server error")
            return True
        return False

    def do_POST(self) -> None:  # noqa: N802
        t0 = time.perf_counter()
        f = self.server_fake
        try:
            with f.lock:
                if urlparse(self.path).path != TASK_PATH:
                    return self._json(404, 1200, "Not found")
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self._common_faults():
                    return
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    return self._json(400, 1200, "Invalid JSON body")
                problem = _validate(body)
                if problem:
                    return self._json(400, 1201, problem)
                if f.reject_create:
                    code, msg = f.reject_create
                    status = {1102: 429, 1101: 429, 1103: 403}.get(code, 400)
                    return self._json(status, code, msg)
                ext = body.get("external_task_id")
                if ext and ext in f.by_external:
                    return self._json(400, 1201, "external_task_id already exists")
                if f.concurrency_limit is not None and f.active() >= f.concurrency_limit:
                    f.concurrency_refused += 1
                    return self._json(429, 1303, "Parallel task over resource pack limit",
                                      headers={"Retry-After": "1"})
                now_ms = int(f.clock() * 1000)
                tid = str(800000000000000000 + f.created + 1)
                task = {"task_id": tid, "status": "submitted", "polls": 0, "external_task_id": ext,
                        "created_at": now_ms, "updated_at": now_ms, "fail": f.fail_message, "body": body}
                f.tasks[tid] = task
                if ext:
                    f.by_external[ext] = tid
                f.created += 1
                f.create_bodies.append({k: v for k, v in body.items() if k != "image_url"})
                f.max_active = max(f.max_active, f.active())
                if f.on_create:
                    f.on_create(task)
                if f.drop_submit > 0:
                    f.drop_submit -= 1
                    f.log.append(("POST", self.path, 0, -1))
                    self.close_connection = True
                    return  # the task exists; the client never hears about it
                return self._json(200, 0, "SUCCEED", {
                    "task_id": tid, "task_status": "submitted", "task_info": {"external_task_id": ext or ""},
                    "created_at": now_ms, "updated_at": now_ms})
        finally:
            f.server_time += time.perf_counter() - t0

    def do_GET(self) -> None:  # noqa: N802
        t0 = time.perf_counter()
        f = self.server_fake
        try:
            parsed = urlparse(self.path)
            if parsed.path.startswith("/results/"):
                return self._serve_result(parsed.path)
            with f.lock:
                if parsed.path == TASK_PATH:
                    if self._common_faults():
                        return
                    q = parse_qs(parsed.query)
                    page, size = int(q.get("pageNum", ["1"])[0]), int(q.get("pageSize", ["30"])[0])
                    tasks = sorted(f.tasks.values(), key=lambda t: t["created_at"], reverse=True)
                    chunk = tasks[(page - 1) * size: page * size]
                    return self._json(200, 0, "SUCCEED", [self._task_view(t) for t in chunk])
                if not parsed.path.startswith(TASK_PATH + "/"):
                    return self._json(404, 1200, "Not found")
                if self._common_faults():
                    return
                ref = parsed.path[len(TASK_PATH) + 1:]
                task = f.task_for(ref)
                if task is None:
                    return self._json(404, 1201, "Task not found")
                self._advance(task)
                return self._json(200, 0, "SUCCEED", self._task_view(task))
        finally:
            f.server_time += time.perf_counter() - t0

    # ------------------------------------------------------------------ tasks
    def _advance(self, task: dict) -> None:
        f = self.server_fake
        if task["status"] in ("succeed", "failed"):
            return
        if f.hold:
            task["status"] = "processing"
            return
        task["polls"] += 1
        if task["polls"] >= f.polls_to_finish:
            task["status"] = "failed" if task["fail"] else "succeed"
        else:
            task["status"] = "processing"
        task["updated_at"] = int(f.clock() * 1000)

    def _task_view(self, task: dict) -> dict:
        f = self.server_fake
        view = {"task_id": task["task_id"], "task_status": task["status"], "task_status_msg": "",
                "task_info": {"external_task_id": task["external_task_id"] or ""},
                "created_at": task["created_at"], "updated_at": task["updated_at"]}
        if task["status"] == "failed":
            view["task_status_msg"] = task["fail"]
            view["final_unit_deduction"] = "0"
        if task["status"] == "succeed":
            url = f"{f.base_url}/results/{task['task_id']}.mp4"
            view["task_result"] = {"videos": [{"id": "v" + task["task_id"], "url": url,
                                               "watermark_url": url + "?wm=1", "duration": f.result_duration}]}
            view["final_unit_deduction"] = f.unit_deduction
        return view

    def _serve_result(self, path: str) -> None:
        f = self.server_fake
        tid = path.rsplit("/", 1)[-1].split(".")[0]
        if tid not in f.tasks or f.tasks[tid]["status"] != "succeed":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = f.result_video
        start = 0
        rng = self.headers.get("Range")
        with f.lock:
            f.downloads_started += 1
            cut = f.cut_download > 0
            if cut:
                f.cut_download -= 1
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0] or 0)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        body = data[start:]
        if cut:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        with f.lock:  # counted before the bytes leave, for the same reason as the log in _json
            f.downloads_completed += 1
            f.downloaded_tasks.append(tid)
        self.wfile.write(body)


def _validate(body: dict) -> str | None:
    for name in ("image_url", "video_url", "character_orientation", "mode"):
        if not body.get(name):
            return f"{name} is required"
    if body.get("model_name", "kling-v2-6") not in ("kling-v2-6", "kling-v3"):
        return "model_name is invalid"
    if body["character_orientation"] not in ("image", "video"):
        return "character_orientation must be image or video"
    if body["mode"] not in ("std", "pro"):
        return "mode must be std or pro"
    if body.get("keep_original_sound", "yes") not in ("yes", "no"):
        return "keep_original_sound must be yes or no"
    if len(body.get("prompt", "")) > 2500:
        return "prompt exceeds 2500 characters"
    img = body["image_url"]
    if not img.startswith("http"):
        if img.startswith("data:"):
            return "image_url must be raw base64 without a data: prefix"
        try:
            head = base64.b64decode(img[:64] + "=" * (-len(img[:64]) % 4))
        except ValueError:
            return "image_url is not valid base64"
        if not (head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff")):
            return "image_url must be a JPG or PNG image"
    if not str(body["video_url"]).startswith(("http://", "https://")):
        return "video_url must be a URL"
    return None


# ---------------------------------------------------------------------- pytest fixtures (import in test modules)
try:
    import pytest
except ImportError:  # the bench imports this module without pytest
    pytest = None

if pytest is not None:

    @pytest.fixture(scope="session")
    def kling_media(tmp_path_factory):
        """(image.png 400x600, motion.mp4 360x480 3.2 s with audio, result bytes: 1280x720 3.2 s MP4)."""
        d = tmp_path_factory.mktemp("kling_media")
        image = make_png(d / "character.png")
        video = make_mp4(d / "motion.mp4", 360, 480, seconds=3.2, fps=5, audio=True)
        result = make_mp4(d / "result.mp4", 1280, 720, seconds=3.2, fps=5).read_bytes()
        return image, video, result

    @pytest.fixture
    def fake_kling(kling_media):
        with FakeKling(result_video=kling_media[2], result_duration="3.2") as fake:
            yield fake

    @pytest.fixture
    def kling_env(fake_kling, tmp_path):
        """Environment for an engine pointed at the fake: keys, API base, a private job store, fast polling."""
        return {
            "KLING_ACCESS_KEY": ACCESS_KEY, "KLING_SECRET_KEY": SECRET_KEY,
            "KLING_API_BASE": fake_kling.base_url,
            "MOTION_TRANSFER_JOBS_DB": str(tmp_path / "jobs.sqlite"),
            "MOTION_TRANSFER_KLING_POLL": "0.01,0.01,0.02",
            "MOTION_TRANSFER_KLING_RETRY_SCALE": "0.005",
            "MOTION_TRANSFER_CONFIG": str(tmp_path / "no-config.ini"),
            "HOME": str(tmp_path),
        }

"""The motion cache: a motion video's pose track, kept so the same dance is never tracked twice.

Tracking is the most expensive step of a run, yet it depends only on the video's bytes and the few settings
that shape the track. A second character on the same motion, a rerun after only the image changed, or a ComfyUI
graph re-executed after another node's edit all find the track here and skip pose entirely.

Where: ``$MOTION_TRANSFER_CACHE_DIR``, else ``$XDG_CACHE_HOME/motion-transfer`` (``~/.cache/motion-transfer``).
``$MOTION_TRANSFER_CACHE=off`` turns the cache off for a whole process (servers, ComfyUI);
``$MOTION_TRANSFER_CACHE_MB`` sets the size cap (default 512 MB).

Key: a BLAKE2b hash of the file's content (streamed, so a 100 MB clip costs a fraction of a second and never
sits in memory) plus every setting that changes the result: preset, frame rate, length limit, smoothing, the
inference size, the estimator's and the track file's format versions and the MediaPipe version. Renaming or
copying a clip keeps its entry; changing one byte or one setting makes a new one.

Entries are ``<key>.npz`` track files (see ``track.py``), written to a temp file in the cache folder and renamed
into place, so a reader in another process sees either the whole file or none; two processes writing the same
key both write whole files and the last rename wins. A hit touches the file's modification time, and a write
that takes the folder over its cap removes the least recently used entries first.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Callable, Mapping

from ..errors import InputError
from . import estimator
from .track import FORMAT_VERSION, PoseTrack, load_track, save_track

Progress = Callable[[str, int, int], None]

CACHE_ENV = "MOTION_TRANSFER_CACHE_DIR"
SWITCH_ENV = "MOTION_TRANSFER_CACHE"
CAP_ENV = "MOTION_TRANSFER_CACHE_MB"
DEFAULT_CAP_MB = 512
ENTRY_SUFFIX = ".npz"
# temp files older than this are left over from a killed process, not a write in progress
STALE_TEMP_SECONDS = 3600.0
_CHUNK = 1 << 20


@dataclass(frozen=True)
class TrackSettings:
    """Everything a caller chooses that shapes a tracked video's pose track (see ``estimator.track_video``)."""

    preset: str = "accurate"
    fps: float | None = None
    max_seconds: float | None = None
    smooth: bool = True


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """The cache folder this process uses (not created here)."""
    env = os.environ if env is None else env
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    base = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "motion-transfer"


def cache_enabled(env: Mapping[str, str] | None = None) -> bool:
    """False when ``$MOTION_TRANSFER_CACHE`` is off / 0 / no / false."""
    env = os.environ if env is None else env
    return env.get(SWITCH_ENV, "").strip().lower() not in ("off", "0", "no", "false")


def cap_bytes(env: Mapping[str, str] | None = None) -> int:
    """The size cap in bytes (``$MOTION_TRANSFER_CACHE_MB``, default 512 MB)."""
    env = os.environ if env is None else env
    raw = env.get(CAP_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_CAP_MB
    except ValueError as exc:
        raise InputError(f"${CAP_ENV} must be a number of megabytes.", measured=raw,
                         fix=f"set {CAP_ENV}=512, for example, or unset it.") from exc
    return max(0, int(mb * 1024 * 1024))


def content_hash(path: str | Path) -> str:
    """BLAKE2b of the file's bytes, read in 1 MB chunks (memory stays flat however large the file)."""
    digest = hashlib.blake2b(digest_size=20)
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
    except OSError as exc:
        raise InputError(f"cannot read the video ({exc.strerror or exc}).", file=path,
                         fix="check that the file exists and is readable.") from exc
    return digest.hexdigest()


def shaping_settings(settings: TrackSettings) -> dict:
    """The caller's settings plus the code's own: anything here that changes makes a new key (also the base of
    the key of an analysis made on top of such a track)."""
    try:
        mediapipe = version("mediapipe")
    except PackageNotFoundError:  # pragma: no cover - mediapipe is a hard dependency
        mediapipe = "none"
    return {**asdict(settings), "preset_params": estimator.preset_params(settings.preset),
            "inference_long_side": estimator.INFERENCE_LONG_SIDE, "max_gap": estimator.MAX_GAP_SECONDS,
            "pieces": [estimator.POSE_PIECES, estimator.MIN_PIECE_SECONDS],
            "tracker_version": estimator.TRACKER_VERSION, "track_format": FORMAT_VERSION, "mediapipe": mediapipe}


def cache_key(video: str | Path, settings: TrackSettings | Mapping) -> str:
    """The entry name for ``video`` tracked with ``settings`` (or, for another analysis of the video, a mapping
    of everything that shapes its result, including the analysis's own name and version)."""
    shaped = dict(settings) if isinstance(settings, Mapping) else shaping_settings(settings)
    text = json.dumps(shaped, sort_keys=True, default=str)
    digest = hashlib.blake2b(f"{content_hash(video)}|{text}".encode(), digest_size=20)
    return digest.hexdigest()


@dataclass
class CacheInfo:
    folder: Path
    entries: int
    bytes: int
    cap_bytes: int
    enabled: bool

    def to_dict(self) -> dict:
        return {"folder": str(self.folder), "entries": self.entries, "bytes": self.bytes,
                "cap_bytes": self.cap_bytes, "enabled": self.enabled}


class MotionCache:
    """One cache folder. Safe to share between processes: every file appears whole, by rename."""

    def __init__(self, folder: str | Path | None = None, cap: int | None = None) -> None:
        self.folder = Path(folder) if folder is not None else cache_dir()
        self.cap = cap_bytes() if cap is None else int(cap)

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{ENTRY_SUFFIX}"

    def _entries(self) -> list[tuple[float, int, Path]]:
        """(last use, bytes, path) of every finished entry, oldest use first."""
        out = []
        if not self.folder.is_dir():
            return out
        for path in self.folder.glob(f"*{ENTRY_SUFFIX}"):
            if path.name.startswith("."):
                continue
            try:
                st = path.stat()
            except FileNotFoundError:  # removed by another process meanwhile
                continue
            out.append((st.st_mtime, st.st_size, path))
        out.sort()
        return out

    def get(self, key: str) -> PoseTrack | None:
        """The stored track, or None. A damaged entry is removed and counts as a miss."""
        path = self._path(key)
        try:
            track = load_track(path)
        except InputError:
            if path.exists():
                _unlink(path)
            return None
        try:
            os.utime(path)  # most recently used
        except OSError:
            pass
        return track

    def put(self, key: str, track: PoseTrack) -> Path | None:
        """Store ``track`` (whole, by rename), then trim the folder to its cap. Returns the entry, or None when
        the cache cannot be written (a read-only home must not fail the run)."""
        if self.cap <= 0:
            return None
        try:
            path = save_track(track, self._path(key))
        except (OSError, TypeError, ValueError):  # an unwritable folder, or meta that is not plain JSON
            return None
        self.trim(keep=path)
        return path

    def trim(self, keep: Path | None = None) -> int:
        """Remove least recently used entries until the folder fits its cap; returns how many were removed.

        ``keep`` (the entry just written) goes last, so a single track larger than the cap is still kept until
        the next write."""
        entries = self._entries()
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries, key=lambda e: (e[2] == keep, e[0])):
            if total <= self.cap or path == keep:
                break
            if _unlink(path):
                removed += 1
            total -= size
        self._sweep_temps()
        return removed

    def _sweep_temps(self) -> None:
        """Delete temp files a killed process left behind (never one that may still be being written)."""
        now = time.time()
        for path in self.folder.glob(".tmp-*"):
            try:
                if now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                    path.unlink()
            except OSError:
                continue

    def info(self) -> CacheInfo:
        entries = self._entries()
        return CacheInfo(self.folder, len(entries), sum(size for _, size, _ in entries), self.cap,
                         cache_enabled())

    def clear(self) -> int:
        """Remove every entry (and stale temp files); returns how many entries were removed."""
        removed = sum(_unlink(path) for _, _, path in self._entries())
        if self.folder.is_dir():
            self._sweep_temps()
        return removed


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False


def cached_track(video: str | Path, settings: TrackSettings = TrackSettings(), progress: Progress | None = None,
                 *, use_cache: bool = True, cache: MotionCache | None = None) -> PoseTrack:
    """The pose track of ``video`` tracked with ``settings``: from the cache when this content was tracked the
    same way before, else tracked now and stored.

    ``use_cache=False`` (the CLI's ``--no-cache``) neither reads nor writes the cache; so does
    ``$MOTION_TRANSFER_CACHE=off``. On a hit, ``progress`` gets a single finished "pose" step, and the track's
    ``meta["cache"]`` says "hit" (else "miss" or "off").
    """
    def track_now() -> PoseTrack:
        return estimator.track_video(video, fps=settings.fps, progress=progress, smooth=settings.smooth,
                           max_seconds=settings.max_seconds, preset=settings.preset)

    return cached_analysis(video, settings, track_now, "pose", progress, use_cache=use_cache, cache=cache)


def cached_analysis(video: str | Path, shaping: TrackSettings | Mapping, compute: Callable[[], PoseTrack],
                    stage: str, progress: Progress | None = None, *, use_cache: bool = True,
                    cache: MotionCache | None = None) -> PoseTrack:
    """``compute()``'s result for ``video``, kept in the cache under the video's content and ``shaping``.

    The result is a PoseTrack whose ``meta`` may carry more JSON (the preflight keeps its video-only findings
    there). On a hit ``progress(stage, n, n)`` is called once; ``meta["cache"]`` is "hit", "miss" or "off"."""
    if not (use_cache and cache_enabled()):
        track = compute()
        track.meta["cache"] = "off"
        return track
    cache = cache or MotionCache()
    key = cache_key(video, shaping)
    track = cache.get(key)
    if track is not None:
        track.source = str(video)
        track.meta["cache"] = "hit"
        if progress:
            progress(stage, len(track), len(track))
        return track
    track = compute()
    cache.put(key, track)
    track.meta["cache"] = "miss"
    return track

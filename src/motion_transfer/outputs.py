"""Output locations checked before any work, and late OS errors turned into one sentence.

A render can take minutes; finding out at the end that ``-o`` names the input video, a folder, a read-only
place or a full disk loses all of it (or, worse, the input). Every command that writes calls ``check_output``
first, and the writers turn an ``OSError`` into ``output_error`` so the user reads the path and the cause.
"""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Iterable

from .errors import InputError

# Video containers the writer produces; any other extension would put MP4 bytes under a misleading name.
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov")
# Upper estimate of the result's bitrate per tier (x264 CRF 18 on busy content): enough to refuse a disk that
# clearly cannot hold the result, never so high that a nearly full but sufficient disk is refused.
TIER_BITRATE_BPS = {"std": 8_000_000, "pro": 16_000_000}
SPACE_MARGIN_BYTES = 16 * 1024 * 1024


def estimated_video_bytes(seconds: float, tier: str) -> int:
    """Roughly how large a result of ``seconds`` at ``tier`` becomes (duration x the tier's bitrate)."""
    return int(max(0.0, seconds) * TIER_BITRATE_BPS.get(tier, TIER_BITRATE_BPS["pro"]) / 8)


def _either(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _existing_ancestor(path: Path) -> Path:
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` name one file: equal resolved paths, or the same device and inode (hard links)."""
    a, b = Path(a).expanduser(), Path(b).expanduser()
    if a.resolve() == b.resolve():
        return True
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_output(path: str | Path, *, inputs: Iterable[str | Path | None] = (), what: str = "output",
                 suffixes: tuple[str, ...] | None = None, needs_bytes: int = 0) -> Path:
    """Refuse an output that would overwrite an input, is a folder, cannot be written or cannot fit.

    ``inputs``: files the command reads (None entries are skipped). ``suffixes``: the extensions this output
    may have. ``needs_bytes``: the estimated size; the disk must have at least that much free. Returns ``path``.
    """
    path = Path(path).expanduser()
    for source in inputs:
        if source is not None and same_file(path, source):
            raise InputError(f"the {what} is the same file as the input {source}; writing it would destroy "
                             "the input.", file=path, code="output_is_input",
                             fix=f"choose another {what} name, e.g. {path.with_stem(path.stem + '-out').name}.")
    if path.is_dir():
        raise InputError(f"the {what} is an existing folder, not a file name.", file=path, code="output_is_folder",
                         fix=f"give a file name inside it, e.g. {path / ('result' + (suffixes or ('.mp4',))[0])}.")
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise InputError(f"the {what} must end in {_either(suffixes)} (the file written is "
                         f"{suffixes[0][1:].upper()}), not '{path.suffix or 'no extension'}'.", file=path,
                         code="output_extension", measured=path.suffix, limit=list(suffixes),
                         fix=f"name it {path.with_suffix(suffixes[0]).name}.")
    folder = _existing_ancestor(path)
    if not folder.is_dir():
        raise InputError(f"the {what}'s folder cannot be made: {folder} is a file.", file=path,
                         code="output_folder", fix="choose a path whose folders are folders.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"the {what} cannot be written: the folder {folder} is not writable for you.", file=path,
                         code="output_not_writable", fix="choose a folder you can write to (e.g. your home).")
    if needs_bytes > 0:
        free = shutil.disk_usage(folder).free
        if free < needs_bytes + SPACE_MARGIN_BYTES:
            raise InputError(f"the disk holding {folder} has {free / 1e6:.0f} MB free; the {what} needs about "
                             f"{needs_bytes / 1e6:.0f} MB.", file=path, code="output_no_space",
                             measured=free, limit=needs_bytes + SPACE_MARGIN_BYTES,
                             fix="free some space or write the output to another disk.")
    return path


_CAUSES = {
    errno.ENOSPC: ("the disk is full", "free some space or write the output to another disk."),
    errno.EDQUOT: ("your disk quota is used up", "free some space or write the output to another disk."),
    errno.EACCES: ("permission denied", "choose a folder you can write to."),
    errno.EPERM: ("the operation is not permitted", "choose a folder you can write to."),
    errno.EROFS: ("the file system is read-only", "choose a writable disk."),
    errno.EISDIR: ("it is a folder", "give a file name, not a folder."),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the folders in the path."),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter name."),
    errno.EFBIG: ("the file is too large for this file system", "write to another disk (e.g. not FAT32)."),
}


def output_error(exc: OSError, path: str | Path, what: str = "output", then: str = "") -> InputError:
    """One sentence for an OS error met while writing ``path``: the path, the cause and the fix (exit 2).

    ``then``: what to do after the fix (e.g. resume a paid job instead of paying again).
    """
    cause, fix = _CAUSES.get(exc.errno or 0, (exc.strerror or str(exc), "check the output location."))
    return InputError(f"the {what} could not be written: {cause}; nothing was left behind.", file=path,
                      code="output_write_failed", measured=errno.errorcode.get(exc.errno or 0),
                      fix=f"{fix} {then}".strip())

"""Writing beside the destination and putting the finished temp file in place, so no reader sees half a file.

A temp ("part") file is named ``.NAME.PID.RANDOM.part`` next to ``NAME``: a run killed too hard to clean up
(SIGKILL, power loss) leaves one behind, and the next run to the same output removes the parts whose process
is gone.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def new_part(path: str | Path) -> Path:
    """Create an empty part file for ``path`` (after removing stale ones of the same output) and return it."""
    path = Path(path)
    remove_stale_parts(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".part", dir=path.parent)
    os.close(fd)
    return Path(tmp)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this host (another user's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_parts(path: str | Path) -> list[Path]:
    """Delete part files of ``path`` left by processes that no longer run; returns what was removed."""
    path = Path(path)
    removed = []
    prefix = f".{path.name}."
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".part")]
    except OSError:
        return removed
    for part in candidates:
        pid = part.name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            try:
                part.unlink()
                removed.append(part)
            except OSError:
                pass  # another run removed it first, or the folder forbids it: not this run's business
    return removed


def replace_into_place(tmp: str | Path, path: str | Path) -> None:
    """Rename ``tmp`` over ``path`` after giving it the umask's default permissions.

    ``tempfile.mkstemp`` creates files readable by their owner only (0600); an output video or track written
    that way would not open for another user, a web server or a shared folder.
    """
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)

"""Putting a finished temp file in place of its destination, with the permissions a normal file would get."""
from __future__ import annotations

import os
from pathlib import Path


def replace_into_place(tmp: str | Path, path: str | Path) -> None:
    """Rename ``tmp`` over ``path`` after giving it the umask's default permissions.

    ``tempfile.mkstemp`` creates files readable by their owner only (0600); an output video or track written
    that way would not open for another user, a web server or a shared folder.
    """
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)

"""Whether a host name is this computer: the web app warns when it listens elsewhere (it has no login), and the
Kling client bypasses proxies for a local (test) server."""
from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and any loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

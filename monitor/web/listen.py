"""`http.listen` values: HOST:PORT, and whether a host is loopback."""

from __future__ import annotations

import ipaddress


def split_listen(listen: str) -> tuple[str, int]:
    """
    >>> split_listen("127.0.0.1:8080")
    ('127.0.0.1', 8080)
    >>> split_listen("[::1]:0")
    ('::1', 0)
    """
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


def is_loopback(host: str) -> bool:
    """
    >>> is_loopback("localhost"), is_loopback("127.0.0.2"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

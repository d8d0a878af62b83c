"""Durations ("30s", "10m", "2h", "7d") and sizes ("512KB", "10MB")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")  # a bare number is seconds
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3,
               "kib": 1024, "mib": 1024**2, "gib": 1024**3}


def parse_duration(value: str | int | float) -> timedelta:
    """
    >>> parse_duration("10m")
    datetime.timedelta(seconds=600)
    >>> parse_duration(30)
    datetime.timedelta(seconds=30)
    >>> parse_duration("5")
    datetime.timedelta(seconds=5)
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like 30s, 10m, 2h, got {value!r}")
    if isinstance(value, (int, float)):
        return timedelta(seconds=value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"expected a duration like 30s, 10m, 2h or 7d, got {value!r}")
    return timedelta(seconds=float(m.group(1)) * _DURATION_UNITS[m.group(2) or "s"])


def parse_size(value: str | int) -> int:
    """
    >>> parse_size("10MB")
    10000000
    >>> parse_size("512KiB")
    524288
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a size like 512KB or 10MB, got {value!r}")
    if isinstance(value, int):
        return value
    m = _SIZE.match(str(value))
    if not m:
        raise ValueError(f"expected a size like 512KB or 10MB, got {value!r}")
    return int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "b").lower()])


def format_duration(delta: timedelta) -> str:
    """
    >>> format_duration(timedelta(seconds=5400))
    '1h30m'
    """
    secs = int(delta.total_seconds())
    if secs <= 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if secs >= size:
            parts.append(f"{secs // size}{unit}")
            secs %= size
    return "".join(parts)


def iso(when: datetime | None, timespec: str = "auto") -> str | None:
    """UTC, ISO 8601, with `Z`: how every time is written, for machines (JSON
    of the CLI, the API and webhooks) and in log lines (timespec="seconds").
    The one date formatter: use it, not isoformat().

    >>> iso(datetime(2026, 12, 2, 8, 30, tzinfo=timezone.utc))
    '2026-12-02T08:30:00Z'
    >>> iso(datetime(2026, 12, 2, 8, 30, 5, 250000, tzinfo=timezone.utc), "seconds")
    '2026-12-02T08:30:05Z'
    """
    if when is None:
        return None
    return when.astimezone(timezone.utc).isoformat(timespec=timespec).replace("+00:00", "Z")


def percent(value: float | None) -> str:
    """A share as people read it, in pages and messages: 0.5 -> '50%'; None -> '—'.

    >>> percent(0.5), percent(None)
    ('50%', '—')
    """
    return "—" if value is None else f"{value * 100:.0f}%"

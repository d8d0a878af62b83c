"""The clock is injected: production uses SystemClock, tests a FrozenClock.

`now()` is wall-clock UTC (what is stored and shown); `monotonic()` is the
clock deadlines are measured on (never jumps with NTP or DST).  A FrozenClock
moves both only when told to, so tests of deadlines never wait on real time.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()


class FrozenClock:
    """A clock that moves only when told to.

    >>> c = FrozenClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> c.advance(timedelta(minutes=5)).isoformat()
    '2026-01-01T00:05:00+00:00'
    >>> c.monotonic()
    300.0
    """

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._mono = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        self._mono += delta.total_seconds()
        return self._now

    def set(self, when: datetime) -> None:
        self._mono += max(0.0, (when - self._now).total_seconds())
        self._now = when


def utc(dt: datetime | None) -> datetime | None:
    """Make a datetime aware UTC (SQLite hands naive ones back)."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)

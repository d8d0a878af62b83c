"""Per-host politeness: at most `per_host` requests in flight to one host and
at least `spacing` seconds between the starts of two requests to it.

    HostLimiter        in this process (one process polls: SQLite)
    SharedHostLimiter  in the database, shared by every process (PostgreSQL
                       replicas): a site sees the configured politeness
                       whatever the number of replicas

One limiter belongs to one Fetcher (no module state).  The clock, `sleep`
and, for the shared one, the database calls are injected, so the rules are
tested without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Protocol

_PRUNE_AT = 256  # hosts remembered only for spacing before expired ones are dropped


class Limiter(Protocol):
    def slot(self, host: str) -> AbstractAsyncContextManager[None]: ...


Take = Callable[[str], Awaitable["tuple[int, datetime] | None"]]  # host -> (slot, start at) or None: all taken
Free = Callable[[str, int], Awaitable[None]]


class SharedHostLimiter:
    """Slots and spacing in the database (monitor.store.hosts): `take(host)`
    claims a slot and the next start time, `free(host, slot)` gives it back.
    A host with every slot taken is asked again after a short, growing wait."""

    def __init__(self, take: Take, free: Free, *, now: Callable[[], datetime],
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep, retry: float = 0.05,
                 max_retry: float = 0.5) -> None:
        self._take, self._free, self._now, self._sleep = take, free, now, sleep
        self._retry, self._max_retry = retry, max_retry

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        key, wait = host.lower(), self._retry
        while (taken := await self._take(key)) is None:
            await self._sleep(wait)
            wait = min(wait * 2, self._max_retry)
        number, start = taken
        delay = (start - self._now()).total_seconds()
        try:
            if delay > 0:
                await self._sleep(delay)
            yield
        finally:
            await self._free(key, number)


class HostLimiter:
    def __init__(self, per_host: int, spacing: float, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        if per_host < 1:
            raise ValueError(f"fetch per_host must be at least 1, got {per_host}")
        self._per_host = per_host
        self._spacing = max(0.0, spacing)
        self._monotonic = monotonic
        self._sleep = sleep
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = {}
        self._next_start: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of `host`'s slots; waits for a free slot, then for spacing."""
        key = host.lower()
        sem = self._slots.setdefault(key, asyncio.Semaphore(self._per_host))
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with sem:
                now = self._monotonic()
                start = max(now, self._next_start.get(key, now))
                self._next_start[key] = start + self._spacing  # reserved before awaiting
                if start > now:
                    await self._sleep(start - now)
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # forget idle hosts unless spacing still applies
                del self._users[key], self._slots[key]
                now = self._monotonic()
                if self._next_start.get(key, 0.0) <= now:
                    self._next_start.pop(key, None)
                if len(self._next_start) > _PRUNE_AT:  # many one-off hosts (article links)
                    for stale in [h for h, t in self._next_start.items() if t <= now]:
                        del self._next_start[stale]

    def tracked_hosts(self) -> int:
        """How many hosts have state (for tests and metrics)."""
        return len(set(self._slots) | set(self._next_start))

"""Per-host politeness: at most `per_host` requests in flight to one host and
at least `spacing` seconds between the starts of two requests to it.

One HostLimiter belongs to one Fetcher (no module state); its per-host
semaphores are created lazily.  `monotonic` and `sleep` are injectable so the
spacing rule is tested without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

_PRUNE_AT = 256  # hosts remembered only for spacing before expired ones are dropped


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

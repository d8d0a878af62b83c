"""Which feeds are polled when: a burst cycle (`once`) or the daemon's ticks.

Each claimed feed is polled as its own task, at most `concurrency` at once.
In the daemon a tick claims only as many due feeds as there are free slots
and returns: a slow or huge feed keeps its own slot busy (up to the
pipeline's per-feed deadline) while the next ticks keep serving every other
feed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from monitor.pipeline import Pipeline
from monitor.types import FeedState, PollOutcome, RecordedHit

log = logging.getLogger("monitor.poller")

LEASE_MARGIN = timedelta(minutes=5)  # a feed's lease outlives its poll deadline


@dataclass(frozen=True)
class CycleResult:
    outcomes: tuple[PollOutcome, ...]
    hits: tuple[RecordedHit, ...]

    @property
    def errors(self) -> tuple[PollOutcome, ...]:
        return tuple(o for o in self.outcomes if o.error)


class Poller:
    def __init__(self, pipeline: Pipeline, *, owner: str) -> None:
        self.pipeline = pipeline
        self.owner = owner
        self._running: set[asyncio.Task] = set()

    @property
    def lease(self) -> timedelta:
        return self.pipeline.settings.feed_deadline + LEASE_MARGIN

    @property
    def busy(self) -> int:
        return len(self._running)

    async def _claim(self, limit: int, *, all_feeds: bool = False) -> list[FeedState]:
        store, clock = self.pipeline.store, self.pipeline.clock
        return await asyncio.to_thread(store.claim_due_feeds, clock.now(), limit=limit, owner=self.owner,
                                       lease=self.lease, all_feeds=all_feeds)

    async def run_cycle(self, *, all_feeds: bool = False) -> CycleResult:
        """Burst mode: poll every due feed (or every feed) and wait for all."""
        started = time.monotonic()
        feeds = await self._claim(100_000, all_feeds=all_feeds)
        gate = asyncio.Semaphore(self.pipeline.settings.concurrency)

        async def one(feed: FeedState) -> tuple[PollOutcome, list[RecordedHit]]:
            async with gate:
                return await self.pipeline.poll_feed(feed)

        results = await asyncio.gather(*(one(f) for f in feeds))
        self.pipeline.metrics.cycle_seconds.observe(time.monotonic() - started)
        return CycleResult(tuple(o for o, _ in results), tuple(h for _, hs in results for h in hs))

    async def tick(self) -> int:
        """Daemon mode: start polls for due feeds in the free slots; returns at once."""
        free = self.pipeline.settings.concurrency - len(self._running)
        if free <= 0:
            return 0
        feeds = await self._claim(free)
        for feed in feeds:
            task = asyncio.create_task(self.pipeline.poll_feed(feed), name=f"poll {feed.url}")
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        return len(feeds)

    async def drain(self, timeout: float) -> int:
        """Shutdown: let polls in flight finish for `timeout` seconds, cancel the
        rest and give their leases back (their recorded articles stay; the
        rest of each feed is polled again at the next start).  Returns how
        many were abandoned."""
        pending = {t for t in self._running if not t.done()}
        if not pending:
            return 0
        _, still = await asyncio.wait(pending, timeout=timeout)
        for task in still:
            task.cancel()
        if still:
            await asyncio.wait(still, timeout=2.0)
            released = await asyncio.to_thread(self.pipeline.store.release_leases, owner=self.owner,
                                               deliveries=False)
            log.warning("abandoned %d feed poll(s) at shutdown and released %d lease(s); they are polled "
                        "again at the next start", len(still), released)
        return len(still)

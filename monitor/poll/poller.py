"""Which feeds are polled when: a burst cycle (`once`) or the daemon's ticks.

The poller owns each feed's lease from claim to finish: it claims due feeds
(store.claim_due_feeds, under its owner id), takes the config snapshot for
each poll at its start, runs the pipeline, and writes the outcome with the
feed-health decision in one transaction (store.finish_poll, which refuses
when the lease has passed to another owner).  In the daemon a tick claims
only as many due feeds as there are free slots and returns: a slow feed
keeps its own slot busy (up to the poll deadline) while the next ticks serve
every other feed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from monitor.clock import Clock
from monitor.errors import StoreUnavailable
from monitor.logs import secret_values
from monitor.metrics import Metrics
from monitor.poll.pipeline import Pipeline, PollResult
from monitor.redact import Redactor
from monitor.runtime.heartbeat import freshness
from monitor.runtime.snapshot import LiveConfig
from monitor.runtime.threads import Threads
from monitor.runtime.wakeup import Wakeup
from monitor.store.workers import WorkerInfo
from monitor.types import FeedState, FeedStatus, PollOutcome, RecordedHit
from monitor.units import iso

log = logging.getLogger("monitor.poller")


@dataclass(frozen=True)
class CycleResult:
    outcomes: tuple[PollOutcome, ...]
    hits: tuple[RecordedHit, ...]

    @property
    def errors(self) -> tuple[PollOutcome, ...]:
        return tuple(o for o in self.outcomes if o.error)

    @property
    def failing(self) -> tuple[PollOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status in (FeedStatus.FAILING, FeedStatus.GONE))


class Poller:
    def __init__(self, *, store, pipeline: Pipeline, live: LiveConfig, clock: Clock,  # type: ignore[no-untyped-def]
                 threads: Threads, metrics: Metrics, owner: str, websub_due: Wakeup | None = None) -> None:
        self._store = store
        self._pipeline = pipeline
        self._live = live
        self._clock = clock
        self._threads = threads
        self._metrics = metrics
        self._owner = owner
        self._websub_due = websub_due  # set when a poll changed a feed's subscription: the subscriber acts now
        self._newer: WorkerInfo | None = None  # the process with a newer config, while this one is behind
        self._more = False  # the last claim filled every slot: more feeds may be due
        self._draining = False
        self._said_no_callback = False  # the missing http.public_url was logged as a warning
        self._running: set[asyncio.Task[PollResult]] = set()
        self._watching: set[asyncio.Task[None]] = set()
        self.last_cycle_at: datetime | None = None

    @property
    def busy(self) -> int:
        return len(self._running)

    async def _claim(self, limit: int, *, all_feeds: bool = False) -> list[FeedState]:
        """Due feeds, leased to this process; none while another live process
        runs a newer config (for up to its grace: the ConfigMap reaching this
        one later), so no article is matched with rules that are gone."""
        snap = self._live.current()
        try:
            newer = await self._threads.db(self._store.newer_config, freshness(snap, self._owner), self._clock.now())
            if self._behind(newer):
                return []
            # the claim is renewed by the process's heartbeat while the poll runs
            return await self._threads.db(self._store.claim_due_feeds, self._clock.now(), limit=limit,
                                          owner=self._owner, lease=snap.config.replicas.lease, all_feeds=all_feeds)
        except StoreUnavailable as exc:
            log.warning("no feeds claimed: %s", exc, extra={"event": "database-unavailable"})
            self._metrics.database_errors.inc()
            return []

    def _behind(self, newer: WorkerInfo | None) -> bool:
        was, self._newer = self._newer, newer
        if newer is not None and (was is None or was.owner != newer.owner):
            log.warning("not polling: %s loaded a newer config at %s than this process's (%s); waiting for this "
                        "one's config to catch up (a ConfigMap update reaches replicas at different times)",
                        newer.owner, iso(newer.config_loaded_at), self._live.current().fingerprint,
                        extra={"event": "config-behind", "newer": newer.owner})
        elif newer is None and was is not None:
            log.info("polling again: no process runs a newer config", extra={"event": "config-caught-up"})
        return newer is not None

    async def run_cycle(self, *, all_feeds: bool = False) -> CycleResult:
        """Burst mode: poll every due feed (or every feed) and wait for all."""
        started = self._clock.monotonic()
        feeds = await self._claim(100_000, all_feeds=all_feeds)
        gate = asyncio.Semaphore(self._live.current().poll.concurrency)

        async def one(feed: FeedState) -> PollResult:
            async with gate:
                return await self.poll(feed)

        results = await asyncio.gather(*(one(f) for f in feeds))
        self._cycle_done(started, polled=bool(feeds))
        return CycleResult(tuple(r.outcome for r in results), tuple(h for r in results for h in r.hits))

    async def tick(self) -> int:
        """Daemon mode: start polls for due feeds in the free slots; returns at
        once.  When the claim filled every slot (more may be due), each poll
        that ends claims again at once instead of waiting for the next tick."""
        free = self._live.current().poll.concurrency - len(self._running)
        if free <= 0 or self._draining:
            return 0
        started = self._clock.monotonic()
        feeds = await self._claim(free)
        self._more = len(feeds) == free
        tasks = []
        for feed in feeds:
            task = asyncio.create_task(self.poll(feed), name=f"poll {feed.url}")
            self._running.add(task)
            task.add_done_callback(self._ended)
            tasks.append(task)
        if tasks:
            watcher = asyncio.create_task(self._observe(tasks, started))
            self._watching.add(watcher)
            watcher.add_done_callback(self._watching.discard)
        else:
            self._cycle_done(started, polled=False)
        return len(feeds)

    def _ended(self, task: asyncio.Task[PollResult]) -> None:
        self._running.discard(task)
        if self._more and not self._draining:
            self._more = False  # one refill at a time; it sets this again if it fills every slot
            refill = asyncio.create_task(self.tick(), name="poll refill")
            self._watching.add(refill)  # type: ignore[arg-type]
            refill.add_done_callback(self._watching.discard)  # type: ignore[arg-type]

    async def _observe(self, tasks: Sequence[asyncio.Task[PollResult]], started: float) -> None:
        await asyncio.wait(tasks)
        self._cycle_done(started)

    def _cycle_done(self, started: float, *, polled: bool = True) -> None:
        """A cycle (a burst, or one tick's polls) is over: its duration when it polled anything."""
        if polled:
            self._metrics.cycle_seconds.observe(self._clock.monotonic() - started)
        self.last_cycle_at = self._clock.now()

    async def poll(self, feed: FeedState) -> PollResult:
        """One claimed feed: poll it on the current snapshot, then write the outcome."""
        started = self._clock.monotonic()
        with self._live.use() as snap:
            result = await self._pipeline.poll_feed(feed, snap)
            outcome = result.outcome
            self._metrics.poll_seconds.observe(self._clock.monotonic() - started)
            if result.deferred is not None:
                await self._defer(feed, result.deferred)
                return result
            if outcome.error:  # a fetch error quotes the URL: its `${VAR}` secrets stay out of the database
                outcome = dataclasses.replace(outcome, error=Redactor(secret_values(snap.config))(outcome.error))
            try:
                finished = await self._threads.db(self._store.finish_poll, outcome, owner=self._owner,
                                                  health=snap.config.health, websub_policy=snap.poll.websub,
                                                  secrets=snap.poll.secrets(feed))
            except StoreUnavailable as exc:  # what was recorded stays; the lease runs out, the feed is polled again
                self._metrics.database_errors.inc()
                log.warning("feed %s: poll outcome not recorded, the database is unavailable (%s); polled again "
                            "when its lease expires", feed.url, exc, extra={"event": "database-unavailable"})
                return result
            if not finished.applied:
                log.warning("feed %s: poll outcome not recorded: its lease passed to another owner",
                            feed.url, extra={"event": "poll-finish-refused", "feed": feed.url})
            elif finished.websub_note:
                self._log_websub(feed, finished.websub_note)
                if self._websub_due is not None:
                    self._websub_due.set()
        self._metrics.polls.labels(outcome.status).inc()
        if outcome.status in (FeedStatus.FAILING, FeedStatus.GONE):
            self._metrics.poll_errors.labels(outcome.error_kind or "error").inc()
        _log_outcome(feed, outcome)
        return result

    def _log_websub(self, feed: FeedState, note: str) -> None:
        """What changed about a feed's WebSub subscription.  The refusal for
        want of http.public_url is a warning once per process (every feed
        concerned says it in `feeds`), then debug."""
        refused = "http.public_url" in note
        level = logging.WARNING if refused and not self._said_no_callback else \
            logging.DEBUG if refused else logging.INFO
        self._said_no_callback = self._said_no_callback or refused
        log.log(level, "feed %s: %s%s", feed.url, note,
                "; `news-monitor feeds` shows every feed concerned" if refused else "",
                extra={"event": "websub", "feed": feed.url})

    async def _defer(self, feed: FeedState, why: str) -> None:
        """Not the feed's fault: its state stays, its lease goes back, it is due again at once."""
        log.warning("feed %s: poll set aside, not the feed's fault: %s", feed.url, why,
                    extra={"event": "poll-deferred", "feed": feed.url})
        if "database" in why:
            self._metrics.database_errors.inc()
        try:
            await self._threads.db(self._store.defer_poll, feed.id, owner=self._owner, due_at=self._clock.now())
        except StoreUnavailable:
            pass  # the lease expires on its own

    async def drain(self, timeout: float) -> int:
        """Shutdown: let polls in flight finish for `timeout` seconds, cancel the
        rest and give their leases back (their recorded articles stay; the
        rest of each feed is polled again at the next start).  Returns how
        many were abandoned."""
        self._draining = True
        pending = {t for t in self._running if not t.done()}
        if not pending:
            return 0
        _, still = await asyncio.wait(pending, timeout=timeout)
        for task in still:
            task.cancel()
        if still:
            await asyncio.wait(still, timeout=2.0)
            released = await self._threads.db(self._store.release_leases, owner=self._owner, deliveries=False)
            log.warning("abandoned %d feed poll(s) at shutdown and released %d lease(s); they are polled "
                        "again at the next start", len(still), released)
        return len(still)


def _log_outcome(feed: FeedState, outcome: PollOutcome) -> None:
    if outcome.status in (FeedStatus.FAILING, FeedStatus.GONE):
        log.warning("feed %s (%s): %s [%s]; next try %s", feed.name, feed.url, outcome.error,
                    outcome.error_kind, iso(outcome.next_poll_at, "seconds"),
                    extra={"event": "poll", "feed": feed.url, "status": str(outcome.status)})
    else:
        log.info("feed %s: %s, %d entries, %d new", feed.name, outcome.status, outcome.entries,
                 outcome.new_articles, extra={"event": "poll", "feed": feed.url, "status": str(outcome.status)})

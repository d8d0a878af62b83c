"""The daemon's loop: an APScheduler AsyncIOScheduler drives ticks, or a
burst runs until nothing is due and returns (`once`, and the tests).

Jobs are ticks, not a job per feed: the schedule of every feed lives in the
database (store.claim_due_feeds).  The dispatcher runs its own loop, woken
by new deliveries (monitor.runtime.wakeup).  Each job runs with max_instances=1 and
coalesce=True, under a deadline, so a hung job cannot block later runs for
ever.  Digest jobs follow the config: when a new snapshot is published they
are made again from it.  On SIGTERM/SIGINT the scheduler stops taking new
work, the jobs in flight get `drain` seconds to finish (APScheduler would
cancel them), and then the process exits; anything already recorded stays
recorded (the outbox).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # APScheduler is loaded by `run` only (a burst needs no scheduler)
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

from monitor.alerts import digest_jobs, run_digest
from monitor.clock import Clock
from monitor.poll.poller import CycleResult, Poller
from monitor.runtime.jobs import FollowUps, Housekeeping, Spikes
from monitor.runtime.snapshot import LiveConfig, Snapshot
from monitor.runtime.status import DaemonState
from monitor.runtime.wakeup import Wakeup
from monitor.types import PollOutcome, RecordedHit
from monitor.units import format_duration

log = logging.getLogger("monitor.daemon")

BURST_ROUNDS = 5  # a burst polls again what became due meanwhile, this many times at most


@dataclass(frozen=True)
class Intervals:
    poll: timedelta = timedelta(seconds=5)
    drain: timedelta = timedelta(seconds=7)
    job_deadline: timedelta = timedelta(minutes=10)


class Daemon:
    def __init__(self, *, poller: Poller, dispatcher: Any, live: LiveConfig, store: Any, clock: Clock,
                 followups: FollowUps, housekeeping: Housekeeping, spikes: Spikes, intervals: Intervals = Intervals(),
                 subscriber: Any = None, websub_due: Wakeup | None = None) -> None:
        self._poller = poller
        self._dispatcher = dispatcher
        self._live = live
        self._store = store
        self._clock = clock
        self._followups = followups
        self._spikes = spikes
        self._housekeeping = housekeeping
        self._intervals = intervals
        self._subscriber = subscriber  # monitor.websub.subscriber.Subscriber: talks to hubs (run only)
        # set when a subscription's next action may be due now (a poll found or lost a hub, a reload
        # removed a feed): the subscriber acts at once instead of at its next tick
        self._websub_due = websub_due or Wakeup()
        self._stop = asyncio.Event()
        self._scheduler: AsyncIOScheduler | None = None
        self._inflight: set[asyncio.Task[Any]] = set()
        self._started_at: datetime | None = None
        self._jobs_for = 0  # the snapshot generation the digest jobs were made from

    def state(self) -> DaemonState:
        running = self._scheduler is not None and self._scheduler.running and not self._stop.is_set()
        return DaemonState(running=running, started_at=self._started_at, last_cycle_at=self._poller.last_cycle_at)

    # -- burst ----------------------------------------------------------------------

    async def burst(self, *, all_feeds: bool = False) -> CycleResult:
        """Poll what is due (or every feed), queue follow-ups, send what is due,
        and again while polls found feeds due; then return what was polled."""
        outcomes: list[PollOutcome] = []
        hits: list[RecordedHit] = []
        for round_ in range(BURST_ROUNDS):
            cycle = await self._poller.run_cycle(all_feeds=all_feeds and round_ == 0)
            outcomes += cycle.outcomes
            hits += cycle.hits
            await self._followups.queue()
            await self._spikes.check()
            await self._dispatcher.run_until_idle()
            if not cycle.outcomes:
                break
        return CycleResult(tuple(outcomes), tuple(hits))

    # -- jobs -----------------------------------------------------------------------

    def _guard(self, name: str, work: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            if self._stop.is_set():
                return
            task = asyncio.current_task()
            if task is not None:
                self._inflight.add(task)
            try:
                async with asyncio.timeout(self._intervals.job_deadline.total_seconds()):
                    await work()
            except TimeoutError:
                log.error("job %s exceeded its deadline of %s; it was abandoned", name, self._intervals.job_deadline)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job %s failed; it runs again at its next tick", name)
            finally:
                if task is not None:
                    self._inflight.discard(task)
        return job

    async def _poll(self) -> None:
        await self._poller.tick()
        await self._followups.queue()
        await self._spikes.check()

    def _schedule(self) -> AsyncIOScheduler:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        scheduler = AsyncIOScheduler(timezone=timezone.utc, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": 30})
        now = self._clock.now()
        scheduler.add_job(self._guard("poll", self._poll), IntervalTrigger(seconds=self._intervals.poll.total_seconds()),
                          id="poll", next_run_time=now)
        scheduler.add_job(self._guard("housekeeping", self._housekeeping.run),
                          CronTrigger(hour=3, minute=17, timezone=timezone.utc), id="housekeeping")
        self._sync_digests(scheduler, self._live.current())
        return scheduler

    def _sync_digests(self, scheduler: AsyncIOScheduler, snap: Snapshot) -> None:
        """Digest jobs as the snapshot's rules and channels ask for them."""
        for job in scheduler.get_jobs():
            if job.id.startswith("digest:"):
                job.remove()
        for key, trigger in digest_jobs(snap.config.rules, snap.config.channels):
            scheduler.add_job(self._guard(f"digest {key}", partial(self._digest, key)), trigger,
                              id=f"digest:{key}", replace_existing=True)
        self._jobs_for = snap.generation

    async def _follow_config(self, scheduler: AsyncIOScheduler) -> None:
        while True:
            snap = await self._live.wait_change(self._jobs_for)
            self._sync_digests(scheduler, snap)
            # what the reload made due is done now, not at the next tick: a new feed's first
            # poll, the unsubscription of a pushed feed it removed
            scheduler.modify_job("poll", next_run_time=self._clock.now())
            self._websub_due.set()

    async def _talk_to_hubs(self) -> None:
        """The WebSub subscriber: every poll interval (renewals, retries, a
        replica's changes), and at once when `websub_due` is set."""
        assert self._subscriber is not None
        tick = self._guard("websub", self._subscriber.tick)
        while not self._stop.is_set():
            await tick()
            await self._websub_due.wait(self._intervals.poll.total_seconds())

    async def _digest(self, key: str) -> None:
        await run_digest(self._store, key, clock=self._clock)
        await self._dispatcher.run_until_idle()

    # -- run / stop -----------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop, sig.name)

    def request_stop(self, why: str = "stop") -> None:
        if not self._stop.is_set():
            log.info("%s received: finishing work in flight (at most %.0f s), then exiting", why,
                     self._intervals.drain.total_seconds())
            self._stop.set()

    async def run(self, *, burst: bool = False, all_feeds: bool = False) -> CycleResult | None:
        """Until request_stop (SIGTERM/SIGINT): poll, send, digests,
        housekeeping.  With burst=True: until nothing is due, then return
        what was polled (`once`; the tests)."""
        if burst:
            return await self.burst(all_feeds=all_feeds)
        await self._run()
        return None

    async def _run(self) -> None:
        self._started_at = self._clock.now()
        self._scheduler = scheduler = self._schedule()
        scheduler.start()
        follow = asyncio.create_task(self._follow_config(scheduler), name="jobs follow the config")
        dispatch = asyncio.create_task(self._dispatcher.run(self._stop), name="dispatch")
        hubs = asyncio.create_task(self._talk_to_hubs(), name="websub") if self._subscriber is not None else None
        # a daemon will extract pages soon: start the workers now, beside the first polls
        # (`once` starts them on first need, so an idle cron run costs nothing)
        warm = asyncio.create_task(self._live.current().extractor.start(), name="extraction workers")
        config = self._live.current().config
        log.info("news-monitor running: %d feeds, %d rules, %d channels", len(config.feeds), len(config.rules),
                 len(config.channels))
        for feed in config.feeds:
            log.info("  polling %s (%s) every %s", feed.name, feed.url, format_duration(feed.interval))
        try:
            await self._stop.wait()
        finally:
            follow.cancel()
            warm.cancel()
            dispatch.cancel()  # sends in flight are their own tasks: drained below
            self._websub_due.set()  # the hub loop ends after the request in flight (drained below)
            scheduler.pause()
            await self._drain()
            if hubs is not None:
                hubs.cancel()
            scheduler.shutdown(wait=False)

    async def _drain(self) -> None:
        """Give work in flight `drain` seconds in all: ticks, feed polls, sends."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._intervals.drain.total_seconds()

        def left() -> float:
            return max(0.1, deadline - loop.time())

        pending = {t for t in self._inflight if not t.done()}
        if pending:
            _, still = await asyncio.wait(pending, timeout=left())
            for task in still:
                task.cancel()
        await self._poller.drain(timeout=left())
        await self._dispatcher.drain(timeout=left())

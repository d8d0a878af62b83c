"""The long-running daemon: an APScheduler AsyncIOScheduler drives ticks.

Jobs are ticks, not a job per feed: the schedule of every feed lives in the
database (store.claim_due_feeds).  Each job runs with max_instances=1 and
coalesce=True, under a deadline, so a hung job cannot block later runs for
ever.  On SIGTERM/SIGINT the scheduler stops taking new work, the jobs in
flight get DRAIN seconds to finish (APScheduler would cancel them), and then
the process exits; anything already recorded stays recorded (the outbox).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.alerts import digest_jobs
from monitor.app import App
from monitor.units import format_duration

log = logging.getLogger("monitor.daemon")


class Daemon:
    def __init__(self, app: App, *, poll_every: timedelta = timedelta(seconds=5),
                 dispatch_every: timedelta = timedelta(seconds=2), drain_seconds: float = 7.0,
                 job_deadline: timedelta = timedelta(minutes=10), on_reload: Callable[[], Awaitable[None]] | None = None) -> None:
        self.app = app
        self.poll_every = poll_every
        self.dispatch_every = dispatch_every
        self.drain_seconds = drain_seconds
        self.job_deadline = job_deadline
        self.on_reload = on_reload
        self.stop_event = asyncio.Event()
        self.scheduler: AsyncIOScheduler | None = None
        self._inflight: set[asyncio.Task] = set()
        self.last_cycle_at = None
        self.started_at = None

    # -- jobs -------------------------------------------------------------------

    def _guard(self, name: str, work: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            if self.stop_event.is_set():
                return
            task = asyncio.current_task()
            if task is not None:
                self._inflight.add(task)
            try:
                async with asyncio.timeout(self.job_deadline.total_seconds()):
                    await work()
            except TimeoutError:
                log.error("job %s exceeded its deadline of %s; it was abandoned", name, self.job_deadline)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job %s failed; it runs again at its next tick", name)
            finally:
                if task is not None:
                    self._inflight.discard(task)
        job.__name__ = name
        return job

    async def _poll(self) -> None:
        await self.app.poll_tick()
        self.last_cycle_at = self.app.clock.now()

    def _schedule(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(timezone=timezone.utc, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": 30})
        now = self.app.clock.now()
        scheduler.add_job(self._guard("poll", self._poll), IntervalTrigger(seconds=self.poll_every.total_seconds()),
                          id="poll", next_run_time=now)
        scheduler.add_job(self._guard("dispatch", self.app.dispatch_tick),
                          IntervalTrigger(seconds=self.dispatch_every.total_seconds()), id="dispatch", next_run_time=now)
        scheduler.add_job(self._guard("housekeeping", self._housekeeping), CronTrigger(hour=3, minute=17, timezone=timezone.utc),
                          id="housekeeping")
        self._add_digests(scheduler)
        return scheduler

    def _add_digests(self, scheduler: AsyncIOScheduler) -> None:
        for job in scheduler.get_jobs():
            if job.id.startswith("digest:"):
                job.remove()
        for key, trigger in digest_jobs(self.app.config.rules, self.app.config.channels):
            scheduler.add_job(self._guard(f"digest {key}", lambda key=key: self._digest(key)), trigger,
                              id=f"digest:{key}", replace_existing=True)

    async def _digest(self, key: str) -> None:
        await self.app.digest(key)
        await self.app.dispatch()

    async def _housekeeping(self) -> None:
        await self.app.housekeeping()

    def reschedule(self) -> None:
        """After a config reload: digest schedules may have changed."""
        if self.scheduler is not None:
            self._add_digests(self.scheduler)

    # -- run / stop -------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop, sig.name)
        if self.on_reload is not None:
            loop.add_signal_handler(signal.SIGHUP, self._reload_now)

    def _reload_now(self) -> None:
        task = asyncio.ensure_future(self.on_reload())
        self._inflight.add(task)  # kept (and drained) like the jobs; errors are the reloader's to report
        task.add_done_callback(self._inflight.discard)

    def request_stop(self, why: str = "stop") -> None:
        if not self.stop_event.is_set():
            log.info("%s received: finishing work in flight (at most %.0f s), then exiting", why, self.drain_seconds)
            self.stop_event.set()

    async def run(self) -> None:
        self.started_at = self.app.clock.now()
        self.scheduler = self._schedule()
        self.scheduler.start()
        log.info("news-monitor running: %d feeds, %d rules, %d channels", len(self.app.config.feeds),
                 len(self.app.config.rules), len(self.app.config.channels))
        for feed in self.app.config.feeds:
            log.info("  polling %s (%s) every %s", feed.name, feed.url, format_duration(feed.interval))
        try:
            await self.stop_event.wait()
        finally:
            self.scheduler.pause()
            await self._drain()
            self.scheduler.shutdown(wait=False)

    async def _drain(self) -> None:
        """Give work in flight `drain_seconds` in all: ticks, feed polls, sends."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.drain_seconds

        def left() -> float:
            return max(0.1, deadline - loop.time())

        pending = {t for t in self._inflight if not t.done()}
        if pending:
            _, still = await asyncio.wait(pending, timeout=left())
            for task in still:
                task.cancel()
        await self.app.poller.drain(timeout=left())
        await self.app.dispatcher.drain(timeout=left())

"""The one place that wires the daemon: `open_runtime` builds a Runtime for
`run` and for `once` (the CLI calls it and wires nothing itself), each part
given what it uses, nothing reaching through another.

    async with open_runtime(config, mode="once") as rt:
        cycle = await rt.daemon.run(burst=True)
    async with open_runtime(config, logs=LogControl()) as rt:
        await rt.serve()                       # until SIGTERM/SIGINT

    store  <- everything that reads or writes the database
    live   <- the config snapshot: poller, dispatcher, jobs, web (read), reloader (writes)
    resources: the channels, fetcher and extraction pool of each snapshot
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from monitor.units import iso
from monitor.alerts import Dispatcher
from monitor.clock import Clock, SystemClock
from monitor.config.model import Config
from monitor.logs import LogControl, secret_values
from monitor.metrics import Metrics
from monitor.poll.pipeline import Pipeline
from monitor.poll.poller import CycleResult, Poller
from monitor.reload.reloader import Reloader
from monitor.reload.watcher import ConfigWatcher
from monitor.errors import StoreError
from monitor.fetch.hosts import SharedHostLimiter
from monitor.fetch.settings import FetchSettings
from monitor.runtime.daemon import Daemon, Intervals
from monitor.runtime.heartbeat import Heartbeat, me, new_owner, pid_alive, pid_gone
from monitor.runtime.jobs import FollowUps, Housekeeping, Spikes
from monitor.runtime.resources import Resources, Services
from monitor.runtime.snapshot import LiveConfig
from monitor.runtime.status import Status
from monitor.runtime.threads import Threads
from monitor.runtime.wakeup import Wakeup, listening
from monitor.store import Store
from monitor.store.workers import WorkerInfo
from monitor.web.app import WebApp
from monitor.web.server import HttpServer
from monitor.websub.intake import PushIntake
from monitor.websub.subscriber import Subscriber

log = logging.getLogger("monitor.runtime")

HOST_HOLD_MARGIN = timedelta(seconds=30)  # a per-host slot outlives its request's deadline by this

Mode = Literal["run", "once"]


@dataclass(frozen=True)
class Runtime:
    mode: Mode
    config: Config  # as loaded at start; the live one is live.current().config
    owner: str
    store: Store
    threads: Threads
    live: LiveConfig
    metrics: Metrics
    poller: Poller
    dispatcher: Dispatcher
    daemon: Daemon
    reloader: Reloader
    status: Status
    web: WebApp  # builds the FastAPI app the HTTP server serves, on first use
    http: HttpServer
    watcher: ConfigWatcher
    housekeeping: Housekeeping
    heartbeat: Heartbeat
    wakeup: Wakeup

    @property
    def api(self) -> Any:
        """The FastAPI app the HTTP server serves (built on first use)."""
        return self.web()

    def _listening(self) -> contextlib.AbstractAsyncContextManager[None]:
        dsn = _dsn(self.store)
        return listening(dsn, self.wakeup) if dsn else contextlib.nullcontext()

    async def once(self, *, all_feeds: bool = False) -> CycleResult:
        """A burst: poll what is due (or everything), send what is due, return."""
        async with self.heartbeat.beating():
            cycle = await self.daemon.run(burst=True, all_feeds=all_feeds)
        assert cycle is not None
        return cycle

    async def serve(self) -> None:
        """The daemon: HTTP, the config watcher and SIGHUP, until SIGTERM/SIGINT."""
        await self.http.start(self.live.current().config.http.listen)
        self.daemon.install_signal_handlers()
        reloads: set[asyncio.Task[object]] = set()

        def sighup() -> None:
            task = asyncio.ensure_future(self.reloader.reload())
            reloads.add(task)
            task.add_done_callback(reloads.discard)

        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, sighup)
        try:
            async with self.heartbeat.beating(), self.watcher.running(), self._listening():
                await self.daemon.run()
        finally:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            if reloads:
                await asyncio.wait(reloads, timeout=10)
            await self.http.stop()


def _dsn(store: Store) -> str | None:
    """A libpq URL for LISTEN (PostgreSQL only)."""
    if store.dialect != "postgresql":
        return None
    return store.engine_url.set(drivername="postgresql").render_as_string(hide_password=False)


def _shared_hosts(store: Store, threads: Threads, clock: Clock, owner: str):  # type: ignore[no-untyped-def]
    """PostgreSQL: per-host politeness held in the database, for every replica at once."""
    def limiter(settings: FetchSettings) -> SharedHostLimiter:
        async def take(host: str) -> tuple[int, datetime] | None:
            return await threads.db(store.take_host_slot, host, owner=owner, now=clock.now(),
                                    per_host=settings.per_host, spacing=settings.host_spacing,
                                    hold=settings.timeout + HOST_HOLD_MARGIN)

        async def free(host: str, slot: int) -> None:
            await threads.db(store.free_host_slot, host, slot, owner=owner)

        return SharedHostLimiter(take, free, now=clock.now)
    return limiter


def another_run(workers: list[WorkerInfo], owner: str) -> WorkerInfo | None:
    """A live `run` other than this process (a SQLite file allows one)."""
    return next((w for w in workers if w.owner != owner and not pid_gone(w)), None)


async def _claim_the_file(store: Store, threads: Threads, clock: Clock, owner: str, lease: timedelta) -> None:
    """SQLite: refuse a second `run` on the same file, naming the first."""
    other = another_run(await threads.db(store.running_workers, clock.now(), lease, kind="run"), owner)
    if other is not None:
        raise StoreError(
            f"database {store.url}: another `news-monitor run` uses this SQLite file: pid {other.pid} on "
            f"{other.host}, started {iso(other.started_at, 'seconds')}"
            + (f", listening on {other.listen}" if other.listen else "")
            + "; stop it first (one daemon per SQLite file; `news-monitor once` beside it is safe), "
            "or use PostgreSQL for replicas")


@contextlib.asynccontextmanager
async def open_runtime(config: Config, *, mode: Mode = "run", clock: Clock | None = None,
                       services: Services | None = None, owner: str | None = None,
                       logs: LogControl | None = None, intervals: Intervals = Intervals()) -> AsyncIterator[Runtime]:
    clock = clock or SystemClock()
    owner = owner or new_owner()
    threads = Threads.start()
    store = Store.open(config.database, clock=clock)
    log.info("database: %s", store.location)
    hosts = _shared_hosts(store, threads, clock, owner) if store.dialect == "postgresql" else None
    resources = Resources(services or Services(), clock, hosts=hosts)
    heartbeat: Heartbeat | None = None
    try:
        await threads.db(store.upgrade)
        if mode == "run" and store.dialect == "sqlite":
            await _claim_the_file(store, threads, clock, owner, config.replicas.lease)
        released = await threads.db(store.release_dead_workers, clock.now(), config.replicas.lease, dead=pid_gone,
                                    alive=pid_alive)
        if released:
            log.info("took back %d lease(s) of processes that are gone", released)
        live = LiveConfig(resources.build(1, config))
        heartbeat = Heartbeat(store=store, live=live, threads=threads, clock=clock, me=me(mode, owner))
        # registered (with its config) before its feeds reach the database: a process still on an
        # older config must see it is behind before it can claim one of them (Reloader._apply)
        await heartbeat.start()
        await threads.db(store.sync_feeds, config.feeds, clock.now())
        try:
            redacted = await threads.db(store.redact_stored, secret_values(config))
        except StoreError as exc:  # e.g. read-only: the daemon still starts (and says what is wrong)
            log.warning("stored texts not checked for secrets: %s", exc)
            redacted = 0
        if redacted:
            log.info("hid the config's secrets in %d stored text(s) (errors, answers) written before they "
                     "were hidden", redacted)
        metrics = Metrics()
        metrics.watch_store(store.stats)
        wakeup = Wakeup()
        pipeline = Pipeline(store=store, clock=clock, threads=threads, metrics=metrics, owner=owner, wakeup=wakeup)
        websub_due = Wakeup()
        poller = Poller(store=store, pipeline=pipeline, live=live, clock=clock, threads=threads, metrics=metrics,
                        owner=owner, websub_due=websub_due)
        dispatcher = Dispatcher(store=store, live=live, clock=clock, owner=owner, wakeup=wakeup)
        housekeeping = Housekeeping(store=store, live=live, threads=threads, clock=clock)
        subscriber = Subscriber(store=store, live=live, threads=threads, clock=clock, metrics=metrics,
                                owner=owner) if mode == "run" else None  # only a serving daemon is called back
        daemon = Daemon(poller=poller, dispatcher=dispatcher, live=live, store=store, clock=clock,
                        followups=FollowUps(store=store, live=live, threads=threads, clock=clock),
                        spikes=Spikes(store=store, live=live, threads=threads, clock=clock),
                        housekeeping=housekeeping, intervals=intervals, subscriber=subscriber, websub_due=websub_due)
        status = Status(live, daemon.state if mode == "run" else None)
        intake = PushIntake(store=store, live=live, threads=threads, clock=clock, pipeline=pipeline, metrics=metrics)
        web = WebApp(store=store, status=status, metrics=metrics, clock=clock, threads=threads, websub=intake)
        http = HttpServer(web)
        reloader = Reloader(path=config.path, live=live, resources=resources, store=store, threads=threads,
                            clock=clock, http=http, logs=logs, announce=heartbeat.announce)
        watcher = ConfigWatcher(lambda: live.current().config, on_change=reloader.reload)
        runtime = Runtime(mode=mode, config=config, owner=owner, store=store, threads=threads, live=live,
                          metrics=metrics, poller=poller, dispatcher=dispatcher, daemon=daemon, reloader=reloader,
                          status=status, web=web, http=http, watcher=watcher, housekeeping=housekeeping,
                          heartbeat=heartbeat, wakeup=wakeup)
        try:
            yield runtime
        finally:
            await http.stop()
            await intake.drain(timeout=5)
            await poller.drain(timeout=5)
            await dispatcher.drain(timeout=5)
            await reloader.drain()
    finally:
        if heartbeat is not None:
            await heartbeat.stop()
        await resources.close_all()
        store.close()
        threads.close()

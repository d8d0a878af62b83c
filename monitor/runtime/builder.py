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
import os
import signal
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Literal

from monitor.alerts import Dispatcher
from monitor.clock import Clock, SystemClock
from monitor.config.model import Config
from monitor.logs import LogControl
from monitor.metrics import Metrics
from monitor.poll.pipeline import Pipeline
from monitor.poll.poller import CycleResult, Poller
from monitor.reload.reloader import Reloader
from monitor.reload.watcher import ConfigWatcher
from monitor.runtime.daemon import Daemon, Intervals
from monitor.runtime.jobs import FollowUps, Housekeeping
from monitor.runtime.resources import Resources, Services
from monitor.runtime.snapshot import LiveConfig
from monitor.runtime.status import Status
from monitor.runtime.threads import Threads
from monitor.store import Store
from monitor.web.api import WebDeps, build_api
from monitor.web.server import HttpServer

log = logging.getLogger("monitor.runtime")

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
    api: Any  # the FastAPI app the HTTP server serves
    http: HttpServer
    watcher: ConfigWatcher
    housekeeping: Housekeeping

    async def once(self, *, all_feeds: bool = False) -> CycleResult:
        """A burst: poll what is due (or everything), send what is due, return."""
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
            async with self.watcher.running():
                await self.daemon.run()
        finally:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            if reloads:
                await asyncio.wait(reloads, timeout=10)
            await self.http.stop()


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextlib.asynccontextmanager
async def open_runtime(config: Config, *, mode: Mode = "run", clock: Clock | None = None,
                       services: Services | None = None, owner: str | None = None,
                       logs: LogControl | None = None, intervals: Intervals = Intervals()) -> AsyncIterator[Runtime]:
    clock = clock or SystemClock()
    owner = owner or default_owner()
    threads = Threads.start()
    store = Store.open(config.database, clock=clock)
    resources = Resources(services or Services(), clock)
    try:
        await threads.db(store.upgrade)
        if store.dialect == "sqlite":  # one process owns a SQLite file: leases of a dead one are void
            await threads.db(store.release_leases)
        await threads.db(store.sync_feeds, config.feeds, clock.now())
        live = LiveConfig(resources.build(1, config))
        metrics = Metrics()
        metrics.watch_store(store.stats)
        pipeline = Pipeline(store=store, clock=clock, threads=threads, metrics=metrics)
        poller = Poller(store=store, pipeline=pipeline, live=live, clock=clock, threads=threads, metrics=metrics,
                        owner=owner)
        dispatcher = Dispatcher(store=store, live=live, clock=clock, owner=owner)
        housekeeping = Housekeeping(store=store, live=live, threads=threads, clock=clock)
        daemon = Daemon(poller=poller, dispatcher=dispatcher, live=live, store=store, clock=clock,
                        followups=FollowUps(store=store, live=live, threads=threads, clock=clock),
                        housekeeping=housekeeping, intervals=intervals)
        status = Status(live, daemon.state if mode == "run" else None)
        api = build_api(WebDeps(store=store, status=status, metrics=metrics, clock=clock, threads=threads))
        http = HttpServer(api)
        reloader = Reloader(path=config.path, live=live, resources=resources, store=store, threads=threads,
                            clock=clock, http=http, logs=logs)
        watcher = ConfigWatcher(lambda: live.current().config, on_change=reloader.reload)
        runtime = Runtime(mode=mode, config=config, owner=owner, store=store, threads=threads, live=live,
                          metrics=metrics, poller=poller, dispatcher=dispatcher, daemon=daemon, reloader=reloader,
                          status=status, api=api, http=http, watcher=watcher, housekeeping=housekeeping)
        try:
            yield runtime
        finally:
            await http.stop()
            await poller.drain(timeout=5)
            await dispatcher.drain(timeout=5)
            await reloader.drain()
    finally:
        await resources.close_all()
        store.close()
        threads.close()

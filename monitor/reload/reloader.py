"""One reload: load the config again, check it, build what changed, apply it.

    refused (invalid, unsafe, a channel that cannot be built, feeds the store
    refuses): nothing changes; the problems are published with the running
    snapshot, so /readyz and the status page show them.
    applied: a new snapshot is published (each poll and dispatch from then on
    uses it); settings that cannot change live keep their running value and
    say so as problems; the HTTP server moves to a new `http.listen`; the log
    set-up follows `log:`; what the old snapshot held open is closed once
    nothing uses it.  The log line says what changed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.clock import Clock
from monitor.config import load_config
from monitor.config.model import Config
from monitor.errors import ConfigError, MonitorError
from monitor.logs import LogControl, secret_values
from monitor.reload import safety
from monitor.reload.diff import config_diff
from monitor.runtime.resources import Resources
from monitor.runtime.snapshot import LiveConfig, Snapshot
from monitor.runtime.threads import Threads

log = logging.getLogger("monitor.reload")

RETIRE_AFTER = 600.0  # seconds a replaced snapshot may stay in use (a poll's deadline and more)


@dataclass(frozen=True)
class ReloadResult:
    applied: bool
    summary: str = ""
    problems: tuple[str, ...] = ()


class Reloader:
    def __init__(self, *, path: Path, live: LiveConfig, resources: Resources, store: Any, threads: Threads,
                 clock: Clock, http: Any = None, logs: LogControl | None = None,
                 announce: Callable[[Snapshot], Awaitable[None]] | None = None,
                 retire_after: float = RETIRE_AFTER) -> None:
        self._path = Path(path)
        self._live = live
        self._resources = resources
        self._store = store
        self._threads = threads
        self._clock = clock
        self._http = http  # monitor.web.server.HttpServer, or None (once, tests)
        self._logs = logs
        # records the process's config in the database (monitor.runtime.heartbeat.Heartbeat.announce)
        self._announce = announce
        self._retire_after = retire_after
        self._lock = asyncio.Lock()
        self._retiring: set[asyncio.Task[None]] = set()
        self.reloads = 0

    async def reload(self) -> ReloadResult:
        async with self._lock:
            running = self._live.current()
            try:
                config = await asyncio.to_thread(load_config, self._path)
            except ConfigError as exc:
                return self._refuse(running, tuple(exc.problems), "config change refused")
            verdict = safety.check(running.config, config)
            if verdict.config is None:
                return self._refuse(running, verdict.refused, "config change refused")
            return await self._apply(running, verdict.config, verdict.kept)

    async def _apply(self, running: Snapshot, config: Config, kept: tuple[str, ...]) -> ReloadResult:
        diff = config_diff(running.config, config)
        problems = list(kept)
        prepared = None
        if self._http is not None and config.http.listen != running.config.http.listen:
            try:
                prepared = self._http.prepare(config.http.listen)
            except OSError as exc:
                problems.append(f"{self._path}: http.listen: cannot listen on {config.http.listen} ({exc}); "
                                f"still serving on {running.config.http.listen}")
                config = _with_listen(config, running.config.http.listen)
        generation = running.generation + 1
        try:
            snap = self._resources.build(generation, config, previous=running, problems=tuple(problems))
        except MonitorError as exc:
            self._close_prepared(prepared)
            return self._refuse(running, (f"{self._path}: the new config could not be applied: {exc}",),
                                "config change refused")
        try:
            # the other processes learn of the newer config before they can see its new feeds: one
            # still on the old rules stops recording (it is behind) instead of storing a new feed's
            # articles unmatched by the rules that came with it
            if self._announce is not None:
                await self._announce(snap)
            await self._threads.db(self._store.sync_feeds, config.feeds, self._clock.now())
        except Exception as exc:  # e.g. a feed URL another configured feed moved to
            self._close_prepared(prepared)
            await self._resources.discard(snap)
            await self._unannounce(running)
            return self._refuse(running, (f"{self._path}: the new config could not be applied: "
                                          f"{type(exc).__name__}: {exc}",), "config change refused")
        old = self._live.publish(snap)
        if prepared is not None:
            await self._http.switch(prepared)
        if self._logs is not None:
            self._logs.apply(config.log.format, config.log.level, secret_values(config))
        self._retire(old)
        self.reloads += 1
        summary = diff.summary()
        log.info("config reloaded: %s (%d feeds, %d rules, %d channels)", summary, len(config.feeds),
                 len(config.rules), len(config.channels),
                 extra={"event": "reload", "ok": True, "changes": summary})
        for problem in problems:
            log.warning("%s", problem, extra={"event": "reload-kept"})
        return ReloadResult(applied=True, summary=summary, problems=tuple(problems))

    async def _unannounce(self, running: Snapshot) -> None:
        """The running config recorded again after a reload that failed past its announcement."""
        if self._announce is None:
            return
        try:
            await self._announce(running)
        except Exception as exc:  # the next heartbeat records it
            log.warning("could not record the running config again: %s: %s", type(exc).__name__, exc)

    def _refuse(self, running: Snapshot, problems: tuple[str, ...], what: str) -> ReloadResult:
        """Keep the running config; publish the problems with it."""
        self._live.publish(self._resources.with_problems(running, running.generation + 1, problems))
        self._retire(running)
        log.error("%s; the previous config keeps running:\n  %s", what, "\n  ".join(problems),
                  extra={"event": "reload", "ok": False})
        return ReloadResult(applied=False, problems=problems)

    def _retire(self, old: Snapshot) -> None:
        task = asyncio.create_task(self._retire_when_unused(old), name=f"retire config {old.generation}")
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def _retire_when_unused(self, old: Snapshot) -> None:
        if not await self._live.wait_unused(old, self._retire_after):
            log.warning("config generation %d still in use after %.0f s; closing what it alone holds",
                        old.generation, self._retire_after)
        await self._resources.retire(old)

    async def drain(self) -> None:
        """Shutdown: let retirements finish (they close clients)."""
        if self._retiring:
            await asyncio.wait(set(self._retiring), timeout=10)

    def _close_prepared(self, prepared: Any) -> None:
        if prepared is not None:
            prepared.close()


def _with_listen(config: Config, listen: str) -> Config:
    from dataclasses import replace

    return replace(config, http=replace(config.http, listen=listen))

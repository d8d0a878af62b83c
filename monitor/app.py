"""The one place that wires config, store, clients, channels and the pipeline.

Everything else takes what it needs as arguments.  `App` is used by the
daemon (`run`), by `once` (burst mode: poll what is due, send what is due,
return) and by the tests.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from monitor import __version__
from monitor.alerts import Dispatcher, build_channels, plan_deliveries, run_digest
from monitor.clock import Clock, SystemClock
from monitor.config import Config
from monitor.fetch.extract import Extractor
from monitor.fetch.lang import detect_language
from monitor.fetch.http import Fetcher, FetchSettings
from monitor.metrics import Metrics
from monitor.pipeline import Pipeline, PipelineSettings
from monitor.poller import CycleResult, Poller
from monitor.schedule import ScheduleSettings
from monitor.store import Store
from monitor.stories import ClusterSettings, StoryClusterer
from monitor.types import Match, PlannedDelivery

log = logging.getLogger("monitor.app")

USER_AGENT = f"news-monitor/{__version__} (+https://github.com/news-monitor/news-monitor)"


def fetch_settings(config: Config) -> FetchSettings:
    f = config.fetch
    return FetchSettings(timeout=f.timeout, max_bytes=f.max_bytes, max_redirects=f.max_redirects,
                         allow_private=tuple(f.allow_private), user_agent=f.user_agent or USER_AGENT,
                         per_host=f.per_host, host_spacing=f.host_spacing,
                         concurrency=config.poll.concurrency)


def pipeline_settings(config: Config) -> PipelineSettings:
    p = config.poll
    return PipelineSettings(
        concurrency=p.concurrency, max_entries=config.fetch.max_entries,
        schedule=ScheduleSettings(min_interval=p.min_interval, max_interval=p.max_interval, jitter=p.jitter,
                                  max_stretch=p.max_stretch),
        health=config.health)


@dataclass
class Services:
    """Long-lived clients a test may inject (transport) or share."""

    transport: httpx.AsyncBaseTransport | None = None
    resolver: Callable[[str], Awaitable[list[str]]] | None = None
    stream: Any = None  # console channel output


class App:
    def __init__(self, config: Config, *, clock: Clock | None = None, services: Services | None = None,
                 owner: str | None = None) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.services = services or Services()
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.store = Store.open(config.database, clock=self.clock)
        self.metrics = Metrics()
        self.metrics.watch_store(self.store.stats)
        self.http_port: int | None = None
        self._started = False
        self._retiring: asyncio.Task | None = None
        self.config_problems: list[str] = []

    # -- life cycle -------------------------------------------------------------

    async def start(self) -> None:
        await asyncio.to_thread(self.store.upgrade)
        if self.store.dialect == "sqlite":  # one process owns a SQLite file: leases of a dead one are void
            await asyncio.to_thread(self.store.release_leases)
        self.fetcher = Fetcher(fetch_settings(self.config), transport=self.services.transport,
                               resolver=self.services.resolver, clock=self.clock)
        self.extractor = Extractor(workers=self.config.fetch.extract_workers,
                                   deadline=self.config.fetch.timeout.total_seconds())
        self.clusterer = StoryClusterer(ClusterSettings())
        since = self.clock.now() - self.clusterer.settings.window
        # warm what would otherwise block the event loop on first use (the
        # language model ~0.6 s, the worker pool) while the story index loads
        rows, *_ = await asyncio.gather(asyncio.to_thread(self.store.recent_story_rows, since),
                                        asyncio.to_thread(detect_language, WARM_UP_TEXT), self.extractor.start())
        await asyncio.to_thread(self.clusterer.rebuild, rows)
        self.pipeline = Pipeline(
            store=self.store, fetcher=self.fetcher, extractor=self.extractor, rules=lambda: self.config.ruleset,
            plan=self._plan, clock=self.clock, settings=pipeline_settings(self.config), clusterer=self.clusterer,
            metrics=self.metrics)
        self.poller = Poller(self.pipeline, owner=self.owner)
        self.channels, self.dispatcher = {}, None
        await self.apply(self.config)
        self._started = True

    async def apply(self, config: Config) -> None:
        """Make `config` the running one (at start and on reload).  Everything new
        is built first: when anything fails (a channel that cannot be built, a
        feed URL the store refuses) the exception leaves the running config as
        it was."""
        channels = build_channels(config.channels, transport=self.services.transport, clock=self.clock,
                                  stream=self.services.stream)
        dispatcher = Dispatcher(self.store, channels, config.channels, clock=self.clock,
                                owner=self.owner, rules={r.id: r for r in config.rules})
        try:
            await asyncio.to_thread(self.store.sync_feeds, config.feeds, self.clock.now())
        except BaseException:
            for channel in channels.values():
                await channel.aclose()
            raise
        old_channels, old_dispatcher = self.channels, self.dispatcher
        self.config, self.channels, self.dispatcher = config, channels, dispatcher
        self.pipeline.settings = pipeline_settings(config)
        self.config_problems = []
        if old_dispatcher is not None:  # sends in flight finish on the old channels, then those close
            self._retiring = asyncio.create_task(self._retire(old_dispatcher, old_channels))

    async def _retire(self, dispatcher: Dispatcher, channels: dict) -> None:
        await dispatcher.drain(timeout=60)
        for channel in channels.values():
            await channel.aclose()

    def _plan(self, match: Match) -> list[PlannedDelivery]:
        return self._plan_rule(match.rule_id)

    def _plan_rule(self, rule_id: str) -> list[PlannedDelivery]:
        rule = self.config.ruleset.get(rule_id)
        return plan_deliveries(rule, self.config.channels, self.clock.now()) if rule else []

    async def aclose(self) -> None:
        if self._started:
            if self._retiring is not None:
                await self._retiring
            await self.fetcher.aclose()
            for channel in self.channels.values():
                await channel.aclose()
            await asyncio.to_thread(self.extractor.close)
        self.store.close()

    async def __aenter__(self) -> App:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- work -------------------------------------------------------------------

    async def poll(self, *, all_feeds: bool = False) -> CycleResult:
        """Burst mode: poll every due feed (or all) and wait for them."""
        cycle = await self.poller.run_cycle(all_feeds=all_feeds)
        await self.follow_ups()
        return cycle

    async def poll_tick(self) -> int:
        """Daemon mode: start polls for the feeds due now; returns at once."""
        started = await self.poller.tick()
        await self.follow_ups()
        return started

    async def follow_ups(self) -> int:
        """Queue the one follow-up of each matched story that reached its rule's
        `follow_up: {outlets: N}` (outlets grow through every feed and path)."""
        thresholds = {r.id: r.follow_up_outlets for r in self.config.rules if r.follow_up_outlets}
        if not thresholds:
            return 0
        now = self.clock.now()
        return await asyncio.to_thread(self.store.queue_follow_ups, thresholds, self._plan_rule,
                                       since=now - FOLLOW_UP_WINDOW, now=now)

    async def dispatch(self) -> int:
        """Burst mode: send every delivery that is due now and wait for them
        (retries due later are left for later)."""
        return await self.dispatcher.run_until_idle()

    async def dispatch_tick(self) -> int:
        """Daemon mode: start sends for whatever is due and return at once, so a
        slow channel keeps its own slots busy and never delays the others."""
        return await self.dispatcher.tick(wait=False)

    async def digest(self, key: str) -> int:
        return await run_digest(self.store, key, clock=self.clock)

    async def once(self, *, all_feeds: bool = False) -> CycleResult:
        cycle = await self.poll(all_feeds=all_feeds)
        await self.dispatch()
        return cycle

    async def housekeeping(self) -> dict[str, int]:
        """The daily job: expire the story index, prune stored text (hits keep
        their snippets) and, when configured, old hits."""
        now, keep = self.clock.now(), self.config.retention
        async with self.pipeline.story_lock:
            done = {"index": await asyncio.to_thread(self.clusterer.expire, now)}
        if keep.article_text is not None:
            done["article_text"] = await asyncio.to_thread(self.store.prune_article_text, now - keep.article_text)
        if keep.hits is not None:
            done["hits"] = await asyncio.to_thread(self.store.prune_hits, now - keep.hits)
        log.info("housekeeping: %s", ", ".join(f"{k} {v}" for k, v in done.items()),
                 extra={"event": "housekeeping", **done})
        return done


FOLLOW_UP_WINDOW = timedelta(days=7)
WARM_UP_TEXT = "A sentence of ordinary English text loads the language model before the first poll."

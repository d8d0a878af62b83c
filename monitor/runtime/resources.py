"""What a snapshot holds open (channels, the fetcher, the parsing and extraction pools):
built for a config, reused from the previous snapshot when their settings
did not change, and closed once no snapshot that is current or still in use
refers to them.

    resources = Resources(services, clock)
    snap = resources.build(generation, config, previous=live.current())
    ...publish...
    await resources.retire(old)   # old is no longer current and no longer in use
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import httpx

from monitor.alerts.channels import Deps, build_channels
from monitor.clock import Clock
from monitor.config.model import Config
from monitor.extract.pool import Extractor
from monitor.fetch.http import Fetcher
from monitor.fetch.settings import FetchSettings
from monitor.parse.pool import FeedParser
from monitor.runtime.snapshot import Snapshot, snapshot

log = logging.getLogger("monitor.runtime")


@dataclass(frozen=True)
class Services:
    """What a test may inject: the HTTP transport (fetcher and channels), the
    DNS resolver of the SSRF guard, and the console channel's stream."""

    transport: httpx.AsyncBaseTransport | None = None
    resolver: Callable[[str], Awaitable[list[str]]] | None = None
    stream: IO[str] | None = None


HostsFor = Callable[[FetchSettings], Any]  # the per-host limiter a fetcher with these settings uses


class Resources:
    def __init__(self, services: Services, clock: Clock, *, hosts: HostsFor | None = None) -> None:
        self._services = services
        self._clock = clock
        self._hosts = hosts  # None: each fetcher limits hosts in this process
        self._alive: dict[int, Snapshot] = {}  # current or still in use, by generation

    def build(self, generation: int, config: Config, *, previous: Snapshot | None = None,
              problems: tuple[str, ...] = (), now: datetime | None = None) -> Snapshot:
        """A snapshot for `config`: what did not change is taken from
        `previous`, the rest is built (ChannelError when a channel cannot be)."""
        deps = Deps(clock=self._clock, transport=self._services.transport, stream=self._services.stream)
        old_specs = previous.config.channels if previous else {}
        reused = {name: previous.channels[name] for name, spec in config.channels.items()
                  if previous and old_specs.get(name) == spec and name in previous.channels}
        built = build_channels({n: s for n, s in config.channels.items() if n not in reused}, deps)
        channels = {name: reused.get(name) or built[name] for name in config.channels}
        settings = FetchSettings.from_config(config.fetch, config.poll)
        if previous is not None and _fetch_settings(previous.config) == settings:
            fetcher = previous.fetcher
        else:
            fetcher = Fetcher(settings, transport=self._services.transport, resolver=self._services.resolver,
                              clock=self._clock, hosts=self._hosts(settings) if self._hosts else None)
        workers, deadline = config.fetch.extract_workers, config.fetch.timeout.total_seconds()
        if previous is not None and (previous.extractor.workers, previous.extractor.deadline) == (workers, deadline):
            extractor = previous.extractor
        else:
            extractor = Extractor(workers=workers, deadline=deadline)
        parsing = (config.fetch.parse_workers, config.poll.parse_deadline.total_seconds(), config.poll.parse_memory)
        if previous is not None and previous.parser is not None and previous.parser.settings == parsing:
            parser = previous.parser
        else:
            parser = FeedParser(parsing[0], deadline=parsing[1], memory=parsing[2])
        snap = snapshot(generation, config, channels=channels, fetcher=fetcher, extractor=extractor, parser=parser,
                        problems=problems, loaded_at=now or self._clock.now())
        self._alive[generation] = snap
        return snap

    def with_problems(self, snap: Snapshot, generation: int, problems: tuple[str, ...]) -> Snapshot:
        """The same config and resources under a new generation with `problems`."""
        from dataclasses import replace

        new = replace(snap, generation=generation, problems=problems)
        self._alive[generation] = new
        return new

    async def discard(self, snap: Snapshot) -> None:
        """A snapshot that was built but never published (its reload failed)."""
        await self.retire(snap)

    async def retire(self, snap: Snapshot) -> None:
        """`snap` is neither current nor in use any more: close what no other
        live snapshot refers to."""
        self._alive.pop(snap.generation, None)
        keep = {id(r) for alive in self._alive.values() for r in alive.resources()}
        for resource in {id(r): r for r in snap.resources()}.values():
            if id(resource) not in keep:
                await close(resource)

    async def close_all(self) -> None:
        for snap in list(self._alive.values()):
            await self.retire(snap)


def _fetch_settings(config: Config) -> FetchSettings:
    return FetchSettings.from_config(config.fetch, config.poll)


async def close(resource: Any) -> None:
    """aclose() for clients, close() (in a thread: it joins processes) for the pool."""
    try:
        if hasattr(resource, "aclose"):
            await resource.aclose()
        elif hasattr(resource, "close"):
            await asyncio.to_thread(resource.close)
    except Exception:  # closing must never fail a reload or a shutdown
        log.exception("closing %r failed", resource)

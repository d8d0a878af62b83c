"""The hostile server of tests/fetch_http (raw asyncio, so it can drip, stall
and bomb) with the content-level feeds of tests/hostile/feeds.py, a switch
that heals every route, an in-process runtime configured for it, and the
measurements every hostile case reports (time, peak memory of this process
and of the workers), printed as a table at the end of the run (by
tests/conftest.py, which the xdist controller loads too)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.config import load_config
from monitor.config.model import Config
from tests.fetch_http.conftest import HostileServer, Seen, route, send
from tests.hostile.feeds import RULES, content, healed
from tests.hostile.measure import Measurements

MAX_ENTRIES = 200  # entries kept per feed: bounds the CPU a 10,000-item feed costs
_MEASURED = pytest.StashKey[Measurements]()


@pytest.fixture(scope="session")
def measured(request: pytest.FixtureRequest) -> Measurements:
    """Where each hostile case records its time and peak memory."""
    stash = request.config.stash
    if _MEASURED not in stash:
        stash[_MEASURED] = Measurements()
    return stash[_MEASURED]


@dataclass
class HealableServer(HostileServer):
    """Serves tests/fetch_http's routes plus /c/... ; once `healed` is set,
    every path but /c/article answers 200 with a small valid feed."""

    healed: bool = False
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    async def answer(self, req: Seen, w: asyncio.StreamWriter) -> None:
        if req.path in self.pages and (not self.healed or req.path == "/c/article"):
            body, kind = self.pages[req.path]
            return await send(w, 200, body, {"Content-Type": kind})
        if self.healed and req.path not in ("/feed",):
            return await send(w, 200, healed(req.path), {"Content-Type": "application/rss+xml"})
        return await route(self, req, w)


async def _serve(srv: HostileServer, port: int = 0) -> asyncio.AbstractServer:
    listener = await asyncio.start_server(srv.handle, "127.0.0.1", port, reuse_address=True)
    srv.port = listener.sockets[0].getsockname()[1]
    return listener


@dataclass
class Farm:
    server: HealableServer
    closed_port: int  # nothing listens here until heal()
    listeners: list[asyncio.AbstractServer] = field(default_factory=list)

    async def heal(self) -> None:
        """Every route healthy, and a server on the closed port too."""
        self.server.healed = True
        late = HealableServer(healed=True)
        self.listeners.append(await _serve(late, self.closed_port))
        late.port = self.closed_port


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def farm() -> AsyncIterator[Farm]:
    srv = HealableServer()
    listener = await _serve(srv)
    srv.pages = content(f"http://127.0.0.1:{srv.port}")
    made = Farm(srv, free_port(), [listener])
    try:
        yield made
    finally:
        for lst in made.listeners:
            lst.close()
        for task in list(srv.tasks):
            task.cancel()
        await asyncio.gather(*srv.tasks, return_exceptions=True)


def write_config(tmp_path: Path, feeds: list[dict[str, Any]], **extra: Any) -> Config:
    data: dict[str, Any] = {
        "database": f"sqlite:///{tmp_path / 'hostile.db'}",
        # max_age off: every hostile entry (undated ones too) is matched, as these tests are about its cost
        "poll": {"concurrency": 64, "parse_deadline": "1s", "match_deadline": "10ms", "max_age": "off"},
        "fetch": {"timeout": "2s", "max_bytes": "1MB", "per_host": 32, "host_spacing": "1ms",
                  "max_redirects": 5, "allow_private": ["127.0.0.1/32"], "max_entries": MAX_ENTRIES},
        "feeds": feeds,
        "rules": [{**r, "notify": ["console"]} for r in RULES],
        "channels": {"console": {"type": "console"}},
        "defaults": {"notify": ["console"]},
    }
    data.update(extra)
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return load_config(path)


@pytest.fixture
def config_for(tmp_path: Path) -> Callable[..., Config]:
    return lambda feeds, **extra: write_config(tmp_path, feeds, **extra)

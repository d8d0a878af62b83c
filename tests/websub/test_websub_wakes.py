"""The subscriber acts as soon as there is something to ask a hub, not at its
next tick: a poll that finds a hub subscribes at once, a reload that removes
the feed unsubscribes at once.  The daemon here ticks every 60 s, so a
subscriber that only ticked would ask the hub a minute late (its first tick
runs before the first poll has found the hub)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from monitor.config import load_config
from monitor.runtime.builder import open_runtime
from monitor.runtime.daemon import Intervals
from tests.e2e.servers import LocalServer, rss
from tests.e2e.test_websub import OLD, feed
from tests.runtime.conftest import Cfg, free_port
from tests.websub.hub import Hub

SLOW_TICK = Intervals(poll=timedelta(seconds=60))
SOON = 15.0  # seconds: well under the tick


@pytest.fixture
def hub():
    h = Hub()
    yield h
    h.close()


@pytest.fixture
def server():
    with LocalServer() as s:
        yield s


def verified(hub: Hub, mode: str, topic: str) -> bool:
    return (mode, topic) in [(m, t) for m, t, _ in hub.verified]


async def test_a_found_hub_is_asked_at_once_and_a_removed_feed_is_let_go_at_once(tmp_path, server, hub) -> None:
    topic = server.url("/push.xml")
    feed(server, hub, [OLD])
    server.serve("/other.xml", rss("Other", [OLD]))
    port = free_port()
    cfg = Cfg(tmp_path / "monitor.yaml", {
        "database": f"sqlite:///{tmp_path / 'monitor.db'}",
        "fetch": {"timeout": "10s", "allow_private": ["127.0.0.0/8"], "host_spacing": "0s"},
        "http": {"listen": f"127.0.0.1:{port}", "public_url": f"http://127.0.0.1:{port}"},
        "feeds": [{"url": topic, "name": "Pushed wire", "interval": "1h"}],
        "channels": {"console": {"type": "console"}},
    })
    async with open_runtime(load_config(cfg.path), mode="run", intervals=SLOW_TICK) as runtime:
        assert await runtime.http.start(f"127.0.0.1:{port}")
        daemon = asyncio.create_task(runtime.daemon.run())
        try:
            assert await asyncio.to_thread(hub.wait, lambda h: verified(h, "subscribe", topic), SOON), \
                (hub.requests, hub.failed)

            cfg.edit(feeds=[{"url": server.url("/other.xml"), "name": "Other"}])
            assert (await runtime.reloader.reload()).applied
            assert await asyncio.to_thread(hub.wait, lambda h: verified(h, "unsubscribe", topic), SOON), \
                (hub.requests, hub.failed)
        finally:
            runtime.daemon.request_stop()
            await asyncio.wait_for(daemon, 30)

"""What a reload makes due is done at once, not at the daemon's next tick:
a feed added to the config is polled within seconds although the daemon
here ticks every 60 s (the first tick ran at the start)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from monitor.config import load_config
from monitor.runtime.builder import open_runtime
from monitor.runtime.daemon import Intervals
from tests.e2e.servers import rss
from tests.runtime.conftest import Cfg

SLOW_TICK = Intervals(poll=timedelta(seconds=60))


async def polled(runtime, url: str, within: float) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + within
    while time.monotonic() < end:
        feeds = await runtime.threads.db(runtime.store.list_feeds)
        if any(f.url == url and f.last_poll_at is not None for f in feeds):
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_feed_added_by_a_reload_is_polled_at_once(cfg: Cfg, server) -> None:
    first = cfg.data["feeds"][0]["url"]
    async with open_runtime(load_config(cfg.path), mode="run", intervals=SLOW_TICK) as runtime:
        daemon = asyncio.create_task(runtime.daemon.run())
        try:
            assert await polled(runtime, first, 15)
            server.serve("/more.xml", rss("More", [{"title": "Harbour news", "guid": "m-1"}]))
            added = server.url("/more.xml")
            cfg.edit(feeds=[*cfg.data["feeds"], {"url": added, "name": "More"}])
            assert (await runtime.reloader.reload()).applied
            assert await polled(runtime, added, 15), "the new feed waits for the next tick"
        finally:
            runtime.daemon.request_stop()
            await asyncio.wait_for(daemon, 30)

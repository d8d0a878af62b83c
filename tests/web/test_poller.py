"""The daemon's poll ticks: a slow feed keeps only its own slot busy, and a
poll past its deadline keeps what it recorded."""

from __future__ import annotations

import asyncio

from monitor.config import load_config
from monitor.runtime.builder import open_runtime
from tests.e2e.servers import page, rss
from tests.web.conftest import reload_with, write_config


def slow_feed(server, n: int = 6, delay: float = 0.6) -> str:
    for i in range(n):
        server.serve(f"/slow/{i}.html", page(f"Slow story {i}", [f"Paragraph {k} of slow story {i}, " * 12
                                                                   for k in range(3)]), "text/html")
        server.delays[f"/slow/{i}.html"] = delay
    return server.serve("/slow.xml", rss("Slow", [{"title": f"Slow story {i}", "link": server.url(f"/slow/{i}.html"),
                                                    "guid": f"s-{i}"} for i in range(n)]))


async def test_a_slow_feed_does_not_hold_up_the_others(tmp_path, server):
    slow_feed(server, n=5, delay=0.8)  # 4 s of pages, one at a time: the quick feed is done long before
    path = write_config(tmp_path, server, feeds=[{"url": server.url("/slow.xml"), "name": "Slow"}],
                        fetch={"timeout": "10s", "allow_private": ["127.0.0.0/8"], "per_host": 1,
                               "host_spacing": "0s"})
    async with open_runtime(load_config(path), mode="once") as runtime:
        assert await runtime.poller.tick() == 1  # the slow feed starts and the tick returns at once
        assert runtime.poller.busy == 1
        # a feed added now is polled by the next tick while the slow one still runs
        server.serve("/quick.xml", rss("Quick", [{"title": "Envoy", "guid": "q-1",
                                                  "description": "China sends an envoy to Pyongyang, North Korea."}]))
        await reload_with(runtime, feeds=[{"url": server.url("/slow.xml"), "name": "Slow"},
                                          {"url": server.url("/quick.xml"), "name": "Quick"}])
        assert await runtime.poller.tick() == 1
        for _ in range(200):
            quick = {f.name: f for f in runtime.store.list_feeds()}["Quick"]
            if quick.status == "ok":
                break
            await asyncio.sleep(0.05)
        slow = {f.name: f for f in runtime.store.list_feeds()}["Slow"]
        assert quick.status == "ok" and slow.status == "new"  # quick finished first, slow still running
        await runtime.poller.drain(timeout=30)
        assert {f.name: f for f in runtime.store.list_feeds()}["Slow"].status == "ok"


async def test_a_feed_of_slow_pages_still_records_everything_within_its_deadline(tmp_path, server):
    """Ten pages at 0.6 s each, one at a time, against a 5 s deadline: the
    first pages are extracted in full; past 80 % of the deadline (4 s) the rest
    use the feed's own text, so the poll records all ten instead of timing
    out (a page in flight then has 1 s, as production's 60 s of a 5 min
    deadline outlast a 20 s page fetch)."""
    slow_feed(server, n=10)
    path = write_config(tmp_path, server, feeds=[{"url": server.url("/slow.xml"), "name": "Slow"}],
                        poll={"deadline": "5s"}, fetch={"timeout": "10s", "allow_private": ["127.0.0.0/8"],
                                                        "per_host": 1, "host_spacing": "0s"})
    async with open_runtime(load_config(path), mode="once") as runtime:
        cycle = await runtime.poller.run_cycle()
        outcome = cycle.outcomes[0]
        assert outcome.status == "ok" and outcome.error is None and outcome.new_articles == 10, outcome
        feed = {f.name: f for f in runtime.store.list_feeds()}["Slow"]
        assert feed.articles == 10 and 0 < feed.full_text_rate < 1, feed

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Callable

from monitor.clock import FrozenClock
from monitor.fetch.http import Fetcher

from .conftest import HostileServer


async def test_user_agent_and_feed_headers_are_sent(server: HostileServer, fetcher: Fetcher) -> None:
    await fetcher.fetch_feed(server.url("/headers"), etag='"e1"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT",
                             headers=[("X-Token", "abc")])
    sent = server.hits("/headers")[0].headers
    assert sent["user-agent"].startswith("news-monitor/") and "+https://" in sent["user-agent"]
    assert sent["x-token"] == "abc"
    assert sent["if-none-match"] == '"e1"'
    assert sent["if-modified-since"] == "Mon, 02 Nov 2026 10:00:00 GMT"
    assert "rss+xml" in sent["accept"]


async def test_conditional_get_gives_not_modified(server: HostileServer, fetcher: Fetcher) -> None:
    first = await fetcher.fetch_feed(server.url("/feed"), etag=None, last_modified=None)
    second = await fetcher.fetch_feed(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.error is None and second.status == 304
    assert second.etag == '"v1"' and second.body == b""


async def test_bare_304_keeps_the_validators_we_had(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/bare-304"), etag='"x"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT")
    assert result.not_modified
    assert result.etag == '"x"' and result.last_modified == "Mon, 02 Nov 2026 10:00:00 GMT"


async def test_retry_after_seconds(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/status/429"), etag=None, last_modified=None)
    assert result.error_kind == "http-429"
    assert result.retry_after == timedelta(seconds=120)
    assert "Retry-After 120s" in (result.error or "")


async def test_retry_after_http_date(server: HostileServer, make_fetcher: Callable[..., Fetcher]) -> None:
    clock = FrozenClock(datetime(2026, 10, 21, 7, 27, tzinfo=timezone.utc))
    result = await make_fetcher(clock=clock).fetch_feed(server.url("/status/503-date"), etag=None, last_modified=None)
    assert result.error_kind == "http-503"
    assert result.retry_after == timedelta(seconds=60)


async def test_cache_control_max_age(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/cache"), etag=None, last_modified=None)
    assert result.error is None and result.max_age == timedelta(hours=1)


async def test_configured_feeds_may_point_at_private_addresses(server: HostileServer,
                                                               make_fetcher: Callable[..., Fetcher]) -> None:
    result = await make_fetcher(allow_private=()).fetch_feed(server.url("/feed"), etag=None, last_modified=None)
    assert result.error is None


async def test_per_host_limit_holds_requests_back(server: HostileServer,
                                                  make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher(per_host=2, timeout=timedelta(seconds=5))
    tasks = [asyncio.create_task(fetcher.fetch_feed(server.url("/hold"), etag=None, last_modified=None))
             for _ in range(4)]
    await asyncio.wait_for(server.two_held.wait(), 5)
    await asyncio.sleep(0.3)  # a window in which a third request WOULD arrive without the limit
    assert server.inflight == 2
    server.release.set()
    results = await asyncio.gather(*tasks)
    assert all(r.error is None for r in results)
    assert server.max_inflight == 2 and len(server.hits("/hold")) == 4

from __future__ import annotations

import time
from collections.abc import Callable

from monitor.fetch.http import Fetcher

from .conftest import RSS, HostileServer


async def test_redirect_loop_is_detected(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/loop/a"), etag=None, last_modified=None)
    assert result.error_kind == "redirects"
    assert "redirect loop" in (result.error or "")
    assert len(server.requests) == 2  # a, b, then the loop is seen before asking again


async def test_too_many_redirects(server: HostileServer, fetcher: Fetcher) -> None:
    started = time.monotonic()
    result = await fetcher.fetch_feed(server.url("/hop/7"), etag=None, last_modified=None)
    assert result.error_kind == "redirects"
    assert "fetch.max_redirects=5" in (result.error or "")
    assert len(server.requests) == 6  # the first request and 5 redirects, no more
    assert time.monotonic() - started < 2


async def test_redirects_within_the_limit_are_followed(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/hop/5"), etag=None, last_modified=None)
    assert result.error is None and result.body == RSS
    assert result.url == server.url("/hop/0")
    assert result.permanent_url is None  # 302s do not move the feed


async def test_permanent_chain_moves_the_feed(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/perm/2"), etag=None, last_modified=None)
    assert result.body == RSS
    assert result.permanent_url == server.url("/feed")


async def test_temporary_or_mixed_chain_does_not_move_the_feed(server: HostileServer,
                                                               fetcher: Fetcher) -> None:
    for path in ("/temp", "/mixed"):
        result = await fetcher.fetch_feed(server.url(path), etag=None, last_modified=None)
        assert result.body == RSS and result.permanent_url is None, path


async def test_feed_redirect_to_a_local_file_is_refused(server: HostileServer, fetcher: Fetcher) -> None:
    url = server.url("/redirect-to?url=file:///etc/passwd")
    result = await fetcher.fetch_feed(url, etag=None, last_modified=None)
    assert result.error_kind == "blocked" and result.body == b""


async def test_feed_headers_stay_on_their_origin(server: HostileServer,
                                                 make_fetcher: Callable[..., Fetcher]) -> None:
    async def loopback(host: str) -> list[str]:  # another origin: guarded, so resolved here
        return ["127.0.0.1"]

    fetcher = make_fetcher(resolver=loopback)
    other = server.url("/headers", host="localhost")
    await fetcher.fetch_feed(server.url(f"/redirect-to?url={other}"), etag=None, last_modified=None,
                             headers=[("Authorization", "Bearer secret")])
    assert server.hits("/redirect-to")[0].headers["authorization"] == "Bearer secret"
    assert "authorization" not in server.hits("/headers")[0].headers


async def test_unparseable_location_is_an_error_not_a_crash(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/redirect-to?url=http://[bad"), etag=None, last_modified=None)
    assert result.error_kind == "invalid-url"

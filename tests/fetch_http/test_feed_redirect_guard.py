"""A configured feed is trusted on its own origin only: a redirect to another
origin is guarded like an article link, and a 301/308 never moves the feed
to an internal address (it would be polled from then on)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from monitor.fetch.http import Fetcher

from .conftest import RSS, HostileServer

NAMES = {"public.example": ["93.184.215.14"], "intranet.example": ["10.9.9.9"],
         "sneaky.example": ["127.0.0.1"], "localhost": ["127.0.0.1"]}


async def fake_dns(host: str) -> list[str]:
    return NAMES[host]


def redirecting(routes: dict[str, tuple[int, str]]) -> httpx.MockTransport:
    """Answers by the Host header (pinned hops connect to an address):
    `routes["scheme://host/path"]` = (status, location) redirects; anything else is RSS."""
    def handle(request: httpx.Request) -> httpx.Response:
        key = f"{request.url.scheme}://{request.headers['host']}{request.url.path}"
        if key in routes:
            status, location = routes[key]
            return httpx.Response(status, headers={"Location": location})
        return httpx.Response(200, stream=httpx.ByteStream(RSS), headers={"Content-Type": "application/rss+xml",
                                                                         "X-Served": key})
    return httpx.MockTransport(handle)


async def test_redirect_to_metadata_from_a_configured_feed_is_refused(
        server: HostileServer, fetcher: Fetcher) -> None:
    target = "http://169.254.169.254/latest/meta-data/"
    result = await fetcher.fetch_feed(server.url(f"/redirect-to?url={target}"), etag=None, last_modified=None)
    assert result.error_kind == "blocked" and result.body == b"" and result.permanent_url is None
    assert result.url == target
    error = result.error or ""
    assert target in error and "metadata" in error and "fetch.allow_private" in error
    assert server.url("/redirect-to") in error  # names the feed that redirected


async def test_redirect_to_another_internal_origin_is_refused_unless_allowed(
        server: HostileServer, make_fetcher: Callable[..., Fetcher]) -> None:
    feed = server.url("/redirect-to?url=" + server.url("/feed", host="sneaky.example"))
    refused = await make_fetcher(allow_private=(), resolver=fake_dns).fetch_feed(
        feed, etag=None, last_modified=None)
    assert refused.error_kind == "blocked", refused.error
    assert "sneaky.example resolves to 127.0.0.1" in (refused.error or "")
    assert server.hits("/feed") == []
    allowed = await make_fetcher(allow_private=("127.0.0.0/8",), resolver=fake_dns).fetch_feed(
        feed, etag=None, last_modified=None)
    assert allowed.error is None and allowed.body == RSS


async def test_the_configured_origin_stays_trusted_even_when_private(
        server: HostileServer, make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher(allow_private=())  # 127.0.0.1 is NOT allowed for links
    result = await fetcher.fetch_feed(server.url("/perm/2"), etag=None, last_modified=None)
    assert result.error is None and result.body == RSS
    assert result.permanent_url == server.url("/feed")  # same origin: the move is adopted


async def test_http_to_https_on_the_same_host_is_trusted(make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = Fetcher(make_fetcher(allow_private=())._settings, resolver=fake_dns,  # noqa: SLF001
                      transport=redirecting({"http://10.0.0.5/feed": (301, "https://10.0.0.5/feed")}))
    try:
        result = await fetcher.fetch_feed("http://10.0.0.5/feed", etag=None, last_modified=None)
    finally:
        await fetcher.aclose()
    assert result.error is None and result.body == RSS
    assert result.permanent_url == "https://10.0.0.5/feed"


async def test_a_permanent_move_is_adopted_only_to_a_public_address(
        make_fetcher: Callable[..., Fetcher]) -> None:
    routes = {"http://10.0.0.5/to-public": (301, "http://public.example/feed"),
              "http://10.0.0.5/to-intranet": (308, "http://intranet.example/feed"),
              "http://10.0.0.5/to-metadata": (301, "http://169.254.169.254/feed")}
    settings = make_fetcher(allow_private=("10.9.0.0/16",))._settings  # noqa: SLF001
    fetcher = Fetcher(settings, resolver=fake_dns, transport=redirecting(routes))
    try:
        public, intranet, metadata = [
            await fetcher.fetch_feed(f"http://10.0.0.5/{path}", etag=None, last_modified=None)
            for path in ("to-public", "to-intranet", "to-metadata")]
    finally:
        await fetcher.aclose()
    assert public.body == RSS and public.permanent_url == "http://public.example/feed"
    # allowed by fetch.allow_private, so fetched, but the feed is not moved inside
    assert intranet.body == RSS and intranet.permanent_url is None
    assert metadata.error_kind == "blocked" and metadata.permanent_url is None


async def test_a_feed_that_moved_to_another_origin_stays_guarded_on_every_poll(
        server: HostileServer, make_fetcher: Callable[..., Fetcher]) -> None:
    """After a 301 to public.example was adopted, that host's DNS may later
    point inside: the moved URL is not the configured origin, so each poll
    checks it again (the configured origin itself stays trusted)."""
    configured = server.url("/feed")
    moved = server.url("/feed", host="sneaky.example")  # resolved to 127.0.0.1 by the fake DNS
    fetcher = make_fetcher(allow_private=(), resolver=fake_dns)
    blocked = await fetcher.fetch_feed(moved, etag=None, last_modified=None, configured=configured)
    assert blocked.error_kind == "blocked", blocked
    trusted = await fetcher.fetch_feed(configured, etag=None, last_modified=None, configured=configured)
    assert trusted.error is None and trusted.body

"""Each hostile case costs a bounded amount of time and memory and comes back
as a clear error, never an exception."""

from __future__ import annotations

import socket
import time
import tracemalloc

import pytest

from monitor.fetch.http import Fetcher

from .conftest import RSS, HostileServer

TIMEOUT = 1.0  # conftest settings(): fetch.timeout = 1 s, max_bytes = 1 MB


async def test_healthy_feed_is_fetched(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/feed"), etag=None, last_modified=None)
    assert result.error is None and result.body == RSS
    assert result.status == 200 and result.etag == '"v1"'
    assert result.content_type == "application/rss+xml"
    assert result.last_modified == "Mon, 02 Nov 2026 10:00:00 GMT"


@pytest.mark.parametrize("path", ["/drip", "/stall"])
async def test_slow_server_is_cut_at_the_total_deadline(server: HostileServer, fetcher: Fetcher,
                                                        path: str) -> None:
    started = time.monotonic()
    result = await fetcher.fetch_feed(server.url(path), etag=None, last_modified=None)
    assert time.monotonic() - started < TIMEOUT + 1
    assert result.error_kind == "timeout"
    assert "fetch.timeout=1s" in (result.error or "")


@pytest.mark.parametrize("path", ["/gzip-bomb", "/br-bomb", "/endless", "/big-declared"])
async def test_oversized_body_is_refused_with_bounded_memory(server: HostileServer, fetcher: Fetcher,
                                                             path: str) -> None:
    tracemalloc.start()
    try:
        result = await fetcher.fetch_feed(server.url(path), etag=None, last_modified=None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.error_kind == "too-large", result.error
    assert "max_bytes=1000000" in (result.error or "")
    assert result.body == b""
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while refusing a 1 MB cap"


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/br"])
async def test_compressed_bodies_are_decoded(server: HostileServer, fetcher: Fetcher, path: str) -> None:
    result = await fetcher.fetch_feed(server.url(path), etag=None, last_modified=None)
    assert result.error is None and result.body == RSS


async def test_accept_encoding_names_only_what_we_cap(server: HostileServer, fetcher: Fetcher) -> None:
    await fetcher.fetch_feed(server.url("/headers"), etag=None, last_modified=None,
                             headers=[("Accept-Encoding", "zstd")])
    assert server.hits("/headers")[0].headers["accept-encoding"] == "gzip, deflate, br"


@pytest.mark.parametrize(("path", "kind"), [("/status/500", "http-500"), ("/status/503", "http-503"),
                                            ("/status/404", "http-404"), ("/gone", "gone"),
                                            ("/empty", "empty")])
async def test_error_statuses_are_results(server: HostileServer, fetcher: Fetcher,
                                          path: str, kind: str) -> None:
    result = await fetcher.fetch_feed(server.url(path), etag=None, last_modified=None)
    assert result.error_kind == kind
    assert server.url(path) in (result.error or "")
    assert result.body == b""


async def test_gone_says_what_to_do(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/gone"), etag=None, last_modified=None)
    assert result.status == 410 and "remove it from config" in (result.error or "")


async def test_connection_refused(fetcher: Fetcher) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    started = time.monotonic()
    result = await fetcher.fetch_feed(f"http://127.0.0.1:{port}/feed", etag=None, last_modified=None)
    assert result.error_kind == "connection" and result.status == 0
    assert f"127.0.0.1:{port}" in (result.error or "")
    assert time.monotonic() - started < TIMEOUT + 1


async def test_garbage_instead_of_http(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/garbage"), etag=None, last_modified=None)
    assert result.error_kind == "connection"
    assert len(server.hits("/garbage")) == 2  # one retry, then the error


async def test_a_dropped_connection_is_retried_once(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/flaky-once"), etag=None, last_modified=None)
    assert result.error is None and result.body == RSS


async def test_unresolvable_host(fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed("http://no-such-host.invalid/feed", etag=None, last_modified=None)
    assert result.error_kind == "connection"


async def test_not_a_url(fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed("gopher://example.com/feed", etag=None, last_modified=None)
    assert result.error_kind == "invalid-url"

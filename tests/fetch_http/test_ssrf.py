"""Article links are untrusted: the guard refuses internal addresses before
the request and on every redirect, unless fetch.allow_private allows them."""

from __future__ import annotations

from typing import Callable

import pytest

from monitor.fetch.http import Fetcher

from .conftest import HTML, HostileServer

NAMES = {"evil.example": ["192.168.1.1"], "internal.example": ["10.1.2.3"],
         "mixed.example": ["93.184.215.14", "10.0.0.1"], "news.example": ["127.0.0.1"]}


async def fake_dns(host: str) -> list[str]:
    return NAMES[host]


@pytest.mark.parametrize(("url", "needle"), [
    ("http://127.0.0.1/x", "loopback"),
    ("http://10.0.0.5/x", "private"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://[::1]/x", "loopback"),
    ("http://[::ffff:169.254.169.254]/x", "metadata"),
    ("http://100.64.0.1/x", "CGNAT"),
    ("http://0.0.0.0/x", "unspecified"),
    ("http://evil.example/x", "evil.example resolves to 192.168.1.1"),
    ("http://mixed.example/x", "10.0.0.1"),
])
async def test_internal_targets_are_refused(make_fetcher: Callable[..., Fetcher], url: str, needle: str) -> None:
    result = await make_fetcher(allow_private=(), resolver=fake_dns).fetch_page(url)
    assert result.error_kind == "blocked", result.error
    assert needle in (result.error or "")
    assert "fetch.allow_private" in (result.error or "")


async def test_redirect_to_metadata_is_refused(server: HostileServer, fetcher: Fetcher) -> None:
    url = server.url("/redirect-to?url=http://169.254.169.254/latest/meta-data/")
    result = await fetcher.fetch_page(url)  # 127.0.0.0/8 is allowed, the hop is not
    assert result.error_kind == "blocked"
    assert result.url == "http://169.254.169.254/latest/meta-data/"


async def test_redirect_to_a_name_resolving_inside_is_refused(server: HostileServer,
                                                              make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher(resolver=fake_dns)
    result = await fetcher.fetch_page(server.url("/redirect-to?url=http://internal.example/admin"))
    assert result.error_kind == "blocked" and "10.1.2.3" in (result.error or "")


async def test_allowed_when_in_allow_private(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_page(server.url("/page"))
    assert result.error is None and result.body == HTML
    assert result.content_type.startswith("text/html")


async def test_connection_goes_to_the_address_checked(server: HostileServer,
                                                      make_fetcher: Callable[..., Fetcher]) -> None:
    # news.example only exists in the injected resolver: reaching the server
    # proves the fetch used the checked address, not a second DNS lookup
    fetcher = make_fetcher(resolver=fake_dns)
    result = await fetcher.fetch_page(server.url("/page", host="news.example"))
    assert result.error is None and result.body == HTML
    assert result.url == server.url("/page", host="news.example")
    assert server.hits("/page")[0].headers["host"] == f"news.example:{server.port}"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)"])
async def test_only_http_links(fetcher: Fetcher, url: str) -> None:
    result = await fetcher.fetch_page(url)
    assert result.error_kind == "blocked" and result.body == b""


async def test_file_links_allowed_when_the_feed_itself_is_a_file(fetcher: Fetcher, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "a.html"
    page.write_bytes(HTML)
    result = await fetcher.fetch_page(page.as_uri(), feed_file=(tmp_path / "feed.xml").as_uri())
    assert result.error is None and result.body == HTML

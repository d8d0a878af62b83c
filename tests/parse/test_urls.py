"""One article per canonical URL (issue 2 and issue 6)."""

from __future__ import annotations

import hashlib

import pytest

from monitor.parse.urls import canonical_url, entry_url
from monitor.types import Entry

CASES = [
    # tracking parameters dropped, the rest sorted
    ("https://example.com/a?utm_source=rss&utm_medium=feed&id=3", "https://example.com/a?id=3"),
    ("https://example.com/a?fbclid=x&gclid=y&mc_cid=1&mc_eid=2&b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?ocid=rss&smid=tw&cmpid=x", "https://example.com/a"),
    # scheme, host case, www., default ports, fragments, trailing slashes
    ("HTTP://WWW.Example.COM:80/News/Story/", "https://example.com/News/Story"),
    ("https://example.com:443/a#comments", "https://example.com/a"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com:8443/a/", "https://example.com:8443/a"),
    ("https://user:secret@example.com/a", "https://example.com/a"),
    # AMP and mobile variants
    ("https://amp.example.com/world/story", "https://example.com/world/story"),
    ("https://m.example.com/world/story", "https://example.com/world/story"),
    ("https://mobile.example.com/world/story", "https://example.com/world/story"),
    ("https://example.com/amp/world/story/", "https://example.com/world/story"),
    ("https://example.com/world/story/amp", "https://example.com/world/story"),
    ("https://example.com/world/story?amp=1", "https://example.com/world/story"),
    ("https://example.com/world/story?outputType=amp", "https://example.com/world/story"),
    ("https://example.com/news/world-123.amp", "https://example.com/news/world-123"),
    ("https://example.com/story.amp.html", "https://example.com/story.html"),
    # ... but not what only looks like one
    ("https://m.com/x", "https://m.com/x"),
    ("https://example.com/search?q=amp", "https://example.com/search?q=amp"),
    ("https://example.com/example", "https://example.com/example"),
    # percent-escapes and IDN
    ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
    ("https://xn--bcher-kva.example/a", "https://bücher.example/a"),
    # non-http URLs: scheme lowercased, meaning unchanged
    ("FILE:///srv/seeds/a.html", "file:///srv/seeds/a.html"),
    ("urn:news-monitor:abc:key", "urn:news-monitor:abc:key"),
    # garbage: returned stripped, no exception
    ("  not a url  ", "not a url"),
    ("http://", "http://"),
    ("https://[::1/", "https://[::1/"),
    ("", ""),
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected  # idempotent


def test_same_article_through_two_feeds_is_one_url() -> None:
    variants = ["http://www.news.example/world/xi-envoy/?utm_source=twitter#top",
                "https://news.example/world/xi-envoy",
                "https://amp.news.example/world/xi-envoy/amp/?amp=1&fbclid=abc",
                "https://m.news.example/world/xi-envoy/"]
    assert len({canonical_url(v) for v in variants}) == 1


def test_entry_url_canonicalises_the_link() -> None:
    entry = Entry(key="g", link="https://www.example.com/a/?utm_campaign=x", title="t", summary="")
    assert entry_url(entry, "https://example.com/feed") == "https://example.com/a"


def test_entry_without_link_gets_a_stable_urn() -> None:
    entry = Entry(key="sha256:abc", link="", title="t", summary="")
    feed = "https://example.com/feed.xml"
    expected = f"urn:news-monitor:{hashlib.sha256(feed.encode()).hexdigest()[:16]}:sha256:abc"
    assert entry_url(entry, feed) == expected
    assert entry_url(entry, "https://other.example/feed.xml") != expected

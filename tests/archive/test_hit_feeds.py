"""Hits as Atom and JSON Feed: valid for a feed parser, closed without the token or the feed's key."""

from __future__ import annotations

import subprocess
import sys

import feedparser

from tests.archive.conftest import api_client


async def test_atom_feeds_parse_with_the_expected_entries(archive):
    async with api_client(archive.api) as http:
        every = await http.get("/feeds/hits.atom")
        envoy = await http.get("/feeds/rules/envoy.atom")
        missing = await http.get("/feeds/rules/nope.atom")
    assert every.status_code == 200 and every.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(every.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert sorted(e.title for e in parsed.entries) == ["China sends envoy to Pyongyang", "Envoy lands in North Korea",
                                                       "United win the derby"]
    one = feedparser.parse(envoy.content)
    assert len(one.entries) == 2 and one.feed.title == "news-monitor: Envoys"
    entry = next(e for e in one.entries if e.title == "China sends envoy to Pyongyang")
    assert "/news/envoy-1.html" in entry.link and entry.author in ("Wire", "Desk")
    assert "envoy" in entry.summary.lower() and "<b>" in entry.content[0].value
    terms = {t.term.lower() for t in entry.tags}
    assert {"envoy", "pyongyang", "rule:envoy"} <= terms
    assert entry.id.startswith("urn:news-monitor:hit:") and entry.updated_parsed
    assert missing.status_code == 404


async def test_json_feed(archive):
    async with api_client(archive.api) as http:
        feed = (await http.get("/feeds/rules/derby.json")).json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    [item] = feed["items"]
    assert item["title"] == "United win the derby" and item["url"].endswith("/news/derby-1.html")
    assert item["authors"] == [{"name": "Wire"}] and "derby" in [t.lower() for t in item["tags"]]
    assert "**" in item["_news_monitor"]["snippet"]


async def test_feeds_refuse_without_token_or_key_and_open_with_either(archive):
    from monitor.web.auth import feed_key

    async with api_client(archive.api, token=None) as http:
        assert (await http.get("/feeds/hits.atom")).status_code == 401
        assert (await http.get("/feeds/hits.atom", params={"key": "wrong"})).status_code == 401
        other = feed_key("t0ken", "/feeds/rules/envoy.atom")
        assert (await http.get("/feeds/hits.atom", params={"key": other})).status_code == 401  # another feed's key
        assert (await http.get("/api/hits", params={"key": other})).status_code == 401  # never the API
        assert (await http.get("/feeds/hits.atom", params={"token": "t0ken"})).status_code == 200
        ok = await http.get("/feeds/rules/envoy.atom", params={"key": other})
    assert ok.status_code == 200 and len(feedparser.parse(ok.content).entries) == 2


async def test_hits_feed_url_prints_keyed_urls(archive):
    config = archive.config.path
    out = subprocess.run([sys.executable, "-m", "monitor", "hits", "--feed-url", "--rule", "envoy", "--config",
                          str(config)], capture_output=True, text=True, check=True).stdout
    from monitor.web.auth import feed_key

    assert f"/feeds/rules/envoy.atom?key={feed_key('t0ken', '/feeds/rules/envoy.atom')}" in out

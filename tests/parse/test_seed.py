"""The bundled seed feed reads from disk and points at the seed page next to it."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from monitor.parse.feed import parse_feed
from monitor.parse.urls import entry_url


def test_seed_feed_from_file_url(seeds: Path) -> None:
    feed = seeds / "seed-feed.xml"
    parsed = parse_feed(feed.read_bytes(), url=feed.as_uri())
    assert parsed.error is None and parsed.warning is None and parsed.title == "Seed desk"
    (entry,) = parsed.entries
    assert entry.key == "seed-000-80eb8aaf9f9dd6d1"
    assert entry.title == "China’s Xi dispatches special envoy to North Korea"
    assert entry.published == datetime(2017, 11, 17, 9, 0, tzinfo=timezone.utc)
    assert entry.link == (seeds / "000_80eb8aaf9f9dd6d1.html").as_uri()
    assert Path(entry.link.removeprefix("file://")).is_file()
    assert entry_url(entry, feed.as_uri()) == entry.link
    # the full text (content:encoded) wins over the two-paragraph description
    source = (seeds / "000_80eb8aaf9f9dd6d1.txt").read_text(encoding="utf-8").split("\n\n")
    assert entry.summary.split("\n\n") == [p.strip() for p in source if p.strip()][:11]


def test_seed_feed_from_relative_file_url(seeds: Path) -> None:
    parsed = parse_feed((seeds / "seed-feed.xml").read_bytes(), url="file:../seeds/seed-feed.xml")
    assert parsed.entries[0].link == "file:../seeds/000_80eb8aaf9f9dd6d1.html"

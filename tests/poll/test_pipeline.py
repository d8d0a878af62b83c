"""The pipeline on its own: HTTP through httpx.MockTransport, an injected
clock (deadlines are the clock's, so slow pages cost no real time), a fake
extractor and a real SQLite store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from monitor.clock import FrozenClock, utc
from monitor.config import load_config
from monitor.extract.page import Extracted
from monitor.fetch.http import Fetcher
from monitor.fetch.settings import FetchSettings
from monitor.metrics import Metrics
from monitor.parse.feed import parse_feed
from monitor.poll.pipeline import Pipeline
from monitor.runtime.snapshot import snapshot
from monitor.runtime.threads import Threads
from monitor.store import Store
from monitor.types import FeedStatus, ParsedFeed, TextSource

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
FULL = "The full article text, extracted from its page. " * 12
CONFIG = """
database: sqlite:///{db}
poll: {{deadline: 300s}}
feeds: [{{url: "https://wire.example/rss", name: Wire}}]
rules: [{{id: envoy, query: envoy, notify: [desk]}}]
channels: {{desk: {{type: console}}}}
"""


class Pages:
    """A fake extraction pool: every page is an article; it takes no time."""

    workers, deadline = 1, 20.0

    async def extract(self, body: bytes, *, url: str, content_type: str = "") -> Extracted:
        return Extracted(title="", text=FULL, lang="en", pagetype="article")


class Inline:
    """The feed parser without its worker processes (the pipeline's calls are what is tested here)."""

    async def parse(self, body: bytes, *, url: str, content_type: str = "", max_entries: int = 1000) -> ParsedFeed:
        return parse_feed(body, url=url, content_type=content_type, max_entries=max_entries)


def reply(status: int = 200, body: bytes = b"", content_type: str = "text/html") -> httpx.Response:
    """A streamed answer, as a server's (the fetcher reads bodies raw, with a cap)."""
    return httpx.Response(status, headers={"content-type": content_type}, stream=httpx.ByteStream(body))


def rss(items: list[tuple[str, datetime]]) -> bytes:
    entries = "".join(f"<item><title>Envoy {key}</title><link>https://wire.example/{key}</link><guid>{key}</guid>"
                      f"<pubDate>{format_datetime(when)}</pubDate><description>An envoy arrived.</description></item>"
                      for key, when in items)
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title>{entries}</channel></rss>".encode()


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "m.yaml").write_text(CONFIG.format(db=tmp_path / "m.db"))
    config = load_config(tmp_path / "m.yaml")
    clock = FrozenClock(T0)
    store = Store.open(config.database, clock=clock)
    store.upgrade()
    store.sync_feeds(config.feeds, T0)
    threads = Threads.start()
    yield config, clock, store, threads
    store.close()
    threads.close()


def build(world, handler):  # type: ignore[no-untyped-def]
    config, clock, store, threads = world

    async def public(host: str) -> list[str]:
        return ["93.184.216.34"]  # every host is public: the SSRF guard lets pages through

    fetcher = Fetcher(FetchSettings.from_config(config.fetch, config.poll), transport=httpx.MockTransport(handler),
                      resolver=public, clock=clock)
    snap = snapshot(1, config, channels={}, fetcher=fetcher, extractor=Pages(), parser=Inline())
    pipeline = Pipeline(store=store, clock=clock, threads=threads, metrics=Metrics(), rand=lambda: 0.5,
                        article_concurrency=1)
    [feed] = store.claim_due_feeds(T0, limit=1, owner="t", lease=timedelta(minutes=10))
    return pipeline, snap, feed


def articles(store: Store) -> dict[str, tuple[str, datetime | None]]:
    with store._db.read() as s:  # noqa: SLF001 - the test reads what was written
        from monitor.store.models import ArticleRow
        rows = s.execute(select(ArticleRow.title, ArticleRow.text_source, ArticleRow.published)).all()
        return {title: (source, utc(published)) for title, source, published in rows}


async def test_past_80_percent_of_the_deadline_articles_keep_the_feeds_text(world) -> None:  # type: ignore[no-untyped-def]
    config, clock, store, _ = world
    feed = rss([(f"a{i}", T0 - timedelta(minutes=i)) for i in range(5)])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/rss":
            return reply(body=feed, content_type="application/rss+xml")
        clock.advance(timedelta(seconds=100))  # each page takes 100 s of the poll's 300 s
        return reply(body=b"<html><body>page</body></html>")

    pipeline, snap, state = build(world, handler)
    result = await pipeline.poll_feed(state, snap)
    assert result.outcome.status == FeedStatus.OK and result.outcome.new_articles == 5
    kept = sorted(source for source, _ in articles(store).values())
    # pages start at 0, 100 and 200 s (before 240 s): full text; at 300 s and later: the feed's text
    assert kept == [TextSource.FEED, TextSource.FEED, TextSource.FULL, TextSource.FULL, TextSource.FULL]


async def test_a_date_in_the_future_is_the_time_it_was_seen(world) -> None:  # type: ignore[no-untyped-def]
    _, _, store, _ = world
    feed = rss([("soon", T0 + timedelta(days=2)), ("past", T0 - timedelta(hours=3))])

    def handler(request: httpx.Request) -> httpx.Response:
        return reply(body=feed if request.url.path == "/rss" else b"<html>x</html>")

    pipeline, snap, state = build(world, handler)
    await pipeline.poll_feed(state, snap)
    stored = articles(store)
    assert stored["Envoy soon"][1] == T0 and stored["Envoy past"][1] == T0 - timedelta(hours=3)


async def test_hits_travel_with_the_deliveries_planned_from_the_snapshot(world) -> None:  # type: ignore[no-untyped-def]
    _, _, store, _ = world

    def handler(request: httpx.Request) -> httpx.Response:
        return reply(body=rss([("a", T0)]) if request.url.path == "/rss" else b"<html>x</html>")

    pipeline, snap, state = build(world, handler)
    result = await pipeline.poll_feed(state, snap)
    [hit] = result.hits
    [delivery] = store.list_deliveries()
    assert (hit.rule_id, delivery.channel, delivery.hit_ids) == ("envoy", "desk", (hit.id,))


@pytest.mark.parametrize("status, expected, kind", [
    (304, FeedStatus.NOT_MODIFIED, None), (503, FeedStatus.FAILING, "http-503"), (410, FeedStatus.GONE, "gone")])
async def test_answers_become_outcomes_with_the_next_poll(world, status, expected, kind) -> None:  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        return reply(status)

    pipeline, snap, state = build(world, handler)
    outcome = (await pipeline.poll_feed(state, snap)).outcome
    assert (outcome.status, outcome.error_kind) == (expected, kind)
    if expected == FeedStatus.FAILING:
        assert outcome.next_poll_at == T0 + timedelta(minutes=1) and outcome.error_count == 1  # backoff, no jitter
    if expected == FeedStatus.GONE:
        assert outcome.next_poll_at == T0 + timedelta(days=7)


@pytest.mark.parametrize("adaptive, delay, reason", [
    (False, timedelta(minutes=10), "configured"), (True, timedelta(minutes=40), "cache-control")])
async def test_the_interval_and_why_reach_feeds_and_the_api(world, adaptive, delay, reason) -> None:  # type: ignore[no-untyped-def]
    """A CDN's max-age=86400 on a 10-minute feed: the interval set is kept unless
    poll.adaptive; either way the feed says which interval it got and why."""
    config, clock, store, threads = world
    from dataclasses import replace
    world = (replace(config, poll=replace(config.poll, adaptive=adaptive, jitter=0.0)), clock, store, threads)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/rss+xml", "cache-control": "max-age=86400"},
                              stream=httpx.ByteStream(rss([("a", T0 - timedelta(days=3))])))

    pipeline, snap, state = build(world, handler)
    outcome = (await pipeline.poll_feed(state, snap)).outcome
    assert (outcome.next_poll_at - T0, outcome.interval_reason) == (delay, reason)
    assert store.finish_poll(outcome, owner="t").applied
    [view] = store.list_feeds()
    assert (view.interval, view.effective_interval, view.interval_reason) == (timedelta(minutes=10), delay, reason)
    from monitor.cli.render import feed_record, interval_text
    record = feed_record(view)
    assert (record["interval"], record["effective_interval"], record["interval_reason"]) == \
        (600.0, delay.total_seconds(), reason)
    assert interval_text(view) == ("10m" if not adaptive else "40m (cache-control; configured 10m)")


async def test_a_feed_a_hub_pushes_is_polled_at_the_safety_interval(world) -> None:  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        return reply(304)

    from dataclasses import replace
    pipeline, snap, state = build(world, handler)
    plain = (await pipeline.poll_feed(state, snap)).outcome
    pushed = (await pipeline.poll_feed(replace(state, pushed=True), snap)).outcome
    assert plain.interval_reason == "configured" and plain.next_poll_at < T0 + timedelta(minutes=12)
    assert pushed.interval_reason == "websub-safety" and pushed.interval == timedelta(hours=1)

"""Small builders for store tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from dataclasses import replace
from typing import Any

from monitor.stories.key import story_key
from monitor.stories.settings import ClusterSettings
from monitor.types import (
    Article, Entry, Evidence, FeedSpec, Match, PlannedDelivery, PlannedHit, RecordItem, RecordResult, Snippet,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def spec(url: str, name: str | None = None, minutes: int = 10, tags: tuple[str, ...] = ()) -> FeedSpec:
    return FeedSpec(url=url, name=name or url.rsplit("/", 1)[-1], interval=timedelta(minutes=minutes), tags=tags)


def entry(key: str, link: str = "") -> Entry:
    return Entry(key=key, link=link or f"https://news.example/{key}", title=f"Title {key}", summary="text")


def article(feed_id: int, key: str, url: str | None = None, source: str = "Wire",
            title: str = "China sends envoy to Pyongyang") -> Article:
    url = url or f"https://news.example/{key}"
    return Article(feed_id=feed_id, entry_key=key, canonical_url=url, url=url, title=title,
                   text="Xi Jinping is sending a senior diplomat to North Korea.", text_source="full",
                   lang="en", source=source, tags=(), published=T0 - timedelta(hours=1),
                   content_hash="h-" + key)


def match(rule_id: str = "china-envoy-nk") -> Match:
    text = "Xi Jinping is sending a senior diplomat to North Korea."
    return Match(rule_id=rule_id, rule_name=rule_id.replace("-", " "), terms=("Xi Jinping", "diplomat"),
                 evidence=(Evidence("@china", "Xi Jinping", "text", 0, 10, 0),),
                 snippet=Snippet(text, ((0, 10), (31, 39))))


def item(feed_id: int, key: str, *rules: str, url: str | None = None, joins: bool = False,
         source: str = "Wire") -> RecordItem:
    """An article matching `rules`; with `joins`, it carries its story key, so
    it joins (and can be joined by) another with the same text."""
    art = article(feed_id, key, url, source=source)
    return RecordItem(article=art, hits=tuple(PlannedHit(match(r)) for r in rules),
                      story=story_key(art.text, art.title, ClusterSettings()) if joins else None)


def record(store: Any, items: Sequence[RecordItem], plan: Callable[[Match], Sequence[PlannedDelivery]],
           now: datetime) -> RecordResult:
    """store.record with each hit's deliveries planned by `plan(match)`."""
    planned = [replace(i, hits=tuple(PlannedHit(h.match, tuple(plan(h.match))) for h in i.hits)) for i in items]
    return store.record(planned, now, stories=ClusterSettings())


def plan_to(*channels: str, digest: str | None = None, due: datetime = T0):  # type: ignore[no-untyped-def]
    def plan(m: Match) -> list[PlannedDelivery]:
        return [PlannedDelivery(channel=c, due_at=due, digest=digest) for c in channels]
    return plan


def claim_concurrently(workers: int, claim: Callable[[str], Sequence]) -> list[int]:  # type: ignore[type-arg]
    """Start `workers` threads at once, each claiming (claim(owner) -> rows
    with .id) until nothing is left; every id they got, in one list."""
    results: dict[str, list[int]] = {}
    barrier = threading.Barrier(workers)

    def worker(owner: str) -> None:
        barrier.wait()
        got: list[int] = []
        while batch := claim(owner):
            got += [row.id for row in batch]
        results[owner] = got

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [i for got in results.values() for i in got]

"""The store's side of stories, on a real SQLite database: copies from three
outlets, recorded as the pipeline does, are one story with one hit per rule;
`list_stories` names the outlets and rules; a new process (another Store on
the same database) joins a copy to the stored story."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from monitor.store import Store
from monitor.stories.key import story_key
from monitor.stories.settings import ClusterSettings
from monitor.types import Article, Evidence, FeedSpec, Match, PlannedDelivery, PlannedHit, RecordItem, Snippet
from tests.stories import story_corpus
from tests.stories.conftest import T0

OUTLETS = ("Wire Service", "Daily Herald", "Asia Daily")


def _feeds(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    store.sync_feeds([FeedSpec(url=f"https://{i}.example/feed", name=name, interval=timedelta(minutes=5))
                      for i, name in enumerate(OUTLETS)], T0)
    return {f.name: f.id for f in store.list_feeds()}


def _article(feed_id: int, sample: story_corpus.Sample) -> Article:
    return Article(feed_id=feed_id, entry_key=sample.url, canonical_url=sample.url, url=sample.url,
                   title=sample.title, text=sample.text, text_source="full", lang="en",
                   source=sample.outlet, tags=(), published=T0,
                   content_hash=hashlib.sha256(sample.text.encode()).hexdigest())


def _match(rule: str) -> Match:
    return Match(rule_id=rule, rule_name=rule, terms=("envoy",), evidence=(Evidence("envoy", "envoy", "text", 0, 5, 0),),
                 snippet=Snippet("envoy", ((0, 5),)))


def _ingest(store, feed_id, sample, rules=("china-envoy-nk",), when=T0):  # type: ignore[no-untyped-def]
    """What the pipeline does for one article."""
    hits = tuple(PlannedHit(_match(r), (PlannedDelivery(channel="console", due_at=T0),)) for r in rules)
    key = story_key(sample.text, sample.title, ClusterSettings())
    return store.record([RecordItem(_article(feed_id, sample), hits, key)], when, stories=ClusterSettings())


def test_three_outlets_one_story_one_hit_and_the_list_names_them(store) -> None:  # type: ignore[no-untyped-def]
    feeds = _feeds(store)
    samples = {(s.story, s.variant): s for s in story_corpus.samples()}
    carried = [("Wire Service", "original"), ("Daily Herald", "headline"), ("Asia Daily", "boilerplate")]
    results = [_ingest(store, feeds[outlet], samples[("china-envoy-seed", variant)],
                       when=T0 + timedelta(minutes=i))
               for i, (outlet, variant) in enumerate(carried)]
    other = _ingest(store, feeds["Daily Herald"], samples[("china-delegation-parade", "original")],
                    when=T0 + timedelta(minutes=5))

    assert len({r.stories[0] for r in results}) == 1
    assert [len(r.hits) for r in results] == [1, 0, 0]  # one alert per story
    assert other.stories[0] != results[0].stories[0] and len(other.hits) == 1

    listed = store.list_stories(since=T0 - timedelta(hours=1))
    assert [s.id for s in listed] == [other.stories[0], results[0].stories[0]]  # newest first
    envoy = listed[1]
    assert envoy.outlets == OUTLETS
    assert envoy.rules == ("china-envoy-nk",)
    assert envoy.article_count == 3
    assert envoy.title == samples[("china-envoy-seed", "original")].title
    assert envoy.first_seen_at == T0
    assert envoy.to_json()["outlets"] == list(OUTLETS)


def test_list_stories_honours_since_and_limit(store) -> None:  # type: ignore[no-untyped-def]
    feeds = _feeds(store)
    originals = [s for s in story_corpus.samples() if s.variant == "original"][:3]
    for i, sample in enumerate(originals):
        _ingest(store, feeds["Wire Service"], sample, rules=(), when=T0 + timedelta(hours=i))
    assert len(store.list_stories(since=T0 + timedelta(minutes=30))) == 2
    assert [s.title for s in store.list_stories(limit=1)] == [originals[2].title]
    assert store.list_stories(since=T0)[0].rules == ()


def test_another_process_joins_a_copy_to_the_stored_story(store, db_url) -> None:  # type: ignore[no-untyped-def]
    feeds = _feeds(store)
    samples = {(s.story, s.variant): s for s in story_corpus.samples()}
    first = _ingest(store, feeds["Wire Service"], samples[("nk-satellite", "original")])

    restarted = Store.open(db_url)  # a new process: the index is the database's
    try:
        copy = _ingest(restarted, feeds["Daily Herald"], samples[("nk-satellite", "cut")],
                       when=T0 + timedelta(hours=1))
    finally:
        restarted.close()
    assert copy.stories == first.stories and copy.hits == ()

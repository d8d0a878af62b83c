"""The store's side of stories, on a real SQLite database: the pipeline's
order (find, record, add) makes copies from three outlets one story with one
hit per rule; `list_stories` names the outlets and rules; `recent_story_rows`
rebuilds the index."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from monitor.stories import StoryClusterer
from monitor.types import Article, Evidence, FeedSpec, Match, PlannedDelivery, RecordItem, Snippet
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


def _plan(match: Match) -> list[PlannedDelivery]:
    return [PlannedDelivery(channel="console", due_at=T0)]


def _ingest(store, clusterer, feed_id, sample, rules=("china-envoy-nk",), when=T0):  # type: ignore[no-untyped-def]
    """What the pipeline does for one article."""
    story = clusterer.find(sample.text, sample.title)
    result = store.record([RecordItem(_article(feed_id, sample), tuple(_match(r) for r in rules), story)], _plan, when)
    clusterer.add(result.stories[0], sample.url, sample.text, sample.title, when)
    return result


def test_three_outlets_one_story_one_hit_and_the_list_names_them(store) -> None:  # type: ignore[no-untyped-def]
    feeds = _feeds(store)
    samples = {(s.story, s.variant): s for s in story_corpus.samples()}
    clusterer = StoryClusterer()
    carried = [("Wire Service", "original"), ("Daily Herald", "headline"), ("Asia Daily", "boilerplate")]
    results = [_ingest(store, clusterer, feeds[outlet], samples[("china-envoy-seed", variant)],
                       when=T0 + timedelta(minutes=i))
               for i, (outlet, variant) in enumerate(carried)]
    other = _ingest(store, clusterer, feeds["Daily Herald"], samples[("china-delegation-parade", "original")],
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
    clusterer = StoryClusterer()
    originals = [s for s in story_corpus.samples() if s.variant == "original"][:3]
    for i, sample in enumerate(originals):
        _ingest(store, clusterer, feeds["Wire Service"], sample, rules=(), when=T0 + timedelta(hours=i))
    assert len(store.list_stories(since=T0 + timedelta(minutes=30))) == 2
    assert [s.title for s in store.list_stories(limit=1)] == [originals[2].title]
    assert store.list_stories(since=T0)[0].rules == ()


def test_rebuilt_index_joins_a_copy_to_the_stored_story(store) -> None:  # type: ignore[no-untyped-def]
    feeds = _feeds(store)
    samples = {(s.story, s.variant): s for s in story_corpus.samples()}
    first = _ingest(store, StoryClusterer(), feeds["Wire Service"], samples[("nk-satellite", "original")])

    restarted = StoryClusterer()  # a new process: the index comes from the database
    restarted.rebuild(store.recent_story_rows(T0 - restarted.settings.window))
    copy = samples[("nk-satellite", "cut")]
    assert restarted.find(copy.text, copy.title) == first.stories[0]

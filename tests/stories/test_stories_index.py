"""The story index on the test corpus, through the store (as the pipeline
records): copies join, different stories stay apart, the window holds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor.stories import ClusterSettings
from monitor.stories.key import best_story, lsh_params, story_key
from monitor.types import Article, FeedSpec, RecordItem
from tests.stories import story_corpus
from tests.stories.conftest import T0

SETTINGS = ClusterSettings()


def _by(samples, story, variant):  # type: ignore[no-untyped-def]
    return next(s for s in samples if s.story == story and s.variant == variant)


class Index:
    """A store with one feed; `add` records a sample as the pipeline does."""

    def __init__(self, store) -> None:  # type: ignore[no-untyped-def]
        store.sync_feeds([FeedSpec(url="https://f.example/rss", name="F", interval=timedelta(minutes=5))], T0)
        self.store, self.feed, self.n = store, store.list_feeds()[0].id, 0

    def add(self, sample, when=T0, settings=SETTINGS) -> int:  # type: ignore[no-untyped-def]
        self.n += 1
        url = f"https://f.example/{self.n}"
        article = Article(feed_id=self.feed, entry_key=url, canonical_url=url, url=url, title=sample.title,
                          text=sample.text, text_source="full", lang="en", source="F", tags=(), published=when,
                          content_hash=url)
        item = RecordItem(article, story=story_key(sample.text, sample.title, settings))
        return self.store.record([item], when, stories=settings).stories[0]


@pytest.fixture
def index(store) -> Index:  # type: ignore[no-untyped-def]
    return Index(store)


@pytest.mark.parametrize("variant", ["headline", "boilerplate", "cut", "rewrite", "tracking", "update", "all-edits"])
def test_every_kind_of_copy_joins_the_original_story(samples, variant, store) -> None:  # type: ignore[no-untyped-def]
    index = Index(store)
    for base in story_corpus.bases():
        original = index.add(_by(samples, base.slug, "original"))
        assert index.add(_by(samples, base.slug, variant)) == original, (base.slug, variant)


def test_different_stories_on_the_same_topic_stay_apart(samples, index) -> None:  # type: ignore[no-untyped-def]
    taken = {index.add(_by(samples, "nk-missile-east-sea", "original")),
             index.add(_by(samples, "china-envoy-seed", "original"))}
    for other in ("nk-missile-cruise", "china-delegation-parade", "un-sanctions-veto"):
        story = index.add(_by(samples, other, "original"))
        assert story not in taken, other
        taken.add(story)


def test_default_threshold_clusters_the_corpus_perfectly(samples, summaries) -> None:  # type: ignore[no-untyped-def]
    for corpus in (samples, summaries):
        predicted = story_corpus.cluster(corpus, SETTINGS)
        assert story_corpus.pairwise_scores(corpus, predicted) == (1.0, 1.0)
        assert len(set(predicted)) == len(story_corpus.bases())


def test_a_threshold_of_0_8_would_split_stories(samples) -> None:  # type: ignore[no-untyped-def]
    precision, recall = story_corpus.pairwise_scores(samples, story_corpus.cluster(samples, ClusterSettings(threshold=0.8)))
    assert precision == 1.0 and recall < 0.5


def test_best_match_wins(samples) -> None:  # type: ignore[no-untyped-def]
    edited = _by(samples, "nk-satellite", "all-edits")
    exact = _by(samples, "nk-satellite", "original")
    key = story_key(exact.text, "any headline", SETTINGS)
    assert key is not None
    candidates = [(3, story_key(edited.text, edited.title, SETTINGS).signature),  # type: ignore[union-attr]
                  (9, story_key(exact.text, exact.title, SETTINGS).signature)]  # type: ignore[union-attr]
    assert best_story(key, candidates, SETTINGS.threshold) == (9, 1.0)


def test_a_story_older_than_the_window_is_not_joined_and_expires(samples, index, store) -> None:  # type: ignore[no-untyped-def]
    old = _by(samples, "nk-satellite", "original")
    first = index.add(old, T0)
    assert index.add(_by(samples, "nk-satellite", "cut"), T0 + timedelta(days=8)) != first
    assert store.expire_story_index(T0 + timedelta(days=8) - SETTINGS.window) == 1  # only the first is past it
    assert index.add(_by(samples, "nk-satellite", "headline"), T0 + timedelta(days=8)) != first


def test_too_short_articles_get_a_story_of_their_own(index) -> None:  # type: ignore[no-untyped-def]
    live = story_corpus.Sample("live", "original", "F", "https://f.example/live", "Live updates", "")
    assert story_key(live.text, live.title, SETTINGS) is None
    assert index.add(live) != index.add(live)


def test_copies_within_one_batch_join_each_other(samples, index, store) -> None:  # type: ignore[no-untyped-def]
    batch = [_by(samples, "nk-satellite", "original"), _by(samples, "nk-defectors", "original"),
             _by(samples, "nk-satellite", "cut"), _by(samples, "nk-defectors", "headline")]
    items = []
    for i, s in enumerate(batch):
        url = f"https://b.example/{i}"
        items.append(RecordItem(Article(feed_id=index.feed, entry_key=url, canonical_url=url, url=url, title=s.title,
                                        text=s.text, text_source="full", lang="en", source="F", tags=(),
                                        published=T0, content_hash=url),
                                story=story_key(s.text, s.title, SETTINGS)))
    stories = store.record(items, T0, stories=SETTINGS).stories
    assert stories[0] == stories[2] and stories[1] == stories[3] and stories[0] != stories[1]


def test_lsh_parameters_for_the_default_threshold() -> None:
    bands, rows = lsh_params(SETTINGS.threshold, SETTINGS.num_perm)
    assert bands * rows <= SETTINGS.num_perm and (bands, rows) == (31, 3)


def test_best_story_compares_all_candidates_at_once_as_one_by_one() -> None:
    """The numpy comparison chooses what the one-by-one loop chose: the highest
    share of equal values at or above the threshold, ties to the lower story."""
    import random
    from array import array

    from monitor.stories.key import StoryKey, similarity

    rng = random.Random(17)
    for trial in range(200):
        mine = [rng.randrange(4) for _ in range(128)]
        others = [(rng.randrange(1, 30), [v if rng.random() < 0.7 else rng.randrange(4) for v in mine])
                  for _ in range(rng.randrange(0, 40))]
        candidates = [(story, array("I", values).tobytes()) for story, values in others]
        candidates.append((99, b"\x01\x00\x00\x00"))  # another num_perm: never a match
        key = StoryKey((), array("I", mine).tobytes())
        threshold = rng.choice([0.4, 0.5, 0.6, 0.75])
        expected = None
        for story, other in candidates:
            score = similarity(key.signature, other)
            if score >= threshold and (expected is None or (score, -story) > (expected[1], -expected[0])):
                expected = (story, score)
        assert best_story(key, candidates, threshold) == expected, trial
    assert best_story(StoryKey((), b""), [(1, b"")], 0.4) is None

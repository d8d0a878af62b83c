"""StoryClusterer on the test corpus: copies join, different stories stay apart."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor.stories import ClusterSettings, StoryClusterer, group_batch
from tests.stories import story_corpus
from tests.stories.conftest import T0


def _by(samples, story, variant):  # type: ignore[no-untyped-def]
    return next(s for s in samples if s.story == story and s.variant == variant)


@pytest.mark.parametrize("variant", ["headline", "boilerplate", "cut", "rewrite", "tracking", "update", "all-edits"])
def test_every_kind_of_copy_joins_the_original_story(samples, variant) -> None:  # type: ignore[no-untyped-def]
    for base in story_corpus.bases():
        clusterer = StoryClusterer()
        original = _by(samples, base.slug, "original")
        clusterer.add(7, "original", original.text, original.title, T0)
        copy = _by(samples, base.slug, variant)
        assert clusterer.find(copy.text, copy.title) == 7, (base.slug, variant)


def test_different_stories_on_the_same_topic_stay_apart(samples) -> None:  # type: ignore[no-untyped-def]
    clusterer = StoryClusterer()
    missile = _by(samples, "nk-missile-east-sea", "original")
    envoy = _by(samples, "china-envoy-seed", "original")
    clusterer.add(1, "a", missile.text, missile.title, T0)
    clusterer.add(2, "b", envoy.text, envoy.title, T0)
    for other in ("nk-missile-cruise", "china-delegation-parade", "un-sanctions-veto"):
        for variant in ("original", "boilerplate", "all-edits"):
            s = _by(samples, other, variant)
            assert clusterer.find(s.text, s.title) is None, (other, variant)


def test_default_threshold_clusters_the_corpus_perfectly(samples, summaries) -> None:  # type: ignore[no-untyped-def]
    for corpus in (samples, summaries):
        predicted = story_corpus.cluster(corpus, ClusterSettings())
        assert story_corpus.pairwise_scores(corpus, predicted) == (1.0, 1.0)
        assert len(set(predicted)) == len(story_corpus.bases())


def test_a_threshold_of_0_8_would_split_stories(samples) -> None:  # type: ignore[no-untyped-def]
    precision, recall = story_corpus.pairwise_scores(samples, story_corpus.cluster(samples, ClusterSettings(threshold=0.8)))
    assert precision == 1.0 and recall < 0.5


def test_find_is_a_pure_lookup(samples) -> None:  # type: ignore[no-untyped-def]
    clusterer = StoryClusterer()
    s = _by(samples, "nk-satellite", "original")
    assert clusterer.find(s.text, s.title) is None
    assert clusterer.find(s.text, s.title) is None
    assert len(clusterer) == 0


def test_best_match_wins_and_nearest_reports_it(samples) -> None:  # type: ignore[no-untyped-def]
    clusterer = StoryClusterer()
    edited = _by(samples, "nk-satellite", "all-edits")
    exact = _by(samples, "nk-satellite", "original")
    clusterer.add(3, "edited", edited.text, edited.title, T0)
    clusterer.add(9, "exact", exact.text, exact.title, T0)
    best = clusterer.nearest(exact.text, "any headline")
    assert best is not None and (best.story_id, best.article_key, best.similarity) == (9, "exact", 1.0)


def test_adding_a_key_again_replaces_it(samples) -> None:  # type: ignore[no-untyped-def]
    clusterer = StoryClusterer()
    a, b = _by(samples, "nk-defectors", "original"), _by(samples, "kim-russia-train", "original")
    clusterer.add(1, "k", a.text, a.title, T0)
    clusterer.add(2, "k", b.text, b.title, T0)
    assert len(clusterer) == 1
    assert clusterer.find(a.text, a.title) is None
    assert clusterer.find(b.text, b.title) == 2


def test_expire_drops_articles_older_than_the_window(samples) -> None:  # type: ignore[no-untyped-def]
    clusterer = StoryClusterer(ClusterSettings(window=timedelta(days=7)))
    old, new = _by(samples, "nk-defectors", "original"), _by(samples, "sk-us-drills", "original")
    clusterer.add(1, "old", old.text, old.title, T0)
    clusterer.add(2, "new", new.text, new.title, T0 + timedelta(days=3))
    assert clusterer.expire(T0 + timedelta(days=7)) == 0
    assert clusterer.expire(T0 + timedelta(days=8)) == 1
    assert len(clusterer) == 1
    assert clusterer.find(old.text, old.title) is None
    assert clusterer.find(new.text, new.title) == 2


def test_re_added_key_is_not_expired_by_its_old_time(samples) -> None:  # type: ignore[no-untyped-def]
    clusterer = StoryClusterer()
    s = _by(samples, "nk-defectors", "original")
    clusterer.add(1, "k", s.text, s.title, T0)
    clusterer.add(1, "k", s.text, s.title, T0 + timedelta(days=5))
    clusterer.expire(T0 + timedelta(days=8))
    assert clusterer.find(s.text, s.title) == 1


def test_rebuild_replaces_the_index(samples) -> None:  # type: ignore[no-untyped-def]
    clusterer = StoryClusterer()
    gone = _by(samples, "nk-defectors", "original")
    clusterer.add(1, "gone", gone.text, gone.title, T0)
    rows = [(10 + i, f"r{i}", s.text, s.title, T0) for i, s in enumerate(samples) if s.variant == "original"]
    clusterer.rebuild(rows)
    assert len(clusterer) == len(rows)
    assert clusterer.find(gone.text, gone.title) != 1
    copy = _by(samples, "china-envoy-seed", "boilerplate")
    assert clusterer.find(copy.text, copy.title) == next(r[0] for r in rows if r[3] == copy.title)


def test_too_short_articles_are_never_indexed_nor_matched() -> None:
    clusterer = StoryClusterer()
    clusterer.add(1, "k", "", "Live updates", T0)
    assert len(clusterer) == 0
    assert clusterer.find("", "Live updates") is None


def test_group_batch_groups_copies_within_one_batch(samples) -> None:  # type: ignore[no-untyped-def]
    batch = [_by(samples, "nk-satellite", "original"), _by(samples, "nk-defectors", "original"),
             _by(samples, "nk-satellite", "cut"), _by(samples, "nk-defectors", "headline")]
    assert group_batch([(s.text, s.title) for s in batch]) == [0, 1, 0, 1]

"""unseen (per-feed and canonical-URL dedup) and record (the outbox transaction)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy import func, select

from monitor.store import Store
from monitor.store.models import ArticleRow, DeliveryRow, Hit, Sighting, Story
from monitor.types import PlannedDelivery
from tests.store.builders import record, T0, entry, item, plan_to, spec


@pytest.fixture
def feeds(store: Store) -> dict[str, int]:
    store.sync_feeds([spec("https://a.example/rss", "A"), spec("https://b.example/rss", "B")], T0)
    return {f.name: f.id for f in store.list_feeds()}


def counts(store: Store) -> dict[str, int]:
    with store._db.read() as s:
        return {t.__tablename__: s.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (ArticleRow, Story, Sighting, Hit, DeliveryRow)}


def url(key: str) -> str:
    return f"https://news.example/{key}"


def test_unseen_drops_entries_this_feed_already_had(store: Store, feeds: dict[str, int]) -> None:
    batch = [(entry("one"), url("one")), (entry("two"), url("two"))]
    assert store.unseen(feeds["A"], batch) == batch
    record(store, [item(feeds["A"], "one")], plan_to(), T0)
    assert store.unseen(feeds["A"], batch) == [batch[1]]
    # another feed may carry an entry with the same key: a different entry
    assert store.unseen(feeds["B"], [(entry("one"), url("b-one"))]) == [(entry("one"), url("b-one"))]


def test_unseen_sights_articles_other_feeds_carried_and_drops_them(store: Store, feeds: dict[str, int]) -> None:
    record(store, [item(feeds["A"], "one", "r1")], plan_to("console"), T0)
    carried = (entry("b-key-1", url("one")), url("one"))
    assert store.unseen(feeds["B"], [carried]) == []
    assert store.unseen(feeds["B"], [carried]) == []  # and now it is a sighting of B
    [hit] = store.list_hits()
    assert hit.outlets == ("A", "B")
    assert counts(store)["article"] == 1


def test_unseen_dedups_within_the_batch(store: Store, feeds: dict[str, int]) -> None:
    batch = [(entry("k1"), url("x")), (entry("k1"), url("y")), (entry("k2"), url("x")), (entry("k3"), url("z"))]
    assert store.unseen(feeds["A"], batch) == [batch[0], batch[3]]
    assert store.unseen(feeds["A"], []) == []


def test_record_writes_article_story_hit_and_deliveries(store: Store, feeds: dict[str, int]) -> None:
    result = record(store, [item(feeds["A"], "one", "r1", "r2")], plan_to("console", "ops-hook"), T0)
    assert [h.rule_id for h in result.hits] == ["r1", "r2"]
    assert all(len(h.deliveries) == 2 for h in result.hits)
    assert len(result.stories) == 1
    assert counts(store) == {"article": 1, "story": 1, "sighting": 1, "hit": 2, "delivery": 4}
    hit = store.get_hit(result.hits[0].id)
    assert hit is not None
    assert (hit.rule, hit.rule_name, hit.source, hit.url, hit.story_id) == (
        "r1", "r1", "Wire", url("one"), result.stories[0])
    assert hit.snippet.startswith("**Xi Jinping** is sending a senior **diplomat**")
    assert hit.terms == ("Xi Jinping", "diplomat")
    assert hit.matched_at == T0 and hit.published == T0 - timedelta(hours=1)


def test_record_is_idempotent(store: Store, feeds: dict[str, int]) -> None:
    items = [item(feeds["A"], "one", "r1"), item(feeds["A"], "two", "r1")]
    first = record(store, items, plan_to("console"), T0)
    before = counts(store)
    again = record(store, items, plan_to("console"), T0 + timedelta(minutes=1))
    assert len(first.hits) == 2 and again.hits == ()
    assert again.stories == first.stories
    assert counts(store) == before


def test_one_hit_per_rule_and_story(store: Store, feeds: dict[str, int]) -> None:
    first = record(store, [item(feeds["A"], "one", "r1", joins=True)], plan_to("console"), T0)
    story = first.stories[0]
    copy = record(store, [item(feeds["B"], "copy", "r1", "r2", joins=True, source="Other")],
                  plan_to("console"), T0 + timedelta(minutes=1))
    assert [h.rule_id for h in copy.hits] == ["r2"]  # r1 already alerted on this story
    assert copy.stories == (story,)
    [r1] = store.list_hits(rule="r1")
    assert r1.outlets == ("A", "B")
    with store._db.read() as s:
        assert s.get(Story, story).article_count == 2


def test_record_is_atomic(store: Store, feeds: dict[str, int]) -> None:
    def broken_plan(match):  # type: ignore[no-untyped-def]
        return [PlannedDelivery(channel=None, due_at=T0)]  # type: ignore[arg-type]  # NOT NULL: the insert fails

    with pytest.raises(IntegrityError):
        record(store, [item(feeds["A"], "one"), item(feeds["A"], "two", "r1")], broken_plan, T0)
    assert counts(store) == {"article": 0, "story": 0, "sighting": 0, "hit": 0, "delivery": 0}
    assert store.unseen(feeds["A"], [(entry("one"), url("one"))]) != []


def test_same_url_twice_in_one_batch_is_one_article(store: Store, feeds: dict[str, int]) -> None:
    result = record(store, [item(feeds["A"], "one", "r1"), item(feeds["B"], "b1", "r1", url=url("one"))],
                          plan_to("console"), T0)
    assert len(result.hits) == 1 and result.stories[0] == result.stories[1]
    assert counts(store)["article"] == 1 and counts(store)["sighting"] == 2


def test_digest_plans_keep_their_digest_key(store: Store, feeds: dict[str, int]) -> None:
    result = record(store, [item(feeds["A"], "one", "r1")], plan_to("mail", digest="daily@08:00"), T0)
    with store._db.read() as s:
        row = s.get(DeliveryRow, result.hits[0].deliveries[0])
        assert (row.digest, row.status, row.key, row.rule_id) == (
            "daily@08:00", "pending", f"hit-{result.hits[0].id}-mail", "r1")


def test_list_hits_filters_and_pages(store: Store, feeds: dict[str, int]) -> None:
    record(store, [item(feeds["A"], "one", "r1")], plan_to(), T0)
    record(store, [item(feeds["B"], "two", "r2")], plan_to(), T0 + timedelta(hours=1))
    record(store, [item(feeds["A"], "three", "r1")], plan_to(), T0 + timedelta(hours=2))
    titles = lambda hits: [h.url.rsplit("/", 1)[-1] for h in hits]  # noqa: E731
    assert titles(store.list_hits()) == ["three", "two", "one"]
    assert titles(store.list_hits(rule="r1")) == ["three", "one"]
    assert titles(store.list_hits(since=T0 + timedelta(minutes=30))) == ["three", "two"]
    assert titles(store.list_hits(feed="B")) == ["two"]
    assert titles(store.list_hits(feed="https://a.example/rss")) == ["three", "one"]
    assert titles(store.list_hits(limit=1, offset=1)) == ["two"]
    assert store.get_hit(10_000) is None


def test_story_index_joins_copies_within_its_window_and_expires(store: Store, feeds: dict[str, int]) -> None:
    old = record(store, [item(feeds["A"], "old", joins=True)], plan_to(), T0 - timedelta(days=9))
    first = record(store, [item(feeds["A"], "first", joins=True)], plan_to(), T0 - timedelta(days=1))
    assert first.stories[0] != old.stories[0]  # the old article is past the 7-day window
    batch = record(store, [item(feeds["B"], "copy-1", joins=True), item(feeds["B"], "copy-2", joins=True),
                           item(feeds["B"], "alone")], plan_to(), T0)
    assert batch.stories[:2] == (first.stories[0], first.stories[0])  # copies join, also within one batch
    assert batch.stories[2] not in (old.stories[0], first.stories[0])  # no key: a story of its own
    assert store.expire_story_index(T0 - timedelta(hours=12)) == 2  # old and first
    again = record(store, [item(feeds["A"], "late-copy", joins=True)], plan_to(), T0)
    assert again.stories[0] == batch.stories[0]  # the copies (indexed at T0) are still joinable


def test_text_pruning_keeps_the_article(store: Store, feeds: dict[str, int]) -> None:
    record(store, [item(feeds["A"], "old")], plan_to(), T0 - timedelta(days=3))
    record(store, [item(feeds["A"], "new")], plan_to(), T0)
    assert store.prune_article_text(T0 - timedelta(days=1)) == 1
    with store._db.read() as s:
        texts = dict(s.execute(select(ArticleRow.canonical_url, ArticleRow.text)).all())
    assert texts[url("old")] == "" and texts[url("new")].startswith("Xi Jinping")

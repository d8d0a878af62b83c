"""unseen (per-feed and canonical-URL dedup) and record (the outbox transaction)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from monitor.store import Store
from monitor.store.models import ArticleRow, DeliveryRow, Hit, Sighting, Story
from tests.store.builders import T0, entry, item, plan_to, spec


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
    store.record([item(feeds["A"], "one")], plan_to(), T0)
    assert store.unseen(feeds["A"], batch) == [batch[1]]
    # another feed may carry an entry with the same key: a different entry
    assert store.unseen(feeds["B"], [(entry("one"), url("b-one"))]) == [(entry("one"), url("b-one"))]


def test_unseen_sights_articles_other_feeds_carried_and_drops_them(store: Store, feeds: dict[str, int]) -> None:
    store.record([item(feeds["A"], "one", "r1")], plan_to("console"), T0)
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
    result = store.record([item(feeds["A"], "one", "r1", "r2")], plan_to("console", "ops-hook"), T0)
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
    first = store.record(items, plan_to("console"), T0)
    before = counts(store)
    again = store.record(items, plan_to("console"), T0 + timedelta(minutes=1))
    assert len(first.hits) == 2 and again.hits == ()
    assert again.stories == first.stories
    assert counts(store) == before


def test_one_hit_per_rule_and_story(store: Store, feeds: dict[str, int]) -> None:
    first = store.record([item(feeds["A"], "one", "r1")], plan_to("console"), T0)
    story = first.stories[0]
    copy = store.record([item(feeds["B"], "copy", "r1", "r2", story_id=story, source="Other")],
                        plan_to("console"), T0 + timedelta(minutes=1))
    assert [h.rule_id for h in copy.hits] == ["r2"]  # r1 already alerted on this story
    assert copy.stories == (story,)
    [r1] = store.list_hits(rule="r1")
    assert r1.outlets == ("A", "B")
    with store._db.read() as s:
        assert s.get(Story, story).article_count == 2


def test_record_is_atomic(store: Store, feeds: dict[str, int]) -> None:
    def broken_plan(match):  # type: ignore[no-untyped-def]
        raise RuntimeError("planner failed")

    with pytest.raises(RuntimeError, match="planner failed"):
        store.record([item(feeds["A"], "one"), item(feeds["A"], "two", "r1")], broken_plan, T0)
    assert counts(store) == {"article": 0, "story": 0, "sighting": 0, "hit": 0, "delivery": 0}
    assert store.unseen(feeds["A"], [(entry("one"), url("one"))]) != []


def test_same_url_twice_in_one_batch_is_one_article(store: Store, feeds: dict[str, int]) -> None:
    result = store.record([item(feeds["A"], "one", "r1"), item(feeds["B"], "b1", "r1", url=url("one"))],
                          plan_to("console"), T0)
    assert len(result.hits) == 1 and result.stories[0] == result.stories[1]
    assert counts(store)["article"] == 1 and counts(store)["sighting"] == 2


def test_digest_plans_keep_their_digest_key(store: Store, feeds: dict[str, int]) -> None:
    result = store.record([item(feeds["A"], "one", "r1")], plan_to("mail", digest="daily@08:00"), T0)
    with store._db.read() as s:
        row = s.get(DeliveryRow, result.hits[0].deliveries[0])
        assert (row.digest, row.status, row.key, row.rule_id) == (
            "daily@08:00", "pending", f"hit-{result.hits[0].id}-mail", "r1")


def test_list_hits_filters_and_pages(store: Store, feeds: dict[str, int]) -> None:
    store.record([item(feeds["A"], "one", "r1")], plan_to(), T0)
    store.record([item(feeds["B"], "two", "r2")], plan_to(), T0 + timedelta(hours=1))
    store.record([item(feeds["A"], "three", "r1")], plan_to(), T0 + timedelta(hours=2))
    titles = lambda hits: [h.url.rsplit("/", 1)[-1] for h in hits]  # noqa: E731
    assert titles(store.list_hits()) == ["three", "two", "one"]
    assert titles(store.list_hits(rule="r1")) == ["three", "one"]
    assert titles(store.list_hits(since=T0 + timedelta(minutes=30))) == ["three", "two"]
    assert titles(store.list_hits(feed="B")) == ["two"]
    assert titles(store.list_hits(feed="https://a.example/rss")) == ["three", "one"]
    assert titles(store.list_hits(limit=1, offset=1)) == ["two"]
    assert store.get_hit(10_000) is None


def test_story_rows_for_the_clusterer_and_text_pruning(store: Store, feeds: dict[str, int]) -> None:
    old = store.record([item(feeds["A"], "old")], plan_to(), T0 - timedelta(days=3))
    new = store.record([item(feeds["A"], "new")], plan_to(), T0)
    rows = store.recent_story_rows(T0 - timedelta(days=1))
    assert [(r[0], r[1], r[4]) for r in rows] == [(new.stories[0], url("new"), T0)]
    assert rows[0][2].startswith("Xi Jinping")
    assert store.prune_article_text(T0 - timedelta(days=1)) == 1
    assert store.recent_story_rows(T0 - timedelta(days=7))[0][:2] == (old.stories[0], url("old"))
    assert store.recent_story_rows(T0 - timedelta(days=7))[0][2] == ""

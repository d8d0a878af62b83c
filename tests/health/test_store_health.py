"""The store side of feed health: migration 0002 on a 0001 database, the
health fields of list_feeds, and enqueue_health's compare-and-set."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from sqlalchemy import inspect, text

from monitor.clock import FrozenClock
from monitor.config.model import HealthConfig
from monitor.health import HealthEvent
from monitor.store import Store
from monitor.store import migrate
from monitor.types import PollOutcome
from tests.store.builders import record, T0, item, plan_to, spec


def poll(store: Store, feed_id: int, status: str, errors: int, *, error: str | None = None,
         health: HealthConfig | None = None) -> HealthEvent | None:
    """Claim the feed and finish its poll as the poller does; the health event it queued."""
    now = store.clock.now()
    claimed = store.claim_due_feeds(now, limit=10, owner="t", lease=timedelta(minutes=5), all_feeds=True)
    assert feed_id in [f.id for f in claimed]
    done = store.finish_poll(PollOutcome(feed_id=feed_id, polled_at=now, status=status,  # type: ignore[arg-type]
                                         next_poll_at=now + timedelta(minutes=10), error_count=errors,
                                         error=error, error_kind="http-503" if error else None),
                             owner="t", health=health)
    assert done.applied
    return done.health


def test_0002_upgrades_a_0001_database_and_keeps_its_rows(fresh_url: str) -> None:
    store = Store.open(fresh_url)
    try:
        migrate.upgrade(store._db.engine, "0001")
        with store._db.engine.begin() as conn:
            conn.execute(text("INSERT INTO feed (url, configured_url, name, interval_seconds, active, status, "
                              "error_count) VALUES ('http://a/rss', 'http://a/rss', 'A', 600, true, 'ok', 2)"))
            conn.execute(text("INSERT INTO delivery (key, channel, kind, status, attempts) "
                              "VALUES ('k1', 'console', 'alert', 'sent', 1)"))
        migrate.upgrade(store._db.engine, "0002")
        assert store.revision() == "0002"
        columns = {t: {c["name"] for c in inspect(store._db.engine).get_columns(t)} for t in ("feed", "delivery")}
        assert "health_alert" in columns["feed"] and "payload" in columns["delivery"]
        store.upgrade()  # and on to head: the rows are still there for the store
        [view] = store.list_feeds()
        assert (view.name, view.error_count, view.items_per_day, view.full_text_rate) == ("A", 2, None, None)
        assert [d.key for d in store.list_deliveries()] == ["k1"]
        migrate_down = migrate.alembic_config()
        from alembic import command
        with store._db.engine.begin() as conn:  # and back down, for an operator's rollback
            migrate_down.attributes["connection"] = conn
            command.downgrade(migrate_down, "0001")
        assert store.revision() == "0001"
    finally:
        store.close()


def test_0003_brings_feeds_parked_as_gone_back_within_a_week(fresh_url: str) -> None:
    store = Store.open(fresh_url)
    try:
        migrate.upgrade(store._db.engine, "0002")
        with store._db.engine.begin() as conn:
            conn.execute(text("INSERT INTO feed (url, configured_url, name, interval_seconds, active, status, "
                              "error_count, next_poll_at) VALUES ('http://g/rss', 'http://g/rss', 'G', 600, true, "
                              "'gone', 1, :far)"), {"far": datetime(2036, 1, 1, tzinfo=timezone.utc)})
        store.upgrade()
        [view] = store.list_feeds()
        assert view.next_poll_at <= datetime.now(timezone.utc) + timedelta(days=7, minutes=1)
    finally:
        store.close()


def test_list_feeds_reports_items_per_day_and_full_text_rate(store: Store, clock: FrozenClock) -> None:
    store.sync_feeds([spec("https://a.example/rss", "A"), spec("https://b.example/rss", "B")], T0)
    ids = {f.name: f.id for f in store.list_feeds()}
    feed_a = ids["A"]
    items = [item(feed_a, f"k{n}") for n in range(4)]
    items = [replace(i, article=replace(i.article, text_source="feed" if n % 2 else "full",
                                        published=T0 - timedelta(days=1 if n < 3 else 30)))
             for n, i in enumerate(items)]
    record(store, items, plan_to(), T0)
    poll(store, feed_a, "ok", 0)
    views = {f.name: f for f in store.list_feeds()}
    assert views["A"].items_per_day == round(3 / 7, 2)  # the 30-day-old item is outside the window
    assert views["A"].full_text_rate == 0.5
    assert (views["B"].items_per_day, views["B"].full_text_rate) == (None, None)  # never polled


def test_check_feed_queues_one_failing_and_one_recovered(store: Store, clock: FrozenClock) -> None:
    cfg = HealthConfig(notify=("hook", "console"), after_errors=2, silent_factor=4.0)
    store.sync_feeds([spec("https://a.example/rss", "A")], T0)
    feed_id = store.list_feeds()[0].id
    kinds = []
    for n in range(1, 6):
        clock.advance(timedelta(minutes=1))
        event = poll(store, feed_id, "failing", n, error="HTTP 503", health=cfg)
        kinds.append(event.kind if event else None)
    assert kinds == [None, "failing", None, None, None]
    clock.advance(timedelta(minutes=1))
    assert poll(store, feed_id, "ok", 0, health=cfg).kind == "recovered"  # type: ignore[union-attr]
    assert poll(store, feed_id, "ok", 0, health=cfg) is None
    claimed = store.claim_due_deliveries(clock.now(), limit=10, owner="t", lease=timedelta(minutes=1))
    assert sorted((d.channel, d.kind, d.payload["event"]) for d in claimed) == [  # type: ignore[index]
        ("console", "health", "failing"), ("console", "health", "recovered"),
        ("hook", "health", "failing"), ("hook", "health", "recovered")]
    failing = next(d for d in claimed if d.payload["event"] == "failing")  # type: ignore[index]
    assert failing.hits == () and failing.payload["feed"]["error_count"] == 2  # type: ignore[index]


def test_enqueue_health_is_compare_and_set(store: Store) -> None:
    from monitor.store.deliveries import enqueue_health

    store.sync_feeds([spec("https://a.example/rss", "A")], T0)
    feed_id = store.list_feeds()[0].id
    decided_on = store.feed_health(feed_id, T0)  # health_alert None
    event = HealthEvent("failing", "feed A failed", "failing")
    for expected in (1, 0):  # the second writer decided on the same state: nothing is queued twice
        with store._db.write() as s:
            assert len(enqueue_health(s, decided_on, event, channels=["hook"], now=T0)) == expected
    assert len(store.list_deliveries()) == 1


def test_silent_feed_uses_its_articles(store: Store, clock: FrozenClock) -> None:
    cfg = HealthConfig(notify=("hook",), after_errors=5, silent_factor=4.0)
    store.sync_feeds([spec("https://a.example/rss", "A", minutes=10)], T0)
    feed_id = store.list_feeds()[0].id
    store.unseen(feed_id, [])  # nothing yet
    assert poll(store, feed_id, "ok", 0, health=cfg) is None
    clock.advance(timedelta(minutes=41))
    event = poll(store, feed_id, "not-modified", 0, health=cfg)
    assert event is not None and event.kind == "silent"

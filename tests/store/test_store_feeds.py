"""Feeds: config sync, due claims under leases, poll outcomes, the health list."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from sqlalchemy import select
from sqlmodel import col

from monitor.errors import StoreError
from monitor.store import Store
from monitor.store.models import Feed
from monitor.types import FeedSpec, PollOutcome
from tests.store.builders import record, T0, claim_concurrently, item, plan_to, spec

LEASE = timedelta(minutes=5)


def claim(store: Store, now=T0, owner="a", limit=10, **kw):  # type: ignore[no-untyped-def]
    return store.claim_due_feeds(now, limit=limit, owner=owner, lease=LEASE, **kw)


def outcome(feed_id: int, *, status="ok", next_in=timedelta(minutes=10), **kw) -> PollOutcome:  # type: ignore[no-untyped-def]
    return PollOutcome(feed_id=feed_id, polled_at=T0, next_poll_at=T0 + next_in, status=status,
                       error_count=kw.pop("error_count", 0), **kw)



def test_a_poll_of_each_kind_writes_its_columns_and_only_those(store: Store) -> None:
    """Each outcome shape (a full answer, a 304 with and without validators, a
    failure, backlog, a title) on one feed, read back after each: the UPDATE
    finish_poll prepares per set of columns writes what the outcome says."""
    store.sync_feeds([spec("https://a.example/rss", "A")], T0)

    def poll(owner: str = "a", **kw) -> None:  # type: ignore[no-untyped-def]
        [feed] = claim(store, owner=owner, all_feeds=True)
        assert store.finish_poll(outcome(feed.id, next_in=timedelta(0), **kw), owner=owner).applied

    def state():  # type: ignore[no-untyped-def]
        [view] = store.list_feeds()
        [due] = claim(store, owner="peek", all_feeds=True)
        store.defer_poll(due.id, owner="peek", due_at=T0)
        with store._db.engine.connect() as conn:
            title = conn.execute(select(col(Feed.title))).scalar_one()
        return replace(view, name=title), due

    poll(etag='"v1"', last_modified="Sun, 01 Mar 2026 11:00:00 GMT", title="The A feed", entries=5, backlog=3)
    view, due = state()  # view.name: the title the feed gave itself
    assert (due.etag, due.last_modified, view.name, view.backlog) == (
        '"v1"', "Sun, 01 Mar 2026 11:00:00 GMT", "The A feed", 3)
    poll(status="not-modified", backlog=2)  # a 304 without validators keeps them; backlog adds up
    view, due = state()
    assert (due.etag, due.last_modified, view.status, view.backlog, view.name) == (
        '"v1"', "Sun, 01 Mar 2026 11:00:00 GMT", "not-modified", 5, "The A feed")
    poll(status="not-modified", etag='"v2"')  # a 304 with a new ETag replaces that one only
    view, due = state()
    assert (due.etag, due.last_modified) == ('"v2"', "Sun, 01 Mar 2026 11:00:00 GMT")
    poll(status="ok", entries=7)  # a full answer without validators clears them
    view, due = state()
    assert (due.etag, due.last_modified, view.status) == (None, None, "ok")
    assert view.interval_reason == "configured" and view.error_count == 0


def test_finishing_a_poll_of_a_feed_that_is_gone_is_an_error_naming_it(store: Store) -> None:
    with pytest.raises(StoreError, match="feed id 987654 does not exist"):
        store.finish_poll(outcome(987654), owner="a")


def test_sync_adds_updates_and_deactivates(store: Store) -> None:
    store.sync_feeds([spec("https://a.example/rss", "A", tags=("x",)), spec("https://b.example/rss", "B")], T0)
    feeds = {f.configured_url: f for f in store.list_feeds()}
    assert set(feeds) == {"https://a.example/rss", "https://b.example/rss"}
    a = feeds["https://a.example/rss"]
    assert (a.name, a.tags, a.status, a.active, a.next_poll_at) == ("A", ("x",), "new", True, T0)

    store.sync_feeds([spec("https://a.example/rss", "A renamed", minutes=3, tags=("y",))], T0)
    feeds = {f.configured_url: f for f in store.list_feeds()}
    assert feeds["https://a.example/rss"].name == "A renamed"
    assert feeds["https://a.example/rss"].tags == ("y",)
    assert feeds["https://b.example/rss"].active is False  # kept, with its history
    assert [f.interval for f in claim(store)] == [timedelta(minutes=3)]  # inactive B is not polled

    store.sync_feeds([spec("https://a.example/rss", "A"), spec("https://b.example/rss", "B")], T0)
    assert all(f.active for f in store.list_feeds())
    assert feeds["https://b.example/rss"].id == {f.configured_url: f for f in store.list_feeds()}[
        "https://b.example/rss"].id


def test_claim_honours_due_time_and_order(store: Store) -> None:
    store.sync_feeds([spec("https://a.example/rss"), spec("https://b.example/rss")], T0)
    a, b = sorted(claim(store), key=lambda f: f.url)
    store.finish_poll(outcome(a.id, next_in=timedelta(minutes=10)), owner="a")
    store.finish_poll(outcome(b.id, next_in=timedelta(minutes=5)), owner="a")
    assert claim(store, T0 + timedelta(minutes=4)) == []
    assert [f.id for f in claim(store, T0 + timedelta(minutes=5))] == [b.id]
    assert [f.id for f in claim(store, T0 + timedelta(minutes=10), owner="z")] == [a.id]  # b still leased


def test_limit_returns_the_most_overdue_first(store: Store) -> None:
    store.sync_feeds([spec(f"https://{n}.example/rss") for n in "abc"], T0)
    ids = {f.url: f.id for f in claim(store)}
    for n, minutes in zip("abc", (3, 1, 2)):
        store.finish_poll(outcome(ids[f"https://{n}.example/rss"], next_in=timedelta(minutes=minutes)), owner="a")
    got = claim(store, T0 + timedelta(hours=1), limit=2)
    assert [f.url for f in got] == ["https://b.example/rss", "https://c.example/rss"]


def test_a_lease_keeps_others_away_until_it_expires(store: Store) -> None:
    store.sync_feeds([spec("https://a.example/rss")], T0)
    assert len(claim(store, owner="one")) == 1
    assert claim(store, T0 + timedelta(minutes=4), owner="two") == []
    assert len(claim(store, T0 + LEASE + timedelta(seconds=1), owner="two")) == 1


def test_finish_poll_releases_the_lease_and_writes_the_outcome(store: Store) -> None:
    store.sync_feeds([spec("https://a.example/rss", "A")], T0)
    [feed] = claim(store)
    store.finish_poll(outcome(feed.id, etag='"v1"', last_modified="Sun, 01 Mar 2026 11:00:00 GMT",
                              title="A feed", entries=12, next_in=timedelta(0)), owner="a")
    [again] = claim(store, owner="other")  # lease released, due again at once
    assert (again.etag, again.last_modified, again.status) == ('"v1"', "Sun, 01 Mar 2026 11:00:00 GMT", "ok")

    assert not store.finish_poll(outcome(feed.id, status="failing"), owner="a").applied  # "other" holds it now
    store.finish_poll(outcome(feed.id, status="failing", error_count=3, error="HTTP 503 from server",
                              error_kind="http-503", next_in=timedelta(0)), owner="other")
    [view] = store.list_feeds()
    assert (view.status, view.error_count, view.last_error, view.last_error_kind) == (
        "failing", 3, "HTTP 503 from server", "http-503")
    assert view.last_success_at == T0 and view.last_poll_at == T0
    assert claim(store, owner="x")[0].etag == '"v1"'  # a failure keeps the cache validators


def test_all_feeds_claims_every_feed_gone_ones_too(store: Store) -> None:
    store.sync_feeds([spec("https://a.example/rss"), spec("https://b.example/rss")], T0)
    a, b = sorted(claim(store), key=lambda f: f.url)
    store.finish_poll(outcome(a.id, next_in=timedelta(hours=1)), owner="a")
    store.finish_poll(outcome(b.id, status="gone", error="410 Gone", error_kind="gone", error_count=1,
                              next_in=timedelta(days=7)), owner="a")
    assert claim(store, T0 + timedelta(minutes=1)) == []
    assert {f.id for f in claim(store, T0 + timedelta(minutes=1), all_feeds=True)} == {a.id, b.id}


def test_a_gone_feed_is_due_again_when_its_next_poll_comes(store: Store) -> None:
    store.sync_feeds([spec("https://a.example/rss")], T0)
    [feed] = claim(store)
    store.finish_poll(outcome(feed.id, status="gone", error="410 Gone", error_kind="gone", error_count=1,
                              next_in=timedelta(days=7)), owner="a")
    assert claim(store, T0 + timedelta(days=6)) == []
    [again] = claim(store, T0 + timedelta(days=7))
    assert (again.id, again.status) == (feed.id, "gone")
    store.finish_poll(outcome(feed.id, status="ok"), owner="a")  # the publisher is back
    [view] = store.list_feeds()
    assert (view.status, view.error_count, view.last_error) == ("ok", 0, None)


def _park_as_gone(store: Store, url: str) -> int:
    [feed] = claim(store)
    store.finish_poll(outcome(feed.id, status="gone", error="410 Gone", error_kind="gone", error_count=1,
                              next_in=timedelta(days=7)), owner="a")
    assert claim(store, T0 + timedelta(minutes=1)) == [] and feed.url == url
    return feed.id


def test_a_gone_feed_removed_and_re_added_is_polled_again_at_once(store: Store) -> None:
    store.sync_feeds([spec("https://a.example/rss")], T0)
    feed_id = _park_as_gone(store, "https://a.example/rss")
    later = T0 + timedelta(hours=1)
    store.sync_feeds([], later)
    store.sync_feeds([spec("https://a.example/rss")], later)
    [view] = store.list_feeds()
    assert (view.id, view.status, view.next_poll_at) == (feed_id, "new", later)
    assert [f.id for f in claim(store, later)] == [feed_id]


@pytest.mark.parametrize("changed", [
    spec("https://a.example/rss", minutes=15),  # interval
    FeedSpec(url="https://a.example/rss", name="rss", interval=timedelta(minutes=10),
             headers=(("Authorization", "Bearer new"),)),  # headers
])
def test_a_changed_entry_resets_a_gone_feed(store: Store, changed: FeedSpec) -> None:
    store.sync_feeds([spec("https://a.example/rss")], T0)
    feed_id = _park_as_gone(store, "https://a.example/rss")
    later = T0 + timedelta(hours=1)
    store.sync_feeds([changed], later)
    [view] = store.list_feeds()
    assert (view.id, view.status, view.next_poll_at) == (feed_id, "new", later)


def test_an_unchanged_config_keeps_status_and_schedule(store: Store) -> None:
    entry = FeedSpec(url="https://a.example/rss", name="rss", interval=timedelta(minutes=10),
                     headers=(("X-Key", "k"),))
    store.sync_feeds([entry], T0)
    [feed] = claim(store)
    store.finish_poll(outcome(feed.id, status="gone", error="410 Gone", error_kind="gone", error_count=1,
                              next_in=timedelta(days=7)), owner="a")
    store.sync_feeds([replace(entry, name="renamed", tags=("t",))], T0 + timedelta(hours=1))  # a reload
    [view] = store.list_feeds()
    assert (view.status, view.next_poll_at) == ("gone", T0 + timedelta(days=7))


def test_a_feed_configured_at_its_new_address_is_polled_at_once(store: Store) -> None:
    store.sync_feeds([spec("https://old.example/rss")], T0)
    [feed] = claim(store)
    store.finish_poll(outcome(feed.id, status="gone", error="410 Gone", error_kind="gone", error_count=1,
                              new_url="https://new.example/rss", next_in=timedelta(days=7)), owner="a")
    later = T0 + timedelta(hours=1)
    store.sync_feeds([spec("https://new.example/rss")], later)
    [view] = store.list_feeds()
    assert (view.id, view.status, view.next_poll_at) == (feed.id, "new", later)


def test_a_permanent_redirect_moves_the_feed(store: Store) -> None:
    store.sync_feeds([spec("https://old.example/rss", "Old")], T0)
    [feed] = claim(store)
    store.finish_poll(outcome(feed.id, new_url="https://new.example/rss", next_in=timedelta(0)), owner="a")
    [moved] = claim(store, owner="b")
    assert moved.url == "https://new.example/rss"
    # the config still names the old URL: same feed, nothing new
    store.sync_feeds([spec("https://old.example/rss", "Old")], T0)
    assert [f.id for f in store.list_feeds()] == [feed.id]
    # the user updates the config to the new address: the feed keeps its history
    store.sync_feeds([spec("https://new.example/rss", "New")], T0)
    [view] = store.list_feeds()
    assert (view.id, view.configured_url, view.active) == (feed.id, "https://new.example/rss", True)


def test_two_configured_feeds_on_one_moved_address_is_refused(store: Store) -> None:
    store.sync_feeds([spec("https://old.example/rss")], T0)
    [feed] = claim(store)
    store.finish_poll(outcome(feed.id, new_url="https://new.example/rss"), owner="a")
    with pytest.raises(StoreError, match="remove one of the two"):
        store.sync_feeds([spec("https://old.example/rss"), spec("https://new.example/rss")], T0)


def test_list_feeds_counts_articles_sighted_per_feed(store: Store) -> None:
    store.sync_feeds([spec("https://a.example/rss", "A"), spec("https://b.example/rss", "B")], T0)
    ids = {f.name: f.id for f in store.list_feeds()}
    record(store, [item(ids["A"], "one"), item(ids["A"], "two"),
                  item(ids["B"], "b-one", url="https://news.example/one")], plan_to(), T0)
    assert {f.name: f.articles for f in store.list_feeds()} == {"A": 2, "B": 1}


def test_a_heartbeat_keeps_a_live_owners_claims_and_a_dead_ones_expire(store: Store) -> None:
    from monitor.store.workers import WorkerInfo

    store.sync_feeds([spec("https://a.example/rss"), spec("https://b.example/rss")], T0)
    for owner in ("live", "dead"):
        store.register_worker(WorkerInfo(owner=owner, kind="run", host="h", pid=1), T0)
        assert len(claim(store, owner=owner, limit=1)) == 1
    beat = T0 + LEASE - timedelta(seconds=1)
    assert store.heartbeat("live", beat, LEASE) == 1  # "dead" never beats again
    later = T0 + LEASE + timedelta(seconds=1)
    assert [f.url for f in claim(store, later, owner="other")] == ["https://b.example/rss"]  # dead's, taken over
    assert [w.owner for w in store.running_workers(later, LEASE)] == ["live"]


def test_release_dead_workers_voids_their_claims_at_once(store: Store) -> None:
    from monitor.store.workers import WorkerInfo

    store.sync_feeds([spec("https://a.example/rss")], T0)
    store.register_worker(WorkerInfo(owner="gone", kind="run", host="h", pid=99), T0)
    assert claim(store, owner="gone")
    assert store.release_dead_workers(T0, LEASE, dead=lambda w: w.pid == 99) == 1
    assert claim(store, owner="restarted")  # no wait for the lease to run out
    assert store.running_workers(T0, LEASE) == []


def test_deregister_gives_back_feed_claims(store: Store) -> None:
    from monitor.store.workers import WorkerInfo

    store.sync_feeds([spec("https://a.example/rss")], T0)
    store.register_worker(WorkerInfo(owner="me", kind="once", host="h", pid=1), T0)
    assert claim(store, owner="me")
    store.deregister_worker("me")
    assert claim(store, owner="next")


def test_concurrent_claimers_never_share_a_feed(store: Store) -> None:
    # PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: BEGIN IMMEDIATE serialises the claims
    store.sync_feeds([spec(f"https://f{n}.example/rss") for n in range(60)], T0)
    claimed = claim_concurrently(4, lambda owner: store.claim_due_feeds(T0, limit=3, owner=owner, lease=LEASE))
    assert len(claimed) == 60 and len(set(claimed)) == 60


def test_a_gone_feed_that_comes_back_sends_one_recovered_alert(store: Store) -> None:
    from monitor.config.model import HealthConfig

    health = HealthConfig(notify=("desk",))
    store.sync_feeds([spec("https://a.example/rss", "A")], T0)
    [feed] = claim(store)
    failing = store.finish_poll(outcome(feed.id, status="gone", error="HTTP 410 Gone", error_kind="gone",
                                        error_count=1, next_in=timedelta(days=7)), owner="a", health=health).health
    assert failing is not None and failing.kind == "failing" and "re-checked weekly" in failing.message
    week = T0 + timedelta(days=7)
    [again] = claim(store, week)  # the weekly re-check
    record(store, [item(again.id, "back")], plan_to(), week)  # it publishes again
    back = replace(outcome(again.id, status="ok"), polled_at=week, next_poll_at=week + LEASE)
    recovered = store.finish_poll(back, owner="a", health=health).health
    assert recovered is not None and recovered.kind == "recovered"
    [again] = claim(store, week + LEASE)
    assert store.finish_poll(replace(back, next_poll_at=week + 2 * LEASE), owner="a",
                             health=health).health is None  # once

"""The delivery outbox: claims under leases, retry, dead, replay, digests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor.store import Store
from tests.store.builders import record, T0, claim_concurrently, item, plan_to, spec

LEASE = timedelta(minutes=2)


@pytest.fixture
def feed_id(store: Store) -> int:
    store.sync_feeds([spec("https://a.example/rss", "A")], T0)
    return store.list_feeds()[0].id


def claim(store: Store, now=T0, owner="a", limit=10, **kw):  # type: ignore[no-untyped-def]
    return store.claim_due_deliveries(now, limit=limit, owner=owner, lease=LEASE, **kw)


def test_claim_returns_due_deliveries_with_their_hits(store: Store, feed_id: int) -> None:
    rec = record(store, [item(feed_id, "one", "r1")], plan_to("console", "hook"), T0)
    record(store, [item(feed_id, "later", "r1")], plan_to("console", due=T0 + timedelta(hours=1)), T0)
    got = claim(store)
    assert sorted(d.channel for d in got) == ["console", "hook"]
    d = got[0]
    assert (d.kind, d.attempts, d.key) == ("alert", 0, f"hit-{rec.hits[0].id}-{d.channel}")
    assert [h.id for h in d.hits] == [rec.hits[0].id]
    assert d.hits[0].title == "China sends envoy to Pyongyang"


def test_channel_filter_and_lease(store: Store, feed_id: int) -> None:
    record(store, [item(feed_id, "one", "r1")], plan_to("console", "hook"), T0)
    assert [d.channel for d in claim(store, channels={"hook"})] == ["hook"]
    assert [d.channel for d in claim(store, owner="b")] == ["console"]  # hook is leased
    assert claim(store, owner="c") == []
    assert len(claim(store, T0 + LEASE + timedelta(seconds=1), owner="c")) == 2  # leases expired


def test_sent_retry_dead_and_replay(store: Store, feed_id: int) -> None:
    record(store, [item(feed_id, "one", "r1")], plan_to("console", "hook", "mail"), T0)
    by = {d.channel: d.id for d in claim(store)}
    store.mark_sent(by["console"], T0, "200 OK")
    store.mark_retry(by["hook"], next_attempt_at=T0 + timedelta(minutes=5), error="HTTP 503")
    store.mark_dead(by["mail"], error="550 mailbox unknown", now=T0)
    views = {v.channel: v for v in store.list_deliveries()}
    assert (views["console"].status, views["console"].sent_at, views["console"].detail) == ("sent", T0, "200 OK")
    assert (views["hook"].status, views["hook"].attempts, views["hook"].last_error) == ("pending", 1, "HTTP 503")
    assert views["hook"].next_attempt_at == T0 + timedelta(minutes=5)
    assert (views["mail"].status, views["mail"].attempts) == ("dead", 1)
    assert views["mail"].hit_ids == views["console"].hit_ids and views["mail"].rule == "r1"

    assert claim(store, T0 + timedelta(minutes=1), owner="b") == []  # retry lease cleared but not due
    assert [d.channel for d in claim(store, T0 + timedelta(minutes=5), owner="b")] == ["hook"]
    store.mark_sent(by["hook"], T0 + timedelta(minutes=5))

    assert [v.channel for v in store.list_deliveries(status="dead")] == ["mail"]
    assert store.replay(dead=True, now=T0 + timedelta(hours=1)) == 1
    assert store.replay(delivery_id=by["console"], now=T0) == 0  # only dead ones come back
    [again] = claim(store, T0 + timedelta(hours=1), owner="c")
    assert (again.channel, again.attempts) == ("mail", 0)


def test_replay_one_by_id(store: Store, feed_id: int) -> None:
    record(store, [item(feed_id, "one", "r1")], plan_to("a", "b"), T0)
    for d in claim(store):
        store.mark_dead(d.id, error="boom", now=T0)
    first = store.list_deliveries()[-1].id
    assert store.replay(delivery_id=first, now=T0) == 1
    assert [v.id for v in store.list_deliveries(status="pending")] == [first]
    with pytest.raises(ValueError):
        store.replay(now=T0)


def test_list_deliveries_newest_first_with_limit(store: Store, feed_id: int) -> None:
    record(store, [item(feed_id, "one", "r1")], plan_to("a"), T0)
    record(store, [item(feed_id, "two", "r1")], plan_to("a"), T0 + timedelta(minutes=1))
    views = store.list_deliveries()
    assert [v.created_at for v in views] == [T0 + timedelta(minutes=1), T0]
    assert len(store.list_deliveries(limit=1)) == 1


def test_take_digest_folds_pending_digest_deliveries_into_one(store: Store, feed_id: int) -> None:
    daily = plan_to("mail", digest="daily")
    hits = []
    for key in ("one", "two", "three"):
        hits += record(store, [item(feed_id, key, "r1", "r2")], daily, T0).hits
    assert claim(store, T0 + timedelta(days=1)) == []  # digest deliveries wait for their digest
    assert store.digest_groups("daily") == [("mail", "r1"), ("mail", "r2")]

    digest = store.take_digest("daily", channel="mail", rule_id="r1", now=T0 + timedelta(hours=8))
    assert digest is not None and digest.kind == "digest" and digest.key.startswith("digest-")
    assert [h.id for h in digest.hits] == sorted(h.id for h in hits if h.rule_id == "r1")
    assert store.digest_groups("daily") == [("mail", "r2")]
    assert store.take_digest("daily", channel="mail", rule_id="r1", now=T0) is None

    folded = [v for v in store.list_deliveries() if v.kind == "alert" and v.rule == "r1"]
    assert {(v.status, v.detail) for v in folded} == {("sent", f"in digest {digest.key}")}
    [due] = claim(store, T0 + timedelta(hours=8))
    assert (due.id, due.channel, len(due.hits)) == (digest.id, "mail", 3)


def test_concurrent_delivery_claims_never_overlap(store: Store, feed_id: int) -> None:
    # PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: BEGIN IMMEDIATE serialises the claims
    record(store, [item(feed_id, f"k{n}", "r1") for n in range(30)], plan_to("a", "b"), T0)
    claimed = claim_concurrently(3, lambda owner: claim(store, owner=owner, limit=4))
    assert len(claimed) == 60 and len(set(claimed)) == 60


def test_an_outcome_applies_only_while_its_owner_holds_the_lease(store: Store, feed_id: int) -> None:
    record(store, [item(feed_id, "one", "r1")], plan_to("hook", "mail"), T0)
    by = {d.channel: d.id for d in claim(store, owner="a")}
    later = T0 + LEASE + timedelta(seconds=1)  # a's leases expired; b takes "hook" over
    assert [d.channel for d in claim(store, later, owner="b", channels={"hook"})] == ["hook"]
    assert store.mark_sent(by["hook"], later, "200 OK", owner="b")
    assert not store.mark_dead(by["hook"], error="late failure", now=later, owner="a")
    assert not store.mark_retry(by["hook"], next_attempt_at=later, error="late", owner="a")
    assert not store.mark_dead(by["hook"], error="no owner given", now=later)  # sent is final
    hook = next(v for v in store.list_deliveries() if v.channel == "hook")
    assert (hook.status, hook.detail, hook.attempts, hook.last_error) == ("sent", "200 OK", 1, None)
    # nobody took "mail" over: a's late answer still counts
    assert store.mark_retry(by["mail"], next_attempt_at=later, error="HTTP 503", owner="a")
    assert not store.mark_sent(by["mail"], later, owner="a")  # the lease went with the retry


def test_count_sent_counts_single_alerts_only(store: Store, feed_id: int) -> None:
    record(store, [item(feed_id, "one", "r1")], plan_to("mail"), T0)
    record(store, [item(feed_id, "two", "r1")], plan_to("mail", digest="summary:hourly"), T0)
    [alert] = claim(store)
    store.mark_sent(alert.id, T0)
    summary = store.take_digest("summary:hourly", channel="mail", rule_id="r1", now=T0)
    assert summary is not None
    store.set_delivery_kind(summary.id, "summary")
    store.mark_sent(summary.id, T0)
    assert store.count_sent(rule_id="r1", channel="mail", since=T0 - timedelta(hours=1)) == 1


def test_overdue_digests_and_unknown_channels(store: Store, feed_id: int) -> None:
    record(store, [item(feed_id, "one", "r1")], plan_to("mail", digest="daily", due=T0 + timedelta(hours=8)), T0)
    record(store, [item(feed_id, "two", "r1")], plan_to("mail", digest="daily", due=T0 + timedelta(days=1)), T0)
    assert store.overdue_digest_groups(T0 + timedelta(hours=7)) == []
    assert store.overdue_digest_groups(T0 + timedelta(hours=8)) == [("daily", "mail", "r1")]
    late = store.take_digest("daily", channel="mail", rule_id="r1", now=T0 + timedelta(hours=9),
                             due_by=T0 + timedelta(hours=8))
    assert late is not None and len(late.hits) == 1  # tomorrow's hit keeps waiting
    assert [v.next_attempt_at for v in store.list_deliveries(status="pending") if v.kind == "alert"] == [
        T0 + timedelta(days=1)]

    assert store.fail_unknown_channels(["mail"], now=T0 + timedelta(hours=9)) == {}
    # within the grace another replica may already know the channel; after it, the digest is dead
    assert store.fail_unknown_channels([], now=T0 + timedelta(hours=9)) == {}
    assert store.fail_unknown_channels([], now=T0 + timedelta(hours=9, minutes=11)) == {"mail": 1}  # the digest
    [dead] = store.list_deliveries(status="dead")
    assert dead.id == late.id and "channel 'mail' is not in the config" in (dead.last_error or "")
    assert store.replay(dead=True, now=T0 + timedelta(hours=10)) == 1
    assert [d.id for d in claim(store, T0 + timedelta(hours=10))] == [late.id]


def test_a_poller_shutting_down_gives_back_feed_leases_but_not_delivery_leases(store: Store, feed_id: int) -> None:
    """A send still in flight at shutdown must be able to record its answer."""
    record(store, [item(feed_id, "one", "r1")], plan_to("console"), T0)
    (delivery,) = claim(store, owner="me")
    assert store.claim_due_feeds(T0 + timedelta(hours=1), limit=10, owner="me", lease=timedelta(minutes=5))
    store.release_leases("me", deliveries=False)
    assert store.claim_due_feeds(T0 + timedelta(hours=1), limit=10, owner="other", lease=timedelta(minutes=5))
    assert claim(store, owner="other") == []  # the delivery is still leased to "me"
    assert store.mark_sent(delivery.id, T0, "200", owner="me") is True


def test_a_dead_workers_send_is_claimable_one_replica_lease_after_its_last_beat(store: Store, feed_id: int) -> None:
    """A send claimed with a long lease (two channel timeouts) by a process
    killed before its next beat waits for the replica lease, not the claim's:
    the other processes' heartbeats void the claims of a worker that stopped
    beating."""
    from monitor.store.workers import WorkerInfo

    replica_lease = timedelta(seconds=3)
    for owner in ("killed", "live"):
        store.register_worker(WorkerInfo(owner=owner, kind="run", host="elsewhere", pid=1), T0)
    record(store, [item(feed_id, "one", "r1")], plan_to("hook"), T0)
    assert len(store.claim_due_deliveries(T0, limit=1, owner="killed", lease=timedelta(minutes=1))) == 1
    later = T0 + replica_lease + timedelta(seconds=1)
    assert store.heartbeat("live", later, replica_lease) == 0
    assert claim(store, later, owner="live") == []  # the claim's own lease still runs
    assert store.release_dead_workers(later, replica_lease, dead=lambda w: False) == 1
    assert [d.channel for d in claim(store, later, owner="live")] == ["hook"]
    assert store.heartbeat("killed", later, replica_lease) is None  # it must register again if it was alive



def test_a_slow_but_running_workers_send_is_not_taken_over(store: Store, feed_id: int) -> None:
    """A process of this host whose beats came late (a loaded machine, a
    database that made it wait) but which still runs keeps its send: taking
    it over would send the alert twice.  Its feeds go back; its claim runs
    out on its own."""
    from monitor.store.workers import WorkerInfo

    replica_lease = timedelta(seconds=3)
    for owner in ("slow", "live"):
        store.register_worker(WorkerInfo(owner=owner, kind="run", host="here", pid=1), T0)
    record(store, [item(feed_id, "one", "r1")], plan_to("hook"), T0)
    assert len(store.claim_due_deliveries(T0, limit=1, owner="slow", lease=timedelta(minutes=1))) == 1
    later = T0 + replica_lease + timedelta(seconds=1)
    assert store.heartbeat("live", later, replica_lease) == 0
    assert store.release_dead_workers(later, replica_lease, dead=lambda w: False,
                                      alive=lambda w: w.owner == "slow") == 0
    assert claim(store, later, owner="live") == []  # still the slow one's send
    assert store.heartbeat("slow", later, replica_lease) is None  # it registers again, its claim intact
    assert [d.channel for d in claim(store, T0 + timedelta(minutes=1, seconds=1), owner="live")] == ["hook"]


def test_a_heartbeat_never_shortens_a_sends_claim(store: Store, feed_id: int) -> None:
    """A send is claimed for two channel timeouts; the live owner's beats with
    a shorter replica lease keep that, so a slow receiver is not sent twice."""
    from monitor.store.workers import WorkerInfo

    replica_lease = timedelta(seconds=3)
    store.register_worker(WorkerInfo(owner="slow", kind="run", host="h", pid=1), T0)
    record(store, [item(feed_id, "one", "r1")], plan_to("hook"), T0)
    assert len(store.claim_due_deliveries(T0, limit=1, owner="slow", lease=timedelta(minutes=1))) == 1
    for beat in range(1, 11):
        store.heartbeat("slow", T0 + timedelta(seconds=beat), replica_lease)
    assert claim(store, T0 + timedelta(seconds=12), owner="other") == []
    store.heartbeat("slow", T0 + timedelta(seconds=59), replica_lease)
    assert claim(store, T0 + timedelta(seconds=61), owner="other") == []  # renewed past the claim's own end

"""WebSub subscriptions in the database, on SQLite and PostgreSQL: what a poll
found becomes a subscription to act on, one replica at a time claims it, the
hub's verification (even one arriving before the hub answers our request)
sets its lease and renewal, removal of the feed unsubscribes."""

from __future__ import annotations

from datetime import timedelta

from monitor.store.websub import Outcome, Policy
from monitor.types import FeedStatus, PollOutcome
from monitor.websub.discover import Discovered
from tests.store.builders import T0, spec

HUB, TOPIC = "https://hub.example/", "https://news.example/feed.xml"
POLICY = Policy(callback="https://monitor.example", lease=timedelta(days=10))


def polled(store, *, hub: str | None = HUB, policy: Policy | None = POLICY, owner: str = "a"):  # type: ignore[no-untyped-def]
    store.sync_feeds([spec(TOPIC)], T0)
    [feed] = store.claim_due_feeds(T0, limit=10, owner=owner, lease=timedelta(minutes=1), all_feeds=True)
    outcome = PollOutcome(feed_id=feed.id, polled_at=T0, next_poll_at=T0 + timedelta(minutes=10),
                          status=FeedStatus.OK, error_count=0, websub=Discovered(hub=hub, topic=TOPIC))
    return store.finish_poll(outcome, owner=owner, websub_policy=policy)


def query(token_task, mode: str = "subscribe", **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"hub.mode": mode, "hub.topic": TOPIC, "hub.challenge": "ch", **extra}


def test_a_discovered_hub_is_claimed_by_one_replica_and_verified(store) -> None:
    assert "subscribing" in (polled(store).websub_note or "")
    a = store.claim_subscriptions(T0, limit=10, owner="a", lease=timedelta(seconds=60))
    b = store.claim_subscriptions(T0, limit=10, owner="b", lease=timedelta(seconds=60))
    assert len(a) == 1 and b == []
    task = a[0]
    assert (task.hub, task.topic, task.mode) == (HUB, TOPIC, "subscribe") and len(task.secret) >= 32

    # the hub verifies while our request is still in flight, then answers 202
    verdict = store.verify_subscription(task.token, query(task, **{"hub.lease_seconds": "600"}), T0)
    assert (verdict.status, verdict.body) == (200, "ch")
    assert store.subscription_requested(task, owner="a", now=T0,
                                        outcome=Outcome(state="requested", next_action_at=T0 + timedelta(minutes=10)))
    [view] = store.list_feeds()
    assert view.push and view.push.startswith(f"pushed by {HUB}"), view.push
    # nothing to do until the renewal, a tenth of the lease before it ends
    assert store.claim_subscriptions(T0 + timedelta(minutes=8), limit=10, owner="b", lease=timedelta(seconds=60)) == []
    [renew] = store.claim_subscriptions(T0 + timedelta(minutes=9), limit=10, owner="b", lease=timedelta(seconds=60))
    assert renew.mode == "subscribe" and renew.token == task.token

    # while pushed, the feed is claimed as pushed (the schedule slows to the safety interval)
    [state] = store.claim_due_feeds(T0 + timedelta(minutes=1), limit=10, owner="a", lease=timedelta(minutes=1),
                                    all_feeds=True)
    assert state.pushed
    target = store.push_target(task.token, T0)
    assert target is not None and target.secret == task.secret and target.feed.id == state.id
    assert store.push_target("no-such-token-at-all", T0) is None


def test_a_verification_for_something_we_did_not_ask_is_refused(store) -> None:
    polled(store)
    [task] = store.claim_subscriptions(T0, limit=10, owner="a", lease=timedelta(seconds=60))
    assert store.verify_subscription(task.token, query(task, mode="unsubscribe"), T0).status == 404
    assert store.verify_subscription(task.token, {**query(task), "hub.topic": TOPIC + "?x"}, T0).status == 404
    assert store.verify_subscription("unknown-token-xxxxxxxx", query(task), T0).status == 404
    [view] = store.list_feeds()
    assert "pushed" not in (view.push or "")


def test_removing_the_feed_unsubscribes(store) -> None:
    polled(store)
    [task] = store.claim_subscriptions(T0, limit=10, owner="a", lease=timedelta(seconds=60))
    store.verify_subscription(task.token, query(task), T0)
    store.subscription_requested(task, owner="a", now=T0, outcome=Outcome("requested", T0 + timedelta(minutes=10)))
    store.sync_feeds([spec("https://news.example/other.xml")], T0 + timedelta(minutes=1))
    [bye] = store.claim_subscriptions(T0 + timedelta(minutes=1), limit=10, owner="a", lease=timedelta(seconds=60))
    assert bye.mode == "unsubscribe" and bye.token == task.token
    assert store.push_target(task.token, T0) is None  # the feed is gone: pushes are refused (410)
    assert store.verify_subscription(task.token, query(task), T0).status == 404  # no longer wanted
    assert store.verify_subscription(task.token, query(task, mode="unsubscribe"), T0).state == "unsubscribed"


def test_without_public_url_nothing_is_claimed_and_the_feed_says_why(store) -> None:
    note = polled(store, policy=Policy(callback=None, lease=timedelta(days=10))).websub_note
    assert note and "http.public_url is not set" in note
    assert store.claim_subscriptions(T0, limit=10, owner="a", lease=timedelta(seconds=60)) == []
    [view] = store.list_feeds()
    assert "http.public_url is not set" in (view.push or "")
    assert polled(store, policy=Policy(callback=None, lease=timedelta(days=10))).websub_note is None  # said once
    # public_url set later: the next poll subscribes
    assert "subscribing" in (polled(store).websub_note or "")
    assert len(store.claim_subscriptions(T0, limit=10, owner="a", lease=timedelta(seconds=60))) == 1


def test_a_feed_that_drops_its_hub_is_unsubscribed(store) -> None:
    polled(store)
    [task] = store.claim_subscriptions(T0, limit=10, owner="a", lease=timedelta(seconds=60))
    store.subscription_requested(task, owner="a", now=T0, outcome=Outcome("requested", T0 + timedelta(minutes=10)))
    assert "no longer declares" in (polled(store, hub=None).websub_note or "")
    [bye] = store.claim_subscriptions(T0, limit=10, owner="a", lease=timedelta(seconds=60))
    assert bye.mode == "unsubscribe"


def test_a_failed_request_is_retried_later_and_only_by_the_claim_holder(store) -> None:
    polled(store)
    [task] = store.claim_subscriptions(T0, limit=10, owner="a", lease=timedelta(seconds=60))
    failing = Outcome("failing", T0 + timedelta(minutes=2), error="HTTP 500")
    assert not store.subscription_requested(task, owner="b", now=T0, outcome=failing)  # not b's claim
    assert store.subscription_requested(task, owner="a", now=T0, outcome=failing)
    assert store.claim_subscriptions(T0 + timedelta(minutes=1), limit=10, owner="a", lease=timedelta(seconds=60)) == []
    [again] = store.claim_subscriptions(T0 + timedelta(minutes=2), limit=10, owner="b", lease=timedelta(seconds=60))
    assert again.error_count == 1
    [view] = store.list_feeds()
    assert "HTTP 500" in (view.push or "")

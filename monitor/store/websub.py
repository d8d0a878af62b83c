"""WebSub subscriptions in the database (monitor.websub): what a poll
discovered, which subscriptions a subscriber must act on (claimed under a
lease, so one replica talks to the hub about a feed), what the hub answered,
the hub's verification of intent, and who a push is for.

    note_discovery(s, feed_id, found, policy, now)   inside finish_poll's transaction
    claim_due(db, now, limit=, owner=, lease=)       -> [SubscriptionTask]
    requested(db, task, owner=, now=, outcome=)      the hub's answer to our POST
    verify(db, token, query, now)                    -> Verdict (the GET's answer)
    push_target(db, token, now)                      -> PushTarget | None
    unsubscribe_feeds(s, feed_ids, now)              feeds gone from the config
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col
from sqlalchemy import delete, or_, select, update

from monitor.store.engine import Database
from monitor.store.feedstate import feed_state
from monitor.store.models import Feed, WebSubSubscription as Sub
from monitor.store.sqlutil import aware, read_ts, table_of
from monitor.types import FeedState
from monitor.websub.discover import Discovered
from monitor.websub.policy import Policy
from monitor.websub.intent import Verdict, Wanted, verify_intent

log = logging.getLogger(__name__)

SUBSCRIBE, UNSUBSCRIBE = "subscribe", "unsubscribe"
NO_CALLBACK = "no-callback"
ACTIVE_STATES = ("subscribed",)


@dataclass(frozen=True)
class SubscriptionTask:
    """A subscription a subscriber must act on now: POST `mode` to `hub`."""

    id: int
    feed_id: int
    feed_url: str  # configured URL: the hub is trusted only on its origin
    hub: str
    topic: str
    token: str
    secret: str
    mode: str  # subscribe | unsubscribe
    state: str
    error_count: int
    lease: timedelta | None


@dataclass(frozen=True)
class Outcome:
    """What came of a request to the hub."""

    state: str  # requested | failing | no-callback
    next_action_at: datetime | None
    error: str | None = None


@dataclass(frozen=True)
class PushTarget:
    feed: FeedState
    secret: str
    wanted: str


def _token() -> str:
    return secrets.token_urlsafe(24)


def note_discovery(s, feed_id: int, found: Discovered, policy: Policy, now: datetime) -> str | None:  # type: ignore[no-untyped-def]
    """Bring the feed's subscription in line with what its document said (in
    the caller's transaction).  Returns a one-line note when something changed
    that the operator should read (logged once, by the caller)."""
    row = s.execute(select(Sub).where(col(Sub.feed_id) == feed_id)).scalars().first()
    if found.hub is None:
        if row is None:
            return None
        if row.state == NO_CALLBACK:
            s.execute(delete(Sub).where(col(Sub.id) == row.id))
            return None
        if row.wanted == SUBSCRIBE:
            s.execute(update(Sub).where(col(Sub.id) == row.id).values(wanted=UNSUBSCRIBE, next_action_at=now))
            return f"no longer declares a WebSub hub; unsubscribing from {row.hub}"
        return None
    lease = int(policy.lease.total_seconds())
    if policy.callback is None:
        why = "not subscribing: http.public_url is not set (the hub needs a URL of this daemon to call back)"
        if row is None:
            s.execute(table_of(Sub).insert().values(
                feed_id=feed_id, hub=found.hub, topic=found.topic, token=_token(), secret=secrets.token_hex(32),
                wanted=SUBSCRIBE, state=NO_CALLBACK, error=why, error_count=0, pushes=0, created_at=now))
            return f"declares the WebSub hub {found.hub}; {why}"
        if row.state != NO_CALLBACK and row.wanted == SUBSCRIBE and row.state not in ACTIVE_STATES:
            s.execute(update(Sub).where(col(Sub.id) == row.id).values(state=NO_CALLBACK, error=why,
                                                                 next_action_at=None))
            return f"declares the WebSub hub {found.hub}; {why}"
        return None
    if row is None:
        s.execute(table_of(Sub).insert().values(
            feed_id=feed_id, hub=found.hub, topic=found.topic, token=_token(), secret=secrets.token_hex(32),
            wanted=SUBSCRIBE, state="new", next_action_at=now, lease_seconds=lease, error_count=0, pushes=0,
            created_at=now))
        return f"declares the WebSub hub {found.hub}; subscribing"
    moved = row.hub != found.hub or row.topic != found.topic
    if moved or row.wanted != SUBSCRIBE or row.state == NO_CALLBACK:
        s.execute(update(Sub).where(col(Sub.id) == row.id).values(
            hub=found.hub, topic=found.topic, wanted=SUBSCRIBE, state="new", next_action_at=now,
            error=None, error_count=0, lease_seconds=lease))
        return f"declares the WebSub hub {found.hub}" + (f" (was {row.hub})" if moved else "") + "; subscribing"
    return None


def unsubscribe_feeds(s, feed_ids: Sequence[int], now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Feeds gone from the config: their subscriptions are ended at the hub."""
    if not feed_ids:
        return
    s.execute(delete(Sub).where(col(Sub.feed_id).in_(feed_ids), col(Sub.state) == NO_CALLBACK))
    s.execute(update(Sub).where(col(Sub.feed_id).in_(feed_ids), col(Sub.state) != "unsubscribed")
              .values(wanted=UNSUBSCRIBE, next_action_at=now))


def claim_due(db: Database, now: datetime, *, limit: int, owner: str, lease: timedelta) -> list[SubscriptionTask]:
    """Lease up to `limit` subscriptions whose next action is due (FOR UPDATE
    SKIP LOCKED on PostgreSQL: replicas never claim the same one)."""
    now = aware(now)
    query = (select(Sub, col(Feed.configured_url))
             .join(Feed, col(Feed.id) == col(Sub.feed_id))
             .where(col(Sub.next_action_at).is_not(None), col(Sub.next_action_at) <= now,
                    or_(col(Sub.lease_until).is_(None), col(Sub.lease_until) < now))
             .order_by(col(Sub.next_action_at), col(Sub.id)).limit(limit)
             .with_for_update(skip_locked=True, of=Sub))
    with db.write(durable=False) as s:
        rows = list(s.execute(query).all())
        if rows:
            s.execute(update(Sub).where(col(Sub.id).in_([r.id for r, _ in rows]))
                      .values(lease_owner=owner, lease_until=now + lease, requested_at=now))
        return [SubscriptionTask(id=r.id, feed_id=r.feed_id, feed_url=url, hub=r.hub, topic=r.topic, token=r.token,
                                 secret=r.secret, mode=r.wanted, state=r.state, error_count=r.error_count,
                                 lease=timedelta(seconds=r.lease_seconds) if r.lease_seconds else None)
                for r, url in rows]


def requested(db: Database, task: SubscriptionTask, *, owner: str, now: datetime, outcome: Outcome) -> bool:
    """Record the hub's answer and give the claim back (only while `owner`
    holds it).  A hub that verified while our request was in flight (many
    verify before they answer) keeps the timetable its verification set; a
    failed renewal keeps a lease still running."""
    now = aware(now)
    values: dict[str, object] = {"lease_owner": None, "lease_until": None, "error": outcome.error,
                                 "next_action_at": outcome.next_action_at and aware(outcome.next_action_at)}
    with db.write() as s:
        row = s.get(Sub, task.id)
        if row is None or row.lease_owner != owner:
            return False
        verified, asked, expires = read_ts(row.verified_at), read_ts(row.requested_at), read_ts(row.expires_at)
        if row.wanted != task.mode:  # what we want changed while we asked: act again at once
            values["next_action_at"] = now
        elif outcome.state == "requested" and verified is not None and asked is not None and verified >= asked:
            values = {"lease_owner": None, "lease_until": None}
        elif outcome.state == "failing" and row.state == "subscribed" and expires is not None and expires > now:
            values["error_count"] = row.error_count + 1
        else:
            values["state"] = outcome.state
            values["error_count"] = row.error_count + 1 if outcome.state == "failing" else 0
        s.execute(update(Sub).where(col(Sub.id) == task.id, col(Sub.lease_owner) == owner).values(**values))
        return True


def verify(db: Database, token: str, query: Mapping[str, str], now: datetime) -> Verdict:
    """The hub's verification GET for the subscription at `token`."""
    now = aware(now)
    with db.write() as s:
        row = s.execute(select(Sub).where(col(Sub.token) == token)).scalars().first()
        wanted = None if row is None or row.state == NO_CALLBACK else Wanted(
            mode=row.wanted, topic=row.topic, lease=timedelta(seconds=row.lease_seconds or 864000))
        verdict = verify_intent(wanted, query, now)
        if row is None or verdict.state is None:
            return verdict
        values: dict[str, object] = {"state": verdict.state, "verified_at": now, "next_action_at": verdict.next_action_at,
                                     "error": verdict.note, "error_count": 0}
        if verdict.expires_at is not None:
            values |= {"expires_at": verdict.expires_at,
                       "lease_seconds": int(verdict.lease.total_seconds()) if verdict.lease else None}
        if verdict.state == "unsubscribed":
            values["expires_at"] = None
        s.execute(update(Sub).where(col(Sub.id) == row.id).values(**values))
        return verdict


def push_target(db: Database, token: str, now: datetime) -> PushTarget | None:
    """The feed a push at `token` is for, with the secret it must be signed
    with; None when there is no such subscription or its feed is gone."""
    with db.read() as s:
        row = s.execute(select(Sub, Feed).join(Feed, col(Feed.id) == col(Sub.feed_id)).where(col(Sub.token) == token)).first()
        if row is None or not row[1].active or row[0].state == NO_CALLBACK:
            return None
        return PushTarget(feed=feed_state(row[1], pushed=True), secret=row[0].secret, wanted=row[0].wanted)


def pushed(db: Database, token: str, now: datetime) -> None:
    with db.write(durable=False) as s:
        s.execute(update(Sub).where(col(Sub.token) == token).values(last_push_at=aware(now), pushes=col(Sub.pushes) + 1))


def pushed_feeds(s, feed_ids: Sequence[int], now: datetime) -> set[int]:  # type: ignore[no-untyped-def]
    """Which of these feeds a hub pushes now (verified, lease running; a renewal
    on its way keeps the lease it renews)."""
    if not feed_ids:
        return set()
    rows = s.execute(select(col(Sub.feed_id)).where(col(Sub.feed_id).in_(feed_ids), col(Sub.wanted) == SUBSCRIBE,
                                               col(Sub.state).in_(("subscribed", "requested")),
                                               col(Sub.expires_at) > aware(now)))
    return {r[0] for r in rows}


def describe(row: Sub | None, now: datetime) -> str | None:
    """One line for `feeds`, /api/feeds and the status page."""
    if row is None:
        return None
    expires = read_ts(row.expires_at)
    if row.state == NO_CALLBACK:
        return f"hub {row.hub}: {row.error}"
    if row.wanted == UNSUBSCRIBE:
        return f"unsubscribed from {row.hub}" if row.state == "unsubscribed" else f"unsubscribing from {row.hub}"
    if row.state in ("subscribed", "requested") and expires is not None and expires > aware(now):
        renewing = "; renewing" if row.state == "requested" else ""  # the current lease still holds
        return f"pushed by {row.hub} until {expires:%Y-%m-%d %H:%M}Z ({row.pushes} pushes{renewing})"
    if row.state == "requested":
        return f"subscribing at {row.hub}: waiting for the hub's verification"
    if row.state in ("failing", "denied"):
        return f"not subscribed at {row.hub}: {row.error}"
    return f"subscribing at {row.hub}"


def descriptions(s, now: datetime) -> dict[int, str]:  # type: ignore[no-untyped-def]
    return {row.feed_id: text for row in s.execute(select(Sub)).scalars() if (text := describe(row, now))}

"""Deliveries (the outbox): claim due ones under a lease, record the outcome,
replay dead ones, and fold pending digest deliveries into one digest."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlmodel import col
from sqlalchemy import func, or_, select, text, update

from monitor.health import FeedHealth, HealthEvent, event_key
from monitor.store.engine import Database
from monitor.store.hits import hits_by_id
from monitor.store.models import DeliveryHit, DeliveryRow, Feed
from monitor.store.sqlutil import aware, read_ts, read_ts_required, rowcount, stored_id
from monitor.types import Delivery, DeliveryKind, DeliveryStatus, DeliveryView

log = logging.getLogger("monitor.health")

# A delivery whose channel is not in the config waits this long past its due
# time before it is marked dead (another replica may run a config that has
# the channel); `deliveries` shows it as orphaned meanwhile.  docs/alerts.md.
ORPHAN_GRACE = timedelta(minutes=10)


def claim_due_deliveries(db: Database, now: datetime, *, limit: int, owner: str, lease: timedelta,
                         channels: Collection[str] | None = None) -> list[Delivery]:
    """Lease up to `limit` pending deliveries that are due (deliveries waiting
    for a digest are left to take_digest).  SKIP LOCKED on PostgreSQL."""
    now = aware(now)
    query = (select(DeliveryRow)
             .where(col(DeliveryRow.status) == DeliveryStatus.PENDING, col(DeliveryRow.digest).is_(None),
                    col(DeliveryRow.next_attempt_at) <= now,
                    or_(col(DeliveryRow.lease_until).is_(None), col(DeliveryRow.lease_until) < now))
             .order_by(col(DeliveryRow.next_attempt_at), col(DeliveryRow.id))
             .limit(limit)
             .with_for_update(skip_locked=True))
    if channels is not None:
        query = query.where(col(DeliveryRow.channel).in_(list(channels)))
    with db.write() as s:
        rows = list(s.execute(query).scalars())
        if not rows:
            return []
        s.execute(update(DeliveryRow).where(col(DeliveryRow.id).in_([r.id for r in rows]))
                  .values(lease_owner=owner, lease_until=now + lease))
        return _deliveries(s, rows)


def _hit_ids(s, delivery_ids: list[int]) -> dict[int, list[int]]:  # type: ignore[no-untyped-def]
    out: dict[int, list[int]] = {d: [] for d in delivery_ids}
    if delivery_ids:
        query = (select(col(DeliveryHit.delivery_id), col(DeliveryHit.hit_id))
                 .where(col(DeliveryHit.delivery_id).in_(delivery_ids)).order_by(col(DeliveryHit.hit_id)))
        for delivery_id, hit_id in s.execute(query):
            out[delivery_id].append(hit_id)
    return out


def _deliveries(s, rows: list[DeliveryRow]) -> list[Delivery]:  # type: ignore[no-untyped-def]
    """Delivery records with their hits, in three queries whatever the count."""
    ids = _hit_ids(s, [stored_id(row.id) for row in rows])
    found = hits_by_id(s, sorted({h for hit_ids in ids.values() for h in hit_ids}))
    return [Delivery(id=stored_id(row.id), channel=row.channel, key=row.key, attempts=row.attempts,
                     hits=tuple(found[i] for i in ids[stored_id(row.id)] if i in found), kind=DeliveryKind(row.kind),
                     payload=row.payload, created_at=read_ts(row.created_at))
            for row in rows]


def mark_sent(db: Database, delivery_id: int, now: datetime, detail: str = "", *,
              owner: str | None = None) -> bool:
    """`attempts` counts every try, this one included; the error of an
    earlier failed try is cleared (the delivery succeeded)."""
    return _set(db, delivery_id, owner, status=DeliveryStatus.SENT, sent_at=aware(now), detail=detail or None,
                attempts=col(DeliveryRow.attempts) + 1, last_error=None)


def mark_retry(db: Database, delivery_id: int, *, next_attempt_at: datetime, error: str,
               owner: str | None = None) -> bool:
    return _set(db, delivery_id, owner, attempts=col(DeliveryRow.attempts) + 1,
                next_attempt_at=aware(next_attempt_at), last_error=error, admitted_at=None)


def mark_dead(db: Database, delivery_id: int, *, error: str, now: datetime,
              owner: str | None = None) -> bool:
    return _set(db, delivery_id, owner, status=DeliveryStatus.DEAD, attempts=col(DeliveryRow.attempts) + 1,
                last_error=error, next_attempt_at=None)


def _set(db: Database, delivery_id: int, owner: str | None, **values: object) -> bool:
    """Record an outcome on a delivery that is still pending (a `sent` or
    `dead` is never overwritten); with `owner`, only while that owner still
    holds its lease, so a replica whose lease expired and passed to another
    cannot undo the other's answer.  Returns whether the row was updated."""
    query = update(DeliveryRow).where(col(DeliveryRow.id) == delivery_id, col(DeliveryRow.status) == DeliveryStatus.PENDING)
    if owner is not None:
        query = query.where(col(DeliveryRow.lease_owner) == owner)
    with db.write() as s:
        return bool(rowcount(s.execute(query.values(lease_owner=None, lease_until=None, **values))))


def replay(db: Database, *, delivery_id: int | None = None, dead: bool = False,
           now: datetime) -> int:
    """Dead deliveries (one by id, or all with dead=True) become pending again,
    due now, with their attempts reset.  Returns how many."""
    if delivery_id is None and not dead:
        raise ValueError("replay needs a delivery id or dead=True")
    query = update(DeliveryRow).where(col(DeliveryRow.status) == DeliveryStatus.DEAD).values(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=aware(now), lease_owner=None,
        lease_until=None)
    if delivery_id is not None:
        query = query.where(col(DeliveryRow.id) == delivery_id)
    with db.write() as s:
        return rowcount(s.execute(query))


def list_deliveries(db: Database, *, status: str | None = None, limit: int = 100,
                    offset: int = 0) -> list[DeliveryView]:
    query = (select(DeliveryRow).order_by(col(DeliveryRow.created_at).desc(), col(DeliveryRow.id).desc())
             .limit(limit).offset(offset))
    if status is not None:
        query = query.where(col(DeliveryRow.status) == status)
    with db.read() as s:
        rows = list(s.execute(query).scalars())
        hit_ids = _hit_ids(s, [r.id for r in rows])
    return [_view(row, hit_ids[row.id]) for row in rows]


def get_delivery(db: Database, delivery_id: int) -> DeliveryView | None:
    with db.read() as s:
        row = s.get(DeliveryRow, delivery_id)
        if row is None:
            return None
        return _view(row, _hit_ids(s, [delivery_id])[delivery_id])


def _view(row: DeliveryRow, hit_ids: list[int]) -> DeliveryView:
    return DeliveryView(
        id=stored_id(row.id), key=row.key, channel=row.channel, kind=row.kind,
        status=DeliveryStatus(row.status),
        attempts=row.attempts, next_attempt_at=read_ts(row.next_attempt_at),
        last_error=row.last_error, created_at=read_ts_required(row.created_at),
        sent_at=read_ts(row.sent_at), hit_ids=tuple(hit_ids), rule=row.rule_id or "",
        detail=row.detail or "",
    )


def digest_groups(db: Database, digest: str) -> list[tuple[str, str]]:
    """(channel, rule_id) pairs that have deliveries waiting for this digest."""
    query = (select(col(DeliveryRow.channel), col(DeliveryRow.rule_id)).distinct()
             .where(col(DeliveryRow.digest) == digest, col(DeliveryRow.status) == DeliveryStatus.PENDING)
             .order_by(col(DeliveryRow.channel), col(DeliveryRow.rule_id)))
    with db.read() as s:
        return [(channel, rule or "") for channel, rule in s.execute(query)]


def overdue_digest_groups(db: Database, before: datetime) -> list[tuple[str, str, str]]:
    """(digest, channel, rule_id) groups with deliveries still waiting for a
    digest that was due at or before `before`: their digest job did not run
    (schedule changed or removed, daemon down at the fire time)."""
    query = (select(col(DeliveryRow.digest), col(DeliveryRow.channel), col(DeliveryRow.rule_id)).distinct()
             .where(col(DeliveryRow.status) == DeliveryStatus.PENDING, col(DeliveryRow.digest).is_not(None),
                    col(DeliveryRow.next_attempt_at) <= aware(before))
             .order_by(col(DeliveryRow.digest), col(DeliveryRow.channel), col(DeliveryRow.rule_id)))
    with db.read() as s:
        return [(digest, channel, rule or "") for digest, channel, rule in s.execute(query)]


def take_digest(db: Database, digest: str, *, channel: str, rule_id: str,
                now: datetime, due_by: datetime | None = None) -> Delivery | None:
    """In one transaction: fold the pending deliveries waiting for `digest` on
    this channel and rule (with `due_by`: only those due by then) into ONE new
    digest delivery (due now), and mark them sent "in digest <key>".  None
    when nothing waits."""
    now = aware(now)
    query = (select(DeliveryRow)
             .where(col(DeliveryRow.digest) == digest, col(DeliveryRow.status) == DeliveryStatus.PENDING,
                    col(DeliveryRow.channel) == channel, col(DeliveryRow.rule_id) == rule_id)
             .order_by(col(DeliveryRow.id))
             .with_for_update(skip_locked=True))
    if due_by is not None:
        query = query.where(col(DeliveryRow.next_attempt_at) <= aware(due_by))
    with db.write() as s:
        gathered = list(s.execute(query).scalars())
        if not gathered:
            return None
        hit_ids = sorted({h for ids in _hit_ids(s, [g.id for g in gathered]).values() for h in ids})
        row = DeliveryRow(key=f"digest-{uuid.uuid4().hex}", channel=channel, kind=DeliveryKind.DIGEST,
                          status=DeliveryStatus.PENDING, next_attempt_at=now, created_at=now, rule_id=rule_id)
        s.add(row)
        s.flush()
        s.add_all([DeliveryHit(delivery_id=stored_id(row.id), hit_id=h) for h in hit_ids])
        s.execute(update(DeliveryRow).where(col(DeliveryRow.id).in_([g.id for g in gathered]))
                  .values(status=DeliveryStatus.SENT, sent_at=now, detail=f"in digest {row.key}",
                          lease_owner=None, lease_until=None))
        s.flush()
        return _deliveries(s, [row])[0]


def fail_unknown_channels(db: Database, known: Collection[str], *, now: datetime,
                          grace: timedelta = ORPHAN_GRACE) -> dict[str, int]:
    """Mark dead the due, unleased deliveries (digests not yet folded excepted)
    whose channel is not in `known` and that have waited `grace` past their
    due time (another replica may already run a config that has the channel),
    with an error saying how to replay them.  Returns {channel: how many}."""
    now = aware(now)
    where = (col(DeliveryRow.status) == DeliveryStatus.PENDING, col(DeliveryRow.digest).is_(None),
             col(DeliveryRow.next_attempt_at) <= now - grace, col(DeliveryRow.channel).not_in(list(known)),
             or_(col(DeliveryRow.lease_until).is_(None), col(DeliveryRow.lease_until) < now))
    failed: dict[str, int] = {}
    with db.read() as s:  # most ticks find nothing: do not take the write lock for that
        channels = list(s.execute(select(col(DeliveryRow.channel)).distinct().where(*where)).scalars())
    if not channels:
        return failed
    with db.write() as s:
        for channel in channels:
            error = (f"channel {channel!r} is not in the config (removed?); add it back and run "
                     "`news-monitor deliveries retry --dead`")
            failed[channel] = rowcount(s.execute(
                update(DeliveryRow).where(*where, col(DeliveryRow.channel) == channel)
                .values(status=DeliveryStatus.DEAD, last_error=error, next_attempt_at=None,
                        lease_owner=None, lease_until=None)))
    return failed


# -- used by monitor.alerts (max_per_hour summaries) ---------------------------------

def count_sent(db: Database, *, rule_id: str, channel: str, since: datetime) -> int:
    """Single alerts (kind "alert") of a rule sent on a channel since `since`;
    digest members and the summary, digest and follow-up messages do not count."""
    query = (select(func.count()).select_from(DeliveryRow)
             .where(col(DeliveryRow.status) == DeliveryStatus.SENT, col(DeliveryRow.digest).is_(None),
                    col(DeliveryRow.kind) == DeliveryKind.ALERT,
                    col(DeliveryRow.rule_id) == rule_id, col(DeliveryRow.channel) == channel,
                    col(DeliveryRow.sent_at) >= aware(since)))
    with db.read() as s:
        return int(s.execute(query).scalar_one())


ADMIT_LOCK = 0x6E6D6C6D  # "nmlm": pg_advisory_xact_lock class of max_per_hour admissions


def admit(db: Database, delivery_id: int, *, rule_id: str, channel: str, limit: int, now: datetime,
          owner: str, digest: str, due_at: datetime) -> bool:
    """max_per_hour across every process: admit this alert when the rule's
    alerts sent on the channel in the last hour plus those admitted and still
    in flight (leased) are under `limit`; otherwise move it into `digest`
    (the hourly summary), due at `due_at`.  One transaction, serialised per
    (rule, channel) by an advisory lock on PostgreSQL (SQLite has one writer).
    Returns whether it was admitted (False also when `owner` lost the lease)."""
    now = aware(now)
    base = (col(DeliveryRow.digest).is_(None), col(DeliveryRow.kind) == DeliveryKind.ALERT,
            col(DeliveryRow.rule_id) == rule_id, col(DeliveryRow.channel) == channel)
    with db.write() as s:
        if db.dialect == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(:c, hashtext(:k))"),
                      {"c": ADMIT_LOCK, "k": f"{rule_id}\x1f{channel}"})
        sent = s.execute(select(func.count()).select_from(DeliveryRow).where(
            *base, col(DeliveryRow.status) == DeliveryStatus.SENT,
            col(DeliveryRow.sent_at) >= now - timedelta(hours=1))).scalar_one()
        flying = s.execute(select(func.count()).select_from(DeliveryRow).where(
            *base, col(DeliveryRow.status) == DeliveryStatus.PENDING, col(DeliveryRow.admitted_at).is_not(None),
            col(DeliveryRow.lease_until) > now, col(DeliveryRow.id) != delivery_id)).scalar_one()
        mine = (col(DeliveryRow.id) == delivery_id, col(DeliveryRow.status) == DeliveryStatus.PENDING,
                col(DeliveryRow.lease_owner) == owner)
        if sent + flying < limit:
            return bool(rowcount(s.execute(update(DeliveryRow).where(*mine).values(admitted_at=now))))
        s.execute(update(DeliveryRow).where(*mine).values(digest=digest, next_attempt_at=aware(due_at),
                                                         lease_owner=None, lease_until=None, admitted_at=None))
        return False


def defer_delivery(db: Database, delivery_id: int, *, digest: str, due_at: datetime,
                   owner: str | None = None) -> bool:
    """Move a pending delivery into a digest (it waits for take_digest)."""
    return _set(db, delivery_id, owner, digest=digest, next_attempt_at=aware(due_at))


def set_delivery_kind(db: Database, delivery_id: int, kind: str) -> None:
    with db.write() as s:
        s.execute(update(DeliveryRow).where(col(DeliveryRow.id) == delivery_id).values(kind=kind))


# -- feed health (monitor.health) -----------------------------------------------------

def enqueue_health(s, feed: FeedHealth, event: HealthEvent, *, channels: Sequence[str],  # type: ignore[no-untyped-def]
                   now: datetime) -> list[int]:
    """Inside the caller's transaction (store.feeds.finish_poll): move the
    feed's health_alert from what the event was decided on to what it says,
    and queue one delivery of kind "health" (no hits, the event as payload)
    per channel.  When health_alert moved meanwhile (another replica got
    there first), nothing is written and [] is returned: an event is never
    queued twice."""
    now = aware(now)
    same = col(Feed.health_alert).is_(None) if feed.alerted is None else col(Feed.health_alert) == feed.alerted
    moved = rowcount(s.execute(update(Feed).where(col(Feed.id) == feed.id, same).values(health_alert=event.alerted)))
    if not moved:
        return []
    key = event_key(feed.id, event, now)
    payload = event.payload(feed, now)
    rows = [DeliveryRow(key=f"{key}-{channel}", channel=channel, kind=DeliveryKind.HEALTH,
                        status=DeliveryStatus.PENDING, next_attempt_at=now, created_at=now, payload=payload)
            for channel in channels]
    s.add_all(rows)
    s.flush()
    log.warning("feed health: %s", event.message, extra={"event": "health", "feed": feed.url})
    return [row.id for row in rows if row.id is not None]

"""Feeds: sync with the config, claim due feeds under a lease, record polls."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col
from sqlalchemy import Update, bindparam, case, func, or_, select, text, update

from monitor import feedurl
from monitor.config.model import HealthConfig
from monitor.errors import StoreError
from monitor.health import FeedHealth, HealthEvent, decide
from monitor.poll.schedule import RECENT_ITEMS, observed_publish_interval
from monitor.store.deliveries import enqueue_health
from monitor.store.engine import Database
from monitor.store.models import ArticleRow, Feed, Sighting
from monitor.store.sqlutil import aware, insert_ignore, read_ts, rowcount, stored_id, table_of
from monitor.store import websub
from monitor.store.feedstate import feed_state
from monitor.types import FeedSpec, FeedState, FeedStatus, FeedView, PollOutcome

log = logging.getLogger(__name__)

HEALTH_WINDOW = timedelta(days=7)
SYNC_LOCK = 0x6E6D7379  # "nmsy": pg_advisory_xact_lock key of the config's feed sync  # items per day and full-text rate look this far back


def sync_feeds(db: Database, feeds: Sequence[FeedSpec], now: datetime) -> None:
    """Upsert by configured URL (its key: the URL itself is stored as a
    template without its secrets, monitor.feedurl); feeds gone from the
    config become inactive (their history stays), and active again when
    re-added.  A feed re-added, or whose entry changed (URL, interval,
    headers), starts afresh: status `new`, due now (so a feed parked by a 410
    Gone is tried again at once).  Replicas starting or reloading together
    never collide: on PostgreSQL the sync holds an advisory lock, and inserts
    ignore a row another one made."""
    now = aware(now)
    wanted = {feedurl.key(spec.url): spec for spec in feeds}
    f = table_of(Feed)
    with db.write() as s:
        if db.dialect == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SYNC_LOCK})
        rows = {row.configured_key: row for row in s.execute(select(f)).all()}
        by_url = {row.url_key: row for row in rows.values()}
        kept: set[int] = set()
        for key, spec in wanted.items():
            stored = feedurl.template(spec.url, spec.secret_vars)
            row = rows.get(key) or _adopt_moved(s, by_url.get(key), wanted, key, stored)
            if row is None:
                s.execute(insert_ignore(db.dialect, f, ()).values(
                    url=stored, url_key=key, configured_url=stored, configured_key=key, name=spec.name,
                    interval_seconds=0, active=True, status=FeedStatus.NEW, next_poll_at=now, created_at=now,
                    error_count=0))
                row = s.execute(select(f).where(f.c.configured_key == key)).one()
                changed = True
            else:
                changed = key not in rows  # adopted at its new address
            interval = max(1, int(spec.interval.total_seconds()))
            headers = feedurl.stored_headers(spec.headers)
            changed = (changed or not row.active or row.interval_seconds != interval
                       or [[str(k), str(v)] for k, v in (row.headers or ())] != headers)
            values = {"name": spec.name, "tags": list(spec.tags), "interval_seconds": interval,
                      "headers": headers, "active": True, "configured_url": stored}
            if row.url_key == key:  # not moved: its polled URL is the configured one
                values["url"] = stored
            if changed:
                values |= {"status": FeedStatus.NEW, "next_poll_at": now}
            s.execute(update(f).where(f.c.id == row.id).values(**values))
            kept.add(row.id)
        gone = [row.id for key, row in rows.items() if key not in wanted and row.active and row.id not in kept]
        if gone:
            s.execute(update(f).where(f.c.id.in_(gone)).values(active=False, lease_owner=None, lease_until=None))
            websub.unsubscribe_feeds(s, gone, now)


def _adopt_moved(s, owner, wanted: dict[str, FeedSpec], key: str, stored: str):  # type: ignore[no-untyped-def]
    """A newly configured URL that an existing feed already polls (it moved
    there by a 301): when that feed is no longer configured, the new entry
    takes it over with its history; when both are configured, refuse."""
    if owner is None:
        return None
    shown = feedurl.shown(stored)
    if owner.configured_key in wanted:
        raise StoreError(
            f"feed {shown!r} is already polled as the new address of feed "
            f"{feedurl.shown(owner.configured_url)!r} (it moved there); remove one of the two from the config")
    log.info("feed %s now configured at its new address %s", feedurl.shown(owner.configured_url), shown)
    s.execute(update(Feed).where(col(Feed.id) == owner.id).values(configured_url=stored, configured_key=key))
    return owner


def claim_due_feeds(db: Database, now: datetime, *, limit: int, owner: str, lease: timedelta,
                    all_feeds: bool = False) -> list[FeedState]:
    """Lease up to `limit` due feeds (`all_feeds`: due or not, gone ones too;
    a gone feed is otherwise due again after schedule.GONE_DELAY).
    PostgreSQL: FOR UPDATE SKIP LOCKED, so replicas never claim the same
    feed; SQLite: BEGIN IMMEDIATE (one writer)."""
    now = aware(now)
    query = (select(Feed)
             .where(col(Feed.active).is_(True),
                    or_(col(Feed.lease_until).is_(None), col(Feed.lease_until) < now))
             .order_by(col(Feed.next_poll_at), col(Feed.id))
             .limit(limit)
             .with_for_update(skip_locked=True))
    if not all_feeds:
        query = query.where(col(Feed.next_poll_at) <= now)
    with db.write() as s:
        rows = list(s.execute(query).scalars())
        if rows:
            s.execute(update(Feed).where(col(Feed.id).in_([r.id for r in rows]))
                      .values(lease_owner=owner, lease_until=now + lease))
        pushed = websub.pushed_feeds(s, [r.id for r in rows], now)
        return [feed_state(row, pushed=row.id in pushed) for row in rows]


def finish_poll(db: Database, outcome: PollOutcome, *, owner: str, health: HealthConfig | None = None,
                websub_policy: websub.Policy | None = None,
                secrets: Sequence[tuple[str, str]] = ()) -> FinishResult:
    """Write what a poll decided and release the feed's lease, only while
    `owner` still holds it (a replica that took the feed over after the lease
    expired keeps its own record).  In the same transaction, when
    `health.notify` is set: decide the feed-health event (monitor.health) and
    queue its deliveries.  With `websub_policy`, the hub the poll found (or
    its absence) updates the feed's WebSub subscription, in the same transaction.
    A new address (`outcome.new_url`, real) is stored as a template without
    the feed's `secrets` (its config entry's `${VAR}`s)."""
    polled = aware(outcome.polled_at)
    values: dict[str, object] = {
        "status": outcome.status, "error_count": outcome.error_count, "last_poll_at": polled,
        "next_poll_at": aware(outcome.next_poll_at), "last_error": outcome.error,
        "last_error_kind": outcome.error_kind, "interval_reason": outcome.interval_reason,
        "effective_interval_seconds": int(outcome.interval.total_seconds()) if outcome.interval else None,
        "etag": outcome.etag, "last_modified": outcome.last_modified}
    full = outcome.status == FeedStatus.OK  # a full response defines the validators
    if FeedStatus(outcome.status).healthy:
        values["last_success_at"] = polled
    if full:
        values["entries_last"] = outcome.entries
    if outcome.title:
        values["title"] = outcome.title
    if outcome.backlog:
        values["backlog_count"] = outcome.backlog
    with db.write() as s:
        row = None
        if outcome.new_url:
            row = s.execute(select(col(Feed.url), col(Feed.url_key)).where(col(Feed.id) == outcome.feed_id)).first()
        done = rowcount(s.connection().execute(_finish_statement(tuple(sorted(values)), keep_validators=not full),
                                               {"fid": outcome.feed_id, "owner": owner,
                                                **{f"v_{key}": value for key, value in values.items()}}))
        if not done:
            if s.execute(select(col(Feed.id)).where(col(Feed.id) == outcome.feed_id)).first() is None:
                raise StoreError(f"feed id {outcome.feed_id} does not exist; was the database reset "
                                 "while a poll was running?")
            return FinishResult(applied=False)
        if outcome.new_url and row is not None and feedurl.key(outcome.new_url) != row.url_key:
            _move(s, outcome.feed_id, row.url, outcome.new_url, secrets)
        note = None
        if websub_policy is not None and outcome.websub is not None:
            note = websub.note_discovery(s, outcome.feed_id, outcome.websub, websub_policy, polled)
        if health is None or not health.notify:
            return FinishResult(applied=True, websub_note=note)
        feed = _health(s, s.get_one(Feed, outcome.feed_id, populate_existing=True), polled)
        event = decide(feed, health, polled)
        if event is None:
            return FinishResult(applied=True, websub_note=note)
        queued = enqueue_health(s, feed, event, channels=health.notify, now=polled)
        return FinishResult(applied=True, health=event if queued else None, websub_note=note)


@functools.lru_cache(maxsize=32)
def _finish_statement(keys: tuple[str, ...], *, keep_validators: bool) -> Update:
    """finish_poll's UPDATE for one set of columns, built once per process
    (building and coercing an ORM update per poll cost more than the write:
    ~1 ms of CPU a feed, ~0.3 s a cycle at 300 feeds).  It sets `keys` from
    the bound parameters `v_<key>`, releases the lease, and changes
    only a row `:owner` leases; a 304 or a failure keeps the validators the
    row has when the answer carries none, and `backlog_count` adds."""
    feed = table_of(Feed)
    values: dict[str, Any] = {key: bindparam(f"v_{key}", type_=feed.c[key].type) for key in keys}
    if keep_validators:
        for key in ("etag", "last_modified"):
            values[key] = func.coalesce(values[key], feed.c[key])
    if "backlog_count" in values:
        values["backlog_count"] = feed.c.backlog_count + values["backlog_count"]
    return (update(feed).where(feed.c.id == bindparam("fid"), feed.c.lease_owner == bindparam("owner"))
            .values({**values, "lease_owner": None, "lease_until": None}))


def defer_poll(db: Database, feed_id: int, *, owner: str, due_at: datetime) -> bool:
    """Give a feed's lease back without an outcome (the poll could not finish
    for a reason that is not the feed's: the database, a newer config
    elsewhere); it is due again at `due_at`, its state unchanged."""
    with db.write() as s:
        return bool(rowcount(s.execute(update(Feed).where(col(Feed.id) == feed_id, col(Feed.lease_owner) == owner)
                              .values(lease_owner=None, lease_until=None, next_poll_at=aware(due_at)))))


@dataclass(frozen=True)
class FinishResult:
    applied: bool  # False: the lease had passed to another owner; nothing was written
    health: HealthEvent | None = None  # the feed-health event queued with it
    websub_note: str | None = None  # what changed about the feed's WebSub subscription, to log


def _move(s, feed_id: int, old_url: str, new_url: str, secrets: Sequence[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    key = feedurl.key(new_url)
    taken = s.execute(select(col(Feed.id)).where(col(Feed.url_key) == key)).first()
    shown_old, stored = feedurl.shown(old_url), feedurl.template(new_url, secrets)
    if taken is not None:
        log.warning("feed %s moved to %s, which feed id %s already polls; keeping the old URL",
                    shown_old, feedurl.shown(stored), taken[0])
        return
    log.info("feed %s moved permanently to %s", shown_old, feedurl.shown(stored))
    s.execute(update(Feed).where(col(Feed.id) == feed_id).values(url=stored, url_key=key))


def list_feeds(db: Database, now: datetime) -> list[FeedView]:
    """Every feed with its health: four grouped queries joined in one
    statement, whatever the number of feeds."""
    since = aware(now) - HEALTH_WINDOW
    counts = (select(col(Sighting.feed_id), func.count(func.distinct(col(Sighting.article_id))).label("n"))
              .group_by(col(Sighting.feed_id)).subquery())
    recent = (select(col(Sighting.feed_id), func.count().label("recent_items"))
              .join(ArticleRow, col(ArticleRow.id) == col(Sighting.article_id))
              .where(func.coalesce(col(ArticleRow.published), col(Sighting.seen_at)) >= since)
              .group_by(col(Sighting.feed_id)).subquery())
    texts = (select(col(ArticleRow.feed_id), func.count().label("made"),
                    func.sum(case((col(ArticleRow.text_source) == "full", 1), else_=0)).label("full"))
             .where(col(ArticleRow.created_at) >= since)
             .group_by(col(ArticleRow.feed_id)).subquery())
    query = (select(Feed, func.coalesce(counts.c.n, 0), func.coalesce(recent.c.recent_items, 0),
                    func.coalesce(texts.c.made, 0), func.coalesce(texts.c.full, 0))
             .outerjoin(counts, counts.c.feed_id == col(Feed.id))
             .outerjoin(recent, recent.c.feed_id == col(Feed.id))
             .outerjoin(texts, texts.c.feed_id == col(Feed.id))
             .order_by(col(Feed.active).desc(), col(Feed.name), col(Feed.id)))
    with db.read() as s:
        push = websub.descriptions(s, now)
        return [
            FeedView(
                id=row.id, url=feedurl.shown(row.url), name=row.name, status=row.status,
                error_count=row.error_count, last_error=row.last_error,
                last_error_kind=row.last_error_kind, last_poll_at=read_ts(row.last_poll_at),
                last_success_at=read_ts(row.last_success_at),
                next_poll_at=read_ts(row.next_poll_at), articles=int(n),
                tags=tuple(row.tags or ()), configured_url=feedurl.shown(row.configured_url), active=row.active,
                items_per_day=(round(int(items) / HEALTH_WINDOW.days, 2)
                               if row.last_success_at is not None else None),
                full_text_rate=round(int(full) / int(made), 3) if made else None,
                interval=timedelta(seconds=row.interval_seconds),
                effective_interval=(timedelta(seconds=row.effective_interval_seconds)
                                    if row.effective_interval_seconds else None),
                interval_reason=row.interval_reason, push=push.get(row.id),
                backlog=row.backlog_count or 0,
            )
            for row, n, items, made, full in s.execute(query)
        ]


def feed_health(db: Database, feed_id: int, now: datetime) -> FeedHealth | None:
    """What monitor.health.decide needs about one feed."""
    with db.read() as s:
        row = s.get(Feed, feed_id)
        return None if row is None else _health(s, row, aware(now))


def _health(s, row: Feed, now: datetime) -> FeedHealth:  # type: ignore[no-untyped-def]
    last_new = s.execute(select(func.max(col(Sighting.seen_at))).where(col(Sighting.feed_id) == row.id)).scalar()
    dates = s.execute(select(col(ArticleRow.published))
                      .join(Sighting, col(Sighting.article_id) == col(ArticleRow.id))
                      .where(col(Sighting.feed_id) == row.id, col(ArticleRow.published).is_not(None))
                      .order_by(col(ArticleRow.published).desc()).limit(RECENT_ITEMS)).scalars()
    published = [d for d in (read_ts(v) for v in dates) if d is not None]
    return FeedHealth(
        id=stored_id(row.id), name=row.name, url=feedurl.shown(row.url), status=FeedStatus(row.status), error_count=row.error_count,
        interval=timedelta(seconds=row.interval_seconds), last_error=row.last_error,
        last_error_kind=row.last_error_kind, last_success_at=read_ts(row.last_success_at),
        next_poll_at=read_ts(row.next_poll_at),
        last_new_at=read_ts(last_new) or read_ts(row.created_at),
        observed_interval=observed_publish_interval(published, now),
        alerted=row.health_alert)

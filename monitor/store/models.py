"""The tables (SQLModel).  ORM rows stay inside monitor.store; callers get the
frozen dataclasses of monitor.types.

Datetimes are stored timezone-aware (PostgreSQL `timestamptz`); SQLite hands
them back naive, so readers pass them through `monitor.clock.utc`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, Index, Integer, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

# Named constraints, so later migrations (SQLite batch mode) can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _ts(index: bool = False, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), index=index, nullable=nullable))


def _json() -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=True))


class Feed(SQLModel, table=True):
    __tablename__ = "feed"
    __table_args__ = (
        Index("ix_feed_due", "active", "next_poll_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    # No secret is stored (monitor.feedurl): a URL is kept as a template, its
    # `${VAR}` secrets unexpanded, and known by the digest of its real form.
    url: str  # where it is polled now (follows 301/308): a template
    url_key: str = Field(unique=True)  # feedurl.key of the real `url`
    configured_url: str  # as written in the config: a template
    configured_key: str = Field(unique=True)  # feedurl.key of the real configured URL: the config entry
    name: str
    tags: Optional[list] = _json()
    interval_seconds: int
    headers: Optional[list] = _json()  # [[name, digest of the value], ...] (feedurl.stored_headers)
    active: bool = True
    status: str = "new"
    title: Optional[str] = None
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    next_poll_at: Optional[datetime] = _ts(index=True)
    last_poll_at: Optional[datetime] = _ts()
    last_success_at: Optional[datetime] = _ts()
    error_count: int = 0
    last_error: Optional[str] = None
    last_error_kind: Optional[str] = None
    entries_last: Optional[int] = None
    lease_owner: Optional[str] = None
    lease_until: Optional[datetime] = _ts()
    created_at: Optional[datetime] = _ts()
    health_alert: Optional[str] = None  # what the last feed-health alert said: failing | silent | None
    effective_interval_seconds: Optional[int] = None  # the delay the last poll chose, before jitter
    interval_reason: Optional[str] = None  # why (monitor.poll.schedule.Reason)
    backlog_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # entries taken as backlog


class Story(SQLModel, table=True):
    __tablename__ = "story"

    id: Optional[int] = Field(default=None, primary_key=True)
    first_seen_at: Optional[datetime] = _ts()
    title: str = ""
    article_count: int = 0
    muted_at: Optional[datetime] = _ts()  # muted on the desk: no follow-ups


class ArticleRow(SQLModel, table=True):
    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_feed_created", "feed_id", "created_at"),  # feed health: per-feed recent articles
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    canonical_url: str = Field(unique=True)
    url: str
    guid: Optional[str] = None
    title: str = ""
    text: str = ""
    text_source: str = "feed"
    lang: str = ""
    published: Optional[datetime] = _ts()
    source: str = ""
    content_hash: str = ""
    story_id: Optional[int] = Field(default=None, sa_column=Column(
        Integer, ForeignKey("story.id"), index=True, nullable=True))
    feed_id: Optional[int] = Field(default=None, sa_column=Column(
        Integer, ForeignKey("feed.id"), nullable=True))
    created_at: Optional[datetime] = _ts()
    note: Optional[str] = None  # why it was recorded without its matches, e.g. "matching timed out"


class StorySignature(SQLModel, table=True):
    """The story index (monitor.stories.key): an article's MinHash signature,
    kept for `stories.window` so later copies can join its story."""

    __tablename__ = "story_signature"

    article_id: int = Field(sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"),
                                             primary_key=True))
    story_id: int = Field(sa_column=Column(Integer, ForeignKey("story.id"), nullable=False))
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: Optional[datetime] = _ts(index=True)


class StoryBand(SQLModel, table=True):
    """One LSH band hash of an indexed article: a copy shares at least one.
    The primary key (band, article_id) is the lookup's only index: a band's
    newest articles, newest first (migration 0015)."""

    __tablename__ = "story_band"

    band: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    article_id: int = Field(sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"),
                                             primary_key=True))


class Sighting(SQLModel, table=True):
    """An entry of a feed we have processed (the "seen" table); also tells
    which outlets carried an article."""

    __tablename__ = "sighting"
    __table_args__ = (
        UniqueConstraint("feed_id", "entry_key", name="uq_sighting_feed_entry"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    feed_id: int = Field(sa_column=Column(Integer, ForeignKey("feed.id"), nullable=False))
    entry_key: str
    article_id: int = Field(sa_column=Column(Integer, ForeignKey("article.id"), index=True, nullable=False))
    seen_at: Optional[datetime] = _ts()


class Hit(SQLModel, table=True):
    __tablename__ = "hit"
    __table_args__ = (
        UniqueConstraint("rule_id", "story_id", name="uq_hit_rule_story"),
        Index("ix_hit_matched", "matched_at", "id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    rule_id: str
    rule_name: str = ""
    article_id: int = Field(sa_column=Column(Integer, ForeignKey("article.id"), index=True, nullable=False))
    story_id: int = Field(sa_column=Column(Integer, ForeignKey("story.id"), nullable=False))
    matched_at: Optional[datetime] = _ts()
    terms: Optional[list] = _json()
    snippet: str = ""
    explanation: Optional[dict] = _json()
    relevant: Optional[bool] = None  # triage: None until someone says; False is "not relevant"
    note: Optional[str] = None  # triage: an analyst's note
    triaged_at: Optional[datetime] = _ts()


class DeliveryRow(SQLModel, table=True):
    __tablename__ = "delivery"
    __table_args__ = (
        Index("ix_delivery_due", "status", "next_attempt_at"),
        Index("ix_delivery_digest", "digest", "status", "channel", "rule_id"),
        Index("ix_delivery_created", "created_at", "id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # stable idempotency id (the webhook-id)
    channel: str
    kind: str = "alert"
    status: str = "pending"
    digest: Optional[str] = None
    attempts: int = 0
    next_attempt_at: Optional[datetime] = _ts(index=True)
    last_error: Optional[str] = None
    detail: Optional[str] = None  # the channel's answer when sent
    lease_owner: Optional[str] = None
    lease_until: Optional[datetime] = _ts()
    created_at: Optional[datetime] = _ts()
    sent_at: Optional[datetime] = _ts()
    rule_id: Optional[str] = None
    payload: Optional[dict] = _json()  # kind "health": what happened to which feed
    admitted_at: Optional[datetime] = _ts()  # let through a rule's max_per_hour (counts while in flight)


class DeliveryHit(SQLModel, table=True):
    __tablename__ = "delivery_hit"

    delivery_id: int = Field(sa_column=Column(Integer, ForeignKey("delivery.id"), primary_key=True))
    hit_id: int = Field(sa_column=Column(Integer, ForeignKey("hit.id"), primary_key=True, index=True))


class Worker(SQLModel, table=True):
    """One running news-monitor process (`run` or `once`): it renews its
    leases with every heartbeat; a worker whose heartbeat is older than the
    lease is dead, and its feeds and deliveries are taken over."""

    __tablename__ = "worker"

    owner: str = Field(primary_key=True)  # host:pid:random, the lease_owner of its leases
    kind: str  # run | once
    host: str
    pid: int
    version: str = ""
    listen: Optional[str] = None  # its http.listen (run)
    started_at: Optional[datetime] = _ts()
    heartbeat_at: Optional[datetime] = _ts(index=True)
    config: str = ""  # fingerprint of the rules it matches with (monitor.runtime.fingerprint)
    config_loaded_at: Optional[datetime] = _ts()


class HostSlot(SQLModel, table=True):
    """Per-host politeness shared by every process: `fetch.per_host` slots a
    host, each held by one request at a time (until: a crashed holder's slot
    comes back), and the earliest start of the next request to it."""

    __tablename__ = "host_slot"

    host: str = Field(primary_key=True)
    slot: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    owner: Optional[str] = None
    until: Optional[datetime] = _ts()


class HostPace(SQLModel, table=True):
    __tablename__ = "host_pace"

    host: str = Field(primary_key=True)
    next_start_at: Optional[datetime] = _ts()


class WebSubSubscription(SQLModel, table=True):
    """A feed's WebSub subscription (monitor.websub): at which hub, under which
    topic, with which callback token and HMAC secret, what we want (subscribe |
    unsubscribe) and where it stands (new | requested | subscribed | denied |
    failing | unsubscribed | no-callback).  `next_action_at` is when a
    subscriber talks to the hub next (request, renewal, retry); the row is
    claimed with a lease for that, so one replica does it."""

    __tablename__ = "websub_subscription"

    id: Optional[int] = Field(default=None, primary_key=True)
    feed_id: int = Field(sa_column=Column(Integer, ForeignKey("feed.id"), nullable=False, unique=True))
    hub: str
    topic: str
    token: str = Field(unique=True)  # the callback path: /websub/<token>
    secret: str  # hub.secret: pushes are signed with it
    wanted: str = "subscribe"
    state: str = "new"
    lease_seconds: Optional[int] = None
    expires_at: Optional[datetime] = _ts()
    next_action_at: Optional[datetime] = _ts(index=True)
    requested_at: Optional[datetime] = _ts()
    verified_at: Optional[datetime] = _ts()
    last_push_at: Optional[datetime] = _ts()
    pushes: int = 0
    error: Optional[str] = None
    error_count: int = 0
    lease_owner: Optional[str] = None
    lease_until: Optional[datetime] = _ts()
    created_at: Optional[datetime] = _ts()


class SignInFailure(SQLModel, table=True):
    """Failed token checks from one client address (the desk's /login, the
    API, hit-feed keys) in the window that began at `since`: past
    monitor.web.signin's limit the address is answered 429 until the window
    ends, whichever replica it asks."""

    __tablename__ = "sign_in_failure"

    client: str = Field(primary_key=True)
    failures: int = 0
    since: Optional[datetime] = _ts(index=True)


class RuleSpikeState(SQLModel, table=True):
    """Whether a rule is in a spike now (monitor.store.spikes)."""

    __tablename__ = "rule_spike_state"

    rule_id: str = Field(primary_key=True)
    spiking: bool = False
    changed_at: Optional[datetime] = _ts()


class RuleSpike(SQLModel, table=True):
    """A spike alerted (monitor.alerts.spike): drawn on the rule's chart."""

    __tablename__ = "rule_spike"
    __table_args__ = (Index("ix_rule_spike_rule", "rule_id", "at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    rule_id: str
    at: Optional[datetime] = _ts()
    hits: int = 0
    average: float = 0.0
    message: str = ""

"""Small immutable records handed from one pipeline stage to the next.

    config -> FeedSpec/RuleSpec/ChannelSpec
    store.claim_due_feeds -> FeedState
    fetch  -> FetchResult
    parse  -> ParsedFeed [Entry]
    extract-> Article
    match  -> Match (with Evidence and Snippet)
    store.record -> RecordedHit
    dispatcher -> Delivery -> SendResult

ORM rows never cross a stage; these do.  All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

INHERIT = "inherit"  # a feed's setting that follows the poll section's


# --- states (stored as their string values) ------------------------------------

class TextSource(StrEnum):
    FULL = "full"  # extracted from the article page
    FEED = "feed"  # the feed's own summary/content


class FeedStatus(StrEnum):
    NEW = "new"
    OK = "ok"
    NOT_MODIFIED = "not-modified"
    FAILING = "failing"
    GONE = "gone"

    @property
    def healthy(self) -> bool:
        return self in (FeedStatus.OK, FeedStatus.NOT_MODIFIED)


class PollKind(StrEnum):
    """Which schedule rule a poll falls under (monitor.poll.schedule)."""

    OK = "ok"
    NOT_MODIFIED = "not-modified"
    ERROR = "error"
    GONE = "gone"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


class DeliveryKind(StrEnum):
    ALERT = "alert"
    DIGEST = "digest"
    SUMMARY = "summary"  # the hourly summary of alerts held back by max_per_hour
    FOLLOW_UP = "follow-up"
    HEALTH = "health"
    SPIKE = "spike"  # a rule's hourly volume spiked (monitor.alerts.spike)


# --- what the matcher sees -------------------------------------------------

@dataclass(frozen=True)
class Document:
    """The fields a watch rule can look at.  `text` keeps paragraphs apart with
    blank lines ("\\n\\n"), so PARAGRAPH(...) scopes work."""

    title: str
    text: str
    url: str = ""
    source: str = ""  # the feed's name
    lang: str = ""  # ISO 639-1, "" when unknown
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """One place where a query term matched."""

    term: str  # the query term as the rule wrote it, e.g. "envoy", '"North Korea"', "@china"
    found: str  # the text as it appears in the document, e.g. "envoy", "North Korea’s"
    field: str  # "title", "text", "url", "source", "lang", "tag"
    start: int  # character offsets in that field
    end: int
    word: int  # word index in that field


@dataclass(frozen=True)
class Snippet:
    """About 200 characters around the strongest evidence; `marks` are
    (start, end) character spans inside `text` to highlight."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()

    def marked(self, open_: str = "**", close: str = "**") -> str:
        out, pos = [], 0
        for start, end in sorted(self.marks):
            if start < pos:
                continue
            out += [self.text[pos:start], open_, self.text[start:end], close]
            pos = end
        out.append(self.text[pos:])
        return "".join(out)


Explanation = tuple[tuple[str, ...], tuple[Evidence, ...], Snippet]  # terms, evidence, snippet


class Match:
    """A rule a document matched, and why: `terms` (distinct matched words and
    phrases as found, in order of first appearance), `evidence` and `snippet`.

    The explanation is given, or built on first use by `explain()` (a callable
    returning (terms, evidence, snippet)): RuleSet.match makes its matches
    that way, so only the matches someone records or prints are explained.
    Immutable; equality, hashing and pickling use the explanation."""

    __slots__ = ("rule_id", "rule_name", "_explain", "_explained")

    rule_id: str
    rule_name: str
    _explain: Callable[[], Explanation] | None
    _explained: Explanation | None

    def __init__(self, rule_id: str, rule_name: str, terms: tuple[str, ...] = (),
                 evidence: tuple[Evidence, ...] = (), snippet: Snippet | None = None, *,
                 explain: Callable[[], Explanation] | None = None) -> None:
        object.__setattr__(self, "rule_id", rule_id)
        object.__setattr__(self, "rule_name", rule_name)
        object.__setattr__(self, "_explain", explain)
        object.__setattr__(self, "_explained", None if explain is not None else
                           (tuple(terms), tuple(evidence), snippet if snippet is not None else Snippet("")))

    def _explanation(self) -> Explanation:
        done: Explanation | None = self._explained
        if done is None:
            assert self._explain is not None
            done = self._explain()
            object.__setattr__(self, "_explained", done)
            object.__setattr__(self, "_explain", None)  # what it held (the document's index) can go
        return done

    def explained(self) -> Match:
        """This match with its explanation built now (the daemon does it on the
        matching thread, not inside the database transaction that records it)."""
        self._explanation()
        return self

    @property
    def terms(self) -> tuple[str, ...]:
        return self._explanation()[0]

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return self._explanation()[1]

    @property
    def snippet(self) -> Snippet:
        return self._explanation()[2]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Match is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Match is immutable: cannot delete {name!r}")

    def _key(self) -> tuple[Any, ...]:
        return (self.rule_id, self.rule_name, *self._explanation())

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Match) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        terms, evidence, snippet = self._explanation()
        return (f"Match(rule_id={self.rule_id!r}, rule_name={self.rule_name!r}, terms={terms!r}, "
                f"evidence={evidence!r}, snippet={snippet!r})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Match, (self.rule_id, self.rule_name, *self._explanation()))


# --- configuration records -------------------------------------------------

@dataclass(frozen=True)
class FeedSpec:
    url: str
    name: str
    interval: timedelta
    tags: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    # the ${VAR}s (name, value) in the URL's path, query or userinfo: kept out of logs and of the database
    secret_vars: tuple[tuple[str, str], ...] = ()
    max_age: Any = INHERIT  # INHERIT (poll.max_age), a timedelta, or None (off): its backlog age
    written: str = ""  # the URL as the config writes it (`?apikey=${KEY}`); "" when it is `url`

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secret values in the URL."""
        return tuple(value for _, value in self.secret_vars)


@dataclass(frozen=True)
class SpikeSpec:
    """A rule's `spike:` option: alert once when the last hour's hits exceed
    `factor` x the hourly average over `baseline` (and are at least `min_hits`)."""

    factor: float = 3.0
    baseline: timedelta = timedelta(days=7)
    min_hits: int = 5


@dataclass(frozen=True)
class RuleSpec:
    id: str
    name: str
    query: str
    notify: tuple[str, ...] = ()
    mode: str = "immediate"  # "immediate" or a digest schedule, e.g. "daily@08:00 Europe/Berlin"
    max_per_hour: int | None = None
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    template: str | None = None
    follow_up_outlets: int | None = None
    spike: SpikeSpec | None = None  # alert when the hourly volume spikes (monitor.alerts.spike)
    source: str = ""  # "config/rules.yaml:14" where the rule is written, for error messages


@dataclass(frozen=True)
class ChannelSpec:
    """A configured channel.  `options` is the type's own frozen options
    object (monitor.alerts.channels.<type>.Options); the rest is common."""

    id: str
    type: str  # console | webhook | slack | email | apprise
    options: Any = None
    concurrency: int = 4  # sends in flight on this channel
    max_attempts: int = 8
    timeout: timedelta = timedelta(seconds=15)
    template: str | None = None  # Jinja2 source overriding the type's message template
    quiet_hours: str | None = None  # normalised, e.g. "22:00-07:00 Asia/Seoul"
    source: str = ""


# --- pipeline records ------------------------------------------------------

@dataclass(frozen=True)
class FeedState:
    """A feed as the store hands it to one poll (a claimed lease)."""

    id: int
    url: str
    name: str
    tags: tuple[str, ...]
    interval: timedelta
    etag: str | None = None
    last_modified: str | None = None
    error_count: int = 0
    status: FeedStatus = FeedStatus.NEW
    headers: tuple[tuple[str, str], ...] = ()
    configured_url: str = ""  # as the operator wrote it: only its origin is trusted, whatever url became
    key: str = ""  # monitor.feedurl.key of the configured URL: which config entry it is ("" : of configured_url)
    pushed: bool = False  # a WebSub hub pushes it (verified, lease running): polled at the safety interval
    first_poll: bool = False  # never polled successfully: undated entries are backlog (poll.max_age)


@dataclass(frozen=True)
class FetchResult:
    """What one HTTP (or file://) fetch produced.  `error` set means no usable
    body; `error_kind` is a short machine word ("timeout", "too-large",
    "http-503", "connection", "tls", "redirects", "gone", "not-a-feed", ...)."""

    url: str  # the final URL after redirects
    status: int  # HTTP status, 0 when no response
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    permanent_url: str | None = None  # set when a 301/308 moved the feed
    retry_after: timedelta | None = None
    max_age: timedelta | None = None  # from Cache-Control / Expires
    hub: str | None = None  # WebSub: the HTTP Link header's rel="hub"
    self_url: str | None = None  # WebSub: the HTTP Link header's rel="self" (the topic)
    error: str | None = None
    error_kind: str | None = None
    elapsed: float = 0.0


@dataclass(frozen=True)
class Entry:
    """One item of a parsed feed."""

    key: str  # identity within the feed: GUID, else link, else content hash
    link: str  # absolute URL, "" when the entry has none
    title: str
    summary: str  # plain text of the feed's content/summary (HTML stripped)
    published: datetime | None = None
    author: str = ""


@dataclass(frozen=True)
class ParsedFeed:
    entries: tuple[Entry, ...]
    title: str = ""
    ttl: timedelta | None = None  # RSS <ttl>
    hub: str | None = None  # WebSub: the document's <link rel="hub"> (JSON Feed: hubs[])
    self_url: str | None = None  # WebSub: the document's <link rel="self"> (JSON Feed: feed_url)
    warning: str | None = None  # a bozo problem we kept going through
    error: str | None = None  # nothing usable (not a feed, refused DTD, ...)
    error_kind: str | None = None


@dataclass(frozen=True)
class Article:
    """A feed entry with its full text, ready to match and store."""

    feed_id: int
    entry_key: str
    canonical_url: str
    url: str
    title: str
    text: str
    text_source: TextSource
    lang: str
    source: str
    tags: tuple[str, ...]
    published: datetime | None
    content_hash: str

    def document(self) -> Document:
        return Document(title=self.title, text=self.text, url=self.url,
                        source=self.source, lang=self.lang, tags=self.tags)


@dataclass(frozen=True)
class ArchivedArticle:
    """A stored article as the archive reads it (backtest, backfill, search)."""

    id: int
    story_id: int | None
    title: str
    text: str  # "" once retention.article_text pruned it
    url: str
    source: str
    lang: str
    tags: tuple[str, ...]  # its feed's tags now
    published: datetime | None
    stored_at: datetime
    note: str | None = None  # e.g. "backlog: older than poll.max_age"

    @property
    def date(self) -> datetime:
        """Its date in the archive: published, else when it was stored."""
        return self.published or self.stored_at

    def document(self) -> Document:
        return Document(title=self.title, text=self.text, url=self.url, source=self.source, lang=self.lang,
                        tags=self.tags)


@dataclass(frozen=True)
class PlannedDelivery:
    channel: str
    due_at: datetime
    digest: str | None = None  # digest key (schedule) when the hit waits for a digest


@dataclass(frozen=True)
class RecordedHit:
    id: int
    rule_id: str
    article_id: int
    deliveries: tuple[int, ...]


@dataclass(frozen=True)
class HitView:
    """A hit as listed by `hits`, the API and alerts."""

    id: int
    rule: str
    rule_name: str
    url: str
    title: str
    source: str
    published: datetime | None
    matched_at: datetime
    snippet: str  # with **marks**
    terms: tuple[str, ...]
    story_id: int | None = None
    outlets: tuple[str, ...] = ()  # every outlet (feed name) that carried the story, first first
    relevant: bool | None = None  # triage on the desk: None until someone says
    note: str | None = None  # triage: an analyst's note
    story_muted: bool = False  # the story is muted: no follow-ups

    @property
    def also(self) -> tuple[str, ...]:
        """The other outlets that carried the story."""
        return tuple(o for o in self.outlets if o != self.source)


@dataclass(frozen=True)
class Delivery:
    """One claimed delivery: a hit (or a digest of hits) for one channel."""

    id: int
    channel: str
    key: str  # stable idempotency id; the webhook-id
    attempts: int
    hits: tuple[HitView, ...]
    kind: DeliveryKind = DeliveryKind.ALERT
    payload: dict[str, Any] | None = None  # kind "health": {"event", "message", "feed": {...}}
    created_at: datetime | None = None  # when it was queued: the webhook body's fixed `created_at`


@dataclass(frozen=True)
class SendResult:
    ok: bool
    detail: str = ""  # the channel's answer, for logs and `deliveries`
    retry_after: timedelta | None = None
    permanent: bool = False  # e.g. 400/404: do not retry


@dataclass(frozen=True)
class PollOutcome:
    """What one poll decided about its feed; the store writes it as is."""

    feed_id: int
    polled_at: datetime
    next_poll_at: datetime
    status: FeedStatus
    error_count: int  # consecutive failures after this poll (0 on success)
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    error_kind: str | None = None
    new_url: str | None = None  # a 301/308 moved the feed here
    title: str | None = None
    entries: int = 0  # entries in the fetched feed
    new_articles: int = 0
    interval: timedelta | None = None  # the delay to next_poll_at before jitter
    interval_reason: str = "configured"  # monitor.poll.schedule.Reason: why it is that delay
    websub: Any = None  # monitor.websub.discover.Discovered when a full document was read, else None
    backlog: int = 0  # entries of this poll taken as backlog (recorded, not fetched, not alerted)


@dataclass(frozen=True)
class PlannedHit:
    """A match and the deliveries its hit gets if it is new (pure planning,
    monitor.alerts.plan_deliveries, done before the record transaction)."""

    match: Match
    deliveries: tuple[PlannedDelivery, ...] = ()


@dataclass(frozen=True)
class RecordItem:
    """One new article for store.record: its planned hits, and its story key
    (monitor.stories.key.StoryKey; None: too short to compare, a story of
    its own).  `note` says why it has no matches when matching gave up."""

    article: Article
    hits: tuple[PlannedHit, ...] = ()
    story: Any = None
    note: str | None = None


@dataclass(frozen=True)
class FeedView:
    id: int
    url: str
    name: str
    status: str
    error_count: int
    last_error: str | None
    last_error_kind: str | None
    last_poll_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime | None
    articles: int
    tags: tuple[str, ...] = ()
    configured_url: str = ""
    active: bool = True
    items_per_day: float | None = None  # new items a day over the last 7 days
    full_text_rate: float | None = None  # share of its recent articles with full text (vs feed text)
    interval: timedelta | None = None  # as configured
    effective_interval: timedelta | None = None  # the delay the last poll chose (before jitter)
    interval_reason: str | None = None  # why it differs: monitor.poll.schedule.Reason
    push: str | None = None  # WebSub: what the subscription is doing, e.g. "subscribed at <hub> until ..."
    backlog: int = 0  # entries taken as backlog (poll.max_age): recorded, not fetched, not alerted


@dataclass(frozen=True)
class DeliveryView:
    id: int
    key: str
    channel: str
    kind: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    hit_ids: tuple[int, ...]
    rule: str = ""
    detail: str = ""  # the channel's answer when sent, e.g. "in digest <key>"


@dataclass(frozen=True)
class RecordResult:
    """What store.record wrote: the new hits, and for every item (in order) the
    story its article belongs to."""

    hits: tuple[RecordedHit, ...]
    stories: tuple[int, ...]

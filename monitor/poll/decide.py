"""The decisions of one poll, as pure functions (no I/O, clock values given):
which text an article keeps, what its date is, which deliveries its hits
get, how much of the deadline is left, and what the poll's outcome is.
monitor.poll.pipeline calls these in order and decides nothing itself.

    budget = Budget(started=clock.monotonic(), limit=300.0)
    budget.late(now)            past 80 %: no more article pages are fetched
    budget.page_seconds(now)    what a page in flight may still take (to 90 %)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.poll.schedule import ScheduleSettings, next_poll
from monitor.types import (Article, Entry, FeedState, FeedStatus, FetchResult, Match, PlannedHit, PollKind,
                           PollOutcome, PlannedDelivery, TextSource)
from monitor.units import format_duration

FUTURE_SLACK = timedelta(hours=1)  # a date further ahead than this is the feed's mistake
SOFT_DEADLINE = 0.8  # share of the poll deadline after which article pages are no longer fetched
PAGE_CUTOFF = 0.9  # share after which pages still in flight give way to the feed's text


@dataclass(frozen=True)
class Budget:
    """One poll's deadline, on the clock's monotonic scale.

    >>> b = Budget(started=100.0, limit=10.0)
    >>> b.late(107.9), b.late(108.1), b.page_seconds(104.0), b.page_seconds(120.0)
    (False, True, 5.0, 0.0)
    """

    started: float
    limit: float

    def late(self, now: float) -> bool:
        return now > self.started + SOFT_DEADLINE * self.limit

    def page_seconds(self, now: float) -> float:
        return max(0.0, self.started + PAGE_CUTOFF * self.limit - now)


@dataclass(frozen=True)
class Chosen:
    """The text an article is matched and stored with."""

    title: str
    text: str
    source: TextSource
    lang: str  # "" when the extractor did not say


def choose_text(entry: Entry, extracted: object | None) -> Chosen:
    """The page's full text when it was extracted and is at least half as
    long as the feed's own text (else the extractor found a teaser or a
    cookie wall), otherwise the feed's text.

    >>> from monitor.types import Entry
    >>> e = Entry(key="k", link="", title="T", summary="feed text " * 10)
    >>> choose_text(e, None).source
    <TextSource.FEED: 'feed'>
    """
    text = getattr(extracted, "text", "") if extracted is not None else ""
    if extracted is not None and len(text) >= len(entry.summary) // 2:
        return Chosen(title=entry.title or getattr(extracted, "title", ""), text=text, source=TextSource.FULL,
                      lang=getattr(extracted, "lang", ""))
    return Chosen(title=entry.title, text=entry.summary, source=TextSource.FEED, lang="")


def clamp_published(published: datetime | None, now: datetime) -> datetime | None:
    """A date more than FUTURE_SLACK ahead is the feed's mistake: the article is new now."""
    if published is not None and published > now + FUTURE_SLACK:
        return now
    return published


def content_hash(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\n{text}".encode("utf-8", "surrogatepass")).hexdigest()


def make_article(feed: FeedState, entry: Entry, canonical: str, chosen: Chosen, lang: str,
                 now: datetime) -> Article:
    return Article(
        feed_id=feed.id, entry_key=entry.key, canonical_url=canonical, url=entry.link or canonical,
        title=chosen.title, text=chosen.text, text_source=chosen.source, lang=lang, source=feed.name,
        tags=feed.tags, published=clamp_published(entry.published, now),
        content_hash=content_hash(chosen.title, chosen.text))


BACKLOG_FIRST_POLL = "backlog: on the feed's first poll, undated"
BACKLOG_OLD = "backlog: older than poll.max_age"


def backlog_reason(entry: Entry, now: datetime, *, max_age: timedelta | None, first_poll: bool) -> str | None:
    """Why an unseen entry is backlog (recorded with the feed's text, no page
    fetched, no alert), or None when it is news: dated before `max_age` ago,
    or undated on the feed's first poll.  `max_age` None turns this off.

    >>> from datetime import timezone
    >>> t = datetime(2026, 12, 1, tzinfo=timezone.utc)
    >>> old = Entry(key="a", link="", title="", summary="", published=t - timedelta(days=365))
    >>> undated = Entry(key="b", link="", title="", summary="")
    >>> backlog_reason(old, t, max_age=timedelta(days=2), first_poll=False)
    'backlog: older than poll.max_age'
    >>> backlog_reason(undated, t, max_age=timedelta(days=2), first_poll=False) is None
    True
    >>> backlog_reason(undated, t, max_age=timedelta(days=2), first_poll=True)
    "backlog: on the feed's first poll, undated"
    >>> backlog_reason(old, t, max_age=None, first_poll=True) is None
    True
    """
    if max_age is None:
        return None
    if entry.published is None:
        return BACKLOG_FIRST_POLL if first_poll else None
    return BACKLOG_OLD if entry.published < now - max_age else None


def split_backlog(candidates: Sequence[tuple[Entry, str]], now: datetime, *, max_age: timedelta | None,
                  first_poll: bool) -> tuple[list[tuple[Entry, str, str]], list[tuple[Entry, str]]]:
    """(backlog entries with their reason, news entries), each in feed order."""
    backlog: list[tuple[Entry, str, str]] = []
    news: list[tuple[Entry, str]] = []
    for entry, url in candidates:
        reason = backlog_reason(entry, now, max_age=max_age, first_poll=first_poll)
        if reason is None:
            news.append((entry, url))
        else:
            backlog.append((entry, url, reason))
    return backlog, news


def plan_hits(matches: Sequence[Match], plan: Callable[[str, datetime], Sequence[PlannedDelivery]],
              now: datetime) -> tuple[PlannedHit, ...]:
    """Each match with the deliveries its hit gets if it is new."""
    return tuple(PlannedHit(m, tuple(plan(m.rule_id, now))) for m in matches)


# -- outcomes (the schedule's rules are monitor.poll.schedule's) -------------

def succeeded(feed: FeedState, fetched: FetchResult, now: datetime, *, settings: ScheduleSettings,
              rand: Callable[[], float], not_modified: bool = False, ttl: timedelta | None = None,
              observed: timedelta | None = None, title: str | None = None, entries: int = 0,
              new_articles: int = 0, warning: str | None = None, safety_interval: timedelta | None = None,
              websub: object = None, backlog: int = 0) -> PollOutcome:
    """`safety_interval`: the feed is pushed by a WebSub hub; `websub`: what
    the full document said about its hub (None after a 304: unknown)."""
    kind = PollKind.NOT_MODIFIED if not_modified else PollKind.OK
    when = next_poll(now=now, interval=feed.interval, result_kind=kind, error_count=0,
                     retry_after=fetched.retry_after, max_age=fetched.max_age, ttl=ttl,
                     observed_interval=observed, safety_interval=safety_interval if feed.pushed else None,
                     settings=settings, rand=rand)
    return PollOutcome(
        feed_id=feed.id, polled_at=now, next_poll_at=when.when, interval=when.delay,
        interval_reason=when.reason.value, websub=websub,
        status=FeedStatus.NOT_MODIFIED if not_modified else FeedStatus.OK, error_count=0,
        etag=fetched.etag or feed.etag, last_modified=fetched.last_modified or feed.last_modified,
        new_url=fetched.permanent_url, title=title, entries=entries, new_articles=new_articles, backlog=backlog,
        error=f"warning: {warning}" if warning else None, error_kind="parse-warning" if warning else None)


def failed(feed: FeedState, fetched: FetchResult, now: datetime, *, error: str, error_kind: str,
           settings: ScheduleSettings, rand: Callable[[], float], gone: bool = False) -> PollOutcome:
    count = feed.error_count + 1
    when = next_poll(now=now, interval=feed.interval, result_kind=PollKind.GONE if gone else PollKind.ERROR,
                     error_count=count, retry_after=fetched.retry_after, settings=settings, rand=rand)
    return PollOutcome(
        feed_id=feed.id, polled_at=now, next_poll_at=when.when, interval=when.delay,
        interval_reason=when.reason.value, status=FeedStatus.GONE if gone else FeedStatus.FAILING,
        error_count=count, etag=feed.etag, last_modified=feed.last_modified, error=error,
        error_kind=error_kind, new_url=fetched.permanent_url)


def overran(feed: FeedState, now: datetime, *, recorded: int, fresh: int, deadline: timedelta,
            settings: ScheduleSettings, rand: Callable[[], float], backlog: int = 0) -> PollOutcome:
    """The poll passed its deadline.  Articles recorded so far stay recorded;
    with progress the rest follows soon (no validators: the next poll must
    fetch the feed in full), without progress it is an error.

    >>> from datetime import timezone
    >>> f = FeedState(id=1, url="u", name="n", tags=(), interval=timedelta(minutes=10))
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> overran(f, t, recorded=3, fresh=9, deadline=timedelta(minutes=5), settings=ScheduleSettings(),
    ...         rand=lambda: 0.5).error_kind
    'partial'
    """
    limit = format_duration(deadline)
    if recorded or backlog:
        return PollOutcome(
            feed_id=feed.id, polled_at=now, next_poll_at=now + settings.min_interval, status=FeedStatus.OK,
            interval=settings.min_interval, interval_reason="partial",
            error_count=0, etag=None, last_modified=None, new_articles=recorded, backlog=backlog,
            error=f"warning: stopped after {recorded} of {fresh} new entries at the {limit} poll deadline; "
                  "the rest follow in the next polls", error_kind="partial")
    return failed(feed, FetchResult(url=feed.url, status=0), now, settings=settings, rand=rand,
                  error=f"polling took longer than {limit} (fetch, article pages, extraction); "
                        "retried with backoff", error_kind="poll-timeout")


def page_problem(link: str, error: str, kind: str | None) -> str:
    """One short log line for an article page not used: the link once (cut to
    100 characters), the reason without the link repeated in it.

    >>> page_problem("https://x.example/" + "a" * 200, "blocked: https://x.example/" + "a" * 200 +
    ...              " resolves to 10.0.0.1 (private)", "blocked")[:60]
    'article link blocked (https://x.example/aaaaaaaaaaaaaaaaaaaa'
    >>> len(page_problem("https://x.example/" + "a" * 200, "blocked: https://x.example/" + "a" * 200 +
    ...                  " resolves to 10.0.0.1 (private)", "blocked")) <= 200
    True
    """
    short = link if len(link) <= 100 else link[:99] + "…"
    reason = error.replace(link, "the link").strip()
    if len(reason) > 80:
        reason = reason[:79] + "…"
    what = "blocked" if kind == "blocked" else "not fetched"
    return f"article link {what} ({short}): {reason}; using the feed's text"

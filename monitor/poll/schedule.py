"""When to poll a feed next: pure decisions, no I/O, deterministic given `rand`.

Rules (issue 5):

* gone (410)      -> `now + GONE_DELAY` (a week): the operator sees status
                     `gone`, and a publisher (or CDN) that sent one wrong 410
                     is noticed within a week; a success makes it `ok` again.
* error           -> `backoff(error_count)`: backoff_base * 2**(n-1), capped
                     at backoff_max, with +-jitter; never sooner than the
                     server's Retry-After nor than min_interval.  A Retry-After
                     longer than max(backoff_max, max_interval) is capped there,
                     so a hostile header cannot park a feed for a year.
* ok/not-modified -> the configured `interval`; with `adaptive` (poll.adaptive,
                     off by default: the interval the operator set is the
                     interval polled) raised (never lowered) by the feed's hints: half its observed publishing interval when
                     it publishes rarely, Cache-Control max-age / Expires and
                     RSS <ttl>; hints stretch it to at most `max_stretch` x
                     the interval, before jitter (default 4: a 5-minute feed
                     behind a CDN sending max-age=86400, or a "most read" feed
                     of week-old items, is polled every 20 min, not daily; a
                     3-hour feed publishing once a day, every 12 h).  Retry-After is a request, not a
                     hint: it is obeyed in full.  Then clamped to
                     [min_interval, max_interval]; then +-jitter (a fraction of
                     the delay, so feeds added together drift apart) and
                     clamped again.  The configured interval is therefore the
                     floor unless min_interval is higher; max_interval wins
                     over everything, including the server's headers.
* subscribed by WebSub -> at least `safety_interval` (pushes bring the news;
                     a slow poll catches what a hub missed).

Every decision says why: `next_poll` returns the time and the Reason the
delay is what it is (the operator sees it in `feeds` and /api/feeds).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from monitor.backoff import backoff as backoff_policy
from monitor.backoff import jittered
from monitor.config.model import PollConfig
from monitor.types import PollKind

GONE_DELAY = timedelta(days=7)
RECENT_ITEMS = 20  # how many of the newest dated items the publishing interval looks at


class Reason(StrEnum):
    """Why the delay to the next poll is what it is."""

    CONFIGURED = "configured"  # the feed's interval (or poll.interval)
    CACHE_CONTROL = "cache-control"  # the server's Cache-Control max-age / Expires (adaptive)
    TTL = "ttl"  # the feed's RSS <ttl> (adaptive)
    OBSERVED = "observed-rhythm"  # half the feed's observed publishing interval (adaptive)
    RETRY_AFTER = "retry-after"  # the server asked to wait
    BACKOFF = "backoff"  # consecutive errors
    GONE = "gone"  # 410: checked again weekly
    WEBSUB = "websub-safety"  # pushed by a WebSub hub: polled at websub.safety_interval
    MIN_INTERVAL = "min-interval"  # raised to poll.min_interval
    MAX_INTERVAL = "max-interval"  # capped at poll.max_interval


class NextPoll(NamedTuple):
    """When to poll next, the delay before jitter, and why it is that delay."""

    when: datetime
    reason: Reason
    delay: timedelta


@dataclass(frozen=True)
class ScheduleSettings:
    """
    >>> ScheduleSettings().backoff_max
    datetime.timedelta(seconds=21600)
    """

    # The defaults of what the config sets are the config's `poll:` ones (monitor.config.model).
    min_interval: timedelta = PollConfig.min_interval
    max_interval: timedelta = PollConfig.max_interval
    backoff_base: timedelta = timedelta(minutes=1)  # not a config key
    backoff_max: timedelta = timedelta(hours=6)  # not a config key
    jitter: float = PollConfig.jitter  # fraction of the delay, applied as +-jitter
    max_stretch: float = PollConfig.max_stretch  # hints stretch a poll to at most this x the configured interval
    adaptive: bool = PollConfig.adaptive  # server hints and the observed rhythm may stretch the interval


def _clamp(delay: timedelta, low: timedelta, high: timedelta) -> timedelta:
    return max(low, min(delay, high))


def backoff(error_count: int, settings: ScheduleSettings, rand: Callable[[], float]) -> timedelta:
    """Capped exponential backoff after `error_count` consecutive failures
    (1 = the first failure), with +-jitter, never above backoff_max.

    >>> s = ScheduleSettings(jitter=0)
    >>> [str(backoff(n, s, lambda: 0.5)) for n in (1, 2, 3, 20)]
    ['0:01:00', '0:02:00', '0:04:00', '6:00:00']
    """
    return backoff_policy(error_count, base=settings.backoff_base, cap=settings.backoff_max,
                          jitter=settings.jitter, rand=rand)


def observed_publish_interval(published: Sequence[datetime], now: datetime) -> timedelta | None:
    """Median gap between the newest RECENT_ITEMS dated items (dates in the
    future are ignored: feeds lie); None with fewer than 3 usable dates."""
    dates = sorted((d for d in published if d is not None and d <= now), reverse=True)
    dates = dates[:RECENT_ITEMS]
    if len(dates) < 3:
        return None
    gaps = [(a - b).total_seconds() for a, b in zip(dates, dates[1:])]
    return timedelta(seconds=statistics.median(gaps))


def next_poll(*, now: datetime, interval: timedelta, result_kind: PollKind, error_count: int,
              retry_after: timedelta | None = None, max_age: timedelta | None = None,
              ttl: timedelta | None = None, observed_interval: timedelta | None = None,
              safety_interval: timedelta | None = None, settings: ScheduleSettings,
              rand: Callable[[], float]) -> NextPoll:
    """The time of the next poll and why; see the module docstring for the rules.
    `error_count` is the consecutive failures INCLUDING this poll's;
    `safety_interval` is set while a WebSub hub pushes the feed.

    >>> from datetime import timezone
    >>> t, s = datetime(2026, 1, 1, tzinfo=timezone.utc), ScheduleSettings(jitter=0)
    >>> nxt = next_poll(now=t, interval=timedelta(minutes=1), result_kind=PollKind.OK, error_count=0,
    ...                 observed_interval=timedelta(minutes=8), settings=s, rand=lambda: 0.5)
    >>> str(nxt.delay), nxt.reason.value
    ('0:01:00', 'configured')
    >>> nxt = next_poll(now=t, interval=timedelta(minutes=1), result_kind=PollKind.OK, error_count=0,
    ...                 observed_interval=timedelta(minutes=8), settings=ScheduleSettings(adaptive=True),
    ...                 rand=lambda: 0.5)
    >>> str(nxt.delay), nxt.reason.value
    ('0:04:00', 'observed-rhythm')
    """
    if result_kind == PollKind.GONE:
        return NextPoll(now + GONE_DELAY, Reason.GONE, GONE_DELAY)
    if result_kind == PollKind.ERROR:
        ceiling = max(settings.backoff_max, settings.max_interval)
        delay, reason = _largest([(backoff(error_count, settings, rand), Reason.BACKOFF),
                                  (retry_after, Reason.RETRY_AFTER)])
        delay, reason = _bounded(delay, reason, settings.min_interval, ceiling)
        return NextPoll(now + delay, reason, delay)
    candidates: list[tuple[timedelta | None, Reason]] = [(interval, Reason.CONFIGURED)]
    if settings.adaptive:
        cap = interval * settings.max_stretch
        candidates += [(h and min(h, cap), why) for h, why in (
            (max_age, Reason.CACHE_CONTROL), (ttl, Reason.TTL),
            (observed_interval and observed_interval / 2, Reason.OBSERVED))]
    candidates += [(safety_interval, Reason.WEBSUB), (retry_after, Reason.RETRY_AFTER)]
    delay, reason = _bounded(*_largest(candidates), settings.min_interval, settings.max_interval)
    spread = _clamp(jittered(delay, jitter=settings.jitter, rand=rand), settings.min_interval, settings.max_interval)
    return NextPoll(now + spread, reason, delay)


def _largest(candidates: Sequence[tuple[timedelta | None, Reason]]) -> tuple[timedelta, Reason]:
    """The longest delay and its reason (the first named wins a tie)."""
    best: tuple[timedelta, Reason] | None = None
    for delay, reason in candidates:
        if delay is not None and (best is None or delay > best[0]):
            best = (delay, reason)
    assert best is not None
    return best


def _bounded(delay: timedelta, reason: Reason, low: timedelta, high: timedelta) -> tuple[timedelta, Reason]:
    if delay < low:
        return low, Reason.MIN_INTERVAL
    if delay > high:
        return high, Reason.MAX_INTERVAL
    return delay, reason

"""Feed-health alerts: ONE alert when a feed starts failing or falls silent,
ONE when it recovers; never one per failure.

    decide(health, settings, now) -> HealthEvent | None     pure
    store.finish_poll(outcome, owner=, health=settings) writes the poll, reads
        the feed's FeedHealth, decides, and (when there is an event) queues one
        delivery of kind "health" per channel in `health.notify`: one
        transaction.

The rules, in order (`alerted` is what the last health alert said):

* problem "failing": status `gone` (410), or `failing` with at least
  `after_errors` consecutive errors.
* problem "silent": the feed polls fine (ok / not-modified) but no new item
  has arrived for `silent_factor` x its usual interval.  The usual interval
  is the median gap between its recent items' published dates, never less
  than its configured poll interval (a feed cannot look newer than we poll).
* nothing alerted + a problem               -> an event of that kind
* alerted failing + the poll succeeded      -> "recovered"
* alerted silent  + failing (as above)      -> "failing" (a new, worse problem)
* alerted silent  + no longer silent        -> "recovered"
* anything else                             -> None (no repeat)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from monitor.config.model import HealthConfig
from monitor.units import iso

log = logging.getLogger("monitor.health")

EventKind = Literal["failing", "silent", "recovered"]
SUCCESS = ("ok", "not-modified")


@dataclass(frozen=True)
class FeedHealth:
    """One feed as the health decision sees it, right after a poll."""

    id: int
    name: str
    url: str
    status: str
    error_count: int
    interval: timedelta  # configured poll interval
    last_error: str | None = None
    last_error_kind: str | None = None
    last_success_at: datetime | None = None
    next_poll_at: datetime | None = None
    last_new_at: datetime | None = None  # when a new item last arrived (else when the feed was added)
    observed_interval: timedelta | None = None  # median gap between its recent items
    alerted: str | None = None  # "failing" | "silent" | None


@dataclass(frozen=True)
class HealthEvent:
    kind: EventKind
    message: str
    alerted: str | None  # the feed's health_alert after this event

    def payload(self, feed: FeedHealth, at: datetime) -> dict[str, Any]:
        """What the delivery carries (webhook body: type "health", event, feed)."""
        return {"event": self.kind, "message": self.message, "at": iso(at), "feed": feed_json(feed)}


def usual_interval(feed: FeedHealth) -> timedelta:
    observed = feed.observed_interval or timedelta(0)
    return max(feed.interval, observed)


def is_failing(feed: FeedHealth, settings: HealthConfig) -> bool:
    return feed.status == "gone" or (feed.status == "failing" and feed.error_count >= settings.after_errors)


def silent_for(feed: FeedHealth, settings: HealthConfig, now: datetime) -> timedelta | None:
    """How long the feed has been silent, when that passes the threshold."""
    if feed.status not in SUCCESS or feed.last_new_at is None:
        return None
    quiet = now - feed.last_new_at
    return quiet if quiet > usual_interval(feed) * settings.silent_factor else None


def decide(feed: FeedHealth, settings: HealthConfig, now: datetime) -> HealthEvent | None:
    """The health event this poll calls for, if any (see the module docstring)."""
    failing = is_failing(feed, settings)
    silent = silent_for(feed, settings, now)
    if failing and feed.alerted != "failing":
        return HealthEvent("failing", _failing_message(feed), "failing")
    if feed.alerted is None and silent is not None:
        return HealthEvent("silent", _silent_message(feed, silent), "silent")
    if feed.alerted == "failing" and feed.status in SUCCESS:
        return HealthEvent("recovered", f"feed {feed.name} ({feed.url}) polls fine again", None)
    if feed.alerted == "silent" and feed.status in SUCCESS and silent is None:
        return HealthEvent("recovered", f"feed {feed.name} ({feed.url}) has new items again", None)
    return None


def _failing_message(feed: FeedHealth) -> str:
    if feed.status == "gone":
        return (f"feed {feed.name} ({feed.url}) is gone (HTTP 410): it is only re-checked weekly; "
                "remove it from the config or point it at its new address")
    return (f"feed {feed.name} ({feed.url}) failed {feed.error_count} times in a row; "
            f"last error: {feed.last_error or 'unknown'} [{feed.last_error_kind or 'error'}]")


def _silent_message(feed: FeedHealth, quiet: timedelta) -> str:
    return (f"feed {feed.name} ({feed.url}) has had no new item for {_span(quiet)} "
            f"(it usually publishes every {_span(usual_interval(feed))})")


def _span(delta: timedelta) -> str:
    secs = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            return f"{secs / size:.1f}{unit}".replace(".0" + unit, unit)
    return f"{secs}s"


def feed_json(feed: FeedHealth) -> dict[str, Any]:
    return {"id": feed.id, "name": feed.name, "url": feed.url, "status": feed.status,
            "error_count": feed.error_count, "last_error": feed.last_error,
            "last_error_kind": feed.last_error_kind, "last_success_at": iso(feed.last_success_at),
            "next_poll_at": iso(feed.next_poll_at)}


def event_key(feed_id: int, event: HealthEvent, now: datetime) -> str:
    """Stable per feed and event: the store's compare-and-set on the feed's
    health_alert makes a second writer of the same event a no-op."""
    return f"health-{feed_id}-{event.kind}-{now.astimezone(timezone.utc):%Y%m%dT%H%M%S%f}"

"""One JSON view per record, shared by the CLI (`--json`), the HTTP API and
the webhook body: a hit, a feed, a delivery, a story, a match and its
evidence look the same wherever they are read.  Times are ISO 8601 UTC with
`Z` (monitor.units.iso); `outlets` is every outlet (feed name) that carried
the story, the hit's own first.  Documented in docs/alerts.md and the API's
OpenAPI description; keep it stable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from monitor.types import DeliveryView, Evidence, FeedView, HitView, Match
from monitor.units import iso


def hit_json(hit: HitView) -> dict[str, Any]:
    return {
        "id": hit.id, "rule": hit.rule, "rule_name": hit.rule_name, "url": hit.url, "title": hit.title,
        "source": hit.source, "published": iso(hit.published), "matched_at": iso(hit.matched_at),
        "snippet": hit.snippet, "terms": list(hit.terms), "story_id": hit.story_id,
        "outlets": own_first(hit.source, hit.outlets),
        "relevant": hit.relevant, "note": hit.note, "story_muted": hit.story_muted,
    }


def shown_feed(feed: FeedView, redact: Callable[[str], str]) -> FeedView:
    """A feed as shown (API, status page, `feeds`): its URLs and last error
    with the config's feed secrets hidden (`?apikey=${KEY}` -> `?apikey=***`;
    `redact` is a monitor.redact.Redactor of monitor.logs.feed_secrets)."""
    return dataclasses.replace(feed, url=redact(feed.url), configured_url=redact(feed.configured_url),
                               last_error=redact(feed.last_error) if feed.last_error else feed.last_error)


def own_first(source: str | None, outlets: Sequence[str]) -> list[str]:
    """Every outlet of the story, the hit's own first, then in the order they carried it.

    >>> own_first("Wire", ("Herald", "Wire", "Daily"))
    ['Wire', 'Herald', 'Daily']
    >>> own_first("Wire", ())
    ['Wire']
    >>> own_first("Xinhua", ("Daily", "Herald"))
    ['Daily', 'Herald']
    """
    if not outlets:
        return [source] if source else []
    if source is None or source not in outlets:  # named otherwise than its feeds: keep their order
        return list(outlets)
    return [source] + [o for o in outlets if o != source]


def feed_json(feed: FeedView) -> dict[str, Any]:
    return {
        "id": feed.id, "url": feed.url, "name": feed.name, "status": str(feed.status),
        "error_count": feed.error_count, "last_error": feed.last_error, "last_error_kind": feed.last_error_kind,
        "last_poll_at": iso(feed.last_poll_at), "last_success_at": iso(feed.last_success_at),
        "next_poll_at": iso(feed.next_poll_at), "articles": feed.articles, "tags": list(feed.tags),
        "configured_url": feed.configured_url, "active": feed.active,
        "items_per_day": feed.items_per_day, "full_text_rate": feed.full_text_rate,
        "interval": _seconds(feed.interval), "effective_interval": _seconds(feed.effective_interval),
        "interval_reason": feed.interval_reason, "push": feed.push,
        "backlog": feed.backlog,
    }


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def delivery_json(d: DeliveryView, *, channels: Sequence[str] | None = None) -> dict[str, Any]:
    """`attempts` counts every try made; `next_attempt_at` is set while it is
    pending.  With the configured `channels`, `orphaned` says whether its
    channel is missing from the config (it is marked dead after a grace)."""
    return {
        "id": d.id, "key": d.key, "channel": d.channel, "kind": str(d.kind), "status": str(d.status),
        "rule": d.rule, "attempts": d.attempts, "next_attempt_at": iso(d.next_attempt_at),
        "last_error": d.last_error, "created_at": iso(d.created_at), "sent_at": iso(d.sent_at),
        "hit_ids": list(d.hit_ids), "detail": d.detail or "",
        "orphaned": orphaned(d, channels),
    }


def orphaned(d: DeliveryView, channels: Sequence[str] | None) -> bool:
    return channels is not None and d.status == "pending" and d.channel not in channels


def evidence_json(e: Evidence) -> dict[str, Any]:
    return {"term": e.term, "found": e.found, "field": e.field, "start": e.start, "end": e.end, "word": e.word}


def match_json(m: Match) -> dict[str, Any]:
    """A match with its explanation (`match --json`, the rule tester)."""
    return {"rule": m.rule_id, "name": m.rule_name, "terms": list(m.terms), "snippet": m.snippet.marked(),
            "evidence": [evidence_json(e) for e in m.evidence]}


def page(items: list[Any], *, offset: int, limit: int, more: bool) -> dict[str, Any]:
    """The one envelope of every list endpoint of the API."""
    return {"items": items, "offset": offset, "limit": limit, "next_offset": offset + limit if more else None}

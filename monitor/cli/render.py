"""Turning views (HitView, FeedView, ...) into JSON-ready dicts, CSV and tables."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any


def plain(value: Any) -> Any:
    """JSON-ready: datetimes as ISO 8601, tuples as lists, dataclasses as dicts."""
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value


def hit_record(hit) -> dict[str, Any]:
    """The documented shape of a hit in `hits --json` and the API."""
    return {
        "id": hit.id, "rule": hit.rule, "url": hit.url, "title": hit.title, "source": hit.source,
        "published": plain(hit.published), "matched_at": plain(hit.matched_at), "snippet": hit.snippet,
        "terms": list(hit.terms), "rule_name": hit.rule_name, "story_id": hit.story_id, "outlets": list(hit.outlets),
    }


def feed_record(feed) -> dict[str, Any]:
    """The documented shape of a feed in `feeds --json` and /api/feeds (issue 5:
    url, status, error_count, last_error, next_poll_at are relied on)."""
    return {
        "id": feed.id, "url": feed.url, "name": feed.name, "status": feed.status, "error_count": feed.error_count,
        "last_error": feed.last_error, "last_error_kind": feed.last_error_kind,
        "last_poll_at": plain(feed.last_poll_at), "last_success_at": plain(feed.last_success_at),
        "next_poll_at": plain(feed.next_poll_at), "articles": feed.articles, "tags": list(feed.tags),
        "configured_url": feed.configured_url, "active": feed.active,
        "items_per_day": feed.items_per_day, "full_text_rate": feed.full_text_rate,
    }


def dumps(records: Any) -> str:
    return json.dumps(plain(records), ensure_ascii=False, indent=2)


def jsonl(records: Sequence[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(plain(r), ensure_ascii=False) + "\n" for r in records)


def to_csv(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for r in records:
        writer.writerow(["; ".join(map(str, v)) if isinstance(v, (list, tuple)) else ("" if v is None else v)
                         for v in (plain(r.get(c)) for c in columns)])
    return out.getvalue()


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells)


def ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "-"
    secs = int((now - when).total_seconds())
    future = secs < 0
    secs = abs(secs)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            text = f"{secs // size}{unit}"
            break
    else:
        text = f"{secs}s"
    return f"in {text}" if future else f"{text} ago"

"""Turning views (HitView, FeedView, ...) into JSON-ready dicts, CSV and tables."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from monitor.units import format_duration, iso
from monitor.views import feed_json as feed_record, hit_json as hit_record  # noqa: F401  (the shared views)


def plain(value: Any) -> Any:
    """JSON-ready: datetimes as ISO 8601, tuples as lists, dataclasses as dicts."""
    if isinstance(value, datetime):
        return iso(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value


def interval_text(feed) -> str:  # type: ignore[no-untyped-def]
    """The interval polled, and why when it is not the one configured.

    >>> from datetime import timedelta
    >>> from types import SimpleNamespace as F
    >>> interval_text(F(interval=timedelta(minutes=1), effective_interval=timedelta(minutes=4),
    ...                 interval_reason="cache-control"))
    '4m (cache-control; configured 1m)'
    >>> interval_text(F(interval=timedelta(minutes=10), effective_interval=None, interval_reason=None))
    '10m'
    """
    configured = format_duration(feed.interval) if feed.interval else "-"
    effective = feed.effective_interval
    if effective is None or feed.interval_reason in (None, "configured") or effective == feed.interval:
        return configured
    return f"{format_duration(effective)} ({feed.interval_reason}; configured {configured})"


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

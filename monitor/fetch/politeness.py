"""HTTP politeness, as pure functions over headers: what we send (User-Agent,
conditional GET) and what the server asks of us (Retry-After, Cache-Control
max-age, Expires).  No I/O; `now` is passed in.

>>> from datetime import datetime, timezone
>>> now = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> parse_retry_after("120", now)
datetime.timedelta(seconds=120)
>>> parse_retry_after("Thu, 01 Jan 2026 00:10:00 GMT", now)
datetime.timedelta(seconds=600)
>>> parse_max_age({"cache-control": "public, max-age=300"}, now)
datetime.timedelta(seconds=300)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.8"
ACCEPT_ENCODING = "gzip, deflate, br"
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*\"?(\d+)\"?", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\b", re.IGNORECASE)
_MAX_SECONDS = 10 * 365 * 86400  # anything longer is nonsense; clamp rather than overflow
MAX_RETRY_AFTER = timedelta(hours=24)  # the longest wait a server's Retry-After can impose on us


def http_date(value: str) -> datetime | None:
    """An RFC 9110 date ("Thu, 01 Jan 2026 00:10:00 GMT") as aware UTC, or None."""
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


def format_http_date(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=max(0.0, min(float(value), _MAX_SECONDS)))


def parse_retry_after(value: str | None, now: datetime, cap: timedelta = MAX_RETRY_AFTER) -> timedelta | None:
    """Retry-After as seconds or an HTTP date, at most `cap` (24 h); None when
    absent or unreadable.  A date in the past means "now" (zero).  The one
    parser: feed fetches and channel sends (monitor.alerts.retry) use it.

    >>> parse_retry_after("999999999", datetime(2026, 1, 1, tzinfo=timezone.utc))
    datetime.timedelta(days=1)
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(_seconds(int(text)), cap)
    when = http_date(text)
    return None if when is None else min(_seconds((when - now).total_seconds()), cap)


def parse_max_age(headers: Mapping[str, str], now: datetime) -> timedelta | None:
    """Freshness lifetime: Cache-Control max-age (s-maxage too) wins over
    Expires; no-cache/no-store mean none.  `headers` keys are lower-case
    (httpx.Headers is case-insensitive, so it can be passed as is)."""
    cache_control = headers.get("cache-control") or ""
    if _NO_CACHE.search(cache_control):
        return None
    found = _MAX_AGE.findall(cache_control)
    if found:
        return _seconds(max(int(v) for v in found))
    expires = headers.get("expires")
    if expires:
        when = http_date(expires)
        if when is not None:
            return _seconds((when - now).total_seconds())
    return None


def request_headers(*, user_agent: str, accept: str, etag: str | None = None,
                    last_modified: str | None = None,
                    extra: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """Headers for one request: ours first, then the feed's own (which may
    override ours, e.g. a different Accept), then the conditional-GET pair."""
    headers: dict[str, tuple[str, str]] = {}
    for name, value in (("User-Agent", user_agent), ("Accept", accept),
                        ("Accept-Encoding", ACCEPT_ENCODING), *extra):
        headers[name.lower()] = (name, value)
    if etag:
        headers["if-none-match"] = ("If-None-Match", etag)
    if last_modified:
        headers["if-modified-since"] = ("If-Modified-Since", last_modified)
    headers.pop("host", None)  # the fetcher sets Host itself (it pins resolved addresses)
    headers["accept-encoding"] = ("Accept-Encoding", ACCEPT_ENCODING)  # only what we can cap
    return list(headers.values())

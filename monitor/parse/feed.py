"""Feed bytes -> ParsedFeed: feedparser on a byte stream, hostile input refused.

`parse_feed` never raises: every problem is a ParsedFeed with `error` and
`error_kind` ("empty", "dtd", "encoding", "too-complex", "not-a-feed",
"parse-error"), or a `warning` when something usable came through (a bozo
feed keeps what was parsed).  It is pure and unbounded by itself: the daemon
runs it in worker processes with a CPU deadline and a memory cap
(monitor.parse.pool.FeedParser).

Before feedparser sees a byte, the document is decoded the way feedparser
would decode it and checked on the decoded text (monitor.parse.prolog: no
DTD, no encoding that hides ASCII), the items past `max_entries` are cut,
and its markup is held to caps (monitor.parse.limits: attributes per
element, nesting depth, tags, text size); feedparser then reads exactly the
UTF-8 that was checked.

Entry identity is monitor.parse.entries' (feedparser resolves a relative
GUID/id against the feed URL, e.g. RSS `<guid>123</guid>`, whose isPermaLink
defaults to true: keys stay stable as long as the feed URL does;
canonical-URL dedup covers a moved feed).
Feeds over `max_entries` items are cut before parsing (feedparser spends
~0.5 ms an item), keeping a 10 % margin for duplicate keys.
Dates are reported as the feed says, even in the future: the pipeline, which
owns a clock, decides what to do with them.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import feedparser

from monitor.parse.discovery import looks_like_html, web_page
from monitor.parse.entries import (
    MAX_ENTRIES,
    entry_key,
    first_of_each,
    resolve_link,
    struct_to_utc,
)
from monitor.parse.htmltext import html_to_text, plain_paragraphs, squash
from monitor.parse.jsonfeed import parse_json_feed
from monitor.parse.limits import structure_problem
from monitor.parse.prolog import decode_feed
from monitor.types import Entry, ParsedFeed

log = logging.getLogger(__name__)

_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")


def parse_feed(body: bytes, *, url: str, content_type: str = "",
               max_entries: int = MAX_ENTRIES) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes fetched from `url`."""
    try:
        return _parse(body, url=url, content_type=content_type, max_entries=max_entries)
    except MemoryError:
        raise  # past the worker's memory cap: its pool reports it (too-complex)
    except Exception as exc:  # a parser bug must not stop the poll of every other feed
        log.exception("parse_feed(%s) failed", url)
        return ParsedFeed((), error=f"could not parse the feed: {type(exc).__name__}: {exc}",
                          error_kind="parse-error")


def _parse(body: bytes, *, url: str, content_type: str, max_entries: int) -> ParsedFeed:
    if not body.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
        return ParsedFeed((), error="the feed body is empty", error_kind="empty")
    if _looks_like_json(body, content_type):
        return parse_json_feed(body, url=url, max_entries=max_entries)
    decoded = decode_feed(body, content_type)
    if decoded.refusal:
        kind, message = decoded.refusal
        return ParsedFeed((), error=message, error_kind=kind)
    data, total = _cut_items(decoded.data, max_entries + max_entries // 10 + 10)  # a margin for duplicates
    problem = structure_problem(data)
    if problem:
        return ParsedFeed((), error=f"{problem}; refused", error_kind="too-complex")
    headers = {"content-type": "application/xml; charset=utf-8"}  # what decode_feed made of it
    if urlsplit(url).scheme in ("http", "https"):
        headers["content-location"] = url  # feedparser mangles file:/// bases: we resolve those
    result = feedparser.parse(io.BytesIO(data), response_headers=headers,
                              sanitize_html=False, resolve_relative_uris=False)
    raw = list(result.get("entries", []))
    title = _text_of(result.feed.get("title_detail")) or str(result.feed.get("title", ""))
    ttl = _ttl(result.feed.get("ttl"))
    hub, self_url = _rel_link(result.feed, "hub"), _rel_link(result.feed, "self")
    bozo = _bozo_text(result.get("bozo_exception")) if result.get("bozo") else decoded.warning
    if not raw:
        if not result.get("version") and looks_like_html(body, content_type):
            return web_page(body, url)
        if not result.get("version"):
            return ParsedFeed((), error=f"the body is not RSS, Atom or JSON Feed ({bozo or 'no feed element'})",
                              error_kind="not-a-feed")
        return ParsedFeed((), title=title, ttl=ttl, warning=bozo, hub=hub, self_url=self_url)
    entries, notes = _select(raw, url, max_entries, total)
    warning = "; ".join(n for n in (bozo, *notes) if n) or None
    return ParsedFeed(tuple(entries), title=title, ttl=ttl, warning=warning, hub=hub, self_url=self_url)


def _rel_link(feed: Any, rel: str) -> str | None:
    """The first <link rel=...> of the feed (Atom, or atom:link in RSS): WebSub's hub and self."""
    for link in feed.get("links") or ():
        if str(link.get("rel", "")).lower() == rel and link.get("href"):
            return str(link["href"])[:2000]
    return None


def _cut_items(body: bytes, keep: int) -> tuple[bytes, int]:
    """Drop the items after the first `keep` before feedparser spends ~0.5 ms
    on each (10,000 items: 5 s).  Returns the body and how many items it had
    (0 when not cut).  The cut runs from the start of item keep+1 to the end
    of the last item, so the XML stays well-formed."""
    starts = [m.start() for m in _ITEM_START.finditer(body)]
    if len(starts) <= keep:
        return body, 0
    ends = list(_ITEM_END.finditer(body, starts[keep]))
    if not ends:
        return body, 0
    return body[:starts[keep]] + body[ends[-1].end():], len(starts)


def _select(raw: list[Any], url: str, max_entries: int, total: int = 0) -> tuple[list[Entry], list[str]]:
    """First entry per key, the first `max_entries` of them in feed order;
    `total` is how many items the feed had when _cut_items cut it."""
    def keyed(item: Any) -> tuple[str, str]:
        link = resolve_link(url, str(item.get("link") or ""))
        return entry_key(str(item.get("id") or ""), link, str(item.get("title") or ""),
                         str(item.get("summary") or "")), link

    return first_of_each(raw, keyed, _entry, max_entries, total=total, what="a GUID/link")


def _entry(item: Any, key: str, link: str) -> Entry:
    bodies = [c for c in item.get("content", []) if c.get("value")]
    if item.get("summary_detail") and item["summary_detail"].get("value"):
        bodies.append(item["summary_detail"])
    longest = max(bodies, key=lambda c: len(c.get("value", "")), default=None)
    return Entry(
        key=key,
        link=link,
        title=_text_of(item.get("title_detail")) or squash(str(item.get("title") or "")),
        summary=_text_of(longest),
        # dict.get: FeedParserDict's own get() warns when it maps updated_parsed to published_parsed
        published=struct_to_utc(dict.get(item, "published_parsed") or dict.get(item, "updated_parsed")),
        author=squash(str(item.get("author") or ""))[:200],
    )


def _text_of(detail: Any) -> str:
    if not detail or not detail.get("value"):
        return ""
    value = str(detail["value"])
    if "html" in str(detail.get("type") or "text/html"):
        return html_to_text(value)
    return plain_paragraphs(value)


def _ttl(value: Any) -> timedelta | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return timedelta(minutes=minutes) if 0 < minutes <= 10 * 24 * 60 else None


def _bozo_text(exc: Any) -> str:
    text = f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(exc)
    return text if len(text) <= 200 else text[:197] + "..."


def _looks_like_json(body: bytes, content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media in ("application/feed+json", "application/json") or \
        body.lstrip(b" \t\r\n\xef\xbb\xbf").startswith(b"{")



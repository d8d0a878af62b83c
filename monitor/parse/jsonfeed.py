"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) -> ParsedFeed.

feedparser does not read JSON Feed.  Same rules as parse.py: never raises,
first entry per key wins, at most `max_entries`, HTML turned into text.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from monitor.parse.entries import MAX_ENTRIES, entry_key, first_of_each, resolve_link
from monitor.parse.htmltext import html_to_text, plain_paragraphs
from monitor.types import Entry, ParsedFeed

MAX_JSON_BYTES = 50_000_000


def parse_json_feed(body: bytes, *, url: str, max_entries: int = MAX_ENTRIES) -> ParsedFeed:
    if len(body) > MAX_JSON_BYTES:
        return ParsedFeed((), error=f"the JSON feed is larger than {MAX_JSON_BYTES} bytes",
                          error_kind="too-large")
    try:
        doc = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        return ParsedFeed((), error=f"the body is not valid JSON ({exc})", error_kind="not-a-feed")
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/"):
        return ParsedFeed((), error="the body is JSON but not a JSON Feed (no \"version\": "
                          "\"https://jsonfeed.org/version/1.1\")", error_kind="not-a-feed")
    items = listed if isinstance(listed := doc.get("items"), list) else []
    base = resolve_link(url, _str(doc.get("feed_url"))) or url

    def keyed(item: dict[str, Any]) -> tuple[str, str]:
        link = resolve_link(base, _str(item.get("url")) or _str(item.get("external_url")))
        return entry_key(_str(item.get("id")), link, _str(item.get("title")),
                         _str(item.get("content_html")) or _str(item.get("content_text"))), link

    entries, notes = first_of_each([i for i in items if isinstance(i, dict)], keyed, _entry, max_entries,
                                   what="an id")
    hubs = [h for h in doc.get("hubs") or () if isinstance(h, dict)] if isinstance(doc.get("hubs"), list) else []
    hub = next((_str(h.get("url")) for h in hubs if _str(h.get("type")).lower() == "websub"), None)
    return ParsedFeed(tuple(entries), title=" ".join(_str(doc.get("title")).split()),
                      warning="; ".join(notes) or None, hub=hub or None,
                      self_url=resolve_link(url, _str(doc.get("feed_url"))) or None)


def _entry(item: dict[str, Any], key: str, link: str) -> Entry:
    html_body, text_body = _str(item.get("content_html")), _str(item.get("content_text"))
    summary = html_to_text(html_body) if len(html_body) >= len(text_body) else plain_paragraphs(text_body)
    if not summary:
        summary = plain_paragraphs(_str(item.get("summary")))
    authors = listed if isinstance(listed := item.get("authors"), list) else [item.get("author")]
    names = [_str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
    return Entry(
        key=key,
        link=link,
        title=" ".join(_str(item.get("title")).split()),
        summary=summary,
        published=_date(item.get("date_published")) or _date(item.get("date_modified")),
        author=", ".join(names)[:200],
    )


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: Any) -> datetime | None:
    """RFC 3339 as JSON Feed requires; naive times are taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)

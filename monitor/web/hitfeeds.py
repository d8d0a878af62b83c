"""Hits as feeds a reader subscribes to: Atom 1.0 (RFC 4287) and JSON Feed
1.1, rendered from HitViews (pure).  Each entry: the article's title and
link, its source (outlet) as the author, the snippet with the matched terms
in bold, and each matched term as a category / tag."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any
from xml.etree import ElementTree as ET

from monitor.types import HitView
from monitor.units import iso

ATOM = "http://www.w3.org/2005/Atom"
JSON_FEED = "https://jsonfeed.org/version/1.1"
LIMIT = 50  # newest hits in a feed
_MARK = re.compile(r"\*\*(.+?)\*\*")


def snippet_html(snippet: str) -> str:
    """`**marked**` words in bold, everything else escaped.

    >>> snippet_html("a **<envoy>** b")
    'a <b>&lt;envoy&gt;</b> b'
    """
    return _MARK.sub(lambda m: f"<b>{m.group(1)}</b>", html.escape(snippet, quote=False))


def _plain(snippet: str) -> str:
    return _MARK.sub(lambda m: m.group(1), snippet)


def _when(hit: HitView) -> datetime:
    return hit.matched_at.astimezone(timezone.utc)


def _content(hit: HitView) -> str:
    outlets = ", ".join(hit.outlets) or hit.source
    return (f"<p>{snippet_html(hit.snippet)}</p><p>Source: {html.escape(outlets)}<br/>"
            f"Rule: {html.escape(hit.rule_name or hit.rule)}<br/>"
            f"Matched: {html.escape(', '.join(hit.terms))}</p>")


def atom(hits: Sequence[HitView], *, title: str, self_url: str, feed_id: str, now: datetime) -> bytes:
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "updated", iso(max((_when(h) for h in hits), default=now)))
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(sub(feed, "author"), "name", "news-monitor")
    sub(feed, "generator", "news-monitor")
    for hit in hits:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:news-monitor:hit:{hit.id}")
        sub(entry, "title", hit.title or hit.url)
        sub(entry, "link", rel="alternate", href=hit.url)
        sub(entry, "updated", iso(_when(hit)))
        if hit.published:
            sub(entry, "published", iso(hit.published))
        sub(sub(entry, "author"), "name", hit.source or "unknown source")
        for term in hit.terms:
            sub(entry, "category", term=term, label=f"matched: {term}")
        sub(entry, "category", term=f"rule:{hit.rule}", label=hit.rule_name or hit.rule)
        sub(entry, "summary", _plain(hit.snippet), type="text")
        sub(entry, "content", _content(hit), type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


def json_feed(hits: Sequence[HitView], *, title: str, self_url: str, home: str) -> dict[str, Any]:
    return {
        "version": JSON_FEED, "title": title, "home_page_url": home, "feed_url": self_url,
        "authors": [{"name": "news-monitor"}],
        "items": [{
            "id": f"urn:news-monitor:hit:{hit.id}", "url": hit.url, "title": hit.title or hit.url,
            "content_html": _content(hit), "summary": _plain(hit.snippet),
            "date_published": iso(hit.published or hit.matched_at),
            "date_modified": iso(_when(hit)), "authors": [{"name": hit.source or "unknown source"}],
            "tags": list(hit.terms),
            "_news_monitor": {"hit": hit.id, "rule": hit.rule, "rule_name": hit.rule_name, "source": hit.source,
                              "terms": list(hit.terms), "snippet": hit.snippet, "outlets": list(hit.outlets)},
        } for hit in hits],
    }

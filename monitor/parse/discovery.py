"""Web pages given as feeds: recognise them, and find the feeds they name
(`<link rel="alternate" type="application/rss+xml">`)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from monitor.parse.entries import resolve_link
from monitor.types import ParsedFeed

_HTML_HEAD = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/rdf+xml", "application/json", "text/xml", "application/xml")


def looks_like_html(body: bytes, content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media in ("text/html", "application/xhtml+xml") or bool(_HTML_HEAD.search(body[:4096]))


def web_page(body: bytes, url: str) -> ParsedFeed:
    feeds = feed_links(body, url)
    where = f"; its feed is at {feeds[0]}" if feeds else ", and it names no feed"
    more = f" (also: {', '.join(feeds[1:3])})" if len(feeds) > 1 else ""
    return ParsedFeed((), error=f"this is a web page, not a feed{where}{more}", error_kind="not-a-feed")


def feed_links(page: bytes, url: str) -> list[str]:
    """Absolute URLs of the feeds a web page names in <link rel="alternate">."""
    try:
        root = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    base_el = root.find(".//base[@href]")
    base = urljoin(url, base_el.get("href", "").strip()) if base_el is not None else url
    found: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        media = (link.get("type") or "").split(";")[0].strip().lower()
        href = resolve_link(base, link.get("href") or "")
        if "alternate" in rel and media in FEED_TYPES and href and href not in found:
            found.append(href)
    return found

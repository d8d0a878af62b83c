"""Feed bytes -> ParsedFeed: feedparser on a byte stream, hostile input refused.

`parse_feed` never raises: every problem is a ParsedFeed with `error` and
`error_kind` ("empty", "dtd", "not-a-feed", "parse-error"), or a `warning`
when something usable came through (a bozo feed keeps what was parsed).

Entry identity (`Entry.key`): the GUID/Atom id, else the link, else
"sha256:" + hash of title and summary.  The first entry with a key wins.
(feedparser resolves a relative GUID/id against the feed URL, e.g. RSS
`<guid>123</guid>`, whose isPermaLink defaults to true: keys stay stable as
long as the feed URL does; canonical-URL dedup covers a moved feed.)
Feeds over `max_entries` items are cut before parsing (feedparser spends
~0.5 ms an item), keeping a 10 % margin for duplicate keys.
Dates are reported as the feed says, even in the future: the pipeline, which
owns a clock, decides what to do with them.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import posixpath
import re
import time
from datetime import datetime, timedelta, timezone
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree

from monitor.types import Entry, ParsedFeed

log = logging.getLogger(__name__)

MAX_ENTRIES = 1000
MAX_KEY_CHARS = 512  # longer GUIDs are hashed
# Entity declarations are how "billion laughs" and the quadratic blowup work;
# feeds never need them.  Checked before feedparser sees a byte.
_ENTITY_DECL = re.compile(rb"<!ENTITY|<!DOCTYPE[^>]*\[", re.IGNORECASE)
_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
_HTML_HEAD = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
               "application/rdf+xml", "application/json", "text/xml", "application/xml")
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "section", "article", "header", "footer", "aside",
    "figure", "figcaption", "hr", "address", "details", "summary", "main", "nav",
})
_DROPPED_TAGS = ("head", "script", "style", "noscript", "template", "iframe", "object",
                 "svg", "select", "button", "form")
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\xa0]*\n")


def parse_feed(body: bytes, *, url: str, content_type: str = "",
               max_entries: int = MAX_ENTRIES) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes fetched from `url`."""
    try:
        return _parse(body, url=url, content_type=content_type, max_entries=max_entries)
    except Exception as exc:  # a parser bug must not stop the poll of every other feed
        log.exception("parse_feed(%s) failed", url)
        return ParsedFeed((), error=f"could not parse the feed: {type(exc).__name__}: {exc}",
                          error_kind="parse-error")


def _parse(body: bytes, *, url: str, content_type: str, max_entries: int) -> ParsedFeed:
    if not body.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
        return ParsedFeed((), error="the feed body is empty", error_kind="empty")
    if _looks_like_json(body, content_type):
        from monitor.fetch.jsonfeed import parse_json_feed  # jsonfeed imports helpers from here

        return parse_json_feed(body, url=url, max_entries=max_entries)
    scanned = body.replace(b"\x00", b"") if b"\x00" in body[:1024] else body  # UTF-16/32
    if _ENTITY_DECL.search(scanned):
        return ParsedFeed((), error="the feed declares XML entities (<!DOCTYPE ... [ or <!ENTITY); "
                          "refused, as real feeds never need them and they are how entity-expansion "
                          "attacks work", error_kind="dtd")
    # No Content-Type (file://, careless servers): application/xml lets the XML
    # declaration or BOM name the charset, without a NonXMLContentType warning.
    headers = {"content-type": content_type or "application/xml"}
    if urlsplit(url).scheme in ("http", "https"):
        headers["content-location"] = url  # feedparser mangles file:/// bases: we resolve those
    body, total = _cut_items(body, max_entries + max_entries // 10 + 10)  # a margin for duplicates
    result = feedparser.parse(io.BytesIO(body), response_headers=headers,
                              sanitize_html=False, resolve_relative_uris=False)
    raw = list(result.get("entries", []))
    title = _text_of(result.feed.get("title_detail")) or str(result.feed.get("title", ""))
    ttl = _ttl(result.feed.get("ttl"))
    bozo = _bozo_text(result.get("bozo_exception")) if result.get("bozo") else None
    if not raw:
        if not result.get("version") and _looks_like_html(body, content_type):
            return _web_page(body, url)
        if not result.get("version"):
            return ParsedFeed((), error=f"the body is not RSS, Atom or JSON Feed ({bozo or 'no feed element'})",
                              error_kind="not-a-feed")
        return ParsedFeed((), title=title, ttl=ttl, warning=bozo)
    entries, notes = _select(raw, url, max_entries, total)
    warning = "; ".join(n for n in (bozo, *notes) if n) or None
    return ParsedFeed(tuple(entries), title=title, ttl=ttl, warning=warning)


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


def first_of_each(items: Iterable[Any], keyed: Callable[[Any], tuple[str, str]],
                  make: Callable[[Any, str, str], Entry], max_entries: int, *, total: int = 0,
                  what: str) -> tuple[list[Entry], list[str]]:
    """The first item per key (keyed(item) -> (key, link)), the first
    `max_entries` of them in feed order, made into Entries; plus notes on
    repeated keys and dropped items for the feed's warning (any format)."""
    seen: set[str] = set()
    entries: list[Entry] = []
    duplicates = 0
    for item in items:
        key, link = keyed(item)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        if len(entries) < max_entries:
            entries.append(make(item, key, link))
    notes = []
    if duplicates:
        notes.append(f"{duplicates} entries repeated {what} already seen; kept the first of each")
    total = max(total, len(seen))
    if total > max_entries:
        notes.append(f"the feed has {total} entries; kept the first {max_entries}, "
                     f"dropped {total - max_entries}")
    return entries, notes


def _entry(item: Any, key: str, link: str) -> Entry:
    bodies = [c for c in item.get("content", []) if c.get("value")]
    if item.get("summary_detail") and item["summary_detail"].get("value"):
        bodies.append(item["summary_detail"])
    longest = max(bodies, key=lambda c: len(c.get("value", "")), default=None)
    return Entry(
        key=key,
        link=link,
        title=_text_of(item.get("title_detail")) or _squash(str(item.get("title") or "")),
        summary=_text_of(longest),
        # dict.get: FeedParserDict's own get() warns when it maps updated_parsed to published_parsed
        published=struct_to_utc(dict.get(item, "published_parsed") or dict.get(item, "updated_parsed")),
        author=_squash(str(item.get("author") or ""))[:200],
    )


def entry_key(guid: str, link: str, title: str, summary: str) -> str:
    guid = guid.strip()
    if guid:
        return guid if len(guid) <= MAX_KEY_CHARS else "sha256:" + _sha256(guid)
    if link:
        return link if len(link) <= MAX_KEY_CHARS else "sha256:" + _sha256(link)
    return "sha256:" + _sha256(f"{title}\n{summary}")


def resolve_link(base: str, link: str) -> str:
    """Absolute link, or "" when it is missing or of a scheme an article cannot
    have (javascript:, data:, and file: unless the feed itself is a file)."""
    link = link.strip()
    if not link:
        return ""
    base_scheme = urlsplit(base).scheme.lower()
    if base_scheme == "file" and not base.lower().startswith("file:/") and ":" not in link.split("/")[0]:
        # a relative file URL ("file:../seeds/feed.xml"): join the paths ourselves
        return "file:" + posixpath.normpath(posixpath.join(posixpath.dirname(base[5:]), link))
    absolute = urljoin(base, link)
    scheme = urlsplit(absolute).scheme.lower()
    allowed = ("http", "https", "file") if base_scheme == "file" else ("http", "https")
    return absolute if scheme in allowed else ""


def struct_to_utc(value: time.struct_time | None) -> datetime | None:
    """feedparser's *_parsed values are UTC struct_times."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, paragraphs separated by a blank line."""
    if "<" not in markup:
        return plain_paragraphs(html.unescape(markup))
    cleaned = _XML_INCOMPATIBLE.sub("", markup)
    if not cleaned.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(cleaned)
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(root, *_DROPPED_TAGS, with_tail=False)
    pieces: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event in ("comment", "pi"):
            pieces.append(element.tail or "")
        elif event == "start":
            pieces.append("\n\n" if tag in _BLOCK_TAGS else "\n" if tag == "br" else "")
            if tag and element.text:
                pieces.append(element.text)
        else:
            if tag in _BLOCK_TAGS:
                pieces.append("\n\n")
            if element is not root and element.tail:
                pieces.append(element.tail)
    return plain_paragraphs("".join(pieces))


def plain_paragraphs(text: str) -> str:
    """Whitespace squashed inside paragraphs; paragraphs joined by "\\n\\n"."""
    paragraphs = (_squash(p) for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _text_of(detail: Any) -> str:
    if not detail or not detail.get("value"):
        return ""
    value = str(detail["value"])
    if "html" in str(detail.get("type") or "text/html"):
        return html_to_text(value)
    return plain_paragraphs(value)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


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


def _looks_like_html(body: bytes, content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media in ("text/html", "application/xhtml+xml") or bool(_HTML_HEAD.search(body[:4096]))


def _web_page(body: bytes, url: str) -> ParsedFeed:
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
        if "alternate" in rel and media in _FEED_TYPES and href and href not in found:
            found.append(href)
    return found

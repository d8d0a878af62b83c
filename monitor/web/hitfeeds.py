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

from lxml import etree
from lxml.builder import ElementMaker

from monitor.types import HitView
from monitor.units import iso

ATOM = "http://www.w3.org/2005/Atom"
JSON_FEED = "https://jsonfeed.org/version/1.1"
LIMIT = 50  # newest hits in a feed
_MARK = re.compile(r"\*\*(.+?)\*\*")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text XML 1.0 can carry (a feed's control characters dropped).

    >>> xml_text("a\x0bb")
    'ab'
    """
    return _NOT_XML.sub("", value)


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


class _SafeMaker:
    """lxml's ElementMaker with every text and attribute made XML-safe."""

    def __init__(self, maker: ElementMaker) -> None:
        self._maker = maker

    def __getattr__(self, tag: str):  # type: ignore[no-untyped-def]
        make = getattr(self._maker, tag)
        return lambda *parts, **attrs: make(*(xml_text(p) if isinstance(p, str) else p for p in parts),
                                            **{k: xml_text(v) for k, v in attrs.items()})


def atom(hits: Sequence[HitView], *, title: str, self_url: str, feed_id: str, now: datetime) -> bytes:
    E = _SafeMaker(ElementMaker(namespace=ATOM, nsmap={None: ATOM}))

    def entry(hit: HitView):  # type: ignore[no-untyped-def]
        parts = [E.id(f"urn:news-monitor:hit:{hit.id}"), E.title(hit.title or hit.url),
                 E.link(rel="alternate", href=hit.url), E.updated(iso(_when(hit)))]
        if hit.published:
            parts.append(E.published(iso(hit.published)))
        parts.append(E.author(E.name(hit.source or "unknown source")))
        parts += [E.category(term=term, label=f"matched: {term}") for term in hit.terms]
        parts += [E.category(term=f"rule:{hit.rule}", label=hit.rule_name or hit.rule),
                  E.summary(_plain(hit.snippet), type="text"), E.content(_content(hit), type="html")]
        return E.entry(*parts)

    feed = E.feed(E.id(feed_id), E.title(title), E.updated(iso(max((_when(h) for h in hits), default=now))),
                  E.link(rel="self", href=self_url, type="application/atom+xml"),
                  E.author(E.name("news-monitor")), E.generator("news-monitor"), *(entry(h) for h in hits))
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8")


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

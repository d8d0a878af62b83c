"""OPML 2.0 feed lists: read (import) and write (export), pure.

    >>> text = render_opml([("Wire", "https://example.com/rss", ("world", "wire"))], title="feeds")
    >>> parse_opml(text.encode())
    [OpmlFeed(url='https://example.com/rss', name='Wire', tags=('world', 'wire'))]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from lxml import etree


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    name: str
    tags: tuple[str, ...] = ()


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Every outline with an xmlUrl, its tags from its `category` attribute
    (comma-separated, `/a/b` paths split) and the text of the outlines it is
    nested in (folders).  ValueError for a document that is not OPML."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not valid XML: {exc}") from None
    if root.tag.lower() != "opml":
        raise ValueError(f"not an OPML document (the root element is <{root.tag}>, expected <opml>)")
    found: list[OpmlFeed] = []
    seen: set[str] = set()

    def walk(node, folders: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
        for child in node:
            if not isinstance(child.tag, str) or child.tag.lower() != "outline":
                continue
            url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
            label = (child.get("title") or child.get("text") or "").strip()
            if url:
                tags = list(folders)
                for part in (child.get("category") or "").split(","):
                    tags += [t for t in part.strip().strip("/").split("/") if t]
                if url not in seen:
                    seen.add(url)
                    found.append(OpmlFeed(url=url, name=label or url, tags=tuple(dict.fromkeys(tags))))
            walk(child, folders + ((label,) if label and not url else ()))

    body = root.find("body")
    walk(body if body is not None else root, ())
    return found


def render_opml(feeds: Iterable[tuple[str, str, tuple[str, ...]]], *, title: str) -> str:
    """(name, url, tags) per feed, as an OPML 2.0 document (tags as `category`)."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<opml version="2.0">',
             f"  <head><title>{_text(title)}</title></head>", "  <body>"]
    for name, url, tags in feeds:
        category = f" category={quoteattr(','.join(tags))}" if tags else ""
        lines.append(f'    <outline type="rss" text={quoteattr(name)} title={quoteattr(name)} '
                     f"xmlUrl={quoteattr(url)}{category}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

"""HTML fragments (a feed's summary or content) -> plain text with paragraphs
kept apart by blank lines, so PARAGRAPH(...) scopes work on feed text too."""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "section", "article", "header", "footer", "aside",
    "figure", "figcaption", "hr", "address", "details", "summary", "main", "nav",
})
_DROPPED_TAGS = ("head", "script", "style", "noscript", "template", "iframe", "object",
                 "svg", "select", "button", "form")
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\xa0]*\n")


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
    paragraphs = (squash(p) for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def squash(text: str) -> str:
    return " ".join(text.split())

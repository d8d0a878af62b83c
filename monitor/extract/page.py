"""One page -> its article (trafilatura), or None when there is nothing
article-like.  Runs in the extraction workers (monitor.extract.pool)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from monitor.extract.decode import decode_html
from monitor.extract.lang import detect_language

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 200  # less is a teaser, a paywall or not an article


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str  # paragraphs separated by "\n\n"
    lang: str  # ISO 639-1, "" when unknown
    pagetype: str | None  # trafilatura's guess: "article", "website", ... or None


def extract_html(html: str, url: str = "") -> Extracted | None:
    """The article in a page, or None when there is nothing article-like."""
    import trafilatura  # slow to import; loaded in the worker processes only
    from trafilatura.settings import Document

    if not html.strip():
        return None
    try:
        doc = trafilatura.bare_extraction(
            html, url=url or None, favor_precision=True, include_comments=False,
            include_tables=True, deduplicate=False, with_metadata=True)
    except Exception as exc:  # trafilatura on hostile markup: no text, not a crash
        log.warning("trafilatura failed on %s: %s: %s", url or "a page", type(exc).__name__, exc)
        return None
    if not isinstance(doc, Document) or doc.body is None:  # None, or a dict only with as_dict=True
        return None
    title = " ".join(str(doc.title or "").split())
    text = _paragraphs(doc.body)
    if title and text.startswith(title + "\n\n"):
        text = text[len(title) + 2:]  # the headline is the title, not the first paragraph
    if len(text) < MIN_TEXT_CHARS:
        return None
    return Extracted(title=title, text=text, lang=detect_language(text), pagetype=doc.pagetype or None)


def _paragraphs(body: Any) -> str:
    """trafilatura's XML body -> paragraphs joined by a blank line (its own
    text output joins them with a single newline)."""
    out: list[str] = []
    for block in body:
        parts = block.findall("item") if block.tag == "list" else \
            block.findall(".//row") if block.tag == "table" else [block]
        for part in parts:
            words = " ".join(" ".join(t.split()) for t in part.itertext(with_tail=False) if t.strip()) \
                if isinstance(part.tag, str) else ""
            if words:
                out.append(words)
    return "\n\n".join(out)


def extract_page(body: bytes, url: str = "", content_type: str = "") -> Extracted | None:
    """Decode then extract: what a worker process runs."""
    try:
        return extract_html(decode_html(body, content_type), url)
    except Exception as exc:
        log.warning("extraction of %s failed: %s: %s", url or "a page", type(exc).__name__, exc)
        return None

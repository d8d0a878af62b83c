"""The "test a rule" action shared by the API and the status page."""

from __future__ import annotations

from typing import Any

from monitor.types import Document, RuleSpec


async def run_rule_test(app, *, query: str | None, rule: str | None = None, text: str | None = None,
                        title: str = "", url: str | None = None) -> dict[str, Any]:
    """Compile `query` (or take configured `rule`), get the document, match, explain.

    Raises RuleError for a bad query and ValueError for bad input."""
    from monitor.rules import compile_rules

    if rule:
        spec = app.config.ruleset.get(rule)
        if spec is None:
            raise ValueError(f"no rule {rule!r}; rules: {', '.join(r.id for r in app.config.rules)}")
    elif query and query.strip():
        spec = RuleSpec(id="test", name="rule tester", query=query.strip())
    else:
        raise ValueError("give a query or a rule id")
    ruleset = compile_rules([spec], app.config.aliases, check_examples=False)
    doc, fetched = await _document(app, text=text, title=title, url=url)
    matches = ruleset.match(doc)
    why = ruleset.why_not(doc, spec.id)
    return {
        "query": spec.query, "rule": spec.id if rule else None, "matched": bool(matches),
        "title": doc.title, "lang": doc.lang, "source": fetched,
        "matches": [{"rule": m.rule_id, "name": m.rule_name, "terms": list(m.terms), "snippet": m.snippet.marked(),
                     "evidence": [{"term": e.term, "found": e.found, "field": e.field, "start": e.start,
                                   "end": e.end, "word": e.word} for e in m.evidence]} for m in matches],
        "why_not": why.to_dict(), "why_not_text": why.text(),
    }


async def _document(app, *, text: str | None, title: str, url: str | None) -> tuple[Document, str]:
    from monitor.fetch.lang import detect_language

    if url:
        page = await app.fetcher.fetch_page(url)
        if page.error:
            raise ValueError(f"{url}: {page.error}")
        extracted = await app.extractor.extract(page.body, url=page.url, content_type=page.content_type)
        if extracted is None:
            raise ValueError(f"{url}: no article text could be extracted")
        return Document(title=title or extracted.title, text=extracted.text, url=page.url,
                        lang=extracted.lang or detect_language(extracted.text)), "url"
    if not (text or title):
        raise ValueError("give the text (or a url) to test against")
    body = text or ""
    return Document(title=title, text=body, lang=detect_language(f"{title}\n{body}")), "text"

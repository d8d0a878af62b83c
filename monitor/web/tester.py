"""The "test a rule" action shared by the API and the status page.

Every part of it is bounded: the pasted text is at most
monitor.rules.MAX_DOCUMENT_CHARS characters (the HTTP layer refuses bigger
bodies before reading them: monitor.web.bodylimit), matching and the
why-not report each run on a CPU thread under poll.match_deadline (a
MatchTimeout past it), a URL is fetched by the SSRF-guarded fetcher and
extracted in the worker pool with their deadlines.
"""

from __future__ import annotations

import time
from typing import Any

from monitor.runtime.snapshot import Snapshot
from monitor.runtime.threads import Threads
from monitor.types import Document, RuleSpec
from monitor.views import match_json


async def run_rule_test(snap: Snapshot, threads: Threads, *, query: str | None, rule: str | None = None,
                        text: str | None = None, title: str = "", url: str | None = None) -> dict[str, Any]:
    """Compile `query` (or take configured `rule`), get the document, match,
    explain; the CPU work runs off the event loop.

    Raises RuleError for a bad query, ValueError for bad input and
    MatchTimeout when matching passes poll.match_deadline."""
    from monitor.rules import MAX_DOCUMENT_CHARS, compile_rules

    if text and len(text) + len(title) > MAX_DOCUMENT_CHARS:
        raise ValueError(f"the text is {len(text) + len(title):,} characters; the rule tester takes at most "
                         f"{MAX_DOCUMENT_CHARS:,}")

    if rule:
        spec = snap.rule(rule)
        if spec is None:
            raise ValueError(f"no rule {rule!r}; rules: {', '.join(r.id for r in snap.config.rules)}")
    elif query and query.strip():
        spec = RuleSpec(id="test", name="rule tester", query=query.strip())
    else:
        raise ValueError("give a query or a rule id")
    ruleset = await threads.cpu(compile_rules, [spec], snap.config.aliases, check_examples=False)
    doc, fetched = await _document(snap, threads, text=text, title=title, url=url)
    budget = snap.poll.match_deadline
    # each deadline starts when its thread does, not while it waits for one
    matches = await threads.cpu(lambda: ruleset.match(doc, deadline=time.monotonic() + budget))
    why = await threads.cpu(lambda: ruleset.why_not(doc, spec.id, deadline=time.monotonic() + budget))
    return {
        "query": spec.query, "rule": spec.id if rule else None, "matched": bool(matches),
        "title": doc.title, "lang": doc.lang, "source": fetched,
        "matches": [match_json(m) for m in matches],
        "why_not": why.to_dict(), "why_not_text": why.text(),
    }


async def _document(snap: Snapshot, threads: Threads, *, text: str | None, title: str,
                    url: str | None) -> tuple[Document, str]:
    from monitor.extract.lang import detect_language

    if url:
        page = await snap.fetcher.fetch_page(url)
        if page.error:
            raise ValueError(f"{url}: {page.error}")
        extracted = await snap.extractor.extract(page.body, url=page.url, content_type=page.content_type)
        if extracted is None:
            raise ValueError(f"{url}: no article text could be extracted")
        lang = extracted.lang or await threads.cpu(detect_language, extracted.text)
        return Document(title=title or extracted.title, text=extracted.text, url=page.url, lang=lang), "url"
    if not (text or title):
        raise ValueError("give the text (or a url) to test against")
    body = text or ""
    return Document(title=title, text=body, lang=await threads.cpu(detect_language, f"{title}\n{body}")), "text"


def timed_out(exc: Exception, budget: float) -> str:
    """What the tester says when matching passed its deadline."""
    return (f"matching timed out after {budget:g}s (poll.match_deadline): the text is too long or the query "
            "too costly for it; the daemon records such an article without hits")


async def tester_result(snap: Snapshot, threads: Threads, form: dict[str, Any], *,
                    rule: str | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """The rule tester's form (a draft `query`, or the configured `rule`) as
    the pages show it: (result, None), or (None, what was wrong)."""
    from monitor.errors import MatchTimeout, RuleError

    try:
        return await run_rule_test(snap, threads, query=None if rule else form.get("query"), rule=rule,
                                   text=form.get("text"), title=form.get("title", ""),
                                   url=form.get("url") or None), None
    except RuleError as exc:
        return None, "\n".join(exc.problems)
    except ValueError as exc:
        return None, str(exc)
    except MatchTimeout as exc:
        return None, timed_out(exc, snap.poll.match_deadline)

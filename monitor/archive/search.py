"""Search the archive with a query in the rule language: the database's
full-text index proposes candidates (monitor.archive.prefilter), the matcher
verifies each one, so the results are exactly what a rule with this query
would match (phrases, NEAR, fields, regexes and all)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from monitor.archive.backtest import Found
from monitor.archive.prefilter import index_query
from monitor.errors import MatchTimeout
from monitor.types import RuleSpec

PAGE = 200  # candidates read and verified at a time
MAX_SCANNED = 20_000  # candidates verified at most per search (the answer says when it stopped there)


@dataclass(frozen=True)
class SearchResult:
    query: str
    since: datetime | None
    indexed: bool  # candidates came from the index (else: every article in the date range)
    scanned: int  # candidates verified
    results: tuple[Found, ...]  # newest first
    more: bool  # there are more matches past `limit` (or past MAX_SCANNED candidates)
    offset: int = 0
    limit: int = 20


def run_search(store, config, query: str, *, since: datetime | None = None, limit: int = 20,  # type: ignore[no-untyped-def]
               offset: int = 0, deadline: float = 5.0, max_scanned: int = MAX_SCANNED) -> SearchResult:
    """Matches `offset` .. `offset + limit` of `query`, newest first.  RuleError for a bad query."""
    from monitor.rules import compile_rules, parse_query

    spec = RuleSpec(id="search", name="search", query=query.strip())
    ruleset = compile_rules([spec], config.aliases, check_examples=False)
    prefilter = index_query(parse_query(spec.query), config.aliases)
    found: list[Found] = []
    scanned = start = 0
    want = offset + limit + 1  # one more than asked: whether there are more
    exhausted = False
    while len(found) < want and scanned < max_scanned:
        ids = store.search_candidates(prefilter, since=since, limit=PAGE, offset=start)
        start += len(ids)
        for article in store.articles_by_id(ids):
            scanned += 1
            try:
                matches = ruleset.match(article.document(), deadline=time.monotonic() + deadline)
            except MatchTimeout:
                continue
            if matches:
                found.append(Found(article, matches[0]))
        if len(ids) < PAGE:
            exhausted = True
            break
    more = len(found) > offset + limit or (not exhausted and len(found) >= want) or \
        (not exhausted and scanned >= max_scanned)
    return SearchResult(query=spec.query, since=since, indexed=prefilter is not None, scanned=scanned,
                        results=tuple(found[offset:offset + limit]), more=more, offset=offset, limit=limit)

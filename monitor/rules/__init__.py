"""Watch rules: a boolean/proximity query language, compiled once, matched
with a presearch (Aho-Corasick) and a verify step, every match explained.

    from monitor.rules import compile_rules, parse_query
    rules = compile_rules(specs, aliases)      # RuleError lists every problem
    matches = rules.match(document)            # [Match] with evidence + snippet

For the daemon and the API (the matching deadline and "why not"):

    rules.match(doc, *, only=None, deadline=None) -> list[Match]
        `deadline` is an absolute time.monotonic() value.  Matching checks it
        cooperatively (every CHECK_EVERY operations) and raises
        monitor.errors.MatchTimeout once it has passed; the caller records
        the article with a "matching timed out" note and goes on.
    rules.why_not(doc, rule_id, *, deadline=None) -> WhyNot
        Which clauses held and which failed (a NEAR: the closest distance
        found).  `.to_dict()` is JSON-able, `.text()` is the report that
        `news-monitor match --why` prints.  KeyError for an unknown rule.
    rules.operations(doc, *, only=None) -> int
        The deterministic work of matching `doc` (for tests and benchmarks).
    MAX_DOCUMENT_CHARS
        The largest text a caller taking documents from users (the API's rule
        tester) accepts: 250,000 characters (~40,000 words, past any real
        article).  Matching that much with the bundled rules costs 0.2-0.25 s
        of CPU on the 2-core test machine (Nov 2026); the matching deadline
        bounds whatever a costlier query makes of it.

The language is documented in docs/rules.md.
"""

from __future__ import annotations

from monitor.rules.docindex import CHECK_EVERY
from monitor.rules.lexer import QueryError
from monitor.rules.parser import MAX_DEPTH, parse_query
from monitor.rules.ruleset import RuleSet, compile_rules
from monitor.rules.textnorm import normalize_word
from monitor.rules.tokens import tokenize
from monitor.rules.whynot import Clause, WhyNot

MAX_DOCUMENT_CHARS = 250_000

__all__ = ["CHECK_EVERY", "MAX_DEPTH", "MAX_DOCUMENT_CHARS", "Clause", "QueryError", "RuleSet",
           "WhyNot", "compile_rules", "normalize_word", "parse_query", "tokenize"]

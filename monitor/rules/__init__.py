"""Watch rules: a boolean/proximity query language, compiled once, matched
with a presearch (Aho-Corasick) and a verify step, every match explained.

    from monitor.rules import compile_rules, parse_query
    rules = compile_rules(specs, aliases)      # RuleError lists every problem
    matches = rules.match(document)            # [Match] with evidence + snippet

The language is documented in docs/rules.md.
"""

from __future__ import annotations

from monitor.rules.lexer import QueryError
from monitor.rules.parser import parse_query
from monitor.rules.ruleset import RuleSet, compile_rules
from monitor.rules.tokens import normalize_word, tokenize

__all__ = ["QueryError", "RuleSet", "compile_rules", "normalize_word", "parse_query", "tokenize"]

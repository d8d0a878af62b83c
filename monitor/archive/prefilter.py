"""From a query in the rule language to a full-text index query that finds
a superset of what the query matches (the matcher then verifies each
candidate): pure.

Each term becomes the prefixes of its words (`"North Korea"` -> north* AND
korea*, `nucle*` -> nucle*), so the index never misses a whole-word match
the matcher would make (Hangul particles, plurals of a wildcard, possessives
included); AND, OR, NEAR and scopes keep their terms; what the index cannot
decide (NOT, /regex/, url:, source:, lang:, tag:, and a term in Chinese,
Japanese, Thai, Lao, Khmer or Myanmar script, which both indexes keep as
whole runs of letters) constrains nothing.  None
means "no constraint": the search reads every article in its date range.

    >>> from monitor.rules import parse_query
    >>> q = index_query(parse_query('@china NEAR/20 envoy AND NOT Japan'), {"china": ["China", "Xi Jinping"]})
    >>> fts5(q)
    '(("china"* OR ("xi"* AND "jinping"*)) AND "envoy"*)'
    >>> tsquery(q)
    "(('china':* | ('xi':* & 'jinping':*)) & 'envoy':*)"
    >>> index_query(parse_query('/envo?y/ OR envoy'), {}) is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Union

from monitor.rules import normalize_word
from monitor.rules.syntax import Alias, And, AtLeast, Field, Near, Not, Or, Regex, Scope, Term

WORD = re.compile(r"\w+")
# Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao, Khmer, Myanmar): both
# indexes (FTS5 unicode61, PostgreSQL's parser) keep a whole run of them as one token, so a word inside a run
# cannot be found by prefix.  A term with such a letter constrains nothing: the matcher reads the articles.
UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
                      "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]")
INDEXED_FIELDS = ("title", "text")


@dataclass(frozen=True)
class Prefix:
    word: str  # normalised (lower case, accents folded)


@dataclass(frozen=True)
class All:
    parts: tuple[IndexQuery, ...]


@dataclass(frozen=True)
class Any_:
    parts: tuple[IndexQuery, ...]


IndexQuery = Union[Prefix, All, Any_]


def _all(parts: Sequence[IndexQuery | None]) -> IndexQuery | None:
    kept = tuple(p for p in parts if p is not None)
    return None if not kept else kept[0] if len(kept) == 1 else All(kept)


def _any(parts: Sequence[IndexQuery | None]) -> IndexQuery | None:
    if not parts or any(p is None for p in parts):
        return None  # one branch matching anything: the whole OR does
    return parts[0] if len(parts) == 1 else Any_(tuple(parts))  # type: ignore[arg-type]


def words(text: str) -> list[str]:
    """The indexable words of a term, cut at its first wildcard (the word
    before a wildcard is a prefix anyway).

    >>> words("Kim Jong-un"), words("organi?ation"), words("*ism")
    (['kim', 'jong', 'un'], ['organi'], [])
    """
    head = re.split(r"[*?]", text, maxsplit=1)[0]
    return [normalize_word(w) for w in WORD.findall(head)]


def term_query(text: str) -> IndexQuery | None:
    """The index query of one term; None (no constraint) for a term in a
    script written without spaces.

    >>> term_query("North Korea"), term_query("特使") is None, term_query("北朝鮮 envoy") is None
    (All(parts=(Prefix(word='north'), Prefix(word='korea'))), True, True)
    """
    if UNSPACED.search(text):
        return None
    return _all([Prefix(w) for w in words(text)])


def index_query(node, aliases: Mapping[str, Sequence[str]]) -> IndexQuery | None:  # type: ignore[no-untyped-def]
    if isinstance(node, Term):
        return term_query(node.text)
    if isinstance(node, Alias):
        return _any([term_query(entry) for entry in aliases.get(node.name, ())])
    if isinstance(node, And):
        return _all([index_query(c, aliases) for c in node.children])
    if isinstance(node, Or):
        return _any([index_query(c, aliases) for c in node.children])
    if isinstance(node, Near):
        return _all([index_query(node.left, aliases), index_query(node.right, aliases)])
    if isinstance(node, (Scope, AtLeast)):
        return index_query(node.child, aliases)
    if isinstance(node, Field):
        return index_query(node.child, aliases) if node.name.lower() in INDEXED_FIELDS else None
    if isinstance(node, (Not, Regex)):
        return None
    return None


def fts5(q: IndexQuery) -> str:
    """SQLite FTS5 MATCH syntax."""
    if isinstance(q, Prefix):
        return f'"{q.word}"*'
    joiner = " AND " if isinstance(q, All) else " OR "
    return "(" + joiner.join(fts5(p) for p in q.parts) + ")"


def tsquery(q: IndexQuery) -> str:
    """PostgreSQL to_tsquery syntax (prefix lexemes)."""
    if isinstance(q, Prefix):
        return f"'{q.word}':*"
    joiner = " & " if isinstance(q, All) else " | "
    return "(" + joiner.join(tsquery(p) for p in q.parts) + ")"

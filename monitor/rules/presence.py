"""Rules decided by the presearch alone: made only of plain words and
phrases (no wildcard, no =Exact, no field, no Hangul word) combined with
AND, OR and NOT (a word that normalises to nothing, which would have the
literal "  ", is refused by the compiler).  Such a word or
phrase occurs in the title or text exactly when the presearch saw its
literal (the scan runs over the normalised words joined by single spaces,
the same sequence the word leaf would look for), so the rule holds exactly
when each positive clause has a literal present and no excluded literal is.
Their occurrences are only looked for when the Match is explained.

A form: (needs, excludes): each set in `needs` must meet the present
literals, `excludes` must not.  Anything else (NEAR, scopes, ATLEAST,
regexes, metadata, a NOT over an AND) has no form: it is verified.
"""

from __future__ import annotations

from typing import Any

from monitor.rules.docindex import TEXT_FIELDS
from monitor.rules.matchers import AndM, OrM, WordLeaf

Form = tuple[tuple[frozenset[str], ...], frozenset[str]]


def presence_form(node: Any, shared: dict[Any, Any] | None = None) -> Form | None:
    """The node's form, or None when it must be verified.  `shared`: one
    copy of each distinct set across the rules (a 100,000-rule build)."""
    found = _form(node)
    if found is None:
        return None
    memo = {} if shared is None else shared
    needs = tuple(memo.setdefault(c, c) for c in found[0])
    return memo.setdefault((needs, found[1]), (needs, memo.setdefault(found[1], found[1])))


def holds(form: Form, present: set[str]) -> bool:
    needs, excludes = form
    return all(not clause.isdisjoint(present) for clause in needs) and excludes.isdisjoint(present)


def _plain(node: Any) -> str | None:
    """The literal of a plain word or phrase leaf in the title and text."""
    if isinstance(node, WordLeaf) and not node.exact and node.fields == TEXT_FIELDS \
            and node.literal is not None and all(w.literal for w in node.words):
        return node.literal
    return None


def _any_of(node: Any) -> frozenset[str] | None:
    """The literals one of which must be present: a plain leaf or an OR of them."""
    literal = _plain(node)
    if literal is not None:
        return frozenset((literal,))
    if isinstance(node, OrM) and node.children:
        parts = [_any_of(c) for c in node.children]
        if all(p is not None for p in parts):
            return frozenset().union(*parts)  # type: ignore[arg-type]
    return None


def _form(node: Any) -> tuple[list[frozenset[str]], frozenset[str]] | None:
    clause = _any_of(node)
    if clause is not None:
        return [clause], frozenset()
    if not isinstance(node, AndM) or not node.positive:
        return None
    needs: list[frozenset[str]] = []
    excludes: set[str] = set()
    for child in node.positive:
        part = _form(child)
        if part is None:
            return None
        needs += part[0]
        excludes |= part[1]
    for child in node.negative:
        gone = _any_of(child)
        if gone is None:
            return None
        excludes |= gone
    return needs, frozenset(excludes)

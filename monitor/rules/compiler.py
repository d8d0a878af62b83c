"""AST -> matcher nodes plus the presearch clauses of each rule.

Clauses are what the presearch needs: a list of sets of literal keys, every
set must have one key present in the article for the rule to possibly match
(conjunctive normal form over literals; NOT and metadata add none).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import re2

from monitor.rules import syntax as s
from monitor.rules.docindex import TEXT_FIELDS
from monitor.rules.lexer import QueryError, check_term
from monitor.rules.matchers import AndM, AtLeastM, MetaLeaf, NearM, OrM, RegexLeaf, WordLeaf
from monitor.rules.patterns import WordPattern, term_words
from monitor.rules.scopes import ScopeM

# \C (any single byte) outside a backslash escape: a match could end inside a character
_ONE_BYTE = re.compile(r"(?:^|[^\\])(?:\\\\)*\\C")

Clauses = list[frozenset[str]]


def presearch_literal(words: Sequence[WordPattern]) -> str | None:
    """What must be in the presearch text (" "-joined normalised words) for the
    words to be there: the literal words up to the first wildcard or Hangul
    word, and that word's letters before its wildcard (" nucle")."""
    parts: list[str] = []
    for word in words:
        if word.literal:
            parts.append(word.text)
            continue
        if word.prefix:
            return " " + " ".join(parts + [word.prefix])
        return " " + " ".join(parts) + " " if parts else None
    return " " + " ".join(parts) + " "


def alias_entry(value: str, column: int = 1) -> s.Term:
    """An alias entry as a term: `=Term`, `term*`, `organi?ation`, and phrases
    when it has a space.  Raises QueryError for a wildcard that would match
    too much (the same rules as in queries)."""
    exact = value.startswith("=")
    body = value[1:] if exact else value
    if len(body) > 1 and body[0] in '"“' and body[-1] in '"”':
        body = body[1:-1]
    check_term(body, column, value)
    return s.Term(body, column, phrase=" " in body.strip(), exact=exact)


def alias_problems(aliases: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """alias name -> the messages of its entries that are refused."""
    out: dict[str, list[str]] = {}
    for name, values in aliases.items():
        for value in values:
            try:
                alias_entry(str(value))
            except QueryError as exc:
                out.setdefault(name, []).append(f"alias @{name}: entry {str(value)!r}: {exc.detail}")
    return out


@dataclass
class Interner:
    """Matcher nodes (leaves and composites) shared by every rule of one RuleSet,
    so each is evaluated once per article."""

    leaves: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    words: dict[tuple[str, bool], tuple[WordPattern, ...]] = field(default_factory=dict)
    literals: set[str] = field(default_factory=set)  # of every title/text word leaf

    def term_words(self, text: str, exact: bool) -> tuple[WordPattern, ...]:
        found = self.words.get((text, exact))
        if found is None:
            found = self.words[(text, exact)] = term_words(text, exact)
        return found

    def leaf(self, key: tuple[Any, ...], make: Any) -> Any:
        found = self.leaves.get(key)
        if found is None:
            found = self.leaves[key] = make(len(self.leaves))
        return found


@dataclass
class Compiled:
    root: Any
    clauses: Clauses
    labels: dict[int, str]  # leaf id -> the query term as the rule wrote it
    trace: dict[int, Any] = field(default_factory=dict)  # id(AST node) -> matcher, when traced


class _Compiler:
    def __init__(self, aliases: Mapping[str, Sequence[str]], interner: Interner,
                 trace: dict[int, Any] | None = None) -> None:
        self.aliases = aliases
        self.interner = interner
        self.labels: dict[int, str] = {}
        self.problems: list[QueryError] = []
        self.trace = trace
        self.near_operand = 0  # > 0 while compiling the operands of a NEAR

    def node(self, n: s.Node, fields: tuple[str, ...], label: str | None = None
             ) -> tuple[Any, Clauses]:
        found = self._node(n, fields, label)
        if self.trace is not None:
            self.trace[id(n)] = found[0]
        return found

    def or_(self, children: list[Any]) -> Any:
        key = ("or", tuple(c.id for c in children))
        return self.interner.leaf(key, lambda i: OrM(i, children))

    def and_(self, positive: list[Any], negative: list[Any]) -> Any:
        key = ("and", tuple(c.id for c in positive), tuple(c.id for c in negative))
        return self.interner.leaf(key, lambda i: AndM(i, positive, negative))

    def _node(self, n: s.Node, fields: tuple[str, ...], label: str | None = None
              ) -> tuple[Any, Clauses]:
        if isinstance(n, s.Term):
            return self.term(n, fields, label or n.label())
        if isinstance(n, s.Regex):
            return self.regex(n, fields, label or n.label())
        if isinstance(n, s.Alias):
            return self.alias(n, fields)
        if isinstance(n, s.Or):
            parts = [self.node(c, fields, label) for c in n.children]
            clauses: Clauses = []
            if all(c for _, c in parts):
                clauses = [frozenset().union(*(min(c, key=len) for _, c in parts))]
            return self.or_([m for m, _ in parts]), clauses
        if isinstance(n, s.And):
            pos, neg, clauses = [], [], []
            for child in n.children:
                if isinstance(child, s.Not):
                    neg.append(self.node(child.child, fields)[0])
                else:
                    m, c = self.node(child, fields)
                    pos.append(m)
                    clauses += c
            return self.and_(pos, neg), clauses
        if isinstance(n, s.Near):
            self.near_operand += 1
            left, lc = self.node(n.left, fields)
            right, rc = self.node(n.right, fields)
            self.near_operand -= 1
            chained = self.near_operand > 0
            key: tuple[Any, ...] = ("near", left.id, right.id, n.distance, n.ordered, chained)
            near = self.interner.leaf(key, lambda i: NearM(i, left, right, n.distance, n.ordered,
                                                           chained))
            return near, lc + rc
        if isinstance(n, s.Scope):
            m, c = self.node(n.child, fields)
            key = ("scope", n.kind, n.size, m.id)
            return self.interner.leaf(key, lambda i: ScopeM(i, n.kind, m, n.size)), c
        if isinstance(n, s.AtLeast):
            m, c = self.node(n.child, fields)
            key = ("atleast", n.count, m.id)
            return self.interner.leaf(key, lambda i: AtLeastM(i, n.count, m)), c
        if isinstance(n, s.Field):
            if fields != TEXT_FIELDS and n.name not in fields:
                self.problems.append(QueryError(
                    f"{n.name}: inside {'/'.join(f + ':' for f in fields)} can never match: "
                    f"remove one of the two field scopes", n.column))
                return self.or_([]), []
            return self.node(n.child, (n.name,), label)
        if isinstance(n, s.Not):  # only reachable through a group; parser checks placement
            return self.and_([], [self.node(n.child, fields)[0]]), []
        raise TypeError(f"unknown query node {n!r}")

    def term(self, t: s.Term, fields: tuple[str, ...], label: str) -> tuple[Any, Clauses]:
        words = self.interner.term_words(t.text, t.exact)
        if not words:
            self.problems.append(QueryError(f"{t.label()!r} has no letters or digits to match: "
                                            "remove it or quote a real word", t.column))
            return self.or_([]), []
        if any(not w.text for w in words):  # a tatweel or an Arabic mark alone: text ignores them
            self.problems.append(QueryError(
                f"{t.label()!r} has a word that is only tatweel or marks, which matching ignores (it "
                "matches nothing): remove it, or write the word with its letters", t.column))
            return self.or_([]), []
        texts = tuple(w.text for w in words)
        if fields in (("lang",), ("tag",)):
            leaf = self.interner.leaf(("meta", fields[0], texts),
                                      lambda i: MetaLeaf(i, fields[0], words))
            self.labels.setdefault(leaf.id, label)
            return leaf, []
        raws = tuple(w.raw or (w.raw_regex.pattern if w.raw_regex else "") for w in words) \
            if t.exact else None
        key = ("word", fields, texts, raws)
        leaf = self.interner.leaf(key, lambda i: WordLeaf(i, fields, words, t.exact,
                                                          presearch_literal(words)))
        self.labels.setdefault(leaf.id, label)
        if leaf.literal is None:
            return leaf, []
        self.interner.literals.add(leaf.literal)
        return leaf, [frozenset([leaf.literal])]

    def regex(self, r: s.Regex, fields: tuple[str, ...], label: str) -> tuple[Any, Clauses]:
        if fields in (("lang",), ("tag",)):
            self.problems.append(QueryError(f"{fields[0]}: takes a word, not a regex: write "
                                            f"{fields[0]}:(a OR b)", r.column))
            return self.or_([]), []
        if _ONE_BYTE.search(r.pattern):
            self.problems.append(QueryError(
                f"regex /{r.pattern}/: \\C matches one byte and can split a character: use . (one "
                "character) instead", r.column))
            return self.or_([]), []
        options = re2.Options()
        options.log_errors = False
        options.case_sensitive = False
        try:
            compiled = re2.compile(r.pattern, options)
        except re2.error as exc:
            reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
            self.problems.append(QueryError(
                f"invalid regex /{r.pattern}/: {reason}: fix the pattern (RE2 syntax: no "
                "lookaround or backreferences)", r.column))
            return self.or_([]), []
        leaf = self.interner.leaf(("regex", fields, r.pattern),
                                  lambda i: RegexLeaf(i, fields, compiled))
        self.labels.setdefault(leaf.id, label)
        return leaf, []

    def alias(self, a: s.Alias, fields: tuple[str, ...]) -> tuple[Any, Clauses]:
        values = self.aliases.get(a.name)
        if values is None:
            close = difflib.get_close_matches(a.name, list(self.aliases), n=1)
            hint = f"did you mean @{close[0]}?" if close else (
                "define it under aliases: in the config")
            self.problems.append(QueryError(f"unknown alias @{a.name}: {hint}", a.column))
            return self.or_([]), []
        if not values:
            self.problems.append(QueryError(f"alias @{a.name} is an empty list: give it at "
                                            "least one term", a.column))
            return self.or_([]), []
        terms = []
        for value in values:
            try:
                terms.append(alias_entry(str(value), a.column))
            except QueryError:
                continue  # listed once for the alias by compile_rules
        if not terms:
            return self.or_([]), []
        parts = [self.term(term, fields, a.label()) for term in terms]
        clauses: Clauses = []
        if all(c for _, c in parts):
            clauses = [frozenset().union(*(c[0] for _, c in parts))]
        return self.or_([m for m, _ in parts]), clauses


def compile_query(tree: s.Node, aliases: Mapping[str, Sequence[str]], interner: Interner,
                  trace: bool = False) -> tuple[Compiled | None, list[QueryError]]:
    """`trace`: also map every AST node to its matcher (Compiled.trace), for why_not."""
    comp = _Compiler(aliases, interner, {} if trace else None)
    root, clauses = comp.node(tree, TEXT_FIELDS)
    if comp.problems:
        return None, comp.problems
    return Compiled(root, clauses, comp.labels, comp.trace or {}), []

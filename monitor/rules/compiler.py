"""AST -> matcher nodes plus the presearch clauses of each rule.

Clauses are what the presearch needs: a list of sets of literal keys, every
set must have one key present in the article for the rule to possibly match
(conjunctive normal form over literals; NOT and metadata add none).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import re2

from monitor.rules import syntax as s
from monitor.rules.docindex import TEXT_FIELDS
from monitor.rules.lexer import QueryError
from monitor.rules.matchers import AndM, MetaLeaf, NearM, OrM, RegexLeaf, WordLeaf
from monitor.rules.scopes import ScopeM
from monitor.rules.tokens import term_tokens

Clauses = list[frozenset[str]]


@dataclass
class Interner:
    """Matcher nodes (leaves and composites) shared by every rule of one RuleSet,
    so each is evaluated once per article."""

    leaves: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    words: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    literals: set[str] = field(default_factory=set)  # of every title/text word leaf

    def term_tokens(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        found = self.words.get(text)
        if found is None:
            found = self.words[text] = term_tokens(text)
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


class _Compiler:
    def __init__(self, aliases: Mapping[str, Sequence[str]], interner: Interner) -> None:
        self.aliases = aliases
        self.interner = interner
        self.labels: dict[int, str] = {}
        self.problems: list[QueryError] = []

    def or_(self, children: list[Any]) -> Any:
        key = ("or", tuple(c.id for c in children))
        return self.interner.leaf(key, lambda i: OrM(i, children))

    def and_(self, positive: list[Any], negative: list[Any]) -> Any:
        key = ("and", tuple(c.id for c in positive), tuple(c.id for c in negative))
        return self.interner.leaf(key, lambda i: AndM(i, positive, negative))

    def node(self, n: s.Node, fields: tuple[str, ...], label: str | None = None
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
            left, lc = self.node(n.left, fields)
            right, rc = self.node(n.right, fields)
            key = ("near", left.id, right.id, n.distance, n.ordered)
            near = self.interner.leaf(key, lambda i: NearM(i, left, right, n.distance, n.ordered))
            return near, lc + rc
        if isinstance(n, s.Scope):
            m, c = self.node(n.child, fields)
            para = n.kind == "paragraph"
            return self.interner.leaf(("scope", para, m.id), lambda i: ScopeM(i, para, m)), c
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
        words, raws = self.interner.term_tokens(t.text)
        if not words:
            self.problems.append(QueryError(f"{t.label()!r} has no letters or digits to match: "
                                            "remove it or quote a real word", t.column))
            return self.or_([]), []
        if fields in (("lang",), ("tag",)):
            leaf = self.interner.leaf(("meta", fields[0], words),
                                      lambda i: MetaLeaf(i, fields[0], words))
            self.labels.setdefault(leaf.id, label)
            return leaf, []
        exact = raws if t.exact else None
        key = ("word", fields, words, exact, t.wildcard)
        leaf = self.interner.leaf(key, lambda i: WordLeaf(i, fields, words, exact, t.wildcard))
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
        parts = [self.term(_alias_term(str(v), a.column), fields, a.label()) for v in values]
        clauses: Clauses = []
        if all(c for _, c in parts):
            clauses = [frozenset().union(*(c[0] for _, c in parts))]
        return self.or_([m for m, _ in parts]), clauses


def _alias_term(value: str, column: int) -> s.Term:
    exact = value.startswith("=")
    body = value[1:] if exact else value
    wildcard = body.endswith("*") and len(body) > 3
    body = body[:-1] if wildcard else body
    return s.Term(body, column, phrase=" " in body, wildcard=wildcard, exact=exact)


def compile_query(tree: s.Node, aliases: Mapping[str, Sequence[str]], interner: Interner
                  ) -> tuple[Compiled | None, list[QueryError]]:
    comp = _Compiler(aliases, interner)
    root, clauses = comp.node(tree, TEXT_FIELDS)
    if comp.problems:
        return None, comp.problems
    return Compiled(root, clauses, comp.labels), []

"""Why a rule did (not) match a document: every clause of its query, whether
it held, what was found, and for a NEAR the closest distance found.

Built on demand for one rule (`RuleSet.why_not`): the rule is compiled alone
with every query node traced to its matcher, and each is evaluated on the
whole title and text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from monitor.rules import syntax as s
from monitor.rules.compiler import Interner, compile_query
from monitor.rules.docindex import DocIndex, Meter, Occ
from monitor.rules.matchers import count_distinct
from monitor.rules.parser import parse_query
from monitor.rules.proximity import closest
from monitor.types import Document, RuleSpec

MAX_SHOWN = 5  # distinct texts listed per clause


@dataclass(frozen=True)
class Clause:
    """One part of the query and how it fared on the document."""

    clause: str  # the part as a query, e.g. '@ecb NEAR/20 "interest rates"'
    held: bool
    detail: str  # why, in one sentence
    found: tuple[str, ...] = ()  # distinct texts found (at most MAX_SHOWN)
    children: tuple[Clause, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"clause": self.clause, "held": self.held, "detail": self.detail,
                "found": list(self.found), "children": [c.to_dict() for c in self.children]}

    def lines(self, depth: int = 0) -> list[str]:
        mark = "✓" if self.held else "✗"
        shown = f" ({', '.join(repr(f) for f in self.found)})" if self.found and self.held else ""
        out = [f"{'  ' * depth}{mark} {self.clause}: {self.detail}{shown}"]
        for child in self.children:
            out += child.lines(depth + 1)
        return out


@dataclass(frozen=True)
class WhyNot:
    rule_id: str
    query: str
    matched: bool
    root: Clause

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule_id, "query": self.query, "matched": self.matched,
                "explanation": self.root.to_dict()}

    def text(self) -> str:
        head = (f"rule {self.rule_id} matched" if self.matched else
                f"rule {self.rule_id} did not match")
        return "\n".join([head + f": {self.query}"] + self.root.lines(1))


def unparse(node: s.Node, top: bool = True) -> str:
    """A query node written back as query text."""
    if isinstance(node, (s.Term, s.Regex, s.Alias)):
        return node.label()
    if isinstance(node, s.And):
        body = " AND ".join(unparse(c, False) for c in node.children)
        return body if top else f"({body})"
    if isinstance(node, s.Or):
        body = " OR ".join(unparse(c, False) for c in node.children)
        return body if top else f"({body})"
    if isinstance(node, s.Not):
        return f"NOT {unparse(node.child, False)}"
    if isinstance(node, s.Near):
        op = f"{'ONEAR' if node.ordered else 'NEAR'}/{node.distance}"
        return f"{unparse(node.left, False)} {op} {unparse(node.right, False)}"
    if isinstance(node, s.Scope):
        return f"{node.label()}({unparse(node.child)})"
    if isinstance(node, s.AtLeast):
        return f"ATLEAST/{node.count}({unparse(node.child)})"
    if isinstance(node, s.Field):
        return f"{node.name}:{unparse(node.child, False)}"
    raise TypeError(node)


class _Explainer:
    def __init__(self, trace: dict[int, Any], ix: DocIndex) -> None:
        self.trace, self.ix = trace, ix

    def occ(self, node: s.Node) -> list[Occ]:
        return self.trace[id(node)].occ(self.ix, None)  # type: ignore[no-any-return]

    def found(self, occs: list[Occ]) -> tuple[str, ...]:
        texts: dict[str, str] = {}
        for occ in occs:
            for _leaf, field, lo, _hi, start, end in occ[3]:
                text = " ".join(self.ix.field_text(field, lo)[start:end].split())
                texts.setdefault(text.casefold(), text)
                if len(texts) >= MAX_SHOWN:
                    return tuple(texts.values())
        return tuple(texts.values())

    def clause(self, node: s.Node) -> Clause:
        label = unparse(node)
        if isinstance(node, s.Not):
            inner = self.clause(node.child)
            if inner.held:
                return Clause(label, False, f"{_quote(inner.found)} found, which excludes the "
                                            "article", inner.found, (inner,))
            return Clause(label, True, "not found, as required", (), (inner,))
        occs = self.occ(node)
        held = bool(occs)
        if isinstance(node, (s.Term, s.Regex, s.Alias)):
            if not held:
                return Clause(label, False, "not found")
            mentions = count_distinct(occs)
            times = "once" if mentions == 1 else f"{mentions} times"
            return Clause(label, True, f"found {times}", self.found(occs))
        children = tuple(self.clause(c) for c in _children(node))
        if isinstance(node, s.Near):
            return self.near(node, label, held, occs, children)
        if isinstance(node, s.AtLeast):
            mentions = count_distinct(self.occ(node.child))
            return Clause(label, held, f"found {mentions} time{'s' * (mentions != 1)}; "
                                       f"ATLEAST/{node.count} needs at least {node.count}",
                          self.found(self.occ(node.child)), children)
        if isinstance(node, s.Scope):
            unit = {"sentence": "one sentence", "paragraph": "one paragraph"}.get(
                node.kind, f"the title and the first {node.size} words of the text")
            if held:
                return Clause(label, True, f"holds within {unit}", self.found(occs), children)
            detail = f"never holds within {unit}"
            if all(c.held for c in children):
                detail += " (it holds across the article as a whole)"
            return Clause(label, False, detail, (), children)
        if isinstance(node, s.Field):
            where = {"title": "the title", "text": "the text", "url": "the URL",
                     "source": "the source name", "lang": "the language", "tag": "the feed tags"}
            return Clause(label, held, f"{'found' if held else 'not found'} in {where[node.name]}",
                          self.found(occs), children)
        if isinstance(node, s.Or):
            return Clause(label, held, "one alternative found" if held else
                          "none of the alternatives found", self.found(occs), children)
        failed = [c.clause for c in children if not c.held]
        detail = "every part holds" if held else (
            "fails: " + "; ".join(failed) if failed else "the parts hold apart but not together")
        return Clause(label, held, detail, self.found(occs) if held else (), children)

    def near(self, node: s.Near, label: str, held: bool, occs: list[Occ],
             children: tuple[Clause, ...]) -> Clause:
        op = f"{'ONEAR' if node.ordered else 'NEAR'}/{node.distance}"
        left, right = unparse(node.left, False), unparse(node.right, False)
        if held:
            return Clause(label, True, f"{left} and {right} found within {node.distance} words",
                          self.found(occs), children)
        missing = [c.clause for c in children if not c.held]
        if missing:
            return Clause(label, False, " and ".join(missing) + " not found", (), children)
        best = closest(self.occ(node.left), self.occ(node.right), node.ordered, self.ix.meter)
        if best is None:
            order = f"{right} never after {left}" if node.ordered else "never in the same field"
            return Clause(label, False, f"{left} and {right} found, but {order} (proximity is "
                                        "measured inside the title or the text)", (), children)
        gap = best[0]
        return Clause(label, False, f"{left} and {right} found, {gap} words apart; {op} needs "
                                    f"≤ {node.distance}", (), children)


def _children(node: s.Node) -> tuple[s.Node, ...]:
    if isinstance(node, (s.And, s.Or)):
        return node.children
    if isinstance(node, s.Near):
        return (node.left, node.right)
    if isinstance(node, (s.Scope, s.AtLeast, s.Field)):
        return (node.child,)
    return ()


def _quote(found: tuple[str, ...]) -> str:
    return ", ".join(f"'{f}'" for f in found) or "it"


def why_not(spec: RuleSpec, aliases: Mapping[str, Sequence[str]], doc: Document,
            meter: Meter) -> WhyNot:
    tree = parse_query(spec.query)
    compiled, errors = compile_query(tree, aliases, Interner(), trace=True)
    if compiled is None:  # pragma: no cover - a RuleSet only holds rules that compile
        raise errors[0]
    root = _Explainer(compiled.trace, DocIndex(doc, meter)).clause(tree)
    return WhyNot(spec.id, spec.query, root.held, root)

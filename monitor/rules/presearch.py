"""Pick candidate rules with one Aho-Corasick scan per field, whatever the
number of rules.

Each rule is indexed under one "anchor" clause (a set of literals one of which
must be present), chosen to be the rarest by a cheap estimate, paired with
its smallest other clause: under (anchor literal, other literal) for every
such pair, so a document's candidates come from set intersections of the
literals it holds, with no Python step per rule anchored.  Further clauses
are checked as set lookups before the rule is verified.  Rules with no
clause (only regex / metadata positives) are always candidates.
"""

from __future__ import annotations

from typing import Collection, Sequence

import ahocorasick

from monitor.rules.compiler import Clauses
from monitor.rules.docindex import TEXT_FIELDS, DocIndex

# Words too common to anchor a rule on when something rarer is available.
_COMMON = frozenset("""the a an and or of to in on at for by with from as is are was were be
been has have had it its this that these those not no but if than then he she they we you
i his her their our said says say new one two year years after before over under more most
also will would can could may about into up out last first""".split())


def _cost(literal: str) -> float:
    words = literal.split()
    if len(words) > 1:
        return 0.2
    word = words[0]
    base = 50.0 if word in _COMMON else 8.0 / max(len(word), 1)
    return base * (3.0 if not literal.endswith(" ") else 1.0)


def _clause_cost(clause: frozenset[str]) -> float:
    return sum(_cost(lit) for lit in clause)


class Presearch:
    """`watch`: every word leaf's literal.  When given, `found` also tells the
    document which of them are present (`DocIndex.present`), so the verify
    step skips looking for words the scan did not see."""

    def __init__(self, rule_clauses: Sequence[Clauses],
                 watch: Collection[str] | None = None) -> None:
        self._ids: dict[str, int] = {}
        # A rule is indexed under each literal of its anchor clause and, when it
        # has another clause, each literal of the first (smallest) other one:
        # anchor literal -> {other literal: rules}.  A document's candidates are
        # then set intersections, not a Python step per rule anchored.
        pairs: dict[int, dict[int, list[int]]] = {}
        singles: dict[int, list[int]] = {}  # anchor literal -> rules with no other clause
        self._more_checks: dict[int, tuple[frozenset[int], ...]] = {}  # rule -> its clauses after those
        self.always: list[int] = []
        self._shared: dict[frozenset[int], frozenset[int]] = {}
        for rule, clauses in enumerate(rule_clauses):
            if not clauses:
                self.always.append(rule)
                continue
            anchor = min(clauses, key=_clause_cost)
            others = {self._clause(c) for c in clauses if c is not anchor and not c <= anchor}
            checks = sorted(others, key=len)
            for lit in anchor:
                lit_id = self._literal(lit)
                if not checks:
                    singles.setdefault(lit_id, []).append(rule)
                    continue
                by_other = pairs.setdefault(lit_id, {})
                for other in checks[0]:
                    by_other.setdefault(other, []).append(rule)
            if len(checks) > 1:
                self._more_checks[rule] = tuple(checks[1:])
        self._pairs = {lit: {other: tuple(rules) for other, rules in by_other.items()}
                       for lit, by_other in pairs.items()}
        self._singles = {lit: tuple(rules) for lit, rules in singles.items()}
        self._watching = watch is not None
        for lit in watch or ():
            self._literal(lit)
        self._automaton = ahocorasick.Automaton()
        for literal, lit_id in self._ids.items():
            self._automaton.add_word(literal, lit_id)
        if self._ids:
            self._automaton.make_automaton()
        self._names = list(self._ids)  # literal id -> literal

    def _clause(self, clause: frozenset[str]) -> frozenset[int]:
        """The clause as literal ids, one shared copy per distinct clause."""
        ids = frozenset(self._literal(lit) for lit in clause)
        return self._shared.setdefault(ids, ids)

    def _literal(self, literal: str) -> int:
        lit_id = self._ids.get(literal)
        if lit_id is None:
            lit_id = self._ids[literal] = len(self._ids)
        return lit_id

    def __len__(self) -> int:
        return len(self._ids)

    def found(self, ix: DocIndex) -> set[int]:
        """Ids of every literal present in the title or text.  With `watch`,
        also tells `ix` which literals are present (DocIndex.present)."""
        out: set[int] = set()
        if self._ids:
            for field in TEXT_FIELDS:
                out.update([lit for _, lit in self._automaton.iter(ix.presearch_text(field))])
        if self._watching:
            names = self._names
            ix.found_literals({names[i] for i in out})
        return out

    def candidates(self, ix: DocIndex, only: Collection[int] | None = None) -> list[int]:
        """Rules (indexes) with every clause satisfied by a literal present, in order."""
        found = self.found(ix)
        cands: set[int] = set(self.always)
        pairs, singles = self._pairs, self._singles
        for lit in found:
            alone = singles.get(lit)
            if alone:
                cands.update(alone)
            by_other = pairs.get(lit)
            if by_other:
                for other in by_other.keys() & found:
                    cands.update(by_other[other])
        if only is not None:
            cands &= set(only)
        rest = self._more_checks
        if rest:
            cands.difference_update([r for r in rest.keys() & cands
                                     if any(clause.isdisjoint(found) for clause in rest[r])])
        return sorted(cands)

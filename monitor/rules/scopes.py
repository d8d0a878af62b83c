"""SENTENCE(...), PARAGRAPH(...) and LEAD/n(...): the child must hold inside
one unit (one sentence, one paragraph, or the lead: the title and the first n
words of the text).

A sentence or paragraph can only hold the child if it holds a hit of one of
the child's positive leaves, so only those units are looked at, each with
the child restricted to it (leaves find their occurrences there by binary
search): the work is linear in the occurrences, not units x occurrences.
When the child is an AND (`SENTENCE(@china envoy)`), a unit must hold a hit
of each of its clauses made of leaves: the units each such leaf is seen in
are counted once per document (shared by every scope using the leaf), and
only the units holding every clause are looked at.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from monitor.rules.docindex import TEXT_FIELDS, DocIndex, Occ, Region, intersect
from monitor.rules.leaves import Leaf
from monitor.rules.matchers import Node, OrM


class ScopeM(Node):
    __slots__ = ("kind", "size", "child", "anchors", "clauses")

    def __init__(self, node_id: int, kind: str, child: Any, size: int = 0) -> None:
        self.id = node_id
        self.kind, self.size, self.child = kind, size, child
        self.anchors = tuple(leaf for leaf in dict.fromkeys(child.leaves()) if not leaf.meta)
        # an AND's positive clauses that are a leaf or an OR of leaves, as their leaves
        self.clauses = tuple(c for c in map(_leaf_clause, getattr(child, "positive", ())) if c)

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        if self.kind == "lead":
            lead = (("title", 0, max(len(ix.tokens("title")) - 1, 0)), ("text", 0, self.size - 1))
            return self.child.occ(ix, intersect(lead, region))
        out: list[Occ] = []
        for field in TEXT_FIELDS:
            if region is not None and all(r[0] != field for r in region):
                continue
            toks = ix.tokens(field)
            units = toks.paragraphs if self.kind == "paragraph" else toks.sentences
            for lo, hi in self._candidates(ix, field, units, region):
                unit = intersect(((field, lo, hi),), region)
                if unit:
                    out.extend(self.child.occ(ix, unit))
        return out

    def _candidates(self, ix: DocIndex, field: str, units: tuple[tuple[int, int], ...],
                    region: Region) -> list[tuple[int, int]]:
        """The units (in order) holding a hit of an anchor leaf."""
        if not units:
            return []
        if not self.anchors:  # only url:/lang:/tag:/source: inside: every unit
            ix.meter.tick(len(units))
            return list(units)
        firsts = _unit_starts(ix, field, self.kind, units)
        if region is None and self.clauses:
            return [units[k] for k in sorted(self._held(ix, field, units, firsts))]
        keep: set[int] = set()
        for leaf in self.anchors:
            for _f, lo, hi, _hits in _in_field(leaf, ix, field, region):
                k = bisect_right(firsts, lo) - 1
                if k >= 0 and hi <= units[k][1]:
                    keep.add(k)
        ix.meter.tick(len(keep))
        return [units[k] for k in sorted(keep)]

    def _held(self, ix: DocIndex, field: str, units: tuple[tuple[int, int], ...],
              firsts: list[int]) -> set[int]:
        """The units holding a hit of each of `clauses` (the child's AND)."""
        keep: set[int] | None = None
        for leaves in self.clauses:
            held: set[int] = set()
            for leaf in leaves:
                held |= _units_seen(leaf, ix, field, self.kind, units, firsts)
            keep = held if keep is None else keep & held
            if not keep:
                break
        ix.meter.tick(1 + len(keep or ()))
        return keep or set()

    def leaves(self) -> list[Leaf]:
        return self.child.leaves()


def _leaf_clause(node: Any) -> tuple[Leaf, ...]:
    """The leaves of a clause that is a leaf or an OR of leaves (in title or
    text); () for anything else."""
    leaves = node.children if isinstance(node, OrM) else (node,)
    if leaves and all(isinstance(leaf, Leaf) and not leaf.meta for leaf in leaves):
        return tuple(leaves)
    return ()


def _unit_starts(ix: DocIndex, field: str, kind: str, units: tuple[tuple[int, int], ...]) -> list[int]:
    key = ("unit-starts", field, kind)
    firsts = ix.cache.get(key)  # type: ignore[call-overload]
    if firsts is None:
        firsts = ix.cache[key] = [lo for lo, _ in units]  # type: ignore[index]
        ix.meter.tick(len(units))
    return firsts  # type: ignore[no-any-return]


def _units_seen(leaf: Leaf, ix: DocIndex, field: str, kind: str, units: tuple[tuple[int, int], ...],
                firsts: list[int]) -> set[int]:
    """The units (indexes) of `field` holding a whole hit of `leaf`, once per document."""
    key = ("units", leaf.id, field, kind)
    seen = ix.cache.get(key)  # type: ignore[call-overload]
    if seen is None:
        seen = set()
        for _f, lo, hi, _hits in _in_field(leaf, ix, field, None):
            k = bisect_right(firsts, lo) - 1
            if k >= 0 and hi <= units[k][1]:
                seen.add(k)
        ix.cache[key] = seen  # type: ignore[index]
    return seen  # type: ignore[no-any-return]


def _in_field(leaf: Leaf, ix: DocIndex, field: str, region: Region) -> list[Occ]:
    found = leaf.occ(ix, region)
    ix.meter.tick(len(found))
    return [o for o in found if o[0] == field]

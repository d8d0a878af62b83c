"""SENTENCE(...), PARAGRAPH(...) and LEAD/n(...): the child must hold inside
one unit (one sentence, one paragraph, or the lead: the title and the first n
words of the text).

A sentence or paragraph can only hold the child if it holds a hit of one of
the child's positive leaves, so only those units are looked at, each with
the child restricted to it (leaves find their occurrences there by binary
search): the work is linear in the occurrences, not units x occurrences.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from monitor.rules.docindex import TEXT_FIELDS, DocIndex, Occ, Region, intersect
from monitor.rules.leaves import Leaf
from monitor.rules.matchers import Node


class ScopeM(Node):
    __slots__ = ("kind", "size", "child", "anchors")

    def __init__(self, node_id: int, kind: str, child: Any, size: int = 0) -> None:
        self.id = node_id
        self.kind, self.size, self.child = kind, size, child
        self.anchors = tuple(leaf for leaf in dict.fromkeys(child.leaves()) if not leaf.meta)

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
        key = ("unit-starts", field, self.kind)
        firsts = ix.cache.get(key)  # type: ignore[call-overload]
        if firsts is None:
            firsts = ix.cache[key] = [lo for lo, _ in units]  # type: ignore[index]
            ix.meter.tick(len(units))
        keep: set[int] = set()
        for leaf in self.anchors:
            for _f, lo, hi, _hits in _in_field(leaf, ix, field, region):
                k = bisect_right(firsts, lo) - 1
                if k >= 0 and hi <= units[k][1]:
                    keep.add(k)
        ix.meter.tick(len(keep))
        return [units[k] for k in sorted(keep)]

    def leaves(self) -> list[Leaf]:
        return self.child.leaves()


def _in_field(leaf: Leaf, ix: DocIndex, field: str, region: Region) -> list[Occ]:
    found = leaf.occ(ix, region)
    ix.meter.tick(len(found))
    return [o for o in found if o[0] == field]

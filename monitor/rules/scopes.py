"""SENTENCE(...) and PARAGRAPH(...): the child must hold inside one unit."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Sequence

from monitor.rules.docindex import TEXT_FIELDS, DocIndex, Occ, Region
from monitor.rules.matchers import Node


class ScopeM(Node):
    """SENTENCE(...) / PARAGRAPH(...): the child must hold inside one unit."""

    __slots__ = ("paragraph", "child", "monotone")

    def __init__(self, node_id: int, paragraph: bool, child: Any) -> None:
        self.id = node_id
        self.paragraph, self.child = paragraph, child
        self.monotone = child.monotone

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        # A monotone child can only hold in a unit holding one of its
        # whole-document occurrences: look in those units only.
        whole = self.child.occ(ix, None) if self.monotone else None
        if whole is not None and not whole:
            return []
        out: list[Occ] = []
        for field in TEXT_FIELDS:
            if region is not None and region[0] != field:
                continue
            toks = ix.tokens(field)
            units = toks.paragraphs if self.paragraph else toks.sentences
            if whole is not None:
                units = _units_holding(units, [o for o in whole if o[0] == field])
            for lo, hi in units:
                if region is not None:
                    lo, hi = max(lo, region[1]), min(hi, region[2])
                    if lo > hi:
                        continue
                out.extend(self.child.occ(ix, (field, lo, hi)))
        return out


def _units_holding(units: Sequence[tuple[int, int]], occs: list[Occ]) -> list[tuple[int, int]]:
    """The units (in order) that wholly contain at least one of `occs`."""
    if not occs:
        return []
    firsts = [lo for lo, _ in units]
    keep: set[int] = set()
    for _, lo, hi, _hits in occs:
        k = bisect_right(firsts, lo) - 1
        if k >= 0 and hi <= units[k][1]:
            keep.add(k)
    return [units[k] for k in sorted(keep)]

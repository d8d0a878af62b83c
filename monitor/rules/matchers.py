"""Compiled query nodes.  `occ(ix, region)` returns the occurrences of the
node in the document (empty list = no match), restricted to `region` (token
ranges: one sentence, one paragraph, the lead) when given.

Nodes are shared by every rule of a RuleSet (the compiler interns them), so
over the whole title and text (region None) each is evaluated once per
document.  Leaves: monitor.rules.leaves; scopes: monitor.rules.scopes.
"""

from __future__ import annotations

from typing import Any, Sequence

from monitor.rules.docindex import DocIndex, Occ, Region
from monitor.rules.leaves import Leaf, MetaLeaf, RegexLeaf, WordLeaf
from monitor.rules.proximity import near

__all__ = ["AndM", "AtLeastM", "Leaf", "MetaLeaf", "NearM", "Node", "OrM", "RegexLeaf",
           "WordLeaf", "count_distinct"]


class Node:
    """Base of the composite matchers."""

    __slots__ = ("id",)
    id: int  # its interner number: the key of its occurrences in DocIndex.cache
    literal: str | None = None  # only leaves have one (Leaf.literal)

    def occ(self, ix: DocIndex, region: Region) -> list[Occ]:
        if region is not None:
            return self.eval(ix, region)
        found = ix.cache.get(self.id)
        if found is None:
            found = ix.cache[self.id] = self.eval(ix, None)
        return found

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        raise NotImplementedError

    def leaves(self) -> list[Leaf]:
        """The leaves whose hits are this node's evidence (not those under a NOT)."""
        raise NotImplementedError


class OrM(Node):
    __slots__ = ("children",)

    def __init__(self, node_id: int, children: Sequence[Any]) -> None:
        self.id = node_id
        self.children = tuple(children)

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        out: list[Occ] = []
        present = ix.present
        for child in self.children:
            if present is None or child.literal is None or child.literal in present:
                out.extend(child.occ(ix, region))
        ix.meter.tick(1 + len(out))
        return out

    def leaves(self) -> list[Leaf]:
        return [leaf for c in self.children for leaf in c.leaves()]


class AndM(Node):
    __slots__ = ("positive", "negative")

    def __init__(self, node_id: int, positive: Sequence[Any], negative: Sequence[Any]) -> None:
        self.id = node_id
        self.positive, self.negative = tuple(positive), tuple(negative)

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        out: list[Occ] = []
        present = ix.present
        for child in self.positive:
            if present is not None and child.literal is not None and child.literal not in present:
                return []
            found = child.occ(ix, region)
            if not found:
                return []
            out.extend(found)
        for child in self.negative:
            if child.occ(ix, region):
                return []
        ix.meter.tick(1 + len(out))
        return out

    def leaves(self) -> list[Leaf]:
        return [leaf for c in self.positive for leaf in c.leaves()]


class NearM(Node):
    """NEAR/n and ONEAR/n (monitor.rules.proximity)."""

    __slots__ = ("left", "right", "distance", "ordered", "chained")

    def __init__(self, node_id: int, left: Any, right: Any, distance: int, ordered: bool,
                 chained: bool = True) -> None:
        """`chained`: an operand of another NEAR, which needs every span
        (monitor.rules.proximity.near's `full`)."""
        self.id = node_id
        self.left, self.right, self.distance, self.ordered = left, right, distance, ordered
        self.chained = chained

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        lefts = self.left.occ(ix, region)
        if not lefts:
            return []
        rights = self.right.occ(ix, region)
        if not rights:
            return []
        return near(lefts, rights, self.distance, self.ordered, ix.meter, self.chained)

    def leaves(self) -> list[Leaf]:
        return self.left.leaves() + self.right.leaves()


def count_distinct(occs: list[Occ]) -> int:
    """Occurrences that do not overlap one another ("North Korea" found as
    both `korea` and `"north korea"` is one mention)."""
    count, last = 0, ("", -1)
    for field, lo, hi, _hits in sorted(occs, key=lambda o: (o[0], o[2], o[1])):
        if field != last[0] or lo > last[1]:
            count += 1
            last = (field, hi)
    return count


class AtLeastM(Node):
    """ATLEAST/n(...): at least n distinct mentions in the region (title and text)."""

    __slots__ = ("count", "child")

    def __init__(self, node_id: int, count: int, child: Any) -> None:
        self.id = node_id
        self.count, self.child = count, child

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        found = self.child.occ(ix, region)
        if len(found) < self.count:
            return []
        ix.meter.tick(len(found))
        return found if count_distinct(found) >= self.count else []

    def leaves(self) -> list[Leaf]:
        return self.child.leaves()

"""Compiled query nodes.  `occ(ix, region)` returns the occurrences of the
node in the document (empty list = no match), restricted to `region`
(a field and token range: one sentence or paragraph) when given."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any, Sequence

from monitor.rules.docindex import TEXT_FIELDS, DocIndex, Hit, Occ, Region
from monitor.rules.tokens import normalize_word, tokenize

MAX_REGEX_HITS = 200


def _in_region(occs: list[Occ], region: Region) -> list[Occ]:
    if region is None:
        return occs
    field, lo, hi = region
    return [o for o in occs if o[0] == field and o[1] >= lo and o[2] <= hi]


class Leaf:
    """Base of the matchers that look at the document itself."""

    __slots__ = ("id", "fields", "meta", "monotone")

    def __init__(self, leaf_id: int, fields: tuple[str, ...]) -> None:
        self.id = leaf_id
        self.fields = fields
        self.meta = not set(fields) <= set(TEXT_FIELDS)  # document-level: ignores regions
        # Monotone: its occurrences inside a region are among its whole-document ones.
        self.monotone = not self.meta

    def occ(self, ix: DocIndex, region: Region) -> list[Occ]:
        found = ix.cache.get(self.id)
        if found is None:
            found = ix.cache[self.id] = self.find(ix)
        if region is None or self.meta or not found:
            return found
        return _in_region(found, region)

    def find(self, ix: DocIndex) -> list[Occ]:
        raise NotImplementedError


def _phrase_starts(norms: Sequence[str], post: dict[str, list[int]], words: tuple[str, ...],
                   prefix: bool) -> list[int]:
    first = words[0]
    if prefix and len(words) == 1:
        return sorted(i for w, lst in post.items() if w.startswith(first) for i in lst)
    starts = post.get(first, ())
    n, out = len(words), []
    for i in starts:
        if i + n > len(norms):
            continue
        ok = all(norms[i + k] == words[k] for k in range(1, n - 1 if prefix else n))
        if ok and prefix:
            ok = norms[i + n - 1].startswith(words[-1])
        if ok:
            out.append(i)
    return out


class WordLeaf(Leaf):
    """A word, phrase, prefix* or =Exact term in title/text (or url/source)."""

    __slots__ = ("words", "raws", "prefix", "literal")

    def __init__(self, leaf_id: int, fields: tuple[str, ...], words: tuple[str, ...],
                 raws: tuple[str, ...] | None, prefix: bool) -> None:
        super().__init__(leaf_id, fields)
        self.words, self.raws, self.prefix = words, raws, prefix
        # What the presearch looks for in the title and text ("nucle*" -> " nucle"),
        # None for url:/source: terms.
        self.literal = None if self.meta else " " + " ".join(words) + ("" if prefix else " ")

    def find(self, ix: DocIndex) -> list[Occ]:
        if self.literal is not None and ix.present is not None and self.literal not in ix.present:
            return []  # the presearch saw no such words: nothing to look for
        out: list[Occ] = []
        n = len(self.words)
        for field in self.fields:
            toks = ix.tokens(field)
            post = ix.postings(field)
            for i in _phrase_starts(toks.norms, post, self.words, self.prefix):
                if self.raws is not None and toks.raws[i:i + n] != self.raws:
                    continue
                hit: Hit = (self.id, field, i, i + n - 1, toks.starts[i], toks.ends[i + n - 1])
                out.append((field, i, i + n - 1, (hit,)))
        return out


class RegexLeaf(Leaf):
    """/regex/ on RE2 over the original field text (case-insensitive)."""

    __slots__ = ("regex",)

    def __init__(self, leaf_id: int, fields: tuple[str, ...], regex: Any) -> None:
        super().__init__(leaf_id, fields)
        self.regex = regex

    def find(self, ix: DocIndex) -> list[Occ]:
        out: list[Occ] = []
        for field in self.fields:
            toks = ix.tokens(field)
            if not len(toks):
                continue
            for m in self.regex.finditer(toks.text):
                start, end = m.start(), m.end()
                if end <= start:
                    continue
                lo = min(bisect_right(toks.ends, start), len(toks) - 1)
                hi = max(bisect_left(toks.starts, end) - 1, lo)
                out.append((field, lo, hi, ((self.id, field, lo, hi, start, end),)))
                if len(out) >= MAX_REGEX_HITS:
                    return out
        return out


class MetaLeaf(Leaf):
    """lang: (the document language) and tag: (a whole feed tag)."""

    __slots__ = ("words",)

    def __init__(self, leaf_id: int, field: str, words: tuple[str, ...]) -> None:
        super().__init__(leaf_id, (field,))
        self.words = words

    def find(self, ix: DocIndex) -> list[Occ]:
        field = self.fields[0]
        values = (ix.doc.lang,) if field == "lang" else ix.doc.tags
        out: list[Occ] = []
        for n, value in enumerate(values):
            if tokenize(value).norms == self.words or normalize_word(value) == " ".join(self.words):
                out.append((field, n, n, ((self.id, field, n, n, 0, len(value)),)))
        return out


class Node:
    """Base of the composite matchers.  Nodes are shared by every rule of a
    RuleSet (the compiler interns them), so over the whole title and text
    (region None) each is evaluated once per document."""

    __slots__ = ("id",)

    def occ(self, ix: DocIndex, region: Region) -> list[Occ]:
        if region is not None:
            return self.eval(ix, region)
        found = ix.cache.get(self.id)
        if found is None:
            found = ix.cache[self.id] = self.eval(ix, None)
        return found

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        raise NotImplementedError


class OrM(Node):
    __slots__ = ("children", "monotone")

    def __init__(self, node_id: int, children: Sequence[Any]) -> None:
        self.id = node_id
        self.children = tuple(children)
        self.monotone = all(c.monotone for c in self.children)

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        out: list[Occ] = []
        for child in self.children:
            out.extend(child.occ(ix, region))
        return out


class AndM(Node):
    __slots__ = ("positive", "negative", "monotone")

    def __init__(self, node_id: int, positive: Sequence[Any], negative: Sequence[Any]) -> None:
        self.id = node_id
        self.positive, self.negative = tuple(positive), tuple(negative)
        self.monotone = not self.negative and all(c.monotone for c in self.positive)

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        out: list[Occ] = []
        for child in self.positive:
            found = child.occ(ix, region)
            if not found:
                return []
            out.extend(found)
        for child in self.negative:
            if child.occ(ix, region):
                return []
        return out


class NearM(Node):
    """Any left/right pair in the same field at most `distance` words apart
    (ordered: right after left)."""

    __slots__ = ("left", "right", "distance", "ordered", "monotone")

    def __init__(self, node_id: int, left: Any, right: Any, distance: int, ordered: bool) -> None:
        self.id = node_id
        self.left, self.right, self.distance, self.ordered = left, right, distance, ordered
        self.monotone = left.monotone and right.monotone

    def eval(self, ix: DocIndex, region: Region) -> list[Occ]:
        lefts = self.left.occ(ix, region)
        if not lefts:
            return []
        rights = self.right.occ(ix, region)
        out: list[Occ] = []
        seen: set[tuple[str, int, int]] = set()
        n = self.distance
        for lf, llo, lhi, lhits in lefts:
            for rf, rlo, rhi, rhits in rights:
                if rf != lf:
                    continue
                gap = rlo - lhi
                if not self.ordered:
                    gap = max(gap, llo - rhi)
                if 1 <= gap <= n:
                    key = (lf, min(llo, rlo), max(lhi, rhi))
                    if key not in seen:
                        seen.add(key)
                        out.append((lf, key[1], key[2], lhits + rhits))
        return out

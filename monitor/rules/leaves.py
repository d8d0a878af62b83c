"""The matchers that look at the document itself: words and phrases, regexes,
`lang:` and `tag:`.  `occ(ix, region)` returns the leaf's occurrences (sorted
by field and first token), restricted to `region` by binary search."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from heapq import merge
from typing import Any, Sequence

from monitor.rules.docindex import TEXT_FIELDS, DocIndex, Hit, Occ, Region
from monitor.rules.patterns import WordPattern
from monitor.rules.regexspans import regex_spans
from monitor.rules.tokens import tokenize


class Leaf:
    """Base of the leaf matchers; whole-document occurrences are cached per document."""

    __slots__ = ("id", "fields", "meta")
    # What the presearch looks for in the title and text (WordLeaf's; None:
    # nothing).  Composites skip a leaf whose literal the scan did not see.
    literal: str | None = None

    def __init__(self, leaf_id: int, fields: tuple[str, ...]) -> None:
        self.id = leaf_id
        self.fields = fields
        self.meta = not set(fields) <= set(TEXT_FIELDS)  # document-level: ignores regions

    def _by_field(self, ix: DocIndex, occs: list[Occ]) -> dict[str, tuple[list[Occ], list[int]]]:
        """The occurrences per field with their first tokens, for binary search
        (built the first time a region asks)."""
        key = ("by-field", self.id)
        by_field = ix.cache.get(key)  # type: ignore[call-overload]
        if by_field is None:
            by_field = {}
            for occ in occs:
                lst = by_field.setdefault(occ[0], ([], []))
                lst[0].append(occ)
                lst[1].append(occ[1])
            ix.cache[key] = by_field  # type: ignore[index]
        return by_field  # type: ignore[no-any-return]

    def occ(self, ix: DocIndex, region: Region) -> list[Occ]:
        occs = ix.cache.get(self.id)
        if occs is None:
            occs = ix.cache[self.id] = self.find(ix)
        if region is None or self.meta or not occs:
            return occs  # type: ignore[no-any-return]
        by_field = self._by_field(ix, occs)
        out: list[Occ] = []
        for field, lo, hi in region:
            entry = by_field.get(field)
            if entry is None:
                continue
            in_field, firsts = entry
            a, b = bisect_left(firsts, lo), bisect_right(firsts, hi)
            ix.meter.tick(1 + b - a)
            out.extend(o for o in in_field[a:b] if o[2] <= hi)
        return out

    def find(self, ix: DocIndex) -> list[Occ]:
        raise NotImplementedError

    def leaves(self) -> list[Leaf]:
        return [self]


def _starts(ix: DocIndex, field: str, first: WordPattern) -> list[int] | Any:
    post = ix.postings(field)
    if first.literal:
        return post.get(first.text, ())
    keys = [k for k in ix.vocabulary(field, first.prefix) if first.matches(k)]
    if len(keys) == 1:
        return post[keys[0]]
    return list(merge(*(post[k] for k in keys)))


class WordLeaf(Leaf):
    """A word, phrase, wildcard or =Exact term in title/text (or url/source)."""

    __slots__ = ("words", "exact", "literal")

    def __init__(self, leaf_id: int, fields: tuple[str, ...], words: Sequence[WordPattern],
                 exact: bool, literal: str | None) -> None:
        super().__init__(leaf_id, fields)
        self.words, self.exact = tuple(words), exact
        # What the presearch looks for in the title and text (None: nothing to
        # look for, or a url:/source: term).
        self.literal = None if self.meta else literal

    def find(self, ix: DocIndex) -> list[Occ]:
        if self.literal is not None and ix.present is not None and self.literal not in ix.present:
            return []  # the presearch saw no such words: nothing to look for
        out: list[Occ] = []
        n = len(self.words)
        rest = self.words[1:]
        for field in self.fields:
            toks = ix.tokens(field)
            norms, raws, count = toks.norms, toks.raws, len(toks.norms)
            starts = _starts(ix, field, self.words[0])
            ix.meter.tick(len(starts))
            for i in starts:
                if i + n > count:
                    break
                if rest and not all(w.matches(norms[i + k]) for k, w in enumerate(rest, 1)):
                    continue
                if self.exact and not all(w.matches_raw(raws[i + k])
                                          for k, w in enumerate(self.words)):
                    continue
                hit: Hit = (self.id, field, i, i + n - 1, toks.starts[i], toks.ends[i + n - 1])
                out.append((field, i, i + n - 1, (hit,)))
        return out


class RegexLeaf(Leaf):
    """/regex/ on RE2 over the original field text (case-insensitive); every
    hit is kept.  The matches' tokens are found in bulk (numpy binary searches
    over the token offsets), not one match at a time."""

    __slots__ = ("regex",)

    def __init__(self, leaf_id: int, fields: tuple[str, ...], regex: Any) -> None:
        super().__init__(leaf_id, fields)
        self.regex = regex

    def find(self, ix: DocIndex) -> list[Occ]:
        out: list[Occ] = []
        leaf = self.id
        for field in self.fields:
            toks = ix.tokens(field)
            if not len(toks):
                continue
            starts, ends = regex_spans(self.regex, toks.text, ix.meter.tick)
            if not starts:
                continue
            import numpy as np  # loaded by the first regex match, not with the rules

            tok_starts, tok_ends = ix.token_offsets(field)
            los = np.minimum(np.searchsorted(tok_ends, starts, "right"), len(toks) - 1)
            his = np.maximum(np.searchsorted(tok_starts, ends, "left") - 1, los)
            out += [(field, lo, hi, ((leaf, field, lo, hi, start, end),))
                    for lo, hi, start, end in zip(los.tolist(), his.tolist(), starts, ends)]
        return out


class MetaLeaf(Leaf):
    """lang: (the document language) and tag: (a whole feed tag)."""

    __slots__ = ("words",)

    def __init__(self, leaf_id: int, field: str, words: Sequence[WordPattern]) -> None:
        super().__init__(leaf_id, (field,))
        self.words = tuple(words)

    def find(self, ix: DocIndex) -> list[Occ]:
        field = self.fields[0]
        values = (ix.doc.lang,) if field == "lang" else ix.doc.tags
        out: list[Occ] = []
        for n, value in enumerate(values):
            norms = tokenize(value).norms
            if len(norms) == len(self.words) and all(w.matches(t) for w, t in zip(self.words, norms)):
                out.append((field, n, n, ((self.id, field, n, n, 0, len(value)),)))
        return out

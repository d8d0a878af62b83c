"""One document, tokenised once per match call, with lazily built postings.

A `Hit` is one leaf match: (leaf id, field, first token, last token, char
start, char end).  An `Occ` (occurrence) is what a query node yields: (field,
first token, last token, hits).  Lists of them are "true" when non-empty.
A `Region` restricts a node to token ranges: a tuple of (field, first, last)
(one sentence or paragraph; the lead is the title and the text's first words);
None is the whole title and text.

Every loop over the document's tokens or occurrences counts its steps on the
`Meter`, which also enforces the caller's deadline.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from typing import Any

from monitor.errors import MatchTimeout
from monitor.rules.tokens import Tokens, tokenize
from monitor.types import Document

Hit = tuple[int, str, int, int, int, int]
Occ = tuple[str, int, int, tuple[Hit, ...]]
Range = tuple[str, int, int]
Region = tuple[Range, ...] | None
TEXT_FIELDS = ("title", "text")
CHECK_EVERY = 4096  # operations between two looks at the clock


class Meter:
    """Counts matching operations; past `deadline` (time.monotonic()) raises MatchTimeout."""

    __slots__ = ("ops", "deadline", "_next")

    def __init__(self, deadline: float | None = None) -> None:
        self.ops = 0
        self.deadline = deadline
        self._next = CHECK_EVERY

    def tick(self, n: int = 1) -> None:
        self.ops += n
        if self.ops >= self._next:
            self._next = self.ops + CHECK_EVERY
            if self.deadline is not None and time.monotonic() > self.deadline:
                raise MatchTimeout(f"matching timed out after {self.ops:,} operations")


def intersect(a: Region, b: Region) -> Region:
    """The token ranges in both regions (None: everything)."""
    if a is None:
        return b
    if b is None:
        return a
    out = []
    for fa, loa, hia in a:
        for fb, lob, hib in b:
            if fa == fb and max(loa, lob) <= min(hia, hib):
                out.append((fa, max(loa, lob), min(hia, hib)))
    return tuple(out)


class DocIndex:
    def __init__(self, doc: Document, meter: Meter | None = None) -> None:
        self.doc = doc
        self.meter = meter or Meter()
        self._tokens: dict[str, Tokens] = {}
        self._postings: dict[str, dict[str, list[int]]] = {}
        self._vocab: dict[str, list[str]] = {}
        self.cache: dict[int, Any] = {}  # node id -> its occurrences in this document
        # Presearch literals found in the title or text; when set, a word leaf
        # whose literal is not in it has no occurrence (None: unknown, look).
        self.present: set[str] | None = None

    def found_literals(self, literals: set[str]) -> None:
        """The presearch's literals present in this document (the verify step skips the absent)."""
        self.present = literals

    def matching_done(self) -> None:
        """What is looked up from now on (a match explained later) is outside
        the matching deadline and its count of operations."""
        self.meter = Meter()

    def tokens(self, field: str) -> Tokens:
        toks = self._tokens.get(field)
        if toks is None:
            self.meter.tick(1 + len(getattr(self.doc, field)) // 8)
            toks = self._tokens[field] = tokenize(getattr(self.doc, field))
            self.meter.tick(len(toks))
        return toks

    def token_offsets(self, field: str) -> tuple[Any, Any]:
        """(starts, ends) of the field's tokens as numpy arrays, for bulk binary search."""
        key = ("offsets", field)
        found = self.cache.get(key)  # type: ignore[call-overload]
        if found is None:
            import numpy as np  # only a regex term uses it: not loaded with the rules (idle `once`)

            toks = self.tokens(field)
            found = self.cache[key] = (np.array(toks.starts), np.array(toks.ends))  # type: ignore[index]
        return found  # type: ignore[no-any-return]

    def presearch_text(self, field: str) -> str:
        """Normalised words separated by single spaces, padded, for Aho-Corasick."""
        return " " + " ".join(self.tokens(field).norms) + " "

    def postings(self, field: str) -> dict[str, list[int]]:
        post = self._postings.get(field)
        if post is None:
            post = {}
            norms = self.tokens(field).norms
            self.meter.tick(len(norms))
            for i, norm in enumerate(norms):
                lst = post.get(norm)
                if lst is None:
                    post[norm] = [i]
                else:
                    lst.append(i)
            self._postings[field] = post
        return post

    def vocabulary(self, field: str, prefix: str) -> list[str]:
        """The distinct normalised words of `field` starting with `prefix`, sorted."""
        vocab = self._vocab.get(field)
        if vocab is None:
            vocab = self._vocab[field] = sorted(self.postings(field))
            self.meter.tick(len(vocab))
        if not prefix:
            self.meter.tick(len(vocab))
            return vocab
        out = []
        for k in range(bisect_left(vocab, prefix), len(vocab)):
            if not vocab[k].startswith(prefix):
                break
            out.append(vocab[k])
        self.meter.tick(1 + len(out))
        return out

    def field_text(self, field: str, index: int = 0) -> str:
        if field == "tag":
            return self.doc.tags[index] if index < len(self.doc.tags) else ""
        return str(getattr(self.doc, field))

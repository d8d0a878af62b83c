"""One document, tokenised once per match call, with lazily built postings.

A `Hit` is one leaf match: (leaf id, field, first token, last token, char
start, char end).  An `Occ` (occurrence) is what a query node yields: (field,
first token, last token, hits).  Lists of them are "true" when non-empty.
"""

from __future__ import annotations

import re
from typing import Any

from monitor.rules.tokens import Tokens, tokenize
from monitor.types import Document

Hit = tuple[int, str, int, int, int, int]
Occ = tuple[str, int, int, tuple[Hit, ...]]
Region = tuple[str, int, int] | None
TEXT_FIELDS = ("title", "text")
_COLLAPSIBLE = re.compile(r"\s{2,}|[^\S ]")  # whitespace runs other than one space


class DocIndex:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._tokens: dict[str, Tokens] = {"title": tokenize(doc.title),
                                           "text": tokenize(doc.text)}
        self._postings: dict[str, dict[str, list[int]]] = {}
        self.cache: dict[int, Any] = {}  # leaf id -> its occurrences in this document
        # Presearch literals found in the title or text; when set, a word leaf
        # whose literal is not in it has no occurrence (None: unknown, look).
        self.present: set[str] | None = None
        self.evidence_memo: dict[tuple[str, Hit], Any] = {}  # (label, hit) -> Evidence
        self._runs: dict[str, tuple[list[int], list[int]]] = {}

    def tokens(self, field: str) -> Tokens:
        toks = self._tokens.get(field)
        if toks is None:
            toks = self._tokens[field] = tokenize(getattr(self.doc, field))
        return toks

    def presearch_text(self, field: str) -> str:
        """Normalised words separated by single spaces, padded, for Aho-Corasick."""
        return " " + " ".join(self.tokens(field).norms) + " "

    def postings(self, field: str) -> dict[str, list[int]]:
        post = self._postings.get(field)
        if post is None:
            post = {}
            for i, norm in enumerate(self.tokens(field).norms):
                lst = post.get(norm)
                if lst is None:
                    post[norm] = [i]
                else:
                    lst.append(i)
            self._postings[field] = post
        return post

    def whitespace_runs(self, field: str) -> tuple[list[int], list[int]]:
        """(starts, ends) of the whitespace runs in `field` other than one space:
        where a snippet collapses whitespace."""
        runs = self._runs.get(field)
        if runs is None:
            text = self.field_text(field)
            runs = self._runs[field] = ([m.start() for m in _COLLAPSIBLE.finditer(text)],
                                        [m.end() for m in _COLLAPSIBLE.finditer(text)])
        return runs

    def field_text(self, field: str, index: int = 0) -> str:
        if field == "tag":
            return self.doc.tags[index] if index < len(self.doc.tags) else ""
        return str(getattr(self.doc, field))

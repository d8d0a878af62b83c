"""Occurrences of a matched rule -> Evidence, distinct terms and a snippet,
built when a Match is first read (RuleSet.match makes its matches lazy with
an `Explainer`: matching only keeps the rule's occurrences)."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any, Mapping

from monitor.rules.docindex import TEXT_FIELDS, DocIndex, Hit, Occ
from monitor.types import Document, Evidence, Explanation, Snippet

SNIPPET_CHARS = 200
MAX_EVIDENCE = 100
_FIELD_ORDER = {"title": 0, "text": 1, "url": 2, "source": 3, "lang": 4, "tag": 5}
_COLLAPSIBLE = re.compile(r"\s{2,}|[^\S ]")  # whitespace runs other than one space


class Explainer:
    """Explains the matches of one document: `explain(occs, labels)`.
    Evidence objects and whitespace runs are shared by all its matches."""

    __slots__ = ("doc", "memo", "_runs", "_texts", "_done")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.memo: dict[tuple[str, Hit], Piece] = {}  # (label, hit) -> its evidence
        self._runs: dict[str, tuple[list[int], list[int]]] = {}
        self._texts: dict[str, str] = {}
        # the same evidence (pieces are shared, so their ids) -> its explanation
        self._done: dict[tuple[int, ...], Explanation] = {}

    def explain(self, occs: list[Occ], labels: Mapping[int, str]) -> Explanation:
        """(terms, evidence, snippet) of a rule matched with occurrences `occs`."""
        pieces = evidence(self, occs, labels)
        key = tuple(map(id, pieces))
        done = self._done.get(key)
        if done is None:
            done = self._done[key] = (distinct_terms(pieces), tuple(p[6] for p in pieces),
                                      snippet(self, pieces))
        return done

    def explain_present(self, ix: DocIndex, node: Any, labels: Mapping[int, str]) -> Explanation:
        """explain() for a match the presearch's literals decided (monitor.rules.
        presence): its evidence is every hit of its positive leaves whose
        literal was seen (what its occurrences would hold), each leaf's hits
        looked up now and shared through `ix` with the other matches."""
        present = ix.present or ()
        occs = [occ for leaf in node.leaves() if leaf.literal in present
                for occ in leaf.occ(ix, None)]
        return self.explain(occs, labels)

    def field_text(self, field: str, index: int = 0) -> str:
        if field == "tag":
            return self.doc.tags[index] if index < len(self.doc.tags) else ""
        text = self._texts.get(field)
        if text is None:
            text = self._texts[field] = str(getattr(self.doc, field))
        return text

    def whitespace_runs(self, field: str) -> tuple[list[int], list[int]]:
        """(starts, ends) of the whitespace runs in `field` other than one space:
        where a snippet collapses whitespace."""
        runs = self._runs.get(field)
        if runs is None:
            found = list(_COLLAPSIBLE.finditer(self.field_text(field)))
            runs = self._runs[field] = ([m.start() for m in found], [m.end() for m in found])
        return runs


# One piece of evidence with what explaining compares, made once per document
# and place: (field, start, end, term, found casefolded, found folded as a
# distinct term, the Evidence).
Piece = tuple[str, int, int, str, str, str, Evidence]


def piece(ev: Evidence) -> Piece:
    return (ev.field, ev.start, ev.end, ev.term, ev.found.casefold(), _folded(ev.found), ev)


def evidence(ex: Explainer, occs: list[Occ], labels: Mapping[int, str]) -> list[Piece]:
    """The rule's evidence in document order (at most MAX_EVIDENCE places)."""
    hits: dict[tuple[int, int, int], Hit] = {}  # (field order, start, end): first hit there
    for occ in occs:
        for hit in occ[3]:
            key = (_FIELD_ORDER[hit[1]], hit[4], hit[5])
            if key not in hits:
                hits[key] = hit
    memo = ex.memo  # shared by every match of the document
    out = []
    for key in sorted(hits)[:MAX_EVIDENCE]:
        hit = hits[key]
        label = labels.get(hit[0], "?")
        found = memo.get((label, hit))
        if found is None:
            _leaf, field, lo, _hi, start, end = hit
            text = ex.field_text(field, lo)
            found = memo[(label, hit)] = piece(Evidence(term=label, found=text[start:end], field=field,
                                                        start=start, end=end, word=lo))
        out.append(found)
    return out


def distinct_terms(pieces: list[Piece]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for p in pieces:
        if p[5] not in seen:
            seen[p[5]] = p[6].found
    return tuple(seen.values())


def _folded(found: str) -> str:
    return " ".join(found.casefold().split()) if not found.isascii() or " " in found or \
        not found.isalnum() else found.lower()


def _score(inside: list[Piece]) -> tuple[int, int]:
    """Distinct query terms covered, then distinct words found."""
    return len({p[3] for p in inside}), len({p[4] for p in inside})


Window = tuple[int, int, list[Piece], tuple[int, int]]  # start, end, inside, score


def _best_window(pieces: list[Piece]) -> Window:
    """The earliest run of evidence (of one field, in order) fitting in
    SNIPPET_CHARS with the best _score."""
    ends = [p[2] for p in pieces]
    if ends != sorted(ends):
        return _best_window_any(pieces)
    if ends[-1] - pieces[0][1] <= SNIPPET_CHARS:  # all in the first window
        return pieces[0][1], ends[-1], pieces, _score(pieces)
    return _best_window_sorted(pieces, ends)


def _best_window_sorted(pieces: list[Piece], ends: list[int]) -> Window:
    """_best_window when ends are sorted too (no evidence spans another): each
    window is a run pieces[i:k], scored with running counts (linear, not quadratic)."""
    top = _score(pieces)  # no window can score more than all the evidence
    terms: dict[str, int] = {}
    words: dict[str, int] = {}
    best: tuple[int, int] = (-1, -1)
    pick = (0, 0, 0, 1)
    k, n = 0, len(pieces)
    for i, first in enumerate(pieces):
        if k <= i:
            k = i
        limit = first[1] + SNIPPET_CHARS
        while k < n and ends[k] <= limit:
            term, word = pieces[k][3], pieces[k][4]
            terms[term] = terms.get(term, 0) + 1
            words[word] = words.get(word, 0) + 1
            k += 1
        score = (len(terms), len(words)) if k > i else (1, 1)
        if score > best:
            best = score
            pick = (first[1], ends[k - 1] if k > i else first[2], i, max(k, i + 1))
            if best == top:  # the earliest window with every term: later ones only tie
                break
        if k > i:  # pieces[i] leaves the window
            t, w = first[3], first[4]
            terms[t] -= 1
            if not terms[t]:
                del terms[t]
            words[w] -= 1
            if not words[w]:
                del words[w]
    start, end, lo, hi = pick
    return start, end, pieces[lo:hi], best


def _best_window_any(pieces: list[Piece]) -> Window:
    best: tuple[int, int] = (-1, -1)
    pick: Window = (0, 0, pieces[:1], best)
    for i, first in enumerate(pieces):
        inside = [p for p in pieces[i:] if p[2] - first[1] <= SNIPPET_CHARS] or [first]
        score = _score(inside)
        if score > best:
            best = score
            pick = (first[1], max(p[2] for p in inside), inside, score)
    return pick


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    pad = max(SNIPPET_CHARS - (end - start), 0)
    lo = max(0, start - pad // 2)
    hi = min(len(text), end + (pad - (start - lo)))
    lo = max(0, min(lo, hi - SNIPPET_CHARS))
    if lo > 0:  # start and end on word boundaries
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    return lo, hi


def snippet(ex: Explainer, pieces: list[Piece]) -> Snippet:
    best: tuple[tuple[int, int, int], str, int, int, list[Piece]] | None = None
    for rank, field in enumerate(TEXT_FIELDS):
        in_field = [p for p in pieces if p[0] == field]
        if not in_field:
            continue
        start, end, _inside, window_score = _best_window(in_field)
        score = (*window_score, rank)  # ties go to the text
        if best is None or score > best[0]:
            best = (score, field, start, end, in_field)
    if best is None:
        title = ex.doc.title or ex.doc.text
        return Snippet(" ".join(title[:SNIPPET_CHARS].split()))
    _, field, start, end, in_field = best
    text = ex.field_text(field)
    lo, hi = _widen(text, start, end)
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    spans = [(p[1] - lo, p[2] - lo) for p in in_field if p[1] >= lo and p[2] <= hi]
    body, marks = _collapse(text, lo, hi, ex.whitespace_runs(field), spans)
    return Snippet(prefix + body + suffix,
                   tuple((a + len(prefix), b + len(prefix)) for a, b in marks))


def _collapse(text: str, lo: int, hi: int, runs: tuple[list[int], list[int]],
              spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """text[lo:hi] with whitespace runs (line and paragraph breaks) -> one space,
    spans (relative to lo) moved along.  `runs`: Explainer.whitespace_runs."""
    run_starts, run_ends = runs
    i = bisect_right(run_ends, lo)  # the first run ending after lo
    out: list[str] = []
    cut_ends: list[int] = []  # where each collapsed run ends, relative to lo
    removed: list[int] = []  # characters removed up to and including that run
    pos, total = lo, 0
    while i < len(run_starts) and run_starts[i] < hi:
        a, b = max(run_starts[i], lo), min(run_ends[i], hi)
        i += 1
        if b - a == 1 and text[a] == " ":  # a run cut down to one space by the window
            continue
        out += [text[pos:a], " "]
        total += b - a - 1
        cut_ends.append(b - lo)
        removed.append(total)
        pos = b
    if not out:
        return text[lo:hi], spans
    out.append(text[pos:hi])

    def moved(offset: int) -> int:
        k = bisect_right(cut_ends, offset)
        return offset - (removed[k - 1] if k else 0)

    return "".join(out), [(moved(a), moved(b)) for a, b in spans]

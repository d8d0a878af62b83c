"""Occurrences of a matched rule -> Evidence, distinct terms and a snippet,
built when a Match is first read (RuleSet.match makes its matches lazy with
an `Explainer`: matching only keeps the rule's occurrences)."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Mapping

from monitor.rules.docindex import TEXT_FIELDS, Hit, Occ
from monitor.types import Document, Evidence, Explanation, Snippet

SNIPPET_CHARS = 200
MAX_EVIDENCE = 100
_FIELD_ORDER = {"title": 0, "text": 1, "url": 2, "source": 3, "lang": 4, "tag": 5}
_COLLAPSIBLE = re.compile(r"\s{2,}|[^\S ]")  # whitespace runs other than one space


class Explainer:
    """Explains the matches of one document: `explain(occs, labels)`.
    Evidence objects and whitespace runs are shared by all its matches."""

    __slots__ = ("doc", "memo", "_runs")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.memo: dict[tuple[str, Hit], Evidence] = {}  # (label, hit) -> Evidence
        self._runs: dict[str, tuple[list[int], list[int]]] = {}

    def explain(self, occs: list[Occ], labels: Mapping[int, str]) -> Explanation:
        """(terms, evidence, snippet) of a rule matched with occurrences `occs`."""
        evs = evidence(self, occs, labels)
        return distinct_terms(evs), evs, snippet(self, evs)

    def field_text(self, field: str, index: int = 0) -> str:
        if field == "tag":
            return self.doc.tags[index] if index < len(self.doc.tags) else ""
        return str(getattr(self.doc, field))

    def whitespace_runs(self, field: str) -> tuple[list[int], list[int]]:
        """(starts, ends) of the whitespace runs in `field` other than one space:
        where a snippet collapses whitespace."""
        runs = self._runs.get(field)
        if runs is None:
            found = list(_COLLAPSIBLE.finditer(self.field_text(field)))
            runs = self._runs[field] = ([m.start() for m in found], [m.end() for m in found])
        return runs


def evidence(ex: Explainer, occs: list[Occ], labels: Mapping[int, str]) -> tuple[Evidence, ...]:
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
        ev = memo.get((label, hit))
        if ev is None:
            _leaf, field, lo, _hi, start, end = hit
            text = ex.field_text(field, lo)
            ev = memo[(label, hit)] = Evidence(term=label, found=text[start:end], field=field,
                                               start=start, end=end, word=lo)
        out.append(ev)
    return tuple(out)


def distinct_terms(evs: tuple[Evidence, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for ev in evs:
        seen.setdefault(_folded(ev.found), ev.found)
    return tuple(seen.values())


def _folded(found: str) -> str:
    return " ".join(found.casefold().split()) if not found.isascii() or " " in found or \
        not found.isalnum() else found.lower()


def _score(inside: list[Evidence]) -> tuple[int, int]:
    """Distinct query terms covered, then distinct words found."""
    return len({e.term for e in inside}), len({e.found.casefold() for e in inside})


Window = tuple[int, int, list[Evidence], tuple[int, int]]  # start, end, inside, score


def _best_window(evs: list[Evidence]) -> Window:
    """The earliest run of evidence fitting in SNIPPET_CHARS with the best _score."""
    ends = [e.end for e in evs]
    if any(a > b for a, b in zip(ends, ends[1:])):
        return _best_window_any(evs)
    return _best_window_sorted(evs, ends)


def _best_window_sorted(evs: list[Evidence], ends: list[int]) -> Window:
    """_best_window when ends are sorted too (no evidence spans another): each
    window is a run evs[i:k], scored with running counts (linear, not quadratic)."""
    top = _score(evs)  # no window can score more than all the evidence
    if ends[-1] - evs[0].start <= SNIPPET_CHARS:  # all in the first window
        return evs[0].start, ends[-1], evs, top
    terms: dict[str, int] = {}
    words: dict[str, int] = {}
    folded = [e.found.casefold() for e in evs]
    best: tuple[int, int] = (-1, -1)
    pick = (0, 0, 0, 1)
    k, n = 0, len(evs)
    for i, first in enumerate(evs):
        if k <= i:
            k = i
        limit = first.start + SNIPPET_CHARS
        while k < n and ends[k] <= limit:
            terms[evs[k].term] = terms.get(evs[k].term, 0) + 1
            words[folded[k]] = words.get(folded[k], 0) + 1
            k += 1
        score = (len(terms), len(words)) if k > i else (1, 1)
        if score > best:
            best = score
            pick = (first.start, ends[k - 1] if k > i else first.end, i, max(k, i + 1))
            if best == top:  # the earliest window with every term: later ones only tie
                break
        if k > i:  # evs[i] leaves the window
            t, w = first.term, folded[i]
            terms[t] -= 1
            if not terms[t]:
                del terms[t]
            words[w] -= 1
            if not words[w]:
                del words[w]
    start, end, lo, hi = pick
    return start, end, evs[lo:hi], best


def _best_window_any(evs: list[Evidence]) -> Window:
    best: tuple[int, int] = (-1, -1)
    pick: Window = (0, 0, evs[:1], best)
    for i, first in enumerate(evs):
        inside = [e for e in evs[i:] if e.end - first.start <= SNIPPET_CHARS] or [first]
        score = _score(inside)
        if score > best:
            best = score
            pick = (first.start, max(e.end for e in inside), inside, score)
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


def snippet(ex: Explainer, evs: tuple[Evidence, ...]) -> Snippet:
    best: tuple[tuple[int, int, int], str, int, int] | None = None
    for rank, field in enumerate(TEXT_FIELDS):
        in_field = [e for e in evs if e.field == field]
        if not in_field:
            continue
        start, end, _inside, window_score = _best_window(in_field)
        score = (*window_score, rank)  # ties go to the text
        if best is None or score > best[0]:
            best = (score, field, start, end)
    if best is None:
        title = ex.doc.title or ex.doc.text
        return Snippet(" ".join(title[:SNIPPET_CHARS].split()))
    _, field, start, end = best
    text = ex.field_text(field)
    lo, hi = _widen(text, start, end)
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    spans = [(e.start - lo, e.end - lo) for e in evs
             if e.field == field and e.start >= lo and e.end <= hi]
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

"""Occurrences of a matched rule -> Evidence, distinct terms and a snippet."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Mapping

from monitor.rules.docindex import TEXT_FIELDS, DocIndex, Hit, Occ
from monitor.types import Evidence, Snippet

SNIPPET_CHARS = 200
MAX_EVIDENCE = 100
_WHITESPACE = re.compile(r"\s+")
_FIELD_ORDER = {"title": 0, "text": 1, "url": 2, "source": 3, "lang": 4, "tag": 5}


def evidence(ix: DocIndex, occs: list[Occ], labels: Mapping[int, str]) -> tuple[Evidence, ...]:
    hits: dict[tuple[str, int, int], Hit] = {}
    for occ in occs:
        for hit in occ[3]:
            hits.setdefault((hit[1], hit[4], hit[5]), hit)
    ordered = sorted(hits.values(), key=lambda h: (_FIELD_ORDER.get(h[1], 9), h[4], h[5]))
    out = []
    for leaf, field, lo, _hi, start, end in ordered[:MAX_EVIDENCE]:
        text = ix.field_text(field, lo)
        out.append(Evidence(term=labels.get(leaf, "?"), found=text[start:end], field=field,
                            start=start, end=end, word=lo))
    return tuple(out)


def distinct_terms(evs: tuple[Evidence, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for ev in evs:
        seen.setdefault(" ".join(ev.found.casefold().split()), ev.found)
    return tuple(seen.values())


def _score(inside: list[Evidence]) -> tuple[int, int]:
    """Distinct query terms covered, then distinct words found."""
    return len({e.term for e in inside}), len({e.found.casefold() for e in inside})


def _best_window(evs: list[Evidence]) -> tuple[int, int, list[Evidence]]:
    """The earliest run of evidence fitting in SNIPPET_CHARS with the best _score."""
    best: tuple[int, int] = (-1, -1)
    pick = (0, 0, evs[:1])
    for i, first in enumerate(evs):
        inside = [e for e in evs[i:] if e.end - first.start <= SNIPPET_CHARS] or [first]
        score = _score(inside)
        if score > best:
            best = score
            pick = (first.start, max(e.end for e in inside), inside)
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


def snippet(ix: DocIndex, evs: tuple[Evidence, ...]) -> Snippet:
    best: tuple[tuple[int, int, int], str, int, int, list[Evidence]] | None = None
    for rank, field in enumerate(TEXT_FIELDS):
        in_field = [e for e in evs if e.field == field]
        if not in_field:
            continue
        start, end, inside = _best_window(in_field)
        score = (*_score(inside), rank)  # ties go to the text
        if best is None or score > best[0]:
            best = (score, field, start, end, inside)
    if best is None:
        title = ix.doc.title or ix.doc.text
        return Snippet(" ".join(title[:SNIPPET_CHARS].split()))
    _, field, start, end, inside = best
    text = ix.field_text(field)
    lo, hi = _widen(text, start, end)
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    spans = [(e.start - lo, e.end - lo) for e in evs
             if e.field == field and e.start >= lo and e.end <= hi]
    body, marks = _collapse(text[lo:hi], spans)
    return Snippet(prefix + body + suffix,
                   tuple((a + len(prefix), b + len(prefix)) for a, b in marks))


def _collapse(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Whitespace runs (line and paragraph breaks) -> one space, spans moved along."""
    out: list[str] = []
    cut_ends: list[int] = []  # where each collapsed run ends in `text`
    removed: list[int] = []  # characters removed up to and including that run
    pos = total = 0
    for run in _WHITESPACE.finditer(text):
        if run.group() == " ":
            continue
        out += [text[pos:run.start()], " "]
        total += len(run.group()) - 1
        cut_ends.append(run.end())
        removed.append(total)
        pos = run.end()
    out.append(text[pos:])

    def moved(offset: int) -> int:
        k = bisect_right(cut_ends, offset)
        return offset - (removed[k - 1] if k else 0)

    return "".join(out), [(moved(a), moved(b)) for a, b in spans]

"""Text -> normalised word tokens, the same way for documents and query terms.

The text is first normalised as a whole (monitor.rules.textnorm: NFKC, format
characters dropped, ʼ read as an apostrophe), then split into words: letters,
digits and combining marks; hyphens, apostrophes and other punctuation split
words; a possessive `'s` / `’s` is dropped ("China’s" -> "china").  Each word
is folded by `normalize_word` (case, accents, stroke letters, Arabic marks).
Scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar)
become one token per character, so a term written in them matches as a
substring.  Offsets always point into the original text.  Sentences and
paragraphs: monitor.rules.sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import TypeVar

from monitor.rules.hangul import NOSPACE, NOSPACE_RE
from monitor.rules.sentences import STOPS, breaks
from monitor.rules.textnorm import OffsetMap, normalize_text, normalize_word, odd_chars
from monitor.rules.unicode_tables import MARK

T = TypeVar("T")

_SPLIT_RE = re.compile(f"((?:[^\\W_]|{MARK})+)")
_PLAIN_SPLIT_RE = re.compile(r"([^\W_]+)")
_MARK_RE = re.compile(MARK)
_PIECE_RE = re.compile(f"[{NOSPACE}]{MARK}*|(?:(?![{NOSPACE}])[^\\W_]|{MARK})+")
_BREAK_RE = re.compile("[" + re.escape(STOPS) + "\n]")
_POSSESSIVE_RE = re.compile("['’‘`´][sS](?![^\\W_])")

__all__ = ["Tokens", "normalize_word", "term_tokens", "tokenize"]


@dataclass(frozen=True)
class Tokens:
    """The tokens of one field.  Lists are parallel, one entry per token."""

    text: str
    norms: tuple[str, ...]  # normalised form, what matching compares
    raws: tuple[str, ...]  # NFKC form with case and accents, for =Term
    starts: tuple[int, ...]  # character offsets in `text`
    ends: tuple[int, ...]
    sentences: tuple[tuple[int, int], ...]  # (first, last) token index of each sentence
    paragraphs: tuple[tuple[int, int], ...]

    def __len__(self) -> int:
        return len(self.norms)


def _words(clean: str, odd: str) -> tuple[list[str], list[int], list[int]]:
    """(words, starts, ends) in the normalised text; `odd`: odd_chars(clean)."""
    parts = (_SPLIT_RE if _MARK_RE.search(odd) else _PLAIN_SPLIT_RE).split(clean)
    if len(parts) == 1:
        return [], [], []
    bounds = list(accumulate(map(len, parts)))
    words, starts, ends = parts[1::2], bounds[0:-1:2], bounds[1::2]
    if not NOSPACE_RE.search(odd):
        return words, starts, ends
    out_w: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    for word, start, end in zip(words, starts, ends):
        if NOSPACE_RE.search(word):
            for p in _PIECE_RE.finditer(word):
                out_w.append(p.group())
                out_s.append(start + p.start())
                out_e.append(start + p.end())
        else:
            out_w.append(word)
            out_s.append(start)
            out_e.append(end)
    return out_w, out_s, out_e


def _drop_possessives(clean: str, words: list[str], starts: list[int], ends: list[int]) -> None:
    """Drop the `s` of "China’s" (a lone s right after an apostrophe after a word)."""
    drop: set[int] = set()
    for m in _POSSESSIVE_RE.finditer(clean):
        i = bisect_left(starts, m.end() - 1)
        if 0 < i < len(words) and starts[i] == m.end() - 1 and i - 1 not in drop \
                and ends[i - 1] == m.start():
            drop.add(i)  # "x’s’s": once the first s is dropped, the second is a word
    if drop:
        cuts = sorted(drop)
        words[:], starts[:], ends[:] = _without(words, cuts), _without(starts, cuts), _without(ends, cuts)


def _without(items: list[T], cuts: list[int]) -> list[T]:
    """`items` without the positions `cuts` (sorted, not empty)."""
    kept = items[:cuts[0]]
    for k, i in enumerate(cuts):
        kept += items[i + 1:cuts[k + 1] if k + 1 < len(cuts) else len(items)]
    return kept


def _units(clean: str, raws: list[str], starts: list[int], ends: list[int]
           ) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    n = len(raws)
    sentences: list[tuple[int, int]] = []
    paragraphs: list[tuple[int, int]] = []
    sent_lo = para_lo = 0
    last = 0
    for m in _BREAK_RE.finditer(clean):
        j = bisect_right(starts, m.start())
        if j <= last or j >= n or j == 0:
            continue
        last = j
        sentence_break, para_break = breaks(clean[ends[j - 1]:starts[j]], raws[j - 1], raws[j])
        if sentence_break and j > sent_lo:
            sentences.append((sent_lo, j - 1))
            sent_lo = j
        if para_break and j > para_lo:
            paragraphs.append((para_lo, j - 1))
            para_lo = j
    if n:
        sentences.append((sent_lo, n - 1))
        paragraphs.append((para_lo, n - 1))
    return tuple(sentences), tuple(paragraphs)


def _mapped(omap: OffsetMap | None, starts: list[int], ends: list[int]
            ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if omap is None:
        return tuple(starts), tuple(ends)
    return tuple(map(omap.start, starts)), tuple(map(omap.end, ends))


def tokenize(text: str) -> Tokens:
    odd = odd_chars(text)
    clean, omap = normalize_text(text, odd)
    words, starts, ends = _words(clean, odd if omap is None else odd_chars(clean))
    if not words:
        return Tokens(text, (), (), (), (), (), ())
    _drop_possessives(clean, words, starts, ends)
    if clean.isascii():
        norms = [w.lower() for w in words]
    else:
        norms = [w.lower() if w.isascii() else normalize_word(w) for w in words]
    sentences, paragraphs = _units(clean, words, starts, ends)
    o_starts, o_ends = _mapped(omap, starts, ends)
    return Tokens(text, tuple(norms), tuple(words), o_starts, o_ends, sentences, paragraphs)


def term_tokens(term: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(normalised tokens, raw tokens) of a query term or phrase."""
    toks = tokenize(term)
    return toks.norms, toks.raws

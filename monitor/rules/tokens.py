"""Text -> normalised word tokens, the same way for documents and query terms.

Normalisation: Unicode NFKC, casefold, accents stripped (combining diacritics
only, so Japanese dakuten, Thai and Indic vowel signs stay), whole words;
hyphens, apostrophes and other punctuation split words; a possessive `'s` /
`’s` is dropped ("China’s" -> "china").  Scripts written without spaces
(Chinese, Japanese, Thai, Lao, Khmer, Myanmar) become one token per
character, so a term written in them matches as a substring.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from itertools import accumulate
from dataclasses import dataclass


def _mark_class() -> str:
    """A regex character class body of every combining mark in the BMP."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


_MARKS = _mark_class()
# Han, kana, CJK compatibility, halfwidth kana, Thai, Lao, Khmer, Myanmar.
_NOSPACE = ("\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
            "\uff66-\uff9f\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff\u1000-\u109f"
            "\U00020000-\U0002fa1f")
WORD_RE = re.compile(f"(?:[^\\W_]|[{_MARKS}])+")
_PIECE_RE = re.compile(f"[{_NOSPACE}][{_MARKS}]*|(?:(?![{_NOSPACE}])[^\\W_]|[{_MARKS}])+")
_NOSPACE_RE = re.compile(f"[{_NOSPACE}]")
_ACCENTS_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_APOSTROPHES = frozenset("'’ʼ‘`´")
_PARA_RE = re.compile(r"\n[ \t\r\f\v]*\n")
_SENTENCE_END = frozenset(".!?。！？…")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "sen", "rep",
                            "gov", "lt", "col", "sgt", "prof", "inc", "co", "corp", "ltd",
                            "vs", "no", "mt", "ft", "rev", "capt", "cmdr", "adm", "jan",
                            "feb", "aug", "sept", "oct", "nov", "dec"})


def normalize_word(word: str) -> str:
    """NFKC + casefold + accents stripped.  `normalize_word("Élysée") == "elysee"`"""
    if word.isascii():
        return word.lower()
    text = unicodedata.normalize("NFKC", word).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    if _ACCENTS_RE.search(decomposed):
        text = unicodedata.normalize("NFC", _ACCENTS_RE.sub("", decomposed))
    return text


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


def _pieces(word: str, start: int) -> list[tuple[str, int, int]]:
    """Split a run containing no-space script characters into per-character pieces."""
    return [(p.group(), start + p.start(), start + p.end()) for p in _PIECE_RE.finditer(word)]


def _breaks(gap: str, previous_norm: str) -> tuple[bool, bool]:
    """(sentence break, paragraph break) for the text between two tokens."""
    if "\n" in gap and _PARA_RE.search(gap):
        return True, True
    for i, ch in enumerate(gap):
        if ch in _SENTENCE_END:
            after = gap[i + 1:i + 2]
            cjk = ch in "。！？"
            if cjk or after == "" or after.isspace() or after in "\"'”’»)":
                if ch == "." and (previous_norm in _ABBREVIATIONS or len(previous_norm) == 1):
                    return False, False
                return True, False
    return False, False


def tokenize(text: str) -> Tokens:
    return _tokenize_general(text) if _NOSPACE_RE.search(text) else _tokenize_spaced(text)


def _tokenize_general(text: str) -> Tokens:
    """`tokenize` word by word: any script."""
    norms: list[str] = []
    raws: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    sentences: list[tuple[int, int]] = []
    paragraphs: list[tuple[int, int]] = []
    sent_lo = para_lo = 0
    prev_end = 0
    for match in WORD_RE.finditer(text):
        word = match.group()
        start = match.start()
        if word.isascii():
            pieces = ((word, start, match.end()),)
        elif _NOSPACE_RE.search(word):
            pieces = _pieces(word, start)  # type: ignore[assignment]
        else:
            pieces = ((word, start, match.end()),)
        for word, start, end in pieces:
            if word.isascii():
                norm = raw = word.lower()
                raw = word
            else:
                norm = normalize_word(word)
                raw = unicodedata.normalize("NFKC", word)
            if norms:
                if norm == "s" and ends[-1] == start - 1 and text[start - 1] in _APOSTROPHES:
                    continue  # possessive 's: "China’s" is "China"
                if start - prev_end != 1 or text[prev_end] != " ":
                    sentence_break, para_break = _breaks(text[prev_end:start], norms[-1])
                    index = len(norms)
                    if sentence_break and index > sent_lo:
                        sentences.append((sent_lo, index - 1))
                        sent_lo = index
                    if para_break and index > para_lo:
                        paragraphs.append((para_lo, index - 1))
                        para_lo = index
            norms.append(norm)
            raws.append(raw)
            starts.append(start)
            ends.append(end)
            prev_end = end
    if norms:
        sentences.append((sent_lo, len(norms) - 1))
        paragraphs.append((para_lo, len(norms) - 1))
    return Tokens(text, tuple(norms), tuple(raws), tuple(starts), tuple(ends),
                  tuple(sentences), tuple(paragraphs))


# WORD_RE capturing, for re.split: [gap, word, gap, ..., word, gap] in one C pass;
# the plain one (no combining marks) is twice as fast, for text that has none.
_SPLIT_RE = re.compile(f"((?:[^\\W_]|[{_MARKS}])+)")
_PLAIN_SPLIT_RE = re.compile(r"([^\W_]+)")
_MARK_RE = re.compile(f"[{_MARKS}]")


def _tokenize_spaced(text: str) -> Tokens:
    """`tokenize` for text without no-space scripts: the same tokens, with the
    per-word loop replaced by comprehensions; only the gaps that are not a
    single space are looked at for sentence and paragraph breaks."""
    parts = (_SPLIT_RE if _MARK_RE.search(text) else _PLAIN_SPLIT_RE).split(text)
    if len(parts) == 1:
        return Tokens(text, (), (), (), (), (), ())
    bounds = list(accumulate(map(len, parts)))  # where each part ends
    words = parts[1::2]
    starts, ends = bounds[0:-1:2], bounds[1::2]
    if text.isascii():
        raws, norms = words, [w.lower() for w in words]
    else:
        raws = [w if w.isascii() else unicodedata.normalize("NFKC", w) for w in words]
        norms = [w.lower() if w.isascii() else normalize_word(w) for w in words]
    dropped: set[int] = set()  # possessive 's after a kept word: "China’s" is "China"
    for i in [i for i, norm in enumerate(norms) if norm == "s"]:
        if i and i - 1 not in dropped and ends[i - 1] == starts[i] - 1 \
                and text[starts[i] - 1] in _APOSTROPHES:
            dropped.add(i)
    gaps = [(j, ends[j - 1]) for j, gap in enumerate(parts[2:-1:2], 1)  # (word after, start)
            if gap != " " and j not in dropped and j - 1 not in dropped]
    for d in dropped:
        if d + 1 < len(starts):
            gaps.append((d + 1, ends[d - 1]))  # from the word before the 's
    if dropped:
        gone = sorted(dropped)
        gaps = [(j - bisect_left(gone, j), g) for j, g in gaps]
        for lst in (starts, ends, raws, norms):
            for i in reversed(gone):
                del lst[i]
    sentences: list[tuple[int, int]] = []
    paragraphs: list[tuple[int, int]] = []
    sent_lo = para_lo = 0
    for after, gap_start in sorted(gaps):
        sentence_break, para_break = _breaks(text[gap_start:starts[after]], norms[after - 1])
        if sentence_break and after > sent_lo:
            sentences.append((sent_lo, after - 1))
            sent_lo = after
        if para_break and after > para_lo:
            paragraphs.append((para_lo, after - 1))
            para_lo = after
    sentences.append((sent_lo, len(norms) - 1))
    paragraphs.append((para_lo, len(norms) - 1))
    return Tokens(text, tuple(norms), tuple(raws), tuple(starts), tuple(ends),
                  tuple(sentences), tuple(paragraphs))


def term_tokens(term: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(normalised tokens, raw tokens) of a query term or phrase."""
    toks = tokenize(term)
    return toks.norms, toks.raws

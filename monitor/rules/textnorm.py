"""Text normalisation before tokenising, with a map back to the original offsets.

`normalize_text(text)` applies, to the whole text and before any splitting:
U+02BC (ʼ) -> apostrophe, ™/℠ -> a word break, Unicode NFKC (so `㍿` is
株式会社, halfwidth `ｶﾞ` is ガ, `．` is `.`), and drops every format
character (Cf: soft hyphen, zero-width joiners and spaces, word joiner,
bidi marks and isolates, BOM), so `nu&shy;clear` is one word.

`normalize_word(word)` then folds one word for comparison: casefold, accents
and other Latin combining marks stripped, stroke letters folded (ł ø đ ħ ŧ
-> l o d h t, æ œ -> ae oe, ı -> i), Arabic harakat, tatweel and Hebrew
points removed, Arabic letter variants folded the way Lucene's Arabic and
Persian normalisers do (أ إ آ -> ا, ة -> ه, ى ی -> ي, ک -> ك).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from monitor.rules.unicode_tables import PREMAP, UNSTABLE, one_of

# A run NFKC may change; the character before it may compose with it too.
_UNSTABLE_RE = re.compile(f"{UNSTABLE}+")
_FORMAT_RE = re.compile(one_of(
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb",
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"))
_PREMAP_TABLE = str.maketrans(PREMAP)

# Combining marks removed by normalize_word: Latin/Greek/Cyrillic accents,
# Hebrew points, Arabic harakat and Quranic marks.  Other marks (Japanese
# voiced marks, Indic and Thai vowel signs) are letters' parts and stay.
_STRIP_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                       "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
                       "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7"
                       "\u06e8\u06ea-\u06ed\u08d3-\u08e1\u08e3-\u08ff]")
_FOLD = str.maketrans({
    "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ƀ": "b", "ɨ": "i", "ƶ": "z",
    "ǥ": "g", "ɉ": "j", "ɍ": "r", "ʉ": "u", "ɏ": "y", "ı": "i", "æ": "ae", "œ": "oe",
    "ð": "d", "þ": "th",
    "\u0640": "",  # tatweel
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ی": "ي", "ک": "ك",
})
_NEEDS_FOLD = re.compile("[łøđħŧƀɨƶǥɉɍʉɏıæœðþ\u0640أإآٱةىیک]")


def normalize_word(word: str) -> str:
    """The form two words are compared in.

    >>> normalize_word("Élysée"), normalize_word("Łódź"), normalize_word("مُحَمَّد")
    ('elysee', 'lodz', 'محمد')
    """
    if word.isascii():
        return word.lower()
    text = unicodedata.normalize("NFKC", word).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    if _STRIP_RE.search(decomposed):
        text = unicodedata.normalize("NFC", _STRIP_RE.sub("", decomposed))
    if _NEEDS_FOLD.search(text):
        text = text.translate(_FOLD)
    return text


@dataclass(frozen=True)
class OffsetMap:
    """Where the changed segments of a normalised text came from: parallel
    lists of (normalised start, normalised end, original start, original end)."""

    norm_starts: tuple[int, ...]
    norm_ends: tuple[int, ...]
    orig_starts: tuple[int, ...]
    orig_ends: tuple[int, ...]

    def start(self, pos: int) -> int:
        """The original offset of the character at normalised `pos`."""
        k = bisect_right(self.norm_starts, pos) - 1
        if k < 0:
            return pos
        if pos < self.norm_ends[k]:
            return self.orig_starts[k]
        return pos + self.orig_ends[k] - self.norm_ends[k]

    def end(self, pos: int) -> int:
        """The original offset ending the text that ends at normalised `pos`."""
        k = bisect_left(self.norm_ends, pos)
        if k < len(self.norm_ends) and self.norm_starts[k] < pos:
            return self.orig_ends[k]
        k -= 1
        return pos if k < 0 else pos + self.orig_ends[k] - self.norm_ends[k]


def _normalize_segment(segment: str) -> str:
    return _FORMAT_RE.sub("", unicodedata.normalize("NFKC", segment.translate(_PREMAP_TABLE)))


def odd_chars(text: str) -> str:
    """The distinct non-ASCII characters of `text`, as one short string: what
    a one-character class is searched for instead of the whole text."""
    return "" if text.isascii() else "".join(ch for ch in set(text) if ch > "\x7f")


def normalize_text(text: str, odd: str | None = None) -> tuple[str, OffsetMap | None]:
    """(normalised text, map back to `text`'s offsets or None when unchanged).
    `odd`: odd_chars(text), when the caller has it."""
    if odd is None:
        odd = odd_chars(text)
    if not odd or unicodedata.is_normalized("NFKC", text) and not _FORMAT_RE.search(odd) \
            and not any(ch in odd for ch in PREMAP):
        return text, None
    pieces: list[str] = []
    ns: list[int] = []
    ne: list[int] = []
    os_: list[int] = []
    oe: list[int] = []
    pos = out = 0
    for m in _UNSTABLE_RE.finditer(text):
        a, b = max(m.start() - 1, pos), m.end()
        seg = text[a:b]
        new = _normalize_segment(seg)
        if new == seg:
            continue
        common = 0  # keep an unchanged leading character out of the segment
        while common < len(seg) - 1 and common < len(new) and seg[common] == new[common]:
            common += 1
        pieces.append(text[pos:a + common])
        out += a + common - pos
        ns.append(out)
        os_.append(a + common)
        pieces.append(new[common:])
        out += len(new) - common
        ne.append(out)
        oe.append(b)
        pos = b
    if not ns:
        return text, None
    pieces.append(text[pos:])
    return "".join(pieces), OffsetMap(tuple(ns), tuple(ne), tuple(os_), tuple(oe))

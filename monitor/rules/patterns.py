"""One word of a query term as it is compared with document words.

A word is a literal (`envoy`), a Hangul literal (`북한`, which also finds the
word followed by particles: monitor.rules.hangul), or a wildcard pattern:
`*` is any number of letters or digits and may end a word (`nucle*`), `?` is
exactly one letter or digit anywhere in a word (`organi?ation`).  `=Exact`
words also compare the case- and accent-keeping form (`raw`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from monitor.rules.hangul import is_hangul_word, with_particles
from monitor.rules.textnorm import normalize_word
from monitor.rules.tokens import term_tokens
from monitor.rules.unicode_tables import MARK

_ONE = f"(?:[^\\W_]{MARK}*)"
_ANY = f"(?:[^\\W_]|{MARK})*"
_WILD_SPLIT = re.compile(r"([*?])")


@dataclass(frozen=True)
class WordPattern:
    """How one query word matches a document word (normalised form `norm`)."""

    text: str  # normalised, with its wildcards: "nucle*", "organi?ation", "envoy"
    prefix: str  # normalised letters before the first wildcard ("" for none)
    regex: re.Pattern[str] | None = None  # fullmatch on a normalised word; None: literal
    hangul: bool = False  # a Hangul literal: also matches with particles after it
    raw: str | None = None  # =Exact: the NFKC form with case ...
    raw_regex: re.Pattern[str] | None = None  # ... or its pattern

    @property
    def literal(self) -> bool:
        return self.regex is None and not self.hangul

    def matches(self, norm: str) -> bool:
        if self.regex is not None:
            return self.regex.fullmatch(norm) is not None
        if self.hangul:
            return with_particles(norm, self.text)
        return norm == self.text

    def matches_raw(self, raw: str) -> bool:
        if self.raw_regex is not None:
            return self.raw_regex.fullmatch(raw) is not None
        if self.raw is None:
            return True
        if self.hangul:
            return with_particles(raw, self.raw)
        return raw == self.raw


def _pattern(pieces: list[str], exact: bool) -> WordPattern:
    """A word from literal pieces and wildcards: ["organi", "?", "ation"]."""
    norm_parts = [p if p in "*?" else normalize_word(p) for p in pieces]
    text = "".join(norm_parts)
    if not any(p in ("*", "?") for p in pieces):
        raw = pieces[0] if exact else None
        return WordPattern(text, text, None, is_hangul_word(text), raw)
    prefix = ""
    for p in norm_parts:
        if p in ("*", "?"):
            break
        prefix += p
    body = "".join(_ANY if p == "*" else _ONE if p == "?" else re.escape(p) for p in norm_parts)
    raw_regex = None
    if exact:
        raw_regex = re.compile("".join(_ANY if p == "*" else _ONE if p == "?" else re.escape(p)
                                       for p in pieces))
    return WordPattern(text, prefix, re.compile(body), False, None, raw_regex)


@lru_cache(maxsize=65536)  # pure; a 100,000-rule build asks for the same terms many times
def term_words(text: str, exact: bool = False) -> tuple[WordPattern, ...]:
    """The words of a query term or phrase, wildcards kept on the words they
    touch: `"nucle* test"` -> (nucle*, test)."""
    words: list[list[str]] = []
    for chunk in text.split():
        open_word: list[str] | None = None  # the word a wildcard can still attach to
        for piece in _WILD_SPLIT.split(chunk):
            if not piece:
                continue
            if piece in "*?":
                if open_word is None:
                    open_word = []
                    words.append(open_word)
                open_word.append(piece)
                continue
            norms, raws = term_tokens(piece)
            if not norms:
                open_word = None
                continue
            touches_left = piece[:1].isalnum() or piece[:1] in "*?"
            touches_right = piece[-1:].isalnum()
            for k, raw in enumerate(raws):
                if k == 0 and touches_left and open_word is not None:
                    open_word.append(raw)
                else:
                    open_word = [raw]
                    words.append(open_word)
            if not touches_right:
                open_word = None
    return tuple(_pattern(w, exact) for w in words if any(p not in "*?" for p in w))


def literal_letters(word: WordPattern) -> tuple[int, int]:
    """(letters before the first *, letters in all) of a word, a Hangul
    syllable or Chinese/Japanese character counting as two."""
    def weight(s: str) -> int:
        return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in s if ch not in "*?")
    star = word.text.find("*")
    return weight(word.text if star < 0 else word.text[:star]), weight(word.text)

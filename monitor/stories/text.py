"""Normalising text into words and word shingles: the sets MinHash sees.

Normalisation: Unicode NFKC, casefold, apostrophes dropped inside words
("China’s" -> "chinas"), every other non-word character is a separator.
"""

from __future__ import annotations

import re
import unicodedata

from monitor.stories.settings import ClusterSettings

_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc\uff07`]")
_WORD = re.compile(r"\w+")


def normalise_words(text: str) -> list[str]:
    """
    >>> normalise_words("China’s ENVOY, Song Tao — in Pyongyang!")
    ['chinas', 'envoy', 'song', 'tao', 'in', 'pyongyang']
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(_APOSTROPHES.sub("", folded))


def shingles(words: list[str], size: int) -> set[str]:
    """Contiguous word n-grams; a text shorter than `size` is one shingle.

    >>> sorted(shingles(["a", "b", "c"], 2))
    ['a b', 'b c']
    >>> shingles(["a"], 3)
    {'a'}
    """
    if not words:
        return set()
    if len(words) <= size:
        return {" ".join(words)}
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def signed_words(text: str, title: str, settings: ClusterSettings) -> list[str]:
    """The words a signature is built from.  A text of `min_words` words or
    more stands alone (outlets change headlines, not wire text); a shorter one
    (a feed summary) is signed as title + text, cut to `min_words` words.
    Fewer than `min_tokens` words in all: nothing to compare, [] (the article
    gets a story of its own).

    >>> s = ClusterSettings(min_words=5, min_tokens=3)
    >>> signed_words("one two three four five six", "Headline", s)
    ['one', 'two', 'three', 'four', 'five', 'six']
    >>> signed_words("one two", "Big headline", s)
    ['big', 'headline', 'one', 'two']
    >>> signed_words("", "Live", s)
    []
    """
    words = normalise_words(text)
    if len(words) < settings.min_words:
        words = (normalise_words(title) + words)[: max(settings.min_words, 1)]
    return words if len(words) >= settings.min_tokens else []

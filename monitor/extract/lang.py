"""Language of a text: an ISO 639-1 code, or "" when the text is too short or
the detector is unsure (py3langid with normalised probabilities).

>>> detect_language("Der Präsident schickt einen Gesandten nach Nordkorea.")
'de'
>>> detect_language("Hi!")
''
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

MAX_CHARS = 2000  # the head of a text says enough about its language
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.5


@functools.cache
def _identifier() -> Any:
    """The model, loaded once per process on first use (tens of ms from its
    cache, monitor.extract.langmodel; about 1 s the first time)."""
    from monitor.extract.langmodel import cache_folder, load_identifier

    return load_identifier(cache_folder())


def detect_language(text: str) -> str:
    head = text[:MAX_CHARS]
    if sum(ch.isalpha() for ch in head) < MIN_LETTERS:
        return ""
    lang, confidence = _identifier().classify(head)
    if confidence < MIN_CONFIDENCE or len(lang) != 2:
        return ""
    return str(lang)


BULK_FROM = 200  # a backlog this long is labelled from samples of its feed's text
SAMPLES = 3  # the feed's text at its start, middle and end


def backlog_languages(texts: Sequence[str]) -> list[str]:
    """The languages of a feed's backlog texts (poll.max_age), cheaply: up to
    BULK_FROM texts are detected one by one (~0.4 ms each); a longer backlog
    is labelled with its feed's language when three samples of it (start,
    middle, end, MAX_CHARS each) agree on one, and detected one by one when
    they do not (a feed in several languages).  10,000 entries one by one
    cost ~4 s of CPU; as samples, three classifications.

    >>> backlog_languages(["Der Präsident schickt einen Gesandten nach Nordkorea."] * 300)[:2]
    ['de', 'de']
    >>> mixed = ["Der Präsident schickt einen Gesandten nach Nordkorea und trifft dort Minister."] * 150 + \\
    ...     ["Le président envoie un émissaire en Corée du Nord pour rencontrer les ministres."] * 150
    >>> langs = backlog_languages(mixed); langs[0], langs[-1]
    ('de', 'fr')
    """
    if len(texts) < BULK_FROM:
        return [detect_language(t) for t in texts]
    step = len(texts) // SAMPLES
    found = {detect_language(_sample(texts[i * step:(i + 1) * step])) for i in range(SAMPLES)}
    if len(found) == 1 and "" not in found:
        return [found.pop()] * len(texts)
    return [detect_language(t) for t in texts]


def _sample(texts: Sequence[str]) -> str:
    picked, size = [], 0
    for text in texts:
        picked.append(text)
        size += len(text) + 1
        if size >= MAX_CHARS:
            break
    return "\n".join(picked)

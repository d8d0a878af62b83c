"""Language of a text: an ISO 639-1 code, or "" when the text is too short or
the detector is unsure (py3langid with normalised probabilities).

>>> detect_language("Der Präsident schickt einen Gesandten nach Nordkorea.")
'de'
>>> detect_language("Hi!")
''
"""

from __future__ import annotations

import functools
from typing import Any

MAX_CHARS = 2000  # the head of a text says enough about its language
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.5


@functools.cache
def _identifier() -> Any:
    """The model (about 1 s to load), loaded once per process on first use."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    head = text[:MAX_CHARS]
    if sum(ch.isalpha() for ch in head) < MIN_LETTERS:
        return ""
    lang, confidence = _identifier().classify(head)
    if confidence < MIN_CONFIDENCE or len(lang) != 2:
        return ""
    return str(lang)

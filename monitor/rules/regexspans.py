"""The spans of every non-empty match of an RE2 regex in a text, as
`regex.finditer(text)` gives them, in bulk: two lists of character offsets,
without the `re2` package's per-match Python work (re-encoding bookkeeping,
a Match object, a generator step: about 12 us a match there, which made
`/e/` on 1 MB cost over a second).

The loop is the package's own (`re2._Regexp._match`): the same `Match`
calls on the UTF-8 bytes from the same positions, so the matches are the
same.  It keeps byte offsets; they become character offsets in one numpy
pass at the end (a character's offset is the number of UTF-8 lead bytes
before it; nothing to do for ASCII text).  Without the package's internals
(another version) it falls back to `finditer`.  A match never ends inside a
character: the one construct that could (`\\C`, a single byte) is refused
when the rule is compiled.

>>> import re2
>>> options = re2.Options(); options.case_sensitive = False
>>> regex_spans(re2.compile("e+", options), "Née, ENVOYÉ: eee")
([2, 5, 13], [3, 6, 16])
>>> regex_spans(re2.compile("x*", options), "axbxx")
([1, 3], [2, 5])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TICK_BATCH = 256  # matches (empty ones included) between two calls of `tick`

Spans = tuple[list[int], list[int]]


def regex_spans(regex: Any, text: str, tick: Callable[[int], None] | None = None) -> Spans:
    """(starts, ends) of the non-empty matches.  `tick(n)`: told how many
    matches were found, empty ones included, every TICK_BATCH of them (so a
    deadline can stop a regex that matches the empty string everywhere)."""
    count = tick or _ignore
    inner = getattr(regex, "_regexp", None)
    unanchored = _unanchored()
    if inner is None or unanchored is None:
        spans = [m.span() for m in regex.finditer(text)]
        count(len(spans))
        return [a for a, b in spans if b > a], [b for a, b in spans if b > a]
    data = text.encode("utf-8")
    ascii_only = len(data) == len(text)
    starts, ends = _byte_spans(inner.Match, unanchored, data, ascii_only, count)
    if ascii_only or not starts:
        return starts, ends
    import numpy as np  # loaded by the first regex match on non-ASCII text, not with the rules

    lead = (np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80
    chars = np.concatenate(([0], np.cumsum(lead)))  # byte offset -> character offset
    return chars[starts].tolist(), chars[ends].tolist()


def _byte_spans(match: Any, unanchored: Any, data: bytes, ascii_only: bool,
                tick: Callable[[int], None]) -> Spans:
    starts: list[int] = []
    ends: list[int] = []
    size = len(data)
    pos = counted = 0
    while True:
        start, end = match(unanchored, data, pos, size)[0]
        if start < 0:
            break
        counted += 1
        if counted >= TICK_BATCH:
            tick(counted)
            counted = 0
        if end > start:
            starts.append(start)
            ends.append(end)
        if pos == size:
            break
        if end == pos:  # an empty match where the search began: one character on
            pos += 1 if ascii_only else _utf8_length(data[pos])
        else:
            pos = end
    tick(counted)
    return starts, ends


def _ignore(_n: int) -> None:
    return None


def _unanchored() -> Any:
    import re2

    return getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)


def _utf8_length(lead: int) -> int:
    """Bytes of the UTF-8 character that begins with byte `lead`."""
    return 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4

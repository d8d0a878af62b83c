"""The spans of every match of an RE2 regex in a text, as
`regex.finditer(text)` gives them (empty matches included), without the
`re2` package's per-match Python work (re-encoding bookkeeping, a Match
object, a generator step): about 12 us a match there, which made `/e/` on
1 MB cost over a second.

The loop is the package's own (`re2._Regexp._match`): the same `Match`
calls on the UTF-8 bytes from the same positions, so the matches are the
same; byte offsets become character offsets by counting the characters
between one match and the next (none to count in ASCII text).  Without the
package's internals (another version) it falls back to `finditer`.  A match
never ends inside a character: the one construct that could (`\\C`, a
single byte) is refused when the rule is compiled.

>>> import re2
>>> options = re2.Options(); options.case_sensitive = False
>>> list(regex_spans(re2.compile("e+", options), "Née, ENVOYÉ: eee"))
[(2, 3), (5, 6), (13, 16)]
>>> [s for s in regex_spans(re2.compile("x*", options), "axbxx") if s[1] > s[0]]
[(1, 2), (3, 5)]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def regex_spans(regex: Any, text: str) -> Iterator[tuple[int, int]]:
    inner = getattr(regex, "_regexp", None)
    unanchored = _unanchored()
    if inner is None or unanchored is None:
        yield from (m.span() for m in regex.finditer(text))
        return
    data = text.encode("utf-8")
    yield from _spans(inner.Match, unanchored, data, ascii_only=len(data) == len(text))


def _spans(match: Any, unanchored: Any, data: bytes, *, ascii_only: bool) -> Iterator[tuple[int, int]]:
    size = len(data)
    pos = last_byte = last_char = 0
    while True:
        start, end = match(unanchored, data, pos, size)[0]
        if start < 0:
            return
        if ascii_only:
            yield start, end
        else:
            first = last_char + len(data[last_byte:start].decode("utf-8", "replace"))
            last_byte, last_char = end, first + len(data[start:end].decode("utf-8", "replace"))
            yield first, last_char
        if pos == size:
            return
        if end == pos:  # an empty match where the search began: one character on
            pos += 1 if ascii_only else _utf8_length(data[pos])
        else:
            pos = end


def _unanchored() -> Any:
    import re2

    return getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)


def _utf8_length(lead: int) -> int:
    """Bytes of the UTF-8 character that begins with byte `lead`."""
    return 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4

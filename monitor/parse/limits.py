"""Caps on a feed's markup, checked in one linear pass before feedparser
sees it: the shapes that cost feedparser far more than their size.

Measured (feedparser 6.0.14, one core): 20,000 attributes on one element
cost 9 s and 40,000 cost 35 s (quadratic); 1,000,000 unclosed `<p>` cost
55 s and 740 MB; a million small elements ~50 s (~25-50 us each).  Real feeds stay far below
every cap (a few attributes per element, nesting under 20, a few hundred
KB of text per element).

    problem = structure_problem(data)   # None, or what is wrong and the cap

Comments, CDATA sections, processing instructions and declarations are
skipped whole (a CDATA section counts as one text).  A closing tag closes
the innermost open element of its name and everything opened inside it, so
HTML left unclosed inside an item (`<p>`, `<br>`) does not add up across
items.  The scan never backtracks: its cost is linear in the size.

>>> structure_problem(b"<rss><channel><item a='1' b='2'>x</item></channel></rss>")
>>> structure_problem(b"<rss><item " + b" ".join(b"a%d='x'" % i for i in range(500)) + b"/></rss>")
'an element has more than 100 attributes (the cap before parsing; real feeds use a few)'
>>> structure_problem(b"<p>" * 1000)
'the markup nests more than 100 elements deep (the cap before parsing)'
"""

from __future__ import annotations

import re

MAX_ATTRIBUTES = 100  # on one element
MAX_DEPTH = 100  # elements open at once
MAX_TAGS = 400_000  # '<' in the document (tags of any kind, markup in CDATA too), after the items past
# fetch.max_entries were cut
MAX_TEXT = 2_000_000  # bytes of text in one run (between tags, or one CDATA section)

_QUOTED = re.compile(rb'"[^"]*"|\'[^\']*\'')
_NAME_END = re.compile(rb"[\s/>]")


def structure_problem(data: bytes) -> str | None:
    """What in `data` (UTF-8 markup) is past a cap, or None."""
    if data.count(b"<") > MAX_TAGS:  # an upper bound on the tags, found in C
        return f"the feed has more than {MAX_TAGS:,} tags (the cap before parsing)"
    stack: list[bytes] = []
    pos, size = 0, len(data)
    while pos < size:
        start = data.find(b"<", pos)
        if start < 0:
            start = size
        if start - pos > MAX_TEXT:
            return f"a text is longer than {MAX_TEXT // 1_000_000} MB (the cap before parsing)"
        if start >= size:
            return None
        if data.startswith(b"<!--", start):
            end, skip = data.find(b"-->", start + 4), 3
        elif data.startswith(b"<![CDATA[", start):
            end, skip = data.find(b"]]>", start + 9), 3
            if (end if end >= 0 else size) - start > MAX_TEXT:
                return f"a CDATA section is longer than {MAX_TEXT // 1_000_000} MB (the cap before parsing)"
        else:
            end, skip = data.find(b">", start + 1), 1
        if end < 0:
            return None  # the rest is one unterminated token: the parser reads it as text or drops it
        pos = end + skip
        if data[start + 1:start + 2] in (b"!", b"?") or skip == 3:
            continue
        tag = data[start + 1:end]
        if tag.startswith(b"/"):
            name = tag[1:].strip()
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name):]
            continue
        if tag.count(b"=") > MAX_ATTRIBUTES and _QUOTED.sub(b"", tag).count(b"=") > MAX_ATTRIBUTES:
            return (f"an element has more than {MAX_ATTRIBUTES} attributes (the cap before parsing; "
                    "real feeds use a few)")
        if not tag.endswith(b"/"):
            cut = _NAME_END.search(tag)
            stack.append(tag[:cut.start()] if cut else tag)
            if len(stack) > MAX_DEPTH:
                return f"the markup nests more than {MAX_DEPTH} elements deep (the cap before parsing)"
    return None

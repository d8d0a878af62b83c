"""A feed's bytes as the parser will read them: decoded once, checked on
the decoded text, handed on as UTF-8.

A check on the raw bytes can be blinded by the encoding: `<!ENTITY` in
EBCDIC (cp037) or UTF-7 is not those bytes.  So the document is decoded
first, the way feedparser decodes it (its own `convert_to_utf8`: BOM, HTTP
charset, XML declaration, RFC 3023 precedence, then fallbacks), and every
check runs on the result; feedparser then gets exactly those UTF-8 bytes,
declared as UTF-8, so what it parses is what was checked.

Refused here (a ParsedFeed error, before any parser runs):
- a DTD: an internal subset (`<!DOCTYPE x [`) or any `<!ENTITY`, `<!ATTLIST`,
  `<!ELEMENT`, `<!NOTATION` declaration, anywhere in the decoded text.  Real
  feeds never need them, and they are how entity expansion works (billion
  laughs, the quadratic blowup: feedparser's loose parser expands declared
  entities without limit).  An external DTD reference (`<!DOCTYPE rss SYSTEM
  "...">`) is fine: it is never fetched.
- an encoding no news feed uses: anything that does not read ASCII as ASCII
  (EBCDIC code pages, UTF-7, escape codecs, HZ), except UTF-16 and UTF-32.

>>> decoded = decode_feed('<?xml version="1.0" encoding="cp037"?><rss/>'.encode("cp037"), "application/xml")
>>> decoded.refusal[1]
'the feed is encoded in cp037, which no news feed uses (it reads ASCII differently, so it can hide markup); refused: serve it as UTF-8'
>>> decode_feed('<?xml version="1.0" encoding="utf-7"?><!DOCTYPE r [<!ENTITY a "b">]><r/>'.encode("utf-7"), "").refusal[0]
'dtd'
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

from feedparser.encodings import convert_to_utf8

_DTD = re.compile(rb"<!(?:ENTITY|ATTLIST|ELEMENT|NOTATION)|<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_ASCII = bytes(range(0x20, 0x7F)) + b"\t\r\n"
_WIDE = frozenset({"utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be", "utf-32-le"})

DTD_REFUSAL = ("the feed declares a DTD or XML entities (<!DOCTYPE ... [ or <!ENTITY); refused, as real "
               "feeds never need them and they are how entity-expansion attacks work")


@dataclass(frozen=True)
class Decoded:
    data: bytes  # UTF-8, with an XML declaration that says so
    encoding: str  # what it was decoded from ("" when nothing decoded it cleanly)
    warning: str | None = None  # what feedparser would have flagged (a declaration that lies, ...)
    refusal: tuple[str, str] | None = None  # (error kind, message)


def decode_feed(body: bytes, content_type: str) -> Decoded:
    """Decode `body` as feedparser would, and refuse what must not be parsed."""
    # No Content-Type (file://, careless servers): application/xml lets the XML
    # declaration or BOM name the charset, without a NonXMLContentType warning.
    result: dict[str, Any] = {}
    data = convert_to_utf8({"content-type": content_type or "application/xml"}, body, result)
    encoding = str(result.get("encoding") or "")
    if not encoding:  # nothing decoded it: feedparser would read it as UTF-8 with replacements
        data = body.decode("utf-8", "replace").encode("utf-8")
    warning = _text(result.get("bozo_exception")) if result.get("bozo") else None
    if _DTD.search(data):
        return Decoded(data, encoding, warning, ("dtd", DTD_REFUSAL))
    if encoding and not acceptable_encoding(encoding):
        return Decoded(data, encoding, warning, (
            "encoding", f"the feed is encoded in {_name(encoding)}, which no news feed uses (it reads ASCII "
                        "differently, so it can hide markup); refused: serve it as UTF-8"))
    return Decoded(data, encoding, warning)


def acceptable_encoding(encoding: str) -> bool:
    """UTF-16/32, or an encoding that reads every printable ASCII byte as itself.

    >>> [acceptable_encoding(e) for e in ("utf-8", "windows-1252", "shift_jis", "koi8-r", "utf-16")]
    [True, True, True, True, True]
    >>> [acceptable_encoding(e) for e in ("cp037", "cp500", "utf-7", "unicode_escape", "hz", "nonsense")]
    [False, False, False, False, False, False]
    """
    name = _name(encoding)
    if name in _WIDE:
        return True
    if "escape" in name:  # unicode_escape and kin: text written as escapes
        return False
    try:
        return _ASCII.decode(name) == _ASCII.decode("ascii")
    except (LookupError, UnicodeError, TypeError, ValueError):
        return False


def _name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _text(exc: Any) -> str:
    text = f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(exc)
    return text if len(text) <= 200 else text[:197] + "..."

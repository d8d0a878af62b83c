"""Bytes of a web page -> str, decoded as a browser would (trafilatura ignores
<meta charset> and HTTP headers when given bytes)."""

from __future__ import annotations

import codecs
import re

_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Labels that browsers (WHATWG Encoding) read as a wider codec than their name.
_WHATWG_ALIASES = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
                   "iso8859-9": "cp1254", "gb2312": "gb18030", "gbk": "gb18030"}


def decode_html(body: bytes, content_type: str = "") -> str:
    """Decode a page as a browser would: BOM, else the HTTP charset, else
    <meta charset>/<meta http-equiv>, else UTF-8 (bad bytes replaced)."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(codec, errors="replace")
    header = _CHARSET_PARAM.search(content_type)
    meta = _META_CHARSET.search(body[:8192])
    for label in (header.group(1) if header else None, meta.group(1).decode("ascii", "replace") if meta else None):
        declared = _codec(label)
        if declared:
            return body.decode(declared, errors="replace")
    return body.decode("utf-8", errors="replace")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    if name in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):  # a <meta> that says utf-16 is a lie (HTML spec)
        return "utf-8"
    return _WHATWG_ALIASES.get(name, name)

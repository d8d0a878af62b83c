"""Entries common to every feed format: identity keys, links, dates, and the
first-of-each-key selection (RSS/Atom and JSON Feed alike).

Entry identity (`Entry.key`): the GUID/Atom id, else the link, else
"sha256:" + hash of title and summary.  The first entry with a key wins.
"""

from __future__ import annotations

import hashlib
import posixpath
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

from monitor.types import Entry

MAX_ENTRIES = 1000
MAX_KEY_CHARS = 512  # longer GUIDs are hashed


def first_of_each(items: Iterable[Any], keyed: Callable[[Any], tuple[str, str]],
                  make: Callable[[Any, str, str], Entry], max_entries: int, *, total: int = 0,
                  what: str) -> tuple[list[Entry], list[str]]:
    """The first item per key (keyed(item) -> (key, link)), the first
    `max_entries` of them in feed order, made into Entries; plus notes on
    repeated keys and dropped items for the feed's warning (any format)."""
    seen: set[str] = set()
    entries: list[Entry] = []
    duplicates = 0
    for item in items:
        key, link = keyed(item)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        if len(entries) < max_entries:
            entries.append(make(item, key, link))
    notes = []
    if duplicates:
        notes.append(f"{duplicates} entries repeated {what} already seen; kept the first of each")
    total = max(total, len(seen))
    if total > max_entries:
        notes.append(f"the feed has {total} entries; kept the first {max_entries}, "
                     f"dropped {total - max_entries}")
    return entries, notes


def entry_key(guid: str, link: str, title: str, summary: str) -> str:
    guid = guid.strip()
    if guid:
        return guid if len(guid) <= MAX_KEY_CHARS else "sha256:" + _sha256(guid)
    if link:
        return link if len(link) <= MAX_KEY_CHARS else "sha256:" + _sha256(link)
    return "sha256:" + _sha256(f"{title}\n{summary}")


def resolve_link(base: str, link: str) -> str:
    """Absolute link, or "" when it is missing or of a scheme an article cannot
    have (javascript:, data:, and file: unless the feed itself is a file)."""
    link = link.strip()
    if not link:
        return ""
    base_scheme = urlsplit(base).scheme.lower()
    if base_scheme == "file" and not base.lower().startswith("file:/") and ":" not in link.split("/")[0]:
        # a relative file URL ("file:../seeds/feed.xml"): join the paths ourselves
        return "file:" + posixpath.normpath(posixpath.join(posixpath.dirname(base[5:]), link))
    absolute = urljoin(base, link)
    scheme = urlsplit(absolute).scheme.lower()
    allowed = ("http", "https", "file") if base_scheme == "file" else ("http", "https")
    return absolute if scheme in allowed else ""


def struct_to_utc(value: time.struct_time | None) -> datetime | None:
    """feedparser's *_parsed values are UTC struct_times."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

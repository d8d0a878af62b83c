"""Which hub a feed declares and under which topic URL: pure.

The HTTP `Link` header wins over the document (WebSub §4: a publisher
should send both; the header is what the hub matches), and `rel="self"` is
the topic, the URL the hub knows the feed by; without one the feed's own URL.

>>> link_header_rels(['<https://hub.example/>; rel="hub", <https://ex.com/feed>; rel="self"'])
{'hub': 'https://hub.example/', 'self': 'https://ex.com/feed'}
>>> discover(header_hub=None, header_self=None, doc_hub="https://h/", doc_self=None, url="https://f/x")
Discovered(hub='https://h/', topic='https://f/x')
>>> discover(header_hub=None, header_self=None, doc_hub=None, doc_self=None, url="https://f/x")
Discovered(hub=None, topic='https://f/x')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[^;,]+)*)')
_PARAM = re.compile(r';\s*([A-Za-z*-]+)\s*=\s*(?:"([^"]*)"|([^;,\s]+))')
MAX_URL = 2000


@dataclass(frozen=True)
class Discovered:
    """What a full read of the feed said: `hub` None when it declares none."""

    hub: str | None
    topic: str


def link_header_rels(values: Iterable[str], base: str = "") -> dict[str, str]:
    """The first URL of each rel in `Link` header values (RFC 8288), resolved
    against `base`; a link with several rels (`rel="hub self"`) counts for each."""
    found: dict[str, str] = {}
    for value in values:
        for match in _LINK.finditer(value[:20_000]):
            target, params = match.group(1).strip(), match.group(2) or ""
            for name, quoted, bare in _PARAM.findall(params):
                if name.lower() != "rel":
                    continue
                for rel in (quoted or bare).lower().split():
                    found.setdefault(rel, urljoin(base, target) if base else target)
    return found


def _usable(url: str | None) -> str | None:
    if not url or len(url) > MAX_URL:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.hostname else None


def discover(*, header_hub: str | None, header_self: str | None, doc_hub: str | None, doc_self: str | None,
             url: str) -> Discovered:
    """The hub and topic of a feed fetched from `url`: the header's first, then
    the document's; only http(s) URLs count."""
    hub = _usable(header_hub) or _usable(doc_hub)
    topic = (_usable(header_self) if _usable(header_hub) else None) or _usable(doc_self) \
        or _usable(header_self) or url
    return Discovered(hub=hub, topic=topic)

"""Canonical article URLs: one article per URL however it was reached.

courlan normalises (lowercase scheme/host, default ports, sorted query,
tracking parameters dropped); on top of that we unify what makes the same
article look different: http/https, `www.`/`m.`/`mobile.`/`amp.` hosts, AMP
paths and parameters, trailing slashes, fragments, credentials, percent-escape case.

>>> canonical_url("HTTP://WWW.Example.com:80/News/Story/?utm_source=rss&id=3#top")
'https://example.com/News/Story?id=3'
>>> canonical_url("https://m.example.com/amp/news/story.amp?amp=1")
'https://example.com/news/story'
"""

from __future__ import annotations

import hashlib
import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from monitor.types import Entry

log = logging.getLogger(__name__)

HOST_VARIANT_PREFIXES = ("www.", "amp.", "m.", "mobile.")
# Tracking or presentation parameters courlan's list does not cover.
EXTRA_DROPPED_PARAMS = frozenset({
    "amp", "cmp", "cmpid", "guccounter", "guce_referrer", "guce_referrer_sig", "icid",
    "ito", "mkt_tok", "ns_campaign", "ns_fee", "ns_linkname", "ns_mchannel", "ns_source",
    "ocid", "s_cid", "smid", "smtyp", "spm", "sr_share", "taid", "wt.mc_id", "wt_mc",
    "_hsenc", "_hsmi", "__twitter_impression", "output", "outputtype",
})
AMP_VALUES = frozenset({"", "1", "true", "yes", "amp"})
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


def canonical_url(url: str) -> str:
    """The one URL an article is known by; deterministic and idempotent.
    Non-http(s) URLs only get their scheme lowercased; garbage comes back
    stripped.  Never raises."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            return f"{scheme}:{url[len(scheme) + 1:]}" if scheme else url
        if not parts.hostname:
            return url
        from courlan import normalize_url  # on first use: 0.2-0.4 s of imports a 304 pass does not need

        parts = urlsplit(normalize_url(url, strict=False, trailing_slash=False))
        return urlunsplit(("https", _host(parts.netloc), _path(parts.path), _query(parts.query), ""))
    except (ValueError, TypeError, AttributeError, UnicodeError) as exc:
        log.debug("canonical_url: keeping %r as is (%s)", url, exc)
        return url


def entry_url(entry: Entry, feed_url: str) -> str:
    """The canonical URL of an entry's article; an entry without a link gets a
    stable URN made of its feed and its key."""
    if entry.link:
        return canonical_url(entry.link)
    feed_hash = hashlib.sha256(feed_url.encode("utf-8")).hexdigest()[:16]
    return f"urn:news-monitor:{feed_hash}:{entry.key}"


def _host(netloc: str) -> str:
    hostport = netloc.rpartition("@")[2]  # credentials are not part of an article's identity
    changed = True
    while changed:
        changed = False
        for prefix in HOST_VARIANT_PREFIXES:
            rest = hostport[len(prefix):]
            if hostport.startswith(prefix) and "." in rest.split(":")[0]:
                hostport, changed = rest, True
    return hostport


def _path(path: str) -> str:
    segments = [s for s in path.split("/") if s.lower() != "amp"]
    if segments and segments[-1].lower().endswith(".amp"):
        segments[-1] = segments[-1][:-4]
    elif segments and segments[-1].lower().endswith(".amp.html"):
        segments[-1] = segments[-1][:-9] + ".html"
    path = "/".join(segments).rstrip("/")
    if not path.startswith("/"):
        path = "/" + path
    return _PERCENT_ESCAPE.sub(lambda m: m.group(0).upper(), path)


def _query(query: str) -> str:
    kept = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        low = key.lower()
        if low in ("amp", "outputtype", "output") and value.lower() not in AMP_VALUES:
            kept.append((key, value))  # e.g. output=json: not a presentation switch
        elif low not in EXTRA_DROPPED_PARAMS:
            kept.append((key, value))
    return urlencode(sorted(kept))

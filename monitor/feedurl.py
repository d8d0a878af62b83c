"""A feed's URL and headers as the database keeps them: without its secrets. Pure.

A feed URL may carry a `${VAR}` secret (`?apikey=${KEY}`) and its headers a
token.  The `feed` table never holds them: a feed is known by `key(url)`
(a digest of the expanded URL), its URLs are stored as *templates* (each
secret value written back as its `${VAR}`, a literal `$` as `$$`), its
headers as their names with a digest of each value (so a changed header is
still noticed).  The real URL and headers come from the config snapshot at
poll time (`resolve`).

>>> t = template("https://news.example/rss?apikey=k3ySecret&x=$1", (("KEY", "k3ySecret"),))
>>> t
'https://news.example/rss?apikey=${KEY}&x=$$1'
>>> shown(t)
'https://news.example/rss?apikey=***&x=$1'
>>> resolve(t, (("KEY", "k3ySecret"),))
'https://news.example/rss?apikey=k3ySecret&x=$1'
>>> resolve(t, ()) is None
True
>>> scrub("https://u:pw12345@news.example/rss?apikey=abc123&page=2")
'https://u:${REDACTED}@news.example/rss?apikey=${REDACTED}&page=2'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlsplit

from monitor.config.envexpand import UndefinedVariable, expand
from monitor.redact import MIN_SECRET, credential_key, looks_secret

UNKNOWN = "REDACTED"  # the ${VAR} of a secret whose variable is not known (rows written before templates)
_VAR = re.compile(r"\$\$|\$\{[A-Za-z_][A-Za-z0-9_]*\}")


def key(url: str) -> str:
    """The stable identity of a feed URL (expanded): a SHA-256 hex digest."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def template(url: str, secrets: Sequence[tuple[str, str]]) -> str:
    """`url` with `$` written `$$` and each secret value as its `${NAME}`."""
    out = url.replace("$", "$$")
    for name, value in sorted(secrets, key=lambda s: len(s[1]), reverse=True):
        if value:
            out = out.replace(value.replace("$", "$$"), "${" + name + "}")
    return out


def shown(stored: str) -> str:
    """A stored template as shown: every `${NAME}` as ***.  Text that is not a
    template (no `$`) is shown as it is."""
    return _VAR.sub(lambda m: "$" if m.group(0) == "$$" else "***", stored)


def resolve(stored: str, secrets: Sequence[tuple[str, str]]) -> str | None:
    """The real URL of a template, from the config's secrets; None when one
    of its `${NAME}`s is not among them (the config changed)."""
    try:
        return expand(stored, dict(secrets))[0]
    except UndefinedVariable:
        return None


def stored_headers(headers: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Headers as stored: each name with a digest of its value."""
    return [[str(name), "sha256:" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()[:32]]
            for name, value in headers]


def scrub(url: str) -> str:
    """A URL of an unknown config as a template, every part of it that may be
    a secret (`hidden_parts`) as `${REDACTED}`.  For rows stored before
    templates: the next config sync writes the real template of every
    configured feed."""
    return template(url, [(UNKNOWN, value) for value in hidden_parts(url)])


def hidden_parts(url: str) -> list[str]:
    """What of a URL may be a secret when the config that wrote it is not
    known: a password; a query value that looks like a token or sits under a
    credential-like key; a token-like path segment; the fragment."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not even a URL: all of it
        return [url]
    hidden = [password] if password and len(password) >= MIN_SECRET else []
    hidden += [value for name, value in parse_qsl(parts.query)
               if looks_secret(value) or (credential_key(name) and len(value) >= MIN_SECRET)]
    hidden += [seg for seg in parts.path.split("/") if looks_secret(seg) and not _plain_file(seg)]
    if parts.fragment and looks_secret(parts.fragment):
        hidden.append(parts.fragment)
    return hidden


def _plain_file(segment: str) -> bool:
    """`world-news.xml`, `rss2.0`: a file name, not a token."""
    stem, dot, ext = segment.rpartition(".")
    return bool(dot) and ext.isalpha() and len(ext) <= 5 and not looks_secret(stem)

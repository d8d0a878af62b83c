"""Hiding secrets in text: pure.

A secret is rarely echoed whole.  A receiver answers `404 Cannot POST
/services/T0123/B0456/XyZ...` for a Slack webhook URL, Apprise logs the URL
rewritten in its own form, a server quotes one query value.  So a secret URL
is hidden by its parts too (`secret_parts`): its userinfo, its path from the
first secret-looking segment on (and each such segment), its query values
and fragment, and for a non-http scheme (an Apprise URL) its host, where such
URLs keep tokens.  Ordinary words are not parts: a segment or value must look
like a token (6+ characters with a digit or mixed case, or 16+ characters),
or sit under a query key named like a credential.  The value itself is always
hidden whole (4+ characters); which values are secrets is the config's
business (`monitor.logs.secret_values`), not this module's.

>>> redact = Redactor(["https://hooks.slack.com/services/T0123ABC/B0456DEF/XyZsecretToken42"])
>>> redact("HTTP 404: <pre>Cannot POST /services/T0123ABC/B0456DEF/XyZsecretToken42</pre>")
'HTTP 404: <pre>Cannot POST ***</pre>'
>>> redact("unknown token XyZsecretToken42; see our services page")
'unknown token ***; see our services page'
>>> excerpt("  a\\n\\n b  " + "c" * 300, 12)
'a b ccccccc…'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlsplit

MIN_SECRET = 4  # a configured secret shorter than this is not searched for (it would hide words)
_CREDENTIAL_KEY = re.compile(r"key|token|secret|pass|auth|sig|code|session|cred", re.I)
_SPACE = re.compile(r"\s+")


def credential_key(name: str) -> bool:
    """A query key or header named like a credential (`apikey`, `token`, `sig`)."""
    return bool(_CREDENTIAL_KEY.search(name))


def looks_secret(text: str) -> bool:
    """A token, not a word: 6+ characters with a digit or both cases, or 16+.

    >>> [looks_secret(s) for s in ("services", "webhooks", "T0123ABC", "XyZsecret", "a" * 16)]
    [False, False, True, True, True]
    """
    if len(text) >= 16:
        return True
    if len(text) < 6:
        return False
    has_digit = any(c.isdigit() for c in text)
    return has_digit or (any(c.isupper() for c in text) and any(c.islower() for c in text))


def secret_parts(secret: str) -> set[str]:
    """The secret and, for a URL, each part of it that may be echoed alone."""
    parts = {secret} if len(secret) >= MIN_SECRET else set()
    if "://" not in secret:
        return parts
    try:
        url = urlsplit(secret)
        host, user, password = url.hostname, url.username, url.password
    except ValueError:
        return parts
    parts.update(p for p in (user, password) if p and len(p) >= MIN_SECRET)
    if url.scheme.lower() not in ("http", "https") and host and looks_secret(host):
        parts.add(host)  # apprise: tgram://BOTTOKEN/..., pover://USER@TOKEN
    segments = url.path.split("/")
    for i, segment in enumerate(segments):
        if looks_secret(unquote(segment)):
            parts.add("/".join(segments[i:]))  # the tail from the first token on
            parts.update(s for s in segments[i:] if s)
            break
    if len(url.path) >= 8:
        parts.add(url.path)
    for key, value in parse_qsl(url.query, keep_blank_values=False):
        if looks_secret(value) or (credential_key(key) and len(value) >= MIN_SECRET):
            parts.add(value)
    if len(url.query) >= 8:
        parts.add(url.query)
    if url.fragment and (looks_secret(url.fragment) or len(url.fragment) >= 8):
        parts.add(url.fragment)
    spelled = set()
    for part in parts:  # as a receiver may echo them: decoded, or encoded
        spelled.update({unquote(part), quote(part, safe="/"), quote(part, safe="")})
    return {p for p in parts | spelled if len(p) >= MIN_SECRET}


class Redactor:
    """Replaces every secret (and every part of a secret URL) in a text by
    ***; `update` swaps the list."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: list[str] = []
        self._parts: list[str] = []
        self.update(secrets)

    def update(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True)
        parts: set[str] = set()
        for secret in self.secrets:
            parts |= secret_parts(str(secret))
        # longest first, so a secret that contains another is replaced whole
        self._parts = sorted(parts, key=len, reverse=True)

    @property
    def parts(self) -> tuple[str, ...]:
        """Every text this redactor hides (the secrets and their parts), longest first."""
        return tuple(self._parts)

    def __call__(self, text: str) -> str:
        for secret in self._parts:
            if secret in text:
                text = text.replace(secret, "***")
            if len(secret) >= 8:  # JSON escapes some characters: cover that spelling too
                escaped = json.dumps(secret)[1:-1]
                if escaped != secret and escaped in text:
                    text = text.replace(escaped, "***")
        return text


def excerpt(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters (…-terminated when cut).
    Cut only after redacting: a cut secret is no longer found whole."""
    flat = _SPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"

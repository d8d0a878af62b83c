"""Turning what went wrong during one fetch into a FetchResult error: a short
`error_kind` word for machines and a sentence naming the URL and the fix.

Kinds: timeout, too-large, connection, tls, redirects, blocked, empty,
bad-encoding, invalid-url, file, gone (410), http-<code>.  See
docs/operations.md "Feed errors"."""

from __future__ import annotations

import ssl
from datetime import timedelta

import httpx

from monitor.fetch.body import BadEncoding, TooLarge
from monitor.fetch.guard import Blocked


def _ssl_cause(exc: BaseException) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (ssl.SSLError, ssl.CertificateError)):
            return current
        current = current.__cause__ or current.__context__
    return None


def classify(exc: BaseException, url: str, *, timeout: timedelta, max_bytes: int) -> tuple[str, str]:
    """(error_kind, message) for an exception raised while fetching `url`;
    re-raises what is not a per-URL problem (a bug should crash a test)."""
    if isinstance(exc, (TimeoutError, httpx.TimeoutException)):
        return "timeout", (f"no complete response from {url} within fetch.timeout="
                           f"{timeout.total_seconds():g}s (total deadline incl. redirects and "
                           "body); the server is slow or stalled")
    if isinstance(exc, TooLarge):
        return "too-large", (f"{url}: {exc}; raise fetch.max_bytes if this feed is really "
                             "that big")
    if isinstance(exc, BadEncoding):
        return "bad-encoding", f"{url}: {exc}"
    if isinstance(exc, Blocked):
        return "blocked", f"{url}: {exc}"
    if isinstance(exc, LookupError):
        return "connection", f"{exc} (for {url}); check the host name"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError)):
        return "invalid-url", f"{url} is not a fetchable http(s) URL: {exc}"
    cause = _ssl_cause(exc)
    if cause is not None:
        reason = getattr(cause, "reason", None) or str(cause)
        return "tls", (f"TLS handshake with {url} failed ({reason}); the server's certificate "
                       "or TLS setup is broken, or it does not speak https on this port")
    if isinstance(exc, httpx.ConnectError):
        return "connection", f"cannot connect to {url}: {exc or 'connection failed'}"
    if isinstance(exc, httpx.TransportError):
        name = type(exc).__name__
        return "connection", f"{url}: the connection broke ({name}: {exc or 'no detail'})"
    if isinstance(exc, OSError):
        return "connection", f"{url}: {exc}"
    raise exc


def http_error(status: int, reason: str, url: str, retry_after: timedelta | None) -> tuple[str, str]:
    """(error_kind, message) for a final response that is not a success."""
    if status == 410:
        return "gone", (f"HTTP 410 Gone from {url}: the publisher removed this feed; it is only "
                        "re-checked weekly; remove it from config or fix its URL")
    text = f"HTTP {status} {reason}".rstrip() + f" from {url}"
    if retry_after is not None:
        text += f" (Retry-After {int(retry_after.total_seconds())}s; honoured)"
    elif status in (401, 403):
        text += "; the server refuses us: check the URL or add the headers it needs (feed headers:)"
    elif status == 404:
        text += "; check the feed URL"
    elif 300 <= status < 400:
        text += "; a redirect without a usable Location header"
    return f"http-{status}", text

"""Bounded, polite HTTP fetching.

    fetcher = Fetcher(FetchSettings(), transport=None)   # one per process
    result = await fetcher.fetch_feed(url, etag=..., last_modified=...)
    page = await fetcher.fetch_page(article_url)          # SSRF-guarded
    await fetcher.aclose()

Every request costs a bounded amount: one TOTAL deadline (asyncio.timeout)
over connect, every redirect hop and the body; bodies streamed raw and
decoded here with a cap on decompressed bytes (monitor.fetch.body); redirects
followed by hand so each hop is counted, loop-checked and, unless trusted,
checked by the SSRF guard (monitor.fetch.guard) and pinned to the address
checked.  Per-URL problems come back as FetchResult(error=...,
error_kind=...), never as exceptions.

Trust: a feed the operator configured is fetched wherever it points, so its
own origin (scheme, host, port) is trusted even when private (an intranet
feed).  A redirect to ANY OTHER origin is guarded like an article link (the
feed server is not the operator), and a 301/308 only moves the feed to a URL
on its own origin or to one whose address is public: a moved feed is polled
from then on, so it must never come to point inside.  Article links are
untrusted on every hop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode, urljoin, urlsplit

import httpx

from monitor.clock import Clock, SystemClock
from monitor.fetch import failures
from monitor.fetch.body import CappedBody, TooLarge
from monitor.fetch.guard import (Blocked, Resolver, blocked_reason, parse_networks, resolve_checked,
                                 system_resolver)
from monitor.fetch.hosts import HostLimiter, Limiter
from monitor.fetch.local import read_local
from monitor.fetch.politeness import (FEED_ACCEPT, PAGE_ACCEPT, parse_max_age,
                                      parse_retry_after, request_headers)
from monitor.fetch.settings import FetchSettings
from monitor.fetch.transport import pooled
from monitor.types import FetchResult
from monitor.websub.discover import link_header_rels

__all__ = ["FetchSettings", "Fetcher"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_Origin = tuple[str, str, int | None]  # scheme, host, port


@dataclass(frozen=True)
class _Hop:
    """One response: a redirect (location set) or a final answer."""

    status: int
    reason: str
    headers: httpx.Headers
    body: bytes = b""
    location: str | None = None
    address: str | None = None  # the address the guard checked (None: a trusted hop)


class Fetcher:
    def __init__(self, settings: FetchSettings, *, transport: httpx.AsyncBaseTransport | None = None,
                 resolver: Resolver | None = None, clock: Clock | None = None, hosts: Limiter | None = None) -> None:
        self._settings = settings
        self._allow = parse_networks(settings.allow_private)
        self._resolver = resolver or system_resolver
        self._clock = clock or SystemClock()
        self._hosts = hosts or HostLimiter(settings.per_host, settings.host_spacing.total_seconds())
        self._inflight = asyncio.Semaphore(settings.concurrency)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None  # made on the first request (its TLS context
        # loads the CA bundle: a `once` with nothing due never pays for it)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            settings, total = self._settings, self._settings.timeout.total_seconds()
            # our own semaphore keeps requests <= concurrency, so the pool never starves
            limits = httpx.Limits(max_connections=settings.concurrency,
                                  max_keepalive_connections=min(settings.concurrency, 20))
            self._client = httpx.AsyncClient(
                transport=self._transport or pooled(limits), follow_redirects=False, trust_env=False,
                timeout=httpx.Timeout(total, connect=min(settings.connect_timeout.total_seconds(), total)))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def fetch_feed(self, url: str, *, etag: str | None, last_modified: str | None,
                         headers: Sequence[tuple[str, str]] = (), configured: str | None = None) -> FetchResult:
        """A feed the operator configured: the configured URL's origin is trusted
        (any address); a feed that moved (301/308) to another origin is
        checked by the SSRF guard on every poll, so a later DNS change of the
        new host cannot point it inside.  file: URLs are read from disk."""
        if url.lower().startswith("file:"):
            return await read_local(url, max_bytes=self._settings.max_bytes,
                                    last_modified=last_modified)
        sent = request_headers(user_agent=self._settings.user_agent, accept=FEED_ACCEPT,
                               etag=etag, last_modified=last_modified, extra=headers)
        result = await self._fetch(url, sent, trusted_origin=_origin(configured or url))
        if result.not_modified:  # keep the validators the store already has if the 304 omits them
            result = _with_validators(result, etag, last_modified)
        return result

    async def fetch_page(self, url: str, *, feed_file: str | None = None) -> FetchResult:
        """An untrusted article link: http(s) only, SSRF-guarded on every hop;
        a file: link only for a file feed (`feed_file`, its URL) and only
        inside that feed file's directory."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file" and feed_file is not None:
            return await read_local(url, max_bytes=self._settings.max_bytes, inside_of=feed_file)
        if scheme not in ("http", "https"):
            return FetchResult(url=url, status=0, error_kind="blocked",
                               error=f"{url}: refused to fetch a {scheme or 'relative'}: link; "
                                     "article links must be http or https")
        sent = request_headers(user_agent=self._settings.user_agent, accept=PAGE_ACCEPT)
        return await self._fetch(url, sent, trusted_origin=None)

    async def post_form(self, url: str, form: Sequence[tuple[str, str]], *, trusted_like: str | None = None) -> FetchResult:
        """POST a form (a WebSub hub request) under the same deadline, caps and
        politeness as a GET.  The URL came from a feed, so it is SSRF-guarded
        unless it is on the origin of `trusted_like` (the feed the operator
        configured).  Redirects are not followed: a hub answers where it is."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            return FetchResult(url=url, status=0, error_kind="blocked",
                               error=f"{url}: refused to POST to a {scheme or 'relative'}: URL; hubs must be http(s)")
        started = time.monotonic()
        body = urlencode(list(form)).encode("ascii")
        sent = [("User-Agent", self._settings.user_agent), ("Content-Type", "application/x-www-form-urlencoded")]
        trusted = _is_trusted(url, _origin(trusted_like) if trusted_like else None)
        try:
            async with self._hosts.slot(urlsplit(url).hostname or ""), self._inflight:
                async with asyncio.timeout(self._settings.timeout.total_seconds()):
                    hop = await self._hop(url, sent, trusted=trusted, method="POST", content=body,
                                          purpose="a WebSub hub named by a feed may not be internal")
        except Exception as exc:  # noqa: BLE001 - classify() re-raises what is not a URL problem
            kind, message = failures.classify(exc, url, timeout=self._settings.timeout,
                                              max_bytes=self._settings.max_bytes)
            return _error(url, 0, kind, started, message)
        if hop.location is not None or not 200 <= hop.status < 300:
            return FetchResult(url=url, status=hop.status, body=hop.body[:500], error_kind="http",
                               error=f"HTTP {hop.status} {hop.reason} from {url}",
                               retry_after=parse_retry_after(hop.headers.get("retry-after"), self._clock.now()),
                               elapsed=time.monotonic() - started)
        return FetchResult(url=url, status=hop.status, body=hop.body, elapsed=time.monotonic() - started)

    async def _fetch(self, url: str, headers: list[tuple[str, str]], *,
                     trusted_origin: _Origin | None) -> FetchResult:
        """GET `url`, following redirects; hops on `trusted_origin` skip the guard."""
        started = time.monotonic()
        budget = self._settings.timeout.total_seconds()
        chain, permanent, status, current = [url], True, 0, url
        origin = _origin(url)
        purpose = ("article links may not reach internal networks" if trusted_origin is None else
                   f"the feed {url} redirected to another origin, which may not be internal")
        try:
            for _ in range(self._settings.max_redirects + 1):
                hop_headers = headers if _origin(current) == origin else _drop_extra(headers)
                host = urlsplit(current).hostname or ""
                async with self._hosts.slot(host), self._inflight:
                    hop_started = time.monotonic()
                    try:
                        async with asyncio.timeout(max(budget, 0.0)):
                            hop = await self._hop(current, hop_headers, purpose=purpose,
                                                  trusted=_is_trusted(current, trusted_origin))
                    finally:
                        budget -= time.monotonic() - hop_started
                status = hop.status
                if hop.location is None:
                    moved = trusted_origin is not None and permanent and len(chain) > 1 and (
                        hop.address is None or blocked_reason(hop.address, ()) is None)
                    return self._final(current, hop, started, permanent_url=current if moved else None)
                permanent = permanent and hop.status in _PERMANENT
                current = urljoin(current, hop.location)
                if urlsplit(current).scheme.lower() not in ("http", "https"):
                    raise Blocked(f"refused a redirect to {current!r}: only http(s) redirects are followed")
                if current in chain:
                    return _error(current, status, "redirects", started,
                                  "redirect loop: " + " -> ".join([*chain, current]) +
                                  "; the server is misconfigured, use a URL that does not loop")
                chain.append(current)
            return _error(current, status, "redirects", started,
                          f"more than fetch.max_redirects={self._settings.max_redirects} redirects "
                          f"starting at {url} ({' -> '.join(chain[:4])} ...); configure the final "
                          "URL or raise fetch.max_redirects")
        except Exception as exc:  # noqa: BLE001 - classify() re-raises what is not a URL problem
            kind, message = failures.classify(exc, current, timeout=self._settings.timeout,
                                              max_bytes=self._settings.max_bytes)
            return _error(current, status, kind, started, message)

    async def _hop(self, url: str, headers: list[tuple[str, str]], *, trusted: bool, purpose: str,
                   method: str = "GET", content: bytes | None = None) -> _Hop:
        """One request; untrusted: guarded, and refused saying `purpose`."""
        target, extensions, address = httpx.URL(url), {}, None
        sent = list(headers)
        if not trusted:  # resolve, check, then connect to exactly the address checked
            host = target.raw_host.decode("ascii")  # IDNA-encoded, as DNS and SNI want it
            address = await resolve_checked(host, self._resolver, self._allow, purpose=purpose)
            sent.append(("Host", target.netloc.decode("ascii")))
            if target.scheme == "https":
                extensions["sni_hostname"] = host
            target = target.copy_with(host=address)
        client = self._http()
        request = client.build_request(method, target, headers=sent, extensions=extensions, content=content)
        try:
            response = await client.send(request, stream=True)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            # a kept-alive connection the server had closed: one fresh try, same deadline
            response = await client.send(request, stream=True)
        try:
            code, reason, rheaders = response.status_code, response.reason_phrase, response.headers
            if code in _REDIRECTS and rheaders.get("location"):
                return _Hop(code, reason, rheaders, location=rheaders["location"], address=address)
            if code == 304 and method == "GET":  # no body by definition: reading its end keeps
                await response.aread()           # the connection in the pool for the next feed
                return _Hop(code, reason, rheaders, address=address)
            if not 200 <= code < 300:
                body = await self._read(response) if method == "POST" else b""  # a hub says why it refused
                return _Hop(code, reason, rheaders, body=body, address=address)
            return _Hop(code, reason, rheaders, body=await self._read(response), address=address)
        finally:
            await response.aclose()

    async def _read(self, response: httpx.Response) -> bytes:
        cap = self._settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(f"Content-Length {declared} is larger than max_bytes={cap}")
        body = CappedBody(response.headers.get("content-encoding"), max_bytes=cap)
        async for chunk in response.aiter_raw():
            body.feed(chunk)
        return body.finish()

    def _final(self, url: str, hop: _Hop, started: float, *, permanent_url: str | None) -> FetchResult:
        now, headers = self._clock.now(), hop.headers
        retry_after = parse_retry_after(headers.get("retry-after"), now)
        result = FetchResult(url=url, status=hop.status, content_type=headers.get("content-type", ""),
                             etag=headers.get("etag"), last_modified=headers.get("last-modified"),
                             permanent_url=permanent_url, retry_after=retry_after,
                             max_age=parse_max_age(headers, now), elapsed=time.monotonic() - started)
        links = link_header_rels(headers.get_list("link"), base=url) if "link" in headers else {}
        if links.get("hub"):
            result = replace(result, hub=links["hub"], self_url=links.get("self"))
        if hop.status == 304:
            return replace(result, not_modified=True)
        if not 200 <= hop.status < 300:
            kind, message = failures.http_error(hop.status, hop.reason, url, retry_after)
            return replace(result, error=message, error_kind=kind)
        if not hop.body:
            return replace(result, error_kind="empty", error=f"HTTP {hop.status} with an empty "
                           f"body from {url}; the server sent nothing")
        return replace(result, body=hop.body)


def _origin(url: str) -> _Origin:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def _is_trusted(url: str, trusted: _Origin | None) -> bool:
    """On the configured feed's origin, or its http -> https upgrade
    (same host, default ports): such hops skip the SSRF guard."""
    if trusted is None:
        return False
    here = _origin(url)
    return here == trusted or (trusted[0] == "http" and trusted[2] == 80
                               and here == ("https", trusted[1], 443))


def _drop_extra(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Per-feed headers (tokens, cookies) are not sent to another origin."""
    ours = {"user-agent", "accept", "accept-encoding", "if-none-match", "if-modified-since"}
    return [(k, v) for k, v in headers if k.lower() in ours]


def _error(url: str, status: int, kind: str, started: float, message: str) -> FetchResult:
    return FetchResult(url=url, status=status, error=message, error_kind=kind,
                       elapsed=time.monotonic() - started)


def _with_validators(result: FetchResult, etag: str | None, last_modified: str | None) -> FetchResult:
    return replace(result, etag=result.etag or etag, last_modified=result.last_modified or last_modified)

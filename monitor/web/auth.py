"""Who may talk to the API.

- /healthz and /readyz always answer (Docker's HEALTHCHECK, Kubernetes
  probes); /readyz shows the details of its checks only to a caller who may
  use the API.
- With `http.token` set: everything else needs `Authorization: Bearer
  <token>` (or `?token=` for the page, which then sets an HttpOnly,
  SameSite=Strict cookie so its links work too).
- Hit feeds (/feeds/...): the token as above (`?token=` too), or the
  feed's own key (`?key=`, `feed_key`: opens that feed alone), since feed
  readers cannot send headers.
- Without a token, on a loopback socket: the Host header must name a
  loopback address, so a web page that rebinds its own DNS name to 127.0.0.1
  cannot read the API from the operator's browser.
- Without a token, on a connection that did not arrive on a loopback
  address: nothing but the two health endpoints (never a fallback to the
  Host header, which any client can set).
- /websub/<token> (GET and POST only) always answers, as WebSub hubs must
  reach it: its own checks are the hub's verification against the database
  and the subscription's HMAC secret (monitor.websub.intake).  Nothing else
  under /websub/ is open, and the token is a path segment of URL-safe
  characters only (no `/`, no `..`).
- /login (the desk's token form) always answers: it checks the token itself
  and sets the same cookie.  A browser asking for a page (GET, HTML, not
  /api/) without a valid token is sent there instead of getting JSON.
- Failed token checks (a wrong token or feed key presented: /login, the API,
  the page, hit feeds, /readyz's details) are limited per client address,
  counted in the database (monitor.web.signin): past the limit, 429 with
  Retry-After (/readyz: no details) until the window ends.
- Always: a POST to /api must be JSON.  Browsers cannot send JSON to another
  origin without a CORS preflight (which we never grant), so a page the
  operator visits cannot replay dead deliveries behind their back; and a
  browser POST from another origin (Origin / Sec-Fetch-Site) is refused,
  which covers the status page's rule-tester form.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Awaitable, Callable

from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from monitor.web.listen import is_loopback
from monitor.web.signin import SignInLimit, too_many

OPEN_PATHS = frozenset({"/healthz", "/readyz"})
LOGIN = "/login"
WEBSUB_CALLBACK = re.compile(r"/websub/[A-Za-z0-9_-]{16,64}")  # monitor.store.websub tokens


def is_websub_callback(request: Request) -> bool:
    return request.method in ("GET", "POST") and WEBSUB_CALLBACK.fullmatch(request.url.path) is not None


FEEDS_PREFIX = "/feeds/"  # hit feeds: readers cannot send headers, so a per-feed key in the URL opens one


def feed_key(token: str, path: str) -> str:
    """The secret that opens one hit feed (`?key=`) without the API token:
    derived from http.token and the feed's path, so it opens nothing else,
    and changes when the token does.

    >>> feed_key("t0ken", "/feeds/hits.atom") == feed_key("t0ken", "/feeds/hits.atom") != feed_key("t0ken", "/feeds/hits.json")
    True
    """
    return hmac.new(token.encode(), f"feed:{path}".encode(), "sha256").hexdigest()[:32]


TOKEN_COOKIE = "news_monitor_token"  # set by the status page opened with ?token=, so its links work
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class TokenGuard:
    def __init__(self, token: Callable[[], str | None], signin: SignInLimit | None = None) -> None:
        self.token = token  # read per request: a reload may change it
        self.signin = signin  # None: failed token checks are not limited

    def _guesses(self, request: Request) -> bool:
        """The request presents a token (or feed key) to check: a guess, if wrong."""
        return bool(self.token()) and self.signin is not None and (
            _presented(request) is not None
            or (request.url.path.startswith(FEEDS_PREFIX) and bool(request.query_params.get("key"))))

    async def may_see(self, request: Request) -> bool:
        """allowed(), within the limit on failed token checks (for /readyz's details)."""
        if self._guesses(request) and self.signin is not None and await self.signin.wait(request):
            return False
        if self.allowed(request) is None:
            return True
        if self._guesses(request) and self.signin is not None:
            await self.signin.failed(request)
        return False

    def allowed(self, request: Request) -> JSONResponse | None:
        """None when the caller may use the API, else the answer that refuses it."""
        expected = self.token()
        if expected and request.url.path.startswith(FEEDS_PREFIX):
            key = request.query_params.get("key")
            if key and hmac.compare_digest(key.encode(), feed_key(expected, request.url.path).encode()):
                return None
        if expected:
            given = _presented(request)
            if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
                return JSONResponse({"detail": "an API token is required: Authorization: Bearer <http.token>"},
                                    status_code=401, headers={"WWW-Authenticate": "Bearer"})
            return None
        if not is_loopback(_socket_host(request).strip("[]")):
            return JSONResponse({"detail": "this daemon listens off loopback without http.token: only /healthz "
                                           "and /readyz answer; set http.token (e.g. from "
                                           "${NEWS_MONITOR_HTTP_TOKEN}) to use the API and the page"},
                                status_code=403)
        if _host(request) not in LOOPBACK_HOSTS:
            return JSONResponse({"detail": f"Host {request.headers.get('host', '')!r} is not a loopback name; "
                                           "without http.token the API answers only to 127.0.0.1/localhost"},
                                status_code=403)
        return None

    async def __call__(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path in OPEN_PATHS or is_websub_callback(request):
            return await call_next(request)
        if request.url.path == LOGIN and request.method in ("GET", "POST"):
            if request.method == "POST" and not _same_origin(request):
                return JSONResponse({"detail": "cross-site POST refused"}, status_code=403)
            return await call_next(request)
        guesses = self._guesses(request)
        if guesses and self.signin is not None:
            wait = await self.signin.wait(request)
            if wait:
                return too_many(wait)
        refusal = self.allowed(request)
        if refusal is not None:
            if guesses and self.signin is not None and refusal.status_code == 401:
                await self.signin.failed(request)
            if refusal.status_code == 401 and _wants_page(request):
                kept = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
                here = request.url.path + ("?" + kept if kept else "")
                sent = RedirectResponse(f"{LOGIN}?{urlencode({'next': here})}", status_code=303)
                if TOKEN_COOKIE in request.cookies:  # a stale cookie would count as a guess on every page
                    sent.delete_cookie(TOKEN_COOKIE)
                return sent
            return refusal
        if request.method == "POST" and request.url.path.startswith("/api/") and \
                not request.headers.get("content-type", "").startswith("application/json"):
            return JSONResponse({"detail": "POST /api/... takes Content-Type: application/json (send {} for no body)"},
                                status_code=415)
        if request.method == "POST" and not _same_origin(request):
            return JSONResponse({"detail": "cross-site POST refused"}, status_code=403)
        return await call_next(request)


def _wants_page(request: Request) -> bool:
    """A browser navigating to a page (not a script, not the API)."""
    return (request.method == "GET" and not request.url.path.startswith(("/api/", "/metrics", "/openapi"))
            and "text/html" in request.headers.get("accept", ""))


def _socket_host(request: Request) -> str:
    """The local address the connection arrived on (ASGI `server`): loopback
    only for a client on this machine, whatever Host header it sends."""
    server = request.scope.get("server")
    return str(server[0]) if server else ""


def _presented(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)


def _same_origin(request: Request) -> bool:
    """Browsers say where a form post comes from; scripts send neither header."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host", "")


def _host(request: Request) -> str:
    host = request.headers.get("host", "")
    if host.startswith("["):  # [::1]:8080
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host

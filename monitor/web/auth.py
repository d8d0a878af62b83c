"""API token: required for everything but /healthz when `http.token` is set
(and the config refuses a non-loopback `http.listen` without one)."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from fastapi.responses import JSONResponse

OPEN_PATHS = frozenset({"/healthz"})


class TokenGuard:
    def __init__(self, token: Callable[[], str | None]) -> None:
        self.token = token  # read per request: a reload may change it

    async def __call__(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        expected = self.token()
        if not expected or request.url.path in OPEN_PATHS:
            return await call_next(request)
        given = _presented(request)
        if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
            return JSONResponse({"detail": "an API token is required: Authorization: Bearer <http.token>"},
                                status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return await call_next(request)


def _presented(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.query_params.get("token") or request.cookies.get("news_monitor_token")

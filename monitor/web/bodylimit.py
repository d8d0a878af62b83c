"""A cap on request bodies, before anything reads them: a body past
`max_bytes` is answered 413 without being held in memory (a declared
Content-Length at once; a chunked body as soon as it passes the cap).

The API's largest legitimate body is the rule tester's: at most
monitor.rules.MAX_DOCUMENT_CHARS characters of text, a few bytes each in
JSON.  Below the cap, the body is read once and handed on unchanged.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

from monitor.rules import MAX_DOCUMENT_CHARS

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY = 2_000_000  # bytes: MAX_DOCUMENT_CHARS of text even when every character is JSON-escaped (6 bytes)


class BodyLimit:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_bytes: int = MAX_BODY,
                 limit_for: Callable[[str], int | None] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limit_for = limit_for  # path -> its own cap (WebSub pushes: fetch.max_bytes), None: max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        cap = (self.limit_for(scope.get("path", "")) if self.limit_for else None) or self.max_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                return await _answer(send, 400, "Content-Length must be a number of bytes")
            if int(declared) > cap:
                return await self._too_large(send, cap)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                return await self._too_large(send, cap)
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send, cap: int) -> None:
        await _answer(send, 413, f"the request body is larger than {cap:,} bytes, the most this "
                                 f"API takes (the rule tester takes at most {MAX_DOCUMENT_CHARS:,} characters of text)")


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

"""A hostile HTTP server on 127.0.0.1, written raw on asyncio streams so it
can misbehave: drip bytes, never finish, bomb, loop, lie about lengths."""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import brotli
import pytest

from monitor.fetch.http import Fetcher, FetchSettings

RSS = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
       b'<item><title>Hello</title><link>http://example.com/a</link></item></channel></rss>')
HTML = b"<html><head><title>Page</title></head><body><p>Article text.</p></body></html>"
BOMB_SIZE = 50 * 1024 * 1024  # inflated size of the bombs; the tests cap at 1 MB
RETRY_DATE = "Wed, 21 Oct 2026 07:28:00 GMT"


def _bomb(compressor: Callable[[], object]) -> bytes:
    comp = compressor()
    zeros = bytes(1024 * 1024)
    parts = [comp.compress(zeros) if hasattr(comp, "compress") else comp.process(zeros)  # type: ignore[attr-defined]
             for _ in range(BOMB_SIZE // len(zeros))]
    parts.append(comp.flush() if hasattr(comp, "flush") else comp.finish())  # type: ignore[attr-defined]
    return b"".join(parts)


GZIP_BOMB = _bomb(lambda: zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS))
BR_BOMB = _bomb(lambda: brotli.Compressor(quality=5))


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class HostileServer:
    port: int = 0
    requests: list[Seen] = field(default_factory=list)
    inflight: int = 0
    max_inflight: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)
    two_held: asyncio.Event = field(default_factory=asyncio.Event)  # /hold has 2 requests waiting
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            first = await reader.readexactly(1)
            if first == b"\x16":  # a TLS ClientHello on this plain port: answer like nginx does
                writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                return
            head = first + await reader.readuntil(b"\r\n\r\n")
            line, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
            method, target, _ = line.split(" ", 2)
            parts = urlsplit(target)
            headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in lines)}
            seen = Seen(method, parts.path, parse_qs(parts.query), headers)
            self.requests.append(seen)
            await self.answer(seen, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:  # teardown of /stall and /drip: end quietly
            pass
        finally:
            self.tasks.discard(task)
            writer.close()

    async def answer(self, req: Seen, w: asyncio.StreamWriter) -> None:
        """The response to one request (subclasses add routes)."""
        await route(self, req, w)


async def send(writer: asyncio.StreamWriter, status: int, body: bytes = b"",
               headers: dict[str, str] | None = None, *, length: bool = True) -> None:
    head = [f"HTTP/1.1 {status} Whatever", "Connection: close"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if length:
        head.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()


async def route(srv: HostileServer, req: Seen, w: asyncio.StreamWriter) -> None:
    path = req.path
    if path == "/feed":
        if req.headers.get("if-none-match") == '"v1"':
            return await send(w, 304, headers={"ETag": '"v1"'})
        return await send(w, 200, RSS, {"Content-Type": "application/rss+xml", "ETag": '"v1"',
                                        "Last-Modified": "Mon, 02 Nov 2026 10:00:00 GMT"})
    if path == "/bare-304":
        return await send(w, 304)
    if path == "/headers":
        return await send(w, 200, json.dumps(req.headers).encode(), {"Content-Type": "application/json"})
    if path == "/page":
        return await send(w, 200, HTML, {"Content-Type": "text/html; charset=utf-8"})
    if path == "/cache":
        return await send(w, 200, RSS, {"Cache-Control": "public, max-age=3600"})
    if path in ("/gzip", "/deflate", "/br"):
        packed = {"/gzip": gzip.compress, "/deflate": zlib.compress, "/br": brotli.compress}[path](RSS)
        return await send(w, 200, packed, {"Content-Encoding": path[1:]})
    if path in ("/gzip-bomb", "/br-bomb"):
        bomb = GZIP_BOMB if path == "/gzip-bomb" else BR_BOMB
        return await send(w, 200, bomb, {"Content-Encoding": "gzip" if path == "/gzip-bomb" else "br"})
    if path == "/big-declared":
        return await send(w, 200, b"x" * 10, {"Content-Length": "50000000"}, length=False)
    if path == "/endless":
        await send(w, 200, headers={"Content-Type": "application/rss+xml"}, length=False)
        chunk = b"x" * 65536
        while True:
            w.write(chunk)
            await w.drain()
    if path == "/drip":
        await send(w, 200, headers={"Content-Length": "1000"}, length=False)
        while True:
            w.write(b"x")
            await w.drain()
            await asyncio.sleep(0.1)
    if path == "/stall":
        await asyncio.Event().wait()
    if path == "/flaky-once":
        if len(srv.hits("/flaky-once")) == 1:
            return  # hang up without a response, like a server dropping a kept-alive socket
        return await send(w, 200, RSS)
    if path == "/garbage":
        w.write(b"THIS IS NOT HTTP\r\n\r\n")
        return await w.drain()
    if path.startswith("/loop/"):
        return await send(w, 302, headers={"Location": "/loop/b" if path == "/loop/a" else "/loop/a"})
    if path.startswith("/hop/"):
        n = int(path.rsplit("/", 1)[1])
        if n == 0:
            return await send(w, 200, RSS)
        return await send(w, 302, headers={"Location": f"/hop/{n - 1}"})
    if path.startswith("/perm/"):
        n = int(path.rsplit("/", 1)[1])
        return await send(w, 301 if n % 2 else 308, headers={"Location": f"/perm/{n - 1}" if n > 1 else "/feed"})
    if path == "/temp":
        return await send(w, 307, headers={"Location": "/feed"})
    if path == "/mixed":
        return await send(w, 301, headers={"Location": "/temp"})
    if path == "/redirect-to":
        return await send(w, 302, headers={"Location": req.query["url"][0]})
    if path == "/status/429":
        return await send(w, 429, b"slow down", {"Retry-After": "120"})
    if path == "/status/503-date":
        return await send(w, 503, b"later", {"Retry-After": RETRY_DATE})
    if path.startswith("/status/"):
        return await send(w, int(path.rsplit("/", 1)[1]), b"error page")
    if path == "/gone":
        return await send(w, 410, b"gone")
    if path == "/empty":
        return await send(w, 200, b"")
    if path == "/hold":
        srv.inflight += 1
        srv.max_inflight = max(srv.max_inflight, srv.inflight)
        if srv.inflight >= 2:
            srv.two_held.set()
        try:
            await srv.release.wait()
        finally:
            srv.inflight -= 1
        return await send(w, 200, RSS)
    await send(w, 404, b"no such route")


@pytest.fixture
async def server() -> AsyncIterator[HostileServer]:
    srv = HostileServer()
    listener = await asyncio.start_server(srv.handle, "127.0.0.1", 0)
    srv.port = listener.sockets[0].getsockname()[1]
    try:
        yield srv
    finally:
        listener.close()
        for task in list(srv.tasks):
            task.cancel()
        await asyncio.gather(*srv.tasks, return_exceptions=True)
        await listener.wait_closed()


def settings(**overrides: object) -> FetchSettings:
    base: dict[str, object] = dict(timeout=timedelta(seconds=1), connect_timeout=timedelta(seconds=1),
                                   max_bytes=1_000_000, max_redirects=5, per_host=8,
                                   host_spacing=timedelta(0), allow_private=("127.0.0.0/8",))
    base.update(overrides)
    return FetchSettings(**base)  # type: ignore[arg-type]


@pytest.fixture
async def make_fetcher() -> AsyncIterator[Callable[..., Fetcher]]:
    made: list[Fetcher] = []

    def make(resolver: Callable[[str], Awaitable[list[str]]] | None = None, clock: object = None,
             **overrides: object) -> Fetcher:
        fetcher = Fetcher(settings(**overrides), resolver=resolver, clock=clock)  # type: ignore[arg-type]
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        await fetcher.aclose()


@pytest.fixture
async def fetcher(make_fetcher: Callable[..., Fetcher]) -> Fetcher:
    return make_fetcher()

"""Issue 13: slow clients cannot hold the daemon's HTTP server.  uvicorn
alone keeps a connection whose header never ends open for ever, and past its
connection limit answers 503 to everyone, /healthz included."""

from __future__ import annotations

import asyncio
import time

import pytest

from monitor.web.server import CONNECTION_LIMIT, HttpServer

DEADLINE = 1.0
PARTIAL = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/slow-answer":
        await asyncio.sleep(DEADLINE * 2)  # the app's own time is not the client's fault
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
async def served():
    server = HttpServer(lambda: app, request_deadline=DEADLINE)
    assert await server.start("127.0.0.1:0")
    try:
        yield server.port
    finally:
        await server.stop()


async def get(port: int, path: str = "/healthz") -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    reply = await asyncio.wait_for(reader.read(), timeout=DEADLINE * 5)
    writer.close()
    return reply.split(b"\r\n", 1)[0]


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(), timeout=within) == b""
    except (TimeoutError, ConnectionError):
        return False


async def test_connections_whose_header_never_ends_are_closed_and_health_answers_again(served):
    port = served
    slow = [await asyncio.open_connection("127.0.0.1", port) for _ in range(CONNECTION_LIMIT + 20)]
    for _, writer in slow:
        writer.write(PARTIAL)
        await writer.drain()
    await asyncio.sleep(0.2)
    assert b"503" in await get(port)  # the attack works while they are held
    closed = await asyncio.gather(*(closed_by_server(reader, DEADLINE * 4) for reader, _ in slow))
    assert all(closed), f"{closed.count(False)} slow connections still open"
    assert b"200" in await get(port)
    for _, writer in slow:
        writer.close()


async def test_a_header_dribbled_a_byte_at_a_time_does_not_extend_the_deadline(served):
    reader, writer = await asyncio.open_connection("127.0.0.1", served)
    started = time.monotonic()
    for byte in PARTIAL:
        if writer.is_closing() or reader.at_eof():
            break
        try:
            writer.write(bytes([byte]))
            await writer.drain()
        except ConnectionError:
            break
        await asyncio.sleep(DEADLINE / 5)
        if time.monotonic() - started > DEADLINE * 6:
            break
    assert await closed_by_server(reader, DEADLINE * 2)
    assert time.monotonic() - started < DEADLINE * 4
    writer.close()


async def test_a_kept_alive_client_and_a_slow_answer_are_served(served):
    reader, writer = await asyncio.open_connection("127.0.0.1", served)
    for _ in range(2):
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"ok"), timeout=DEADLINE * 3)
        assert head.startswith(b"HTTP/1.1 200")
        await asyncio.sleep(DEADLINE * 0.6)  # the second request comes later than half the deadline
    writer.close()
    assert b"200" in await get(served, "/slow-answer")

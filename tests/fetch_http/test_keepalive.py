"""An unchanged feed (304) leaves its connection open for the next poll of the host."""

from __future__ import annotations

import asyncio

from monitor.fetch.http import Fetcher
from monitor.fetch.transport import SocketOnceBackend
from tests.fetch_http.conftest import settings


async def test_304s_reuse_one_kept_alive_connection() -> None:
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 0\r\n\r\n')
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    listener = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    fetcher = Fetcher(settings())
    try:
        for f in range(5):
            result = await fetcher.fetch_feed(f"http://127.0.0.1:{port}/feed/{f}.xml", etag='"v1"', last_modified=None)
            assert result.not_modified and result.error is None
    finally:
        await fetcher.aclose()
        listener.close()
        await listener.wait_closed()
    assert len(connections) == 1


async def test_an_idle_connection_the_server_closed_is_seen_as_closed() -> None:
    """The pool's check before reusing a connection (monitor.fetch.transport
    answers it from the socket it keeps): open and quiet is not readable;
    closed by the server is."""
    closed = asyncio.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await closed.wait()
        writer.close()

    listener = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    stream = await SocketOnceBackend().connect_tcp("127.0.0.1", port, timeout=5)
    try:
        assert stream.get_extra_info("socket") is not None
        assert stream.get_extra_info("is_readable") is False
        closed.set()
        for _ in range(100):
            if stream.get_extra_info("is_readable"):
                break
            await asyncio.sleep(0.02)
        assert stream.get_extra_info("is_readable") is True
        assert stream.get_extra_info("server_addr")[1] == port  # other questions go to httpcore's stream
    finally:
        await stream.aclose()
        listener.close()
        await listener.wait_closed()


async def test_a_server_that_closes_between_polls_costs_a_new_connection_not_an_error() -> None:
    """A server that closes each connection after one answer (no keep-alive
    header): every fetch succeeds on a fresh connection, none on a dead one."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 0\r\n\r\n')
        await writer.drain()
        writer.close()

    listener = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    fetcher = Fetcher(settings())
    try:
        for f in range(4):
            await asyncio.sleep(0.05)  # the close reaches us before the next poll
            result = await fetcher.fetch_feed(f"http://127.0.0.1:{port}/feed/{f}.xml", etag='"v1"', last_modified=None)
            assert result.not_modified and result.error is None
    finally:
        await fetcher.aclose()
        listener.close()
        await listener.wait_closed()
    assert len(connections) == 4

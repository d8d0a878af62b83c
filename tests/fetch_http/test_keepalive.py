"""An unchanged feed (304) leaves its connection open for the next poll of the host."""

from __future__ import annotations

import asyncio

from monitor.fetch.http import Fetcher
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

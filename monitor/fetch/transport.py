"""The HTTP transport every client of the daemon uses: httpx's own, over
httpcore's connection pool, with a network backend whose connections look
their socket up once.

Before each request the pool asks every idle connection whether the server
closed it (`get_extra_info("is_readable")`).  httpcore's anyio stream
answers by asking anyio for the raw socket, and anyio builds a dict of every
socket attribute for that, with a `getpeername` system call, each time: at
300 feeds on one host that was ~4,000 lookups and ~0.25 s of CPU per poll
cycle (bench/startup_bench.py).  `SocketOnce` keeps the socket the stream
was opened on and answers from it; everything else is httpcore's.

    client = httpx.AsyncClient(transport=pooled(httpx.Limits(max_connections=32)))
"""

from __future__ import annotations

import socket
import ssl
import typing

import httpcore
import httpx
from httpcore._backends.anyio import AnyIOBackend
from httpcore._utils import is_socket_readable

__all__ = ["pooled"]


class SocketOnce(httpcore.AsyncNetworkStream):
    """A stream that answers socket questions from the socket it was opened on."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        return SocketOnce(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "socket":
            return self._socket
        if info == "is_readable":  # readable while idle: the server closed it (or sent junk)
            return is_socket_readable(self._socket)
        return self._inner.get_extra_info(info)


class SocketOnceBackend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio backend, its streams wrapped in SocketOnce."""

    def __init__(self) -> None:
        self._inner = AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        return SocketOnce(await self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        return SocketOnce(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PooledTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (request and response mapping, its exceptions) over a
    pool on SocketOnceBackend.  Its methods use nothing but `_pool`, which is
    all this sets (httpx is pinned in the lock files)."""

    def __init__(self, limits: httpx.Limits) -> None:  # not super().__init__(): it would build a pool too
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=SocketOnceBackend())


def pooled(limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """The transport for a client with these limits."""
    return PooledTransport(limits)

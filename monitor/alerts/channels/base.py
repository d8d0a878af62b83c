"""The Channel protocol and what a channel may use (Deps).

A channel turns one Delivery into one message and reports the answer as a
SendResult; it never raises for a sending failure.  Its options arrive typed
(each module's frozen `Options`, read once by the config loader) inside a
ChannelSpec; building a channel only wires clients, it re-checks nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import IO, Protocol, runtime_checkable

import httpx

from monitor import USER_AGENT
from monitor.clock import Clock
from monitor.fetch.transport import pooled
from monitor.types import ChannelSpec, Delivery, SendResult


@runtime_checkable
class Channel(Protocol):
    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Deps:
    """What a channel may use: the injected transport, clock and stream."""

    clock: Clock
    transport: httpx.AsyncBaseTransport | None = None
    stream: IO[str] | None = None

    def http_client(self, spec: ChannelSpec) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=max(1, spec.concurrency))
        return httpx.AsyncClient(
            transport=self.transport or pooled(limits),
            timeout=httpx.Timeout(spec.timeout.total_seconds()),
            follow_redirects=False,
            trust_env=False,
            headers={"user-agent": USER_AGENT},
        )


def default_stream(name: str | None) -> IO[str]:
    return sys.stderr if name == "stderr" else sys.stdout

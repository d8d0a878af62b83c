"""The Channel protocol and the registry that builds channels from config.

A channel turns one Delivery into one message and reports the answer as a
SendResult; it never raises for a sending failure (ChannelError is for a
misconfigured channel, raised when it is built).
"""

from __future__ import annotations

import sys
from typing import IO, Callable, Mapping, Protocol, runtime_checkable

import httpx

from monitor.clock import Clock
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, Delivery, SendResult


@runtime_checkable
class Channel(Protocol):
    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult: ...

    async def aclose(self) -> None: ...


class Deps:
    """What a channel factory may use: the injected transport, clock and stream."""

    def __init__(self, transport: httpx.AsyncBaseTransport | None, clock: Clock,
                 stream: IO[str] | None) -> None:
        self.transport = transport
        self.clock = clock
        self.stream = stream

    def http_client(self, spec: ChannelSpec) -> httpx.AsyncClient:
        concurrency = int(spec.options.get("concurrency", 4))
        return httpx.AsyncClient(
            transport=self.transport,
            timeout=httpx.Timeout(spec.timeout.total_seconds()),
            limits=httpx.Limits(max_connections=max(1, concurrency)),
            follow_redirects=False,
            headers={"user-agent": "news-monitor"},
        )


Factory = Callable[[ChannelSpec, Deps], Channel]


def _factories() -> dict[str, Factory]:
    from monitor.alerts import apprise, console, email, slack, webhook
    return {
        "console": console.ConsoleChannel.build,
        "webhook": webhook.WebhookChannel.build,
        "slack": slack.SlackChannel.build,
        "email": email.EmailChannel.build,
        "apprise": apprise.AppriseChannel.build,
    }


def build_channels(specs: Mapping[str, ChannelSpec], *,
                   transport: httpx.AsyncBaseTransport | None = None, clock: Clock,
                   stream: IO[str] | None = None) -> dict[str, Channel]:
    """One Channel per spec; ChannelError (naming the channel and the fix) for a bad one."""
    factories = _factories()
    deps = Deps(transport, clock, stream)
    built: dict[str, Channel] = {}
    for name, spec in specs.items():
        factory = factories.get(spec.type)
        if factory is None:
            raise ChannelError(f"channel {name!r}{_where(spec)}: unknown type {spec.type!r}; "
                               f"use one of {', '.join(sorted(factories))}")
        try:
            built[name] = factory(spec, deps)
        except ChannelError as exc:
            raise ChannelError(f"channel {name!r}{_where(spec)}: {exc}") from exc
    return built


def require(spec: ChannelSpec, key: str) -> object:
    value = spec.options.get(key)
    if value in (None, "", []):
        raise ChannelError(f"{spec.type} channel needs '{key}:' in its options")
    return value


def default_stream(name: str | None) -> IO[str]:
    return sys.stderr if name == "stderr" else sys.stdout


def _where(spec: ChannelSpec) -> str:
    return f" ({spec.source})" if spec.source else ""

"""Webhook channel: the JSON payload (monitor.alerts.payload), signed the
Standard Webhooks way (monitor.alerts.signing).

Options: url (required), secret, headers (map of extra headers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from monitor.alerts.channels import http
from monitor.alerts.channels.base import Deps
from monitor.alerts.payload import encode, payload
from monitor.alerts.signing import secret_key, webhook_headers
from monitor.clock import Clock
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, Delivery, SendResult


@dataclass(frozen=True)
class Options:
    url: str
    secret: str | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Options:
        values = dict(values)
        headers = values.pop("headers", None) or {}
        items = headers.items() if isinstance(headers, Mapping) else headers
        return cls(headers=tuple((str(k), v) for k, v in items), **values)


def check(options: Options) -> None:
    """ChannelError for what the config loader cannot see by type alone."""
    if not options.url.startswith(("http://", "https://")):
        raise ChannelError("webhook url must start with http:// or https://")
    if options.secret:
        secret_key(str(options.secret))  # a malformed whsec_ secret fails at load, not at send time


def build(spec: ChannelSpec, deps: Deps) -> WebhookChannel:
    options: Options = spec.options
    check(options)
    return WebhookChannel(options.url, client=deps.http_client(spec), clock=deps.clock,
                          secret=str(options.secret) if options.secret else None,
                          headers=dict(options.headers))


class WebhookChannel:
    def __init__(self, url: str, *, client: httpx.AsyncClient, clock: Clock,
                 secret: str | None = None, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.secret = secret
        self.headers = dict(headers or {})
        self.client = client
        self.clock = clock

    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult:
        now = self.clock.now()
        body = encode(payload(delivery, now))
        headers = {**self.headers, "content-type": "application/json",
                   **webhook_headers(self.secret, delivery.key, int(now.timestamp()), body)}
        return await http.post(self.client, self.url, content=body, headers=headers, now=now)

    async def aclose(self) -> None:
        await self.client.aclose()

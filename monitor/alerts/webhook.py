"""Webhook channel: the JSON payload (monitor.alerts.payload), signed the
Standard Webhooks way (monitor.alerts.signing).

Options: url (required), secret, headers (map of extra headers), timeout.
"""

from __future__ import annotations

from monitor.alerts import http
from monitor.alerts.channel import Deps, require
from monitor.alerts.payload import encode, payload
from monitor.alerts.signing import secret_key, webhook_headers
from monitor.clock import Clock
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, Delivery, SendResult

import httpx


class WebhookChannel:
    def __init__(self, url: str, *, client: httpx.AsyncClient, clock: Clock,
                 secret: str | None = None, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.secret = secret
        self.headers = dict(headers or {})
        self.client = client
        self.clock = clock

    @classmethod
    def build(cls, spec: ChannelSpec, deps: Deps) -> WebhookChannel:
        url = str(require(spec, "url"))
        if not url.startswith(("http://", "https://")):
            raise ChannelError("webhook url must start with http:// or https://")
        secret = spec.options.get("secret") or None
        if secret:
            secret_key(str(secret))  # a malformed whsec_ secret fails now, not at send time
        headers = spec.options.get("headers") or {}
        if not isinstance(headers, dict):
            raise ChannelError("webhook 'headers:' must be a map of name: value")
        return cls(url, client=deps.http_client(spec), clock=deps.clock,
                   secret=str(secret) if secret else None,
                   headers={str(k): str(v) for k, v in headers.items()})

    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult:
        now = self.clock.now()
        body = encode(payload(delivery, now))
        headers = {**self.headers, "content-type": "application/json",
                   **webhook_headers(self.secret, delivery.key, int(now.timestamp()), body)}
        return await http.post(self.client, self.url, content=body, headers=headers, now=now)

    async def aclose(self) -> None:
        await self.client.aclose()

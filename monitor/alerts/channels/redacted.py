"""Every channel's answer, redacted: what a receiver says about a send (its
error body, an exception's text) is written to logs, `deliveries`, the
database, the API, the status page and `test-channel` output, and a receiver
may quote the secret URL it was called on (`404 Cannot POST
/services/T.../B.../TOKEN`).  So every SendResult leaves its channel with each
of the channel's secrets, and each part of its secret URLs, replaced by ***
(monitor.redact), then cut to a one-line excerpt of DETAIL_LIMIT characters.
An exception a channel raises becomes a failed SendResult the same way."""

from __future__ import annotations

import dataclasses
from typing import Any

from monitor.alerts.channels.base import Channel
from monitor.logs import secret_values
from monitor.redact import Redactor, excerpt
from monitor.types import ChannelSpec, Delivery, SendResult

DETAIL_LIMIT = 240


def channel_secrets(spec: ChannelSpec) -> list[str]:
    """Every secret among the channel's options (also when a spec was made from
    plain strings: tests, samples), by monitor.config.secrets' policy."""
    # imported here: monitor.config imports the channel types, which import this module
    from monitor.config.secrets import SECRET_OPTIONS, is_secret_header

    found = secret_values(spec.options)
    options = spec.options
    if dataclasses.is_dataclass(options) and not isinstance(options, type):
        for name in sorted(SECRET_OPTIONS):
            found += _strings(getattr(options, name, None))
        headers = getattr(options, "headers", None) or {}
        found += [str(v) for k, v in dict(headers).items() if is_secret_header(str(k))]
    return found


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


class RedactedChannel:
    """A channel whose answers never carry its secrets."""

    def __init__(self, inner: Channel, redact: Redactor) -> None:
        self._inner = inner
        self._redact = redact

    @property
    def inner(self) -> Channel:
        """The wrapped channel (what it would render, for tests and previews)."""
        return self._inner

    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult:
        try:
            if template:
                result = await self._inner.send(delivery, template=template)
            else:
                result = await self._inner.send(delivery)
        except Exception as exc:  # noqa: BLE001 - a channel bug is a failed send, redacted like any answer
            result = SendResult(ok=False, detail=f"{type(exc).__name__}: {exc}")
        return dataclasses.replace(result, detail=excerpt(self._redact(result.detail), DETAIL_LIMIT))

    async def aclose(self) -> None:
        await self._inner.aclose()


def redacted(channel: Channel, spec: ChannelSpec) -> RedactedChannel:
    return RedactedChannel(channel, Redactor(channel_secrets(spec)))

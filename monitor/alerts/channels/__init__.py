"""Alert channels: one module per type, each with its frozen typed `Options`.

    base.py     the Channel protocol and Deps (transport, clock, stream)
    console.py  webhook.py  slack.py  email.py  apprise.py   one type each
    http.py     an HTTP answer -> SendResult (webhook and Slack)
    redacted.py every channel's answers with its secrets hidden (each channel built is wrapped)

    build_channels(specs, deps)          one Channel per ChannelSpec
    channel_spec("hook", "webhook", {"url": ...}, timeout=...)
                                         a spec from plain values (tests, samples)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import ModuleType
from typing import Any

from monitor.alerts.channels import apprise, console, email, slack, webhook
from monitor.alerts.channels.base import Channel, Deps
from monitor.alerts.channels.redacted import redacted
from monitor.errors import ChannelError
from monitor.types import ChannelSpec

__all__ = ["TYPES", "Channel", "Deps", "build_channels", "channel_spec"]

TYPES: dict[str, ModuleType] = {"console": console, "webhook": webhook, "slack": slack,
                                "email": email, "apprise": apprise}
COMMON = ("concurrency", "max_attempts", "timeout", "template", "quiet_hours")


def build_channels(specs: Mapping[str, ChannelSpec], deps: Deps) -> dict[str, Channel]:
    """One Channel per spec, its answers redacted (monitor.alerts.channels.redacted);
    ChannelError naming the channel when one cannot be built (the ones built
    before it have opened no connection yet)."""
    built: dict[str, Channel] = {}
    for name, spec in specs.items():
        module = TYPES.get(spec.type)
        try:
            if module is None:
                raise ChannelError(f"unknown type {spec.type!r}; use one of {', '.join(sorted(TYPES))}")
            built[name] = redacted(module.build(spec, deps), spec)
        except ChannelError as exc:
            where = f" ({spec.source})" if spec.source else ""
            raise ChannelError(f"channel {name!r}{where}: {exc}") from exc
    return built


def channel_spec(id: str, type: str, options: Mapping[str, Any] | None = None, **common: Any) -> ChannelSpec:
    """A ChannelSpec from plain values: common keys (concurrency, max_attempts,
    timeout, template, quiet_hours) may sit in `options` or be given by name;
    the rest are the type's own options.

    >>> channel_spec("c", "console", {"template": "{{ hit.title }}"}).template
    '{{ hit.title }}'
    """
    module = TYPES.get(type)
    if module is None:
        raise ChannelError(f"channel {id!r}: unknown type {type!r}; use one of {', '.join(sorted(TYPES))}")
    values = dict(options or {})
    shared = {k: values.pop(k) for k in COMMON if k in values} | common
    try:
        options = module.Options.of(values)
    except TypeError as exc:  # an option the type does not have, or a required one missing
        raise ChannelError(f"channel {id!r}: {type} options: {exc}") from None
    if "timeout" in shared and not isinstance(shared["timeout"], timedelta):
        shared["timeout"] = timedelta(seconds=float(shared["timeout"]))
    return ChannelSpec(id=id, type=type, options=options, **shared)

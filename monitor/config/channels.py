"""`channels:`: each entry -> ChannelSpec with the type's typed Options.

Values are read and checked here, once (file:line on every mistake); the
channel modules (monitor.alerts.channels.<type>) define what their Options
hold and the checks only they can make (a webhook secret's format, a template
that compiles).  Secret options are `Secret` strings, so a repr of the spec
never shows them.  `alerts:` gives the defaults of the common keys.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from monitor.alerts.channels import TYPES
from monitor.config.fields import (Ctx, as_bool, as_duration, as_int, as_str, as_str_list,
                                   as_str_map, normalised, section)
from monitor.config.model import AlertsConfig, Secret
from monitor.config.schedules import normalise_quiet_hours
from monitor.config.secrets import SECRET_OPTIONS, is_secret_header, is_secret_option
from monitor.config.yamltree import Node
from monitor.errors import ChannelError
from monitor.types import ChannelSpec

COMMON_KEYS = ("type", "max_attempts", "timeout", "template", "quiet_hours", "concurrency")
# Hidden in config messages (headers too: a value may be a credential); which
# values are secrets in logs is monitor.config.secrets' policy.
HIDDEN_OPTIONS = tuple(sorted(SECRET_OPTIONS)) + ("headers",)


@dataclass(frozen=True)
class ChannelType:
    keys: tuple[str, ...]
    required: tuple[str, ...] = ()


CHANNEL_TYPES: dict[str, ChannelType] = {
    "console": ChannelType(("stream",)),
    "webhook": ChannelType(("url", "secret", "headers"), ("url",)),
    "slack": ChannelType(("webhook_url",), ("webhook_url",)),
    "email": ChannelType(("host", "port", "starttls", "tls", "username", "password", "from", "to",
                          "cc", "subject", "html_template", "ca_file", "validate_certs"), ("host", "from", "to")),
    "apprise": ChannelType(("urls",), ("urls",)),
}


def read_channels(ctx: Ctx, node: Node | None, alerts: AlertsConfig) -> dict[str, ChannelSpec]:
    if node is None:
        return {"console": _spec("console", "console", {}, alerts)}
    entries = section(ctx, node, "channels", list(node.value) if node.kind == "map" else [])
    channels: dict[str, ChannelSpec] = {}
    for name, item in entries.items():
        spec = read_channel(ctx, name, item, alerts)
        if spec is not None:
            channels[name] = spec
    return channels


def read_channel(ctx: Ctx, name: str, node: Node, alerts: AlertsConfig = AlertsConfig()) -> ChannelSpec | None:
    where = f"channels.{name}"
    if node.kind != "map":
        section(ctx, node, where, ("type",))
        return None
    if "type" not in node.value:
        ctx.error(node, where, f"missing required key 'type' (one of {', '.join(CHANNEL_TYPES)})")
        return None
    kind = as_str(ctx, node.value["type"], f"{where}.type", choices=CHANNEL_TYPES)
    if kind is None:
        return None
    ctype = CHANNEL_TYPES[kind]
    reported = len(ctx.problems)
    s = section(ctx, node, where, COMMON_KEYS + ctype.keys, required=ctype.required,
                secret=HIDDEN_OPTIONS)
    values: dict[str, Any] = {}
    for key in ctype.keys + ("template", "quiet_hours"):
        if key in s and key not in ctype.required and s[key].value == "":
            continue  # an optional key left empty, e.g. secret: "${WEBHOOK_SECRET:-}"
        if key in s:
            value = _READERS.get(key, _text)(ctx, s[key], f"{where}.{key}")
            if value is not None:
                secret = is_secret_option(key) or (s[key].source or "").startswith("file ")
                values[key] = Secret(value) if secret and isinstance(value, str) else value
    common = {
        "template": values.pop("template", None),
        "quiet_hours": values.pop("quiet_hours", None),
        "concurrency": (as_int(ctx, s["concurrency"], f"{where}.concurrency", minimum=1)
                        if "concurrency" in s else None) or alerts.concurrency,
        "max_attempts": (as_int(ctx, s["max_attempts"], f"{where}.max_attempts", minimum=1)
                         if "max_attempts" in s else None) or alerts.max_attempts,
        "timeout": (as_duration(ctx, s["timeout"], f"{where}.timeout") if "timeout" in s else None)
        or alerts.timeout,
    }
    for problem in getattr(TYPES[kind], "conflicts", lambda _: [])(values):
        ctx.error(node, where, problem)
    if len(ctx.problems) > reported or any(key not in values for key in ctype.required):
        return None  # something in this entry is wrong: already reported
    try:
        spec = _spec(name, kind, values, alerts, source=node.where(), **common)
    except (ChannelError, TypeError, ValueError) as exc:
        ctx.error(node, where, str(exc))
        return None
    return spec


def _spec(name: str, kind: str, values: dict[str, Any], alerts: AlertsConfig, *, source: str = "",
          template: str | None = None, quiet_hours: str | None = None, concurrency: int | None = None,
          max_attempts: int | None = None, timeout: Any = None) -> ChannelSpec:
    """The typed spec, with the checks only the channel's own module can make."""
    module = TYPES[kind]
    options = module.Options.of(values)
    if hasattr(module, "check"):
        module.check(options)
    if template and hasattr(module, "check_template"):
        module.check_template(template)
    return ChannelSpec(id=name, type=kind, options=options, concurrency=concurrency or alerts.concurrency,
                       max_attempts=max_attempts or alerts.max_attempts, timeout=timeout or alerts.timeout,
                       template=template, quiet_hours=quiet_hours, source=source)


def _text(ctx: Ctx, node: Node, where: str) -> str | None:
    return as_str(ctx, node, where)


def _http_url(ctx: Ctx, node: Node, where: str) -> str | None:
    text = as_str(ctx, node, where)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        ctx.error(node, where, f"expected an http:// or https:// URL, got {node.describe()}")
        return None
    return text


def _address(ctx: Ctx, node: Node, where: str) -> str | None:
    text = as_str(ctx, node, where)
    if text is not None and "@" not in text:
        ctx.error(node, where, f"expected an email address like desk@example.com, got {node.describe()}")
        return None
    return text


def _addresses(ctx: Ctx, node: Node, where: str) -> tuple[str, ...] | None:
    if node.kind != "list":
        ctx.error(node, where, f"expected a list of addresses like [desk@example.com], got {node.describe()}")
        return None
    out = [_address(ctx, item, f"{where}[{i}]") for i, item in enumerate(node.value)]
    if not out and where.endswith(".to"):
        ctx.error(node, where, "needs at least one address")
        return None
    return tuple(a for a in out if a)


def _urls(ctx: Ctx, node: Node, where: str) -> tuple[str, ...] | None:
    urls = as_str_list(ctx, node, where)
    if urls is not None and not urls:
        ctx.error(node, where, "needs at least one Apprise URL, e.g. [tgram://bottoken/chatid]")
        return None
    return tuple(Secret(u) for u in urls) if urls else None


def _quiet(ctx: Ctx, node: Node, where: str) -> str | None:
    return normalised(ctx, node, where, as_str(ctx, node, where), normalise_quiet_hours)


def _readable_file(ctx: Ctx, node: Node, where: str) -> str | None:
    """A path that must exist and be readable now (e.g. the CA of a private SMTP relay)."""
    path = as_str(ctx, node, where)
    if path is not None and not os.access(path, os.R_OK):
        ctx.error(node, where, f"cannot read {path!r}; give the PEM file of the CA that signed the server's "
                               "certificate")
        return None
    return path


def _headers(ctx: Ctx, node: Node, where: str) -> dict[str, str] | None:
    headers = as_str_map(ctx, node, where)
    if headers is None:
        return None
    return {k: Secret(v) if is_secret_header(k) else v for k, v in headers.items()}


_READERS: dict[str, Callable[[Ctx, Node, str], Any]] = {
    "url": _http_url,
    "webhook_url": _http_url,
    "headers": _headers,
    "port": lambda ctx, n, w: as_int(ctx, n, w, minimum=1, maximum=65535),
    "starttls": as_bool,
    "tls": as_bool,
    "validate_certs": as_bool,
    "ca_file": lambda ctx, n, w: _readable_file(ctx, n, w),
    "from": _address,
    "to": _addresses,
    "cc": _addresses,
    "urls": _urls,
    "stream": lambda ctx, n, w: as_str(ctx, n, w, choices=("stdout", "stderr")),
    "quiet_hours": _quiet,
}

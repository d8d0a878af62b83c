"""Building runtime pieces for tests without a config file: channels from
specs, a live config snapshot, a dispatcher on it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import httpx

from monitor.alerts import Dispatcher
from monitor.alerts.channels import Channel, Deps, build_channels
from monitor.clock import Clock
from monitor.config.model import AlertsConfig, Config
from monitor.runtime.snapshot import LiveConfig, snapshot
from monitor.types import ChannelSpec, RuleSpec


def channels(specs: Mapping[str, ChannelSpec], clock: Clock, *, stream: IO[str] | None = None,
             transport: httpx.AsyncBaseTransport | None = None) -> dict[str, Channel]:
    return build_channels(specs, Deps(clock=clock, transport=transport, stream=stream))


def live(specs: Mapping[str, ChannelSpec], clock: Clock, *, built: Mapping[str, Any] | None = None,
         rules: Iterable[RuleSpec] | Mapping[str, RuleSpec] = (), digest_grace: timedelta | None = None,
         stream: IO[str] | None = None, transport: httpx.AsyncBaseTransport | None = None) -> LiveConfig:
    rules = rules.values() if isinstance(rules, Mapping) else rules
    alerts = AlertsConfig() if digest_grace is None else replace(AlertsConfig(), digest_grace=digest_grace)
    config = Config(path=Path("test.yaml"), files=(), channels=dict(specs), rules=tuple(rules), alerts=alerts)
    made = dict(built) if built is not None else channels(specs, clock, stream=stream, transport=transport)
    return LiveConfig(snapshot(1, config, channels=made, fetcher=None, extractor=None))


def dispatcher(store: Any, specs: Mapping[str, ChannelSpec], clock: Clock, *, built: Mapping[str, Any] | None = None,
               rules: Iterable[RuleSpec] | Mapping[str, RuleSpec] = (), owner: str = "t", rand: Callable[[], float] | None = None,
               digest_grace: timedelta | None = None, stream: IO[str] | None = None,
               transport: httpx.AsyncBaseTransport | None = None) -> Dispatcher:
    cfg = live(specs, clock, built=built, rules=rules, digest_grace=digest_grace, stream=stream, transport=transport)
    extra = {"rand": rand} if rand is not None else {}
    return Dispatcher(store=store, live=cfg, clock=clock, owner=owner, **extra)

"""What one poll needs from the config, derived once per config snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from monitor.config.model import Config
from monitor.poll.schedule import ScheduleSettings
from monitor.websub.policy import Policy


@dataclass(frozen=True)
class PollSettings:
    concurrency: int  # feeds polled at once (poll.concurrency)
    deadline: timedelta  # one feed's whole poll: fetch, pages, extraction (poll.deadline)
    max_entries: int  # entries read from one feed (fetch.max_entries)
    schedule: ScheduleSettings
    match_deadline: float = 5.0  # seconds matching one article may take (poll.match_deadline)
    websub: Any = None  # monitor.store.websub.Policy: what a poll does about a hub (None: WebSub off)
    safety_interval: timedelta | None = None  # a pushed feed is polled this often (websub.safety_interval)

    @classmethod
    def from_config(cls, config: Config) -> PollSettings:
        p = config.poll
        return cls(concurrency=p.concurrency, deadline=p.deadline, max_entries=config.fetch.max_entries,
                   schedule=ScheduleSettings(min_interval=p.min_interval, max_interval=p.max_interval,
                                             jitter=p.jitter, max_stretch=p.max_stretch, adaptive=p.adaptive),
                   match_deadline=p.match_deadline.total_seconds(),
                   websub=(Policy(callback=config.http.public_url, lease=config.websub.lease)
                           if config.websub.enabled else None),
                   safety_interval=config.websub.safety_interval if config.websub.enabled else None)

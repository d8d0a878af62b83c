"""What one poll needs from the config, derived once per config snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from monitor import feedurl
from monitor.config.model import Config
from monitor.poll.schedule import ScheduleSettings
from monitor.websub.policy import Policy
from monitor.types import INHERIT, FeedSpec, FeedState


@dataclass(frozen=True)
class PollSettings:
    concurrency: int  # feeds polled at once (poll.concurrency)
    deadline: timedelta  # one feed's whole poll: fetch, pages, extraction (poll.deadline)
    max_entries: int  # entries read from one feed (fetch.max_entries)
    schedule: ScheduleSettings
    match_deadline: float = 5.0  # seconds matching one article may take (poll.match_deadline)
    websub: Any = None  # monitor.store.websub.Policy: what a poll does about a hub (None: WebSub off)
    safety_interval: timedelta | None = None  # a pushed feed is polled this often (websub.safety_interval)
    max_age: timedelta | None = timedelta(days=2)  # poll.max_age: older entries are backlog (None: off)
    feed_max_age: Mapping[str, timedelta | None] = field(default_factory=dict)  # per configured URL
    feeds: Mapping[str, FeedSpec] = field(default_factory=dict)  # the config's entries by feedurl.key

    def target(self, feed: FeedState) -> FeedState | None:
        """The claimed feed as polled: its real URL (the stored template with
        the config entry's `${VAR}`s; the configured URL when they no longer
        fit), configured URL and headers, from the config, never from the
        database.  A feed whose entry is not in this config is polled as
        stored only when nothing of it was secret; else None (set aside)."""
        spec = self._entry(feed)
        if spec is None:
            url = feedurl.resolve(feed.url, ())
            configured = feedurl.resolve(feed.configured_url, ())
            if url is None or configured is None:
                return None
            return replace(feed, url=url, configured_url=configured, headers=())
        url = feedurl.resolve(feed.url, spec.secret_vars) or spec.url
        return replace(feed, url=url, configured_url=spec.url, headers=spec.headers)

    def secrets(self, feed: FeedState) -> tuple[tuple[str, str], ...]:
        """The `${VAR}`s of the feed's config entry (a new address is stored without them)."""
        spec = self._entry(feed)
        return spec.secret_vars if spec is not None else ()

    def _entry(self, feed: FeedState) -> FeedSpec | None:
        return self.feeds.get(feed.key or feedurl.key(feed.configured_url or feed.url))

    def backlog_age(self, feed: FeedState) -> timedelta | None:
        """The feed's own `max_age` when it sets one, else poll.max_age."""
        return self.feed_max_age.get(feed.configured_url or feed.url, self.max_age)

    @classmethod
    def from_config(cls, config: Config) -> PollSettings:
        p = config.poll
        return cls(concurrency=p.concurrency, deadline=p.deadline, max_entries=config.fetch.max_entries,
                   schedule=ScheduleSettings(min_interval=p.min_interval, max_interval=p.max_interval,
                                             jitter=p.jitter, max_stretch=p.max_stretch, adaptive=p.adaptive),
                   match_deadline=p.match_deadline.total_seconds(),
                   websub=(Policy(callback=config.http.public_url, lease=config.websub.lease)
                           if config.websub.enabled else None),
                   safety_interval=config.websub.safety_interval if config.websub.enabled else None,
                   max_age=p.max_age,
                   feed_max_age={f.url: f.max_age for f in config.feeds if f.max_age != INHERIT},
                   feeds={feedurl.key(f.url): f for f in config.feeds})

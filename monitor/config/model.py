"""The validated configuration: small frozen records, built by `load_config`.

Every field has the default documented in docs/config.md; this module is
the one place those defaults are written (the settings objects built from a
Config, e.g. monitor.fetch.settings.FetchSettings, take theirs from here).
Secret strings
(channel passwords, tokens, webhook URLs, a database password) are `Secret`
instances: plain `str` to the code that uses them, `'***'` in any repr, so a
logged Config or ChannelSpec never shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from monitor.stories.settings import ClusterSettings
from monitor.types import ChannelSpec, FeedSpec, RuleSpec


DEFAULT_DATABASE = "sqlite:///data/monitor.db"  # relative: from the config file's directory


class Secret(str):
    """A str whose repr hides it.  `shown` is what repr prints instead."""

    shown: str

    def __new__(cls, value: str, shown: str = "***") -> Secret:
        self = super().__new__(cls, value)
        self.shown = shown
        return self

    def __repr__(self) -> str:
        return repr(self.shown)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Secret, (str(self), self.shown))


@dataclass(frozen=True)
class PollConfig:
    interval: timedelta = timedelta(minutes=10)
    concurrency: int = 32
    jitter: float = 0.1
    min_interval: timedelta = timedelta(minutes=1)
    max_interval: timedelta = timedelta(hours=24)
    max_stretch: float = 4.0  # server hints stretch a poll to at most this x the interval
    deadline: timedelta = timedelta(minutes=5)  # one feed's whole poll (fetch, article pages, extraction)
    parse_deadline: timedelta = timedelta(seconds=15)  # CPU time parsing one feed document may use
    parse_memory: int = 1_000_000_000  # bytes parsing one feed document may add to its worker
    match_deadline: timedelta = timedelta(seconds=5)  # matching one article against every rule
    adaptive: bool = False  # server hints and the observed rhythm may stretch the interval (up to max_stretch)
    max_age: timedelta | None = timedelta(days=2)  # older entries (and undated ones on a first poll) are backlog; None: off


@dataclass(frozen=True)
class FetchConfig:
    timeout: timedelta = timedelta(seconds=20)
    max_bytes: int = 10_000_000
    allow_private: tuple[str, ...] = ()  # normalised CIDRs, e.g. "10.0.0.0/8"
    max_redirects: int = 5
    user_agent: str | None = None
    per_host: int = 2
    max_entries: int = 1000
    extract_workers: int = 2
    host_spacing: timedelta = timedelta(milliseconds=500)  # least gap between request starts to one host
    parse_workers: int = 2


@dataclass(frozen=True)
class HttpConfig:
    listen: str = "127.0.0.1:8080"
    token: str | None = None
    public_url: str | None = None  # how others reach this daemon, e.g. https://monitor.example.com (WebSub)


@dataclass(frozen=True)
class WebSubConfig:
    enabled: bool = True  # subscribe to the hubs feeds declare (needs http.public_url)
    safety_interval: timedelta = timedelta(hours=1)  # a pushed feed is still polled this often
    lease: timedelta = timedelta(days=10)  # the lease asked of hubs (renewed before it ends)


@dataclass(frozen=True)
class Defaults:
    notify: tuple[str, ...] = ("console",)
    mode: str = "immediate"


@dataclass(frozen=True)
class HealthConfig:
    notify: tuple[str, ...] = ()
    after_errors: int = 5
    silent_factor: float = 4.0


@dataclass(frozen=True)
class AlertsConfig:
    """Defaults for every channel (a channel's own key wins) and the dispatcher."""

    concurrency: int = 4  # sends in flight per channel
    max_attempts: int = 8  # then the delivery is dead (replayable)
    timeout: timedelta = timedelta(seconds=15)  # per send
    digest_grace: timedelta = timedelta(minutes=10)  # a digest this late is swept out by the dispatcher


@dataclass(frozen=True)
class ReplicasConfig:
    """How processes sharing one database hand work over (monitor.runtime.heartbeat)."""

    lease: timedelta = timedelta(seconds=45)  # a claim lasts this long without a heartbeat
    heartbeat: timedelta = timedelta(seconds=10)  # how often a live process renews its claims
    config_grace: timedelta = timedelta(minutes=2)  # how long a process behind a newer config waits for it


@dataclass(frozen=True)
class LogConfig:
    format: str = "text"  # text | json
    level: str = "INFO"  # DEBUG | INFO | WARNING | ERROR | CRITICAL


@dataclass(frozen=True)
class RetentionConfig:
    article_text: timedelta | None = timedelta(days=30)  # None: keep forever
    hits: timedelta | None = None


@dataclass(frozen=True)
class Config:
    path: Path
    files: tuple[Path, ...]  # every file read: the config, rule files, *_file secrets
    database: str = DEFAULT_DATABASE
    poll: PollConfig = field(default_factory=PollConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    http: HttpConfig = field(default_factory=HttpConfig)
    websub: WebSubConfig = field(default_factory=WebSubConfig)
    feeds: tuple[FeedSpec, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rules: tuple[RuleSpec, ...] = ()
    ruleset: Any = None  # monitor.rules.compile_rules(rules, aliases)
    channels: dict[str, ChannelSpec] = field(default_factory=dict)
    defaults: Defaults = field(default_factory=Defaults)
    health: HealthConfig = field(default_factory=HealthConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    stories: ClusterSettings = field(default_factory=ClusterSettings)
    replicas: ReplicasConfig = field(default_factory=ReplicasConfig)
    log: LogConfig = field(default_factory=LogConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    feed_patterns: tuple[str, ...] = ()  # absolute feed_files globs (feeds add/import check their target)
    rule_patterns: tuple[str, ...] = ()  # absolute rule_files and feed_files globs, for a watcher to notice new files

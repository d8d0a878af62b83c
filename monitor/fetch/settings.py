"""Fetch settings (`fetch:` in config/monitor.yaml) as one small value object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from monitor import USER_AGENT
from monitor.config.model import FetchConfig, PollConfig


@dataclass(frozen=True)
class FetchSettings:
    """
    timeout        TOTAL deadline per request: connect, every redirect hop and
                   the whole body (not a per-read timeout; a server dripping a
                   byte a second is cut off at `timeout`).
    connect_timeout  per connection attempt, inside `timeout`.
    max_bytes      body cap AFTER decompression (a gzip/brotli bomb stops here).
    max_redirects  hops followed; loops are detected before this.
    allow_private  CIDRs that article links may reach although private.
    per_host / host_spacing  at most N requests in flight to a host, starts at
                   least this far apart.
    concurrency    requests in flight in total (sizes the httpx pool too).

    >>> FetchSettings(timeout=timedelta(seconds=5)).max_bytes
    10000000
    """

    # The defaults of what the config sets are the config's (monitor.config.model).
    timeout: timedelta = FetchConfig.timeout
    connect_timeout: timedelta = timedelta(seconds=10)  # not a config key
    max_bytes: int = FetchConfig.max_bytes
    max_redirects: int = FetchConfig.max_redirects
    allow_private: tuple[str, ...] = FetchConfig.allow_private
    user_agent: str = USER_AGENT  # fetch.user_agent's default (None) means this
    per_host: int = FetchConfig.per_host
    host_spacing: timedelta = FetchConfig.host_spacing
    concurrency: int = PollConfig.concurrency

    @classmethod
    def from_config(cls, fetch: FetchConfig, poll: PollConfig) -> FetchSettings:
        """The fetcher's settings for a config (`fetch:`, and `poll.concurrency`
        for the requests in flight)."""
        return cls(timeout=fetch.timeout, max_bytes=fetch.max_bytes, max_redirects=fetch.max_redirects,
                   allow_private=tuple(fetch.allow_private), user_agent=fetch.user_agent or USER_AGENT,
                   per_host=fetch.per_host, host_spacing=fetch.host_spacing, concurrency=poll.concurrency)

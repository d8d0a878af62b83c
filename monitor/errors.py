"""One exception hierarchy for the whole package.

    MonitorError
     +-- ConfigError          a config file is wrong; carries every problem found
     |    +-- RuleError       a watch rule does not parse / compile / pass its examples
     +-- MatchTimeout         matching one document passed its deadline
     +-- StoreError           the database refused something
     |    +-- StoreUnavailable  it could not be reached (a lost connection, a locked file):
     |    |                     transient, retried; never a feed's or a channel's fault
     |    +-- StaleConfig       another process runs a newer config: this one must not
     |                          record matches made with its older rules
     +-- ChannelError         a channel is misconfigured (sending failures are SendResults)

Per-feed and per-delivery failures are results (FetchResult.error,
SendResult.ok=False), not exceptions: polling 500 feeds yields 500 results.
"""

from __future__ import annotations


class MonitorError(Exception):
    pass


class ConfigError(MonitorError):
    """`problems` lists every message, each naming file:line and the fix."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class RuleError(ConfigError):
    pass


class StoreError(MonitorError):
    pass


class StoreUnavailable(StoreError):
    pass


class StaleConfig(StoreError):
    pass


class ChannelError(MonitorError):
    pass


class MatchTimeout(MonitorError):
    """Matching one document passed its deadline (`RuleSet.match(doc, deadline=...)`).
    The caller records the article with a "matching timed out" note and goes on."""

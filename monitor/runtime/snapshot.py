"""The live config: one immutable Snapshot at a time, swapped atomically.

A Snapshot is everything a poll or a dispatch needs from the config: the
Config (with its compiled rules), the channels, fetcher, feed parser and
extractor built for it, the settings derived from it, and the problems of the last refused
edit.  Each poll and each dispatch takes the current snapshot once, at its
start, and uses only it: a reload in the middle changes nothing for it.

    live = LiveConfig(first)
    with live.use() as snap:        # counted: its resources stay open meanwhile
        ...
    live.publish(new)               # the reloader only
    await live.wait_unused(old, timeout)   # then the old resources may close
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from monitor.alerts.plan import plan_deliveries
from monitor.config.model import Config
from monitor.poll.settings import PollSettings
from monitor.runtime.fingerprint import config_fingerprint
from monitor.types import PlannedDelivery, RuleSpec


@dataclass(frozen=True)
class Snapshot:
    generation: int
    config: Config
    channels: Mapping[str, Any]  # channel id -> monitor.alerts.channels.Channel
    fetcher: Any  # monitor.fetch.http.Fetcher
    extractor: Any  # monitor.extract.pool.Extractor
    poll: PollSettings
    parser: Any = None  # monitor.parse.pool.FeedParser (None only where nothing is polled)
    problems: tuple[str, ...] = ()  # why the last edit (or part of it) was refused
    loaded_at: datetime | None = None
    rules_by_id: Mapping[str, RuleSpec] = field(default_factory=dict)
    fingerprint: str = ""  # of the rules it matches with (monitor.runtime.fingerprint)

    @property
    def ruleset(self) -> Any:
        return self.config.ruleset

    def rule(self, rule_id: str) -> RuleSpec | None:
        return self.rules_by_id.get(rule_id)

    def plan(self, rule_id: str, now: datetime) -> tuple[PlannedDelivery, ...]:
        """The deliveries a new hit of `rule_id` gets under this snapshot
        (none for a rule it does not have)."""
        rule = self.rule(rule_id)
        return tuple(plan_deliveries(rule, self.config.channels, now)) if rule else ()

    def with_problems(self, problems: tuple[str, ...]) -> Snapshot:
        return replace(self, problems=problems)

    def resources(self) -> list[Any]:
        """What this snapshot holds open (closed when no snapshot uses it any more)."""
        return [r for r in (*self.channels.values(), self.fetcher, self.parser, self.extractor) if r is not None]


def snapshot(generation: int, config: Config, *, channels: Mapping[str, Any], fetcher: Any, extractor: Any,
             parser: Any = None, loaded_at: datetime | None = None, problems: tuple[str, ...] = ()) -> Snapshot:
    return Snapshot(generation=generation, config=config, channels=dict(channels), fetcher=fetcher,
                    extractor=extractor, parser=parser, poll=PollSettings.from_config(config), problems=problems,
                    loaded_at=loaded_at, rules_by_id={r.id: r for r in config.rules},
                    fingerprint=config_fingerprint(config))


class LiveConfig:
    """The current Snapshot and how many are using each one."""

    def __init__(self, first: Snapshot) -> None:
        self._current = first
        self._users: Counter[int] = Counter()
        self._waiters: list[asyncio.Future[None]] = []

    def current(self) -> Snapshot:
        return self._current

    @contextlib.contextmanager
    def use(self) -> Iterator[Snapshot]:
        """The current snapshot, counted as in use until the block ends."""
        with self.hold(self._current) as snap:
            yield snap

    def hold(self, snap: Snapshot) -> _Hold:
        """Count `snap` as in use from now (not from when the block is entered),
        until the returned context manager's block ends: for work handed to a
        task that starts later."""
        self._users[snap.generation] += 1
        return _Hold(snap, lambda: self._release(snap))

    def _release(self, snap: Snapshot) -> None:
        self._users[snap.generation] -= 1
        if self._users[snap.generation] <= 0:
            del self._users[snap.generation]
            self._wake()

    def in_use(self, snap: Snapshot) -> int:
        return self._users.get(snap.generation, 0)

    def publish(self, snap: Snapshot) -> Snapshot:
        """Make `snap` current; returns the one it replaces."""
        old, self._current = self._current, snap
        self._wake()
        return old

    async def wait_unused(self, snap: Snapshot, timeout: float) -> bool:
        """Wait until nothing uses `snap` (True) or `timeout` passes (False)."""
        try:
            await asyncio.wait_for(self._until(lambda: self.in_use(snap) == 0), timeout)
        except TimeoutError:
            return False
        return True

    async def wait_change(self, generation: int) -> Snapshot:
        """The first snapshot newer than `generation` (new problems count)."""
        await self._until(lambda: self._current.generation > generation)
        return self._current

    async def _until(self, done: Callable[[], bool]) -> None:
        while not done():
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


class _Hold:
    """A snapshot counted as in use until this block ends (once)."""

    def __init__(self, snap: Snapshot, release: Callable[[], None]) -> None:
        self._snap, self._release = snap, release

    def __enter__(self) -> Snapshot:
        return self._snap

    def __exit__(self, *exc: object) -> None:
        release, self._release = self._release, lambda: None
        release()

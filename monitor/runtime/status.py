"""The read-only view of a running daemon that the web layer gets: the
current config snapshot and the daemon's state.  Nothing here can change
anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from monitor.runtime.snapshot import LiveConfig, Snapshot


@dataclass(frozen=True)
class DaemonState:
    running: bool  # the scheduler runs and no stop was requested
    started_at: datetime | None
    last_cycle_at: datetime | None  # when a poll tick (or burst cycle) last completed


class Status:
    def __init__(self, live: LiveConfig, daemon: Callable[[], DaemonState] | None = None) -> None:
        self._live = live
        self._daemon = daemon

    def snapshot(self) -> Snapshot:
        return self._live.current()

    def daemon(self) -> DaemonState | None:
        """None when no daemon runs in this process (tests, `once`)."""
        return self._daemon() if self._daemon is not None else None

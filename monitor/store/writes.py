"""Whether the database accepts this process's writes.

A database can turn read-only under a running daemon: its file or folder
made read-only, a full disk, PostgreSQL's `default_transaction_read_only`
switched on (or a failover onto a standby).  Reads still work, so a ping says
nothing; what shows it is a write refused.  `Database.write()` tells
`WriteHealth` how each write transaction ended; the daemon reads `problem()`:
`/readyz` is not ready while it is set, the dispatcher claims and sends
nothing (an outcome it could not record is kept and written first), and a
trivial write (`Store.probe_writes`) finds out when writes work again.

Only refusals count (`refusal`): a lost connection or a locked file is
transient (monitor.store.transient), a SQL mistake is a bug, neither says
the database is read-only.

>>> refusal(Exception("attempt to write a readonly database"))
'attempt to write a readonly database'
>>> refusal(Exception("no such table: feed")) is None
True
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone

log = logging.getLogger("monitor.store")

# SQLSTATEs of a database that refuses writes: read-only transaction, disk full,
# out of memory/resources, no privilege, cannot connect now (a standby starting)
REFUSING_STATES = {"25006", "53100", "53200", "53300", "42501", "57P03"}
REFUSING_TEXTS = ("readonly database", "read-only transaction", "read-only database", "database or disk is full",
                  "disk i/o error", "no space left", "permission denied", "unable to open database file")


def refusal(exc: BaseException) -> str | None:
    """Why the database refused a write, when `exc` is such a refusal."""
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    text = str(orig).strip().splitlines()[0][:200] if str(orig).strip() else type(orig).__name__
    if state in REFUSING_STATES or any(t in text.lower() for t in REFUSING_TEXTS):
        return text
    return None


class WriteHealth:
    """The outcome of this process's last write; thread-safe (writes run in threads)."""

    def __init__(self, where: str) -> None:
        self._where = where
        self._lock = threading.Lock()
        self._problem: str | None = None
        self._since: datetime | None = None

    def refused(self, reason: str) -> None:
        with self._lock:
            first = self._problem is None
            self._problem = reason
            if first:
                self._since = datetime.now(timezone.utc)
        if first:
            log.error("database %s refuses writes (%s): the daemon is not ready and sends nothing until it "
                      "accepts them again; make it writable (file and folder permissions, disk space, "
                      "default_transaction_read_only)", self._where, reason,
                      extra={"event": "database-unwritable", "reason": reason})

    def accepted(self) -> None:
        with self._lock:
            was, since = self._problem, self._since
            self._problem = self._since = None
        if was is not None:
            log.warning("database %s accepts writes again (refused since %s): resuming", self._where,
                        since.isoformat(timespec="seconds") if since else "?",
                        extra={"event": "database-writable"})

    def problem(self) -> str | None:
        """Why writes are refused, or None when the last write went through."""
        with self._lock:
            return None if self._problem is None else f"writes refused: {self._problem}"

"""Transient database faults: a lost connection (a restarted server,
`pg_terminate_backend`), a locked SQLite file.  Store calls retry them a few
times; past that they raise StoreUnavailable, which callers treat as the
database's problem, never a feed's or a channel's.

Every store call is safe to run again: writes are keyed (ON CONFLICT, lease
owners, compare-and-set), so a retry after a commit whose answer was lost
writes nothing twice."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from monitor.errors import StoreUnavailable

log = logging.getLogger("monitor.store")

DELAYS = (0.2, 0.5, 1.0)  # seconds before each retry
F = TypeVar("F", bound=Callable[..., Any])


SQLITE_TRANSIENT = ("database is locked", "database table is locked", "database is busy")


def is_transient(exc: BaseException) -> bool:
    """A fault that may pass: a lost or refused connection, a busy SQLite
    file; never a schema or SQL mistake (SQLite reports those as
    OperationalError too, so its messages decide)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, DisconnectionError):
        return True
    if isinstance(exc, (OperationalError, InterfaceError)):
        orig = getattr(exc, "orig", None)
        if type(orig).__module__.startswith("sqlite3"):
            return any(text in str(orig).lower() for text in SQLITE_TRANSIENT)
        return True
    return False


def retrying(method: F) -> F:
    """Run a Store method again after a transient fault (DELAYS apart); then
    raise StoreUnavailable naming the database and the reason."""
    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(len(DELAYS) + 1):
            try:
                return method(self, *args, **kwargs)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
                if attempt == len(DELAYS):
                    raise StoreUnavailable(f"database {self.url}: {reason} (tried {attempt + 1} times)") from exc
                log.warning("database %s: %s; retrying %s in %.1f s", self.url, reason, method.__name__,
                            DELAYS[attempt], extra={"event": "database-retry"})
                time.sleep(DELAYS[attempt])
        raise AssertionError("unreachable")
    return run  # type: ignore[return-value]

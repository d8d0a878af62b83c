"""Failed token checks per client address, held in the database so that the
limit on guessing http.token holds whichever replica a client asks
(monitor.web.signin decides; this only counts).

    failures(db, client) -> (count, since) | None
    note_failure(db, client, now=, window=)   # one more, or 1 in a fresh window
    forget_failures(db, before) -> int         # housekeeping
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlmodel import col

from monitor.store.engine import Database
from monitor.store.models import SignInFailure
from monitor.store.sqlutil import aware, insert_ignore, read_ts_required, rowcount, table_of


def failures(db: Database, client: str) -> tuple[int, datetime] | None:
    with db.read() as s:
        row = s.execute(select(col(SignInFailure.failures), col(SignInFailure.since))
                        .where(col(SignInFailure.client) == client)).first()
    return (int(row[0]), read_ts_required(row[1])) if row else None


def note_failure(db: Database, client: str, *, now: datetime, window: timedelta) -> None:
    """Count a failure in the client's window; a window older than `window`
    starts again at `now`.  One UPDATE: concurrent replicas each count."""
    now = aware(now)
    stale = col(SignInFailure.since) <= now - window
    with db.write(durable=False) as s:
        s.execute(insert_ignore(db.dialect, SignInFailure, ("client",)), {"client": client, "failures": 0, "since": now})
        s.execute(update(SignInFailure).where(col(SignInFailure.client) == client).values(
            failures=case((stale, 1), else_=col(SignInFailure.failures) + 1),
            since=case((stale, now), else_=col(SignInFailure.since))))


def forget_failures(db: Database, before: datetime) -> int:
    """Housekeeping: drop the windows that began before `before`."""
    with db.write() as s:
        return rowcount(s.execute(table_of(SignInFailure).delete().where(col(SignInFailure.since) < aware(before))))

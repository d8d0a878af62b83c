"""Per-host politeness held in the database, so that a site sees the
configured `fetch.per_host` and `fetch.host_spacing` whatever the number of
processes polling it (monitor.fetch.hosts.SharedHostLimiter uses these).

    take_slot(db, host, owner=, now=, per_host=, spacing=, hold=) -> (slot, start_at) | None
    free_slot(db, host, slot, owner=)

A slot is held until the request ends (free_slot) or `hold` passes (its
holder died); `start_at` is when the request may start: the host's next free
start time, pushed `spacing` further for the next taker, in one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col
from sqlalchemy import or_, select, update

from monitor.store.engine import Database
from monitor.store.models import HostPace, HostSlot
from monitor.store.sqlutil import aware, insert_ignore, read_ts_required, table_of


def take_slot(db: Database, host: str, *, owner: str, now: datetime, per_host: int, spacing: timedelta,
              hold: timedelta) -> tuple[int, datetime] | None:
    now = aware(now)
    with db.write(durable=False) as s:
        s.execute(insert_ignore(db.dialect, HostSlot, ("host", "slot")),
                  [{"host": host, "slot": n} for n in range(per_host)])
        s.execute(insert_ignore(db.dialect, HostPace, ("host",)), {"host": host, "next_start_at": now})
        free = s.execute(select(col(HostSlot.slot))
                         .where(col(HostSlot.host) == host, col(HostSlot.slot) < per_host,
                                or_(col(HostSlot.owner).is_(None), col(HostSlot.until) < now))
                         .order_by(col(HostSlot.slot)).limit(1).with_for_update(skip_locked=True)).scalar()
        if free is None:
            return None
        s.execute(update(HostSlot).where(col(HostSlot.host) == host, col(HostSlot.slot) == free)
                  .values(owner=owner, until=now + hold))
        pace = s.execute(select(col(HostPace.next_start_at)).where(col(HostPace.host) == host).with_for_update()).scalar()
        start = max(now, read_ts_required(pace))
        s.execute(update(HostPace).where(col(HostPace.host) == host).values(next_start_at=start + spacing))
        return int(free), start


def free_slot(db: Database, host: str, slot: int, *, owner: str) -> None:
    with db.write(durable=False) as s:
        s.execute(update(HostSlot).where(col(HostSlot.host) == host, col(HostSlot.slot) == slot, col(HostSlot.owner) == owner)
                  .values(owner=None, until=None))


def forget_idle(db: Database, before: datetime) -> int:
    """Housekeeping: drop the politeness rows of hosts not asked for since `before`."""
    with db.write() as s:
        idle = [h for (h,) in s.execute(select(col(HostPace.host)).where(col(HostPace.next_start_at) < aware(before)))]
        if idle:
            held = {h for (h,) in s.execute(select(col(HostSlot.host)).where(col(HostSlot.host).in_(idle),
                                                                        col(HostSlot.owner).is_not(None)))}
            idle = [h for h in idle if h not in held]
            s.execute(table_of(HostSlot).delete().where(col(HostSlot.host).in_(idle)))
            s.execute(table_of(HostPace).delete().where(col(HostPace.host).in_(idle)))
        return len(idle)


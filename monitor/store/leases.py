"""Giving one owner's leases back (a poller shutting down).  Leases of a
process that died expire: see monitor.store.workers."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from monitor.store.engine import Database
from monitor.store.models import DeliveryRow, Feed
from monitor.store.sqlutil import rowcount


def release(db: Database, owner: str, *, deliveries: bool = True) -> int:
    """Clear `owner`'s feed and (unless deliveries=False) delivery leases; how
    many.  A shutting-down poller gives back its feeds only: a send still in
    flight must keep its delivery lease to record its answer."""
    released = 0
    with db.write() as s:
        for table in (Feed, DeliveryRow) if deliveries else (Feed,):
            query = update(table).where(col(table.lease_until).is_not(None), col(table.lease_owner) == owner)
            released += rowcount(s.execute(query.values(lease_owner=None, lease_until=None)))
    return released

"""Giving one owner's leases back (a poller shutting down).  Leases of a
process that died expire: see monitor.store.workers."""

from __future__ import annotations

from sqlalchemy import update

from monitor.store.engine import Database
from monitor.store.models import DeliveryRow, Feed


def release(db: Database, owner: str, *, deliveries: bool = True) -> int:
    """Clear `owner`'s feed and (unless deliveries=False) delivery leases; how
    many.  A shutting-down poller gives back its feeds only: a send still in
    flight must keep its delivery lease to record its answer."""
    released = 0
    with db.write() as s:
        for table in (Feed, DeliveryRow) if deliveries else (Feed,):
            query = update(table).where(table.lease_until.is_not(None), table.lease_owner == owner)
            released += s.execute(query.values(lease_owner=None, lease_until=None)).rowcount or 0
    return released

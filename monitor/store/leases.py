"""Giving leases back: all of them (one SQLite process, at start: leases of a
crashed run are void) or one owner's (a replica shutting down)."""

from __future__ import annotations

from sqlalchemy import update

from monitor.store.engine import Database
from monitor.store.models import DeliveryRow, Feed


def release(db: Database, owner: str | None = None) -> int:
    """Clear feed and delivery leases (only `owner`'s when given); how many."""
    released = 0
    with db.write() as s:
        for table in (Feed, DeliveryRow):
            query = update(table).where(table.lease_until.is_not(None))
            if owner is not None:
                query = query.where(table.lease_owner == owner)
            released += s.execute(query.values(lease_owner=None, lease_until=None)).rowcount or 0
    return released

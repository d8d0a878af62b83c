"""Processes and their leases: each process registers as a worker, renews
its leases with every heartbeat, and is dead once its heartbeat is older
than the lease; its feeds and deliveries are then claimable by others.

    register(db, WorkerInfo(...), now)       at start (and again after a reload)
    heartbeat(db, owner, now, lease)         renews its row and every lease it holds
    deregister(db, owner)                    at a clean exit: its leases go back at once
    running(db, now, lease, kind=)           the live workers
    release_dead(db, now, lease, dead=, alive=)  void leases of dead workers (stale heartbeat, or dead(w));
                                             a stale one alive(w) knows runs keeps its deliveries
    newer_config(db, Freshness(...), now)    the live worker running a newer config, if any
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col
from sqlalchemy import delete, select, update

from monitor.store.engine import Database
from monitor.store.models import DeliveryRow, Feed, Worker
from monitor.store.sqlutil import aware, insert_ignore, read_ts, rowcount


@dataclass(frozen=True)
class WorkerInfo:
    owner: str
    kind: str  # run | once
    host: str
    pid: int
    version: str = ""
    listen: str | None = None
    config: str = ""  # fingerprint of the rules it matches with
    config_loaded_at: datetime | None = None
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None


def register(db: Database, info: WorkerInfo, now: datetime) -> None:
    now = aware(now)
    values = {"kind": info.kind, "host": info.host, "pid": info.pid, "version": info.version,
              "listen": info.listen, "heartbeat_at": now, "config": info.config,
              "config_loaded_at": aware(info.config_loaded_at or now)}
    with db.write() as s:
        s.execute(insert_ignore(db.dialect, Worker, ("owner",)).values(owner=info.owner, started_at=now, **values))
        s.execute(update(Worker).where(col(Worker.owner) == info.owner).values(**values))


def heartbeat(db: Database, owner: str, now: datetime, lease: timedelta) -> int | None:
    """The worker is alive: its row and every lease it holds run until now + lease.
    Returns how many leases were renewed, or None when the worker's row is
    gone (another process found it dead, e.g. after the database was away
    longer than a lease): it must register again."""
    now = aware(now)
    with db.write(durable=False) as s:
        if not rowcount(s.execute(update(Worker).where(col(Worker.owner) == owner).values(heartbeat_at=now))):
            return None
        renewed = 0
        for table in (Feed, DeliveryRow):
            # never shortened: a send is claimed for two channel timeouts, and keeps that while alive
            renewed += rowcount(s.execute(update(table)
                                          .where(col(table.lease_owner) == owner, col(table.lease_until).is_not(None),
                                                 col(table.lease_until) < now + lease)
                                          .values(lease_until=now + lease)))
        return renewed


def deregister(db: Database, owner: str) -> None:
    """A clean exit: the worker's row goes, and with it its feed leases (its
    delivery leases stay until they expire: a send may still be answered)."""
    with db.write() as s:
        s.execute(update(Feed).where(col(Feed.lease_owner) == owner).values(lease_owner=None, lease_until=None))
        s.execute(delete(Worker).where(col(Worker.owner) == owner))


def running(db: Database, now: datetime, lease: timedelta, *, kind: str | None = None) -> list[WorkerInfo]:
    query = select(Worker).where(col(Worker.heartbeat_at) >= aware(now) - lease).order_by(col(Worker.started_at))
    if kind is not None:
        query = query.where(col(Worker.kind) == kind)
    with db.read() as s:
        return [_info(row) for row in s.execute(query).scalars()]


def release_dead(db: Database, now: datetime, lease: timedelta, *, dead: Callable[[WorkerInfo], bool],
                 alive: Callable[[WorkerInfo], bool] = lambda worker: False) -> int:
    """Void the leases of workers that are dead: heartbeat older than the
    lease, or `dead(worker)` (e.g. a pid on this host that no longer runs).
    Returns how many leases were voided.  Cheap when nobody died (one read):
    every live process runs it at each heartbeat, so a killed replica's feeds
    and deliveries are claimable within one lease, whatever lease its claims
    were taken with.

    A worker with a stale heartbeat that `alive(worker)` knows still runs (a
    process of this host, slowed down by a loaded machine or a database that
    made it wait) keeps its deliveries: its send may be in flight, and taking
    it over would send the alert twice.  Those leases (two channel timeouts
    at least) run out on their own if it never beats again."""
    cutoff = aware(now) - lease

    def dead_ones(s) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
        """(workers to drop, of which those whose deliveries go back)"""
        gone: list[str] = []
        sends_back: list[str] = []
        for w in (_info(row) for row in s.execute(select(Worker)).scalars()):
            is_dead = dead(w)
            if is_dead or w.heartbeat_at is None or w.heartbeat_at < cutoff:
                gone.append(w.owner)
                if is_dead or not alive(w):
                    sends_back.append(w.owner)
        return gone, sends_back

    with db.read() as s:
        if not dead_ones(s)[0]:
            return 0
    with db.write() as s:
        gone, sends_back = dead_ones(s)  # again, in the writing transaction: one may have beaten since
        voided = rowcount(s.execute(update(Feed).where(col(Feed.lease_owner).in_(gone))
                                    .values(lease_owner=None, lease_until=None)))
        voided += rowcount(s.execute(update(DeliveryRow).where(col(DeliveryRow.lease_owner).in_(sends_back))
                                     .values(lease_owner=None, lease_until=None)))
        s.execute(delete(Worker).where(col(Worker.owner).in_(gone)))
        return voided


@dataclass(frozen=True)
class Freshness:
    """What a process matched with: its config's fingerprint and when it was
    loaded, checked against the other live workers (see `newer_config`)."""

    owner: str
    config: str
    loaded_at: datetime
    lease: timedelta
    grace: timedelta


def newer_config(db: Database, fresh: Freshness, now: datetime) -> WorkerInfo | None:
    with db.read() as s:
        return newer_in(s, fresh, now)


def newer_in(s, fresh: Freshness, now: datetime) -> WorkerInfo | None:  # type: ignore[no-untyped-def]
    """A live worker that loaded another config after this one loaded its own,
    within `grace` (a replica's ConfigMap arrives a little after another's):
    this one is behind and must not record matches made with its rules yet.
    Past the grace it goes on with its own (and says so)."""
    now = aware(now)
    query = (select(Worker)
             .where(col(Worker.owner) != fresh.owner, col(Worker.config) != fresh.config,
                    col(Worker.heartbeat_at) >= now - fresh.lease, col(Worker.config_loaded_at) > aware(fresh.loaded_at),
                    col(Worker.config_loaded_at) >= now - fresh.grace)
             .order_by(col(Worker.config_loaded_at).desc()).limit(1))
    row = s.execute(query).scalars().first()
    return _info(row) if row is not None else None


def _info(row: Worker) -> WorkerInfo:
    return WorkerInfo(owner=row.owner, kind=row.kind, host=row.host, pid=row.pid, version=row.version,
                      listen=row.listen, config=row.config, config_loaded_at=read_ts(row.config_loaded_at),
                      started_at=read_ts(row.started_at), heartbeat_at=read_ts(row.heartbeat_at))



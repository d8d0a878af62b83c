"""Who this process is, and proof that it is alive.

Every process registers as a worker (owner id, kind, host, pid, what config
it matches with) and beats every `replicas.heartbeat`: each beat renews its
worker row and every feed and delivery lease it holds to at least now +
`replicas.lease`, and voids the leases of workers that stopped beating.  A
process that dies stops beating, and within one lease its work is claimable
by the others; a live one never loses work it is doing (a missed beat, e.g.
the database briefly gone, is made up at the next one).

    heartbeat = Heartbeat(store=, live=, threads=, clock=, me=WorkerInfo(...))
    await heartbeat.start()        # register
    async with heartbeat.beating(): ...
    await heartbeat.stop()         # deregister: feed leases go back at once
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from monitor import __version__
from monitor.clock import Clock
from monitor.runtime.snapshot import LiveConfig, Snapshot
from monitor.runtime.threads import Threads
from monitor.store.workers import Freshness, WorkerInfo

log = logging.getLogger("monitor.runtime")


def freshness(snap: Snapshot, owner: str) -> Freshness:
    """What this process matches with, to compare with the other live workers."""
    assert snap.loaded_at is not None
    replicas = snap.config.replicas
    return Freshness(owner=owner, config=snap.fingerprint, loaded_at=snap.loaded_at, lease=replicas.lease,
                     grace=replicas.config_grace)


def new_owner() -> str:
    """host:pid:random: unique even when a pid is reused."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def me(kind: str, owner: str, listen: str | None = None) -> WorkerInfo:
    return WorkerInfo(owner=owner, kind=kind, host=socket.gethostname(), pid=os.getpid(), version=__version__,
                      listen=listen)


def _local_pid_runs(worker: WorkerInfo) -> bool | None:
    """Whether a worker of this host (not this process) still has a running
    process; None for another host's worker or this process itself."""
    if worker.host != socket.gethostname() or worker.pid == os.getpid():
        return None
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user
        return True
    return True


def pid_alive(worker: WorkerInfo) -> bool:
    """A worker of this host (not this process) whose process still runs:
    alive whatever its heartbeat says (it may be slow, not dead)."""
    return _local_pid_runs(worker) is True


def pid_gone(worker: WorkerInfo) -> bool:
    """A worker of this host whose process no longer exists (it cannot beat again)."""
    return _local_pid_runs(worker) is False


class Heartbeat:
    def __init__(self, *, store: Any, live: LiveConfig, threads: Threads, clock: Clock, me: WorkerInfo) -> None:
        self._store = store
        self._live = live
        self._threads = threads
        self._clock = clock
        self._me = me
        self._registered = 0  # the snapshot generation last registered
        self._registered_as: tuple[str, object] | None = None  # its (fingerprint, loaded_at)
        self._announced: Snapshot | None = None  # the last snapshot a reload announced
        self._recording = asyncio.Lock()

    @property
    def owner(self) -> str:
        return self._me.owner

    async def start(self) -> None:
        await self._register()

    async def _register(self) -> None:
        """Record the running snapshot, or the one a reload announced ahead of it."""
        async with self._recording:
            snap, ahead = self._live.current(), self._announced
            if ahead is not None and ahead.generation > snap.generation:
                snap = ahead
            else:
                self._announced = None  # published or refused: not kept (a refused one's rules with it)
            await self._record(snap)

    async def announce(self, snap: Snapshot) -> None:
        """Record `snap` as this process's config now (a reload does it before
        the new config's feeds reach the database; the beats do it otherwise).
        One record at a time: the database sees them in the order they are
        made, and the last one made is what `_stale` compares with."""
        async with self._recording:
            self._announced = snap
            await self._record(snap)

    async def _record(self, snap: Snapshot) -> None:
        info = replace(self._me, config=snap.fingerprint, config_loaded_at=snap.loaded_at,
                       listen=snap.config.http.listen if self._me.kind == "run" else None)
        await self._threads.db(self._store.register_worker, info, self._clock.now())
        self._registered, self._registered_as = snap.generation, (snap.fingerprint, snap.loaded_at)

    def _stale(self) -> bool:
        """The running snapshot is not what the database says.  A snapshot
        announced ahead of the running one (a reload between its announcement
        and its publication) is not undone by a beat; one announced and then
        refused (the running config published again under its generation) is."""
        current = self._live.current()
        if current.generation != self._registered:
            return current.generation > self._registered
        return (current.fingerprint, current.loaded_at) != self._registered_as

    async def beat(self) -> bool:
        """One beat; False when the database missed it (made up at the next:
        never raises)."""
        try:
            if self._stale():
                await self._register()
            replicas = self._live.current().config.replicas
            renewed = await self._threads.beat(self._store.heartbeat, self._me.owner, self._clock.now(), replicas.lease)
            if renewed is None:  # taken for dead while the database was away: its claims went back
                log.warning("%s was taken for dead by another process (no beat for %s); registered again",
                            self._me.owner, replicas.lease)
                await self._register()
            released = await self._threads.beat(self._store.release_dead_workers, self._clock.now(), replicas.lease,
                                              dead=pid_gone, alive=pid_alive)
            if released:
                log.info("took back %d lease(s) of processes that are gone", released)
            return True
        except Exception as exc:  # the database is away: the leases still have most of their time
            log.warning("heartbeat of %s not recorded (%s: %s); retried at the next beat", self._me.owner,
                        type(exc).__name__, exc)
            return False

    @contextlib.asynccontextmanager
    async def beating(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self._run(), name="heartbeat")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        ok = True
        while True:
            beat = self._live.current().config.replicas.heartbeat.total_seconds()
            if not ok:  # a failed beat waits its interval, whatever changed meanwhile (no retry loop)
                await asyncio.sleep(beat)
            else:
                changed = asyncio.ensure_future(self._live.wait_change(self._registered))
                try:
                    await asyncio.wait_for(asyncio.shield(changed), beat)
                except TimeoutError:
                    pass
                finally:
                    changed.cancel()
            ok = await self.beat()

    async def stop(self) -> None:
        try:
            await self._threads.db(self._store.deregister_worker, self._me.owner)
        except Exception as exc:  # the leases expire on their own
            log.warning("could not deregister %s (%s); its leases expire within %s", self._me.owner, exc,
                        self._live.current().config.replicas.lease)

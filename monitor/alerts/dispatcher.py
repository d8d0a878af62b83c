"""The dispatcher: claims due deliveries from the store (the outbox), sends
them, and records what happened.  It never raises for a channel failure.

    tick():  for each channel with a free slot, claim up to `concurrency` due
             deliveries under a lease, send each (per-channel semaphore, per-send
             deadline = the channel's timeout), then mark it
               sent  |  retry at backoff+jitter / Retry-After  |  dead
             Each outcome is recorded only while this dispatcher still holds the
             lease (owner): a replica that took over after the lease expired
             keeps its answer, and a `sent` is never overwritten.
    before claiming, each tick also
      - sweeps digests overdue by more than `digest_grace` (their job did not
        run: schedule changed or removed, daemon down at the time) into digest
        deliveries, so they go out late rather than never;
      - marks dead the due deliveries of channels no longer in the config, with
        an error saying how to replay them once the channel is back.
    the database refuses writes (turned read-only, disk full):
             an outcome that cannot be written is kept in memory (the delivery
             stays leased to this dispatcher) and written first at each tick;
             while one is kept, or while the store's last write was refused
             (store.write_problem; a no-op write, store.probe_writes, finds out
             when writes work again), nothing is claimed or sent, so a send
             whose `sent` could not be recorded is never repeated.
    max_per_hour: an immediate alert past a rule's hourly limit is not sent; it
             waits in the digest "summary:hourly" that goes out at the top of
             the hour as one summary message.  The count is the database's
             (store.admit_alert: sent in the last hour plus admitted sends in
             flight, serialised per rule and channel), so it holds across
             every process.

Store calls are synchronous (SQLAlchemy), so they run in a worker thread.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from datetime import timedelta
from typing import Any, Callable

from monitor.alerts.digest import sweep_overdue
from monitor.alerts.limits import SUMMARY_KEY, next_hour
from monitor.alerts.retry import Outcome, decide
from monitor.clock import Clock
from monitor.units import iso
from monitor.types import ChannelSpec, Delivery, DeliveryKind, RuleSpec, SendResult

log = logging.getLogger(__name__)

LEASE_MARGIN = timedelta(seconds=5)
IDLE = 2.0  # seconds between looks for due deliveries when nothing wakes the dispatcher
SWEEP_EVERY = 2.0  # seconds between sweeps of overdue digests and removed channels


class Dispatcher:
    def __init__(self, *, store: Any, live: Any, clock: Clock, owner: str,
                 rand: Callable[[], float] = random.random, wakeup: Any = None) -> None:
        self.store = store
        self.live = live  # monitor.runtime.snapshot.LiveConfig: channels, specs and rules per tick
        self.clock = clock
        self.owner = owner
        self.rand = rand
        self._wakeup = wakeup  # monitor.runtime.wakeup.Wakeup: set by new deliveries and finished sends
        self._swept_at = float("-inf")
        self._busy: dict[str, int] = {}
        self._inflight: set[asyncio.Task[None]] = set()
        self._unrecorded: dict[int, tuple[Delivery, str, Callable[[], bool]]] = {}  # id -> outcome to write

    def lease(self, spec: ChannelSpec) -> timedelta:
        """The process's lease (`replicas.lease`, renewed by its heartbeat), and
        never shorter than two sends; a crashed owner's claims come back after it."""
        return max(self.live.current().config.replicas.lease, 2 * spec.timeout + LEASE_MARGIN)

    async def tick(self, *, wait: bool = True) -> int:
        """Claim and send; returns how many sends were started.  With wait=False
        it returns at once and a slow channel keeps its slots busy while the
        next tick serves the others (the daemon's mode); wait=True (tests, burst
        runs) waits for these sends to finish."""
        snap = self.live.current()
        if not await self._writable():
            return 0
        if self.clock.monotonic() - self._swept_at >= SWEEP_EVERY:
            self._swept_at = self.clock.monotonic()
            await self._sweep(snap)
        started: list[asyncio.Task[None]] = []
        for name, spec in snap.config.channels.items():
            free = spec.concurrency - self._busy.get(name, 0)
            if free <= 0:
                continue
            try:
                claimed = await asyncio.to_thread(
                    self.store.claim_due_deliveries, self.clock.now(), limit=free,
                    owner=self.owner, lease=self.lease(spec), channels=[name])
            except Exception:  # the database is down or locked: try next tick
                log.exception("could not claim deliveries for channel %s", name)
                continue
            for delivery in claimed:
                self._busy[name] = self._busy.get(name, 0) + 1
                task = asyncio.create_task(self._deliver(delivery, self.live.hold(snap)),
                                           name=f"deliver-{delivery.key}")
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)
                started.append(task)
        if wait and started:
            await asyncio.gather(*started, return_exceptions=True)
        return len(started)

    async def _writable(self) -> bool:
        """Write the outcomes kept from a refused write; then whether the
        database takes writes (so claiming and sending may go on)."""
        for delivery_id, (delivery, action, write) in list(self._unrecorded.items()):
            try:
                applied = await asyncio.to_thread(write)
            except Exception as exc:  # still refused: keep it, claim nothing
                log.debug("outcome of delivery %s still not written: %s", delivery.key, exc)
                return False
            del self._unrecorded[delivery_id]
            log.info("delivery %s on %s: outcome %r written now that the database accepts writes",
                     delivery.key, delivery.channel, action)
            if not applied:
                self._refused(delivery, action)
        if self.store.write_problem() is None:
            return True
        return bool(await asyncio.to_thread(self.store.probe_writes))

    async def _sweep(self, snap: Any) -> None:
        """Overdue digests out, deliveries of removed channels dead (never raises)."""
        try:
            await sweep_overdue(self.store, clock=self.clock, grace=snap.config.alerts.digest_grace)
        except Exception:  # the database is down or locked: try next tick
            log.exception("could not sweep overdue digests")
        try:
            failed = await asyncio.to_thread(self.store.fail_unknown_channels, list(snap.channels),
                                             now=self.clock.now())
        except Exception:
            log.exception("could not check for deliveries to removed channels")
            return
        for channel, n in failed.items():
            log.warning("%d delivery(ies) for channel %r marked dead: it is not in the config "
                        "(removed?); add it back and run `news-monitor deliveries retry --dead`",
                        n, channel)

    async def drain(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) for sends in flight; used on shutdown.
        Unfinished sends keep their lease and are retried after it expires."""
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=timeout)

    async def run(self, stop: asyncio.Event) -> None:
        """Daemon mode: claim and send whenever woken (a delivery recorded, here
        or, on PostgreSQL, by another process; a send finished and freed a
        slot), and every IDLE seconds anyway (retries falling due)."""
        while not stop.is_set():
            try:
                await self.tick(wait=False)
            except Exception:  # a tick must never end the loop
                log.exception("dispatch tick failed; trying again")
            if self._wakeup is None:
                await asyncio.sleep(IDLE)
            else:
                await self._wakeup.wait(IDLE)

    async def run_until_idle(self, max_ticks: int = 1000) -> int:
        """Burst mode: tick until nothing is due now; returns the sends attempted."""
        total = 0
        for _ in range(max_ticks):
            n = await self.tick()
            total += n
            if n == 0:
                break
        return total

    async def _deliver(self, delivery: Delivery, held: Any) -> None:
        """One claimed delivery, on the snapshot it was claimed under (held
        from the claim: its channel stays open until the send is recorded)."""
        with held as snap:
            limit = self._limit(delivery, snap)
            try:
                if limit is None or await self._admit(delivery, limit):
                    await self._record(delivery, await self._send(delivery, snap), snap)
            except Exception:  # never let one delivery break the dispatcher
                log.exception("delivery %s on %s: unexpected error", delivery.key, delivery.channel)
            finally:
                self._busy[delivery.channel] = max(0, self._busy.get(delivery.channel, 1) - 1)
                if self._wakeup is not None:  # a slot is free: claim the next one now
                    self._wakeup.set()

    async def _send(self, delivery: Delivery, snap: Any) -> SendResult:
        channel = snap.channels.get(delivery.channel)
        spec = snap.config.channels.get(delivery.channel)
        if channel is None or spec is None:
            return SendResult(ok=False, detail=f"channel {delivery.channel!r} is no longer "
                              "configured; add it back, then replay")
        rule = self._rule(delivery, snap)
        template = rule.template if rule else None
        seconds = spec.timeout.total_seconds()
        try:
            async with asyncio.timeout(seconds):
                if template:
                    return await channel.send(delivery, template=template)
                return await channel.send(delivery)
        except TimeoutError:
            return SendResult(ok=False, detail=f"no answer within {seconds:g}s (channel timeout)")
        except Exception as exc:  # a channel bug is a failed send, not a crash
            return SendResult(ok=False, detail=f"{type(exc).__name__}: {exc}")

    async def _record(self, delivery: Delivery, result: SendResult, snap: Any) -> Outcome:
        now = self.clock.now()
        spec = snap.config.channels.get(delivery.channel)
        outcome = decide(result, attempts=delivery.attempts + 1,
                         max_attempts=spec.max_attempts if spec else 8, now=now, rand=self.rand)
        event = {"event": "delivery", "delivery": delivery.key, "channel": delivery.channel,
                 "kind": delivery.kind, "attempt": delivery.attempts + 1, "outcome": outcome.action}
        if outcome.action == "sent":
            log.info("delivery %s on %s sent", delivery.key, delivery.channel, extra=event)
            write = functools.partial(self.store.mark_sent, delivery.id, now, result.detail, owner=self.owner)
        elif outcome.action == "retry":
            # WARNING: a channel failing for hours must show at WARNING, not only its dead ends
            log.warning("delivery %s on %s failed (attempt %d: %s); retry at %s", delivery.key,
                        delivery.channel, delivery.attempts + 1, outcome.error,
                        iso(outcome.next_attempt_at, "seconds"), extra=event)
            write = functools.partial(self.store.mark_retry, delivery.id, next_attempt_at=outcome.next_attempt_at,
                                      error=outcome.error, owner=self.owner)
        else:
            log.warning("delivery %s on %s is dead: %s", delivery.key, delivery.channel,
                        outcome.error, extra=event)
            write = functools.partial(self.store.mark_dead, delivery.id, error=outcome.error, now=now,
                                      owner=self.owner)
        try:
            applied = await asyncio.to_thread(write)
        except Exception as exc:  # the database refused or is away: keep the outcome, send nothing meanwhile
            self._unrecorded[delivery.id] = (delivery, outcome.action, write)
            log.error("delivery %s on %s: outcome %r could not be written (%s: %s); kept and written when "
                      "the database accepts writes; nothing is claimed or sent until then", delivery.key,
                      delivery.channel, outcome.action, type(exc).__name__, str(exc).splitlines()[0][:200],
                      extra={"event": "delivery-mark-unwritten", "delivery": delivery.key,
                             "channel": delivery.channel, "outcome": outcome.action})
            return outcome
        if not applied:
            self._refused(delivery, outcome.action)
        return outcome

    def _refused(self, delivery: Delivery, action: str) -> None:
        log.warning("delivery %s on %s: outcome %r not recorded: the lease of %s expired and "
                    "another replica took the delivery over (or it is already settled); "
                    "its record stands", delivery.key, delivery.channel, action, self.owner,
                    extra={"event": "delivery-mark-refused", "delivery": delivery.key,
                           "channel": delivery.channel, "outcome": action})

    @staticmethod
    def _rule(delivery: Delivery, snap: Any) -> RuleSpec | None:
        return snap.rule(delivery.hits[0].rule) if delivery.hits else None

    def _limit(self, delivery: Delivery, snap: Any) -> int | None:
        """The rule's max_per_hour, for an alert of a rule that has one."""
        rule = self._rule(delivery, snap)
        if delivery.kind != DeliveryKind.ALERT or rule is None or not rule.max_per_hour:
            return None
        return rule.max_per_hour

    async def _admit(self, delivery: Delivery, limit: int) -> bool:
        """Under max_per_hour (counted in the database, across processes: sent
        in the last hour plus admitted sends in flight): send it; past it, it
        waits for the hourly summary instead."""
        rule = delivery.hits[0].rule
        now = self.clock.now()
        admitted = await asyncio.to_thread(self.store.admit_alert, delivery.id, rule_id=rule,
                                           channel=delivery.channel, limit=limit, now=now, owner=self.owner,
                                           digest=SUMMARY_KEY, due_at=next_hour(now))
        if not admitted:
            log.info("rule %s passed max_per_hour=%d on %s: %s waits for the hourly summary",
                     rule, limit, delivery.channel, delivery.key)
        return admitted

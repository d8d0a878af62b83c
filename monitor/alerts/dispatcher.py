"""The dispatcher: claims due deliveries from the store (the outbox), sends
them, and records what happened.  It never raises for a channel failure.

    tick():  for each channel with a free slot, claim up to `concurrency` due
             deliveries under a lease, send each (per-channel semaphore, per-send
             deadline = the channel's timeout), then mark it
               sent  |  retry at backoff+jitter / Retry-After  |  dead
    max_per_hour: an immediate alert past a rule's hourly limit is not sent; it
             waits in the digest "summary:hourly" that goes out at the top of
             the hour as one summary message.

Store calls are synchronous (SQLAlchemy), so they run in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import timedelta
from typing import Any, Callable, Mapping

from monitor.alerts.channel import Channel
from monitor.alerts.limits import SUMMARY_KEY, next_hour
from monitor.alerts.retry import Outcome, decide
from monitor.clock import Clock
from monitor.types import ChannelSpec, Delivery, RuleSpec, SendResult

log = logging.getLogger(__name__)

LEASE_MARGIN = timedelta(seconds=5)


class Dispatcher:
    def __init__(self, store: Any, channels: Mapping[str, Channel],
                 specs: Mapping[str, ChannelSpec], *, clock: Clock, owner: str,
                 rand: Callable[[], float] = random.random,
                 rules: Mapping[str, RuleSpec] | None = None) -> None:
        self.store = store
        self.channels = dict(channels)
        self.specs = dict(specs)
        self.clock = clock
        self.owner = owner
        self.rand = rand
        self.rules = dict(rules or {})
        self._busy: dict[str, int] = {name: 0 for name in self.channels}
        self._inflight: set[asyncio.Task[None]] = set()

    def concurrency(self, channel: str) -> int:
        spec = self.specs.get(channel)
        return max(1, int(spec.options.get("concurrency", 4))) if spec else 4

    def timeout(self, channel: str) -> float:
        spec = self.specs.get(channel)
        return spec.timeout.total_seconds() if spec else 15.0

    def lease(self, channel: str) -> timedelta:
        """Long enough for one send; a crashed owner's claims come back after it."""
        return timedelta(seconds=2 * self.timeout(channel)) + LEASE_MARGIN

    async def tick(self, *, wait: bool = True) -> int:
        """Claim and send; returns how many sends were started.  With wait=False
        it returns at once and a slow channel keeps its slots busy while the
        next tick serves the others (the daemon's mode); wait=True (tests, burst
        runs) waits for these sends to finish."""
        started: list[asyncio.Task[None]] = []
        for name in self.channels:
            free = self.concurrency(name) - self._busy.get(name, 0)
            if free <= 0:
                continue
            try:
                claimed = await asyncio.to_thread(
                    self.store.claim_due_deliveries, self.clock.now(), limit=free,
                    owner=self.owner, lease=self.lease(name), channels=[name])
            except Exception:  # the database is down or locked: try next tick
                log.exception("could not claim deliveries for channel %s", name)
                continue
            for delivery in claimed:
                self._busy[name] = self._busy.get(name, 0) + 1
                task = asyncio.create_task(self._deliver(delivery),
                                           name=f"deliver-{delivery.key}")
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)
                started.append(task)
        if wait and started:
            await asyncio.gather(*started, return_exceptions=True)
        return len(started)

    async def drain(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) for sends in flight; used on shutdown.
        Unfinished sends keep their lease and are retried after it expires."""
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=timeout)

    async def run_until_idle(self, max_ticks: int = 1000) -> int:
        """Burst mode: tick until nothing is due now; returns the sends attempted."""
        total = 0
        for _ in range(max_ticks):
            n = await self.tick()
            total += n
            if n == 0:
                break
        return total

    async def _deliver(self, delivery: Delivery) -> None:
        try:
            if await self._over_limit(delivery):
                return
            result = await self._send(delivery)
            await self._record(delivery, result)
        except Exception:  # never let one delivery break the dispatcher
            log.exception("delivery %s on %s: unexpected error", delivery.key, delivery.channel)
        finally:
            self._busy[delivery.channel] = max(0, self._busy.get(delivery.channel, 1) - 1)

    async def _send(self, delivery: Delivery) -> SendResult:
        channel = self.channels.get(delivery.channel)
        if channel is None:
            return SendResult(ok=False, detail=f"channel {delivery.channel!r} is no longer "
                              "configured; add it back, then replay")
        template = self._rule_template(delivery)
        seconds = self.timeout(delivery.channel)
        try:
            async with asyncio.timeout(seconds):
                if template:
                    return await channel.send(delivery, template=template)
                return await channel.send(delivery)
        except TimeoutError:
            return SendResult(ok=False, detail=f"no answer within {seconds:g}s (channel timeout)")
        except Exception as exc:  # a channel bug is a failed send, not a crash
            return SendResult(ok=False, detail=f"{type(exc).__name__}: {exc}")

    async def _record(self, delivery: Delivery, result: SendResult) -> Outcome:
        now = self.clock.now()
        spec = self.specs.get(delivery.channel)
        outcome = decide(result, attempts=delivery.attempts + 1,
                         max_attempts=spec.max_attempts if spec else 8, now=now, rand=self.rand)
        event = {"event": "delivery", "delivery": delivery.key, "channel": delivery.channel,
                 "kind": delivery.kind, "attempt": delivery.attempts + 1, "outcome": outcome.action}
        if outcome.action == "sent":
            log.info("delivery %s on %s sent", delivery.key, delivery.channel, extra=event)
            await asyncio.to_thread(self.store.mark_sent, delivery.id, now, result.detail)
        elif outcome.action == "retry":
            log.info("delivery %s on %s failed (%s); retry at %s", delivery.key,
                     delivery.channel, outcome.error, outcome.next_attempt_at, extra=event)
            await asyncio.to_thread(self.store.mark_retry, delivery.id,
                                    next_attempt_at=outcome.next_attempt_at, error=outcome.error)
        else:
            log.warning("delivery %s on %s is dead: %s", delivery.key, delivery.channel,
                        outcome.error, extra=event)
            await asyncio.to_thread(self.store.mark_dead, delivery.id, error=outcome.error, now=now)
        return outcome

    def _rule(self, delivery: Delivery) -> RuleSpec | None:
        return self.rules.get(delivery.hits[0].rule) if delivery.hits else None

    def _rule_template(self, delivery: Delivery) -> str | None:
        rule = self._rule(delivery)
        return rule.template if rule else None

    async def _over_limit(self, delivery: Delivery) -> bool:
        """Past max_per_hour: hold this alert for the hourly summary instead."""
        rule = self._rule(delivery)
        if delivery.kind != "alert" or rule is None or not rule.max_per_hour:
            return False
        now = self.clock.now()
        sent = await asyncio.to_thread(self.store.count_sent, rule_id=rule.id,
                                       channel=delivery.channel, since=now - timedelta(hours=1))
        if sent < rule.max_per_hour:
            return False
        await asyncio.to_thread(self.store.defer_delivery, delivery.id,
                                digest=SUMMARY_KEY, due_at=next_hour(now))
        log.info("rule %s passed max_per_hour=%d on %s: %s waits for the hourly summary",
                 rule.id, rule.max_per_hour, delivery.channel, delivery.key)
        return True

"""Talking to hubs: subscribe, renew before the lease ends, unsubscribe when
a feed is removed (or stops declaring its hub).  A daemon job; each tick
claims the subscriptions whose next action is due (a lease on the row, so
one replica asks the hub about a feed), POSTs to the hub through the
snapshot's fetcher (deadline, caps, SSRF guard: a hub named by a feed is
untrusted unless it is on the feed's own configured origin) and records
what the hub said.  The hub then verifies by a GET on the callback
(monitor.websub.intake), which any replica can answer from the database.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from monitor.clock import Clock
from monitor.errors import StoreUnavailable
from monitor.metrics import Metrics
from monitor.poll.schedule import ScheduleSettings, backoff
from monitor.runtime.snapshot import LiveConfig, Snapshot
from monitor.runtime.threads import Threads
from monitor.store.websub import NO_CALLBACK, SUBSCRIBE, Outcome, SubscriptionTask
from monitor.websub.intent import VERIFY_WAIT

log = logging.getLogger("monitor.websub")

BATCH = 20  # subscriptions acted on per tick
CLAIM_MARGIN = timedelta(seconds=30)  # a claim outlives its request's deadline by this
RETRY = ScheduleSettings(backoff_base=timedelta(minutes=1), backoff_max=timedelta(hours=6), jitter=0.1)
GIVE_UP_UNSUBSCRIBE = 5  # failed unsubscribe requests after which the hub's lease is left to run out
NO_CALLBACK_NOTE = "not subscribing: http.public_url is not set (the hub needs a URL of this daemon to call back)"


def callback_url(public_url: str, token: str) -> str:
    """Where the hub calls back: this daemon's public URL, then the subscription's token.

    >>> callback_url("https://mon.example.com/base/", "abc")
    'https://mon.example.com/base/websub/abc'
    """
    return f"{public_url.rstrip('/')}/websub/{token}"


class Subscriber:
    def __init__(self, *, store: Any, live: LiveConfig, threads: Threads, clock: Clock, metrics: Metrics,
                 owner: str, rand: Callable[[], float] = random.random) -> None:
        self._store, self._live, self._threads, self._clock = store, live, threads, clock
        self._metrics, self._owner, self._rand = metrics, owner, rand

    async def tick(self) -> int:
        """Act on every subscription due now; how many."""
        snap = self._live.current()
        try:
            tasks = await self._threads.db(self._store.claim_subscriptions, self._clock.now(), limit=BATCH,
                                           owner=self._owner, lease=snap.config.fetch.timeout + CLAIM_MARGIN)
        except StoreUnavailable as exc:
            log.warning("no WebSub subscriptions claimed: %s", exc, extra={"event": "database-unavailable"})
            return 0
        with self._live.hold(snap):
            await asyncio.gather(*(self._act(task, snap) for task in tasks))
        return len(tasks)

    async def _act(self, task: SubscriptionTask, snap: Snapshot) -> None:
        outcome = await self._ask(task, snap)
        self._metrics.websub_requests.labels(task.mode, outcome.state).inc()
        try:
            await self._threads.db(self._store.subscription_requested, task, owner=self._owner,
                                   now=self._clock.now(), outcome=outcome)
        except StoreUnavailable as exc:  # the claim runs out; asked again then
            log.warning("WebSub %s of %s: answer not recorded: %s", task.mode, task.topic, exc)

    async def _ask(self, task: SubscriptionTask, snap: Snapshot) -> Outcome:
        now, public = self._clock.now(), snap.config.http.public_url
        subscribing = task.mode == SUBSCRIBE
        if subscribing and (public is None or not snap.config.websub.enabled):
            return Outcome(state=NO_CALLBACK, next_action_at=None, error=NO_CALLBACK_NOTE)
        if public is None or (not subscribing and task.state in ("new", "denied", NO_CALLBACK)):
            return Outcome(state="unsubscribed", next_action_at=None)  # nothing at the hub to end (or no way to)
        form = [("hub.mode", task.mode), ("hub.topic", task.topic), ("hub.callback", callback_url(public, task.token))]
        if subscribing:
            form += [("hub.secret", task.secret),
                     ("hub.lease_seconds", str(int(snap.config.websub.lease.total_seconds())))]
        answer = await snap.fetcher.post_form(task.hub, form, trusted_like=task.feed_url)
        if answer.error is None:
            log.info("WebSub: asked %s to %s %s; waiting for its verification", task.hub, task.mode, task.topic,
                     extra={"event": "websub", "hub": task.hub, "topic": task.topic, "mode": task.mode})
            return Outcome(state="requested", next_action_at=now + VERIFY_WAIT)
        said = answer.body[:200].decode("utf-8", "replace").strip()
        error = f"the hub refused the {task.mode}: {answer.error}" + (f" ({said})" if said else "")
        if not subscribing and task.error_count + 1 >= GIVE_UP_UNSUBSCRIBE:
            log.warning("WebSub: giving up unsubscribing %s at %s after %d tries (%s); its lease at the hub "
                        "runs out by itself", task.topic, task.hub, task.error_count + 1, error)
            return Outcome(state="unsubscribed", next_action_at=None, error=error)
        delay = max(backoff(task.error_count + 1, RETRY, self._rand), answer.retry_after or timedelta(0))
        log.warning("WebSub %s of %s at %s failed: %s; tried again in %s", task.mode, task.topic, task.hub, error,
                    str(delay).split(".")[0], extra={"event": "websub-error", "hub": task.hub, "topic": task.topic})
        return Outcome(state="failing", next_action_at=now + delay, error=error)

"""The daemon's periodic work besides polling and sending: follow-ups and
the daily housekeeping.  Each takes the config snapshot once when it runs."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from monitor.alerts.spike import decide
from monitor.clock import Clock
from monitor.runtime.snapshot import LiveConfig
from monitor.runtime.threads import Threads

log = logging.getLogger("monitor.runtime")

FOLLOW_UP_WINDOW = timedelta(days=7)
IDLE_HOSTS = timedelta(days=1)  # per-host politeness rows of hosts not asked for this long are dropped
OLD_SIGN_INS = timedelta(days=1)  # failed-token windows begun before this are dropped (monitor.web.signin)


class FollowUps:
    def __init__(self, *, store: Any, live: LiveConfig, threads: Threads, clock: Clock) -> None:
        self._store, self._live, self._threads, self._clock = store, live, threads, clock

    async def queue(self) -> int:
        """Queue the one follow-up of each matched story that reached its rule's
        `follow_up: {outlets: N}` (outlets grow through every feed and path)."""
        snap = self._live.current()
        thresholds = {r.id: r.follow_up_outlets for r in snap.config.rules if r.follow_up_outlets}
        if not thresholds:
            return 0
        now = self._clock.now()
        plans = {rule: snap.plan(rule, now) for rule in thresholds}
        return await self._threads.db(self._store.queue_follow_ups, thresholds, plans,
                                      since=now - FOLLOW_UP_WINDOW, now=now)


class Spikes:
    def __init__(self, *, store: Any, live: LiveConfig, threads: Threads, clock: Clock) -> None:
        self._store, self._live, self._threads, self._clock = store, live, threads, clock

    async def check(self) -> int:
        """Check each rule with a `spike:` option (monitor.alerts.spike) and
        queue the alert of a spike that began; returns the deliveries queued."""
        snap, now = self._live.current(), self._clock.now()
        queued = 0
        for rule in snap.config.rules:
            if rule.spike is None:
                continue
            last_hour, baseline = await self._threads.db(self._store.spike_counts, rule.id, now=now,
                                                         baseline=rule.spike.baseline)
            spike = decide(last_hour, baseline, rule.spike)
            ids = await self._threads.db(self._store.note_spike, rule, spike, channels=rule.notify, now=now)
            if ids and spike is not None:
                log.warning("spike: %s", spike.message(rule.id), extra={"event": "spike", "rule": rule.id})
            queued += len(ids)
        return queued


class Housekeeping:
    def __init__(self, *, store: Any, live: LiveConfig, threads: Threads, clock: Clock) -> None:
        self._store, self._live, self._threads, self._clock = store, live, threads, clock

    async def run(self) -> dict[str, int]:
        """Expire the story index, prune stored text (hits keep their snippets)
        and, when configured, old hits."""
        snap, now = self._live.current(), self._clock.now()
        keep = snap.config.retention
        done = {"index": await self._threads.db(self._store.expire_story_index, now - snap.config.stories.window)}
        if keep.article_text is not None:
            done["article_text"] = await self._threads.db(self._store.prune_article_text, now - keep.article_text)
        if keep.hits is not None:
            done["hits"] = await self._threads.db(self._store.prune_hits, now - keep.hits)
        done["hosts"] = await self._threads.db(self._store.forget_idle_hosts, now - IDLE_HOSTS)
        done["sign_ins"] = await self._threads.db(self._store.forget_sign_in_failures, now - OLD_SIGN_INS)
        log.info("housekeeping: %s", ", ".join(f"{k} {v}" for k, v in done.items()),
                 extra={"event": "housekeeping", **done})
        return done

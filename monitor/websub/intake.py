"""The callback a hub calls (GET /websub/<token>, POST /websub/<token>),
apart from the web framework.

GET: the hub verifies our intent (monitor.websub.intent, state in the
database: any replica answers).  POST: content for a subscribed feed.  The
body must carry a valid X-Hub-Signature made with the subscription's secret;
a missing or bad one is answered 2xx as WebSub §8 asks, its content dropped
and counted (news_monitor_websub_pushes{result="bad-signature"}).  Accepted
content goes through the poll pipeline (same parse, dedup, story index and
outbox) in a background task, at most `max_inflight` at once (past that:
503 with Retry-After, and the hub sends it again); the safety poll catches
whatever is lost.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from monitor.clock import Clock
from monitor.errors import StoreUnavailable
from monitor.metrics import Metrics
from monitor.runtime.snapshot import LiveConfig
from monitor.runtime.threads import Threads
from monitor.store.websub import SUBSCRIBE, PushTarget
from monitor.websub.signature import check_signature

log = logging.getLogger("monitor.websub")

MAX_INFLIGHT = 8


class PushIntake:
    def __init__(self, *, store: Any, live: LiveConfig, threads: Threads, clock: Clock, pipeline: Any,
                 metrics: Metrics, max_inflight: int = MAX_INFLIGHT) -> None:
        self._store, self._live, self._threads, self._clock = store, live, threads, clock
        self._pipeline, self._metrics, self._max = pipeline, metrics, max_inflight
        self._running: set[asyncio.Task[None]] = set()

    async def verify(self, token: str, query: dict[str, str]) -> tuple[int, str]:
        """The hub's verification of intent: (status, body)."""
        try:
            verdict = await self._threads.db(self._store.verify_subscription, token, query, self._clock.now())
        except StoreUnavailable:
            return 503, "the database is unavailable; try again"
        mode, topic = query.get("hub.mode", ""), query.get("hub.topic", "")
        if verdict.state is not None:
            log.info("WebSub: %s %s (%s)", topic, verdict.state, verdict.note or f"lease {verdict.lease}",
                     extra={"event": "websub-verified", "topic": topic, "mode": mode})
        else:
            log.info("WebSub: refused a verification (%s %s): %s", mode, topic, verdict.body,
                     extra={"event": "websub-refused", "topic": topic, "mode": mode})
        return verdict.status, verdict.body

    async def push(self, token: str, body: bytes, signature: str | None, content_type: str) -> tuple[int, str]:
        """Content pushed by the hub: (status, body); 2xx whenever it reached us."""
        try:
            target: PushTarget | None = await self._threads.db(self._store.push_target, token, self._clock.now())
        except StoreUnavailable:
            return 503, "the database is unavailable; send it again"
        if target is None or target.wanted != SUBSCRIBE:
            self._metrics.websub_pushes.labels("unknown").inc()
            return 410, "no such subscription"  # WebSub §7: the hub may end the subscription
        verdict = check_signature(signature, target.secret.encode(), body)
        if verdict != "ok":
            self._metrics.websub_pushes.labels("bad-signature").inc()
            log.warning("WebSub: dropped a push for %s: signature %s (X-Hub-Signature with the subscription's "
                        "secret is required)", target.feed.url, verdict,
                        extra={"event": "websub-bad-signature", "feed": target.feed.url})
            return 202, ""
        if len(self._running) >= self._max:
            self._metrics.websub_pushes.labels("busy").inc()
            return 503, "busy; send it again"
        self._metrics.websub_pushes.labels("accepted").inc()
        task = asyncio.create_task(self._ingest(target, token, body, content_type), name=f"push {target.feed.url}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return 202, ""

    async def _ingest(self, target: PushTarget, token: str, body: bytes, content_type: str) -> None:
        try:
            with self._live.use() as snap:
                result = await self._pipeline.ingest_push(target.feed, body, content_type, snap)
            await self._threads.db(self._store.note_push, token, self._clock.now())
        except Exception:  # a bug costs this push; the safety poll brings its content
            log.exception("WebSub: processing a push for %s failed", target.feed.url)
            return
        if result.error:
            log.warning("WebSub: push for %s: %s", target.feed.url, result.error,
                        extra={"event": "websub-push", "feed": target.feed.url})
        else:
            log.info("WebSub: push for %s: %d new, %d hits", target.feed.name, result.new_articles,
                     len(result.hits), extra={"event": "websub-push", "feed": target.feed.url,
                                              "new": result.new_articles})

    async def drain(self, timeout: float) -> None:
        if self._running:
            await asyncio.wait(set(self._running), timeout=timeout)

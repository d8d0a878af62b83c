"""Issue 13: while feeds that are slow to parse and match are being polled,
the daemon keeps answering /healthz, /readyz and the API (parsing runs in
worker processes, matching on CPU threads under its deadline, the database
on its own threads): a client in another thread measures every answer."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx

from monitor.runtime.builder import open_runtime
from tests.hostile.conftest import Farm
from tests.hostile.measure import Measurements

SLOW_FEEDS = 4  # each costs seconds of CPU to parse, more than the workers can do at once


def probe(base: str, stop: threading.Event, seen: list[tuple[str, int, float]]) -> None:
    """GET the health and API endpoints in turn until `stop` (at most 600 requests)."""
    with httpx.Client(base_url=base, timeout=10) as client:
        for n in range(600):
            if stop.is_set():
                return
            path = ("/healthz", "/readyz", "/api/feeds")[n % 3]
            started = time.monotonic()
            try:
                status = client.get(path).status_code
            except httpx.HTTPError:
                status = 0
            seen.append((path, status, time.monotonic() - started))
            stop.wait(0.05)


async def test_health_and_api_answer_while_costly_feeds_are_parsed_and_matched(
        farm: Farm, config_for, measured: Measurements) -> None:  # type: ignore[no-untyped-def]
    url = farm.server.url
    feeds = [{"name": f"slow {n}", "url": url(f"/c/slow-parse?copy={n}")} for n in range(SLOW_FEEDS)]
    feeds += [{"name": f"bomb {n}", "url": url(f"/c/match-bomb?copy={n}")} for n in range(2)]
    feeds += [{"name": "Healthy", "url": url("/c/healthy")}]
    config = config_for(feeds, http={"listen": "127.0.0.1:0"})
    async with open_runtime(config, mode="once") as app:
        assert await app.http.start("127.0.0.1:0")
        snap = app.live.current()
        stop, seen = threading.Event(), []  # type: ignore[var-annotated]
        prober = threading.Thread(target=probe, args=(f"http://127.0.0.1:{app.http.port}", stop, seen))
        with measured.case(f"once: {SLOW_FEEDS} slow-to-parse feeds, 2 match bombs, API probed",
                           pools=[snap.parser.pool, snap.extractor.pool]) as case:
            prober.start()
            try:
                cycle = await app.once()
            finally:
                stop.set()
                await asyncio.to_thread(prober.join, 30)
            worst = max((s for _, _, s in seen), default=0.0)
            case.outcome = f"{len(seen)} probes, slowest {worst:.2f}s"
        kinds = sorted(o.error_kind or "ok" for o in cycle.outcomes)
        assert kinds == ["ok"] * 3 + ["parse-timeout"] * SLOW_FEEDS, kinds
        assert len(seen) >= 6, seen  # the once lasted long enough to probe every endpoint twice
        assert {status for _, status, _ in seen} == {200}, seen
        assert worst < 5.0, sorted(seen, key=lambda s: -s[2])[:5]

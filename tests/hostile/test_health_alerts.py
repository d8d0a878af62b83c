"""Feed-health alerts end to end: a feed failing `after_errors` polls in a
row gives exactly ONE health delivery on the webhook, its recovery one more,
however many polls fail in between."""

from __future__ import annotations

import asyncio

from monitor.runtime.builder import open_runtime
from tests.e2e.servers import Receiver
from tests.hostile.conftest import Farm


async def test_one_alert_when_failing_and_one_when_recovered(farm: Farm, config_for) -> None:  # type: ignore[no-untyped-def]
    with Receiver() as hook:
        config = config_for(
            [{"name": "Flaky wire", "url": farm.server.url("/status/503")},
             {"name": "Healthy", "url": farm.server.url("/c/healthy")}],
            channels={"console": {"type": "console"}, "hook": {"type": "webhook", "url": hook.url("/hook")}},
            health={"notify": ["hook"], "after_errors": 3, "silent_factor": 4})
        async with open_runtime(config, mode="once") as app:
            for _ in range(6):
                await app.once(all_feeds=True)
            posts = [p.json() for p in hook.posts()]
            assert len(posts) == 1, posts  # never one per failure
            alert = posts[0]
            assert (alert["type"], alert["event"]) == ("health", "failing")
            feed = alert["feed"]
            assert feed["name"] == "Flaky wire" and feed["url"] == farm.server.url("/status/503")
            assert feed["error_count"] == 3 and feed["last_error_kind"] == "http-503"
            assert "3 times in a row" in alert["message"] and "HTTP 503" in alert["message"]

            await farm.heal()
            await app.once(all_feeds=True)
            await app.once(all_feeds=True)
            posts = [p.json() for p in hook.posts()]
            assert [p["event"] for p in posts] == ["failing", "recovered"]
            assert posts[1]["feed"]["error_count"] == 0 and posts[1]["id"] != posts[0]["id"]
            deliveries = await asyncio.to_thread(app.store.list_deliveries)
            health = [d for d in deliveries if d.kind == "health"]
            assert len(health) == 2 and all(d.status == "sent" and d.hit_ids == () for d in health)

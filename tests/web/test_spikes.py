"""Spike alerts end to end: hits in the database, `once` (poll, spike check,
dispatch) sends one spike alert to the rule's channel, and the next check
sends none while the spike lasts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from monitor.config import load_config
from monitor.runtime.builder import open_runtime
from tests.e2e.test_once import RULE
from tests.store.builders import item, plan_to, record
from tests.web.conftest import client, write_config


async def test_a_spike_alerts_once_on_its_channel_and_is_in_the_rule_json(tmp_path, server, capsys):
    rule = {**RULE, "notify": ["console"], "spike": {"factor": 3, "baseline": "1d", "min_hits": 5}}
    config = load_config(write_config(tmp_path, server, rules=[rule]))
    async with open_runtime(config, mode="once") as runtime:
        await runtime.once()  # the farm's one hit: no spike
        assert [d for d in runtime.store.list_deliveries() if d.kind == "spike"] == []
        feed = next(f.id for f in runtime.store.list_feeds() if f.name == "Wire RSS")
        now = datetime.now(timezone.utc)
        record(runtime.store, [item(feed, f"burst-{i}", RULE["id"]) for i in range(12)], plan_to(),
               now - timedelta(minutes=10))
        capsys.readouterr()
        await runtime.once()
        spikes = [d for d in runtime.store.list_deliveries() if d.kind == "spike"]
        assert [(d.channel, d.status, d.rule) for d in spikes] == [("console", "sent", RULE["id"])]
        out = capsys.readouterr().out
        assert f"rule {RULE['id']}: 13 hits in the last hour, against no hits in its 1-day hourly average" in out
        await runtime.once()  # the spike lasts: no second alert
        assert len([d for d in runtime.store.list_deliveries() if d.kind == "spike"]) == 1
        async with client(runtime.api) as http:
            rules = (await http.get("/api/rules")).json()
            page = (await http.get(f"/rules/{RULE['id']}")).text
        assert page.count('class="bar spike"') == 1  # today's bar, the last one
        mine = next(r for r in rules["items"] if r["id"] == RULE["id"])
        assert mine["spike"] == {"factor": 3.0, "baseline": "1d", "min_hits": 5}
        assert [s["hits"] for s in mine["spikes"]] == [13]

"""Digests with the real store: a daily digest at 08:00 Berlin time, quiet
hours, and the hourly summary; nothing pending, nothing sent."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from apscheduler.triggers.cron import CronTrigger

from monitor.alerts.channels import channel_spec
from tests.runtime_helpers import dispatcher
from monitor.alerts import digest_jobs, plan_deliveries, run_digest
from monitor.alerts.schedule import trigger_for
from monitor.clock import FrozenClock
from monitor.types import RuleSpec
from tests.alerts.conftest import record_article

BERLIN_RULE = RuleSpec("china-envoy-nk", "Chinese envoy to North Korea", "q",
                       notify=("console",), mode="digest:daily@08:00 Europe/Berlin")
CHANNELS = {"console": channel_spec("console", "console"),
            "night": channel_spec("night", "console", {"quiet_hours": "22:00-07:00 Asia/Seoul"})}


def fire_after(trigger, now: datetime) -> datetime:  # type: ignore[no-untyped-def]
    return trigger.get_next_fire_time(None, now).astimezone(timezone.utc)


def test_digest_jobs_one_per_distinct_schedule_in_their_zone() -> None:
    rules = [BERLIN_RULE, RuleSpec("b", "B", "q", mode="daily@08:00 Europe/Berlin"),
             RuleSpec("c", "C", "q", mode="weekly@mon 09:30 Asia/Seoul"),
             RuleSpec("d", "D", "q", mode="cron:0 */6 * * * America/New_York"),
             RuleSpec("e", "E", "q", max_per_hour=5), RuleSpec("f", "F", "q")]
    jobs = dict(digest_jobs(rules, CHANNELS))
    assert sorted(jobs) == ["cron:0 */6 * * * America/New_York", "daily@08:00 Europe/Berlin",
                            "quiet:night", "summary:hourly", "weekly@mon 09:30 Asia/Seoul"]
    assert all(isinstance(t, CronTrigger) for t in jobs.values())
    winter = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)  # a Saturday
    assert fire_after(jobs["daily@08:00 Europe/Berlin"], winter) == datetime(2026, 1, 11, 7, 0, tzinfo=timezone.utc)
    summer = datetime(2026, 7, 10, 12, 0, tzinfo=timezone.utc)
    assert fire_after(jobs["daily@08:00 Europe/Berlin"], summer) == datetime(2026, 7, 11, 6, 0, tzinfo=timezone.utc)
    assert fire_after(jobs["weekly@mon 09:30 Asia/Seoul"], winter) == datetime(2026, 1, 12, 0, 30, tzinfo=timezone.utc)
    assert fire_after(jobs["quiet:night"], winter) == datetime(2026, 1, 10, 22, 0, tzinfo=timezone.utc)
    assert fire_after(jobs["summary:hourly"], winter + timedelta(minutes=1)) == winter + timedelta(hours=1)
    assert fire_after(jobs["cron:0 */6 * * * America/New_York"], winter) == datetime(2026, 1, 10, 17, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("bad", ["daily", "daily@8am", "daily@25:00", "weekly@funday 08:00",
                                 "cron:* * *", "daily@08:00 Nowhere/City", "fortnightly"])
def test_bad_schedules_name_the_fix(bad: str) -> None:
    with pytest.raises(ValueError, match="digest schedule"):
        trigger_for(bad)
    with pytest.raises(ValueError, match="rule 'x'"):
        digest_jobs([RuleSpec("x", "X", "q", mode=bad)], {})


async def test_daily_digest_at_berlin_0800_with_injected_clock(real_store, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))
    plan = lambda rule: plan_deliveries(rule, CHANNELS, clock.now())  # noqa: E731
    for n in range(3):
        record_article(real_store, n, [BERLIN_RULE], plan, clock.now())
        clock.advance(timedelta(hours=2))
    out = io.StringIO()
    d = dispatcher(real_store, CHANNELS, clock, owner="t", stream=out)
    assert await d.tick() == 0 and out.getvalue() == ""  # digest hits wait

    trigger = dict(digest_jobs([BERLIN_RULE], CHANNELS))["daily@08:00 Europe/Berlin"]
    fire = fire_after(trigger, clock.now())
    assert fire == datetime(2026, 3, 3, 7, 0, tzinfo=timezone.utc)  # 08:00 CET
    clock.set(fire)
    assert await run_digest(real_store, "daily@08:00 Europe/Berlin", clock=clock) == 1
    assert await d.tick() == 1
    text = out.getvalue()
    assert text.startswith("=== Chinese envoy to North Korea (china-envoy-nk): 3 hits")
    assert text.count("\n- China sends envoy") == 3
    views = real_store.list_deliveries(status="sent")
    assert {v.kind for v in views} == {"alert", "digest"} and len(views) == 4

    clock.set(fire_after(trigger, clock.now()))  # next morning: nothing pending, nothing sent
    assert await run_digest(real_store, "daily@08:00 Europe/Berlin", clock=clock) == 0
    assert await d.tick() == 0


async def test_quiet_hours_hold_alerts_then_send_one_digest(real_store, clock: FrozenClock) -> None:
    rule = RuleSpec("r", "Night rule", "q", notify=("night", "console"))
    clock.set(datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc))  # 23:00 in Seoul
    plan = lambda r: plan_deliveries(r, CHANNELS, clock.now())  # noqa: E731
    record_article(real_store, 1, [rule], plan, clock.now())
    record_article(real_store, 2, [rule], plan, clock.now())
    out = io.StringIO()
    d = dispatcher(real_store, CHANNELS, clock, owner="t", stream=out)
    assert await d.tick() == 2  # console is not quiet
    before = out.getvalue()
    clock.set(fire_after(dict(digest_jobs([rule], CHANNELS))["quiet:night"], clock.now()))
    assert clock.now() == datetime(2026, 3, 2, 22, 0, tzinfo=timezone.utc)  # 07:00 Seoul
    assert await run_digest(real_store, "quiet:night", clock=clock) == 1
    assert await d.tick() == 1
    assert out.getvalue()[len(before):].startswith("=== Night rule (r): 2 hits")


async def test_max_per_hour_with_the_real_store(real_store, clock: FrozenClock) -> None:
    rule = RuleSpec("busy", "Busy rule", "q", notify=("console",), max_per_hour=2)
    plan = lambda r: plan_deliveries(r, CHANNELS, clock.now())  # noqa: E731
    for n in range(5):
        record_article(real_store, n, [rule], plan, clock.now())
    out = io.StringIO()
    specs = {"console": channel_spec("console", "console", {"concurrency": 1})}
    d = dispatcher(real_store, specs, clock, owner="t", rules={rule.id: rule}, stream=out)
    assert await d.run_until_idle() == 5
    assert out.getvalue().count("=== Busy rule") == 2
    clock.set(datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc))
    assert await run_digest(real_store, "summary:hourly", clock=clock) == 1
    await d.tick()
    assert "=== Busy rule (busy): 3 hits past the hourly limit" in out.getvalue()
    kinds = sorted(v.kind for v in real_store.list_deliveries(status="sent"))
    assert kinds.count("summary") == 1

    clock.set(datetime(2026, 3, 2, 7, 40, tzinfo=timezone.utc))  # the 06:30 alerts are an hour old
    for n in range(5, 7):
        record_article(real_store, n, [rule], plan, clock.now())
    assert await d.run_until_idle() == 2
    assert out.getvalue().count("=== Busy rule") == 5  # 2 alerts, the summary, 2 alerts
    assert real_store.list_deliveries(status="pending") == []  # the summary did not eat the budget

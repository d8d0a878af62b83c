"""Deliveries waiting for a digest that will never fire, and deliveries for
channels that are gone: with the real store, nothing stays pending forever."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Sequence

from monitor.alerts.channels import channel_spec
from monitor.alerts import Dispatcher
from monitor.types import ChannelSpec
from tests.runtime_helpers import dispatcher
from monitor.alerts import digest_jobs, plan_deliveries, run_digest
from monitor.clock import FrozenClock
from monitor.types import RuleSpec
from tests.alerts.conftest import record_article

MORNING = RuleSpec("r", "Morning rule", "q", notify=("console",), mode="daily@08:00 UTC")
CONSOLE = {"console": channel_spec("console", "console")}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=timezone.utc)


def console_dispatcher(store: Any, specs: Mapping[str, ChannelSpec], clock: FrozenClock, out: io.StringIO,
                       rules: Sequence[RuleSpec] = ()) -> Dispatcher:
    return dispatcher(store, specs, clock, owner="t", rules=rules, stream=out)


def record(store: Any, clock: FrozenClock, n: int, rule: RuleSpec,
           channels: Mapping[str, ChannelSpec]) -> None:
    record_article(store, n, [rule], lambda r: plan_deliveries(r, channels, clock.now()), clock.now())


async def test_digest_whose_schedule_changed_goes_out_late_not_never(real_store, clock: FrozenClock) -> None:
    record(real_store, clock, 1, MORNING, CONSOLE)
    record(real_store, clock, 2, MORNING, CONSOLE)
    [waiting] = {v.next_attempt_at for v in real_store.list_deliveries(status="pending")}
    assert waiting == at(2, 8)  # due when its digest fires
    # reload: the rule now digests at 09:00, so the job "daily@08:00 UTC" is gone
    assert [k for k, _ in digest_jobs([replace(MORNING, mode="daily@09:00 UTC")], CONSOLE)] == ["daily@09:00 UTC"]
    out = io.StringIO()
    d = console_dispatcher(real_store, CONSOLE, clock, out)
    clock.set(at(2, 8, 9))
    assert await d.tick() == 0 and out.getvalue() == ""  # within the grace: its job may be running
    clock.set(at(2, 8, 10))
    assert await d.tick() == 1
    assert out.getvalue().startswith("=== Morning rule (r): 2 hits")
    assert await d.tick() == 0
    assert real_store.list_deliveries(status="pending") == []


async def test_digest_missed_while_down_goes_out_late_with_only_the_overdue_hits(
        real_store, clock: FrozenClock) -> None:
    record(real_store, clock, 1, MORNING, CONSOLE)
    record(real_store, clock, 2, MORNING, CONSOLE)
    clock.set(at(2, 9))  # the daemon was down at 08:00: the job's run was skipped
    record(real_store, clock, 3, MORNING, CONSOLE)
    out = io.StringIO()
    d = console_dispatcher(real_store, CONSOLE, clock, out)
    assert await d.tick() == 1
    assert out.getvalue().startswith("=== Morning rule (r): 2 hits")
    [later] = real_store.list_deliveries(status="pending")
    assert later.next_attempt_at == at(3, 8)  # the 09:00 hit waits for tomorrow's digest

    clock.set(at(3, 8))
    assert await run_digest(real_store, "daily@08:00 UTC", clock=clock) == 1
    assert await d.tick() == 1
    clock.set(at(3, 8, 30))
    assert await d.tick() == 0  # the sweep never repeats what the job sent
    assert [v.kind for v in real_store.list_deliveries(status="sent")].count("digest") == 2


async def test_removed_quiet_hours_still_release_what_they_held(real_store, clock: FrozenClock) -> None:
    quiet = {"night": channel_spec("night", "console", {"quiet_hours": "22:00-07:00 Asia/Seoul"})}
    rule = RuleSpec("n", "Night rule", "q", notify=("night",))
    clock.set(at(2, 14))  # 23:00 in Seoul
    record(real_store, clock, 1, rule, quiet)
    record(real_store, clock, 2, rule, quiet)
    plain = {"night": channel_spec("night", "console")}  # reload: quiet_hours removed, no quiet:night job
    assert digest_jobs([rule], plain) == []
    out = io.StringIO()
    d = console_dispatcher(real_store, plain, clock, out, [rule])
    clock.set(at(2, 21))
    assert await d.tick() == 0
    clock.set(at(2, 22, 10))  # 07:10 in Seoul: the quiet hours ended 10 minutes ago
    assert await d.tick() == 1
    assert out.getvalue().startswith("=== Night rule (n): 2 hits")


async def test_removed_max_per_hour_still_sends_the_held_summary(real_store, clock: FrozenClock) -> None:
    limited = RuleSpec("busy", "Busy rule", "q", notify=("console",), max_per_hour=1)
    for n in range(3):
        record(real_store, clock, n, limited, CONSOLE)
    out = io.StringIO()
    assert await console_dispatcher(real_store, CONSOLE, clock, out, [limited]).run_until_idle() == 3
    assert out.getvalue().count("=== Busy rule") == 1
    unlimited = replace(limited, max_per_hour=None)  # reload: no summary:hourly job any more
    assert digest_jobs([unlimited], CONSOLE) == []
    d = console_dispatcher(real_store, CONSOLE, clock, out, [unlimited])
    clock.set(at(2, 7, 10))
    assert await d.tick() == 1
    assert "=== Busy rule (busy): 2 hits past the hourly limit" in out.getvalue()
    assert sorted(v.kind for v in real_store.list_deliveries(status="sent")).count("summary") == 1


async def test_deliveries_for_a_removed_channel_are_dead_and_replay_once_it_is_back(
        real_store, clock: FrozenClock) -> None:
    both = {**CONSOLE, "gone": channel_spec("gone", "console")}
    record(real_store, clock, 1, RuleSpec("i", "Now rule", "q", notify=("console", "gone")), both)
    record(real_store, clock, 2, replace(MORNING, notify=("gone",)), both)
    out = io.StringIO()
    d = console_dispatcher(real_store, CONSOLE, clock, out)  # reload: channel "gone" removed
    assert await d.tick() == 1  # console only
    assert real_store.list_deliveries(status="dead") == []  # within the grace: another replica may know it
    clock.advance(timedelta(minutes=11))
    assert await d.tick() == 0
    [dead] = real_store.list_deliveries(status="dead")
    assert dead.channel == "gone" and dead.last_error == (
        "channel 'gone' is not in the config (removed?); add it back and run "
        "`news-monitor deliveries retry --dead`")
    clock.set(at(2, 8, 10))  # its digest is overdue: folded, then dead too (after the grace)
    assert await d.tick() == 0
    clock.advance(timedelta(minutes=11))
    assert await d.tick() == 0
    assert sorted(v.kind for v in real_store.list_deliveries(status="dead")) == ["alert", "digest"]
    assert real_store.list_deliveries(status="pending") == []

    gone_out = io.StringIO()
    back = console_dispatcher(real_store, both, clock, gone_out)  # the channel is back
    assert real_store.replay(dead=True, now=clock.now()) == 2
    assert await back.tick() == 2
    assert gone_out.getvalue().count("=== ") == 2
    assert real_store.list_deliveries(status="dead") == []

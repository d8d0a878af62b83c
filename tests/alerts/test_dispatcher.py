"""Dispatcher behaviour: isolation between channels, deadlines, limits."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from monitor.alerts.channels import channel_spec
from tests.runtime_helpers import dispatcher
from monitor.clock import FrozenClock
from monitor.types import ChannelSpec, Delivery, RuleSpec, SendResult
from tests.alerts.conftest import FakeStore, make_hit


class Scripted:
    def __init__(self, behaviour=None, result: SendResult | None = None) -> None:  # type: ignore[no-untyped-def]
        self.behaviour = behaviour
        self.result = result or SendResult(ok=True, detail="ok")
        self.sent: list[tuple[str, str | None]] = []
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult:
        self.sent.append((delivery.key, template))
        self.started.set()
        if self.behaviour == "hang":
            await self.release.wait()
        if self.behaviour == "boom":
            raise RuntimeError("bug in channel")
        return self.result

    async def aclose(self) -> None:
        pass


def specs(**kw) -> dict[str, ChannelSpec]:  # type: ignore[no-untyped-def]
    return {name: channel_spec(name, "console", opts, timeout=timedelta(seconds=t))
            for name, (opts, t) in kw.items()}


async def test_a_hanging_channel_does_not_hold_the_others(store: FakeStore, clock: FrozenClock) -> None:
    slow, fast = Scripted("hang"), Scripted()
    d = dispatcher(store, specs(slow=({"concurrency": 1}, 30), fast=({}, 5)), clock, owner="t", built={"slow": slow, "fast": fast})
    store.add("slow", (make_hit(1),), due=clock.now())
    store.add("slow", (make_hit(2),), due=clock.now())
    assert await d.tick(wait=False) == 1  # one slot on the slow channel
    store.add("fast", (make_hit(3),), due=clock.now())
    assert await d.tick() == 1  # slow is busy: only fast is claimed, and sent meanwhile
    assert store.get(3).status == "sent"
    assert [k for k, _ in fast.sent] == ["alert-3"]
    assert store.get(1).status == "pending" and store.get(2).lease_until is None
    slow.release.set()
    await d.drain(5)
    assert store.get(1).status == "sent"


async def test_per_send_deadline(store: FakeStore, clock: FrozenClock) -> None:
    d = dispatcher(store, specs(slow=({}, 0.05)), clock, owner="t", built={"slow": Scripted("hang")})
    row = store.add("slow", (make_hit(1),), due=clock.now())
    await d.tick()
    assert row.status == "pending" and row.last_error == "no answer within 0.05s (channel timeout)"


async def test_a_channel_bug_is_a_failed_send(store: FakeStore, clock: FrozenClock) -> None:
    d = dispatcher(store, specs(c=({}, 5)), clock, owner="t", built={"c": Scripted("boom")})
    row = store.add("c", (make_hit(1),), due=clock.now())
    assert await d.tick() == 1
    assert row.status == "pending" and row.last_error == "RuntimeError: bug in channel"


async def test_lease_outlives_one_send(store: FakeStore, clock: FrozenClock) -> None:
    """The process's lease (renewed by its heartbeat), but never shorter than two send timeouts."""
    d = dispatcher(store, specs(c=({}, 30)), clock, owner="t", built={"c": Scripted("hang")})
    row = store.add("c", (make_hit(1),), due=clock.now())
    await d.tick(wait=False)
    assert row.lease_until == clock.now() + timedelta(seconds=65)  # 2 x 30 s + 5 s, over the 45 s lease
    d.live.current().channels["c"].release.set()  # type: ignore[attr-defined]
    await d.drain(5)


async def test_rule_template_is_passed_to_the_channel(store: FakeStore, clock: FrozenClock) -> None:
    c = Scripted()
    rule = RuleSpec("china-envoy-nk", "R", "q", template="{{ hit.title }}")
    d = dispatcher(store, specs(c=({}, 5)), clock, owner="t", rules={rule.id: rule}, built={"c": c})
    store.add("c", (make_hit(1),), due=clock.now())
    await d.tick()
    assert c.sent == [("alert-1", "{{ hit.title }}")]


async def test_max_per_hour_collapses_the_rest_into_one_summary(store: FakeStore, clock: FrozenClock) -> None:
    from monitor.alerts import run_digest
    c = Scripted()
    rule = RuleSpec("china-envoy-nk", "R", "q", max_per_hour=2)
    d = dispatcher(store, specs(c=({"concurrency": 1}, 5)), clock, owner="t", rules={rule.id: rule}, built={"c": c})
    for i in range(1, 6):
        store.add("c", (make_hit(i),), due=clock.now())
    await d.run_until_idle()
    assert [k for k, _ in c.sent] == ["alert-1", "alert-2"]
    held = [r for r in store.rows if r.digest == "summary:hourly"]
    assert len(held) == 3 and all(r.status == "pending" for r in held)
    clock.set(held[0].next_attempt_at)  # 07:00, the top of the hour
    assert await run_digest(store, "summary:hourly", clock=clock) == 1
    await d.run_until_idle()
    assert [k for k, _ in c.sent][-1] == "digest-6"
    summary = store.get(6)
    assert summary.kind == "summary" and [h.id for h in summary.hits] == [3, 4, 5]
    assert summary.status == "sent"


async def test_max_per_hour_holds_even_with_four_sends_at_once(store: FakeStore, clock: FrozenClock) -> None:
    c = Scripted()
    rule = RuleSpec("china-envoy-nk", "R", "q", max_per_hour=2)
    d = dispatcher(store, specs(c=({"concurrency": 4}, 5)), clock, owner="t", rules={rule.id: rule}, built={"c": c})
    for i in range(1, 6):
        store.add("c", (make_hit(i),), due=clock.now())
    assert await d.tick() == 4  # four claimed together, all checking the limit at once
    await d.run_until_idle()
    assert sorted(k for k, _ in c.sent) == ["alert-1", "alert-2"]
    assert [r.id for r in store.rows if r.digest == "summary:hourly"] == [3, 4, 5]


async def test_a_late_outcome_never_overwrites_the_replica_that_took_over(
        store: FakeStore, clock: FrozenClock, caplog) -> None:  # type: ignore[no-untyped-def]
    for late in (SendResult(ok=False, detail="HTTP 503"), SendResult(ok=False, detail="HTTP 404", permanent=True)):
        c = Scripted("hang", result=late)
        d = dispatcher(store, specs(c=({}, 5)), clock, owner="replica-a", built={"c": c})
        row = store.add("c", (make_hit(1),), due=clock.now())
        assert await d.tick(wait=False) == 1  # replica-a claims; its send stalls past the lease
        await asyncio.wait_for(c.started.wait(), 5)
        clock.advance(d.lease(d.live.current().config.channels["c"]) + timedelta(seconds=1))
        [again] = store.claim_due_deliveries(clock.now(), limit=1, owner="replica-b", lease=timedelta(seconds=15))
        c.release.set()  # replica-a's late failure must not touch what replica-b now holds
        await d.drain(5)
        assert (row.status, row.lease_owner, row.attempts, row.last_error) == ("pending", "replica-b", 0, None)
        assert store.mark_sent(again.id, clock.now(), "200 OK", owner="replica-b")
    assert "outcome 'retry' not recorded" in caplog.text and "outcome 'dead' not recorded" in caplog.text
    assert "replica-a" in caplog.text

"""Spike alerts in the database (monitor.alerts.spike decides): a rule's hit
counts, whether it is in a spike now, and the spikes recorded.

    hourly_counts(db, rule_id, now=, baseline=) -> (last hour, baseline window before it)
    note_spike(db, rule, spike | None, channels=, now=) -> delivery ids
    list_spikes(db, since=, rule_id=) -> [SpikeView]

A spike alerts once: `note_spike` moves rule_spike_state from "not spiking"
to "spiking" with one guarded UPDATE and queues the deliveries only when it
moved that row, in the same transaction, so two replicas checking the same
hour queue one alert.  A check without a spike moves it back, and the next
spike may alert again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import col

from monitor.alerts.spike import HOUR, Spike
from monitor.store.engine import Database
from monitor.store.models import DeliveryRow, Hit, RuleSpike, RuleSpikeState
from monitor.store.sqlutil import aware, insert_ignore, read_ts_required, rowcount
from monitor.types import DeliveryKind, DeliveryStatus, RuleSpec
from monitor.units import iso


@dataclass(frozen=True)
class SpikeView:
    rule_id: str
    at: datetime
    hits: int
    average: float
    message: str


def hourly_counts(db: Database, rule_id: str, *, now: datetime, baseline: timedelta) -> tuple[int, int]:
    """The rule's hits in [now - 1h, now) and in the `baseline` before that."""
    now = aware(now)
    start = now - HOUR

    def count(s, since: datetime, until: datetime) -> int:  # type: ignore[no-untyped-def]
        return int(s.execute(select(func.count()).select_from(Hit).where(
            col(Hit.rule_id) == rule_id, col(Hit.matched_at) >= since, col(Hit.matched_at) < until)).scalar_one())

    with db.read() as s:
        return count(s, start, now), count(s, start - baseline, start)


def note_spike(db: Database, rule: RuleSpec, spike: Spike | None, *, channels: tuple[str, ...],
               now: datetime) -> list[int]:
    """Record what the check found; queue one delivery of kind "spike" per
    channel when the rule moved into a spike here (not on a replica, not on
    an earlier check of the same spike)."""
    now = aware(now)
    with db.write() as s:
        s.execute(insert_ignore(db.dialect, RuleSpikeState, ("rule_id",)),
                  {"rule_id": rule.id, "spiking": False, "changed_at": now})
        state = col(RuleSpikeState.rule_id) == rule.id
        if spike is None:
            s.execute(update(RuleSpikeState).where(state, col(RuleSpikeState.spiking).is_(True))
                      .values(spiking=False, changed_at=now))
            return []
        moved = rowcount(s.execute(update(RuleSpikeState).where(state, col(RuleSpikeState.spiking).is_(False))
                                   .values(spiking=True, changed_at=now)))
        if not moved:
            return []
        message = spike.message(rule.id)
        row = RuleSpike(rule_id=rule.id, at=now, hits=spike.hits, average=spike.average, message=message)
        s.add(row)
        s.flush()
        payload = {"event": "spike", "message": message, "rule": {"id": rule.id, "name": rule.name},
                   "hits": spike.hits, "average": round(spike.average, 3), "factor": spike.factor,
                   "baseline_hours": spike.baseline / HOUR, "at": iso(now)}
        rows = [DeliveryRow(key=f"spike-{row.id}-{channel}", channel=channel, kind=DeliveryKind.SPIKE,
                            rule_id=rule.id, status=DeliveryStatus.PENDING, next_attempt_at=now, created_at=now, payload=payload)
                for channel in channels]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows if r.id is not None]


def list_spikes(db: Database, *, since: datetime, rule_id: str | None = None) -> list[SpikeView]:
    """Spikes alerted since `since`, oldest first."""
    q = select(RuleSpike).where(col(RuleSpike.at) >= aware(since))
    if rule_id is not None:
        q = q.where(col(RuleSpike.rule_id) == rule_id)
    with db.read() as s:
        rows = s.execute(q.order_by(col(RuleSpike.at), col(RuleSpike.id))).scalars().all()
        return [SpikeView(r.rule_id, read_ts_required(r.at), r.hits, r.average, r.message) for r in rows]

"""Digests: which cron jobs exist, and what one firing does.

    digest_jobs(rules, channels) -> [(key, trigger)], one per distinct key:
        "<schedule>"       for rules with mode: digest (e.g. "daily@08:00 Europe/Berlin")
        "quiet:<channel>"  for channels with quiet_hours (fires when they end)
        "summary:hourly"   when any rule has max_per_hour
    run_digest(store, key, clock=...) -> how many digest deliveries it made:
        for every (channel, rule) with deliveries waiting for `key`, fold them
        into one new delivery, due now; the dispatcher sends it on its next tick.
        Nothing pending, nothing made.
    sweep_overdue(store, clock=..., grace=...) -> how many digest deliveries it made:
        the same for deliveries whose digest was due more than `grace` ago and
        is still waiting (its job was removed by a config change, or the
        daemon was down when it should have fired): sent late, never lost.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:
    from apscheduler.triggers.base import BaseTrigger

from monitor.alerts.limits import SUMMARY_KEY, SUMMARY_SCHEDULE
from monitor.alerts.quiet import parse_quiet_hours
from monitor.alerts.schedule import QUIET_PREFIX, digest_key, is_digest_mode, quiet_trigger, trigger_for
from monitor.clock import Clock
from monitor.types import ChannelSpec, DeliveryKind, RuleSpec

log = logging.getLogger(__name__)


def digest_jobs(rules: Sequence[RuleSpec],
                channels: Mapping[str, ChannelSpec]) -> list[tuple[str, BaseTrigger]]:
    jobs: dict[str, BaseTrigger] = {}
    for rule in rules:
        if is_digest_mode(rule.mode):
            key = digest_key(rule.mode)
            if key not in jobs:
                try:
                    jobs[key] = trigger_for(key)
                except ValueError as exc:
                    raise ValueError(f"rule {rule.id!r}: {exc}") from exc
        if rule.max_per_hour and SUMMARY_KEY not in jobs:
            jobs[SUMMARY_KEY] = trigger_for(SUMMARY_SCHEDULE)
    for name, spec in channels.items():
        if spec.quiet_hours:
            try:
                jobs[QUIET_PREFIX + name] = quiet_trigger(parse_quiet_hours(spec.quiet_hours))
            except ValueError as exc:
                raise ValueError(f"channel {name!r}: {exc}") from exc
    return list(jobs.items())


async def run_digest(store: Any, digest: str, *, clock: Clock) -> int:
    groups = await asyncio.to_thread(store.digest_groups, digest)
    return await _fold(store, [(digest, channel, rule_id) for channel, rule_id in groups],
                       clock=clock, due_by=None)


async def sweep_overdue(store: Any, *, clock: Clock, grace: timedelta) -> int:
    due_by = clock.now() - grace
    groups = await asyncio.to_thread(store.overdue_digest_groups, due_by)
    made = await _fold(store, groups, clock=clock, due_by=due_by)
    if made:
        log.warning("sent %d overdue digest(s) late (%s): their digest job did not run at its "
                    "time (schedule changed or removed, or the daemon was down)", made,
                    ", ".join(sorted({digest for digest, _, _ in groups})))
    return made


async def _fold(store: Any, groups: Sequence[tuple[str, str, str]], *, clock: Clock,
                due_by: datetime | None) -> int:
    made = 0
    for digest, channel, rule_id in groups:
        delivery = await asyncio.to_thread(store.take_digest, digest, channel=channel,
                                           rule_id=rule_id, now=clock.now(), due_by=due_by)
        if delivery is None:  # another replica (or the digest job) took them
            continue
        made += 1
        if digest == SUMMARY_KEY:
            await asyncio.to_thread(store.set_delivery_kind, delivery.id, DeliveryKind.SUMMARY)
    return made

"""Digests: which cron jobs exist, and what one firing does.

    digest_jobs(rules, channels) -> [(key, trigger)], one per distinct key:
        "<schedule>"       for rules with mode: digest (e.g. "daily@08:00 Europe/Berlin")
        "quiet:<channel>"  for channels with quiet_hours (fires when they end)
        "summary:hourly"   when any rule has max_per_hour
    run_digest(store, key, clock=...) -> how many digest deliveries it made:
        for every (channel, rule) with deliveries waiting for `key`, fold them
        into one new delivery, due now; the dispatcher sends it on its next tick.
        Nothing pending, nothing made.
"""

from __future__ import annotations

import asyncio
from typing import Any, Mapping, Sequence

from apscheduler.triggers.base import BaseTrigger

from monitor.alerts.limits import SUMMARY_KEY, SUMMARY_SCHEDULE
from monitor.alerts.quiet import parse_quiet_hours
from monitor.alerts.schedule import QUIET_PREFIX, digest_key, is_digest_mode, quiet_trigger, trigger_for
from monitor.clock import Clock
from monitor.types import ChannelSpec, RuleSpec


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
        quiet = spec.options.get("quiet_hours")
        if quiet:
            try:
                jobs[QUIET_PREFIX + name] = quiet_trigger(parse_quiet_hours(str(quiet)))
            except ValueError as exc:
                raise ValueError(f"channel {name!r}: {exc}") from exc
    return list(jobs.items())


async def run_digest(store: Any, digest: str, *, clock: Clock) -> int:
    groups = await asyncio.to_thread(store.digest_groups, digest)
    made = 0
    for channel, rule_id in groups:
        delivery = await asyncio.to_thread(store.take_digest, digest, channel=channel,
                                           rule_id=rule_id, now=clock.now())
        if delivery is None:
            continue
        made += 1
        if digest == SUMMARY_KEY:
            await asyncio.to_thread(store.set_delivery_kind, delivery.id, "summary")
    return made

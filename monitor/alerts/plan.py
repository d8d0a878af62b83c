"""Which deliveries a new hit gets: pure, called inside the hit's transaction.

    immediate rule -> one delivery per channel in rule.notify, due now; during a
                      channel's quiet hours it waits in the digest "quiet:<channel>"
                      (due when they end) and goes out with the others then
    digest rule    -> one delivery per channel, held in the digest keyed by the
                      schedule (e.g. "daily@08:00 Europe/Berlin"), due at its next
                      fire time

A waiting delivery's due time is when its digest should go out: if that
digest job never runs (schedule changed, quiet hours removed, daemon down at
the time), the dispatcher's sweep sends it late instead of never.

Digest rules ignore quiet hours (their schedule already says when).
"""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

from monitor.alerts.quiet import parse_quiet_hours, quiet_end
from monitor.alerts.schedule import QUIET_PREFIX, digest_key, is_digest_mode, next_fire
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, PlannedDelivery, RuleSpec


def plan_deliveries(rule: RuleSpec, channels: Mapping[str, ChannelSpec],
                    now: datetime) -> list[PlannedDelivery]:
    planned: list[PlannedDelivery] = []
    for name in dict.fromkeys(rule.notify):  # keep order, drop repeats
        spec = channels.get(name)
        if spec is None:
            raise ChannelError(f"rule {rule.id!r} notifies channel {name!r}, which is not "
                               f"configured; add it under channels: or fix notify: "
                               f"(known: {', '.join(sorted(channels)) or 'none'})")
        planned.append(_plan_one(rule, spec, now))
    return planned


def _plan_one(rule: RuleSpec, spec: ChannelSpec, now: datetime) -> PlannedDelivery:
    if is_digest_mode(rule.mode):
        key = digest_key(rule.mode)
        # a cron that never fires again: due now, so the dispatcher's sweep sends it
        return PlannedDelivery(channel=spec.id, due_at=next_fire(key, now) or now,
                               digest=key)
    if spec.quiet_hours:
        end = quiet_end(parse_quiet_hours(spec.quiet_hours), now)
        if end is not None:
            return PlannedDelivery(channel=spec.id, due_at=end, digest=QUIET_PREFIX + spec.id)
    return PlannedDelivery(channel=spec.id, due_at=now)

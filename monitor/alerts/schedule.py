"""Digest schedule strings -> APScheduler triggers in their own time zone.

    hourly                       at minute 0 of every hour (UTC)
    daily@08:00 Europe/Berlin    every day at 08:00 Berlin time (zone optional, UTC default)
    weekly@mon 08:00 Asia/Seoul  every Monday
    cron:0 8 * * 1-5 Europe/Paris  any 5-field cron expression, optional zone

A rule's mode may be written with a "digest:" prefix ("digest:hourly"); the
digest key stored on deliveries is the schedule without it.

>>> trigger_for("daily@08:00 Europe/Berlin")
<CronTrigger (hour='8', minute='0', timezone='Europe/Berlin')>
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # apscheduler is imported when a trigger is made (`once` without digests never loads it)
    from apscheduler.triggers.base import BaseTrigger

from monitor.alerts.quiet import QuietHours, zone

QUIET_PREFIX = "quiet:"
_DAILY = re.compile(r"^daily@(\d{1,2}):(\d{2})(?:\s+(\S+))?$")
_WEEKLY = re.compile(r"^weekly@(mon|tue|wed|thu|fri|sat|sun)\s+(\d{1,2}):(\d{2})(?:\s+(\S+))?$", re.I)
_HELP = ("expected hourly, daily@HH:MM [Zone], weekly@mon HH:MM [Zone] or "
         "cron:<5 fields> [Zone], e.g. 'daily@08:00 Europe/Berlin'")


def is_digest_mode(mode: str) -> bool:
    return bool(mode) and mode.strip() != "immediate"


def digest_key(mode: str) -> str:
    """The digest key for a rule mode: the schedule, normalised.

    >>> digest_key("digest:  daily@08:00   Europe/Berlin")
    'daily@08:00 Europe/Berlin'
    """
    text = mode.strip()
    if text.startswith("digest:"):
        text = text[len("digest:"):]
    return " ".join(text.split())


def trigger_for(schedule: str) -> BaseTrigger:
    """A CronTrigger for a schedule string; ValueError naming the fix otherwise."""
    from apscheduler.triggers.cron import CronTrigger

    text = digest_key(schedule)
    if text == "hourly":
        return CronTrigger(minute=0, timezone="UTC")
    m = _DAILY.match(text)
    if m:
        hour, minute = _hm(m.group(1), m.group(2), text)
        return CronTrigger(hour=hour, minute=minute, timezone=_zone(m.group(3), text))
    m = _WEEKLY.match(text)
    if m:
        hour, minute = _hm(m.group(2), m.group(3), text)
        return CronTrigger(day_of_week=m.group(1).lower(), hour=hour, minute=minute,
                           timezone=_zone(m.group(4), text))
    if text.startswith("cron:"):
        fields = text[len("cron:"):].split()
        if len(fields) not in (5, 6):
            raise ValueError(f"digest schedule {schedule!r}: cron needs 5 fields "
                             "(minute hour day month weekday) and an optional zone")
        tz = _zone(fields[5] if len(fields) == 6 else None, text)
        try:
            return CronTrigger.from_crontab(" ".join(fields[:5]), timezone=tz)
        except ValueError as exc:
            raise ValueError(f"digest schedule {schedule!r}: {exc}") from exc
    raise ValueError(f"digest schedule {schedule!r}: {_HELP}")


def next_fire(schedule: str, now: datetime) -> datetime | None:
    """The first firing of a schedule at or after `now`, in UTC (None: never).

    >>> next_fire("daily@08:00 Europe/Berlin", datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)).isoformat()
    '2026-01-02T07:00:00+00:00'
    """
    fire = trigger_for(schedule).get_next_fire_time(None, now)
    return fire.astimezone(timezone.utc) if fire is not None else None


def quiet_trigger(q: QuietHours) -> BaseTrigger:
    """Fires when a channel's quiet hours end (local time of their zone)."""
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(hour=q.end.hour, minute=q.end.minute, timezone=q.zone)


def _hm(h: str, m: str, text: str) -> tuple[int, int]:
    hour, minute = int(h), int(m)
    if hour > 23 or minute > 59:
        raise ValueError(f"digest schedule {text!r}: hours run 00-23 and minutes 00-59")
    return hour, minute


def _zone(name: str | None, text: str) -> str:
    if not name:
        return "UTC"
    zone(name, f"digest schedule {text!r}")
    return name

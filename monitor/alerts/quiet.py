"""Quiet hours per channel, e.g. "22:00-07:00 Asia/Seoul": pure.

During quiet hours immediate alerts wait for the end and then go out as one
digest (key ``quiet:<channel>``).

>>> q = parse_quiet_hours("22:00-07:00 Asia/Seoul")
>>> quiet_end(q, datetime(2026, 1, 1, 14, 0, tzinfo=timezone.utc)).isoformat()   # 23:00 in Seoul
'2026-01-01T22:00:00+00:00'
>>> quiet_end(q, datetime(2026, 1, 1, 3, 0, tzinfo=timezone.utc)) is None         # 12:00 in Seoul
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_QUIET = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?:\s+(\S+))?\s*$")


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    zone: str = "UTC"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


def zone(name: str, what: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{what}: unknown time zone {name!r}; use an IANA name such as "
                         "Europe/Berlin or UTC") from exc


def parse_quiet_hours(text: str) -> QuietHours:
    m = _QUIET.match(text or "")
    if not m:
        raise ValueError(f"quiet_hours {text!r}: expected 'HH:MM-HH:MM [Zone]', "
                         "e.g. '22:00-07:00 Asia/Seoul'")
    h1, m1, h2, m2 = (int(g) for g in m.groups()[:4])
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"quiet_hours {text!r}: hours run 00-23 and minutes 00-59")
    name = m.group(5) or "UTC"
    zone(name, f"quiet_hours {text!r}")
    return QuietHours(time(h1, m1), time(h2, m2), name)


def quiet_end(q: QuietHours, now: datetime) -> datetime | None:
    """The UTC moment the quiet period containing `now` ends; None when not quiet."""
    if q.start == q.end:
        return None
    local = now.astimezone(q.tz)
    t = local.time().replace(tzinfo=None)
    if q.start < q.end:
        inside = q.start <= t < q.end
        end_day = local.date()
    else:  # wraps midnight
        inside = t >= q.start or t < q.end
        end_day = local.date() + timedelta(days=1) if t >= q.start else local.date()
    if not inside:
        return None
    end_local = datetime.combine(end_day, q.end, tzinfo=q.tz)
    return end_local.astimezone(timezone.utc)

"""max_per_hour: past a rule's limit, further alerts that hour are held in the
digest "summary:hourly" and go out at the top of the hour as one summary
message per rule and channel.

>>> next_hour(datetime(2026, 1, 1, 8, 20, tzinfo=timezone.utc)).isoformat()
'2026-01-01T09:00:00+00:00'
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

SUMMARY_KEY = "summary:hourly"
SUMMARY_SCHEDULE = "hourly"


def next_hour(now: datetime) -> datetime:
    return now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)

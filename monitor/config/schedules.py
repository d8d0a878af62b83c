"""Digest schedules, quiet hours and time zones: validated and normalised.

    hourly                          minute 0 of every hour (UTC)
    daily@08:00 [Zone]              every day at 08:00 in Zone (default UTC)
    weekly@mon 08:00 [Zone]         every Monday at 08:00
    cron: "0 8 * * 1-5" [Zone]      a 5-field cron expression (also cron:0 8 * * 1-5 Zone)

`normalise_schedule` returns the canonical string that monitor.alerts.schedule
reads.  Cron weekdays are rewritten as names (1-5 -> mon-fri): APScheduler 3
numbers weekdays from Monday=0, crontab from Sunday=0, and names mean the same
to both.

>>> normalise_schedule('cron: "0 8 * * 1-5" Europe/Berlin')
'cron:0 8 * * mon-fri Europe/Berlin'
>>> normalise_schedule("daily@8:00")
'daily@08:00'
"""

from __future__ import annotations

import difflib
import re
import zoneinfo

_HM = r"(\d{1,2}):(\d{2})"
_DAILY = re.compile(rf"^daily@{_HM}(?:\s+(\S+))?$")
_WEEKLY = re.compile(rf"^weekly@([A-Za-z]+)\s+{_HM}(?:\s+(\S+))?$")
_CRON = re.compile(r"""^cron:\s*(?:"([^"]*)"|'([^']*)'|(\S+(?:\s+\S+){4}))(?:\s+(\S+))?$""")
_QUIET = re.compile(rf"^{_HM}\s*-\s*{_HM}(?:\s+(\S+))?$")
CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab numbering, 0 and 7 = sun
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SCHEDULE_HELP = ("expected hourly, daily@HH:MM [Zone], weekly@mon HH:MM [Zone] or "
                 "cron: \"M H DOM MON DOW\" [Zone], e.g. daily@08:00 Europe/Berlin")


def check_zone(name: str) -> str:
    """The zone name, or ValueError naming the closest IANA zone."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(name, sorted(zoneinfo.available_timezones()), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "use an IANA name such as Europe/Berlin or UTC"
        raise ValueError(f"unknown time zone '{name}'; {hint}") from None
    return name


def _hhmm(h: str, m: str) -> str:
    if int(h) > 23 or int(m) > 59:
        raise ValueError(f"'{h}:{m}' is not a time of day; hours run 00-23, minutes 00-59")
    return f"{int(h):02d}:{m}"


def _with_zone(text: str, zone: str | None) -> str:
    return f"{text} {check_zone(zone)}" if zone else text


def normalise_schedule(text: str) -> str:
    """The canonical schedule string, or ValueError saying what is expected."""
    text = " ".join(text.split())
    if text == "hourly":
        return text
    if m := _DAILY.match(text):
        return _with_zone(f"daily@{_hhmm(m[1], m[2])}", m[3])
    if m := _WEEKLY.match(text):
        day = m[1].lower()[:3]
        if day not in WEEK or not _FULL[WEEK.index(day)].startswith(m[1].lower()):
            raise ValueError(f"unknown weekday '{m[1]}'; use one of {', '.join(WEEK)}")
        return _with_zone(f"weekly@{day} {_hhmm(m[2], m[3])}", m[4])
    if m := _CRON.match(text):
        fields = (m[1] or m[2] or m[3] or "").split()
        if len(fields) != 5:
            raise ValueError(f"a cron expression has 5 fields (minute hour day month weekday), "
                             f"got {len(fields)}: '{' '.join(fields)}'")
        fields[4] = cron_weekdays(fields[4])
        zone = check_zone(m[4]) if m[4] else "UTC"
        _check_cron(fields, zone)
        return _with_zone("cron:" + " ".join(fields), m[4])
    raise ValueError(SCHEDULE_HELP)


def cron_weekdays(field: str) -> str:
    """A crontab weekday field as APScheduler-safe names: '1-5' -> 'mon-fri', '0,6' -> 'sat,sun'."""
    if field in ("*", "?"):
        return "*"
    days: set[str] = set()
    for part in field.lower().split(","):
        rng, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() else None
        if step_text and not step:
            raise ValueError(f"bad weekday step in '{field}'")
        if rng == "*":
            lo, hi = 0, 6
        else:
            a, _, b = rng.partition("-")
            lo = _cron_day(a, field)
            hi = _cron_day(b, field) if b else (6 if step else lo)
            if hi < lo:
                raise ValueError(f"weekday range '{rng}' runs backwards; write e.g. 1-5 or mon-fri")
        days.update(CRON_DAYS[n % 7] for n in range(lo, hi + 1, step or 1))
    return _compact(sorted(days, key=WEEK.index))


def _cron_day(token: str, field: str) -> int:
    if token.isdigit() and int(token) <= 7:
        return int(token)
    if token[:3] in CRON_DAYS and len(token) >= 3:
        return CRON_DAYS.index(token[:3])
    raise ValueError(f"bad weekday '{token}' in '{field}'; use 0-7 or sun..sat")


def _compact(days: list[str]) -> str:
    if len(days) == 7:
        return "*"
    runs: list[list[str]] = []
    for day in days:
        if runs and WEEK.index(day) == WEEK.index(runs[-1][-1]) + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) >= 3 else ",".join(r) for r in runs)


def _check_cron(fields: list[str], zone: str) -> None:
    from apscheduler.triggers.cron import CronTrigger

    minute, hour, day, month, dow = fields
    try:
        CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow, timezone=zone)
    except ValueError as exc:
        raise ValueError(f"bad cron expression '{' '.join(fields)}': {exc}") from None


def normalise_mode(value: str) -> str:
    """A rule's mode: 'immediate', 'digest:<schedule>' or a bare schedule,
    normalised to 'digest:<schedule>' (ValueError otherwise).

    >>> normalise_mode("hourly"), normalise_mode("digest: daily@8:00")
    ('digest:hourly', 'digest:daily@08:00')
    """
    text = value.strip()
    if text == "immediate":
        return text
    if text.startswith("digest:"):
        return "digest:" + normalise_schedule(text[len("digest:"):].strip())
    try:  # a bare schedule (`mode: hourly`, `mode: daily@08:00`) is a digest on it
        return "digest:" + normalise_schedule(text)
    except ValueError:
        pass
    raise ValueError("expected 'immediate' or a digest like {digest: daily@08:00 Europe/Berlin}; "
                     + SCHEDULE_HELP.replace("expected ", "schedules: "))


def normalise_quiet_hours(text: str) -> str:
    """'22:00-07:00 Asia/Seoul' checked and tidied; ValueError otherwise."""
    m = _QUIET.match(" ".join(text.split()))
    if not m:
        raise ValueError("expected 'HH:MM-HH:MM [Zone]', e.g. '22:00-07:00 Asia/Seoul'")
    return _with_zone(f"{_hhmm(m[1], m[2])}-{_hhmm(m[3], m[4])}", m[5])

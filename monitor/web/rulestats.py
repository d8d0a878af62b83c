"""Per-rule figures for the desk's rules table, from the hits' (rule, time,
verdict) triples: pure, the clock passed in.

    >>> from datetime import datetime, timezone
    >>> now = datetime(2026, 3, 10, 15, tzinfo=timezone.utc)
    >>> rows = [("r", datetime(2026, 3, 10, 9, tzinfo=timezone.utc), None),
    ...         ("r", datetime(2026, 3, 8, 9, tzinfo=timezone.utc), False)]
    >>> s = rule_stats(rows, now, days=7)["r"]
    >>> (s.today, s.week, s.month, s.not_relevant, s.per_day[-3:])
    (1, 2, 2, 1, (1, 0, 1))
    >>> s.precision
    0.5
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

DAYS = 30  # the chart and the month column


@dataclass(frozen=True)
class RuleStats:
    today: int  # since 00:00 UTC
    week: int  # the last 7 days
    month: int  # the last `days` days
    not_relevant: int  # of `month`, marked not relevant
    judged: int  # of `month`, marked either way
    per_day: tuple[int, ...]  # oldest day first, today last
    first_day: date

    @property
    def precision(self) -> float | None:
        """Share of the window's hits not marked "not relevant" (None: no hits)."""
        return None if not self.month else (self.month - self.not_relevant) / self.month


def day_of(at: datetime) -> date:
    return at.astimezone(timezone.utc).date()


def rule_stats(rows: Iterable[tuple[str, datetime, bool | None]], now: datetime, *,
               days: int = DAYS) -> dict[str, RuleStats]:
    """Figures per rule id over the `days` days ending today (UTC days)."""
    today = day_of(now)
    first = today - timedelta(days=days - 1)
    week_start = now - timedelta(days=7)
    counts: dict[str, list[int]] = {}
    per: dict[str, dict[str, int]] = {}
    for rule, at, relevant in rows:
        day = day_of(at)
        if day < first or day > today:
            continue
        bars = counts.setdefault(rule, [0] * days)
        bars[(day - first).days] += 1
        c = per.setdefault(rule, {"week": 0, "nr": 0, "judged": 0})
        c["week"] += at >= week_start
        c["nr"] += relevant is False
        c["judged"] += relevant is not None
    return {rule: RuleStats(today=bars[-1], week=per[rule]["week"], month=sum(bars), not_relevant=per[rule]["nr"],
                            judged=per[rule]["judged"], per_day=tuple(bars), first_day=first)
            for rule, bars in counts.items()}


def empty(now: datetime, *, days: int = DAYS) -> RuleStats:
    return RuleStats(0, 0, 0, 0, 0, (0,) * days, day_of(now) - timedelta(days=days - 1))


"""What a rule matches among stored articles: pure (articles and compiled
rules in, a Scan out), one presearch pass for the draft and the current
rule together."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from monitor.errors import MatchTimeout
from monitor.types import ArchivedArticle, Match

DRAFT_SUFFIX = "~draft"  # the id a draft gets beside the stored rule of the same id


@dataclass(frozen=True)
class Found:
    """A matched story: its first stored matching article and the match."""

    article: ArchivedArticle
    match: Match

    @property
    def story(self) -> int:
        return story_of(self.article)


def story_of(article: ArchivedArticle) -> int:
    """The story an article counts for (an article without one is its own)."""
    return article.story_id if article.story_id is not None else -article.id


@dataclass(frozen=True)
class Scan:
    scanned: int  # articles read
    without_text: int  # of which have only a title left (retention.article_text)
    timed_out: int  # articles whose matching passed the deadline (counted as no match)
    found: dict[str, dict[int, Found]]  # rule id -> story -> Found


def scan(articles: Iterable[ArchivedArticle], ruleset, *, deadline: float,  # type: ignore[no-untyped-def]
         monotonic: Callable[[], float] = time.monotonic) -> Scan:
    """Match every article against every rule of `ruleset`; per rule, the
    first (stored) matching article of each story."""
    found: dict[str, dict[int, Found]] = {rule.id: {} for rule in ruleset.rules}
    scanned = without_text = timed_out = 0
    for article in articles:
        scanned += 1
        without_text += not article.text
        try:
            matches = ruleset.match(article.document(), deadline=monotonic() + deadline)
        except MatchTimeout:
            timed_out += 1
            continue
        for m in matches:
            found[m.rule_id].setdefault(story_of(article), Found(article, m))
    return Scan(scanned=scanned, without_text=without_text, timed_out=timed_out, found=found)


def per_day(found: Iterable[Found], since: date, until: date) -> list[tuple[date, int]]:
    """Stories per day (of their first matching article's date), every day
    from `since` to `until` included, zeros too.

    >>> per_day([], date(2026, 12, 1), date(2026, 12, 2))
    [(datetime.date(2026, 12, 1), 0), (datetime.date(2026, 12, 2), 0)]
    """
    counts: dict[date, int] = {}
    for f in found:
        day = f.article.date.date()
        counts[day] = counts.get(day, 0) + 1
    first = min([since, *counts]) if counts else since
    days = (until - first).days + 1
    return [(first + timedelta(days=n), counts.get(first + timedelta(days=n), 0)) for n in range(max(days, 0))]


def newest(found: Iterable[Found], n: int) -> list[Found]:
    return sorted(found, key=lambda f: (f.article.date, f.article.id), reverse=True)[:n]


def diff(current: dict[int, Found], draft: dict[int, Found]) -> tuple[list[Found], list[Found]]:
    """(stories the draft gains, stories it loses), newest first."""
    gained = [f for story, f in draft.items() if story not in current]
    lost = [f for story, f in current.items() if story not in draft]
    return newest(gained, len(gained)), newest(lost, len(lost))


def chart(days: Iterable[tuple[date, int]], width: int = 40) -> str:
    """A small text chart, a line a day.

    >>> print(chart([(date(2026, 12, 1), 2), (date(2026, 12, 2), 0), (date(2026, 12, 3), 4)], width=4))
    2026-12-01 ██   2
    2026-12-02      0
    2026-12-03 ████ 4
    """
    rows = list(days)
    top = max((n for _, n in rows), default=0)
    lines = []
    for day, n in rows:
        bar = "█" * (0 if not top else max(1, round(n * width / top)) if n else 0)
        lines.append(f"{day.isoformat()} {bar.ljust(width)} {n}")
    return "\n".join(lines)


def day_of(when: datetime) -> date:
    return when.date()

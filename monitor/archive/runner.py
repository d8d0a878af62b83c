"""Backtest and backfill as the CLI and the API run them: compile the rule
(stored or draft, with the config's aliases), read the stored articles, scan,
and shape the result (monitor.archive.views renders it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.archive import backtest
from monitor.archive.backtest import DRAFT_SUFFIX, Found
from monitor.types import RecordedHit, PlannedHit, RuleSpec

DEFAULT_SINCE = timedelta(days=30)
SAMPLE = 10
DIFF_LIMIT = 50


@dataclass(frozen=True)
class Triage:
    """What the desk's triage says of a backtest's matches: of the matched
    stories the stored rule has a hit of, how many were marked not relevant
    (precision as on the rules table: undecided counts as relevant)."""

    hits: int
    not_relevant: int

    @property
    def precision(self) -> float | None:
        return (self.hits - self.not_relevant) / self.hits if self.hits else None


def triage_of(verdicts: dict[int, bool | None], stories: Iterable[int]) -> Triage:
    """
    >>> t = triage_of({1: True, 2: False, 3: None}, [1, 2, 3, 9])
    >>> t, t.precision
    (Triage(hits=3, not_relevant=1), 0.6666666666666666)
    >>> triage_of({}, [9]).precision is None
    True
    """
    known = [verdicts[s] for s in stories if s in verdicts]
    return Triage(hits=len(known), not_relevant=sum(v is False for v in known))


@dataclass(frozen=True)
class BacktestResult:
    rule: str | None  # the stored rule's id (None for a query alone)
    query: str  # what was run: the draft when given, else the stored rule's query
    since: datetime
    until: datetime
    scanned: int
    without_text: int
    timed_out: int
    matches: tuple[Found, ...]  # one per story, newest first
    per_day: tuple[tuple[object, int], ...]
    current_query: str | None = None  # with a rule and a draft: the stored query, and the diff
    current_total: int | None = None
    gained: tuple[Found, ...] = ()
    lost: tuple[Found, ...] = ()
    triage: Triage | None = None  # with a stored rule: the triage of what was run
    current_triage: Triage | None = None  # with a draft too: of what the stored rule matches
    lost_triage: Triage | None = None  # and of what the draft no longer matches

    @property
    def total(self) -> int:
        return len(self.matches)


def _specs(config, rule: str | None, query: str | None) -> tuple[RuleSpec | None, RuleSpec]:  # type: ignore[no-untyped-def]
    """(the stored rule, the rule to run).  ValueError for an unknown rule or no input."""
    stored = None
    if rule:
        stored = next((r for r in config.rules if r.id == rule), None)
        if stored is None:
            known = ", ".join(r.id for r in config.rules) or "none"
            raise ValueError(f"no rule {rule!r} in the config (rules: {known})")
    if query is not None and query.strip():
        draft = RuleSpec(id=(rule or "query") + DRAFT_SUFFIX, name=stored.name if stored else "draft",
                         query=query.strip(), notify=stored.notify if stored else ())
        return stored, draft
    if stored is None:
        raise ValueError("give a rule id (--rule) or a query (--query)")
    return None, stored


def run_backtest(store, config, *, rule: str | None = None, query: str | None = None,  # type: ignore[no-untyped-def]
                 since: datetime | None = None, now: datetime, deadline: float = 5.0,
                 sample: int = SAMPLE) -> BacktestResult:
    """Run a stored rule, a draft query, or both (the diff) over the articles
    dated from `since` (default 30 days).  RuleError for a bad query."""
    from monitor.rules import compile_rules

    current, run = _specs(config, rule, query)
    specs = [run] if current is None else [current, run]
    ruleset = compile_rules(specs, config.aliases, check_examples=False)
    since = since or now - DEFAULT_SINCE
    result = backtest.scan(store.archived_articles(since=since, until=None), ruleset, deadline=deadline)
    found = result.found[run.id]
    matches = backtest.newest(found.values(), len(found))
    extra: dict[str, object] = {}
    if rule:
        stories = set(found) | (set(result.found[current.id]) if current is not None else set())
        verdicts = store.hit_verdicts(rule, {s for s in stories if s > 0})
        extra["triage"] = triage_of(verdicts, found)
    if current is not None:
        gained, lost = backtest.diff(result.found[current.id], found)
        extra |= {"current_query": current.query, "current_total": len(result.found[current.id]),
                  "gained": tuple(gained), "lost": tuple(lost),
                  "current_triage": triage_of(verdicts, result.found[current.id]),
                  "lost_triage": triage_of(verdicts, (f.story for f in lost))}
    return BacktestResult(
        rule=rule or None, query=run.query, since=since, until=now, scanned=result.scanned,
        without_text=result.without_text, timed_out=result.timed_out, matches=tuple(matches),
        per_day=tuple(backtest.per_day(found.values(), since.date(), now.date())), **extra)  # type: ignore[arg-type]


def run_backfill(store, config, rule: str, *, since: datetime, now: datetime, alert: bool,  # type: ignore[no-untyped-def]
                 deadline: float = 5.0) -> tuple[BacktestResult, list[RecordedHit]]:
    """Record the hits `rule` would have had on the stored articles since
    `since`: one per story (a story that has a hit of the rule is skipped);
    with `alert`, each new hit gets the deliveries a live hit would (the
    outbox sends them), without it none."""
    from monitor.alerts.plan import plan_deliveries

    result = run_backtest(store, config, rule=rule, since=since, now=now, deadline=deadline)
    spec = next(r for r in config.rules if r.id == rule)
    planned = [(f.article.id, PlannedHit(f.match, tuple(plan_deliveries(spec, config.channels, now)) if alert else ()))
               for f in reversed(result.matches)]  # oldest first, as they would have been recorded
    return result, store.record_hits(planned, now)

"""The documented JSON shape of a backtest (`backtest --json`, POST
/api/backtest) and its terminal rendering.  A matched article is shown in
the shape of a hit (monitor.views.hit_json) with `id` and
`matched_at` null (nothing was recorded) and its `article_id`."""

from __future__ import annotations

from typing import Any

from monitor.archive.backtest import Found, chart
from monitor.archive.runner import BacktestResult, Triage
from monitor.types import HitView
from monitor.units import iso, percent
from monitor.views import hit_json, page


def found_record(found: Found) -> dict[str, Any]:
    a, m = found.article, found.match
    view = HitView(id=None, rule=m.rule_id, rule_name=m.rule_name, url=a.url, title=a.title,  # type: ignore[arg-type]
                   source=a.source, published=a.published, matched_at=None, snippet=m.snippet.marked(),  # type: ignore[arg-type]
                   terms=m.terms, story_id=a.story_id)
    return {**hit_json(view), "article_id": a.id, "date": iso(a.date), "note": a.note}


def backtest_record(r: BacktestResult, *, sample: int = 10, diff_limit: int = 50) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": r.rule, "query": r.query, "since": iso(r.since), "until": iso(r.until),
        "total": r.total, "scanned": r.scanned, "without_text": r.without_text, "timed_out": r.timed_out,
        "per_day": [{"day": day.isoformat(), "count": n} for day, n in r.per_day],  # type: ignore[attr-defined]
        "sample": [found_record(f) for f in r.matches[:sample]],
        "triage": _triage_record(r.triage),
        "diff": None,
    }
    if r.current_query is not None:
        out["diff"] = {"current_query": r.current_query, "current_total": r.current_total,
                       "gained_total": len(r.gained), "lost_total": len(r.lost),
                       "gained": [found_record(f) for f in r.gained[:diff_limit]],
                       "lost": [found_record(f) for f in r.lost[:diff_limit]],
                       "current_triage": _triage_record(r.current_triage),
                       "lost_triage": _triage_record(r.lost_triage)}
    return out


def _triage_record(t: Triage | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"hits": t.hits, "not_relevant": t.not_relevant, "precision": t.precision}


def triage_text(r: BacktestResult) -> str | None:
    """What triage says of the result, in one sentence (None without a
    stored rule or when none of its matches has a hit yet)."""
    t = r.triage
    if t is None or (not t.hits and not (r.current_triage and r.current_triage.hits)):
        return None
    mine = (f"triage: {t.hits} of these stories have a hit of {r.rule}, {t.not_relevant} marked not relevant"
            f" (precision {percent(t.precision)})")
    c, lost = r.current_triage, r.lost_triage
    if c is None or lost is None:
        return mine
    return (f"{mine}; the rule as it runs: {c.hits} with a hit, {c.not_relevant} marked not relevant "
            f"(precision {percent(c.precision)}); the draft drops {lost.not_relevant} of those marked not "
            f"relevant and {lost.hits - lost.not_relevant} of the others")


def backtest_text(r: BacktestResult, *, sample: int = 10) -> str:
    what = f"rule {r.rule}" if r.rule and r.current_query is None else (
        f"draft of rule {r.rule}" if r.rule else "query")
    lines = [f"{what}: {r.query}",
             f"{r.total} stories matched among {r.scanned} articles dated {r.since:%Y-%m-%d} to {r.until:%Y-%m-%d}"]
    if r.without_text:
        lines.append(f"note: {r.without_text} of them have only their title left (retention.article_text)")
    if r.timed_out:
        lines.append(f"note: {r.timed_out} articles passed poll.match_deadline and count as no match")
    lines += ["", chart(r.per_day)]  # type: ignore[arg-type]
    if r.matches:
        lines += ["", f"newest {min(sample, r.total)}:"]
        lines += [_line(f) for f in r.matches[:sample]]
    if (said := triage_text(r)) is not None:
        lines += ["", said]
    if r.current_query is not None:
        lines += ["", f"current rule: {r.current_query}  ({r.current_total} stories)",
                  f"the draft gains {len(r.gained)} and loses {len(r.lost)}"]
        lines += ["+ " + _line(f).lstrip() for f in r.gained[:sample]]
        lines += ["- " + _line(f).lstrip() for f in r.lost[:sample]]
    return "\n".join(lines)


def _line(f: Found) -> str:
    return f"  {f.article.date:%Y-%m-%d} {f.article.title}  [{f.article.source}]\n    {f.match.snippet.marked()}"


def search_record(r) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """`search --json` and GET /api/search: the API's list envelope (items,
    offset, limit, next_offset) with what the search did."""
    return {**page([found_record(f) for f in r.results], offset=r.offset, limit=r.limit, more=r.more),
            "query": r.query, "since": iso(r.since), "indexed": r.indexed, "scanned": r.scanned}


def search_text(r) -> str:  # type: ignore[no-untyped-def]
    if not r.results:
        return f"nothing matches {r.query}" + (f" since {r.since:%Y-%m-%d}" if r.since else "")
    lines = [_line(f) for f in r.results]
    if r.more:
        lines.append(f"(more: --offset {r.offset + len(r.results)})")
    return "\n".join(lines)

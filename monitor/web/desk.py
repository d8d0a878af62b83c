"""The analyst's desk: server-rendered pages over the same store calls as
the JSON API (hits with filters and paging, a story, the rules table with
per-day charts, a rule with its tester and backtest, deliveries with replay,
feed health, the login form).

Forms post to the page paths (not /api/...), form-encoded; the TokenGuard's
same-origin check covers them as it covers the rule tester.  After a post
the browser is sent back (303) to where it was, a local path only.
"""

from __future__ import annotations

import hmac
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from monitor.errors import RuleError
from monitor.logs import feed_secrets
from monitor.redact import Redactor
from monitor.store.hits import HitFilter
from monitor.types import DeliveryStatus, HitView
from monitor.units import parse_duration
from monitor.views import delivery_json, shown_feed
from monitor.web.auth import TOKEN_COOKIE
from monitor.web.chart import bar_chart
from monitor.web.page import render
from monitor.web.rulestats import DAYS, empty, rule_stats
from monitor.web.signin import SignInLimit, retry_after
from monitor.web.tester import tester_result

REFRESH = 30  # seconds between two reads of the hits list's first page
PAGE = 50  # hits per page
MAX_ID = 2**63 - 1


def local_path(value: str | None, default: str = "/") -> str:
    """A redirect target that stays on this site.

    >>> local_path("/hits?rule=x"), local_path("//evil.example/"), local_path("https://evil.example/")
    ('/hits?rule=x', '/', '/')
    """
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def when(value: str | None, now: datetime, name: str) -> datetime | None:
    """A filter's time: a duration back from now (7d) or an ISO date/time."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return now - parse_duration(value)
    except (OverflowError, ValueError):
        pass
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name}: expected a duration like 7d or an ISO time like 2026-12-01, got {value[:40]!r}") \
            from None
    return found if found.tzinfo else found.replace(tzinfo=now.tzinfo)


def verdict(value: str | None) -> bool | None:
    """`relevant=` as given by the filter form and the API: yes/no/any."""
    if value in (None, "", "any"):
        return None
    if value in ("no", "false", "0"):
        return False
    if value in ("yes", "true", "1"):
        return True
    raise ValueError(f"relevant: expected yes, no or any, got {value[:20]!r}")


def hit_filter(args: dict[str, str], now: datetime) -> HitFilter:
    """The hits filter from query parameters (page and API share it); ValueError says which is wrong."""
    story = args.get("story") or None
    if story is not None and (not story.isdigit() or not 1 <= int(story) <= MAX_ID):
        raise ValueError(f"story: expected a story id, got {story[:20]!r}")
    return HitFilter(rule=args.get("rule") or None, feed=args.get("feed") or None, tag=args.get("tag") or None,
                     story=int(story) if story else None, since=when(args.get("since"), now, "since"),
                     until=when(args.get("until"), now, "until"), relevant=verdict(args.get("relevant")))


async def _form(request: Request) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}


def search_available() -> bool:
    """The archive's full-text search and backtest are in this build."""
    try:
        import monitor.archive  # noqa: F401
    except ImportError:
        return False
    return True


def add_desk(api: FastAPI, deps: Any, signin: SignInLimit) -> None:
    store, clock, threads = deps.store, deps.clock, deps.threads

    def problems() -> tuple[str, ...]:
        return tuple(deps.status.snapshot().problems)

    def page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(render(name, now=clock.now(), problems=problems(), **context), status_code=status_code)

    @api.get("/hits", response_class=HTMLResponse, include_in_schema=False)
    async def hits_page(request: Request) -> HTMLResponse:
        args = dict(request.query_params)
        now, snap = clock.now(), deps.status.snapshot()
        offset = int(args["offset"]) if args.get("offset", "").isdigit() and len(args["offset"]) < 10 else 0
        found: list[HitView] = []
        error, more = None, False
        try:
            if args.get("q") and search_available():
                found, more = await _search(deps, args["q"], when(args.get("since"), now, "since"), PAGE, offset)
            else:
                found = await threads.db(store.list_hits, where=hit_filter(args, now), limit=PAGE + 1, offset=offset)
                more = len(found) > PAGE
        except ValueError as exc:
            error = str(exc)
        except RuleError as exc:
            error = "\n".join(exc.problems)
        shown = found[:PAGE]
        kept = urlencode([(k, v) for k, v in request.query_params.multi_items() if k not in ("fragment", "token")])
        back = "/hits" + ("?" + kept if kept else "")  # where a triage button comes back to: the page, not the fragment
        if args.get("fragment"):
            return HTMLResponse(render("hits_fragment.html.j2", now=now, hits=shown, back=local_path(back)))
        redact = Redactor(feed_secrets(deps.status.snapshot().config))
        feeds = [shown_feed(f, redact) for f in await threads.db(store.list_feeds)]
        keep = {k: v for k, v in args.items() if v and k not in ("offset", "fragment")}
        at = lambda o: "/hits?" + urlencode({**keep, **({"offset": o} if o else {})})  # noqa: E731
        try:
            f = hit_filter(args, now)
        except ValueError:
            f = HitFilter()
        return page("hits.html.j2", section="/hits", hits=shown, f=f, error=error,
                    args={k: args.get(k, "") for k in ("since", "until", "relevant", "q")},
                    rules=snap.config.rules, feeds=sorted({x.name for x in feeds if x.active}),
                    tags=sorted({t for x in feeds if x.active for t in x.tags}), search=search_available(),
                    offset=offset, back=local_path(back), refresh=refresh_seconds(args.get("refresh", "")),
                    next_url=at(offset + PAGE) if more else None,
                    prev_url=at(max(0, offset - PAGE)) if offset else None)

    @api.post("/hits/{hit_id}/triage", include_in_schema=False)
    async def triage_form(hit_id: int, request: Request) -> Response:
        form, now = await _form(request), clock.now()
        if not 1 <= hit_id <= MAX_ID:
            raise HTTPException(404, f"no hit {hit_id}")
        ok = True
        if "relevant" in form:
            ok = await threads.db(store.judge_hit, hit_id, relevant={"no": False, "yes": True}.get(form["relevant"]),
                                  now=now)
        if ok and "note" in form and form.get("save") == "note":
            ok = await threads.db(store.annotate_hit, hit_id, note=form["note"], now=now)
        if not ok:
            raise HTTPException(404, f"no hit {hit_id}")
        return RedirectResponse(local_path(form.get("back"), "/hits") + f"#hit-{hit_id}", status_code=303)

    @api.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def story_page(story_id: int, request: Request) -> HTMLResponse:
        found = await threads.db(store.story_detail, story_id) if 1 <= story_id <= MAX_ID else None
        if found is None:
            return page("message.html.j2", title="No such story", message=f"There is no story {story_id}.",
                        status_code=404)
        return page("story.html.j2", section="/hits", d=found, back=f"/stories/{story_id}")

    @api.post("/stories/{story_id}/mute", include_in_schema=False)
    async def mute_form(story_id: int, request: Request) -> Response:
        form = await _form(request)
        ok = 1 <= story_id <= MAX_ID and await threads.db(store.mute_story, story_id, muted=form.get("muted") == "1",
                                                          now=clock.now())
        if not ok:
            raise HTTPException(404, f"no story {story_id}")
        return RedirectResponse(f"/stories/{story_id}", status_code=303)

    async def rule_rows(now: datetime) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        activity = await threads.db(store.rule_activity, now - timedelta(days=DAYS + 1))
        last = await threads.db(store.last_hits)
        stats = rule_stats(activity, now)
        spiked: dict[str, set[int]] = {}
        for spike in await threads.db(store.list_spikes, since=now - timedelta(days=DAYS + 1)):
            spiked.setdefault(spike.rule_id, set()).add(spike.at.date().toordinal())
        rows = []
        for spec in deps.status.snapshot().config.rules:
            s = stats.get(spec.id) or empty(now)
            first = s.first_day.toordinal()
            marks = sorted(d - first for d in spiked.get(spec.id, ()) if 0 <= d - first < len(s.per_day))
            rows.append({"spec": spec, "stats": s, "last": last.get(spec.id), "marks": marks,
                         "chart": bar_chart(s.per_day, s.first_day, label=f"{spec.id}: hits per day", marks=marks)})
        return rows, stats

    @api.get("/rules", response_class=HTMLResponse, include_in_schema=False)
    async def rules_page() -> HTMLResponse:
        rows, _ = await rule_rows(clock.now())
        return page("rules.html.j2", section="/rules", rows=rows, days=DAYS)

    async def rule_page(rule_id: str, *, tester: dict[str, str] | None = None,
                        bt_form: dict[str, str] | None = None) -> HTMLResponse:
        snap, now = deps.status.snapshot(), clock.now()
        spec = snap.rule(rule_id)
        if spec is None:
            return page("message.html.j2", title="No such rule", status_code=404,
                        message=f"There is no rule {rule_id!r} in the running config.")
        rows, _ = await rule_rows(now)
        row = next(r for r in rows if r["spec"].id == rule_id)
        recent = await threads.db(store.list_hits, rule=rule_id, limit=20)
        result = error = backtest = bt_error = None
        if tester is not None:
            result, error = await tester_result(snap, threads, tester, rule=rule_id)
        if bt_form is not None:
            try:
                backtest = await _backtest(deps, rule_id, bt_form)
            except RuleError as exc:
                bt_error = "\n".join(exc.problems)
            except ValueError as exc:
                bt_error = str(exc)
        return page("rule.html.j2", section="/rules", spec=spec, stats=row["stats"],
                    chart=bar_chart(row["stats"].per_day, row["stats"].first_day, height=60, bar=12, gap=2,
                                    label=f"{rule_id}: hits per day", marks=row["marks"]),
                    hits=recent, back=f"/rules/{rule_id}", tester=tester or {}, result=result, error=error,
                    backtest_available=search_available(), bt_form=bt_form or {}, backtest=backtest,
                    bt_error=bt_error)

    @api.get("/rules/{rule_id}", response_class=HTMLResponse, include_in_schema=False)
    async def rule_view(rule_id: str) -> HTMLResponse:
        return await rule_page(rule_id)

    @api.post("/rules/{rule_id}/test", response_class=HTMLResponse, include_in_schema=False)
    async def rule_test(rule_id: str, request: Request) -> HTMLResponse:
        return await rule_page(rule_id, tester=await _form(request))

    @api.post("/rules/{rule_id}/backtest", response_class=HTMLResponse, include_in_schema=False)
    async def rule_backtest(rule_id: str, request: Request) -> HTMLResponse:
        return await rule_page(rule_id, bt_form=await _form(request))

    @api.get("/deliveries", response_class=HTMLResponse, include_in_schema=False)
    async def deliveries_page(request: Request) -> HTMLResponse:
        return await deliveries_view(request.query_params.get("replayed"))

    async def deliveries_view(replayed: str | None) -> HTMLResponse:
        channels = list(deps.status.snapshot().config.channels)
        pending = [delivery_json(d, channels=channels)
                   for d in await threads.db(store.list_deliveries, status=DeliveryStatus.PENDING, limit=200)]
        dead = [delivery_json(d, channels=channels)
                for d in await threads.db(store.list_deliveries, status=DeliveryStatus.DEAD, limit=200)]
        for group in (pending, dead):
            for d in group:
                d["next_attempt_at"] = _parse(d["next_attempt_at"])
                d["created_at"] = _parse(d["created_at"])
        groups = [("Retrying", "retrying", [d for d in pending if d["attempts"]]),
                  ("Pending", "pending", [d for d in pending if not d["attempts"]]),
                  ("Dead", "dead", dead)]
        return page("deliveries.html.j2", section="/deliveries", groups=groups,
                    replayed=int(replayed) if replayed and replayed.isdigit() and len(replayed) < 10 else None)

    @api.post("/deliveries/{delivery_id}/replay", include_in_schema=False)
    async def replay_form(delivery_id: int) -> Response:
        n = await threads.db(store.replay, delivery_id=delivery_id, now=clock.now()) if 1 <= delivery_id <= MAX_ID else 0
        return RedirectResponse(f"/deliveries?replayed={n}", status_code=303)

    @api.post("/deliveries/replay-dead", include_in_schema=False)
    async def replay_dead_form() -> Response:
        n = await threads.db(store.replay, dead=True, now=clock.now())
        return RedirectResponse(f"/deliveries?replayed={n}", status_code=303)

    @api.get("/feeds", response_class=HTMLResponse, include_in_schema=False)
    async def feeds_page() -> HTMLResponse:
        redact = Redactor(feed_secrets(deps.status.snapshot().config))
        feeds = [shown_feed(f, redact) for f in await threads.db(store.list_feeds) if f.active]
        return page("feeds.html.j2", section="/feeds", feeds=feeds,
                    backlog=bool(feeds) and hasattr(feeds[0], "backlog"),
                    failing=sum(1 for f in feeds if f.status in ("failing", "gone")))

    @api.get("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_page(request: Request) -> HTMLResponse:
        return HTMLResponse(render("login.html.j2", now=clock.now(), section="/login",
                                   next=local_path(request.query_params.get("next"))))

    @api.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await _form(request)
        expected = deps.status.snapshot().config.http.token
        target = local_path(form.get("next"))
        wait = await signin.wait(request) if expected else None
        if wait:
            return HTMLResponse(render("login.html.j2", now=clock.now(), section="/login", next=target,
                                       error=f"Too many wrong tokens from your address: try again in "
                                             f"{(wait + 59) // 60} min."),
                                status_code=429, headers=retry_after(wait))
        if expected and hmac.compare_digest(form.get("token", "").encode(), expected.encode()):
            answer = RedirectResponse(target, status_code=303)
            answer.set_cookie(TOKEN_COOKIE, expected, httponly=True, samesite="strict")
            return answer
        if expected:
            await signin.failed(request)
        message = "That is not this daemon's token." if expected else \
            "This daemon has no http.token: nothing to sign in with (it answers on loopback only)."
        return HTMLResponse(render("login.html.j2", now=clock.now(), section="/login", next=target, error=message),
                            status_code=401)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def refresh_seconds(value: str) -> int:
    """How often the hits list re-reads itself: `?refresh=N` (1-3600 s), else 30 s.

    >>> refresh_seconds(""), refresh_seconds("5"), refresh_seconds("0"), refresh_seconds("99999")
    (30, 5, 30, 30)
    """
    seconds = int(value) if value.isdigit() and len(value) < 5 else 0
    return seconds if 1 <= seconds <= 3600 else REFRESH


async def _search(deps: Any, q: str, since: datetime | None, limit: int, offset: int) -> tuple[list[HitView], bool]:
    """The archive's full-text search, as hit-shaped records (see monitor.archive)."""
    from monitor.archive.search import run_search  # type: ignore[import-not-found]

    snap = deps.status.snapshot()
    result = await deps.threads.cpu(run_search, deps.store, snap.config, q, since=since, limit=limit, offset=offset,
                                    deadline=snap.poll.match_deadline)
    return [found_view(f) for f in result.results], result.more


def found_view(found: Any) -> HitView:
    """An archive match (monitor.archive.backtest.Found) in the shape of a hit, `id` 0: nothing recorded."""
    a, m = found.article, found.match
    return HitView(id=0, rule=m.rule_id, rule_name=m.rule_name, url=a.url, title=a.title, source=a.source,
                   published=a.published, matched_at=a.date, snippet=m.snippet.marked(), terms=m.terms,
                   story_id=a.story_id)


async def _backtest(deps: Any, rule_id: str, form: dict[str, str]) -> Any:
    """The archive's backtest of the rule, or of a draft of it (then with the diff), as its JSON record."""
    from monitor.archive.runner import run_backtest  # type: ignore[import-not-found]
    from monitor.archive.views import backtest_record, triage_text  # type: ignore[import-not-found]

    snap, now = deps.status.snapshot(), deps.clock.now()
    query = (form.get("query") or "").strip() or None
    result = await deps.threads.cpu(run_backtest, deps.store, snap.config, rule=rule_id, query=query,
                                    since=when(form.get("since") or "30d", now, "since"), now=now,
                                    deadline=snap.poll.match_deadline, sample=10)
    record = backtest_record(result, sample=10)
    record["triage_text"] = triage_text(result)
    days = record["per_day"]
    record["chart"] = bar_chart([d["count"] for d in days], date.fromisoformat(days[0]["day"]), height=60, bar=8,
                                gap=2, label="backtest: stories per day") if days else ""
    return record

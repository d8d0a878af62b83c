"""The daemon's HTTP surface: health, readiness, metrics, the JSON API (with
its OpenAPI description at /openapi.json) and the status page.

The handlers get what they read as WebDeps: the store, the read-only Status
(config snapshot, daemon state), metrics, clock and the threads that run
blocking work; they decide nothing the CLI does not also decide the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from monitor import __version__
from monitor.clock import Clock
from monitor.errors import MatchTimeout, RuleError
from monitor.rules import MAX_DOCUMENT_CHARS
from monitor.metrics import Metrics
from monitor.runtime.status import Status
from monitor.runtime.threads import Threads
from monitor.units import format_duration, iso, parse_duration
from monitor.web.auth import TOKEN_COOKIE, WEBSUB_CALLBACK, TokenGuard
from monitor.web.bodylimit import BodyLimit
from monitor.web.signin import SignInLimit
from monitor.web.page import render_status
from monitor.web.ready import readiness, without_details
from monitor.web.tester import run_rule_test, timed_out
from monitor.logs import feed_secrets
from monitor.redact import Redactor
from monitor.views import delivery_json, feed_json, hit_json, page, shown_feed
from monitor.web.desk import add_desk, hit_filter
from monitor.web.rulestats import DAYS, empty, rule_stats

LIMIT = Query(100, ge=1, le=1000, description="At most this many items.")
MAX_OFFSET = 10**9  # past it SQLite overflows long before a page exists
OFFSET = Query(0, ge=0, le=MAX_OFFSET, description="Skip this many items (the `next_offset` of the page before).")


class Page(BaseModel):
    """The envelope of every list endpoint: `items`, newest first; ask for
    the next page with `offset=next_offset` (null: this is the last page)."""

    items: list[dict[str, Any]]
    offset: int
    limit: int
    next_offset: int | None


@dataclass(frozen=True)
class WebDeps:
    store: Any
    status: Status
    metrics: Metrics
    clock: Clock
    threads: Threads
    websub: Any = None  # monitor.websub.intake.PushIntake (None: /websub/ answers 404)


class Triage(BaseModel):
    """A verdict and/or a note on a hit; fields left out are left alone."""

    relevant: bool | None = Field(None, description="true, false (not relevant) or null (undecided).")
    note: str | None = Field(None, max_length=2000, description="A note; \"\" clears it.")


class Mute(BaseModel):
    muted: bool = Field(True, description="true mutes the story (no follow-ups), false unmutes it.")


class RuleTest(BaseModel):
    """Run a query (or a configured rule) against pasted text or a URL."""

    query: str | None = Field(None, max_length=10_000,
                              description="A query in the rule language; aliases from the config apply.")
    rule: str | None = Field(None, max_length=200, description="A configured rule id, instead of `query`.")
    text: str | None = Field(None, max_length=MAX_DOCUMENT_CHARS,
                             description="Article text; paragraphs separated by blank lines.")
    title: str = Field("", max_length=10_000)
    url: str | None = Field(None, max_length=8_000,
                            description="Fetch and extract this page (SSRF-guarded) instead of `text`.")


MAX_ID = 2**63 - 1  # database ids are signed 64-bit: a larger one names nothing


def _id() -> Any:
    """A path id parameter (one object per route: FastAPI binds it to its name)."""
    return Path(..., ge=1, le=MAX_ID, description="A database id (1 to 2^63-1).")


class BacktestRequest(BaseModel):
    """Run a stored rule, a draft query, or both (the diff) over the stored articles."""

    rule: str | None = Field(None, max_length=200, description="A configured rule id.")
    query: str | None = Field(None, max_length=10_000,
                              description="A draft query; with `rule`, the result has the diff against it.")
    since: str = Field("30d", max_length=40, description="Articles dated from: a duration (30d) or an ISO time.")
    sample: int = Field(10, ge=0, le=200, description="Newest matches returned with snippets.")


FeedFormat = Path(..., pattern="^(atom|json)$", description="atom or json (JSON Feed 1.1)")


def _since(value: str | None, now: datetime) -> datetime | None:
    """`since=` as a time; 400 saying why for text that is no duration or
    time, or one reaching before year 1 (e.g. 99999999d)."""
    if not value:
        return None
    shown = value if len(value) <= 40 else value[:37] + "..."
    try:
        return now - parse_duration(value)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, OverflowError) or "too large" in str(exc):
            raise HTTPException(400, f"since: {shown!r} reaches before year 1; use e.g. 30d") from None
        try:
            found = datetime.fromisoformat(value)
        except ValueError:
            raise HTTPException(400, f"since: expected a duration like 2h or an ISO time, got {shown!r}") from None
    return found


def build_api(deps: WebDeps) -> FastAPI:
    api = FastAPI(title="news-monitor", version=__version__, docs_url="/docs", redoc_url=None,
                  description="Hits, stories, feeds, deliveries and rules of a news-monitor daemon.")
    def push_cap(path: str) -> int | None:  # a hub pushes whole feeds: fetch.max_bytes, like a poll
        return deps.status.snapshot().config.fetch.max_bytes if WEBSUB_CALLBACK.fullmatch(path) else None

    api.add_middleware(BodyLimit, limit_for=push_cap)  # inside the guard: nobody unauthorised gets a body read
    signin = SignInLimit(deps.store, deps.threads, deps.clock)
    guard = TokenGuard(lambda: deps.status.snapshot().config.http.token, signin)
    api.middleware("http")(guard)
    store, clock = deps.store, deps.clock

    def store_call(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        return deps.threads.db(fn, *args, **kwargs)

    @api.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @api.get("/readyz", tags=["health"])
    async def readyz(request: Request) -> JSONResponse:
        """Database reachable, scheduler running, last cycle recent, config valid
        (the details only for a caller who may use the API)."""
        ok, checks = await readiness(store, deps.status, deps.threads, clock.now())
        shown = checks if await guard.may_see(request) else without_details(checks)
        return JSONResponse({"ready": ok, "checks": shown}, status_code=200 if ok else 503)

    @api.get("/metrics", tags=["health"])
    async def metrics() -> Response:
        body = await deps.threads.cpu(deps.metrics.render)
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    def paged(found: list[Any], view: Any, offset: int, limit: int) -> dict[str, Any]:
        """`found` was asked for limit + 1 items: one more says a next page exists."""
        return page([view(f) for f in found[:limit]], offset=offset, limit=limit, more=len(found) > limit)

    @api.get("/api/hits", tags=["hits"], response_model=Page)
    async def hits(rule: str | None = None, feed: str | None = Query(None, description="Feed name."),
                   tag: str | None = Query(None, description="A feed tag: hits on articles such feeds carried."),
                   story: int | None = Query(None, ge=1, le=MAX_ID, description="A story id."),
                   since: str | None = Query(None, description="e.g. 2h, 7d, or an ISO time"),
                   until: str | None = Query(None, description="Matched before: a duration back (1d) or an ISO time."),
                   relevant: str | None = Query(None, pattern="^(yes|no|any)$",
                                                description="Triage: no = marked not relevant, yes = marked relevant."),
                   limit: int = Query(50, ge=1, le=1000), offset: int = OFFSET) -> dict[str, Any]:
        now = clock.now()
        args = {"rule": rule, "feed": feed, "tag": tag, "story": str(story) if story else None,
                "until": until, "relevant": relevant}
        try:
            where = hit_filter({k: v for k, v in args.items() if v}, now)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        found = await store_call(store.list_hits, since=_since(since, now), where=where, limit=limit + 1,
                                 offset=offset)
        return paged(found, hit_json, offset, limit)

    @api.post("/api/hits/{hit_id}/triage", tags=["hits"])
    async def triage(body: Triage, hit_id: int = _id()) -> dict[str, Any]:
        """Mark a hit relevant (`true`), not relevant (`false`) or undecided
        (`null`), and/or set its note (`""` clears it); the hit as it is now."""
        now, given = clock.now(), body.model_fields_set
        if not given & {"relevant", "note"}:
            raise HTTPException(400, "give relevant (true, false or null) and/or note")
        if "relevant" in given and not await store_call(store.judge_hit, hit_id, relevant=body.relevant, now=now):
            raise HTTPException(404, f"no hit {hit_id}")
        if body.note is not None and not await store_call(store.annotate_hit, hit_id, note=body.note, now=now):
            raise HTTPException(404, f"no hit {hit_id}")
        found = await store_call(store.get_hit, hit_id)
        if found is None:
            raise HTTPException(404, f"no hit {hit_id}")
        return hit_json(found)

    @api.get("/api/hits/{hit_id}", tags=["hits"])
    async def hit(hit_id: int = _id()) -> dict[str, Any]:
        found = await store_call(store.get_hit, hit_id)
        if found is None:
            raise HTTPException(404, f"no hit {hit_id}")
        return hit_json(found)

    @api.get("/api/stories", tags=["stories"], response_model=Page)
    async def stories(since: str | None = Query("24h"), limit: int = LIMIT, offset: int = OFFSET) -> dict[str, Any]:
        found = await store_call(store.list_stories, since=_since(since, clock.now()), limit=limit + 1,
                                 offset=offset)
        return paged(found, lambda s: s.to_json(), offset, limit)

    @api.get("/api/stories/{story_id}", tags=["stories"])
    async def story(story_id: int = _id()) -> dict[str, Any]:
        """One story: its sightings in arrival order (outlet, time, words), its
        hits, the follow-ups queued for them, and whether it is muted."""
        found = await store_call(store.story_detail, story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id}")
        channels = list(deps.status.snapshot().config.channels)
        return {**found.story.to_json(), "muted": found.muted_at is not None, "muted_at": iso(found.muted_at),
                "articles": [a.to_json() for a in found.articles], "hits": [hit_json(h) for h in found.hits],
                "follow_ups": [delivery_json(d, channels=channels) for d in found.follow_ups]}

    @api.post("/api/stories/{story_id}/mute", tags=["stories"])
    async def mute(body: Mute, story_id: int = _id()) -> dict[str, Any]:
        """Mute a story (no follow-ups for its hits) or unmute it."""
        if not await store_call(store.mute_story, story_id, muted=body.muted, now=clock.now()):
            raise HTTPException(404, f"no story {story_id}")
        return {"id": story_id, "muted": body.muted}

    @api.get("/api/feeds", tags=["feeds"], response_model=Page)
    async def feeds(limit: int = LIMIT, offset: int = OFFSET) -> dict[str, Any]:
        active = [f for f in await store_call(store.list_feeds) if f.active]
        redact = Redactor(feed_secrets(deps.status.snapshot().config))
        return paged(active[offset:offset + limit + 1], lambda f: feed_json(shown_feed(f, redact)), offset, limit)

    @api.get("/api/deliveries", tags=["deliveries"], response_model=Page)
    async def deliveries(status: str | None = Query(None, pattern="^(pending|sent|dead)$"),
                         limit: int = LIMIT, offset: int = OFFSET) -> dict[str, Any]:
        found = await store_call(store.list_deliveries, status=status, limit=limit + 1, offset=offset)
        channels = list(deps.status.snapshot().config.channels)
        return paged(found, lambda d: delivery_json(d, channels=channels), offset, limit)

    @api.post("/api/deliveries/{delivery_id}/replay", tags=["deliveries"])
    async def replay_one(delivery_id: int = _id()) -> dict[str, int]:
        n = await store_call(store.replay, delivery_id=delivery_id, now=clock.now())
        if not n:
            raise HTTPException(404, f"no dead delivery {delivery_id}")
        return {"replayed": n}

    @api.post("/api/deliveries/replay-dead", tags=["deliveries"])
    async def replay_dead() -> dict[str, int]:
        return {"replayed": await store_call(store.replay, dead=True, now=clock.now())}

    @api.get("/api/rules", tags=["rules"], response_model=Page)
    async def rules(limit: int = LIMIT, offset: int = OFFSET) -> dict[str, Any]:
        """Every rule with its activity: hits today (UTC), in 7 and 30 days,
        `per_day` (30 counts, oldest first, from `first_day`), the last hit,
        how many were marked not relevant and `precision` (share not so
        marked; null without hits), the `spike` option (null without one)
        and the `spikes` alerted in those 30 days."""
        now = clock.now()
        specs = list(deps.status.snapshot().config.rules)[offset:offset + limit + 1]
        stats = rule_stats(await store_call(store.rule_activity, now - timedelta(days=DAYS + 1)), now)
        last = await store_call(store.last_hits)
        spiked: dict[str, list[dict[str, Any]]] = {}
        for spike in await store_call(store.list_spikes, since=now - timedelta(days=DAYS + 1)):
            spiked.setdefault(spike.rule_id, []).append(
                {"at": iso(spike.at), "hits": spike.hits, "average": spike.average, "message": spike.message})

        def view(r: Any) -> dict[str, Any]:
            s = stats.get(r.id) or empty(now)
            option = r.spike and {"factor": r.spike.factor, "baseline": format_duration(r.spike.baseline),
                                  "min_hits": r.spike.min_hits}
            return {"id": r.id, "name": r.name, "query": r.query, "notify": list(r.notify), "mode": r.mode,
                    "source": r.source, "hits_today": s.today, "hits_7d": s.week, "hits_30d": s.month,
                    "not_relevant_30d": s.not_relevant, "precision": s.precision, "per_day": list(s.per_day),
                    "first_day": s.first_day.isoformat(), "last_hit_at": iso(last.get(r.id)),
                    "spike": option, "spikes": spiked.get(r.id, [])}
        return paged(specs, view, offset, limit)

    @api.post("/api/test-rule", tags=["rules"])
    async def test_rule(body: RuleTest) -> dict[str, Any]:
        """Run a query against pasted text or a URL and explain the result."""
        try:
            return await run_rule_test(deps.status.snapshot(), deps.threads, query=body.query, rule=body.rule, text=body.text, title=body.title,
                                       url=body.url)
        except RuleError as exc:
            raise HTTPException(400, {"problems": exc.problems}) from None
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        except MatchTimeout as exc:
            raise HTTPException(422, timed_out(exc, deps.status.snapshot().poll.match_deadline)) from None

    @api.get("/websub/{token}", include_in_schema=False)
    async def websub_verify(token: str, request: Request) -> Response:
        """A WebSub hub verifying a (un)subscription: the challenge echoed, or 404."""
        if deps.websub is None:
            return PlainTextResponse("WebSub is not served here", status_code=404)
        status, body = await deps.websub.verify(token, dict(request.query_params))
        return PlainTextResponse(body, status_code=status)

    @api.post("/websub/{token}", include_in_schema=False)
    async def websub_push(token: str, request: Request) -> Response:
        """Content a WebSub hub pushes for a subscribed feed (HMAC-signed)."""
        if deps.websub is None:
            return PlainTextResponse("WebSub is not served here", status_code=404)
        status, body = await deps.websub.push(token, await request.body(), request.headers.get("x-hub-signature"),
                                              request.headers.get("content-type", ""))
        return PlainTextResponse(body, status_code=status, headers={"Retry-After": "30"} if status == 503 else None)

    @api.post("/api/backtest", tags=["archive"])
    async def backtest(body: BacktestRequest) -> dict[str, Any]:
        """What a rule would have matched: stories per day, total, the newest
        matches with snippets (hit-shaped, `id` null), and for `rule` with
        `query` the stories the draft gains and loses (docs/archive.md)."""
        from monitor.archive.runner import run_backtest
        from monitor.archive.views import backtest_record

        snap, now = deps.status.snapshot(), clock.now()
        try:
            result = await deps.threads.cpu(run_backtest, store, snap.config, rule=body.rule, query=body.query,
                                            since=_since(body.since, now), now=now,
                                            deadline=snap.poll.match_deadline, sample=body.sample)
        except RuleError as exc:
            raise HTTPException(400, {"problems": exc.problems}) from None
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        return backtest_record(result, sample=body.sample)

    @api.get("/api/search", tags=["archive"])
    async def search(q: str = Query(..., max_length=10_000, description="A query in the rule language."),
                     since: str | None = Query(None, description="e.g. 7d, or an ISO time"),
                     limit: int = Query(20, ge=1, le=1000), offset: int = Query(0, ge=0)) -> dict[str, Any]:
        """Full-text search of the stored articles: candidates from the database's
        index (FTS5 / tsvector), each verified by the rule matcher; newest first,
        hit-shaped results with `id` null (docs/archive.md)."""
        from monitor.archive.search import run_search
        from monitor.archive.views import search_record

        snap = deps.status.snapshot()
        try:
            result = await deps.threads.cpu(run_search, store, snap.config, q, since=_since(since, clock.now()),
                                            limit=limit, offset=offset, deadline=snap.poll.match_deadline)
        except RuleError as exc:
            raise HTTPException(400, {"problems": exc.problems}) from None
        return search_record(result)

    async def hit_feed(request: Request, fmt: str, rule: str | None) -> Response:
        from monitor.web import hitfeeds

        snap = deps.status.snapshot()
        if rule is not None and snap.rule(rule) is None:
            raise HTTPException(404, f"no rule {rule!r}")
        found = await store_call(store.list_hits, rule=rule, limit=hitfeeds.LIMIT)
        base = str(request.base_url).rstrip("/")
        self_url = str(request.url)
        spec = snap.rule(rule) if rule else None
        title = f"news-monitor: {spec.name or spec.id}" if spec else "news-monitor: every hit"
        if fmt == "atom":
            body = hitfeeds.atom(found, title=title, self_url=self_url, now=clock.now(),
                                 feed_id=f"urn:news-monitor:{'rule:' + rule if rule else 'hits'}")
            return Response(body, media_type="application/atom+xml; charset=utf-8")
        return JSONResponse(hitfeeds.json_feed(found, title=title, self_url=self_url, home=base + "/"),
                            media_type="application/feed+json")

    @api.get("/feeds/hits.{fmt}", tags=["feeds of hits"])
    async def hits_feed(request: Request, fmt: str = FeedFormat) -> Response:
        """The newest 50 hits as Atom (`hits.atom`) or JSON Feed (`hits.json`). Readers
        authenticate with `?key=` (`news-monitor hits --feed-url`) or `?token=`."""
        return await hit_feed(request, fmt, None)

    @api.get("/feeds/rules/{rule}.{fmt}", tags=["feeds of hits"])
    async def rule_feed(request: Request, rule: str, fmt: str = FeedFormat) -> Response:
        """One rule's newest 50 hits as Atom or JSON Feed."""
        return await hit_feed(request, fmt, rule)

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def status_page(request: Request) -> HTMLResponse:
        page = HTMLResponse(await render_status(deps, request))
        token = request.query_params.get("token")
        if token and token == deps.status.snapshot().config.http.token:  # the guard checked it; links (API, metrics) need it too
            page.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        return page

    @api.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def status_page_test(request: Request) -> HTMLResponse:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
        return HTMLResponse(await render_status(deps, request, tester=form))

    add_desk(api, deps, signin)
    return api


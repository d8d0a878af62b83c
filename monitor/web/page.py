"""The status page: server-rendered HTML, no build step, no JavaScript needed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from monitor import __version__
from monitor.cli.render import ago, interval_text
from monitor.logs import feed_secrets
from monitor.redact import Redactor
from monitor.units import iso, percent
from monitor.views import shown_feed
from monitor.web.ready import readiness
from monitor.web.tester import tester_result

_MARK = re.compile(r"\*\*(.+?)\*\*")


def highlight(snippet: str) -> Markup:
    """'a **b** c' -> 'a <mark>b</mark> c', everything else escaped."""
    return Markup(_MARK.sub(lambda m: f"<mark>{m.group(1)}</mark>", str(escape(snippet))))


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("monitor.web", "templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["highlight"] = highlight
    return env


def render(name: str, *, now: datetime, problems: list[str] | tuple[str, ...] = (), **context: Any) -> str:
    """One desk page (templates/<name>, extending base.html.j2): the nav, the
    amber "running on the last good config" banner when `problems`."""
    return _environment().get_template(name).render(
        version=__version__, now=now, ago=lambda t: ago(t, now), iso=iso, interval=interval_text, percent=percent,
        problems=list(problems), **context)


async def render_status(deps: Any, request: Any, *, tester: dict | None = None) -> str:
    """The page; `deps` is monitor.web.api.WebDeps."""
    now, store, threads = deps.clock.now(), deps.store, deps.threads
    snap = deps.status.snapshot()
    hits = await threads.db(store.list_hits, limit=25)
    redact = Redactor(feed_secrets(snap.config))
    feeds = [shown_feed(f, redact) for f in await threads.db(store.list_feeds) if f.active]
    dead = await threads.db(store.list_deliveries, status="dead", limit=50)
    ready, checks = await readiness(store, deps.status, threads, now)
    result, error = await tester_result(snap, threads, tester) if tester is not None else (None, None)
    token = request.query_params.get("token")
    # a refused config edit alone is no outage: the last good config runs (amber, not red)
    degraded = not ready and all(c["ok"] for name, c in checks.items() if name != "config")
    return render(
        "status.html.j2", now=now, hits=hits, feeds=feeds, dead=dead, section="/",
        ready=ready, degraded=degraded, checks=checks, problems=checks["config"]["problems"], tester=tester or {},
        result=result, error=error, action="/?token=" + token if token else "/", rules=snap.config.rules,
        failing=sum(1 for f in feeds if f.status in ("failing", "gone")), day=timedelta(days=1), back="/")

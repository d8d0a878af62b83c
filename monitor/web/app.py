"""The daemon's web app, built when first asked for: `once` never serves,
so it never loads FastAPI, pydantic's models of the API or the status page's
templates (about a second of start-up on a small machine).

    web = WebApp(store=store, status=status, metrics=metrics, clock=clock, threads=threads, websub=intake)
    server = HttpServer(web)     # web() builds monitor.web.api.build_api(WebDeps(...)) once
"""

from __future__ import annotations

from typing import Any


class WebApp:
    def __init__(self, **deps: Any) -> None:
        self._deps = deps  # monitor.web.api.WebDeps's fields
        self._app: Any = None

    def __call__(self) -> Any:
        """The FastAPI app (built on the first call, the same one after)."""
        if self._app is None:
            from monitor.web.api import WebDeps, build_api

            self._app = build_api(WebDeps(**self._deps))
        return self._app

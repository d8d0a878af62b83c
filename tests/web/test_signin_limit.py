"""The limit on guessing http.token, through HTTP and the database: failed
token checks per client address (the desk's /login, the API, hit-feed keys),
429 with Retry-After past the limit (a right token too), a success not
counted, other addresses unaffected, the window held in the database (so a
second replica's app sees it) and ending on time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import create_engine, text

from monitor.config import load_config
from monitor.runtime.builder import open_runtime

from monitor.web.signin import FAILURES, WINDOW
from tests.web.conftest import reload_with

TOKEN = "t0ken-123"


def _client(api, address: str = "203.0.113.7") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api, client=(address, 40000)),
                             base_url="http://127.0.0.1:8080")


async def test_failed_logins_past_the_limit_get_429_with_retry_after(polled):
    await reload_with(polled, http={"listen": "127.0.0.1:0", "token": TOKEN})
    async with _client(polled.api) as http:
        for _ in range(3):  # successes do not count
            assert (await http.post("/login", data={"token": TOKEN, "next": "/"})).status_code == 303
        for n in range(FAILURES):
            wrong = await http.post("/login", data={"token": f"guess-{n}", "next": "/"})
            assert wrong.status_code == 401, n
        over = await http.post("/login", data={"token": "guess-x", "next": "/"})
        assert over.status_code == 429 and "Too many wrong tokens" in over.text
        assert 0 < int(over.headers["retry-after"]) <= WINDOW.total_seconds()
        right = await http.post("/login", data={"token": TOKEN, "next": "/"})  # no oracle while locked
        assert right.status_code == 429 and "set-cookie" not in right.headers
        api = await http.get("/api/hits", headers={"Authorization": f"Bearer {TOKEN}"})
        assert api.status_code == 429 and "retry-after" in api.headers
        assert "checks" in (await http.get("/readyz")).json()  # probes still answer
    async with _client(polled.api, "198.51.100.9") as other:  # another address is not locked out
        assert (await other.post("/login", data={"token": TOKEN, "next": "/"})).status_code == 303
    # a second replica (its own app over the same database) sees the same window
    async with open_runtime(load_config(polled.config.path), mode="once") as replica, _client(replica.api) as http:
        assert (await http.get("/api/hits", headers={"Authorization": f"Bearer {TOKEN}"})).status_code == 429


async def test_api_token_and_feed_key_failures_count_and_the_window_ends(polled):
    await reload_with(polled, http={"listen": "127.0.0.1:0", "token": TOKEN})
    async with _client(polled.api) as http:
        assert (await http.get("/api/hits")).status_code == 401  # presenting nothing is no guess
        for n in range(FAILURES - 1):
            assert (await http.get("/api/hits", headers={"Authorization": f"Bearer nope-{n}"})).status_code == 401
        assert (await http.get("/feeds/hits.atom?key=0123456789abcdef")).status_code == 401
        assert (await http.get("/api/hits?token=nope")).status_code == 429
        with create_engine(polled.store.engine_url).begin() as conn:  # ten minutes pass
            conn.execute(text("UPDATE sign_in_failure SET since = :t"),
                         {"t": datetime.now(timezone.utc) - WINDOW - timedelta(seconds=1)})
        ok = await http.get("/api/hits", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
        assert (await http.get("/api/hits", headers={"Authorization": "Bearer nope"})).status_code == 401
        with create_engine(polled.store.engine_url).connect() as conn:
            assert conn.execute(text("SELECT failures FROM sign_in_failure")).scalar() == 1  # a fresh window

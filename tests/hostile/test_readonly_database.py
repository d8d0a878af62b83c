"""Issue 13, round 2: the database turns read-only under a running daemon
(PostgreSQL's `default_transaction_read_only` switched on and the sessions
reconnected, as after a failover onto a standby or an operator's freeze).

A ping still answers, so `/readyz` used to stay ready; a send whose `sent`
could not be written was sent again once its lease ran out.  Now: the
refused write is logged, /readyz is not ready with the reason, nothing is
claimed or sent while writes are refused, and the kept outcome is written
first when writes work again, so the receiver sees the alert once."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from monitor.alerts import plan_deliveries
from monitor.clock import FrozenClock
from monitor.runtime.status import Status
from monitor.runtime.threads import Threads
from monitor.store import Store
from monitor.types import FeedSpec, RuleSpec
from monitor.web.ready import readiness
from tests.alerts.conftest import T0, record_article, webhook_spec
from tests.hostile.measure import Measurements
from tests.runtime_helpers import dispatcher, live
from tests.pg import admin, database, pg_problem

RULE = RuleSpec("envoy", "Envoy", "q", notify=("hook",))


def read_only(name: str, on: bool) -> None:
    """Switch the database's default and end its sessions, so every new one is read-only (or not)."""
    admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}')
    admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
           "AND pid <> pg_backend_pid()")


@pytest.fixture
def pg_database() -> Iterator[str]:
    problem = pg_problem("the read-only database test")
    if problem:
        pytest.skip(problem)
    with database("hostile_ro") as name:
        yield name


class Receiver:
    """Accepts every POST (200); the first one turns the database read-only before answering."""

    def __init__(self, database: str) -> None:
        self.posts: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length") or 0))
                outer.posts.append(self.headers["webhook-id"])
                if len(outer.posts) == 1:
                    read_only(database, True)
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


async def test_a_database_turned_read_only_stops_sends_and_readiness(
        pg_database: str, measured: Measurements, caplog: pytest.LogCaptureFixture) -> None:
    clock = FrozenClock(T0)
    store = Store.open(f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg_database}", clock=clock)
    threads = Threads.start()
    try:
        store.upgrade()
        store.sync_feeds([FeedSpec("https://wire.example/rss", "Wire", timedelta(minutes=5))], T0)
        with Receiver(pg_database) as rx:
            specs = {"hook": webhook_spec(rx.url)}
            record_article(store, 1, [RULE], lambda r: plan_deliveries(r, specs, T0), T0)
            d = dispatcher(store, specs, clock, rules=[RULE], owner="me", rand=lambda: 0.5)
            status = Status(live(specs, clock, rules=[RULE]))
            with measured.case("database turned read-only mid-run") as case:
                assert await d.tick() == 1  # sent; its `sent` is refused: the database turned read-only
                assert len(rx.posts) == 1
                ready, checks = await readiness(store, status, threads, clock.now())
                assert checks["database"]["ok"]  # the ping still answers
                assert not ready and "read-only" in checks["writes"]["error"], checks
                for _ in range(3):  # leases run out; nothing is claimed or sent while writes are refused
                    clock.advance(timedelta(hours=1))
                    assert await d.tick() == 0
                assert len(rx.posts) == 1
                read_only(pg_database, False)
                clock.advance(timedelta(hours=1))
                for _ in range(3):
                    await d.tick()
                ready, checks = await readiness(store, status, threads, clock.now())
                case.outcome = f"{len(rx.posts)} send(s), ready again: {ready}"
        assert rx.posts[1:] == [], "the alert was sent again after its `sent` was refused"
        assert ready, checks
        [shown] = store.list_deliveries()
        assert shown.status == "sent"
        said = [r.getMessage() for r in caplog.records]
        assert any("refuses writes" in m for m in said), said
        assert any("accepts writes again" in m for m in said), said
    finally:
        threads.close()
        store.close()

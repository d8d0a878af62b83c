"""Issue 13, round 3: no feed secret at rest.  A feed at `?apikey=${KEY}`
with an `Authorization` header, moved by a 301 to another URL that carries
the key too, is polled with the real key and token (from the config), twice
(the second time straight at its new address), and afterwards neither the
SQLite file (with its WAL) nor any PostgreSQL row holds the key or the
token; `feeds` shows `apikey=***`, `feeds export` the config's `${VAR}`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
import yaml

from tests.e2e.inprocess import news_monitor
from tests.e2e.servers import LocalServer, Request
from tests.hostile.measure import Measurements
from tests.pg import pg_problem, schema

ROOT = Path(__file__).resolve().parents[2]
KEY = "FeedK3ySecret77"
TOKEN = "HeaderT0kenSecret42"
RSS = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Keyed</title>"
       "<item><title>Special envoy arrives</title><link>{base}/a1.html</link><guid>a1</guid><pubDate>{date}</pubDate>"
       "<description>A special envoy arrived today.</description></item></channel></rss>")


class KeyedFeeds(LocalServer):
    """/rss.xml moved (301) to /moved.xml, keeping the key; both want the
    key and the token, else 401."""

    def respond(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        path, _, query = request.path.partition("?")
        if path in ("/rss.xml", "/moved.xml"):
            if query != f"apikey={KEY}" or request.headers.get("authorization") != f"Bearer {TOKEN}":
                return 401, {"content-type": "text/plain"}, f"no: {request.path}".encode()
            if path == "/rss.xml":
                return 301, {"location": f"/moved.xml?apikey={KEY}"}, b""
            return 200, {"content-type": "application/rss+xml"}, RSS.format(base=self.base, date=format_datetime(datetime.now(timezone.utc))).encode()
        if path == "/a1.html":
            return 200, {"content-type": "text/html"}, b"<html><body><p>A special envoy arrived today.</p></body></html>"
        return 404, {"content-type": "text/plain"}, b"not found"


@pytest.fixture
def feeds() -> Iterator[KeyedFeeds]:
    with KeyedFeeds() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'monitor.db'}"
        return
    problem = pg_problem("the PostgreSQL feed-secrets test")
    if problem:
        pytest.skip(problem)
    with schema("hostile_secrets") as url:  # a schema: dropping one is cheap, a database checkpoints
        yield url


def _run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = news_monitor(args, cwd=config.parent, timeout=120,
                        env={**os.environ, "NEWS_MONITOR_CONFIG": str(config), "PYTHONPATH": str(ROOT),
                             "NM_TEST_FEED_KEY": KEY, "NM_TEST_FEED_TOKEN": TOKEN})
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _stored(url: str) -> bytes:
    """Everything the database holds: the SQLite files' bytes, or every row of every table of the PostgreSQL
    schema (the URL's search_path)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        tables = [t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        assert "feed" in tables, tables  # the schema the daemon wrote, not an empty one
        return "".join(str(conn.execute(f'SELECT t::text FROM "{t}" t').fetchall()) for t in tables).encode()


def test_no_feed_key_or_header_token_is_stored(tmp_path: Path, feeds: KeyedFeeds, database_url: str,
                                               measured: Measurements) -> None:
    config = tmp_path / "monitor.yaml"
    config.write_text(yaml.safe_dump({
        "database": database_url,
        "fetch": {"timeout": "5s", "allow_private": ["127.0.0.1/32"]},
        "http": {"listen": "127.0.0.1:0"},
        "feeds": [{"url": feeds.url("/rss.xml") + "?apikey=${NM_TEST_FEED_KEY}", "name": "Keyed",
                   "headers": {"Authorization": "Bearer ${NM_TEST_FEED_TOKEN}"}}],
        "rules": [{"id": "envoy", "query": '"special envoy"', "notify": ["console"]}],
        "channels": {"console": {"type": "console"}},
    }, sort_keys=False))
    with measured.case(f"feed key + header token at rest ({database_url.split(':')[0]})") as case:
        first = _run(config, "once")
        second = _run(config, "once", "--all")
        listing = _run(config, "feeds", "--json")
        exported = _run(config, "feeds", "export")
        case.outcome = f"{len(feeds.requests)} requests"
    assert "Special envoy arrives" in first.stdout, first.stdout + first.stderr
    moved = [r for r in feeds.hits("/moved.xml") if r.headers.get("authorization") == f"Bearer {TOKEN}"]
    assert len(moved) == 2 and len(feeds.hits("/rss.xml")) == 1, [r.path for r in feeds.requests]
    stored = _stored(database_url)
    assert b"Keyed" in stored and b"apikey=${NM_TEST_FEED_KEY}" in stored
    assert KEY.encode() not in stored and TOKEN.encode() not in stored
    assert '"status": "ok"' in listing.stdout and "apikey=***" in listing.stdout, listing.stdout
    assert "apikey=${NM_TEST_FEED_KEY}" in exported.stdout, exported.stdout
    for shown in (first, second, listing, exported):
        assert KEY not in shown.stdout + shown.stderr and TOKEN not in shown.stdout + shown.stderr


HOOK_TOKEN = "XyZsecretHookToken42"


def test_errors_stored_before_secrets_were_hidden_are_redacted_at_start(tmp_path: Path) -> None:
    """A database written by an older version: a dead delivery whose error
    quotes the webhook's token path, a feed error quoting its key.  The next
    start hides them (the config's secrets and their parts), row by row."""
    import sqlite3

    from monitor.store import Store

    db = tmp_path / "monitor.db"
    store = Store.open(f"sqlite:///{db}")
    store.upgrade()
    store.close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO delivery (key, channel, kind, status, attempts, last_error, detail) VALUES "
                     "('d1', 'hook', 'alert', 'dead', 8, ?, ?)",
                     (f"HTTP 404: <pre>Cannot POST /services/T0123ABC/B0456DEF/{HOOK_TOKEN}</pre>",
                      f"echo {HOOK_TOKEN}"))
    config = tmp_path / "monitor.yaml"
    config.write_text(yaml.safe_dump({
        "database": f"sqlite:///{db}",
        "http": {"listen": "127.0.0.1:0"},
        "feeds": [{"url": "file:feed.xml", "name": "Local"}],
        "rules": [{"id": "envoy", "query": '"special envoy"', "notify": ["hook"]}],
        "channels": {"hook": {"type": "slack",
                              "webhook_url": "https://hooks.slack.example/services/T0123ABC/B0456DEF/${NM_HOOK}"}},
    }, sort_keys=False))
    (tmp_path / "feed.xml").write_text("<rss version='2.0'><channel><title>Local</title></channel></rss>")
    env = {**os.environ, "NEWS_MONITOR_CONFIG": str(config), "PYTHONPATH": str(ROOT), "NM_HOOK": HOOK_TOKEN}
    done = subprocess.run([sys.executable, "-m", "monitor", "once"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, start_new_session=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(db) as conn:
        [(error, detail)] = conn.execute("SELECT last_error, detail FROM delivery").fetchall()
    assert error == "HTTP 404: <pre>Cannot POST ***</pre>" and detail == "echo ***", (error, detail)
    assert "secrets in 2 stored text(s)" in done.stderr, done.stderr

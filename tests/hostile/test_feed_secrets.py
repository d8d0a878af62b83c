"""Issue 13, round 2: a `${VAR}` in a feed URL (`?apikey=${KEY}`) is a secret.
A fetch error quotes the URL; neither the error stored in the database nor
what `feeds`, the API and the status page show may carry the key (the
fetcher still uses the real URL)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import yaml

from monitor.config import load_config
from monitor.runtime.builder import open_runtime
from tests.hostile.measure import Measurements

ROOT = Path(__file__).resolve().parents[2]
KEY = "FeedK3ySecret77"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(tmp_path: Path) -> Path:
    config = {
        "database": f"sqlite:///{tmp_path / 'monitor.db'}",
        "fetch": {"timeout": "2s", "allow_private": ["127.0.0.1/32"]},
        "http": {"listen": "127.0.0.1:0"},
        "feeds": [{"url": f"http://127.0.0.1:{_closed_port()}/rss.xml?apikey=${{NM_TEST_FEED_KEY}}",
                   "name": "Keyed"}],
        "rules": [{"id": "envoy", "query": "envoy", "notify": ["console"]}],
        "channels": {"console": {"type": "console"}},
    }
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=config.parent, capture_output=True,
                          text=True, timeout=120, start_new_session=True,
                          env={**os.environ, "NEWS_MONITOR_CONFIG": str(config), "PYTHONPATH": str(ROOT),
                               "NM_TEST_FEED_KEY": KEY})


def test_a_feed_url_key_is_not_in_stored_errors_nor_shown(tmp_path: Path, measured: Measurements) -> None:
    config = _config(tmp_path)
    with measured.case("feed URL with ${VAR} key: error stored, feeds shown"):
        once = _run(config, "once")
        listing = _run(config, "feeds", "--json")
        table = _run(config, "feeds")
    with sqlite3.connect(tmp_path / "monitor.db") as db:
        [(error,)] = db.execute("SELECT last_error FROM feed").fetchall()
    assert error and "cannot connect" in error and "apikey=***" in error, error
    assert KEY not in error
    for shown in (once, listing, table):
        assert KEY not in shown.stdout + shown.stderr, shown.stdout + shown.stderr
    assert "apikey=***" in listing.stdout, listing.stdout


async def test_the_api_and_the_page_hide_a_feed_url_key(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NM_TEST_FEED_KEY", KEY)
    async with open_runtime(load_config(_config(tmp_path)), mode="once") as runtime:
        await runtime.once()
        transport = httpx.ASGITransport(app=runtime.api)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as http:
            feeds = (await http.get("/api/feeds")).text
            pages = [(await http.get(path)).text for path in ("/", "/feeds", "/hits")]
    assert "apikey=***" in feeds, feeds
    assert KEY not in feeds
    for shown in pages:
        assert KEY not in shown

"""The crash test: `news-monitor run` killed with SIGKILL while the webhook
receiver is slow, then restarted, delivers every alert; a repeat carries the
same webhook-id (so the receiver can drop it)."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.store import Store
from tests.procs import kill_group, start_in_group

ROOT = Path(__file__).resolve().parents[2]
ITEMS = [
    ("envoy-1", "China sends special envoy to North Korea",
     "Beijing said on Friday that China will send a special envoy to North Korea next week."),
    ("envoy-2", "Pyongyang visit: China names envoy for talks in North Korea",
     "A senior Chinese diplomat was named envoy by China for talks in North Korea about fishing rights."),
    ("envoy-3", "North Korea to receive Chinese envoy after party congress",
     "State media in North Korea confirmed that an envoy from China arrives after the congress to brief leaders."),
]


class SlowReceiver:
    """Holds every request until `release()`; afterwards answers 200 at once."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.accepted: list[str] = []
        self.released = threading.Event()
        self.changed = threading.Condition()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                msg_id = self.headers["webhook-id"]
                assert json.loads(body)["id"] == msg_id
                with outer.changed:
                    outer.ids.append(msg_id)
                    outer.changed.notify_all()
                outer.released.wait(60)
                try:
                    self.send_response(200)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    return  # the sender is dead
                with outer.changed:
                    outer.accepted.append(msg_id)
                    outer.changed.notify_all()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait(self, predicate, timeout: float, proc: subprocess.Popen) -> bool:  # type: ignore[no-untyped-def]
        """Until predicate holds (woken by each request), the daemon exits, or timeout."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0 or proc.poll() is not None:
                    return False
                self.changed.wait(min(left, 0.25))  # wake to notice a daemon that died
            return True

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def write_setup(tmp: Path, url: str) -> Path:
    recent = format_datetime(datetime.now(timezone.utc))  # news, not backlog (poll.max_age)
    items = "".join(
        f"<item><title>{t}</title><link>{k}.html</link><guid isPermaLink=\"false\">{k}</guid>"
        f"<description>{d}</description><pubDate>{recent}</pubDate></item>" for k, t, d in ITEMS)
    (tmp / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>'
                                  f"{items}</channel></rss>", encoding="utf-8")
    config = tmp / "monitor.yaml"
    config.write_text(yaml.safe_dump({
        "database": f"sqlite:///{tmp / 'monitor.db'}",
        "http": {"listen": "127.0.0.1:0"},  # tests run side by side: no fixed port
        "feeds": [{"url": "file:feed.xml", "name": "Desk", "interval": "10m"}],
        "rules": [{"id": "envoy", "name": "Envoy to North Korea",
                   "query": 'China AND envoy AND "North Korea"', "notify": ["hook"]}],
        "channels": {"hook": {"type": "webhook", "url": url, "secret": "crash-test",
                              "timeout": "30s", "max_attempts": 5}},
        "defaults": {"notify": ["hook"]},
    }))
    return config


def start(config: Path, tmp: Path) -> subprocess.Popen:
    """The daemon in a process group of its own (ended with kill_group: its workers too)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWS_MONITOR_CONFIG": str(config)}
    return start_in_group([sys.executable, "-m", "monitor", "run", "--config", str(config)], cwd=tmp, env=env)


@pytest.mark.slow
def test_sigkill_mid_send_then_restart_delivers_everything_once_per_id(tmp_path: Path) -> None:
    rx = SlowReceiver()
    config = write_setup(tmp_path, rx.url)
    first = start(config, tmp_path)
    second = None
    try:
        arrived = rx.wait(lambda r: len(set(r.ids)) == len(ITEMS), 60, first)
        if not arrived:
            kill_group(first)
            pytest.fail(f"first daemon sent {rx.ids}; stderr:\n{first.communicate()[1]}")
        first_ids = set(rx.ids)
        os.kill(first.pid, signal.SIGKILL)  # mid-send: every request is still held
        assert first.wait(10) == -signal.SIGKILL
        assert rx.accepted == []
        rx.released.set()

        second = start(config, tmp_path)
        if not rx.wait(lambda r: set(r.accepted) == first_ids, 60, second):
            kill_group(second)
            pytest.fail(f"after restart: sent {rx.ids}, accepted {rx.accepted}; "
                        f"stderr:\n{second.communicate()[1]}")
        assert len(rx.ids) >= 2 * len(ITEMS)  # every alert was repeated...
        assert set(rx.ids) == first_ids       # ...with the same webhook-id
        store = Store.open(f"sqlite:///{tmp_path / 'monitor.db'}")
        try:
            views = store.list_deliveries()
        finally:
            store.close()
        assert {v.key for v in views} == first_ids  # no new delivery rows: the same outbox entries
        assert all(v.status in ("sent", "pending") for v in views)  # "sent" lands just after the answer
    finally:
        for proc in (first, second):
            if proc is None:
                continue
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    pass
            kill_group(proc)  # it, if still running, and whatever of its group outlived it (the killed first's workers)
            proc.wait()
        rx.close()

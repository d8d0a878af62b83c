"""Issue 13, item 7: a receiver (a channel's endpoint) answers with its own
request path and query, the secret parts of the channel URL, in a long error
body.  None of it may reach the log (DEBUG included, Apprise's rewritten URLs
too), the database (deliveries' last_error: what the API and the status page
show) or `test-channel` output; what is kept of the body is a short excerpt."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import yaml

from tests.e2e.inprocess import news_monitor
from tests.e2e.servers import LocalServer, Request, rss
from tests.hostile.measure import Measurements

ROOT = Path(__file__).resolve().parents[2]
TOKENS = ["T0SECRETAA", "B0SECRETBB", "XyZslackToken42", "QueryTok3nValue", "AppriseTok9n", "HdrV4lue99"]


class EchoReceiver(LocalServer):
    """Answers every POST 404 with its path (and query) quoted, 20 KB of it."""

    def respond(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        if request.method != "POST":
            return super().respond(request)
        line = f"<pre>Cannot POST {request.path}</pre> token={request.headers.get('x-token', '')}\n"
        return 404, {"content-type": "text/html"}, (line * (20_000 // len(line) + 1)).encode()


def _config(tmp_path: Path, base: str) -> Path:
    feed = tmp_path / "feed.xml"
    feed.write_text(rss("Desk", [{"title": "Envoy to Pyongyang", "link": "http://example.invalid/a",
                                  "description": "An envoy travels to Pyongyang.", "guid": "a"}]))
    host = base.removeprefix("http://")
    config = {
        "database": f"sqlite:///{tmp_path / 'monitor.db'}",
        "feeds": [{"url": feed.as_uri(), "name": "Desk"}],
        "rules": [{"id": "envoy", "query": "envoy AND Pyongyang",
                   "notify": ["slack", "hook", "apprise"]}],
        "channels": {
            "slack": {"type": "slack", "webhook_url": f"{base}/services/{TOKENS[0]}/{TOKENS[1]}/{TOKENS[2]}",
                      "max_attempts": 1},
            "hook": {"type": "webhook", "url": f"{base}/hook?token={TOKENS[3]}",
                     "headers": {"X-Token": TOKENS[5]}, "max_attempts": 1},
            "apprise": {"type": "apprise", "urls": [f"json://{host}/notify/{TOKENS[4]}"], "max_attempts": 1},
        },
    }
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return news_monitor(args, cwd=config.parent, timeout=120,
                        env={**os.environ, "NEWS_MONITOR_CONFIG": str(config), "PYTHONPATH": str(ROOT)})


def test_a_receiver_quoting_the_secret_url_leaks_nothing(tmp_path: Path, measured: Measurements) -> None:
    with EchoReceiver() as receiver:
        config = _config(tmp_path, receiver.base)
        with measured.case("once + test-channel: receivers echo the secret URL") as case:
            started = time.monotonic()
            once = _run(config, "once", "--verbose")
            tests = [_run(config, "test-channel", name) for name in ("slack", "hook", "apprise")]
            listing = _run(config, "deliveries", "--json")
            case.outcome = f"{len(receiver.requests)} requests"
        assert time.monotonic() - started < 240
        assert len([r for r in receiver.requests if r.method == "POST"]) >= 6  # every channel was tried
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("monitor.db*"))
    said = once.stdout + once.stderr + listing.stdout + "".join(t.stdout + t.stderr for t in tests)
    for token in TOKENS:
        assert token.encode() not in stored, token
        assert token not in said, (token, [line for line in said.splitlines() if token in line][:3])
    assert "Cannot POST" in said  # the receiver's answer is still told, redacted
    for t in tests:
        assert t.returncode == 1 and "FAILED" in t.stdout, t.stdout + t.stderr
        assert len(t.stdout) < 400, t.stdout  # an excerpt, not 20 KB

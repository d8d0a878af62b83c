"""First poll of a big feed (issue 15): 10,000 year-old entries taken as
backlog (poll.max_age) against the same feed's entries polled as news
(max_age off: a page fetched and extracted per entry), measured in the same
run with the real CLI against a local server, as seconds per entry and the
ratio between them.

    .venv/bin/python bench/backlog_bench.py [--entries 10000] [--news 200]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tests.e2e.servers import LocalServer, page, rss  # noqa: E402

YEAR_AGO = "Mon, 02 Dec 2025 09:00:00 +0000"


def first_poll(server: LocalServer, n: int, max_age: str) -> float:
    path = f"/feed-{max_age}-{n}.xml"
    server.serve(path, rss("Bulk", [{"title": f"Item {i}", "link": server.url(f"/p/{i}.html"), "guid": f"b{i}",
                                     "description": f"Envoy number {i} went to Pyongyang.", "pubDate": YEAR_AGO}
                                    for i in range(n)]))
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "monitor.yaml"
        config.write_text(yaml.safe_dump({
            "database": f"sqlite:///{tmp}/bench.db", "poll": {"max_age": max_age, "deadline": "30m"},
            "fetch": {"allow_private": ["127.0.0.0/8"], "max_entries": n, "host_spacing": "0s", "per_host": 8},
            "feeds": [{"url": server.url(path), "name": "Bulk"}],
            "rules": [{"id": "envoy", "query": "envoy AND Pyongyang"}],
            "channels": {"console": {"type": "console"}}, "defaults": {"notify": ["console"]}}))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "monitor", "once", "--config", str(config)], check=True,
                       cwd=tmp, capture_output=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--news", type=int, default=200)
    args = parser.parse_args()
    with LocalServer() as server:
        for i in range(args.news):
            server.serve(f"/p/{i}.html", page(f"Item {i}", [f"Envoy number {i} went to Pyongyang."] * 5),
                         "text/html; charset=utf-8")
        backlog = first_poll(server, args.entries, "2d")
        news = first_poll(server, args.news, "off")
    print(f"first poll, {args.entries} entries as backlog: {backlog:.1f} s ({backlog / args.entries * 1000:.2f} ms/entry)")
    print(f"first poll, {args.news} entries as news (page each): {news:.1f} s ({news / args.news * 1000:.2f} ms/entry)")
    print(f"per entry, news / backlog: {news / args.news / (backlog / args.entries):.0f}x")
    print(f"{args.entries} entries as news would take about {news / args.news * args.entries:.0f} s")


if __name__ == "__main__":
    main()

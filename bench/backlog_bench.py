"""First poll of a big feed (issue 15): 10,000 year-old entries taken as
backlog (poll.max_age) against, in the same run: feedparser parsing the same
document alone (the floor: the daemon cannot parse faster than its parser),
monitor's parse_feed alone (feedparser plus the hostile-input checks), `once`
on a 1-entry feed (process start and a fresh database's migrations), and the
same feed's entries polled as news (max_age off: a page fetched and
extracted per entry).  The real CLI against a local server.

    .venv/bin/python bench/backlog_bench.py [--entries 10000] [--news 200]
"""

from __future__ import annotations

import argparse
import io
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
SENTENCES = ("The envoy number {i} travelled to Pyongyang on Friday to meet officials of the ruling party.",
             "Talks about the trade agreement continued for a third day, the ministry said on Tuesday.",
             "Heavy rain flooded the lower town and the river rose above its banks overnight.")


def items(server: LocalServer, n: int) -> list[dict[str, str]]:
    return [{"title": f"Item {i}", "link": server.url(f"/p/{i}.html"), "guid": f"b{i}",
             "description": SENTENCES[i % 3].format(i=i), "pubDate": YEAR_AGO} for i in range(n)]


def parse_alone(body: bytes, n: int) -> tuple[float, float]:
    """Seconds for feedparser alone, then for monitor.parse.feed.parse_feed."""
    import feedparser

    from monitor.parse.feed import parse_feed

    started = time.perf_counter()
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-type": "application/xml; charset=utf-8"},
                              sanitize_html=False, resolve_relative_uris=False)
    bare = time.perf_counter() - started
    assert len(parsed.entries) == n
    started = time.perf_counter()
    ours = parse_feed(body, url="http://127.0.0.1/feed.xml", max_entries=n)
    assert len(ours.entries) == n
    return bare, time.perf_counter() - started


def first_poll(server: LocalServer, n: int, max_age: str) -> float:
    path = f"/feed-{max_age}-{n}.xml"
    server.serve(path, rss("Bulk", items(server, n)))
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
        body = rss("Bulk", items(server, args.entries))
        bare, ours = parse_alone(body.encode() if isinstance(body, str) else body, args.entries)
        empty = first_poll(server, 1, "2d")
        backlog = first_poll(server, args.entries, "2d")
        news = first_poll(server, args.news, "off")
    print(f"feedparser alone, {args.entries} entries: {bare:.2f} s; parse_feed (with the caps): {ours:.2f} s")
    print(f"once on a 1-entry feed (start-up, migrations): {empty:.2f} s")
    print(f"first poll, {args.entries} entries as backlog: {backlog:.1f} s ({backlog / args.entries * 1000:.2f} ms/entry)")
    print(f"first poll, {args.news} entries as news (page each): {news:.1f} s ({news / args.news * 1000:.2f} ms/entry)")
    print(f"the poll itself (once minus the 1-entry once): {backlog - empty:.1f} s = "
          f"{(backlog - empty) / bare:.1f}x feedparser alone")
    print(f"per entry, news / backlog: {news / args.news / (backlog / args.entries):.0f}x")
    print(f"{args.entries} entries as news would take about {news / args.news * args.entries:.0f} s")


if __name__ == "__main__":
    main()

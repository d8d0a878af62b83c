"""Publication-to-alert latency (issue 17): items appear on a local farm at
random times; how long until their alert reaches a webhook receiver, when
`news-monitor run` polls the feeds and when a WebSub hub pushes them.

    .venv/bin/python bench/latency_bench.py [--feeds 20] [--items 40] [--interval 30] [--window 120]

Each mode runs a real daemon (its own SQLite file, its own process group) on
127.0.0.1 against the same kind of farm: FEEDS feeds, each item linking to
its own page (fetched and extracted as usual), one rule matching every item,
a webhook channel to a receiver that notes when each alert arrives.
ITEMS items are published at uniformly random moments over WINDOW seconds,
each into a random feed; its latency is the receiver's arrival time minus
the moment the item appeared in the feed (both on this machine's monotonic
clock).

  polling   feeds polled every INTERVAL seconds (poll.min_interval lowered to
            it, poll.jitter 10 % as by default, no hub)
  websub    the feeds declare a local hub (tests/websub/hub.py, real HTTP both
            ways); the daemon subscribes through http.public_url, and each
            publication is pushed by the hub right after it appears; the feeds
            are still polled, at websub.safety_interval

Targets (issue 17): polling p95 <= INTERVAL + 5 s; WebSub p95 <= 5 s.  The
polling reference printed next to it is what an ideal poller at that
interval gives for items appearing at random moments (p50 = INTERVAL / 2,
p95 = 0.95 INTERVAL, with the jitter ignored).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.servers import LocalServer, Receiver, Request, page, rss  # noqa: E402
from tests.replicas.conftest import Replica, text_of, until  # noqa: E402
from tests.websub.hub import Hub  # noqa: E402

KEY = re.compile(rb"latency-(\d+)")


class Stopwatch(Receiver):
    """A webhook receiver that notes when the first alert of each item arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived_at: dict[int, float] = {}

    def respond(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        now = time.monotonic()
        for key in KEY.findall(request.body):
            self.arrived_at.setdefault(int(key), now)
        return super().respond(request)


@dataclass
class Farm:
    """Feeds whose items are added while the daemon runs; `hub` pushes each change."""

    server: LocalServer
    feeds: int
    hub: Hub | None = None
    items: dict[int, list[dict[str, str]]] = field(default_factory=dict)
    published_at: dict[int, float] = field(default_factory=dict)

    def url(self, feed: int) -> str:
        return self.server.url(f"/feed/{feed}.xml")

    def body(self, feed: int) -> str:
        body = rss(f"Feed {feed}", list(reversed(self.items.get(feed, []))))
        if self.hub is None:
            return body
        return body.replace('<rss version="2.0"><channel>',
                            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                            f'<atom:link rel="hub" href="{self.hub.url}"/>'
                            f'<atom:link rel="self" href="{self.url(feed)}"/>')

    def serve_all(self) -> None:
        for feed in range(self.feeds):
            self.server.serve(f"/feed/{feed}.xml", self.body(feed))

    def publish(self, feed: int, key: int) -> None:
        path = f"/page/latency-{key}.html"
        title = f"Envoy story latency-{key}"
        self.server.serve(path, page(title, text_of(f"latency-{key}")), "text/html")
        self.items.setdefault(feed, []).append({
            "title": title, "guid": f"latency-{key}", "link": self.server.url(path),
            "description": "A special envoy arrived.", "pubDate": format_datetime(datetime.now(timezone.utc))})
        body = self.body(feed)
        self.server.serve(f"/feed/{feed}.xml", body)
        self.published_at[key] = time.monotonic()
        if self.hub is not None:
            self.hub.publish(self.url(feed), body.encode())


def config(tmp: Path, farm: Farm, hook: Stopwatch, interval: float, port: int | None) -> Path:
    data = {
        "database": f"sqlite:///{tmp / 'latency.db'}",
        "poll": {"interval": f"{interval:g}s", "min_interval": f"{interval:g}s", "concurrency": 16},
        "fetch": {"timeout": "10s", "allow_private": ["127.0.0.0/8"], "host_spacing": "0s", "per_host": 16},
        "http": {"listen": f"127.0.0.1:{port or 0}"},
        "feeds": [{"url": farm.url(n), "name": f"Feed {n}"} for n in range(farm.feeds)],
        "rules": [{"id": "envoy", "query": '"special envoy"', "notify": ["hook"]}],
        "channels": {"hook": {"type": "webhook", "url": hook.url("/hook"), "timeout": "10s"}},
        "log": {"level": "INFO"},
    }
    if port:
        data["http"]["public_url"] = f"http://127.0.0.1:{port}"
    path = tmp / "latency.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(mode: str, *, feeds: int, items: int, interval: float, window: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    hub = Hub() if mode == "websub" else None
    try:
        with LocalServer() as server, Stopwatch() as hook, tempfile.TemporaryDirectory() as tmp:
            farm = Farm(server, feeds, hub)
            farm.serve_all()
            port = free_port() if hub else None
            daemon = Replica(config(Path(tmp), farm, hook, interval, port), mode)
            try:
                if not daemon.wait_for_log("news-monitor running", 120):
                    raise SystemExit(f"{mode}: the daemon did not start\n{daemon.log}")
                if hub is not None and not hub.wait(lambda h: len(h.subscribers) == feeds, timeout=120):
                    raise SystemExit(f"{mode}: {len(hub.subscribers)} of {feeds} feeds subscribed\n{daemon.log}")
                time.sleep(interval)  # past the first polls of the empty feeds
                moments = sorted(rng.uniform(0, window) for _ in range(items))
                start = time.monotonic()
                for key, at in enumerate(moments):
                    time.sleep(max(0.0, start + at - time.monotonic()))
                    farm.publish(rng.randrange(feeds), key)
                until(lambda: len(hook.arrived_at) >= items, interval * 2 + 30, step=0.1)
            finally:
                daemon.stop()
            missing = items - len(hook.arrived_at)
            if missing:
                print(f"{mode}: {missing} of {items} items never alerted", file=sys.stderr)
            return [hook.arrived_at[k] - farm.published_at[k] for k in sorted(hook.arrived_at)]
    finally:
        if hub is not None:
            hub.close()


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--interval", type=float, default=30.0, help="poll interval, seconds")
    parser.add_argument("--window", type=float, default=120.0, help="seconds over which items are published")
    parser.add_argument("--modes", default="polling,websub")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    print(f"{args.feeds} feeds, {args.items} items over {args.window:g} s, poll interval {args.interval:g} s; "
          "latency = alert at the receiver - item in the feed")
    print(f"{'mode':<10}{'alerted':>9}{'p50 s':>8}{'p95 s':>8}{'max s':>8}   target")
    for mode in args.modes.split(","):
        lat = run(mode, feeds=args.feeds, items=args.items, interval=args.interval, window=args.window,
                  seed=args.seed)
        target = args.interval + 5 if mode == "polling" else 5.0
        p95 = quantile(lat, 0.95)
        print(f"{mode:<10}{len(lat):>5}/{args.items:<3}{statistics.median(lat) if lat else float('nan'):>8.2f}"
              f"{p95:>8.2f}{max(lat, default=float('nan')):>8.2f}   p95 <= {target:g} s: "
              f"{'met' if p95 <= target and len(lat) == args.items else 'NOT met'} ({p95 / target:.2f}x)")
        if mode == "polling":
            print(f"{'(ideal)':<10}{'':>9}{args.interval / 2:>8.2f}{0.95 * args.interval:>8.2f}"
                  f"{args.interval:>8.2f}   a poller at exactly {args.interval:g} s, items at random moments")


if __name__ == "__main__":
    main()

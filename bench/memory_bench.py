"""Memory of a running daemon (issue 17): `news-monitor run` over FEEDS feeds
with RULES rules, its main process and its whole process tree (fork server,
parsing and extraction workers), through the first pass and a soak.

    .venv/bin/python bench/memory_bench.py [--feeds 1000] [--rules 1000] [--items 3] [--soak 60] [--every 10]
                                           [--interval 5] [--seed-days 7] [--seed-rate 20]

A farm process on 127.0.0.1 serves the feeds: each feed carries its ITEMS
newest items, and a new item appears in each feed every EVERY minutes (at a
different moment per feed), each linking to its own article page (the
pipeline bench's pages: real seed prose and filler, navigation, aside).  The
rules are the match bench's desk-style rules (bench/match_workload.py) with
their alias groups; every alert goes to a webhook receiver in this process.
The daemon polls every feed every INTERVAL minutes (5 by default).

With --seed-days DAYS, the database is first filled with DAYS of history
ending now, as the daemon would have written it (bench/history_seed.py:
articles, sightings, stories decided by the story index, the index itself,
hits and their sent deliveries), at SEED_RATE items per feed a day (20 by
default: 1,000 feeds x 7 days -> 140,000 articles); `stories.window` is
the default 7 days, so the whole week is in the index when the daemon starts.

Reported: peak RSS of the main process and of the tree (summed RSS, which
counts a page a fork shares once per process, and PSS, which splits it among
its sharers: what the tree costs) during the first pass
(every feed's first poll, its items' pages fetched and extracted), then the
soak: RSS at its start and its end and the growth in between, sampled every
5 s (the median of the last minute against the first minute, so one sample
taken mid-burst does not decide).  Targets (issue 17, at 1,000 feeds with
1,000 rules): main < 200 MB, tree < 600 MB, growth over a 1-hour soak < 10 %.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from history_seed import seed_history  # noqa: E402
from match_workload import aliases, make_rules  # noqa: E402
from pipeline_bench import article_html  # noqa: E402
from startup_bench import process_tree, tree_rss_kb  # noqa: E402

from tests.e2e.servers import Receiver  # noqa: E402
from tests.replicas.conftest import Replica  # noqa: E402


def offset(feed: int, every: float) -> float:
    """When, after the farm starts, `feed`'s first new item appears (each feed its own moment)."""
    return (zlib.crc32(str(feed).encode()) % 1000) / 1000 * every


def feed_items(feed: int, now: float, items: int, every: float, start: float) -> list[int]:
    """The numbers of `feed`'s `items` newest items at `now`: 0 .. items-1 at
    first, then one more every `every` seconds from its offset."""
    since = now - start - offset(feed, every)
    newest = items + (int(since // every) + 1 if since >= 0 else 0)
    return list(range(newest - items, newest))


def published(feed: int, k: int, items: int, every: float, start: float) -> float:
    """When item `k` of `feed` appeared (the first `items` before the farm started)."""
    return start + offset(feed, every) + (k - items) * every


def stamp(when: float) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when))


def serve(port_queue, items: int, every: float) -> None:  # type: ignore[no-untyped-def]
    start = time.time()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            path = self.path.split("?")[0]
            if path.startswith("/feed/"):
                feed = int(path[len("/feed/"):-len(".xml")])
                entries = "".join(
                    f"<item><title>Report {feed}-{k}</title><link>{base}/a/{feed}-{k}.html</link>"
                    f"<guid>mem-{feed}-{k}</guid><description>Summary {k}</description>"
                    f"<pubDate>{stamp(published(feed, k, items, every, start))}"
                    "</pubDate></item>" for k in reversed(feed_items(feed, time.time(), items, every, start)))
                body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
                        f"{entries}</channel></rss>").encode()
                kind = "application/rss+xml"
            elif path.startswith("/a/"):
                feed, k = path[len("/a/"):-len(".html")].split("-")
                body = article_html(int(feed) * 100_000 + int(k)).encode()
                kind = "text/html; charset=utf-8"
            else:
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port_queue.put(httpd.server_address[1])
    httpd.serve_forever()


def write_config(tmp: Path, port: int, feeds: int, rules: int, hook: str, interval: float) -> Path:
    specs = make_rules(rules)
    data = {
        "database": f"sqlite:///{tmp / 'memory.db'}",
        "poll": {"interval": f"{interval:g}m", "min_interval": "1m", "concurrency": 32, "max_age": "30d"},
        "fetch": {"timeout": "20s", "allow_private": ["127.0.0.0/8"], "host_spacing": "0s", "per_host": 32},
        "http": {"listen": "127.0.0.1:0"},
        "feeds": [{"url": f"http://127.0.0.1:{port}/feed/{n}.xml", "name": f"Feed {n}"} for n in range(feeds)],
        "aliases": aliases(),
        "rules": [{"id": r.id, "query": r.query, "notify": ["hook"]} for r in specs],
        "channels": {"hook": {"type": "webhook", "url": hook, "timeout": "10s"}},
        "log": {"level": "WARNING"},
    }
    path = tmp / "memory.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def pss_mb(pids: list[int]) -> float:
    """Proportional set size (shared pages split among their sharers) of
    `pids`: what the processes cost together, where summing RSS counts the
    pages a fork shares once per process."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 1e6


def articles(db: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM article").fetchone()[0])
    except sqlite3.Error:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--items", type=int, default=3, help="items each feed carries at first")
    parser.add_argument("--soak", type=float, default=60.0, help="minutes of soak after the first pass")
    parser.add_argument("--every", type=float, default=10.0, help="minutes between two items of one feed")
    parser.add_argument("--interval", type=float, default=5.0, help="poll interval, minutes (at least 1)")
    parser.add_argument("--seed-days", type=float, default=0.0, help="days of history in the database at start")
    parser.add_argument("--seed-rate", type=float, default=20.0, help="history items per feed a day")
    args = parser.parse_args()

    ports: multiprocessing.Queue = multiprocessing.Queue()
    farm = multiprocessing.Process(target=serve, args=(ports, args.items, args.every * 60), daemon=True)
    farm.start()
    port = ports.get(timeout=30)
    with Receiver() as hook, tempfile.TemporaryDirectory() as tmp:
        config = write_config(Path(tmp), port, args.feeds, args.rules, hook.url("/hook"), args.interval)
        seeded = None
        if args.seed_days > 0:
            seeded = seed_history(config, days=args.seed_days, per_feed_day=args.seed_rate,
                                  rule_ids=[r.id for r in make_rules(args.rules)])
            print(f"seeded {args.seed_days:g} days at {args.seed_rate:g} items a feed a day in {seeded.seconds:.0f} s: "
                  f"{seeded.articles} articles, {seeded.stories} stories ({seeded.alone} of one article, the largest "
                  f"{seeded.largest}), {seeded.hits} hits, index {seeded.indexed} signatures / {seeded.bands} bands, "
                  f"database {seeded.db_mb:.0f} MB", flush=True)
        first = (seeded.articles if seeded else 0) + args.feeds * args.items
        daemon = Replica(config, "memory")
        samples: list[tuple[float, float, float, int, float]] = []  # (t, main MB, tree MB, articles, tree PSS MB)
        begun = time.monotonic()

        def sample() -> None:
            samples.append((time.monotonic() - begun, rss_mb(daemon.proc.pid), tree_rss_kb(daemon.proc.pid) / 1024,
                            articles(Path(tmp) / "memory.db"), pss_mb(process_tree(daemon.proc.pid))))
            if len(samples) % 12 == 1:  # a line a minute, for a long run's log
                t, main_mb, tree_mb, count, pss = samples[-1]
                print(f"  {t:6.0f} s  main {main_mb:4.0f} MB  tree {tree_mb:4.0f} MB  PSS {pss:4.0f} MB  "
                      f"{count} articles", flush=True)

        try:
            while samples == [] or samples[-1][3] < first:
                if daemon.proc.poll() is not None or time.monotonic() - begun > 3600:
                    raise SystemExit(f"the first pass did not finish\n{daemon.log[-3000:]}")
                sample()
                time.sleep(5)
            first_pass = samples[:]
            soak_end = time.monotonic() + args.soak * 60
            while time.monotonic() < soak_end:
                sample()
                time.sleep(5)
        finally:
            daemon.stop()
            farm.kill()
    soak = samples[len(first_pass):]
    minute = 12  # samples
    start_main = statistics.median(s[1] for s in soak[:minute])
    start_tree = statistics.median(s[2] for s in soak[:minute])
    end_main = statistics.median(s[1] for s in soak[-minute:])
    end_tree = statistics.median(s[2] for s in soak[-minute:])
    start_pss = statistics.median(s[4] for s in soak[:minute])
    end_pss = statistics.median(s[4] for s in soak[-minute:])
    print(f"{args.feeds} feeds, {args.rules} rules, {args.items} items a feed at first, a new item in each feed "
          f"every {args.every:g} min; polled every {args.interval:g} min")
    print(f"first pass: {first - (seeded.articles if seeded else 0)} articles in {first_pass[-1][0]:.0f} s; peak RSS main "
          f"{max(s[1] for s in first_pass):.0f} MB (target < 200), tree {max(s[2] for s in first_pass):.0f} MB "
          f"summed RSS, {max(s[4] for s in first_pass):.0f} MB PSS (target < 600)")
    print(f"soak: {args.soak:g} min, {soak[-1][3] - soak[0][3]} more articles; main {start_main:.0f} -> "
          f"{end_main:.0f} MB ({(end_main / start_main - 1) * 100:+.1f} %), tree {start_tree:.0f} -> {end_tree:.0f} MB "
          f"({(end_tree / start_tree - 1) * 100:+.1f} %); peak main {max(s[1] for s in soak):.0f} MB, tree "
          f"{max(s[2] for s in soak):.0f} MB; tree PSS {start_pss:.0f} -> {end_pss:.0f} MB "
          f"({(end_pss / start_pss - 1) * 100:+.1f} %) (targets: growth < 10 % over 60 min)")
    print(f"alerts received: {len(hook.posts())}")


if __name__ == "__main__":
    main()

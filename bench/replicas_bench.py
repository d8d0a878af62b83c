"""Replicas benchmark (issue 11): 1, 2 and 4 `news-monitor run` processes on
one PostgreSQL database and one local farm.

For each count: articles/s (the first pass over the farm), alerts/s to a
webhook receiver that takes 20 ms a request, and the correctness counts
(hits, distinct webhook-ids received, repeated ids, alerts lost).  Ratios are
against the single replica measured in the same run.  Then the dispatch
rate alone: one replica, a burst of alerts (feed text, no pages) to the
20 ms receiver; target >= 50 alerts/s.

    .venv/bin/python bench/replicas_bench.py [--feeds 60] [--items 5] [--counts 1,2,4] [--burst 300]
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.servers import Receiver, rss  # noqa: E402
from tests.replicas.conftest import PG_DSN, Farm, count, replica_config, replicas, until  # noqa: E402


def database() -> str:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run(n: int, feeds: int, items: int) -> dict[str, float]:
    name = database()
    db = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        with Farm() as farm, Receiver() as hook, tempfile.TemporaryDirectory() as tmp:
            hook.delays["/hook"] = 0.02
            for f in range(feeds):
                farm.publish(f, items)
            configs = [(replica_config(Path(tmp), f"r{i}", db, farm, hook.url("/hook"), list(range(feeds))),
                        f"r{i}") for i in range(n)]
            total = feeds * items
            with replicas(configs) as started:
                assert all(r.wait_for_log("news-monitor running", 120) for r in started)
                begun = time.monotonic()
                assert until(lambda: count(db, "article") == total, 600, step=0.1)
                recorded = time.monotonic() - begun
                assert until(lambda: len({p.headers["webhook-id"] for p in hook.posts()}) == total, 600, step=0.1)
                alerted = time.monotonic() - begun
                time.sleep(1)
            ids = collections.Counter(p.headers["webhook-id"] for p in hook.posts())
            return {"articles/s": total / recorded, "alerts/s": total / alerted, "hits": count(db, "hit"),
                    "ids": len(ids), "repeats": sum(v - 1 for v in ids.values()), "lost": total - len(ids)}
    finally:
        drop(name)


def burst(alerts: int) -> float:
    """One replica; `alerts` feed items (no pages) match at once; alerts/s at the 20 ms receiver."""
    name = database()
    db = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        with Farm() as farm, Receiver() as hook, tempfile.TemporaryDirectory() as tmp:
            hook.delays["/hook"] = 0.02
            farm.serve("/feed/0.xml", rss("Burst", [{"title": f"Envoy {i}", "guid": f"b{i}",
                                                     "description": f"A special envoy arrived, item {i} of "
                                                                    f"{uuid.uuid4().hex}."}
                                                    for i in range(alerts)]))
            config = replica_config(Path(tmp), "r0", db, farm, hook.url("/hook"), [0])
            with replicas([(config, "r0")]) as (one,):
                assert until(lambda: count(db, "hit") == alerts, 300, step=0.05), one.log[-2000:]
                first = time.monotonic()
                assert until(lambda: len(hook.posts()) >= alerts, 300, step=0.02)
                spent = time.monotonic() - first
            return alerts / max(spent, 1e-6)
    finally:
        drop(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=60)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--counts", default="1,2,4")
    parser.add_argument("--burst", type=int, default=300)
    args = parser.parse_args()
    print(f"farm: {args.feeds} feeds x {args.items} items, each with its own page; receiver 20 ms a request\n")
    print("| replicas | articles/s | x 1 replica | alerts/s | x 1 replica | hits | webhook-ids | repeats | lost |")
    print("|---|---|---|---|---|---|---|---|---|")
    base: dict[str, float] = {}
    for n in (int(c) for c in args.counts.split(",")):
        r = run(n, args.feeds, args.items)
        base = base or r
        print(f"| {n} | {r['articles/s']:.1f} | {r['articles/s'] / base['articles/s']:.2f} | {r['alerts/s']:.1f} | "
              f"{r['alerts/s'] / base['alerts/s']:.2f} | {r['hits']:.0f} | {r['ids']:.0f} | {r['repeats']:.0f} | "
              f"{r['lost']:.0f} |")
    rate = burst(args.burst)
    print(f"\ndispatch, one replica, {args.burst} alerts at once to the 20 ms receiver: {rate:.1f} alerts/s "
          f"(target >= 50; before: 2 alerts/s, 4 slots a 2 s tick)")


if __name__ == "__main__":
    main()

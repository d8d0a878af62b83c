"""What a cron user pays: `once` with nothing due, and `once --all` where every feed answers 304.

    .venv/bin/python bench/startup_bench.py [--feeds 300] [--rounds 3]

Serves FEEDS feeds (1 item each, from bench/pipeline_bench.py's farm) from a
separate process on 127.0.0.1, polls them once to fill the database, then
measures whole `news-monitor once` processes, next to baselines measured in
the same run on the same machine:

  python -c pass                    the interpreter alone
  bare deps                         importing what `once` cannot do without
                                    (typer, yaml, sqlalchemy, sqlmodel, httpx)
  once (nothing due)                idle cron run: wall, CPU, process-tree peak RSS
  bare loop, whole process          python -c: import httpx, FEEDS GETs on one
                                    httpx.AsyncClient, 32 at a time (plain
                                    GETs answered 200 with the one-item feed:
                                    a bare script keeps no ETags between runs)
  once --all (every feed 304)       whole process
  bare loop, in process             FEEDS conditional GETs (If-None-Match, all
                                    304) in this process (no start-up)
  cycle (every feed 304)            Poller.run_cycle in this process (no start-up)

CPU is user+sys of the process and its children: on a shared machine wall
time follows the load, CPU time much less.  Targets (issue 17): idle `once`
<= 1 s and <= 150 MB; `once --all` over 300 x 304 <= 1.5 s; the cycle <= 0.6 s.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pipeline_bench import serve  # noqa: E402

BARE_DEPS = "import typer, yaml, sqlalchemy, sqlmodel, httpx"
HEAVY = ("trafilatura", "lxml", "langid", "datasketch", "apprise", "fastapi", "uvicorn", "alembic",
         "feedparser", "courlan", "apscheduler", "aiosmtplib", "rich")


BARE_LOOP = """
import asyncio, sys, httpx
async def main(port, feeds):
    sem = asyncio.Semaphore(32)
    async with httpx.AsyncClient() as client:
        async def one(f, etag):
            async with sem:
                r = await client.get(f"http://127.0.0.1:{port}/feed/{f}.xml",
                                     headers={"if-none-match": etag} if etag else {})
                return r.status_code, r.headers.get("etag", "")
        return [s for s, _ in await asyncio.gather(*(one(f, None) for f in range(feeds)))]
"""
BARE_PROCESS = BARE_LOOP + """
statuses = asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
assert set(statuses) == {200}, set(statuses)
"""


async def bare_loop_304(port: int, feeds: int) -> float:
    """The conditional GETs alone on one httpx client, in this process: the cycle's floor."""
    import httpx

    sem = asyncio.Semaphore(32)
    async with httpx.AsyncClient() as client:
        async def one(f: int, etag: str | None) -> tuple[int, str]:
            async with sem:
                r = await client.get(f"http://127.0.0.1:{port}/feed/{f}.xml",
                                     headers={"if-none-match": etag} if etag else {})
                return r.status_code, r.headers.get("etag", "")
        first = await asyncio.gather(*(one(f, None) for f in range(feeds)))
        started = time.perf_counter()
        second = await asyncio.gather(*(one(f, e) for f, (_, e) in enumerate(first)))
        elapsed = time.perf_counter() - started
    assert {s for s, _ in second} == {304}, {s for s, _ in second}
    return elapsed


def process_tree(pid: int) -> list[int]:
    """`pid` and every descendant (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_rss_kb(pid: int) -> int:
    """RSS of `pid` and every descendant, in KB."""
    total = 0
    for p in process_tree(pid):
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except OSError:
            continue  # ended meanwhile
    return total


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(wall s, CPU s of the process tree, peak tree RSS MB, stderr)."""
    before = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate(timeout=600)
    wall = time.perf_counter() - started
    sampler.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, peak[0] // 1024, err


def write_config(tmp: Path, port: int, feeds: int) -> Path:
    import yaml

    data = {
        "database": f"sqlite:///{tmp / 'startup.db'}",
        "poll": {"interval": "1h", "concurrency": 32},
        "fetch": {"timeout": "30s", "allow_private": ["127.0.0.0/8"], "per_host": 8, "host_spacing": "0s"},
        "feeds": [{"url": f"http://127.0.0.1:{port}/feed/{f}.xml", "name": f"Feed {f}"} for f in range(feeds)],
        "rules": [{"id": "korea", "name": "Korea", "query": "korea AND (missile OR talks)"}],
        "channels": {"console": {"type": "console"}}, "defaults": {"notify": ["console"]},
        "log": {"level": "WARNING"},
    }
    path = tmp / "startup.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


async def cycle_304(config_path: Path, rounds: int) -> list[float]:
    import io

    from monitor.config import load_config
    from monitor.runtime.builder import open_runtime
    from monitor.runtime.resources import Services

    times = []
    async with open_runtime(load_config(config_path), mode="once", services=Services(stream=io.StringIO())) as app:
        for _ in range(rounds):
            started = time.perf_counter()
            cycle = await app.poller.run_cycle(all_feeds=True)
            times.append(time.perf_counter() - started)
            statuses = {o.status for o in cycle.outcomes}
            assert statuses == {"not-modified"}, statuses
    return times


def row(name: str, runs: list[tuple[float, float, int, str]], target: str = "") -> None:
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    rss = max(r[2] for r in runs)
    print(f"{name:44s} {wall:7.2f} s {cpu:7.2f} s {rss:6d} MB   {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    ctx = multiprocessing.get_context("spawn")
    ports = ctx.Queue()
    server = ctx.Process(target=serve, args=(ports, args.feeds, 1), daemon=True)
    server.start()
    port = ports.get(timeout=120)
    py = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")  # bytecode cached, as in an install
            config = write_config(Path(tmp), port, args.feeds)
            once = [py, "-m", "monitor", "once", "--config", str(config)]
            first = measure(once, env)  # fills the database (and the bytecode cache)
            assert "polled" in first[3], first[3]
            loaded = subprocess.run(
                [py, "-c", f"import sys, monitor.cli, monitor.runtime.builder; "
                           f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"],
                env=env, capture_output=True, text=True, check=True).stdout.strip()
            runs: dict[str, list[tuple[float, float, int, str]]] = {k: [] for k in ("pass", "deps", "bare", "idle", "all")}
            for _ in range(args.rounds):  # interleaved, so load changes hit every row alike
                runs["pass"].append(measure([py, "-c", "pass"], env))
                runs["deps"].append(measure([py, "-c", BARE_DEPS], env))
                runs["bare"].append(measure([py, "-c", BARE_PROCESS, str(port), str(args.feeds)], env))
                runs["idle"].append(measure(once, env))
                runs["all"].append(measure(once + ["--all"], env))
            for r in runs["all"]:
                assert f"polled {args.feeds} feeds (0 failing)" in r[3], r[3]
            cycles = asyncio.run(cycle_304(config, args.rounds))
            bare = [asyncio.run(bare_loop_304(port, args.feeds)) for _ in range(args.rounds)]
    finally:
        server.terminate()
    print(f"{args.feeds} feeds on 127.0.0.1, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"median of {args.rounds} (peak RSS: the largest), CPU = user+sys of the process tree")
    print(f"{'':44s} {'wall':>9s} {'CPU':>9s} {'tree RSS':>9s}")
    row("python -c pass", runs["pass"])
    row("bare deps (typer yaml sqlalchemy sqlmodel httpx)", runs["deps"])
    row(f"bare loop, {args.feeds} GETs (whole process)", runs["bare"])
    row("once, nothing due", runs["idle"], "target <= 1 s, <= 150 MB")
    row(f"once --all, {args.feeds} x 304", runs["all"], "target <= 1.5 s")
    print(f"{'bare loop, ' + str(args.feeds) + ' x 304 (in process)':44s} {statistics.median(bare):7.2f} s")
    print(f"{'cycle, ' + str(args.feeds) + ' x 304 (in process)':44s} {statistics.median(cycles):7.2f} s"
          f"{'':22s}target <= 0.6 s")
    all_wall = statistics.median(r[0] for r in runs["all"])
    bare_wall = statistics.median(r[0] for r in runs["bare"])
    print(f"once --all / bare loop process (wall): {all_wall / bare_wall:.2f}x; "
          f"cycle / bare loop in process: {statistics.median(cycles) / statistics.median(bare):.2f}x")
    idle_cpu = statistics.median(r[1] for r in runs["idle"])
    deps_cpu = statistics.median(r[1] for r in runs["deps"])
    print(f"idle once / bare deps (CPU): {idle_cpu / deps_cpu:.2f}x")
    print(f"heavy modules on the `once` import path: {loaded or 'none'}")


if __name__ == "__main__":
    main()

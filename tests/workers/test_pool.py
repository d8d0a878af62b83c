"""monitor.workers: every task is bounded (CPU, memory, wall clock, a dead
worker), and workers end with the process that started them."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.workers.pool import Failure, Limits, WorkerPool
from tests.workers import tasks

ROOT = Path(__file__).resolve().parents[2]


async def test_a_task_past_its_cpu_deadline_stops_and_the_worker_stays() -> None:
    pool = WorkerPool("test", 1, deadline=60, limits=Limits(cpu=0.5))
    try:
        first = await pool.run(tasks.spin, 30)
        assert first.failure is Failure.TIMEOUT and 0.4 < first.cpu_seconds < 5
        swallowed = await pool.run(tasks.swallow_everything, 30)
        assert swallowed.failure is Failure.TIMEOUT  # `except Exception` in the task cannot catch it
        pids = pool.worker_pids()
        done = await pool.run(tasks.pid)
        assert done.ok and done.value in pids and pool.recycled == 0  # the same worker, no new pool
    finally:
        pool.close()


async def test_a_task_past_its_memory_cap_is_a_memory_failure() -> None:
    pool = WorkerPool("test", 1, deadline=60, limits=Limits(memory=200_000_000))
    try:
        over = await pool.run(tasks.hog, 400_000_000)
        assert over.failure is Failure.MEMORY
        under = await pool.run(tasks.hog, 50_000_000)
        assert under.ok and under.peak_rss_kb > 40_000  # the task's own peak, reported
        assert pool.recycled == 0
    finally:
        pool.close()


async def test_a_task_stuck_past_the_wall_deadline_replaces_the_pool() -> None:
    pool = WorkerPool("test", 1, deadline=1.0, limits=Limits(cpu=30))
    try:
        stuck = await pool.run(time.sleep, 120)  # sleeping uses no CPU: only the wall clock stops it
        assert stuck.failure is Failure.TIMEOUT and pool.recycled == 1
        assert (await pool.run(tasks.pid)).ok
    finally:
        pool.close()


async def test_a_worker_that_dies_is_retried_once_then_reported() -> None:
    pool = WorkerPool("test", 2, deadline=30)
    try:
        report = await pool.run(tasks.die)
        assert report.failure is Failure.CRASHED and pool.recycled == 2
        others = await asyncio.gather(*(pool.run(tasks.pid) for _ in range(4)))
        assert all(r.ok for r in others)
    finally:
        pool.close()


CHILD = """
import asyncio, sys, time
from monitor.workers.pool import WorkerPool
from tests.workers import tasks

async def main():
    pool = WorkerPool("orphans", 2, deadline=600)
    await pool.start()
    busy = [asyncio.ensure_future(pool.run(tasks.spin, 600)) for _ in range(2)]
    await asyncio.sleep(0.5)
    print(" ".join(map(str, pool.worker_pids())), flush=True)
    await asyncio.sleep(600)

if __name__ == "__main__":
    asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_their_parent_even_when_it_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    try:
        assert proc.stdout is not None
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        proc.kill()  # SIGKILL to the parent alone, not its process group: no chance to clean up
        proc.wait(timeout=10)
        for _ in range(100):  # bounded: up to 10 s
            if not any(_alive(p) for p in workers):
                break
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "workers outlived their parent"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

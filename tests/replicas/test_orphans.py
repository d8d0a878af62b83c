"""kill -9 of the daemon takes its extraction processes with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.procs import kill_group

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import asyncio, os, sys
from monitor.extract.pool import Extractor

async def main():
    extractor = Extractor(workers=2)
    assert await extractor.start()
    print("ready", flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""

# The same, but each worker waits 2 s between its fork and its initialiser
# (SLOW_START, preloaded by the fork server from the test's directory), and
# the script does not wait for them: the daemon dies while its workers start.
SLOW_SCRIPT = """
import asyncio
from monitor.extract.pool import Extractor
from monitor.workers import pool

pool.FORKSERVER_PRELOAD = (*pool.FORKSERVER_PRELOAD, "slow_start")

async def main():
    extractor = Extractor(workers=2)
    await extractor.start()

asyncio.run(main())
"""

SLOW_START = """
import os, time
from monitor.workers import child

_initialise = child.initialise

def initialise(*args):
    print(f"starting {os.getpid()}", flush=True)
    time.sleep(2)
    _initialise(*args)

child.initialise = initialise
"""


def descendants(pid: int) -> set[int]:
    """Every process whose ancestry leads to `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def kill_and_expect_no_descendant(proc: subprocess.Popen[str], wait: float = 15) -> None:
    """SIGKILL `proc` alone; every process it had started must be gone within `wait` seconds."""
    children = descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + wait
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive(children) == set(), [Path(f"/proc/{p}/cmdline").read_bytes()[:80] for p in alive(children)]


def start(script: str, path: str = "") -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            start_new_session=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), path]))})


def test_sigkill_of_the_parent_leaves_no_extraction_process() -> None:
    proc = start(SCRIPT)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        assert len(descendants(proc.pid)) >= 3  # the fork server, two workers (and the resource tracker)
        kill_and_expect_no_descendant(proc)
    finally:
        kill_group(proc)


def test_a_worker_still_starting_when_the_parent_is_killed_ends_too(tmp_path: Path) -> None:
    """A worker reads the parent it must die with as it was at its fork: one
    that read it only after the daemon's death took init for its parent and
    lived on (it failed about one full suite run in three)."""
    (tmp_path / "slow_start.py").write_text(SLOW_START)
    proc = start(SLOW_SCRIPT, str(tmp_path))
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith("starting ")
        kill_and_expect_no_descendant(proc)
    finally:
        kill_group(proc)

"""Suite-wide: no process the tests started outlives the suite.

Every process started from this pytest process (a `news-monitor` under test,
its fork server and workers, helper servers) inherits NEWS_MONITOR_TEST_OWNER
= this process's pid.  At the end of the session, any such process that is
no longer a descendant of this one (an orphan: its parent died and left it
behind, e.g. a worker after its daemon was killed) fails the session, is
named, and is killed.  Descendants still attached (this process's own worker
pools) end with it and are not counted.  Linux only (/proc); elsewhere the
check is skipped, saying so.

The hostile cases' table is printed here too, not in tests/hostile/conftest.py:
under pytest-xdist the controller, which prints the summary, collects nothing
and never loads that conftest; every test process appends its cases to one
file (tests/hostile/measure.py) named in the environment the workers inherit.

And `pg_shared_url`: one migrated PostgreSQL schema per pytest worker;
`pg_empty_url` is it, emptied for the test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.measure import REPORT, Measurements

MARK = "NEWS_MONITOR_TEST_OWNER"
GRACE = 5.0  # seconds for a just-killed daemon's fork server and workers to die with it
_OWNED = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or os.environ.get(REPORT):
        return  # an xdist worker (or a nested run): append to the controller's file
    fd, path = tempfile.mkstemp(prefix="news-monitor-hostile-", suffix=".jsonl")
    os.close(fd)
    os.environ[REPORT] = path
    config.stash[_OWNED] = path


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    path = config.stash.get(_OWNED, None)
    if path is None:
        return
    found = Measurements.read(path)
    if found.cases:
        terminalreporter.section("hostile cases: time and peak memory")
        for line in found.table():
            terminalreporter.write_line(line)


def pytest_unconfigure(config: pytest.Config) -> None:
    path = config.stash.get(_OWNED, None)
    if path is not None:
        os.environ.pop(REPORT, None)
        with contextlib.suppress(OSError):
            os.unlink(path)


def pytest_sessionstart(session: pytest.Session) -> None:
    os.environ[MARK] = str(os.getpid())  # overwrites a parent's (an xdist controller's): ours only
    # the language model's cache (monitor.extract.langmodel): the suite's own, not the user's ~/.cache
    os.environ.setdefault("NEWS_MONITOR_CACHE", str(Path(tempfile.gettempdir()) / "news-monitor-test-cache"))


def _marked(owner: str) -> dict[int, tuple[int, str]]:
    """{pid: (ppid, command line)} of live processes carrying our mark."""
    found = {}
    needle = f"{MARK}={owner}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] == "Z":  # a zombie holds nothing
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            found[int(entry.name)] = (int(fields[1]), cmd)
        except (OSError, ValueError, IndexError):
            continue
    return found


def _orphans(owner: str) -> dict[int, str]:
    marked = _marked(owner)

    def attached(pid: int) -> bool:
        seen = set()
        while pid in marked and pid not in seen:
            seen.add(pid)
            pid = marked[pid][0]
        return pid == os.getpid()

    return {pid: cmd for pid, (_, cmd) in marked.items() if not attached(pid)}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not Path("/proc/self/environ").exists():
        print("\norphan-process check skipped: needs /proc (Linux)")
        return
    owner = str(os.getpid())
    deadline = time.monotonic() + GRACE
    orphans = _orphans(owner)
    while orphans and time.monotonic() < deadline:
        time.sleep(0.2)
        orphans = _orphans(owner)
    if not orphans:
        return
    for pid in orphans:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    listed = "\n".join(f"  pid {pid}: {cmd[:160]}" for pid, cmd in sorted(orphans.items()))
    print(f"\nFAILED: {len(orphans)} process(es) started by the tests outlived them (killed now):\n{listed}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def pg_shared_url() -> Any:
    """The pytest worker's PostgreSQL schema, migrated once (dropped at the
    end); tests that share it empty it first (tests.pg.truncate)."""
    from monitor.store import Store
    from tests import pg

    problem = pg.pg_problem("PG tests on the shared schema")
    if problem:
        pytest.skip(problem)
    with pg.schema("store_test") as url:
        store = Store.open(url)
        store.upgrade()
        store.close()
        yield url


@pytest.fixture
def pg_empty_url(pg_shared_url: str) -> str:
    """The worker's migrated schema, every model table emptied for this test."""
    from tests import pg

    pg.truncate(pg_shared_url)
    return pg_shared_url


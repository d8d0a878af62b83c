"""Issue 13 (low): what the database exposes and how long it may make a start
wait.  A new SQLite file and its -wal/-shm files are the owner's alone
(0600, whatever the umask); a PostgreSQL URL whose host:port accepts but never
answers like PostgreSQL (here: a server that speaks HTTP and waits for the
end of the request headers) fails `db upgrade` with one line, in bounded time."""

from __future__ import annotations

import os
import socket
import stat
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.store import Store
from tests.procs import run_in_group
CONNECT_TIMEOUT = 10  # monitor.store.engine.CONNECT_TIMEOUT, the default

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_sqlite_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        store = Store.open(f"sqlite:///{tmp_path / 'data' / 'monitor.db'}")
        store.upgrade()
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "data").iterdir()}
        store.close()
    finally:
        os.umask(old)
    assert {"monitor.db", "monitor.db-wal", "monitor.db-shm"} <= set(modes), modes
    assert set(modes.values()) == {0o600}, {name: oct(mode) for name, mode in modes.items()}


def test_an_existing_sqlite_file_keeps_its_mode(tmp_path: Path) -> None:
    first = Store.open(f"sqlite:///{tmp_path / 'monitor.db'}")
    first.upgrade()
    first.close()
    os.chmod(tmp_path / "monitor.db", 0o640)  # the operator's choice (a backup group)
    again = Store.open(f"sqlite:///{tmp_path / 'monitor.db'}")
    again.upgrade()
    again.close()
    assert stat.S_IMODE((tmp_path / "monitor.db").stat().st_mode) == 0o640


@pytest.fixture
def http_port() -> Iterator[int]:
    """A server that accepts, reads, and answers nothing until it has seen a
    blank line (as an HTTP server waiting for the request headers does)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        listener.close()


def test_postgresql_that_never_answers_fails_in_bounded_time(http_port: int) -> None:
    """The whole process, with the URL's own connect_timeout (the default is the next test's)."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{http_port}/monitor?connect_timeout=2"
    started = time.monotonic()
    proc = run_in_group([sys.executable, "-m", "monitor", "db", "upgrade", "--database", url],
                        cwd=ROOT, timeout=2 * 4 + 30)
    elapsed = time.monotonic() - started
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "timeout" in lines[0].lower(), proc.stderr
    assert elapsed < 2 * 4 + 20, elapsed


def test_a_postgresql_url_without_connect_timeout_gets_the_default(http_port: int, monkeypatch) -> None:
    """CONNECT_TIMEOUT (10 s) applies when the URL names none: shortened here to 1 s to see it act."""
    from monitor.errors import StoreError
    from monitor.store import engine

    assert engine.CONNECT_TIMEOUT == CONNECT_TIMEOUT
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 1)
    store = Store.open(f"postgresql+psycopg://postgres@127.0.0.1:{http_port}/monitor")
    pool = ThreadPoolExecutor(1)  # without a timeout the connect would wait forever: not in this thread
    try:
        with pytest.raises(StoreError, match="(?i)timeout"):
            pool.submit(store.upgrade).result(timeout=1 * 4 + 5)
    finally:
        pool.shutdown(wait=False)  # a stuck connect ends when the fixture closes its sockets
    store.close()

"""Engine creation: URL handling, SQLite pragmas, and the two kinds of session.

SQLite: WAL, synchronous=NORMAL, busy_timeout=5000 and foreign_keys on every
connection.  pysqlite's own transaction handling is turned off so that a write
session starts with `BEGIN IMMEDIATE` (it takes the single writer lock up
front, instead of failing with "database is locked" when a read transaction
tries to become a write).  A new SQLite file is made 0600 (owner only,
whatever the umask) before anything is written to it, and SQLite gives its
-wal and -shm files the same mode.
PostgreSQL: plain psycopg 3 with a connect timeout (CONNECT_TIMEOUT seconds
unless the URL sets `?connect_timeout=`), so a host or port that accepts and
never answers like a PostgreSQL server fails the start instead of hanging it.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from monitor.errors import StoreError
from monitor.store.writes import WriteHealth, refusal

log = logging.getLogger(__name__)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA foreign_keys=ON",
)

CONNECT_TIMEOUT = 10  # seconds, for a PostgreSQL URL without ?connect_timeout=


def normalise_url(url: str) -> URL:
    """Parse a database URL; `postgresql://` and `postgres://` use psycopg 3.

    >>> normalise_url("postgres://u@h/db").render_as_string()
    'postgresql+psycopg://u@h/db'
    """
    raw = url.strip()
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    try:
        parsed = make_url(raw)
    except ArgumentError as exc:
        raise StoreError(f"database URL {raw!r} is not valid ({exc}); use e.g. "
                         "sqlite:///data/monitor.db or postgresql+psycopg://user@host/db") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(f"database URL {parsed.render_as_string()!r}: only sqlite:/// and "
                         "postgresql+psycopg:// are supported")
    return parsed


def _sqlite_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:")


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (absolute), None for PostgreSQL or `:memory:`."""
    parsed = normalise_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite" or _sqlite_memory(parsed) or (parsed.database or "").startswith("file:"):
        return None
    return Path(parsed.database or "").expanduser().absolute()


def sqlite_problem(path: Path) -> str | None:
    """Why this process cannot create or write the SQLite file at `path`
    (one line, with the fix), or None.  Creates nothing."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    fix = f"make {folder} writable by this user (uid {os.getuid()}) or change `database:`"
    if not folder.is_dir():
        return f"cannot create {path}: {folder} is not a folder; change `database:`"
    if not os.access(folder, os.W_OK | os.X_OK):
        verb = "write" if path.exists() else "create"
        return f"cannot {verb} {path}: permission denied; {fix}"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"cannot write {path}: permission denied; {fix}"
    return None


def _prepare_sqlite_file(path: Path) -> None:
    problem = sqlite_problem(path)
    if problem is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
            problem = f"cannot create {path}: {reason}"
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                problem += "; make the folder writable by this user or change `database:`"
    if problem is not None:
        raise StoreError(problem)


def create_store_engine(url: str) -> Engine:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "postgresql":
        args = {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT}
        return create_engine(parsed, pool_pre_ping=True, connect_args=args)
    if _sqlite_memory(parsed):
        engine = create_engine(parsed, poolclass=StaticPool,
                               connect_args={"check_same_thread": False})
    else:
        path = sqlite_path(parsed)
        if path is not None:
            _prepare_sqlite_file(path)
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 5})
    _install_sqlite_hooks(engine, path)
    return engine


def _make_private(path: Path) -> None:
    """A SQLite file just created (still empty: nothing is in it yet) becomes
    0600 before anything is written, so its -wal and -shm files, which SQLite
    creates with the main file's mode, are 0600 too.  A file with content
    keeps the mode its owner gave it."""
    try:
        info = os.stat(path)
        if info.st_size == 0 and info.st_mode & 0o077:
            os.chmod(path, 0o600)
    except OSError:  # not ours to change: SQLite's own errors say what is wrong
        pass


def _install_sqlite_hooks(engine: Engine, path: Path | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        if path is not None:
            _make_private(path)
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_conn.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()
        # the search index's folding (migration 0014's triggers): the matcher's own
        dbapi_conn.create_function("nm_fold", 1, fold_for_index, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def fold_for_index(value: str | None) -> str:
    """Text as the search index holds it: folded as the rule matcher folds
    words (Łódź -> lodz, Straße -> strasse), so the index never misses what
    the matcher matches.

    >>> fold_for_index("Łódź café Straße"), fold_for_index(None)
    ('lodz cafe strasse', '')
    """
    from monitor.rules.textnorm import normalize_word

    return normalize_word(value) if value else ""


class Database:
    """An engine plus the two session kinds.  Thread-safe: every call opens
    its own session, so the async pipeline can use it via asyncio.to_thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        self.writes = WriteHealth(engine.url.render_as_string(hide_password=True))

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Session]:
        """One transaction that commits on success and rolls back on error.
        durable=False (PostgreSQL): the commit does not wait for the disk, for
        writes whose loss in a server crash costs nothing (heartbeats, claims,
        politeness slots); SQLite commits as usual.  How it ended goes to
        `writes` (a refusal: the database turned read-only)."""
        try:
            with Session(self._writer, expire_on_commit=False) as session:
                with session.begin():
                    if not durable and self.dialect == "postgresql":
                        session.execute(text("SET LOCAL synchronous_commit = off"))
                    yield session
        except Exception as exc:
            reason = refusal(exc)
            if reason is not None:
                self.writes.refused(reason)
            raise
        self.writes.accepted()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()

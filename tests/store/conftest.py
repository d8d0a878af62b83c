"""The `store` fixture runs every store test on SQLite (a temp file) and on
the real PostgreSQL at 127.0.0.1:5432.  Each backend is migrated once per
session (SQLite: a template file copied per test; PostgreSQL: a schema of our
own, truncated before each test and dropped at the end: tests/conftest.py's
`pg_shared_url`).  Tests of migrations
themselves use `any_url`, a fresh empty database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.clock import FrozenClock
from monitor.store import Store
from tests import pg as pgdb
from tests.store.builders import T0

@pytest.fixture(scope="session")
def pg_problem() -> str | None:
    return pgdb.pg_problem("PG store tests")


@pytest.fixture
def pg_url(pg_problem: str | None) -> Iterator[str]:
    """A fresh, empty schema for this test alone."""
    if pg_problem:
        pytest.skip(pg_problem)
    with pgdb.schema("store_test") as url:
        yield url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)




@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file upgraded once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "store.db"
    store = Store.open(f"sqlite:///{path}")
    store.upgrade()
    store.close()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database (not upgraded) on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/fresh.db"
    return request.getfixturevalue("pg_url")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path, clock: FrozenClock) -> Iterator[Store]:
    """An upgraded, empty store on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        s = Store.open(f"sqlite:///{path}", clock=clock)
    else:
        s = Store.open(request.getfixturevalue("pg_empty_url"), clock=clock)
    try:
        yield s
    finally:
        s.close()

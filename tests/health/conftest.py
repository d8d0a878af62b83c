"""Store fixtures for the feed-health tests: SQLite (a temp file) and the real
PostgreSQL at 127.0.0.1:5432 in a schema of our own (skipped, saying why,
when PostgreSQL is not reachable): `fresh_url` an empty one for the
migration tests, `store` the pytest worker's migrated schema, emptied."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.clock import FrozenClock
from monitor.store import Store
from tests.store.builders import T0
from tests.pg import pg_problem, schema


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (not upgraded) on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/health.db"
        return
    problem = pg_problem()
    if problem:
        pytest.skip(problem)
    with schema("store_test") as url:
        yield url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path, clock: FrozenClock) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/health.db"
    else:
        url = request.getfixturevalue("pg_empty_url")
    s = Store.open(url, clock=clock)
    s.upgrade()
    try:
        yield s
    finally:
        s.close()

"""The archive end to end: a local feed farm, the real CLI, on SQLite and on
the real PostgreSQL (a schema of its own; skipped loudly when unreachable)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Cli, receiver, server  # noqa: F401  (fixtures)
from tests.store.conftest import _pg_reachable, _schema


class ArchiveCli(Cli):
    database: str | None = None

    def write_config(self, **sections):  # type: ignore[no-untyped-def]
        if self.database:
            sections.setdefault("database", self.database)
        return super().write_config(**sections)


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):  # type: ignore[no-untyped-def]
    """The CLI on a SQLite file, then on a fresh PostgreSQL schema."""
    c = ArchiveCli(tmp_path)
    if request.param == "sqlite":
        yield c
        return
    problem = _pg_reachable()
    if problem:
        pytest.skip(f"{problem}: the PostgreSQL archive tests did NOT run")
    with _schema() as url:
        c.database = url
        yield c


@pytest.fixture
def sqlite_cli(tmp_path):  # type: ignore[no-untyped-def]
    return ArchiveCli(tmp_path)

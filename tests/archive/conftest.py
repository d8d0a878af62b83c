"""The archive end to end: a local feed farm, the real CLI, on SQLite and on
the real PostgreSQL (a schema of the pytest worker's, migrated once and
emptied before each test; skipped loudly when unreachable)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Cli
from tests.e2e.servers import LocalServer, Receiver
from tests.pg import pg_problem


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with LocalServer() as s:
        yield s


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    with Receiver() as r:
        yield r


class ArchiveCli(Cli):
    database: str | None = None

    def write_config(self, **sections):  # type: ignore[no-untyped-def]
        if self.database:
            sections.setdefault("database", self.database)
        return super().write_config(**sections)


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):  # type: ignore[no-untyped-def]
    """The CLI on a SQLite file, then on an empty PostgreSQL schema."""
    c = ArchiveCli(tmp_path)
    if request.param == "postgresql":
        c.database = _empty_pg(request)
    return c


@pytest.fixture
def sqlite_cli(tmp_path):  # type: ignore[no-untyped-def]
    return ArchiveCli(tmp_path)


def _empty_pg(request) -> str:  # type: ignore[no-untyped-def]
    problem = pg_problem()
    if problem:
        pytest.skip(f"{problem}: the PostgreSQL archive tests did NOT run")
    url: str = request.getfixturevalue("pg_empty_url")
    return url


def database_url(request, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A SQLite file or the empty PostgreSQL schema."""
    return f"sqlite:///{tmp_path / 'archive.db'}" if request.param == "sqlite" else _empty_pg(request)


@pytest.fixture(params=["sqlite", "postgresql"])
async def archive(request, tmp_path, server, receiver):  # type: ignore[no-untyped-def]
    """An in-process runtime that polled the archive farm once; its API is `archive.api`."""
    from monitor.config import load_config
    from monitor.runtime.builder import open_runtime
    from tests.archive.farm import build, configure

    build(server)
    c = ArchiveCli(tmp_path)
    c.database = database_url(request, tmp_path)
    configure(c, server, receiver, http={"listen": "127.0.0.1:0", "token": "t0ken"})
    async with open_runtime(load_config(c.config), mode="once") as runtime:
        await runtime.once()
        yield runtime


def api_client(api, token: str | None = "t0ken"):  # type: ignore[no-untyped-def]
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://127.0.0.1:8080",
                             headers=headers)

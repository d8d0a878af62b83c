"""The real PostgreSQL at 127.0.0.1:5432 for tests: is it there, and a
database or a schema of a test's own (dropped afterwards, its sessions
ended first), so nobody else's objects are touched.  `truncate` empties a
migrated schema that a pytest worker's tests share (upgrading a fresh one
costs ~0.5-1 s a test; emptying one ~0.05 s)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"  # + "/<database>": a SQLAlchemy URL


def pg_problem(what: str = "PG tests") -> str | None:
    """None when PostgreSQL answers; else why `what` are skipped."""
    try:
        import psycopg

        with psycopg.connect(PG_DSN, connect_timeout=2):
            return None
    except Exception as exc:  # noqa: BLE001  (any failure means: skip, and say why)
        return f"PostgreSQL at 127.0.0.1:5432 not reachable: {what} skipped ({type(exc).__name__}: {exc})"


def admin(sql: str) -> None:
    """One statement as the administrator, outside any transaction."""
    import psycopg

    with psycopg.connect(PG_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


@contextmanager
def database(prefix: str) -> Iterator[str]:
    """A uniquely named, empty database: its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def schema(prefix: str) -> Iterator[str]:
    """A uniquely named schema in the test database: a SQLAlchemy URL whose
    search_path points at it."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{PG_URL}/test?options=-csearch_path%3D{name}"
    finally:
        admin(f'DROP SCHEMA "{name}" CASCADE')


def model_tables() -> str:
    """Every table of the models, comma-separated (a table added later is emptied too)."""
    from sqlmodel import SQLModel

    import monitor.store.models  # noqa: F401 - registers the tables

    return ", ".join(sorted(SQLModel.metadata.tables))


def truncate(url: str) -> None:
    """Empty every model table of the schema `url` points at (alembic_version stays), ids from 1 again."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {model_tables()} RESTART IDENTITY CASCADE")
    finally:
        engine.dispose()

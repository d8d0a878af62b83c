"""Small SQL helpers shared by the store modules (both dialects)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Result, Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql import Insert
from sqlmodel import SQLModel

from monitor.clock import utc

T = TypeVar("T")

CHUNK = 500  # bound parameters per IN (...) list


def insert_ignore(dialect: str, table: Any, conflict: Sequence[str]) -> Insert:
    """INSERT .. ON CONFLICT (conflict) DO NOTHING, on SQLite and PostgreSQL;
    an empty `conflict` ignores a conflict on any unique constraint."""
    if dialect == "postgresql":  # imported here: ~50 ms that a SQLite process never needs
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(conflict) or None)
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict) or None)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model (SQLAlchemy's declarative mapping sets
    `__table__` on every `table=True` model; SQLModel's stubs do not declare it)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]  # missing from SQLModel's stubs


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched.  `Session.execute` is typed as
    returning a `Result`; for DML it is a `CursorResult`, which has the count."""
    return cast(CursorResult[Any], result).rowcount


def stored_id(row_id: int | None) -> int:
    """The primary key of a row read from the database (or flushed to it):
    always set; a model's `id` is None only before its INSERT."""
    if row_id is None:
        raise ValueError("a row without an id: not yet flushed to the database")
    return row_id


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def aware(dt: datetime) -> datetime:
    """A value to write: aware UTC (a naive value is taken as UTC)."""
    value = utc(dt)
    assert value is not None
    return value


def read_ts(dt: datetime | None) -> datetime | None:
    """A value read back: SQLite gives naive UTC, PostgreSQL aware."""
    return utc(dt)


def read_ts_required(dt: datetime | None) -> datetime:
    return utc(dt) or datetime.fromtimestamp(0, timezone.utc)

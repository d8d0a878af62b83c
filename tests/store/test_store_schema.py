"""Migrations, engine settings and URL handling."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from monitor.errors import StoreError
from monitor.store import Store, normalise_url
from monitor.store.migrate import head_revision
from monitor.store.search import SEARCH_OBJECTS

TABLES = {"feed", "story", "article", "sighting", "hit", "delivery", "delivery_hit"}


def test_upgrade_creates_every_table_and_is_idempotent(store: Store) -> None:
    store.upgrade()  # the fixture already ran it once
    names = set(inspect(store._db.engine).get_table_names())
    assert TABLES <= names
    assert store.revision() == head_revision()


def test_migrations_match_the_models(store: Store) -> None:
    with store._db.engine.connect() as conn:
        # the full-text index (migration 0010) is dialect-specific: made by the migration, not the models
        opts = {"compare_type": True, "include_name": lambda name, kind, parents: name not in SEARCH_OBJECTS}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), SQLModel.metadata)
    assert diff == []


def test_fresh_database_is_at_no_revision_until_upgraded(any_url: str) -> None:
    store = Store.open(any_url)
    try:
        assert store.revision() is None
        store.upgrade()
        assert store.revision() == head_revision()
    finally:
        store.close()


def test_sqlite_creates_parent_directories_and_uses_wal(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    store = Store.open("sqlite:///data/deep/monitor.db")
    try:
        store.upgrade()
        assert (tmp_path / "data" / "deep" / "monitor.db").exists()
        with store._db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url"])
def test_unsupported_urls_are_refused_with_the_fix(url: str) -> None:
    with pytest.raises(StoreError, match="sqlite:///"):
        Store.open(url)


def test_url_hides_the_password() -> None:
    store = Store.open("postgresql://monitor:s3cret@127.0.0.1:1/db")
    assert "s3cret" not in store.url
    store.close()


def test_unreachable_database_is_named_in_the_error() -> None:
    store = Store.open("postgresql://monitor:s3cret@127.0.0.1:1/db")
    with pytest.raises(StoreError, match=r"127\.0\.0\.1:1/db: cannot upgrade the schema") as info:
        store.upgrade()
    assert "s3cret" not in str(info.value)
    store.close()

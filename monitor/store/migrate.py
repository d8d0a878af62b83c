"""Alembic, run programmatically: the scripts ship inside the package
(monitor/store/migrations), so no alembic.ini is needed and an installed
wheel can upgrade its database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")

# pg_advisory_xact_lock key: replicas starting together upgrade one at a time.
UPGRADE_LOCK = 0x6E6D7570  # "nmup"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; idempotent.  One transaction on
    PostgreSQL (transactional DDL) behind an advisory lock."""
    cfg = alembic_config()
    writer = engine.execution_options(sqlite_begin="IMMEDIATE")
    with writer.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": UPGRADE_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

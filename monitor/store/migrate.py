"""Alembic, run programmatically: the scripts ship inside the package
(monitor/store/migrations), so no alembic.ini is needed and an installed
wheel can upgrade its database.

A database already at the newest revision costs one query: the head is read
from the scripts' `revision = '...'` lines and compared with
`alembic_version`; Alembic itself (about half a second of imports) is only
loaded when there is something to upgrade."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

# pg_advisory_xact_lock key: replicas starting together upgrade one at a time.
UPGRADE_LOCK = 0x6E6D7570  # "nmup"

_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*(?:['\"]([^'\"]*)['\"]|None)\s*$", re.M)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def scripted_head() -> str | None:
    """The head revision read from the scripts' own lines (no Alembic): the
    one revision no other script names as its down_revision; None when the
    chain is not one line (then Alembic decides)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("[0-9]*.py"):
        found = dict((key, value) for key, value in _REVISION.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        if found.get("down_revision"):
            downs.add(found["down_revision"])
    heads = revisions - downs
    return next(iter(heads)) if len(heads) == 1 else None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _stamped(engine: Engine) -> list[Any] | None:
    """The revisions in alembic_version (one query), None without the table."""
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    except DBAPIError as exc:
        if "alembic_version" in str(exc.orig or exc):
            return None  # an empty database: Alembic creates it
        raise


def is_current(engine: Engine) -> bool:
    """True when the schema is at the head revision (checked with one query)."""
    head = scripted_head()
    return head is not None and _stamped(engine) == [head]


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; idempotent.  One transaction on
    PostgreSQL (transactional DDL) behind an advisory lock."""
    if revision == "head" and is_current(engine):
        return
    from alembic import command

    cfg = alembic_config()
    writer = engine.execution_options(sqlite_begin="IMMEDIATE")
    with writer.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": UPGRADE_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

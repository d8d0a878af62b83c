"""search folds accents as the rule matcher does (Lodz finds Łódź, cafe
finds café, strasse finds Straße) on both engines: SQLite's FTS5 index is
fed by triggers through nm_fold(), the matcher's own normalize_word
registered on every connection (monitor.store.engine), in a contentless
table; PostgreSQL's tsvector goes through news_monitor_fold(), lower() of
the `unaccent` extension (created when the role may; else lower() alone,
and a warning)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy import text

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

log = logging.getLogger("monitor.store.migrate")

SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS article_fts_insert", "DROP TRIGGER IF EXISTS article_fts_delete",
    "DROP TRIGGER IF EXISTS article_fts_update", "DROP TABLE IF EXISTS article_fts",
)
SQLITE = (
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, text, content='', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN "
    "INSERT INTO article_fts(rowid, title, text) VALUES (new.id, nm_fold(new.title), nm_fold(new.text)); END",
    "CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, text) "
    "VALUES ('delete', old.id, nm_fold(old.title), nm_fold(old.text)); END",
    "CREATE TRIGGER article_fts_update AFTER UPDATE OF title, text ON article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, text) "
    "VALUES ('delete', old.id, nm_fold(old.title), nm_fold(old.text)); "
    "INSERT INTO article_fts(rowid, title, text) VALUES (new.id, nm_fold(new.title), nm_fold(new.text)); END",
    "INSERT INTO article_fts(rowid, title, text) SELECT id, nm_fold(title), nm_fold(text) FROM article",
)
SQLITE_0010 = (
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, text, content='article', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN "
    "INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER article_fts_update AFTER UPDATE OF title, text ON article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "INSERT INTO article_fts(article_fts) VALUES ('rebuild')",
)


def _search_column(fold: str) -> tuple[str, ...]:
    return (
        "DROP INDEX IF EXISTS ix_article_search",
        "ALTER TABLE article DROP COLUMN IF EXISTS search",
        "ALTER TABLE article ADD COLUMN search tsvector GENERATED ALWAYS AS "
        f"(to_tsvector('simple', {fold}(coalesce(title, '') || ' ' || left(coalesce(text, ''), 100000)))) STORED",
        "CREATE INDEX ix_article_search ON article USING GIN (search)",
    )


def _unaccent_schema() -> str | None:
    """The schema of the unaccent extension, created here if it is not yet
    (a trusted extension: a database owner may), or None when it cannot be.
    It goes into `public` where the role may create there, so that dropping
    the schema the daemon's tables live in (one of several in a database)
    does not take the extension from the others; else into the first schema
    of the search path.  Two processes creating it at once: the loser finds
    the winner's."""
    bind = op.get_bind()
    problem: Exception | None = None
    for statement in ("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public",
                      "CREATE EXTENSION IF NOT EXISTS unaccent"):
        try:
            with bind.begin_nested():
                bind.execute(text(statement))
            break
        except Exception as exc:  # noqa: BLE001  (not installed, not allowed, no public, a race)
            problem = exc
    where = bind.execute(text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                              "WHERE e.extname = 'unaccent'")).scalar()
    if where is None:
        log.warning("PostgreSQL: CREATE EXTENSION unaccent failed (%s); search will not fold accents", problem)
    return str(where) if where is not None else None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for statement in (*SQLITE_DROP, *SQLITE):
            op.execute(statement)
        return
    where = _unaccent_schema()
    body = (f"SELECT lower(\"{where}\".unaccent('\"{where}\".unaccent'::regdictionary, $1))" if where
            else "SELECT lower($1)")
    op.execute("CREATE OR REPLACE FUNCTION news_monitor_fold(text) RETURNS text "
               f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fold$ {body} $fold$")
    for statement in _search_column("news_monitor_fold"):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for statement in (*SQLITE_DROP, *SQLITE_0010):
            op.execute(statement)
        return
    for statement in _search_column(""):
        op.execute(statement)
    op.execute("DROP FUNCTION IF EXISTS news_monitor_fold(text)")

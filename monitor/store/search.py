"""Full-text candidates from the database's own index (migration 0010):
SQLite FTS5 `article_fts MATCH`, PostgreSQL `article.search @@ to_tsquery`.
The index finds a superset; monitor.archive.search verifies with the matcher.

The index objects are dialect-specific and made by the migration, not by the
models (SEARCH_OBJECTS names them for the schema check)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import column, select, table, text

from sqlmodel import col

from monitor.archive.prefilter import IndexQuery, fts5, tsquery
from monitor.store.archive import article_date
from monitor.store.engine import Database
from monitor.store.models import ArticleRow
from monitor.store.sqlutil import aware

SEARCH_OBJECTS = frozenset({"article_fts", "article_fts_data", "article_fts_idx", "article_fts_docsize",
                            "article_fts_config", "article_fts_content", "search", "ix_article_search"})
_FTS = table("article_fts", column("rowid"))


def candidates(db: Database, q: IndexQuery | None, *, since: datetime | None, limit: int,
               offset: int = 0) -> list[int]:
    """Ids of articles dated from `since` that the index says may match `q`
    (every article when `q` is None), newest first."""
    query = select(col(ArticleRow.id))
    if q is not None:
        if db.dialect == "postgresql":
            query = query.where(text("article.search @@ to_tsquery('simple', :tsq)").bindparams(tsq=tsquery(q)))
        else:
            query = (query.join(_FTS, _FTS.c.rowid == col(ArticleRow.id))
                     .where(text("article_fts MATCH :fts").bindparams(fts=fts5(q))))
    if since is not None:
        query = query.where(article_date() >= aware(since))
    query = query.order_by(article_date().desc(), col(ArticleRow.id).desc()).limit(limit).offset(offset)
    with db.read() as s:
        return list(s.execute(query).scalars())

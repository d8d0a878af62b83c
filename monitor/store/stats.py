"""Totals for /metrics and /readyz, read in one short transaction."""

from __future__ import annotations

from sqlmodel import col
from sqlalchemy import func, select, text

from monitor.store.engine import Database
from monitor.store.models import ArticleRow, DeliveryRow, Feed, Hit


def stats(db: Database) -> dict[str, dict]:
    with db.read() as s:
        feeds = dict(s.execute(select(col(Feed.status), func.count()).where(col(Feed.active).is_(True))
                               .group_by(col(Feed.status))).all())
        hits = dict(s.execute(select(col(Hit.rule_id), func.count()).group_by(col(Hit.rule_id))).all())
        deliveries = {(channel, status): n for channel, status, n in s.execute(
            select(col(DeliveryRow.channel), col(DeliveryRow.status), func.count())
            .group_by(col(DeliveryRow.channel), col(DeliveryRow.status))).all()}
        articles = dict(s.execute(select(col(ArticleRow.text_source), func.count())
                                  .group_by(col(ArticleRow.text_source))).all())
    return {"feeds": feeds, "hits": hits, "deliveries": deliveries, "articles": articles}


def probe_writes(db: Database) -> None:
    """Raise when the database refuses a write (an UPDATE of no row is one:
    PostgreSQL refuses it in a read-only transaction, SQLite refuses the
    write lock of BEGIN IMMEDIATE on a read-only file)."""
    with db.write() as s:
        s.execute(text("UPDATE worker SET pid = pid WHERE 1 = 0"))


def ping(db: Database) -> None:
    """Raise when the database cannot answer."""
    with db.read() as s:
        s.execute(text("SELECT 1"))

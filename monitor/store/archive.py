"""Reading the archive: stored articles in pages (backtest, backfill, search
without an index constraint), and writing the hits a backfill finds."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import func, insert, select, update

from sqlmodel import col

from monitor.store.articles import _Writer
from monitor.store.engine import Database
from monitor.store.models import ArticleRow, Feed, Story
from monitor.store.sqlutil import aware, chunks, read_ts, read_ts_required, stored_id, table_of
from monitor.types import ArchivedArticle, PlannedHit, RecordedHit

PAGE = 500


def article_date():  # type: ignore[no-untyped-def]
    """An article's date for the archive: published, else when it was stored."""
    return func.coalesce(col(ArticleRow.published), col(ArticleRow.created_at))


def _query(since: datetime | None, until: datetime | None):  # type: ignore[no-untyped-def]
    query = (select(ArticleRow, col(Feed.tags)).outerjoin(Feed, col(Feed.id) == col(ArticleRow.feed_id)))
    if since is not None:
        query = query.where(article_date() >= aware(since))
    if until is not None:
        query = query.where(article_date() < aware(until))
    return query


def _record(row: ArticleRow, tags: list | None) -> ArchivedArticle:
    return ArchivedArticle(
        id=stored_id(row.id), story_id=row.story_id, title=row.title or "", text=row.text or "", url=row.url,
        source=row.source or "", lang=row.lang or "", tags=tuple(tags or ()), published=read_ts(row.published),
        stored_at=read_ts_required(row.created_at), note=row.note)


def articles(db: Database, *, since: datetime | None = None, until: datetime | None = None,
             page: int = PAGE) -> Iterator[ArchivedArticle]:
    """Stored articles dated from `since` (published, else stored), oldest id
    first, read a page per transaction (a long scan holds no transaction open)."""
    after = 0
    while True:
        query = _query(since, until).where(col(ArticleRow.id) > after).order_by(col(ArticleRow.id)).limit(page)
        with db.read() as s:
            rows = s.execute(query).all()
        for row, tags in rows:
            yield _record(row, tags)
        if len(rows) < page:
            return
        after = rows[-1][0].id


def articles_by_id(db: Database, ids: Sequence[int]) -> list[ArchivedArticle]:
    """The articles with these ids, in the order given (missing ones left out)."""
    found: dict[int, ArchivedArticle] = {}
    with db.read() as s:
        for part in chunks(list(ids)):
            for row, tags in s.execute(_query(None, None).where(col(ArticleRow.id).in_(part))):
                found[row.id] = _record(row, tags)
    return [found[i] for i in ids if i in found]


def count_articles(db: Database, *, since: datetime | None = None) -> tuple[int, int]:
    """(articles dated from `since`, of which have no text left: pruned by retention.article_text)."""
    query = select(func.count(), func.count().filter(col(ArticleRow.text) == ""))
    if since is not None:
        query = query.where(article_date() >= aware(since))
    with db.read() as s:
        total, empty = s.execute(query).one()
    return int(total), int(empty or 0)


def record_hits(db: Database, found: Sequence[tuple[int, PlannedHit]], now: datetime) -> list[RecordedHit]:
    """Hits on stored articles (a backfill): one per rule and story (a story
    that has one already is skipped by the unique constraint), each with the
    deliveries planned with it, in one transaction.  An article without a
    story gets one first."""
    now = aware(now)
    created: list[RecordedHit] = []
    a, st = table_of(ArticleRow), table_of(Story)
    with db.write() as s:
        conn = s.connection()
        w = _Writer(conn, db.dialect, now, threshold=1.0, since=now)
        for article_id, planned in found:
            story_id = conn.execute(select(a.c.story_id).where(a.c.id == article_id)).scalar()
            if story_id is None:
                title = conn.execute(select(a.c.title).where(a.c.id == article_id)).scalar() or ""
                story_id = conn.execute(insert(st).returning(st.c.id),
                                        {"first_seen_at": now, "title": title, "article_count": 1}).scalar_one()
                conn.execute(update(a).where(a.c.id == article_id).values(story_id=story_id))
            hit = w.hit(planned.match, article_id, story_id)
            if hit is not None:
                deliveries = w.deliveries(hit, planned.match, planned.deliveries)
                created.append(RecordedHit(id=hit, rule_id=planned.match.rule_id, article_id=article_id,
                                           deliveries=deliveries))
    return created

"""Expiring the story index, article text retention, and the story list of
`news-monitor stories`."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col
from sqlalchemy import func, select, update

from monitor.store import storyindex
from monitor.store.engine import Database
from monitor.store.models import ArticleRow, Feed, Hit, Sighting, Story
from monitor.store.sqlutil import aware, chunks, read_ts, rowcount
from monitor.stories.views import StoryView

def expire_index(db: Database, before: datetime) -> int:
    with db.write() as s:
        return storyindex.expire(s.connection(), before)


def prune_article_text(db: Database, before: datetime) -> int:
    """Drop the full text of articles stored before `before` (hits keep their
    snippets and explanations).  Returns how many articles were pruned."""
    query = (update(ArticleRow)
             .where(col(ArticleRow.created_at) < aware(before), col(ArticleRow.text) != "")
             .values(text=""))
    with db.write() as s:
        return rowcount(s.execute(query))


def list_stories(db: Database, *, since: datetime | None = None, limit: int = 100,
                 offset: int = 0, ids: list[int] | None = None) -> list[StoryView]:
    """Stories with an article stored since `since` (all when None), newest
    first: title, first seen, outlets (feed names in the order they carried
    it), the rules that matched it and its articles' URLs; `ids` only these."""
    active = select(col(ArticleRow.story_id)).where(col(ArticleRow.story_id).is_not(None))
    if since is not None:
        active = active.where(col(ArticleRow.created_at) >= aware(since))
    if ids is not None:
        active = active.where(col(ArticleRow.story_id).in_(ids))
    query = (select(Story).where(col(Story.id).in_(active.scalar_subquery()))
             .order_by(col(Story.first_seen_at).desc(), col(Story.id).desc()).limit(limit).offset(offset))
    with db.read() as s:
        rows = list(s.execute(query).scalars())
        ids = sorted(row.id for row in rows if row.id is not None)
        outlets = _grouped(s, ids, select(col(ArticleRow.story_id), col(Feed.name), func.min(col(Sighting.seen_at)))
                           .join(Sighting, col(Sighting.article_id) == col(ArticleRow.id))
                           .join(Feed, col(Feed.id) == col(Sighting.feed_id)),
                           col(ArticleRow.story_id), (col(ArticleRow.story_id), col(Feed.name)),
                           (func.min(col(Sighting.seen_at)), func.min(col(Sighting.id))))
        rules = _grouped(s, ids, select(col(Hit.story_id), col(Hit.rule_id), func.min(col(Hit.matched_at))),
                         col(Hit.story_id), (col(Hit.story_id), col(Hit.rule_id)), (func.min(col(Hit.matched_at)), col(Hit.rule_id)))
        urls = _grouped(s, ids, select(col(ArticleRow.story_id), col(ArticleRow.url), func.min(col(ArticleRow.created_at))),
                        col(ArticleRow.story_id), (col(ArticleRow.story_id), col(ArticleRow.url)),
                        (func.min(col(ArticleRow.created_at)), func.min(col(ArticleRow.id))))
    return [StoryView(id=row.id, title=row.title, first_seen_at=read_ts(row.first_seen_at),
                      article_count=row.article_count, outlets=tuple(outlets.get(row.id, ())),
                      rules=tuple(rules.get(row.id, ())), urls=tuple(urls.get(row.id, ())))
            for row in rows if row.id is not None]


def _grouped(s, ids: list[int], query, key, group_by, order_by) -> dict[int, list[str]]:  # type: ignore[no-untyped-def]
    """{story id: [value, ...]} for a (story_id, value, first-time) query."""
    out: dict[int, list[str]] = {}
    for part in chunks(ids):
        for story_id, value, _ in s.execute(query.where(key.in_(part)).group_by(*group_by)
                                            .order_by(key, *order_by)):
            out.setdefault(story_id, []).append(value)
    return out

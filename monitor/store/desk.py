"""What the analyst's desk reads beyond the plain lists: per-rule hit
activity (counts, per-day volume, precision are computed from it by
monitor.web.rulestats) and one story in full."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import col

from monitor.store import deliveries, hits, stories
from monitor.store.engine import Database
from monitor.store.models import ArticleRow, DeliveryHit, DeliveryRow, Feed, Hit, Sighting, Story
from monitor.store.sqlutil import aware, read_ts, read_ts_required
from monitor.stories.views import StoryArticle, StoryDetail
from monitor.types import DeliveryKind


def rule_activity(db: Database, since: datetime) -> list[tuple[str, datetime, bool | None]]:
    """(rule id, matched at, triage verdict) of every hit since `since`."""
    query = select(col(Hit.rule_id), col(Hit.matched_at), col(Hit.relevant)).where(col(Hit.matched_at) >= aware(since))
    with db.read() as s:
        return [(rule, read_ts_required(at), relevant) for rule, at, relevant in s.execute(query)]


def last_hits(db: Database) -> dict[str, datetime]:
    """The newest match time of each rule that has hits."""
    with db.read() as s:
        return {rule: read_ts_required(at)
                for rule, at in s.execute(select(col(Hit.rule_id), func.max(col(Hit.matched_at))).group_by(col(Hit.rule_id)))}


def story_detail(db: Database, story_id: int) -> StoryDetail | None:
    with db.read() as s:
        row = s.get(Story, story_id)
        if row is None:
            return None
        muted_at = read_ts(row.muted_at)
        seen = s.execute(
            select(col(ArticleRow.id), col(Feed.name), col(Sighting.seen_at), col(ArticleRow.title), col(ArticleRow.url), col(ArticleRow.text),
                   col(ArticleRow.published))
            .join(Sighting, col(Sighting.article_id) == col(ArticleRow.id)).join(Feed, col(Feed.id) == col(Sighting.feed_id))
            .where(col(ArticleRow.story_id) == story_id).order_by(col(Sighting.seen_at), col(Sighting.id))).all()
        found = hits.of_story(s, story_id)
        follow_ids = [d for (d,) in s.execute(
            select(col(DeliveryRow.id)).join(DeliveryHit, col(DeliveryHit.delivery_id) == col(DeliveryRow.id))
            .join(Hit, col(Hit.id) == col(DeliveryHit.hit_id))
            .where(col(Hit.story_id) == story_id, col(DeliveryRow.kind) == DeliveryKind.FOLLOW_UP)
            .order_by(col(DeliveryRow.created_at), col(DeliveryRow.id)))]
    view = next((v for v in stories.list_stories(db, ids=[story_id])), None)
    if view is None:
        return None
    follow_ups = tuple(d for d in (deliveries.get_delivery(db, i) for i in follow_ids) if d is not None)
    articles = tuple(StoryArticle(article_id=aid, outlet=name, seen_at=read_ts(at), title=title, url=url,
                                  words=len(text.split()), published=read_ts(published))
                     for aid, name, at, title, url, text, published in seen)
    return StoryDetail(story=view, muted_at=muted_at, articles=articles, hits=tuple(found), follow_ups=follow_ups)

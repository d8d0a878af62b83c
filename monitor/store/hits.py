"""Hits as read by the CLI, the API, the desk and the alerts (HitView)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col
from sqlalchemy import func, or_, select

from monitor import feedurl
from monitor.store.engine import Database
from monitor.store.models import ArticleRow, Feed, Hit, Sighting, Story
from monitor.store.sqlutil import aware, chunks, read_ts, read_ts_required
from monitor.types import HitView


@dataclass(frozen=True)
class HitFilter:
    """Which hits: every field narrows (None: any).  `rule` a rule id; `feed`
    a feed's name or URL and `tag` a feed tag (hits on articles such feeds
    carried); `story` a story id; `since`/`until` bound the match time
    (until excluded); `relevant` the triage verdict (False: marked not
    relevant, True: marked relevant)."""

    rule: str | None = None
    feed: str | None = None
    tag: str | None = None
    story: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    relevant: bool | None = None


def list_hits(db: Database, *, rule: str | None = None, since: datetime | None = None,
              limit: int | None = None, feed: str | None = None, offset: int = 0,
              where: HitFilter | None = None) -> list[HitView]:
    """Newest first.  `rule`, `feed` and `since` as in HitFilter (kept for
    the CLI); `where` adds the rest."""
    f = where or HitFilter()
    query = _base().order_by(col(Hit.matched_at).desc(), col(Hit.id).desc()).offset(offset)
    rule, feed, since = rule or f.rule, feed or f.feed, since or f.since
    if rule is not None:
        query = query.where(col(Hit.rule_id) == rule)
    if since is not None:
        query = query.where(col(Hit.matched_at) >= aware(since))
    if f.until is not None:
        query = query.where(col(Hit.matched_at) < aware(f.until))
    if f.story is not None:
        query = query.where(col(Hit.story_id) == f.story)
    if f.relevant is not None:
        query = query.where(col(Hit.relevant) == f.relevant)
    if feed is not None:
        carried = (select(col(Sighting.article_id)).join(Feed, col(Feed.id) == col(Sighting.feed_id))
                   .where(or_(col(Feed.name) == feed, col(Feed.url_key) == feedurl.key(feed),
                              col(Feed.configured_key) == feedurl.key(feed))))
        query = query.where(col(Hit.article_id).in_(carried))
    with db.read() as s:
        if f.tag is not None:  # tags are a JSON list per feed: few feeds, matched here on both dialects
            tagged = [fid for fid, tags in s.execute(select(col(Feed.id), col(Feed.tags))) if f.tag in (tags or ())]
            query = query.where(col(Hit.article_id).in_(
                select(col(Sighting.article_id)).where(col(Sighting.feed_id).in_(tagged))))
        if limit is not None:
            query = query.limit(limit)
        return views(s, s.execute(query).all())


def get_hit(db: Database, hit_id: int) -> HitView | None:
    with db.read() as s:
        found = views(s, s.execute(_base().where(col(Hit.id) == hit_id)).all())
    return found[0] if found else None


def hits_by_id(s, hit_ids: Sequence[int]) -> dict[int, HitView]:  # type: ignore[no-untyped-def]
    rows = []
    for part in chunks(list(hit_ids)):
        rows += s.execute(_base().where(col(Hit.id).in_(part))).all()
    return {v.id: v for v in views(s, rows)}


def _base():  # type: ignore[no-untyped-def]
    return (select(Hit, ArticleRow, col(Story.muted_at)).join(ArticleRow, col(ArticleRow.id) == col(Hit.article_id))
            .join(Story, col(Story.id) == col(Hit.story_id)))


def views(s, rows: Sequence) -> list[HitView]:  # type: ignore[no-untyped-def]
    outlets = _outlets(s, {row[0].story_id for row in rows})
    return [
        HitView(
            id=hit.id, rule=hit.rule_id, rule_name=hit.rule_name, url=art.url, title=art.title,
            source=art.source, published=read_ts(art.published),
            matched_at=read_ts_required(hit.matched_at), snippet=hit.snippet,
            terms=tuple(hit.terms or ()), story_id=hit.story_id,
            outlets=outlets.get(hit.story_id, ()),
            relevant=hit.relevant, note=hit.note, story_muted=muted is not None,
        )
        for hit, art, muted in rows
    ]


def _outlets(s, story_ids: set[int]) -> dict[int, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    """Distinct names of the feeds that carried each story's articles, in the
    order they first carried it."""
    out: dict[int, list[str]] = {}
    for part in chunks(sorted(story_ids)):
        first = func.min(col(Sighting.seen_at))
        query = (select(col(ArticleRow.story_id), col(Feed.name), first)
                 .join(Sighting, col(Sighting.article_id) == col(ArticleRow.id))
                 .join(Feed, col(Feed.id) == col(Sighting.feed_id))
                 .where(col(ArticleRow.story_id).in_(part))
                 .group_by(col(ArticleRow.story_id), col(Feed.name))
                 .order_by(col(ArticleRow.story_id), first, func.min(col(Sighting.id))))
        for story_id, name, _ in s.execute(query):
            out.setdefault(story_id, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def of_story(s, story_id: int) -> list[HitView]:  # type: ignore[no-untyped-def]
    """A story's hits, oldest first (inside the caller's session)."""
    return views(s, s.execute(_base().where(col(Hit.story_id) == story_id)
                              .order_by(col(Hit.matched_at), col(Hit.id))).all())

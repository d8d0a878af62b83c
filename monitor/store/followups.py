"""Follow-ups: one extra alert when a matched story reaches N outlets
(`follow_up: {outlets: N}` on a rule)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import col
from sqlalchemy import exists, func, select

from monitor.store.engine import Database
from monitor.store.models import ArticleRow, DeliveryHit, DeliveryRow, Hit, Sighting, Story
from monitor.store.sqlutil import aware, insert_ignore, table_of
from monitor.types import DeliveryKind, DeliveryStatus, PlannedDelivery


def queue_follow_ups(db: Database, thresholds: Mapping[str, int],
                     plans: Mapping[str, Sequence[PlannedDelivery]], *, since: datetime, now: datetime) -> int:
    """For hits since `since` of rules in `thresholds` whose story is now
    carried by at least that many outlets (distinct feeds) and that have no
    follow-up yet and whose story is not muted: queue one follow-up per delivery in `plans[rule]` (planned
    by the caller from its config snapshot).  Keys are stable
    (`follow-up-<hit>-<channel>`), so a follow-up is never queued twice."""
    if not thresholds:
        return 0
    outlets = func.count(col(Sighting.feed_id).distinct())
    already = exists().where(col(DeliveryHit.hit_id) == col(Hit.id), col(DeliveryHit.delivery_id) == col(DeliveryRow.id),
                             col(DeliveryRow.kind) == DeliveryKind.FOLLOW_UP)
    muted = select(col(Story.id)).where(col(Story.muted_at).is_not(None))  # muted on the desk: no follow-ups
    query = (select(col(Hit.id), col(Hit.rule_id), outlets)
             .join(ArticleRow, col(ArticleRow.story_id) == col(Hit.story_id))
             .join(Sighting, col(Sighting.article_id) == col(ArticleRow.id))
             .where(col(Hit.rule_id).in_(list(thresholds)), col(Hit.matched_at) >= aware(since), ~already,
                    col(Hit.story_id).not_in(muted))
             .group_by(col(Hit.id), col(Hit.rule_id)))
    queued = 0
    with db.write() as s:
        due = [(hit_id, rule) for hit_id, rule, n in s.execute(query).all() if n >= thresholds[rule]]
        add = insert_ignore(db.dialect, DeliveryRow, ("key",)).returning(col(DeliveryRow.id))
        for hit_id, rule in due:
            for p in plans.get(rule, ()):
                delivery_id = s.execute(add, {
                    "key": f"follow-up-{hit_id}-{p.channel}", "channel": p.channel, "kind": DeliveryKind.FOLLOW_UP,
                    "status": DeliveryStatus.PENDING, "digest": p.digest, "attempts": 0, "next_attempt_at": aware(p.due_at),
                    "created_at": aware(now), "rule_id": rule}).scalar()
                if delivery_id is not None:
                    s.execute(table_of(DeliveryHit).insert(), {"delivery_id": delivery_id, "hit_id": hit_id})
                    queued += 1
    return queued

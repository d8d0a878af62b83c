"""Retention of hits (`retention: {hits: 365d}`; the default keeps them forever).
Article text is pruned by stories.prune_article_text."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col
from sqlalchemy import delete, select

from monitor.store.engine import Database
from monitor.store.models import DeliveryHit, DeliveryRow, Hit
from monitor.store.sqlutil import aware
from monitor.types import DeliveryStatus


def prune_hits(db: Database, before: datetime) -> int:
    """Delete hits matched before `before`, with their finished deliveries
    (pending ones stay: an alert still owed is never dropped)."""
    old = select(col(Hit.id)).where(col(Hit.matched_at) < aware(before))
    owed = (select(col(DeliveryHit.hit_id)).join(DeliveryRow, col(DeliveryRow.id) == col(DeliveryHit.delivery_id))
            .where(col(DeliveryRow.status) == DeliveryStatus.PENDING))
    with db.write() as s:
        doomed = [row[0] for row in s.execute(old.where(col(Hit.id).not_in(owed))).all()]
        if not doomed:
            return 0
        deliveries = select(col(DeliveryHit.delivery_id)).where(col(DeliveryHit.hit_id).in_(doomed))
        delivery_ids = [row[0] for row in s.execute(deliveries).all()]
        s.execute(delete(DeliveryHit).where(col(DeliveryHit.hit_id).in_(doomed)))
        if delivery_ids:
            still_linked = select(col(DeliveryHit.delivery_id))
            s.execute(delete(DeliveryRow).where(col(DeliveryRow.id).in_(delivery_ids), col(DeliveryRow.id).not_in(still_linked)))
        s.execute(delete(Hit).where(col(Hit.id).in_(doomed)))
        return len(doomed)

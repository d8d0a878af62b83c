"""Triage from the desk (page and API): a hit marked relevant or not, a note
on a hit, a muted story (no follow-ups: monitor.store.followups skips it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col

from monitor.store.engine import Database
from monitor.store.models import Hit, Story
from monitor.store.sqlutil import aware, rowcount

MAX_NOTE = 2000  # characters; the API refuses longer ones


def judge(db: Database, hit_id: int, *, relevant: bool | None, now: datetime) -> bool:
    """Record the verdict (None clears it); False when there is no such hit."""
    query = update(Hit).where(col(Hit.id) == hit_id).values(relevant=relevant, triaged_at=aware(now))
    with db.write() as s:
        return bool(rowcount(s.execute(query)))


def annotate(db: Database, hit_id: int, *, note: str, now: datetime) -> bool:
    """Set the hit's note ("" clears it); False when there is no such hit."""
    query = update(Hit).where(col(Hit.id) == hit_id).values(note=note.strip()[:MAX_NOTE] or None, triaged_at=aware(now))
    with db.write() as s:
        return bool(rowcount(s.execute(query)))


def mute(db: Database, story_id: int, *, muted: bool, now: datetime) -> bool:
    """Mute (or unmute) a story; False when there is no such story."""
    query = update(Story).where(col(Story.id) == story_id).values(muted_at=aware(now) if muted else None)
    with db.write() as s:
        return bool(rowcount(s.execute(query)))

"""Triage from the desk (page and API): a hit marked relevant or not, a note
on a hit, a muted story (no follow-ups: monitor.store.followups skips it)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import col

from monitor.store.engine import Database
from monitor.store.models import Hit, Story
from monitor.store.sqlutil import aware, chunks, rowcount

MAX_NOTE = 2000  # characters; the API refuses longer ones


def judge(db: Database, hit_id: int, *, relevant: bool | None, now: datetime) -> bool:
    """Record the verdict (None clears it); False when there is no such hit."""
    query = update(Hit).where(col(Hit.id) == hit_id).values(relevant=relevant, triaged_at=aware(now))
    with db.write() as s:
        return bool(rowcount(s.execute(query)))


def verdicts(db: Database, rule_id: str, story_ids: Collection[int]) -> dict[int, bool | None]:
    """{story id: the verdict on the rule's hit of that story} for those of
    `story_ids` the rule has a hit of (one hit per rule and story)."""
    found: dict[int, bool | None] = {}
    with db.read() as s:
        for part in chunks(sorted(story_ids)):
            rows = s.execute(select(col(Hit.story_id), col(Hit.relevant))
                             .where(col(Hit.rule_id) == rule_id, col(Hit.story_id).in_(part)))
            found.update((story, relevant) for story, relevant in rows)
    return found


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

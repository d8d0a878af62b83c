"""The story index in the database: which story a new article joins, decided
and written inside the record transaction (monitor.store.articles.record).

    candidates(conn, key, since)   stories of indexed articles sharing a band
    add(conn, article_id, story_id, key, now)

Assignment must be serialised, or two replicas recording copies of one story
at the same moment would both start a new story: on PostgreSQL the record
transaction takes a transaction-level advisory lock first (`lock`); on
SQLite the write transaction (BEGIN IMMEDIATE) already is the only writer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, text

from monitor.store.models import StoryBand, StorySignature
from monitor.store.sqlutil import aware, chunks, table_of
from monitor.stories.key import StoryKey

STORY_LOCK = 0x6E6D7374  # "nmst": pg_advisory_xact_lock key of story assignment


def lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": STORY_LOCK})


def candidates(conn: Connection, key: StoryKey, since: datetime) -> list[tuple[int, bytes]]:
    """(story_id, signature) of the articles indexed since `since` that share a band with `key`."""
    b, sig = table_of(StoryBand), table_of(StorySignature)
    query = (select(sig.c.story_id, sig.c.signature).distinct()
             .join(b, b.c.article_id == sig.c.article_id)
             .where(b.c.band.in_(list(dict.fromkeys(key.bands))), sig.c.created_at >= aware(since)))
    return [(int(story_id), bytes(signature)) for story_id, signature in conn.execute(query)]


def add(conn: Connection, article_id: int, story_id: int, key: StoryKey, now: datetime) -> None:
    conn.execute(insert(table_of(StorySignature)), {"article_id": article_id, "story_id": story_id,
                                                    "signature": key.signature, "created_at": aware(now)})
    conn.execute(insert(table_of(StoryBand)), [{"band": band, "article_id": article_id}
                                               for band in dict.fromkeys(key.bands)])


def expire(conn: Connection, before: datetime) -> int:
    """Forget articles indexed before `before` (the window); how many."""
    sig, b = table_of(StorySignature), table_of(StoryBand)
    old = [row[0] for row in conn.execute(select(sig.c.article_id).where(sig.c.created_at < aware(before)))]
    for part in chunks(old):
        conn.execute(delete(b).where(b.c.article_id.in_(part)))
        conn.execute(delete(sig).where(sig.c.article_id.in_(part)))
    return len(old)

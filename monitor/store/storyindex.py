"""The story index in the database: which story a new article joins, decided
and written inside the record transaction (monitor.store.articles.record).

    candidates(conn, key, since)   the indexed articles sharing the most bands with key
    add(conn, article_id, story_id, key, now)

The lookup is bounded however large a story grows (a wire story carried by
hundreds of outlets in a week, issue 17): each band reads its BAND_DEPTH
most recent articles (an index range scan, newest first, on the band's
primary key), and of the articles found, the MAX_COMPARED sharing the most
bands with the key are returned to be compared.  A copy of a big story finds
it among the story's latest members; the most similar article shares the
most bands (31 x s^3 of them, at 3 rows a band), so it ranks first.

Assignment must be serialised, or two replicas recording copies of one story
at the same moment would both start a new story: on PostgreSQL the record
transaction takes a transaction-level advisory lock first (`lock`); on
SQLite the write transaction (BEGIN IMMEDIATE) already is the only writer.
"""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import Connection, Select, bindparam, delete, func, insert, select, text, union_all

from monitor.store.models import StoryBand, StorySignature
from monitor.store.sqlutil import aware, table_of
from monitor.stories.key import StoryKey

STORY_LOCK = 0x6E6D7374  # "nmst": pg_advisory_xact_lock key of story assignment
# Chosen with bench/cluster_bench.py ("Big stories"): on the pipeline bench's pages, where
# most of 2,000 articles share bands, these agree with comparing every candidate on 99 % of
# the pairs (32 and 64: 84 %), at ~1 ms of record time per article more than 32 and 64.
BAND_DEPTH = 128  # newest articles read per band of the key
MAX_COMPARED = 256  # articles whose signatures are fetched and compared per key


def lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": STORY_LOCK})


def candidates(conn: Connection, key: StoryKey, since: datetime) -> list[tuple[int, bytes]]:
    """(story_id, signature) of the articles indexed since `since` among the
    MAX_COMPARED sharing the most bands with `key` (ties: the newer article),
    found among each band's BAND_DEPTH newest articles."""
    query, params = lookup(key, since)
    return [(int(story_id), bytes(signature)) for story_id, signature in conn.execute(query, params)]


def lookup(key: StoryKey, since: datetime) -> tuple[Select[int, bytes], dict[str, object]]:
    """The query `candidates` runs, and its parameters: at most bands x
    BAND_DEPTH index rows read, MAX_COMPARED signatures returned
    (tests/store/test_store_storyindex.py checks the plans on both engines)."""
    bands = list(dict.fromkeys(key.bands))
    return _lookup_query(len(bands)), {"since": aware(since), **{f"band_{i}": b for i, b in enumerate(bands)}}


@functools.cache
def _lookup_query(bands: int) -> Select[int, bytes]:
    """Built once per number of bands (building it costs more than running it)."""
    b, sig = table_of(StoryBand), table_of(StorySignature)
    newest = [select(b.c.article_id).where(b.c.band == bindparam(f"band_{i}")).order_by(b.c.article_id.desc())
              .limit(BAND_DEPTH).subquery() for i in range(bands)]
    found = union_all(*(select(n.c.article_id) for n in newest)).subquery()
    shared = func.count().label("shared")
    ranked = (select(found.c.article_id, shared).group_by(found.c.article_id)
              .order_by(shared.desc(), found.c.article_id.desc()).limit(MAX_COMPARED).subquery())
    # the window is checked on the ranked few, not on every row read (half the lookup's
    # time at 128 a band): an article past it still ranks until the daily expiry drops it
    return (select(sig.c.story_id, sig.c.signature).join(ranked, ranked.c.article_id == sig.c.article_id)
            .where(sig.c.created_at >= bindparam("since")))


def add(conn: Connection, article_id: int, story_id: int, key: StoryKey, now: datetime) -> None:
    conn.execute(insert(table_of(StorySignature)), {"article_id": article_id, "story_id": story_id,
                                                    "signature": key.signature, "created_at": aware(now)})
    conn.execute(insert(table_of(StoryBand)), [{"band": band, "article_id": article_id}
                                               for band in dict.fromkeys(key.bands)])


def expire(conn: Connection, before: datetime) -> int:
    """Forget articles indexed before `before` (the window); how many.  One
    statement per table: story_band's only index leads with the band, so a
    DELETE per chunk of article ids would scan the table once per chunk (28
    scans of 3 million rows for a day of a 1,000-feed week); as one
    semi-join it is read once."""
    sig, b = table_of(StorySignature), table_of(StoryBand)
    old = select(sig.c.article_id).where(sig.c.created_at < aware(before))
    conn.execute(delete(b).where(b.c.article_id.in_(old.scalar_subquery())))
    return int(conn.execute(delete(sig).where(sig.c.created_at < aware(before))).rowcount or 0)

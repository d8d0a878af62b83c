"""Backlog articles (poll.max_age): written in bulk, a few statements per
batch whatever its size, since nothing is matched and no story index is
consulted: the articles of a batch with the same title and text (content
hash) share one story, any other is a story of its own; and a sighting of
its feed each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update

from monitor.store.engine import Database
from monitor.store.models import ArticleRow, Sighting, Story
from monitor.store.sqlutil import aware, chunks, insert_ignore, table_of
from monitor.types import RecordItem


def record_backlog(db: Database, items: Sequence[RecordItem], now: datetime) -> int:
    """Store the items' articles (an article another process stored a moment
    ago is reused), a story each, and their sightings, in one transaction.
    Returns how many articles were new."""
    if not items:
        return 0
    now = aware(now)
    a, st = table_of(ArticleRow), table_of(Story)
    rows = [{"canonical_url": i.article.canonical_url, "url": i.article.url, "guid": i.article.entry_key,
             "title": i.article.title, "text": i.article.text, "text_source": i.article.text_source,
             "lang": i.article.lang, "published": aware(i.article.published) if i.article.published else None,
             "source": i.article.source, "content_hash": i.article.content_hash, "story_id": None,
             "feed_id": i.article.feed_id, "created_at": now, "note": i.note} for i in items]
    with db.write() as s:
        conn = s.connection()
        conn.execute(insert_ignore(db.dialect, a, ("canonical_url",)), rows)
        ids: dict[str, tuple[int, int | None]] = {}
        for part in chunks([r["canonical_url"] for r in rows]):
            ids.update((url, (aid, sid)) for url, aid, sid in conn.execute(
                select(a.c.canonical_url, a.c.id, a.c.story_id).where(a.c.canonical_url.in_(part))))
        storyless = [(url, aid) for url, (aid, sid) in ids.items() if sid is None]
        if storyless:
            by_url = {r["canonical_url"]: r for r in rows}
            groups: dict[str, list[tuple[str, int]]] = {}  # content hash -> new articles with that title and text
            for url, aid in storyless:
                groups.setdefault(str(by_url[url]["content_hash"] or f"id:{aid}"), []).append((url, aid))
            made = conn.execute(insert(st).returning(st.c.id, sort_by_parameter_order=True),
                                [{"first_seen_at": now, "title": by_url[members[0][0]]["title"],
                                  "article_count": len(members)} for members in groups.values()]).scalars().all()
            conn.execute(update(a).where(a.c.id == bindparam("aid")).values(story_id=bindparam("sid")),
                         [{"aid": aid, "sid": sid} for members, sid in zip(groups.values(), made)
                          for _, aid in members])
        conn.execute(insert_ignore(db.dialect, table_of(Sighting), ("feed_id", "entry_key")),
                     [{"feed_id": i.article.feed_id, "entry_key": i.article.entry_key,
                       "article_id": ids[i.article.canonical_url][0], "seen_at": now} for i in items])
    return len(storyless)

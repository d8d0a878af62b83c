"""Articles: which feed entries are new (`unseen`), and `record`, the outbox
transaction that writes articles, stories, hits and their deliveries at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import col
from sqlalchemy import Connection, bindparam, insert, select, update

from monitor.units import iso
from monitor.views import evidence_json
from monitor.errors import StaleConfig
from monitor.store import storyindex, workers
from monitor.store.engine import Database
from monitor.store.models import ArticleRow, DeliveryHit, DeliveryRow, Hit, Sighting, Story
from monitor.store.sqlutil import aware, chunks, insert_ignore, table_of
from monitor.stories.key import best_story
from monitor.types import DeliveryKind, DeliveryStatus, Entry, Match, PlannedDelivery, RecordedHit, RecordItem, RecordResult

Candidate = tuple[Entry, str]  # (entry, canonical_url)


def first_of_each(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Drop repeats within a batch: the same entry key or canonical URL twice."""
    keys: set[str] = set()
    urls: set[str] = set()
    out = []
    for entry, url in candidates:
        if entry.key in keys or (url and url in urls):
            continue
        keys.add(entry.key)
        if url:
            urls.add(url)
        out.append((entry, url))
    return out


def unseen(db: Database, feed_id: int, candidates: Sequence[Candidate], now: datetime) -> list[Candidate]:
    """Entries of this feed not processed before.  An entry whose canonical URL
    is already an article (another feed carried it) is sighted now and dropped."""
    batch = first_of_each(candidates)
    if not batch:
        return []
    now = aware(now)
    with db.write() as s:
        seen: set[str] = set()
        for part in chunks([e.key for e, _ in batch]):
            seen.update(s.execute(select(col(Sighting.entry_key)).where(
                col(Sighting.feed_id) == feed_id, col(Sighting.entry_key).in_(part))).scalars())
        batch = [(e, u) for e, u in batch if e.key not in seen]
        known: dict[str, int] = {}
        for part in chunks([u for _, u in batch if u]):
            known.update(s.execute(select(col(ArticleRow.canonical_url), col(ArticleRow.id)).where(
                col(ArticleRow.canonical_url).in_(part))).all())
        sightings = [{"feed_id": feed_id, "entry_key": e.key, "article_id": known[u], "seen_at": now}
                     for e, u in batch if u in known]
        if sightings:
            s.execute(insert_ignore(db.dialect, Sighting, ("feed_id", "entry_key")), sightings)
        return [(e, u) for e, u in batch if u not in known]


def record(db: Database, items: Sequence[RecordItem], now: datetime, *, threshold: float,
           window: timedelta, fresh: workers.Freshness | None = None) -> RecordResult:
    """One transaction for the batch: articles (reused by canonical URL),
    their stories (from the story index, joined or new), sightings, hits
    (one per rule and story: a repeat is ignored by the unique constraint)
    and, for each new hit, the deliveries planned with it.  Items are
    written in order, so a copy later in the batch joins an earlier one's
    story.  If anything fails, nothing is written.  Returns the new hits,
    and for every item (in order) the story its article belongs to."""
    now = aware(now)
    created: list[RecordedHit] = []
    stories: list[int] = []
    with db.write() as s:
        conn = s.connection()
        if any(item.story is not None for item in items):
            storyindex.lock(conn)
        if fresh is not None and (newer := workers.newer_in(s, fresh, now)) is not None:
            raise StaleConfig(f"{newer.owner} runs a newer config (loaded {iso(newer.config_loaded_at, 'seconds')}) "
                              f"than this process's {fresh.config}; not recording matches made with older rules")
        w = _Writer(conn, db.dialect, now, threshold=threshold, since=now - window)
        for item in items:
            article_id, story_id = w.article(item)
            stories.append(story_id)
            for planned in item.hits:
                hit = w.hit(planned.match, article_id, story_id)
                if hit is not None:
                    deliveries = w.deliveries(hit, planned.match, planned.deliveries)
                    created.append(RecordedHit(id=hit, rule_id=planned.match.rule_id,
                                               article_id=article_id, deliveries=deliveries))
    return RecordResult(hits=tuple(created), stories=tuple(stories))


def explanation(match: Match) -> dict:
    return {
        "evidence": [evidence_json(e) for e in match.evidence],
        "snippet": match.snippet.text,
        "marks": [list(m) for m in match.snippet.marks],
    }


class _Writer:
    """Core statements built once per batch and run on the transaction's
    connection (the ORM unit of work costs ~5x more per row here)."""

    def __init__(self, conn: Connection, dialect: str, now: datetime, *, threshold: float,
                 since: datetime) -> None:
        self.conn, self.now, self.threshold, self.since = conn, now, threshold, since
        a, st, h, d = table_of(ArticleRow), table_of(Story), table_of(Hit), table_of(DeliveryRow)
        self.add_article = insert_ignore(dialect, a, ("canonical_url",)).returning(a.c.id)
        self.find_article = select(a.c.id, a.c.story_id).where(a.c.canonical_url == bindparam("url"))
        self.add_story = insert(st).returning(st.c.id)
        self.grow_story = (update(st).where(st.c.id == bindparam("sid"))
                           .values(article_count=st.c.article_count + 1))
        self.set_story = update(a).where(a.c.id == bindparam("aid")).values(story_id=bindparam("sid"))
        self.add_sighting = insert_ignore(dialect, table_of(Sighting), ("feed_id", "entry_key"))
        self.add_hit = insert_ignore(dialect, h, ("rule_id", "story_id")).returning(h.c.id)
        self.add_delivery = insert(d).returning(d.c.id)
        self.link = insert(table_of(DeliveryHit))

    def article(self, item: RecordItem) -> tuple[int, int]:
        """The article's (id, story id): reused when its canonical URL is known
        (also when another replica inserted it a moment ago), else inserted
        with its story: the indexed story it duplicates, or a new one."""
        a, run = item.article, self.conn.execute
        article_id = run(self.add_article, {
            "canonical_url": a.canonical_url, "url": a.url, "guid": a.entry_key, "title": a.title,
            "text": a.text, "text_source": a.text_source, "lang": a.lang,
            "published": aware(a.published) if a.published else None, "source": a.source,
            "content_hash": a.content_hash, "story_id": None, "feed_id": a.feed_id,
            "created_at": self.now, "note": item.note}).scalar()
        if article_id is None:
            article_id, story_id = run(self.find_article, {"url": a.canonical_url}).one()
        else:
            found = None if item.story is None else best_story(
                item.story, storyindex.candidates(self.conn, item.story, self.since), self.threshold)
            if found is None:
                story_id = run(self.add_story, {"first_seen_at": self.now, "title": a.title,
                                                "article_count": 1}).scalar_one()
            else:
                story_id = found[0]
                run(self.grow_story, {"sid": story_id})
            run(self.set_story, {"aid": article_id, "sid": story_id})
            if item.story is not None:
                storyindex.add(self.conn, article_id, story_id, item.story, self.now)
        run(self.add_sighting, {"feed_id": a.feed_id, "entry_key": a.entry_key,
                                "article_id": article_id, "seen_at": self.now})
        return article_id, story_id

    def hit(self, match: Match, article_id: int, story_id: int) -> int | None:
        return self.conn.execute(self.add_hit, {
            "rule_id": match.rule_id, "rule_name": match.rule_name, "article_id": article_id,
            "story_id": story_id, "matched_at": self.now, "terms": list(match.terms),
            "snippet": match.snippet.marked(), "explanation": explanation(match)}).scalar()

    def deliveries(self, hit_id: int, match: Match, planned: Sequence[PlannedDelivery]) -> tuple[int, ...]:
        ids = []
        for n, p in enumerate(planned):
            key = f"hit-{hit_id}-{p.channel}" + (f"-{n}" if n and _repeat(planned, n) else "")
            delivery_id = self.conn.execute(self.add_delivery, {
                "key": key, "channel": p.channel, "kind": DeliveryKind.ALERT, "status": DeliveryStatus.PENDING,
                "digest": p.digest, "attempts": 0, "next_attempt_at": aware(p.due_at),
                "created_at": self.now, "rule_id": match.rule_id}).scalar_one()
            self.conn.execute(self.link, {"delivery_id": delivery_id, "hit_id": hit_id})
            ids.append(delivery_id)
        return tuple(ids)


def _repeat(planned: Sequence[PlannedDelivery], n: int) -> bool:
    return any(p.channel == planned[n].channel for p in planned[:n])

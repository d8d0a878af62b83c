"""A week of history in a daemon's database, written the way the daemon
writes it, for the memory bench (issue 17: "a week of stories indexed").

    seed_history(config_path, days=7, per_feed_day=20, rule_ids=[...])

The database named by the config is upgraded (`news-monitor db upgrade`),
its feeds synced from the config as `run` syncs them, then filled through
the store's own outbox transaction (`Store.record`, monitor.store.articles):
articles with their sightings, stories decided by the story index itself
(real story keys of the generated texts: the candidates' bands and the
threshold), the story index (story_signature, story_band), hits (one per
rule and story) and their deliveries, which are then marked sent as if the
channel had taken them (a pending one would be sent when the daemon starts).

Articles are dated over the past DAYS days at PER_FEED_DAY items per feed a
day, spread evenly in time (each 5-minute slot one record transaction, as a
poll cycle records), each text about 400 words of pseudo-words drawn from a
Zipf-like vocabulary (so two unrelated articles share almost no 5-word
shingles, as real ones do).  About 70 % of the articles are alone in their
story; the rest are copies of a story (own headline, own lead, a few words
changed, an outlet's sign-off) in stories of 2 to 300 members (sizes drawn
from P(n) ~ 1/n^2, mean ~8), published over a few hours after the first by
different feeds.  About 8 % of stories are hit by 1-3 rules; each copy of a
hit story plans the same hits again (ignored by the unique constraint, as in
the daemon).  Deterministic for a seed; memory bounded by the open stories'
base texts and one slot's batch.
"""

from __future__ import annotations

import bisect
import hashlib
import random
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from monitor.config.loader import load_config
from monitor.store import Store
from monitor.store.engine import sqlite_path
from monitor.stories.key import story_key
from monitor.types import Article, Match, PlannedDelivery, PlannedHit, RecordItem, Snippet, TextSource

SLOT = timedelta(minutes=5)  # one record transaction per slot, as one poll cycle
ALONE = 0.70  # share of articles alone in their story
MAX_STORY = 300  # members of the largest stories
HIT_STORIES = 0.08  # share of stories some rule hits
WORDS = 400  # words of an article's text (a short news article)
VOCABULARY = 30_000
SYLLABLES = ("ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu "
             "ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi zo zu").split()


@dataclass(frozen=True)
class Seeded:
    articles: int
    stories: int  # stories made by the index
    largest: int  # members of the largest story
    alone: int  # articles alone in their story
    hits: int
    indexed: int  # rows of story_signature
    bands: int  # rows of story_band
    seconds: float
    db_mb: float


class Words:
    """Pseudo-words with Zipf-like frequencies (rank r drawn with weight 1/r)."""

    def __init__(self, rng: random.Random) -> None:
        seen: set[str] = set()
        while len(seen) < VOCABULARY:
            seen.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.words = sorted(seen)
        rng.shuffle(self.words)
        weights = [1 / (r + 10) for r in range(VOCABULARY)]
        self.cumulative = [0.0] * VOCABULARY
        total = 0.0
        for i, w in enumerate(weights):
            total += w
            self.cumulative[i] = total
        self.rng = rng

    def draw(self, n: int) -> list[str]:
        top, words, rng = self.cumulative[-1], self.words, self.rng
        return [words[bisect.bisect_left(self.cumulative, rng.random() * top)] for _ in range(n)]


def story_sizes(total: int, rng: random.Random) -> list[int]:
    """Story sizes covering `total` articles: ALONE of them in stories of one,
    the rest in stories of 2..MAX_STORY with P(n) ~ 1/n^2."""
    sizes = [1] * int(total * ALONE)
    ns = range(2, MAX_STORY + 1)
    weights = [1 / n ** 2 for n in ns]
    left = total - len(sizes)
    while left > 0:
        n = min(rng.choices(ns, weights)[0], left)
        sizes.append(n)
        left -= n
    rng.shuffle(sizes)
    return sizes


def plan(total: int, start: datetime, end: datetime, feeds: int,
         rng: random.Random) -> list[tuple[float, int, int, int]]:
    """(seconds after `start`, feed index, story number, member number) of
    every article, in time order (a story's first is not always member 0:
    the copies' delays are cut at the end)."""
    span = (end - start).total_seconds()
    out = []
    for story, size in enumerate(story_sizes(total, rng)):
        first = rng.random() * span
        outlets = rng.sample(range(feeds), min(size, feeds))
        for member in range(size):
            delay = 0.0 if member == 0 else min(rng.expovariate(1 / 10_800), 2 * 86_400)  # mean 3 h, at most 2 days
            out.append((min(first + delay, span - 1), outlets[member % len(outlets)], story, member))
    out.sort()
    return out


def seed_history(config_path: Path, *, days: float, per_feed_day: float, rule_ids: Sequence[str],
                 channel: str = "hook", seed: int = 17, now: datetime | None = None) -> Seeded:
    """Fill the config's (SQLite) database with `days` of history ending at `now`."""
    began = time.monotonic()
    config = load_config(config_path)
    now = now or datetime.now(timezone.utc)
    start = now - timedelta(days=days)
    store = Store.open(config.database)
    try:
        store.upgrade()
        store.sync_feeds(config.feeds, start)
        feeds = [f.id for f in sorted(store.list_feeds(), key=lambda f: f.id)]
        rng = random.Random(seed)
        words = Words(rng)
        timeline = plan(int(len(feeds) * per_feed_day * days), start, now, len(feeds), rng)
        sizes: dict[int, int] = {}
        for _, _, story, _ in timeline:
            sizes[story] = sizes.get(story, 0) + 1
        bases: dict[int, tuple[list[str], tuple[PlannedHit, ...]]] = {}  # open stories: base text, hits
        batch: list[RecordItem] = []
        slot_end = start + SLOT
        for n, (at, feed, story, _) in enumerate(timeline):
            when = start + timedelta(seconds=at)
            while when >= slot_end:
                if batch:
                    store.record(batch, slot_end, stories=config.stories)
                    batch = []
                slot_end += SLOT
            if story not in bases:  # the story's first article
                text = words.draw(WORDS + rng.randint(-150, 150))
                hits = _planned_hits(rng, rule_ids, channel, " ".join(text[:30]), slot_end) \
                    if rng.random() < HIT_STORIES else ()
                bases[story] = (text, hits)
            else:
                base, hits = bases[story]
                text = _copy(base, words, rng)
            sizes[story] -= 1
            if sizes[story] == 0:
                del bases[story], sizes[story]
            title = " ".join(words.draw(8)).capitalize()
            batch.append(_item(n, feeds[feed], title, " ".join(text), when, hits, config.stories))
        if batch:
            store.record(batch, slot_end, stories=config.stories)
    finally:
        store.close()
    db = sqlite_path_of(config.database)
    conn = sqlite3.connect(db)
    try:
        conn.execute("UPDATE delivery SET status = 'sent', attempts = 1, sent_at = next_attempt_at, "
                     "detail = 'seeded' WHERE status = 'pending'")
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM article), (SELECT count(*) FROM story), "
            "(SELECT max(article_count) FROM story), (SELECT count(*) FROM story WHERE article_count = 1), "
            "(SELECT count(*) FROM hit), (SELECT count(*) FROM story_signature), "
            "(SELECT count(*) FROM story_band)").fetchone()
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    articles, made, largest, alone, hit_rows, indexed, bands = (int(n or 0) for n in counts)
    return Seeded(articles=articles, stories=made, largest=largest, alone=alone, hits=hit_rows, indexed=indexed,
                  bands=bands, seconds=time.monotonic() - began, db_mb=db.stat().st_size / 1e6)


def sqlite_path_of(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise ValueError(f"the history is seeded in SQLite only, not {url}")
    return path


def _copy(base: list[str], words: Words, rng: random.Random) -> list[str]:
    """Another outlet's copy: its own lead (25 words), ~2 % of words changed, its sign-off (15 words)."""
    text = words.draw(25) + base[25:]
    for _ in range(len(text) // 50):
        text[rng.randrange(len(text))] = words.draw(1)[0]
    return text + words.draw(15)


def _planned_hits(rng: random.Random, rule_ids: Sequence[str], channel: str, lead: str,
                  due: datetime) -> tuple[PlannedHit, ...]:
    rules = rng.sample(list(rule_ids), min(len(rule_ids), rng.choice((1, 1, 1, 2, 3))))
    return tuple(PlannedHit(Match(rule, f"rule {rule[1:]}", (lead.split()[0],), snippet=Snippet(lead, ((0, 4),))),
                            (PlannedDelivery(channel, due),)) for rule in rules)


def _item(n: int, feed_id: int, title: str, text: str, when: datetime, hits: tuple[PlannedHit, ...],
          settings) -> RecordItem:  # type: ignore[no-untyped-def]
    url = f"https://outlet{feed_id}.example/{when:%Y/%m/%d}/{n}"
    article = Article(feed_id=feed_id, entry_key=f"history-{n}", canonical_url=url, url=url, title=title,
                      text=text, text_source=TextSource.FULL, lang="en", source=f"Feed {feed_id}", tags=(),
                      published=when, content_hash=hashlib.sha1(text.encode()).hexdigest())
    return RecordItem(article=article, hits=hits, story=story_key(text, title, settings))

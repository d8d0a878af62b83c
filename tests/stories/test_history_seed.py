"""The memory bench's seeded history (bench/history_seed.py) is a story index
the daemon's own record transaction accepts: every article indexed in its
story, counts that agree, nothing left to send, and a new copy of a seeded
story joins it."""

from __future__ import annotations

import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from monitor.config.loader import load_config
from monitor.store import Store
from monitor.stories.key import lsh_params, story_key
from monitor.types import Article, RecordItem

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import history_seed  # noqa: E402

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def test_a_seeded_day_is_an_index_the_daemon_joins(tmp_path: Path) -> None:
    config = tmp_path / "seed.yaml"
    config.write_text(yaml.safe_dump({
        "database": f"sqlite:///{tmp_path / 'seed.db'}",
        "feeds": [{"url": f"https://outlet{n}.example/rss", "name": f"Feed {n}"} for n in range(4)],
        "rules": [{"id": f"r{n}", "query": f"word{n}", "notify": ["hook"]} for n in range(5)],
        "channels": {"hook": {"type": "webhook", "url": "https://hooks.example/in", "timeout": "10s"}},
    }))
    seeded = history_seed.seed_history(config, days=1, per_feed_day=40, rule_ids=[f"r{n}" for n in range(5)],
                                       now=NOW)
    bands, _ = lsh_params(0.4, 128)
    assert seeded.articles == 160 and seeded.indexed == 160 and seeded.bands == 160 * bands
    assert seeded.alone < seeded.stories < seeded.articles and seeded.largest > 1 and seeded.hits > 0

    conn = sqlite3.connect(tmp_path / "seed.db")
    try:
        assert conn.execute("SELECT count(*) FROM article a JOIN story_signature g ON g.article_id = a.id "
                            "WHERE g.story_id != a.story_id").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM story s WHERE s.article_count != "
                            "(SELECT count(*) FROM article a WHERE a.story_id = s.id)").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM sighting").fetchone() == (160,)
        assert conn.execute("SELECT count(*) FROM delivery WHERE status != 'sent'").fetchone() == (0,)
        oldest, newest = conn.execute("SELECT min(created_at), max(created_at) FROM story_signature").fetchone()
        assert str(NOW - timedelta(days=1))[:10] <= oldest[:10] and newest[:16] <= str(NOW)[:16]
        story, text, feed = conn.execute("SELECT a.story_id, a.text, a.feed_id FROM article a JOIN story s "
                                         "ON s.id = a.story_id ORDER BY s.article_count DESC, a.id "
                                         "LIMIT 1").fetchone()
    finally:
        conn.close()

    settings = load_config(config).stories
    store = Store.open(f"sqlite:///{tmp_path / 'seed.db'}")
    try:
        copy = "Updated: " + text + " Reporting by another desk."
        url = "https://outlet0.example/late-copy"
        article = Article(feed_id=feed, entry_key=url, canonical_url=url, url=url, title="A late copy", text=copy,
                          text_source="full", lang="en", source="Feed 0", tags=(), published=NOW, content_hash=url)
        joined = store.record([RecordItem(article, story=story_key(copy, "A late copy", settings))], NOW,
                              stories=settings)
        assert joined.stories == (story,)
    finally:
        store.close()

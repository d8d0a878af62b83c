"""Migration 0011: feeds stored before it (real URLs with `?apikey=...`,
header tokens, errors quoting them) keep their identity and history, and
afterwards no row holds the secret; the next config sync writes each feed's
exact template."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from monitor import feedurl
from monitor.store import Store, migrate
from monitor.types import FeedSpec
from tests.store.builders import T0

KEY = "K3ySecretValue1"
TOKEN = "T0kenSecret99zz"
URL = f"https://news.example/rss?apikey={KEY}"


def _rows_as_text(store: Store) -> str:
    with store._db.engine.connect() as conn:
        feeds = conn.execute(sa.text("SELECT * FROM feed")).all()
    return repr(feeds)


def test_old_feed_rows_lose_their_secrets_and_keep_their_identity(any_url: str, tmp_path: Path) -> None:
    store = Store.open(any_url)
    try:
        migrate.upgrade(store._db.engine, "0010")
        with store._db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO feed (url, configured_url, name, interval_seconds, headers, active, status, "
                "error_count, last_error, backlog_count) VALUES (:u, :u, 'Keyed', 600, :h, true, 'failing', 3, :e, 0)"),
                {"u": URL, "h": f'[["Authorization", "Bearer {TOKEN}"]]',
                 "e": f"cannot connect to {URL}: refused (sent Bearer {TOKEN})"})
        migrate.upgrade(store._db.engine, "head")
        stored = _rows_as_text(store)
        assert KEY not in stored and TOKEN not in stored, stored
        [view] = store.list_feeds()
        assert view.url == "https://news.example/rss?apikey=***" and view.error_count == 3
        assert view.last_error and "cannot connect to https://news.example/rss?apikey=***" in view.last_error

        spec = FeedSpec(url=URL, name="Keyed", interval=timedelta(minutes=10),
                        headers=(("Authorization", f"Bearer {TOKEN}"),), secret_vars=(("NEWS_KEY", KEY),))
        store.sync_feeds([spec], T0)
        [synced] = store.list_feeds()
        assert synced.id == view.id, "the same feed: its history stays"
        with store._db.engine.connect() as conn:
            [(url, key)] = conn.execute(sa.text("SELECT url, configured_key FROM feed")).all()
        assert (url, key) == ("https://news.example/rss?apikey=${NEWS_KEY}", feedurl.key(URL))
        stored = _rows_as_text(store)
        assert KEY not in stored and TOKEN not in stored, stored
    finally:
        store.close()
    if any_url.startswith("sqlite:///"):
        for path in Path(any_url.removeprefix("sqlite:///")).parent.glob("fresh.db*"):
            assert KEY.encode() not in path.read_bytes() and TOKEN.encode() not in path.read_bytes(), path

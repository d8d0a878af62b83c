"""Housekeeping: retention of article text and hits."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

from monitor.app import App, Services
from monitor.clock import FrozenClock
from monitor.config import load_config
from tests.web.conftest import write_config


async def test_retention_prunes_text_but_keeps_hits_and_snippets(tmp_path, server):
    path = write_config(tmp_path, server, retention={"article_text": "30d", "hits": "90d"})
    clock = FrozenClock(datetime.now(timezone.utc))
    async with App(load_config(path), clock=clock, services=Services()) as app:
        await app.once()
        clock.advance(timedelta(days=31))
        done = await app.housekeeping()
        assert done["article_text"] == 2 and done["hits"] == 0
        hits = app.store.list_hits()
        assert len(hits) == 1 and "**" in hits[0].snippet
        clock.advance(timedelta(days=60))
        assert (await app.housekeeping())["hits"] == 1
        assert app.store.list_hits() == []
    texts = sqlite3.connect(tmp_path / "web.db").execute("select text from article").fetchall()
    assert texts == [("",), ("",)]

"""Housekeeping: retention of article text and hits."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

from monitor.runtime.builder import open_runtime
from monitor.clock import FrozenClock
from monitor.config import load_config
from tests.web.conftest import write_config


async def test_retention_prunes_text_but_keeps_hits_and_snippets(tmp_path, server):
    path = write_config(tmp_path, server, retention={"article_text": "30d", "hits": "90d"})
    clock = FrozenClock(datetime.now(timezone.utc))
    async with open_runtime(load_config(path), mode="once", clock=clock) as runtime:
        await runtime.once()
        clock.advance(timedelta(days=31))
        done = await runtime.housekeeping.run()
        assert done["article_text"] == 2 and done["hits"] == 0 and done["index"] == 2  # the story index expires too
        hits = runtime.store.list_hits()
        assert len(hits) == 1 and "**" in hits[0].snippet
        clock.advance(timedelta(days=60))
        assert (await runtime.housekeeping.run())["hits"] == 1
        assert runtime.store.list_hits() == []
    texts = sqlite3.connect(tmp_path / "web.db").execute("select text from article").fetchall()
    assert texts == [("",), ("",)]

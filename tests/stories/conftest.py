"""Fixtures for story clustering tests: the corpus and a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from monitor.clock import FrozenClock
from tests.stories import story_corpus

T0 = datetime(2026, 11, 14, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def samples() -> list[story_corpus.Sample]:
    return story_corpus.samples()


@pytest.fixture(scope="session")
def summaries() -> list[story_corpus.Sample]:
    return story_corpus.summaries()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def db_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path}/stories.db"


@pytest.fixture
def store(db_url: str, clock: FrozenClock) -> Iterator:  # type: ignore[type-arg]
    from monitor.store import Store

    s = Store.open(db_url, clock=clock)
    s.upgrade()
    try:
        yield s
    finally:
        s.close()

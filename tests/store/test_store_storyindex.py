"""The story index's lookup stays bounded however big a story grows (issue
17): each band reads its newest BAND_DEPTH articles through the band's index,
and the MAX_COMPARED articles sharing the most bands are compared.  Same
answer on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
from array import array
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from monitor.store import Store, storyindex
from monitor.stories.key import StoryKey, story_key
from monitor.stories.settings import ClusterSettings
from monitor.types import RecordItem
from tests.stories import story_corpus
from tests.store.builders import T0, article, spec

SETTINGS = ClusterSettings()


def key(bands: tuple[int, ...], seed: int) -> StoryKey:
    """A hand-made key: these bands, a random signature (never similar to another's)."""
    rng = random.Random(seed)
    return StoryKey(bands=bands, signature=array("I", [rng.getrandbits(32) for _ in range(128)]).tobytes())


class Index:
    def __init__(self, store: Store) -> None:
        store.sync_feeds([spec("https://f.example/rss")], T0)
        self.store, self.feed, self.n = store, store.list_feeds()[0].id, 0

    def add(self, story: StoryKey | None, when=T0, title: str = "", text: str = "") -> int:  # type: ignore[no-untyped-def]
        """Record one article with this key; its story id."""
        self.n += 1
        a = article(self.feed, f"a{self.n}")
        if text:
            a = replace(a, title=title, text=text)
        return self.store.record([RecordItem(a, story=story)], when, stories=SETTINGS).stories[0]


@pytest.fixture(autouse=True)
def small_bounds(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Bounds small enough for a test's few hundred articles to pass them many times over."""
    monkeypatch.setattr(storyindex, "BAND_DEPTH", 8)
    monkeypatch.setattr(storyindex, "MAX_COMPARED", 16)
    storyindex._lookup_query.cache_clear()
    yield
    storyindex._lookup_query.cache_clear()


def _candidates(store: Store, k: StoryKey, since=T0 - timedelta(days=1)) -> list[tuple[int, bytes]]:  # type: ignore[no-untyped-def]
    with store._db.engine.connect() as conn:
        return storyindex.candidates(conn, k, since)


def test_the_articles_sharing_the_most_bands_are_compared_newest_first_on_ties(store: Store) -> None:
    index = Index(store)
    probe = key((10, 11, 12, 13, 2, 3, 4, 5), seed=0)
    expired = index.add(key((10, 11, 12, 13, 2, 3, 4, 5), seed=1), when=T0 - timedelta(days=2))
    old = index.add(key((2, 3, 4, 5, 999), seed=2))  # shares 4 bands with the probe
    depth, compared = storyindex.BAND_DEPTH, storyindex.MAX_COMPARED
    crowd = [index.add(key((10 + i % 4, 2000 + i), seed=100 + i)) for i in range(8 * depth)]  # 1 band each
    found = _candidates(store, probe)
    stories = [story for story, _ in found]
    assert old in stories and expired not in stories  # outside the window
    # the expired one shares the most bands: it ranked first, then the window dropped it
    # (it takes a place until the daily expiry deletes it)
    assert len(found) == compared - 1
    # each of the crowd's four bands read its newest `depth` (the newest 4 x depth of
    # the crowd); of those, the newest fill the places after `old`
    assert 4 * depth > compared - 1
    assert sorted(stories) == sorted([old] + crowd[-(compared - 2):])


def _copies(n: int) -> list[tuple[str, str]]:
    """n outlets' copies of one wire story: each drops one of three paragraphs and adds a line of its own."""
    base = story_corpus.bases()[0]
    out = []
    for i in range(n):
        paragraphs = list(base.paragraphs)
        del paragraphs[1 + i % 3]
        out.append((base.title, "\n\n".join(paragraphs) + f"\n\nFiled by outlet number {i} from its newsroom."))
    return out


def _band_rows_read_pg(store: Store, k: StoryKey) -> tuple[int, set[str]]:
    """PostgreSQL: rows the plan read from story_band (EXPLAIN ANALYZE), and how it read them."""
    query, params = storyindex.lookup(k, T0 - timedelta(days=1))
    with store._db.engine.connect() as conn:
        # the statistics autovacuum keeps (31 rows a recorded article cross its threshold
        # all the time); without any, on a small table, PostgreSQL reads the band whole
        conn.exec_driver_sql("ANALYZE story_band")
        conn.exec_driver_sql("ANALYZE story_signature")
        compiled = query.compile(dialect=conn.dialect)
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled),
                                    compiled.construct_params(params)).scalar()
    rows, how = 0, set()
    todo = [(plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]]
    while todo:
        node = todo.pop()
        todo += node.get("Plans", [])
        if node.get("Relation Name") == "story_band":
            rows += node["Actual Rows"] * node["Actual Loops"]
            how.add(f"{node['Node Type']} using {node.get('Index Name')}")  # Index Only Scan: backward or not
    return rows, how


def _sqlite_plan_and_steps(store: Store, k: StoryKey) -> tuple[list[str], int]:
    """SQLite: the query plan's lines about story_band, and the virtual machine
    steps (in thousands) the lookup took (a count of work, not a time)."""
    query, params = storyindex.lookup(k, T0 - timedelta(days=1))
    with store._db.engine.connect() as conn:
        compiled = query.compile(dialect=conn.dialect)
        values = compiled.construct_params(params)
        plan = [row[-1] for row in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled),
            tuple(str(v) if not isinstance(v, int) else v for v in (values[n] for n in compiled.positiontup or ())))]
        raw = conn.connection.dbapi_connection
        steps = [0]

        def count() -> int:
            steps[0] += 1
            return 0

        raw.set_progress_handler(count, 1000)  # type: ignore[union-attr]
        try:
            storyindex.candidates(conn, k, T0 - timedelta(days=1))
        finally:
            raw.set_progress_handler(None, 1000)  # type: ignore[union-attr]
    return [line for line in plan if "story_band" in line], steps[0]


def test_a_story_with_hundreds_of_copies_is_looked_up_with_bounded_work(store: Store) -> None:
    index = Index(store)
    copies = _copies(360)
    keys = [story_key(text, title, SETTINGS) for title, text in copies]
    assert all(k is not None for k in keys)
    bands = len(set(keys[0].bands))  # type: ignore[union-attr]
    first = index.add(keys[0], title=copies[0][0], text=copies[0][1])
    work = {}
    for n, k in enumerate(keys[1:], start=2):
        assert k is not None
        if n in (120, 360):  # the Nth copy's lookup, before it is recorded
            assert len(_candidates(store, k)) <= storyindex.MAX_COMPARED
            if store._db.dialect == "postgresql":
                work[n] = _band_rows_read_pg(store, k)
            else:
                lines, steps = _sqlite_plan_and_steps(store, k)
                assert lines and all(line.startswith("SEARCH") and "INDEX" in line and "(band=?)" in line
                                     for line in lines), lines
                work[n] = steps
        assert index.add(k, title=copies[n - 1][0], text=copies[n - 1][1]) == first, n
    if store._db.dialect == "postgresql":
        # 120 copies: each band's ~70 articles are read whole (a bitmap scan: cheaper at that size);
        # 360: each band's newest 32 from the primary key, newest first, and no more
        rows, how = work[360]
        assert rows <= bands * storyindex.BAND_DEPTH, work
        assert how == {"Index Only Scan using pk_story_band"}, how
    else:
        # three times the copies indexed, about the same work (an unbounded lookup does three times as much)
        assert work[360] <= 1.25 * work[120], work


def test_expiry_forgets_the_articles_indexed_before_the_window_and_only_them(store: Store) -> None:
    index = Index(store)
    old = [index.add(key((1, 2, 3), n), when=T0) for n in range(3)]
    new = [index.add(key((1, 2, 3), 10 + n), when=T0 + timedelta(days=2)) for n in range(2)]
    assert store.expire_story_index(T0 + timedelta(days=1)) == 3
    with store._db.engine.connect() as conn:
        left = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT story_id FROM story_signature")}
        bands = conn.exec_driver_sql("SELECT count(*) FROM story_band").scalar()
    assert left == set(new) and not set(old) & left
    assert bands == 2 * 3  # the old articles' bands went with them
    assert {s for s, _ in _candidates(store, key((1, 2, 3), 99))} == set(new)
    assert store.expire_story_index(T0 + timedelta(days=1)) == 0


def test_expiry_reads_the_band_table_once_however_many_articles_it_forgets(store: Store) -> None:
    """story_band's index leads with the band: a DELETE by article ids scans the
    table, so expiry issues one per table, not one per chunk of ids."""
    from sqlalchemy import event

    index = Index(store)
    items = [RecordItem(article(index.feed, f"bulk{n}"), story=key((n % 7, 100 + n % 5), n)) for n in range(1200)]
    store.record(items, T0, stories=SETTINGS)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(store._db.engine, "before_cursor_execute", seen)
    try:
        assert store.expire_story_index(T0 + timedelta(days=1)) == 1200
    finally:
        event.remove(store._db.engine, "before_cursor_execute", seen)
    assert sum(1 for s in statements if s.lstrip().upper().startswith("DELETE FROM STORY_BAND")) == 1, statements

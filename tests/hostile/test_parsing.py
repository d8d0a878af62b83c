"""Issue 13, feeds that cost the parser minutes or gigabytes: each is refused
before feedparser sees it or stopped within its budget (poll.parse_deadline
CPU seconds, poll.parse_memory bytes), with a clear per-feed error, in a
worker process.  Each case reports its time and peak memory (the table at
the end of the run); workers start from a ~110 MB image they share with the
fork server, so their peak includes that."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from monitor.parse.pool import FeedParser
from tests.hostile import bodies
from tests.hostile.measure import Measurements

URL = "http://feeds.example.com/hostile.xml"
DEADLINE = 2.0  # CPU seconds per feed, as poll.parse_deadline
MEMORY = 400_000_000  # bytes per parse, as poll.parse_memory
WALL = 3 * DEADLINE + 5 + 5  # the pool's wall-clock backstop, plus pickling a 12 MB body on a busy machine
QUAD = bodies.quadratic_entities()
XML = "application/rss+xml"

CASES = {  # name -> (body, content type, expected error kind)
    "entities in EBCDIC (cp037 declared)": (bodies.declared("cp037", QUAD), XML, "dtd"),
    "entities in EBCDIC (cp500 from HTTP)": (QUAD.encode("cp500"), "application/xml; charset=cp500", "dtd"),
    "entities in UTF-7 (declared)": (bodies.declared("utf-7", QUAD), XML, "dtd"),
    "entities in UTF-7 (HTTP charset over prolog)": (
        ('<?xml version="1.0" encoding="utf-8"?>\n' + QUAD).encode("utf-7"), "application/rss+xml; charset=utf-7",
        "dtd"),
    "entities in UTF-16 without BOM": (bodies.declared("utf-16-le", QUAD), XML, "dtd"),
    "entities in UTF-32": (bodies.declared("utf-32", QUAD), XML, "dtd"),
    "EBCDIC feed, no entities": (bodies.declared("cp037", '<rss version="2.0"><channel><title>x</title>'
                                                         "</channel></rss>"), XML, "encoding"),
    "UTF-7 feed, no entities": (bodies.declared("utf-7", '<rss version="2.0"><channel><title>+x</title>'
                                                        "</channel></rss>"), XML, "encoding"),
    "300,000 attributes (3.5 MB)": (bodies.attributes(300_000), XML, "too-complex"),
    "40,000 attributes": (bodies.attributes(40_000), XML, "too-complex"),
    "300,000 unclosed <p> (2.4 MB)": (bodies.unclosed(300_000), "text/plain", "too-complex"),
    "9.8 MB of plain text": (b"word " * 1_960_000, "text/plain", "too-complex"),
    "1,000,000 elements": (bodies.elements(1_000_000), XML, "too-complex"),
    "2,000,000 entity references, loose parser (12 MB)": (bodies.entity_references(), XML, "parse-timeout"),
    "199,000 elements, under every cap": (bodies.elements(199_000), XML, "parse-timeout"),
}


@pytest.fixture
async def parser() -> AsyncIterator[FeedParser]:
    made = FeedParser(workers=1, deadline=DEADLINE, memory=MEMORY)
    assert await made.start()
    try:
        yield made
    finally:
        made.close()


@pytest.mark.parametrize("name", list(CASES))
async def test_a_costly_feed_is_refused_or_stopped_within_its_budget(
        name: str, parser: FeedParser, measured: Measurements) -> None:
    body, content_type, kind = CASES[name]
    with measured.case(f"parse: {name}", pools=[parser.pool]) as case:
        parsed = await parser.parse(body, url=URL, content_type=content_type)
        case.outcome = f"{parsed.error_kind}: {(parsed.error or '')[:60]}"
    assert (parsed.entries, parsed.error_kind) == ((), kind), parsed
    assert parsed.error and len(parsed.error) > 20
    assert case.seconds < WALL, case
    assert case.worker_peak_mb < 160 + MEMORY / 1e6, case  # the shared image + the cap
    assert case.parent_peak_mb < 600, case  # this process: the test's own bodies, no parsing


async def test_a_parse_past_its_memory_cap_is_too_complex(measured: Measurements) -> None:
    small = FeedParser(workers=1, deadline=DEADLINE, memory=35_000_000)
    try:
        with measured.case("parse: 9.5 MB of text, memory capped at 35 MB", pools=[small.pool]) as case:
            parsed = await small.parse(bodies.big_texts(), url=URL)
            case.outcome = f"{parsed.error_kind}: {(parsed.error or '')[:60]}"
        assert parsed.error_kind == "too-complex" and "memory" in (parsed.error or ""), parsed
        assert case.seconds < WALL
        ok = await small.parse(bodies.RSS_OPEN + b"<item><guid>g</guid><title>fine</title></item>"
                               + bodies.RSS_CLOSE, url=URL)
        assert [e.title for e in ok.entries] == ["fine"]  # the worker goes on with the next feed
    finally:
        small.close()

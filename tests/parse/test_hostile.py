"""Issue 5: hostile feeds cost little, never raise, and say what is wrong."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from monitor.parse.feed import parse_feed

from .feeds import item, rss

URL = "https://feeds.example.com/world.xml"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>"""


def quadratic_blowup() -> bytes:
    entity = "A" * 20_000
    refs = "&a;" * 20_000
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss\n[\n<!ENTITY a "{entity}">\n]\n>\n'
            f'<rss version="2.0"><channel><title>{refs}</title>'
            f"<item><title>{refs}</title></item></channel></rss>").encode()


@pytest.mark.parametrize("body", [BILLION_LAUGHS, quadratic_blowup()], ids=["billion-laughs", "quadratic"])
def test_entity_expansion_is_refused_quickly(body: bytes) -> None:
    started = time.perf_counter()
    parsed = parse_feed(body, url=URL, content_type="application/rss+xml")
    assert time.perf_counter() - started < 1.0
    assert parsed.entries == () and parsed.error_kind == "dtd"
    assert "entities" in (parsed.error or "")


def test_entity_declaration_in_utf16_is_refused_too() -> None:
    body = BILLION_LAUGHS.decode().replace('version="1.0"', 'version="1.0" encoding="utf-16"').encode("utf-16")
    assert parse_feed(body, url=URL).error_kind == "dtd"


def _all_text(parsed: object) -> str:
    return repr(parsed)


def test_external_entity_is_refused_and_never_read() -> None:
    body = rss(item(1, guid="g", extra="<author>&xxe;</author>"),
               prolog='<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
    body = body.replace(b"<title>Story 1</title>", b"<title>&xxe;</title>")
    parsed = parse_feed(body, url=URL)
    assert parsed.error_kind == "dtd"
    assert "root:" not in _all_text(parsed)


def test_external_dtd_is_not_fetched_or_read() -> None:
    body = rss(item(1, guid="g"), prolog='<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "file:///etc/passwd">')
    parsed = parse_feed(body, url=URL)
    assert [e.title for e in parsed.entries] == ["Story 1"]
    assert "root:" not in _all_text(parsed)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback port that records whether anyone connected."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.setblocking(False)
        yield server


def test_a_body_that_is_a_path_or_url_is_not_opened(listener: socket.socket) -> None:
    assert Path("/etc/passwd").exists()
    from_path = parse_feed(b"/etc/passwd", url=URL)
    assert from_path.entries == () and from_path.error_kind == "not-a-feed"
    assert "root:" not in _all_text(from_path)
    port = listener.getsockname()[1]
    from_url = parse_feed(f"http://127.0.0.1:{port}/".encode(), url=URL)
    assert from_url.entries == () and from_url.error_kind == "not-a-feed"
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody connected


def test_bozo_feed_keeps_what_it_parsed_and_says_why() -> None:
    body = rss(item(1, guid="a") + item(2, guid="b") + "<item><title>Broken <b>unclosed</title>")
    body = body.replace(b"</channel></rss>", b"")
    parsed = parse_feed(body, url=URL)
    assert [e.key for e in parsed.entries][:2] == ["a", "b"]
    assert parsed.error is None and parsed.warning


def test_empty_body() -> None:
    for body in (b"", b"   \n", b"\xef\xbb\xbf"):
        parsed = parse_feed(body, url=URL)
        assert (parsed.entries, parsed.error_kind) == ((), "empty")


def test_garbage_is_not_a_feed() -> None:
    parsed = parse_feed(b"\x00\x01\x02 binary junk \xff\xfe", url=URL)
    assert parsed.entries == () and parsed.error_kind == "not-a-feed"


def test_ten_thousand_items_are_capped_quickly() -> None:
    body = rss("".join(item(n, guid=f"g{n}", link=f"/a/{n}") for n in range(10_000)))
    started = time.perf_counter()
    parsed = parse_feed(body, url=URL)
    elapsed = time.perf_counter() - started
    print(f"10,000 items: {elapsed:.2f} s")
    assert elapsed < 10
    assert len(parsed.entries) == 1000
    assert parsed.entries[0].key == "g0" and parsed.entries[-1].key == "g999"
    assert parsed.warning == "the feed has 10000 entries; kept the first 1000, dropped 9000"


def test_max_entries_is_a_keyword() -> None:
    body = rss("".join(item(n, guid=f"g{n}") for n in range(30)))
    assert len(parse_feed(body, url=URL, max_entries=5).entries) == 5
    assert parse_feed(body, url=URL, max_entries=50).warning is None


def test_duplicate_guids_first_wins() -> None:
    body = rss(item(1, guid="same") + item(2, guid="same") + item(3, guid="other"))
    parsed = parse_feed(body, url=URL)
    assert [(e.key, e.title) for e in parsed.entries] == [("same", "Story 1"), ("other", "Story 3")]
    assert "1 entries repeated" in (parsed.warning or "")


def test_items_without_links_or_dates_get_a_content_key() -> None:
    body = rss(item(1) + item(2) + item(1))
    parsed = parse_feed(body, url=URL)
    assert [e.link for e in parsed.entries] == ["", ""]
    assert all(e.key.startswith("sha256:") and e.published is None for e in parsed.entries)
    again = parse_feed(body, url=URL)
    assert [e.key for e in again.entries] == [e.key for e in parsed.entries]  # stable between polls


def test_future_dates_are_reported_as_the_feed_says() -> None:
    parsed = parse_feed(rss(item(1, guid="f", extra="<pubDate>Sat, 01 Jan 2150 00:00:00 GMT</pubDate>")), url=URL)
    assert parsed.entries[0].published == datetime(2150, 1, 1, tzinfo=timezone.utc)


def test_nonsense_dates_are_none() -> None:
    parsed = parse_feed(rss(item(1, guid="f", extra="<pubDate>yesterday-ish</pubDate>")), url=URL)
    assert parsed.entries[0].published is None


PAGE = b"""<!DOCTYPE html>
<html><head><title>News</title>
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/rss+xml" title="All news" href="/rss/all.xml">
<link rel="alternate" type="application/atom+xml" href="https://other.example.com/atom">
</head><body><p>Welcome</p></body></html>"""


def test_web_page_names_its_feed() -> None:
    parsed = parse_feed(PAGE, url="https://www.example.com/news/", content_type="text/html; charset=utf-8")
    assert parsed.entries == () and parsed.error_kind == "not-a-feed"
    assert parsed.error is not None
    assert parsed.error.startswith("this is a web page, not a feed; its feed is at https://www.example.com/rss/all.xml")
    assert "https://other.example.com/atom" in parsed.error


def test_web_page_without_feed_link_says_so() -> None:
    page = b"<html><head><title>x</title></head><body><p>No feed here</p></body></html>"
    parsed = parse_feed(page, url="https://www.example.com/", content_type="")
    assert parsed.error == "this is a web page, not a feed, and it names no feed"
    assert parsed.error_kind == "not-a-feed"


def test_web_page_base_href_is_honoured() -> None:
    page = (b'<html><head><base href="https://cdn.example.net/site/">'
            b'<link rel="alternate" type="application/rss+xml" href="feed.xml"></head><body></body></html>')
    parsed = parse_feed(page, url="https://www.example.com/")
    assert "its feed is at https://cdn.example.net/site/feed.xml" in (parsed.error or "")


def test_big_atom_feed_is_cut_before_parsing_and_stays_well_formed() -> None:
    entries = "".join(f"<entry><id>tag:x.org,2024:{n}</id><title>Entry {n}</title><link href='/e/{n}'/></entry>"
                      for n in range(5000))
    body = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Big</title>{entries}</feed>'
    parsed = parse_feed(body.encode(), url=URL, max_entries=100)
    assert [e.key for e in parsed.entries] == [f"tag:x.org,2024:{n}" for n in range(100)]
    assert parsed.title == "Big"
    assert parsed.warning == "the feed has 5000 entries; kept the first 100, dropped 4900"  # no XML error


def test_pathological_markup_in_content_does_not_raise() -> None:
    deep = "<div>" * 50_000 + "deep"
    body = rss(f"<item><guid>g</guid><description><![CDATA[{deep}]]></description></item>"
               f"<item><guid>h</guid><description><![CDATA[\x01<p>ctl&#0;</p>]]></description></item>")
    parsed = parse_feed(body, url=URL)
    assert parsed.error is None and len(parsed.entries) == 2

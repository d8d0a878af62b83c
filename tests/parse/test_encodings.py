"""Wrong, missing and lying charsets still give readable text, never an exception."""

from __future__ import annotations

import codecs

from monitor.parse.feed import parse_feed

URL = "https://feeds.example.com/x.xml"


def feed_text(title: str, body: str, declaration: str) -> str:
    return (f'<?xml version="1.0"{declaration}?>\n<rss version="2.0"><channel><title>{title}</title>'
            f'<item><guid>g1</guid><title>{title}</title><description>{body}</description></item>'
            "</channel></rss>")


def test_windows_1252_with_declaration() -> None:
    body = feed_text("China’s café", "Déjà vu – “quoted”", ' encoding="windows-1252"').encode("cp1252")
    entry = parse_feed(body, url=URL, content_type="application/rss+xml").entries[0]
    assert (entry.title, entry.summary) == ("China’s café", "Déjà vu – “quoted”")


def test_shift_jis() -> None:
    body = feed_text("北朝鮮に特使", "習近平国家主席が特使を派遣", ' encoding="Shift_JIS"').encode("shift_jis")
    entry = parse_feed(body, url=URL).entries[0]
    assert (entry.title, entry.summary) == ("北朝鮮に特使", "習近平国家主席が特使を派遣")


def test_utf8_bom_without_declaration() -> None:
    body = codecs.BOM_UTF8 + feed_text("Łódź ünïcode", "naïve", "").encode("utf-8")
    assert parse_feed(body, url=URL).entries[0].title == "Łódź ünïcode"


def test_charset_from_the_http_header() -> None:
    body = feed_text("Посланник", "Китай направляет посланника", "").encode("cp1251")
    parsed = parse_feed(body, url=URL, content_type="application/rss+xml; charset=windows-1251")
    assert parsed.entries[0].title == "Посланник"


def test_a_declaration_that_lies() -> None:
    body = feed_text("Café Zürich", "Crème brûlée", ' encoding="utf-8"').encode("latin-1")
    parsed = parse_feed(body, url=URL)
    assert parsed.error is None
    entry = parsed.entries[0]
    assert entry.title == "Café Zürich" and entry.summary == "Crème brûlée"
    assert parsed.warning  # the override is reported


def test_utf16_feed() -> None:
    body = feed_text("UTF-16 title", "text", ' encoding="utf-16"').encode("utf-16")
    assert parse_feed(body, url=URL).entries[0].title == "UTF-16 title"

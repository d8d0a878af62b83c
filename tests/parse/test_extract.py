"""Full text in worker processes: the seed article, charsets, bad pages, deadlines."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

from monitor.extract.decode import decode_html
from monitor.extract.page import Extracted, extract_html
from monitor.extract.pool import Extractor

RUSSIAN = [
    "Председатель КНР Си Цзиньпин направляет в Северную Корею высокопоставленного дипломата "
    "в качестве специального посланника, сообщает агентство Синьхуа.",
    "Сун Тао, возглавляющий международный отдел ЦК Компартии Китая, должен рассказать "
    "о результатах девятнадцатого съезда партии, прошедшего в октябре.",
    "Визит состоится через неделю после того, как Си Цзиньпин встретился с Дональдом Трампом "
    "во время государственного визита американского президента в Пекин.",
]


def page(paragraphs: list[str], *, head: str = '<meta charset="utf-8">', title: str = "Title") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>{title}</h1>{body}</article>"
            f"<footer>Copyright 2024 Example News</footer></body></html>")


async def test_seed_article_page(extractor: Extractor, seeds: Path) -> None:
    body = (seeds / "000_80eb8aaf9f9dd6d1.html").read_bytes()
    got = await extractor.extract(body, url="file:///seeds/000_80eb8aaf9f9dd6d1.html", content_type="text/html")
    assert got is not None
    assert got.title == "China’s Xi dispatches special envoy to North Korea"
    assert got.lang == "en" and got.pagetype == "article"
    source = (seeds / "000_80eb8aaf9f9dd6d1.txt").read_text(encoding="utf-8").split("\n\n")
    article = [p.strip() for p in source if p.strip()][:11]
    assert got.text.split("\n\n") == article  # every paragraph, in order, nothing else
    for chrome in ("Comments are closed", "Reader from Seoul", "Subscribe", "Most read", "All rights reserved"):
        assert chrome not in got.text


async def test_koi8r_page_named_by_meta_charset(extractor: Extractor) -> None:
    html = page(RUSSIAN, head='<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">',
                title="Си Цзиньпин направляет посланника")
    got = await extractor.extract(html.encode("koi8-r"), url="https://ru.example.com/a")
    assert got is not None and got.lang == "ru"
    assert RUSSIAN[0] in got.text
    assert got.title == "Си Цзиньпин направляет посланника"


async def test_pages_with_nothing_article_like_give_none(extractor: Extractor) -> None:
    for body in (b"", b"   ", b"<html><body><p>Too short.</p></body></html>",
                 b"\x00\xff\xfe binary \x89PNG\r\n", b"<html><body><div><div><div>",
                 b"<?xml version='1.0'?><rss><channel/></rss>"):
        assert await extractor.extract(body, url="https://example.com/x") is None


async def test_a_stuck_page_does_not_block_the_pool() -> None:
    with Extractor(workers=1, deadline=2.0) as extractor:
        html = page(["A paragraph that is long enough to count as an article body, " * 5]).encode()
        assert await extractor.extract(html, url="https://example.com/warm") is not None
        started = time.perf_counter()
        assert await extractor._run(time.sleep, 120) is None  # a worker stuck for two minutes
        assert time.perf_counter() - started < 10
        assert extractor.recycled == 1
        recovered = await extractor.extract(html, url="https://example.com/next")
        assert isinstance(recovered, Extracted)


def test_decode_html_charset_sources() -> None:
    text = "Посланник в Пхеньяне"
    koi = f"<html><head><meta charset='koi8-r'></head><body>{text}</body></html>".encode("koi8-r")
    assert text in decode_html(koi)
    # the HTTP header wins over a <meta> that disagrees
    cp = f"<meta charset='koi8-r'><p>{text}</p>".encode("cp1251")
    assert text in decode_html(cp, "text/html; charset=windows-1251")
    # a BOM wins over everything
    assert decode_html(codecs.BOM_UTF8 + "Zürich".encode(), "text/html; charset=koi8-r") == "Zürich"
    # latin-1 labels mean windows-1252, as in browsers
    assert decode_html("“quote”".encode("cp1252"), "text/html; charset=ISO-8859-1") == "“quote”"
    # unknown label: UTF-8 with replacement, no exception
    assert decode_html(b"caf\xe9 ok", "text/html; charset=nonsense-42") == "caf\ufffd ok"


def test_extract_html_is_usable_without_the_pool() -> None:
    got = extract_html(page(RUSSIAN, title="Заголовок статьи"), "https://ru.example.com/b")
    assert got is not None and got.text.count("\n\n") == 2 and got.lang == "ru"


async def test_a_long_queue_does_not_count_against_the_deadline(seeds: Path) -> None:
    """More pages at once than the workers can finish within one deadline:
    each page is quick, so none may come back empty (the deadline measures a
    page's own processing, not its wait in the queue), and the pool is never
    replaced."""
    import asyncio

    body = (seeds / "000_80eb8aaf9f9dd6d1.html").read_bytes()
    with Extractor(workers=2, deadline=0.5) as extractor:
        assert await extractor.start()
        started = time.monotonic()
        results = await asyncio.gather(*(extractor.extract(body, url=f"https://example.com/{i}")
                                         for i in range(400)))
        elapsed = time.monotonic() - started
    assert all(r is not None for r in results)
    assert extractor.recycled == 0
    assert elapsed > 0.5  # the queue really was longer than one deadline

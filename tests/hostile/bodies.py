"""Feed documents built to be expensive to parse (issue 13), as bytes.

Each is small enough to arrive within fetch.max_bytes and costs feedparser
alone minutes or gigabytes; the daemon must refuse it or stop it within its
budget."""

from __future__ import annotations

HEAD = '<?xml version="1.0" encoding="{enc}"?>\n'
RSS_OPEN = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
RSS_CLOSE = b"</channel></rss>"


def quadratic_entities(count: int = 20_000) -> str:
    """One 20 KB entity referenced `count` times: 400 M characters if expanded."""
    return ('<!DOCTYPE rss [\n<!ENTITY a "' + "A" * 20_000 + '">\n]>\n<rss version="2.0"><channel><title>'
            + "&a;" * count + "</title><item><title>&a;</title></item></channel></rss>")


def declared(encoding: str, text: str) -> bytes:
    """`text` with an XML declaration naming `encoding`, encoded in it."""
    return (HEAD.format(enc=encoding) + text).encode(encoding)


def attributes(count: int) -> bytes:
    return (RSS_OPEN + b"<item " + b" ".join(b'a%d="x"' % i for i in range(count))
            + b"><title>x</title></item>" + RSS_CLOSE)


def unclosed(count: int) -> bytes:
    return b"<p>word " * count


def elements(count: int) -> bytes:
    return RSS_OPEN + b"<item><title>x</title>" + b"<x>w</x>" * count + b"</item>" + RSS_CLOSE


def entity_references(runs: int = 8, per_run: int = 250_000) -> bytes:
    """Under every cap, and ill-formed so the loose parser reads it: ~1 s per MB."""
    text = b"&amp; " * per_run
    return RSS_OPEN + b"".join(b"<item><title>x</title><description>" + text + b"</description></item>"
                               for _ in range(runs)) + RSS_CLOSE + b"<broken"


def big_texts(runs: int = 5, size: int = 1_900_000) -> bytes:
    """Several texts just under the text cap: memory, not structure."""
    return RSS_OPEN + b"".join(b"<item><title>x</title><description>" + b"word " * (size // 5)
                               + b"</description></item>" for _ in range(runs)) + RSS_CLOSE

"""`feeds add URL`: the feed a URL means.  A feed is itself; a web page names
its feeds in `<link rel="alternate">`; failing that, the common paths of
blogs and CMSs on its site are tried."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from monitor.parse.discovery import feed_links, looks_like_html
from monitor.parse.feed import parse_feed

COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feeds/posts/default",
                "/?feed=rss2")


@dataclass(frozen=True)
class Discovered:
    url: str | None  # the feed's URL, None when none was found
    title: str = ""
    tried: tuple[str, ...] = ()
    error: str | None = None


async def _feed_at(fetcher, url: str) -> tuple[str | None, str, bytes, str]:  # type: ignore[no-untyped-def]
    """(feed URL or None, its title, the body, an error)."""
    got = await fetcher.fetch_feed(url, etag=None, last_modified=None)
    if got.error:
        return None, "", b"", got.error
    if looks_like_html(got.body, got.content_type):
        return None, "", got.body, ""
    parsed = parse_feed(got.body, url=got.url, content_type=got.content_type, max_entries=1)
    if parsed.error:
        return None, "", b"", parsed.error
    return got.permanent_url or got.url, parsed.title, b"", ""


async def discover(fetcher, url: str) -> Discovered:  # type: ignore[no-untyped-def]
    tried = [url]
    found, title, page, error = await _feed_at(fetcher, url)
    if found:
        return Discovered(found, title, tuple(tried))
    candidates = feed_links(page, url) if page else []
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        site = f"{parts.scheme}://{parts.netloc}"
        candidates += [urljoin(site, p) for p in COMMON_PATHS]
    for candidate in dict.fromkeys(candidates):
        if candidate in tried:
            continue
        tried.append(candidate)
        found, title, _, _ = await _feed_at(fetcher, candidate)
        if found:
            return Discovered(found, title, tuple(tried))
    return Discovered(None, "", tuple(tried), error=error or "no feed found")

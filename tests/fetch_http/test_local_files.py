from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from monitor.fetch.http import Fetcher

from .conftest import RSS


async def test_file_feed_is_read_and_then_not_modified(fetcher: Fetcher, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    written = time.time() - 10
    os.utime(feed, (written, written))
    first = await fetcher.fetch_feed(feed.as_uri(), etag=None, last_modified=None)
    assert first.error is None and first.body == RSS and first.content_type == "application/xml"
    again = await fetcher.fetch_feed(feed.as_uri(), etag=None, last_modified=first.last_modified)
    assert again.not_modified and again.error is None


async def test_a_file_rewritten_within_the_second_it_was_read_is_read_again(fetcher: Fetcher,
                                                                            tmp_path: Path) -> None:
    """Last-Modified has whole seconds: a file read in the second it was
    written may change again in that second with the same Last-Modified."""
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    written = time.time()
    os.utime(feed, (written, written))
    first = await fetcher.fetch_feed(feed.as_uri(), etag=None, last_modified=None)
    assert first.body == RSS and first.last_modified is None  # too fresh to vouch for
    changed = RSS.replace(b"</channel>", b"<item><title>Late</title><guid>late</guid></item></channel>")
    feed.write_bytes(changed)
    os.utime(feed, (written, written))  # the same mtime as before, as a writer within that second leaves it
    again = await fetcher.fetch_feed(feed.as_uri(), etag=None, last_modified=first.last_modified)
    assert not again.not_modified and again.body == changed


async def test_relative_file_url_is_from_the_working_directory(fetcher: Fetcher, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "seed.xml").write_bytes(RSS)
    monkeypatch.chdir(tmp_path / "seeds")
    result = await fetcher.fetch_feed("file:../seeds/seed.xml", etag=None, last_modified=None)
    assert result.body == RSS


async def test_missing_file(fetcher: Fetcher, tmp_path: Path) -> None:
    result = await fetcher.fetch_feed((tmp_path / "nope.xml").as_uri(), etag=None, last_modified=None)
    assert result.error_kind == "file" and "nope.xml" in (result.error or "")


async def test_file_over_the_cap(fetcher: Fetcher, tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 1_000_001)
    result = await fetcher.fetch_feed(big.as_uri(), etag=None, last_modified=None)
    assert result.error_kind == "too-large" and result.body == b""


async def test_empty_file(fetcher: Fetcher, tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    result = await fetcher.fetch_feed(empty.as_uri(), etag=None, last_modified=None)
    assert result.error_kind == "empty"


async def test_directory_is_not_a_feed(fetcher: Fetcher, tmp_path: Path) -> None:
    result = await fetcher.fetch_feed(tmp_path.as_uri(), etag=None, last_modified=None)
    assert result.error_kind == "file"


def _outside_links(tmp_path: Path) -> dict[str, str]:
    secrets = tmp_path / "secrets"
    return {"relative up": f"file:{tmp_path / 'feeds'}/../secrets/x.html",
            "absolute": (secrets / "x.html").as_uri(),
            "localhost": "file://localhost" + str(secrets / "x.html"),
            "single slash": "file:" + str(secrets / "x.html"),
            "encoded dots": (tmp_path / "feeds").as_uri() + "/%2e%2e/secrets/x.html",
            "symlink out": (tmp_path / "feeds" / "link.html").as_uri()}


@pytest.mark.parametrize("kind", ["relative up", "absolute", "localhost", "single slash", "encoded dots",
                                  "symlink out"])
async def test_a_file_feeds_links_are_confined_to_its_directory(fetcher: Fetcher, tmp_path: Path,
                                                                kind: str) -> None:
    (tmp_path / "feeds").mkdir()
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "x.html").write_text("secret")
    (tmp_path / "feeds" / "link.html").symlink_to(tmp_path / "secrets" / "x.html")
    feed = (tmp_path / "feeds" / "feed.xml").as_uri()
    result = await fetcher.fetch_page(_outside_links(tmp_path)[kind], feed_file=feed)
    assert result.error_kind == "blocked" and result.body == b"", result
    assert "outside" in (result.error or "")


async def test_a_fifo_beside_the_feed_is_refused_without_blocking(fetcher: Fetcher, tmp_path: Path) -> None:
    import asyncio
    import os

    os.mkfifo(tmp_path / "pipe.html")
    try:
        result = await asyncio.wait_for(
            fetcher.fetch_page((tmp_path / "pipe.html").as_uri(), feed_file=(tmp_path / "f.xml").as_uri()), 10)
    finally:  # release a reader stuck in open() (the bug), so the test ends either way
        try:
            os.close(os.open(tmp_path / "pipe.html", os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    assert result.error_kind == "file" and "not a regular file" in (result.error or "")


async def test_a_file_dated_in_the_future_is_still_not_modified_when_unchanged(fetcher: Fetcher,
                                                                             tmp_path: Path) -> None:
    """A clock's skew (a network file system) is not a fresh write: no reading it whole every poll."""
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    ahead = time.time() + 3600
    os.utime(feed, (ahead, ahead))
    first = await fetcher.fetch_feed(feed.as_uri(), etag=None, last_modified=None)
    again = await fetcher.fetch_feed(feed.as_uri(), etag=None, last_modified=first.last_modified)
    assert first.last_modified is not None and again.not_modified

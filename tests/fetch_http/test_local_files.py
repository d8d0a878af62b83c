from __future__ import annotations

from pathlib import Path

import pytest

from monitor.fetch.http import Fetcher

from .conftest import RSS


async def test_file_feed_is_read_and_then_not_modified(fetcher: Fetcher, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    first = await fetcher.fetch_feed(feed.as_uri(), etag=None, last_modified=None)
    assert first.error is None and first.body == RSS and first.content_type == "application/xml"
    again = await fetcher.fetch_feed(feed.as_uri(), etag=None, last_modified=first.last_modified)
    assert again.not_modified and again.error is None


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

"""Issue 13, item 6: a `file:` feed's article links are written by whoever
writes the feed file.  They may name only regular files in the feed file's
own directory: `../x`, absolute paths, `file://localhost/...`, `file:/...`,
percent-encoded `..` and symlinks out are refused, and a FIFO (or any file
that is not regular) is refused at once instead of hanging `once`."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

from monitor.runtime.builder import open_runtime
from tests.e2e.servers import page
from tests.hostile.feeds import item, rss
from tests.hostile.measure import Measurements

SECRET = "SECRETMARKER"
GOOD = ["The quokka census on Rottnest Island counted twelve thousand animals this spring.",
        "Rangers said the count was the highest since records began, thanks to a wet winter.",
        "The island's authority will publish the full census report next month."]


def _layout(tmp_path: Path) -> tuple[Path, Path, Path]:
    feeds, secrets = tmp_path / "feeds", tmp_path / "secrets"
    feeds.mkdir()
    secrets.mkdir()
    for name in "abcdef":
        (secrets / f"{name}.html").write_text(page(f"{SECRET} {name}", [f"{SECRET} {name} " * 20] * 3))
    (feeds / "sneaky.html").symlink_to(secrets / "e.html")
    fifo = feeds / "pipe.html"
    os.mkfifo(fifo)
    (feeds / "good.html").write_text(page("Quokka census", GOOD))
    links = {
        "relative up": "../secrets/a.html",
        "absolute": (secrets / "b.html").as_uri(),
        "localhost": "file://localhost" + str(secrets / "c.html"),
        "single slash": "file:" + str(secrets / "d.html"),
        "symlink out": "sneaky.html",
        "encoded dots": "%2e%2e/secrets/f.html",
        "fifo": "pipe.html",
        "good": "good.html",
    }
    feed = feeds / "feed.xml"
    feed.write_text(rss("".join(item(f"Local link: {name}", guid=name, link=link, text=f"feed text {name}")
                                for name, link in links.items())))
    return feed, fifo, secrets


async def test_file_feed_links_stay_in_the_feed_directory(tmp_path: Path, config_for,  # type: ignore[no-untyped-def]
                                                           measured: Measurements) -> None:
    feed, fifo, _ = _layout(tmp_path)
    config = config_for([{"name": "local", "url": feed.as_uri()}])
    try:
        async with open_runtime(config, mode="once") as app:
            with measured.case("once: file feed with links out of its directory and a FIFO",
                               pools=[app.live.current().extractor.pool]) as case:
                cycle = await asyncio.wait_for(app.once(), timeout=60)
                case.outcome = f"{len(cycle.outcomes)} outcome"
            assert case.seconds < 60
    finally:
        _unblock(fifo)
    stored = (tmp_path / "hostile.db").read_bytes()
    for wal in tmp_path.glob("hostile.db-*"):
        stored += wal.read_bytes()
    assert SECRET.encode() not in stored
    assert b"twelve thousand animals" in stored  # the file beside the feed was read and extracted


def _unblock(fifo: Path) -> None:
    """A reader stuck in open() of the FIFO (the bug) is released by a writer."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

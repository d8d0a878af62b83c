"""file: feeds (the operator's own files, e.g. the bundled seed) read with the
same size cap as HTTP bodies and a Last-Modified from the file's mtime, so a
conditional poll of an unchanged file is `not_modified`.  Last-Modified has
whole seconds: a file changed less than a second before it was read could
change again within the same second unseen, so it gets no Last-Modified and
the next poll reads it whole (the "racy timestamp" problem of git's index).

A file feed's article links are written by whoever writes the feed file, so
they are confined: a `file:` link is read only when its real path (symlinks
resolved) lies inside the feed file's own directory; `../x`, `/tmp/x`,
`file://localhost/etc/x` and `file:/x` outside it are refused.  Every file is
opened without blocking (O_NONBLOCK: a FIFO or a device answers at once
instead of hanging the poll) and read only when it is a regular file.

>>> confined("file:///srv/feeds/a.html", "file:///srv/feeds/feed.xml").as_posix()
'/srv/feeds/a.html'
>>> confined("file:///etc/passwd", "file:///srv/feeds/feed.xml")
Traceback (most recent call last):
...
PermissionError: file:///etc/passwd is outside /srv/feeds, the directory of the feed file; a file feed's links may only name files beside it
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import stat
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from monitor.fetch.politeness import format_http_date
from monitor.types import FetchResult

# A file whose mtime is this recent may still change within its mtime's second.
RACY_SECONDS = 1.0


def file_path(url: str) -> Path:
    """`file:///abs/x.xml`, `file:/abs/x.xml` or `file:rel/x.xml` (relative to
    the working directory) as a path; other hosts than localhost are refused."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        raise ValueError(f"{url!r} is not a file: URL")
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"{url!r} names host {parts.netloc!r}; file: URLs must be local, "
                         "e.g. file:///srv/feeds/a.xml")
    return Path(unquote(parts.path))


def confined(url: str, feed_url: str) -> Path:
    """The real path of `url`, a file feed's article link, when it lies inside
    the directory of the feed file `feed_url`; PermissionError otherwise."""
    root = os.path.realpath(os.path.dirname(file_path(feed_url)))
    path = os.path.realpath(file_path(url))
    if os.path.commonpath([root, path]) != root:
        raise PermissionError(f"{url} is outside {root}, the directory of the feed file; "
                              "a file feed's links may only name files beside it")
    return Path(path)


def _read(path: Path, max_bytes: int) -> tuple[bytes, float]:
    # O_NONBLOCK: opening a FIFO with no writer (or a device) must not wait
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb", closefd=True) as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise IsADirectoryError(f"{path} is not a regular file")
        if info.st_size > max_bytes:
            return b"", -1.0
        data = handle.read(max_bytes + 1)
    return data, info.st_mtime


async def read_local(url: str, *, max_bytes: int, last_modified: str | None = None,
                     inside_of: str | None = None) -> FetchResult:
    """Read a file: URL; with `inside_of` (a file feed's URL) only a file in
    that feed file's directory."""
    started = time.monotonic()
    try:
        path = file_path(url) if inside_of is None else confined(url, inside_of)
        data, mtime = await asyncio.to_thread(_read, path, max_bytes)
    except PermissionError as exc:
        if exc.strerror:  # the system's refusal, not ours
            return _unreadable(url, exc.strerror, started)
        return FetchResult(url=url, status=0, error=str(exc), error_kind="blocked",
                           elapsed=time.monotonic() - started)
    except (OSError, ValueError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return _unreadable(url, detail, started)
    elapsed = time.monotonic() - started
    if mtime < 0 or len(data) > max_bytes:
        return FetchResult(url=url, status=0, error_kind="too-large", elapsed=elapsed,
                           error=f"{url} is larger than fetch.max_bytes={max_bytes}")
    racy = abs(time.time() - mtime) < RACY_SECONDS  # (an mtime in the future is a clock's skew: not racy)
    stamp = None if racy else format_http_date(datetime.fromtimestamp(mtime, timezone.utc))
    if stamp is not None and last_modified == stamp:
        return FetchResult(url=url, status=304, not_modified=True, last_modified=stamp,
                           elapsed=elapsed)
    if not data:
        return FetchResult(url=url, status=200, error_kind="empty", elapsed=elapsed,
                           last_modified=stamp, error=f"{url} is empty")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FetchResult(url=url, status=200, body=data, content_type=content_type,
                       last_modified=stamp, elapsed=elapsed)


def _unreadable(url: str, detail: str, started: float) -> FetchResult:
    return FetchResult(url=url, status=0, error=f"cannot read {url}: {detail}; check the "
                       "feed's url (a relative file: path is read from the config file's directory)",
                       error_kind="file", elapsed=time.monotonic() - started)

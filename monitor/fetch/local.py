"""file: feeds (the operator's own files, e.g. the bundled seed) read with the
same size cap as HTTP bodies and a Last-Modified from the file's mtime, so a
conditional poll of an unchanged file is `not_modified`."""

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


def _read(path: Path, max_bytes: int) -> tuple[bytes, float]:
    with open(path, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise IsADirectoryError(f"{path} is not a regular file")
        if info.st_size > max_bytes:
            return b"", -1.0
        data = handle.read(max_bytes + 1)
    return data, info.st_mtime


async def read_local(url: str, *, max_bytes: int, last_modified: str | None = None) -> FetchResult:
    started = time.monotonic()
    try:
        path = file_path(url)
        data, mtime = await asyncio.to_thread(_read, path, max_bytes)
    except (OSError, ValueError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return FetchResult(url=url, status=0, error=f"cannot read {url}: {detail}; check the "
                           "feed's url (relative paths are from the working directory)",
                           error_kind="file", elapsed=time.monotonic() - started)
    elapsed = time.monotonic() - started
    if mtime < 0 or len(data) > max_bytes:
        return FetchResult(url=url, status=0, error_kind="too-large", elapsed=elapsed,
                           error=f"{url} is larger than fetch.max_bytes={max_bytes}")
    stamp = format_http_date(datetime.fromtimestamp(mtime, timezone.utc))
    if last_modified == stamp:
        return FetchResult(url=url, status=304, not_modified=True, last_modified=stamp,
                           elapsed=elapsed)
    if not data:
        return FetchResult(url=url, status=200, error_kind="empty", elapsed=elapsed,
                           last_modified=stamp, error=f"{url} is empty")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FetchResult(url=url, status=200, body=data, content_type=content_type,
                       last_modified=stamp, elapsed=elapsed)

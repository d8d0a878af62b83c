"""Appending feeds to a `feed_files:` file as text, so its comments and
layout stay as the operator wrote them (`feeds add`, `feeds import`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def entry_line(entry: dict[str, Any]) -> str:
    """One flow-style YAML list item (JSON is YAML: quoting is always right).

    >>> entry_line({"url": "https://example.com/rss", "name": "Wire: world", "tags": ["a"]})
    '  - {url: "https://example.com/rss", name: "Wire: world", tags: ["a"]}'
    """
    return "  - {" + ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in entry.items()) + "}"


def append_feeds(path: Path, entries: Sequence[dict[str, Any]]) -> str | None:
    """Append `entries` to the `feeds:` list at the end of `path` (made when
    missing).  Returns the previous text (None: the file was new), for undo."""
    before = path.read_text(encoding="utf-8") if path.exists() else None
    text = before if before is not None and before.strip() else "feeds:\n"
    if not text.endswith("\n"):
        text += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "".join(entry_line(e) + "\n" for e in entries), encoding="utf-8")
    return before


def restore(path: Path, before: str | None) -> None:
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(before, encoding="utf-8")

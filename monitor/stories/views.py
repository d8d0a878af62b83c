"""What `news-monitor stories` (and the API) show about a story."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.units import iso


@dataclass(frozen=True)
class StoryView:
    id: int
    title: str
    first_seen_at: datetime | None
    article_count: int
    outlets: tuple[str, ...]  # feed names, in the order they carried the story
    rules: tuple[str, ...]  # ids of the rules that matched the story
    urls: tuple[str, ...] = ()  # one per article, oldest first

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "first_seen_at": iso(self.first_seen_at),  # the one JSON view of a story (CLI and API)
            "article_count": self.article_count,
            "outlets": list(self.outlets),
            "rules": list(self.rules),
            "urls": list(self.urls),
        }

"""What `news-monitor stories` (and the API) show about a story."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
            "first_seen_at": self.first_seen_at.isoformat() if self.first_seen_at else None,
            "article_count": self.article_count,
            "outlets": list(self.outlets),
            "rules": list(self.rules),
            "urls": list(self.urls),
        }

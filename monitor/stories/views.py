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


@dataclass(frozen=True)
class StoryArticle:
    """One sighting of a story's article: which outlet carried it, when, and
    how long its text is (0 when retention pruned it or the feed gave none)."""

    article_id: int
    outlet: str
    seen_at: datetime | None
    title: str
    url: str
    words: int
    published: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "outlet": self.outlet, "seen_at": iso(self.seen_at),
                "title": self.title, "url": self.url, "words": self.words, "published": iso(self.published)}


@dataclass(frozen=True)
class StoryDetail:
    """A story's page (desk) and GET /api/stories/<id>: the story, its
    sightings in arrival order, its hits, the follow-ups sent for them."""

    story: StoryView
    muted_at: datetime | None
    articles: tuple[StoryArticle, ...]
    hits: tuple[Any, ...]  # monitor.types.HitView
    follow_ups: tuple[Any, ...]  # monitor.types.DeliveryView (kind follow-up)

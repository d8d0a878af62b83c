"""Near-duplicate story clustering (issue 6): MinHash LSH over word shingles
of each article's extracted text.  Copies of one story (syndicated wire text,
different headlines, boilerplate, a cut paragraph, light edits) join one
story; different stories on the same topic stay apart.  See docs/stories.md.

    clusterer = StoryClusterer(ClusterSettings())
    clusterer.rebuild(store.recent_story_rows(now - clusterer.settings.window))
    story_id = clusterer.find(article.text, article.title)   # None: a new story
    ... store.record(...) assigns ids ...
    clusterer.add(story_id, key, article.text, article.title, now)
    clusterer.expire(now)
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "IndexRow": "clusterer", "Nearest": "clusterer", "StoryClusterer": "clusterer", "group_batch": "clusterer",
    "DEFAULT_THRESHOLD": "settings", "ClusterSettings": "settings", "signature": "sign", "similarity": "sign",
    "normalise_words": "text", "shingles": "text", "signed_words": "text", "StoryView": "views",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """Imported on first use: datasketch (and scipy under it) costs ~1 s, and
    commands such as `healthcheck` never need it."""
    if name in _HOMES:
        return getattr(importlib.import_module(f"monitor.stories.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'monitor.stories' has no attribute {name!r}")

"""Near-duplicate story clustering: MinHash LSH over word shingles of each
article's extracted text.  Copies of one story (syndicated wire text,
different headlines, boilerplate, a cut paragraph, light edits) join one
story; different stories on the same topic stay apart.  See docs/stories.md.

    key = story_key(article.text, article.title, ClusterSettings())  # bands + signature
    store.record([RecordItem(article, hits, key)], now, stories=settings)
        # the store looks the key up in its index (monitor.store.storyindex) inside
        # the record transaction: the article joins the best story >= threshold
        # within the window, or starts one; then its key is indexed
    store.expire_story_index(now - settings.window)
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "StoryKey": "key", "story_key": "key", "best_story": "key", "lsh_params": "key",
    "DEFAULT_THRESHOLD": "settings", "ClusterSettings": "settings", "signature": "sign", "similarity": "sign",
    "normalise_words": "text", "shingles": "text", "signed_words": "text", "StoryView": "views",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """Imported on first use: numpy and the story modules cost ~0.2 s, and
    commands such as `healthcheck` never need it."""
    if name in _HOMES:
        return getattr(importlib.import_module(f"monitor.stories.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'monitor.stories' has no attribute {name!r}")
